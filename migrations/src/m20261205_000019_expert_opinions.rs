//! Expert opinions ("Stellungnahmen der Fachverwaltung"): in a consultative Bürgerhaushalt
//! the administration gives its opinion on the proposals the procedure selects, before the
//! council decides. Planners ask a unit for it with a due date; the answer (a verdict and the
//! text) is public on the proposal and in the council report.
//! One opinion per proposal.

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
enum ExpertOpinions {
    Table,
    ProposalId,
    ProcedureId,
    Unit,
    DueOn,
    RequestedBy,
    RequestedAt,
    Verdict,
    Opinion,
    AnsweredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ExpertOpinions::Table)
                    .col(big_integer(ExpertOpinions::ProposalId).primary_key())
                    .col(big_integer(ExpertOpinions::ProcedureId))
                    .col(string_len(ExpertOpinions::Unit, 200))
                    .col(date(ExpertOpinions::DueOn))
                    .col(big_integer_null(ExpertOpinions::RequestedBy))
                    .col(timestamp_with_time_zone(ExpertOpinions::RequestedAt))
                    .col(string_len_null(ExpertOpinions::Verdict, 24))
                    .col(text_null(ExpertOpinions::Opinion))
                    .col(timestamp_with_time_zone_null(ExpertOpinions::AnsweredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_expert_opinions_proposal")
                            .from(ExpertOpinions::Table, ExpertOpinions::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_expert_opinions_procedure")
                            .from(ExpertOpinions::Table, ExpertOpinions::ProcedureId)
                            .to(Procedures::Table, Procedures::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        // The opinion stays public when the planner's account goes.
                        ForeignKey::create()
                            .name("fk_expert_opinions_user")
                            .from(ExpertOpinions::Table, ExpertOpinions::RequestedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // The planners' list: a procedure's opinions by due date.
        manager
            .create_index(
                Index::create()
                    .name("ix_expert_opinions_procedure_due")
                    .table(ExpertOpinions::Table)
                    .col(ExpertOpinions::ProcedureId)
                    .col(ExpertOpinions::DueOn)
                    .col(ExpertOpinions::ProposalId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ExpertOpinions::Table).to_owned())
            .await
    }
}
