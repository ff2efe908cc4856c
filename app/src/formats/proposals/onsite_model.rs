//! A batch of on-site contributions imported from CSV: what the planner's preview shows.

use crate::error::FieldProblem;
use crate::model::time::Timestamp;
use serde::{Deserialize, Serialize};

/// The largest file a batch may be.
pub const MAX_IMPORT_BYTES: usize = 512 * 1024;
/// The most rows (contributions) one batch may have.
pub const MAX_IMPORT_ROWS: usize = 500;
/// The name the upload form's errors travel under (as a server function's would).
pub const IMPORT_FORM: &str = "onsite_import";

/// The columns a batch has, by the names its header row may give them (German or English,
/// in any order and case). Title and text are required; the others may be left out.
pub const COLUMNS: [(ImportColumn, &[&str]); 4] = [
    (ImportColumn::Title, &["titel", "title"]),
    (
        ImportColumn::Body,
        &["beschreibung", "text", "vorschlag", "body", "description"],
    ),
    (ImportColumn::Category, &["kategorie", "category"]),
    (ImportColumn::Location, &["ort", "location", "place"]),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportColumn {
    Title,
    Body,
    Category,
    Location,
}

/// One row of the file, as read, with every problem it has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ImportRow {
    /// The row's line in the file (the header is line 1).
    pub line: u32,
    pub title: String,
    /// The text, shortened to its first 160 characters for the preview.
    pub excerpt: String,
    pub category: Option<String>,
    pub location: Option<String>,
    /// Empty when the row can be imported.
    pub problems: Vec<FieldProblem>,
}

/// A staged batch: every row checked, and whether it has been imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct OnsiteImport {
    pub id: i64,
    /// The procedure's slug.
    pub procedure: String,
    pub procedure_title: String,
    /// The on-site event every row is entered for.
    pub event: String,
    pub rows: Vec<ImportRow>,
    /// Problems of the file as a whole (no header, a required column missing, too many
    /// rows, a broken quote); when there are any, no row is shown.
    pub problems: Vec<FieldProblem>,
    pub created_at: Timestamp,
    /// When its proposals were written; `None` while it waits for the planner's go.
    pub imported_at: Option<Timestamp>,
    pub imported_count: Option<u32>,
}

impl OnsiteImport {
    /// Rows with at least one problem.
    pub fn invalid_rows(&self) -> usize {
        self.rows.iter().filter(|r| !r.problems.is_empty()).count()
    }

    /// Whether the batch can be imported as it is: no problem anywhere, at least one row,
    /// not imported yet.
    pub fn importable(&self) -> bool {
        self.imported_at.is_none()
            && self.problems.is_empty()
            && !self.rows.is_empty()
            && self.invalid_rows() == 0
    }
}

/// The page: the procedure, whether on-site contributions can be entered now, and the
/// batch asked for, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OnsiteImportPage {
    pub procedure: String,
    pub procedure_title: String,
    /// Proposals can be submitted in the procedure's current phase.
    pub open: bool,
    /// The procedure's categories, which a batch's category column must use.
    pub categories: Vec<String>,
    pub batch: Option<OnsiteImport>,
}
