use crate::model::results::{CouncilOutcome, DecisionSource};
use sea_orm::entity::prelude::*;

/// What the city council decided about one proposal (at most one decision each).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "council_decisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub proposal_id: i64,
    pub procedure_id: i64,
    /// A `CouncilOutcome` code.
    pub outcome: CouncilOutcome,
    /// The council's reasoning as the planner recorded it (plain text).
    pub justification: String,
    pub meeting_date: Option<Date>,
    /// "manual", or "oparl" when read from the council information system.
    pub source: DecisionSource,
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
