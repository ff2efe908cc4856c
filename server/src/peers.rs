//! Instances that share one PostgreSQL database tell each other of changes to what they
//! keep in memory: the public results of a finished vote and the hashes of its exports.
//! Each change goes out as `NOTIFY mitreden_changes, '<procedure id>'`; every instance
//! listens on the channel and drops what it keeps of that procedure. If the line to the
//! database breaks, notifications sent meanwhile are lost, so on reconnecting an instance
//! drops everything it keeps.
//!
//! Everything else is read from the database on each request, so sessions, votes, mail and
//! moderation decisions need nothing here. SQLite serves one instance: nothing to do.

use app::backend::common;
use sea_orm::sqlx;
use sea_orm::{DatabaseConnection, DbBackend};
use sqlx::postgres::PgListener;
use std::time::Duration;

const CHANNEL: &str = "mitreden_changes";

/// Passes this instance's changes to the others and theirs to this one, until `stop`.
pub async fn run(db: DatabaseConnection, stop: impl std::future::Future<Output = ()>) {
    if db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let pool = db.get_postgres_connection_pool().clone();
    let (announce, mut outgoing) = tokio::sync::mpsc::unbounded_channel::<i64>();
    common::announce_changes_to(announce);
    tokio::pin!(stop);
    let mut listener: Option<PgListener> = None;
    loop {
        if listener.is_none() {
            listener = listen(&pool).await;
            // Whatever was sent while nobody listened is unknown.
            common::missed_changes();
            if listener.is_none() {
                tokio::select! {
                    () = &mut stop => return,
                    () = tokio::time::sleep(Duration::from_secs(1)) => continue,
                }
            }
        }
        let Some(open) = listener.as_mut() else {
            continue;
        };
        let event = tokio::select! {
            () = &mut stop => return,
            Some(procedure_id) = outgoing.recv() => Event::Ours(procedure_id),
            received = open.try_recv() => Event::Theirs(received),
        };
        match event {
            Event::Ours(procedure_id) => {
                let sent = sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHANNEL)
                    .bind(procedure_id.to_string())
                    .execute(&pool)
                    .await;
                if let Err(error) = sent {
                    tracing::warn!(%error, procedure_id, "cannot tell the other instances of a change");
                }
            }
            Event::Theirs(Ok(Some(notification))) => {
                if let Ok(procedure_id) = notification.payload().parse::<i64>() {
                    common::changed_elsewhere(procedure_id);
                }
            }
            // The connection was lost; the next round opens a new one.
            Event::Theirs(Ok(None) | Err(_)) => listener = None,
        }
    }
}

enum Event {
    Ours(i64),
    Theirs(Result<Option<sqlx::postgres::PgNotification>, sqlx::Error>),
}

async fn listen(pool: &sqlx::PgPool) -> Option<PgListener> {
    let mut listener = match PgListener::connect_with(pool).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::warn!(%error, "cannot listen for other instances' changes");
            return None;
        }
    };
    match listener.listen(CHANNEL).await {
        Ok(()) => Some(listener),
        Err(error) => {
            tracing::warn!(%error, "cannot listen for other instances' changes");
            None
        }
    }
}
