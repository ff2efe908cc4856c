//! Procedures: listing by schedule, the public detail view, and creation.

use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{Cursor, after, page_of, split_categories, timestamp};
use crate::backend::db::storage_error;
use crate::backend::entity::{council_decision, phase, procedure, start_notice};
use crate::backend::sanitize::markdown_to_html;
use crate::error::{AppError, Problems};
use crate::model::moderation::ModerationMode;
use crate::model::phase::{Allowed, VoteRule};
use crate::model::procedure::{
    EditorValues, PhaseDates, PhaseKind, PhaseView, ProcedureCounts, ProcedureDetail,
    ProcedureFilter, ProcedureForm, ProcedureListing, ProcedureState, ProcedureStatus,
    ProcedureSummary, Slug,
};
use crate::model::results::{CouncilOutcome, CouncilPaper, OutcomeCount};
use crate::model::time::{LocalDate, Timestamp};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select, Set, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

pub mod area;
mod editor;
mod kept;
mod overview;

use kept::{Schedule, kept_schedule, kept_schedule_at};

pub use editor::{NewPhase, NewProcedure, create, form_of, save, set_published, store, stored};
pub use overview::{PLANNER_PAGE_SIZE, planner_overview};

/// Procedures on one page of the start page and of the API's listing. A city runs a few
/// dozen at a time; the finished ones pile up over the years.
pub const PROCEDURES_PER_PAGE: u64 = 24;

/// Published procedures in the state the filter asks for, a page at a time (after
/// `cursor`, from an earlier page), with the count of each state.
pub async fn list_published(
    db: &impl ConnectionTrait,
    filter: ProcedureFilter,
    cursor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ProcedureListing, AppError> {
    let counts = ProcedureCounts {
        running: count(db, ProcedureFilter::Running, now).await?,
        upcoming: count(db, ProcedureFilter::Upcoming, now).await?,
        finished: count(db, ProcedureFilter::Finished, now).await?,
    };
    let (column, descending) = listing_order(filter);
    let mut page = published(filter, now);
    if let Some(cursor) = cursor {
        let cursor = Cursor::parse(cursor)?;
        // Nanoseconds, as stored (see the cursor of the proposals' listing).
        page = page.filter(after(
            Expr::col((procedure::Entity, column)),
            DateTime::<Utc>::from_timestamp_nanos(cursor.value),
            Expr::col((procedure::Entity, procedure::Column::Id)),
            cursor.id,
            descending,
        ));
    }
    let order = if descending { Order::Desc } else { Order::Asc };
    let rows = page
        .order_by(column, order.clone())
        .order_by(procedure::Column::Id, order)
        .limit(PROCEDURES_PER_PAGE + 1)
        .all(db)
        .await
        .map_err(storage_error)?;
    let (rows, next_cursor) = page_of(rows, PROCEDURES_PER_PAGE, |last| {
        let at = match column {
            procedure::Column::StartsAt => last.starts_at,
            _ => last.ends_at,
        };
        Cursor {
            value: at.timestamp_nanos_opt().unwrap_or(i64::MAX),
            id: last.id,
        }
    });
    let mut phases = phases_of(db, rows.iter().map(|p| p.id).collect()).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let schedule = phases.remove(&row.id).unwrap_or_default();
            summary(row, &schedule, now)
        })
        .collect();
    Ok(ProcedureListing {
        filter,
        items,
        counts,
        next_cursor,
    })
}

/// The order of a listing: running procedures ending soonest first (those are the ones a
/// visitor can still miss), upcoming ones starting soonest first, finished ones (and all)
/// the most recent first.
fn listing_order(filter: ProcedureFilter) -> (procedure::Column, bool) {
    match filter {
        ProcedureFilter::Running => (procedure::Column::EndsAt, false),
        ProcedureFilter::Upcoming => (procedure::Column::StartsAt, false),
        ProcedureFilter::Finished | ProcedureFilter::All => (procedure::Column::EndsAt, true),
    }
}

/// A published procedure by its slug; drafts and unknown slugs are both "not found".
pub async fn get_published(
    db: &impl ConnectionTrait,
    slug: &Slug,
    now: DateTime<Utc>,
) -> Result<ProcedureDetail, AppError> {
    get(db, slug, false, now).await
}

/// A procedure for its page, as this viewer may see it: planners also see drafts (as a
/// preview), everybody else only published procedures.
pub async fn get_for(
    db: &impl ConnectionTrait,
    slug: &Slug,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<ProcedureDetail, AppError> {
    let kept = visible_at(db, slug, sees_drafts(viewer)).await?;
    let id = kept.0.id;
    let mut detail = detail_of(db, &kept, now).await?;
    if let Some(viewer) = viewer
        && detail.summary.state == ProcedureState::Upcoming
        && !detail.draft
    {
        detail.start_notice = Some(notice_requested(db, viewer.id, id).await?);
    }
    Ok(detail)
}

/// Planners see drafts; nobody else does.
pub fn sees_drafts(viewer: Option<&CurrentUser>) -> bool {
    viewer.is_some_and(|v| v.can(Permission::Plan))
}

/// A procedure for its page; drafts only `with_drafts`.
pub async fn get(
    db: &impl ConnectionTrait,
    slug: &Slug,
    with_drafts: bool,
    now: DateTime<Utc>,
) -> Result<ProcedureDetail, AppError> {
    let kept = visible_at(db, slug, with_drafts).await?;
    detail_of(db, &kept, now).await
}

/// The procedure at an address, kept; drafts only `with_drafts`, else "not found".
async fn visible_at(
    db: &impl ConnectionTrait,
    slug: &Slug,
    with_drafts: bool,
) -> Result<Schedule, AppError> {
    visible(kept_schedule_at(db, slug).await?, with_drafts)
}

/// A kept procedure, if it is published or drafts may be seen; else "not found".
fn visible(kept: Schedule, with_drafts: bool) -> Result<Schedule, AppError> {
    if !with_drafts && kept.0.status != ProcedureStatus::Published {
        return Err(AppError::NotFound);
    }
    Ok(kept)
}

async fn detail_of(
    db: &impl ConnectionTrait,
    kept: &Schedule,
    now: DateTime<Utc>,
) -> Result<ProcedureDetail, AppError> {
    let (row, schedule) = &**kept;
    let row = row.clone();
    let draft = row.status != ProcedureStatus::Published;
    let description_html = markdown_to_html(&row.description);
    let contact = row.contact.clone();
    let context = Context::new(&row, schedule, now);
    let phase_views = schedule
        .iter()
        .map(|p| PhaseView {
            kind: p.kind,
            starts_at: timestamp(p.starts_at),
            ends_at: timestamp(p.ends_at),
            current: p.starts_at <= now && now < p.ends_at,
        })
        .collect();
    let vote_end = schedule
        .iter()
        .find(|p| p.kind == context.vote_phase)
        .map(|p| p.ends_at);
    let results_public = !draft && public_from(vote_end, row.ends_at) <= now;
    let council = council_paper(&row);
    let outcomes = outcome_counts(db, row.id).await?;
    let area = area::label(db, row.id).await?;
    Ok(ProcedureDetail {
        area,
        results_public,
        council,
        outcomes,
        summary: summary(row, schedule, now),
        description_html,
        contact,
        phases: phase_views,
        rule: context.rule,
        vote_phase: context.vote_phase,
        moderation: context.moderation,
        allowed: context.allowed,
        categories: context.categories,
        draft,
        start_notice: None,
    })
}

/// What the participation services need to know about a procedure: whether the public
/// sees it, its rule, and what its current phase allows.
#[derive(Debug, Clone)]
pub struct Context {
    pub id: i64,
    pub published: bool,
    pub rule: VoteRule,
    pub vote_phase: PhaseKind,
    pub moderation: ModerationMode,
    pub current_phase: Option<PhaseKind>,
    pub allowed: Allowed,
    pub categories: Vec<String>,
    /// When the vote phase starts and ends, if the schedule has one.
    pub vote_window: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

impl Context {
    fn new(row: &procedure::Model, schedule: &[ScheduledPhase], now: DateTime<Utc>) -> Self {
        let current = current_phase(schedule, now);
        let vote_phase = row.vote_phase;
        let published = row.status == ProcedureStatus::Published;
        Self {
            id: row.id,
            published,
            rule: VoteRule::from_columns(row.vote_rule, row.vote_cap),
            vote_phase,
            moderation: row.moderation,
            current_phase: current,
            // Drafts take no contributions, whatever their schedule says.
            allowed: if published {
                Allowed::in_phase(current, vote_phase)
            } else {
                Allowed::default()
            },
            categories: split_categories(&row.categories),
            vote_window: schedule
                .iter()
                .find(|p| p.kind == vote_phase)
                .map(|p| (p.starts_at, p.ends_at)),
        }
    }
}

/// A published procedure's context and its public summary; drafts are "not found".
pub async fn published_context(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    now: DateTime<Utc>,
) -> Result<(Context, ProcedureSummary), AppError> {
    context(db, Key::Id(procedure_id), false, now).await
}

/// A published procedure's context and summary by its address; drafts are "not found".
pub async fn published_context_of(
    db: &impl ConnectionTrait,
    slug: &Slug,
    now: DateTime<Utc>,
) -> Result<(Context, ProcedureSummary), AppError> {
    context(db, Key::Slug(slug), false, now).await
}

/// The context of a procedure by its address, as this viewer may see it (planners also
/// drafts).
pub async fn context_for(
    db: &impl ConnectionTrait,
    slug: &Slug,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<(Context, ProcedureSummary), AppError> {
    context(db, Key::Slug(slug), sees_drafts(viewer), now).await
}

async fn context(
    db: &impl ConnectionTrait,
    key: Key<'_>,
    with_drafts: bool,
    now: DateTime<Utc>,
) -> Result<(Context, ProcedureSummary), AppError> {
    let kept = match key {
        Key::Id(id) => visible(kept_schedule(db, id).await?, with_drafts)?,
        Key::Slug(slug) => visible_at(db, slug, with_drafts).await?,
    };
    let (row, schedule) = &*kept;
    let context = Context::new(row, schedule, now);
    Ok((context, summary(row.clone(), schedule, now)))
}

/// The context of a procedure by its id, as this viewer may see it (planners also drafts).
pub async fn context_by_id_for(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<(Context, ProcedureSummary), AppError> {
    context(db, Key::Id(procedure_id), sees_drafts(viewer), now).await
}

/// The context of a procedure by its id, drafts too: for callers that have already decided
/// who may see it (an export, whose scope did).
pub async fn context_by_id(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    now: DateTime<Utc>,
) -> Result<(Context, ProcedureSummary), AppError> {
    context(db, Key::Id(procedure_id), true, now).await
}

/// The id of a published procedure by its slug.
pub async fn published_id(db: &impl ConnectionTrait, slug: &Slug) -> Result<i64, AppError> {
    find_row(db, Key::Slug(slug), false).await.map(|row| row.id)
}

/// The id of the procedure at an address, drafts too (only the id, from the unique index).
async fn id_at(db: &impl ConnectionTrait, slug: &Slug) -> Result<i64, AppError> {
    procedure::Entity::find()
        .select_only()
        .column(procedure::Column::Id)
        .filter(procedure::Column::Slug.eq(slug.as_str()))
        .into_tuple()
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)
}

/// A published procedure's row.
pub(crate) async fn published_row(
    db: &impl ConnectionTrait,
    slug: &Slug,
) -> Result<procedure::Model, AppError> {
    find_row(db, Key::Slug(slug), false).await
}

/// Which procedure: by id (from a proposal) or by slug (from an address).
enum Key<'a> {
    Id(i64),
    Slug(&'a Slug),
}

/// A procedure row; drafts only `with_drafts`, anything else is "not found".
async fn find_row(
    db: &impl ConnectionTrait,
    key: Key<'_>,
    with_drafts: bool,
) -> Result<procedure::Model, AppError> {
    let mut query = match key {
        Key::Id(id) => procedure::Entity::find_by_id(id),
        Key::Slug(slug) => {
            procedure::Entity::find().filter(procedure::Column::Slug.eq(slug.as_str()))
        }
    };
    if !with_drafts {
        query = query.filter(procedure::Column::Status.eq(ProcedureStatus::Published));
    }
    query
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)
}

fn published(filter: ProcedureFilter, now: DateTime<Utc>) -> Select<procedure::Entity> {
    let query =
        procedure::Entity::find().filter(procedure::Column::Status.eq(ProcedureStatus::Published));
    match filter {
        ProcedureFilter::All => query,
        ProcedureFilter::Upcoming => query.filter(procedure::Column::StartsAt.gt(now)),
        ProcedureFilter::Running => query
            .filter(procedure::Column::StartsAt.lte(now))
            .filter(procedure::Column::EndsAt.gt(now)),
        ProcedureFilter::Finished => query.filter(procedure::Column::EndsAt.lte(now)),
    }
}

async fn count(
    db: &impl ConnectionTrait,
    filter: ProcedureFilter,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    published(filter, now)
        .count(db)
        .await
        .map_err(storage_error)
}

#[derive(Debug, Clone)]
struct ScheduledPhase {
    kind: PhaseKind,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

/// The phases of several procedures in one query, in schedule order.
async fn phases_of(
    db: &impl ConnectionTrait,
    procedure_ids: Vec<i64>,
) -> Result<HashMap<i64, Vec<ScheduledPhase>>, AppError> {
    let mut by_procedure: HashMap<i64, Vec<ScheduledPhase>> = HashMap::new();
    if procedure_ids.is_empty() {
        return Ok(by_procedure);
    }
    let rows = phase::Entity::find()
        .filter(phase::Column::ProcedureId.is_in(procedure_ids))
        .order_by_asc(phase::Column::ProcedureId)
        .order_by_asc(phase::Column::Position)
        .all(db)
        .await
        .map_err(storage_error)?;
    for row in rows {
        let kind = row.kind;
        by_procedure
            .entry(row.procedure_id)
            .or_default()
            .push(ScheduledPhase {
                kind,
                starts_at: row.starts_at,
                ends_at: row.ends_at,
            });
    }
    Ok(by_procedure)
}

fn summary(
    row: procedure::Model,
    schedule: &[ScheduledPhase],
    now: DateTime<Utc>,
) -> ProcedureSummary {
    ProcedureSummary {
        image: super::media::image_of(&row),
        state: state_at(row.starts_at, row.ends_at, now),
        current_phase: current_phase(schedule, now),
        current_phase_ends_at: schedule
            .iter()
            .find(|p| p.starts_at <= now && now < p.ends_at)
            .map(|p| timestamp(p.ends_at)),
        proposals_open_at: schedule
            .iter()
            .find(|p| p.kind == PhaseKind::Proposals)
            .map(|p| timestamp(p.starts_at)),
        slug: row.slug,
        title: row.title,
        summary: row.summary,
        department: row.department,
        starts_at: timestamp(row.starts_at),
        ends_at: timestamp(row.ends_at),
    }
}

/// The same boundaries as the listing's SQL filters: a procedure is running from the start
/// of its first phase (inclusive) to the end of its last (exclusive).
fn state_at(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> ProcedureState {
    if now < starts_at {
        ProcedureState::Upcoming
    } else if now < ends_at {
        ProcedureState::Running
    } else {
        ProcedureState::Finished
    }
}

fn current_phase(schedule: &[ScheduledPhase], now: DateTime<Utc>) -> Option<PhaseKind> {
    schedule
        .iter()
        .find(|p| p.starts_at <= now && now < p.ends_at)
        .map(|p| p.kind)
}

/// Results become public when the vote phase ends, or without one when the procedure does.
pub fn public_from(vote_phase_end: Option<DateTime<Utc>>, ends_at: DateTime<Utc>) -> DateTime<Utc> {
    vote_phase_end.unwrap_or(ends_at)
}

/// The council paper the results went to, once a planner linked it.
pub fn council_paper(row: &procedure::Model) -> Option<CouncilPaper> {
    Some(CouncilPaper {
        url: row.council_paper_url.clone()?,
        reference: row.council_reference.clone().unwrap_or_default(),
        title: row.council_title.clone().unwrap_or_default(),
    })
}

/// How many proposals got each outcome (only outcomes that occur).
pub async fn outcome_counts(
    db: &impl ConnectionTrait,
    procedure_id: i64,
) -> Result<Vec<OutcomeCount>, AppError> {
    let rows: Vec<(CouncilOutcome, i64)> = council_decision::Entity::find()
        .select_only()
        .column(council_decision::Column::Outcome)
        .column_as(council_decision::Column::ProposalId.count(), "n")
        .filter(council_decision::Column::ProcedureId.eq(procedure_id))
        .group_by(council_decision::Column::Outcome)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let counts: HashMap<CouncilOutcome, i64> = rows.into_iter().collect();
    Ok(CouncilOutcome::ALL
        .into_iter()
        .filter_map(|outcome| {
            let n = *counts.get(&outcome)?;
            Some(OutcomeCount {
                outcome,
                count: u64::try_from(n).unwrap_or(0),
            })
        })
        .collect())
}

/// Whether this person asked to be told when the procedure starts.
async fn notice_requested(
    db: &impl ConnectionTrait,
    user_id: i64,
    procedure_id: i64,
) -> Result<bool, AppError> {
    let count = start_notice::Entity::find()
        .filter(start_notice::Column::UserId.eq(user_id))
        .filter(start_notice::Column::ProcedureId.eq(procedure_id))
        .count(db)
        .await
        .map_err(storage_error)?;
    Ok(count > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0)
            .single()
            .unwrap()
    }

    #[test]
    fn state_boundaries_are_start_inclusive_and_end_exclusive() {
        assert_eq!(state_at(at(10), at(20), at(9)), ProcedureState::Upcoming);
        assert_eq!(state_at(at(10), at(20), at(10)), ProcedureState::Running);
        assert_eq!(state_at(at(10), at(20), at(19)), ProcedureState::Running);
        assert_eq!(state_at(at(10), at(20), at(20)), ProcedureState::Finished);
    }

    #[test]
    fn the_current_phase_is_none_between_phases() {
        let schedule = vec![
            ScheduledPhase {
                kind: PhaseKind::Information,
                starts_at: at(1),
                ends_at: at(5),
            },
            ScheduledPhase {
                kind: PhaseKind::Voting,
                starts_at: at(8),
                ends_at: at(12),
            },
        ];
        assert_eq!(
            current_phase(&schedule, at(3)),
            Some(PhaseKind::Information)
        );
        assert_eq!(current_phase(&schedule, at(6)), None);
        assert_eq!(current_phase(&schedule, at(8)), Some(PhaseKind::Voting));
        assert_eq!(current_phase(&schedule, at(12)), None);
    }
}
