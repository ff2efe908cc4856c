use crate::model::procedure::PhaseKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "phases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub procedure_id: i64,
    /// One of `PhaseKind::as_str()`.
    pub kind: PhaseKind,
    pub position: i32,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::procedure::Entity",
        from = "Column::ProcedureId",
        to = "super::procedure::Column::Id",
        on_delete = "Cascade"
    )]
    Procedure,
}

impl Related<super::procedure::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Procedure.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
