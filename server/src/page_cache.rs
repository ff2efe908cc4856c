//! HTTP caching of pages.
//!
//! A page shown to an anonymous visitor is the same for everyone who asks for the same
//! address in the same language, so it carries an `ETag` and `Cache-Control: public,
//! no-cache`: a browser or a reverse proxy (nginx `proxy_cache` with `proxy_cache_revalidate
//! on`) keeps it and asks again with `If-None-Match`, and an unchanged page is answered 304
//! without a body. Whatever changes what a page shows changes its bytes and so its tag:
//! revalidation never serves a stale page, on any instance. A page for a signed-in person
//! is `private, no-cache`, never kept by a shared cache, and has no tag.
//!
//! The server itself keeps the anonymous pages it rendered for a moment ([`PageMemory`],
//! `MITREDEN_PAGE_MEMORY_MS`, one second by default): a busy start page is rendered once a
//! second instead of thousands of times. A kept page goes as soon as anything may have
//! changed what pages show ([`app::backend::common::content_generation`]): any request to
//! this instance that may write ([`writes`]), a change another instance announces (the
//! moderation decisions and council outcomes, through PostgreSQL), or a lost line to them.
//! What the moment can hold back is only what reaches the database past this instance's
//! requests (votes and comments through another instance, the command line, the clock
//! passing a phase's end): it shows at most that moment later.
//!
//! A page that is not kept but is being rendered already is waited for, not rendered again:
//! when a kept page expires under a rush (a link in the city's newsletter), the first
//! request renders it and the others arriving meanwhile are answered with what it kept,
//! instead of each rendering it at once on the same cores.
//!
//! Every response has a nonce of its own for its inline scripts, in the Content-Security-
//! Policy header and in the body (a page served from memory gets a new one). The tag is
//! taken over the body without it, and a 304 carries none of the headers that would
//! replace those of the kept page (RFC 9111, 4.3.4): the kept page keeps the policy that
//! matches its nonce.
//!
//! The tag and its comparison serve the API's read answers as well (`rest::limits::etag`).

use app::backend::auth;
use app::backend::common::{content_changed, content_generation};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Far above any page (every listing is paginated); a larger one is an error, not a page.
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;
/// The most page bytes and pages kept in memory at once; a page beyond either is not kept
/// (addresses or cookies made up by the thousand fill nothing, and keeping stays cheap).
const MEMORY_BYTES: usize = 32 * 1024 * 1024;
const MEMORY_PAGES: usize = 1_000;
/// How long a request waits for the same page that another is rendering before it renders
/// the page itself (a rendering that slow is stuck, not busy).
const WAIT_FOR_RENDERING: Duration = Duration::from_secs(5);

const SHARED: HeaderValue = HeaderValue::from_static("public, no-cache");
const PERSONAL: HeaderValue = HeaderValue::from_static("private, no-cache");
/// The language comes from a cookie or from `Accept-Language`; a session from the cookie.
const VARY: HeaderValue = HeaderValue::from_static("Cookie, Accept-Language");

/// Anonymous pages as this instance rendered them a moment ago (see the module).
pub struct PageMemory {
    keep_for: Duration,
    pages: Mutex<HashMap<String, Kept>>,
    /// The pages being rendered now, by key. Whoever else asks for one waits until its
    /// sender is dropped (see [`Rendering`]).
    rendering: Mutex<HashMap<String, watch::Sender<()>>>,
}

/// Whose turn it is to render a page that is not kept.
enum Turn<'a> {
    /// This request renders it; the others wait until this is dropped.
    Render(Rendering<'a>),
    /// Another request renders it: wait for the receiver's sender to go, then recall it.
    Wait(watch::Receiver<()>),
}

/// The one rendering of a page the others wait for. Dropped (rendered or failed, kept or
/// not, or the request cancelled), it lets them go: each then recalls the page, or renders
/// it itself if it was not kept.
struct Rendering<'a> {
    memory: &'a PageMemory,
    key: String,
}

impl Drop for Rendering<'_> {
    fn drop(&mut self) {
        if let Ok(mut rendering) = self.memory.rendering.lock() {
            // Dropping the sender wakes every waiting receiver.
            rendering.remove(&self.key);
        }
    }
}

/// A page as rendered: its headers and body, the nonce it was rendered with, its tag.
#[derive(Clone)]
struct Kept {
    at: Instant,
    generation: u64,
    headers: HeaderMap,
    body: Bytes,
    nonce: Option<String>,
    tag: String,
}

impl PageMemory {
    /// Keeps pages for `keep_for`; zero keeps none.
    pub fn new(keep_for: Duration) -> Arc<Self> {
        Arc::new(Self {
            keep_for,
            pages: Mutex::default(),
            rendering: Mutex::default(),
        })
    }

    /// Renders this request the page under `key`, or waits for the request rendering it?
    fn turn(&self, key: &str) -> Option<Turn<'_>> {
        let mut rendering = self.rendering.lock().ok()?;
        if let Some(sender) = rendering.get(key) {
            return Some(Turn::Wait(sender.subscribe()));
        }
        rendering.insert(key.to_owned(), watch::channel(()).0);
        Some(Turn::Render(Rendering {
            memory: self,
            key: key.to_owned(),
        }))
    }

    /// What a page depends on besides the database and the clock: its address and what
    /// `Vary` names (the cookies, the languages asked for), and the host asked.
    fn key(&self, request: &Request) -> Option<String> {
        if self.keep_for.is_zero() || request.method() != Method::GET {
            return None;
        }
        let header = |name| {
            let values = request.headers().get_all(name).iter();
            values
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect::<Vec<_>>()
                .join("; ")
        };
        Some(format!(
            "{}\n{}\n{}\n{}",
            request.uri(),
            header(header::COOKIE),
            header(header::ACCEPT_LANGUAGE),
            header(header::HOST),
        ))
    }

    /// The page kept under `key`, if it is of the current generation and young enough.
    fn recall(&self, key: &str, generation: u64) -> Option<Kept> {
        let pages = self.pages.lock().ok()?;
        pages
            .get(key)
            .filter(|kept| kept.generation == generation && kept.at.elapsed() < self.keep_for)
            .cloned()
    }

    /// Keeps a page, after letting go of those no longer good; never beyond the budget,
    /// and never one that something changed while it rendered (it would never be served).
    fn keep(&self, key: String, kept: Kept) {
        let generation = content_generation();
        if kept.generation != generation {
            return;
        }
        let Ok(mut pages) = self.pages.lock() else {
            return;
        };
        pages.retain(|_, page| page.generation == generation && page.at.elapsed() < self.keep_for);
        let held: usize = pages.values().map(|page| page.body.len()).sum();
        if held + kept.body.len() <= MEMORY_BYTES && pages.len() < MEMORY_PAGES {
            pages.insert(key, kept);
        }
    }
}

/// Raises the content generation after every request that may have written something
/// (any method but GET, HEAD and OPTIONS, answered however): pages kept from before are
/// not served again. The outermost layer, so that the write has committed by then.
pub async fn writes(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let response = next.run(request).await;
    if !safe {
        content_changed();
    }
    response
}

pub async fn pages(
    State(memory): State<Arc<PageMemory>>,
    request: Request,
    next: Next,
) -> Response {
    let read = matches!(*request.method(), Method::GET | Method::HEAD)
        && !request.uri().path().starts_with("/api/");
    if !read {
        return next.run(request).await;
    }
    let anonymous = auth::session_token(request.headers()).is_none();
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let key = if anonymous {
        memory.key(&request)
    } else {
        None
    };
    // Read before rendering: a change committed while the page renders makes it stale.
    let generation = content_generation();
    let again = |key: &str| {
        memory
            .recall(key, generation)
            .and_then(|kept| answer_again(kept, if_none_match.as_ref()))
    };
    if let Some(answer) = key.as_deref().and_then(again) {
        return answer;
    }
    // Held until the page is kept (or not), at the end of this function.
    let _rendering = match key.as_deref().and_then(|key| memory.turn(key)) {
        Some(Turn::Render(rendering)) => Some(rendering),
        Some(Turn::Wait(mut rendered)) => {
            // Woken with an error when the sender goes: that is the signal.
            let _ = tokio::time::timeout(WAIT_FOR_RENDERING, rendered.changed()).await;
            if let Some(answer) = key.as_deref().and_then(again) {
                return answer;
            }
            None
        }
        None => None,
    };
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
    let nonce = nonce_of(&parts.headers);
    let tag = tag_of(&bytes, nonce.clone());
    parts.headers.insert(header::CACHE_CONTROL, SHARED);
    if let Ok(value) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, value);
    }
    if let Some(key) = key {
        let mut headers = parts.headers.clone();
        // A page served again with another nonce may differ in length.
        headers.remove(header::CONTENT_LENGTH);
        memory.keep(
            key,
            Kept {
                at: Instant::now(),
                generation,
                headers,
                body: bytes.clone(),
                nonce,
                tag: tag.clone(),
            },
        );
    }
    if asks_for(if_none_match.as_ref(), &tag) {
        return not_modified(parts.headers);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Whether the request's `If-None-Match` names this tag.
fn asks_for(if_none_match: Option<&HeaderValue>, tag: &str) -> bool {
    if_none_match
        .and_then(|v| v.to_str().ok())
        .is_some_and(|asked| matches(asked, tag))
}

/// 304 for a shared page: its tag and caching headers, nothing that would replace the
/// kept page's policy.
fn not_modified(headers: HeaderMap) -> Response {
    let mut unchanged = Response::new(Body::empty());
    *unchanged.status_mut() = StatusCode::NOT_MODIFIED;
    let out = unchanged.headers_mut();
    for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
        if let Some(value) = headers.get(&name) {
            out.insert(name, value.clone());
        }
    }
    unchanged
}

/// A kept page answered again: 304 if the client has it, else the page with a nonce of
/// its own in place of the one it was rendered with (`None` if no new nonce can be had:
/// then the page is rendered afresh).
fn answer_again(kept: Kept, if_none_match: Option<&HeaderValue>) -> Option<Response> {
    if asks_for(if_none_match, &kept.tag) {
        return Some(not_modified(kept.headers));
    }
    let mut headers = kept.headers;
    let body = match kept.nonce.as_deref() {
        Some(old) => {
            let new = fresh_nonce()?;
            let policy = headers
                .get(header::CONTENT_SECURITY_POLICY)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| HeaderValue::from_str(&v.replace(old, &new)).ok())?;
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
            Bytes::from(replace_all(&kept.body, old.as_bytes(), new.as_bytes()))
        }
        None => kept.body,
    };
    let mut response = Response::new(Body::from(body));
    *response.headers_mut() = headers;
    Some(response)
}

/// A new script nonce: 16 random bytes, hexadecimal.
fn fresh_nonce() -> Option<String> {
    let mut bytes = [0_u8; 16];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// `haystack` with every occurrence of `old` replaced by `new`.
fn replace_all(haystack: &[u8], old: &[u8], new: &[u8]) -> Vec<u8> {
    let finder = memchr::memmem::Finder::new(old);
    let mut out = Vec::with_capacity(haystack.len() + 64);
    let mut rest = haystack;
    while let Some(at) = finder.find(rest) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(new);
        rest = &rest[at + old.len()..];
    }
    out.extend_from_slice(rest);
    out
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
