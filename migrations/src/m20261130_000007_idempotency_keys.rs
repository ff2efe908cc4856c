//! Idempotency keys for the writes a person may repeat without meaning to: a comment or a
//! proposal whose response was lost and whose form is sent again. The key is the form's,
//! unique per author; a second write with the same key returns the first one's result.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Comments {
    Table,
    AuthorId,
    IdempotencyKey,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    AuthorId,
    IdempotencyKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Comments::Table)
                    .add_column(string_len_null(Comments::IdempotencyKey, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Proposals::Table)
                    .add_column(string_len_null(Proposals::IdempotencyKey, 64))
                    .to_owned(),
            )
            .await?;
        // NULL keys (writes without one) never collide: both databases treat NULLs as
        // distinct in a unique index.
        manager
            .create_index(
                Index::create()
                    .name("ux_comments_author_idempotency")
                    .table(Comments::Table)
                    .col(Comments::AuthorId)
                    .col(Comments::IdempotencyKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_proposals_author_idempotency")
                    .table(Proposals::Table)
                    .col(Proposals::AuthorId)
                    .col(Proposals::IdempotencyKey)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (index, table) in [
            ("ux_comments_author_idempotency", "comments"),
            ("ux_proposals_author_idempotency", "proposals"),
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(index)
                        .table(Alias::new(table))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Comments::Table)
                    .drop_column(Comments::IdempotencyKey)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Proposals::Table)
                    .drop_column(Proposals::IdempotencyKey)
                    .to_owned(),
            )
            .await
    }
}
