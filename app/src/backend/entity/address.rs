use sea_orm::entity::prelude::*;

/// An address of the city's list (see `service::address`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "addresses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// As the list writes it: "Parkstraße".
    pub street: String,
    /// "12a"; empty where the list has a street without numbers.
    pub house_number: String,
    pub postcode: String,
    /// The street as compared (`model::address::street_key`).
    pub street_key: String,
    /// The number as compared (`model::address::number_key`).
    pub number_key: String,
    /// WGS84 degrees.
    pub lon: f64,
    pub lat: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
