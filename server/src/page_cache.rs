//! HTTP caching of pages.
//!
//! A page shown to an anonymous visitor is the same for everyone who asks for the same
//! address in the same language, so it carries an `ETag` and `Cache-Control: public,
//! no-cache`: a browser or a reverse proxy (nginx `proxy_cache` with `proxy_cache_revalidate
//! on`) keeps it and asks again with `If-None-Match`, and an unchanged page is answered 304
//! without a body. Whatever changes what a page shows changes its bytes and so its tag:
//! nothing is ever served stale, on any instance. A page for a signed-in person is
//! `private, no-cache`, never kept by a shared cache, and has no tag.
//!
//! Every response has a nonce of its own for its inline scripts, in the Content-Security-
//! Policy header and in the body. The tag is taken over the body without it, and a 304
//! carries none of the headers that would replace those of the kept page (RFC 9111,
//! 4.3.4): the kept page keeps the policy that matches its nonce.
//!
//! The tag and its comparison serve the API's read answers as well (`rest::limits::etag`).

use app::backend::auth;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};

/// Far above any page (every listing is paginated); a larger one is an error, not a page.
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

const SHARED: HeaderValue = HeaderValue::from_static("public, no-cache");
const PERSONAL: HeaderValue = HeaderValue::from_static("private, no-cache");
/// The language comes from a cookie or from `Accept-Language`; a session from the cookie.
const VARY: HeaderValue = HeaderValue::from_static("Cookie, Accept-Language");

pub async fn pages(request: Request, next: Next) -> Response {
    let read = matches!(*request.method(), Method::GET | Method::HEAD)
        && !request.uri().path().starts_with("/api/");
    if !read {
        return next.run(request).await;
    }
    let anonymous = auth::session_token(request.headers()).is_none();
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html || response.headers().contains_key(header::CACHE_CONTROL) {
        return response;
    }
    response.headers_mut().insert(header::VARY, VARY);
    let shared = anonymous
        && response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE);
    if !shared {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, PERSONAL);
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match http_body_util::Limited::new(body, MAX_PAGE_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let tag = tag_of(&bytes, nonce_of(&parts.headers));
    parts.headers.insert(header::CACHE_CONTROL, SHARED);
    if let Ok(value) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, value.clone());
        if if_none_match
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .is_some_and(|asked| matches(asked, &tag))
        {
            let mut unchanged = Response::new(Body::empty());
            *unchanged.status_mut() = StatusCode::NOT_MODIFIED;
            let headers = unchanged.headers_mut();
            headers.insert(header::ETAG, value);
            headers.insert(header::CACHE_CONTROL, SHARED);
            headers.insert(header::VARY, VARY);
            return unchanged;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The nonce of this response's Content-Security-Policy, if it has one.
fn nonce_of(headers: &HeaderMap) -> Option<String> {
    let policy = headers
        .get(header::CONTENT_SECURITY_POLICY)?
        .to_str()
        .ok()?;
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let length = policy[start..].find('\'')?;
    Some(policy[start..start + length].to_owned()).filter(|n| !n.is_empty())
}

/// A strong tag of the page's bytes, read as if every occurrence of the nonce were gone.
pub(crate) fn tag_of(page: &[u8], nonce: Option<String>) -> String {
    let mut hasher = Sha256::new();
    match nonce {
        Some(nonce) if !nonce.is_empty() => {
            let finder = memchr::memmem::Finder::new(nonce.as_bytes());
            let mut rest = page;
            while let Some(at) = finder.find(rest) {
                hasher.update(&rest[..at]);
                rest = &rest[at + finder.needle().len()..];
            }
            hasher.update(rest);
        }
        _ => hasher.update(page),
    }
    let digest = hasher.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether an `If-None-Match` value names this tag (weak comparison, as RFC 9110 asks).
pub(crate) fn matches(asked: &str, tag: &str) -> bool {
    asked.trim() == "*"
        || asked
            .split(',')
            .any(|candidate| candidate.trim().trim_start_matches("W/") == tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_ignores_the_nonce_and_nothing_else() {
        let one = tag_of(
            b"<script nonce=\"abc123\">x</script><p>Hallo</p>",
            Some("abc123".into()),
        );
        let two = tag_of(
            b"<script nonce=\"zz9\">x</script><p>Hallo</p>",
            Some("zz9".into()),
        );
        let changed = tag_of(
            b"<script nonce=\"zz9\">x</script><p>Hallo!</p>",
            Some("zz9".into()),
        );
        assert_eq!(one, two);
        assert_ne!(two, changed);
    }

    #[test]
    fn the_nonce_is_read_from_the_policy() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self' 'nonce-Q1w2E3' 'wasm-unsafe-eval'",
            ),
        );
        assert_eq!(nonce_of(&headers).as_deref(), Some("Q1w2E3"));
        assert_eq!(nonce_of(&HeaderMap::new()), None);
    }

    #[test]
    fn if_none_match_lists_and_weak_tags_match() {
        assert!(matches("\"a\", W/\"b\"", "\"b\""));
        assert!(matches("*", "\"b\""));
        assert!(!matches("\"a\"", "\"b\""));
    }
}
