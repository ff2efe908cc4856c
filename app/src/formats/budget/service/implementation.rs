//! What became of a budget's funded projects: planners record dated entries once voting
//! has ended, for projects the published result funds (the count, with the planners'
//! decisions applied). A project made from a proposal tells that proposal's followers.

use super::project::find;
use super::results;
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::find_proposal;
use crate::backend::db::{begin_write, storage_error};
use crate::backend::service::implementation::{self, Recording, Subject};
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::formats::budget::model::BudgetStage;
use crate::model::implementation::{Implementation, ImplementationInput};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

/// Whether the published result funds the project (only once voting has ended).
async fn funded(
    db: &DatabaseConnection,
    project_id: i64,
    budget_id: i64,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let counted = results::results(db, budget_id, viewer, now).await?;
    Ok(counted
        .results
        .projects
        .iter()
        .any(|line| line.project_id == project_id && line.funded))
}

/// A project's implementation, where the viewer may see the project.
pub async fn of_project(
    db: &DatabaseConnection,
    project_id: i64,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<Implementation, AppError> {
    let (row, hosted) = find(db, project_id, viewer, now).await?;
    let may_record = viewer.is_some_and(|v| v.can(Permission::Plan))
        && hosted.stage(now) == BudgetStage::Ended
        && funded(db, row.id, row.budget_id, viewer, now).await?;
    implementation::implementation_of(db, Subject::Project(row.id), may_record).await
}

/// Records an entry for a funded project; the followers of the proposal it came from are
/// told.
pub async fn record_for_project(
    db: &DatabaseConnection,
    site: &SiteSettings,
    user: &CurrentUser,
    project_id: i64,
    input: &ImplementationInput,
    now: DateTime<Utc>,
) -> Result<Implementation, AppError> {
    user.require(Permission::Plan)?;
    let checked = implementation::check(input, now)?;
    let (row, hosted) = find(db, project_id, Some(user), now).await?;
    if hosted.stage(now) != BudgetStage::Ended {
        return Err(AppError::invalid("status", "not_funded"));
    }
    if !funded(db, row.id, row.budget_id, Some(user), now).await? {
        return Err(AppError::invalid("status", "not_funded"));
    }
    let told = match row.proposal_id {
        Some(id) => find_proposal(db, id).await.ok(),
        None => None,
    };
    let txn = begin_write(db).await?;
    let recording = Recording {
        procedure_id: hosted.row.procedure_id,
        subject: Subject::Project(row.id),
        told: told.as_ref(),
    };
    implementation::insert(&txn, site, user, recording, checked, now).await?;
    txn.commit().await.map_err(storage_error)?;
    of_project(db, project_id, Some(user), now).await
}
