use crate::model::moderation::{CaseStatus, TargetKind};
use sea_orm::entity::prelude::*;

/// An item that needs a moderator: held for review, reported, caught by the pre-screen or
/// objected to by its author. One row per item, reopened when it needs a moderator again.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "moderation_queue")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub target_kind: TargetKind,
    pub target_id: i64,
    pub procedure_id: i64,
    /// The proposal itself, or the one a comment belongs to.
    pub proposal_id: i64,
    pub author_id: i64,
    /// "open" or "closed".
    pub status: CaseStatus,
    /// Awaiting approval (pre-moderation).
    pub pending: bool,
    /// The pre-screen rule the text matched.
    pub screen_rule: Option<String>,
    /// Open reports.
    pub report_count: i32,
    /// The author's objection to a decision.
    pub objection: Option<String>,
    pub opened_at: DateTimeUtc,
    pub claimed_by: Option<i64>,
    pub claimed_until: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
