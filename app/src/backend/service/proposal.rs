//! Proposals: submission (online and on site), editing until the first reaction,
//! withdrawal, the public page, and the listing with sort, filters, search and keyset
//! pagination.

use super::procedure::{self, Context};
use super::{follow, moderation};
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{
    Cursor, Sight, after, excerpt, find_proposal, lock_user, names_of, page_of, sight, write_gate,
};
use crate::backend::db::storage_error;
use crate::backend::entity::{comment, follow as follow_entity, proposal, vote};
use crate::backend::sanitize::markdown_to_html;
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::model::idempotency::IdempotencyKey;
use crate::model::moderation::{ModerationActionKind, Target, TargetKind, Visibility};
use crate::model::procedure::Slug;
use crate::model::proposal::{
    COMMENT_EDIT_MINUTES, CommentStatus, CommentView, Origin, ProposalCard, ProposalDetail,
    ProposalInput, ProposalListing, ProposalQuery, ProposalSort, ProposalStatus, Source, Tally,
    Viewer, VoteBudget, VoteRule, validated_event, validated_note,
};
use crate::model::time::Timestamp;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Order};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set, TransactionSession,
    TransactionTrait,
};
use std::collections::{HashMap, HashSet};

/// Proposals per listing page.
pub const PAGE_SIZE: u64 = 20;

/// Submits a proposal. `onsite` names the event a planner enters it for; the author then
/// is the planner and the proposal shows where it came from.
pub async fn create<C>(
    db: &C,
    user: &CurrentUser,
    procedure_id: i64,
    input: ProposalInput,
    onsite: Option<String>,
    key: Option<&IdempotencyKey>,
    now: DateTime<Utc>,
) -> Result<i64, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    let event = onsite_event(user, onsite)?;
    let _gate = write_gate(db).await;
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let (context, _) = procedure::published_context(&txn, procedure_id, now).await?;
    if !context.allowed.propose {
        return Err(AppError::invalid("phase", "closed"));
    }
    let input = input.validated(&context.categories)?;
    // A form sent again (its response was lost) gets the proposal it already wrote. The
    // same key with another title or text is a new proposal from a page shown again (the
    // back button): it is written, without the key.
    let mut key = key;
    if let Some(sent) = key
        && let Some(existing) = proposal::Entity::find()
            .filter(proposal::Column::AuthorId.eq(user.id))
            .filter(proposal::Column::IdempotencyKey.eq(sent.as_str()))
            .one(&txn)
            .await
            .map_err(storage_error)?
    {
        if existing.title == input.title && existing.body == input.body {
            return Ok(existing.id);
        }
        key = None;
    }
    let id = insert(&txn, user, &context, input, event, key, now).await?;
    txn.commit().await.map_err(storage_error)?;
    Ok(id)
}

/// Writes a checked proposal in the caller's transaction: the moderation pre-screen, the
/// row, its queue entry, and the author following it. The caller holds the write gate and
/// has checked the phase and validated `input`.
pub(crate) async fn insert(
    txn: &impl ConnectionTrait,
    user: &CurrentUser,
    context: &Context,
    input: ProposalInput,
    event: Option<String>,
    key: Option<&IdempotencyKey>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let intake = moderation::intake(
        txn,
        user,
        context.moderation,
        &format!("{}\n{}", input.title, input.body),
    )
    .await?;
    let inserted = proposal::ActiveModel {
        procedure_id: Set(context.id),
        author_id: Set(user.id),
        title: Set(input.title),
        body: Set(input.body),
        category: Set(input.category),
        location: Set(input.location),
        source: Set(source_column(&event)),
        event_name: Set(event),
        status: Set(ProposalStatus::Published),
        withdrawal_note: Set(None),
        support_count: Set(0),
        up_count: Set(0),
        down_count: Set(0),
        score: Set(0),
        comment_count: Set(0),
        engaged_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        visibility: Set(intake.visibility),
        idempotency_key: Set(key.map(|key| key.as_str().to_owned())),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(storage_error)?;
    moderation::enqueue_intake(txn, &moderation::Item::of_proposal(&inserted), &intake, now)
        .await?;
    // Authors follow their own proposal. A planner typing in a contribution from an
    // on-site event is not its author: they would be mailed about every comment on it.
    if inserted.event_name.is_none() {
        follow::insert(txn, user.id, inserted.id, now).await?;
    }
    Ok(inserted.id)
}

/// The on-site event a contribution is entered for, checked: planners only. A blank
/// event (the form's empty field) means an online contribution.
pub(crate) fn onsite_event(
    user: &CurrentUser,
    event: Option<String>,
) -> Result<Option<String>, AppError> {
    match event.filter(|e| !e.trim().is_empty()) {
        Some(event) => {
            user.require(Permission::Plan)?;
            validated_event(&event).map(Some)
        }
        None => Ok(None),
    }
}

/// The `source` column of a contribution with or without an on-site event.
pub(crate) fn source_column(event: &Option<String>) -> Origin {
    if event.is_some() {
        Origin::Onsite
    } else {
        Origin::Online
    }
}

/// The author changes their proposal, as long as nobody has voted on or commented it.
pub async fn edit<C>(
    db: &C,
    user: &CurrentUser,
    proposal_id: i64,
    input: ProposalInput,
    now: DateTime<Utc>,
) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let row = find_proposal(&txn, proposal_id).await?;
    if row.author_id != user.id {
        return Err(AppError::Forbidden);
    }
    if row.status != ProposalStatus::Published {
        return Err(AppError::invalid("proposal", "withdrawn"));
    }
    if row.engaged_at.is_some() {
        return Err(AppError::invalid("proposal", "locked"));
    }
    if matches!(row.visibility, Visibility::Held | Visibility::Hidden) {
        return Err(AppError::invalid("proposal", "hidden"));
    }
    let (context, _) = procedure::published_context(&txn, row.procedure_id, now).await?;
    let input = input.validated(&context.categories)?;
    // The changed text passes the pre-screen again (pending stays pending).
    let intake = moderation::intake(
        &txn,
        user,
        context.moderation,
        &format!("{}\n{}", input.title, input.body),
    )
    .await?;
    let intake = moderation::Intake {
        visibility: row.visibility,
        ..intake
    };
    moderation::enqueue_intake(&txn, &moderation::Item::of_proposal(&row), &intake, now).await?;
    // The condition repeats the check: a vote that arrived meanwhile wins.
    let updated = proposal::Entity::update_many()
        .col_expr(proposal::Column::Title, Expr::value(input.title))
        .col_expr(proposal::Column::Body, Expr::value(input.body))
        .col_expr(proposal::Column::Category, Expr::value(input.category))
        .col_expr(proposal::Column::Location, Expr::value(input.location))
        .col_expr(proposal::Column::UpdatedAt, Expr::value(now))
        .filter(proposal::Column::Id.eq(proposal_id))
        .filter(proposal::Column::EngagedAt.is_null())
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    if updated.rows_affected == 0 {
        return Err(AppError::invalid("proposal", "locked"));
    }
    txn.commit().await.map_err(storage_error)
}

/// The author withdraws their proposal with a note everyone sees; followers are told.
pub async fn withdraw<C>(
    db: &C,
    site: &SiteSettings,
    user: &CurrentUser,
    proposal_id: i64,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    let note = validated_note(note, "note", 3, 1_000)?;
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let row = find_proposal(&txn, proposal_id).await?;
    if row.author_id != user.id {
        return Err(AppError::Forbidden);
    }
    if row.status != ProposalStatus::Published {
        return Err(AppError::invalid("proposal", "withdrawn"));
    }
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::Status,
            Expr::value(ProposalStatus::Withdrawn),
        )
        .col_expr(
            proposal::Column::WithdrawalNote,
            Expr::value(note.to_owned()),
        )
        .col_expr(proposal::Column::UpdatedAt, Expr::value(now))
        .filter(proposal::Column::Id.eq(proposal_id))
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    follow::notify(
        &txn,
        site,
        &row,
        follow::Event::Withdrawn { note },
        user.id,
        now,
    )
    .await?;
    txn.commit().await.map_err(storage_error)
}

/// `COALESCE(engaged_at, now)`: the first reaction's time, set once.
pub(crate) fn engaged_since(now: DateTime<Utc>) -> Expr {
    Expr::expr(sea_orm::sea_query::Func::coalesce([
        Expr::col(proposal::Column::EngagedAt),
        Expr::value(now),
    ]))
}

/// The proposal page: the text, the tally, the viewer's vote and what they may do, and the
/// comments in thread order. Moderated items show their mark; what the public may not see
/// (a pending item, the text of a hidden one) only its author and moderators see.
pub async fn get(
    db: &impl ConnectionTrait,
    viewer: Option<&CurrentUser>,
    proposal_id: i64,
    now: DateTime<Utc>,
) -> Result<ProposalDetail, AppError> {
    Ok(load(db, viewer, proposal_id, now).await?.detail)
}

/// A proposal as its page shows it, with what the page does not need but the API gives:
/// the Markdown source and the time of the last change. Both follow the page's rules of
/// sight: a concealed proposal's source is empty.
pub struct Loaded {
    pub detail: ProposalDetail,
    pub body: String,
    pub updated_at: Timestamp,
}

/// See [`Loaded`].
pub async fn load(
    db: &impl ConnectionTrait,
    viewer: Option<&CurrentUser>,
    proposal_id: i64,
    now: DateTime<Utc>,
) -> Result<Loaded, AppError> {
    let row = find_proposal(db, proposal_id).await?;
    let (context, procedure_summary) =
        procedure::published_context(db, row.procedure_id, now).await?;
    let viewer_id = viewer.map(|v| v.id);
    let moderator = viewer.is_some_and(|v| v.can(Permission::Moderate));
    let is_author = viewer_id == Some(row.author_id);
    let visibility = row.visibility;
    let concealed = sight(row.visibility, row.author_id, viewer)? == Sight::Concealed;
    let comments = if concealed {
        Vec::new()
    } else {
        comment::Entity::find()
            .filter(comment::Column::ProposalId.eq(row.id))
            .order_by_asc(comment::Column::Id)
            .all(db)
            .await
            .map_err(storage_error)?
    };
    let mut author_ids: HashSet<i64> = comments.iter().map(|c| c.author_id).collect();
    author_ids.insert(row.author_id);
    let names = names_of(db, author_ids.into_iter().collect()).await?;
    let my_votes = my_votes(db, viewer_id, &[row.id]).await?;
    let following = match viewer_id {
        Some(user_id) => follow_entity::Entity::find_by_id((user_id, row.id))
            .one(db)
            .await
            .map_err(storage_error)?
            .is_some(),
        None => false,
    };
    let budget = budget(db, viewer_id, &context).await?;
    // The viewer's own hidden items: has the objection been made?
    let own_hidden: Vec<Target> =
        std::iter::once((TargetKind::Proposal, row.id, row.author_id, row.visibility))
            .chain(
                comments
                    .iter()
                    .map(|c| (TargetKind::Comment, c.id, c.author_id, c.visibility)),
            )
            .filter(|(_, _, author, vis)| Some(*author) == viewer_id && *vis == Visibility::Hidden)
            .map(|(kind, id, _, _)| Target { kind, id })
            .collect();
    let objected = moderation::objected(db, &own_hidden).await?;
    let comment_ids: Vec<i64> = comments.iter().map(|c| c.id).collect();
    let reported = moderation::reported_by(db, viewer_id, row.id, &comment_ids).await?;
    let can_report = viewer.is_some_and(|v| v.can(Permission::Contribute));
    let published = row.status == ProposalStatus::Published;
    let visible = visibility == Visibility::Visible;
    let editable = is_author
        && published
        && row.engaged_at.is_none()
        && matches!(visibility, Visibility::Visible | Visibility::Pending);
    let edit_source = editable.then(|| ProposalInput {
        title: row.title.clone(),
        body: row.body.clone(),
        category: row.category.clone(),
        location: row.location.clone(),
    });
    let proposal_target = Target {
        kind: TargetKind::Proposal,
        id: row.id,
    };
    let mark = moderation::mark(
        row.visibility,
        row.hidden_reason,
        row.hidden_note.as_deref(),
        row.moderated_at,
        is_author,
        objected.contains(&proposal_target),
    );
    let locked = row.locked_at.is_some();
    let mut allowed = context.allowed.for_status(status_of(&row));
    if !visible {
        allowed.vote = false;
        allowed.comment = false;
    }
    if locked {
        allowed.comment = false;
    }
    let comments = thread(
        comments,
        &ThreadView {
            names: &names,
            viewer_id,
            moderator,
            can_report,
            reported: &reported,
            objected: &objected,
            now,
        },
    );
    let reported_proposal = reported.contains(&proposal_target);
    let body = if concealed {
        String::new()
    } else {
        row.body.clone()
    };
    let updated_at = Timestamp(row.updated_at.timestamp());
    let mut card = card(row.clone(), &names, &my_votes);
    if concealed {
        card.title = String::new();
        card.excerpt = String::new();
        card.author = None;
        card.category = None;
    }
    let detail = ProposalDetail {
        body_html: if concealed {
            String::new()
        } else {
            markdown_to_html(&row.body)
        },
        location: row.location.clone().filter(|_| !concealed),
        withdrawal_note: row.withdrawal_note.clone().filter(|_| !concealed),
        editable,
        withdrawable: is_author && published && visibility != Visibility::Hidden,
        edit_source,
        following,
        viewer: viewer_of(viewer),
        budget,
        comments,
        procedure: procedure_summary,
        rule: context.rule,
        allowed,
        categories: context.categories,
        moderation: mark,
        concealed,
        redacted_at: row.redacted_at.map(|at| Timestamp(at.timestamp())),
        locked,
        reportable: can_report
            && !is_author
            && published
            && !reported_proposal
            && matches!(visibility, Visibility::Visible | Visibility::Held),
        reported: reported_proposal,
        decisions: if moderator {
            ModerationActionKind::fitting(TargetKind::Proposal, Some(visibility), locked, true)
        } else {
            Vec::new()
        },
        moderator_source: moderator.then(|| ProposalInput {
            title: row.title.clone(),
            body: row.body.clone(),
            category: row.category.clone(),
            location: row.location.clone(),
        }),
        outcome: if concealed {
            None
        } else {
            super::results::outcome_of(db, row.id).await?
        },
        card,
    };
    Ok(Loaded {
        detail,
        body,
        updated_at,
    })
}

/// What every comment of a thread needs to know about its viewer.
struct ThreadView<'a> {
    names: &'a HashMap<i64, String>,
    viewer_id: Option<i64>,
    moderator: bool,
    can_report: bool,
    reported: &'a HashSet<Target>,
    objected: &'a HashSet<Target>,
    now: DateTime<Utc>,
}

/// Orders comments so each reply follows its parent (and earlier replies come first).
/// Pending comments only their authors and moderators see.
fn thread(rows: Vec<comment::Model>, view: &ThreadView<'_>) -> Vec<CommentView> {
    let mut children: HashMap<Option<i64>, Vec<comment::Model>> = HashMap::new();
    for row in rows {
        let pending = row.visibility == Visibility::Pending;
        if pending && !view.moderator && view.viewer_id != Some(row.author_id) {
            continue;
        }
        children.entry(row.parent_id).or_default().push(row);
    }
    let mut out = Vec::new();
    // Depth-first, without recursion: a stack of sibling lists, newest pushed last.
    let mut stack: Vec<comment::Model> = children.remove(&None).unwrap_or_default();
    stack.reverse();
    while let Some(row) = stack.pop() {
        if let Some(mut replies) = children.remove(&Some(row.id)) {
            replies.reverse();
            stack.extend(replies);
        }
        out.push(comment_view(row, view));
    }
    out
}

fn comment_view(row: comment::Model, view: &ThreadView<'_>) -> CommentView {
    let deleted = row.status != CommentStatus::Published;
    let is_author = view.viewer_id == Some(row.author_id);
    let visibility = row.visibility;
    let target = Target {
        kind: TargetKind::Comment,
        id: row.id,
    };
    let concealed = matches!(visibility, Visibility::Held | Visibility::Hidden)
        && !is_author
        && !view.moderator;
    let mine = is_author && !deleted;
    let editable = mine
        && matches!(visibility, Visibility::Visible | Visibility::Pending)
        && view.now - row.created_at < chrono::Duration::minutes(COMMENT_EDIT_MINUTES);
    let reported = view.reported.contains(&target);
    CommentView {
        id: row.id,
        parent_id: row.parent_id,
        depth: u8::try_from(row.depth).unwrap_or(u8::MAX),
        author: if deleted || concealed {
            None
        } else {
            view.names.get(&row.author_id).cloned()
        },
        source: Source::from_columns(row.source, row.event_name.clone()),
        body_html: if deleted || concealed {
            String::new()
        } else {
            markdown_to_html(&row.body)
        },
        deleted,
        edited: row.edited_at.is_some(),
        created_at: Timestamp(row.created_at.timestamp()),
        editable,
        deletable: mine,
        moderation: if deleted {
            None
        } else {
            moderation::mark(
                row.visibility,
                row.hidden_reason,
                row.hidden_note.as_deref(),
                row.moderated_at,
                is_author,
                view.objected.contains(&target),
            )
        },
        concealed,
        redacted: row.redacted_at.is_some(),
        reportable: view.can_report
            && !is_author
            && !deleted
            && !reported
            && matches!(visibility, Visibility::Visible | Visibility::Held),
        reported,
        repliable: !deleted && visibility == Visibility::Visible,
        moderator_source: (view.moderator && !deleted).then(|| row.body.clone()),
        decisions: if view.moderator && !deleted {
            ModerationActionKind::fitting(TargetKind::Comment, Some(visibility), false, true)
        } else {
            Vec::new()
        },
        source_text: editable.then_some(row.body),
    }
}

/// The proposals of a procedure, one page of them (planners also see a draft's).
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: Option<&CurrentUser>,
    slug: &Slug,
    query: ProposalQuery,
    seed: u32,
    now: DateTime<Utc>,
) -> Result<ProposalListing, AppError> {
    let (context, procedure_summary) = procedure::context_for(db, slug, viewer, now).await?;
    let procedure_id = context.id;
    let sort = query
        .sort
        .unwrap_or_else(|| ProposalSort::default_for(context.current_phase));
    let status = query.status.unwrap_or(ProposalStatus::Published);
    let mut select = proposal::Entity::find()
        .filter(proposal::Column::ProcedureId.eq(procedure_id))
        .filter(proposal::Column::Status.eq(status.as_str()))
        .filter(proposal::Column::Visibility.eq(Visibility::Visible.as_str()));
    if let Some(category) = &query.category {
        select = select.filter(proposal::Column::Category.eq(category.as_str()));
    }
    if let Some(q) = &query.q
        && let Some(condition) = search_condition(db.get_database_backend(), q)
    {
        select = select.filter(condition);
    }
    let total = select.clone().count(db).await.map_err(storage_error)?;

    let key = SortKey::new(sort, context.rule, seed);
    let mut page = key.order(select);
    if let Some(cursor) = &query.cursor {
        page = page.filter(key.after(Cursor::parse(cursor)?));
    }
    let rows = page
        .limit(PAGE_SIZE + 1)
        .all(db)
        .await
        .map_err(storage_error)?;
    let (rows, next_cursor) = page_of(rows, PAGE_SIZE, |last| Cursor {
        value: key.value_of(last),
        id: last.id,
    });
    let names = names_of(db, rows.iter().map(|r| r.author_id).collect()).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let viewer_id = viewer.map(|v| v.id);
    let votes = my_votes(db, viewer_id, &ids).await?;
    let budget = budget(db, viewer_id, &context).await?;
    Ok(ProposalListing {
        procedure: procedure_summary,
        rule: context.rule,
        // Every card of a listing has the status it filters by.
        allowed: context.allowed.for_status(status),
        categories: context.categories,
        query,
        sort,
        total,
        items: rows
            .into_iter()
            .map(|row| card(row, &names, &votes))
            .collect(),
        next_cursor,
        viewer: viewer_of(viewer),
        budget,
    })
}

fn viewer_of(user: Option<&CurrentUser>) -> Viewer {
    user.map_or_else(Viewer::default, |user| Viewer {
        signed_in: true,
        verified: user.verified,
        planner: user.can(Permission::Plan),
        moderator: user.can(Permission::Moderate),
        blocked: user.blocked,
    })
}

/// The order of a listing as a column or expression, with the keyset condition that
/// continues after a given row.
struct SortKey {
    sort: ProposalSort,
    rule: VoteRule,
    seed: i64,
}

/// A prime above every id and seed: `(id * seed) % P` shuffles ids without collisions.
const SHUFFLE_PRIME: i64 = 2_147_483_629;

impl SortKey {
    fn new(sort: ProposalSort, rule: VoteRule, seed: u32) -> Self {
        // Spread any seed (also 1, 2, 3 …) over the whole range, so products wrap many
        // times and neighbouring ids land far apart.
        let mixed = (u64::from(seed).wrapping_mul(2_654_435_761) ^ 0x5bd1_e995)
            % (SHUFFLE_PRIME as u64 - 1);
        Self {
            sort,
            rule,
            seed: i64::try_from(mixed).unwrap_or(1) + 1,
        }
    }

    fn expr(&self) -> Expr {
        match self.sort {
            ProposalSort::Newest => Expr::col((proposal::Entity, proposal::Column::CreatedAt)),
            ProposalSort::MostSupported => match self.rule {
                VoteRule::Rating => Expr::col((proposal::Entity, proposal::Column::Score)),
                VoteRule::Support { .. } => {
                    Expr::col((proposal::Entity, proposal::Column::SupportCount))
                }
            },
            ProposalSort::MostDiscussed => {
                Expr::col((proposal::Entity, proposal::Column::CommentCount))
            }
            // Both values are integers this module chose: nothing from the request.
            ProposalSort::Random => Expr::cust(format!(
                "((proposals.id * {}) % {SHUFFLE_PRIME})",
                self.seed
            )),
        }
    }

    fn descending(&self) -> bool {
        self.sort != ProposalSort::Random
    }

    fn order(&self, select: Select<proposal::Entity>) -> Select<proposal::Entity> {
        let order = if self.descending() {
            Order::Desc
        } else {
            Order::Asc
        };
        select
            .order_by(self.expr(), order.clone())
            .order_by(proposal::Column::Id, order)
    }

    /// Rows after the cursor in this order.
    fn after(&self, cursor: Cursor) -> Condition {
        let value = match self.sort {
            // Nanoseconds, as stored (see `value_of`).
            ProposalSort::Newest => {
                sea_orm::Value::from(DateTime::<Utc>::from_timestamp_nanos(cursor.value))
            }
            _ => sea_orm::Value::from(cursor.value),
        };
        let id_column = Expr::col((proposal::Entity, proposal::Column::Id));
        after(self.expr(), value, id_column, cursor.id, self.descending())
    }

    fn value_of(&self, row: &proposal::Model) -> i64 {
        match self.sort {
            // Nanoseconds: SQLite keeps them, and a cursor cut to microseconds would skip
            // rows written in the same microsecond as the page's last one.
            ProposalSort::Newest => row.created_at.timestamp_nanos_opt().unwrap_or(i64::MAX),
            ProposalSort::MostSupported => match self.rule {
                VoteRule::Rating => i64::from(row.score),
                VoteRule::Support { .. } => i64::from(row.support_count),
            },
            ProposalSort::MostDiscussed => i64::from(row.comment_count),
            ProposalSort::Random => (row.id * self.seed) % SHUFFLE_PRIME,
        }
    }
}

/// Full-text search: PostgreSQL's German configuration (stemming, umlauts); on SQLite the
/// FTS5 index, every word as a prefix. `None` when the query has no words.
fn search_condition(backend: DbBackend, q: &str) -> Option<Condition> {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        return None;
    }
    let expr = match backend {
        DbBackend::Postgres => Expr::cust_with_values(
            "proposals.search @@ plainto_tsquery('german', $1)",
            [words.join(" ")],
        ),
        _ => {
            // Each word quoted (no FTS5 syntax gets through) and matched as a prefix.
            let fts: Vec<String> = words.iter().map(|w| format!("\"{w}\"*")).collect();
            Expr::cust_with_values(
                "proposals.id IN (SELECT rowid FROM proposals_fts WHERE proposals_fts MATCH ?)",
                [fts.join(" ")],
            )
        }
    };
    Some(Condition::all().add(expr))
}

fn card(
    row: proposal::Model,
    names: &HashMap<i64, String>,
    my_votes: &HashMap<i64, i8>,
) -> ProposalCard {
    let count = |n: i32| u32::try_from(n).unwrap_or(0);
    let status = status_of(&row);
    ProposalCard {
        id: row.id,
        excerpt: excerpt(&row.body, 180),
        category: row.category,
        author: names.get(&row.author_id).cloned(),
        source: Source::from_columns(row.source, row.event_name),
        status,
        tally: Tally {
            support: count(row.support_count),
            up: count(row.up_count),
            down: count(row.down_count),
            score: row.score,
        },
        comment_count: count(row.comment_count),
        created_at: Timestamp(row.created_at.timestamp()),
        my_vote: my_votes.get(&row.id).copied(),
        title: row.title,
    }
}

fn status_of(row: &proposal::Model) -> ProposalStatus {
    row.status
}

/// The viewer's votes among the given proposals.
async fn my_votes(
    db: &impl ConnectionTrait,
    viewer_id: Option<i64>,
    proposal_ids: &[i64],
) -> Result<HashMap<i64, i8>, AppError> {
    let Some(user_id) = viewer_id else {
        return Ok(HashMap::new());
    };
    if proposal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = vote::Entity::find()
        .filter(vote::Column::UserId.eq(user_id))
        .filter(vote::Column::ProposalId.is_in(proposal_ids.iter().copied()))
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .map(|v| (v.proposal_id, i8::try_from(v.value).unwrap_or(0)))
        .collect())
}

/// "3 of 5 supports used", when the procedure caps supports and someone is signed in.
pub(crate) async fn budget(
    db: &impl ConnectionTrait,
    viewer_id: Option<i64>,
    context: &Context,
) -> Result<Option<VoteBudget>, AppError> {
    let (Some(user_id), Some(cap)) = (viewer_id, context.rule.cap()) else {
        return Ok(None);
    };
    let used = vote::Entity::find()
        .filter(vote::Column::UserId.eq(user_id))
        .filter(vote::Column::ProcedureId.eq(context.id))
        .count(db)
        .await
        .map_err(storage_error)?;
    Ok(Some(VoteBudget {
        used: u32::try_from(used).unwrap_or(u32::MAX),
        cap,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_at_words_and_drop_markup() {
        assert_eq!(
            excerpt("## Titel\n\n**Mehr** Bäume", 50),
            "Titel Mehr Bäume"
        );
        assert_eq!(excerpt("eins zwei drei vier", 10), "eins zwei …");
    }

    #[test]
    fn searches_without_words_filter_nothing() {
        assert!(search_condition(DbBackend::Sqlite, " \"*() ").is_none());
        assert!(search_condition(DbBackend::Sqlite, "Grünfläche").is_some());
    }

    #[test]
    fn the_shuffle_is_a_permutation_per_seed() {
        let key = SortKey::new(ProposalSort::Random, VoteRule::Rating, 12_345);
        let mut seen = HashSet::new();
        for id in 1..5_000 {
            let row_key = (id * key.seed) % SHUFFLE_PRIME;
            assert!(seen.insert(row_key));
        }
    }
}
