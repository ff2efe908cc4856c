use crate::formats::proposals::opinion::Verdict;
use sea_orm::entity::prelude::*;

/// The administration's opinion on a proposal (one per proposal): asked for with a unit
/// and a due date, answered with a verdict and the text.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "expert_opinions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub proposal_id: i64,
    pub procedure_id: i64,
    /// The unit asked ("Tiefbauamt").
    pub unit: String,
    pub due_on: Date,
    /// None once the planner's account is deleted.
    pub requested_by: Option<i64>,
    pub requested_at: DateTimeUtc,
    /// Set with the answer, as is the text.
    pub verdict: Option<Verdict>,
    pub opinion: Option<String>,
    pub answered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
