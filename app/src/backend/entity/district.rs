use sea_orm::entity::prelude::*;

/// A district of the city, imported from a GeoJSON file (see `service::district`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "districts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The official key (a district number); unique, and what a re-import matches by.
    pub key: String,
    pub name: String,
    /// The boundary: a GeoJSON Polygon or MultiPolygon (WGS84, longitude first).
    pub geometry: String,
    /// The bounding box, for the quick first test before point-in-polygon.
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
    /// Where the boundaries come from and under which licence.
    pub source: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
