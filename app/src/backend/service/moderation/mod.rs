//! Moderation: the pre-screen on submission, reports and the auto-hide threshold, the queue
//! with claims, the decisions (each a ledger row, each told to the author by mail in the same
//! transaction), objections, the public ledger, statistics and the instance settings.

use super::procedure;
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{lock_user, names_of, timestamp, write_gate};
use crate::backend::db::storage_error;
use crate::backend::entity::{
    comment, instance_setting, moderation_action, moderation_queue, procedure as procedure_entity,
    proposal, report, user,
};
use crate::backend::mail::{self, Template};
use crate::backend::sanitize::markdown_to_html;
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::formats::proposals::model::validated_note;
use crate::i18n::Lang;
use crate::model::moderation::{
    BlockedAuthor, CaseStatus, Decision, DecisionCount, LedgerTarget, ModerationActionKind,
    ModerationMark, ModerationMode, ModerationReason, ModerationSettings, ModerationStats,
    ProcedureChoice, ProcedureDecisions, QueueFilter, QueueItem, QueueKind, QueueView, ReportInput,
    ReportOutcome, ReportView, SettingsView, Target, TargetKind, Visibility,
};
use crate::model::procedure::ProcedureStatus;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, IntoCondition, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult,
    JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession,
    TransactionTrait,
};
use std::collections::{HashMap, HashSet};

/// Queue items per page: as many as a moderator works through before the list is stale,
/// few enough that the page stays fast with thousands open (each item carries its reports
/// and three forms).
pub const QUEUE_PAGE_SIZE: u64 = 20;
/// Ledger entries per page.
pub const LEDGER_PAGE_SIZE: u64 = 50;
/// How long a claim keeps other moderators off an item.
pub const CLAIM_MINUTES: i64 = 15;

mod decisions;
mod intake;
mod ledger;
mod queue;
mod reports;
mod sight;

pub use decisions::{decide, decide_many, unblock};
pub(crate) use intake::{Intake, enqueue_intake, intake};
pub use intake::{save_settings, screen, settings, settings_view};
pub use ledger::{ledger, stats};
use queue::procedure_choices;
pub use queue::queue;
pub use reports::{claim, object, release, report};
use sight::report_targets;
pub(crate) use sight::{mark, objected, reported_by};

// ---------- items ----------

/// A proposal or comment with what moderation needs of it (see `formats::content`).
pub(crate) use crate::formats::content::ContentItem as Item;
use crate::formats::content::{load as load_item, set_visibility};

// ---------- the queue entry of an item ----------

/// The item's queue entry, opened if it was closed or did not exist, and locked for this
/// transaction (PostgreSQL; SQLite writers already queue at the write gate).
async fn open_entry(
    db: &impl ConnectionTrait,
    item: &Item,
    now: DateTime<Utc>,
) -> Result<moderation_queue::Model, AppError> {
    moderation_queue::Entity::insert(moderation_queue::ActiveModel {
        target_kind: Set(item.target.kind),
        target_id: Set(item.target.id),
        procedure_id: Set(item.procedure_id),
        proposal_id: Set(item.proposal_id),
        author_id: Set(item.author_id),
        status: Set(CaseStatus::Closed),
        pending: Set(false),
        screen_rule: Set(None),
        report_count: Set(0),
        objection: Set(None),
        opened_at: Set(now),
        claimed_by: Set(None),
        claimed_until: Set(None),
        closed_at: Set(None),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([
        moderation_queue::Column::TargetKind,
        moderation_queue::Column::TargetId,
    ])
    .exec_without_returning(db)
    .await
    .map_err(storage_error)?;
    let mut entry = find_entry(db, item.target, true)
        .await?
        .ok_or(AppError::Internal)?;
    if entry.status != CaseStatus::Open {
        entry.status = CaseStatus::Open;
        entry.pending = false;
        entry.screen_rule = None;
        entry.report_count = 0;
        entry.objection = None;
        entry.opened_at = now;
        entry.claimed_by = None;
        entry.claimed_until = None;
        entry.closed_at = None;
    }
    Ok(entry)
}

async fn find_entry(
    db: &impl ConnectionTrait,
    target: Target,
    lock: bool,
) -> Result<Option<moderation_queue::Model>, AppError> {
    let mut query = moderation_queue::Entity::find()
        .filter(moderation_queue::Column::TargetKind.eq(target.kind))
        .filter(moderation_queue::Column::TargetId.eq(target.id));
    if lock {
        query = query.lock_exclusive();
    }
    query.one(db).await.map_err(storage_error)
}

async fn save_entry(
    db: &impl ConnectionTrait,
    entry: moderation_queue::Model,
) -> Result<(), AppError> {
    let mut active: moderation_queue::ActiveModel = entry.into();
    for column in [
        moderation_queue::Column::Status,
        moderation_queue::Column::Pending,
        moderation_queue::Column::ScreenRule,
        moderation_queue::Column::ReportCount,
        moderation_queue::Column::Objection,
        moderation_queue::Column::OpenedAt,
        moderation_queue::Column::ClaimedBy,
        moderation_queue::Column::ClaimedUntil,
        moderation_queue::Column::ClosedAt,
    ] {
        active.reset(column);
    }
    active.update(db).await.map_err(storage_error)?;
    Ok(())
}

/// Closes an item's queue entry and its open reports: a moderator has decided.
async fn close_entry(
    db: &impl ConnectionTrait,
    target: Target,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    moderation_queue::Entity::update_many()
        .col_expr(
            moderation_queue::Column::Status,
            Expr::value(CaseStatus::Closed),
        )
        .col_expr(moderation_queue::Column::ClosedAt, Expr::value(now))
        .col_expr(
            moderation_queue::Column::ClaimedBy,
            Expr::value(Option::<i64>::None),
        )
        .filter(moderation_queue::Column::TargetKind.eq(target.kind))
        .filter(moderation_queue::Column::TargetId.eq(target.id))
        .filter(moderation_queue::Column::Status.eq(CaseStatus::Open))
        .exec(db)
        .await
        .map_err(storage_error)?;
    report::Entity::update_many()
        .col_expr(report::Column::Status, Expr::value(CaseStatus::Closed))
        .col_expr(report::Column::ClosedAt, Expr::value(now))
        .filter(report::Column::TargetKind.eq(target.kind))
        .filter(report::Column::TargetId.eq(target.id))
        .filter(report::Column::Status.eq(CaseStatus::Open))
        .exec(db)
        .await
        .map_err(storage_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(words: &str, links: u32) -> ModerationSettings {
        ModerationSettings {
            report_threshold: 3,
            screen_words: words.into(),
            screen_link_limit: links,
        }
    }

    #[test]
    fn the_screen_matches_whole_words_phrases_and_prefixes() {
        let settings = rules("idiot\ngeh sterben\nbetrug*", 3);
        assert_eq!(
            screen(&settings, "Du IDIOT!"),
            Some("word: idiot".to_owned())
        );
        assert_eq!(screen(&settings, "Idiotensicher geplant"), None);
        assert_eq!(
            screen(&settings, "Geh  sterben."),
            Some("word: geh sterben".to_owned())
        );
        assert_eq!(
            screen(&settings, "Das ist Betrügerei"),
            None,
            "ü is not u: the prefix is literal"
        );
        assert_eq!(
            screen(&settings, "Betrugsmasche!"),
            Some("word: betrug*".to_owned())
        );
        assert_eq!(screen(&settings, "Mehr Bäume für die Allee"), None);
    }

    #[test]
    fn the_screen_counts_links_against_the_limit() {
        let settings = rules("", 1);
        assert_eq!(screen(&settings, "Siehe https://a.example"), None);
        assert_eq!(
            screen(
                &settings,
                "https://a.example http://b.example www.c.example"
            ),
            Some("links: 3 > 1".to_owned())
        );
    }

    #[test]
    fn marks_show_reasons_only_for_hidden_items_and_objection_only_to_authors() {
        assert!(mark(Visibility::Visible, None, None, None, true, false).is_none());
        let hidden = mark(
            Visibility::Hidden,
            Some(ModerationReason::Spam),
            Some("Werbung"),
            None,
            true,
            false,
        );
        assert_eq!(
            hidden.as_ref().and_then(|m| m.reason),
            Some(ModerationReason::Spam)
        );
        assert!(hidden.is_some_and(|m| m.can_object));
        let held = mark(
            Visibility::Held,
            Some(ModerationReason::Spam),
            None,
            None,
            false,
            false,
        );
        assert!(held.is_some_and(|m| m.reason.is_none() && !m.can_object));
    }
}
