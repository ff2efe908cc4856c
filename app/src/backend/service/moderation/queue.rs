//! The queue moderators work through, with its filters and each item's reports.

use super::*;
use crate::backend::common::{Cursor, after, page_of};

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
            .and_where(Expr::col((report::Entity, report::Column::Reason)).eq(reason))
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
        let cursor = Cursor::parse(cursor)?;
        // Nanoseconds: SQLite keeps them, and a cursor cut to microseconds would lie
        // before its own row and show it again on the next page.
        let at = DateTime::<Utc>::from_timestamp_nanos(cursor.value);
        page = page.filter(after(
            Expr::col((moderation_queue::Entity, moderation_queue::Column::OpenedAt)),
            at,
            Expr::col((moderation_queue::Entity, moderation_queue::Column::Id)),
            cursor.id,
            false,
        ));
    }
    let rows = with_item_columns(page)
        .limit(QUEUE_PAGE_SIZE + 1)
        .into_model::<QueueRow>()
        .all(db)
        .await
        .map_err(storage_error)?;
    let (rows, next_cursor) = page_of(rows, QUEUE_PAGE_SIZE, |last| Cursor {
        value: last.opened_at.timestamp_nanos_opt().unwrap_or(i64::MAX),
        id: last.id,
    });
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
pub(super) async fn procedure_choices(
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
