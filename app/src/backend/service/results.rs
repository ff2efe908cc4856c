//! Results of a procedure: who may see them and when, the participation figures, the
//! ranking by the procedure's rule, and the council's answer (the paper the results went
//! to and the outcome per proposal, told to the proposal's followers).

use super::follow::{self, Event};
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{
    Kept, results_changed, results_generation, split_categories, statement, timestamp,
};
use crate::backend::db::storage_error;
use crate::backend::entity::{council_decision, phase, procedure, proposal};
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::model::moderation::{ModerationActionKind, Visibility};
use crate::model::procedure::ProcedureStatus;
use crate::model::procedure::Slug;
use crate::model::proposal::VoteRule;
use crate::model::proposal::{CommentStatus, Origin, ProposalStatus};
use crate::model::results::DecisionSource;
use crate::model::results::{
    Bar, CouncilPaper, Day, Figures, OUTCOME_PAGE_SIZE, OutcomeForm, OutcomeView, PendingResults,
    RankedProposal, ResultsDashboard, ResultsView,
};
use crate::model::time::Timestamp;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait, Value,
};
use std::collections::HashMap;

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
        .filter(phase::Column::Kind.eq(row.vote_phase.as_str()))
        .into_tuple()
        .one(db)
        .await
        .map_err(storage_error)?;
    Ok(super::procedure::public_from(vote_end, row.ends_at))
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

async fn count(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Result<u64, AppError> {
    let row = Count::find_by_statement(statement(db, sql, values))
        .one(db)
        .await
        .map_err(storage_error)?;
    Ok(row.map_or(0, |r| u64::try_from(r.n).unwrap_or(0)))
}

#[derive(FromQueryResult)]
struct ProposalGroup {
    source: Origin,
    status: ProposalStatus,
    visibility: Visibility,
    n: i64,
}

#[derive(FromQueryResult)]
struct CommentGroup {
    source: Origin,
    status: CommentStatus,
    visibility: Visibility,
    n: i64,
}

/// The participation figures, all counted in the database.
pub async fn figures(db: &impl ConnectionTrait, procedure_id: i64) -> Result<Figures, AppError> {
    let mut figures = Figures::default();
    let proposals = ProposalGroup::find_by_statement(statement(
        db,
        "SELECT source, status, visibility, COUNT(*) AS n FROM proposals \
         WHERE procedure_id = $1 GROUP BY source, status, visibility",
        vec![procedure_id.into()],
    ))
    .all(db)
    .await
    .map_err(storage_error)?;
    for g in proposals {
        let n = u64::try_from(g.n).unwrap_or(0);
        if g.visibility != Visibility::Visible {
            figures.hidden_proposals += n;
            continue;
        }
        figures.proposals += n;
        if g.source == Origin::Onsite {
            figures.proposals_onsite += n;
        }
        if g.status == ProposalStatus::Withdrawn {
            figures.withdrawn += n;
        }
    }
    let comments = CommentGroup::find_by_statement(statement(
        db,
        "SELECT c.source AS source, c.status AS status, \
         CASE WHEN p.visibility = $2 THEN c.visibility ELSE p.visibility END AS visibility, \
         COUNT(*) AS n FROM comments c JOIN proposals p ON p.id = c.proposal_id \
         WHERE p.procedure_id = $1 GROUP BY 1, 2, 3",
        vec![procedure_id.into(), Visibility::Visible.into()],
    ))
    .all(db)
    .await
    .map_err(storage_error)?;
    for g in comments {
        let n = u64::try_from(g.n).unwrap_or(0);
        if g.status != CommentStatus::Published {
            continue;
        }
        if g.visibility != Visibility::Visible {
            figures.hidden_comments += n;
            continue;
        }
        figures.comments += n;
        if g.source == Origin::Onsite {
            figures.comments_onsite += n;
        }
    }
    figures.votes = count(
        db,
        "SELECT COUNT(*) AS n FROM votes WHERE procedure_id = $1",
        vec![procedure_id.into()],
    )
    .await?;
    figures.voters = count(
        db,
        "SELECT COUNT(DISTINCT user_id) AS n FROM votes WHERE procedure_id = $1",
        vec![procedure_id.into()],
    )
    .await?;
    figures.participants = count(
        db,
        "SELECT COUNT(*) AS n FROM (\
           SELECT author_id AS who FROM proposals WHERE procedure_id = $1 AND source = $2 \
           UNION SELECT c.author_id FROM comments c JOIN proposals p ON p.id = c.proposal_id \
             WHERE p.procedure_id = $1 AND c.source = $2 \
           UNION SELECT user_id FROM votes WHERE procedure_id = $1) AS people",
        vec![procedure_id.into(), Origin::Online.into()],
    )
    .await?;
    figures.moderation_decisions = count(
        db,
        "SELECT COUNT(*) AS n FROM moderation_actions WHERE procedure_id = $1",
        vec![procedure_id.into()],
    )
    .await?;
    Ok(figures)
}

#[derive(FromQueryResult)]
struct DayCount {
    day: String,
    n: i64,
}

/// Contributions per calendar day (UTC): visible proposals and comments, and votes.
pub async fn timeline(db: &impl ConnectionTrait, procedure_id: i64) -> Result<Vec<Day>, AppError> {
    let day = |column: &str| match db.get_database_backend() {
        DbBackend::Postgres => format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"),
        _ => format!("substr({column}, 1, 10)"),
    };
    let queries = [
        (
            format!(
                "SELECT {} AS day, COUNT(*) AS n FROM proposals WHERE procedure_id = $1 \
                 AND visibility = $2 GROUP BY 1",
                day("created_at")
            ),
            vec![procedure_id.into(), Visibility::Visible.into()],
        ),
        (
            format!(
                "SELECT {} AS day, COUNT(*) AS n FROM comments c \
                 JOIN proposals p ON p.id = c.proposal_id \
                 WHERE p.procedure_id = $1 AND p.visibility = $2 AND c.visibility = $2 \
                 AND c.status = $3 GROUP BY 1",
                day("c.created_at")
            ),
            vec![
                procedure_id.into(),
                Visibility::Visible.into(),
                CommentStatus::Published.into(),
            ],
        ),
        (
            format!(
                "SELECT {} AS day, COUNT(*) AS n FROM votes WHERE procedure_id = $1 GROUP BY 1",
                day("created_at")
            ),
            vec![procedure_id.into()],
        ),
    ];
    let mut days: std::collections::BTreeMap<String, Day> = std::collections::BTreeMap::new();
    for (which, (sql, values)) in queries.into_iter().enumerate() {
        let rows = DayCount::find_by_statement(statement(db, &sql, values))
            .all(db)
            .await
            .map_err(storage_error)?;
        for row in rows {
            let entry = days.entry(row.day.clone()).or_insert_with(|| Day {
                date: row.day,
                proposals: 0,
                comments: 0,
                votes: 0,
            });
            let n = u64::try_from(row.n).unwrap_or(0);
            match which {
                0 => entry.proposals = n,
                1 => entry.comments = n,
                _ => entry.votes = n,
            }
        }
    }
    Ok(days.into_values().collect())
}

/// Visible proposals per category, in the procedure's order; "none" last.
pub async fn categories(
    db: &impl ConnectionTrait,
    procedure: &procedure::Model,
    uncategorised: &str,
) -> Result<Vec<Bar>, AppError> {
    let rows: Vec<(Option<String>, i64)> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::Category)
        .column_as(Expr::col(proposal::Column::Id).count(), "n")
        .filter(proposal::Column::ProcedureId.eq(procedure.id))
        .filter(proposal::Column::Visibility.eq(Visibility::Visible))
        .group_by(proposal::Column::Category)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let mut counts: HashMap<Option<String>, i64> = rows.into_iter().collect();
    let mut bars: Vec<Bar> = split_categories(&procedure.categories)
        .into_iter()
        .map(|name| Bar {
            value: counts.remove(&Some(name.clone())).unwrap_or(0),
            label: name,
        })
        .collect();
    // Categories removed from the procedure after proposals used them.
    let mut rest: Vec<(Option<String>, i64)> = counts.into_iter().collect();
    rest.sort();
    for (name, value) in rest {
        bars.push(Bar {
            label: name.unwrap_or_else(|| uncategorised.to_owned()),
            value,
        });
    }
    Ok(bars)
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

/// Council outcomes by proposal id.
pub async fn outcomes_of(
    db: &impl ConnectionTrait,
    proposal_ids: Vec<i64>,
) -> Result<HashMap<i64, OutcomeView>, AppError> {
    if proposal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = council_decision::Entity::find()
        .filter(council_decision::Column::ProposalId.is_in(proposal_ids))
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| Some((row.proposal_id, outcome_view(&row)?)))
        .collect())
}

pub fn outcome_view(row: &council_decision::Model) -> Option<OutcomeView> {
    Some(OutcomeView {
        outcome: row.outcome,
        justification: row.justification.clone(),
        meeting_date: row.meeting_date.map(|d| d.format("%Y-%m-%d").to_string()),
    })
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
        ranking,
        ranked_total,
        outcomes: super::procedure::outcome_counts(db, id).await?,
        council: super::procedure::council_paper(&scope.procedure),
        as_of: Timestamp(now.timestamp()),
    })
}

/// How long the public results of a finished vote are served from memory. Counting a
/// million votes takes SQLite about a second; the figures no longer change after voting
/// (outcomes and moderation may, and clear the entry on this instance).
const PUBLIC_RESULTS_TTL: std::time::Duration = std::time::Duration::from_secs(60);

static PUBLIC_RESULTS: Kept<String, ResultsView> = Kept::new(PUBLIC_RESULTS_TTL);

/// The public results page: final results from memory for up to a minute, anything else
/// (a running vote, as planners follow it) counted afresh.
pub async fn view_cached(
    db: &impl ConnectionTrait,
    scope: &Scope,
    uncategorised: &str,
    now: DateTime<Utc>,
) -> Result<ResultsView, AppError> {
    if !scope.final_results {
        return view(db, scope, uncategorised, now).await;
    }
    let id = scope.procedure.id;
    if let Some(kept) = PUBLIC_RESULTS.get(id, uncategorised.to_owned()) {
        return Ok(kept);
    }
    let generation = results_generation(id);
    let fresh = view(db, scope, uncategorised, now).await?;
    PUBLIC_RESULTS.put(id, uncategorised.to_owned(), generation, fresh.clone());
    Ok(fresh)
}

/// Drops a procedure's kept results (and whatever else is kept of them, such as export
/// hashes) after a change the results show.
pub fn forget_cached(procedure_id: i64) {
    results_changed(procedure_id);
}

/// The planners' dashboard: the figures and one page of outcome forms.
pub async fn dashboard(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    slug: &Slug,
    page: u32,
    uncategorised: &str,
    now: DateTime<Utc>,
) -> Result<ResultsDashboard, AppError> {
    user.require(Permission::Plan)?;
    let scope = scope(db, slug, Some(user), now).await?;
    let results = view(db, &scope, uncategorised, now).await?;
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

/// Links a procedure to the council paper its results went to.
pub async fn set_council_paper(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    slug: &Slug,
    paper: CouncilPaper,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    user.require(Permission::Plan)?;
    let paper = paper.validated()?;
    let row = planner_procedure(db, slug).await?;
    let mut active: procedure::ActiveModel = row.into();
    active.council_paper_url = Set(Some(paper.url));
    active.council_reference = Set(Some(paper.reference));
    active.council_title = Set(Some(paper.title));
    active.updated_at = Set(now);
    let saved = active.update(db).await.map_err(storage_error)?;
    forget_cached(saved.id);
    Ok(())
}

async fn planner_procedure(
    db: &impl ConnectionTrait,
    slug: &Slug,
) -> Result<procedure::Model, AppError> {
    procedure::Entity::find()
        .filter(procedure::Column::Slug.eq(slug.as_str()))
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)
}

/// Records (or changes) the council's outcome for a proposal and tells its followers, in
/// one transaction. Recording the same outcome again changes nothing and sends nothing.
pub async fn record_outcome<C>(
    db: &C,
    site: &SiteSettings,
    user: &CurrentUser,
    proposal_id: i64,
    form: &OutcomeForm,
    source: DecisionSource,
    now: DateTime<Utc>,
) -> Result<bool, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Plan)?;
    let (outcome, justification, date) = form.validated()?;
    let meeting_date = match date {
        Some(d) => Some(
            NaiveDate::from_ymd_opt(i32::try_from(d.year).unwrap_or(0), d.month, d.day)
                .ok_or_else(|| AppError::invalid("meeting_date", "not_a_date"))?,
        ),
        None => None,
    };
    let txn = crate::backend::db::begin_write(db).await?;
    let target = proposal::Entity::find_by_id(proposal_id)
        .one(&txn)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    if target.visibility != Visibility::Visible {
        return Err(AppError::Conflict);
    }
    // The council answers what the participation produced: not while it still runs, and
    // not for a meeting that has not taken place.
    if now < participation_end(&txn, target.procedure_id).await? {
        return Err(AppError::invalid("outcome", "participation_running"));
    }
    if date.is_some_and(|d| d > crate::model::time::Timestamp(now.timestamp()).local_date()) {
        return Err(AppError::invalid("meeting_date", "in_future"));
    }
    let existing = council_decision::Entity::find_by_id(proposal_id)
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
    let row = council_decision::ActiveModel {
        proposal_id: Set(proposal_id),
        procedure_id: Set(target.procedure_id),
        outcome: Set(outcome),
        justification: Set(justification.clone()),
        meeting_date: Set(meeting_date),
        source: Set(source),
        recorded_by: Set(Some(user.id)),
        recorded_at: Set(now),
    };
    if existing.is_some() {
        row.update(&txn).await.map_err(storage_error)?;
    } else {
        council_decision::Entity::insert(row)
            .exec_without_returning(&txn)
            .await
            .map_err(storage_error)?;
    }
    follow::notify(
        &txn,
        site,
        &target,
        Event::CouncilOutcome {
            outcome,
            justification: &justification,
        },
        user.id,
        now,
    )
    .await?;
    txn.commit().await.map_err(storage_error)?;
    forget_cached(target.procedure_id);
    Ok(true)
}

/// Removes a recorded outcome (entered on the wrong proposal, say). Nobody is mailed.
pub async fn clear_outcome(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    proposal_id: i64,
) -> Result<(), AppError> {
    user.require(Permission::Plan)?;
    let row = council_decision::Entity::find_by_id(proposal_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    council_decision::Entity::delete_by_id(proposal_id)
        .exec(db)
        .await
        .map_err(storage_error)?;
    forget_cached(row.procedure_id);
    Ok(())
}

/// The council's outcome for one proposal, if recorded (the proposal page shows it).
pub async fn outcome_of(
    db: &impl ConnectionTrait,
    proposal_id: i64,
) -> Result<Option<OutcomeView>, AppError> {
    Ok(outcomes_of(db, vec![proposal_id])
        .await?
        .remove(&proposal_id))
}

/// Visible proposals of a procedure (withdrawn included): the rows an export writes.
pub async fn count_visible_proposals(
    db: &impl ConnectionTrait,
    procedure_id: i64,
) -> Result<u64, AppError> {
    sea_orm::PaginatorTrait::count(
        proposal::Entity::find()
            .filter(proposal::Column::ProcedureId.eq(procedure_id))
            .filter(proposal::Column::Visibility.eq(Visibility::Visible)),
        db,
    )
    .await
    .map_err(storage_error)
}

/// Moderation decisions of a procedure by action code, most frequent first.
pub async fn decision_counts(
    db: &impl ConnectionTrait,
    procedure_id: i64,
) -> Result<Vec<(ModerationActionKind, u64)>, AppError> {
    use crate::backend::entity::moderation_action;
    let rows: Vec<(ModerationActionKind, i64)> = moderation_action::Entity::find()
        .select_only()
        .column(moderation_action::Column::Action)
        .column_as(Expr::col(moderation_action::Column::Id).count(), "n")
        .filter(moderation_action::Column::ProcedureId.eq(procedure_id))
        .group_by(moderation_action::Column::Action)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let mut counts: Vec<(ModerationActionKind, u64)> = rows
        .into_iter()
        .map(|(action, n)| (action, u64::try_from(n).unwrap_or(0)))
        .collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.as_str().cmp(b.0.as_str())));
    Ok(counts)
}
