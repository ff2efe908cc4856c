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
    Parts(Vec<Part>),
}

/// A compiled message's pieces, rendered twice: as a Rust expression for the statics the
/// server uses, and in the wire format the browser loads (`i18n/wire.rs`).
enum Part {
    Text(String),
    Var(String),
    /// The variable, the variants, and the index of the default variant.
    Select(String, Vec<(Key, Vec<Part>)>, usize),
}

enum Key {
    Word(String),
    Num(i64),
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

/// A pattern's parts.
fn parts(pattern: &ast::Pattern<&str>, where_: &str) -> Vec<Part> {
    let mut out = Vec::new();
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => out.push(Part::Text((*value).to_owned())),
            ast::PatternElement::Placeable { expression } => match expression {
                ast::Expression::Inline(inline) => out.push(inline_part(inline, where_)),
                ast::Expression::Select { selector, variants } => {
                    let ast::InlineExpression::VariableReference { id } = selector else {
                        panic!("{where_}: a selector must be a variable");
                    };
                    let mut arms = Vec::new();
                    let mut default = None;
                    for (index, variant) in variants.iter().enumerate() {
                        let key = match &variant.key {
                            ast::VariantKey::Identifier { name } => Key::Word((*name).to_owned()),
                            ast::VariantKey::NumberLiteral { value } => {
                                Key::Num(value.parse().unwrap_or_else(|_| {
                                    panic!("{where_}: variant keys are whole numbers")
                                }))
                            }
                        };
                        if variant.default {
                            default = Some(index);
                        }
                        arms.push((key, parts(&variant.value, where_)));
                    }
                    let default = default.unwrap_or_else(|| panic!("{where_}: no default"));
                    out.push(Part::Select(id.name.to_owned(), arms, default));
                }
            },
        }
    }
    out
}

fn inline_part(inline: &ast::InlineExpression<&str>, where_: &str) -> Part {
    match inline {
        ast::InlineExpression::StringLiteral { value } => Part::Text(unescape(value)),
        ast::InlineExpression::VariableReference { id } => Part::Var(id.name.to_owned()),
        other => panic!("{where_}: only variables and select expressions, not {other:?}"),
    }
}

/// Parts as a `&[Part]` expression.
fn rust_parts(parts: &[Part]) -> String {
    let mut out = String::from("&[");
    for part in parts {
        match part {
            Part::Text(text) => {
                let _ = write!(out, "Part::Text({text:?}),");
            }
            Part::Var(name) => {
                let _ = write!(out, "Part::Var({name:?}),");
            }
            Part::Select(name, arms, default) => {
                let mut rendered = String::from("&[");
                for (key, value) in arms {
                    let key = match key {
                        Key::Word(word) => format!("Key::Word({word:?})"),
                        Key::Num(n) => format!("Key::Num({n})"),
                    };
                    let _ = write!(rendered, "({key}, {}),", rust_parts(value));
                }
                rendered.push(']');
                let _ = write!(out, "Part::Select({name:?}, {rendered}, {default}),");
            }
        }
    }
    out.push(']');
    out
}

/// One token of the wire format: the text and a NUL after it.
fn token(out: &mut String, text: &str) {
    assert!(!text.contains('\0'), "a text contains NUL: {text:?}");
    out.push_str(text);
    out.push('\0');
}

/// Parts in the wire format: their number, then each as a tag and its values.
fn wire_parts(out: &mut String, parts: &[Part]) {
    token(out, &parts.len().to_string());
    for part in parts {
        match part {
            Part::Text(text) => {
                token(out, "t");
                token(out, text);
            }
            Part::Var(name) => {
                token(out, "v");
                token(out, name);
            }
            Part::Select(name, arms, default) => {
                token(out, "s");
                token(out, name);
                token(out, &default.to_string());
                token(out, &arms.len().to_string());
                for (key, value) in arms {
                    match key {
                        Key::Word(word) => {
                            token(out, "w");
                            token(out, word);
                        }
                        Key::Num(n) => {
                            token(out, "n");
                            token(out, &n.to_string());
                        }
                    }
                    wire_parts(out, value);
                }
            }
        }
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
    // The browser's texts, one wire string per language (see `i18n/wire.rs`).
    let mut wires: BTreeMap<String, String> = BTreeMap::new();
    let mut with_parts_texts: BTreeSet<String> = BTreeSet::new();
    for (server, name, prefix) in [
        (false, "Texts", "TEXTS"),
        (true, "ServerTexts", "SERVER_TEXTS"),
    ] {
        let set = usize::from(server);
        // The statics of the browser's texts are for the server only: the browser loads
        // its language's texts from a file beside the bundle.
        let (gate, static_gate) = if server {
            ("#[cfg(feature = \"ssr\")] ", "#[cfg(feature = \"ssr\")] ")
        } else {
            ("", "#[cfg(not(feature = \"hydrate\"))] ")
        };
        // A message takes arguments in the struct if it does in any language.
        let with_parts: BTreeSet<&String> = locales
            .iter()
            .flat_map(|l| l.messages[set].iter())
            .filter(|(_, m)| matches!(m, Message::Parts(_)))
            .map(|(id, _)| id)
            .collect();
        if !server {
            with_parts_texts = with_parts.iter().map(|id| (*id).clone()).collect();
        }
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
                "{static_gate}{}pub(crate) static {prefix}_{}: {name} = {name} {{\n    lang: Lang::{},",
                cfg(locale),
                variant(&locale.code).to_uppercase(),
                variant(&locale.code)
            );
            let mut wire = String::new();
            if !server {
                token(&mut wire, &default.fields.len().to_string());
                out.push_str("    fields: &[\n");
                for (key, fallback) in &default.fields {
                    let text = locale.fields.get(key).unwrap_or_else(|| {
                        if !locale.test {
                            missing.push((locale, format!("fields.ftl: {}.{}", key.0, key.1)));
                        }
                        fallback
                    });
                    let _ = writeln!(out, "        ({:?}, {:?}, {text:?}),", key.0, key.1);
                    token(&mut wire, &key.0);
                    token(&mut wire, &key.1);
                    token(&mut wire, text);
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
                    (Message::Plain(text), false) => {
                        token(&mut wire, text);
                        format!("{text:?}")
                    }
                    (Message::Plain(text), true) => {
                        token(&mut wire, lang);
                        wire_parts(&mut wire, &[Part::Text(text.clone())]);
                        format!(
                            "Msg {{ lang: Lang::{}, parts: &[Part::Text({text:?})] }}",
                            variant(lang)
                        )
                    }
                    (Message::Parts(parts), _) => {
                        token(&mut wire, lang);
                        wire_parts(&mut wire, parts);
                        format!(
                            "Msg {{ lang: Lang::{}, parts: {} }}",
                            variant(lang),
                            rust_parts(parts)
                        )
                    }
                };
                let _ = writeln!(out, "    {id}: {value},");
            }
            out.push_str("};\n\n");
            if !server {
                wires.insert(locale.code.clone(), wire);
            }
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
    out.push_str(&wire_code(locales, &wires, &with_parts_texts));
    out.push_str("impl Lang {\n    #[cfg(not(feature = \"hydrate\"))]\n    pub fn texts(self) -> &'static Texts {\n        match self {\n");
    arms(&mut out, locales, |locale| {
        format!("&TEXTS_{}", variant(&locale.code).to_uppercase())
    });
    out.push_str("        }\n    }\n\n    /// The language's texts: in the browser, those `hydrate` loaded (`i18n/wire.rs`).\n    #[cfg(feature = \"hydrate\")]\n    pub fn texts(self) -> &'static Texts {\n        wire::texts(self)\n    }\n\n    #[cfg(feature = \"ssr\")]\n    pub fn server_texts(self) -> &'static ServerTexts {\n        match self {\n");
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

/// The browser's side of the texts: each language's wire string (served by the server as a
/// file whose name carries its hash), `Lang::texts_file`, `Lang::name`, and `Texts::decode`,
/// which the browser runs on the file it loaded.
fn wire_code(
    locales: &[Locale],
    wires: &BTreeMap<String, String>,
    with_parts: &BTreeSet<String>,
) -> String {
    use std::hash::Hasher;
    let default = &locales[0];
    let wire = |locale: &Locale| wires.get(&locale.code).map_or("", String::as_str);
    let mut out = String::from("impl Lang {\n");
    out.push_str("    /// The file with the language's texts for the browser, under `/pkg/`; its name\n    /// changes with its content, so a browser may keep it for good.\n    pub fn texts_file(self) -> &'static str {\n        match self {\n");
    arms(&mut out, locales, |locale| {
        let mut hasher = std::hash::DefaultHasher::new();
        hasher.write(wire(locale).as_bytes());
        format!("\"texts.{}.{:016x}.txt\"", locale.code, hasher.finish())
    });
    // `{wire:?}` writes NUL as `\0`, which clippy reads as an octal escape before a digit.
    out.push_str("        }\n    }\n\n    /// The content of [`Lang::texts_file`].\n    #[cfg(feature = \"ssr\")]\n    #[allow(clippy::octal_escapes)]\n    pub fn texts_wire(self) -> &'static str {\n        match self {\n");
    arms(&mut out, locales, |locale| format!("{:?}", wire(locale)));
    out.push_str("        }\n    }\n\n    /// The language's name in that language (`lang_name`), as the language switch shows it.\n    pub fn name(self) -> &'static str {\n        match self {\n");
    arms(&mut out, locales, |locale| {
        match locale.messages[0]
            .get("lang_name")
            .or_else(|| default.messages[0].get("lang_name"))
        {
            Some(Message::Plain(text)) => format!("{text:?}"),
            _ => panic!("{}: `lang_name` must be a plain text", locale.dir.display()),
        }
    });
    out.push_str("        }\n    }\n}\n\n");
    out.push_str("#[cfg(any(feature = \"hydrate\", test))]\nimpl Texts {\n    /// The texts from their wire string, in the order `app/build.rs` wrote them.\n    pub(crate) fn decode(lang: Lang, wire: &mut wire::Wire) -> Self {\n        Self {\n            lang,\n            fields: wire.fields(),\n");
    for id in default.messages[0].keys() {
        let call = if with_parts.contains(id) {
            "msg"
        } else {
            "text"
        };
        let _ = writeln!(out, "            {id}: wire.{call}(),");
    }
    out.push_str("        }\n    }\n}\n\n");
    out.push_str("#[cfg(test)]\nimpl Texts {\n    /// The messages in which two tables differ (and `fields` if their field texts do).\n    pub(crate) fn differences(&self, other: &Texts) -> Vec<&'static str> {\n        let mut out = Vec::new();\n        if self.lang != other.lang { out.push(\"lang\"); }\n        if self.fields != other.fields { out.push(\"fields\"); }\n");
    for id in default.messages[0].keys() {
        let _ = writeln!(
            out,
            "        if self.{id} != other.{id} {{ out.push({id:?}); }}"
        );
    }
    out.push_str("        out\n    }\n}\n\n");
    out
}
