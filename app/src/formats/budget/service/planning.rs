//! What the planners' budget pages read: a procedure's budgets, one budget's desk (every
//! project, the paper batches, the proposals that could become projects) and one batch of
//! paper ballots with the ballot it is entered from. Every read is bounded.

use super::budget::{self as budgets, load};
use super::paper;
use super::project::{self, MAX_PROJECTS_PER_BUDGET};
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::timestamp;
use crate::backend::db::storage_error;
use crate::backend::entity::{budget_ballot, budget_paper_batch, budget_project, proposal, user};
use crate::backend::service::procedure;
use crate::error::AppError;
use crate::formats::budget::model::{BudgetStage, CouncilDesk, PaperBatch, project_number};
use crate::formats::budget::planning::{
    BATCHES_SHOWN, BatchDesk, BudgetDesk, BudgetsOverview, PROMOTABLE_SHOWN, ProjectDesk,
    Promotable,
};
use crate::formats::proposals::model::ProposalStatus;
use crate::model::implementation::Implementation;
use crate::model::moderation::Visibility;
use crate::model::procedure::Slug;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use std::collections::HashMap;

/// A procedure's budgets with their ballot counts.
pub async fn overview(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<BudgetsOverview, AppError> {
    user.require(Permission::Plan)?;
    let slug = Slug::parse(slug).map_err(|_| AppError::NotFound)?;
    let (context, summary) = procedure::context_for(db, &slug, Some(user), now).await?;
    let budgets = budgets::list(db, &slug, Some(user), now).await?;
    Ok(BudgetsOverview {
        slug: summary.slug.clone(),
        procedure_title: summary.title.clone(),
        budgets,
        vote_scheduled: context.vote_window.is_some(),
        stage: budgets::stage_of(&context, now),
    })
}

/// One budget for its planners.
pub async fn desk(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    budget_id: i64,
    now: DateTime<Utc>,
) -> Result<BudgetDesk, AppError> {
    user.require(Permission::Plan)?;
    let hosted = load(db, budget_id, Some(user), now).await?;
    let budget = budgets::view(db, &hosted, Some(user), now).await?;
    let rows = budget_project::Entity::find()
        .filter(budget_project::Column::BudgetId.eq(hosted.row.id))
        .order_by_asc(budget_project::Column::Id)
        .limit(MAX_PROJECTS_PER_BUDGET)
        .all(db)
        .await
        .map_err(storage_error)?;
    let projects = project::views(db, rows).await?;
    let batch_rows = budget_paper_batch::Entity::find()
        .filter(budget_paper_batch::Column::BudgetId.eq(hosted.row.id))
        .order_by_desc(budget_paper_batch::Column::Id)
        .limit(BATCHES_SHOWN)
        .all(db)
        .await
        .map_err(storage_error)?;
    let batches = batch_views(db, batch_rows).await?;
    let promotable = if budget.locked {
        Vec::new()
    } else {
        promotable(db, hosted.row.procedure_id, hosted.row.id).await?
    };
    Ok(BudgetDesk {
        budget,
        slug: hosted.summary.slug.clone(),
        procedure_title: hosted.summary.title.clone(),
        projects,
        batches,
        promotable,
        takes_paper: hosted.taking_ballots(now),
    })
}

/// Batches with their ballot counts, in one grouped query.
async fn batch_views(
    db: &impl ConnectionTrait,
    rows: Vec<budget_paper_batch::Model>,
) -> Result<Vec<PaperBatch>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let counts: HashMap<i64, i64> = if ids.is_empty() {
        HashMap::new()
    } else {
        budget_ballot::Entity::find()
            .select_only()
            .column(budget_ballot::Column::BatchId)
            .column_as(budget_ballot::Column::Id.count(), "n")
            .filter(budget_ballot::Column::BatchId.is_in(ids))
            .group_by(budget_ballot::Column::BatchId)
            .into_tuple::<(Option<i64>, i64)>()
            .all(db)
            .await
            .map_err(storage_error)?
            .into_iter()
            .filter_map(|(id, n)| id.map(|id| (id, n)))
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let ballots = counts.get(&row.id).copied().unwrap_or(0);
            PaperBatch {
                id: row.id,
                budget_id: row.budget_id,
                label: row.label,
                entered_by: row.entered_by,
                confirmed_by: row.confirmed_by,
                confirmed_at: row.confirmed_at.map(timestamp),
                confirmed: row.confirmed_at.is_some(),
                ballots: u64::try_from(ballots).unwrap_or(0),
            }
        })
        .collect())
}

/// Published, visible proposals of the procedure that no project of this budget comes
/// from, most supported first.
async fn promotable(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    budget_id: i64,
) -> Result<Vec<Promotable>, AppError> {
    let taken = budget_project::Entity::find()
        .select_only()
        .column(budget_project::Column::ProposalId)
        .filter(budget_project::Column::BudgetId.eq(budget_id))
        .filter(budget_project::Column::ProposalId.is_not_null())
        .into_query();
    let rows: Vec<(i64, String, i32)> = proposal::Entity::find()
        .select_only()
        .columns([proposal::Column::Id, proposal::Column::Title])
        .column(proposal::Column::SupportCount)
        .filter(proposal::Column::ProcedureId.eq(procedure_id))
        .filter(proposal::Column::Status.eq(ProposalStatus::Published))
        .filter(proposal::Column::Visibility.eq(Visibility::Visible))
        .filter(proposal::Column::Id.not_in_subquery(taken))
        .order_by_desc(proposal::Column::SupportCount)
        .order_by_asc(proposal::Column::Id)
        .limit(PROMOTABLE_SHOWN)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .map(|(id, title, supports)| Promotable {
            id,
            title,
            supports: i64::from(supports),
        })
        .collect())
}

/// A batch of paper ballots with the ballot it is entered from.
pub async fn batch_desk(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    batch_id: i64,
    now: DateTime<Utc>,
) -> Result<BatchDesk, AppError> {
    let (row, hosted) = paper::find(db, user, batch_id, now).await?;
    let open = paper::open(&row, &hosted, now).is_ok();
    let batch = paper::batch_view(db, row).await?;
    let budget = budgets::view(db, &hosted, Some(user), now).await?;
    let projects = project::on_the_ballot(db, hosted.row.id).await?;
    let people: Vec<i64> = [batch.entered_by, batch.confirmed_by]
        .into_iter()
        .flatten()
        .collect();
    let names: HashMap<i64, Option<String>> = user::Entity::find()
        .select_only()
        .columns([user::Column::Id, user::Column::DisplayName])
        .filter(user::Column::Id.is_in(people))
        .into_tuple::<(i64, Option<String>)>()
        .all(db)
        .await
        .map_err(storage_error)?
        .into_iter()
        .collect();
    let name = |id: Option<i64>| id.and_then(|id| names.get(&id).cloned().flatten());
    Ok(BatchDesk {
        open,
        entered_by_viewer: batch.entered_by == Some(user.id),
        entered_by_name: name(batch.entered_by),
        confirmed_by_name: name(batch.confirmed_by),
        batch,
        budget,
        slug: hosted.summary.slug.clone(),
        projects,
    })
}

/// One project with the other projects of its budget.
pub async fn project_desk(
    db: &sea_orm::DatabaseConnection,
    user: &CurrentUser,
    project_id: i64,
    now: DateTime<Utc>,
) -> Result<ProjectDesk, AppError> {
    user.require(Permission::Plan)?;
    let (row, hosted) = project::find(db, project_id, Some(user), now).await?;
    let project = project::views(db, vec![row])
        .await?
        .pop()
        .ok_or(AppError::Internal)?;
    let budget = budgets::view(db, &hosted, Some(user), now).await?;
    let others: Vec<(i64, String)> = budget_project::Entity::find()
        .select_only()
        .columns([budget_project::Column::Id, budget_project::Column::Title])
        .filter(budget_project::Column::BudgetId.eq(hosted.row.id))
        .filter(budget_project::Column::Id.ne(project.id))
        .order_by_asc(budget_project::Column::Id)
        .limit(MAX_PROJECTS_PER_BUDGET)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let ended = budget.stage == BudgetStage::Ended;
    let implementation = if ended {
        super::implementation::of_project(db, project.id, Some(user), now).await?
    } else {
        Implementation::default()
    };
    let council = if ended && !project.withdrawn {
        Some(CouncilDesk {
            outcome: super::council::outcome_of(db, project.id).await?,
            number: project_number(project.id),
        })
    } else {
        None
    };
    Ok(ProjectDesk {
        project,
        budget,
        slug: hosted.summary.slug.clone(),
        others,
        implementation,
        council,
    })
}
