//! How the implementation of what a participation produced goes on: for a proposal the
//! council adopted, or a budget's funded project, planners record dated entries, each with
//! a status (planned, in progress, done, dropped) and a public note. The newest entry's
//! status is the current one; every entry stays public.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Procedures {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum BudgetProjects {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ImplementationUpdates {
    Table,
    Id,
    ProcedureId,
    ProposalId,
    ProjectId,
    Status,
    Note,
    HappenedOn,
    RecordedBy,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ImplementationUpdates::Table)
                    .col(big_pk_auto(ImplementationUpdates::Id))
                    .col(big_integer(ImplementationUpdates::ProcedureId))
                    // Exactly one of the two: the service writes one, never both.
                    .col(big_integer_null(ImplementationUpdates::ProposalId))
                    .col(big_integer_null(ImplementationUpdates::ProjectId))
                    .col(string_len(ImplementationUpdates::Status, 16))
                    .col(text(ImplementationUpdates::Note))
                    .col(date(ImplementationUpdates::HappenedOn))
                    .col(big_integer_null(ImplementationUpdates::RecordedBy))
                    .col(timestamp_with_time_zone(ImplementationUpdates::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_implementation_updates_procedure")
                            .from(
                                ImplementationUpdates::Table,
                                ImplementationUpdates::ProcedureId,
                            )
                            .to(Procedures::Table, Procedures::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_implementation_updates_proposal")
                            .from(
                                ImplementationUpdates::Table,
                                ImplementationUpdates::ProposalId,
                            )
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_implementation_updates_project")
                            .from(
                                ImplementationUpdates::Table,
                                ImplementationUpdates::ProjectId,
                            )
                            .to(BudgetProjects::Table, BudgetProjects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        // The entry stays public when the planner's account goes.
                        ForeignKey::create()
                            .name("fk_implementation_updates_user")
                            .from(
                                ImplementationUpdates::Table,
                                ImplementationUpdates::RecordedBy,
                            )
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            (
                "ix_implementation_updates_proposal",
                ImplementationUpdates::ProposalId,
            ),
            (
                "ix_implementation_updates_project",
                ImplementationUpdates::ProjectId,
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(ImplementationUpdates::Table)
                        .col(column)
                        .col(ImplementationUpdates::Id)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ImplementationUpdates::Table).to_owned())
            .await
    }
}
