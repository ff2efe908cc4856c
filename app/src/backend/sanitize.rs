//! The one path by which text written by people (residents, planners, the instance's legal
//! pages) becomes HTML: Markdown -> HTML -> ammonia allow-list.

use pulldown_cmark::{Options, Parser, html};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex};

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    // Images would make visitors' browsers fetch from third parties; headings start at h2
    // because every page has its own h1.
    let removed: HashSet<&str> = ["img", "h1"].into_iter().collect();
    builder
        .rm_tags(removed)
        .link_rel(Some("nofollow ugc noopener noreferrer"))
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .strip_comments(true);
    builder
});

/// Renders Markdown to HTML that is safe to insert into a page.
///
/// Sanitising is the costly part of showing a text (ammonia parses the HTML), and the same
/// texts are shown over and over: a proposal page with 300 comments renders 300 of them.
/// Results are kept, keyed by their source text, within a bounded size.
pub fn markdown_to_html(markdown: &str) -> String {
    if let Some(html) = RENDERED.get(markdown) {
        return html.to_string();
    }
    let html = render(markdown);
    RENDERED.insert(markdown, &html);
    html
}

fn render(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    CLEANER.clean(&raw).to_string()
}

/// Rendered texts by source. When the sources and results together pass the limit, the
/// cache starts afresh: simple, and the texts in use are back after one view each.
struct RenderCache {
    entries: Mutex<Entries>,
    limit_bytes: usize,
}

/// The renderings and the bytes they and their sources take.
type Entries = (HashMap<Arc<str>, Arc<str>>, usize);

static RENDERED: LazyLock<RenderCache> = LazyLock::new(|| RenderCache {
    entries: Mutex::default(),
    limit_bytes: 32 * 1024 * 1024,
});

impl RenderCache {
    fn get(&self, source: &str) -> Option<Arc<str>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.0.get(source).cloned()
    }

    fn insert(&self, source: &str, html: &str) {
        let size = source.len() + html.len();
        if size > self.limit_bytes / 64 {
            return; // a huge text would crowd out the rest
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.1 + size > self.limit_bytes {
            entries.0.clear();
            entries.1 = 0;
        }
        if entries.0.insert(source.into(), html.into()).is_none() {
            entries.1 += size;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_rendering_equals_a_fresh_one() {
        let source = "Ein *Text* mit <script>alert(1)</script> [Link](https://example.org).";
        let first = markdown_to_html(source);
        assert_eq!(markdown_to_html(source), first);
        assert_eq!(render(source), first);
        assert!(RENDERED.get(source).is_some());
    }

    #[test]
    fn keeps_formatting_and_safe_links() {
        let html = markdown_to_html("## Ziel\n\n**Mehr** [Radwege](https://example.org/rad).");
        assert!(html.contains("<h2>Ziel</h2>"));
        assert!(html.contains("<strong>Mehr</strong>"));
        assert!(html.contains(r#"href="https://example.org/rad""#));
        assert!(html.contains("noopener"));
    }

    #[test]
    fn removes_scripts_handlers_and_dangerous_urls() {
        let input = "<script>alert(1)</script><a href=\"javascript:alert(1)\" onclick=\"x()\">a</a>\
                     <iframe src=\"//evil\"></iframe>";
        let html = markdown_to_html(input);
        assert_inert(input, &html);
        assert!(!html.contains("alert(1)</script>"), "{html}");
    }

    #[test]
    fn a_markdown_link_to_javascript_loses_its_target() {
        let html = markdown_to_html("Klick [hier](javascript:alert(2)) bitte.");
        assert!(html.contains(">hier</a>"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn drops_remote_images_and_top_level_headings() {
        let html = markdown_to_html("# Titel\n\n![pixel](https://tracker.example/p.gif)");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<h1"), "{html}");
        assert!(html.contains("Titel"));
    }

    /// Every literal `<` in ammonia's output opens a real tag (text is escaped), so checking
    /// the tags checks everything a browser would act on.
    fn assert_inert(input: &str, html: &str) {
        for tag in html.split('<').skip(1) {
            let tag = tag
                .split('>')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            let name = tag
                .trim_start_matches('/')
                .split_whitespace()
                .next()
                .unwrap_or_default();
            assert!(
                ![
                    "script", "iframe", "svg", "img", "object", "embed", "style", "form", "math"
                ]
                .contains(&name),
                "{input:?} kept <{name}> in {html:?}"
            );
            for attribute in tag.split_whitespace().skip(1) {
                assert!(
                    !attribute.starts_with("on"),
                    "{input:?} kept {attribute} in {html:?}"
                );
                assert!(
                    !attribute.contains("javascript:"),
                    "{input:?} kept {attribute}"
                );
                assert!(
                    !attribute.starts_with("style"),
                    "{input:?} kept {attribute}"
                );
            }
        }
    }

    #[test]
    fn every_xss_payload_of_the_shared_corpus_comes_out_inert() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/xss-payloads.txt"
        );
        let corpus = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let payloads: Vec<&str> = corpus.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!(payloads.len() > 100, "corpus too small: {}", payloads.len());
        for payload in payloads {
            assert_inert(payload, &markdown_to_html(payload));
        }
    }
}
