use sea_orm::entity::prelude::*;

/// A CSV batch of on-site contributions between its preview and its import.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "onsite_imports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub procedure_id: i64,
    /// The planner who uploaded it: only they see and import it.
    pub planner_id: i64,
    pub event_name: String,
    /// The uploaded text, decoded to UTF-8.
    pub source: String,
    pub created_at: DateTimeUtc,
    /// Set in the transaction that wrote its proposals: a second import changes nothing.
    pub imported_at: Option<DateTimeUtc>,
    pub imported_count: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
