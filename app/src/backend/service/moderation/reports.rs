//! Reports by residents, objections by authors, and moderators' claims on items.

use super::*;

// ---------- reports ----------

/// A verified resident reports a proposal or comment. One report per person and item: a
/// second changes nothing. With the threshold's number of open reports the item is held
/// until a moderator decides.
pub async fn report<C>(
    db: &C,
    user: &CurrentUser,
    input: ReportInput,
    now: DateTime<Utc>,
) -> Result<ReportOutcome, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    let input = input.validated()?;
    let _gate = write_gate(db).await;
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let item = load_item(&txn, input.target).await?;
    procedure::published_context(&txn, item.procedure_id, now).await?;
    if !item.published || matches!(item.visibility, Visibility::Pending | Visibility::Hidden) {
        return Err(AppError::NotFound);
    }
    if item.author_id == user.id {
        return Err(AppError::invalid("target", "own"));
    }
    let inserted = report::Entity::insert(report::ActiveModel {
        target_kind: Set(item.target.kind),
        target_id: Set(item.target.id),
        procedure_id: Set(item.procedure_id),
        reporter_id: Set(user.id),
        reason: Set(input.reason),
        note: Set(input.note),
        snapshot: Set(item.text.clone()),
        status: Set(CaseStatus::Open),
        created_at: Set(now),
        closed_at: Set(None),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([
        report::Column::TargetKind,
        report::Column::TargetId,
        report::Column::ReporterId,
    ])
    .exec_without_returning(&txn)
    .await
    .map_err(storage_error)?;
    if !matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0) {
        return Ok(ReportOutcome::AlreadyReported);
    }
    let mut entry = open_entry(&txn, &item, now).await?;
    entry.report_count += 1;
    let count = entry.report_count;
    save_entry(&txn, entry).await?;
    let threshold = settings(&txn).await?.report_threshold;
    if item.visibility == Visibility::Visible && u32::try_from(count).unwrap_or(0) >= threshold {
        set_visibility(&txn, &item, Visibility::Held, None, now).await?;
    }
    txn.commit().await.map_err(storage_error)?;
    Ok(ReportOutcome::Reported)
}

/// The author objects to a hide; the item returns to the queue with their words.
pub async fn object<C>(
    db: &C,
    user: &CurrentUser,
    target: Target,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let text = validated_note(text, "objection", 10, 2_000)?;
    let _gate = write_gate(db).await;
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let item = load_item(&txn, target).await?;
    if item.author_id != user.id {
        return Err(AppError::Forbidden);
    }
    if item.visibility != Visibility::Hidden {
        return Err(AppError::invalid("objection", "not_hidden"));
    }
    let mut entry = open_entry(&txn, &item, now).await?;
    if entry.objection.is_some() {
        return Err(AppError::invalid("objection", "already"));
    }
    entry.objection = Some(text.to_owned());
    save_entry(&txn, entry).await?;
    txn.commit().await.map_err(storage_error)
}

// ---------- claims ----------

/// A moderator takes an item for `CLAIM_MINUTES`; another's live claim is a conflict.
pub async fn claim(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    queue_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    user.require(Permission::Moderate)?;
    let claimed = moderation_queue::Entity::update_many()
        .col_expr(moderation_queue::Column::ClaimedBy, Expr::value(user.id))
        .col_expr(
            moderation_queue::Column::ClaimedUntil,
            Expr::value(now + Duration::minutes(CLAIM_MINUTES)),
        )
        .filter(moderation_queue::Column::Id.eq(queue_id))
        .filter(moderation_queue::Column::Status.eq(CaseStatus::Open))
        .filter(
            Condition::any()
                .add(moderation_queue::Column::ClaimedBy.is_null())
                .add(moderation_queue::Column::ClaimedBy.eq(user.id))
                .add(moderation_queue::Column::ClaimedUntil.lte(now)),
        )
        .exec(db)
        .await
        .map_err(storage_error)?;
    if claimed.rows_affected == 1 {
        return Ok(());
    }
    let exists = moderation_queue::Entity::find_by_id(queue_id)
        .filter(moderation_queue::Column::Status.eq(CaseStatus::Open))
        .count(db)
        .await
        .map_err(storage_error)?;
    Err(if exists == 0 {
        AppError::NotFound
    } else {
        AppError::Conflict
    })
}

/// Gives a claim back.
pub async fn release(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    queue_id: i64,
) -> Result<(), AppError> {
    user.require(Permission::Moderate)?;
    moderation_queue::Entity::update_many()
        .col_expr(
            moderation_queue::Column::ClaimedBy,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            moderation_queue::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(moderation_queue::Column::Id.eq(queue_id))
        .filter(moderation_queue::Column::ClaimedBy.eq(user.id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    Ok(())
}
