use crate::formats::budget::model::Feasibility;
use sea_orm::entity::prelude::*;

/// A project of a budget: what it costs, whether the administration finds it feasible, and
/// whether it is on the ballot.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_projects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub budget_id: i64,
    /// The proposal it was promoted from, if any.
    pub proposal_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub cost_cents: i64,
    pub district: Option<String>,
    pub feasibility: Feasibility,
    /// The public statement of the responsible department ("Stellungnahme").
    pub feasibility_reason: String,
    /// Chosen by the planners for the ballot (with `feasible`, it is on the ballot).
    pub selected: bool,
    pub responsible_unit: String,
    /// Taken off the ballot after voting started; its votes no longer count.
    pub withdrawn_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
