use sea_orm::entity::prelude::*;

/// A project chosen on a ballot, with its points (1 unless the rule is cumulative).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_ballot_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ballot_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: i64,
    pub points: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
