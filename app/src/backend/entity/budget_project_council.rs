use crate::model::results::{CouncilOutcome, DecisionSource};
use sea_orm::entity::prelude::*;

/// What the city council decided about one budget project (at most one decision each), as
/// `council_decision` holds it for a proposal.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_project_council_decisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: i64,
    pub budget_id: i64,
    pub outcome: CouncilOutcome,
    /// The council's reasoning as the planner recorded it (plain text).
    pub justification: String,
    pub meeting_date: Option<Date>,
    pub source: DecisionSource,
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
