//! Results of a procedure as pages show them, and the council's answer: the paper the
//! results went to and the outcome per proposal.

use super::phase::VoteRule;
use super::time::{LocalDate, Timestamp};
use crate::error::AppError;
use serde::{Deserialize, Serialize};

string_enum! {
    /// What the city council decided about a proposal.
    pub enum CouncilOutcome {
        Adopted = "adopted",
        AdoptedInPart = "adopted_in_part",
        Rejected = "rejected",
        Referred = "referred",
        NotDecided = "not_decided",
    }
}

string_enum! {
    /// Where a council outcome was taken from.
    pub enum DecisionSource {
        /// Entered by a planner.
        Manual = "manual",
        /// Read from the council information system (OParl).
        Oparl = "oparl",
    }
}

impl CouncilOutcome {
    /// The council adopted the proposal, wholly or in part: its implementation is tracked.
    pub fn adopted(self) -> bool {
        matches!(self, Self::Adopted | Self::AdoptedInPart)
    }

    /// Reads an OParl agenda item's `result` (free text in German council systems:
    /// "ungeändert beschlossen", "abgelehnt", "in den Ausschuss verwiesen", …).
    pub fn from_council_text(result: &str) -> Self {
        let text = result.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
        if has(&["abgelehnt", "rejected", "nicht beschlossen"]) {
            Self::Rejected
        } else if has(&["verwiesen", "vertagt", "zurückgestellt", "referred"]) {
            Self::Referred
        } else if has(&[
            "geändert beschlossen",
            "mit änderungen",
            "teilweise",
            "in part",
        ]) && !text.contains("ungeändert")
        {
            Self::AdoptedInPart
        } else if has(&["beschlossen", "angenommen", "zugestimmt", "adopted"]) {
            Self::Adopted
        } else {
            Self::NotDecided
        }
    }
}

/// A council decision as residents see it on the proposal and in the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct OutcomeView {
    pub outcome: CouncilOutcome,
    pub justification: String,
    /// `YYYY-MM-DD`, the date of the council meeting.
    pub meeting_date: Option<String>,
}

impl OutcomeView {
    /// The start of the meeting's day in Berlin, to show as a date.
    pub fn meeting_day(&self) -> Option<Timestamp> {
        self.meeting_date
            .as_deref()
            .and_then(LocalDate::parse_iso)
            .map(|d| d.start_in_berlin())
    }
}

/// The council paper (OParl `Paper`) a procedure's results went to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct CouncilPaper {
    pub url: String,
    /// Such as "Drucksache 1234/2026".
    pub reference: String,
    pub title: String,
}

impl CouncilPaper {
    /// The paper's address must be a web address; reference and title are short texts.
    /// Trims and checks every field; every field's problem is reported.
    pub fn validated(self) -> Result<Self, AppError> {
        let mut problems = crate::error::Problems::default();
        let url = self.url.trim().to_owned();
        let reference = self.reference.trim().to_owned();
        let title = self.title.trim().to_owned();
        let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
        if !scheme_ok || url.len() > 500 || url.chars().any(char::is_whitespace) {
            problems.note(AppError::invalid("url", "not_a_web_address"));
        }
        if reference.is_empty() {
            problems.note(AppError::invalid("reference", "required"));
        }
        if reference.chars().count() > 100 {
            problems.note(AppError::invalid("reference", "too_long"));
        }
        // Not "title": that names a proposal's title everywhere else.
        if title.is_empty() {
            problems.note(AppError::invalid("paper_title", "required"));
        }
        if title.chars().count() > 300 {
            problems.note(AppError::invalid("paper_title", "too_long"));
        }
        problems.finish()?;
        Ok(Self {
            url,
            reference,
            title,
        })
    }
}

/// A planner's entry of the council's outcome for one proposal, as the form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct OutcomeForm {
    pub outcome: String,
    pub justification: String,
    /// `YYYY-MM-DD`; may be empty while the date is not known.
    #[serde(default)]
    pub meeting_date: String,
}

/// The longest justification kept.
pub const JUSTIFICATION_MAX_CHARS: usize = 5_000;

impl OutcomeForm {
    /// Checks every field; every field's problem is reported.
    pub fn validated(&self) -> Result<(CouncilOutcome, String, Option<LocalDate>), AppError> {
        let mut problems = crate::error::Problems::default();
        let outcome = CouncilOutcome::parse(self.outcome.trim());
        if outcome.is_none() {
            problems.note(AppError::invalid("outcome", "unknown"));
        }
        let justification = self.justification.trim().to_owned();
        if justification.chars().count() > JUSTIFICATION_MAX_CHARS {
            problems.note(AppError::invalid("justification", "too_long"));
        }
        if justification
            .chars()
            .any(crate::model::text::forbidden_in_text)
        {
            problems.note(AppError::invalid("justification", "control_characters"));
        }
        let date = match self.meeting_date.trim() {
            "" => None,
            value => {
                let date = LocalDate::parse_iso(value);
                if date.is_none() {
                    problems.note(AppError::invalid("meeting_date", "not_a_date"));
                }
                date
            }
        };
        problems.finish()?;
        // `finish` has refused a missing outcome.
        let outcome = outcome.ok_or(AppError::Internal)?;
        Ok((outcome, justification, date))
    }
}

/// Participation figures of a procedure. Votes are cast online only; proposals and comments
/// from on-site events are counted apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Figures {
    /// Distinct accounts that proposed, commented or voted online.
    pub participants: u64,
    pub proposals: u64,
    pub proposals_onsite: u64,
    pub withdrawn: u64,
    pub comments: u64,
    pub comments_onsite: u64,
    pub votes: u64,
    pub voters: u64,
    /// Content a moderator hid or that awaits review: counted here, never exported.
    pub hidden_proposals: u64,
    pub hidden_comments: u64,
    pub moderation_decisions: u64,
}

/// One bar of a chart: a label and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Bar {
    pub label: String,
    /// Counts are never negative; a rating procedure's net score ("Saldo") may be.
    pub value: i64,
}

impl Bar {
    /// The value as charts and tables print it: "−3" with a real minus sign.
    pub fn value_text(&self) -> String {
        with_minus(self.value)
    }

    /// The label as a chart prints it beside its bar: at most 34 characters.
    pub fn short_label(&self) -> String {
        const MAX: usize = 34;
        if self.label.chars().count() <= MAX {
            return self.label.clone();
        }
        let mut short: String = self.label.chars().take(MAX - 1).collect();
        short.push('…');
        short
    }
}

/// A figure as reports print it: "−3" with a real minus sign, "3" without a plus.
pub fn with_minus(value: i64) -> String {
    if value < 0 {
        format!("−{}", value.unsigned_abs())
    } else {
        value.to_string()
    }
}

/// The horizontal scale of a bar chart: a zero line with negative values drawn to its left
/// and positive ones to its right, both in proportion. With no negative value the zero
/// line is the chart's left edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarScale {
    min: i64,
    span: i64,
}

impl BarScale {
    pub fn of(bars: &[Bar]) -> Self {
        let min = bars.iter().map(|b| b.value).min().unwrap_or(0).min(0);
        let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(0);
        Self {
            min,
            span: (max - min).max(1),
        }
    }

    /// Where a bar starts and how long it is, in a chart `width` units wide.
    #[allow(clippy::cast_precision_loss)]
    pub fn extent(self, value: i64, width: f64) -> (f64, f64) {
        let unit = width / self.span as f64;
        let zero = self.min.unsigned_abs() as f64 * unit;
        let length = value.unsigned_abs() as f64 * unit;
        if value < 0 {
            (zero - length, length)
        } else {
            (zero, length)
        }
    }
}

/// One day of participation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Day {
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    pub proposals: u64,
    pub comments: u64,
    pub votes: u64,
}

/// A proposal in the ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct RankedProposal {
    pub rank: u32,
    pub id: i64,
    pub title: String,
    pub category: Option<String>,
    pub onsite: bool,
    pub withdrawn: bool,
    pub support: u32,
    pub up: u32,
    pub down: u32,
    pub comment_count: u32,
    pub outcome: Option<OutcomeView>,
}

impl RankedProposal {
    /// The figure the procedure's rule ranks by.
    pub fn ranked_value(&self, rule: VoteRule) -> i64 {
        rule.ranked_value(
            i64::from(self.support),
            i64::from(self.up) - i64::from(self.down),
        )
    }
}

/// How many proposals got each council outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct OutcomeCount {
    pub outcome: CouncilOutcome,
    pub count: u64,
}

/// A procedure whose voting has not ended yet: the results page says from when its
/// results will be public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingResults {
    pub slug: String,
    pub title: String,
    /// When voting ends and the results become public.
    pub public_from: Timestamp,
}

/// What the public results page shows: the results, or from when they will be public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResultsAnswer {
    Ready(Box<ResultsView>),
    Pending(PendingResults),
}

/// One district's share of a procedure: the visible proposals placed in it and the votes
/// they got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct DistrictCount {
    pub key: String,
    pub name: String,
    pub proposals: i64,
    /// Supports, or up and down votes under the rating rule.
    pub votes: i64,
}

/// The results page (public after the voting phase) and the planners' dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ResultsView {
    pub slug: String,
    pub title: String,
    pub rule: VoteRule,
    /// The voting phase is over: the ranking is final and the results are public.
    pub final_results: bool,
    pub figures: Figures,
    pub timeline: Vec<Day>,
    pub categories: Vec<Bar>,
    /// Proposals and votes by district (every district, by name), when any proposal of
    /// the procedure is placed in one; empty otherwise.
    #[serde(default)]
    pub districts: Vec<DistrictCount>,
    /// The ranking's head (the whole ranking is in the downloads).
    pub ranking: Vec<RankedProposal>,
    /// Proposals in the ranking in all.
    pub ranked_total: u64,
    pub outcomes: Vec<OutcomeCount>,
    pub council: Option<CouncilPaper>,
    /// When these figures were counted. Where counting takes long (millions of votes) they
    /// are kept and recounted in the background: up to a minute old after voting, and
    /// during voting at least 15 seconds and ten times as long as counting took.
    pub as_of: Timestamp,
}

impl ResultsView {
    /// The ten proposals with the most votes, for the chart.
    pub fn top_bars(&self) -> Vec<Bar> {
        self.ranking
            .iter()
            .take(10)
            .map(|p| Bar {
                label: format!("#{} {}", p.id, p.title),
                value: p.ranked_value(self.rule),
            })
            .collect()
    }
}

/// The planners' page of a procedure's results: the figures, the downloads, the council
/// paper and one outcome form per proposal of the current page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ResultsDashboard {
    pub results: ResultsView,
    /// The page of the ranking the outcome forms cover (0-based) and how many there are.
    pub page: u32,
    pub pages: u32,
    pub rows: Vec<RankedProposal>,
}

/// Proposals per page of the planners' outcome forms.
pub const OUTCOME_PAGE_SIZE: u64 = 25;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_negative_net_score_is_drawn_left_of_the_zero_line() {
        let bar = |value| Bar {
            label: String::new(),
            value,
        };
        let bars = [bar(30), bar(-10), bar(0)];
        let scale = BarScale::of(&bars);
        // 40 units of value over 400 units of width: zero at 100.
        assert_eq!(scale.extent(30, 400.0), (100.0, 300.0));
        assert_eq!(scale.extent(-10, 400.0), (0.0, 100.0));
        assert_eq!(scale.extent(0, 400.0), (100.0, 0.0));
        assert_eq!(bar(-10).value_text(), "−10");
        // Counts only: the zero line is the left edge.
        let counts = BarScale::of(&[bar(5), bar(10)]);
        assert_eq!(counts.extent(10, 100.0), (0.0, 100.0));
        assert_eq!(BarScale::of(&[]).extent(0, 100.0), (0.0, 0.0));
    }

    #[test]
    fn council_wording_maps_to_outcomes() {
        for (text, expected) in [
            ("ungeändert beschlossen", CouncilOutcome::Adopted),
            ("Einstimmig beschlossen", CouncilOutcome::Adopted),
            ("geändert beschlossen", CouncilOutcome::AdoptedInPart),
            ("mit Änderungen beschlossen", CouncilOutcome::AdoptedInPart),
            ("abgelehnt", CouncilOutcome::Rejected),
            ("in den Bauausschuss verwiesen", CouncilOutcome::Referred),
            ("vertagt", CouncilOutcome::Referred),
            ("zur Kenntnis genommen", CouncilOutcome::NotDecided),
            ("", CouncilOutcome::NotDecided),
        ] {
            assert_eq!(CouncilOutcome::from_council_text(text), expected, "{text}");
        }
    }

    #[test]
    fn outcome_form_rejects_unknown_outcomes_and_dates() {
        let form = |outcome: &str, date: &str| OutcomeForm {
            outcome: outcome.to_owned(),
            justification: "Begründung".to_owned(),
            meeting_date: date.to_owned(),
        };
        assert!(form("adopted", "2026-12-03").validated().is_ok());
        assert!(form("adopted", "").validated().is_ok());
        assert!(form("maybe", "").validated().is_err());
        assert!(form("rejected", "2026-02-30").validated().is_err());
    }

    #[test]
    fn council_paper_needs_a_web_address() {
        let paper = |url: &str| CouncilPaper {
            url: url.to_owned(),
            reference: "Drucksache 1234/2026".to_owned(),
            title: "Bürgerhaushalt".to_owned(),
        };
        assert!(
            paper("https://ris.example.de/oparl/paper/1")
                .validated()
                .is_ok()
        );
        assert!(paper("javascript:alert(1)").validated().is_err());
        assert!(paper("https://a b").validated().is_err());
    }
}
