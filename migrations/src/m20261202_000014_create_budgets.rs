//! The participatory budget: budgets of a procedure (one, or one per district), the projects
//! on their ballots (with the ones each excludes), and the residents' ballots with their
//! choices. A ballot is a draft until it is submitted; one per person and budget. Paper
//! ballots have no account: staff enter them in batches, which count once a second person
//! has confirmed them. A draft's holder is
//! reminded once, `reminder_days` before voting ends.

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
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Budgets {
    Table,
    Id,
    ProcedureId,
    Title,
    District,
    TotalCents,
    Rule,
    MinProjects,
    MaxProjects,
    MinSpendPercent,
    Points,
    MaxPointsPerProject,
    Method,
    TieSeed,
    ReminderDays,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BudgetProjects {
    Table,
    Id,
    BudgetId,
    ProposalId,
    Title,
    Description,
    CostCents,
    District,
    Feasibility,
    FeasibilityReason,
    Selected,
    ResponsibleUnit,
    WithdrawnAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BudgetProjectExclusions {
    Table,
    ProjectId,
    ExcludedId,
}

#[derive(DeriveIden)]
enum BudgetPaperBatches {
    Table,
    Id,
    BudgetId,
    Label,
    EnteredBy,
    ConfirmedBy,
    ConfirmedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BudgetBallots {
    Table,
    Id,
    BudgetId,
    UserId,
    Channel,
    BatchId,
    Status,
    SubmittedAt,
    RemindedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BudgetBallotItems {
    Table,
    BallotId,
    ProjectId,
    Points,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Budgets::Table)
                    .col(big_pk_auto(Budgets::Id))
                    .col(big_integer(Budgets::ProcedureId))
                    .col(string_len(Budgets::Title, 200))
                    .col(string_len_null(Budgets::District, 100))
                    .col(big_integer(Budgets::TotalCents))
                    .col(string_len(Budgets::Rule, 16))
                    .col(integer_null(Budgets::MinProjects))
                    .col(integer_null(Budgets::MaxProjects))
                    .col(integer_null(Budgets::MinSpendPercent))
                    .col(integer_null(Budgets::Points))
                    .col(integer_null(Budgets::MaxPointsPerProject))
                    .col(string_len(Budgets::Method, 16))
                    .col(string_len(Budgets::TieSeed, 64))
                    .col(integer(Budgets::ReminderDays).default(3))
                    .col(timestamp_with_time_zone(Budgets::CreatedAt))
                    .col(timestamp_with_time_zone(Budgets::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budgets_procedure")
                            .from(Budgets::Table, Budgets::ProcedureId)
                            .to(Procedures::Table, Procedures::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_budgets_procedure")
                    .table(Budgets::Table)
                    .col(Budgets::ProcedureId)
                    .col(Budgets::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BudgetProjects::Table)
                    .col(big_pk_auto(BudgetProjects::Id))
                    .col(big_integer(BudgetProjects::BudgetId))
                    .col(big_integer_null(BudgetProjects::ProposalId))
                    .col(string_len(BudgetProjects::Title, 200))
                    .col(text(BudgetProjects::Description))
                    .col(big_integer(BudgetProjects::CostCents))
                    .col(string_len_null(BudgetProjects::District, 100))
                    .col(string_len(BudgetProjects::Feasibility, 16))
                    .col(text(BudgetProjects::FeasibilityReason))
                    .col(boolean(BudgetProjects::Selected))
                    .col(string_len(BudgetProjects::ResponsibleUnit, 200))
                    .col(timestamp_with_time_zone_null(BudgetProjects::WithdrawnAt))
                    .col(timestamp_with_time_zone(BudgetProjects::CreatedAt))
                    .col(timestamp_with_time_zone(BudgetProjects::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budget_projects_budget")
                            .from(BudgetProjects::Table, BudgetProjects::BudgetId)
                            .to(Budgets::Table, Budgets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budget_projects_proposal")
                            .from(BudgetProjects::Table, BudgetProjects::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_budget_projects_budget")
                    .table(BudgetProjects::Table)
                    .col(BudgetProjects::BudgetId)
                    .col(BudgetProjects::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BudgetProjectExclusions::Table)
                    .col(big_integer(BudgetProjectExclusions::ProjectId))
                    .col(big_integer(BudgetProjectExclusions::ExcludedId))
                    .primary_key(
                        Index::create()
                            .col(BudgetProjectExclusions::ProjectId)
                            .col(BudgetProjectExclusions::ExcludedId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budget_exclusions_project")
                            .from(
                                BudgetProjectExclusions::Table,
                                BudgetProjectExclusions::ProjectId,
                            )
                            .to(BudgetProjects::Table, BudgetProjects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budget_exclusions_excluded")
                            .from(
                                BudgetProjectExclusions::Table,
                                BudgetProjectExclusions::ExcludedId,
                            )
                            .to(BudgetProjects::Table, BudgetProjects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Paper ballots come in batches: one person enters them, another confirms the batch
        // before its ballots count.
        manager
            .create_table(
                Table::create()
                    .table(BudgetPaperBatches::Table)
                    .col(big_pk_auto(BudgetPaperBatches::Id))
                    .col(big_integer(BudgetPaperBatches::BudgetId))
                    .col(string_len(BudgetPaperBatches::Label, 100))
                    .col(big_integer_null(BudgetPaperBatches::EnteredBy))
                    .col(big_integer_null(BudgetPaperBatches::ConfirmedBy))
                    .col(timestamp_with_time_zone_null(
                        BudgetPaperBatches::ConfirmedAt,
                    ))
                    .col(timestamp_with_time_zone(BudgetPaperBatches::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budget_batches_budget")
                            .from(BudgetPaperBatches::Table, BudgetPaperBatches::BudgetId)
                            .to(Budgets::Table, Budgets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budget_batches_entered_by")
                            .from(BudgetPaperBatches::Table, BudgetPaperBatches::EnteredBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budget_batches_confirmed_by")
                            .from(BudgetPaperBatches::Table, BudgetPaperBatches::ConfirmedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BudgetBallots::Table)
                    .col(big_pk_auto(BudgetBallots::Id))
                    .col(big_integer(BudgetBallots::BudgetId))
                    .col(big_integer_null(BudgetBallots::UserId))
                    .col(string_len(BudgetBallots::Channel, 16))
                    .col(big_integer_null(BudgetBallots::BatchId))
                    .col(string_len(BudgetBallots::Status, 16))
                    .col(timestamp_with_time_zone_null(BudgetBallots::SubmittedAt))
                    .col(timestamp_with_time_zone_null(BudgetBallots::RemindedAt))
                    .col(timestamp_with_time_zone(BudgetBallots::CreatedAt))
                    .col(timestamp_with_time_zone(BudgetBallots::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budget_ballots_budget")
                            .from(BudgetBallots::Table, BudgetBallots::BudgetId)
                            .to(Budgets::Table, Budgets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budget_ballots_batch")
                            .from(BudgetBallots::Table, BudgetBallots::BatchId)
                            .to(BudgetPaperBatches::Table, BudgetPaperBatches::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        // A deleted account's submitted ballot still counts, without a name.
                        ForeignKey::create()
                            .name("fk_budget_ballots_user")
                            .from(BudgetBallots::Table, BudgetBallots::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // One ballot per person and budget, under any concurrency (paper ballots, without
        // an account, are not bound by it: NULLs are distinct).
        manager
            .create_index(
                Index::create()
                    .name("ux_budget_ballots_person")
                    .table(BudgetBallots::Table)
                    .col(BudgetBallots::BudgetId)
                    .col(BudgetBallots::UserId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The results read a budget's submitted ballots in id order.
        manager
            .create_index(
                Index::create()
                    .name("ix_budget_ballots_status")
                    .table(BudgetBallots::Table)
                    .col(BudgetBallots::BudgetId)
                    .col(BudgetBallots::Status)
                    .col(BudgetBallots::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BudgetBallotItems::Table)
                    .col(big_integer(BudgetBallotItems::BallotId))
                    .col(big_integer(BudgetBallotItems::ProjectId))
                    .col(integer(BudgetBallotItems::Points))
                    .primary_key(
                        Index::create()
                            .col(BudgetBallotItems::BallotId)
                            .col(BudgetBallotItems::ProjectId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budget_ballot_items_ballot")
                            .from(BudgetBallotItems::Table, BudgetBallotItems::BallotId)
                            .to(BudgetBallots::Table, BudgetBallots::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_budget_ballot_items_project")
                            .from(BudgetBallotItems::Table, BudgetBallotItems::ProjectId)
                            .to(BudgetProjects::Table, BudgetProjects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A withdrawn project's ballots are found through it.
        manager
            .create_index(
                Index::create()
                    .name("ix_budget_ballot_items_project")
                    .table(BudgetBallotItems::Table)
                    .col(BudgetBallotItems::ProjectId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BudgetBallotItems::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(BudgetBallots::Table).to_owned())
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(BudgetProjectExclusions::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(BudgetProjects::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Budgets::Table).to_owned())
            .await?;
        Ok(())
    }
}
