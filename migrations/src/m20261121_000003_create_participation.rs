//! Participation: proposals, threaded comments, votes, following and digest items, plus the
//! procedure settings they need (categories, the phase in which votes count) and full-text
//! search (SQLite FTS5 with triggers; PostgreSQL a generated German `tsvector`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Procedures {
    Table,
    Id,
    Categories,
    VotePhase,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
    ProcedureId,
    AuthorId,
    Title,
    Body,
    Category,
    Location,
    Source,
    EventName,
    Status,
    WithdrawalNote,
    SupportCount,
    UpCount,
    DownCount,
    Score,
    CommentCount,
    EngagedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    Id,
    ProposalId,
    ParentId,
    AuthorId,
    Body,
    Depth,
    Source,
    EventName,
    Status,
    CreatedAt,
    EditedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum Votes {
    Table,
    UserId,
    ProposalId,
    ProcedureId,
    Value,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Follows {
    Table,
    UserId,
    ProposalId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DigestItems {
    Table,
    Id,
    UserId,
    ProposalId,
    Kind,
    Summary,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Procedures::Table)
                    .add_column(text(Procedures::Categories).default(""))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Procedures::Table)
                    .add_column(string_len(Procedures::VotePhase, 16).default("voting"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Proposals::Table)
                    .col(big_pk_auto(Proposals::Id))
                    .col(big_integer(Proposals::ProcedureId))
                    .col(big_integer(Proposals::AuthorId))
                    .col(string_len(Proposals::Title, 200))
                    .col(text(Proposals::Body))
                    .col(string_len_null(Proposals::Category, 80))
                    .col(string_len_null(Proposals::Location, 200))
                    .col(string_len(Proposals::Source, 16))
                    .col(string_len_null(Proposals::EventName, 200))
                    .col(string_len(Proposals::Status, 16))
                    .col(text_null(Proposals::WithdrawalNote))
                    .col(integer(Proposals::SupportCount).default(0))
                    .col(integer(Proposals::UpCount).default(0))
                    .col(integer(Proposals::DownCount).default(0))
                    .col(integer(Proposals::Score).default(0))
                    .col(integer(Proposals::CommentCount).default(0))
                    .col(timestamp_with_time_zone_null(Proposals::EngagedAt))
                    .col(timestamp_with_time_zone(Proposals::CreatedAt))
                    .col(timestamp_with_time_zone(Proposals::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_proposals_procedure")
                            .from(Proposals::Table, Proposals::ProcedureId)
                            .to(Procedures::Table, Procedures::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_proposals_author")
                            .from(Proposals::Table, Proposals::AuthorId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One index per listing order: (procedure, sort key, id) serves keyset pagination.
        for (name, column) in [
            ("ix_proposals_newest", Proposals::CreatedAt),
            ("ix_proposals_supported", Proposals::SupportCount),
            ("ix_proposals_score", Proposals::Score),
            ("ix_proposals_discussed", Proposals::CommentCount),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Proposals::Table)
                        .col(Proposals::ProcedureId)
                        .col(column)
                        .col(Proposals::Id)
                        .to_owned(),
                )
                .await?;
        }

        // Counting a listing's matches reads only this index (no row per proposal).
        manager
            .create_index(
                Index::create()
                    .name("ix_proposals_status")
                    .table(Proposals::Table)
                    .col(Proposals::ProcedureId)
                    .col(Proposals::Status)
                    .col(Proposals::Category)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Comments::Table)
                    .col(big_pk_auto(Comments::Id))
                    .col(big_integer(Comments::ProposalId))
                    .col(big_integer_null(Comments::ParentId))
                    .col(big_integer(Comments::AuthorId))
                    .col(text(Comments::Body))
                    .col(integer(Comments::Depth))
                    .col(string_len(Comments::Source, 16))
                    .col(string_len_null(Comments::EventName, 200))
                    .col(string_len(Comments::Status, 16))
                    .col(timestamp_with_time_zone(Comments::CreatedAt))
                    .col(timestamp_with_time_zone_null(Comments::EditedAt))
                    .col(timestamp_with_time_zone_null(Comments::DeletedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_comments_proposal")
                            .from(Comments::Table, Comments::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_comments_parent")
                            .from(Comments::Table, Comments::ParentId)
                            .to(Comments::Table, Comments::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_comments_author")
                            .from(Comments::Table, Comments::AuthorId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_comments_proposal")
                    .table(Comments::Table)
                    .col(Comments::ProposalId)
                    .col(Comments::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Votes::Table)
                    .col(big_integer(Votes::UserId))
                    .col(big_integer(Votes::ProposalId))
                    .col(big_integer(Votes::ProcedureId))
                    .col(small_integer(Votes::Value))
                    .col(timestamp_with_time_zone(Votes::CreatedAt))
                    .col(timestamp_with_time_zone(Votes::UpdatedAt))
                    .primary_key(Index::create().col(Votes::UserId).col(Votes::ProposalId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_votes_user")
                            .from(Votes::Table, Votes::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_votes_proposal")
                            .from(Votes::Table, Votes::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The cap counts a person's votes in a procedure; tallies count a proposal's votes.
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
            .create_index(
                Index::create()
                    .name("ix_votes_proposal")
                    .table(Votes::Table)
                    .col(Votes::ProposalId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Follows::Table)
                    .col(big_integer(Follows::UserId))
                    .col(big_integer(Follows::ProposalId))
                    .col(timestamp_with_time_zone(Follows::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(Follows::UserId)
                            .col(Follows::ProposalId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_follows_user")
                            .from(Follows::Table, Follows::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_follows_proposal")
                            .from(Follows::Table, Follows::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_follows_proposal")
                    .table(Follows::Table)
                    .col(Follows::ProposalId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DigestItems::Table)
                    .col(big_pk_auto(DigestItems::Id))
                    .col(big_integer(DigestItems::UserId))
                    .col(big_integer(DigestItems::ProposalId))
                    .col(string_len(DigestItems::Kind, 32))
                    .col(text(DigestItems::Summary))
                    .col(timestamp_with_time_zone(DigestItems::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_digest_items_user")
                            .from(DigestItems::Table, DigestItems::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_digest_items_proposal")
                            .from(DigestItems::Table, DigestItems::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_digest_items_user")
                    .table(DigestItems::Table)
                    .col(DigestItems::UserId)
                    .col(DigestItems::Id)
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                for statement in POSTGRES_SEARCH {
                    db.execute_unprepared(statement).await?;
                }
            }
            _ => {
                for statement in SQLITE_SEARCH {
                    db.execute_unprepared(statement).await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            for trigger in [
                "proposals_fts_insert",
                "proposals_fts_delete",
                "proposals_fts_update",
            ] {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {trigger}"))
                    .await?;
            }
            db.execute_unprepared("DROP TABLE IF EXISTS proposals_fts")
                .await?;
        }
        for table in [
            DigestItems::Table.into_iden(),
            Follows::Table.into_iden(),
            Votes::Table.into_iden(),
            Comments::Table.into_iden(),
            Proposals::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [Procedures::VotePhase, Procedures::Categories] {
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

/// German stemming and umlaut folding come from the `german` text search configuration.
const POSTGRES_SEARCH: &[&str] = &[
    "ALTER TABLE proposals ADD COLUMN search tsvector GENERATED ALWAYS AS \
     (setweight(to_tsvector('german', coalesce(title, '')), 'A') || \
      setweight(to_tsvector('german', coalesce(body, '')), 'B')) STORED",
    "CREATE INDEX ix_proposals_search ON proposals USING GIN (search)",
];

/// An external-content FTS5 index over title and body, kept in step by triggers. The
/// unicode61 tokenizer folds case and diacritics ("Straße"/"strasse" stay distinct, "Ü"
/// matches "u"); prefix queries stand in for stemming.
const SQLITE_SEARCH: &[&str] = &[
    "CREATE VIRTUAL TABLE proposals_fts USING fts5(title, body, content='proposals', \
     content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER proposals_fts_insert AFTER INSERT ON proposals BEGIN \
     INSERT INTO proposals_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER proposals_fts_delete AFTER DELETE ON proposals BEGIN \
     INSERT INTO proposals_fts(proposals_fts, rowid, title, body) \
     VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER proposals_fts_update AFTER UPDATE OF title, body ON proposals BEGIN \
     INSERT INTO proposals_fts(proposals_fts, rowid, title, body) \
     VALUES ('delete', old.id, old.title, old.body); \
     INSERT INTO proposals_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
];
