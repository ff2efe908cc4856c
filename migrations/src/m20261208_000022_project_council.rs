//! The council's outcome per budget project, as `council_decisions` holds it per proposal:
//! at most one each, entered by planners or read from the council information system;
//! removed with the project or its budget.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum BudgetProjectCouncilDecisions {
    Table,
    ProjectId,
    BudgetId,
    Outcome,
    Justification,
    MeetingDate,
    Source,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum BudgetProjects {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Budgets {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let t = BudgetProjectCouncilDecisions::Table;
        manager
            .create_table(
                Table::create()
                    .table(t)
                    .col(big_integer(BudgetProjectCouncilDecisions::ProjectId).primary_key())
                    .col(big_integer(BudgetProjectCouncilDecisions::BudgetId))
                    .col(string_len(BudgetProjectCouncilDecisions::Outcome, 24))
                    .col(text(BudgetProjectCouncilDecisions::Justification))
                    .col(date_null(BudgetProjectCouncilDecisions::MeetingDate))
                    .col(string_len(BudgetProjectCouncilDecisions::Source, 16))
                    .col(big_integer_null(BudgetProjectCouncilDecisions::RecordedBy))
                    .col(timestamp_with_time_zone(
                        BudgetProjectCouncilDecisions::RecordedAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_project_council_project")
                            .from(t, BudgetProjectCouncilDecisions::ProjectId)
                            .to(BudgetProjects::Table, BudgetProjects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_project_council_budget")
                            .from(t, BudgetProjectCouncilDecisions::BudgetId)
                            .to(Budgets::Table, Budgets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_project_council_user")
                            .from(t, BudgetProjectCouncilDecisions::RecordedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_project_council_budget")
                    .table(t)
                    .col(BudgetProjectCouncilDecisions::BudgetId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(BudgetProjectCouncilDecisions::Table)
                    .to_owned(),
            )
            .await
    }
}
