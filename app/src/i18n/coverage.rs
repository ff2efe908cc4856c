//! The locale files and the code agree: every language has every text, every text is
//! used, and every problem the code reports about a field has a text of its own.

use super::*;
use std::path::{Path, PathBuf};

fn sources() -> String {
    fn walk(dir: &Path, into: &mut String) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path: PathBuf = entry.path();
            if path.is_dir() {
                walk(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.ends_with("i18n/mod.rs")
                && !path.ends_with("i18n/coverage.rs")
            {
                into.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
                into.push('\n');
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = String::new();
    walk(&root.join("src"), &mut all);
    walk(&root.join("../server/src"), &mut all);
    all
}

#[test]
fn every_language_has_every_text() {
    let missing: Vec<String> = MISSING
        .iter()
        .map(|(lang, id)| format!("{}: {id}", lang.code()))
        .collect();
    assert!(
        missing.is_empty(),
        "texts missing from a language: {missing:#?}"
    );
}

#[test]
fn every_text_is_used_by_the_code() {
    let code = sources();
    // Texts the i18n module itself reads (dates, plural helpers, lookups by name).
    let helpers =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/i18n/mod.rs"))
            .unwrap_or_default();
    let unused: Vec<&str> = MESSAGE_IDS
        .iter()
        .copied()
        .filter(|id| {
            let access = format!(".{id}");
            ![&code, &helpers].iter().any(|text| {
                text.match_indices(&access).any(|(at, _)| {
                    let next = text[at + access.len()..].chars().next();
                    !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            })
        })
        .collect();
    assert!(unused.is_empty(), "texts no code uses: {unused:#?}");
}

#[test]
fn every_field_text_names_a_field_and_problem_the_code_reports() {
    let code = sources();
    let unused: Vec<String> = Lang::default()
        .texts()
        .fields
        .iter()
        .filter(|(field, problem, _)| {
            let named = |word: &str| word.is_empty() || code.contains(&format!("\"{word}\""));
            !((*field == "any" || named(field)) && named(problem))
        })
        .map(|(field, problem, _)| format!("{field}.{problem}"))
        .collect();
    assert!(
        unused.is_empty(),
        "field texts no code reports: {unused:#?}"
    );
}

#[test]
fn every_reported_field_problem_has_a_text_of_its_own() {
    let code = sources();
    let t = Lang::default().texts();
    let mut without = Vec::new();
    for (at, _) in code.match_indices("invalid(\"") {
        let rest = &code[at + "invalid(\"".len()..];
        let Some((field, rest)) = rest.split_once('"') else {
            continue;
        };
        let problem = rest
            .trim_start_matches([',', ' ', '\n'])
            .strip_prefix('"')
            .and_then(|p| p.split_once('"'))
            .map(|(p, _)| p);
        let Some(problem) = problem else { continue };
        if std::ptr::eq(t.invalid_input(field, problem), t.error_invalid_input) {
            without.push(format!("{field}.{problem}"));
        }
    }
    without.sort();
    without.dedup();
    assert!(
        without.is_empty(),
        "problems reported without a text: {without:#?}"
    );
}
