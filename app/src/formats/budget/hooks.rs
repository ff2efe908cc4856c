//! What the shared parts need of the budget (see `formats::content`): the timed work the
//! server's job loop runs, which reminds holders of a draft ballot before voting ends,
//! and the outcomes the council states for its projects, read by the OParl import.

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

/// Whether an agenda item names projects ("P-12").
pub(crate) fn names_council_items(item_name: &str) -> bool {
    !super::service::council::project_numbers(item_name).is_empty()
}

/// The outcome an agenda item of the council states for the projects it names (see
/// `council::record_named`).
pub(crate) async fn council_item(
    db: &DatabaseConnection,
    site: &SiteSettings,
    user: &crate::backend::auth::CurrentUser,
    procedure_id: i64,
    item_name: &str,
    form: &crate::model::results::OutcomeForm,
    now: DateTime<Utc>,
) -> Result<super::service::council::Recorded, AppError> {
    super::service::council::record_named(db, site, user, procedure_id, item_name, form, now).await
}
