//! Planners' decisions on a budget's result: after voting has ended, a planner may fund a
//! project the count did not fund, or not fund one it did (or lift such a decision), each
//! with a public reason. Every decision is kept; the newest for a project applies. The
//! results and the ledger show them beside the computed result, which stays recomputable.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Budgets {
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
enum BudgetDecisions {
    Table,
    Id,
    BudgetId,
    ProjectId,
    Outcome,
    Reason,
    DecidedBy,
    DecidedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BudgetDecisions::Table)
                    .col(big_pk_auto(BudgetDecisions::Id))
                    .col(big_integer(BudgetDecisions::BudgetId))
                    .col(big_integer(BudgetDecisions::ProjectId))
                    .col(string_len(BudgetDecisions::Outcome, 16))
                    .col(text(BudgetDecisions::Reason))
                    .col(big_integer_null(BudgetDecisions::DecidedBy))
                    .col(timestamp_with_time_zone(BudgetDecisions::DecidedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budget_decisions_budget")
                            .from(BudgetDecisions::Table, BudgetDecisions::BudgetId)
                            .to(Budgets::Table, Budgets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budget_decisions_project")
                            .from(BudgetDecisions::Table, BudgetDecisions::ProjectId)
                            .to(BudgetProjects::Table, BudgetProjects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        // The decision stays public when the planner's account goes.
                        ForeignKey::create()
                            .name("fk_budget_decisions_user")
                            .from(BudgetDecisions::Table, BudgetDecisions::DecidedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_budget_decisions_budget")
                    .table(BudgetDecisions::Table)
                    .col(BudgetDecisions::BudgetId)
                    .col(BudgetDecisions::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BudgetDecisions::Table).to_owned())
            .await
    }
}
