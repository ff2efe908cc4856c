//! What moderation needs of proposals and comments (see `formats::content`): loading one as
//! a `ContentItem`, changing who sees it, closing its discussion, redacting its text, and
//! telling followers of a comment approved late. Only storage, shared helpers and the
//! features below moderation (follow) here, so that the format's services can use
//! moderation.

use super::model::{CommentStatus, ProposalInput, ProposalStatus, validated_comment};
use crate::backend::common::find_proposal;
use crate::backend::db::storage_error;
use crate::backend::entity::{comment, proposal};
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::formats::item::ContentItem;
use crate::model::moderation::{ModerationReason, Target, TargetKind, Visibility};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

pub(crate) fn item_of_proposal(row: &proposal::Model) -> ContentItem {
    ContentItem {
        target: Target {
            kind: TargetKind::Proposal,
            id: row.id,
        },
        procedure_id: row.procedure_id,
        proposal_id: row.id,
        author_id: row.author_id,
        visibility: row.visibility,
        published: row.status == ProposalStatus::Published,
        title: row.title.clone(),
        text: format!("{}\n\n{}", row.title, row.body),
        locked: row.locked_at.is_some(),
    }
}

pub(crate) fn item_of_comment(row: &comment::Model, parent: &proposal::Model) -> ContentItem {
    ContentItem {
        target: Target {
            kind: TargetKind::Comment,
            id: row.id,
        },
        procedure_id: parent.procedure_id,
        proposal_id: parent.id,
        author_id: row.author_id,
        visibility: row.visibility,
        published: row.status == CommentStatus::Published,
        title: parent.title.clone(),
        text: row.body.clone(),
        locked: parent.locked_at.is_some(),
    }
}

pub(crate) async fn load(
    db: &impl ConnectionTrait,
    target: Target,
) -> Result<ContentItem, AppError> {
    if target.kind != TargetKind::Comment {
        let row = find_proposal(db, target.id).await?;
        return Ok(item_of_proposal(&row));
    }
    let row = comment::Entity::find_by_id(target.id)
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    let parent = find_proposal(db, row.proposal_id).await?;
    Ok(item_of_comment(&row, &parent))
}

/// A comment that leaves "pending" takes its place in the thread and is counted.
pub(crate) async fn set_visibility(
    db: &impl ConnectionTrait,
    item: &ContentItem,
    visibility: Visibility,
    reason: Option<(Option<ModerationReason>, String)>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (code, note) = match reason {
        Some((code, note)) => (
            code.map(|c| c.as_str().to_owned()),
            Some(note).filter(|n| !n.is_empty()),
        ),
        None => (None, None),
    };
    if item.target.kind != TargetKind::Comment {
        proposal::Entity::update_many()
            .col_expr(proposal::Column::Visibility, Expr::value(visibility))
            .col_expr(proposal::Column::HiddenReason, Expr::value(code))
            .col_expr(proposal::Column::HiddenNote, Expr::value(note))
            .col_expr(proposal::Column::ModeratedAt, Expr::value(now))
            .filter(proposal::Column::Id.eq(item.target.id))
            .exec(db)
            .await
            .map_err(storage_error)?;
        return Ok(());
    }
    comment::Entity::update_many()
        .col_expr(comment::Column::Visibility, Expr::value(visibility))
        .col_expr(comment::Column::HiddenReason, Expr::value(code))
        .col_expr(comment::Column::HiddenNote, Expr::value(note))
        .col_expr(comment::Column::ModeratedAt, Expr::value(now))
        .filter(comment::Column::Id.eq(item.target.id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    if item.visibility == Visibility::Pending && visibility != Visibility::Pending && item.published
    {
        proposal::Entity::update_many()
            .col_expr(
                proposal::Column::CommentCount,
                Expr::col(proposal::Column::CommentCount).add(1),
            )
            .filter(proposal::Column::Id.eq(item.proposal_id))
            .exec(db)
            .await
            .map_err(storage_error)?;
    }
    Ok(())
}

/// A proposal's discussion closes or reopens (a change, or `invalid(action, unchanged)`); a
/// comment has none of its own.
pub(crate) async fn set_locked(
    db: &impl ConnectionTrait,
    item: &ContentItem,
    locked: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if item.target.kind != TargetKind::Proposal {
        return Err(AppError::invalid("action", "proposals_only"));
    }
    if locked == item.locked {
        return Err(AppError::invalid("action", "unchanged"));
    }
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::LockedAt,
            Expr::value(locked.then_some(now)),
        )
        .filter(proposal::Column::Id.eq(item.proposal_id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    Ok(())
}

pub(crate) async fn redact(
    db: &impl ConnectionTrait,
    item: &ContentItem,
    title: Option<String>,
    text: String,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if item.target.kind == TargetKind::Comment {
        let body = validated_comment(&text).map_err(|_| AppError::invalid("text", "length"))?;
        comment::Entity::update_many()
            .col_expr(comment::Column::Body, Expr::value(body))
            .col_expr(comment::Column::RedactedAt, Expr::value(now))
            .filter(comment::Column::Id.eq(item.target.id))
            .exec(db)
            .await
            .map_err(storage_error)?;
        return Ok(());
    }
    let row = find_proposal(db, item.target.id).await?;
    // The category stays as it is, whatever the procedure's list says now.
    let categories: Vec<String> = row.category.iter().cloned().collect();
    let input = ProposalInput {
        title: title.unwrap_or(row.title),
        body: text,
        category: row.category,
        location: row.location,
    }
    .validated(&categories)?;
    proposal::Entity::update_many()
        .col_expr(proposal::Column::Title, Expr::value(input.title))
        .col_expr(proposal::Column::Body, Expr::value(input.body))
        .col_expr(proposal::Column::RedactedAt, Expr::value(now))
        .filter(proposal::Column::Id.eq(item.target.id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    Ok(())
}

/// A pending item was approved: followers hear of a comment now, as they would have at once.
/// (A proposal is announced by nothing but the list it appears in.)
pub(crate) async fn published(
    db: &impl ConnectionTrait,
    site: &SiteSettings,
    item: &ContentItem,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if item.target.kind != TargetKind::Comment {
        return Ok(());
    }
    let row = comment::Entity::find_by_id(item.target.id)
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    let parent_author_id = match row.parent_id {
        Some(parent_id) => comment::Entity::find_by_id(parent_id)
            .one(db)
            .await
            .map_err(storage_error)?
            .map(|p| p.author_id),
        None => None,
    };
    let target = find_proposal(db, item.proposal_id).await?;
    crate::backend::service::follow::notify(
        db,
        site,
        &target,
        crate::backend::service::follow::Event::Comment {
            comment_id: row.id,
            author_id: row.author_id,
            parent_author_id,
            body: &row.body,
        },
        row.author_id,
        now,
    )
    .await
}
