//! What the server does around the pages' forms and server functions: a form post refused
//! without JavaScript goes back to its page with what was typed, a redirect's address is
//! tidied, and a server function's argument errors get the status of their error.

use crate::MAX_BODY_BYTES;
use axum::http::{HeaderValue, Request, header};
use axum::response::IntoResponse;

/// A plain form post to a server function is redirected back to its page; after stripping
/// its error parameters the server-function layer leaves a bare `?` on that address.
pub(crate) async fn tidy_redirect(
    mut response: axum::response::Response,
) -> axum::response::Response {
    let trimmed = response
        .headers()
        .get(header::LOCATION)
        .and_then(|location| location.to_str().ok())
        .filter(|location| location.ends_with('?'))
        .map(|location| location.trim_end_matches('?').to_owned());
    if let Some(value) = trimmed.and_then(|t| HeaderValue::from_str(&t).ok()) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Without JavaScript a refused form post is sent back to its page with the error in the
/// address (`__path`, `__err`). So that nobody types everything again, the values sent (never
/// a password, a token or the idempotency key) go along as `__form`, which the page's fields
/// read. What does not fit an address (8,000 bytes) stays behind, the longest values first.
pub(crate) async fn keep_form_values(
    request: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    const MAX_LOCATION: usize = 8_000;
    let form_post = {
        let headers = request.headers();
        let header_has = |name: header::HeaderName, text: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .is_some_and(|value| value.contains(text))
        };
        request.method() == axum::http::Method::POST
            && request.uri().path().starts_with("/api/")
            && header_has(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            && header_has(header::ACCEPT, "text/html")
    };
    if !form_post {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let mut response = next
        .run(Request::from_parts(
            parts,
            axum::body::Body::from(bytes.clone()),
        ))
        .await;
    let Some(location) = response
        .headers()
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .filter(|location| location.contains("__err="))
        .map(str::to_owned)
    else {
        return response;
    };
    let sent = String::from_utf8_lossy(&bytes);
    let mut kept: Vec<&str> = sent
        .split('&')
        .filter(|pair| {
            let key = pair
                .split('=')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            !key.contains("password") && !key.contains("token") && !key.contains("idempotency")
        })
        .collect();
    // Too long for an address: the longest values stay behind, the short ones come back.
    loop {
        let with_values = format!(
            "{location}&__form={}",
            app::model::text::encode_component(&kept.join("&"))
        );
        if with_values.len() <= MAX_LOCATION {
            if let Ok(value) = HeaderValue::from_str(&with_values) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            return response;
        }
        let Some(longest) = (0..kept.len()).max_by_key(|index| kept[*index].len()) else {
            return response;
        };
        kept.swap_remove(longest);
    }
}

/// A server function whose arguments cannot be read (a required one missing, a malformed
/// value) fails before its body runs, and Leptos answers that with 500. It is the caller's
/// mistake: the answer gets the status of the error it carries (400 for `request_failed`).
pub(crate) async fn server_fn_error_status(
    response: axum::response::Response,
) -> axum::response::Response {
    const MAX_ERROR_BYTES: usize = 16 * 1024;
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if response.status() != axum::http::StatusCode::INTERNAL_SERVER_ERROR || !json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BYTES).await else {
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes)
        && let Ok(status) = axum::http::StatusCode::from_u16(error.status_code())
    {
        parts.status = status;
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}
