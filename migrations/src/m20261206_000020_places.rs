//! Places: the city's districts (imported from a GeoJSON file: key, name, boundary as
//! GeoJSON text, its bounding box for a quick first test, and the source with its licence)
//! and where a proposal is: a geometry (GeoJSON text, WGS84, longitude first), how precise
//! it is, its anchor position (the point a marker stands at) and the district the server
//! assigned. No PostGIS: the same columns work on SQLite and PostgreSQL.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Districts {
    Table,
    Id,
    Key,
    Name,
    Geometry,
    West,
    South,
    East,
    North,
    Source,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    ProcedureId,
    Geometry,
    PlacePrecision,
    Lon,
    Lat,
    DistrictId,
}

const INDEX: &str = "idx_proposals_district";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Districts::Table)
                    .col(big_pk_auto(Districts::Id))
                    .col(string_len_uniq(Districts::Key, 64))
                    .col(string_len(Districts::Name, 200))
                    .col(text(Districts::Geometry))
                    .col(double(Districts::West))
                    .col(double(Districts::South))
                    .col(double(Districts::East))
                    .col(double(Districts::North))
                    .col(string_len(Districts::Source, 500).default(""))
                    .col(timestamp_with_time_zone(Districts::CreatedAt))
                    .col(timestamp_with_time_zone(Districts::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite adds no more at a time.
        for column in [
            text_null(Proposals::Geometry),
            string_len_null(Proposals::PlacePrecision, 16),
            double_null(Proposals::Lon),
            double_null(Proposals::Lat),
            big_integer_null(Proposals::DistrictId),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Proposals::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Proposals::Table)
                    .col(Proposals::ProcedureId)
                    .col(Proposals::DistrictId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Proposals::Table).to_owned())
            .await?;
        for column in [
            Proposals::DistrictId,
            Proposals::Lat,
            Proposals::Lon,
            Proposals::PlacePrecision,
            Proposals::Geometry,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Proposals::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Districts::Table).to_owned())
            .await
    }
}
