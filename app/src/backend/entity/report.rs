use crate::model::moderation::{CaseStatus, ModerationReason, TargetKind};
use sea_orm::entity::prelude::*;

/// A resident's report of a proposal or comment, with a copy of the text as it was.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// "proposal" or "comment".
    pub target_kind: TargetKind,
    pub target_id: i64,
    pub procedure_id: i64,
    pub reporter_id: i64,
    /// A `ModerationReason` code.
    pub reason: ModerationReason,
    pub note: String,
    pub snapshot: String,
    /// "open" until a moderator decides on the item, then "closed".
    pub status: CaseStatus,
    pub created_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
