use crate::formats::budget::model::{BallotStatus, Channel};
use sea_orm::entity::prelude::*;

/// One ballot of a budget: a resident's (one per person, a draft until submitted) or a
/// paper ballot entered by staff.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_ballots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub budget_id: i64,
    /// None for paper ballots and for deleted accounts.
    pub user_id: Option<i64>,
    pub channel: Channel,
    /// The paper batch it was entered in.
    pub batch_id: Option<i64>,
    pub status: BallotStatus,
    pub submitted_at: Option<DateTimeUtc>,
    /// When its holder was reminded that the draft does not count yet.
    pub reminded_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
