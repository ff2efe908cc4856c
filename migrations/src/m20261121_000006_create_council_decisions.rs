//! Results: the council paper a procedure's results went to (an OParl `Paper`: its URL,
//! reference number and title), the council's outcome per proposal, whether an author
//! lets their display name appear in results and exports (otherwise a pseudonym does), and
//! a votes index that leads with the procedure, so results count a procedure's votes
//! without reading every vote of the instance.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Procedures {
    Table,
    Id,
    CouncilPaperUrl,
    CouncilReference,
    CouncilTitle,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    PublicName,
}

#[derive(DeriveIden)]
enum Votes {
    Table,
    ProcedureId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CouncilDecisions {
    Table,
    ProposalId,
    ProcedureId,
    Outcome,
    Justification,
    MeetingDate,
    Source,
    RecordedBy,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for mut column in [
            string_len_null(Procedures::CouncilPaperUrl, 500),
            string_len_null(Procedures::CouncilReference, 100),
            string_len_null(Procedures::CouncilTitle, 300),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Procedures::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(boolean(Users::PublicName).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CouncilDecisions::Table)
                    .col(big_integer(CouncilDecisions::ProposalId).primary_key())
                    .col(big_integer(CouncilDecisions::ProcedureId))
                    .col(string_len(CouncilDecisions::Outcome, 24))
                    .col(text(CouncilDecisions::Justification))
                    .col(date_null(CouncilDecisions::MeetingDate))
                    .col(string_len(CouncilDecisions::Source, 16))
                    .col(big_integer_null(CouncilDecisions::RecordedBy))
                    .col(timestamp_with_time_zone(CouncilDecisions::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_council_decisions_proposal")
                            .from(CouncilDecisions::Table, CouncilDecisions::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_council_decisions_procedure")
                            .from(CouncilDecisions::Table, CouncilDecisions::ProcedureId)
                            .to(Procedures::Table, Procedures::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_council_decisions_user")
                            .from(CouncilDecisions::Table, CouncilDecisions::RecordedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // Covers the vote cap's count (procedure, person) as the index it replaces did, and
        // the results' counts, distinct voters and votes per day.
        manager
            .create_index(
                Index::create()
                    .name("ix_votes_procedure")
                    .table(Votes::Table)
                    .col(Votes::ProcedureId)
                    .col(Votes::UserId)
                    .col(Votes::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_votes_user_procedure")
                    .table(Votes::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_council_decisions_procedure")
                    .table(CouncilDecisions::Table)
                    .col(CouncilDecisions::ProcedureId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ix_votes_user_procedure")
                    .table(Votes::Table)
                    .col(Votes::UserId)
                    .col(Votes::ProcedureId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_votes_procedure")
                    .table(Votes::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(CouncilDecisions::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::PublicName)
                    .to_owned(),
            )
            .await?;
        for column in [
            Procedures::CouncilTitle,
            Procedures::CouncilReference,
            Procedures::CouncilPaperUrl,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Procedures::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
