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

fn stage_of(context: &Context, now: DateTime<Utc>) -> BudgetStage {
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
    let on_ballot = on_ballot_count(db, hosted.row.id).await?;
    let mut budget = to_view(hosted, on_ballot, now);
    if viewer.is_some_and(|v| v.can(Permission::Plan)) {
        budget.ballots = Some(ballot_counts(db, hosted.row.id).await?);
    }
    Ok(budget)
}

async fn ballot_counts(
    db: &impl ConnectionTrait,
    budget_id: i64,
) -> Result<BallotCounts, AppError> {
    let count = |status: BallotStatus| {
        budget_ballot::Entity::find()
            .filter(budget_ballot::Column::BudgetId.eq(budget_id))
            .filter(budget_ballot::Column::Status.eq(status))
            .count(db)
    };
    Ok(BallotCounts {
        submitted: count(BallotStatus::Submitted)
            .await
            .map_err(storage_error)?,
        drafts: count(BallotStatus::Draft).await.map_err(storage_error)?,
    })
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
        ballots: None,
    }
}

async fn on_ballot_count(db: &impl ConnectionTrait, budget_id: i64) -> Result<u64, AppError> {
    budget_project::Entity::find()
        .filter(budget_project::Column::BudgetId.eq(budget_id))
        .filter(budget_project::Column::Feasibility.eq(Feasibility::Feasible))
        .filter(budget_project::Column::Selected.eq(true))
        .filter(budget_project::Column::WithdrawnAt.is_null())
        .count(db)
        .await
        .map_err(storage_error)
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
    let mut budgets = Vec::with_capacity(rows.len());
    for row in rows {
        let hosted = Hosted {
            row,
            context: context.clone(),
            summary: summary.clone(),
        };
        budgets.push(view(db, &hosted, viewer, now).await?);
    }
    Ok(budgets)
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
    if hosted.locked(now) {
        return Err(AppError::invalid("phase", "budget_locked"));
    }
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
    model.updated_at = Set(now);
    let row = model.update(db).await.map_err(storage_error)?;
    let hosted = Hosted { row, ..hosted };
    view(db, &hosted, Some(user), now).await
}
