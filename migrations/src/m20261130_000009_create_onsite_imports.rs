//! A batch of on-site contributions uploaded as CSV, kept between its preview and its
//! import: the planner sees every row checked before anything is written, and the import
//! itself reads the stored text again (nothing from the browser is trusted twice).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OnsiteImports {
    Table,
    Id,
    ProcedureId,
    PlannerId,
    EventName,
    Source,
    CreatedAt,
    ImportedAt,
    ImportedCount,
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
                    .table(OnsiteImports::Table)
                    .col(big_pk_auto(OnsiteImports::Id))
                    .col(big_integer(OnsiteImports::ProcedureId))
                    .col(big_integer(OnsiteImports::PlannerId))
                    .col(string_len(OnsiteImports::EventName, 200))
                    .col(text(OnsiteImports::Source))
                    .col(timestamp_with_time_zone(OnsiteImports::CreatedAt))
                    .col(timestamp_with_time_zone_null(OnsiteImports::ImportedAt))
                    .col(integer_null(OnsiteImports::ImportedCount))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OnsiteImports::Table, OnsiteImports::PlannerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OnsiteImports::Table, OnsiteImports::ProcedureId)
                            .to(Procedures::Table, Procedures::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Staging a batch clears drafts that were never imported, by age.
        manager
            .create_index(
                Index::create()
                    .name("ix_onsite_imports_created")
                    .table(OnsiteImports::Table)
                    .col(OnsiteImports::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OnsiteImports::Table).to_owned())
            .await
    }
}
