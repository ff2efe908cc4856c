//! The site's static files (the CSS, the JS and wasm of the pages, the favicon), served
//! from memory.
//!
//! The build writes them under the site root before the server starts, and nothing
//! changes them while it runs: they are read once at start, with the Brotli and gzip
//! siblings the build made of each (`make build`), and answered from memory with a strong
//! `ETag`. Brotli goes to whoever accepts it (every browser over HTTPS): for the wasm it
//! is about a quarter smaller than gzip; gzip to the rest.
//! Served from disk, each request opened and read its file on the blocking thread pool:
//! three hand-overs between threads for a few kilobytes. The file names carry no hash, so
//! a browser asks again on each visit (`no-cache`) and gets `304 Not Modified` while the
//! file is the one it holds: a new release takes effect at once, and the page and its wasm
//! never come from two releases (which would break hydration).

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

/// At most this many files, and bytes in all, are read: the site holds about a hundred
/// files and a few megabytes. A site root pointing somewhere else by mistake (a home
/// directory) stops the reading there instead of filling the memory.
const MAX_FILES: usize = 2_000;
const MAX_BYTES: u64 = 128 * 1024 * 1024;

/// The files of the site root keep their names from release to release: a browser asks
/// again on each visit (and mostly gets `304 Not Modified`).
const REVALIDATE: &str = "public, no-cache";

struct File {
    content_type: HeaderValue,
    cache_control: HeaderValue,
    plain: Representation,
    gzip: Option<Representation>,
    brotli: Option<Representation>,
}

struct Representation {
    bytes: Bytes,
    etag: HeaderValue,
}

impl Representation {
    fn new(bytes: Vec<u8>, suffix: &str) -> Self {
        use std::fmt::Write;
        let digest = Sha256::digest(&bytes);
        let mut hex = String::with_capacity(24);
        for byte in &digest[..12] {
            let _ = write!(hex, "{byte:02x}");
        }
        Self {
            etag: HeaderValue::from_str(&format!("\"{hex}{suffix}\""))
                .unwrap_or_else(|_| HeaderValue::from_static("\"0\"")),
            bytes: Bytes::from(bytes),
        }
    }
}

/// The files under the site root, by their path in the URL (`/pkg/mitreden.css`).
#[derive(Default)]
pub struct StaticFiles {
    files: HashMap<String, File>,
}

impl StaticFiles {
    /// Reads every file under `root`. A missing root (the tests, a server started before
    /// its first build) gives none: every request then falls through to the 404 page.
    pub fn load(root: &Path) -> Self {
        let mut files = HashMap::new();
        let mut found = Vec::new();
        let mut folders = vec![root.to_path_buf()];
        while let Some(folder) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                match entry.file_type() {
                    Ok(kind) if kind.is_dir() => folders.push(path),
                    Ok(kind) if kind.is_file() => found.push(path),
                    _ => {}
                }
            }
        }
        found.sort();
        let mut total = 0u64;
        for path in found {
            if path.extension().is_some_and(|e| e == "gz" || e == "br") {
                continue;
            }
            let Some(url) = url_path(root, &path) else {
                continue;
            };
            let Ok(plain) = std::fs::read(&path) else {
                continue;
            };
            let sibling = |suffix: &str| {
                let mut name = path.clone().into_os_string();
                name.push(suffix);
                std::fs::read(name).ok()
            };
            let gzip = sibling(".gz");
            let brotli = sibling(".br");
            total += [Some(&plain), gzip.as_ref(), brotli.as_ref()]
                .into_iter()
                .flatten()
                .map(|bytes| bytes.len() as u64)
                .sum::<u64>();
            if files.len() >= MAX_FILES || total > MAX_BYTES {
                tracing::warn!(root = %root.display(), "too many static files; the rest are not served");
                break;
            }
            files.insert(
                url,
                File {
                    content_type: HeaderValue::from_static(content_type(&path)),
                    cache_control: HeaderValue::from_static(REVALIDATE),
                    plain: Representation::new(plain, ""),
                    gzip: gzip.map(|bytes| Representation::new(bytes, "-gz")),
                    brotli: brotli.map(|bytes| Representation::new(bytes, "-br")),
                },
            );
        }
        Self { files }
    }

    /// Adds the browser's texts, one file per language (`app::i18n::wire`), compiled
    /// into the binary rather than read from the site root. Their names change with their
    /// content, so a browser and any proxy may keep them for a year without asking again.
    pub fn with_texts(mut self) -> Self {
        use flate2::{Compression, write::GzEncoder};
        use std::io::Write;
        for &lang in app::i18n::Lang::ALL {
            let plain = lang.texts_wire().as_bytes();
            let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
            let gzip = encoder
                .write_all(plain)
                .and_then(|()| encoder.finish())
                .ok();
            self.files.insert(
                format!("/pkg/{}", lang.texts_file()),
                File {
                    content_type: HeaderValue::from_static("text/plain; charset=utf-8"),
                    cache_control: HeaderValue::from_static("public, max-age=31536000, immutable"),
                    plain: Representation::new(plain.to_vec(), ""),
                    gzip: gzip.map(|bytes| Representation::new(bytes, "-gz")),
                    brotli: None,
                },
            );
        }
        self
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The answer for a GET or HEAD of a static file; `None` for any other request.
    pub fn respond(&self, method: &Method, path: &str, headers: &HeaderMap) -> Option<Response> {
        if method != Method::GET && method != Method::HEAD {
            return None;
        }
        let file = self.files.get(path)?;
        // The smallest the client takes: Brotli, then gzip, then the file as it is.
        let encoded = [(&file.brotli, "br"), (&file.gzip, "gzip")]
            .into_iter()
            .find_map(|(representation, coding)| {
                representation
                    .as_ref()
                    .filter(|_| accepts(headers, coding))
                    .map(|r| (r, coding))
            });
        let chosen = encoded.map_or(&file.plain, |(r, _)| r);
        let mut response = Response::builder()
            .header(header::CONTENT_TYPE, file.content_type.clone())
            .header(header::ETAG, chosen.etag.clone())
            .header(header::CACHE_CONTROL, file.cache_control.clone());
        if file.gzip.is_some() || file.brotli.is_some() {
            response = response.header(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        if let Some((_, coding)) = encoded {
            response = response.header(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        let fresh = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| matches_tag(tags, &chosen.etag));
        let built = if fresh {
            response
                .status(StatusCode::NOT_MODIFIED)
                .body(Body::empty())
        } else if method == Method::HEAD {
            response
                .header(header::CONTENT_LENGTH, chosen.bytes.len())
                .body(Body::empty())
        } else {
            response.body(Body::from(chosen.bytes.clone()))
        };
        built.ok()
    }
}

/// `/pkg/mitreden.css` for `<root>/pkg/mitreden.css`; `None` for a name that is not UTF-8.
fn url_path(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let mut url = String::new();
    for part in relative.components() {
        url.push('/');
        url.push_str(part.as_os_str().to_str()?);
    }
    Some(url)
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "json" | "map" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Whether `Accept-Encoding` allows `coding` (listed, and not with `q=0`).
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|offered| {
            let mut parts = offered.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
}

/// `If-None-Match`: `*`, or a list of tags, compared weakly (RFC 9110, 13.1.2).
fn matches_tag(tags: &str, etag: &HeaderValue) -> bool {
    let ours = etag.to_str().unwrap_or_default();
    tags.split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: header::HeaderName, value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn a_coding_is_sent_to_whoever_accepts_it() {
        let gzip = |value| accepts(&with(header::ACCEPT_ENCODING, value), "gzip");
        assert!(gzip("gzip, deflate, br"));
        assert!(gzip("br;q=1.0, GZIP;q=0.5"));
        assert!(!gzip("gzip;q=0"));
        assert!(!gzip("br, identity"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
        let brotli = |value| accepts(&with(header::ACCEPT_ENCODING, value), "br");
        assert!(brotli("gzip, deflate, br, zstd"));
        assert!(!brotli("gzip, deflate"));
        assert!(!brotli("br;q=0, gzip"));
    }

    #[test]
    fn tags_match_weakly_and_in_lists() {
        let etag = HeaderValue::from_static("\"abc\"");
        assert!(matches_tag("\"abc\"", &etag));
        assert!(matches_tag("W/\"abc\"", &etag));
        assert!(matches_tag("\"x\", \"abc\"", &etag));
        assert!(matches_tag("*", &etag));
        assert!(!matches_tag("\"abcd\"", &etag));
    }

    #[tokio::test]
    async fn files_are_read_with_their_compressed_siblings_and_answered_from_memory() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("pkg")).unwrap();
        std::fs::write(root.path().join("pkg/site.css"), "body{}").unwrap();
        std::fs::write(root.path().join("pkg/site.css.gz"), [0x1f, 0x8b, 1, 2]).unwrap();
        std::fs::write(root.path().join("pkg/app.wasm"), "\0asm-plain").unwrap();
        std::fs::write(root.path().join("pkg/app.wasm.gz"), "gzip").unwrap();
        std::fs::write(root.path().join("pkg/app.wasm.br"), "br").unwrap();
        std::fs::write(root.path().join("favicon.svg"), "<svg/>").unwrap();
        let files = StaticFiles::load(root.path());
        assert_eq!(files.len(), 3);

        let gzip = with(header::ACCEPT_ENCODING, "gzip");
        let answer = files.respond(&Method::GET, "/pkg/site.css", &gzip).unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
        assert_eq!(answer.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(
            answer.headers()[header::CONTENT_TYPE],
            "text/css; charset=utf-8"
        );
        assert_eq!(answer.headers()[header::VARY], "accept-encoding");
        let tag = answer.headers()[header::ETAG].clone();

        let plain = files
            .respond(&Method::GET, "/pkg/site.css", &HeaderMap::new())
            .unwrap();
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_ne!(
            plain.headers()[header::ETAG],
            tag,
            "each encoding has its own tag"
        );

        let mut again = gzip.clone();
        again.insert(header::IF_NONE_MATCH, tag);
        let fresh = files
            .respond(&Method::GET, "/pkg/site.css", &again)
            .unwrap();
        assert_eq!(fresh.status(), StatusCode::NOT_MODIFIED);

        let head = files
            .respond(&Method::HEAD, "/favicon.svg", &HeaderMap::new())
            .unwrap();
        assert_eq!(head.headers()[header::CONTENT_LENGTH], "6");
        assert_eq!(head.headers()[header::CONTENT_TYPE], "image/svg+xml");

        assert!(
            files
                .respond(&Method::POST, "/favicon.svg", &HeaderMap::new())
                .is_none()
        );
        // Brotli to a browser that takes it, whatever order it names the codings in;
        // gzip to one that does not; each with a tag of its own.
        let mut tags = Vec::new();
        for (accepted, coding, body) in [
            ("gzip, deflate, br, zstd", Some("br"), "br"),
            ("br;q=0.5, gzip", Some("br"), "br"),
            ("gzip, deflate", Some("gzip"), "gzip"),
            ("identity", None, "\0asm-plain"),
        ] {
            let answer = files
                .respond(
                    &Method::GET,
                    "/pkg/app.wasm",
                    &with(header::ACCEPT_ENCODING, accepted),
                )
                .unwrap();
            assert_eq!(
                answer
                    .headers()
                    .get(header::CONTENT_ENCODING)
                    .map(|v| v.to_str().unwrap()),
                coding,
                "{accepted}"
            );
            assert_eq!(answer.headers()[header::VARY], "accept-encoding");
            tags.push(answer.headers()[header::ETAG].clone());
            let bytes = axum::body::to_bytes(answer.into_body(), 1024)
                .await
                .unwrap();
            assert_eq!(bytes, body.as_bytes(), "{accepted}");
        }
        tags.dedup();
        assert_eq!(tags.len(), 3, "one tag per coding: {tags:?}");

        for sibling in ["/pkg/site.css.gz", "/pkg/app.wasm.br", "/pkg/app.wasm.gz"] {
            assert!(
                files
                    .respond(&Method::GET, sibling, &HeaderMap::new())
                    .is_none(),
                "{sibling}"
            );
        }
        assert!(
            files
                .respond(&Method::GET, "/pkg/../favicon.svg", &HeaderMap::new())
                .is_none()
        );
        assert!(
            files
                .respond(&Method::GET, "/missing.js", &HeaderMap::new())
                .is_none()
        );
    }

    #[test]
    fn a_missing_root_serves_nothing() {
        let files = StaticFiles::load(Path::new("/nonexistent/mitreden/site"));
        assert!(files.is_empty());
    }
}
