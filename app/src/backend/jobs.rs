//! Work the server does on its own, on a timer: start notices of procedures that began,
//! the daily digests, reminders of ballots left as drafts, and the outbox's delivery. Above the services it calls, so that none
//! of them depends on the mail worker.

use crate::backend::mail::worker;
use crate::backend::service::{follow, start_notice};
use chrono::Utc;
use sea_orm::DatabaseConnection;

/// Sends due mails every few seconds, and writes due digests every few minutes, until
/// `shutdown` completes.
pub async fn run(
    db: DatabaseConnection,
    site: std::sync::Arc<crate::backend::state::SiteSettings>,
    mailer: worker::Mailer,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let mut last_digest_pass: Option<std::time::Instant> = None;
    let mut last_start_pass: Option<std::time::Instant> = None;
    loop {
        if last_start_pass.is_none_or(|at| at.elapsed() >= START_PASS_EVERY) {
            last_start_pass = Some(std::time::Instant::now());
            match start_notice::announce_started(&db, &site, Utc::now()).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "procedure start notices written"),
                Err(error) => tracing::warn!(?error, "start notice pass failed"),
            }
        }
        if last_digest_pass.is_none_or(|at| at.elapsed() >= DIGEST_PASS_EVERY) {
            last_digest_pass = Some(std::time::Instant::now());
            match crate::formats::content::timed_work(&db, &site, Utc::now()).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "ballot draft reminders written"),
                Err(error) => tracing::warn!(?error, "ballot reminder pass failed"),
            }
            match follow::send_digests(&db, &site, Utc::now()).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "daily digests written"),
                Err(error) => tracing::warn!(?error, "digest pass failed"),
            }
        }
        if let Err(error) = worker::deliver_due(&db, &mailer, Utc::now()).await {
            tracing::warn!(?error, "mail worker pass failed");
        }
        tokio::select! {
            () = &mut shutdown => break,
            () = tokio::time::sleep(std::time::Duration::from_secs(2)) => {}
        }
    }
}

const DIGEST_PASS_EVERY: std::time::Duration = std::time::Duration::from_secs(300);
/// Procedures start at midnight: a minute's delay for their notices is plenty.
const START_PASS_EVERY: std::time::Duration = std::time::Duration::from_secs(60);
