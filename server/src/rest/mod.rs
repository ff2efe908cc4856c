//! The public REST API, version 1: a thin face over the same services the pages use.
//! Every failure has one shape: `{"errors":[{"code": "...", "detail": "...", "field": ...}]}`.

mod accounts;
pub mod limits;
mod moderation;
mod participation;
mod results;

use app::backend::auth::{self, CurrentUser};
use app::backend::service::account;
use app::backend::state::AppState;
use app::error::AppError;
use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

pub fn router() -> Router<AppState> {
    accounts::router()
        .merge(participation::router())
        .merge(moderation::router())
        .merge(results::router())
        .fallback(|| async { ApiError(AppError::NotFound) })
}

/// An `AppError` as the API answers it.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = self.0;
        let status =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let field = match &error {
            AppError::InvalidInput { field, .. } => Some(field.clone()),
            _ => None,
        };
        let detail = match &error {
            AppError::InvalidInput { problem, .. } => problem.clone(),
            other => other.to_string(),
        };
        let mut response = (
            status,
            axum::Json(
                json!({ "errors": [{ "code": error.code(), "detail": detail, "field": field }] }),
            ),
        )
            .into_response();
        if let AppError::RateLimited { retry_after_secs } = error
            && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A JSON body whose every rejection (wrong content type, malformed, wrong fields) is
/// answered in the API's error shape.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(ApiError(match rejection {
                JsonRejection::MissingJsonContentType(_) => {
                    AppError::invalid("content_type", "expected application/json")
                }
                JsonRejection::JsonSyntaxError(_) => AppError::Request {
                    detail: "malformed JSON".to_owned(),
                },
                JsonRejection::JsonDataError(e) => AppError::invalid("body", &e.body_text()),
                JsonRejection::BytesRejection(_) => AppError::PayloadTooLarge,
                other => AppError::Request {
                    detail: other.body_text(),
                },
            })),
        }
    }
}

/// The signed-in person; 401 in the API's shape when there is none.
pub struct Authenticated(pub CurrentUser);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token =
            auth::session_token(&parts.headers).ok_or(ApiError(AppError::Unauthenticated))?;
        account::authenticate(&state.db, &state.jwt_secret, &token, chrono::Utc::now())
            .await
            .map(Self)
            .map_err(ApiError)
    }
}

/// The session cookie for a login, or (empty token, age 0) its removal.
pub fn session_cookie(state: &AppState, token: &str, max_age_secs: i64) -> HeaderValue {
    HeaderValue::from_str(&auth::session_cookie(
        token,
        max_age_secs,
        state.site.secure_cookies(),
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("mitreden_session=; Path=/; Max-Age=0"))
}

/// The signed-in person if the request carries a session; a token that does not check out
/// is a 401, not silently anonymous.
pub struct MaybeAuthenticated(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeAuthenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if auth::session_token(&parts.headers).is_none() {
            return Ok(Self(None));
        }
        Authenticated::from_request_parts(parts, state)
            .await
            .map(|Authenticated(user)| Self(Some(user)))
    }
}

/// A procedure's slug from the path; a malformed one names nothing (404).
pub fn path_slug(value: &str) -> Result<app::model::procedure::Slug, AppError> {
    app::model::procedure::Slug::parse(value).map_err(|_| AppError::NotFound)
}

/// A numeric id from the path; anything else names nothing (404 in the API's shape).
pub struct PathId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| ApiError(AppError::NotFound))?;
        raw.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(Self)
            .ok_or(ApiError(AppError::NotFound))
    }
}
