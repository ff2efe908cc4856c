//! A budget's results and its ballot file. Both come from one reading of the submitted
//! ballots: the file (pabulib's `.pb` format: META, PROJECTS, VOTES) is what anyone can
//! recompute the results from, and the results carry its SHA-256.
//!
//! Everyone sees them once voting has ended; planners at any time (a count so far). The
//! planners' decisions on the result (`decision`) are applied to the results, never to
//! the file.

use super::budget::{Hosted, load, rule_of};
use super::count::{self, Candidate, Instance, Utility};
use super::pabulib;
use super::project::{exclusions_of, on_ballot};
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{Kept, results_generation, statement};
use crate::backend::db::storage_error;
use crate::backend::entity::budget_project;
use crate::error::AppError;
use crate::formats::budget::model::{
    BallotRule, BallotStatus, BudgetResults, BudgetStage, ProjectResult, ResultMethod,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write;

/// The results and the ballot file they were computed from.
#[derive(Debug, Clone)]
pub struct Counted {
    pub results: BudgetResults,
    pub file: String,
}

/// A budget's results as the viewer may see them.
pub async fn results(
    db: &DatabaseConnection,
    budget_id: i64,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<Counted, AppError> {
    let hosted = load(db, budget_id, viewer, now).await?;
    let planner = viewer.is_some_and(|v| v.can(Permission::Plan));
    if !planner && hosted.stage(now) != BudgetStage::Ended {
        return Err(AppError::invalid("results", "not_yet_public"));
    }
    let mut counted = count_budget(db, &hosted, now).await?;
    published(db, &mut counted.results).await?;
    Ok(counted)
}

/// The count as published: with the planners' decisions and the council's outcomes.
pub(crate) async fn published(
    db: &DatabaseConnection,
    results: &mut BudgetResults,
) -> Result<(), AppError> {
    super::decision::apply(db, results).await?;
    super::council::apply(db, results).await
}

#[derive(Debug, FromQueryResult)]
struct ItemRow {
    ballot_id: i64,
    project_id: i64,
    points: i32,
}

/// Finished counts, kept as long as a procedure's final results.
static FINISHED: Kept<(i64, i64, String), Counted> =
    Kept::new(crate::backend::service::results::FINAL_REFRESH);

/// The count of a budget's submitted ballots by its method, and the ballot file: the
/// result before any planner's decision. Once voting has ended no ballot changes, so the
/// count is kept for a while instead of redone for each reader (the results page and its
/// API, the report, the manifest); a schedule that moves the end counts afresh.
pub(crate) async fn count_budget(
    db: &DatabaseConnection,
    hosted: &Hosted,
    now: DateTime<Utc>,
) -> Result<Counted, AppError> {
    let ended = hosted.stage(now) == BudgetStage::Ended;
    let procedure = hosted.row.procedure_id;
    let ends = hosted
        .context
        .vote_window
        .map_or(0, |(_, ends)| ends.timestamp());
    // The budget's own random seed in the key: another database (a test's, a restored
    // backup) holding a budget of the same id never shares its count.
    let key = (hosted.row.id, ends, hosted.row.tie_seed.clone());
    if ended && let Some(kept) = FINISHED.get(procedure, key.clone()) {
        return Ok(kept);
    }
    let generation = results_generation(procedure);
    let counted = count_now(db, hosted, now).await?;
    if ended {
        FINISHED.put(procedure, key, generation, counted.clone());
    }
    Ok(counted)
}

/// Counts the submitted ballots as they are now.
async fn count_now(
    db: &DatabaseConnection,
    hosted: &Hosted,
    now: DateTime<Utc>,
) -> Result<Counted, AppError> {
    use futures_util::TryStreamExt;
    let rule = rule_of(&hosted.row);
    let projects: Vec<budget_project::Model> = budget_project::Entity::find()
        .filter(budget_project::Column::BudgetId.eq(hosted.row.id))
        .order_by_asc(budget_project::Column::Id)
        .all(db)
        .await
        .map_err(storage_error)?
        .into_iter()
        .filter(on_ballot)
        .collect();
    let index: HashMap<i64, usize> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    let ids: Vec<i64> = projects.iter().map(|p| p.id).collect();
    let mut exclusions = Vec::new();
    for (project, others) in exclusions_of(db, &ids).await? {
        for other in others {
            if let (Some(&a), Some(&b)) = (index.get(&project), index.get(&other))
                && a < b
            {
                exclusions.push((a, b));
            }
        }
    }
    // The submitted ballots, read as a stream in ballot order.
    let mut rows = ItemRow::find_by_statement(statement(
        db,
        "SELECT i.ballot_id AS ballot_id, i.project_id AS project_id, i.points AS points \
         FROM budget_ballot_items i JOIN budget_ballots b ON b.id = i.ballot_id \
         WHERE b.budget_id = $1 AND b.status = $2 ORDER BY i.ballot_id, i.project_id",
        vec![
            hosted.row.id.into(),
            BallotStatus::Submitted.as_str().into(),
        ],
    ))
    .stream(db)
    .await
    .map_err(storage_error)?;
    let mut ballots: Vec<Vec<(usize, u32)>> = Vec::new();
    let mut votes = vec![0_u64; projects.len()];
    let mut current: Option<i64> = None;
    while let Some(row) = rows.try_next().await.map_err(storage_error)? {
        let Some(&candidate) = index.get(&row.project_id) else {
            continue;
        };
        if current != Some(row.ballot_id) {
            current = Some(row.ballot_id);
            ballots.push(Vec::new());
        }
        let points = u32::try_from(row.points).unwrap_or(0);
        votes[candidate] += u64::from(rule.points_of(Some(points)));
        if let Some(ballot) = ballots.last_mut() {
            ballot.push((candidate, points));
        }
    }
    drop(rows);
    let instance = Instance {
        total: hosted.row.total_cents,
        candidates: projects
            .iter()
            .zip(&votes)
            .map(|(p, &votes)| Candidate {
                id: p.id,
                cost: p.cost_cents,
                votes,
            })
            .collect(),
        exclusions,
        ballots,
        seed: hosted.row.tie_seed.clone(),
    };
    let outcome = match hosted.row.method {
        ResultMethod::Greedy => count::greedy(&instance),
        ResultMethod::EqualShares => {
            let utility = match rule {
                BallotRule::Cumulative { .. } => Utility::Points,
                _ => Utility::Cost,
            };
            count::equal_shares(&instance, utility)
        }
    };
    let file = pabulib::write(hosted, rule, &projects, &instance, &outcome);
    let sha = Sha256::digest(file.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in sha {
        let _ = write!(hex, "{byte:02x}");
    }
    let spent = outcome
        .funded
        .iter()
        .map(|&c| instance.candidates[c].cost)
        .sum();
    let line = |c: usize, funded: bool, unfunded| ProjectResult {
        project_id: projects[c].id,
        title: projects[c].title.clone(),
        cost_cents: projects[c].cost_cents,
        votes: instance.candidates[c].votes,
        funded,
        unfunded,
        decided: false,
        council: None,
    };
    let mut lines: Vec<ProjectResult> = outcome
        .funded
        .iter()
        .map(|&c| line(c, true, None))
        .collect();
    lines.extend(
        outcome
            .unfunded
            .iter()
            .map(|&(c, why)| line(c, false, Some(why))),
    );
    let results = BudgetResults {
        budget_id: hosted.row.id,
        method: hosted.row.method,
        rule,
        total_cents: hosted.row.total_cents,
        spent_cents: spent,
        ballots: instance.ballots.len() as u64,
        final_result: hosted.stage(now) == BudgetStage::Ended,
        tie_seed: hosted.row.tie_seed.clone(),
        ballot_file_sha256: hex,
        projects: lines,
        decisions: Vec::new(),
    };
    Ok(Counted { results, file })
}
