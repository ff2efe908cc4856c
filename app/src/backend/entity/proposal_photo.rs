use sea_orm::entity::prelude::*;

/// A photo on a proposal, in three sizes (each a file in the data directory's `media/`,
/// `<sha256>.jpg`). Removed with its author's account; hidden by a moderator's redaction.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_photos")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub proposal_id: i64,
    pub author_id: i64,
    /// The text alternative, required.
    pub alt: String,
    /// The page size's pixels (the other sizes keep its proportions).
    pub width: i32,
    pub height: i32,
    pub list_file: String,
    pub page_file: String,
    pub print_file: String,
    pub hidden_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
