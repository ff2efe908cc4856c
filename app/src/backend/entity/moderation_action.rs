use crate::model::moderation::{LedgerTarget, ModerationActionKind, ModerationReason};
use sea_orm::entity::prelude::*;

/// One moderation decision: the public ledger. `moderator_id` and `internal_note` never
/// leave the moderators' pages.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "moderation_actions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub procedure_id: Option<i64>,
    /// "proposal", "comment" or "user" (lifting a block).
    pub target_kind: LedgerTarget,
    pub target_id: i64,
    pub proposal_id: Option<i64>,
    /// A `ModerationActionKind` code.
    pub action: ModerationActionKind,
    pub reason_code: Option<ModerationReason>,
    pub public_reason: String,
    pub internal_note: Option<String>,
    pub moderator_id: i64,
    pub block_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
