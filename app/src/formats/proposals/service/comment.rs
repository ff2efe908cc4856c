//! Comments: threaded replies, editing within 15 minutes, deletion that leaves a
//! placeholder, and the notifications a new comment sends.

use super::proposal::{onsite_event, source_column};
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{find_proposal, lock_user, write_gate};
use crate::backend::db::storage_error;
use crate::backend::entity::{comment, proposal};
use crate::backend::service::procedure;
use crate::backend::service::{follow, moderation};
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::formats::proposals::model::{
    COMMENT_EDIT_MINUTES, CommentStatus, MAX_COMMENT_DEPTH, ProposalStatus, validated_comment,
};
use crate::model::idempotency::IdempotencyKey;
use crate::model::moderation::Visibility;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};

/// A new comment or reply.
#[derive(Debug, Clone)]
pub struct NewComment {
    pub proposal_id: i64,
    pub parent_id: Option<i64>,
    pub body: String,
    /// The on-site event a planner enters the comment for.
    pub onsite: Option<String>,
    /// The form's key: the same key from the same author again is the same comment.
    pub idempotency_key: Option<IdempotencyKey>,
}

pub async fn create<C>(
    db: &C,
    site: &SiteSettings,
    user: &CurrentUser,
    new: NewComment,
    now: DateTime<Utc>,
) -> Result<i64, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    let event = onsite_event(user, new.onsite)?;
    let body = validated_comment(&new.body)?;
    let _gate = write_gate(db).await;
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    // A form sent again (its response was lost) gets the comment it already wrote. The
    // same key with another text is a new comment from a page shown again (the back
    // button): it is written, without the key.
    let mut key = new.idempotency_key.clone();
    if let Some(sent) = &key
        && let Some(existing) = comment::Entity::find()
            .filter(comment::Column::AuthorId.eq(user.id))
            .filter(comment::Column::IdempotencyKey.eq(sent.as_str()))
            .one(&txn)
            .await
            .map_err(storage_error)?
    {
        if existing.body == body {
            return Ok(existing.id);
        }
        key = None;
    }
    let target = find_proposal(&txn, new.proposal_id).await?;
    let (context, _) = procedure::published_context(&txn, target.procedure_id, now).await?;
    if !context.allowed.comment {
        return Err(AppError::invalid("phase", "closed"));
    }
    if target.status != ProposalStatus::Published {
        return Err(AppError::invalid("proposal", target.status.as_str()));
    }
    if target.visibility != Visibility::Visible {
        return Err(AppError::invalid("proposal", "hidden"));
    }
    if target.locked_at.is_some() {
        return Err(AppError::invalid("proposal", "discussion_locked"));
    }
    let parent = match new.parent_id {
        Some(parent_id) => {
            let parent = comment::Entity::find_by_id(parent_id)
                .filter(comment::Column::ProposalId.eq(target.id))
                .one(&txn)
                .await
                .map_err(storage_error)?
                .ok_or_else(|| AppError::invalid("parent", "unknown"))?;
            if parent.status != CommentStatus::Published || parent.visibility != Visibility::Visible
            {
                return Err(AppError::invalid("parent", "deleted"));
            }
            if parent.depth >= i32::from(MAX_COMMENT_DEPTH) {
                return Err(AppError::invalid("parent", "too_deep"));
            }
            Some(parent)
        }
        None => None,
    };
    let intake = moderation::intake(&txn, user, context.moderation, &body).await?;
    let pending = intake.visibility == Visibility::Pending;
    let inserted = comment::ActiveModel {
        proposal_id: Set(target.id),
        parent_id: Set(parent.as_ref().map(|p| p.id)),
        author_id: Set(user.id),
        body: Set(body.clone()),
        depth: Set(parent.as_ref().map_or(0, |p| p.depth + 1)),
        source: Set(source_column(&event).to_owned()),
        event_name: Set(event),
        status: Set(CommentStatus::Published),
        created_at: Set(now),
        edited_at: Set(None),
        deleted_at: Set(None),
        visibility: Set(intake.visibility),
        idempotency_key: Set(key.map(|key| key.as_str().to_owned())),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(storage_error)?;
    moderation::enqueue_intake(
        &txn,
        &crate::formats::proposals::hooks::item_of_comment(&inserted, &target),
        &intake,
        now,
    )
    .await?;
    // A pending comment is counted, and announced, once a moderator approves it.
    if pending {
        txn.commit().await.map_err(storage_error)?;
        return Ok(inserted.id);
    }
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::CommentCount,
            Expr::col(proposal::Column::CommentCount).add(1),
        )
        .col_expr(
            proposal::Column::EngagedAt,
            super::proposal::engaged_since(now),
        )
        .filter(proposal::Column::Id.eq(target.id))
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    follow::notify(
        &txn,
        site,
        &target,
        follow::Event::Comment {
            comment_id: inserted.id,
            author_id: user.id,
            parent_author_id: parent.map(|p| p.author_id),
            body: &body,
        },
        user.id,
        now,
    )
    .await?;
    txn.commit().await.map_err(storage_error)?;
    Ok(inserted.id)
}

/// The author corrects their comment within 15 minutes of writing it.
pub async fn edit<C>(
    db: &C,
    user: &CurrentUser,
    comment_id: i64,
    body: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    let body = validated_comment(body)?;
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let row = own_comment(&txn, user, comment_id, now).await?;
    if now - row.created_at >= chrono::Duration::minutes(COMMENT_EDIT_MINUTES) {
        return Err(AppError::invalid("comment", "edit_window_over"));
    }
    let visibility = row.visibility;
    if matches!(visibility, Visibility::Held | Visibility::Hidden) {
        return Err(AppError::invalid("comment", "hidden"));
    }
    // The changed text passes the pre-screen again (pending stays pending).
    let target = find_proposal(&txn, row.proposal_id).await?;
    let (context, _) = procedure::published_context(&txn, target.procedure_id, now).await?;
    let intake = moderation::Intake {
        visibility,
        ..moderation::intake(&txn, user, context.moderation, &body).await?
    };
    moderation::enqueue_intake(
        &txn,
        &crate::formats::proposals::hooks::item_of_comment(&row, &target),
        &intake,
        now,
    )
    .await?;
    comment::Entity::update_many()
        .col_expr(comment::Column::Body, Expr::value(body))
        .col_expr(comment::Column::EditedAt, Expr::value(now))
        .filter(comment::Column::Id.eq(comment_id))
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    txn.commit().await.map_err(storage_error)?;
    Ok(row.proposal_id)
}

/// The author deletes their comment: the text goes, a placeholder keeps replies in place.
pub async fn delete<C>(
    db: &C,
    user: &CurrentUser,
    comment_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let row = own_comment(&txn, user, comment_id, now).await?;
    comment::Entity::update_many()
        .col_expr(comment::Column::Body, Expr::value(String::new()))
        .col_expr(comment::Column::Status, Expr::value(CommentStatus::Deleted))
        .col_expr(comment::Column::DeletedAt, Expr::value(now))
        .filter(comment::Column::Id.eq(comment_id))
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    // A pending comment was never counted.
    let counted = i32::from(row.visibility != Visibility::Pending);
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::CommentCount,
            Expr::col(proposal::Column::CommentCount).sub(counted),
        )
        .filter(proposal::Column::Id.eq(row.proposal_id))
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    txn.commit().await.map_err(storage_error)?;
    Ok(row.proposal_id)
}

/// A published comment of the user's on a proposal the public can see.
async fn own_comment(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    comment_id: i64,
    now: DateTime<Utc>,
) -> Result<comment::Model, AppError> {
    let row = comment::Entity::find_by_id(comment_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    let target = find_proposal(db, row.proposal_id).await?;
    procedure::published_context(db, target.procedure_id, now).await?;
    if row.status != CommentStatus::Published {
        return Err(AppError::NotFound);
    }
    if row.author_id != user.id {
        return Err(AppError::Forbidden);
    }
    Ok(row)
}
