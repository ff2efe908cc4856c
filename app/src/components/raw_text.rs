//! Text for the elements whose content the server writes as it is: `<textarea>` (tachys
//! does not escape its children) and `<title>` (leptos_meta writes it unescaped). Every
//! such text passes [`raw_text`]; nothing a person typed reaches those elements otherwise.
//!
//! On the server the text is escaped, so `</textarea>` or `</title>` in it stays text. In
//! the browser it is not: hydration leaves those elements' content alone, and an element
//! the browser renders gets its text as a DOM text node, which is never parsed.

/// The text, escaped for the server's HTML where the browser reads it unescaped.
pub fn raw_text(text: impl Into<String>) -> String {
    let text = text.into();
    #[cfg(feature = "ssr")]
    {
        escaped(&text)
    }
    #[cfg(not(feature = "ssr"))]
    {
        text
    }
}

/// `&`, `<` and `>` as character references: enough inside an element's content (quotes
/// matter only in attributes, which tachys escapes itself).
#[cfg(any(feature = "ssr", test))]
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escaped;

    #[test]
    fn closing_tags_and_references_stay_text() {
        assert_eq!(
            escaped("</textarea><meta http-equiv=\"refresh\"> &amp; </title>"),
            "&lt;/textarea&gt;&lt;meta http-equiv=\"refresh\"&gt; &amp;amp; &lt;/title&gt;"
        );
    }
}
