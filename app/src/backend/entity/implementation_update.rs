use crate::model::implementation::ImplementationStatus;
use sea_orm::entity::prelude::*;

/// One entry of the implementation of an adopted proposal or a funded budget project
/// (exactly one of the two is set).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "implementation_updates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub procedure_id: i64,
    pub proposal_id: Option<i64>,
    pub project_id: Option<i64>,
    pub status: ImplementationStatus,
    pub note: String,
    pub happened_on: Date,
    /// None once the planner's account is deleted.
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTimeUtc,
    /// An optional photo: its file in the data directory's `media/` (`<sha256>.<ext>`),
    /// its text alternative (required with a photo) and its size as displayed.
    pub photo_file: Option<String>,
    pub photo_alt: String,
    pub photo_width: Option<i32>,
    pub photo_height: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
