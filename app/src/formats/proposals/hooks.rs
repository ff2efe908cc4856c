//! What moderation needs of proposals and comments (see `formats::content`): loading one as
//! a `ContentItem`, changing who sees it, closing its discussion, redacting its text,
//! telling followers of a comment approved late, and merging a duplicate into another. Only storage, shared helpers and the
//! features below moderation (follow) here, so that the format's services can use
//! moderation.

use super::model::{CommentStatus, ProposalInput, ProposalStatus, validated_comment};
use crate::backend::common::{find_proposal, statement};
use crate::backend::db::storage_error;
use crate::backend::entity::{comment, council_decision, proposal};
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::formats::item::ContentItem;
use crate::model::moderation::{ModerationReason, Target, TargetKind, Visibility};
use crate::model::place::{Geometry, Precision};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

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
    text: Option<String>,
    precision: Option<Precision>,
    hide_photos: &[i64],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if item.target.kind == TargetKind::Comment {
        if precision.is_some() {
            return Err(AppError::invalid("precision", "not_placed"));
        }
        if !hide_photos.is_empty() {
            return Err(AppError::invalid("hide_photos", "unknown"));
        }
        let text = text.ok_or(AppError::invalid("text", "missing"))?;
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
    super::service::photos::hide(db, row.id, hide_photos, now).await?;
    let mut update =
        proposal::Entity::update_many().col_expr(proposal::Column::RedactedAt, Expr::value(now));
    if let Some(precision) = precision {
        let coarse = coarsened(&row, precision)?;
        let anchor = coarse.as_ref().map(Geometry::anchor);
        let (geometry, lon, lat) = (
            coarse.as_ref().map(Geometry::to_text),
            anchor.map(|a| a.lon),
            anchor.map(|a| a.lat),
        );
        update = update
            .col_expr(proposal::Column::Geometry, Expr::value(geometry))
            .col_expr(proposal::Column::Lon, Expr::value(lon))
            .col_expr(proposal::Column::Lat, Expr::value(lat))
            .col_expr(
                proposal::Column::PlacePrecision,
                Expr::value(precision.as_str().to_owned()),
            );
    }
    if let Some(text) = text {
        // The category stays as it is, whatever the procedure's list says now.
        let categories: Vec<String> = row.category.iter().cloned().collect();
        let input = ProposalInput {
            title: title.unwrap_or(row.title),
            body: text,
            category: row.category,
            location: row.location,
            ..ProposalInput::default()
        }
        .validated(&categories)?;
        update = update
            .col_expr(proposal::Column::Title, Expr::value(input.title))
            .col_expr(proposal::Column::Body, Expr::value(input.body));
    }
    update
        .filter(proposal::Column::Id.eq(item.target.id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    Ok(())
}

/// A proposal's place published less precisely. Street: every position rounded to about
/// 100 m; district: no geometry (`None`), the district stays. Only ever coarser than what
/// is published.
fn coarsened(row: &proposal::Model, precision: Precision) -> Result<Option<Geometry>, AppError> {
    let rank = |p: Precision| match p {
        Precision::Exact => 0,
        Precision::Street => 1,
        Precision::District => 2,
    };
    let current = row
        .place_precision
        .ok_or(AppError::invalid("precision", "not_placed"))?;
    if rank(precision) <= rank(current) {
        return Err(AppError::invalid("precision", "not_coarser"));
    }
    let geometry = row.geometry.as_deref().map(Geometry::parse);
    match (precision, geometry) {
        (Precision::Street, Some(Ok(geometry))) => Ok(Some(geometry.coarsened())),
        (Precision::District, _) => Ok(None),
        _ => Err(AppError::invalid("precision", "not_placed")),
    }
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

/// The proposal a duplicate was merged into, for the author's mail.
pub(crate) struct MergedInto {
    pub id: i64,
    pub title: String,
}

/// Merges a duplicate proposal into another of the same procedure. The duplicate keeps its
/// number and its discussion, takes nothing new and points to the other. Each of its votes
/// moves there, unless that person voted on the other already (then it goes: nobody counts
/// twice, and the vote they spent is theirs again); its followers are told and follow the
/// other from now on. Both rows are locked first, so a vote arriving meanwhile waits and
/// then finds the duplicate closed.
pub(crate) async fn merge(
    db: &impl ConnectionTrait,
    site: &SiteSettings,
    item: &ContentItem,
    into_id: i64,
    note: &str,
    actor_id: i64,
    now: DateTime<Utc>,
) -> Result<MergedInto, AppError> {
    if item.target.kind != TargetKind::Proposal {
        return Err(AppError::invalid("action", "proposals_only"));
    }
    if into_id == item.target.id {
        return Err(AppError::invalid("merge_into", "same"));
    }
    proposal::Entity::update_many()
        .col_expr(proposal::Column::UpdatedAt, Expr::value(now))
        .filter(proposal::Column::Id.is_in([item.target.id, into_id]))
        .exec(db)
        .await
        .map_err(storage_error)?;
    let row = find_proposal(db, item.target.id).await?;
    match row.status {
        ProposalStatus::Published => {}
        ProposalStatus::Merged => return Err(AppError::invalid("action", "already_merged")),
        ProposalStatus::Withdrawn => return Err(AppError::invalid("action", "withdrawn")),
    }
    if row.visibility != Visibility::Visible {
        return Err(AppError::invalid("action", "not_visible"));
    }
    let into = match find_proposal(db, into_id).await {
        Err(AppError::NotFound) => return Err(AppError::invalid("merge_into", "not_found")),
        other => other?,
    };
    if into.procedure_id != row.procedure_id {
        return Err(AppError::invalid("merge_into", "other_procedure"));
    }
    if into.status != ProposalStatus::Published || into.visibility != Visibility::Visible {
        return Err(AppError::invalid("merge_into", "not_open"));
    }
    // What the council decided about a proposal stays with its number.
    let decided = council_decision::Entity::find()
        .filter(council_decision::Column::ProposalId.eq(row.id))
        .count(db)
        .await
        .map_err(storage_error)?;
    if decided > 0 {
        return Err(AppError::invalid("action", "decided"));
    }
    let (from, to) = (row.id, into.id);
    run(
        db,
        "INSERT INTO votes (user_id, proposal_id, procedure_id, value, created_at, updated_at) \
         SELECT v.user_id, $2, v.procedure_id, v.value, v.created_at, $3 FROM votes v \
         WHERE v.proposal_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM votes w WHERE w.proposal_id = $2 AND w.user_id = v.user_id)",
        vec![from.into(), to.into(), now.into()],
    )
    .await?;
    run(
        db,
        "DELETE FROM votes WHERE proposal_id = $1",
        vec![from.into()],
    )
    .await?;
    // The kept proposal's counters, counted afresh from its votes under the lock.
    run(
        db,
        "UPDATE proposals SET \
         up_count = (SELECT COUNT(*) FROM votes WHERE proposal_id = $1 AND value = 1), \
         support_count = (SELECT COUNT(*) FROM votes WHERE proposal_id = $1 AND value = 1), \
         down_count = (SELECT COUNT(*) FROM votes WHERE proposal_id = $1 AND value = -1), \
         score = (SELECT COALESCE(SUM(value), 0) FROM votes WHERE proposal_id = $1), \
         engaged_at = COALESCE(engaged_at, $2) \
         WHERE id = $1",
        vec![to.into(), now.into()],
    )
    .await?;
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::Status,
            Expr::value(ProposalStatus::Merged),
        )
        .col_expr(proposal::Column::MergedIntoId, Expr::value(into.id))
        .col_expr(proposal::Column::MergedAt, Expr::value(now))
        .col_expr(proposal::Column::SupportCount, Expr::value(0))
        .col_expr(proposal::Column::UpCount, Expr::value(0))
        .col_expr(proposal::Column::DownCount, Expr::value(0))
        .col_expr(proposal::Column::Score, Expr::value(0))
        .filter(proposal::Column::Id.eq(row.id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    crate::backend::service::follow::notify(
        db,
        site,
        &row,
        crate::backend::service::follow::Event::Merged {
            into_id: into.id,
            into_title: &into.title,
            note,
        },
        actor_id,
        now,
    )
    .await?;
    run(
        db,
        "INSERT INTO follows (user_id, proposal_id, created_at) \
         SELECT user_id, $2, $3 FROM follows WHERE proposal_id = $1 \
         ON CONFLICT (user_id, proposal_id) DO NOTHING",
        vec![from.into(), to.into(), now.into()],
    )
    .await?;
    Ok(MergedInto {
        id: into.id,
        title: into.title,
    })
}

/// One statement with its values.
async fn run(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> Result<(), AppError> {
    db.execute_raw(statement(db, sql, values))
        .await
        .map_err(storage_error)?;
    Ok(())
}

/// A person's photos go with their account (in the caller's transaction); the names of
/// their files come back, to be deleted once it committed.
pub(crate) async fn erase_personal(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<String>, AppError> {
    super::service::photos::delete_of_author(db, user_id).await
}

/// What the format holds of a person beyond their contributions' text: their photos.
pub(crate) async fn personal_data(
    db: &impl ConnectionTrait,
    user_id: i64,
    limit: u64,
) -> Result<Vec<(&'static str, serde_json::Value)>, AppError> {
    let photos = super::service::photos::of_author(db, user_id, limit).await?;
    Ok(vec![("proposal_photos", serde_json::Value::Array(photos))])
}
