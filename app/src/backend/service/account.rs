//! Accounts: registration, e-mail verification, sessions, password reset and change, profile,
//! roles, and the privacy rights to see and erase one's data (GDPR Art. 15, 17, 20).

use crate::backend::auth::{
    self, CurrentUser, Permission, SESSION_DAYS, hash_password, random_token, token_hash,
    verify_password,
};
use crate::backend::db::storage_error;
use crate::backend::entity::audit_event::AuditAction;
use crate::backend::entity::email_token::TokenPurpose;
use crate::backend::entity::{audit_event, email_token, login_session, user};
use crate::backend::mail::{self, Template};
use crate::backend::state::SiteSettings;
use crate::backend::throttle::LoginThrottle;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::account::{DisplayName, Email, Me, NewPassword, Role, UserRow};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};

/// The version of the terms and privacy notice a registration accepts.
pub const TERMS_VERSION: &str = "2026-11";
/// E-mail links stay valid this long.
pub const TOKEN_HOURS: i64 = 48;
/// At most this many mails of one kind to one person per hour (verification, reset).
pub const MAILS_PER_HOUR: u64 = 3;

#[derive(Debug, Clone)]
pub struct Registration {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub accept_terms: bool,
    pub lang: Lang,
    /// Where the person registered from: the confirmation link leads back there.
    pub back: Option<String>,
}

/// Creates an unverified account and mails the verification link. An address that already
/// has an account gets a mail saying so instead, and the answer is the same: nobody learns
/// from the form which addresses are registered.
pub async fn register(
    db: &DatabaseConnection,
    site: &SiteSettings,
    input: Registration,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // Every field is checked, so the form can show all its problems at once.
    let mut problems = crate::error::Problems::default();
    let email = problems.check(Email::parse(&input.email));
    let display_name = problems.check(DisplayName::parse(&input.display_name));
    let password = problems.check(new_password(&input.password));
    if !input.accept_terms {
        problems.note(AppError::invalid("accept_terms", "required"));
    }
    problems.finish()?;
    let (Some(email), Some(display_name), Some(password)) = (email, display_name, password) else {
        return Err(AppError::Internal);
    };
    let password_hash = hash_password(password.as_str().to_owned()).await?;
    // Twice at most: a registration of the same address that commits between this one's
    // look-up and its insert (PostgreSQL runs both at once) makes this one an existing
    // account's, answered the same way.
    for attempt in 0..2 {
        let txn = crate::backend::db::begin_write(db).await?;
        let registered = register_in(
            &txn,
            site,
            &input,
            &email,
            &display_name,
            &password_hash,
            now,
        )
        .await;
        match registered {
            Err(AppError::Conflict) if attempt == 0 => {
                let _ = txn.rollback().await;
            }
            Err(error) => return Err(error),
            Ok(()) => return txn.commit().await.map_err(storage_error),
        }
    }
    Err(AppError::Conflict)
}

/// The registration's writes: a new account with its verification mail, or for an
/// address that has one, the mail that says so (never an answer that tells).
async fn register_in(
    txn: &impl ConnectionTrait,
    site: &SiteSettings,
    input: &Registration,
    email: &Email,
    display_name: &DisplayName,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if let Some(existing) = find_by_email(txn, email).await? {
        if mails_sent_recently(txn, existing.id, TokenPurpose::Reset, now).await? < MAILS_PER_HOUR {
            let to = email.as_str();
            mail_link(
                txn,
                site,
                &existing,
                TokenPurpose::Reset,
                to,
                Template::AccountExists,
                now,
            )
            .await?;
        }
        return Ok(());
    }
    let created = insert_user(
        txn,
        email,
        display_name,
        password_hash.to_owned(),
        Role::Resident,
        input.lang,
        None,
        now,
    )
    .await?;
    let back = input
        .back
        .as_deref()
        .and_then(crate::model::path::local_path);
    send_verification(txn, site, &created, email.as_str(), back, now).await
}

/// Mails a new verification link, at most a few per hour.
pub async fn resend_verification(
    db: &DatabaseConnection,
    site: &SiteSettings,
    current: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let txn = crate::backend::db::begin_write(db).await?;
    let account = load(&txn, current.id).await?;
    if account.email_verified_at.is_some() {
        return Err(AppError::Conflict);
    }
    if mails_sent_recently(&txn, account.id, TokenPurpose::Verify, now).await? >= MAILS_PER_HOUR {
        return Err(AppError::RateLimited {
            retry_after_secs: 3600,
        });
    }
    let email = account.email.clone().ok_or(AppError::NotFound)?;
    send_verification(&txn, site, &account, &email, None, now).await?;
    txn.commit().await.map_err(storage_error)
}

async fn send_verification(
    db: &impl ConnectionTrait,
    site: &SiteSettings,
    account: &user::Model,
    email: &str,
    back: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (token, _) = create_token(db, account.id, TokenPurpose::Verify, email, now).await?;
    let mut link = format!("{}/bestaetigen?token={token}", site.public_url);
    if let Some(back) = back {
        link.push_str(&format!(
            "&{}={}",
            crate::model::path::RETURN_PARAM,
            crate::model::text::encode_component(back)
        ));
    }
    enqueue_link_mail(db, site, account, email, Template::VerifyEmail, &link, now).await
}

/// What a confirmation link confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    /// A new account's address: the account may now sign in (and is, in the browser
    /// that confirmed it).
    Registration {
        user_id: i64,
    },
    NewEmail,
}

/// Follows a link from a verification or e-mail-change mail.
pub async fn confirm_email(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Confirmed, AppError> {
    let txn = crate::backend::db::begin_write(db).await?;
    let row = use_token(
        &txn,
        token,
        &[TokenPurpose::Verify, TokenPurpose::ChangeEmail],
        now,
    )
    .await?;
    let account = load(&txn, row.user_id).await?;
    let confirmed = if row.purpose == TokenPurpose::ChangeEmail {
        let taken = user::Entity::find()
            .filter(user::Column::Email.eq(row.email.as_str()))
            .filter(user::Column::Id.ne(account.id))
            .count(&txn)
            .await
            .map_err(storage_error)?;
        if taken > 0 {
            return Err(AppError::Conflict);
        }
        let mut update: user::ActiveModel = account.into();
        update.email = Set(Some(row.email.clone()));
        update.email_verified_at = Set(Some(now));
        update.updated_at = Set(now);
        update.update(&txn).await.map_err(storage_error)?;
        Confirmed::NewEmail
    } else {
        // A link sent to an address the account no longer has confirms nothing.
        if account.email.as_deref() != Some(row.email.as_str()) {
            return Err(AppError::invalid("token", "invalid"));
        }
        if account.email_verified_at.is_none() {
            let mut update: user::ActiveModel = account.into();
            update.email_verified_at = Set(Some(now));
            update.updated_at = Set(now);
            update.update(&txn).await.map_err(storage_error)?;
        }
        Confirmed::Registration {
            user_id: row.user_id,
        }
    };
    txn.commit().await.map_err(storage_error)?;
    Ok(confirmed)
}

/// A signed-in session: the token for the cookie or `Authorization: Bearer`.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user_id: i64,
}

/// Checks e-mail and password. Failures say only "wrong e-mail or password", whichever it
/// was, and repeated failures pause the account and the client address.
pub async fn login(
    db: &DatabaseConnection,
    secret: &str,
    throttle: &LoginThrottle,
    email: &str,
    password: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<Session, AppError> {
    let account_key = email.trim().to_lowercase();
    // Counted before the slow hash: parallel guesses are counted as they arrive.
    throttle.attempt(&account_key, client)?;
    let account = match Email::parse(email) {
        Ok(email) => find_by_email(db, &email).await?,
        Err(_) => None,
    };
    let hash = account.as_ref().and_then(|a| a.password_hash.clone());
    let valid = verify_password(hash, password.to_owned()).await?;
    let Some(account) = account.filter(|_| valid) else {
        return Err(AppError::InvalidCredentials);
    };
    throttle.succeeded(&account_key, client);
    start_session(db, secret, account.id, now).await
}

/// The role of an account, for where its sign-in lands.
pub async fn role_of(db: &impl ConnectionTrait, user_id: i64) -> Result<Role, AppError> {
    let account = load(db, user_id).await?;
    Ok(account.role)
}

/// Opens a session for an account whose identity is already established (a login, or a
/// tool acting for a known account) and signs its token.
pub async fn start_session(
    db: &impl ConnectionTrait,
    secret: &str,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Session, AppError> {
    let session_id = random_token()?;
    let expires_at = now + Duration::days(SESSION_DAYS);
    login_session::ActiveModel {
        id: Set(session_id.clone()),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    }
    .insert(db)
    .await
    .map_err(storage_error)?;
    let token = auth::issue_token(secret, user_id, &session_id, now, expires_at)?;
    Ok(Session {
        token,
        expires_at,
        user_id,
    })
}

/// The person a session token belongs to, if the token is genuine and its session is live.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    secret: &str,
    token: &str,
    now: DateTime<Utc>,
) -> Result<CurrentUser, AppError> {
    authenticate_account(db, secret, token, now)
        .await
        .map(|(user, _)| user)
}

/// The person behind a session token and their account row, in one query: the account,
/// if it is not deleted and the token's session is neither revoked nor expired.
pub async fn authenticate_account(
    db: &impl ConnectionTrait,
    secret: &str,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(CurrentUser, user::Model), AppError> {
    let (user_id, session_id) = auth::verify_token(secret, token)?;
    let live_session = Query::select()
        .expr(Expr::val(1))
        .from(login_session::Entity)
        .and_where(
            Expr::col((login_session::Entity, login_session::Column::Id)).eq(session_id.as_str()),
        )
        .and_where(
            Expr::col((login_session::Entity, login_session::Column::UserId))
                .equals((user::Entity, user::Column::Id)),
        )
        .and_where(Expr::col((login_session::Entity, login_session::Column::RevokedAt)).is_null())
        .and_where(Expr::col((login_session::Entity, login_session::Column::ExpiresAt)).gt(now))
        .to_owned();
    let account = user::Entity::find_by_id(user_id)
        .filter(user::Column::DeletedAt.is_null())
        .filter(Expr::exists(live_session))
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::Unauthenticated)?;
    let current = CurrentUser {
        id: account.id,
        session_id,
        role: account.role,
        verified: account.email_verified_at.is_some(),
        blocked: account.blocked_at(now),
    };
    Ok((current, account))
}

/// Ends one session.
pub async fn logout(
    db: &impl ConnectionTrait,
    current: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    revoke_sessions(db, current.id, Some(&current.session_id), None, now).await
}

/// Ends every session of the person, this one included.
pub async fn logout_everywhere(
    db: &impl ConnectionTrait,
    current: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    revoke_sessions(db, current.id, None, None, now).await
}

async fn revoke_sessions(
    db: &impl ConnectionTrait,
    user_id: i64,
    only: Option<&str>,
    except: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut query = login_session::Entity::update_many()
        .col_expr(
            login_session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(login_session::Column::UserId.eq(user_id))
        .filter(login_session::Column::RevokedAt.is_null());
    if let Some(id) = only {
        query = query.filter(login_session::Column::Id.eq(id));
    }
    if let Some(id) = except {
        query = query.filter(login_session::Column::Id.ne(id));
    }
    query.exec(db).await.map_err(storage_error)?;
    Ok(())
}

/// Mails a link to set a new password. Always answers the same, whether the address has an
/// account or not.
pub async fn request_password_reset(
    db: &DatabaseConnection,
    site: &SiteSettings,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let email = Email::parse(email)?;
    let txn = crate::backend::db::begin_write(db).await?;
    if let Some(account) = find_by_email(&txn, &email).await?
        && mails_sent_recently(&txn, account.id, TokenPurpose::Reset, now).await? < MAILS_PER_HOUR
    {
        let to = email.as_str();
        mail_link(
            &txn,
            site,
            &account,
            TokenPurpose::Reset,
            to,
            Template::PasswordReset,
            now,
        )
        .await?;
    }
    txn.commit().await.map_err(storage_error)
}

/// Sets a new password from a reset link and ends every session: whoever knew the old
/// password is logged out. Following the link also proves the address.
pub async fn reset_password(
    db: &DatabaseConnection,
    token: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let password = new_password(password)?;
    let hash = hash_password(password.as_str().to_owned()).await?;
    let txn = crate::backend::db::begin_write(db).await?;
    let row = use_token(&txn, token, &[TokenPurpose::Reset], now).await?;
    let account = load(&txn, row.user_id).await?;
    let verified = account.email_verified_at.or(Some(now));
    let mut update: user::ActiveModel = account.into();
    update.password_hash = Set(Some(hash));
    update.email_verified_at = Set(verified);
    update.updated_at = Set(now);
    update.update(&txn).await.map_err(storage_error)?;
    revoke_sessions(&txn, row.user_id, None, None, now).await?;
    txn.commit().await.map_err(storage_error)
}

/// Changes the password; every other session ends, this one stays.
/// The current password is guessed no faster than at sign-in: the same throttle counts
/// each check, by account and client address.
pub async fn change_password(
    db: &DatabaseConnection,
    throttle: &LoginThrottle,
    client: &str,
    current: &CurrentUser,
    current_password: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // Both fields' problems are reported at once.
    let mut problems = crate::error::Problems::default();
    let password = problems.check(new_password(password));
    let account = load(db, current.id).await?;
    let throttle_key = format!("user:{}", current.id);
    throttle.attempt(&throttle_key, client)?;
    if verify_password(account.password_hash.clone(), current_password.to_owned()).await? {
        throttle.succeeded(&throttle_key, client);
    } else {
        problems.note(AppError::invalid("current_password", "wrong"));
    }
    problems.finish()?;
    let password = password.ok_or(AppError::Internal)?;
    let hash = hash_password(password.as_str().to_owned()).await?;
    let txn = crate::backend::db::begin_write(db).await?;
    let mut update: user::ActiveModel = account.into();
    update.password_hash = Set(Some(hash));
    update.updated_at = Set(now);
    update.update(&txn).await.map_err(storage_error)?;
    revoke_sessions(&txn, current.id, None, Some(&current.session_id), now).await?;
    txn.commit().await.map_err(storage_error)
}

#[derive(Debug, Clone)]
pub struct ProfileUpdate {
    pub display_name: String,
    pub lang: Lang,
    pub notify_replies: bool,
    pub notify_digest: bool,
    pub public_name: bool,
}

pub async fn update_profile(
    db: &DatabaseConnection,
    current: &CurrentUser,
    input: ProfileUpdate,
    now: DateTime<Utc>,
) -> Result<Me, AppError> {
    let display_name = DisplayName::parse(&input.display_name)?;
    let account = load(db, current.id).await?;
    let mut update: user::ActiveModel = account.into();
    update.display_name = Set(Some(display_name.as_str().to_owned()));
    update.lang = Set(input.lang.code().to_owned());
    update.notify_replies = Set(input.notify_replies);
    update.notify_digest = Set(input.notify_digest);
    update.public_name = Set(input.public_name);
    update.updated_at = Set(now);
    let saved = update.update(db).await.map_err(storage_error)?;
    me_of(saved)
}

/// Mails a confirmation link to the new address; the old one stays until it is followed.
pub async fn request_email_change(
    db: &DatabaseConnection,
    site: &SiteSettings,
    current: &CurrentUser,
    new_email: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let email = Email::parse(new_email)?;
    let txn = crate::backend::db::begin_write(db).await?;
    let account = load(&txn, current.id).await?;
    if account.email.as_deref() == Some(email.as_str()) {
        return Err(AppError::invalid("email", "unchanged"));
    }
    if mails_sent_recently(&txn, account.id, TokenPurpose::ChangeEmail, now).await?
        >= MAILS_PER_HOUR
    {
        return Err(AppError::RateLimited {
            retry_after_secs: 3600,
        });
    }
    let to = email.as_str();
    mail_link(
        &txn,
        site,
        &account,
        TokenPurpose::ChangeEmail,
        to,
        Template::EmailChange,
        now,
    )
    .await?;
    txn.commit().await.map_err(storage_error)
}

pub async fn me(db: &impl ConnectionTrait, current: &CurrentUser) -> Result<Me, AppError> {
    me_of(load(db, current.id).await?)
}

pub(crate) fn me_of(account: user::Model) -> Result<Me, AppError> {
    Ok(Me {
        id: account.id,
        email: account.email.ok_or(AppError::NotFound)?,
        display_name: account.display_name.unwrap_or_default(),
        role: account.role,
        verified: account.email_verified_at.is_some(),
        lang: Lang::parse(&account.lang).unwrap_or_default(),
        notify_replies: account.notify_replies,
        notify_digest: account.notify_digest,
        public_name: account.public_name,
    })
}

/// Everything the platform holds about the person, as JSON (GDPR Art. 15 and 20).
pub async fn export_data(
    db: &impl ConnectionTrait,
    current: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<serde_json::Value, AppError> {
    let account = load(db, current.id).await?;
    let sessions = login_session::Entity::find()
        .filter(login_session::Column::UserId.eq(current.id))
        .order_by_asc(login_session::Column::CreatedAt)
        .all(db)
        .await
        .map_err(storage_error)?;
    let audit = audit_event::Entity::find()
        .filter(audit_event::Column::SubjectUserId.eq(current.id))
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(serde_json::json!({
        "format": "mitreden-personal-data/1",
        "exported_at": now.to_rfc3339(),
        "account": {
            "id": account.id,
            "email": account.email,
            "email_verified_at": account.email_verified_at.map(|t| t.to_rfc3339()),
            "display_name": account.display_name,
            "role": account.role,
            "language": account.lang,
            "notifications": { "replies": account.notify_replies, "daily_digest": account.notify_digest },
            "name_in_results": account.public_name,
            "terms": { "version": account.terms_version, "accepted_at": account.terms_accepted_at.to_rfc3339() },
            "created_at": account.created_at.to_rfc3339(),
        },
        "sessions": sessions.iter().map(|s| serde_json::json!({
            "created_at": s.created_at.to_rfc3339(),
            "expires_at": s.expires_at.to_rfc3339(),
            "revoked_at": s.revoked_at.map(|t| t.to_rfc3339()),
        })).collect::<Vec<_>>(),
        "account_changes": audit.iter().map(|a| serde_json::json!({
            "action": a.action, "detail": a.detail, "at": a.created_at.to_rfc3339(),
        })).collect::<Vec<_>>(),
    }))
}

/// Erases the person's personal data at once (GDPR Art. 17). The row stays so that their
/// contributions remain, shown as by a deleted account.
pub async fn delete_account(
    db: &DatabaseConnection,
    current: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let txn = crate::backend::db::begin_write(db).await?;
    let account = load(&txn, current.id).await?;
    if account.role == Role::Admin && admin_count(&txn).await? <= 1 {
        // The instance must keep someone who can manage it.
        return Err(AppError::Conflict);
    }
    let mut update: user::ActiveModel = account.into();
    update.email = Set(None);
    update.display_name = Set(None);
    update.password_hash = Set(None);
    update.email_verified_at = Set(None);
    update.role = Set(Role::Resident);
    update.deleted_at = Set(Some(now));
    update.updated_at = Set(now);
    update.update(&txn).await.map_err(storage_error)?;
    email_token::Entity::delete_many()
        .filter(email_token::Column::UserId.eq(current.id))
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    login_session::Entity::delete_many()
        .filter(login_session::Column::UserId.eq(current.id))
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    audit(
        &txn,
        Some(current.id),
        current.id,
        AuditAction::AccountDeleted,
        "",
        now,
    )
    .await?;
    txn.commit().await.map_err(storage_error)
}

/// Gives a person another role; only administrators may, and every change is audited.
pub async fn set_role(
    db: &DatabaseConnection,
    actor: &CurrentUser,
    user_id: i64,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.require(Permission::ManageUsers)?;
    let txn = crate::backend::db::begin_write(db).await?;
    let account = load(&txn, user_id).await?;
    let before = account.role;
    if before == role {
        return Ok(());
    }
    if before == Role::Admin && admin_count(&txn).await? <= 1 {
        return Err(AppError::Conflict);
    }
    let mut update: user::ActiveModel = account.into();
    update.role = Set(role);
    update.updated_at = Set(now);
    update.update(&txn).await.map_err(storage_error)?;
    audit(
        &txn,
        Some(actor.id),
        user_id,
        AuditAction::RoleChanged,
        &format!("{before} -> {}", role.as_str()),
        now,
    )
    .await?;
    txn.commit().await.map_err(storage_error)
}

/// Accounts for the administration, newest first, optionally filtered by address or name.
pub async fn list_users(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    query: &str,
) -> Result<Vec<UserRow>, AppError> {
    actor.require(Permission::ManageUsers)?;
    let mut select = user::Entity::find()
        .filter(user::Column::DeletedAt.is_null())
        .order_by_desc(user::Column::Id);
    let query = query.trim();
    if !query.is_empty() {
        select = select.filter(
            sea_orm::Condition::any()
                .add(user::Column::Email.contains(query.to_lowercase()))
                .add(user::Column::DisplayName.contains(query)),
        );
    }
    let rows = sea_orm::QuerySelect::limit(select, 100)
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            email: u.email.unwrap_or_default(),
            display_name: u.display_name.unwrap_or_default(),
            role: u.role,
            verified: u.email_verified_at.is_some(),
        })
        .collect())
}

/// Creates a verified account directly (command line, demo): the operator vouches for it.
pub async fn create_verified(
    db: &DatabaseConnection,
    email: &str,
    display_name: &str,
    password: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let email = Email::parse(email)?;
    let display_name = DisplayName::parse(display_name)?;
    let password = new_password(password)?;
    let hash = hash_password(password.as_str().to_owned()).await?;
    let txn = crate::backend::db::begin_write(db).await?;
    if find_by_email(&txn, &email).await?.is_some() {
        return Err(AppError::Conflict);
    }
    let created = insert_user(
        &txn,
        &email,
        &display_name,
        hash,
        role,
        Lang::De,
        Some(now),
        now,
    )
    .await?;
    audit(
        &txn,
        None,
        created.id,
        AuditAction::AccountCreated,
        &format!("role {}", role.as_str()),
        now,
    )
    .await?;
    txn.commit().await.map_err(storage_error)?;
    Ok(created.id)
}

/// A new account row; the terms are accepted now, at the current version.
#[allow(clippy::too_many_arguments)]
async fn insert_user(
    db: &impl ConnectionTrait,
    email: &Email,
    display_name: &DisplayName,
    password_hash: String,
    role: Role,
    lang: Lang,
    verified_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<user::Model, AppError> {
    user::ActiveModel {
        email: Set(Some(email.as_str().to_owned())),
        display_name: Set(Some(display_name.as_str().to_owned())),
        password_hash: Set(Some(password_hash)),
        role: Set(role),
        lang: Set(lang.code().to_owned()),
        email_verified_at: Set(verified_at),
        notify_replies: Set(true),
        notify_digest: Set(false),
        terms_version: Set(TERMS_VERSION.to_owned()),
        terms_accepted_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(storage_error)
}

fn new_password(password: &str) -> Result<NewPassword, AppError> {
    let password = NewPassword::parse(password)?;
    if auth::is_common_password(password.as_str()) {
        return Err(AppError::invalid("password", "too_common"));
    }
    Ok(password)
}

async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &Email,
) -> Result<Option<user::Model>, AppError> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .filter(user::Column::DeletedAt.is_null())
        .one(db)
        .await
        .map_err(storage_error)
}

async fn load(db: &impl ConnectionTrait, id: i64) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(id)
        .one(db)
        .await
        .map_err(storage_error)?
        .filter(|u| u.deleted_at.is_none())
        .ok_or(AppError::NotFound)
}

async fn admin_count(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin))
        .filter(user::Column::DeletedAt.is_null())
        .count(db)
        .await
        .map_err(storage_error)
}

/// Creates a single-use link token and writes the mail that carries it, in the account's
/// language. Verification and address links open the confirm page, reset links the
/// new-password page.
async fn mail_link(
    db: &impl ConnectionTrait,
    site: &SiteSettings,
    account: &user::Model,
    purpose: TokenPurpose,
    to: &str,
    template: Template,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (token, _) = create_token(db, account.id, purpose, to, now).await?;
    let page = if purpose == TokenPurpose::Reset {
        "/passwort-neu"
    } else {
        "/bestaetigen"
    };
    let link = format!("{}{page}?token={token}", site.public_url);
    enqueue_link_mail(db, site, account, to, template, &link, now).await
}

async fn enqueue_link_mail(
    db: &impl ConnectionTrait,
    site: &SiteSettings,
    account: &user::Model,
    to: &str,
    template: Template,
    link: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let name = account.display_name.clone().unwrap_or_default();
    let lang = Lang::parse(&account.lang).unwrap_or_default();
    let vars = [
        ("name", name.as_str()),
        ("instance", site.instance_name.as_str()),
        ("link", link),
    ];
    mail::enqueue(db, to, template, lang, &vars, now).await
}

async fn create_token(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: TokenPurpose,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(String, email_token::Model), AppError> {
    let token = random_token()?;
    let row = email_token::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose),
        token_hash: Set(token_hash(&token)),
        email: Set(email.to_owned()),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(TOKEN_HOURS)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(storage_error)?;
    Ok((token, row))
}

async fn mails_sent_recently(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    email_token::Entity::find()
        .filter(email_token::Column::UserId.eq(user_id))
        .filter(email_token::Column::Purpose.eq(purpose))
        .filter(email_token::Column::CreatedAt.gt(now - Duration::hours(1)))
        .count(db)
        .await
        .map_err(storage_error)
}

/// Marks a link token used; unknown, used and expired tokens are each told apart so the
/// page can say what to do.
async fn use_token(
    db: &impl ConnectionTrait,
    token: &str,
    purposes: &[TokenPurpose],
    now: DateTime<Utc>,
) -> Result<email_token::Model, AppError> {
    let row = email_token::Entity::find()
        .filter(email_token::Column::TokenHash.eq(token_hash(token.trim())))
        .one(db)
        .await
        .map_err(storage_error)?
        .filter(|row| purposes.contains(&row.purpose))
        .ok_or_else(|| AppError::invalid("token", "invalid"))?;
    if row.used_at.is_some() {
        return Err(AppError::invalid("token", "used"));
    }
    if row.expires_at <= now {
        return Err(AppError::invalid("token", "expired"));
    }
    let mut update: email_token::ActiveModel = row.clone().into();
    update.used_at = Set(Some(now));
    update.update(db).await.map_err(storage_error)?;
    Ok(row)
}

async fn audit(
    db: &impl ConnectionTrait,
    actor_id: Option<i64>,
    subject_user_id: i64,
    action: AuditAction,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    audit_event::ActiveModel {
        actor_id: Set(actor_id),
        subject_user_id: Set(Some(subject_user_id)),
        action: Set(action),
        detail: Set(detail.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(storage_error)?;
    Ok(())
}
