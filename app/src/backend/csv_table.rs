//! A CSV file with a header row, as planners upload them (on-site contributions, the
//! address list): the separator is the one the header line uses most (tab: cells pasted
//! from a spreadsheet; semicolon: a German spreadsheet's CSV; comma), and the columns are
//! found by the names the header gives them.

use csv::{Reader, ReaderBuilder, StringRecord};

/// A file's header: its separator, and where each known column is.
pub(crate) struct CsvHeader<C> {
    /// The header's separator.
    pub separator: u8,
    /// How many cells the header has.
    pub width: usize,
    columns: Vec<(C, usize)>,
}

impl<C: Copy + PartialEq> CsvHeader<C> {
    /// Reads the header of `text` and answers the reader past it; each column of `known`
    /// is found by any of its names (compared trimmed and in lower case; the first such
    /// cell counts). `None` when the header cannot be read as CSV.
    pub fn open<'a>(text: &'a str, known: &[(C, &[&str])]) -> Option<(Reader<&'a [u8]>, Self)> {
        let header_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let separator = [b'\t', b';', b',']
            .into_iter()
            .max_by_key(|s| header_line.bytes().filter(|b| b == s).count())
            .unwrap_or(b';');
        let mut reader = ReaderBuilder::new()
            .delimiter(separator)
            .flexible(true)
            .has_headers(true)
            .from_reader(text.as_bytes());
        let header = reader.headers().ok()?.clone();
        let mut columns: Vec<(C, usize)> = Vec::new();
        for (index, name) in header.iter().enumerate() {
            let name = name.trim().to_lowercase();
            if let Some((column, _)) = known.iter().find(|(_, names)| names.contains(&&*name))
                && !columns.iter().any(|(c, _)| c == column)
            {
                columns.push((*column, index));
            }
        }
        let header = Self {
            separator,
            width: header.len(),
            columns,
        };
        Some((reader, header))
    }

    /// Whether the header names `column`.
    pub fn has(&self, column: C) -> bool {
        self.columns.iter().any(|(c, _)| *c == column)
    }

    /// A row's cell in `column`, as written; empty when the header or the row lacks it.
    pub fn cell<'r>(&self, record: &'r StringRecord, column: C) -> &'r str {
        self.columns
            .iter()
            .find(|(c, _)| *c == column)
            .and_then(|(_, index)| record.get(*index))
            .unwrap_or("")
    }
}
