//! Passwords (argon2id), session tokens (JWT, HS256), e-mail link tokens, and the one place
//! where permissions are decided. Every page, server function and API handler asks here.

use crate::error::AppError;
use crate::model::account::Role;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "mitreden_session";
/// How long a login lasts before the person signs in again.
pub const SESSION_DAYS: i64 = 14;

/// What a person may do. Roles are decided here and nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Propose, comment, vote, report: needs a verified address.
    Contribute,
    Moderate,
    Plan,
    ManageUsers,
}

/// The person behind a request, once their session has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentUser {
    pub id: i64,
    pub session_id: String,
    pub role: Role,
    pub verified: bool,
    /// A moderator blocked them: they read, but do not contribute.
    pub blocked: bool,
}

impl CurrentUser {
    pub fn can(&self, permission: Permission) -> bool {
        match permission {
            Permission::Contribute => self.verified && !self.blocked,
            Permission::Moderate => matches!(self.role, Role::Moderator | Role::Admin),
            Permission::Plan => self.role.plans(),
            Permission::ManageUsers => self.role == Role::Admin,
        }
    }

    /// `Forbidden` when the role does not allow it; an unverified address gets its own
    /// message so the person knows what to do.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.can(permission) {
            Ok(())
        } else if permission == Permission::Contribute && self.blocked {
            Err(AppError::invalid("account", "blocked"))
        } else if permission == Permission::Contribute {
            Err(AppError::invalid("email", "not_verified"))
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The session token of a request: `Authorization: Bearer …`, else the session cookie.
pub fn session_token(headers: &http::HeaderMap) -> Option<String> {
    let bearer = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    bearer.or_else(|| cookie(headers, SESSION_COOKIE))
}

/// A non-empty cookie of a request by name.
pub fn cookie(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name && !value.is_empty()).then(|| value.to_owned())
        })
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure on https instances. An empty token
/// with age 0 removes it.
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}"
    )
}

/// The client's address, for throttling and rate limits: the peer, or whom a trusted
/// proxy forwards for; "unknown" where the transport does not say.
pub fn client_address(
    parts: &http::request::Parts,
    proxies: &crate::backend::proxies::TrustedProxies,
) -> String {
    let Some(peer) = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip())
    else {
        return "unknown".to_owned();
    };
    let forwarded = parts
        .headers
        .get("x-forwarded-for")
        .and_then(|value| value.to_str().ok());
    proxies.client(peer, forwarded).to_string()
}

/// Password hashes computed at once. Each argon2id hash holds 19 MiB and a core while it
/// runs: one per core (at most eight) keeps memory bounded and the cores for the rest.
fn hash_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        tokio::sync::Semaphore::new(cores.clamp(1, 8))
    });
    &PERMITS
}

/// How long a request waits for a free hash before it is told to come back (503).
const HASH_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Runs a password hash (or its check) once one of the bounded permits is free.
async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let permit = tokio::time::timeout(HASH_WAIT, hash_permits().acquire())
        .await
        .map_err(|_| AppError::Unavailable)?
        .map_err(|_| AppError::Internal)?;
    let result = tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| AppError::Internal);
    drop(permit);
    result
}

/// Hashes a password with argon2id (RFC 9106 second recommended parameters, the crate's
/// default). Slow on purpose, so it runs off the async threads, a bounded number at once.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    hashing(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|_| AppError::Internal)?;
        let salt = SaltString::encode_b64(&salt).map_err(|_| AppError::Internal)?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| {
                tracing::error!(%error, "password hashing failed");
                AppError::Internal
            })
    })
    .await?
}

/// Checks a password against a stored hash; a missing or corrupt hash never matches. While
/// every hash permit stays busy the answer is "unavailable", never a guess.
pub async fn verify_password(hash: Option<String>, password: String) -> Result<bool, AppError> {
    hashing(move || {
        // Without a hash, verify against a dummy one: the answer takes as long as for a
        // real account, so timing does not tell which addresses have one.
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.clone());
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
}

/// The argon2id hash of a password nobody knows, made once, for timing-equal failures.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let salt = SaltString::encode_b64(b"mitreden-dummy-salt").ok();
    salt.and_then(|salt| {
        Argon2::default()
            .hash_password(b"no account has this password", &salt)
            .ok()
            .map(|hash| hash.to_string())
    })
    .unwrap_or_default()
});

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Claims {
    /// The user id, as a string: JWT subjects are strings.
    sub: String,
    sid: String,
    iat: i64,
    exp: i64,
}

pub fn issue_token(
    secret: &str,
    user_id: i64,
    session_id: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<String, AppError> {
    let claims = Claims {
        sub: user_id.to_string(),
        sid: session_id.to_owned(),
        iat: now.timestamp(),
        exp: expires_at.timestamp(),
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .map_err(|error| {
        tracing::error!(%error, "token signing failed");
        AppError::Internal
    })
}

/// The user id and session id of a valid, unexpired token signed with this secret.
pub fn verify_token(secret: &str, token: &str) -> Result<(i64, String), AppError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.set_required_spec_claims(&["exp", "sub"]);
    jsonwebtoken::decode::<Claims>(
        token,
        &DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .ok()
    .and_then(|data| Some((data.claims.sub.parse().ok()?, data.claims.sid)))
    .ok_or(AppError::Unauthenticated)
}

/// A random token for links and session ids: 32 bytes, hex.
pub fn random_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| AppError::Internal)?;
    Ok(hex(&bytes))
}

/// What is stored of an e-mail link token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// Refuses the passwords people choose most often (German and international lists).
pub fn is_common_password(password: &str) -> bool {
    let lowered = password.to_lowercase();
    COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .any(|common| !common.is_empty() && common == lowered)
}

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[tokio::test]
    async fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("Sonnenblume-2026".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert_eq!(
            verify_password(Some(hash.clone()), "Sonnenblume-2026".into()).await,
            Ok(true)
        );
        assert_eq!(
            verify_password(Some(hash), "sonnenblume-2026".into()).await,
            Ok(false)
        );
        assert_eq!(
            verify_password(None, "Sonnenblume-2026".into()).await,
            Ok(false)
        );
        assert_eq!(
            verify_password(Some("garbage".into()), "x".into()).await,
            Ok(false)
        );
    }

    #[test]
    fn tokens_are_bound_to_the_secret_and_expire() {
        let now = Utc::now();
        let secret = "s".repeat(32);
        let token = issue_token(&secret, 7, "abc", now, now + Duration::hours(1)).unwrap();
        assert_eq!(
            verify_token(&secret, &token).unwrap(),
            (7, "abc".to_owned())
        );
        assert_eq!(
            verify_token(&"t".repeat(32), &token),
            Err(AppError::Unauthenticated)
        );
        let expired = issue_token(&secret, 7, "abc", now, now - Duration::seconds(1)).unwrap();
        assert_eq!(
            verify_token(&secret, &expired),
            Err(AppError::Unauthenticated)
        );
        let mut tampered = token.clone();
        tampered.insert(tampered.len() / 2, 'x');
        assert_eq!(
            verify_token(&secret, &tampered),
            Err(AppError::Unauthenticated)
        );
    }

    #[test]
    fn common_passwords_are_recognised_whatever_their_case() {
        assert!(is_common_password("Passwort123"));
        assert!(is_common_password("QWERTZUIOP"));
        assert!(!is_common_password("Radweg am Neckarufer 2026"));
    }

    #[test]
    fn roles_grant_what_they_should_and_no_more() {
        let user = |role, verified| CurrentUser {
            id: 1,
            session_id: String::new(),
            role,
            verified,
            blocked: false,
        };
        assert!(!user(Role::Resident, false).can(Permission::Contribute));
        let blocked = CurrentUser {
            blocked: true,
            ..user(Role::Resident, true)
        };
        assert_eq!(
            blocked.require(Permission::Contribute),
            Err(AppError::invalid("account", "blocked"))
        );
        assert!(user(Role::Resident, true).can(Permission::Contribute));
        assert!(!user(Role::Resident, true).can(Permission::Moderate));
        assert!(!user(Role::Planner, true).can(Permission::Moderate));
        assert!(user(Role::Moderator, true).can(Permission::Moderate));
        assert!(!user(Role::Moderator, true).can(Permission::Plan));
        assert!(!user(Role::Planner, true).can(Permission::ManageUsers));
        assert!(user(Role::Admin, true).can(Permission::ManageUsers));
        assert_eq!(
            user(Role::Resident, false).require(Permission::Contribute),
            Err(AppError::invalid("email", "not_verified"))
        );
    }
}
