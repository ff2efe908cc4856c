//! Procedures: listing by schedule, the public detail view, and creation.

use crate::backend::db::storage_error;
use crate::backend::entity::{phase, procedure};
use crate::backend::sanitize::markdown_to_html;
use crate::error::AppError;
use crate::model::procedure::{
    PhaseKind, PhaseView, ProcedureCounts, ProcedureDetail, ProcedureFilter, ProcedureListing,
    ProcedureState, ProcedureSummary, Slug,
};
use crate::model::proposal::{Allowed, VoteRule};
use crate::model::time::Timestamp;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Select, Set, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

/// Published procedures in the state the filter asks for, with the count of each state.
pub async fn list_published(
    db: &impl ConnectionTrait,
    filter: ProcedureFilter,
    now: DateTime<Utc>,
) -> Result<ProcedureListing, AppError> {
    let counts = ProcedureCounts {
        running: count(db, ProcedureFilter::Running, now).await?,
        upcoming: count(db, ProcedureFilter::Upcoming, now).await?,
        finished: count(db, ProcedureFilter::Finished, now).await?,
    };
    let ordered = match filter {
        // Ending soonest first: those are the ones a visitor can still miss.
        ProcedureFilter::Running => published(filter, now).order_by_asc(procedure::Column::EndsAt),
        ProcedureFilter::Upcoming => {
            published(filter, now).order_by_asc(procedure::Column::StartsAt)
        }
        ProcedureFilter::Finished | ProcedureFilter::All => {
            published(filter, now).order_by_desc(procedure::Column::EndsAt)
        }
    };
    let rows = ordered
        .order_by_asc(procedure::Column::Id)
        .all(db)
        .await
        .map_err(storage_error)?;
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
    })
}

/// A published procedure by its slug; drafts and unknown slugs are both "not found".
pub async fn get_published(
    db: &impl ConnectionTrait,
    slug: &Slug,
    now: DateTime<Utc>,
) -> Result<ProcedureDetail, AppError> {
    let row = procedure::Entity::find()
        .filter(procedure::Column::Slug.eq(slug.as_str()))
        .filter(procedure::Column::Status.eq(procedure::STATUS_PUBLISHED))
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    let schedule = phases_of(db, vec![row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    let description_html = markdown_to_html(&row.description);
    let contact = row.contact.clone();
    let context = Context::new(&row, current_phase(&schedule, now));
    let phase_views = schedule
        .iter()
        .map(|p| PhaseView {
            kind: p.kind,
            starts_at: timestamp(p.starts_at),
            ends_at: timestamp(p.ends_at),
            current: p.starts_at <= now && now < p.ends_at,
        })
        .collect();
    Ok(ProcedureDetail {
        summary: summary(row, &schedule, now),
        description_html,
        contact,
        phases: phase_views,
        rule: context.rule,
        vote_phase: context.vote_phase,
        allowed: context.allowed,
        categories: context.categories,
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
    pub current_phase: Option<PhaseKind>,
    pub allowed: Allowed,
    pub categories: Vec<String>,
}

impl Context {
    fn new(row: &procedure::Model, current: Option<PhaseKind>) -> Self {
        let vote_phase = PhaseKind::parse(&row.vote_phase).unwrap_or(PhaseKind::Voting);
        Self {
            id: row.id,
            published: row.status == procedure::STATUS_PUBLISHED,
            rule: VoteRule::from_columns(&row.vote_rule, row.vote_cap),
            vote_phase,
            current_phase: current,
            allowed: Allowed::in_phase(current, vote_phase),
            categories: split_categories(&row.categories),
        }
    }
}

/// A published procedure's context and its public summary; drafts are "not found".
pub async fn published_context(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    now: DateTime<Utc>,
) -> Result<(Context, ProcedureSummary), AppError> {
    let row = procedure::Entity::find_by_id(procedure_id)
        .filter(procedure::Column::Status.eq(procedure::STATUS_PUBLISHED))
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    let schedule = phases_of(db, vec![row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    let context = Context::new(&row, current_phase(&schedule, now));
    Ok((context, summary(row, &schedule, now)))
}

/// The id of a published procedure by its slug.
pub async fn published_id(db: &impl ConnectionTrait, slug: &Slug) -> Result<i64, AppError> {
    procedure::Entity::find()
        .filter(procedure::Column::Slug.eq(slug.as_str()))
        .filter(procedure::Column::Status.eq(procedure::STATUS_PUBLISHED))
        .one(db)
        .await
        .map_err(storage_error)?
        .map(|row| row.id)
        .ok_or(AppError::NotFound)
}

/// Categories are stored one per line; blank lines and duplicates are dropped.
pub fn split_categories(stored: &str) -> Vec<String> {
    let mut categories: Vec<String> = Vec::new();
    for line in stored.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !categories.iter().any(|c| c == line) {
            categories.push(line.to_owned());
        }
    }
    categories
}

/// A phase in a schedule being created.
#[derive(Debug, Clone)]
pub struct NewPhase {
    pub kind: PhaseKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewProcedure {
    pub slug: Slug,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub department: String,
    pub contact: String,
    pub phases: Vec<NewPhase>,
    pub rule: VoteRule,
    pub vote_phase: PhaseKind,
    pub categories: Vec<String>,
    pub published: bool,
}

/// Creates a procedure with its phases in one transaction.
pub async fn create(
    db: &impl TransactionTrait,
    new: NewProcedure,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let title = new.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(AppError::invalid("title", "length"));
    }
    let (Some(first), Some(last)) = (new.phases.first(), new.phases.last()) else {
        return Err(AppError::invalid("phases", "empty"));
    };
    let (starts_at, ends_at) = (first.starts_at, last.ends_at);
    for (index, p) in new.phases.iter().enumerate() {
        if p.starts_at >= p.ends_at {
            return Err(AppError::invalid("phases", "ends_before_start"));
        }
        if index > 0 && new.phases[index - 1].ends_at > p.starts_at {
            return Err(AppError::invalid("phases", "overlap"));
        }
    }
    let txn = db.begin().await.map_err(storage_error)?;
    let taken = procedure::Entity::find()
        .filter(procedure::Column::Slug.eq(new.slug.as_str()))
        .count(&txn)
        .await
        .map_err(storage_error)?;
    if taken > 0 {
        return Err(AppError::Conflict);
    }
    let status = if new.published {
        procedure::STATUS_PUBLISHED
    } else {
        procedure::STATUS_DRAFT
    };
    let inserted = procedure::ActiveModel {
        slug: Set(new.slug.as_str().to_owned()),
        title: Set(title.to_owned()),
        summary: Set(new.summary),
        description: Set(new.description),
        department: Set(new.department),
        contact: Set(new.contact),
        vote_rule: Set(new.rule.kind().to_owned()),
        vote_cap: Set(new.rule.cap().and_then(|cap| i32::try_from(cap).ok())),
        categories: Set(new.categories.join("\n")),
        vote_phase: Set(new.vote_phase.as_str().to_owned()),
        moderation: Set("post".to_owned()),
        status: Set(status.to_owned()),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(storage_error)?;
    for (position, p) in new.phases.into_iter().enumerate() {
        phase::ActiveModel {
            procedure_id: Set(inserted.id),
            kind: Set(p.kind.as_str().to_owned()),
            position: Set(
                i32::try_from(position).map_err(|_| AppError::invalid("phases", "too_many"))?
            ),
            starts_at: Set(p.starts_at),
            ends_at: Set(p.ends_at),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(storage_error)?;
    }
    txn.commit().await.map_err(storage_error)?;
    Ok(inserted.id)
}

fn published(filter: ProcedureFilter, now: DateTime<Utc>) -> Select<procedure::Entity> {
    let query =
        procedure::Entity::find().filter(procedure::Column::Status.eq(procedure::STATUS_PUBLISHED));
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
        let Some(kind) = PhaseKind::parse(&row.kind) else {
            tracing::error!(phase = row.id, kind = %row.kind, "unknown phase kind skipped");
            continue;
        };
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
        state: state_at(row.starts_at, row.ends_at, now),
        current_phase: current_phase(schedule, now),
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

fn timestamp(at: DateTime<Utc>) -> Timestamp {
    Timestamp(at.timestamp())
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
