//! One index per order of a procedure's proposal list, led by every column the list
//! filters by.
//!
//! A listing page filters a procedure's visible proposals of one status and shows 20 of
//! them in an order: newest, most supported (support count or rating score), most
//! discussed, or shuffled. The indexes of migration 3 were (procedure, order, id): to use
//! one, a database walks the procedure's proposals in order and skips those of another
//! status or visibility; both databases preferred `ix_proposals_visible`, which finds
//! exactly the listed proposals, and then sorted all of them (30,000 at the size of
//! Madrid's platform: tens of milliseconds a page, the deeper pages no cheaper). Led by
//! (procedure, status, visibility), the index of the order finds exactly the listed
//! proposals already in order: a page walks it from its cursor and stops after 21 rows.
//!
//! The shuffled order is a fixed permutation of the ids, `(id * 1103515245) % 2147483629`
//! (a prime above every id, so no two ids share a position), which each visitor reads
//! from a starting point of their own and round to it (see the listing service). The
//! expression is written out exactly as the listing sends it: both databases use an index
//! on an expression only for that expression.
//!
//! Votes move the support counts and scores, so each vote also moves the proposal's entry
//! in two of these indexes, as it did in those of migration 3.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The listing's filter columns, in the order the pages filter by them.
const FILTER: &str = "procedure_id, status, visibility";

/// The indexes of migration 3 that these replace, with their columns. The new ones have
/// names of their own, so that nothing of the old ones can stand in their way.
const REPLACED: &[(&str, &str)] = &[
    ("ix_proposals_newest", "procedure_id, created_at, id"),
    ("ix_proposals_supported", "procedure_id, support_count, id"),
    ("ix_proposals_score", "procedure_id, score, id"),
    ("ix_proposals_discussed", "procedure_id, comment_count, id"),
];

const INDEXES: &[(&str, &str)] = &[
    ("ix_proposals_list_newest", "created_at, id"),
    ("ix_proposals_list_supported", "support_count, id"),
    ("ix_proposals_list_score", "score, id"),
    ("ix_proposals_list_discussed", "comment_count, id"),
    (
        "ix_proposals_list_shuffled",
        "((id * 1103515245) % 2147483629)",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _) in REPLACED {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        for (name, order) in INDEXES {
            db.execute_unprepared(&format!(
                "CREATE INDEX {name} ON proposals ({FILTER}, {order})"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        for (name, columns) in REPLACED {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON proposals ({columns})"))
                .await?;
        }
        Ok(())
    }
}
