//! Results as the pages and the API serve them: counted afresh while that is quick, kept
//! and recounted in the background where counting takes long.
//!
//! Counting a procedure's results reads every vote (the total, the distinct voters, the
//! people taking part, the votes per day): a few milliseconds for a district's procedure,
//! seconds at the size of the largest deployments (5,000,000 votes). Counted on every
//! request there, each planner following a running vote would keep a database connection
//! busy per reload, and no request would answer within seconds. So:
//!
//! - a running vote whose last count took less than [`QUICK`] is counted afresh on every
//!   request: small procedures always show the current figures;
//! - a count that took longer is kept and served with the instant it was taken (the page
//!   says "As of … h"), and recounted in the background once it is older than
//!   [`live_age`] allows (at least [`LIVE_REFRESH`], and ten times the count's own
//!   duration, so that counting never takes more than a tenth of a connection's time);
//! - the results of a finished vote no longer change with votes and are kept for
//!   [`FINAL_REFRESH`];
//! - the same results are counted once at a time in this process: requests that find
//!   nothing kept wait for a count under way rather than count the same again (the count
//!   finishes and is kept even if its requester leaves), and a recount in the background
//!   starts only if none is under way;
//! - a change the results show (an outcome, a moderation decision: `results_changed`)
//!   makes every kept count of the procedure stale at once, here and on the other
//!   instances, and the next request counts afresh.

use super::{Scope, view};
use crate::backend::common::{Kept, results_generation};
use crate::error::AppError;
use crate::model::results::ResultsView;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use std::time::{Duration, Instant};

/// A count quicker than this is not kept while voting runs.
pub const QUICK: Duration = Duration::from_millis(100);
/// The least age at which a slow count of a running vote is recounted.
pub const LIVE_REFRESH: Duration = Duration::from_secs(15);
/// How long the results of a finished vote are served from memory.
pub const FINAL_REFRESH: Duration = Duration::from_secs(60);

/// The procedure, whether its vote has ended, and the label of proposals without a
/// category (the language of the page).
type Key = (i64, bool, String);

#[derive(Clone)]
struct Count {
    view: ResultsView,
    took: Duration,
}

/// The counts, by whether the vote has ended and the label; counts nobody asked for in ten
/// minutes go. Whether a count is still good to serve is [`decide`]'s to say.
static COUNTS: Kept<(bool, String), Count> = Kept::new(Duration::from_secs(600));

fn kept(key: &Key) -> Option<(Count, Duration)> {
    COUNTS.get_aged(key.0, (key.1, key.2.clone()))
}

/// Each key's turn to count: one count of the same results at a time (in this process),
/// while other procedures count beside it.
fn turn_of(key: &Key) -> std::sync::Arc<tokio::sync::Mutex<()>> {
    COUNTS.turn(key.0, (key.1, key.2.clone()))
}

/// What to do with a kept count of the current generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Serve it.
    Kept,
    /// Serve it and recount in the background.
    KeptAndRecount,
    /// Count afresh now.
    Recount,
}

/// The rule of this module, apart from the state it keeps.
pub fn decide(final_results: bool, took: Duration, age: Duration) -> Use {
    let slow = took >= QUICK;
    let fresh_for = if final_results {
        FINAL_REFRESH
    } else if slow {
        live_age(took)
    } else {
        Duration::ZERO
    };
    match (age < fresh_for, slow) {
        (true, _) => Use::Kept,
        (false, true) => Use::KeptAndRecount,
        (false, false) => Use::Recount,
    }
}

/// How old a slow count of a running vote may be before it is recounted.
pub fn live_age(took: Duration) -> Duration {
    Ord::max(LIVE_REFRESH, took.saturating_mul(10))
}

/// Counts and keeps the count (of the generation read before counting).
async fn count(
    db: &DatabaseConnection,
    scope: &Scope,
    key: Key,
    now: DateTime<Utc>,
) -> Result<ResultsView, AppError> {
    let generation = results_generation(scope.procedure.id);
    let started = Instant::now();
    let fresh = view(db, scope, &key.2, now).await?;
    let count = Count {
        view: fresh.clone(),
        took: started.elapsed(),
    };
    let (procedure_id, final_results, uncategorised) = key;
    COUNTS.put(
        procedure_id,
        (final_results, uncategorised),
        generation,
        count,
    );
    Ok(fresh)
}

/// The results of `scope` as they are now, or as counted a moment ago (see the module).
pub async fn view_cached(
    db: &DatabaseConnection,
    scope: &Scope,
    uncategorised: &str,
    now: DateTime<Utc>,
) -> Result<ResultsView, AppError> {
    let key: Key = (
        scope.procedure.id,
        scope.final_results,
        uncategorised.to_owned(),
    );
    if let Some((found, age)) = kept(&key) {
        match decide(scope.final_results, found.took, age) {
            Use::Kept => return Ok(found.view),
            Use::KeptAndRecount => {
                recount_in_background(db.clone(), scope.clone(), key);
                return Ok(found.view);
            }
            // Quick: no need to wait for a slow count elsewhere.
            Use::Recount => return count(db, scope, key, now).await,
        }
    }
    // Nothing current kept: count, after a count of the same results under way now,
    // which may well have counted them. The count runs in a task of its own, holding the
    // turn: when the person who asked stops waiting (a closed tab, a proxy's timeout), it
    // still finishes and is kept, instead of being dropped half done and begun again by
    // the next request.
    let turn = turn_of(&key).lock_owned().await;
    if let Some((found, _)) = kept(&key) {
        return Ok(found.view);
    }
    let (db, scope) = (db.clone(), scope.clone());
    tokio::spawn(async move {
        let counted = count(&db, &scope, key, now).await;
        drop(turn);
        counted
    })
    .await
    .map_err(|error| {
        tracing::error!(?error, "counting results failed");
        AppError::Internal
    })?
}

/// Recounts in a task of its own, unless a count of the same results is under way.
fn recount_in_background(db: DatabaseConnection, scope: Scope, key: Key) {
    let Ok(turn) = turn_of(&key).try_lock_owned() else {
        return;
    };
    tokio::spawn(async move {
        if let Err(error) = count(&db, &scope, key, Utc::now()).await {
            tracing::warn!(
                ?error,
                procedure = scope.procedure.id,
                "recounting results failed"
            );
        }
        drop(turn);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_counts_of_a_running_vote_are_never_kept() {
        let quick = Duration::from_millis(3);
        assert_eq!(decide(false, quick, Duration::ZERO), Use::Recount);
        assert_eq!(decide(false, quick, Duration::from_secs(1)), Use::Recount);
    }

    #[test]
    fn slow_counts_are_kept_then_recounted_behind_the_scenes() {
        let slow = Duration::from_millis(400);
        assert_eq!(decide(false, slow, Duration::from_secs(14)), Use::Kept);
        assert_eq!(
            decide(false, slow, Duration::from_secs(15)),
            Use::KeptAndRecount
        );
        // A count of seconds waits ten times as long, at most a tenth of the time counting.
        let very_slow = Duration::from_secs(4);
        assert_eq!(live_age(very_slow), Duration::from_secs(40));
        assert_eq!(decide(false, very_slow, Duration::from_secs(39)), Use::Kept);
        assert_eq!(
            decide(false, very_slow, Duration::from_secs(41)),
            Use::KeptAndRecount
        );
    }

    #[test]
    fn final_results_are_kept_for_a_minute_however_quick() {
        let quick = Duration::from_millis(3);
        assert_eq!(decide(true, quick, Duration::from_secs(59)), Use::Kept);
        assert_eq!(decide(true, quick, Duration::from_secs(61)), Use::Recount);
        let slow = Duration::from_secs(2);
        assert_eq!(
            decide(true, slow, Duration::from_secs(61)),
            Use::KeptAndRecount
        );
    }
}
