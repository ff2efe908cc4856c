use sea_orm::entity::prelude::*;

/// One person's vote on one proposal: the primary key makes a second one impossible.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "votes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub proposal_id: i64,
    /// Denormalised from the proposal so the per-procedure cap is one indexed count.
    pub procedure_id: i64,
    /// 1 (support, or "up" under the rating rule) or -1 ("down").
    pub value: i16,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
