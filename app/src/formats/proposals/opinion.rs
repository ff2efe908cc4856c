//! Expert opinions ("Stellungnahme der Fachverwaltung"): in a consultative Bürgerhaushalt
//! the administration gives its opinion on the proposals selected for it before the
//! council decides. A planner asks a unit for it with a due date; the answer is a verdict
//! and a public text. Asked for and answered, it is public on the proposal, in the council
//! report and the JSON export; the planners' list shows what is due and what is overdue.

use crate::error::AppError;
use crate::model::string_enum;
use crate::model::time::{LocalDate, Timestamp};
use serde::{Deserialize, Serialize};

string_enum! {
    /// What the administration concludes.
    pub enum Verdict {
        Feasible = "feasible",
        PartlyFeasible = "partly_feasible",
        NotFeasible = "not_feasible",
    }
}

/// The lengths of a unit's name and of an opinion's text.
pub const UNIT_MIN: usize = 3;
pub const UNIT_MAX: usize = 200;
pub const TEXT_MIN: usize = 20;
pub const TEXT_MAX: usize = 10_000;
/// A due date lies at most this many days ahead.
pub const DUE_DAYS_MAX: i64 = 366;
/// Opinions a page of the planners' list shows.
pub const LIST_PAGE: u64 = 50;

/// The answer, once given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct OpinionAnswer {
    pub verdict: Verdict,
    pub text: String,
    pub answered_at: Timestamp,
}

/// A proposal's expert opinion: asked for, perhaps answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ExpertOpinion {
    /// The unit asked for it.
    pub unit: String,
    /// `YYYY-MM-DD` (Europe/Berlin).
    pub due_on: String,
    /// Not answered and the due day has passed.
    pub overdue: bool,
    pub answer: Option<OpinionAnswer>,
}

/// A proposal's opinion as its page and the API show it, with what the viewer may do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct OpinionView {
    /// `None` until a planner asks for one.
    pub opinion: Option<ExpertOpinion>,
    /// The viewer plans and the proposal is open and shown: they may ask and answer.
    pub may_edit: bool,
}

/// A planner's request: which unit, by when (the form's fields and the REST body).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OpinionRequest {
    /// The unit asked (3 to 200 characters).
    pub unit: String,
    /// `YYYY-MM-DD`, from today to a year ahead.
    pub due_on: String,
}

/// The answer as a planner enters it for the unit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OpinionInput {
    /// `feasible`, `partly_feasible` or `not_feasible`.
    pub verdict: String,
    /// The opinion for the public (20 to 10,000 characters).
    pub text: String,
}

/// The most proposals a selection takes by overall rank, and from each district.
pub const SELECT_TOP_MAX: u32 = 500;
pub const SELECT_PER_DISTRICT_MAX: u32 = 50;
/// The most proposals one selection asks opinions for.
pub const SELECT_MAX: usize = 2_000;

/// A planner's selection for the administration's review (the Bürgerhaushalt's rule "the
/// best N overall plus the best k of each district"): the `top` proposals of the
/// procedure by votes, and from each district its best `per_district` not already among
/// them. Every selected proposal without an opinion is asked for one from `unit` by
/// `due_on`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OpinionSelection {
    /// The best proposals overall (0 to 500).
    #[serde(default)]
    pub top: u32,
    /// The best proposals of each district beyond those (0 to 50).
    #[serde(default)]
    pub per_district: u32,
    /// The unit asked (3 to 200 characters).
    pub unit: String,
    /// `YYYY-MM-DD`, from today to a year ahead.
    pub due_on: String,
}

impl OpinionSelection {
    /// The request it makes of each proposal, and the two numbers, checked.
    pub fn validated(&self, today: LocalDate) -> Result<(String, LocalDate), AppError> {
        let mut problems = crate::error::Problems::default();
        if self.top > SELECT_TOP_MAX {
            problems.note(AppError::invalid("top", "too_many"));
        }
        if self.per_district > SELECT_PER_DISTRICT_MAX {
            problems.note(AppError::invalid("per_district", "too_many"));
        }
        if self.top == 0 && self.per_district == 0 {
            problems.note(AppError::invalid("top", "nothing_selected"));
        }
        let request = OpinionRequest {
            unit: self.unit.clone(),
            due_on: self.due_on.clone(),
        };
        let checked = problems.check(request.validated(today));
        problems.finish()?;
        checked.ok_or(AppError::Internal)
    }
}

/// What a selection did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct SelectionOutcome {
    /// The selected proposals' numbers: the overall best first, then by district.
    pub proposal_ids: Vec<i64>,
    /// How many of them were asked for an opinion now (the others had one already).
    pub requested: u32,
}

/// A planner's page of one proposal's opinion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct OpinionDesk {
    pub proposal: super::model::ProposalLink,
    pub procedure: crate::model::procedure::ProcedureSummary,
    pub view: OpinionView,
}

/// One row of the planners' list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct OpinionRow {
    pub proposal_id: i64,
    pub title: String,
    pub opinion: ExpertOpinion,
}

/// The planners' list of a procedure's opinions: open ones by due date, then answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct OpinionList {
    pub procedure: crate::model::procedure::ProcedureSummary,
    pub open: u64,
    pub overdue: u64,
    pub answered: u64,
    /// At most [`LIST_PAGE`] rows, open ones first (soonest due first).
    pub rows: Vec<OpinionRow>,
    /// Pass as `page` for the next rows; `None` on the last page.
    pub next_page: Option<u64>,
}

fn trimmed_text(
    value: &str,
    field: &'static str,
    range: std::ops::RangeInclusive<usize>,
    problems: &mut crate::error::Problems,
) -> String {
    let text = value.trim().to_owned();
    if !range.contains(&text.chars().count()) {
        problems.note(AppError::invalid(field, "length"));
    } else if text.chars().any(crate::model::text::forbidden_in_text) {
        problems.note(AppError::invalid(field, "control_characters"));
    }
    text
}

/// Whole days from `from` to `to` (a day of 23 or 25 hours counts as one).
fn days_between(from: LocalDate, to: LocalDate) -> i64 {
    (to.start_in_berlin().0 - from.start_in_berlin().0 + 43_200).div_euclid(86_400)
}

impl OpinionRequest {
    /// The unit and the due day, checked against `today`; every field's problem is named.
    pub fn validated(&self, today: LocalDate) -> Result<(String, LocalDate), AppError> {
        let mut problems = crate::error::Problems::default();
        let unit = trimmed_text(&self.unit, "unit", UNIT_MIN..=UNIT_MAX, &mut problems);
        let due = match LocalDate::parse_iso(self.due_on.trim()) {
            None => {
                problems.note(AppError::invalid("due_on", "not_a_date"));
                None
            }
            Some(day) if day < today => {
                problems.note(AppError::invalid("due_on", "in_past"));
                None
            }
            Some(day) if days_between(today, day) > DUE_DAYS_MAX => {
                problems.note(AppError::invalid("due_on", "too_far"));
                None
            }
            day => day,
        };
        problems.finish()?;
        due.map(|due| (unit, due)).ok_or(AppError::Internal)
    }
}

impl OpinionInput {
    /// The verdict and the text; every field's problem is named.
    pub fn validated(&self) -> Result<(Verdict, String), AppError> {
        let mut problems = crate::error::Problems::default();
        let verdict = Verdict::parse(self.verdict.trim());
        if verdict.is_none() {
            problems.note(AppError::invalid("verdict", "unknown"));
        }
        let text = trimmed_text(&self.text, "opinion", TEXT_MIN..=TEXT_MAX, &mut problems);
        problems.finish()?;
        verdict.map(|v| (v, text)).ok_or(AppError::Internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(unit: &str, due: &str) -> OpinionRequest {
        OpinionRequest {
            unit: unit.to_owned(),
            due_on: due.to_owned(),
        }
    }

    #[test]
    fn a_request_names_a_unit_and_a_day_within_the_coming_year() {
        let today = LocalDate::parse_iso("2027-03-10").unwrap();
        let (unit, due) = request("  Tiefbauamt ", "2027-03-10")
            .validated(today)
            .unwrap();
        assert_eq!(unit, "Tiefbauamt");
        assert_eq!(due, today, "due today is allowed");
        assert!(request("Amt", "2028-03-10").validated(today).is_ok());
        assert_eq!(
            request("A", "2027-03-09")
                .validated(today)
                .unwrap_err()
                .field_problems(),
            vec![("unit", "length"), ("due_on", "in_past")]
        );
        assert_eq!(
            request("Gartenamt", "2028-03-12")
                .validated(today)
                .unwrap_err()
                .field_problems(),
            vec![("due_on", "too_far")]
        );
        assert_eq!(
            request("Garten\u{202e}amt", "10.03.2027")
                .validated(today)
                .unwrap_err()
                .field_problems(),
            vec![("unit", "control_characters"), ("due_on", "not_a_date")]
        );
    }

    #[test]
    fn a_selection_takes_something_and_not_too_much() {
        let today = LocalDate::parse_iso("2027-03-10").unwrap();
        let selection = |top, per_district, unit: &str| OpinionSelection {
            top,
            per_district,
            unit: unit.to_owned(),
            due_on: "2027-04-01".to_owned(),
        };
        assert!(selection(20, 3, "Kämmerei").validated(today).is_ok());
        assert!(selection(0, 3, "Kämmerei").validated(today).is_ok());
        assert_eq!(
            selection(0, 0, "A")
                .validated(today)
                .unwrap_err()
                .field_problems(),
            vec![("top", "nothing_selected"), ("unit", "length")]
        );
        assert_eq!(
            selection(501, 51, "Kämmerei")
                .validated(today)
                .unwrap_err()
                .field_problems(),
            vec![("top", "too_many"), ("per_district", "too_many")]
        );
    }

    #[test]
    fn an_answer_has_a_verdict_and_a_text_of_substance() {
        let input = |verdict: &str, text: &str| OpinionInput {
            verdict: verdict.to_owned(),
            text: text.to_owned(),
        };
        let (verdict, text) = input(
            "partly_feasible",
            " Umsetzbar, aber nur an zwei der vier Standorte. ",
        )
        .validated()
        .unwrap();
        assert_eq!(verdict, Verdict::PartlyFeasible);
        assert_eq!(text, "Umsetzbar, aber nur an zwei der vier Standorte.");
        assert_eq!(
            input("maybe", "zu kurz")
                .validated()
                .unwrap_err()
                .field_problems(),
            vec![("verdict", "unknown"), ("opinion", "length")]
        );
    }
}
