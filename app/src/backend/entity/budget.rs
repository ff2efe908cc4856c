use crate::formats::budget::model::{BallotRuleKind, ResultMethod};
use sea_orm::entity::prelude::*;

/// A participatory budget of a procedure: its money, ballot rule and result method.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "budgets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub procedure_id: i64,
    pub title: String,
    /// The district the budget is for; none for a city-wide budget.
    pub district: Option<String>,
    pub total_cents: i64,
    pub rule: BallotRuleKind,
    /// Approval and knapsack: the fewest and most projects a ballot may hold.
    pub min_projects: Option<i32>,
    pub max_projects: Option<i32>,
    /// Knapsack: the least share of the total a ballot must spend.
    pub min_spend_percent: Option<i32>,
    /// Cumulative: the points each person distributes, and the most on one project.
    pub points: Option<i32>,
    pub max_points_per_project: Option<i32>,
    pub method: ResultMethod,
    /// Published before voting ends; breaks ties that cost does not (`results::lottery`).
    pub tie_seed: String,
    /// Days before voting ends that holders of a draft are reminded (0: never).
    pub reminder_days: i32,
    /// A resident votes in one district: this budget refuses a ballot from someone holding
    /// one in another budget of the procedure marked so.
    pub one_district: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
