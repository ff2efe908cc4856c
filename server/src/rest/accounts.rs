//! `/api/v1/auth/*` and `/api/v1/me`: registration, verification, sessions, profile, privacy.

use super::{ApiResult, Authenticated, Json, session_cookie};
use app::backend::auth::client_address;
use app::backend::auth::{Permission, SESSION_DAYS};
use app::backend::service::account::{self, ProfileUpdate, Registration};
use app::backend::state::AppState;
use app::error::AppError;
use app::i18n::Lang;
use app::model::account::{Me, Role};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header, request::Parts};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/register", post(register))
        .route("/auth/verify", post(verify))
        .route("/auth/verify/resend", post(resend_verification))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/logout-everywhere", post(logout_everywhere))
        .route("/auth/password-reset", post(request_password_reset))
        .route("/auth/password-reset/confirm", post(confirm_password_reset))
        .route("/me", get(me).patch(update_me).delete(delete_me))
        .route("/me/export", get(export_me))
        .route("/me/password", post(change_password))
        .route("/me/email", post(change_email))
        .route("/users/{id}/role", put(set_role))
}

#[derive(Deserialize)]
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
        },
        Utc::now(),
    )
    .await?;
    // The same answer whether the address was new or not.
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({ "status": "verification_sent" })),
    ))
}

#[derive(Deserialize)]
struct TokenBody {
    token: String,
}

async fn verify(
    State(state): State<AppState>,
    Json(body): Json<TokenBody>,
) -> ApiResult<impl IntoResponse> {
    let confirmed = account::confirm_email(&state.db, &body.token, Utc::now()).await?;
    let what = match confirmed {
        account::Confirmed::Registration => "email_verified",
        account::Confirmed::NewEmail => "email_changed",
    };
    Ok(axum::Json(json!({ "status": what })))
}

async fn resend_verification(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
) -> ApiResult<StatusCode> {
    account::resend_verification(&state.db, &state.site, &user, Utc::now()).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize)]
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
        &client_address(&parts),
        Utc::now(),
    )
    .await?;
    let cookie = session_cookie(&state, &session.token, SESSION_DAYS * 86_400);
    Ok((
        [(header::SET_COOKIE, cookie)],
        axum::Json(
            json!({ "token": session.token, "expires_at": session.expires_at.to_rfc3339() }),
        ),
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

#[derive(Deserialize)]
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

#[derive(Deserialize)]
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

#[derive(Deserialize)]
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
    account::delete_account(&state.db, &user, Utc::now()).await?;
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

#[derive(Deserialize)]
struct PasswordBody {
    current_password: String,
    password: String,
}

async fn change_password(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Json(body): Json<PasswordBody>,
) -> ApiResult<StatusCode> {
    account::change_password(
        &state.db,
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

#[derive(Deserialize)]
struct RoleBody {
    role: String,
}

async fn set_role(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(id): Path<i64>,
    Json(body): Json<RoleBody>,
) -> ApiResult<StatusCode> {
    // The permission is checked here for the reader and again in the service.
    user.require(Permission::ManageUsers)?;
    let role = Role::parse(&body.role).ok_or_else(|| AppError::invalid("role", "unknown"))?;
    account::set_role(&state.db, &user, id, role, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
