//! What every `/api/v1` request passes: the rate limits (per client address, and per
//! account for signed-in requests; 429 with `Retry-After`), and on reads an `ETag`, so a
//! client that sends `If-None-Match` with an unchanged answer gets 304 and no body.

use super::ApiError;
use app::backend::auth;
use app::backend::state::AppState;
use app::backend::throttle::RequestLimiter;
use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use std::sync::Arc;

/// The limits in force and their counters.
#[derive(Clone)]
pub struct RateLimits {
    pub per_address: u32,
    pub per_account: u32,
    pub limiter: Arc<RequestLimiter>,
    pub state: AppState,
}

pub async fn rate_limit(
    State(limits): State<RateLimits>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let address = auth::client_address(&parts, &limits.state.proxies);
    if let Err(error) = limits
        .limiter
        .hit(&format!("address:{address}"), limits.per_address)
    {
        return ApiError(error).into_response();
    }
    // The account of a valid session token; an invalid one is the handler's 401.
    if limits.per_account > 0
        && let Some(token) = auth::session_token(&parts.headers)
        && let Ok((user_id, _)) = auth::verify_token(&limits.state.jwt_secret, &token)
        && let Err(error) = limits
            .limiter
            .hit(&format!("account:{user_id}"), limits.per_account)
    {
        return ApiError(error).into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

/// The same limits, with the same counters, for the pages' server functions under `/api/`
/// (sign-in, registration and password reset among them): one limiter covers both faces.
/// A browser's form post that is refused gets a short page saying how long to wait.
pub async fn rate_limit_server_fns(
    State(limits): State<RateLimits>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if !path.starts_with("/api/") || path.starts_with("/api/v1/") {
        return next.run(request).await;
    }
    let browser = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let response = rate_limit(State(limits), request, next).await;
    if !browser || response.status() != StatusCode::TOO_MANY_REQUESTS {
        return response;
    }
    let retry = response.headers().get(header::RETRY_AFTER).cloned();
    let wait = retry
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .unwrap_or("60")
        .to_owned();
    let page = format!(
        "<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Zu viele Anfragen</title></head>\
         <body><h1>Zu viele Anfragen</h1><p>Bitte warten Sie {wait} Sekunden und versuchen Sie es dann erneut.</p>\
         <p lang=\"en\">Too many requests: please wait {wait} seconds, then try again.</p></body></html>"
    );
    let mut refused = (
        StatusCode::TOO_MANY_REQUESTS,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        page,
    )
        .into_response();
    if let Some(retry) = retry {
        refused.headers_mut().insert(header::RETRY_AFTER, retry);
    }
    refused
}

/// The largest read answer given an ETag; exports stream and are left alone.
const ETAG_MAX_BYTES: usize = 4 * 1024 * 1024;

pub async fn etag(request: Request, next: Next) -> Response {
    let read = matches!(*request.method(), Method::GET | Method::HEAD);
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            [
                "application/json",
                "application/schema+json",
                "application/ld+json",
                "application/geo+json",
            ]
            .iter()
            .any(|json| v.starts_with(json))
        });
    // Downloads (exports, the personal-data file) stream and are never buffered here, nor
    // is any body of unknown or too large a size.
    let download = response.headers().contains_key(header::CONTENT_DISPOSITION);
    let small = response
        .body()
        .size_hint()
        .exact()
        .is_some_and(|size| size <= ETAG_MAX_BYTES as u64);
    if !read || response.status() != StatusCode::OK || !is_json || download || !small {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match http_body_util::Limited::new(body, ETAG_MAX_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return ApiError(app::error::AppError::Internal).into_response(),
    };
    let tag = crate::page_cache::tag_of(&bytes, None);
    if let Ok(value) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, value);
    }
    // Answers can depend on who asks: caches must revalidate and keep them apart.
    parts
        .headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-cache"));
    parts.headers.insert(
        header::VARY,
        HeaderValue::from_static("Authorization, Cookie, Accept-Language"),
    );
    let matches = if_none_match
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|asked| crate::page_cache::matches(asked, &tag));
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}
