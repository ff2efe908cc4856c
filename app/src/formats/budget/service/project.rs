//! A budget's projects: planners create them (or promote proposals), give the department's
//! verdict and choose the ones on the ballot, until voting starts. After that a project can
//! only be withdrawn: it leaves every ballot, and a submitted ballot that held it becomes a
//! draft again whose voter is told and may vote anew.

use super::budget::{Hosted, load};
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{Cursor, find_proposal, page_of, write_gate};
use crate::backend::db::{begin_write, storage_error};
use crate::backend::entity::{
    budget_ballot, budget_ballot_item, budget_project, budget_project_exclusion, user,
};
use crate::backend::mail::{self, Template};
use crate::backend::state::SiteSettings;
use crate::error::{AppError, Problems};
use crate::formats::budget::model::{
    BallotStatus, BudgetStage, DESCRIPTION_MAX, DISTRICT_MAX, Feasibility, Project, ProjectInput,
    ProjectPage, ProjectPatch, REASON_MAX, TITLE_MAX, UNIT_MAX, bounded, check_cost,
};
use crate::formats::proposals::model::ProposalStatus;
use crate::i18n::Lang;
use crate::model::moderation::Visibility;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession,
    TransactionTrait,
};
use std::collections::{BTreeMap, BTreeSet};

/// Projects on one page of the list.
pub const PROJECTS_PER_PAGE: u64 = 50;

/// Projects one budget may hold.
pub const MAX_PROJECTS_PER_BUDGET: u64 = 1_000;

/// Projects one project may exclude.
pub const MAX_EXCLUSIONS: usize = 50;

/// Whether residents can choose the project.
pub(crate) fn on_ballot(row: &budget_project::Model) -> bool {
    row.feasibility == Feasibility::Feasible && row.selected && row.withdrawn_at.is_none()
}

/// The exclusions among `ids`, both ways round: project -> the projects it cannot be funded
/// with.
pub(crate) async fn exclusions_of(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<BTreeMap<i64, BTreeSet<i64>>, AppError> {
    let mut map: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    if ids.is_empty() {
        return Ok(map);
    }
    let rows = budget_project_exclusion::Entity::find()
        .filter(
            Condition::any()
                .add(budget_project_exclusion::Column::ProjectId.is_in(ids.to_vec()))
                .add(budget_project_exclusion::Column::ExcludedId.is_in(ids.to_vec())),
        )
        .all(db)
        .await
        .map_err(storage_error)?;
    for row in rows {
        map.entry(row.project_id)
            .or_default()
            .insert(row.excluded_id);
        map.entry(row.excluded_id)
            .or_default()
            .insert(row.project_id);
    }
    Ok(map)
}

fn to_view(row: budget_project::Model, excludes: Option<&BTreeSet<i64>>) -> Project {
    let on_ballot = on_ballot(&row);
    Project {
        id: row.id,
        budget_id: row.budget_id,
        proposal_id: row.proposal_id,
        title: row.title,
        description: row.description,
        cost_cents: row.cost_cents,
        district: row.district,
        feasibility: row.feasibility,
        feasibility_reason: row.feasibility_reason,
        selected: row.selected,
        responsible_unit: row.responsible_unit,
        excludes: excludes
            .map(|set| set.iter().copied().collect())
            .unwrap_or_default(),
        withdrawn: row.withdrawn_at.is_some(),
        on_ballot,
    }
}

/// A budget's projects, a page at a time in the order they were entered.
pub async fn list(
    db: &impl ConnectionTrait,
    budget_id: i64,
    viewer: Option<&CurrentUser>,
    cursor: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ProjectPage, AppError> {
    let hosted = load(db, budget_id, viewer, now).await?;
    let mut query = budget_project::Entity::find()
        .filter(budget_project::Column::BudgetId.eq(hosted.row.id))
        .order_by_asc(budget_project::Column::Id)
        .limit(PROJECTS_PER_PAGE + 1);
    if let Some(cursor) = cursor {
        query = query.filter(budget_project::Column::Id.gt(Cursor::parse(cursor)?.id));
    }
    let rows = query.all(db).await.map_err(storage_error)?;
    let (rows, next_cursor) = page_of(rows, PROJECTS_PER_PAGE, |row| Cursor {
        value: row.id,
        id: row.id,
    });
    let items = views(db, rows).await?;
    Ok(ProjectPage { items, next_cursor })
}

/// The projects residents can choose (feasible, selected, not withdrawn), in the order
/// they were entered: all of them, as a budget holds at most [`MAX_PROJECTS_PER_BUDGET`].
pub async fn on_the_ballot(
    db: &impl ConnectionTrait,
    budget_id: i64,
) -> Result<Vec<Project>, AppError> {
    let rows = budget_project::Entity::find()
        .filter(budget_project::Column::BudgetId.eq(budget_id))
        .filter(budget_project::Column::Feasibility.eq(Feasibility::Feasible))
        .filter(budget_project::Column::Selected.eq(true))
        .filter(budget_project::Column::WithdrawnAt.is_null())
        .order_by_asc(budget_project::Column::Id)
        .limit(MAX_PROJECTS_PER_BUDGET)
        .all(db)
        .await
        .map_err(storage_error)?;
    views(db, rows).await
}

/// Projects as everyone sees them, with their exclusions.
pub(crate) async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<budget_project::Model>,
) -> Result<Vec<Project>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let exclusions = exclusions_of(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let excludes = exclusions.get(&row.id);
            to_view(row, excludes)
        })
        .collect())
}

/// A project and its budget, as the viewer may see them.
pub(crate) async fn find(
    db: &impl ConnectionTrait,
    project_id: i64,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<(budget_project::Model, Hosted), AppError> {
    let row = budget_project::Entity::find_by_id(project_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    let hosted = load(db, row.budget_id, viewer, now).await?;
    Ok((row, hosted))
}

/// One project.
pub async fn get(
    db: &impl ConnectionTrait,
    project_id: i64,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<Project, AppError> {
    let (row, _) = find(db, project_id, viewer, now).await?;
    let exclusions = exclusions_of(db, &[row.id]).await?;
    let excludes = exclusions.get(&row.id);
    Ok(to_view(row, excludes))
}

fn trimmed(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Creates a project (planners, before voting starts). From a proposal of the same
/// procedure, its title and text are taken unless others are given.
pub async fn create(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    budget_id: i64,
    input: ProjectInput,
    now: DateTime<Utc>,
) -> Result<Project, AppError> {
    user.require(Permission::Plan)?;
    let hosted = load(db, budget_id, Some(user), now).await?;
    let mut title = trimmed(input.title.as_deref());
    let mut description = input.description.clone().unwrap_or_default();
    if let Some(proposal_id) = input.proposal_id {
        let proposal = find_proposal(db, proposal_id)
            .await
            .map_err(|_| AppError::invalid("proposal_id", "unknown"))?;
        if proposal.procedure_id != hosted.row.procedure_id
            || proposal.status != ProposalStatus::Published
            || proposal.visibility != Visibility::Visible
        {
            return Err(AppError::invalid("proposal_id", "unknown"));
        }
        title = title.or(Some(proposal.title));
        if description.trim().is_empty() {
            description = proposal.body;
        }
    }
    let title = title.unwrap_or_default();
    let mut problems = Problems::default();
    problems.check(bounded("title", &title, 3, TITLE_MAX));
    problems.check(bounded("description", &description, 0, DESCRIPTION_MAX));
    problems.check(check_cost(input.cost_cents));
    if let Some(district) = &input.district {
        problems.check(bounded("district", district, 0, DISTRICT_MAX));
    }
    if let Some(unit) = &input.responsible_unit {
        problems.check(bounded("responsible_unit", unit, 0, UNIT_MAX));
    }
    problems.finish()?;
    super::budget::ensure_open_for_changes(db, &hosted, now).await?;
    let count = budget_project::Entity::find()
        .filter(budget_project::Column::BudgetId.eq(hosted.row.id))
        .count(db)
        .await
        .map_err(storage_error)?;
    if count >= MAX_PROJECTS_PER_BUDGET {
        return Err(AppError::invalid("budget", "too_many_projects"));
    }
    let row = budget_project::ActiveModel {
        budget_id: Set(hosted.row.id),
        proposal_id: Set(input.proposal_id),
        title: Set(title),
        description: Set(description.trim().to_owned()),
        cost_cents: Set(input.cost_cents),
        district: Set(trimmed(input.district.as_deref())),
        feasibility: Set(Feasibility::Pending),
        feasibility_reason: Set(String::new()),
        selected: Set(false),
        responsible_unit: Set(input
            .responsible_unit
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()),
        withdrawn_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(storage_error)?;
    Ok(to_view(row, None))
}

/// Changes a project (planners). Before voting every field may change; after it starts
/// only a withdrawal, which takes the project off every ballot.
pub async fn update<C>(
    db: &C,
    site: &SiteSettings,
    user: &CurrentUser,
    project_id: i64,
    patch: ProjectPatch,
    now: DateTime<Utc>,
) -> Result<Project, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Plan)?;
    let (row, hosted) = find(db, project_id, Some(user), now).await?;
    let mut problems = Problems::default();
    if let Some(title) = &patch.title {
        problems.check(bounded("title", title, 3, TITLE_MAX));
    }
    if let Some(description) = &patch.description {
        problems.check(bounded("description", description, 0, DESCRIPTION_MAX));
    }
    if let Some(cost) = patch.cost_cents {
        problems.check(check_cost(cost));
    }
    if let Some(district) = &patch.district {
        problems.check(bounded("district", district, 0, DISTRICT_MAX));
    }
    if let Some(unit) = &patch.responsible_unit {
        problems.check(bounded("responsible_unit", unit, 0, UNIT_MAX));
    }
    if let Some(reason) = &patch.feasibility_reason {
        problems.check(bounded("feasibility_reason", reason, 0, REASON_MAX));
    }
    let excludes = match &patch.excludes {
        Some(ids) => problems.check(check_exclusions(db, &row, ids).await),
        None => None,
    };
    if patch.feasibility == Some(Feasibility::Infeasible)
        && patch
            .feasibility_reason
            .as_deref()
            .unwrap_or(&row.feasibility_reason)
            .trim()
            .is_empty()
    {
        problems.note(AppError::invalid("feasibility_reason", "required"));
    }
    problems.finish()?;
    let withdraw = patch.withdrawn == Some(true) && row.withdrawn_at.is_none();
    let only_withdrawal = ProjectPatch {
        withdrawn: None,
        ..patch.clone()
    } == ProjectPatch::default();
    if !only_withdrawal {
        super::budget::ensure_open_for_changes(db, &hosted, now).await?;
    }
    if patch.withdrawn == Some(false) && row.withdrawn_at.is_some() {
        return Err(AppError::invalid("withdrawn", "final"));
    }
    // After the end a withdrawal would turn the ballots holding the project back into
    // drafts that nobody can submit any more; planners depart from the result instead.
    if withdraw && hosted.stage(now) == BudgetStage::Ended {
        return Err(AppError::invalid("withdrawn", "after_end"));
    }

    let _gate = write_gate(db).await;
    let txn = begin_write(db).await?;
    let mut model = row.clone().into_active_model();
    if let Some(title) = patch.title {
        model.title = Set(title.trim().to_owned());
    }
    if let Some(description) = patch.description {
        model.description = Set(description.trim().to_owned());
    }
    if let Some(cost) = patch.cost_cents {
        model.cost_cents = Set(cost);
    }
    if let Some(district) = patch.district {
        model.district = Set(trimmed(Some(&district)));
    }
    if let Some(unit) = patch.responsible_unit {
        model.responsible_unit = Set(unit.trim().to_owned());
    }
    if let Some(feasibility) = patch.feasibility {
        model.feasibility = Set(feasibility);
    }
    if let Some(reason) = patch.feasibility_reason {
        model.feasibility_reason = Set(reason.trim().to_owned());
    }
    if let Some(selected) = patch.selected {
        model.selected = Set(selected);
    }
    if withdraw {
        model.withdrawn_at = Set(Some(now));
    }
    model.updated_at = Set(now);
    let row = model.update(&txn).await.map_err(storage_error)?;
    if let Some(excludes) = excludes {
        budget_project_exclusion::Entity::delete_many()
            .filter(
                Condition::any()
                    .add(budget_project_exclusion::Column::ProjectId.eq(row.id))
                    .add(budget_project_exclusion::Column::ExcludedId.eq(row.id)),
            )
            .exec(&txn)
            .await
            .map_err(storage_error)?;
        for excluded in excludes {
            budget_project_exclusion::ActiveModel {
                project_id: Set(row.id),
                excluded_id: Set(excluded),
            }
            .insert(&txn)
            .await
            .map_err(storage_error)?;
        }
    }
    if withdraw {
        take_off_ballots(&txn, site, &hosted, &row, now).await?;
    }
    txn.commit().await.map_err(storage_error)?;
    let exclusions = exclusions_of(db, &[row.id]).await?;
    let excludes = exclusions.get(&row.id);
    Ok(to_view(row, excludes))
}

/// The projects a project is to exclude: of the same budget, not itself, no repeats.
async fn check_exclusions(
    db: &impl ConnectionTrait,
    row: &budget_project::Model,
    ids: &[i64],
) -> Result<Vec<i64>, AppError> {
    let wanted: BTreeSet<i64> = ids.iter().copied().collect();
    if wanted.len() > MAX_EXCLUSIONS {
        return Err(AppError::invalid("excludes", "too_many"));
    }
    if wanted.contains(&row.id) {
        return Err(AppError::invalid("excludes", "itself"));
    }
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<i64> = budget_project::Entity::find()
        .select_only()
        .column(budget_project::Column::Id)
        .filter(budget_project::Column::BudgetId.eq(row.budget_id))
        .filter(budget_project::Column::Id.is_in(wanted.iter().copied().collect::<Vec<_>>()))
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    if found.len() != wanted.len() {
        return Err(AppError::invalid("excludes", "unknown"));
    }
    Ok(wanted.into_iter().collect())
}

/// Takes a withdrawn project off every ballot of its budget. Submitted ballots that held it
/// become drafts again (they no longer count as cast); their voters are mailed.
async fn take_off_ballots(
    txn: &impl ConnectionTrait,
    site: &SiteSettings,
    hosted: &Hosted,
    project: &budget_project::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // Read in pages so that a project on every ballot of a large city does not load them
    // all at once.
    let mut after = 0_i64;
    loop {
        let ballots: Vec<(i64, Option<i64>, BallotStatus)> = budget_ballot::Entity::find()
            .select_only()
            .column(budget_ballot::Column::Id)
            .column(budget_ballot::Column::UserId)
            .column(budget_ballot::Column::Status)
            .filter(budget_ballot::Column::BudgetId.eq(hosted.row.id))
            .filter(budget_ballot::Column::Id.gt(after))
            .filter(
                budget_ballot::Column::Id.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(budget_ballot_item::Column::BallotId)
                        .from(budget_ballot_item::Entity)
                        .and_where(Expr::col(budget_ballot_item::Column::ProjectId).eq(project.id))
                        .to_owned(),
                ),
            )
            .order_by_asc(budget_ballot::Column::Id)
            .limit(500)
            .into_tuple()
            .all(txn)
            .await
            .map_err(storage_error)?;
        let Some(last) = ballots.last() else {
            break;
        };
        after = last.0;
        let reopened: Vec<i64> = ballots
            .iter()
            .filter(|(_, _, status)| *status == BallotStatus::Submitted)
            .map(|(id, _, _)| *id)
            .collect();
        if !reopened.is_empty() {
            budget_ballot::Entity::update_many()
                .col_expr(
                    budget_ballot::Column::Status,
                    Expr::value(BallotStatus::Draft.as_str()),
                )
                .col_expr(
                    budget_ballot::Column::SubmittedAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .col_expr(budget_ballot::Column::UpdatedAt, Expr::value(now))
                .filter(budget_ballot::Column::Id.is_in(reopened.clone()))
                .exec(txn)
                .await
                .map_err(storage_error)?;
        }
        let voters: Vec<i64> = ballots
            .iter()
            .filter(|(_, _, status)| *status == BallotStatus::Submitted)
            .filter_map(|(_, user, _)| *user)
            .collect();
        tell_voters(txn, site, hosted, project, voters, now).await?;
    }
    budget_ballot_item::Entity::delete_many()
        .filter(budget_ballot_item::Column::ProjectId.eq(project.id))
        .exec(txn)
        .await
        .map_err(storage_error)?;
    Ok(())
}

async fn tell_voters(
    txn: &impl ConnectionTrait,
    site: &SiteSettings,
    hosted: &Hosted,
    project: &budget_project::Model,
    voters: Vec<i64>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if voters.is_empty() {
        return Ok(());
    }
    let people = user::Entity::find()
        .filter(user::Column::Id.is_in(voters))
        .filter(user::Column::DeletedAt.is_null())
        .all(txn)
        .await
        .map_err(storage_error)?;
    let link = format!(
        "{}{}",
        site.public_url,
        crate::model::path::budget(&hosted.summary.slug, hosted.row.id)
    );
    for person in people {
        let (Some(email), Some(name)) = (&person.email, &person.display_name) else {
            continue;
        };
        let lang = Lang::parse(&person.lang).unwrap_or_default();
        let vars = [
            ("name", name.as_str()),
            ("instance", site.instance_name.as_str()),
            ("budget", hosted.row.title.as_str()),
            ("project", project.title.as_str()),
            ("link", link.as_str()),
        ];
        mail::enqueue(txn, email, Template::BallotReopened, lang, &vars, now).await?;
    }
    Ok(())
}
