//! Opening the database: SQLite (embedded default) or PostgreSQL, chosen by the URL.

use crate::error::AppError;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::time::Duration;

pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // WAL lets readers run beside the one writer; the busy timeout queues writers
        // instead of failing them under concurrent votes. Each connection is a thread of
        // its own (sqlx): four keep two cores busy without the queue page's slowest
        // requests waiting behind eight of them (p99 56 -> 45 ms in `make bench`).
        options
            .max_connections(4)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
                    // Commits checkpoint only as a last resort; `checkpoint_sqlite` does
                    // it in the background, off the path of any request.
                    .pragma("wal_autocheckpoint", "10000")
            });
    } else {
        // PostgreSQL works a query per connection on a core of its own: a few connections
        // per core keep them busy while others wait on I/O; more only queue inside the
        // server. A statement that runs longer than any page may wait is a fault (a
        // missing index, a lock held by a stuck session): it is cancelled and logged
        // instead of holding a connection until the pool runs dry.
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let size = u32::try_from((cores * 4).clamp(4, 64)).unwrap_or(8);
        options
            .max_connections(size)
            .min_connections(1)
            .map_sqlx_postgres_opts(|o| {
                o.options([
                    ("statement_timeout", "30s"),
                    ("idle_in_transaction_session_timeout", "60s"),
                ])
            });
    }
    Database::connect(options).await
}

/// Copies the SQLite write-ahead log back into the database file every quarter second, in
/// the background, until `stop` resolves. Left to the commits, a checkpoint falls to
/// whichever request commits when the log is full, which then waits for the copy and an
/// fsync (the slowest votes under load were those); here the log also stays small, which
/// keeps reads fast. PASSIVE never blocks readers or the writer. PostgreSQL: nothing to do.
pub async fn checkpoint_sqlite(
    db: DatabaseConnection,
    stop: impl std::future::Future<Output = ()>,
) {
    use sea_orm::ConnectionTrait;
    if db.get_database_backend() != sea_orm::DbBackend::Sqlite {
        return;
    }
    let mut stop = std::pin::pin!(stop);
    let mut ticks = tokio::time::interval(Duration::from_millis(250));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = ticks.tick() => {}
        }
        if let Err(error) = db
            .execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)")
            .await
        {
            tracing::warn!(%error, "WAL checkpoint failed");
        }
    }
}

/// Brings the query planner's statistics up to date after a bulk load (`seed scale`):
/// PostgreSQL plans a table it thinks empty with sequential scans until
/// autovacuum comes round, which at millions of rows means seconds per listing. SQLite
/// reads `ANALYZE`'s tables too.
pub async fn refresh_statistics(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    db.execute_unprepared("ANALYZE").await.map(|_| ())
}

/// How many connections the pool holds and how many of them are idle.
pub fn pool_usage(db: &DatabaseConnection) -> PoolUsage {
    match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            PoolUsage {
                size: pool.size(),
                idle: pool.num_idle() as u32,
                max: pool.options().get_max_connections(),
            }
        }
        _ => {
            let pool = db.get_postgres_connection_pool();
            PoolUsage {
                size: pool.size(),
                idle: pool.num_idle() as u32,
                max: pool.options().get_max_connections(),
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

/// Starts a transaction that writes. The one write discipline on SQLite: the transaction
/// takes the write lock when it begins (`BEGIN IMMEDIATE`), waiting for another writer
/// within the busy timeout. A deferred transaction that read first and then writes cannot
/// wait: SQLite refuses its lock upgrade at once ("database is locked", codes 5 and 517)
/// whenever another writer got there first. PostgreSQL locks rows and begins as usual.
pub async fn begin_write<C>(db: &C) -> Result<C::Transaction, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let options = TransactionOptions {
        sqlite_transaction_mode: (db.get_database_backend() == DbBackend::Sqlite)
            .then_some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    db.begin_with_options(options).await.map_err(storage_error)
}

/// SQLite's "busy" and "locked" results (primary codes 5 and 6, with their extended codes
/// such as 517): another writer held the database longer than the busy timeout.
fn sqlite_busy(error: &DbErr) -> bool {
    let runtime = match error {
        DbErr::Exec(runtime) | DbErr::Query(runtime) | DbErr::Conn(runtime) => runtime,
        _ => return false,
    };
    let sea_orm::RuntimeErr::SqlxError(sqlx) = runtime else {
        return false;
    };
    sqlx.as_database_error()
        .and_then(|e| e.code())
        .and_then(|code| code.parse::<u32>().ok())
        .is_some_and(|code| matches!(code & 0xff, 5 | 6))
}

/// Maps a storage failure to what a visitor is told; the detail goes to the log only.
/// A write that waited too long for its turn is "unavailable" (503, try again shortly),
/// never an internal error.
pub fn storage_error(error: DbErr) -> AppError {
    if let Some(sea_orm::SqlErr::UniqueConstraintViolation(detail)) = error.sql_err() {
        tracing::debug!(%detail, "unique constraint violated");
        return AppError::Conflict;
    }
    if sqlite_busy(&error) {
        tracing::warn!(%error, "database busy");
        return AppError::Unavailable;
    }
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => {
            tracing::warn!(%error, "database unavailable");
            AppError::Unavailable
        }
        other => {
            tracing::error!(error = %other, "database error");
            AppError::Internal
        }
    }
}
