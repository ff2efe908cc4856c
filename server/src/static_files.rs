//! The site's static files (the CSS, the JS and wasm of the pages, the favicon), served
//! from memory.
//!
//! The build writes them under the site root before the server starts, and nothing
//! changes them while it runs: they are read once at start, with the gzip sibling the
//! build made of each (`make build`), and answered from memory with a strong `ETag`.
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
            if path.extension().is_some_and(|e| e == "gz") {
                continue;
            }
            let Some(url) = url_path(root, &path) else {
                continue;
            };
            let Ok(plain) = std::fs::read(&path) else {
                continue;
            };
            let mut gz_path = path.clone().into_os_string();
            gz_path.push(".gz");
            let gzip = std::fs::read(&gz_path).ok();
            total += (plain.len() + gzip.as_ref().map_or(0, Vec::len)) as u64;
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
        let gzip = file.gzip.as_ref().filter(|_| accepts_gzip(headers));
        let chosen = gzip.unwrap_or(&file.plain);
        let mut response = Response::builder()
            .header(header::CONTENT_TYPE, file.content_type.clone())
            .header(header::ETAG, chosen.etag.clone())
            .header(header::CACHE_CONTROL, file.cache_control.clone());
        if file.gzip.is_some() {
            response = response.header(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        if gzip.is_some() {
            response = response.header(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
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

/// Whether `Accept-Encoding` allows gzip (listed, and not with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case("gzip") && !refused
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
    fn gzip_is_sent_to_whoever_accepts_it() {
        assert!(accepts_gzip(&with(
            header::ACCEPT_ENCODING,
            "gzip, deflate, br"
        )));
        assert!(accepts_gzip(&with(
            header::ACCEPT_ENCODING,
            "br;q=1.0, GZIP;q=0.5"
        )));
        assert!(!accepts_gzip(&with(header::ACCEPT_ENCODING, "gzip;q=0")));
        assert!(!accepts_gzip(&with(
            header::ACCEPT_ENCODING,
            "br, identity"
        )));
        assert!(!accepts_gzip(&HeaderMap::new()));
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

    #[test]
    fn files_are_read_with_their_gzip_sibling_and_answered_from_memory() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("pkg")).unwrap();
        std::fs::write(root.path().join("pkg/site.css"), "body{}").unwrap();
        std::fs::write(root.path().join("pkg/site.css.gz"), [0x1f, 0x8b, 1, 2]).unwrap();
        std::fs::write(root.path().join("favicon.svg"), "<svg/>").unwrap();
        let files = StaticFiles::load(root.path());
        assert_eq!(files.len(), 2);

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
        assert!(
            files
                .respond(&Method::GET, "/pkg/site.css.gz", &HeaderMap::new())
                .is_none()
        );
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
