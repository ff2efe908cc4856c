//! The browser's texts travel beside the bundle rather than in it. Compiled into the wasm,
//! the texts of every language were a sixth of a first visit (33 KB gzip for two
//! languages), though a page shows one. Now the server serves one file per language
//! (`Lang::texts_file`, `/pkg/texts.de.<hash>.txt`, kept by the browser for good since its
//! name changes with its content), the page asks for it in `<head>` (a preload, so that it
//! arrives beside the wasm), and `hydrate` reads it before the page becomes interactive. A
//! switch to another language loads that language's file first.
//!
//! The format, written by `app/build.rs` from the same tables as the server's statics:
//! tokens, each followed by a NUL, in the order of the fields of `Texts` (`fields` first:
//! its number of rows, then field, problem and text of each). A plain text is one token. A
//! message with arguments is its language's code and its parts: their number, then per
//! part `t` and a text, `v` and a variable, or `s`, the variable, the default variant's
//! index, the number of variants and each as `w` and a word or `n` and a number, followed
//! by the variant's parts.

#[cfg(any(feature = "hydrate", test))]
use super::{Key, Lang, Msg, Part, Texts};

/// A reader of the wire format over a text that lives as long as the page.
#[cfg(any(feature = "hydrate", test))]
pub(crate) struct Wire {
    rest: &'static str,
    complete: bool,
}

#[cfg(any(feature = "hydrate", test))]
impl Wire {
    pub(crate) fn new(text: &'static str) -> Self {
        Self {
            rest: text,
            complete: true,
        }
    }

    /// Whether every token was there and nothing is left over: a file written for another
    /// build of the bundle fails here (its name would differ, but a proxy may be wrong).
    pub(crate) fn finish(&self) -> bool {
        self.complete && self.rest.is_empty()
    }

    fn fail(&mut self) {
        self.complete = false;
        self.rest = "";
    }

    fn token(&mut self) -> &'static str {
        match self.rest.split_once('\0') {
            Some((token, rest)) => {
                self.rest = rest;
                token
            }
            None => {
                self.fail();
                ""
            }
        }
    }

    fn number(&mut self) -> usize {
        let token = self.token();
        token.parse().unwrap_or_else(|_| {
            self.fail();
            0
        })
    }

    pub(crate) fn text(&mut self) -> &'static str {
        self.token()
    }

    pub(crate) fn fields(&mut self) -> &'static [(&'static str, &'static str, &'static str)] {
        let count = self.number();
        let mut rows = Vec::new();
        while rows.len() < count && self.complete {
            rows.push((self.token(), self.token(), self.token()));
        }
        rows.leak()
    }

    pub(crate) fn msg(&mut self) -> Msg {
        let code = self.token();
        let lang = Lang::parse(code).unwrap_or_else(|| {
            self.fail();
            Lang::DEFAULT
        });
        Msg {
            lang,
            parts: self.parts(),
        }
    }

    fn parts(&mut self) -> &'static [Part] {
        let count = self.number();
        let mut parts = Vec::new();
        while parts.len() < count && self.complete {
            let part = match self.token() {
                "t" => Part::Text(self.token()),
                "v" => Part::Var(self.token()),
                "s" => self.select(),
                _ => {
                    self.fail();
                    break;
                }
            };
            parts.push(part);
        }
        parts.leak()
    }

    fn select(&mut self) -> Part {
        let variable = self.token();
        let default = self.number();
        let count = self.number();
        let mut arms = Vec::new();
        while arms.len() < count && self.complete {
            let key = match self.token() {
                "w" => Key::Word(self.token()),
                "n" => match self.token().parse() {
                    Ok(n) => Key::Num(n),
                    Err(_) => {
                        self.fail();
                        break;
                    }
                },
                _ => {
                    self.fail();
                    break;
                }
            };
            arms.push((key, self.parts()));
        }
        if default >= arms.len() {
            self.fail();
        }
        Part::Select(variable, arms.leak(), default)
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{Lang, Texts, Wire};
    use std::cell::RefCell;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    thread_local! {
        /// The languages loaded so far (the page's, and those switched to).
        static LOADED: RefCell<Vec<(Lang, &'static Texts)>> = const { RefCell::new(Vec::new()) };
    }

    /// The language's texts. Every page loads its own before it hydrates, and a switch
    /// loads the new one before it sets it, so the last two fallbacks (another loaded
    /// language, an empty table) are only there so that this never fails.
    pub fn texts(lang: Lang) -> &'static Texts {
        LOADED.with(|loaded| {
            let mut loaded = loaded.borrow_mut();
            if let Some((_, texts)) = loaded.iter().find(|(l, _)| *l == lang) {
                return *texts;
            }
            if let Some((_, texts)) = loaded.first() {
                return *texts;
            }
            let empty: &'static Texts =
                Box::leak(Box::new(Texts::decode(lang, &mut Wire::new(""))));
            loaded.push((lang, empty));
            empty
        })
    }

    fn is_loaded(lang: Lang) -> bool {
        LOADED.with(|loaded| loaded.borrow().iter().any(|(l, _)| *l == lang))
    }

    /// The page's language, as the server rendered it (`<html lang>`).
    pub fn page_lang() -> Lang {
        leptos::tachys::dom::document()
            .document_element()
            .and_then(|root| root.get_attribute("lang"))
            .and_then(|code| Lang::parse(&code))
            .unwrap_or_default()
    }

    /// Loads a language's texts from the server (once).
    pub async fn load(lang: Lang) -> Result<(), String> {
        if is_loaded(lang) {
            return Ok(());
        }
        let url = format!("/pkg/{}", lang.texts_file());
        let text = fetch_text(&url).await?;
        let mut wire = Wire::new(text.leak());
        let texts = Texts::decode(lang, &mut wire);
        if !wire.finish() {
            return Err(format!("{url}: not the texts this page reads"));
        }
        let texts: &'static Texts = Box::leak(Box::new(texts));
        LOADED.with(|loaded| loaded.borrow_mut().push((lang, texts)));
        Ok(())
    }

    async fn fetch_text(url: &str) -> Result<String, String> {
        let failed = |what: &str| format!("{url}: {what}");
        let window = web_sys::window().ok_or_else(|| failed("no window"))?;
        let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
            .await
            .map_err(|_| failed("not reachable"))?
            .dyn_into()
            .map_err(|_| failed("no response"))?;
        if !response.ok() {
            return Err(failed(&format!("status {}", response.status())));
        }
        let body = response.text().map_err(|_| failed("no body"))?;
        JsFuture::from(body)
            .await
            .ok()
            .and_then(|text| text.as_string())
            .ok_or_else(|| failed("no text"))
    }
}

#[cfg(feature = "hydrate")]
pub use browser::{load, page_lang, texts};

#[cfg(test)]
mod tests {
    use super::*;

    fn leak(text: String) -> &'static str {
        text.leak()
    }

    #[test]
    fn every_language_reads_back_as_the_server_has_it() {
        for &lang in Lang::ALL {
            let mut wire = Wire::new(lang.texts_wire());
            let read = Texts::decode(lang, &mut wire);
            assert!(wire.finish(), "{lang:?}: the wire string reads to its end");
            assert_eq!(
                read.differences(lang.texts()),
                Vec::<&str>::new(),
                "{lang:?}"
            );
            assert!(
                lang.texts_file()
                    .starts_with(&format!("texts.{}.", lang.code())),
                "{lang:?}: {}",
                lang.texts_file()
            );
        }
        let names: Vec<&str> = Lang::ALL.iter().map(|l| l.texts_file()).collect();
        let mut unique = names.clone();
        unique.dedup();
        assert_eq!(names, unique, "each language has a file of its own");
        for &lang in Lang::ALL {
            assert_eq!(lang.name(), lang.texts().lang_name, "{lang:?}");
        }
        assert_eq!(Lang::De.name(), "Deutsch");
        assert_eq!(Lang::En.name(), "English");
    }

    #[test]
    fn a_shortened_or_foreign_file_is_refused() {
        let full = Lang::De.texts_wire();
        for mut cut in [0, 1, full.len() / 3, full.len() - 1] {
            while !full.is_char_boundary(cut) {
                cut -= 1;
            }
            let mut wire = Wire::new(leak(full[..cut].to_owned()));
            let _ = Texts::decode(Lang::De, &mut wire);
            assert!(!wire.finish(), "cut at {cut}");
        }
        let mut longer = Wire::new(leak(format!("{full}extra\0")));
        let _ = Texts::decode(Lang::De, &mut longer);
        assert!(!longer.finish(), "left-over tokens");

        // A table of another shape: a select whose default variant does not exist.
        let mut wire = Wire::new("1\0s\0count\u{0}5\u{0}1\0n\u{0}1\u{0}0\0");
        let _ = wire.parts();
        assert!(!wire.finish());
        let mut wire = Wire::new("2\0t\0a\0x\0b\0");
        let _ = wire.parts();
        assert!(!wire.finish(), "an unknown tag");
        let mut wire = Wire::new("1\0s\0count\u{0}0\u{0}1\0n\u{0}1\u{0}1\0t\0one\0");
        let parts = wire.parts();
        assert!(wire.finish());
        assert!(matches!(
            parts,
            [Part::Select(
                "count",
                [(Key::Num(1), [Part::Text("one")])],
                0
            )]
        ));
    }
}
