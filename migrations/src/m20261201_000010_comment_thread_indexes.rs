//! A discussion is read a part at a time: a page of a proposal's top-level comments
//! (`proposal_id`, `parent_id` null, by id), then the first replies of each comment shown
//! (`parent_id`, by id). Both reads stop after a page, however long the thread.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Comments {
    Table,
    Id,
    ProposalId,
    ParentId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ix_comments_thread")
                    .table(Comments::Table)
                    .col(Comments::ProposalId)
                    .col(Comments::ParentId)
                    .col(Comments::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_comments_replies")
                    .table(Comments::Table)
                    .col(Comments::ParentId)
                    .col(Comments::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["ix_comments_replies", "ix_comments_thread"] {
            manager
                .drop_index(Index::drop().name(name).table(Comments::Table).to_owned())
                .await?;
        }
        Ok(())
    }
}
