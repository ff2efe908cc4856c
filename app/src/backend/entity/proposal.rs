use crate::formats::proposals::model::{Origin, ProposalStatus};
use crate::model::moderation::{ModerationReason, Visibility};
use crate::model::place::Precision;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "proposals")]
pub struct Model {
    /// Also the proposal's public number: "Vorschlag #123", `/vorschlaege/123`.
    #[sea_orm(primary_key)]
    pub id: i64,
    pub procedure_id: i64,
    pub author_id: i64,
    pub title: String,
    /// Markdown, rendered only through `sanitize`.
    pub body: String,
    pub category: Option<String>,
    pub location: Option<String>,
    /// "online", or "onsite" for a contribution a planner entered from an event.
    pub source: Origin,
    pub event_name: Option<String>,
    /// "published" or "withdrawn".
    pub status: ProposalStatus,
    pub withdrawal_note: Option<String>,
    /// Counters kept in the same transaction as the rows they count.
    pub support_count: i32,
    pub up_count: i32,
    pub down_count: i32,
    /// `up_count - down_count`, a column of its own so the listing can sort by index.
    pub score: i32,
    pub comment_count: i32,
    /// When the first vote or comment arrived; from then on the author can only withdraw.
    pub engaged_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// "visible", "pending" (awaiting review), "held" (after reports) or "hidden".
    pub visibility: Visibility,
    /// The public reason's code while hidden (a `ModerationReason`), and its free text.
    pub hidden_reason: Option<ModerationReason>,
    pub hidden_note: Option<String>,
    /// When a moderator last changed its visibility.
    pub moderated_at: Option<DateTimeUtc>,
    /// When a moderator edited personal data out of it (shown on the item).
    pub redacted_at: Option<DateTimeUtc>,
    /// A locked discussion takes no new comments.
    pub locked_at: Option<DateTimeUtc>,
    /// The key of the form that wrote it: a repeated post with the same key is the same
    /// proposal.
    pub idempotency_key: Option<String>,
    /// A duplicate merged into another proposal (status "merged"): that proposal's number.
    pub merged_into_id: Option<i64>,
    pub merged_at: Option<DateTimeUtc>,
    /// Where it is: a GeoJSON geometry (WGS84, longitude first), see `model::place`.
    pub geometry: Option<String>,
    pub place_precision: Option<Precision>,
    /// The geometry's anchor: where its marker stands.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// The district the server assigned from the geometry, or the one the author chose.
    pub district_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
