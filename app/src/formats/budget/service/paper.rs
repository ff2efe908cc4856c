//! Paper ballots: staff enter each paper ballot as a ballot of its own (never as totals),
//! checked by the same rule as online ballots, in batches. A batch counts once a second
//! person has confirmed it; until then it can be discarded whole. Like online ballots,
//! paper ballots are taken only while voting runs.

use super::ballot::{checked_choices, view, write_choices};
use super::budget::{Hosted, load};
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{timestamp, write_gate};
use crate::backend::db::{begin_write, storage_error};
use crate::backend::entity::{budget_ballot, budget_ballot_item, budget_paper_batch};
use crate::error::AppError;
use crate::formats::budget::model::{
    Ballot, BallotInput, BallotStatus, Channel, PaperBatch, PaperBatchInput, bounded,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};

/// Ballots one batch may hold (a stack of paper counted in one sitting).
pub const MAX_BALLOTS_PER_BATCH: u64 = 2_000;

pub(crate) async fn batch_view(
    db: &impl ConnectionTrait,
    row: budget_paper_batch::Model,
) -> Result<PaperBatch, AppError> {
    let ballots = budget_ballot::Entity::find()
        .filter(budget_ballot::Column::BatchId.eq(row.id))
        .count(db)
        .await
        .map_err(storage_error)?;
    Ok(PaperBatch {
        id: row.id,
        budget_id: row.budget_id,
        label: row.label,
        entered_by: row.entered_by,
        confirmed_by: row.confirmed_by,
        confirmed_at: row.confirmed_at.map(timestamp),
        confirmed: row.confirmed_at.is_some(),
        ballots,
    })
}

/// A batch and its budget, for staff.
pub(crate) async fn find(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    batch_id: i64,
    now: DateTime<Utc>,
) -> Result<(budget_paper_batch::Model, Hosted), AppError> {
    user.require(Permission::Plan)?;
    let row = budget_paper_batch::Entity::find_by_id(batch_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    let hosted = load(db, row.budget_id, Some(user), now).await?;
    Ok((row, hosted))
}

/// The batch may still change: not confirmed, and voting runs.
pub(crate) fn open(
    row: &budget_paper_batch::Model,
    hosted: &Hosted,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if row.confirmed_at.is_some() {
        return Err(AppError::invalid("batch", "confirmed"));
    }
    if !hosted.taking_ballots(now) {
        return Err(AppError::invalid("phase", "closed"));
    }
    Ok(())
}

/// Starts a batch of paper ballots (staff, while voting runs).
pub async fn create_batch(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    budget_id: i64,
    input: PaperBatchInput,
    now: DateTime<Utc>,
) -> Result<PaperBatch, AppError> {
    user.require(Permission::Plan)?;
    let hosted = load(db, budget_id, Some(user), now).await?;
    bounded("label", &input.label, 1, 100)?;
    if !hosted.taking_ballots(now) {
        return Err(AppError::invalid("phase", "closed"));
    }
    let row = budget_paper_batch::ActiveModel {
        budget_id: Set(hosted.row.id),
        label: Set(input.label.trim().to_owned()),
        entered_by: Set(Some(user.id)),
        confirmed_by: Set(None),
        confirmed_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(storage_error)?;
    batch_view(db, row).await
}

/// A batch (staff).
pub async fn get_batch(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    batch_id: i64,
    now: DateTime<Utc>,
) -> Result<PaperBatch, AppError> {
    let (row, _) = find(db, user, batch_id, now).await?;
    batch_view(db, row).await
}

/// Enters one paper ballot into an unconfirmed batch; it must keep the budget's rule.
pub async fn add_ballot<C>(
    db: &C,
    user: &CurrentUser,
    batch_id: i64,
    input: BallotInput,
    now: DateTime<Utc>,
) -> Result<Ballot, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let (row, hosted) = find(db, user, batch_id, now).await?;
    open(&row, &hosted, now)?;
    let choices = checked_choices(db, &hosted, &input).await?;
    let _gate = write_gate(db).await;
    let txn = begin_write(db).await?;
    let held = budget_ballot::Entity::find()
        .filter(budget_ballot::Column::BatchId.eq(row.id))
        .count(&txn)
        .await
        .map_err(storage_error)?;
    if held >= MAX_BALLOTS_PER_BATCH {
        return Err(AppError::invalid("batch", "full"));
    }
    let ballot = budget_ballot::ActiveModel {
        budget_id: Set(hosted.row.id),
        user_id: Set(None),
        channel: Set(Channel::Paper),
        batch_id: Set(Some(row.id)),
        status: Set(BallotStatus::Draft),
        submitted_at: Set(None),
        reminded_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(storage_error)?;
    let checked = view(&txn, &hosted, Some(&ballot), choices.clone(), now).await?;
    if let Some(problem) = checked.problems.first() {
        return Err(AppError::invalid("ballot", problem.as_str()));
    }
    write_choices(&txn, ballot.id, &choices).await?;
    txn.commit().await.map_err(storage_error)?;
    Ok(checked)
}

/// Confirms a batch: a second person, not the one who entered it. Its ballots count from
/// now on.
pub async fn confirm<C>(
    db: &C,
    user: &CurrentUser,
    batch_id: i64,
    now: DateTime<Utc>,
) -> Result<PaperBatch, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let (row, hosted) = find(db, user, batch_id, now).await?;
    open(&row, &hosted, now)?;
    if row.entered_by == Some(user.id) {
        return Err(AppError::invalid("batch", "same_person"));
    }
    let _gate = write_gate(db).await;
    let txn = begin_write(db).await?;
    let ballots = budget_ballot::Entity::find()
        .filter(budget_ballot::Column::BatchId.eq(row.id))
        .count(&txn)
        .await
        .map_err(storage_error)?;
    if ballots == 0 {
        return Err(AppError::invalid("batch", "empty"));
    }
    // Confirmed once: a second confirmation racing this one finds it taken.
    let taken = budget_paper_batch::Entity::update_many()
        .col_expr(
            budget_paper_batch::Column::ConfirmedBy,
            Expr::value(user.id),
        )
        .col_expr(budget_paper_batch::Column::ConfirmedAt, Expr::value(now))
        .filter(budget_paper_batch::Column::Id.eq(row.id))
        .filter(budget_paper_batch::Column::ConfirmedAt.is_null())
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    if taken.rows_affected == 0 {
        return Err(AppError::invalid("batch", "confirmed"));
    }
    budget_ballot::Entity::update_many()
        .col_expr(
            budget_ballot::Column::Status,
            Expr::value(BallotStatus::Submitted.as_str()),
        )
        .col_expr(budget_ballot::Column::SubmittedAt, Expr::value(now))
        .col_expr(budget_ballot::Column::UpdatedAt, Expr::value(now))
        .filter(budget_ballot::Column::BatchId.eq(row.id))
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    txn.commit().await.map_err(storage_error)?;
    let row = budget_paper_batch::Entity::find_by_id(batch_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    batch_view(db, row).await
}

/// Discards an unconfirmed batch with its ballots (a miscounted stack is entered anew).
pub async fn discard<C>(
    db: &C,
    user: &CurrentUser,
    batch_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let (row, hosted) = find(db, user, batch_id, now).await?;
    open(&row, &hosted, now)?;
    let _gate = write_gate(db).await;
    let txn = begin_write(db).await?;
    // Explicitly, not only by the foreign keys' cascade: the same on every database.
    let ballots = sea_orm::sea_query::Query::select()
        .column(budget_ballot::Column::Id)
        .from(budget_ballot::Entity)
        .and_where(Expr::col(budget_ballot::Column::BatchId).eq(row.id))
        .to_owned();
    budget_ballot_item::Entity::delete_many()
        .filter(budget_ballot_item::Column::BallotId.in_subquery(ballots))
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    budget_ballot::Entity::delete_many()
        .filter(budget_ballot::Column::BatchId.eq(row.id))
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    let gone = budget_paper_batch::Entity::delete_many()
        .filter(budget_paper_batch::Column::Id.eq(row.id))
        .filter(budget_paper_batch::Column::ConfirmedAt.is_null())
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    if gone.rows_affected == 0 {
        return Err(AppError::invalid("batch", "confirmed"));
    }
    txn.commit().await.map_err(storage_error)?;
    Ok(())
}
