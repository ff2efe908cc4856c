//! The planners' overview: every procedure, drafts too, a page at a time.

use super::{current_phase, phases_of, state_at};
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{Cursor, after, page_of, timestamp};
use crate::backend::db::storage_error;
use crate::backend::entity::procedure;
use crate::error::AppError;
use crate::model::procedure::{PlannerPage, PlannerRow, ProcedureStatus};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Procedures on one page of the planners' overview.
pub const PLANNER_PAGE_SIZE: u64 = 50;

/// Every procedure, drafts too, the most recently starting first, a page at a time (after
/// `cursor`, from an earlier page), with its number of proposals.
pub async fn planner_overview(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    cursor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<PlannerPage, AppError> {
    user.require(Permission::Plan)?;
    let mut page = procedure::Entity::find();
    if let Some(cursor) = cursor {
        let cursor = Cursor::parse(cursor)?;
        page = page.filter(after(
            Expr::col((procedure::Entity, procedure::Column::StartsAt)),
            DateTime::<Utc>::from_timestamp_nanos(cursor.value),
            Expr::col((procedure::Entity, procedure::Column::Id)),
            cursor.id,
            true,
        ));
    }
    let rows = page
        .order_by_desc(procedure::Column::StartsAt)
        .order_by_desc(procedure::Column::Id)
        .limit(PLANNER_PAGE_SIZE + 1)
        .all(db)
        .await
        .map_err(storage_error)?;
    let (rows, next_cursor) = page_of(rows, PLANNER_PAGE_SIZE, |last| Cursor {
        // Nanoseconds, as stored (see the cursor of the proposals' listing).
        value: last.starts_at.timestamp_nanos_opt().unwrap_or(i64::MAX),
        id: last.id,
    });
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut phases = phases_of(db, ids.clone()).await?;
    let counts = proposal_totals(db, ids).await?;
    let rows = rows
        .into_iter()
        .map(|row| {
            let schedule = phases.remove(&row.id).unwrap_or_default();
            PlannerRow {
                proposals: counts.get(&row.id).copied().unwrap_or(0),
                published: row.status == ProcedureStatus::Published,
                state: state_at(row.starts_at, row.ends_at, now),
                current_phase: current_phase(&schedule, now),
                starts_at: timestamp(row.starts_at),
                ends_at: timestamp(row.ends_at),
                slug: row.slug,
                title: row.title,
            }
        })
        .collect();
    Ok(PlannerPage { rows, next_cursor })
}

/// All proposals of each procedure (any status or visibility), from the counters the
/// database keeps by trigger (migration 12): a few rows per procedure, not its proposals.
async fn proposal_totals(
    db: &impl ConnectionTrait,
    procedure_ids: Vec<i64>,
) -> Result<HashMap<i64, u64>, AppError> {
    use sea_orm::sea_query::{Alias, ExprTrait, Query};
    if procedure_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut totals = Query::select();
    totals
        .column(Alias::new("procedure_id"))
        .expr(Expr::cust("CAST(COALESCE(SUM(n), 0) AS BIGINT)"))
        .from(Alias::new("proposal_counts"))
        .and_where(Expr::col(Alias::new("procedure_id")).is_in(procedure_ids))
        .group_by_col(Alias::new("procedure_id"));
    let rows = db.query_all(&totals).await.map_err(storage_error)?;
    rows.iter()
        .map(|row| {
            let id: i64 = row.try_get_by_index(0).map_err(storage_error)?;
            let n: i64 = row.try_get_by_index(1).map_err(storage_error)?;
            Ok((id, u64::try_from(n).unwrap_or(0)))
        })
        .collect()
}
