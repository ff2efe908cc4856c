use sea_orm::entity::prelude::*;

/// Where the city's address list comes from: one row, id 1, written by each import.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "address_lists")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    /// Origin and licence of the list.
    pub source: String,
    /// Addresses imported.
    pub addresses: i64,
    pub imported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
