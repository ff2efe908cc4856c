//! `/api/v1/auth/*` and `/api/v1/me`: registration, verification, sessions, profile, privacy.

use super::doc::{Api, Doc};
use super::{ApiResult, Authenticated, Json, PathId, session_cookie};
use app::backend::auth::client_address;
use app::backend::auth::{Permission, SESSION_DAYS};
use app::backend::service::account::{self, ProfileUpdate, Registration};
use app::backend::state::AppState;
use app::error::AppError;
use app::i18n::Lang;
use app::model::account::{Me, Role};
use axum::extract::State;
use axum::http::{StatusCode, header, request::Parts};
use axum::response::IntoResponse;
use axum::routing::{delete, get, patch, post, put};
use chrono::Utc;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub fn api() -> Api {
    let tag = "accounts";
    Api::default()
        .op("post", "/auth/register", post(register), Doc::new(tag, "Register an account")
            .describe("Sends a verification mail. The answer is the same whether the address was new or not.")
            .body::<RegisterBody>()
            .ok::<StatusBody>(201, "Registered (or already known): a mail is on its way."))
        .op("post", "/auth/verify", post(verify), Doc::new(tag, "Confirm an e-mail address with the mailed token")
            .body::<TokenBody>()
            .ok::<StatusBody>(200, "`email_verified` or `email_changed`."))
        .op("post", "/auth/verify/resend", post(resend_verification), Doc::new(tag, "Send the verification mail again")
            .signed_in()
            .empty(202, "Sent.")
            .errors(&[409]))
        .op("post", "/auth/login", post(login), Doc::new(tag, "Sign in")
            .describe("Returns a bearer token and sets the session cookie. Repeated failures pause the account or address (429).")
            .body::<LoginBody>()
            .ok::<Session>(200, "Signed in."))
        .op("post", "/auth/logout", post(logout), Doc::new(tag, "Sign out this session")
            .signed_in()
            .empty(204, "Signed out."))
        .op("post", "/auth/logout-everywhere", post(logout_everywhere), Doc::new(tag, "Sign out every session of the account")
            .signed_in()
            .empty(204, "Signed out everywhere."))
        .op("post", "/auth/password-reset", post(request_password_reset), Doc::new(tag, "Request a password reset mail")
            .body::<EmailBody>()
            .empty(202, "Always the same answer."))
        .op("post", "/auth/password-reset/confirm", post(confirm_password_reset), Doc::new(tag, "Set a new password with the mailed token")
            .body::<ResetBody>()
            .empty(204, "Changed."))
        .op("get", "/me", get(me), Doc::new(tag, "The signed-in account")
            .signed_in()
            .ok::<Me>(200, "The account."))
        .op("patch", "/me", patch(update_me), Doc::new(tag, "Change name, language and notification settings")
            .signed_in()
            .body::<ProfileBody>()
            .ok::<Me>(200, "The changed account."))
        .op("delete", "/me", delete(delete_me), Doc::new(tag, "Delete the account")
            .describe("Contributions stay, without the name.")
            .signed_in()
            .empty(204, "Deleted."))
        .op("get", "/me/export", get(export_me), Doc::new(tag, "Everything stored about the account (GDPR Art. 15/20)")
            .signed_in()
            .json_as("application/json", "The personal data as JSON."))
        .op("post", "/me/password", post(change_password), Doc::new(tag, "Change the password")
            .signed_in()
            .body::<PasswordBody>()
            .empty(204, "Changed."))
        .op("post", "/me/email", post(change_email), Doc::new(tag, "Change the e-mail address (confirmed by a mailed link)")
            .signed_in()
            .body::<EmailBody>()
            .empty(202, "A confirmation mail is on its way."))
        .op("put", "/users/{id}/role", put(set_role), Doc::new(tag, "Give an account a role (administrators)")
            .signed_in()
            .body::<RoleBody>()
            .empty(204, "Changed.")
            .errors(&[403, 404]))
}

/// A state the request reached.
#[derive(Serialize, JsonSchema)]
struct StatusBody {
    /// `verification_sent`, `email_verified` or `email_changed`.
    status: &'static str,
}

/// A new session.
#[derive(Serialize, JsonSchema)]
struct Session {
    /// Send as `Authorization: Bearer …`.
    token: String,
    /// RFC 3339.
    expires_at: String,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RegisterBody {
    email: String,
    password: String,
    display_name: String,
    accept_terms: bool,
    #[serde(default)]
    lang: Option<Lang>,
}

async fn register(
    State(state): State<AppState>,
    Json(body): Json<RegisterBody>,
) -> ApiResult<impl IntoResponse> {
    account::register(
        &state.db,
        &state.site,
        Registration {
            email: body.email,
            display_name: body.display_name,
            password: body.password,
            accept_terms: body.accept_terms,
            lang: body.lang.unwrap_or_default(),
            back: None,
        },
        Utc::now(),
    )
    .await?;
    // The same answer whether the address was new or not.
    Ok((
        StatusCode::CREATED,
        axum::Json(StatusBody {
            status: "verification_sent",
        }),
    ))
}

#[derive(Deserialize, JsonSchema)]
struct TokenBody {
    token: String,
}

async fn verify(
    State(state): State<AppState>,
    Json(body): Json<TokenBody>,
) -> ApiResult<impl IntoResponse> {
    let confirmed = account::confirm_email(&state.db, &body.token, Utc::now()).await?;
    let what = match confirmed {
        account::Confirmed::Registration { .. } => "email_verified",
        account::Confirmed::NewEmail => "email_changed",
    };
    Ok(axum::Json(StatusBody { status: what }))
}

async fn resend_verification(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
) -> ApiResult<StatusCode> {
    account::resend_verification(&state.db, &state.site, &user, Utc::now()).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, JsonSchema)]
struct LoginBody {
    email: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    parts: Parts,
    Json(body): Json<LoginBody>,
) -> ApiResult<impl IntoResponse> {
    let session = account::login(
        &state.db,
        &state.jwt_secret,
        &state.login_throttle,
        &body.email,
        &body.password,
        &client_address(&parts, &state.proxies),
        Utc::now(),
    )
    .await?;
    let cookie = session_cookie(&state, &session.token, SESSION_DAYS * 86_400);
    Ok((
        [(header::SET_COOKIE, cookie)],
        axum::Json(Session {
            token: session.token,
            expires_at: session.expires_at.to_rfc3339(),
        }),
    ))
}

async fn logout(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
) -> ApiResult<impl IntoResponse> {
    account::logout(&state.db, &user, Utc::now()).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session_cookie(&state, "", 0))],
    ))
}

async fn logout_everywhere(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
) -> ApiResult<impl IntoResponse> {
    account::logout_everywhere(&state.db, &user, Utc::now()).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session_cookie(&state, "", 0))],
    ))
}

#[derive(Deserialize, JsonSchema)]
struct EmailBody {
    email: String,
}

async fn request_password_reset(
    State(state): State<AppState>,
    Json(body): Json<EmailBody>,
) -> ApiResult<StatusCode> {
    account::request_password_reset(&state.db, &state.site, &body.email, Utc::now()).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, JsonSchema)]
struct ResetBody {
    token: String,
    password: String,
}

async fn confirm_password_reset(
    State(state): State<AppState>,
    Json(body): Json<ResetBody>,
) -> ApiResult<StatusCode> {
    account::reset_password(&state.db, &body.token, &body.password, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
) -> ApiResult<axum::Json<Me>> {
    Ok(axum::Json(account::me(&state.db, &user).await?))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ProfileBody {
    display_name: Option<String>,
    lang: Option<Lang>,
    notify_replies: Option<bool>,
    notify_digest: Option<bool>,
    public_name: Option<bool>,
}

async fn update_me(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Json(body): Json<ProfileBody>,
) -> ApiResult<axum::Json<Me>> {
    let current = account::me(&state.db, &user).await?;
    let updated = account::update_profile(
        &state.db,
        &user,
        ProfileUpdate {
            display_name: body.display_name.unwrap_or(current.display_name),
            lang: body.lang.unwrap_or(current.lang),
            notify_replies: body.notify_replies.unwrap_or(current.notify_replies),
            notify_digest: body.notify_digest.unwrap_or(current.notify_digest),
            public_name: body.public_name.unwrap_or(current.public_name),
        },
        Utc::now(),
    )
    .await?;
    Ok(axum::Json(updated))
}

async fn delete_me(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
) -> ApiResult<impl IntoResponse> {
    account::delete_account(&state.db, &user, &state.site.data_dir, Utc::now()).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session_cookie(&state, "", 0))],
    ))
}

async fn export_me(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
) -> ApiResult<impl IntoResponse> {
    let data = account::export_data(&state.db, &user, Utc::now()).await?;
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"mitreden-meine-daten.json\"",
        )],
        axum::Json(data),
    ))
}

#[derive(Deserialize, JsonSchema)]
struct PasswordBody {
    current_password: String,
    password: String,
}

async fn change_password(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    parts: Parts,
    Json(body): Json<PasswordBody>,
) -> ApiResult<StatusCode> {
    account::change_password(
        &state.db,
        &state.login_throttle,
        &client_address(&parts, &state.proxies),
        &user,
        &body.current_password,
        &body.password,
        Utc::now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn change_email(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Json(body): Json<EmailBody>,
) -> ApiResult<StatusCode> {
    account::request_email_change(&state.db, &state.site, &user, &body.email, Utc::now()).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, JsonSchema)]
struct RoleBody {
    role: String,
}

async fn set_role(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(body): Json<RoleBody>,
) -> ApiResult<StatusCode> {
    // The permission is checked here for the reader and again in the service.
    user.require(Permission::ManageUsers)?;
    let role = Role::parse(&body.role).ok_or_else(|| AppError::invalid("role", "unknown"))?;
    account::set_role(&state.db, &user, id, role, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
