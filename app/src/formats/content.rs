//! What moderation needs of a format's content, and the one place that knows which format
//! holds which kind of target. Moderation (reports, the queue, decisions, the ledger) works
//! on a [`ContentItem`] and calls these functions; each format that residents write into
//! implements them in its `hooks.rs`, using only storage, shared helpers and the features
//! below moderation, so that the format's own services may use moderation without a cycle.
//! The formats' timed work (`timed_work`) is dispatched from here too.

use super::budget::hooks as budget;
pub(crate) use super::item::ContentItem;
use super::proposals::hooks as proposals;
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::model::moderation::{ModerationReason, Target, TargetKind, Visibility};
use crate::model::place::Precision;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

/// The item behind a target; `NotFound` when there is none.
pub(crate) async fn load(
    db: &impl ConnectionTrait,
    target: Target,
) -> Result<ContentItem, AppError> {
    match target.kind {
        TargetKind::Proposal | TargetKind::Comment => proposals::load(db, target).await,
    }
}

/// Changes who sees an item, with the public reason of a hide (`None` clears it).
pub(crate) async fn set_visibility(
    db: &impl ConnectionTrait,
    item: &ContentItem,
    visibility: Visibility,
    reason: Option<(Option<ModerationReason>, String)>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    match item.target.kind {
        TargetKind::Proposal | TargetKind::Comment => {
            proposals::set_visibility(db, item, visibility, reason, now).await
        }
    }
}

/// Closes or reopens the discussion of an item: `invalid(action, unchanged)` when it already
/// is, `invalid(action, proposals_only)` for a kind that has no discussion of its own.
pub(crate) async fn set_locked(
    db: &impl ConnectionTrait,
    item: &ContentItem,
    locked: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    match item.target.kind {
        TargetKind::Proposal | TargetKind::Comment => {
            proposals::set_locked(db, item, locked, now).await
        }
    }
}

/// Replaces an item's text (and title, where it has one), checked by the format's own
/// rules, publishes its place less precisely (`precision`) and hides photos of it
/// (`hide_photos`); the item shows that moderation edited it.
pub(crate) async fn redact(
    db: &impl ConnectionTrait,
    item: &ContentItem,
    title: Option<String>,
    text: Option<String>,
    precision: Option<Precision>,
    hide_photos: &[i64],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    match item.target.kind {
        TargetKind::Proposal | TargetKind::Comment => {
            proposals::redact(db, item, title, text, precision, hide_photos, now).await
        }
    }
}

/// Merges a duplicate into another item of its kind (proposals only): the duplicate stays
/// readable and points there, its votes move (once per person), its followers are told.
/// Returns the number and title of the item it now points to.
pub(crate) async fn merge(
    db: &impl ConnectionTrait,
    site: &SiteSettings,
    item: &ContentItem,
    into_id: i64,
    note: &str,
    actor_id: i64,
    now: DateTime<Utc>,
) -> Result<(i64, String), AppError> {
    match item.target.kind {
        TargetKind::Proposal | TargetKind::Comment => {
            let into = proposals::merge(db, site, item, into_id, note, actor_id, now).await?;
            Ok((into.id, into.title))
        }
    }
}

/// An item held back before publication ("pending") was approved: the format tells whoever
/// would have heard of it at once.
pub(crate) async fn published(
    db: &impl ConnectionTrait,
    site: &SiteSettings,
    item: &ContentItem,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    match item.target.kind {
        TargetKind::Proposal | TargetKind::Comment => {
            proposals::published(db, site, item, now).await
        }
    }
}

/// The formats' work on a timer (the server's job loop runs it every few minutes): the
/// budget's reminders of ballots left as drafts. Returns how many mails it wrote.
pub(crate) async fn timed_work(
    db: &sea_orm::DatabaseConnection,
    site: &SiteSettings,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    budget::timed_work(db, site, now).await
}

/// Whether an agenda item names items of a format by their numbers (the budget's "P-12"),
/// so that the OParl import reads the rest of it.
pub(crate) fn names_council_items(item_name: &str) -> bool {
    budget::names_council_items(item_name)
}

/// An agenda item of the council information system, read by the OParl import: each
/// format records the outcome it states for the items of the procedure it names in its
/// own way (the budget: projects as "P-12"; the proposals are named as "#123" and recorded
/// by the import itself). Returns (named, recorded, unchanged).
pub(crate) async fn council_item(
    db: &sea_orm::DatabaseConnection,
    site: &SiteSettings,
    user: &crate::backend::auth::CurrentUser,
    procedure_id: i64,
    item_name: &str,
    form: &crate::model::results::OutcomeForm,
    now: DateTime<Utc>,
) -> Result<(u32, u32, u32), AppError> {
    let done = budget::council_item(db, site, user, procedure_id, item_name, form, now).await?;
    Ok((done.matched, done.recorded, done.unchanged))
}

/// Erases what the formats hold of a person whose account is being deleted (their photos),
/// in the caller's transaction; returns the media files to delete once it committed.
pub(crate) async fn erase_personal(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<String>, AppError> {
    proposals::erase_personal(db, user_id).await
}

/// What the formats hold of a person, for their data export: named parts, each at most
/// `limit` entries.
pub(crate) async fn personal_data(
    db: &impl ConnectionTrait,
    user_id: i64,
    limit: u64,
) -> Result<Vec<(&'static str, serde_json::Value)>, AppError> {
    proposals::personal_data(db, user_id, limit).await
}
