//! The council's answer for a budget's projects, as `results::record_outcome` keeps it for
//! proposals: one outcome per project, entered by planners on the project's page or read
//! from the council information system, where an agenda item names a project by the
//! number the results page and the report print ("P-12"). Only once voting has ended; the
//! followers of the proposal a project came from are told.

use super::project::find;
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::find_proposal;
use crate::backend::db::{begin_write, storage_error};
use crate::backend::entity::{budget, budget_project, budget_project_council};
use crate::backend::service::follow::{self, Event};
use crate::backend::service::results::{checked_outcome, forget_cached};
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::formats::budget::model::{BudgetResults, BudgetStage};
use crate::model::moderation::Visibility;
use crate::model::results::{DecisionSource, OutcomeForm, OutcomeView};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set};
use std::collections::HashMap;

/// The project numbers a text names (see `model::project_number`): "P-" beginning a word,
/// followed by digits.
pub fn project_numbers(text: &str) -> Vec<i64> {
    crate::model::text::numbers_after(text, "P-", true)
}

fn view(row: &budget_project_council::Model) -> OutcomeView {
    OutcomeView {
        outcome: row.outcome,
        justification: row.justification.clone(),
        meeting_date: row.meeting_date.map(|d| d.format("%Y-%m-%d").to_string()),
    }
}

/// The council's outcome for one project, if recorded.
pub async fn outcome_of(
    db: &DatabaseConnection,
    project_id: i64,
) -> Result<Option<OutcomeView>, AppError> {
    Ok(budget_project_council::Entity::find_by_id(project_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .as_ref()
        .map(view))
}

/// Puts the council's outcome on each project of a budget's results (one query).
pub(crate) async fn apply(
    db: &DatabaseConnection,
    results: &mut BudgetResults,
) -> Result<(), AppError> {
    let found: HashMap<i64, OutcomeView> = budget_project_council::Entity::find()
        .filter(budget_project_council::Column::BudgetId.eq(results.budget_id))
        .all(db)
        .await
        .map_err(storage_error)?
        .iter()
        .map(|row| (row.project_id, view(row)))
        .collect();
    for line in &mut results.projects {
        line.council = found.get(&line.project_id).cloned();
    }
    Ok(())
}

/// Records (or changes) the council's outcome for a project once voting has ended, and
/// tells the followers of the proposal it came from. The same outcome again changes
/// nothing and sends nothing (`false`).
pub async fn record(
    db: &DatabaseConnection,
    site: &SiteSettings,
    user: &CurrentUser,
    project_id: i64,
    form: &OutcomeForm,
    source: DecisionSource,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    user.require(Permission::Plan)?;
    let (outcome, justification, meeting_date) = checked_outcome(form, now)?;
    let (row, hosted) = find(db, project_id, Some(user), now).await?;
    if hosted.stage(now) != BudgetStage::Ended {
        return Err(AppError::invalid("outcome", "participation_running"));
    }
    if row.withdrawn_at.is_some() {
        return Err(AppError::Conflict);
    }
    let told = match row.proposal_id {
        Some(id) => find_proposal(db, id)
            .await
            .ok()
            .filter(|p| p.visibility == Visibility::Visible),
        None => None,
    };
    let txn = begin_write(db).await?;
    let existing = budget_project_council::Entity::find_by_id(project_id)
        .one(&txn)
        .await
        .map_err(storage_error)?;
    if let Some(existing) = &existing
        && existing.outcome == outcome
        && existing.justification == justification
        && existing.meeting_date == meeting_date
    {
        return Ok(false);
    }
    let entry = budget_project_council::ActiveModel {
        project_id: Set(project_id),
        budget_id: Set(row.budget_id),
        outcome: Set(outcome),
        justification: Set(justification.clone()),
        meeting_date: Set(meeting_date),
        source: Set(source),
        recorded_by: Set(Some(user.id)),
        recorded_at: Set(now),
    };
    // One row per project, also when two planners record the first outcome at once.
    use budget_project_council::Column as C;
    let replace = OnConflict::column(C::ProjectId)
        .update_columns([
            C::Outcome,
            C::Justification,
            C::MeetingDate,
            C::Source,
            C::RecordedBy,
            C::RecordedAt,
        ])
        .to_owned();
    budget_project_council::Entity::insert(entry)
        .on_conflict(replace)
        .exec_without_returning(&txn)
        .await
        .map_err(storage_error)?;
    if let Some(target) = &told {
        let event = Event::CouncilOutcome {
            outcome,
            justification: &justification,
        };
        follow::notify(&txn, site, target, event, user.id, now).await?;
    }
    txn.commit().await.map_err(storage_error)?;
    forget_cached(hosted.row.procedure_id);
    Ok(true)
}

/// Removes a project's recorded outcome (entered on the wrong project, say). Nobody is
/// mailed.
pub async fn clear(
    db: &DatabaseConnection,
    user: &CurrentUser,
    project_id: i64,
) -> Result<(), AppError> {
    user.require(Permission::Plan)?;
    let (_, hosted) = find(db, project_id, Some(user), Utc::now()).await?;
    let deleted = budget_project_council::Entity::delete_by_id(project_id)
        .exec(db)
        .await
        .map_err(storage_error)?;
    if deleted.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    forget_cached(hosted.row.procedure_id);
    Ok(())
}

/// What reading an agenda item did to the projects it names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Projects of the procedure the item names (withdrawn ones and those of a budget
    /// still voting included: they are named, but not recorded).
    pub matched: u32,
    pub recorded: u32,
    pub unchanged: u32,
}

/// Records the outcome an agenda item states for every project of the procedure it names
/// ("P-12"), in budgets whose vote has ended.
pub(crate) async fn record_named(
    db: &DatabaseConnection,
    site: &SiteSettings,
    user: &CurrentUser,
    procedure_id: i64,
    item_name: &str,
    form: &OutcomeForm,
    now: DateTime<Utc>,
) -> Result<Recorded, AppError> {
    let numbers = project_numbers(item_name);
    let mut done = Recorded::default();
    if numbers.is_empty() {
        return Ok(done);
    }
    let budgets: Vec<i64> = budget::Entity::find()
        .select_only()
        .column(budget::Column::Id)
        .filter(budget::Column::ProcedureId.eq(procedure_id))
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let named: Vec<i64> = budget_project::Entity::find()
        .select_only()
        .column(budget_project::Column::Id)
        .filter(budget_project::Column::Id.is_in(numbers))
        .filter(budget_project::Column::BudgetId.is_in(budgets))
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    for project_id in named {
        done.matched += 1;
        match record(db, site, user, project_id, form, DecisionSource::Oparl, now).await {
            Ok(true) => done.recorded += 1,
            Ok(false) => done.unchanged += 1,
            // A budget still voting, a withdrawn project: named, but no outcome kept.
            Err(AppError::Conflict) => {}
            Err(AppError::InvalidInput { problem, .. }) if problem == "participation_running" => {}
            Err(other) => return Err(other),
        }
    }
    Ok(done)
}
