//! The city's address list: what a person types ("Parkstr. 12a, 12345") read as a street,
//! a house number and a postcode, compared the way people write streets ("Parkstraße",
//! "Parkstr.", "Park-Straße" are one), and what a lookup answers: the address found, or
//! what the person may have meant.

use serde::{Deserialize, Serialize};

/// The name refusals of the address list's import form come back under (a multipart form
/// the server takes, not a server function).
pub const ADDRESS_FORM: &str = "address_import";

/// The longest address a form or the API takes.
pub const ADDRESS_MAX_CHARS: usize = 200;

/// How many "did you mean" suggestions a lookup offers.
pub const SUGGESTIONS: usize = 5;

/// An address of the list, as pages show it and forms send it back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct AddressMatch {
    /// "Parkstraße 12a, 12345": what a suggestion's choice sends back, and what is found
    /// exactly.
    pub label: String,
    pub street: String,
    /// Empty for a whole street (its middle is the position).
    pub house_number: String,
    pub postcode: String,
    /// WGS84 degrees.
    pub lon: f64,
    pub lat: f64,
}

/// What a lookup found: the address itself, or suggestions (possibly none).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct AddressLookup {
    pub found: Option<AddressMatch>,
    /// At most [`SUGGESTIONS`], the likeliest first; empty when the address was found.
    pub suggestions: Vec<AddressMatch>,
}

/// What a contribution's form needs to offer the address field: whether the city has an
/// address list, and, after an address was refused, what was found for it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AddressFieldState {
    pub available: bool,
    pub lookup: Option<AddressLookup>,
}

/// The address list as the planners' page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct AddressList {
    pub addresses: u64,
    pub streets: u64,
    /// Origin and licence of the list.
    pub source: String,
    /// When it was imported; `None` before the first import.
    pub imported_at: Option<crate::model::time::Timestamp>,
}

/// What an import of the address list did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct AddressImportSummary {
    /// Addresses in the list now (the previous list is replaced).
    pub addresses: u64,
    pub streets: u64,
}

/// An address as typed, read into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedAddress {
    /// The street as compared (see [`street_key`]).
    pub street_key: String,
    /// The house number as compared (see [`number_key`]); empty when none was typed.
    pub number_key: String,
    /// Five digits after a comma, if typed.
    pub postcode: Option<String>,
}

impl TypedAddress {
    /// Reads "Parkstraße 12a", "Parkstr. 12 a, 12345 Musterstadt" or "Parkstraße". The
    /// house number is the last word that starts with a digit (with a single letter after
    /// it joined to it); what comes after a comma may carry the postcode. `None` without
    /// a street.
    pub fn parse(text: &str) -> Option<Self> {
        let (place, rest) = text.split_once(',').unwrap_or((text, ""));
        let postcode = rest
            .split_whitespace()
            .find(|w| w.len() == 5 && w.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_owned);
        let mut words: Vec<&str> = place.split_whitespace().collect();
        let mut number = String::new();
        let starts_with_digit = |w: &str| w.chars().next().is_some_and(|c| c.is_ascii_digit());
        if let [.., before, last] = words.as_slice()
            && last.chars().count() == 1
            && last.chars().all(char::is_alphabetic)
            && starts_with_digit(before)
        {
            number = format!("{before}{last}");
            words.truncate(words.len() - 2);
        } else if words.len() > 1 && words.last().is_some_and(|w| starts_with_digit(w)) {
            number = words.pop().unwrap_or_default().to_owned();
        }
        let street_key = street_key(&words.join(" "));
        (!street_key.is_empty()).then(|| Self {
            street_key,
            number_key: number_key(&number),
            postcode,
        })
    }
}

/// A street as compared: lower case, umlauts and ß spelt out, no spaces or punctuation,
/// and "straße", "strasse" and "str." at the end alike ("Park-Straße" = "parkstr").
pub fn street_key(street: &str) -> String {
    let mut key = String::with_capacity(street.len());
    for c in street.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => key.push_str("ae"),
            'ö' => key.push_str("oe"),
            'ü' => key.push_str("ue"),
            'ß' => key.push_str("ss"),
            c if c.is_alphanumeric() => key.push(c),
            _ => {}
        }
    }
    if let Some(stem) = key.strip_suffix("strasse") {
        key = format!("{stem}str");
    }
    key
}

/// A house number as compared: lower case, no spaces ("12 A" = "12a").
pub fn number_key(number: &str) -> String {
    number
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The label of an address: "Parkstraße 12a, 12345" (without a number for a street).
pub fn label(street: &str, house_number: &str, postcode: &str) -> String {
    let mut label = street.to_owned();
    if !house_number.is_empty() {
        label.push(' ');
        label.push_str(house_number);
    }
    if !postcode.is_empty() {
        label.push_str(", ");
        label.push_str(postcode);
    }
    label
}

/// The edit distance of two keys (insertions, deletions, substitutions, and two letters
/// swapped), up to `limit`: anything further is `limit + 1`. Keys are short, so the
/// quadratic table is small.
pub fn distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let width = b.len() + 1;
    let mut table = vec![0usize; (a.len() + 1) * width];
    for (j, cell) in table.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        table[i * width] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (table[(i - 1) * width + j] + 1)
                .min(table[i * width + j - 1] + 1)
                .min(table[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[(i - 2) * width + j - 2] + 1);
            }
            table[i * width + j] = best;
            row_min = row_min.min(best);
        }
        if row_min > limit {
            return limit + 1;
        }
    }
    table[a.len() * width + b.len()].min(limit + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streets_compare_as_people_write_them() {
        for written in [
            "Parkstraße",
            "Parkstr.",
            "Park-Straße",
            "PARKSTRASSE",
            " park str ",
        ] {
            assert_eq!(street_key(written), "parkstr", "{written}");
        }
        assert_eq!(street_key("Am Mühlbach"), "ammuehlbach");
        assert_eq!(street_key("Straße des 17. Juni"), "strassedes17juni");
        assert_eq!(number_key("12 A"), "12a");
    }

    #[test]
    fn a_typed_address_is_read_into_street_number_and_postcode() {
        let read = |text| TypedAddress::parse(text).unwrap();
        let a = read("Parkstraße 12a, 12345 Musterstadt");
        assert_eq!(
            (
                a.street_key.as_str(),
                a.number_key.as_str(),
                a.postcode.as_deref()
            ),
            ("parkstr", "12a", Some("12345"))
        );
        let b = read("Parkstr. 12 a");
        assert_eq!(
            (b.street_key.as_str(), b.number_key.as_str()),
            ("parkstr", "12a")
        );
        let c = read("Straße des 17. Juni 5");
        assert_eq!(
            (c.street_key.as_str(), c.number_key.as_str()),
            ("strassedes17juni", "5")
        );
        // A street alone, and a street whose name is a number's word.
        assert_eq!(read("Am Mühlbach").number_key, "");
        assert_eq!(read("B 27").street_key, "b");
        assert_eq!(TypedAddress::parse(" , 12345"), None);
    }

    #[test]
    fn distance_counts_typos_and_swapped_letters() {
        assert_eq!(distance("parkstr", "parkstr", 2), 0);
        assert_eq!(distance("parkstr", "parstr", 2), 1);
        assert_eq!(distance("parkstr", "prakstr", 2), 1);
        assert_eq!(distance("parkstr", "bahnhofstr", 2), 3);
        assert_eq!(distance("", "abc", 5), 3);
    }

    #[test]
    fn labels_name_street_number_and_postcode() {
        assert_eq!(label("Parkstraße", "12a", "12345"), "Parkstraße 12a, 12345");
        assert_eq!(label("Am Mühlbach", "", "12345"), "Am Mühlbach, 12345");
    }
}
