//! How exports name the people who contributed.

use super::clean;
use crate::backend::common::statement;
use crate::backend::db::storage_error;
use crate::error::AppError;
use crate::formats::proposals::model::Origin;
use sea_orm::{DatabaseConnection, FromQueryResult};
use std::collections::HashMap;

#[derive(FromQueryResult)]
struct AuthorRow {
    id: i64,
    name: Option<String>,
    public_name: bool,
}

/// How exports name the authors of a procedure: those who chose to show their display
/// name by it, everyone else as "Person N", numbered by their first contribution to this
/// procedure (so the numbers do not change as the procedure goes on).
///
/// Read as a stream: a procedure of the largest size has hundreds of thousands of
/// authors, whose rows held at once took 150 MB on SQLite; only the labels are kept.
pub async fn authors(
    db: &DatabaseConnection,
    procedure_id: i64,
) -> Result<HashMap<i64, String>, AppError> {
    use futures_util::TryStreamExt;
    let mut rows = AuthorRow::find_by_statement(statement(
        db,
        "SELECT a.author_id AS id, u.display_name AS name, u.public_name AS public_name FROM (\
           SELECT author_id, MIN(created_at) AS first_at FROM (\
             SELECT author_id, created_at FROM proposals WHERE procedure_id = $1 AND source = $2 \
             UNION ALL SELECT c.author_id, c.created_at FROM comments c \
               JOIN proposals p ON p.id = c.proposal_id \
               WHERE p.procedure_id = $1 AND c.source = $2\
           ) AS contributions GROUP BY author_id\
         ) AS a JOIN users u ON u.id = a.author_id ORDER BY a.first_at, a.author_id",
        vec![procedure_id.into(), Origin::Online.into()],
    ))
    .stream(db)
    .await
    .map_err(storage_error)?;
    let mut labels = HashMap::new();
    let mut number = 0_u64;
    while let Some(row) = rows.try_next().await.map_err(storage_error)? {
        number += 1;
        let label = match row.name {
            Some(name) if row.public_name => clean(&name),
            _ => format!("Person {number}"),
        };
        labels.insert(row.id, label);
    }
    Ok(labels)
}
