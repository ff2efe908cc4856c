//! The public REST API, version 1: a thin face over the same services the pages use.
//! Every failure has one shape:
//! `{"errors":[{"code": "...", "detail": "...", "field": ..., "message": "..."}]}`, where
//! `message` is the sentence the pages would show, in the request's language.

mod accounts;
pub mod addresses;
pub mod doc;
mod implementation;
pub mod limits;
mod moderation;
pub mod places;

pub(crate) mod procedures;
pub mod resource;
mod results;

use app::backend::auth::{self, CurrentUser};
use app::backend::service::account;
use app::backend::state::AppState;
use app::error::AppError;
use app::i18n::Lang;
use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

/// Every operation of the API, each with its description.
pub fn api() -> doc::Api {
    let image = "participation";
    accounts::api()
        .merge(procedures::api())
        .merge(crate::formats::proposals::api())
        .merge(moderation::api())
        .merge(results::api())
        .merge(implementation::api())
        .merge(crate::formats::proposals::onsite_api())
        .merge(crate::formats::proposals::opinion_api())
        .merge(crate::formats::proposals::geo_api())
        .merge(places::api())
        .merge(addresses::api())
        .merge(crate::formats::budget::api())
        .merge(crate::photos::api())
        // Served by `media::uploads()` (its own body limit), described here.
        .external("put", "/procedures/{slug}/image", doc::Doc::new(image, "Set a procedure's image (planners)")
            .describe("multipart/form-data: `image` (JPEG, PNG or WebP, at most 5 MB) and `alt` (its text alternative).")
            .signed_in()
            .body_as("multipart/form-data")
            .ok::<app::model::procedure::ProcedureImage>(200, "The stored image.")
            .errors(&[403, 404]))
        .external("patch", "/procedures/{slug}/image", doc::Doc::new(image, "Change the image's text alternative (planners)")
            .signed_in()
            .body::<crate::media::AltBody>()
            .ok::<app::model::procedure::ProcedureImage>(200, "The image.")
            .errors(&[403, 404]))
        .external("delete", "/procedures/{slug}/image", doc::Doc::new(image, "Remove the image (planners)")
            .signed_in()
            .empty(204, "Removed.")
            .errors(&[403, 404]))
        .external("put", "/implementation-entries/{id}/photo", doc::Doc::new("results", "Set the photo of an implementation entry (planners)")
            .describe("multipart/form-data: `image` (JPEG, PNG or WebP, at most 5 MB; metadata such as the location is removed) and `alt` (its text alternative, required). Without `image`, only the text alternative of the photo it has changes. The entry's `photo` in the implementation carries it.")
            .signed_in()
            .body_as("multipart/form-data")
            .ok::<app::model::procedure::ProcedureImage>(200, "The stored photo.")
            .errors(&[403, 404]))
        .external("delete", "/implementation-entries/{id}/photo", doc::Doc::new("results", "Remove the photo of an implementation entry (planners)")
            .signed_in()
            .empty(204, "Removed (also when it had none).")
            .errors(&[403, 404]))
}

/// The API's router, its OpenAPI description at `/openapi.json` and the documentation
/// page at `/docs`, both generated from [`api`].
pub fn router(public_url: &str) -> Router<AppState> {
    let meta = "documentation";
    let spec = std::sync::Arc::new(std::sync::OnceLock::<serde_json::Value>::new());
    let (json_spec, html_spec) = (spec.clone(), spec.clone());
    let (router, description) = api()
        .op(
            "get",
            "/openapi.json",
            axum::routing::get(move || async move {
                axum::Json(json_spec.get().cloned().unwrap_or_default())
            }),
            doc::Doc::new(meta, "This description (OpenAPI 3.1)")
                .json_as("application/json", "The OpenAPI document."),
        )
        .op(
            "get",
            "/docs",
            axum::routing::get(move || async move {
                let page = html_spec.get().map(doc::html).unwrap_or_default();
                (
                    [
                        (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
                        (
                            header::CONTENT_SECURITY_POLICY,
                            HeaderValue::from_static("default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'"),
                        ),
                    ],
                    page,
                )
            }),
            doc::Doc::new(meta, "The documentation as a web page").file("text/html", "HTML."),
        )
        .into_parts(&format!("{public_url}/api/v1"));
    let _ = spec.set(description);
    router
        .fallback(|| async { failure(StatusCode::NOT_FOUND, "not_found", NO_SUCH_ENDPOINT) })
        .method_not_allowed_fallback(|| async {
            failure(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this endpoint does not take this method",
            )
        })
}

/// The detail of a 404 for a path the API does not have (not a missing resource).
pub const NO_SUCH_ENDPOINT: &str = "no such endpoint";

/// A failure outside the services, in the same shape as every other.
fn failure(status: StatusCode, code: &str, detail: &str) -> Response {
    let error = match status {
        StatusCode::NOT_FOUND => AppError::NotFound,
        _ => AppError::Request {
            detail: detail.to_owned(),
        },
    };
    let entry = json!({
        "code": code,
        "detail": detail,
        "field": null,
        "message": Lang::DEFAULT.texts().error(&error),
    });
    let mut response = (status, axum::Json(json!({ "errors": [entry] }))).into_response();
    response.extensions_mut().insert(Failed(error, Some(entry)));
    response
}

/// The error an answer carries, for [`localize_errors`] to word in the request's language
/// (with the one entry of a failure outside the services).
#[derive(Clone)]
struct Failed(AppError, Option<serde_json::Value>);

/// One entry per invalid field; any other error is one entry without a field. Each with
/// the sentence a person reads, in `lang`.
fn error_entries(error: &AppError, lang: Lang) -> Vec<serde_json::Value> {
    let t = lang.texts();
    let fields = error.field_problems();
    if fields.is_empty() {
        return vec![json!({
            "code": error.code(),
            "detail": error.to_string(),
            "field": null,
            "message": t.error(error),
        })];
    }
    fields
        .into_iter()
        .map(|(field, problem)| {
            json!({
                "code": "invalid_input",
                "detail": problem,
                "field": field,
                "message": t.invalid_input(field, problem),
            })
        })
        .collect()
}

/// Words the errors of an answer in the language of the request: `Accept-Language` (or the
/// language cookie the pages set), else the instance's language; `Content-Language` says
/// which. Other answers pass unchanged.
pub async fn localize_errors(request: Request, next: Next) -> Response {
    let lang = {
        let header = |name| {
            request
                .headers()
                .get(name)
                .and_then(|value: &HeaderValue| value.to_str().ok())
        };
        Lang::negotiate(header(header::COOKIE), header(header::ACCEPT_LANGUAGE))
    };
    let mut response = next.run(request).await;
    let Some(Failed(error, entry)) = response.extensions_mut().remove::<Failed>() else {
        return response;
    };
    if let Ok(value) = HeaderValue::from_str(lang.code()) {
        response
            .headers_mut()
            .insert(header::CONTENT_LANGUAGE, value);
    }
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("Accept-Language"));
    if lang == Lang::DEFAULT {
        return response;
    }
    let errors = match entry {
        Some(mut entry) => {
            entry["message"] = json!(lang.texts().error(&error));
            vec![entry]
        }
        None => error_entries(&error, lang),
    };
    let (mut parts, _) = response.into_parts();
    let body = serde_json::to_vec(&json!({ "errors": errors })).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
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
        let errors = error_entries(&error, Lang::DEFAULT);
        let mut response = (status, axum::Json(json!({ "errors": errors }))).into_response();
        if let AppError::RateLimited { retry_after_secs } = error
            && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response.extensions_mut().insert(Failed(error, None));
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
                JsonRejection::MissingJsonContentType(_) => AppError::UnsupportedMediaType,
                JsonRejection::JsonSyntaxError(_) => AppError::Request {
                    detail: "malformed JSON".to_owned(),
                },
                JsonRejection::JsonDataError(e) => {
                    AppError::invalid("request_body", &e.body_text())
                }
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
