//! Expert opinions (see `formats::proposals::opinion`): planners ask a unit for its opinion
//! on a proposal, with a due date, and enter the answer; everyone reads it on the proposal;
//! the proposal's followers (its author among them) hear of the answer.

use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{Sight, find_proposal, sight, statement, timestamp};
use crate::backend::db::{begin_write, storage_error};
use crate::backend::entity::{expert_opinion, proposal};
use crate::backend::service::follow::{self, Event};
use crate::backend::service::procedure;
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::formats::proposals::model::{ProposalLink, ProposalStatus};
use crate::formats::proposals::opinion::{
    ExpertOpinion, LIST_PAGE, OpinionAnswer, OpinionDesk, OpinionInput, OpinionList,
    OpinionRequest, OpinionRow, OpinionSelection, OpinionView, SELECT_MAX, SelectionOutcome,
};
use crate::model::moderation::Visibility;
use crate::model::phase::VoteRule;
use crate::model::procedure::Slug;
use crate::model::time::{LocalDate, Timestamp};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

fn today(now: DateTime<Utc>) -> LocalDate {
    Timestamp(now.timestamp()).local_date()
}

fn naive(day: LocalDate) -> Result<NaiveDate, AppError> {
    NaiveDate::from_ymd_opt(i32::try_from(day.year).unwrap_or(0), day.month, day.day)
        .ok_or_else(|| AppError::invalid("due_on", "not_a_date"))
}

/// A stored opinion as the public reads it, seen on `today`.
pub(crate) fn shown(row: expert_opinion::Model, today: LocalDate) -> ExpertOpinion {
    let due_on = row.due_on.format("%Y-%m-%d").to_string();
    let answer = match (row.verdict, row.opinion, row.answered_at) {
        (Some(verdict), Some(text), Some(at)) => Some(OpinionAnswer {
            verdict,
            text,
            answered_at: timestamp(at),
        }),
        _ => None,
    };
    let overdue = answer.is_none() && LocalDate::parse_iso(&due_on).is_some_and(|due| due < today);
    ExpertOpinion {
        unit: row.unit,
        due_on,
        overdue,
        answer,
    }
}

/// Planners may ask and answer while the proposal is open and shown.
fn editable(row: &proposal::Model, viewer: Option<&CurrentUser>) -> bool {
    viewer.is_some_and(|v| v.can(Permission::Plan))
        && row.status == ProposalStatus::Published
        && row.visibility == Visibility::Visible
}

/// The opinion of a proposal its page has loaded (one query by key).
pub(crate) async fn view_of(
    db: &impl ConnectionTrait,
    row: &proposal::Model,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<OpinionView, AppError> {
    let opinion = expert_opinion::Entity::find_by_id(row.id)
        .one(db)
        .await
        .map_err(storage_error)?
        .map(|stored| shown(stored, today(now)));
    Ok(OpinionView {
        opinion,
        may_edit: editable(row, viewer),
    })
}

/// A proposal's opinion, where the viewer may read the proposal (of a concealed one,
/// nothing).
pub async fn of_proposal(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<OpinionView, AppError> {
    let row = find_proposal(db, proposal_id).await?;
    procedure::context_by_id_for(db, row.procedure_id, viewer, now).await?;
    if sight(row.visibility, row.author_id, viewer)? == Sight::Concealed {
        return Ok(OpinionView::default());
    }
    view_of(db, &row, viewer, now).await
}

/// A planner's page of a proposal's opinion: of a visible proposal (a withdrawn or merged
/// one shows its opinion without the forms).
pub async fn desk(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    proposal_id: i64,
    now: DateTime<Utc>,
) -> Result<OpinionDesk, AppError> {
    user.require(Permission::Plan)?;
    let row = find_proposal(db, proposal_id).await?;
    // A proposal awaiting review or hidden is not the planners' to read here.
    if row.visibility != Visibility::Visible {
        return Err(AppError::NotFound);
    }
    let (_, procedure) =
        procedure::context_by_id_for(db, row.procedure_id, Some(user), now).await?;
    let view = view_of(db, &row, Some(user), now).await?;
    Ok(OpinionDesk {
        proposal: ProposalLink {
            id: row.id,
            title: row.title,
        },
        procedure,
        view,
    })
}

/// The proposal a planner may ask about or answer for: open and shown.
async fn open_proposal(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    proposal_id: i64,
) -> Result<proposal::Model, AppError> {
    user.require(Permission::Plan)?;
    let row = find_proposal(db, proposal_id).await?;
    if row.status != ProposalStatus::Published {
        return Err(AppError::invalid("proposal", row.status.as_str()));
    }
    if row.visibility != Visibility::Visible {
        return Err(AppError::invalid("proposal", "hidden"));
    }
    Ok(row)
}

/// Asks a unit for its opinion by a day, or changes the unit and day of a request not yet
/// answered.
pub async fn request<C>(
    db: &C,
    user: &CurrentUser,
    proposal_id: i64,
    input: &OpinionRequest,
    now: DateTime<Utc>,
) -> Result<OpinionView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Plan)?;
    let (unit, due) = input.validated(today(now))?;
    let row = open_proposal(db, user, proposal_id).await?;
    let txn = begin_write(db).await?;
    let existing = expert_opinion::Entity::find_by_id(proposal_id)
        .one(&txn)
        .await
        .map_err(storage_error)?;
    match existing {
        Some(stored) if stored.answered_at.is_some() => {
            return Err(AppError::invalid("opinion", "answered"));
        }
        Some(_) => {
            expert_opinion::Entity::update_many()
                .col_expr(expert_opinion::Column::Unit, Expr::value(unit))
                .col_expr(expert_opinion::Column::DueOn, Expr::value(naive(due)?))
                .filter(expert_opinion::Column::ProposalId.eq(proposal_id))
                .exec(&txn)
                .await
                .map_err(storage_error)?;
        }
        None => {
            // Two planners asking at the same instant: the first request stands, the
            // second changes nothing (and fails no one).
            expert_opinion::Entity::insert(expert_opinion::ActiveModel {
                proposal_id: Set(proposal_id),
                procedure_id: Set(row.procedure_id),
                unit: Set(unit),
                due_on: Set(naive(due)?),
                requested_by: Set(Some(user.id)),
                requested_at: Set(now),
                verdict: Set(None),
                opinion: Set(None),
                answered_at: Set(None),
            })
            .on_conflict_do_nothing()
            .exec(&txn)
            .await
            .map_err(storage_error)?;
        }
    }
    txn.commit().await.map_err(storage_error)?;
    view_of(db, &row, Some(user), now).await
}

/// Enters (or corrects) the unit's answer; the proposal's followers are told, in the same
/// transaction. The same answer again changes nothing and tells nobody.
pub async fn answer<C>(
    db: &C,
    site: &SiteSettings,
    user: &CurrentUser,
    proposal_id: i64,
    input: &OpinionInput,
    now: DateTime<Utc>,
) -> Result<OpinionView, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Plan)?;
    let (verdict, text) = input.validated()?;
    let row = open_proposal(db, user, proposal_id).await?;
    let stored = expert_opinion::Entity::find_by_id(proposal_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or_else(|| AppError::invalid("opinion", "not_requested"))?;
    if stored.verdict == Some(verdict) && stored.opinion.as_deref() == Some(text.as_str()) {
        return view_of(db, &row, Some(user), now).await;
    }
    let txn = begin_write(db).await?;
    expert_opinion::Entity::update_many()
        .col_expr(expert_opinion::Column::Verdict, Expr::value(verdict))
        .col_expr(expert_opinion::Column::Opinion, Expr::value(text.clone()))
        .col_expr(expert_opinion::Column::AnsweredAt, Expr::value(now))
        .filter(expert_opinion::Column::ProposalId.eq(proposal_id))
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    follow::notify(
        &txn,
        site,
        &row,
        Event::Opinion {
            unit: &stored.unit,
            verdict,
            text: &text,
        },
        user.id,
        now,
    )
    .await?;
    txn.commit().await.map_err(storage_error)?;
    view_of(db, &row, Some(user), now).await
}

/// The planners' list of a procedure's opinions: the counts, then a page of rows, open
/// ones first (soonest due first), then the answered ones.
pub async fn list(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    slug: &Slug,
    page: u64,
    now: DateTime<Utc>,
) -> Result<OpinionList, AppError> {
    user.require(Permission::Plan)?;
    let (context, summary) = procedure::context_for(db, slug, Some(user), now).await?;
    let today = today(now);
    let of_procedure = || {
        expert_opinion::Entity::find().filter(expert_opinion::Column::ProcedureId.eq(context.id))
    };
    let open = of_procedure()
        .filter(expert_opinion::Column::AnsweredAt.is_null())
        .count(db)
        .await
        .map_err(storage_error)?;
    let overdue = of_procedure()
        .filter(expert_opinion::Column::AnsweredAt.is_null())
        .filter(expert_opinion::Column::DueOn.lt(naive(today)?))
        .count(db)
        .await
        .map_err(storage_error)?;
    let answered = of_procedure()
        .filter(expert_opinion::Column::AnsweredAt.is_not_null())
        .count(db)
        .await
        .map_err(storage_error)?;
    let page = page.min(10_000);
    let rows = of_procedure()
        .order_by_asc(Expr::cust(
            "CASE WHEN answered_at IS NULL THEN 0 ELSE 1 END",
        ))
        .order_by_asc(expert_opinion::Column::DueOn)
        .order_by_asc(expert_opinion::Column::ProposalId)
        .offset(page * LIST_PAGE)
        .limit(LIST_PAGE + 1)
        .all(db)
        .await
        .map_err(storage_error)?;
    let more = rows.len() as u64 > LIST_PAGE;
    let ids: Vec<i64> = rows.iter().map(|r| r.proposal_id).collect();
    let titles: HashMap<i64, String> = proposal::Entity::find()
        .select_only()
        .columns([proposal::Column::Id, proposal::Column::Title])
        .filter(proposal::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await
        .map_err(storage_error)?
        .into_iter()
        .collect();
    let rows = rows
        .into_iter()
        .take(LIST_PAGE as usize)
        .map(|stored| OpinionRow {
            proposal_id: stored.proposal_id,
            title: titles.get(&stored.proposal_id).cloned().unwrap_or_default(),
            opinion: shown(stored, today),
        })
        .collect();
    Ok(OpinionList {
        procedure: summary,
        open,
        overdue,
        answered,
        rows,
        next_page: more.then_some(page + 1),
    })
}

/// A planner's selection for the administration's review (see `OpinionSelection`): the
/// best `top` visible, open proposals of the procedure by votes (supports, or the net
/// score under the rating rule; ties by number), then each district's best `per_district`
/// not among them. Each selected proposal without an opinion is asked for one; the ones
/// asked before keep theirs.
pub async fn select<C>(
    db: &C,
    user: &CurrentUser,
    slug: &Slug,
    input: &OpinionSelection,
    now: DateTime<Utc>,
) -> Result<SelectionOutcome, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Plan)?;
    let (unit, due) = input.validated(today(now))?;
    let due = naive(due)?;
    let (context, _) = procedure::context_for(db, slug, Some(user), now).await?;
    let column = match context.rule {
        VoteRule::Support { .. } => "support_count",
        VoteRule::Rating => "score",
    };
    let open = "procedure_id = $1 AND status = $2 AND visibility = $3";
    let values = || -> Vec<sea_orm::Value> {
        vec![
            context.id.into(),
            ProposalStatus::Published.as_str().into(),
            Visibility::Visible.as_str().into(),
            i64::from(input.top).into(),
        ]
    };
    let ids = |sql: String, values: Vec<sea_orm::Value>| async move {
        let rows = db
            .query_all_raw(statement(db, &sql, values))
            .await
            .map_err(storage_error)?;
        rows.iter()
            .map(|row| row.try_get_by_index::<i64>(0).map_err(storage_error))
            .collect::<Result<Vec<i64>, AppError>>()
    };
    let top =
        format!("SELECT id FROM proposals WHERE {open} ORDER BY {column} DESC, id ASC LIMIT $4");
    let mut selected = ids(top.clone(), values()).await?;
    if input.per_district > 0 {
        let mut values = values();
        values.push(i64::from(input.per_district).into());
        let districts = format!(
            "SELECT id FROM (SELECT id, district_id, ROW_NUMBER() OVER \
             (PARTITION BY district_id ORDER BY {column} DESC, id ASC) AS n FROM proposals \
             WHERE {open} AND district_id IS NOT NULL AND id NOT IN ({top})) ranked \
             WHERE n <= $5 ORDER BY district_id, n LIMIT {}",
            SELECT_MAX + 1
        );
        selected.extend(ids(districts, values).await?);
    }
    if selected.len() > SELECT_MAX {
        return Err(AppError::invalid("per_district", "too_many"));
    }
    let txn = begin_write(db).await?;
    let asked: std::collections::HashSet<i64> = expert_opinion::Entity::find()
        .select_only()
        .column(expert_opinion::Column::ProposalId)
        .filter(expert_opinion::Column::ProposalId.is_in(selected.iter().copied()))
        .into_tuple::<i64>()
        .all(&txn)
        .await
        .map_err(storage_error)?
        .into_iter()
        .collect();
    let missing: Vec<i64> = selected
        .iter()
        .copied()
        .filter(|id| !asked.contains(id))
        .collect();
    for chunk in missing.chunks(200) {
        let rows = chunk.iter().map(|id| expert_opinion::ActiveModel {
            proposal_id: Set(*id),
            procedure_id: Set(context.id),
            unit: Set(unit.clone()),
            due_on: Set(due),
            requested_by: Set(Some(user.id)),
            requested_at: Set(now),
            verdict: Set(None),
            opinion: Set(None),
            answered_at: Set(None),
        });
        // A planner asking for one of them at the same instant: theirs stands.
        expert_opinion::Entity::insert_many(rows)
            .on_conflict_do_nothing()
            .exec(&txn)
            .await
            .map_err(storage_error)?;
    }
    txn.commit().await.map_err(storage_error)?;
    tracing::info!(
        procedure = context.id,
        selected = selected.len(),
        requested = missing.len(),
        "proposals selected for the administration's opinion"
    );
    Ok(SelectionOutcome {
        requested: u32::try_from(missing.len()).unwrap_or(u32::MAX),
        proposal_ids: selected,
    })
}
