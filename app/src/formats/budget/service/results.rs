//! A budget's results and its ballot file. Both come from one reading of the submitted
//! ballots: the file (pabulib's `.pb` format: META, PROJECTS, VOTES) is what anyone can
//! recompute the results from, and the results carry its SHA-256.
//!
//! Everyone sees them once voting has ended; planners at any time (a count so far).

use super::budget::{Hosted, load, rule_of};
use super::count::{self, Candidate, Instance, Outcome, Utility};
use super::project::{exclusions_of, on_ballot};
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::statement;
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
    count_budget(db, &hosted, now).await
}

#[derive(Debug, FromQueryResult)]
struct ItemRow {
    ballot_id: i64,
    project_id: i64,
    points: i32,
}

async fn count_budget(
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
    let file = pabulib(hosted, rule, &projects, &instance, &outcome);
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
    };
    Ok(Counted { results, file })
}

/// A pabulib cell: quoted when it holds the separator, a quote or a line break.
fn cell(value: &str) -> String {
    let value = value.replace(['\r', '\n'], " ");
    if value.contains(';') || value.contains('"') {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// Cents as pabulib's money: whole units, or with two decimals.
fn money(cents: i64) -> String {
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{}.{:02}", cents / 100, (cents % 100).abs())
    }
}

/// The ballot file in pabulib's format (pabulib.org, "Format"): voters numbered in the
/// order their ballots were cast, never by account.
fn pabulib(
    hosted: &Hosted,
    rule: BallotRule,
    projects: &[budget_project::Model],
    instance: &Instance,
    outcome: &Outcome,
) -> String {
    let mut out = String::new();
    let row = &hosted.row;
    let date = |at: Option<DateTime<Utc>>| {
        at.map(|at| at.format("%d.%m.%Y").to_string())
            .unwrap_or_default()
    };
    let window = hosted.context.vote_window;
    let mut meta: Vec<(&str, String)> = vec![
        ("description", cell(&row.title)),
        ("country", "Germany".to_owned()),
        ("unit", cell(&hosted.summary.title)),
    ];
    if let Some(district) = &row.district {
        meta.push(("subunit", cell(district)));
    }
    meta.extend([
        ("instance", format!("{}-{}", hosted.summary.slug, row.id)),
        ("num_projects", projects.len().to_string()),
        ("num_votes", instance.ballots.len().to_string()),
        ("budget", money(row.total_cents)),
        ("currency", "EUR".to_owned()),
        (
            "vote_type",
            match rule {
                BallotRule::Cumulative { .. } => "cumulative",
                _ => "approval",
            }
            .to_owned(),
        ),
        (
            "rule",
            match row.method {
                ResultMethod::Greedy => "greedy",
                ResultMethod::EqualShares => "equalshares",
            }
            .to_owned(),
        ),
        ("date_begin", date(window.map(|(starts, _)| starts))),
        ("date_end", date(window.map(|(_, ends)| ends))),
        ("language", "de".to_owned()),
        ("tie_seed", row.tie_seed.clone()),
    ]);
    match rule {
        BallotRule::Approval {
            min_projects,
            max_projects,
        } => {
            meta.push(("min_length", min_projects.max(1).to_string()));
            meta.push(("max_length", max_projects.to_string()));
        }
        BallotRule::Knapsack {
            min_spend_percent,
            min_projects,
            max_projects,
        } => {
            meta.push(("min_length", min_projects.max(1).to_string()));
            if let Some(max) = max_projects {
                meta.push(("max_length", max.to_string()));
            }
            let minimum = i128::from(row.total_cents) * i128::from(min_spend_percent) / 100;
            meta.push((
                "min_sum_cost",
                money(i64::try_from(minimum).unwrap_or(row.total_cents)),
            ));
            meta.push(("max_sum_cost", money(row.total_cents)));
        }
        BallotRule::Cumulative {
            points,
            max_per_project,
        } => {
            meta.push(("max_sum_points", points.to_string()));
            meta.push(("max_points", max_per_project.to_string()));
        }
    }
    out.push_str("META\nkey;value\n");
    for (key, value) in meta {
        let _ = writeln!(out, "{key};{value}");
    }
    let funded: std::collections::HashSet<usize> = outcome.funded.iter().copied().collect();
    out.push_str("PROJECTS\nproject_id;cost;votes;name;selected\n");
    for (i, project) in projects.iter().enumerate() {
        let _ = writeln!(
            out,
            "{};{};{};{};{}",
            project.id,
            money(project.cost_cents),
            instance.candidates[i].votes,
            cell(&project.title),
            u8::from(funded.contains(&i))
        );
    }
    let cumulative = matches!(rule, BallotRule::Cumulative { .. });
    out.push_str(if cumulative {
        "VOTES\nvoter_id;vote;points\n"
    } else {
        "VOTES\nvoter_id;vote\n"
    });
    for (n, ballot) in instance.ballots.iter().enumerate() {
        let vote: Vec<String> = ballot
            .iter()
            .map(|&(c, _)| projects[c].id.to_string())
            .collect();
        if cumulative {
            let points: Vec<String> = ballot.iter().map(|&(_, p)| p.to_string()).collect();
            let _ = writeln!(out, "{};{};{}", n + 1, vote.join(","), points.join(","));
        } else {
            let _ = writeln!(out, "{};{}", n + 1, vote.join(","));
        }
    }
    out
}
