//! The map's reading order: a procedure's published, visible proposals by number with their
//! anchors. The clusters and the GeoJSON pages read exactly these columns (and walk them by
//! number), so with this index they never touch the proposals' rows, which carry the text:
//! reading the anchors of 30,000 proposals reads the index alone.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Proposals {
    Table,
    ProcedureId,
    Status,
    Visibility,
    Id,
    Lon,
    Lat,
}

const INDEX: &str = "idx_proposals_map";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Proposals::Table)
                    .col(Proposals::ProcedureId)
                    .col(Proposals::Status)
                    .col(Proposals::Visibility)
                    .col(Proposals::Id)
                    .col(Proposals::Lon)
                    .col(Proposals::Lat)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Proposals::Table).to_owned())
            .await
    }
}
