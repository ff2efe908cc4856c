//! Results of a procedure: who may see them and when, the participation figures, the
//! ranking by the procedure's rule, and the council's answer (the paper the results went
//! to and the outcome per proposal, told to the proposal's followers).

use super::follow::{self, Event};
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{results_changed, split_categories, statement, timestamp};
use crate::backend::db::storage_error;
use crate::backend::entity::{council_decision, phase, procedure, proposal};
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::formats::proposals::model::{CommentStatus, Origin, ProposalStatus};
use crate::model::moderation::{ModerationActionKind, Visibility};
use crate::model::phase::VoteRule;
use crate::model::procedure::ProcedureStatus;
use crate::model::procedure::Slug;
use crate::model::results::DecisionSource;
use crate::model::results::{
    Bar, CouncilPaper, Day, DistrictCount, Figures, OUTCOME_PAGE_SIZE, OutcomeForm, OutcomeView,
    PendingResults, RankedProposal, ResultsDashboard, ResultsView,
};
use crate::model::time::Timestamp;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession,
    TransactionTrait, Value,
};
use std::collections::HashMap;

mod council;
mod figures;
mod kept;

pub(crate) use council::checked as checked_outcome;
pub use council::{
    clear_outcome, outcome_of, outcome_view, outcomes_of, record_outcome, set_council_paper,
};
pub use figures::{
    categories, count_visible_proposals, decision_counts, districts, figures, timeline,
};
pub use kept::{FINAL_REFRESH, LIVE_REFRESH, QUICK, view_cached};

/// Visibility of content everyone sees; anything else (pending, held, hidden) is withheld
/// from results and exports.
/// Proposals on the public results page (the rest is in the downloads).
pub const RANKING_ON_PAGE: usize = 50;

/// A procedure whose results a viewer may see.
#[derive(Debug, Clone)]
pub struct Scope {
    pub procedure: procedure::Model,
    pub rule: VoteRule,
    /// The voting phase (or, without one, the whole procedure) has ended.
    pub final_results: bool,
    /// The end of the voting phase, when results become public.
    pub public_from: DateTime<Utc>,
}

/// Planners see a procedure's results at any time (drafts too); everyone else once it is
/// published and its voting phase is over.
pub async fn scope(
    db: &impl ConnectionTrait,
    slug: &Slug,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<Scope, AppError> {
    let planner = viewer.is_some_and(|v| v.can(Permission::Plan));
    scope_with(db, slug, planner, now).await
}

/// The scope as a planner (or the operator at the command line, `planner`) or the public
/// sees it.
pub async fn scope_with(
    db: &impl ConnectionTrait,
    slug: &Slug,
    planner: bool,
    now: DateTime<Utc>,
) -> Result<Scope, AppError> {
    scope_or_pending(db, slug, planner, now)
        .await?
        .map_err(|_| AppError::invalid("results", "not_yet_public"))
}

/// The results page's scope for a viewer: planners see results at any time; the public
/// before voting has ended learn when they will be public.
pub async fn page_scope(
    db: &impl ConnectionTrait,
    slug: &Slug,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<Result<Scope, PendingResults>, AppError> {
    let planner = viewer.is_some_and(|v| v.can(Permission::Plan));
    scope_or_pending(db, slug, planner, now).await
}

/// The scope, or for the public before voting has ended, when the results will be public
/// (the results page says so instead of failing).
pub async fn scope_or_pending(
    db: &impl ConnectionTrait,
    slug: &Slug,
    planner: bool,
    now: DateTime<Utc>,
) -> Result<Result<Scope, PendingResults>, AppError> {
    let row = procedure::Entity::find()
        .filter(procedure::Column::Slug.eq(slug.as_str()))
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    if row.status != ProcedureStatus::Published && !planner {
        return Err(AppError::NotFound);
    }
    let public_from = results_public_from(db, &row).await?;
    let final_results = now >= public_from;
    if !final_results && !planner {
        return Ok(Err(PendingResults {
            slug: row.slug,
            title: row.title,
            public_from: timestamp(public_from),
        }));
    }
    Ok(Ok(Scope {
        rule: VoteRule::from_columns(row.vote_rule, row.vote_cap),
        procedure: row,
        final_results,
        public_from,
    }))
}

/// When a procedure's participation ends: its results become public then.
async fn participation_end(
    db: &impl ConnectionTrait,
    procedure_id: i64,
) -> Result<DateTime<Utc>, AppError> {
    let row = procedure::Entity::find_by_id(procedure_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    results_public_from(db, &row).await
}

async fn results_public_from(
    db: &impl ConnectionTrait,
    row: &procedure::Model,
) -> Result<DateTime<Utc>, AppError> {
    let vote_end: Option<DateTime<Utc>> = phase::Entity::find()
        .select_only()
        .column(phase::Column::EndsAt)
        .filter(phase::Column::ProcedureId.eq(row.id))
        .filter(phase::Column::Kind.eq(row.vote_phase))
        .into_tuple()
        .one(db)
        .await
        .map_err(storage_error)?;
    Ok(super::procedure::public_from(vote_end, row.ends_at))
}

/// The column the procedure's rule ranks by, highest first.
pub fn rank_column(rule: VoteRule) -> proposal::Column {
    match rule {
        VoteRule::Support { .. } => proposal::Column::SupportCount,
        VoteRule::Rating => proposal::Column::Score,
    }
}

/// The ranked proposals: visible and not withdrawn, by the rule's figure (ties share a
/// rank and are listed by number).
pub async fn ranking_page(
    db: &impl ConnectionTrait,
    scope: &Scope,
    offset: u64,
    limit: u64,
) -> Result<(Vec<RankedProposal>, u64), AppError> {
    let column = rank_column(scope.rule);
    let base = proposal::Entity::find()
        .filter(proposal::Column::ProcedureId.eq(scope.procedure.id))
        .filter(proposal::Column::Visibility.eq(Visibility::Visible))
        .filter(proposal::Column::Status.eq("published"));
    let total = sea_orm::PaginatorTrait::count(base.clone(), db)
        .await
        .map_err(storage_error)?;
    let rows = base
        .order_by_desc(column)
        .order_by_asc(proposal::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await
        .map_err(storage_error)?;
    let Some(first) = rows.first() else {
        return Ok((Vec::new(), total));
    };
    // The rank of the page's first row: one more than the proposals ranked above it.
    let first_value = ranked_value(first, scope.rule);
    let above = sea_orm::PaginatorTrait::count(
        proposal::Entity::find()
            .filter(proposal::Column::ProcedureId.eq(scope.procedure.id))
            .filter(proposal::Column::Visibility.eq(Visibility::Visible))
            .filter(proposal::Column::Status.eq("published"))
            .filter(column.gt(first_value)),
        db,
    )
    .await
    .map_err(storage_error)?;
    let outcomes = outcomes_of(db, rows.iter().map(|r| r.id).collect()).await?;
    let mut ranked = Vec::with_capacity(rows.len());
    let mut rank = above + 1;
    let mut previous = first_value;
    for (index, row) in rows.into_iter().enumerate() {
        let value = ranked_value(&row, scope.rule);
        if value != previous {
            rank = offset + index as u64 + 1;
            previous = value;
        }
        ranked.push(RankedProposal {
            rank: u32::try_from(rank).unwrap_or(u32::MAX),
            outcome: outcomes.get(&row.id).cloned(),
            id: row.id,
            title: row.title,
            category: row.category,
            onsite: row.source == Origin::Onsite,
            withdrawn: false,
            support: u32::try_from(row.support_count).unwrap_or(0),
            up: u32::try_from(row.up_count).unwrap_or(0),
            down: u32::try_from(row.down_count).unwrap_or(0),
            comment_count: u32::try_from(row.comment_count).unwrap_or(0),
        });
    }
    Ok((ranked, total))
}

pub fn ranked_value(row: &proposal::Model, rule: VoteRule) -> i64 {
    rule.ranked_value(i64::from(row.support_count), i64::from(row.score))
}

/// The results page's content (and the dashboard's figures).
pub async fn view(
    db: &impl ConnectionTrait,
    scope: &Scope,
    uncategorised: &str,
    now: DateTime<Utc>,
) -> Result<ResultsView, AppError> {
    let id = scope.procedure.id;
    let (ranking, ranked_total) = ranking_page(db, scope, 0, RANKING_ON_PAGE as u64).await?;
    Ok(ResultsView {
        slug: scope.procedure.slug.clone(),
        title: scope.procedure.title.clone(),
        rule: scope.rule,
        final_results: scope.final_results,
        figures: figures(db, id).await?,
        timeline: timeline(db, id).await?,
        categories: categories(db, &scope.procedure, uncategorised).await?,
        districts: figures::districts(db, id, scope.rule).await?,
        ranking,
        ranked_total,
        outcomes: super::procedure::outcome_counts(db, id).await?,
        council: super::procedure::council_paper(&scope.procedure),
        as_of: Timestamp(now.timestamp()),
    })
}

/// Drops a procedure's kept results (and whatever else is kept of them, such as export
/// hashes) after a change the results show.
pub fn forget_cached(procedure_id: i64) {
    results_changed(procedure_id);
}

/// The planners' dashboard: the figures and one page of outcome forms.
pub async fn dashboard(
    db: &DatabaseConnection,
    user: &CurrentUser,
    slug: &Slug,
    page: u32,
    uncategorised: &str,
    now: DateTime<Utc>,
) -> Result<ResultsDashboard, AppError> {
    user.require(Permission::Plan)?;
    let scope = scope(db, slug, Some(user), now).await?;
    let results = view_cached(db, &scope, uncategorised, now).await?;
    let pages = u32::try_from(Ord::max(
        results.ranked_total.div_ceil(OUTCOME_PAGE_SIZE),
        1,
    ))
    .unwrap_or(u32::MAX);
    let page = Ord::min(page, pages - 1);
    let offset = u64::from(page) * OUTCOME_PAGE_SIZE;
    // The figures read the ranking's head already; pages within it need no query.
    let head = results.ranking.len() as u64;
    let rows = if offset + OUTCOME_PAGE_SIZE <= head || results.ranked_total <= head {
        results
            .ranking
            .iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(OUTCOME_PAGE_SIZE).unwrap_or(0))
            .cloned()
            .collect()
    } else {
        ranking_page(db, &scope, offset, OUTCOME_PAGE_SIZE).await?.0
    };
    Ok(ResultsDashboard {
        results,
        page,
        pages,
        rows,
    })
}

// ---------- the council's answer ----------
