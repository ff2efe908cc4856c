//! What the shared parts need of the budget (see `formats::content`): the timed work the
//! server's job loop runs, which reminds holders of a draft ballot before voting ends.

use super::service::ballot;
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

/// Reminds residents whose ballot is still a draft (see `ballot::remind_drafts`).
pub(crate) async fn timed_work(
    db: &DatabaseConnection,
    site: &SiteSettings,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    ballot::remind_drafts(db, site, now).await
}
