//! What a budget's pages show: the budget with the projects on its ballot and the visitor's
//! ballot, its results once they are public, and the budgets a procedure's page lists.

use super::budget::{self as budgets, Hosted, load};
use super::project;
use super::{ballot, results};
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::service::implementation;
use crate::error::AppError;
use crate::formats::budget::model::{
    BallotViewer, BudgetLink, BudgetPage, BudgetStage, ResultsPage,
};
use crate::model::procedure::Slug;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// The budget at `/verfahren/{slug}/budget/{id}`: another procedure's budget is not found
/// under this address.
async fn hosted_at(
    db: &impl ConnectionTrait,
    slug: &str,
    budget_id: i64,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<Hosted, AppError> {
    let slug = Slug::parse(slug).map_err(|_| AppError::NotFound)?;
    let hosted = load(db, budget_id, viewer, now).await?;
    if hosted.summary.slug != slug.as_str() {
        return Err(AppError::NotFound);
    }
    Ok(hosted)
}

fn viewer_of(viewer: Option<&CurrentUser>) -> BallotViewer {
    viewer.map_or_else(BallotViewer::default, |user| BallotViewer {
        signed_in: true,
        verified: user.verified,
        blocked: user.blocked,
        planner: user.can(Permission::Plan),
    })
}

/// Results are public once voting has ended; planners see the count so far at any time.
fn results_public(stage: BudgetStage, viewer: BallotViewer) -> bool {
    stage == BudgetStage::Ended || viewer.planner
}

/// A budget's page: the budget, every project on its ballot, and the visitor's ballot.
pub async fn page(
    db: &impl ConnectionTrait,
    slug: &str,
    budget_id: i64,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<BudgetPage, AppError> {
    let hosted = hosted_at(db, slug, budget_id, viewer, now).await?;
    let budget = budgets::view(db, &hosted, viewer, now).await?;
    let projects = project::on_the_ballot(db, hosted.row.id).await?;
    let (ballot, votes_in) = match viewer {
        Some(user) if budget.stage != BudgetStage::Preparing => {
            let elsewhere = match ballot::district_taken(db, &hosted.row, user.id).await? {
                Some(row) => {
                    let other = Hosted {
                        row,
                        ..hosted.clone()
                    };
                    Some(BudgetLink::from(
                        &budgets::view(db, &other, None, now).await?,
                    ))
                }
                None => None,
            };
            (
                Some(ballot::get(db, user, hosted.row.id, now).await?),
                elsewhere,
            )
        }
        _ => (None, None),
    };
    let seen_by = viewer_of(viewer);
    let may_vote = ballot.is_some()
        && hosted.taking_ballots(now)
        && seen_by.verified
        && !seen_by.blocked
        && votes_in.is_none();
    Ok(BudgetPage {
        results_public: results_public(budget.stage, seen_by),
        budget,
        procedure_title: hosted.summary.title.clone(),
        projects,
        ballot,
        viewer: seen_by,
        votes_in,
        may_vote,
    })
}

/// A budget's results page: the results once voting has ended (planners: the count so
/// far at any time); before, the budget alone, and the page says when.
pub async fn results_page(
    db: &DatabaseConnection,
    slug: &str,
    budget_id: i64,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<ResultsPage, AppError> {
    let hosted = hosted_at(db, slug, budget_id, viewer, now).await?;
    let budget = budgets::view(db, &hosted, viewer, now).await?;
    let seen_by = viewer_of(viewer);
    let results = if results_public(budget.stage, seen_by) {
        Some(
            results::results(db, hosted.row.id, viewer, now)
                .await?
                .results,
        )
    } else {
        None
    };
    let implementations = match &results {
        Some(results) if results.final_result => {
            let funded: Vec<(i64, String)> = results
                .projects
                .iter()
                .filter(|p| p.funded)
                .map(|p| (p.project_id, p.title.clone()))
                .collect();
            let mut found =
                implementation::of_projects(db, funded.iter().map(|(id, _)| *id).collect()).await?;
            funded
                .into_iter()
                .filter_map(|(id, title)| Some((id, title, found.remove(&id)?)))
                .collect()
        }
        _ => Vec::new(),
    };
    Ok(ResultsPage {
        implementations,
        may_decide: seen_by.planner && budget.stage == BudgetStage::Ended,
        budget,
        procedure_title: hosted.summary.title.clone(),
        results,
    })
}

/// The budgets a procedure's page lists (one query for a procedure without any).
pub async fn links(
    db: &impl ConnectionTrait,
    slug: &Slug,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<Vec<BudgetLink>, AppError> {
    if !budgets::any_in(db, slug).await? {
        return Ok(Vec::new());
    }
    let budgets = budgets::list(db, slug, viewer, now).await?;
    Ok(budgets.iter().map(BudgetLink::from).collect())
}
