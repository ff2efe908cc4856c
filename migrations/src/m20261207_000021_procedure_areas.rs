//! A procedure's area: the part of the city it is about, as a GeoJSON (Multi)Polygon
//! (WGS84, longitude first) with its bounding box, a label people read ("Nordstadt,
//! Oststadt"), whether planners built it from districts, and the keys of the districts it
//! covers (the chosen ones, or those a drawn area shares ground with). A contribution placed outside it is refused. One row per procedure at most;
//! removed with the procedure.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProcedureAreas {
    Table,
    ProcedureId,
    Geometry,
    Label,
    FromDistricts,
    DistrictKeys,
    West,
    South,
    East,
    North,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Procedures {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProcedureAreas::Table)
                    .col(big_integer(ProcedureAreas::ProcedureId).primary_key())
                    .col(text(ProcedureAreas::Geometry))
                    .col(string_len(ProcedureAreas::Label, 500))
                    .col(boolean(ProcedureAreas::FromDistricts).default(false))
                    .col(text(ProcedureAreas::DistrictKeys))
                    .col(double(ProcedureAreas::West))
                    .col(double(ProcedureAreas::South))
                    .col(double(ProcedureAreas::East))
                    .col(double(ProcedureAreas::North))
                    .col(timestamp_with_time_zone(ProcedureAreas::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProcedureAreas::Table, ProcedureAreas::ProcedureId)
                            .to(Procedures::Table, Procedures::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ProcedureAreas::Table).to_owned())
            .await
    }
}
