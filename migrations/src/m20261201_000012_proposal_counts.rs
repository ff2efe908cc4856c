//! How many proposals each procedure holds, by status, visibility and category, kept by
//! triggers.
//!
//! Every page of a procedure's proposal list shows how many proposals match. Counted
//! from the rows, that read every index entry of the procedure on every page (30,000 at
//! the size of Madrid's platform: a few milliseconds of each request, more than the page
//! itself). The triggers move a counter whenever a proposal is inserted or deleted, or its
//! procedure, status, visibility or category change; votes and comments touch none of
//! these columns and so never the counters. The listing sums a handful of counter rows.
//!
//! A missing category is counted under the empty string. On PostgreSQL a change that moves
//! a proposal between two counters updates the two rows in the order of their keys, so two
//! moves in opposite directions wait for each other instead of deadlocking.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "CREATE TABLE proposal_counts (\
       procedure_id BIGINT NOT NULL, \
       status VARCHAR(16) NOT NULL, \
       visibility VARCHAR(16) NOT NULL, \
       category VARCHAR(80) NOT NULL, \
       n BIGINT NOT NULL, \
       PRIMARY KEY (procedure_id, status, visibility, category))";

const FILL: &str = "INSERT INTO proposal_counts (procedure_id, status, visibility, category, n) \
     SELECT procedure_id, status, visibility, coalesce(category, ''), count(*) \
     FROM proposals GROUP BY procedure_id, status, visibility, coalesce(category, '')";

const SQLITE_UP: &[&str] = &[
    TABLE,
    FILL,
    "CREATE TRIGGER proposal_counts_insert AFTER INSERT ON proposals BEGIN \
       INSERT INTO proposal_counts (procedure_id, status, visibility, category, n) \
       VALUES (NEW.procedure_id, NEW.status, NEW.visibility, coalesce(NEW.category, ''), 1) \
       ON CONFLICT (procedure_id, status, visibility, category) DO UPDATE SET n = n + 1; \
     END",
    "CREATE TRIGGER proposal_counts_delete AFTER DELETE ON proposals BEGIN \
       UPDATE proposal_counts SET n = n - 1 \
       WHERE procedure_id = OLD.procedure_id AND status = OLD.status \
         AND visibility = OLD.visibility AND category = coalesce(OLD.category, ''); \
     END",
    "CREATE TRIGGER proposal_counts_update \
     AFTER UPDATE OF procedure_id, status, visibility, category ON proposals \
     WHEN OLD.procedure_id IS NOT NEW.procedure_id OR OLD.status IS NOT NEW.status \
       OR OLD.visibility IS NOT NEW.visibility OR OLD.category IS NOT NEW.category \
     BEGIN \
       UPDATE proposal_counts SET n = n - 1 \
       WHERE procedure_id = OLD.procedure_id AND status = OLD.status \
         AND visibility = OLD.visibility AND category = coalesce(OLD.category, ''); \
       INSERT INTO proposal_counts (procedure_id, status, visibility, category, n) \
       VALUES (NEW.procedure_id, NEW.status, NEW.visibility, coalesce(NEW.category, ''), 1) \
       ON CONFLICT (procedure_id, status, visibility, category) DO UPDATE SET n = n + 1; \
     END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER proposal_counts_update",
    "DROP TRIGGER proposal_counts_delete",
    "DROP TRIGGER proposal_counts_insert",
    "DROP TABLE proposal_counts",
];

const POSTGRES_UP: &[&str] = &[
    TABLE,
    FILL,
    "CREATE FUNCTION proposal_counts_write() RETURNS trigger LANGUAGE plpgsql AS $$ \
     DECLARE \
       old_first boolean := TG_OP = 'DELETE'; \
     BEGIN \
       IF TG_OP = 'UPDATE' THEN \
         old_first := (OLD.procedure_id, OLD.status, OLD.visibility, coalesce(OLD.category, '')) \
           < (NEW.procedure_id, NEW.status, NEW.visibility, coalesce(NEW.category, '')); \
       END IF; \
       IF old_first THEN \
         UPDATE proposal_counts SET n = n - 1 \
         WHERE procedure_id = OLD.procedure_id AND status = OLD.status \
           AND visibility = OLD.visibility AND category = coalesce(OLD.category, ''); \
       END IF; \
       IF TG_OP <> 'DELETE' THEN \
         INSERT INTO proposal_counts (procedure_id, status, visibility, category, n) \
         VALUES (NEW.procedure_id, NEW.status, NEW.visibility, coalesce(NEW.category, ''), 1) \
         ON CONFLICT (procedure_id, status, visibility, category) \
         DO UPDATE SET n = proposal_counts.n + 1; \
       END IF; \
       IF TG_OP = 'UPDATE' AND NOT old_first THEN \
         UPDATE proposal_counts SET n = n - 1 \
         WHERE procedure_id = OLD.procedure_id AND status = OLD.status \
           AND visibility = OLD.visibility AND category = coalesce(OLD.category, ''); \
       END IF; \
       RETURN NULL; \
     END $$",
    "CREATE TRIGGER proposal_counts_insert_delete AFTER INSERT OR DELETE ON proposals \
     FOR EACH ROW EXECUTE FUNCTION proposal_counts_write()",
    "CREATE TRIGGER proposal_counts_update \
     AFTER UPDATE OF procedure_id, status, visibility, category ON proposals \
     FOR EACH ROW WHEN (OLD.procedure_id IS DISTINCT FROM NEW.procedure_id \
       OR OLD.status IS DISTINCT FROM NEW.status \
       OR OLD.visibility IS DISTINCT FROM NEW.visibility \
       OR OLD.category IS DISTINCT FROM NEW.category) \
     EXECUTE FUNCTION proposal_counts_write()",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP TRIGGER proposal_counts_update ON proposals",
    "DROP TRIGGER proposal_counts_insert_delete ON proposals",
    "DROP FUNCTION proposal_counts_write()",
    "DROP TABLE proposal_counts",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SQLITE_UP, POSTGRES_UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SQLITE_DOWN, POSTGRES_DOWN).await
    }
}

async fn run(manager: &SchemaManager<'_>, sqlite: &[&str], postgres: &[&str]) -> Result<(), DbErr> {
    let statements = match manager.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => postgres,
        _ => sqlite,
    };
    let db = manager.get_connection();
    for statement in statements {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}
