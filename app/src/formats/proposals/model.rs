//! Proposals, comments and votes as browser and server see them.

pub use super::discussion::{REPLIES_SHOWN, THREAD_PAGE_SIZE, ThreadPage, ThreadWindow};
use crate::error::AppError;
pub use crate::model::phase::{Allowed, VoteRule, VoteRuleKind};
use crate::model::procedure::{PhaseKind, ProcedureSummary};
use crate::model::string_enum;
use crate::model::text::encode_component;
use crate::model::time::Timestamp;
use serde::{Deserialize, Serialize};

impl Allowed {
    /// A withdrawn or merged proposal takes no more votes or comments.
    pub fn for_status(self, status: ProposalStatus) -> Self {
        match status {
            ProposalStatus::Published => self,
            ProposalStatus::Withdrawn | ProposalStatus::Merged => Self {
                vote: false,
                comment: false,
                ..self
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProposalSort {
    #[default]
    Newest,
    /// Most supports, or the best net score under the rating rule.
    MostSupported,
    MostDiscussed,
    /// A stable shuffle per visitor: early proposals get no head start.
    Random,
}

impl ProposalSort {
    pub const ALL: [ProposalSort; 4] = [
        Self::Random,
        Self::Newest,
        Self::MostSupported,
        Self::MostDiscussed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::MostSupported => "supported",
            Self::MostDiscussed => "discussed",
            Self::Random => "random",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// In the proposals phase the random order is the default, so early proposals get no
    /// unfair head start; afterwards the most supported come first.
    pub fn default_for(phase: Option<PhaseKind>) -> Self {
        match phase {
            Some(PhaseKind::Proposals) => Self::Random,
            Some(PhaseKind::Information) | None => Self::Newest,
            _ => Self::MostSupported,
        }
    }
}

string_enum! {
    pub enum ProposalStatus {
        Published = "published",
        Withdrawn = "withdrawn",
        /// A duplicate merged into another proposal: readable, closed, its votes moved.
        Merged = "merged",
    }
}

string_enum! {
    /// A comment stays in its thread when its author deletes it; only its text goes.
    pub enum CommentStatus {
        Published = "published",
        Deleted = "deleted",
    }
}

string_enum! {
    /// Where a contribution was written: on the platform, or at an on-site event.
    pub enum Origin {
        Online = "online",
        Onsite = "onsite",
    }
}

/// Where a contribution came from: the platform, or an on-site event a planner entered it for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    #[default]
    Online,
    Onsite {
        event: String,
    },
}

impl Source {
    pub fn is_online(&self) -> bool {
        matches!(self, Self::Online)
    }

    pub fn from_columns(origin: Origin, event: Option<String>) -> Self {
        match (origin, event) {
            (Origin::Onsite, Some(event)) => Self::Onsite { event },
            _ => Self::Online,
        }
    }
}

/// A listing request: sort, filters, search and the keyset cursor of the page.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProposalQuery {
    /// `None`: the default for the current phase.
    pub sort: Option<ProposalSort>,
    pub category: Option<String>,
    /// A district's key.
    #[serde(default)]
    pub district: Option<String>,
    pub status: Option<ProposalStatus>,
    pub q: Option<String>,
    pub cursor: Option<String>,
}

impl ProposalQuery {
    pub const MAX_SEARCH_LEN: usize = 200;

    /// From a page address; unknown values are ignored so stale links still work.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let non_empty = |key: &str| {
            get(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Self {
            sort: non_empty("sort").and_then(|s| ProposalSort::parse(&s)),
            category: non_empty("category"),
            district: non_empty("district").map(|d| d.chars().take(64).collect()),
            status: non_empty("status").and_then(|s| ProposalStatus::parse(&s)),
            q: non_empty("q").map(|q| q.chars().take(Self::MAX_SEARCH_LEN).collect()),
            cursor: non_empty("cursor"),
        }
    }

    /// The query string of this listing with another cursor (or none), for page links.
    pub fn to_params(&self, sort: ProposalSort, cursor: Option<&str>) -> String {
        let mut pairs = vec![("sort", sort.as_str().to_owned())];
        if let Some(category) = &self.category {
            pairs.push(("category", category.clone()));
        }
        if let Some(district) = &self.district {
            pairs.push(("district", district.clone()));
        }
        if let Some(status) = self.status {
            pairs.push(("status", status.as_str().to_owned()));
        }
        if let Some(q) = &self.q {
            pairs.push(("q", q.clone()));
        }
        if let Some(cursor) = cursor {
            pairs.push(("cursor", cursor.to_owned()));
        }
        pairs
            .into_iter()
            .map(|(key, value)| format!("{key}={}", encode_component(&value)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// A proposal's counts. Under the support rule only `support` is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Tally {
    pub support: u32,
    pub up: u32,
    pub down: u32,
    pub score: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProposalCard {
    pub id: i64,
    pub title: String,
    /// Plain text, the start of the body.
    pub excerpt: String,
    pub category: Option<String>,
    /// The name of the district it is in.
    pub district: Option<String>,
    /// `None` once the author deleted their account.
    pub author: Option<String>,
    pub source: Source,
    pub status: ProposalStatus,
    pub tally: Tally,
    pub comment_count: u32,
    pub created_at: Timestamp,
    /// The viewer's own vote (1 or −1), when signed in.
    pub my_vote: Option<i8>,
    /// The first shown photo, in the list size, on a listing's card (none on the
    /// proposal's own page, which shows all of them).
    #[serde(default)]
    pub photo: Option<crate::formats::proposals::photos::ProposalPhoto>,
}

/// "3 of 5 supports used".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct VoteBudget {
    pub used: u32,
    pub cap: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProposalListing {
    pub procedure: ProcedureSummary,
    /// The instance's districts, for the filter (empty: no filter offered).
    pub districts: Vec<crate::model::place::DistrictRef>,
    pub rule: VoteRule,
    pub allowed: Allowed,
    pub categories: Vec<String>,
    pub query: ProposalQuery,
    /// The order actually applied (the phase default when the query named none).
    pub sort: ProposalSort,
    /// All proposals matching the filters, over all pages; a search counts its matches
    /// up to `SEARCH_COUNT_LIMIT` (see `total_capped`).
    pub total: u64,
    /// More proposals match the search than were counted: `total` is a lower bound.
    pub total_capped: bool,
    pub items: Vec<ProposalCard>,
    pub next_cursor: Option<String>,
    pub viewer: Viewer,
    pub budget: Option<VoteBudget>,
}

/// Who is looking, as far as the page needs to know to offer the right forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Viewer {
    pub signed_in: bool,
    pub verified: bool,
    /// May enter contributions from on-site events.
    pub planner: bool,
    pub moderator: bool,
    /// Blocked by a moderator: reads, does not contribute.
    pub blocked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct CommentView {
    pub id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<i64>,
    pub depth: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Source::is_online")]
    pub source: Source,
    /// Sanitized HTML; empty for a deleted comment (and in the proposal page's hydration
    /// data, see `ThreadCodec`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body_html: String,
    #[serde(default, skip_serializing_if = "unset")]
    pub deleted: bool,
    #[serde(default, skip_serializing_if = "unset")]
    pub edited: bool,
    pub created_at: Timestamp,
    /// The viewer wrote it and may still edit it (within 15 minutes).
    #[serde(default, skip_serializing_if = "unset")]
    pub editable: bool,
    /// The viewer wrote it and may delete it.
    #[serde(default, skip_serializing_if = "unset")]
    pub deletable: bool,
    /// Pending, held or hidden: what the viewer is told about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderation: Option<crate::model::moderation::ModerationMark>,
    /// The viewer sees the placeholder only.
    #[serde(default, skip_serializing_if = "unset")]
    pub concealed: bool,
    /// A moderator edited personal data out of it.
    #[serde(default, skip_serializing_if = "unset")]
    pub redacted: bool,
    /// The viewer may report it (and has not yet).
    #[serde(default, skip_serializing_if = "unset")]
    pub reportable: bool,
    #[serde(default, skip_serializing_if = "unset")]
    pub reported: bool,
    /// Replies may be written to it (it is visible and not deleted).
    #[serde(default, skip_serializing_if = "unset")]
    pub repliable: bool,
    /// It has more replies than shown here: the page of its replies shows them all.
    #[serde(default, skip_serializing_if = "unset")]
    pub more_replies: bool,
    /// The raw Markdown, for the author's edit form only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_text: Option<String>,
    /// The raw Markdown, for a moderator's redaction only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderator_source: Option<String>,
    /// The decisions a moderator viewing it can take (empty for everyone else).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<crate::model::moderation::ModerationActionKind>,
}

/// For `skip_serializing_if`: a flag that is not set is left out. A page's thread
/// crosses to the browser twice (in the HTML and as hydration data), and most of a
/// comment's flags are `false`, `null` or empty: left out, the proposal page with 300
/// comments is a quarter smaller. Every such field is `#[serde(default)]`, so the browser
/// reads them back as they were.
fn unset(flag: &bool) -> bool {
    !*flag
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProposalDetail {
    pub card: ProposalCard,
    pub procedure: ProcedureSummary,
    pub rule: VoteRule,
    pub allowed: Allowed,
    pub categories: Vec<String>,
    pub body_html: String,
    pub location: Option<String>,
    /// The district it is in (assigned from its point, or named by its author).
    pub district: Option<crate::model::place::DistrictRef>,
    /// How exact its place is, when it has one.
    pub precision: Option<crate::model::place::Precision>,
    /// Where exactly: a GeoJSON geometry as text (WGS84, longitude first).
    pub geometry: Option<String>,
    /// The instance's districts, for the author's edit form (empty otherwise).
    pub districts: Vec<crate::model::place::DistrictRef>,
    pub withdrawal_note: Option<String>,
    /// The viewer is the author and nobody has voted or commented yet.
    pub editable: bool,
    /// The viewer is the author and the proposal is still published.
    pub withdrawable: bool,
    /// The raw fields, for the author's edit form only.
    pub edit_source: Option<ProposalInput>,
    pub following: bool,
    pub viewer: Viewer,
    pub budget: Option<VoteBudget>,
    /// The part of the discussion this page shows, in thread order: each reply follows its
    /// parent.
    pub comments: Vec<CommentView>,
    /// Where the shown part sits in the whole discussion.
    pub thread: ThreadPage,
    /// Pending, held or hidden: what the viewer is told about it.
    pub moderation: Option<crate::model::moderation::ModerationMark>,
    /// The viewer sees the placeholder only: title, text and discussion are withheld.
    pub concealed: bool,
    /// When a moderator edited personal data out of it.
    pub redacted_at: Option<Timestamp>,
    /// The discussion takes no new comments.
    pub locked: bool,
    /// The viewer may report it (and has not yet).
    pub reportable: bool,
    pub reported: bool,
    /// The raw fields, for a moderator's redaction only.
    pub moderator_source: Option<ProposalInput>,
    /// The decisions a moderator viewing it can take (empty for everyone else).
    pub decisions: Vec<crate::model::moderation::ModerationActionKind>,
    /// What the city council decided about it, once recorded.
    pub outcome: Option<crate::model::results::OutcomeView>,
    /// What became of it once the council adopted it.
    pub implementation: crate::model::implementation::Implementation,
    /// Merged as a duplicate: where it points now, when, and the public reason.
    pub merged: Option<MergeNotice>,
    /// The duplicates merged into it (at most [`MERGED_SHOWN`]), by number.
    pub merged_from: Vec<ProposalLink>,
    /// The administration's opinion on it, once asked for.
    pub opinion: super::opinion::OpinionView,
    /// Its photos, and whether the viewer may add or remove some.
    pub photos: super::photos::PhotoShelf,
}

/// How many duplicates merged into a proposal its page lists.
pub const MERGED_SHOWN: u64 = 50;

/// A proposal named by number and title, as a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProposalLink {
    pub id: i64,
    pub title: String,
}

/// What a merged proposal's page says of its merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct MergeNotice {
    pub into: ProposalLink,
    pub at: Timestamp,
    pub reason: Option<crate::model::moderation::ModerationReason>,
    pub note: String,
}

pub use super::input::ProposalInput;

/// A comment's text, trimmed and checked.
pub fn validated_comment(body: &str) -> Result<String, AppError> {
    let body = body.trim();
    let length = body.chars().count();
    if length == 0 {
        return Err(AppError::invalid("body", "too_short"));
    }
    if length > COMMENT_MAX {
        return Err(AppError::invalid("body", "too_long"));
    }
    if body.chars().any(crate::model::text::forbidden_in_text) {
        return Err(AppError::invalid("body", "control_characters"));
    }
    Ok(body.to_owned())
}

pub const COMMENT_MAX: usize = 5_000;
/// Replies nest this deep below a top-level comment (depth 0).
pub const MAX_COMMENT_DEPTH: u8 = 3;
/// How long an author may still edit a comment.
pub const COMMENT_EDIT_MINUTES: i64 = 15;

/// Control characters other than line breaks and tabs have no place in a text.
/// A short plain text (a withdrawal note, an objection): trimmed, `min..=max` characters,
/// line breaks but no other control characters.
pub fn validated_note<'a>(
    text: &'a str,
    field: &str,
    min: usize,
    max: usize,
) -> Result<&'a str, AppError> {
    let text = text.trim();
    let length = text.chars().count();
    if length < min {
        return Err(AppError::invalid(field, "too_short"));
    }
    if length > max
        || text
            .chars()
            .any(|c| c == '\t' || crate::model::text::forbidden_in_text(c))
    {
        return Err(AppError::invalid(field, "too_long"));
    }
    Ok(text)
}

/// An event name for a contribution collected on site.
pub fn validated_event(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    let length = name.chars().count();
    if length < 3 {
        return Err(AppError::invalid("event", "too_short"));
    }
    if length > 200 || name.chars().any(crate::model::text::forbidden_in_line) {
        return Err(AppError::invalid("event", "too_long"));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_decide_what_residents_may_do() {
        let voting = PhaseKind::Voting;
        let proposals = Allowed::in_phase(Some(PhaseKind::Proposals), voting);
        assert!(proposals.propose && proposals.comment && !proposals.vote);
        let vote = Allowed::in_phase(Some(PhaseKind::Voting), voting);
        assert!(!vote.propose && vote.comment && vote.vote);
        assert_eq!(
            Allowed::in_phase(Some(PhaseKind::Evaluation), voting),
            Allowed::default()
        );
        assert_eq!(Allowed::in_phase(None, voting), Allowed::default());
        // A procedure that takes supports while proposals are collected.
        let early = Allowed::in_phase(Some(PhaseKind::Proposals), PhaseKind::Proposals);
        assert!(early.propose && early.vote);
    }

    #[test]
    fn rules_accept_only_their_values() {
        let support = VoteRule::Support { cap: Some(3) };
        assert!(support.check_value(1).is_ok());
        assert!(support.check_value(-1).is_err());
        assert!(VoteRule::Rating.check_value(-1).is_ok());
        assert!(VoteRule::Rating.check_value(2).is_err());
        assert_eq!(
            VoteRule::from_columns(VoteRuleKind::Support, Some(0)),
            VoteRule::Support { cap: None }
        );
    }

    #[test]
    fn query_round_trips_through_the_address() {
        let query = ProposalQuery::from_params(|key| match key {
            "sort" => Some("discussed".into()),
            "q" => Some("Grünfläche & Bänke".into()),
            "status" => Some("nonsense".into()),
            _ => None,
        });
        assert_eq!(query.sort, Some(ProposalSort::MostDiscussed));
        assert_eq!(query.status, None);
        assert_eq!(
            query.to_params(ProposalSort::MostDiscussed, Some("abc")),
            "sort=discussed&q=Gr%C3%BCnfl%C3%A4che%20%26%20B%C3%A4nke&cursor=abc"
        );
    }

    #[test]
    fn a_comment_crosses_to_the_browser_without_its_unset_flags_and_arrives_whole() {
        use crate::model::moderation::{ModerationActionKind, ModerationMark, Visibility};
        let plain = CommentView {
            id: 7,
            parent_id: None,
            depth: 0,
            author: Some("Ada".into()),
            source: Source::Online,
            body_html: "<p>Mehr Bänke</p>".into(),
            deleted: false,
            edited: false,
            created_at: Timestamp(1_700_000_000),
            editable: false,
            deletable: false,
            moderation: None,
            concealed: false,
            redacted: false,
            reportable: false,
            reported: false,
            repliable: false,
            more_replies: false,
            source_text: None,
            moderator_source: None,
            decisions: Vec::new(),
        };
        let json = serde_json::to_string(&plain).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"id":7,"depth":0,"author":"Ada","body_html":"<p>Mehr Bänke</p>","created_at":1700000000}"#
        );
        let back: Result<CommentView, _> = serde_json::from_str(&json);
        assert_eq!(back.ok(), Some(plain.clone()));
        // Every flag set comes back set.
        let full = CommentView {
            parent_id: Some(3),
            source: Source::Onsite {
                event: "Bürgerforum".into(),
            },
            deleted: true,
            edited: true,
            editable: true,
            deletable: true,
            concealed: true,
            redacted: true,
            reportable: true,
            reported: true,
            repliable: true,
            more_replies: true,
            source_text: Some("Mehr Bänke".into()),
            moderator_source: Some("Mehr Bänke".into()),
            moderation: Some(ModerationMark {
                visibility: Visibility::Pending,
                reason: None,
                note: None,
                at: None,
                can_object: false,
                objected: false,
            }),
            decisions: vec![ModerationActionKind::Hide],
            ..plain
        };
        let json = serde_json::to_string(&full).unwrap_or_default();
        let back: Result<CommentView, _> = serde_json::from_str(&json);
        assert_eq!(back.ok(), Some(full));
    }
}
