//! Budgets: a planner creates them in a procedure and changes them until voting starts;
//! everyone reads them where they read the procedure.

use crate::backend::auth::{CurrentUser, Permission, random_token};
use crate::backend::common::timestamp;
use crate::backend::db::storage_error;
use crate::backend::entity::{budget, budget_ballot, budget_project};
use crate::backend::service::procedure::{self, Context};
use crate::error::{AppError, Problems};
use crate::formats::budget::model::{
    BallotCounts, BallotRule, BallotStatus, Budget, BudgetInput, BudgetPatch, BudgetStage,
    Feasibility, check_budget_fields, check_reminder_days,
};
use crate::model::procedure::{ProcedureSummary, Slug};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;

/// Days before voting ends that holders of a draft are reminded, unless a budget says.
pub const DEFAULT_REMINDER_DAYS: u32 = 3;

/// Budgets one procedure may hold (one per district of a large city, with room to spare).
pub const MAX_BUDGETS_PER_PROCEDURE: u64 = 50;

/// A budget with the procedure it belongs to, as the viewer may see it.
#[derive(Debug, Clone)]
pub struct Hosted {
    pub row: budget::Model,
    pub context: Context,
    pub summary: ProcedureSummary,
}

impl Hosted {
    /// Where the budget stands by its procedure's vote phase.
    pub fn stage(&self, now: DateTime<Utc>) -> BudgetStage {
        stage_of(&self.context, now)
    }

    /// Costs, rules and the project list no longer change.
    pub fn locked(&self, now: DateTime<Utc>) -> bool {
        self.stage(now) != BudgetStage::Preparing
    }

    /// Residents may fill, submit and withdraw ballots now.
    pub fn taking_ballots(&self, now: DateTime<Utc>) -> bool {
        self.stage(now) == BudgetStage::Voting && self.context.published
    }

    pub fn rule(&self) -> BallotRule {
        rule_of(&self.row)
    }
}

/// Where a procedure's budgets stand by its vote phase.
pub(crate) fn stage_of(context: &Context, now: DateTime<Utc>) -> BudgetStage {
    match context.vote_window {
        Some((_, ends)) if now >= ends => BudgetStage::Ended,
        Some((starts, _)) if now >= starts => BudgetStage::Voting,
        _ => BudgetStage::Preparing,
    }
}

/// The rule as stored in the budget's columns.
pub fn rule_of(row: &budget::Model) -> BallotRule {
    let n = |value: Option<i32>| value.and_then(|v| u32::try_from(v).ok());
    match row.rule {
        crate::formats::budget::model::BallotRuleKind::Approval => BallotRule::Approval {
            min_projects: n(row.min_projects).unwrap_or(0),
            max_projects: n(row.max_projects).unwrap_or(1),
        },
        crate::formats::budget::model::BallotRuleKind::Knapsack => BallotRule::Knapsack {
            min_spend_percent: n(row.min_spend_percent).unwrap_or(0),
            min_projects: n(row.min_projects).unwrap_or(0),
            max_projects: n(row.max_projects),
        },
        crate::formats::budget::model::BallotRuleKind::Cumulative => BallotRule::Cumulative {
            points: n(row.points).unwrap_or(1),
            max_per_project: n(row.max_points_per_project).unwrap_or(1),
        },
    }
}

fn set_rule(model: &mut budget::ActiveModel, rule: BallotRule) {
    let n = |value: u32| Some(i32::try_from(value).unwrap_or(i32::MAX));
    let (min_projects, max_projects, min_spend, points, per_project) = match rule {
        BallotRule::Approval {
            min_projects,
            max_projects,
        } => (n(min_projects), n(max_projects), None, None, None),
        BallotRule::Knapsack {
            min_spend_percent,
            min_projects,
            max_projects,
        } => (
            n(min_projects),
            max_projects.and_then(n),
            n(min_spend_percent),
            None,
            None,
        ),
        BallotRule::Cumulative {
            points,
            max_per_project,
        } => (None, None, None, n(points), n(max_per_project)),
    };
    model.rule = Set(rule.kind());
    model.min_projects = Set(min_projects);
    model.max_projects = Set(max_projects);
    model.min_spend_percent = Set(min_spend);
    model.points = Set(points);
    model.max_points_per_project = Set(per_project);
}

/// A budget and its procedure; a draft procedure's budgets exist only for planners.
pub async fn load(
    db: &impl ConnectionTrait,
    budget_id: i64,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<Hosted, AppError> {
    let row = budget::Entity::find_by_id(budget_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    let (context, summary) =
        procedure::context_by_id_for(db, row.procedure_id, viewer, now).await?;
    Ok(Hosted {
        row,
        context,
        summary,
    })
}

/// A budget as the viewer sees it (planners with its ballot counts).
pub async fn view(
    db: &impl ConnectionTrait,
    hosted: &Hosted,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<Budget, AppError> {
    let mut views = views(db, std::slice::from_ref(hosted), viewer, now).await?;
    views.pop().ok_or(AppError::Internal)
}

/// Budgets as the viewer sees them, with their counts read in one query each for all.
async fn views(
    db: &impl ConnectionTrait,
    hosted: &[Hosted],
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<Vec<Budget>, AppError> {
    let ids: Vec<i64> = hosted.iter().map(|h| h.row.id).collect();
    let on_ballot = on_ballot_counts(db, &ids).await?;
    let ballots = if viewer.is_some_and(|v| v.can(Permission::Plan)) {
        Some(ballot_counts(db, &ids).await?)
    } else {
        None
    };
    Ok(hosted
        .iter()
        .map(|h| {
            let id = h.row.id;
            let mut budget = to_view(h, on_ballot.get(&id).copied().unwrap_or(0), now);
            budget.ballots = ballots
                .as_ref()
                .map(|counts| counts.get(&id).copied().unwrap_or_default());
            // A budget holding ballots stays locked (see `ensure_open_for_changes`).
            if let Some(counts) = budget.ballots {
                budget.locked |= counts.submitted + counts.drafts > 0;
            }
            budget
        })
        .collect())
}

/// Each budget's ballots by whether they count.
async fn ballot_counts(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, BallotCounts>, AppError> {
    let grouped: Vec<(i64, BallotStatus, i64)> = budget_ballot::Entity::find()
        .select_only()
        .column(budget_ballot::Column::BudgetId)
        .column(budget_ballot::Column::Status)
        .column_as(budget_ballot::Column::Id.count(), "n")
        .filter(budget_ballot::Column::BudgetId.is_in(ids.iter().copied()))
        .group_by(budget_ballot::Column::BudgetId)
        .group_by(budget_ballot::Column::Status)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let mut counts: HashMap<i64, BallotCounts> = HashMap::new();
    for (budget_id, status, n) in grouped {
        let entry = counts.entry(budget_id).or_default();
        let n = u64::try_from(n).unwrap_or(0);
        match status {
            BallotStatus::Submitted => entry.submitted = n,
            BallotStatus::Draft => entry.drafts = n,
        }
    }
    Ok(counts)
}

fn to_view(hosted: &Hosted, on_ballot: u64, now: DateTime<Utc>) -> Budget {
    let row = &hosted.row;
    let window = hosted.context.vote_window;
    Budget {
        id: row.id,
        procedure: hosted.summary.slug.clone(),
        title: row.title.clone(),
        district: row.district.clone(),
        total_cents: row.total_cents,
        rule: rule_of(row),
        method: row.method,
        stage: hosted.stage(now),
        voting_starts_at: window.map(|(starts, _)| timestamp(starts)),
        voting_ends_at: window.map(|(_, ends)| timestamp(ends)),
        locked: hosted.locked(now),
        tie_seed: row.tie_seed.clone(),
        projects_on_ballot: u32::try_from(on_ballot).unwrap_or(u32::MAX),
        reminder_days: u32::try_from(row.reminder_days).unwrap_or(0),
        one_district: row.one_district,
        ballots: None,
    }
}

/// Each budget's projects on the ballot.
async fn on_ballot_counts(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, u64>, AppError> {
    let grouped: Vec<(i64, i64)> = budget_project::Entity::find()
        .select_only()
        .column(budget_project::Column::BudgetId)
        .column_as(budget_project::Column::Id.count(), "n")
        .filter(budget_project::Column::BudgetId.is_in(ids.iter().copied()))
        .filter(budget_project::Column::Feasibility.eq(Feasibility::Feasible))
        .filter(budget_project::Column::Selected.eq(true))
        .filter(budget_project::Column::WithdrawnAt.is_null())
        .group_by(budget_project::Column::BudgetId)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(grouped
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// The budgets of a procedure, in the order they were made (at most
/// [`MAX_BUDGETS_PER_PROCEDURE`]).
pub async fn list(
    db: &impl ConnectionTrait,
    slug: &Slug,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<Vec<Budget>, AppError> {
    let (context, summary) = procedure::context_for(db, slug, viewer, now).await?;
    let rows = budget::Entity::find()
        .filter(budget::Column::ProcedureId.eq(context.id))
        .order_by_asc(budget::Column::Id)
        .limit(MAX_BUDGETS_PER_PROCEDURE)
        .all(db)
        .await
        .map_err(storage_error)?;
    let hosted: Vec<Hosted> = rows
        .into_iter()
        .map(|row| Hosted {
            row,
            context: context.clone(),
            summary: summary.clone(),
        })
        .collect();
    views(db, &hosted, viewer, now).await
}

/// Refuses a change to a budget's settings or projects once voting has started, and also
/// once any ballot exists: a procedure's schedule moved back after voting started must not
/// unlock costs, rules and projects that ballots were cast on (consul#5321).
pub async fn ensure_open_for_changes(
    db: &impl ConnectionTrait,
    hosted: &Hosted,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let locked = AppError::invalid("phase", "budget_locked");
    if hosted.locked(now) {
        return Err(locked);
    }
    let any_ballot: Option<i64> = budget_ballot::Entity::find()
        .select_only()
        .column(budget_ballot::Column::Id)
        .filter(budget_ballot::Column::BudgetId.eq(hosted.row.id))
        .into_tuple()
        .one(db)
        .await
        .map_err(storage_error)?;
    match any_ballot {
        Some(_) => Err(locked),
        None => Ok(()),
    }
}

/// Whether the procedure at `slug` holds any budget, in one query (most hold none, and
/// their pages need not read more).
pub async fn any_in(db: &impl ConnectionTrait, slug: &Slug) -> Result<bool, AppError> {
    use crate::backend::entity::procedure as procedure_row;
    use sea_orm::sea_query::Query;
    let procedure_ids = Query::select()
        .column(procedure_row::Column::Id)
        .from(procedure_row::Entity)
        .and_where(procedure_row::Column::Slug.eq(slug.as_str()))
        .to_owned();
    let first: Option<i64> = budget::Entity::find()
        .select_only()
        .column(budget::Column::Id)
        .filter(budget::Column::ProcedureId.in_subquery(procedure_ids))
        .into_tuple()
        .one(db)
        .await
        .map_err(storage_error)?;
    Ok(first.is_some())
}

/// Creates a budget in a procedure (planners, before its voting starts).
pub async fn create(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    slug: &Slug,
    input: BudgetInput,
    now: DateTime<Utc>,
) -> Result<Budget, AppError> {
    user.require(Permission::Plan)?;
    let (context, summary) = procedure::context_for(db, slug, Some(user), now).await?;
    let mut problems = Problems::default();
    let district = input.district.as_deref().map(str::trim).unwrap_or_default();
    check_budget_fields(
        &mut problems,
        Some(&input.title),
        Some(district),
        Some(input.total_cents),
        Some(input.rule),
    );
    let reminder_days = input
        .reminder_days
        .map_or(Some(DEFAULT_REMINDER_DAYS), |days| {
            problems.check(check_reminder_days(days))
        });
    problems.finish()?;
    if stage_of(&context, now) != BudgetStage::Preparing {
        return Err(AppError::invalid("phase", "budget_locked"));
    }
    let existing = budget::Entity::find()
        .filter(budget::Column::ProcedureId.eq(context.id))
        .count(db)
        .await
        .map_err(storage_error)?;
    if input.one_district && district.is_empty() {
        return Err(AppError::invalid("one_district", "no_district"));
    }
    if existing >= MAX_BUDGETS_PER_PROCEDURE {
        return Err(AppError::invalid("procedure", "too_many_budgets"));
    }
    let mut model = budget::ActiveModel {
        procedure_id: Set(context.id),
        title: Set(input.title.trim().to_owned()),
        district: Set((!district.is_empty()).then(|| district.to_owned())),
        total_cents: Set(input.total_cents),
        method: Set(input.method),
        tie_seed: Set(random_token()?),
        reminder_days: Set(
            i32::try_from(reminder_days.unwrap_or(DEFAULT_REMINDER_DAYS)).unwrap_or(0),
        ),
        one_district: Set(input.one_district),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    set_rule(&mut model, input.rule);
    let row = model.insert(db).await.map_err(storage_error)?;
    let hosted = Hosted {
        row,
        context,
        summary,
    };
    let mut budget = to_view(&hosted, 0, now);
    budget.ballots = Some(BallotCounts {
        submitted: 0,
        drafts: 0,
    });
    Ok(budget)
}

/// Changes a budget (planners); refused once voting has started.
pub async fn update(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    budget_id: i64,
    patch: BudgetPatch,
    now: DateTime<Utc>,
) -> Result<Budget, AppError> {
    user.require(Permission::Plan)?;
    let hosted = load(db, budget_id, Some(user), now).await?;
    let district = patch.district.as_deref().map(str::trim);
    let mut problems = Problems::default();
    check_budget_fields(
        &mut problems,
        patch.title.as_deref(),
        district,
        patch.total_cents,
        patch.rule,
    );
    if let Some(days) = patch.reminder_days {
        problems.check(check_reminder_days(days));
    }
    problems.finish()?;
    ensure_open_for_changes(db, &hosted, now).await?;
    let mut model = hosted.row.clone().into_active_model();
    if let Some(title) = patch.title {
        model.title = Set(title.trim().to_owned());
    }
    if let Some(district) = district {
        model.district = Set((!district.is_empty()).then(|| district.to_owned()));
    }
    if let Some(total) = patch.total_cents {
        model.total_cents = Set(total);
    }
    if let Some(rule) = patch.rule {
        set_rule(&mut model, rule);
    }
    if let Some(method) = patch.method {
        model.method = Set(method);
    }
    if let Some(days) = patch.reminder_days {
        model.reminder_days = Set(i32::try_from(days).unwrap_or(0));
    }
    if let Some(one_district) = patch.one_district {
        model.one_district = Set(one_district);
    }
    let district_after = match &model.district {
        sea_orm::ActiveValue::Set(d) | sea_orm::ActiveValue::Unchanged(d) => d.is_some(),
        sea_orm::ActiveValue::NotSet => hosted.row.district.is_some(),
    };
    let one_district_after = match &model.one_district {
        sea_orm::ActiveValue::Set(b) | sea_orm::ActiveValue::Unchanged(b) => *b,
        sea_orm::ActiveValue::NotSet => hosted.row.one_district,
    };
    if one_district_after && !district_after {
        return Err(AppError::invalid("one_district", "no_district"));
    }
    model.updated_at = Set(now);
    let row = model.update(db).await.map_err(storage_error)?;
    let hosted = Hosted { row, ..hosted };
    view(db, &hosted, Some(user), now).await
}
