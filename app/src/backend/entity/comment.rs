use crate::formats::proposals::model::{CommentStatus, Origin};
use crate::model::moderation::{ModerationReason, Visibility};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub proposal_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    /// Markdown; emptied when the author deletes the comment (the placeholder stays).
    pub body: String,
    /// 0 for a comment on the proposal, parent's depth + 1 for a reply.
    pub depth: i32,
    pub source: Origin,
    pub event_name: Option<String>,
    /// "published" or "deleted".
    pub status: CommentStatus,
    pub created_at: DateTimeUtc,
    pub edited_at: Option<DateTimeUtc>,
    pub deleted_at: Option<DateTimeUtc>,
    /// "visible", "pending" (awaiting review), "held" (after reports) or "hidden".
    pub visibility: Visibility,
    pub hidden_reason: Option<ModerationReason>,
    pub hidden_note: Option<String>,
    pub moderated_at: Option<DateTimeUtc>,
    pub redacted_at: Option<DateTimeUtc>,
    /// The key of the form that wrote it: a repeated post with the same key is the same comment.
    pub idempotency_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
