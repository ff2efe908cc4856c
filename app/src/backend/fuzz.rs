//! Fuzzing of every path hostile input takes: Markdown to HTML, the escaping of text the
//! server writes raw, session tokens, the CSV import, the logo file, forwarded addresses
//! and OParl documents. Each target takes bytes (`fn(&[u8])`, as a `cargo fuzz` target
//! would) and checks what must hold for any input; a broken rule or a panic is a finding.
//!
//! The driver mutates seeds (the shared hostile corpora and a sample of each format) for
//! a fixed time per target: a moment in the unit tests, `MITREDEN_FUZZ_SECS` seconds each
//! in `make fuzz`, which prints executions and findings.

use crate::backend::auth::verify_token;
use crate::backend::logo::Logo;
use crate::backend::proxies::TrustedProxies;
use crate::backend::sanitize::markdown_to_html;
use crate::backend::service::oparl;
use crate::components::raw_text::raw_text;
use crate::formats::proposals::service::onsite_import;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

/// A small, fast, seeded generator (xorshift64*): runs are reproducible by their seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            usize::try_from(self.next() % n as u64).unwrap_or(0)
        }
    }
}

/// Fragments that tend to matter to parsers of text, HTML, CSV and URLs.
const TOKENS: &[&str] = &[
    "<",
    ">",
    "&",
    "\"",
    "'",
    "</textarea>",
    "</title>",
    "<script>",
    "<img src=x onerror=alert(1)>",
    "javascript:",
    "[x](javascript:alert(1))",
    "<a href=\"java\tscript:x\">",
    "\r\n",
    "\n\n",
    ";",
    ",",
    "\t",
    "\"\"",
    "\u{202e}",
    "\u{feff}",
    "\0",
    "%00",
    "#12",
    "##",
    "`",
    "```",
    "|",
    "\\",
    "&#x3C;",
    "&lt;",
    "\u{e0041}",
    "::ffff:127.0.0.1",
    "10.0.0.1",
    "2026-11-03T16:00:00+01:00",
];

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], input: &mut Vec<u8>) {
    for _ in 0..=rng.below(4) {
        match rng.below(7) {
            0 if !input.is_empty() => {
                let at = rng.below(input.len());
                input[at] ^= 1 << rng.below(8);
            }
            1 => {
                let at = rng.below(input.len() + 1);
                input.insert(at, (rng.next() & 0xff) as u8);
            }
            2 if !input.is_empty() => {
                let at = rng.below(input.len());
                let end = (at + rng.below(16) + 1).min(input.len());
                input.drain(at..end);
            }
            3 => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                let at = rng.below(input.len() + 1);
                input.splice(at..at, token.iter().copied());
            }
            4 if !seeds.is_empty() => {
                let other = &seeds[rng.below(seeds.len())];
                let at = rng.below(input.len() + 1);
                let take = rng.below(other.len() + 1);
                input.splice(at..at, other[..take].iter().copied());
            }
            5 if !input.is_empty() => {
                let at = rng.below(input.len());
                let end = (at + rng.below(32) + 1).min(input.len());
                let chunk = input[at..end].to_vec();
                input.splice(end..end, chunk);
            }
            _ => input.truncate(rng.below(input.len() + 1)),
        }
    }
    // Inputs stay small enough for many executions per second.
    input.truncate(4096);
}

/// What one target's run did.
#[derive(Debug)]
pub struct Run {
    pub target: &'static str,
    pub executions: u64,
    pub findings: Vec<String>,
}

/// Runs `target` on mutations of `seeds` for `time`.
fn run(
    name: &'static str,
    time: Duration,
    seeds: &[Vec<u8>],
    target: impl Fn(&[u8]) -> Result<(), String>,
) -> Run {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ name.len() as u64);
    let deadline = Instant::now() + time;
    let mut executions = 0u64;
    let mut findings = Vec::new();
    let mut input = Vec::new();
    while Instant::now() < deadline && findings.len() < 10 {
        if executions.is_multiple_of(8) && !seeds.is_empty() {
            input.clone_from(&seeds[rng.below(seeds.len())]);
        }
        mutate(&mut rng, seeds, &mut input);
        let outcome = catch_unwind(AssertUnwindSafe(|| target(&input)));
        executions += 1;
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(broken)) => {
                findings.push(format!("{broken}: {:?}", String::from_utf8_lossy(&input)))
            }
            Err(_) => findings.push(format!("panic: {:?}", String::from_utf8_lossy(&input))),
        }
    }
    Run {
        target: name,
        executions,
        findings,
    }
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Rendered Markdown, read as a browser tokenizes it, carries no script element, event
/// handler, style or link to a scheme other than http(s), mailto and tel.
pub fn markdown(data: &[u8]) -> Result<(), String> {
    let html = markdown_to_html(&text(data));
    for (tag, attributes) in tags(&html) {
        if matches!(
            tag.as_str(),
            "script" | "iframe" | "style" | "object" | "embed" | "svg" | "math"
        ) {
            return Err(format!("element {tag}"));
        }
        for (name, value) in attributes {
            if name.starts_with("on") || name == "style" || name == "srcdoc" {
                return Err(format!("attribute {name}"));
            }
            if matches!(name.as_str(), "href" | "src" | "action" | "formaction")
                && let Some(scheme) = url_scheme(&value)
                && !matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel")
            {
                return Err(format!("{name}={value}"));
            }
        }
    }
    Ok(())
}

/// The scheme of a URL as the WHATWG URL parser reads it: leading controls and spaces are
/// dropped, tabs and line breaks removed anywhere, then a letter, letters, digits, `+`, `-`
/// or `.`, and a colon; anything else is a relative URL.
fn url_scheme(value: &str) -> Option<String> {
    let cleaned: String = value
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

/// The start tags of serialized HTML with their attributes (names lower-cased), read the
/// way a browser tokenizes them: quotes hide `>` and `<`.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let tag = rest[..name_end].to_lowercase();
        rest = &rest[name_end..];
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() || rest.starts_with('>') {
                break;
            }
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
                .unwrap_or(rest.len())
                .max(1);
            let name = rest[..end].to_lowercase();
            rest = rest[end..].trim_start();
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                let (quoted, quote) = match after.chars().next() {
                    Some(q @ ('"' | '\'')) => (true, q),
                    _ => (false, ' '),
                };
                if quoted {
                    let inner = &after[1..];
                    let close = inner.find(quote).unwrap_or(inner.len());
                    value = inner[..close].to_owned();
                    rest = inner.get(close + 1..).unwrap_or_default();
                } else {
                    let close = after
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(after.len());
                    value = after[..close].to_owned();
                    rest = &after[close..];
                }
            }
            let value = value
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            attributes.push((name, value));
        }
        found.push((tag, attributes));
    }
    found
}

/// Text for `<textarea>` and `<title>` holds no markup and reads back as it was.
pub fn escaping(data: &[u8]) -> Result<(), String> {
    let original = text(data);
    let escaped = raw_text(original.clone());
    if escaped.contains('<') || escaped.contains('>') {
        return Err("markup left".into());
    }
    let back = escaped
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    if back != original {
        return Err("does not read back".into());
    }
    Ok(())
}

/// No token made of anything but the signing key is accepted.
pub fn tokens(data: &[u8]) -> Result<(), String> {
    match verify_token("fuzzing-secret-that-is-long-enough-32", &text(data)) {
        Ok(_) => Err("a forged token was accepted".into()),
        Err(_) => Ok(()),
    }
}

/// A CSV batch reads without panicking, within its limits, rows in file order.
pub fn csv_import(data: &[u8]) -> Result<(), String> {
    let decoded = onsite_import::decode(data);
    if let Ok(rows) = onsite_import::parse(&decoded) {
        if rows.len() > crate::formats::proposals::onsite_model::MAX_IMPORT_ROWS {
            return Err("too many rows".into());
        }
        if rows.windows(2).any(|pair| pair[0].line >= pair[1].line) {
            return Err("rows out of order".into());
        }
    }
    Ok(())
}

/// A logo file reads or is refused; what reads stays within its limits.
pub fn logo(data: &[u8]) -> Result<(), String> {
    if let Ok(logo) = Logo::read(data)
        && (logo.width == 0 || logo.height == 0 || logo.width > 4096 || logo.height > 4096)
    {
        return Err("dimensions out of bounds".into());
    }
    Ok(())
}

/// A forwarded-for header names the peer or one of its own addresses, nothing else.
pub fn forwarded(data: &[u8]) -> Result<(), String> {
    let header = text(data);
    let Ok(proxies) = TrustedProxies::parse("10.0.0.0/8") else {
        return Err("list".into());
    };
    let peer = std::net::IpAddr::from([10, 0, 0, 1]);
    let client = proxies.client(peer, Some(&header));
    let named = header
        .split(',')
        .filter_map(|hop| hop.trim().parse::<std::net::IpAddr>().ok())
        .any(|address| address == client);
    if client != peer && !named {
        return Err(format!("client {client} from nowhere"));
    }
    Ok(())
}

/// OParl documents: any JSON is read without panicking.
pub fn oparl_document(data: &[u8]) -> Result<(), String> {
    let words = text(data);
    let _ = oparl::proposal_numbers(&words);
    let _ = crate::model::results::CouncilOutcome::from_council_text(&words);
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = oparl::type_is(&value, "Paper");
        let _ = oparl::text(&value, "name");
        let date = oparl::date_of(&value);
        if !date.is_empty() && crate::model::time::LocalDate::parse_iso(&date).is_none() {
            return Err(format!("date {date}"));
        }
    }
    Ok(())
}

/// The shared hostile corpora, if they are beside the repository.
fn corpora() -> Vec<Vec<u8>> {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    let mut seeds = Vec::new();
    if let Ok(blns) = std::fs::read_to_string(data.join("blns.json"))
        && let Ok(strings) = serde_json::from_str::<Vec<String>>(&blns)
    {
        seeds.extend(strings.into_iter().map(String::into_bytes));
    }
    if let Ok(xss) = std::fs::read_to_string(data.join("xss-payloads.txt")) {
        seeds.extend(xss.lines().map(|l| l.as_bytes().to_vec()));
    }
    seeds
}

/// Every target for `time` each.
pub fn all(time: Duration) -> Vec<Run> {
    let text_seeds = corpora();
    let with = |extra: &[&[u8]]| {
        let mut seeds = text_seeds.clone();
        seeds.extend(extra.iter().map(|s| s.to_vec()));
        seeds
    };
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\0\0\0\0\0\0\0\x0cIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\0\0\0\0\0\0\0\0IEND\0\0\0\0";
    vec![
        run("markdown", time, &with(&[b"**a** [b](https://x.de) `c`\n\n| a | b |\n|---|---|\n"]), markdown),
        run("escaping", time, &text_seeds, escaping),
        run("tokens", time, &with(&[b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"]), tokens),
        run(
            "csv_import",
            time,
            &with(&[b"Titel;Beschreibung;Ort\nA;\"B; C\";D\n", b"title\tdescription\nx\ty\n"]),
            csv_import,
        ),
        run("logo", time, &[png.to_vec(), b"\xff\xd8\xff\xc0\0\x11\x08\0\x10\0\x10\x03".to_vec()], logo),
        run("forwarded", time, &with(&[b"203.0.113.9, 10.1.2.3", b"::1, 10.0.0.2"]), forwarded),
        run(
            "oparl_document",
            time,
            &with(&[br##"{"type":"https://schema.oparl.org/1.1/Meeting","start":"2026-11-03T16:00:00+01:00","name":"#12"}"##]),
            oparl_document,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(runs: &[Run]) {
        for run in runs {
            println!(
                "fuzz {:<15} {:>9} executions, {} findings",
                run.target,
                run.executions,
                run.findings.len()
            );
            for finding in &run.findings {
                println!("  {finding}");
            }
        }
        assert!(
            runs.iter()
                .all(|r| r.findings.is_empty() && r.executions > 0)
        );
    }

    /// A moment per target on every test run.
    #[test]
    fn fuzz_targets_hold_briefly() {
        report(&all(Duration::from_millis(300)));
    }

    /// `make fuzz`: `MITREDEN_FUZZ_SECS` (default 60) per target.
    #[test]
    #[ignore = "long; run by make fuzz"]
    fn fuzz_targets_hold() {
        let seconds = std::env::var("MITREDEN_FUZZ_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(60);
        report(&all(Duration::from_secs(seconds)));
    }
}
