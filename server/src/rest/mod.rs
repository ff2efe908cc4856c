//! The public REST API, version 1: a thin face over the same services the pages use.
//! Every failure has one shape: `{"errors":[{"code": "...", "detail": "...", "field": ...}]}`.

mod accounts;

use app::backend::auth::{CurrentUser, SESSION_COOKIE};
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
    accounts::router().fallback(|| async { ApiError(AppError::NotFound) })
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

/// The session token of a request: `Authorization: Bearer …`, else the session cookie.
pub fn session_token(parts: &Parts) -> Option<String> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    bearer.or_else(|| cookie(parts, SESSION_COOKIE))
}

pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
}

/// The signed-in person; 401 in the API's shape when there is none.
pub struct Authenticated(pub CurrentUser);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = session_token(parts).ok_or(ApiError(AppError::Unauthenticated))?;
        account::authenticate(&state.db, &state.jwt_secret, &token, chrono::Utc::now())
            .await
            .map(Self)
            .map_err(ApiError)
    }
}

/// The client's address, for throttling; "unknown" where the transport does not say.
pub fn client_address(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The session cookie for a login: HttpOnly, SameSite=Lax, Secure on https instances.
pub fn session_cookie(state: &AppState, token: &str, max_age_secs: i64) -> HeaderValue {
    let secure = if state.site.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("mitreden_session=; Path=/; Max-Age=0"))
}
