//! Photos on proposals: up to three per proposal, each re-encoded on the server into three
//! sizes (list, page, print), every size a file in the data directory's `media/` named by
//! its content's SHA-256. A photo carries its text alternative, its author (so it leaves
//! with the account) and, once a moderator hid it, when that was (the public reason is the
//! ledger row of that decision).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProposalPhotos {
    Table,
    Id,
    ProposalId,
    AuthorId,
    Alt,
    Width,
    Height,
    ListFile,
    PageFile,
    PrintFile,
    HiddenAt,
    CreatedAt,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProposalPhotos::Table)
                    .col(big_pk_auto(ProposalPhotos::Id))
                    .col(big_integer(ProposalPhotos::ProposalId))
                    .col(big_integer(ProposalPhotos::AuthorId))
                    .col(string_len(ProposalPhotos::Alt, 300))
                    .col(integer(ProposalPhotos::Width))
                    .col(integer(ProposalPhotos::Height))
                    .col(string_len(ProposalPhotos::ListFile, 100))
                    .col(string_len(ProposalPhotos::PageFile, 100))
                    .col(string_len(ProposalPhotos::PrintFile, 100))
                    .col(timestamp_with_time_zone_null(ProposalPhotos::HiddenAt))
                    .col(timestamp_with_time_zone(ProposalPhotos::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProposalPhotos::Table, ProposalPhotos::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProposalPhotos::Table, ProposalPhotos::AuthorId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_proposal_photos_proposal")
                    .table(ProposalPhotos::Table)
                    .col(ProposalPhotos::ProposalId)
                    .col(ProposalPhotos::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_proposal_photos_author")
                    .table(ProposalPhotos::Table)
                    .col(ProposalPhotos::AuthorId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ProposalPhotos::Table).to_owned())
            .await
    }
}
