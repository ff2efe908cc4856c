use sea_orm::entity::prelude::*;

/// A notification waiting for its recipient's daily digest.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "digest_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub proposal_id: i64,
    /// "comment", "reply" or "status".
    pub kind: DigestKind,
    /// One line, already in the recipient's language.
    pub summary: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

crate::model::string_enum! {
    /// What a digest line reports.
    pub enum DigestKind {
        Comment = "comment",
        Reply = "reply",
        Status = "status",
    }
}
