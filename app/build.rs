//! Compiles the locale files under `locales/` into Rust: one typed table of texts per
//! language, so that a text used in code but missing from the default language does not
//! compile, and the browser bundle carries no message parser.
//!
//! Layout (see `locales/README.md`):
//! - `locales/<code>/*.ftl`: texts for pages and the browser, in Fluent syntax;
//! - `locales/<code>/server/*.ftl`: texts only the server uses (mails, exports, the PDF);
//! - `locales/<code>/legal/*.md`: whole documents (the legal pages' example texts).
//!
//! The default language (`de`) defines which messages exist. Another language may lack some
//! (they fall back to the default, and the list is kept for the coverage test) but may not
//! have messages of its own. `locales-test/<code>/` holds partial locales compiled in only
//! with the feature `test-locales` (the server's tests turn it on): they show that adding a
//! language is adding files.

// A broken locale file must stop the build with its name and the problem: here, panicking
// is how a build script reports an error.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

use fluent_syntax::ast;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const DEFAULT: &str = "de";

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    println!("cargo::rerun-if-changed=locales");
    println!("cargo::rerun-if-changed=locales-test");
    let mut locales = read_dir(&root.join("locales"), false);
    locales.extend(read_dir(&root.join("locales-test"), true));
    locales.sort_by(|a, b| {
        (a.test, a.code != DEFAULT, &a.code).cmp(&(b.test, b.code != DEFAULT, &b.code))
    });
    assert!(
        locales.first().is_some_and(|l| l.code == DEFAULT),
        "locales/{DEFAULT} must exist"
    );
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    write(&out.join("langs.rs"), &langs(&locales));
    write(&out.join("texts.rs"), &texts(&locales));
}

struct Locale {
    code: String,
    test: bool,
    dir: PathBuf,
    /// (server-only?) → message id → compiled message.
    messages: [BTreeMap<String, Message>; 2],
    documents: BTreeMap<String, PathBuf>,
    /// `fields.ftl`: (field, problem or "") → text.
    fields: BTreeMap<(String, String), String>,
}

enum Message {
    Plain(String),
    Parts(String),
}

fn read_dir(dir: &Path, test: bool) -> Vec<Locale> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut locales = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let code = entry.file_name().to_string_lossy().into_owned();
        let mut locale = Locale {
            code,
            test,
            dir: path.clone(),
            messages: [BTreeMap::new(), BTreeMap::new()],
            documents: BTreeMap::new(),
            fields: BTreeMap::new(),
        };
        read_ftl_files(&path, &mut locale.messages[0], &mut locale.fields);
        read_ftl_files(
            &path.join("server"),
            &mut locale.messages[1],
            &mut BTreeMap::new(),
        );
        for kind in ["legal"] {
            for file in files(&path.join(kind)) {
                let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
                if let Some(name) = name {
                    locale.documents.insert(format!("{kind}/{name}"), file);
                }
            }
        }
        locales.push(locale);
    }
    locales
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file());
    files.sort();
    files
}

/// Reads the Fluent files of a folder. `fields.ftl` is a table rather than messages: a
/// message per field (its value: the text for any problem), an attribute per problem.
fn read_ftl_files(
    dir: &Path,
    into: &mut BTreeMap<String, Message>,
    fields: &mut BTreeMap<(String, String), String>,
) {
    for file in files(dir) {
        if file.extension().is_none_or(|e| e != "ftl") {
            continue;
        }
        let source = std::fs::read_to_string(&file).expect("a locale file is readable");
        let resource = match fluent_syntax::parser::parse(source.as_str()) {
            Ok(resource) => resource,
            Err((_, errors)) => panic!("{}: {errors:?}", file.display()),
        };
        let is_fields = file.file_name().is_some_and(|n| n == "fields.ftl");
        for entry in resource.body {
            match entry {
                ast::Entry::Message(message) if is_fields => {
                    let field = message.id.name.to_owned();
                    let where_ = format!("{}: {field}", file.display());
                    let text = |pattern: &ast::Pattern<&str>| match compile(pattern, &where_) {
                        Message::Plain(text) => text,
                        Message::Parts(_) => panic!("{where_}: field texts take no arguments"),
                    };
                    if let Some(value) = &message.value {
                        fields.insert((field.clone(), String::new()), text(value));
                    }
                    for attribute in &message.attributes {
                        let problem = attribute.id.name.to_owned();
                        fields.insert((field.clone(), problem), text(&attribute.value));
                    }
                }
                ast::Entry::Message(message) => {
                    let id = message.id.name.to_owned();
                    let where_ = format!("{}: {id}", file.display());
                    assert!(message.attributes.is_empty(), "{where_}: no attributes");
                    let pattern = message
                        .value
                        .unwrap_or_else(|| panic!("{where_}: no value"));
                    let compiled = compile(&pattern, &where_);
                    assert!(into.insert(id, compiled).is_none(), "{where_}: twice");
                }
                ast::Entry::Term(term) => panic!("{}: term -{}", file.display(), term.id.name),
                ast::Entry::Junk { content } => panic!("{}: junk {content}", file.display()),
                _ => {}
            }
        }
    }
}

fn compile(pattern: &ast::Pattern<&str>, where_: &str) -> Message {
    if let [ast::PatternElement::TextElement { value }] = pattern.elements.as_slice() {
        return Message::Plain((*value).to_owned());
    }
    let mut plain = String::new();
    let mut only_text = true;
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => plain.push_str(value),
            ast::PatternElement::Placeable {
                expression: ast::Expression::Inline(ast::InlineExpression::StringLiteral { value }),
            } => plain.push_str(&unescape(value)),
            _ => only_text = false,
        }
    }
    if only_text {
        return Message::Plain(plain);
    }
    Message::Parts(parts(pattern, where_))
}

/// A pattern as a `&[Part]` expression.
fn parts(pattern: &ast::Pattern<&str>, where_: &str) -> String {
    let mut out = String::from("&[");
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => {
                let _ = write!(out, "Part::Text({value:?}),");
            }
            ast::PatternElement::Placeable { expression } => match expression {
                ast::Expression::Inline(inline) => out.push_str(&inline_part(inline, where_)),
                ast::Expression::Select { selector, variants } => {
                    let ast::InlineExpression::VariableReference { id } = selector else {
                        panic!("{where_}: a selector must be a variable");
                    };
                    let mut arms = String::from("&[");
                    let mut default = None;
                    for (index, variant) in variants.iter().enumerate() {
                        let key = match &variant.key {
                            ast::VariantKey::Identifier { name } => format!("Key::Word({name:?})"),
                            ast::VariantKey::NumberLiteral { value } => {
                                let n: i64 = value.parse().unwrap_or_else(|_| {
                                    panic!("{where_}: variant keys are whole numbers")
                                });
                                format!("Key::Num({n})")
                            }
                        };
                        if variant.default {
                            default = Some(index);
                        }
                        let _ = write!(arms, "({key}, {}),", parts(&variant.value, where_));
                    }
                    arms.push(']');
                    let default = default.unwrap_or_else(|| panic!("{where_}: no default"));
                    let _ = write!(out, "Part::Select({:?}, {arms}, {default}),", id.name);
                }
            },
        }
    }
    out.push(']');
    out
}

fn inline_part(inline: &ast::InlineExpression<&str>, where_: &str) -> String {
    match inline {
        ast::InlineExpression::StringLiteral { value } => {
            format!("Part::Text({:?}),", unescape(value))
        }
        ast::InlineExpression::VariableReference { id } => format!("Part::Var({:?}),", id.name),
        other => panic!("{where_}: only variables and select expressions, not {other:?}"),
    }
}

fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let code = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                out.push(code.unwrap_or('\u{FFFD}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn variant(code: &str) -> String {
    code.split(['-', '_'])
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()
            })
        })
        .collect()
}

fn cfg(locale: &Locale) -> &'static str {
    if locale.test {
        "#[cfg(feature = \"test-locales\")] "
    } else {
        ""
    }
}

/// One match arm per language: `Lang::De => <value>,`.
fn arms(out: &mut String, locales: &[Locale], value: impl Fn(&Locale) -> String) {
    for locale in locales {
        let _ = writeln!(
            out,
            "            {}Lang::{} => {},",
            cfg(locale),
            variant(&locale.code),
            value(locale)
        );
    }
}

fn langs(locales: &[Locale]) -> String {
    let mut out = String::new();
    out.push_str(
        "/// A language the platform speaks: one per folder under `app/locales/`.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]\n\
         #[cfg_attr(feature = \"ssr\", derive(schemars::JsonSchema))]\n\
         pub enum Lang {\n",
    );
    for (index, locale) in locales.iter().enumerate() {
        let default = if index == 0 { "#[default] " } else { "" };
        let _ = writeln!(
            out,
            "    {}{default}#[serde(rename = {:?})] {},",
            cfg(locale),
            locale.code,
            variant(&locale.code)
        );
    }
    let _ = write!(
        out,
        "}}\n\nimpl Lang {{\n    /// The instance's first language: the binding version of its texts.\n    pub const DEFAULT: Lang = Lang::{};\n\n",
        variant(&locales[0].code)
    );
    out.push_str(
        "    /// Every language, the default first.\n    pub const ALL: &'static [Lang] = &[\n",
    );
    for locale in locales {
        let _ = writeln!(
            out,
            "        {}Lang::{},",
            cfg(locale),
            variant(&locale.code)
        );
    }
    out.push_str("    ];\n\n    /// The language's code (BCP 47), as in `<html lang>` and the locale folder.\n    pub fn code(self) -> &'static str {\n        match self {\n");
    arms(&mut out, locales, |locale| format!("{:?}", locale.code));
    out.push_str("        }\n    }\n}\n");
    out
}

fn texts(locales: &[Locale]) -> String {
    let default = &locales[0];
    let mut out = String::new();
    let mut missing = Vec::new();
    for (server, name, prefix) in [
        (false, "Texts", "TEXTS"),
        (true, "ServerTexts", "SERVER_TEXTS"),
    ] {
        let set = usize::from(server);
        let gate = if server {
            "#[cfg(feature = \"ssr\")] "
        } else {
            ""
        };
        // A message takes arguments in the struct if it does in any language.
        let with_parts: BTreeSet<&String> = locales
            .iter()
            .flat_map(|l| l.messages[set].iter())
            .filter(|(_, m)| matches!(m, Message::Parts(_)))
            .map(|(id, _)| id)
            .collect();
        let _ = writeln!(out, "{gate}pub struct {name} {{");
        let _ = writeln!(out, "    pub lang: Lang,");
        if !server {
            out.push_str(
                "    /// What is wrong with a field: (field, problem or \"\", text), from `fields.ftl`.\n    pub fields: &'static [(&'static str, &'static str, &'static str)],\n",
            );
        }
        for id in default.messages[set].keys() {
            let ty = if with_parts.contains(id) {
                "Msg"
            } else {
                "&'static str"
            };
            let _ = writeln!(out, "    pub {id}: {ty},");
        }
        out.push_str("}\n\n");
        for locale in locales {
            for id in locale.messages[set].keys() {
                assert!(
                    default.messages[set].contains_key(id),
                    "{}: `{id}` is not a message of the default language {DEFAULT}",
                    locale.dir.display()
                );
            }
            let _ = writeln!(
                out,
                "{gate}{}pub(crate) static {prefix}_{}: {name} = {name} {{\n    lang: Lang::{},",
                cfg(locale),
                variant(&locale.code).to_uppercase(),
                variant(&locale.code)
            );
            if !server {
                out.push_str("    fields: &[\n");
                for (key, fallback) in &default.fields {
                    let text = locale.fields.get(key).unwrap_or_else(|| {
                        if !locale.test {
                            missing.push((locale, format!("fields.ftl: {}.{}", key.0, key.1)));
                        }
                        fallback
                    });
                    let _ = writeln!(out, "        ({:?}, {:?}, {text:?}),", key.0, key.1);
                }
                out.push_str("    ],\n");
                for key in locale.fields.keys() {
                    assert!(
                        default.fields.contains_key(key),
                        "{}: `{}.{}` is not in the default language's fields.ftl",
                        locale.dir.display(),
                        key.0,
                        key.1
                    );
                }
            }
            for (id, fallback) in &default.messages[set] {
                let own = locale.messages[set].get(id);
                if own.is_none() && !locale.test {
                    missing.push((locale, id.clone()));
                }
                let (message, lang) = match own {
                    Some(message) => (message, &locale.code),
                    None => (fallback, &default.code),
                };
                let value = match (message, with_parts.contains(id)) {
                    (Message::Plain(text), false) => format!("{text:?}"),
                    (Message::Plain(text), true) => format!(
                        "Msg {{ lang: Lang::{}, parts: &[Part::Text({text:?})] }}",
                        variant(lang)
                    ),
                    (Message::Parts(parts), _) => {
                        format!("Msg {{ lang: Lang::{}, parts: {parts} }}", variant(lang))
                    }
                };
                let _ = writeln!(out, "    {id}: {value},");
            }
            out.push_str("};\n\n");
        }
    }
    out.push_str("/// Every message of `Texts` and `ServerTexts`, for the coverage test.\n#[cfg(test)]\npub const MESSAGE_IDS: &[&str] = &[\n");
    for set in &default.messages {
        for id in set.keys() {
            let _ = writeln!(out, "    {id:?},");
        }
    }
    out.push_str("];\n\n");
    out.push_str(
        "/// Messages a language lacks (they read as the default language's).\n\
         pub const MISSING: &[(Lang, &str)] = &[\n",
    );
    for (locale, id) in &missing {
        let _ = writeln!(
            out,
            "    {}(Lang::{}, {id:?}),",
            cfg(locale),
            variant(&locale.code)
        );
    }
    out.push_str("];\n\n");
    out.push_str("impl Lang {\n    pub fn texts(self) -> &'static Texts {\n        match self {\n");
    arms(&mut out, locales, |locale| {
        format!("&TEXTS_{}", variant(&locale.code).to_uppercase())
    });
    out.push_str("        }\n    }\n\n    #[cfg(feature = \"ssr\")]\n    pub fn server_texts(self) -> &'static ServerTexts {\n        match self {\n");
    arms(&mut out, locales, |locale| {
        format!("&SERVER_TEXTS_{}", variant(&locale.code).to_uppercase())
    });
    out.push_str("        }\n    }\n\n    /// A whole document (`legal/<name>.md`) in this language,\n    /// or in the default language where this one has none.\n    #[cfg(feature = \"ssr\")]\n    pub fn document(self, name: &str) -> Option<&'static str> {\n        let own: &[(&str, &str)] = match self {\n");
    for locale in locales {
        let _ = write!(
            out,
            "            {}Lang::{} => &[",
            cfg(locale),
            variant(&locale.code)
        );
        for (name, path) in &locale.documents {
            let _ = write!(
                out,
                "({name:?}, include_str!({:?})),",
                path.display().to_string()
            );
        }
        out.push_str("],\n");
    }
    out.push_str("        };\n        let default: &[(&str, &str)] = &[");
    for (name, path) in &default.documents {
        let _ = write!(
            out,
            "({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str(
        "];\n        own.iter().chain(default).find(|(n, _)| *n == name).map(|(_, text)| *text)\n    }\n}\n",
    );
    out
}

fn write(path: &Path, content: &str) {
    let unchanged = std::fs::read_to_string(path).is_ok_and(|old| old == content);
    if !unchanged {
        std::fs::write(path, content).expect("OUT_DIR is writable");
    }
}
