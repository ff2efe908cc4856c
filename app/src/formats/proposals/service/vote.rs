//! Votes: cast, change and withdraw, each idempotent. The vote row and the proposal's
//! counters change in one transaction, so the tally equals the vote rows under any number
//! of concurrent requests: after the voter's row is locked, or on PostgreSQL without a cap
//! in one statement (its own transaction) whose write holds only if the vote is still as
//! read (`swap`).

use super::proposal::budget;
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{lock_user, write_gate};
use crate::backend::db::storage_error;
use crate::backend::entity::{proposal, vote};
use crate::backend::service::procedure;
use crate::error::AppError;
use crate::formats::proposals::model::{ProposalStatus, Tally, VoteBudget};
use crate::model::moderation::Visibility;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryResult, QuerySelect, QueryTrait, Set, Statement,
    TransactionSession, TransactionTrait, Value,
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
    // withdrawal racing in between is caught by the write (it needs the proposal still
    // published). The person's vote is read with the proposal: a request that changes
    // nothing (withdrawing no vote, repeating the same vote) takes no write lock; racing
    // another request of the same person, it counts as the earlier.
    let row = target(db, user.id, proposal_id).await?;
    let (context, _) = procedure::published_context(db, row.procedure_id, now).await?;
    if !context.allowed.vote {
        return Err(AppError::invalid("phase", "closed"));
    }
    if row.status != ProposalStatus::Published {
        return Err(AppError::invalid("proposal", row.status.as_str()));
    }
    if row.visibility != Visibility::Visible {
        return Err(AppError::invalid("proposal", "hidden"));
    }
    if let Some(value) = value {
        context.rule.check_value(value)?;
    }
    let current = row.my_vote;
    let new = value.map(i16::from);
    let mut tally = None;
    if current != new {
        let _gate = write_gate(db).await;
        let swapped =
            if db.get_database_backend() == DbBackend::Postgres && context.rule.cap().is_none() {
                swap(db, user.id, proposal_id, context.id, current, new, now).await?
            } else {
                None
            };
        tally = match swapped {
            Some(swapped) => Some(swapped),
            None => locked_change(db, user.id, proposal_id, &context, new, now).await?,
        };
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

/// What a vote depends on in its proposal, and the person's vote, as one statement reads
/// them (the vote by a subquery; no title or body travels).
#[derive(FromQueryResult)]
struct Target {
    procedure_id: i64,
    status: ProposalStatus,
    visibility: Visibility,
    support_count: i32,
    up_count: i32,
    down_count: i32,
    score: i32,
    my_vote: Option<i16>,
}

async fn target(
    db: &impl ConnectionTrait,
    user_id: i64,
    proposal_id: i64,
) -> Result<Target, AppError> {
    let mine = Query::select()
        .column(vote::Column::Value)
        .from(vote::Entity)
        .and_where(Expr::col((vote::Entity, vote::Column::UserId)).eq(user_id))
        .and_where(
            Expr::col((vote::Entity, vote::Column::ProposalId))
                .equals((proposal::Entity, proposal::Column::Id)),
        )
        .to_owned();
    proposal::Entity::find_by_id(proposal_id)
        .select_only()
        .columns([
            proposal::Column::ProcedureId,
            proposal::Column::Status,
            proposal::Column::Visibility,
            proposal::Column::SupportCount,
            proposal::Column::UpCount,
            proposal::Column::DownCount,
            proposal::Column::Score,
        ])
        .expr_as(Expr::SubQuery(None, Box::new(mine.into())), "my_vote")
        .into_model::<Target>()
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)
}

/// The general path: the person's row locked, their vote read again under the lock, then
/// written and counted. `None` when the vote already was `new` (a racing request of theirs
/// did it).
async fn locked_change<C>(
    db: &C,
    user_id: i64,
    proposal_id: i64,
    context: &procedure::Context,
    new: Option<i16>,
    now: DateTime<Utc>,
) -> Result<Option<Tally>, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user_id).await?;
    let old = vote::Entity::find_by_id((user_id, proposal_id))
        .one(&txn)
        .await
        .map_err(storage_error)?
        .map(|v| v.value);
    let mut tally = None;
    if old != new {
        write_vote(&txn, user_id, proposal_id, context, old, new, now).await?;
        tally = Some(adjust_counters(&txn, proposal_id, old, new, now).await?);
    }
    txn.commit().await.map_err(storage_error)?;
    Ok(tally)
}

/// PostgreSQL, under a rule without a cap (nothing to count per person): the vote goes
/// from `old`, as read before, to `new`, and the counters move, in one statement (a
/// data-modifying `WITH`), which is a transaction of its own: one round trip where the
/// locked path takes six. The write holds only if the vote still is `old` (the vote
/// row's own lock orders the person's racing requests) and the proposal is published as
/// the statement starts; the counters move exactly when it held, so the tally always
/// equals the rows. `None` when it did not hold: nothing was written, and the caller takes
/// the locked path, which reads again and answers precisely. A withdrawal committed while
/// the statement runs finds the vote cast just before it, counted.
async fn swap(
    db: &impl ConnectionTrait,
    user_id: i64,
    proposal_id: i64,
    procedure_id: i64,
    old: Option<i16>,
    new: Option<i16>,
    now: DateTime<Utc>,
) -> Result<Option<Tally>, AppError> {
    let published = format!(
        "EXISTS (SELECT 1 FROM proposals WHERE id = $2 AND status = '{}')",
        ProposalStatus::Published.as_str()
    );
    // $1 and $2 are the person and the proposal in every form of the write.
    let (write, mut values): (String, Vec<Value>) = match (old, new) {
        (None, Some(new)) => (
            format!(
                "INSERT INTO votes (user_id, proposal_id, procedure_id, value, created_at, \
                 updated_at) SELECT $1, $2, $3, $4, $5, $5 WHERE {published} \
                 ON CONFLICT DO NOTHING RETURNING 1"
            ),
            vec![
                user_id.into(),
                proposal_id.into(),
                procedure_id.into(),
                new.into(),
                now.into(),
            ],
        ),
        (Some(old), Some(new)) => (
            format!(
                "UPDATE votes SET value = $3, updated_at = $4 \
                 WHERE user_id = $1 AND proposal_id = $2 AND value = $5 AND {published} \
                 RETURNING 1"
            ),
            vec![
                user_id.into(),
                proposal_id.into(),
                new.into(),
                now.into(),
                old.into(),
            ],
        ),
        (Some(old), None) => (
            format!(
                "DELETE FROM votes WHERE user_id = $1 AND proposal_id = $2 AND value = $3 \
                 AND {published} RETURNING 1"
            ),
            vec![user_id.into(), proposal_id.into(), old.into()],
        ),
        (None, None) => return Ok(None),
    };
    let (up, down) = deltas(old, new);
    let n = values.len();
    values.extend([up.into(), down.into(), (up - down).into()]);
    let engaged = if new.is_some() {
        values.push(now.into());
        format!(", engaged_at = COALESCE(engaged_at, ${})", n + 4)
    } else {
        String::new()
    };
    let sql = format!(
        "WITH changed AS ({write}) UPDATE proposals SET support_count = support_count + ${a}, \
         up_count = up_count + ${a}, down_count = down_count + ${b}, score = score + ${c}\
         {engaged} WHERE id = $2 AND EXISTS (SELECT 1 FROM changed) \
         RETURNING support_count, up_count, down_count, score",
        a = n + 1,
        b = n + 2,
        c = n + 3,
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await
        .map_err(storage_error)?;
    row.as_ref().map(tally_of).transpose()
}

/// How the up and down counters move from the old vote to the new.
fn deltas(old: Option<i16>, new: Option<i16>) -> (i32, i32) {
    let count_of = |v: Option<i16>, wanted: i16| i32::from(v == Some(wanted));
    (
        count_of(new, 1) - count_of(old, 1),
        count_of(new, -1) - count_of(old, -1),
    )
}

/// The counters a `RETURNING` clause answered.
fn tally_of(row: &QueryResult) -> Result<Tally, AppError> {
    let column = |name: &str| row.try_get::<i32>("", name).map_err(storage_error);
    Ok(counters(
        column("support_count")?,
        column("up_count")?,
        column("down_count")?,
        column("score")?,
    ))
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
    let (up, down) = deltas(old, new);
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
    tally_of(&row)
}
