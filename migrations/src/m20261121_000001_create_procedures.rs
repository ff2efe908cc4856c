use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Procedures {
    Table,
    Id,
    Slug,
    Title,
    Summary,
    Description,
    Department,
    Contact,
    VoteRule,
    VoteCap,
    Moderation,
    Status,
    StartsAt,
    EndsAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Phases {
    Table,
    Id,
    ProcedureId,
    Kind,
    Position,
    StartsAt,
    EndsAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Procedures::Table)
                    .col(big_pk_auto(Procedures::Id))
                    .col(string_len_uniq(Procedures::Slug, 80))
                    .col(string_len(Procedures::Title, 200))
                    .col(text(Procedures::Summary))
                    .col(text(Procedures::Description))
                    .col(string_len(Procedures::Department, 200))
                    .col(text(Procedures::Contact))
                    .col(string_len(Procedures::VoteRule, 16))
                    .col(integer_null(Procedures::VoteCap))
                    .col(string_len(Procedures::Moderation, 8))
                    .col(string_len(Procedures::Status, 16))
                    .col(timestamp_with_time_zone(Procedures::StartsAt))
                    .col(timestamp_with_time_zone(Procedures::EndsAt))
                    .col(timestamp_with_time_zone(Procedures::CreatedAt))
                    .col(timestamp_with_time_zone(Procedures::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // The public listing filters published procedures by their schedule.
        manager
            .create_index(
                Index::create()
                    .name("ix_procedures_status_schedule")
                    .table(Procedures::Table)
                    .col(Procedures::Status)
                    .col(Procedures::EndsAt)
                    .col(Procedures::StartsAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Phases::Table)
                    .col(big_pk_auto(Phases::Id))
                    .col(big_integer(Phases::ProcedureId))
                    .col(string_len(Phases::Kind, 16))
                    .col(integer(Phases::Position))
                    .col(timestamp_with_time_zone(Phases::StartsAt))
                    .col(timestamp_with_time_zone(Phases::EndsAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_phases_procedure")
                            .from(Phases::Table, Phases::ProcedureId)
                            .to(Procedures::Table, Procedures::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_phases_procedure_position")
                    .table(Phases::Table)
                    .col(Phases::ProcedureId)
                    .col(Phases::Position)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Phases::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Procedures::Table).to_owned())
            .await
    }
}
