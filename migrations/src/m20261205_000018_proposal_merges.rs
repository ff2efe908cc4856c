//! Duplicate proposals merged into one: the merged proposal stays readable under its own
//! number and points to the one it was merged into (`merged_into_id`, with the time). Its
//! votes moved there, counted once per person; the kept proposal finds the ones merged into
//! it by the index.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Proposals {
    Table,
    MergedIntoId,
    MergedAt,
}

const INDEX: &str = "idx_proposals_merged_into";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds no more at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Proposals::Table)
                    .add_column(big_integer_null(Proposals::MergedIntoId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Proposals::Table)
                    .add_column(timestamp_with_time_zone_null(Proposals::MergedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Proposals::Table)
                    .col(Proposals::MergedIntoId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Proposals::Table).to_owned())
            .await?;
        for column in [Proposals::MergedAt, Proposals::MergedIntoId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Proposals::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
