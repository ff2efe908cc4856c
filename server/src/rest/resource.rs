//! The resources of REST v1: what clients get, made for them and kept stable when pages
//! change. Pages have view models of their own (`app::model`); this module maps those
//! (and what services return beside them) onto the documented shapes, and nothing here
//! decides what a viewer may see: the services have done that before.

use app::model::moderation::ModerationMode;
use app::model::phase::{Allowed, PhaseKind, VoteRule};
use app::model::procedure::{
    PhaseView, ProcedureCounts, ProcedureDetail, ProcedureFilter, ProcedureImage, ProcedureListing,
    ProcedureState, ProcedureSummary,
};
use app::model::results::{CouncilPaper, OutcomeCount};
use app::model::time::Timestamp;
use schemars::JsonSchema;
use serde::Serialize;

/// Where a procedure lives: the API resource, its page, its proposals, its results.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProcedureLinks {
    #[serde(rename = "self")]
    pub this: String,
    pub html: String,
    pub proposals: String,
    pub results: String,
}

impl ProcedureLinks {
    fn of(base: &str, slug: &str) -> Self {
        Self {
            this: format!("{base}/api/v1/procedures/{slug}"),
            html: format!("{base}{}", app::model::path::procedure(slug)),
            proposals: format!("{base}/api/v1/procedures/{slug}/proposals"),
            results: format!("{base}/api/v1/procedures/{slug}/results"),
        }
    }
}

/// A procedure in a listing.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProcedureItem {
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
    /// The end of the last phase (exclusive).
    pub ends_at: Timestamp,
    pub image: Option<ProcedureImage>,
    pub links: ProcedureLinks,
}

impl ProcedureItem {
    fn of(summary: ProcedureSummary, base: &str) -> Self {
        Self {
            links: ProcedureLinks::of(base, &summary.slug),
            slug: summary.slug,
            title: summary.title,
            summary: summary.summary,
            department: summary.department,
            state: summary.state,
            current_phase: summary.current_phase,
            current_phase_ends_at: summary.current_phase_ends_at,
            proposals_open_at: summary.proposals_open_at,
            starts_at: summary.starts_at,
            ends_at: summary.ends_at,
            image: summary.image,
        }
    }
}

/// The published procedures in one state, and how many there are in each.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProcedurePage {
    pub filter: ProcedureFilter,
    pub counts: ProcedureCounts,
    pub items: Vec<ProcedureItem>,
    /// The cursor of the next page (`?cursor=`), if there is one.
    pub next_cursor: Option<String>,
}

impl ProcedurePage {
    pub fn of(listing: ProcedureListing, base: &str) -> Self {
        Self {
            filter: listing.filter,
            counts: listing.counts,
            items: listing
                .items
                .into_iter()
                .map(|summary| ProcedureItem::of(summary, base))
                .collect(),
            next_cursor: listing.next_cursor,
        }
    }
}

/// A procedure: its texts, schedule, rules and, once public, its results' summary.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Procedure {
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// Rendered and sanitized Markdown.
    pub description_html: String,
    pub department: String,
    pub contact: String,
    pub state: ProcedureState,
    pub current_phase: Option<PhaseKind>,
    pub current_phase_ends_at: Option<Timestamp>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub phases: Vec<PhaseView>,
    pub rule: VoteRule,
    /// The phase in which votes are taken.
    pub vote_phase: PhaseKind,
    /// Whether contributions are reviewed before they appear.
    pub moderation: ModerationMode,
    /// What residents may do now.
    pub allowed: Allowed,
    pub categories: Vec<String>,
    pub image: Option<ProcedureImage>,
    /// Not yet published: only planners see it.
    pub draft: bool,
    /// The voting phase is over: the results are public.
    pub results_public: bool,
    /// The council paper the results went to, and how many proposals got each outcome.
    pub council: Option<CouncilPaper>,
    pub outcomes: Vec<OutcomeCount>,
    /// The part of the city it is about, if it has one.
    pub area: Option<AreaRef>,
    pub links: ProcedureLinks,
}

/// A procedure's area: what residents read, and its boundary.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AreaRef {
    pub label: String,
    /// The boundary as a GeoJSON Feature.
    pub geojson: String,
}

impl Procedure {
    pub fn of(detail: ProcedureDetail, base: &str) -> Self {
        let summary = detail.summary;
        Self {
            area: detail.area.map(|label| AreaRef {
                label,
                geojson: format!("{base}/api/v1/procedures/{}/area", summary.slug),
            }),
            links: ProcedureLinks::of(base, &summary.slug),
            slug: summary.slug,
            title: summary.title,
            summary: summary.summary,
            description_html: detail.description_html,
            department: summary.department,
            contact: detail.contact,
            state: summary.state,
            current_phase: summary.current_phase,
            current_phase_ends_at: summary.current_phase_ends_at,
            starts_at: summary.starts_at,
            ends_at: summary.ends_at,
            phases: detail.phases,
            rule: detail.rule,
            vote_phase: detail.vote_phase,
            moderation: detail.moderation,
            allowed: detail.allowed,
            categories: detail.categories,
            image: summary.image,
            draft: detail.draft,
            results_public: detail.results_public,
            council: detail.council,
            outcomes: detail.outcomes,
        }
    }
}
