//! Moderation: the pre-screen on submission, reports and the auto-hide threshold, the queue
//! with claims, the decisions (each a ledger row, each told to the author by mail in the same
//! transaction), objections, the public ledger, statistics and the instance settings.

use super::procedure;
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{
    find_proposal, lock_user, names_of, parse_cursor, timestamp, write_gate,
};
use crate::backend::db::storage_error;
use crate::backend::entity::{
    comment, instance_setting, moderation_action, moderation_queue, procedure as procedure_entity,
    proposal, report, user,
};
use crate::backend::mail::{self, Template};
use crate::backend::sanitize::markdown_to_html;
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::moderation::{
    BlockedAuthor, CaseStatus, Decision, DecisionCount, Ledger, LedgerEntry, LedgerTarget,
    ModerationActionKind, ModerationMark, ModerationMode, ModerationReason, ModerationSettings,
    ModerationStats, ProcedureChoice, ProcedureDecisions, QueueFilter, QueueItem, QueueKind,
    QueueView, ReportInput, ReportOutcome, ReportView, SettingsView, Target, TargetKind,
    Visibility,
};
use crate::model::procedure::ProcedureStatus;
use crate::model::proposal::{
    CommentStatus, ProposalInput, ProposalStatus, validated_comment, validated_note,
};
use crate::model::time::Timestamp;
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

// ---------- settings ----------

/// The instance's moderation settings (the defaults until an administrator saves them).
pub async fn settings(db: &impl ConnectionTrait) -> Result<ModerationSettings, AppError> {
    let row = instance_setting::Entity::find_by_id(1)
        .one(db)
        .await
        .map_err(storage_error)?;
    Ok(
        row.map_or_else(ModerationSettings::default, |row| ModerationSettings {
            report_threshold: u32::try_from(row.report_threshold).unwrap_or(3),
            screen_words: row.screen_words,
            screen_link_limit: u32::try_from(row.screen_link_limit).unwrap_or(3),
        }),
    )
}

/// Administrators change the threshold and the pre-screen.
pub async fn save_settings(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    input: ModerationSettings,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    user.require(Permission::ManageUsers)?;
    let input = input.validated()?;
    let row = instance_setting::ActiveModel {
        id: Set(1),
        report_threshold: Set(i32::try_from(input.report_threshold).unwrap_or(3)),
        screen_words: Set(input.screen_words),
        screen_link_limit: Set(i32::try_from(input.screen_link_limit).unwrap_or(3)),
        updated_at: Set(now),
    };
    instance_setting::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(instance_setting::Column::Id)
                .update_columns([
                    instance_setting::Column::ReportThreshold,
                    instance_setting::Column::ScreenWords,
                    instance_setting::Column::ScreenLinkLimit,
                    instance_setting::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map_err(storage_error)?;
    Ok(())
}

/// The settings page: moderators see the blocked authors, administrators also edit.
pub async fn settings_view(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<SettingsView, AppError> {
    user.require(Permission::Moderate)?;
    let rows = user::Entity::find()
        .filter(user::Column::BlockedAt.is_not_null())
        .filter(
            Condition::any()
                .add(user::Column::BlockedUntil.is_null())
                .add(user::Column::BlockedUntil.gt(now)),
        )
        .order_by_desc(user::Column::BlockedAt)
        .limit(500)
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(SettingsView {
        settings: settings(db).await?,
        can_edit: user.can(Permission::ManageUsers),
        blocked: rows
            .into_iter()
            .filter_map(|row| {
                Some(BlockedAuthor {
                    user_id: row.id,
                    name: row.display_name,
                    blocked_at: timestamp(row.blocked_at?),
                    until: row.blocked_until.map(crate::backend::common::timestamp),
                })
            })
            .collect(),
    })
}

// ---------- the pre-screen ----------

/// The first rule of the pre-screen a text matches: a listed word or phrase (whole words,
/// case-insensitive; `wort*` matches any ending) or more links than the limit.
pub fn screen(settings: &ModerationSettings, text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    for entry in settings.screen_words.lines().map(str::trim) {
        let phrase: Vec<&str> = entry
            .split(|c: char| !c.is_alphanumeric() && c != '*')
            .filter(|w| !w.is_empty())
            .collect();
        if phrase.is_empty() {
            continue;
        }
        let matches_at = |start: usize| {
            phrase.iter().enumerate().all(|(i, wanted)| {
                words
                    .get(start + i)
                    .is_some_and(|word| match wanted.strip_suffix('*') {
                        Some(prefix) => word.starts_with(&prefix.to_lowercase()),
                        None => *word == wanted.to_lowercase(),
                    })
            })
        };
        if (0..words.len()).any(matches_at) {
            return Some(format!("word: {entry}"));
        }
    }
    let lower = text.to_lowercase();
    let links = lower.matches("http://").count()
        + lower.matches("https://").count()
        + lower
            .split(|c: char| c.is_whitespace() || c == '(' || c == '<')
            .filter(|w| w.starts_with("www."))
            .count();
    let limit = usize::try_from(settings.screen_link_limit).unwrap_or(usize::MAX);
    (links > limit).then(|| format!("links: {links} > {limit}"))
}

/// How a new or edited contribution enters: visible or pending, and whether the pre-screen
/// caught it. Moderators and planners (on-site entries) are not screened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Intake {
    pub visibility: Visibility,
    pub screen_rule: Option<String>,
}

pub(crate) async fn intake(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    mode: ModerationMode,
    text: &str,
) -> Result<Intake, AppError> {
    if user.can(Permission::Moderate) || user.can(Permission::Plan) {
        return Ok(Intake {
            visibility: Visibility::Visible,
            screen_rule: None,
        });
    }
    let settings = settings(db).await?;
    Ok(Intake {
        visibility: match mode {
            ModerationMode::Pre => Visibility::Pending,
            ModerationMode::Post => Visibility::Visible,
        },
        screen_rule: screen(&settings, text),
    })
}

/// Puts a new contribution into the queue when its intake asks for a moderator.
pub(crate) async fn enqueue_intake(
    db: &impl ConnectionTrait,
    item: &Item,
    intake: &Intake,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if intake.visibility != Visibility::Pending && intake.screen_rule.is_none() {
        return Ok(());
    }
    let mut entry = open_entry(db, item, now).await?;
    entry.pending = intake.visibility == Visibility::Pending;
    if intake.screen_rule.is_some() {
        entry.screen_rule = intake.screen_rule.clone();
    }
    save_entry(db, entry).await
}

// ---------- items ----------

/// A proposal or comment with what moderation needs of it.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub target: Target,
    pub procedure_id: i64,
    pub proposal_id: i64,
    pub author_id: i64,
    pub visibility: Visibility,
    /// Published (not withdrawn, not deleted by its author).
    pub published: bool,
    /// The proposal's title (a comment's: its proposal's).
    pub title: String,
    /// The text as it stands: title and body of a proposal, a comment's body.
    pub text: String,
    pub locked: bool,
}

impl Item {
    pub(crate) fn of_proposal(row: &proposal::Model) -> Self {
        Self {
            target: Target {
                kind: TargetKind::Proposal,
                id: row.id,
            },
            procedure_id: row.procedure_id,
            proposal_id: row.id,
            author_id: row.author_id,
            visibility: row.visibility,
            published: row.status == ProposalStatus::Published,
            title: row.title.clone(),
            text: format!("{}\n\n{}", row.title, row.body),
            locked: row.locked_at.is_some(),
        }
    }

    pub(crate) fn of_comment(row: &comment::Model, parent: &proposal::Model) -> Self {
        Self {
            target: Target {
                kind: TargetKind::Comment,
                id: row.id,
            },
            procedure_id: parent.procedure_id,
            proposal_id: parent.id,
            author_id: row.author_id,
            visibility: row.visibility,
            published: row.status == CommentStatus::Published,
            title: parent.title.clone(),
            text: row.body.clone(),
            locked: parent.locked_at.is_some(),
        }
    }

    /// The item's public address.
    fn path(&self) -> String {
        match self.target.kind {
            TargetKind::Proposal => format!("/vorschlaege/{}", self.proposal_id),
            TargetKind::Comment => format!(
                "/vorschlaege/{}#kommentar-{}",
                self.proposal_id, self.target.id
            ),
        }
    }
}

async fn load_item(db: &impl ConnectionTrait, target: Target) -> Result<Item, AppError> {
    match target.kind {
        TargetKind::Proposal => {
            let row = find_proposal(db, target.id).await?;
            Ok(Item::of_proposal(&row))
        }
        TargetKind::Comment => {
            let row = comment::Entity::find_by_id(target.id)
                .one(db)
                .await
                .map_err(storage_error)?
                .ok_or(AppError::NotFound)?;
            let parent = find_proposal(db, row.proposal_id).await?;
            Ok(Item::of_comment(&row, &parent))
        }
    }
}

/// Changes who sees an item, with the public reason of a hide. A comment that leaves
/// "pending" takes its place in the thread and is counted.
async fn set_visibility(
    db: &impl ConnectionTrait,
    item: &Item,
    visibility: Visibility,
    reason: Option<(Option<ModerationReason>, String)>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (code, note) = match reason {
        Some((code, note)) => (
            code.map(|c| c.as_str().to_owned()),
            Some(note).filter(|n| !n.is_empty()),
        ),
        None => (None, None),
    };
    match item.target.kind {
        TargetKind::Proposal => {
            proposal::Entity::update_many()
                .col_expr(proposal::Column::Visibility, Expr::value(visibility))
                .col_expr(proposal::Column::HiddenReason, Expr::value(code))
                .col_expr(proposal::Column::HiddenNote, Expr::value(note))
                .col_expr(proposal::Column::ModeratedAt, Expr::value(now))
                .filter(proposal::Column::Id.eq(item.target.id))
                .exec(db)
                .await
                .map_err(storage_error)?;
        }
        TargetKind::Comment => {
            comment::Entity::update_many()
                .col_expr(comment::Column::Visibility, Expr::value(visibility))
                .col_expr(comment::Column::HiddenReason, Expr::value(code))
                .col_expr(comment::Column::HiddenNote, Expr::value(note))
                .col_expr(comment::Column::ModeratedAt, Expr::value(now))
                .filter(comment::Column::Id.eq(item.target.id))
                .exec(db)
                .await
                .map_err(storage_error)?;
            if item.visibility == Visibility::Pending
                && visibility != Visibility::Pending
                && item.published
            {
                proposal::Entity::update_many()
                    .col_expr(
                        proposal::Column::CommentCount,
                        Expr::col(proposal::Column::CommentCount).add(1),
                    )
                    .filter(proposal::Column::Id.eq(item.proposal_id))
                    .exec(db)
                    .await
                    .map_err(storage_error)?;
            }
        }
    }
    Ok(())
}

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
        .filter(moderation_queue::Column::TargetKind.eq(target.kind.as_str()))
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
        .filter(moderation_queue::Column::TargetKind.eq(target.kind.as_str()))
        .filter(moderation_queue::Column::TargetId.eq(target.id))
        .filter(moderation_queue::Column::Status.eq(CaseStatus::Open))
        .exec(db)
        .await
        .map_err(storage_error)?;
    report::Entity::update_many()
        .col_expr(report::Column::Status, Expr::value(CaseStatus::Closed))
        .col_expr(report::Column::ClosedAt, Expr::value(now))
        .filter(report::Column::TargetKind.eq(target.kind.as_str()))
        .filter(report::Column::TargetId.eq(target.id))
        .filter(report::Column::Status.eq(CaseStatus::Open))
        .exec(db)
        .await
        .map_err(storage_error)?;
    Ok(())
}

// ---------- reports ----------

/// A verified resident reports a proposal or comment. One report per person and item: a
/// second changes nothing. With the threshold's number of open reports the item is held
/// until a moderator decides.
pub async fn report<C>(
    db: &C,
    user: &CurrentUser,
    input: ReportInput,
    now: DateTime<Utc>,
) -> Result<ReportOutcome, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    let input = input.validated()?;
    let _gate = write_gate(db).await;
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let item = load_item(&txn, input.target).await?;
    procedure::published_context(&txn, item.procedure_id, now).await?;
    if !item.published || matches!(item.visibility, Visibility::Pending | Visibility::Hidden) {
        return Err(AppError::NotFound);
    }
    if item.author_id == user.id {
        return Err(AppError::invalid("target", "own"));
    }
    let inserted = report::Entity::insert(report::ActiveModel {
        target_kind: Set(item.target.kind),
        target_id: Set(item.target.id),
        procedure_id: Set(item.procedure_id),
        reporter_id: Set(user.id),
        reason: Set(input.reason),
        note: Set(input.note),
        snapshot: Set(item.text.clone()),
        status: Set(CaseStatus::Open),
        created_at: Set(now),
        closed_at: Set(None),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([
        report::Column::TargetKind,
        report::Column::TargetId,
        report::Column::ReporterId,
    ])
    .exec_without_returning(&txn)
    .await
    .map_err(storage_error)?;
    if !matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0) {
        return Ok(ReportOutcome::AlreadyReported);
    }
    let mut entry = open_entry(&txn, &item, now).await?;
    entry.report_count += 1;
    let count = entry.report_count;
    save_entry(&txn, entry).await?;
    let threshold = settings(&txn).await?.report_threshold;
    if item.visibility == Visibility::Visible && u32::try_from(count).unwrap_or(0) >= threshold {
        set_visibility(&txn, &item, Visibility::Held, None, now).await?;
    }
    txn.commit().await.map_err(storage_error)?;
    Ok(ReportOutcome::Reported)
}

/// The author objects to a hide; the item returns to the queue with their words.
pub async fn object<C>(
    db: &C,
    user: &CurrentUser,
    target: Target,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let text = validated_note(text, "objection", 10, 2_000)?;
    let _gate = write_gate(db).await;
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let item = load_item(&txn, target).await?;
    if item.author_id != user.id {
        return Err(AppError::Forbidden);
    }
    if item.visibility != Visibility::Hidden {
        return Err(AppError::invalid("objection", "not_hidden"));
    }
    let mut entry = open_entry(&txn, &item, now).await?;
    if entry.objection.is_some() {
        return Err(AppError::invalid("objection", "already"));
    }
    entry.objection = Some(text.to_owned());
    save_entry(&txn, entry).await?;
    txn.commit().await.map_err(storage_error)
}

// ---------- claims ----------

/// A moderator takes an item for `CLAIM_MINUTES`; another's live claim is a conflict.
pub async fn claim(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    queue_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    user.require(Permission::Moderate)?;
    let claimed = moderation_queue::Entity::update_many()
        .col_expr(moderation_queue::Column::ClaimedBy, Expr::value(user.id))
        .col_expr(
            moderation_queue::Column::ClaimedUntil,
            Expr::value(now + Duration::minutes(CLAIM_MINUTES)),
        )
        .filter(moderation_queue::Column::Id.eq(queue_id))
        .filter(moderation_queue::Column::Status.eq(CaseStatus::Open))
        .filter(
            Condition::any()
                .add(moderation_queue::Column::ClaimedBy.is_null())
                .add(moderation_queue::Column::ClaimedBy.eq(user.id))
                .add(moderation_queue::Column::ClaimedUntil.lte(now)),
        )
        .exec(db)
        .await
        .map_err(storage_error)?;
    if claimed.rows_affected == 1 {
        return Ok(());
    }
    let exists = moderation_queue::Entity::find_by_id(queue_id)
        .filter(moderation_queue::Column::Status.eq(CaseStatus::Open))
        .count(db)
        .await
        .map_err(storage_error)?;
    Err(if exists == 0 {
        AppError::NotFound
    } else {
        AppError::Conflict
    })
}

/// Gives a claim back.
pub async fn release(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    queue_id: i64,
) -> Result<(), AppError> {
    user.require(Permission::Moderate)?;
    moderation_queue::Entity::update_many()
        .col_expr(
            moderation_queue::Column::ClaimedBy,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            moderation_queue::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(moderation_queue::Column::Id.eq(queue_id))
        .filter(moderation_queue::Column::ClaimedBy.eq(user.id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    Ok(())
}

// ---------- decisions ----------

/// A moderator's decision on an item: the change, its ledger row and the author's mail, in
/// one transaction. Another moderator's live claim on the item is a conflict.
pub async fn decide<C>(
    db: &C,
    site: &SiteSettings,
    user: &CurrentUser,
    decision: Decision,
    now: DateTime<Utc>,
) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Moderate)?;
    let decision = decision.validated()?;
    let _gate = write_gate(db).await;
    let txn = crate::backend::db::begin_write(db).await?;
    let item = load_item(&txn, decision.target).await?;
    let entry = find_entry(&txn, item.target, true).await?;
    let open_entry = entry.filter(|e| e.status == CaseStatus::Open);
    if let Some(entry) = &open_entry
        && let (Some(by), Some(until)) = (entry.claimed_by, entry.claimed_until)
        && by != user.id
        && until > now
    {
        return Err(AppError::Conflict);
    }
    let public = (decision.reason, decision.public_reason.clone());
    let mut block_until = None;
    let mut tell_author = true;
    match decision.action {
        ModerationActionKind::Approve => {
            match item.visibility {
                Visibility::Pending | Visibility::Held => {
                    set_visibility(&txn, &item, Visibility::Visible, None, now).await?;
                    if item.visibility == Visibility::Pending
                        && item.target.kind == TargetKind::Comment
                    {
                        announce_comment(&txn, site, &item, now).await?;
                    }
                }
                Visibility::Visible => tell_author = false,
                Visibility::Hidden => return Err(AppError::invalid("action", "use_restore")),
            }
            if open_entry.is_none() && item.visibility == Visibility::Visible {
                return Err(AppError::invalid("action", "nothing_to_decide"));
            }
            close_entry(&txn, item.target, now).await?;
        }
        ModerationActionKind::Hide => {
            if item.visibility == Visibility::Hidden {
                return Err(AppError::invalid("action", "already_hidden"));
            }
            if !item.published {
                return Err(AppError::invalid("action", "deleted"));
            }
            set_visibility(&txn, &item, Visibility::Hidden, Some(public.clone()), now).await?;
            close_entry(&txn, item.target, now).await?;
        }
        ModerationActionKind::Restore => {
            if !matches!(item.visibility, Visibility::Hidden | Visibility::Held) {
                return Err(AppError::invalid("action", "not_hidden"));
            }
            set_visibility(&txn, &item, Visibility::Visible, None, now).await?;
            close_entry(&txn, item.target, now).await?;
        }
        ModerationActionKind::Uphold => {
            if open_entry.as_ref().is_none_or(|e| e.objection.is_none()) {
                return Err(AppError::invalid("action", "no_objection"));
            }
            close_entry(&txn, item.target, now).await?;
        }
        ModerationActionKind::Redact => {
            redact(&txn, &item, &decision, now).await?;
        }
        ModerationActionKind::Lock | ModerationActionKind::Unlock => {
            if item.target.kind != TargetKind::Proposal {
                return Err(AppError::invalid("action", "proposals_only"));
            }
            let lock = decision.action == ModerationActionKind::Lock;
            if lock == item.locked {
                return Err(AppError::invalid("action", "unchanged"));
            }
            proposal::Entity::update_many()
                .col_expr(proposal::Column::LockedAt, Expr::value(lock.then_some(now)))
                .filter(proposal::Column::Id.eq(item.proposal_id))
                .exec(&txn)
                .await
                .map_err(storage_error)?;
        }
        ModerationActionKind::Warn => {}
        ModerationActionKind::Block => {
            let author = user::Entity::find_by_id(item.author_id)
                .one(&txn)
                .await
                .map_err(storage_error)?
                .ok_or(AppError::NotFound)?;
            if author.role != crate::model::account::Role::Resident {
                return Err(AppError::invalid("action", "staff"));
            }
            block_until = decision
                .block_days
                .map(|days| now + Duration::days(i64::from(days)));
            user::Entity::update_many()
                .col_expr(user::Column::BlockedAt, Expr::value(now))
                .col_expr(user::Column::BlockedUntil, Expr::value(block_until))
                .filter(user::Column::Id.eq(item.author_id))
                .exec(&txn)
                .await
                .map_err(storage_error)?;
        }
        ModerationActionKind::Unblock => return Err(AppError::invalid("action", "unknown")),
    }
    moderation_action::ActiveModel {
        procedure_id: Set(Some(item.procedure_id)),
        target_kind: Set(item.target.kind.into()),
        target_id: Set(item.target.id),
        proposal_id: Set(Some(item.proposal_id)),
        action: Set(decision.action),
        reason_code: Set(decision.reason),
        public_reason: Set(decision.public_reason.clone()),
        internal_note: Set(Some(decision.internal_note.clone()).filter(|n| !n.is_empty())),
        moderator_id: Set(user.id),
        block_until: Set(block_until),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(storage_error)?;
    if tell_author && item.author_id != user.id {
        tell(&txn, site, &item, &decision, block_until, now).await?;
    }
    txn.commit().await.map_err(storage_error)
}

/// Approves or hides several items with one reason; each is its own decision. Returns how
/// many were decided and how many were skipped (claimed by someone else, already decided).
pub async fn decide_many<C>(
    db: &C,
    site: &SiteSettings,
    user: &CurrentUser,
    targets: Vec<Target>,
    template: Decision,
    now: DateTime<Utc>,
) -> Result<(u32, u32), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Moderate)?;
    if !matches!(
        template.action,
        ModerationActionKind::Approve | ModerationActionKind::Hide
    ) {
        return Err(AppError::invalid("action", "not_bulk"));
    }
    if targets.is_empty() {
        return Err(AppError::invalid("targets", "empty"));
    }
    if targets.len() > 100 {
        return Err(AppError::invalid("targets", "too_many"));
    }
    template.clone().validated()?;
    let (mut done, mut skipped) = (0, 0);
    for target in targets {
        let decision = Decision {
            target,
            ..template.clone()
        };
        match decide(db, site, user, decision, now).await {
            Ok(()) => done += 1,
            Err(AppError::Internal | AppError::Unavailable) => return Err(AppError::Internal),
            Err(_) => skipped += 1,
        }
    }
    Ok((done, skipped))
}

/// Lifts a block; the ledger names no one.
pub async fn unblock<C>(
    db: &C,
    user: &CurrentUser,
    user_id: i64,
    public_reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Moderate)?;
    let public_reason = public_reason.trim();
    if public_reason.chars().count() > Decision::PUBLIC_REASON_MAX {
        return Err(AppError::invalid("public_reason", "too_long"));
    }
    let txn = crate::backend::db::begin_write(db).await?;
    let lifted = user::Entity::update_many()
        .col_expr(
            user::Column::BlockedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            user::Column::BlockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::BlockedAt.is_not_null())
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    if lifted.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    moderation_action::ActiveModel {
        procedure_id: Set(None),
        target_kind: Set(LedgerTarget::User),
        target_id: Set(user_id),
        proposal_id: Set(None),
        action: Set(ModerationActionKind::Unblock),
        reason_code: Set(None),
        public_reason: Set(public_reason.to_owned()),
        internal_note: Set(None),
        moderator_id: Set(user.id),
        block_until: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(storage_error)?;
    txn.commit().await.map_err(storage_error)
}

/// Replaces the text of an item; the item shows that moderation edited it.
async fn redact(
    db: &impl ConnectionTrait,
    item: &Item,
    decision: &Decision,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let text = decision.text.clone().unwrap_or_default();
    match item.target.kind {
        TargetKind::Proposal => {
            let row = find_proposal(db, item.target.id).await?;
            // The category stays as it is, whatever the procedure's list says now.
            let categories: Vec<String> = row.category.iter().cloned().collect();
            let input = ProposalInput {
                title: decision.title.clone().unwrap_or(row.title),
                body: text,
                category: row.category,
                location: row.location,
            }
            .validated(&categories)?;
            proposal::Entity::update_many()
                .col_expr(proposal::Column::Title, Expr::value(input.title))
                .col_expr(proposal::Column::Body, Expr::value(input.body))
                .col_expr(proposal::Column::RedactedAt, Expr::value(now))
                .filter(proposal::Column::Id.eq(item.target.id))
                .exec(db)
                .await
                .map_err(storage_error)?;
        }
        TargetKind::Comment => {
            let body = validated_comment(&text).map_err(|_| AppError::invalid("text", "length"))?;
            comment::Entity::update_many()
                .col_expr(comment::Column::Body, Expr::value(body))
                .col_expr(comment::Column::RedactedAt, Expr::value(now))
                .filter(comment::Column::Id.eq(item.target.id))
                .exec(db)
                .await
                .map_err(storage_error)?;
        }
    }
    Ok(())
}

/// A pending comment is approved: followers hear of it now, as they would have at once.
async fn announce_comment(
    db: &impl ConnectionTrait,
    site: &SiteSettings,
    item: &Item,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let row = comment::Entity::find_by_id(item.target.id)
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    let parent_author_id = match row.parent_id {
        Some(parent_id) => comment::Entity::find_by_id(parent_id)
            .one(db)
            .await
            .map_err(storage_error)?
            .map(|p| p.author_id),
        None => None,
    };
    let target = find_proposal(db, item.proposal_id).await?;
    super::follow::notify(
        db,
        site,
        &target,
        super::follow::Event::Comment {
            comment_id: row.id,
            author_id: row.author_id,
            parent_author_id,
            body: &row.body,
        },
        row.author_id,
        now,
    )
    .await
}

/// The author's mail about a decision, written to the outbox in the decision's transaction.
async fn tell(
    db: &impl ConnectionTrait,
    site: &SiteSettings,
    item: &Item,
    decision: &Decision,
    block_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(author) = user::Entity::find_by_id(item.author_id)
        .one(db)
        .await
        .map_err(storage_error)?
    else {
        return Ok(());
    };
    let (Some(email), Some(name)) = (&author.email, &author.display_name) else {
        return Ok(());
    };
    let lang = Lang::parse(&author.lang).unwrap_or_default();
    let words = MailWords::of(lang);
    let subject = words.subject(decision.action);
    let what = match decision.action {
        ModerationActionKind::Block => {
            words.block(block_until.map(crate::backend::common::timestamp))
        }
        action => words.decision(action).to_owned(),
    };
    let item_text = match item.target.kind {
        TargetKind::Proposal => format!("{} „{}“", words.your_proposal, item.title),
        TargetKind::Comment => format!("{} „{}“", words.your_comment, item.title),
    };
    let reason = match (decision.reason, decision.public_reason.as_str()) {
        (Some(code), "") => words.reason(code).to_owned(),
        (Some(code), text) => format!("{} – {text}", words.reason(code)),
        (None, "") => words.no_reason.to_owned(),
        (None, text) => text.to_owned(),
    };
    let next = match decision.action {
        ModerationActionKind::Hide => words.how_to_object,
        ModerationActionKind::Block | ModerationActionKind::Warn | ModerationActionKind::Uphold => {
            words.questions
        }
        _ => words.nothing_to_do,
    };
    let link = format!("{}{}", site.public_url, item.path());
    let vars = [
        ("name", name.as_str()),
        ("instance", site.instance_name.as_str()),
        ("subject", subject),
        ("decision", what.as_str()),
        ("item", item_text.as_str()),
        ("reason", reason.as_str()),
        ("next", next),
        ("link", link.as_str()),
    ];
    mail::enqueue(db, email, Template::ModerationDecision, lang, &vars, now).await
}

/// The sentences of the decision mail, in the author's language (kept out of the UI texts:
/// they never reach the browser).
struct MailWords {
    lang: Lang,
    your_proposal: &'static str,
    your_comment: &'static str,
    no_reason: &'static str,
    how_to_object: &'static str,
    questions: &'static str,
    nothing_to_do: &'static str,
}

impl MailWords {
    fn of(lang: Lang) -> Self {
        match lang {
            Lang::De => Self {
                lang,
                your_proposal: "Ihr Vorschlag",
                your_comment: "Ihr Kommentar zum Vorschlag",
                no_reason: "(keine weitere Begründung)",
                how_to_object: "Wenn Sie die Entscheidung für falsch halten, können Sie auf der Seite des Beitrags (Link unten) widersprechen. Ein anderes Mitglied der Moderation prüft Ihren Widerspruch.",
                questions: "Bei Fragen zu dieser Entscheidung antworten Sie auf diese E-Mail.",
                nothing_to_do: "Sie müssen nichts weiter tun.",
            },
            Lang::En => Self {
                lang,
                your_proposal: "Your proposal",
                your_comment: "Your comment on the proposal",
                no_reason: "(no further reason given)",
                how_to_object: "If you think this decision is wrong, you can object on the contribution's page (link below). A moderator will review your objection.",
                questions: "If you have questions about this decision, reply to this e-mail.",
                nothing_to_do: "There is nothing more you need to do.",
            },
        }
    }

    fn subject(&self, action: ModerationActionKind) -> &'static str {
        use ModerationActionKind as A;
        match (self.lang, action) {
            (Lang::De, A::Approve | A::Restore) => "Ihr Beitrag ist sichtbar",
            (Lang::De, A::Hide) => "Ihr Beitrag wurde ausgeblendet",
            (Lang::De, A::Redact) => "Ihr Beitrag wurde bearbeitet",
            (Lang::De, A::Lock | A::Unlock) => "Die Diskussion zu Ihrem Vorschlag",
            (Lang::De, A::Warn) => "Eine Verwarnung",
            (Lang::De, A::Block | A::Unblock) => "Ihr Konto ist gesperrt",
            (Lang::De, A::Uphold) => "Ihr Widerspruch wurde geprüft",
            (Lang::En, A::Approve | A::Restore) => "Your contribution is visible",
            (Lang::En, A::Hide) => "Your contribution has been hidden",
            (Lang::En, A::Redact) => "Your contribution has been edited",
            (Lang::En, A::Lock | A::Unlock) => "The discussion of your proposal",
            (Lang::En, A::Warn) => "A warning",
            (Lang::En, A::Block | A::Unblock) => "Your account is blocked",
            (Lang::En, A::Uphold) => "Your objection has been reviewed",
        }
    }

    fn decision(&self, action: ModerationActionKind) -> &'static str {
        use ModerationActionKind as A;
        match (self.lang, action) {
            (Lang::De, A::Approve) => {
                "die Moderation hat Ihren Beitrag geprüft und freigegeben. Er ist jetzt für alle sichtbar."
            }
            (Lang::De, A::Restore) => {
                "die Moderation hat Ihren Beitrag wieder eingeblendet. Er ist jetzt wieder für alle sichtbar."
            }
            (Lang::De, A::Hide) => {
                "die Moderation hat Ihren Beitrag ausgeblendet. An seiner Stelle steht ein Hinweis mit der Begründung und dem Datum."
            }
            (Lang::De, A::Redact) => {
                "die Moderation hat personenbezogene Daten aus Ihrem Beitrag entfernt. Der Beitrag ist als bearbeitet gekennzeichnet."
            }
            (Lang::De, A::Lock) => {
                "die Moderation hat die Diskussion zu Ihrem Vorschlag geschlossen; neue Kommentare sind nicht mehr möglich."
            }
            (Lang::De, A::Unlock) => {
                "die Moderation hat die Diskussion zu Ihrem Vorschlag wieder geöffnet."
            }
            (Lang::De, A::Warn) => {
                "die Moderation verwarnt Sie wegen eines Ihrer Beiträge. Bitte beachten Sie die Regeln der Beteiligung; bei weiteren Verstößen kann Ihr Konto gesperrt werden."
            }
            (Lang::De, A::Uphold) => {
                "die Moderation hat Ihren Widerspruch geprüft. Die Entscheidung bleibt bestehen."
            }
            (Lang::De, A::Block | A::Unblock) => "",
            (Lang::En, A::Approve) => {
                "the moderators have reviewed and approved your contribution. Everyone can see it now."
            }
            (Lang::En, A::Restore) => {
                "the moderators have restored your contribution. Everyone can see it again."
            }
            (Lang::En, A::Hide) => {
                "the moderators have hidden your contribution. In its place, a notice shows the reason and the date."
            }
            (Lang::En, A::Redact) => {
                "the moderators have removed personal data from your contribution. It is marked as edited."
            }
            (Lang::En, A::Lock) => {
                "the moderators have closed the discussion of your proposal; it takes no new comments."
            }
            (Lang::En, A::Unlock) => {
                "the moderators have reopened the discussion of your proposal."
            }
            (Lang::En, A::Warn) => {
                "the moderators warn you about one of your contributions. Please keep to the rules of participation; further breaches can lead to your account being blocked."
            }
            (Lang::En, A::Uphold) => {
                "the moderators have reviewed your objection. The decision stands."
            }
            (Lang::En, A::Block | A::Unblock) => "",
        }
    }

    fn block(&self, until: Option<Timestamp>) -> String {
        let texts = self.lang.texts();
        match (self.lang, until) {
            (Lang::De, Some(until)) => format!(
                "die Moderation hat Ihr Konto bis zum {} gesperrt. Bis dahin können Sie alles lesen, aber nichts beitragen.",
                texts.date(until)
            ),
            (Lang::De, None) => "die Moderation hat Ihr Konto dauerhaft gesperrt. Sie können weiterhin alles lesen, aber nichts beitragen.".to_owned(),
            (Lang::En, Some(until)) => format!(
                "the moderators have blocked your account until {}. Until then you can read everything but not contribute.",
                texts.date(until)
            ),
            (Lang::En, None) => "the moderators have blocked your account for good. You can still read everything but not contribute.".to_owned(),
        }
    }

    fn reason(&self, reason: ModerationReason) -> &'static str {
        self.lang.texts().reason(reason)
    }
}

// ---------- what the public and the author see ----------

/// The mark of a moderated item for a viewer, or `None` when it is visible.
pub(crate) fn mark(
    visibility: Visibility,
    hidden_reason: Option<ModerationReason>,
    hidden_note: Option<&str>,
    moderated_at: Option<DateTime<Utc>>,
    is_author: bool,
    objected: bool,
) -> Option<ModerationMark> {
    if visibility == Visibility::Visible {
        return None;
    }
    let hidden = visibility == Visibility::Hidden;
    Some(ModerationMark {
        visibility,
        reason: hidden.then_some(hidden_reason).flatten(),
        note: hidden.then(|| hidden_note.map(str::to_owned)).flatten(),
        at: moderated_at.map(crate::backend::common::timestamp),
        can_object: hidden && is_author && !objected,
        objected: hidden && is_author && objected,
    })
}

/// Which of the viewer's own hidden items already carry their objection.
pub(crate) async fn objected(
    db: &impl ConnectionTrait,
    targets: &[Target],
) -> Result<HashSet<Target>, AppError> {
    if targets.is_empty() {
        return Ok(HashSet::new());
    }
    let mut condition = Condition::any();
    for target in targets {
        condition = condition.add(
            Condition::all()
                .add(moderation_queue::Column::TargetKind.eq(target.kind.as_str()))
                .add(moderation_queue::Column::TargetId.eq(target.id)),
        );
    }
    let rows = moderation_queue::Entity::find()
        .filter(condition)
        .filter(moderation_queue::Column::Status.eq(CaseStatus::Open))
        .filter(moderation_queue::Column::Objection.is_not_null())
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .map(|row| Target {
            kind: row.target_kind,
            id: row.target_id,
        })
        .collect())
}

/// The items among these the viewer has reported.
pub(crate) async fn reported_by(
    db: &impl ConnectionTrait,
    user_id: Option<i64>,
    proposal_id: i64,
    comment_ids: &[i64],
) -> Result<HashSet<Target>, AppError> {
    let Some(user_id) = user_id else {
        return Ok(HashSet::new());
    };
    let rows = report::Entity::find()
        .filter(report::Column::ReporterId.eq(user_id))
        .filter(report_targets(vec![proposal_id], comment_ids.to_vec()))
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .map(|row| Target {
            kind: row.target_kind,
            id: row.target_id,
        })
        .collect())
}

/// Reports on any of these proposals or comments. One branch per kind that has ids: an
/// empty `IN` branch would keep SQLite from using the target index and scan every report.
fn report_targets(proposal_ids: Vec<i64>, comment_ids: Vec<i64>) -> Condition {
    let mut targets = Condition::any();
    for (kind, ids) in [
        (TargetKind::Proposal, proposal_ids),
        (TargetKind::Comment, comment_ids),
    ] {
        if !ids.is_empty() {
            targets = targets.add(
                Condition::all()
                    .add(report::Column::TargetKind.eq(kind.as_str()))
                    .add(report::Column::TargetId.is_in(ids)),
            );
        }
    }
    targets
}

// ---------- the queue ----------

/// One page of open items, oldest first, with everything a decision needs.
pub async fn queue(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    filter: QueueFilter,
    now: DateTime<Utc>,
) -> Result<QueueView, AppError> {
    user.require(Permission::Moderate)?;
    let mut select = moderation_queue::Entity::find()
        .filter(moderation_queue::Column::Status.eq(CaseStatus::Open));
    let choices = procedure_choices(db).await?;
    if let Some(slug) = &filter.procedure {
        // An unknown address filters to nothing.
        let id = choices
            .iter()
            .find(|(_, p)| p.slug == *slug)
            .map_or(0, |(id, _)| *id);
        select = select.filter(moderation_queue::Column::ProcedureId.eq(id));
    }
    select = match filter.kind {
        Some(QueueKind::Pending) => select.filter(moderation_queue::Column::Pending.eq(true)),
        Some(QueueKind::Reported) => select.filter(moderation_queue::Column::ReportCount.gt(0)),
        Some(QueueKind::Screened) => {
            select.filter(moderation_queue::Column::ScreenRule.is_not_null())
        }
        Some(QueueKind::Objection) => {
            select.filter(moderation_queue::Column::Objection.is_not_null())
        }
        None => select,
    };
    if let Some(reason) = filter.reason {
        let reports = Query::select()
            .expr(Expr::val(1))
            .from(report::Entity)
            .and_where(
                Expr::col((report::Entity, report::Column::TargetKind)).equals((
                    moderation_queue::Entity,
                    moderation_queue::Column::TargetKind,
                )),
            )
            .and_where(
                Expr::col((report::Entity, report::Column::TargetId))
                    .equals((moderation_queue::Entity, moderation_queue::Column::TargetId)),
            )
            .and_where(Expr::col((report::Entity, report::Column::Status)).eq(CaseStatus::Open))
            .and_where(Expr::col((report::Entity, report::Column::Reason)).eq(reason.as_str()))
            .to_owned();
        select = select.filter(Expr::exists(reports));
    }
    if let Some(days) = filter.min_age_days {
        select = select
            .filter(moderation_queue::Column::OpenedAt.lte(now - Duration::days(i64::from(days))));
    }
    let total = select.clone().count(db).await.map_err(storage_error)?;
    let mut page = select
        .order_by_asc(moderation_queue::Column::OpenedAt)
        .order_by_asc(moderation_queue::Column::Id);
    if let Some(cursor) = &filter.cursor {
        let (micros, id) = parse_cursor(cursor)?;
        let at = DateTime::<Utc>::from_timestamp_micros(micros)
            .ok_or_else(|| AppError::invalid("cursor", "malformed"))?;
        page = page.filter(
            Condition::any()
                .add(moderation_queue::Column::OpenedAt.gt(at))
                .add(
                    Condition::all()
                        .add(moderation_queue::Column::OpenedAt.eq(at))
                        .add(moderation_queue::Column::Id.gt(id)),
                ),
        );
    }
    let mut rows = with_item_columns(page)
        .limit(QUEUE_PAGE_SIZE + 1)
        .into_model::<QueueRow>()
        .all(db)
        .await
        .map_err(storage_error)?;
    let next_cursor = if rows.len() as u64 > QUEUE_PAGE_SIZE {
        rows.truncate(QUEUE_PAGE_SIZE as usize);
        rows.last()
            .map(|last| format!("{}.{}", last.opened_at.timestamp_micros(), last.id))
    } else {
        None
    };
    let by_id: HashMap<i64, ProcedureChoice> = choices.iter().cloned().collect();
    let items = queue_items(db, user, rows, &by_id, now).await?;
    let procedures = choices.into_iter().map(|(_, p)| p).collect();
    Ok(QueueView {
        filter,
        total,
        items,
        next_cursor,
        procedures,
    })
}

/// A queue entry with what its card shows of the item, its proposal and its author: one
/// query (joins on primary keys) instead of one per table.
#[derive(Debug, FromQueryResult)]
struct QueueRow {
    id: i64,
    target_kind: TargetKind,
    target_id: i64,
    procedure_id: i64,
    proposal_id: i64,
    pending: bool,
    screen_rule: Option<String>,
    objection: Option<String>,
    opened_at: DateTime<Utc>,
    claimed_by: Option<i64>,
    claimed_until: Option<DateTime<Utc>>,
    title: String,
    proposal_body: String,
    proposal_visibility: Visibility,
    proposal_hidden_reason: Option<ModerationReason>,
    locked_at: Option<DateTime<Utc>>,
    comment_body: Option<String>,
    comment_visibility: Option<Visibility>,
    comment_hidden_reason: Option<ModerationReason>,
    author_name: Option<String>,
}

fn with_item_columns(
    select: sea_orm::Select<moderation_queue::Entity>,
) -> sea_orm::Select<moderation_queue::Entity> {
    use moderation_queue::Column as Q;
    let to_proposal = moderation_queue::Entity::belongs_to(proposal::Entity)
        .from(Q::ProposalId)
        .to(proposal::Column::Id)
        .into();
    let to_comment = moderation_queue::Entity::belongs_to(comment::Entity)
        .from(Q::TargetId)
        .to(comment::Column::Id)
        .on_condition(|queue, _| {
            Expr::col((queue, Q::TargetKind))
                .eq(TargetKind::Comment)
                .into_condition()
        })
        .into();
    let to_author = moderation_queue::Entity::belongs_to(user::Entity)
        .from(Q::AuthorId)
        .to(user::Column::Id)
        .into();
    select
        .select_only()
        .columns([
            Q::Id,
            Q::TargetKind,
            Q::TargetId,
            Q::ProcedureId,
            Q::ProposalId,
            Q::Pending,
            Q::ScreenRule,
            Q::Objection,
            Q::OpenedAt,
            Q::ClaimedBy,
            Q::ClaimedUntil,
        ])
        .column_as(proposal::Column::Title, "title")
        .column_as(proposal::Column::Body, "proposal_body")
        .column_as(proposal::Column::Visibility, "proposal_visibility")
        .column_as(proposal::Column::HiddenReason, "proposal_hidden_reason")
        .column_as(proposal::Column::LockedAt, "locked_at")
        .column_as(comment::Column::Body, "comment_body")
        .column_as(comment::Column::Visibility, "comment_visibility")
        .column_as(comment::Column::HiddenReason, "comment_hidden_reason")
        .column_as(user::Column::DisplayName, "author_name")
        .join(JoinType::InnerJoin, to_proposal)
        .join(JoinType::LeftJoin, to_comment)
        .join(JoinType::LeftJoin, to_author)
}

async fn queue_items(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    rows: Vec<QueueRow>,
    procedures: &HashMap<i64, ProcedureChoice>,
    now: DateTime<Utc>,
) -> Result<Vec<QueueItem>, AppError> {
    let ids_of = |kind: TargetKind| -> Vec<i64> {
        rows.iter()
            .filter(|r| r.target_kind == kind)
            .map(|r| r.target_id)
            .collect()
    };
    let mut report_rows = if rows.is_empty() {
        Vec::new()
    } else {
        report::Entity::find()
            .filter(report::Column::Status.eq(CaseStatus::Open))
            .filter(report_targets(
                ids_of(TargetKind::Proposal),
                ids_of(TargetKind::Comment),
            ))
            .all(db)
            .await
            .map_err(storage_error)?
    };
    // In the order they came in (sorted here: in SQL it would take SQLite a temporary table).
    report_rows.sort_unstable_by_key(|r| r.id);
    let mut reports: HashMap<(TargetKind, i64), Vec<ReportView>> = HashMap::new();
    for row in report_rows {
        reports
            .entry((row.target_kind, row.target_id))
            .or_default()
            .push(ReportView {
                reason: row.reason,
                note: row.note,
                snapshot: row.snapshot,
                created_at: timestamp(row.created_at),
            });
    }
    let live_claim = |row: &QueueRow| {
        row.claimed_until
            .is_some_and(|until| until > now)
            .then_some(row.claimed_by)
            .flatten()
    };
    // Names of other moderators holding a claim: rare, so only looked up when there are any.
    let claimers = names_of(
        db,
        rows.iter()
            .filter_map(live_claim)
            .filter(|by| *by != user.id)
            .collect(),
    )
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let kind = row.target_kind;
        let (body, visibility, hidden_reason) = match kind {
            TargetKind::Proposal => (
                row.proposal_body.as_str(),
                row.proposal_visibility,
                row.proposal_hidden_reason,
            ),
            TargetKind::Comment => {
                let (Some(body), Some(visibility)) = (&row.comment_body, row.comment_visibility)
                else {
                    continue;
                };
                (body.as_str(), visibility, row.comment_hidden_reason)
            }
        };
        let item_reports = reports
            .remove(&(row.target_kind, row.target_id))
            .unwrap_or_default();
        let mut tally: HashMap<ModerationReason, usize> = HashMap::new();
        for r in &item_reports {
            *tally.entry(r.reason).or_default() += 1;
        }
        let suggested_reason = ModerationReason::ALL
            .into_iter()
            .filter(|r| tally.contains_key(r))
            .max_by_key(|r| {
                (
                    tally.get(r).copied().unwrap_or(0),
                    std::cmp::Reverse(*r as u8),
                )
            });
        let claim = live_claim(&row);
        let (slug, title) = procedures
            .get(&row.procedure_id)
            .map(|p| (p.slug.clone(), p.title.clone()))
            .unwrap_or_default();
        let claimed_by_other = claim
            .filter(|by| *by != user.id)
            .map(|by| claimers.get(&by).cloned().unwrap_or_default());
        items.push(QueueItem {
            actions: queue_actions(visibility, claimed_by_other.is_none()),
            id: row.id,
            target: Target {
                kind,
                id: row.target_id,
            },
            proposal_id: row.proposal_id,
            procedure_title: title,
            procedure_slug: slug,
            body_html: markdown_to_html(body),
            visibility,
            hidden_reason,
            title: row.title,
            author: row.author_name,
            pending: row.pending,
            screen_rule: row.screen_rule,
            reports: item_reports,
            objection: row.objection,
            locked: row.locked_at.is_some(),
            opened_at: timestamp(row.opened_at),
            claimed_by_other,
            claimed_by_me: claim == Some(user.id),
            suggested_reason,
        });
    }
    Ok(items)
}

/// The decisions the queue offers on an item: on a hidden one (its author objected) to
/// restore it or uphold the decision; on any other, unless another moderator holds it, to
/// approve or hide it. Further decisions are on the item's own page.
fn queue_actions(visibility: Visibility, free: bool) -> Vec<ModerationActionKind> {
    match visibility {
        Visibility::Hidden => vec![ModerationActionKind::Restore, ModerationActionKind::Uphold],
        _ if free => vec![ModerationActionKind::Approve, ModerationActionKind::Hide],
        _ => Vec::new(),
    }
}

/// Every procedure by id, title order: the queue's filter list, its items' and the
/// statistics' names, from one query.
/// The procedures moderators choose from and see named: the published ones, and an
/// unpublished one only while items of it wait in the queue (it was taken offline after
/// contributions came). A draft that never took any stays unnamed: its title is the
/// planners' until they publish it.
async fn procedure_choices(
    db: &impl ConnectionTrait,
) -> Result<Vec<(i64, ProcedureChoice)>, AppError> {
    let waiting = Query::select()
        .distinct()
        .column(moderation_queue::Column::ProcedureId)
        .from(moderation_queue::Entity)
        .and_where(moderation_queue::Column::ClosedAt.is_null())
        .to_owned();
    let mut rows: Vec<(i64, String, String)> = procedure_entity::Entity::find()
        .select_only()
        .column(procedure_entity::Column::Id)
        .column(procedure_entity::Column::Slug)
        .column(procedure_entity::Column::Title)
        .filter(
            Condition::any()
                .add(procedure_entity::Column::Status.eq(ProcedureStatus::Published))
                .add(procedure_entity::Column::Id.in_subquery(waiting)),
        )
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    // Sorted here: a handful of rows, and SQLite would sort them in a temporary table.
    rows.sort_by(|a, b| a.2.cmp(&b.2));
    Ok(rows
        .into_iter()
        .map(|(id, slug, title)| (id, ProcedureChoice { slug, title }))
        .collect())
}

// ---------- the public ledger ----------

/// Every decision, newest first; per procedure or instance-wide. Never the moderator, never
/// the internal note.
pub async fn ledger(
    db: &impl ConnectionTrait,
    procedure_slug: Option<&crate::model::procedure::Slug>,
    cursor: Option<&str>,
) -> Result<Ledger, AppError> {
    let mut select = moderation_action::Entity::find();
    let procedure = match procedure_slug {
        Some(slug) => {
            let id = procedure::published_id(db, slug).await?;
            let row = procedure_entity::Entity::find_by_id(id)
                .one(db)
                .await
                .map_err(storage_error)?
                .ok_or(AppError::NotFound)?;
            select = select.filter(moderation_action::Column::ProcedureId.eq(id));
            Some(ProcedureChoice {
                slug: row.slug,
                title: row.title,
            })
        }
        None => None,
    };
    if let Some(cursor) = cursor {
        let before: i64 = cursor
            .parse()
            .map_err(|_| AppError::invalid("cursor", "malformed"))?;
        select = select.filter(moderation_action::Column::Id.lt(before));
    }
    let mut rows = select
        .order_by_desc(moderation_action::Column::Id)
        .limit(LEDGER_PAGE_SIZE + 1)
        .all(db)
        .await
        .map_err(storage_error)?;
    let next_cursor = if rows.len() as u64 > LEDGER_PAGE_SIZE {
        rows.truncate(LEDGER_PAGE_SIZE as usize);
        rows.last().map(|last| last.id.to_string())
    } else {
        None
    };
    // Only published procedures are named; a draft's decisions show without a link.
    let published: HashMap<i64, (String, String)> = procedure_entity::Entity::find()
        .select_only()
        .column(procedure_entity::Column::Id)
        .column(procedure_entity::Column::Slug)
        .column(procedure_entity::Column::Title)
        .filter(
            procedure_entity::Column::Id.is_in(
                rows.iter()
                    .filter_map(|r| r.procedure_id)
                    .collect::<HashSet<_>>(),
            ),
        )
        .filter(procedure_entity::Column::Status.eq(ProcedureStatus::Published))
        .into_tuple::<(i64, String, String)>()
        .all(db)
        .await
        .map_err(storage_error)?
        .into_iter()
        .map(|(id, slug, title)| (id, (slug, title)))
        .collect();
    let entries = rows
        .into_iter()
        .map(|row| {
            let action = row.action;
            let named = row.procedure_id.and_then(|id| published.get(&id));
            LedgerEntry {
                id: row.id,
                created_at: timestamp(row.created_at),
                action,
                reason: row.reason_code,
                public_reason: row.public_reason,
                target: row.target_kind.content().map(|kind| Target {
                    kind,
                    id: row.target_id,
                }),
                proposal_id: row.proposal_id.filter(|_| named.is_some()),
                procedure_slug: named.map(|(slug, _)| slug.clone()),
                procedure_title: named.map(|(_, title)| title.clone()),
                block_until: row.block_until.map(crate::backend::common::timestamp),
            }
        })
        .collect();
    Ok(Ledger {
        procedure,
        entries,
        next_cursor,
    })
}

// ---------- statistics ----------

/// Open items by kind, the median time from an item entering the queue to its decision
/// (last 90 days), and the decisions by kind per procedure.
pub async fn stats(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<ModerationStats, AppError> {
    user.require(Permission::Moderate)?;
    let open = || {
        moderation_queue::Entity::find()
            .filter(moderation_queue::Column::Status.eq(CaseStatus::Open))
    };
    let count = |select: sea_orm::Select<moderation_queue::Entity>| async move {
        select.count(db).await.map_err(storage_error)
    };
    let open_items = count(open()).await?;
    let open_pending = count(open().filter(moderation_queue::Column::Pending.eq(true))).await?;
    let open_reported = count(open().filter(moderation_queue::Column::ReportCount.gt(0))).await?;
    let open_screened =
        count(open().filter(moderation_queue::Column::ScreenRule.is_not_null())).await?;
    let open_objections =
        count(open().filter(moderation_queue::Column::Objection.is_not_null())).await?;
    let spans: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = moderation_queue::Entity::find()
        .select_only()
        .column(moderation_queue::Column::OpenedAt)
        .column(moderation_queue::Column::ClosedAt)
        .filter(moderation_queue::Column::Status.eq(CaseStatus::Closed))
        .filter(moderation_queue::Column::ClosedAt.gte(now - Duration::days(90)))
        .order_by_desc(moderation_queue::Column::ClosedAt)
        .limit(20_000)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let mut minutes: Vec<u64> = spans
        .into_iter()
        .filter_map(|(opened, closed)| u64::try_from((closed? - opened).num_minutes()).ok())
        .collect();
    minutes.sort_unstable();
    let median_minutes_to_decision = minutes.get(minutes.len() / 2).copied();
    let grouped: Vec<(Option<i64>, ModerationActionKind, i64)> = moderation_action::Entity::find()
        .select_only()
        .column(moderation_action::Column::ProcedureId)
        .column(moderation_action::Column::Action)
        .column_as(moderation_action::Column::Id.count(), "n")
        .group_by(moderation_action::Column::ProcedureId)
        .group_by(moderation_action::Column::Action)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let titles: HashMap<i64, ProcedureChoice> = procedure_choices(db).await?.into_iter().collect();
    let mut by_procedure: Vec<ProcedureDecisions> = Vec::new();
    for (procedure_id, action, n) in grouped {
        let procedure = procedure_id.and_then(|id| titles.get(&id).cloned());
        let entry = match by_procedure.iter_mut().find(|p| p.procedure == procedure) {
            Some(entry) => entry,
            None => {
                by_procedure.push(ProcedureDecisions {
                    procedure,
                    decisions: Vec::new(),
                });
                let last = by_procedure.len() - 1;
                &mut by_procedure[last]
            }
        };
        entry.decisions.push(DecisionCount {
            action,
            count: u64::try_from(n).unwrap_or(0),
        });
    }
    for entry in &mut by_procedure {
        entry.decisions.sort_by_key(|d| d.action as u8);
    }
    by_procedure.sort_by(|a, b| {
        let title = |p: &ProcedureDecisions| p.procedure.as_ref().map(|c| c.title.clone());
        title(a).cmp(&title(b))
    });
    Ok(ModerationStats {
        open_items,
        open_pending,
        open_reported,
        open_screened,
        open_objections,
        median_minutes_to_decision,
        decided_items: minutes.len() as u64,
        by_procedure,
    })
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
