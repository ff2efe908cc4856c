//! Votes: cast, change and withdraw, each idempotent. The vote row and the proposal's
//! counters change in one transaction, after the voter's row is locked, so the tally equals
//! the vote rows under any number of concurrent requests.

use super::proposal::budget;
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{find_proposal, lock_user, write_gate};
use crate::backend::db::storage_error;
use crate::backend::entity::{proposal, vote};
use crate::backend::service::procedure;
use crate::error::AppError;
use crate::formats::proposals::model::{ProposalStatus, Tally, VoteBudget};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryTrait, Set, TransactionSession, TransactionTrait,
};

/// The state after a vote request: what the voter sees change in place.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct VoteState {
    pub proposal_id: i64,
    pub tally: Tally,
    pub my_vote: Option<i8>,
    pub budget: Option<VoteBudget>,
}

/// Casts or changes a vote. Casting the same value again changes nothing.
pub async fn cast<C>(
    db: &C,
    user: &CurrentUser,
    proposal_id: i64,
    value: i8,
    now: DateTime<Utc>,
) -> Result<VoteState, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    change(db, user, proposal_id, Some(value), now).await
}

/// Withdraws a vote; without one, nothing changes.
pub async fn withdraw<C>(
    db: &C,
    user: &CurrentUser,
    proposal_id: i64,
    now: DateTime<Utc>,
) -> Result<VoteState, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    change(db, user, proposal_id, None, now).await
}

async fn change<C>(
    db: &C,
    user: &CurrentUser,
    proposal_id: i64,
    value: Option<i8>,
    now: DateTime<Utc>,
) -> Result<VoteState, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    // What the vote depends on but cannot race: the proposal's procedure, its rule and
    // phase. Read before the write gate, which is then held only for the writes. A
    // withdrawal racing in between is caught by the counter update (it needs the
    // proposal still published).
    let row = find_proposal(db, proposal_id).await?;
    let (context, _) = procedure::published_context(db, row.procedure_id, now).await?;
    if !context.allowed.vote {
        return Err(AppError::invalid("phase", "closed"));
    }
    if row.status != ProposalStatus::Published {
        return Err(AppError::invalid("proposal", row.status.as_str()));
    }
    if row.visibility != crate::model::moderation::Visibility::Visible {
        return Err(AppError::invalid("proposal", "hidden"));
    }
    if let Some(value) = value {
        context.rule.check_value(value)?;
    }
    // A request that changes nothing (withdrawing no vote, repeating the same vote) takes
    // no write lock; racing another request of the same person, it counts as the earlier.
    let current = vote::Entity::find_by_id((user.id, proposal_id))
        .one(db)
        .await
        .map_err(storage_error)?
        .map(|v| v.value);
    let mut tally = None;
    if current != value.map(i16::from) {
        let _gate = write_gate(db).await;
        let txn = crate::backend::db::begin_write(db).await?;
        lock_user(&txn, user.id).await?;
        let existing = vote::Entity::find_by_id((user.id, proposal_id))
            .one(&txn)
            .await
            .map_err(storage_error)?;
        let old = existing.as_ref().map(|v| v.value);
        let new = value.map(i16::from);
        if old != new {
            write_vote(&txn, user.id, proposal_id, &context, old, new, now).await?;
            tally = Some(adjust_counters(&txn, proposal_id, old, new, now).await?);
        }
        txn.commit().await.map_err(storage_error)?;
    }
    // A request that changed nothing answers the tally as read at its start.
    let tally = tally
        .unwrap_or_else(|| counters(row.support_count, row.up_count, row.down_count, row.score));
    let budget = budget(db, Some(user.id), &context).await?;
    Ok(VoteState {
        proposal_id,
        tally,
        my_vote: value,
        budget,
    })
}

fn counters(support: i32, up: i32, down: i32, score: i32) -> Tally {
    let count = |n: i32| u32::try_from(n).unwrap_or(0);
    Tally {
        support: count(support),
        up: count(up),
        down: count(down),
        score,
    }
}

/// Inserts, changes or deletes the voter's row; a new vote first checks the cap.
async fn write_vote(
    txn: &impl ConnectionTrait,
    user_id: i64,
    proposal_id: i64,
    context: &procedure::Context,
    old: Option<i16>,
    new: Option<i16>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    match (old, new) {
        (None, Some(new)) => {
            if let Some(cap) = context.rule.cap() {
                let used = vote::Entity::find()
                    .filter(vote::Column::UserId.eq(user_id))
                    .filter(vote::Column::ProcedureId.eq(context.id))
                    .count(txn)
                    .await
                    .map_err(storage_error)?;
                if used >= u64::from(cap) {
                    return Err(AppError::invalid("vote", "cap_reached"));
                }
            }
            vote::ActiveModel {
                user_id: Set(user_id),
                proposal_id: Set(proposal_id),
                procedure_id: Set(context.id),
                value: Set(new),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await
            .map_err(storage_error)?;
        }
        (Some(_), Some(new)) => {
            vote::Entity::update_many()
                .col_expr(vote::Column::Value, Expr::value(new))
                .col_expr(vote::Column::UpdatedAt, Expr::value(now))
                .filter(vote::Column::UserId.eq(user_id))
                .filter(vote::Column::ProposalId.eq(proposal_id))
                .exec(txn)
                .await
                .map_err(storage_error)?;
        }
        (Some(_), None) => {
            vote::Entity::delete_many()
                .filter(vote::Column::UserId.eq(user_id))
                .filter(vote::Column::ProposalId.eq(proposal_id))
                .exec(txn)
                .await
                .map_err(storage_error)?;
        }
        (None, None) => {}
    }
    Ok(())
}

/// Moves the counters by the difference between the old and the new vote, relative to
/// their current values (never read-modify-write), and answers with the counters as they
/// now are (`RETURNING`: no second read).
async fn adjust_counters(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    old: Option<i16>,
    new: Option<i16>,
    now: DateTime<Utc>,
) -> Result<Tally, AppError> {
    let count_of = |v: Option<i16>, wanted: i16| i32::from(v == Some(wanted));
    let up = count_of(new, 1) - count_of(old, 1);
    let down = count_of(new, -1) - count_of(old, -1);
    let mut update = proposal::Entity::update_many()
        .col_expr(
            proposal::Column::SupportCount,
            Expr::col(proposal::Column::SupportCount).add(up),
        )
        .col_expr(
            proposal::Column::UpCount,
            Expr::col(proposal::Column::UpCount).add(up),
        )
        .col_expr(
            proposal::Column::DownCount,
            Expr::col(proposal::Column::DownCount).add(down),
        )
        .col_expr(
            proposal::Column::Score,
            Expr::col(proposal::Column::Score).add(up - down),
        );
    if new.is_some() {
        update = update.col_expr(
            proposal::Column::EngagedAt,
            super::proposal::engaged_since(now),
        );
    }
    let mut statement = update
        .filter(proposal::Column::Id.eq(proposal_id))
        .filter(proposal::Column::Status.eq(ProposalStatus::Published))
        .into_query();
    statement.returning(Query::returning().columns([
        proposal::Column::SupportCount,
        proposal::Column::UpCount,
        proposal::Column::DownCount,
        proposal::Column::Score,
    ]));
    // No row: withdrawn since it was read, and the caller's transaction rolls back.
    let row = db
        .query_one(&statement)
        .await
        .map_err(storage_error)?
        .ok_or_else(|| AppError::invalid("proposal", "withdrawn"))?;
    let column = |name: &str| row.try_get::<i32>("", name).map_err(storage_error);
    Ok(counters(
        column("support_count")?,
        column("up_count")?,
        column("down_count")?,
        column("score")?,
    ))
}
