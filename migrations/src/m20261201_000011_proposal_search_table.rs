//! PostgreSQL keeps a proposal's search document in a table of its own.
//!
//! The document was a generated column of `proposals` with a GIN index. PostgreSQL computes
//! a generated column again on every update of its row, and an update that changes any
//! indexed column (the counters are in the sort indexes) writes a new entry into every
//! index of the row, the GIN index among them: each vote re-stemmed the title and body and
//! grew the GIN index's pending list. Now a trigger writes the document when a proposal is
//! inserted and when its title or body change, and nothing else touches it.
//!
//! SQLite needs nothing: its FTS5 index is a table of its own already, kept by triggers on
//! title and body only.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE TABLE proposal_search (\
       proposal_id BIGINT PRIMARY KEY REFERENCES proposals (id) ON DELETE CASCADE, \
       document tsvector NOT NULL)",
    "INSERT INTO proposal_search (proposal_id, document) SELECT id, search FROM proposals",
    "CREATE INDEX ix_proposal_search_document ON proposal_search USING GIN (document)",
    "CREATE FUNCTION proposal_search_write() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN \
       INSERT INTO proposal_search (proposal_id, document) VALUES (NEW.id, \
         setweight(to_tsvector('german', coalesce(NEW.title, '')), 'A') || \
         setweight(to_tsvector('german', coalesce(NEW.body, '')), 'B')) \
       ON CONFLICT (proposal_id) DO UPDATE SET document = EXCLUDED.document; \
       RETURN NULL; \
     END $$",
    "CREATE TRIGGER proposal_search_insert AFTER INSERT ON proposals \
     FOR EACH ROW EXECUTE FUNCTION proposal_search_write()",
    "CREATE TRIGGER proposal_search_update AFTER UPDATE OF title, body ON proposals \
     FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.body IS DISTINCT FROM NEW.body) \
     EXECUTE FUNCTION proposal_search_write()",
    "DROP INDEX ix_proposals_search",
    "ALTER TABLE proposals DROP COLUMN search",
];

const DOWN: &[&str] = &[
    "ALTER TABLE proposals ADD COLUMN search tsvector GENERATED ALWAYS AS \
     (setweight(to_tsvector('german', coalesce(title, '')), 'A') || \
      setweight(to_tsvector('german', coalesce(body, '')), 'B')) STORED",
    "CREATE INDEX ix_proposals_search ON proposals USING GIN (search)",
    "DROP TRIGGER proposal_search_update ON proposals",
    "DROP TRIGGER proposal_search_insert ON proposals",
    "DROP FUNCTION proposal_search_write()",
    "DROP TABLE proposal_search",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, DOWN).await
    }
}

async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    if manager.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
        return Ok(());
    }
    let db = manager.get_connection();
    for statement in statements {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}
