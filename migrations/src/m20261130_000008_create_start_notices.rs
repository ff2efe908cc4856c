//! "Tell me when it starts": a person asks to be mailed when an upcoming procedure opens.
//! One row per person and procedure; `notified_at` is set in the transaction that writes
//! the mail, so nobody is told twice, whichever instance does it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StartNotices {
    Table,
    UserId,
    ProcedureId,
    CreatedAt,
    NotifiedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
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
                    .table(StartNotices::Table)
                    .col(big_integer(StartNotices::UserId))
                    .col(big_integer(StartNotices::ProcedureId))
                    .col(timestamp_with_time_zone(StartNotices::CreatedAt))
                    .col(timestamp_with_time_zone_null(StartNotices::NotifiedAt))
                    .primary_key(
                        Index::create()
                            .col(StartNotices::UserId)
                            .col(StartNotices::ProcedureId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(StartNotices::Table, StartNotices::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(StartNotices::Table, StartNotices::ProcedureId)
                            .to(Procedures::Table, Procedures::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The worker's question: which notices of started procedures are still due.
        manager
            .create_index(
                Index::create()
                    .name("ix_start_notices_due")
                    .table(StartNotices::Table)
                    .col(StartNotices::ProcedureId)
                    .col(StartNotices::NotifiedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StartNotices::Table).to_owned())
            .await
    }
}
