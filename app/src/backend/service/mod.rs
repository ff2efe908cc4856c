//! Domain operations, one file per feature. Each takes `&impl ConnectionTrait` so it runs
//! inside or outside a transaction, and returns `AppError` for the faces to pass on.

pub mod account;
pub mod catalog;
pub mod comment;
pub mod follow;
pub mod legal;
pub mod media;
pub mod moderation;
pub mod onsite_import;
pub mod oparl;
pub mod procedure;
pub mod proposal;
pub mod results;
pub mod start_notice;
pub mod vote;

use crate::backend::db::storage_error;
use crate::backend::entity::user;
use crate::error::AppError;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;

/// Serialises one person's writes: a no-op update of their row. On PostgreSQL it takes the
/// row lock, on SQLite the database's write lock, both before anything is read, so checks
/// made afterwards (a vote cap, a duplicate vote) cannot race another request of theirs.
pub(crate) async fn lock_user(db: &impl ConnectionTrait, user_id: i64) -> Result<(), AppError> {
    let locked = user::Entity::update_many()
        .col_expr(user::Column::UpdatedAt, Expr::col(user::Column::UpdatedAt))
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::DeletedAt.is_null())
        .exec(db)
        .await
        .map_err(storage_error)?;
    if locked.rows_affected == 0 {
        return Err(AppError::Unauthenticated);
    }
    Ok(())
}

/// On SQLite, write transactions of participation (votes, comments, proposals) queue here,
/// first come first served, instead of polling in SQLite's busy handler (which sleeps up to
/// 100 ms between tries and made the tail latency of votes under load). PostgreSQL locks
/// rows and needs no gate. The SQLite file belongs to one process, so a process-wide gate
/// covers every writer that contends.
pub(crate) async fn write_gate(
    db: &impl ConnectionTrait,
) -> Option<tokio::sync::MutexGuard<'static, ()>> {
    static SQLITE_WRITES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        Some(SQLITE_WRITES.lock().await)
    } else {
        None
    }
}

/// Public display names by user id; deleted accounts have none.
pub(crate) async fn names_of(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, Option<String>)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .filter(user::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name)| name.map(|name| (id, name)))
        .collect())
}
