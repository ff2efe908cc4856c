//! The one list of characters text fields refuse. Every field refuses control characters
//! (multi-line texts keep line breaks and tabs) and the invisible characters that reorder
//! or hide text: bidirectional embeddings, overrides and isolates, zero-width spaces and
//! invisible operators, the byte-order mark, interlinear annotations and Unicode tags.
//! Single-line fields, where a name or a title could pass for another's, also refuse the
//! bidirectional marks (U+061C, U+200E, U+200F), which right-to-left writing in a longer
//! text may carry. Zero-width joiners stay allowed: emoji and several scripts need them.

/// Whether `c` is refused in a single-line field (a name, a title, an event).
pub fn forbidden_in_line(c: char) -> bool {
    c.is_control() || invisible(c) || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}')
}

/// Whether `c` is refused in a multi-line text (line breaks and tabs are fine).
pub fn forbidden_in_text(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || invisible(c)
}

fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// Percent-encoding for a query value (RFC 3986 unreserved characters stay).
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Undoes form encoding: `+` is a space, `%XX` a byte; invalid UTF-8 is replaced.
pub fn decode_component(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
                match (hex(index + 1), hex(index + 2)) {
                    (Some(high), Some(low)) => {
                        out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                        index += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of `key` in a URL-encoded form (`a=1&b=x+y`), decoded.
pub fn form_value(form: &str, key: &str) -> Option<String> {
    form.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        (decode_component(name) == key).then(|| decode_component(value))
    })
}

/// The most numbers [`numbers_after`] reads from one text (an agenda item names a few).
pub const MAX_NUMBERS_NAMED: usize = 200;

/// The numbers a text names after `marker` ("#123", "P-12"), each once, in order, at most
/// [`MAX_NUMBERS_NAMED`]. With `word_start` the marker must begin a word ("P-12" names 12,
/// "APP-12" nothing).
pub fn numbers_after(text: &str, marker: &str, word_start: bool) -> Vec<i64> {
    let mut numbers = Vec::new();
    for (index, _) in text.match_indices(marker) {
        if numbers.len() == MAX_NUMBERS_NAMED {
            break;
        }
        let in_word = text[..index]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        if word_start && in_word {
            continue;
        }
        let digits: String = text[index + marker.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(n) = digits.parse::<i64>()
            && !numbers.contains(&n)
        {
            numbers.push(n);
        }
    }
    numbers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_after_their_marker() {
        assert_eq!(numbers_after("#12, #7 und #12", "#", false), [12, 7]);
        assert_eq!(numbers_after("Vorschlag#3 #x", "#", false), [3]);
        let many: String = (0..1000).map(|n| format!("#{n} ")).collect();
        assert_eq!(numbers_after(&many, "#", false).len(), MAX_NUMBERS_NAMED);
        let agenda = "P-4 und (P-5), nicht APP-6, nicht ÜP-7, P-";
        assert_eq!(numbers_after(agenda, "P-", true), [4, 5]);
        assert_eq!(
            numbers_after("P-99999999999999999999", "P-", true),
            [0_i64; 0]
        );
    }

    #[test]
    fn form_values_decode_as_browsers_encode_them() {
        let form = "title=Gr%C3%BCne+Welle&body=a%26b%3Dc&broken=%E&x=%zz";
        assert_eq!(form_value(form, "title").as_deref(), Some("Grüne Welle"));
        assert_eq!(form_value(form, "body").as_deref(), Some("a&b=c"));
        assert_eq!(form_value(form, "broken").as_deref(), Some("%E"));
        assert_eq!(form_value(form, "x").as_deref(), Some("%zz"));
        assert_eq!(form_value(form, "missing"), None);
        assert_eq!(decode_component(&encode_component("ä €/?&")), "ä €/?&");
    }

    #[test]
    fn reordering_and_hidden_characters_are_refused_everywhere() {
        // Marks: not in a name, but in a text written right to left.
        assert!(forbidden_in_line('\u{061c}') && !forbidden_in_text('\u{200f}'));
        for c in [
            '\u{202e}',
            '\u{2067}',
            '\u{e0041}',
            '\u{feff}',
            '\u{200b}',
            '\0',
        ] {
            assert!(
                forbidden_in_line(c) && forbidden_in_text(c),
                "{:04x}",
                c as u32
            );
        }
        assert!(forbidden_in_line('\n') && !forbidden_in_text('\n'));
        for c in ['a', 'ß', '\u{200d}', '\u{200c}', '😀', 'ع'] {
            assert!(!forbidden_in_line(c), "{:04x}", c as u32);
        }
    }
}
