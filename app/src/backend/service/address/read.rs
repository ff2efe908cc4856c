//! The address list's CSV file, read and checked: the columns by their header names, one
//! address per row, problems by line.

use crate::backend::csv_table::CsvHeader;
use crate::error::{AppError, Problems};
use crate::model::address::{number_key, street_key};
use crate::model::place::Position;
use std::collections::HashSet;

/// The largest file taken (a city of a million people has about 150,000 addresses, some
/// 8 MB as CSV).
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;
/// The most addresses a list may hold.
pub const MAX_ADDRESSES: usize = 500_000;
/// A refused file names at most this many problems.
const MAX_PROBLEMS: usize = 20;

/// An address read from the file, ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAddress {
    pub street: String,
    pub house_number: String,
    pub postcode: String,
    pub position: Position,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Street,
    Number,
    Suffix,
    Postcode,
    Lon,
    Lat,
}

/// The header names each column is known by (compared in lower case).
const COLUMNS: [(Column, &[&str]); 6] = [
    (
        Column::Street,
        &[
            "street",
            "strasse",
            "straße",
            "strassenname",
            "straßenname",
            "str",
        ],
    ),
    (
        Column::Number,
        &[
            "number",
            "house_number",
            "housenumber",
            "hausnummer",
            "hnr",
            "hausnr",
            "nr",
        ],
    ),
    (Column::Suffix, &["suffix", "hausnummerzusatz", "zusatz"]),
    (
        Column::Postcode,
        &["postcode", "plz", "postleitzahl", "zip"],
    ),
    (
        Column::Lon,
        &["lon", "lng", "longitude", "laenge", "länge", "x"],
    ),
    (Column::Lat, &["lat", "latitude", "breite", "y"]),
];

/// Reads the list: a header row naming the columns (street, house number, postcode,
/// longitude and latitude in WGS84; a house number suffix may have a column of its own),
/// then one address per row. The separator is the header's (semicolon, comma or tab);
/// with a semicolon or tab, a decimal comma is read too. Problems are reported per line
/// (`lines[12]`), at most [`MAX_PROBLEMS`]; the same address twice is kept once.
pub fn read_csv(bytes: &[u8]) -> Result<Vec<NewAddress>, AppError> {
    let file = |problem| AppError::invalid("address_file", problem);
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| file("not_utf8"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some((mut reader, table)) = CsvHeader::open(text, &COLUMNS) else {
        return Err(file("unreadable"));
    };
    if !(table.has(Column::Street) && table.has(Column::Lon) && table.has(Column::Lat)) {
        return Err(file("missing_columns"));
    }
    let mut problems = Problems::default();
    let mut problem_count = 0;
    let mut seen = HashSet::new();
    let mut addresses = Vec::new();
    for (row, record) in reader.records().enumerate() {
        // The header is line 1.
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(row + 2, |p| usize::try_from(p.line()).unwrap_or(row + 2));
        let record = record.map_err(|_| file("unreadable"))?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if addresses.len() == MAX_ADDRESSES {
            return Err(file("too_many_rows"));
        }
        let cell = |column| table.cell(&record, column).trim();
        match read_row(cell, table.separator != b',') {
            Ok(address) => {
                let key = (
                    street_key(&address.street),
                    number_key(&address.house_number),
                    address.postcode.clone(),
                );
                if seen.insert(key) {
                    addresses.push(address);
                }
            }
            Err(problem) => {
                problems.note(AppError::invalid(&format!("lines[{line}]"), problem));
                problem_count += 1;
                if problem_count == MAX_PROBLEMS {
                    break;
                }
            }
        }
    }
    problems.finish()?;
    if addresses.is_empty() {
        return Err(file("no_rows"));
    }
    Ok(addresses)
}

/// One row's address, or the code of what is wrong with it.
fn read_row<'a>(
    cell: impl Fn(Column) -> &'a str,
    decimal_comma: bool,
) -> Result<NewAddress, &'static str> {
    let street = cell(Column::Street);
    if street_key(street).is_empty() {
        return Err("street_missing");
    }
    let house_number = format!("{}{}", cell(Column::Number), cell(Column::Suffix));
    let postcode = cell(Column::Postcode);
    if street.chars().count() > 200 || house_number.chars().count() > 20 || postcode.len() > 10 {
        return Err("too_long");
    }
    if [street, &house_number, postcode]
        .iter()
        .any(|text| text.chars().any(crate::model::text::forbidden_in_text))
    {
        return Err("control_characters");
    }
    let number = |text: &str| {
        let text = if decimal_comma {
            text.replace(',', ".")
        } else {
            text.to_owned()
        };
        text.parse::<f64>().map_err(|_| "coordinates")
    };
    let position = Position::new(number(cell(Column::Lon))?, number(cell(Column::Lat))?)
        .map_err(|_| "coordinates")?;
    Ok(NewAddress {
        street: street.to_owned(),
        house_number,
        postcode: postcode.to_owned(),
        position,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_read_with_its_separator_and_decimal_commas() {
        let file = "Straße;Hausnummer;Zusatz;PLZ;Länge;Breite\n\
                    Parkstraße;12;a;12345;9,1801;48,7801\n\
                    \n\
                    Parkstraße;12;a;12345;9,1801;48,7801\n\
                    Am Mühlbach;3;;12345;9,2;48,8\n";
        let read = read_csv(file.as_bytes()).unwrap();
        assert_eq!(read.len(), 2, "the same address twice is kept once");
        assert_eq!(read[0].house_number, "12a");
        assert_eq!(
            read[0].position,
            Position {
                lon: 9.1801,
                lat: 48.7801
            }
        );
        let comma = "street,number,postcode,lon,lat\n\"Parkstraße\",12,12345,9.18,48.78\n";
        assert_eq!(read_csv(comma.as_bytes()).unwrap()[0].position.lat, 48.78);
    }

    #[test]
    fn a_bad_list_names_each_line_and_stops_at_twenty() {
        let file =
            "street;number;lon;lat\nParkstraße;1;9,1;48,1\n;2;9,1;48,1\nPark;3;x;48\nPark;4;9;91\n";
        let error = read_csv(file.as_bytes()).unwrap_err();
        let problems = error.field_problems();
        assert_eq!(
            problems,
            vec![
                ("lines[3]", "street_missing"),
                ("lines[4]", "coordinates"),
                ("lines[5]", "coordinates")
            ]
        );
        let many: String = std::iter::once("street;lon;lat\n".to_owned())
            .chain((0..50).map(|_| ";9;48\n".to_owned()))
            .collect();
        assert_eq!(
            read_csv(many.as_bytes())
                .unwrap_err()
                .field_problems()
                .len(),
            MAX_PROBLEMS
        );
        let missing = read_csv(b"street;number\nParkstrasse;1\n").unwrap_err();
        assert_eq!(
            missing.field_problems(),
            vec![("address_file", "missing_columns")]
        );
        assert_eq!(
            read_csv(b"street;lon;lat\n").unwrap_err().field_problems(),
            vec![("address_file", "no_rows")]
        );
        assert_eq!(
            read_csv(&[0xff, 0xfe, 0x00]).unwrap_err().field_problems(),
            vec![("address_file", "not_utf8")]
        );
    }
}
