use crate::formats::budget::model::DecisionOutcome;
use sea_orm::entity::prelude::*;

/// A planner's decision on a budget's result, with its public reason; the newest for a
/// project applies.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_decisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub budget_id: i64,
    pub project_id: i64,
    pub outcome: DecisionOutcome,
    pub reason: String,
    /// None once the planner's account is deleted.
    pub decided_by: Option<i64>,
    pub decided_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
