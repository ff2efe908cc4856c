use sea_orm::entity::prelude::*;

/// A procedure's area (see `service::district::area`): contributions outside it are refused.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "procedure_areas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub procedure_id: i64,
    /// A GeoJSON Polygon or MultiPolygon (WGS84, longitude first).
    pub geometry: String,
    /// What people read: the districts' names, or what the planner called a drawn area.
    pub label: String,
    /// Built from the city's districts (else taken from a file).
    pub from_districts: bool,
    /// The keys of the districts it covers, comma-separated: the chosen ones, or those a
    /// drawn area shares ground with.
    pub district_keys: String,
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
