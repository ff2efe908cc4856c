//! SQLite: a number that rises with every change to which proposals a search finds.
//!
//! A search for a word found in nearly every proposal ("Bäume" in a procedure about trees)
//! had each page gather FTS5's matches twice, once to count them and once to filter the
//! page by them (30,000 rowids at the size of Madrid's platform). The server now keeps the
//! matches of a search in memory (`proposal::matches`) together with this number, read
//! before it gathered them; a different number means they may be stale. The triggers raise
//! it whenever a proposal is inserted or deleted, or one of the columns a search or a
//! listing's filter reads changes (text, procedure, status, visibility, category,
//! district). Votes and comments touch none of them, so they never raise it.
//!
//! SQLite has one writer at a time, so the single row is no point of contention there.
//! PostgreSQL needs none of it: its search reads the GIN index, which hands over the
//! matches without gathering them first, and a single row written by every proposal's
//! change would make concurrent transactions wait for each other (or deadlock, when two
//! touch the same proposals in different orders). The migration does nothing there.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "CREATE TABLE proposal_match_generation (\
       id INTEGER PRIMARY KEY CHECK (id = 1), \
       n INTEGER NOT NULL)",
    "INSERT INTO proposal_match_generation (id, n) VALUES (1, 0)",
    "CREATE TRIGGER proposal_match_generation_insert AFTER INSERT ON proposals BEGIN \
       UPDATE proposal_match_generation SET n = n + 1; \
     END",
    "CREATE TRIGGER proposal_match_generation_delete AFTER DELETE ON proposals BEGIN \
       UPDATE proposal_match_generation SET n = n + 1; \
     END",
    "CREATE TRIGGER proposal_match_generation_update \
     AFTER UPDATE OF title, body, procedure_id, status, visibility, category, district_id \
     ON proposals BEGIN \
       UPDATE proposal_match_generation SET n = n + 1; \
     END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER proposal_match_generation_update",
    "DROP TRIGGER proposal_match_generation_delete",
    "DROP TRIGGER proposal_match_generation_insert",
    "DROP TABLE proposal_match_generation",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SQLITE_UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SQLITE_DOWN).await
    }
}

async fn run(manager: &SchemaManager<'_>, sqlite: &[&str]) -> Result<(), DbErr> {
    if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        return Ok(());
    }
    let db = manager.get_connection();
    for statement in sqlite {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}
