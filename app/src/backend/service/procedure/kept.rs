//! A procedure's row and schedule, kept by each instance for a few seconds.

use super::{Key, ScheduledPhase, find_row, id_at, phases_of};
use crate::backend::common::{Kept, results_generation};
use crate::backend::entity::procedure;
use crate::error::AppError;
use crate::model::procedure::Slug;
use sea_orm::ConnectionTrait;

/// A procedure's row and schedule as this instance read them a moment ago.
pub(super) type Schedule = std::sync::Arc<(procedure::Model, Vec<ScheduledPhase>)>;

/// Every vote, comment and proposal page asks for its procedure's rule and phase: two
/// reads that almost never change. This instance keeps them for five seconds, and drops
/// them at once when a planner changes the procedure (`results_changed`) here or on another
/// instance (announced through PostgreSQL, or all of them when the line to the others
/// broke). The five seconds bound what a change past the services (a restore, a hand-made
/// `UPDATE`) leaves unseen. The phase is worked out from the kept schedule at each
/// request, so time passing needs nothing.
static KEPT_SCHEDULES: Kept<(), Schedule> = Kept::new(std::time::Duration::from_secs(5));

pub(super) async fn kept_schedule(
    db: &impl ConnectionTrait,
    procedure_id: i64,
) -> Result<Schedule, AppError> {
    if let Some(kept) = KEPT_SCHEDULES.get(procedure_id, ()) {
        return Ok(kept);
    }
    // Read before the rows: a change committed after this makes what is kept stale.
    let generation = results_generation(procedure_id);
    let row = find_row(db, Key::Id(procedure_id), true).await?;
    let schedule = phases_of(db, vec![procedure_id])
        .await?
        .remove(&procedure_id)
        .unwrap_or_default();
    let kept = std::sync::Arc::new((row, schedule));
    KEPT_SCHEDULES.put(procedure_id, (), generation, kept.clone());
    Ok(kept)
}

/// The procedure at an address, kept as [`kept_schedule`] keeps it. Which procedure has
/// the address is asked each time (its id only, from the unique index): a planner may give
/// it to another, and the process may serve several databases (the tests do).
pub(super) async fn kept_schedule_at(
    db: &impl ConnectionTrait,
    slug: &Slug,
) -> Result<Schedule, AppError> {
    kept_schedule(db, id_at(db, slug).await?).await
}
