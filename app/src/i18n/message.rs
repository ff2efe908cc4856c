//! The runtime of a compiled message: filling in variables and choosing a variant by the
//! language's plural rules. The parsing happened at build time (`app/build.rs`).

use super::Lang;

/// A message with arguments (Fluent placeables): `{ $count }`, and select expressions on a
/// number (by the language's plural rules, an exact `[0]` first) or a word.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Msg {
    pub lang: Lang,
    pub parts: &'static [Part],
}

#[derive(Debug, PartialEq)]
pub enum Part {
    Text(&'static str),
    Var(&'static str),
    /// The variable, the variants, and the index of the default variant.
    Select(&'static str, &'static [(Key, &'static [Part])], usize),
}

#[derive(Debug, PartialEq)]
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
    PluralRule::of(lang.code()).map_or("other", |rule| rule.category(n.unsigned_abs()))
}

/// The CLDR plural rules for whole numbers, of the languages a city is likely to offer,
/// written out here: the browser then carries these few lines rather than the rules of
/// every language in the world (about 20 KB of the first-visit bundle). A test compares
/// each with the CLDR data for every number up to 100,000 and a few large ones; a language
/// added under `locales/` without a rule here fails that test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PluralRule {
    /// "one" for 1, else "other" (German, English, Dutch, the Nordic languages, Greek,
    /// Hungarian, Turkish, Bulgarian).
    OneOther,
    /// "one", "few", "many" by the last digits (Ukrainian, Russian).
    EastSlavic,
    /// "one" for 1 only, then "few" and "many" by the last digits.
    Polish,
    /// No plural forms (Chinese, Japanese, Korean, Vietnamese, Thai, Indonesian).
    OtherOnly,
}

impl PluralRule {
    /// The rule of a language code (BCP 47, by its primary language).
    fn of(code: &str) -> Option<Self> {
        let language = code.split(['-', '_']).next().unwrap_or(code);
        Some(match language {
            "de" | "en" | "nl" | "sv" | "da" | "nb" | "nn" | "fi" | "et" | "el" | "hu" | "tr"
            | "bg" => Self::OneOther,
            "uk" | "ru" => Self::EastSlavic,
            "pl" => Self::Polish,
            "zh" | "ja" | "ko" | "vi" | "th" | "id" => Self::OtherOnly,
            _ => return None,
        })
    }

    fn category(self, n: u64) -> &'static str {
        let (last, last_two) = (n % 10, n % 100);
        let few = (2..=4).contains(&last) && !(12..=14).contains(&last_two);
        match self {
            Self::OneOther => {
                if n == 1 {
                    "one"
                } else {
                    "other"
                }
            }
            Self::EastSlavic => {
                if last == 1 && last_two != 11 {
                    "one"
                } else if few {
                    "few"
                } else {
                    "many"
                }
            }
            Self::Polish => {
                if n == 1 {
                    "one"
                } else if few {
                    "few"
                } else {
                    "many"
                }
            }
            Self::OtherOnly => "other",
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};

    const WRITTEN_OUT: &[&str] = &[
        "de", "en", "nl", "sv", "da", "nb", "nn", "fi", "et", "el", "hu", "tr", "bg", "uk", "ru",
        "pl", "zh", "ja", "ko", "vi", "th", "id",
    ];

    fn cldr_name(category: PluralCategory) -> &'static str {
        match category {
            PluralCategory::ZERO => "zero",
            PluralCategory::ONE => "one",
            PluralCategory::TWO => "two",
            PluralCategory::FEW => "few",
            PluralCategory::MANY => "many",
            PluralCategory::OTHER => "other",
        }
    }

    #[test]
    fn the_written_out_rules_are_cldrs() {
        let large = [
            1_000_000,
            1_000_001,
            2_000_000,
            21_000_000,
            123_456_789,
            u64::from(u32::MAX),
        ];
        for code in WRITTEN_OUT {
            let rule = PluralRule::of(code).unwrap();
            let cldr = PluralRules::create(
                code.parse::<unic_langid::LanguageIdentifier>().unwrap(),
                PluralRuleType::CARDINAL,
            )
            .unwrap();
            for n in (0..=100_000).chain(large) {
                let expected = cldr_name(cldr.select(n).unwrap());
                assert_eq!(rule.category(n), expected, "{code}, {n}");
            }
        }
    }

    #[test]
    fn every_language_has_its_plural_rule() {
        for lang in Lang::ALL {
            assert!(
                PluralRule::of(lang.code()).is_some(),
                "{}: write out its CLDR plural rule in i18n/message.rs",
                lang.code()
            );
        }
        assert_eq!(PluralRule::of("de-AT"), Some(PluralRule::OneOther));
        assert_eq!(PluralRule::of("xx"), None);
    }
}
