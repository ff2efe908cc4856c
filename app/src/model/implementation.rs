//! What became of an idea after the vote: for a proposal the council adopted, or a budget's
//! funded project, planners record dated entries, each with a status and a public note.
//! The newest entry's status is the current one; every entry stays public.

use crate::error::AppError;
use crate::model::time::{LocalDate, Timestamp};
use serde::{Deserialize, Serialize};

string_enum! {
    /// Where the implementation stands.
    pub enum ImplementationStatus {
        Planned = "planned",
        InProgress = "in_progress",
        Done = "done",
        Dropped = "dropped",
    }
}

/// One entry of the implementation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ImplementationEntry {
    pub id: i64,
    pub status: ImplementationStatus,
    pub note: String,
    /// The day it happened, `YYYY-MM-DD` (Europe/Berlin).
    pub happened_on: String,
    pub recorded_at: Timestamp,
    /// A photo of what it shows, with its text alternative.
    #[serde(default)]
    pub photo: Option<crate::model::procedure::ProcedureImage>,
}

/// The name refusals of an entry's photo form come back under (a multipart form the
/// server takes, not a server function).
pub const PHOTO_FORM: &str = "implementation_photo";

/// The implementation of one proposal or project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Implementation {
    /// The newest entry's status; `None` before the first entry.
    pub status: Option<ImplementationStatus>,
    /// Newest first (by the day it happened, then as recorded), at most
    /// [`ENTRIES_SHOWN`].
    pub entries: Vec<ImplementationEntry>,
    /// The viewer may record an entry: a planner, once the council has adopted the
    /// proposal or the project is funded.
    pub may_record: bool,
}

/// A planner's page of one proposal's implementation
/// (`/verwaltung/vorschlaege/{id}/umsetzung`): the entries with their photo forms, and
/// the form for the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProposalImplementationDesk {
    pub proposal_id: i64,
    pub title: String,
    pub procedure: crate::model::procedure::ProcedureSummary,
    pub implementation: Implementation,
}

impl Implementation {
    /// Whether a page shows it at all: it has entries, or the viewer may record the first.
    pub fn shown(&self) -> bool {
        !self.entries.is_empty() || self.may_record
    }
}

/// An entry as a planner sends it (the form's fields, and the REST body).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ImplementationInput {
    /// `planned`, `in_progress`, `done` or `dropped`.
    pub status: String,
    /// What happened, for the public (10 to 5,000 characters).
    pub note: String,
    /// `YYYY-MM-DD`, not in the future; empty: today.
    #[serde(default)]
    pub happened_on: String,
}

/// The length of an entry's note.
pub const NOTE_MIN: usize = 10;
pub const NOTE_MAX: usize = 5_000;
/// Entries a page and the API show (an item's implementation over years stays far below).
pub const ENTRIES_SHOWN: u64 = 200;

impl ImplementationInput {
    /// Checks every field against `today`; every field's problem is reported.
    pub fn validated(
        &self,
        today: LocalDate,
    ) -> Result<(ImplementationStatus, String, LocalDate), AppError> {
        let mut problems = crate::error::Problems::default();
        let status = ImplementationStatus::parse(self.status.trim());
        if status.is_none() {
            problems.note(AppError::invalid("status", "unknown"));
        }
        let note = self.note.trim().to_owned();
        if !(NOTE_MIN..=NOTE_MAX).contains(&note.chars().count()) {
            problems.note(AppError::invalid("note", "implementation_length"));
        } else if note.chars().any(crate::model::text::forbidden_in_text) {
            problems.note(AppError::invalid("note", "control_characters"));
        }
        let day = match self.happened_on.trim() {
            "" => Some(today),
            value => match LocalDate::parse_iso(value) {
                None => {
                    problems.note(AppError::invalid("happened_on", "not_a_date"));
                    None
                }
                Some(day) if day > today => {
                    problems.note(AppError::invalid("happened_on", "in_future"));
                    None
                }
                day => day,
            },
        };
        problems.finish()?;
        match (status, day) {
            (Some(status), Some(day)) => Ok((status, note, day)),
            // `finish` has refused both.
            _ => Err(AppError::Internal),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(status: &str, note: &str, day: &str) -> ImplementationInput {
        ImplementationInput {
            status: status.to_owned(),
            note: note.to_owned(),
            happened_on: day.to_owned(),
        }
    }

    #[test]
    fn an_entry_needs_a_status_a_note_and_a_day_not_in_the_future() {
        let today = LocalDate::parse_iso("2027-05-10").unwrap();
        let (status, note, day) = input("in_progress", "  Die Bauarbeiten haben begonnen. ", "")
            .validated(today)
            .unwrap();
        assert_eq!(status, ImplementationStatus::InProgress);
        assert_eq!(note, "Die Bauarbeiten haben begonnen.");
        assert_eq!(day, today, "an empty day is today");
        let earlier = input("done", "Die Bänke stehen seit Montag.", "2027-05-03")
            .validated(today)
            .unwrap();
        assert_eq!(earlier.2.iso(), "2027-05-03");
        assert_eq!(
            input("finished", "kurz", "2027-05-11")
                .validated(today)
                .unwrap_err()
                .field_problems(),
            vec![
                ("status", "unknown"),
                ("note", "implementation_length"),
                ("happened_on", "in_future"),
            ]
        );
        assert_eq!(
            input("done", "Fertig\u{202e} gestellt.", "10.05.2027")
                .validated(today)
                .unwrap_err()
                .field_problems(),
            vec![
                ("note", "control_characters"),
                ("happened_on", "not_a_date"),
            ]
        );
    }
}
