//! The format's REST v1 resources: a proposal, a page of proposals, a comment, a thread.

use app::formats::proposals::model::{
    CommentView, MergeNotice, Origin, ProposalCard, ProposalLink, ProposalListing, ProposalSort,
    ProposalStatus, Source, Tally, ThreadPage, VoteBudget,
};
use app::formats::proposals::opinion::ExpertOpinion;
use app::formats::proposals::photos::ProposalPhoto;
use app::formats::proposals::service::proposal::Loaded;
use app::model::moderation::ModerationMark;
use app::model::place::{DistrictRef, Precision};
use app::model::procedure::ProcedureSummary;
use app::model::results::OutcomeView;
use app::model::time::Timestamp;
use schemars::JsonSchema;
use serde::Serialize;

/// The procedure a proposal belongs to.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProcedureRef {
    pub slug: String,
    pub title: String,
}

impl ProcedureRef {
    fn of(summary: &ProcedureSummary) -> Self {
        Self {
            slug: summary.slug.clone(),
            title: summary.title.clone(),
        }
    }
}

/// Who wrote a contribution.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Author {
    /// The display name; `null` for on-site contributions, once the account is deleted, or
    /// while the item is concealed.
    pub name: Option<String>,
    /// `online`, or `onsite` for a contribution a planner entered from an event.
    pub origin: Origin,
    /// The on-site event, for `onsite` contributions.
    pub event: Option<String>,
}

impl Author {
    /// The service leaves an on-site contribution without a name (see
    /// `service::proposal::card`); here only the shape changes.
    fn of(name: Option<String>, source: &Source) -> Self {
        match source {
            Source::Online => Self {
                name,
                origin: Origin::Online,
                event: None,
            },
            Source::Onsite { event } => Self {
                name: None,
                origin: Origin::Onsite,
                event: Some(event.clone()),
            },
        }
    }
}

/// The votes a proposal has.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Votes {
    pub support: u32,
    pub up: u32,
    pub down: u32,
    /// `up - down`.
    pub score: i32,
    /// The signed-in viewer's own vote (1 or -1), if any.
    pub mine: Option<i8>,
}

impl Votes {
    fn of(tally: Tally, mine: Option<i8>) -> Self {
        Self {
            support: tally.support,
            up: tally.up,
            down: tally.down,
            score: tally.score,
            mine,
        }
    }
}

/// Where a proposal lives: the API resource, its page, its discussion.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProposalLinks {
    #[serde(rename = "self")]
    pub this: String,
    pub html: String,
    pub comments: String,
    pub procedure: String,
}

impl ProposalLinks {
    fn of(base: &str, id: i64, procedure: &str) -> Self {
        Self {
            this: format!("{base}/api/v1/proposals/{id}"),
            html: format!("{base}{}", app::model::path::proposal(id)),
            comments: format!("{base}/api/v1/proposals/{id}/comments"),
            procedure: format!("{base}/api/v1/procedures/{procedure}"),
        }
    }
}

/// A proposal.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Proposal {
    pub id: i64,
    pub procedure: ProcedureRef,
    /// Empty while the proposal is concealed from the viewer (see `moderation`).
    pub title: String,
    /// The Markdown source; empty while concealed.
    pub body: String,
    /// The body rendered and sanitized; empty while concealed.
    pub body_html: String,
    pub category: Option<String>,
    /// The place in words.
    pub location: Option<String>,
    /// Where exactly: a GeoJSON geometry (RFC 7946: WGS84, longitude first), if given.
    pub geometry: Option<serde_json::Value>,
    /// How exact `geometry` is (`exact`, `street`), or `district` when only the district is
    /// known.
    pub precision: Option<Precision>,
    /// The district it lies in (assigned by the server from the geometry) or was named for.
    pub district: Option<DistrictRef>,
    pub author: Author,
    pub status: ProposalStatus,
    /// The author's note when withdrawing.
    pub withdrawal_note: Option<String>,
    /// Status `merged`: the proposal this duplicate was merged into (its votes moved there),
    /// when, and the moderator's public reason.
    pub merged: Option<MergeNotice>,
    /// The duplicates merged into this proposal (the first 50, by number).
    pub merged_from: Vec<ProposalLink>,
    /// The administration's opinion (Stellungnahme der Fachverwaltung), once asked for.
    pub opinion: Option<ExpertOpinion>,
    pub votes: Votes,
    pub comment_count: u32,
    /// Pending, held or hidden: what the viewer is told about it; `null` when visible.
    pub moderation: Option<ModerationMark>,
    /// The viewer sees the placeholder only: title, texts and discussion are withheld.
    pub concealed: bool,
    /// The discussion takes no new comments.
    pub locked: bool,
    /// What the city council decided about it, once recorded.
    pub outcome: Option<OutcomeView>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub links: ProposalLinks,
}

impl Proposal {
    pub fn of(loaded: Loaded, base: &str) -> Self {
        let Loaded {
            detail,
            body,
            updated_at,
        } = loaded;
        let card = detail.card;
        Self {
            id: card.id,
            links: ProposalLinks::of(base, card.id, &detail.procedure.slug),
            procedure: ProcedureRef::of(&detail.procedure),
            title: card.title,
            body,
            body_html: detail.body_html,
            category: card.category,
            location: detail.location,
            geometry: detail
                .geometry
                .as_deref()
                .and_then(|text| serde_json::from_str(text).ok()),
            precision: detail.precision,
            district: detail.district,
            author: Author::of(card.author, &card.source),
            status: card.status,
            withdrawal_note: detail.withdrawal_note,
            merged: detail.merged,
            merged_from: detail.merged_from,
            opinion: detail.opinion.opinion,
            votes: Votes::of(card.tally, card.my_vote),
            comment_count: card.comment_count,
            moderation: detail.moderation,
            concealed: detail.concealed,
            locked: detail.locked,
            outcome: detail.outcome,
            created_at: card.created_at,
            updated_at,
        }
    }
}

/// A proposal in a listing: the proposal without its full text.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProposalItem {
    pub id: i64,
    pub title: String,
    /// Plain text, the start of the body.
    pub excerpt: String,
    pub category: Option<String>,
    /// The name of the district it lies in.
    pub district: Option<String>,
    pub author: Author,
    pub status: ProposalStatus,
    pub votes: Votes,
    pub comment_count: u32,
    pub created_at: Timestamp,
    /// Its first shown photo (all of them: `GET /proposals/{id}/photos`).
    pub photo: Option<ProposalPhoto>,
    pub links: ProposalLinks,
}

impl ProposalItem {
    fn of(card: ProposalCard, base: &str, procedure: &str) -> Self {
        Self {
            links: ProposalLinks::of(base, card.id, procedure),
            id: card.id,
            title: card.title,
            excerpt: card.excerpt,
            category: card.category,
            district: card.district,
            author: Author::of(card.author, &card.source),
            status: card.status,
            votes: Votes::of(card.tally, card.my_vote),
            comment_count: card.comment_count,
            created_at: card.created_at,
            photo: card.photo,
        }
    }
}

/// One page of a procedure's proposals.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProposalPage {
    pub procedure: ProcedureRef,
    /// The order applied (the phase's default when the query named none).
    pub sort: ProposalSort,
    /// All proposals matching the filters, over all pages. A search counts at most its
    /// first 1,000 matches: beyond them, `total` is 1,000 and `total_capped` is true.
    pub total: u64,
    /// More proposals match the search than `total` says (it stopped counting at 1,000).
    pub total_capped: bool,
    pub items: Vec<ProposalItem>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
    /// The signed-in viewer's supports used and available, under a capped support rule.
    pub budget: Option<VoteBudget>,
}

impl ProposalPage {
    pub fn of(listing: ProposalListing, base: &str) -> Self {
        let slug = listing.procedure.slug.clone();
        Self {
            procedure: ProcedureRef::of(&listing.procedure),
            sort: listing.sort,
            total: listing.total,
            total_capped: listing.total_capped,
            items: listing
                .items
                .into_iter()
                .map(|card| ProposalItem::of(card, base, &slug))
                .collect(),
            next_cursor: listing.next_cursor,
            budget: listing.budget,
        }
    }
}

/// A comment.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Comment {
    pub id: i64,
    pub proposal: i64,
    /// The comment it answers, for a reply.
    pub parent: Option<i64>,
    /// 0 for a comment on the proposal, 1 for a reply, …
    pub depth: u8,
    pub author: Author,
    /// Sanitized HTML; empty for a deleted or concealed comment.
    pub body_html: String,
    pub deleted: bool,
    pub edited: bool,
    /// Pending, held or hidden: what the viewer is told about it; `null` when visible.
    pub moderation: Option<ModerationMark>,
    /// The viewer sees the placeholder only.
    pub concealed: bool,
    /// It has more replies than this part gives: ask with `replies` set to its id.
    pub more_replies: bool,
    pub created_at: Timestamp,
}

impl Comment {
    fn of(view: CommentView, proposal: i64) -> Self {
        Self {
            id: view.id,
            proposal,
            parent: view.parent_id,
            depth: view.depth,
            author: Author::of(view.author, &view.source),
            body_html: view.body_html,
            deleted: view.deleted,
            edited: view.edited,
            moderation: view.moderation,
            concealed: view.concealed,
            more_replies: view.more_replies,
            created_at: view.created_at,
        }
    }
}

/// A proposal's discussion, in thread order: each reply follows its parent.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Thread {
    pub proposal: i64,
    /// The comment whose replies this part gives (`?replies=`), first in `comments`.
    pub replies_to: Option<i64>,
    pub comments: Vec<Comment>,
    /// Pass as `after` (with the same `replies`) for the next part; `null` at the end.
    pub next_cursor: Option<String>,
}

impl Thread {
    pub fn of(proposal: i64, comments: Vec<CommentView>, page: ThreadPage) -> Self {
        Self {
            proposal,
            replies_to: page.replies_to,
            comments: comments
                .into_iter()
                .map(|view| Comment::of(view, proposal))
                .collect(),
            next_cursor: page
                .next
                .and_then(|next| next.after)
                .map(|after| after.to_string()),
        }
    }
}
