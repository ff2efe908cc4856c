//! The languages the platform speaks, and how a visitor's is chosen. A domain type: the
//! server stores it per account and writes mails in it; the texts live in `crate::i18n`.

use serde::{Deserialize, Serialize};

pub const LANG_COOKIE: &str = "mitreden_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    De,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::De, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next()?.trim();
        Self::ALL
            .into_iter()
            .find(|lang| lang.code().eq_ignore_ascii_case(primary))
    }

    /// The language to render in: the cookie a visitor chose wins, then their browser's
    /// `Accept-Language` preference (by q-value), then German.
    pub fn negotiate(cookie_header: Option<&str>, accept_language: Option<&str>) -> Lang {
        let from_cookie = cookie_header.and_then(|header| {
            header.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name == LANG_COOKIE).then(|| Lang::parse(value)).flatten()
            })
        });
        from_cookie
            .or_else(|| accept_language.and_then(Self::from_accept_language))
            .unwrap_or_default()
    }

    fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(u16, Lang)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let Some(lang) = parts.next().and_then(|tag| Lang::parse(tag.trim())) else {
                continue;
            };
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let weight = (quality.clamp(0.0, 1.0) * 1000.0) as u16;
            if weight > 0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }
}
