use sea_orm::entity::prelude::*;

/// A batch of paper ballots: entered by one person, confirmed by another before its
/// ballots count.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_paper_batches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub budget_id: i64,
    /// The batch's label on paper ("Urne Rathaus, Stapel 3").
    pub label: String,
    pub entered_by: Option<i64>,
    pub confirmed_by: Option<i64>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
