//! Participation procedures (Beteiligungsverfahren) and their phases, as the UI and API see them.

pub use super::phase::PhaseKind;
use super::time::Timestamp;
use serde::{Deserialize, Serialize};

string_enum! {
    /// A draft is seen only by planners; a published procedure by everyone.
    pub enum ProcedureStatus {
        Draft = "draft",
        Published = "published",
    }
}

/// Where a procedure stands in its schedule, relative to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProcedureState {
    Upcoming,
    Running,
    Finished,
}

/// Which procedures a listing shows. `Running` is what a visitor wants first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProcedureFilter {
    #[default]
    Running,
    Upcoming,
    Finished,
    All,
}

impl ProcedureFilter {
    pub const ALL: [ProcedureFilter; 4] =
        [Self::Running, Self::Upcoming, Self::Finished, Self::All];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Upcoming => "upcoming",
            Self::Finished => "finished",
            Self::All => "all",
        }
    }

    /// Unknown values fall back to the default: a stale or hand-edited link still shows a page.
    pub fn parse_or_default(value: Option<&str>) -> Self {
        value
            .and_then(|v| Self::ALL.into_iter().find(|f| f.as_str() == v))
            .unwrap_or_default()
    }

    pub fn admits(self, state: ProcedureState) -> bool {
        match self {
            Self::All => true,
            Self::Running => state == ProcedureState::Running,
            Self::Upcoming => state == ProcedureState::Upcoming,
            Self::Finished => state == ProcedureState::Finished,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PhaseView {
    pub kind: PhaseKind,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProcedureSummary {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub department: String,
    pub state: ProcedureState,
    pub current_phase: Option<PhaseKind>,
    /// The end (exclusive) of the current phase: its deadline.
    pub current_phase_ends_at: Option<Timestamp>,
    /// When the phase for proposals starts, if the procedure has one.
    pub proposals_open_at: Option<Timestamp>,
    pub starts_at: Timestamp,
    /// The end of the last phase (exclusive: the first moment after the last day).
    pub ends_at: Timestamp,
    pub image: Option<ProcedureImage>,
}

/// The name the editor's image form reports its errors under (as a server function's
/// form reports under its path).
pub const IMAGE_FORM: &str = "procedure_image";

/// A procedure's image as pages show it: its address, its text alternative and its size
/// in pixels (so the page reserves the space before the file arrives).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProcedureImage {
    pub url: String,
    pub alt: String,
    pub width: u32,
    pub height: u32,
}

/// How many published procedures are in each state, for the listing's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProcedureCounts {
    pub running: u64,
    pub upcoming: u64,
    pub finished: u64,
}

impl ProcedureCounts {
    pub fn for_filter(&self, filter: ProcedureFilter) -> u64 {
        match filter {
            ProcedureFilter::Running => self.running,
            ProcedureFilter::Upcoming => self.upcoming,
            ProcedureFilter::Finished => self.finished,
            ProcedureFilter::All => self.running + self.upcoming + self.finished,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProcedureListing {
    pub filter: ProcedureFilter,
    pub items: Vec<ProcedureSummary>,
    pub counts: ProcedureCounts,
    /// The cursor of the next page, if there is one.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProcedureDetail {
    pub summary: ProcedureSummary,
    /// Rendered by the server's sanitizer; the only HTML the UI inserts as markup.
    pub description_html: String,
    pub contact: String,
    pub phases: Vec<PhaseView>,
    pub rule: super::phase::VoteRule,
    /// The phase in which votes are taken.
    pub vote_phase: PhaseKind,
    /// Whether contributions are reviewed before they appear.
    pub moderation: super::moderation::ModerationMode,
    pub allowed: super::phase::Allowed,
    pub categories: Vec<String>,
    /// Not yet published: only planners see it, as a preview.
    pub draft: bool,
    /// The voting phase is over: the results page is public.
    #[serde(default)]
    pub results_public: bool,
    /// The council paper the results went to, and how many proposals got each outcome.
    #[serde(default)]
    pub council: Option<super::results::CouncilPaper>,
    #[serde(default)]
    pub outcomes: Vec<super::results::OutcomeCount>,
    /// Upcoming procedures, for a signed-in viewer: whether they asked to be mailed when it
    /// starts. `None` otherwise.
    #[serde(default)]
    pub start_notice: Option<bool>,
    /// The part of the city the procedure is about (its area's label), if it has one.
    #[serde(default)]
    pub area: Option<String>,
}

/// A procedure as the planners' form edits it. Dates are calendar days in Berlin; a phase
/// runs from the start of its first day to the end of its last.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProcedureForm {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub department: String,
    pub contact: String,
    /// One per line.
    pub categories: String,
    /// "support" or "rating".
    pub vote_rule: String,
    /// Supports per person under the support rule; empty for no cap.
    pub vote_cap: String,
    pub vote_phase: String,
    /// "post" or "pre" (`ModerationMode`).
    #[serde(default)]
    pub moderation: String,
    /// One row per phase kind in `PhaseKind::ALL` order; rows without dates are unused.
    pub phases: Vec<PhaseDates>,
}

/// What the editor shows: the form's values and, for an existing procedure, its image.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct EditorValues {
    pub form: ProcedureForm,
    pub image: Option<ProcedureImage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PhaseDates {
    pub kind: String,
    pub first_day: String,
    pub last_day: String,
}

/// A row of the planners' overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PlannerRow {
    pub slug: String,
    pub title: String,
    pub published: bool,
    pub state: ProcedureState,
    pub current_phase: Option<PhaseKind>,
    pub proposals: u64,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

/// One page of the planners' overview, the most recently starting procedures first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PlannerPage {
    pub rows: Vec<PlannerRow>,
    /// The next page's cursor (`?cursor=`), while there are more.
    pub next_cursor: Option<String>,
}

/// A URL-safe procedure identifier: lowercase ASCII letters, digits and single hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub const MAX_LEN: usize = 80;

    pub fn parse(value: &str) -> Result<Self, crate::error::AppError> {
        let invalid = |problem| crate::error::AppError::invalid("slug", problem);
        if value.is_empty() {
            return Err(invalid("empty"));
        }
        if value.len() > Self::MAX_LEN {
            return Err(invalid("too_long"));
        }
        let well_formed = value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !value.starts_with('-')
            && !value.ends_with('-')
            && !value.contains("--");
        if !well_formed {
            return Err(invalid("malformed"));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A well-formed address that stands in while a form's own is refused, so that the
    /// form's other fields can still be checked.
    pub fn placeholder() -> Self {
        Self("entwurf".to_owned())
    }
}

impl TryFrom<String> for Slug {
    type Error = crate::error::AppError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_accept_only_url_safe_lowercase_words() {
        assert!(Slug::parse("radverkehr-2026").is_ok());
        for bad in [
            "",
            "Radverkehr",
            "rad verkehr",
            "-rad",
            "rad-",
            "rad--weg",
            "straße",
            "a/b",
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(Slug::parse(&"a".repeat(Slug::MAX_LEN + 1)).is_err());
    }

    #[test]
    fn unknown_filters_fall_back_to_running() {
        assert_eq!(
            ProcedureFilter::parse_or_default(Some("finished")),
            ProcedureFilter::Finished
        );
        assert_eq!(
            ProcedureFilter::parse_or_default(Some("<script>")),
            ProcedureFilter::Running
        );
        assert_eq!(
            ProcedureFilter::parse_or_default(None),
            ProcedureFilter::Running
        );
    }

    #[test]
    fn phase_kinds_round_trip() {
        for kind in PhaseKind::ALL {
            assert_eq!(PhaseKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(PhaseKind::parse("voting "), None);
    }
}
