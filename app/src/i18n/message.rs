//! The runtime of a compiled message: filling in variables and choosing a variant by the
//! language's plural rules. The parsing happened at build time (`app/build.rs`).

use super::Lang;

/// A message with arguments (Fluent placeables): `{ $count }`, and select expressions on a
/// number (by the language's plural rules, an exact `[0]` first) or a word.
#[derive(Debug, Clone, Copy)]
pub struct Msg {
    pub lang: Lang,
    pub parts: &'static [Part],
}

#[derive(Debug)]
pub enum Part {
    Text(&'static str),
    Var(&'static str),
    /// The variable, the variants, and the index of the default variant.
    Select(&'static str, &'static [(Key, &'static [Part])], usize),
}

#[derive(Debug)]
pub enum Key {
    Num(i64),
    Word(&'static str),
}

/// A value for a message's variable.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Num(i64),
    Str(&'a str),
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg<'_> {
            fn from(n: $t) -> Self {
                Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_arg!(u32, u64, usize, i64, i32);

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Str(s)
    }
}

impl Msg {
    /// The message with its variables filled in. A variable not given stays visible as
    /// `{$name}`, as Fluent does, so that a mistake shows rather than hides.
    pub fn fmt(&self, args: &[(&str, Arg<'_>)]) -> String {
        let mut out = String::new();
        self.write(self.parts, args, &mut out);
        out
    }

    fn write(&self, parts: &[Part], args: &[(&str, Arg<'_>)], out: &mut String) {
        for part in parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Var(name) => match arg(args, name) {
                    Some(Arg::Num(n)) => out.push_str(&n.to_string()),
                    Some(Arg::Str(s)) => out.push_str(s),
                    None => {
                        out.push_str("{$");
                        out.push_str(name);
                        out.push('}');
                    }
                },
                Part::Select(name, variants, default) => {
                    let chosen = match arg(args, name) {
                        Some(Arg::Num(n)) => variants
                            .iter()
                            .find(|(key, _)| matches!(key, Key::Num(k) if *k == n))
                            .or_else(|| {
                                let category = plural_category(self.lang, n);
                                variants
                                    .iter()
                                    .find(|(key, _)| matches!(key, Key::Word(w) if *w == category))
                            }),
                        Some(Arg::Str(s)) => variants
                            .iter()
                            .find(|(key, _)| matches!(key, Key::Word(w) if *w == s)),
                        None => None,
                    };
                    if let Some((_, parts)) = chosen.or_else(|| variants.get(*default)) {
                        self.write(parts, args, out);
                    }
                }
            }
        }
    }
}

fn arg<'a>(args: &[(&str, Arg<'a>)], name: &str) -> Option<Arg<'a>> {
    args.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, value)| *value)
}

/// The CLDR plural category of a count in a language: "one", "few", "other", ...
pub fn plural_category(lang: Lang, n: i64) -> &'static str {
    use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
    let category = PluralRules::create(lang.langid(), PluralRuleType::CARDINAL)
        .ok()
        .and_then(|rules| rules.select(n).ok());
    match category {
        Some(PluralCategory::ZERO) => "zero",
        Some(PluralCategory::ONE) => "one",
        Some(PluralCategory::TWO) => "two",
        Some(PluralCategory::FEW) => "few",
        Some(PluralCategory::MANY) => "many",
        _ => "other",
    }
}

/// A text that may take arguments: a plain message, or one with placeables.
pub trait Fmt: Sync {
    fn fmt_with(&self, args: &[(&str, Arg<'_>)]) -> String;
}

impl Fmt for &'static str {
    fn fmt_with(&self, _: &[(&str, Arg<'_>)]) -> String {
        (*self).to_owned()
    }
}

impl Fmt for Msg {
    fn fmt_with(&self, args: &[(&str, Arg<'_>)]) -> String {
        self.fmt(args)
    }
}
