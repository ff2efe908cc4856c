//! Sends what the outbox holds. Several instances may run workers on one PostgreSQL: a mail
//! is claimed with `FOR UPDATE SKIP LOCKED` and a lease, so it goes out once. A failed send
//! is retried with growing pauses and kept, never dropped.

use crate::backend::db::storage_error;
use crate::backend::entity::outbox_email;
use crate::backend::entity::outbox_email::MailStatus;
use crate::error::AppError;
use chrono::{DateTime, Duration, Utc};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, Set, Statement,
};
use std::path::PathBuf;

/// After this many failed attempts (about a day and a half of retries) a mail is marked
/// failed; it stays in the table for an administrator to see.
pub const MAX_ATTEMPTS: i32 = 12;
const BATCH: i64 = 20;
/// How long a claimed mail is reserved for the worker that claimed it.
const LEASE_SECONDS: i64 = 120;

/// The pause before attempt `attempts + 1`: 30 s, 1 min, 2 min, … capped at 6 h.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    Duration::seconds((30_i64 << exponent).min(6 * 3600))
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// No relay configured: each mail becomes an .eml file, its link is logged.
    Files(PathBuf),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl Mailer {
    /// `smtp_url` as lettre reads it: `smtp://host:25` (plain, for a local relay),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://host:465` (TLS).
    pub fn new(
        smtp_url: Option<&str>,
        from: &str,
        data_dir: &std::path::Path,
    ) -> Result<Self, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("MITREDEN_MAIL_FROM: '{from}' is not a mailbox: {e}"))?;
        let transport = match smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("MITREDEN_SMTP_URL: {e}"))?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build(),
            ),
            None => Transport::Files(data_dir.join("mail")),
        };
        Ok(Self { transport, from })
    }

    async fn send(&self, mail: &outbox_email::Model) -> Result<(), String> {
        let to: Mailbox = mail
            .to_address
            .parse()
            .map_err(|e| format!("recipient: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                mail.body_text.clone(),
                mail.body_html.clone(),
            ))
            .map_err(|e| format!("message: {e}"))?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Transport::Files(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| e.to_string())?;
                let path = dir.join(format!(
                    "{}-{}.eml",
                    mail.created_at.format("%Y%m%d-%H%M%S"),
                    mail.id
                ));
                tokio::fs::write(&path, message.formatted())
                    .await
                    .map_err(|e| e.to_string())?;
                let link = mail
                    .body_text
                    .split_whitespace()
                    .find(|w| w.starts_with("http"));
                tracing::info!(to = %mail.to_address, subject = %mail.subject, link = link.unwrap_or("-"),
                    file = %path.display(), "mail written (no MITREDEN_SMTP_URL set)");
                Ok(())
            }
        }
    }
}

/// Claims the mails that are due and not reserved by another worker.
async fn claim(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Vec<outbox_email::Model>, AppError> {
    let backend = db.get_database_backend();
    let lease = now + Duration::seconds(LEASE_SECONDS);
    let sql = match backend {
        DbBackend::Postgres => {
            "UPDATE outbox_emails SET locked_until = $1 WHERE id IN (
                SELECT id FROM outbox_emails
                WHERE status = $4 AND next_attempt_at <= $2
                  AND (locked_until IS NULL OR locked_until < $2)
                ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
             RETURNING *"
        }
        // SQLite has one writer at a time: the statement itself is the lock.
        _ => {
            "UPDATE outbox_emails SET locked_until = ? WHERE id IN (
                SELECT id FROM outbox_emails
                WHERE status = ? AND next_attempt_at <= ?
                  AND (locked_until IS NULL OR locked_until < ?)
                ORDER BY id LIMIT ?)
             RETURNING *"
        }
    };
    let values: Vec<sea_orm::Value> = match backend {
        DbBackend::Postgres => vec![
            lease.into(),
            now.into(),
            BATCH.into(),
            MailStatus::Pending.into(),
        ],
        _ => vec![
            lease.into(),
            MailStatus::Pending.into(),
            now.into(),
            now.into(),
            BATCH.into(),
        ],
    };
    outbox_email::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(backend, sql, values))
        .all(db)
        .await
        .map_err(storage_error)
}

/// One pass: sends every mail that is due. Returns how many were sent.
pub async fn deliver_due(
    db: &DatabaseConnection,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut sent = 0;
    for mail in claim(db, now).await? {
        let outcome = mailer.send(&mail).await;
        let attempts = mail.attempts + 1;
        let mut update: outbox_email::ActiveModel = mail.clone().into();
        update.attempts = Set(attempts);
        update.locked_until = Set(None);
        match outcome {
            Ok(()) => {
                sent += 1;
                update.status = Set(MailStatus::Sent);
                update.sent_at = Set(Some(Utc::now()));
                update.last_error = Set(None);
            }
            Err(error) => {
                tracing::warn!(mail = mail.id, attempts, %error, "sending a mail failed; will retry");
                let error: String = error.chars().take(1000).collect();
                update.last_error = Set(Some(error));
                if attempts >= MAX_ATTEMPTS {
                    tracing::error!(
                        mail = mail.id,
                        "giving up on a mail after {attempts} attempts"
                    );
                    update.status = Set(MailStatus::Failed);
                } else {
                    update.next_attempt_at = Set(now + backoff(attempts));
                }
            }
        }
        update.update(db).await.map_err(storage_error)?;
    }
    Ok(sent)
}

/// Mails not sent yet, for `/metrics` and the administration.
pub async fn pending_count(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    outbox_email::Entity::find()
        .filter(outbox_email::Column::Status.eq(MailStatus::Pending))
        .count(db)
        .await
        .map_err(storage_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(5), Duration::seconds(480));
        assert_eq!(backoff(40), Duration::hours(6));
    }
}
