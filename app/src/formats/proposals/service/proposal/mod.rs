//! Proposals: submission (online and on site), editing until the first reaction,
//! withdrawal, the public page, and the listing with sort, filters, search and keyset
//! pagination.

use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{
    Cursor, Sight, after, excerpt, find_proposal, lock_user, names_of, page_of, sight, write_gate,
};
use crate::backend::db::storage_error;
use crate::backend::entity::{comment, follow as follow_entity, proposal, vote};
use crate::backend::sanitize::markdown_to_html;
use crate::backend::service::procedure::{self, Context};
use crate::backend::service::{follow, moderation};
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::formats::proposals::model::{
    COMMENT_EDIT_MINUTES, CommentStatus, CommentView, Origin, ProposalCard, ProposalDetail,
    ProposalInput, ProposalListing, ProposalQuery, ProposalSort, ProposalStatus, Source, Tally,
    Viewer, VoteBudget, VoteRule, validated_event, validated_note,
};
use crate::model::idempotency::IdempotencyKey;
use crate::model::moderation::{ModerationActionKind, Target, TargetKind, Visibility};
use crate::model::procedure::Slug;
use crate::model::time::Timestamp;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Order};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set, TransactionSession,
    TransactionTrait,
};
use std::collections::{HashMap, HashSet};

pub mod clusters;
mod discussion;
pub mod geo;
mod listing;
mod merges;
mod page;
mod search;

pub use listing::list;
use listing::viewer_of;
pub use page::{Loaded, get, load};

/// Proposals per listing page.
pub const PAGE_SIZE: u64 = 20;

/// Submits a proposal. `onsite` names the event a planner enters it for; the author then
/// is the planner and the proposal shows where it came from.
pub async fn create<C>(
    db: &C,
    user: &CurrentUser,
    procedure_id: i64,
    input: ProposalInput,
    onsite: Option<String>,
    key: Option<&IdempotencyKey>,
    now: DateTime<Utc>,
) -> Result<i64, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    let event = onsite_event(user, onsite)?;
    let _gate = write_gate(db).await;
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let (context, _) = procedure::published_context(&txn, procedure_id, now).await?;
    if !context.allowed.propose {
        return Err(AppError::invalid("phase", "closed"));
    }
    let input = input.validated(&context.categories)?;
    // A form sent again (its response was lost) gets the proposal it already wrote. The
    // same key with another title or text is a new proposal from a page shown again (the
    // back button): it is written, without the key.
    let mut key = key;
    if let Some(sent) = key
        && let Some(existing) = proposal::Entity::find()
            .filter(proposal::Column::AuthorId.eq(user.id))
            .filter(proposal::Column::IdempotencyKey.eq(sent.as_str()))
            .one(&txn)
            .await
            .map_err(storage_error)?
    {
        if existing.title == input.title && existing.body == input.body {
            return Ok(existing.id);
        }
        key = None;
    }
    let id = insert(&txn, user, &context, input, event, key, now).await?;
    txn.commit().await.map_err(storage_error)?;
    Ok(id)
}

/// Writes a checked proposal in the caller's transaction: the moderation pre-screen, the
/// row, its queue entry, and the author following it. The caller holds the write gate and
/// has checked the phase and validated `input`.
pub(crate) async fn insert(
    txn: &impl ConnectionTrait,
    user: &CurrentUser,
    context: &Context,
    input: ProposalInput,
    event: Option<String>,
    key: Option<&IdempotencyKey>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let intake = moderation::intake(
        txn,
        user,
        context.moderation,
        &format!("{}\n{}", input.title, input.body),
    )
    .await?;
    let (place, address) = located(txn, context.id, &input).await?;
    let inserted = proposal::ActiveModel {
        geometry: Set(place.geometry),
        place_precision: Set(place.precision),
        lon: Set(place.lon),
        lat: Set(place.lat),
        district_id: Set(place.district_id),
        procedure_id: Set(context.id),
        author_id: Set(user.id),
        title: Set(input.title),
        body: Set(input.body),
        category: Set(input.category),
        location: Set(input.location.or(address)),
        source: Set(source_column(&event)),
        event_name: Set(event),
        status: Set(ProposalStatus::Published),
        withdrawal_note: Set(None),
        support_count: Set(0),
        up_count: Set(0),
        down_count: Set(0),
        score: Set(0),
        comment_count: Set(0),
        engaged_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        visibility: Set(intake.visibility),
        idempotency_key: Set(key.map(|key| key.as_str().to_owned())),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(storage_error)?;
    moderation::enqueue_intake(
        txn,
        &crate::formats::proposals::hooks::item_of_proposal(&inserted),
        &intake,
        now,
    )
    .await?;
    // Authors follow their own proposal. A planner typing in a contribution from an
    // on-site event is not its author: they would be mailed about every comment on it.
    if inserted.event_name.is_none() {
        follow::insert(txn, user.id, inserted.id, now).await?;
    }
    Ok(inserted.id)
}

/// Where a checked proposal is: its geometry (or the address it was given, looked up in
/// the city's list) with the district it lies in, or only the district its author named;
/// within the procedure's area, if it has one. With it, the label of the address found:
/// the place in words when the author gave none.
async fn located(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    input: &ProposalInput,
) -> Result<(crate::backend::service::district::Located, Option<String>), AppError> {
    let area = procedure::area::of(db, procedure_id).await?;
    let geometry = input
        .geometry
        .as_deref()
        .map(crate::model::place::Geometry::parse)
        .transpose()
        .map_err(|problem| AppError::invalid("geometry", problem.code()))?;
    let (geometry, precision, label) = match (geometry, input.address.as_deref()) {
        (None, Some(address)) => {
            let (geometry, precision, label) =
                crate::backend::service::address::resolve(db, address).await?;
            (Some(geometry), Some(precision), Some(label))
        }
        (geometry, _) => (geometry, input.precision, None),
    };
    let located = crate::backend::service::district::locate(
        db,
        geometry.as_ref(),
        input.district.as_deref(),
        precision,
        area.as_ref(),
    )
    .await
    .map_err(|error| match (error, &label) {
        // The address was found, but lies outside the area: say so at the address.
        (AppError::InvalidInput { field, .. }, Some(_)) if field == "geometry" => {
            AppError::invalid("address", "outside_area")
        }
        (error, _) => error,
    })?;
    Ok((located, label))
}

/// The on-site event a contribution is entered for, checked: planners only. A blank
/// event (the form's empty field) means an online contribution.
pub(crate) fn onsite_event(
    user: &CurrentUser,
    event: Option<String>,
) -> Result<Option<String>, AppError> {
    match event.filter(|e| !e.trim().is_empty()) {
        Some(event) => {
            user.require(Permission::Plan)?;
            validated_event(&event).map(Some)
        }
        None => Ok(None),
    }
}

/// The `source` column of a contribution with or without an on-site event.
pub(crate) fn source_column(event: &Option<String>) -> Origin {
    if event.is_some() {
        Origin::Onsite
    } else {
        Origin::Online
    }
}

/// The author changes their proposal, as long as nobody has voted on or commented it.
pub async fn edit<C>(
    db: &C,
    user: &CurrentUser,
    proposal_id: i64,
    input: ProposalInput,
    now: DateTime<Utc>,
) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let row = find_proposal(&txn, proposal_id).await?;
    if row.author_id != user.id {
        return Err(AppError::Forbidden);
    }
    if row.status != ProposalStatus::Published {
        return Err(AppError::invalid("proposal", row.status.as_str()));
    }
    if row.engaged_at.is_some() {
        return Err(AppError::invalid("proposal", "locked"));
    }
    if matches!(row.visibility, Visibility::Held | Visibility::Hidden) {
        return Err(AppError::invalid("proposal", "hidden"));
    }
    let (context, _) = procedure::published_context(&txn, row.procedure_id, now).await?;
    let input = input.validated(&context.categories)?;
    // The changed text passes the pre-screen again (pending stays pending).
    let intake = moderation::intake(
        &txn,
        user,
        context.moderation,
        &format!("{}\n{}", input.title, input.body),
    )
    .await?;
    let intake = moderation::Intake {
        visibility: row.visibility,
        ..intake
    };
    moderation::enqueue_intake(
        &txn,
        &crate::formats::proposals::hooks::item_of_proposal(&row),
        &intake,
        now,
    )
    .await?;
    let (place, address) = located(&txn, row.procedure_id, &input).await?;
    // The condition repeats the check: a vote that arrived meanwhile wins.
    let updated = proposal::Entity::update_many()
        .col_expr(proposal::Column::Geometry, Expr::value(place.geometry))
        .col_expr(
            proposal::Column::PlacePrecision,
            Expr::value(place.precision.map(|p| p.as_str().to_owned())),
        )
        .col_expr(proposal::Column::Lon, Expr::value(place.lon))
        .col_expr(proposal::Column::Lat, Expr::value(place.lat))
        .col_expr(proposal::Column::DistrictId, Expr::value(place.district_id))
        .col_expr(proposal::Column::Title, Expr::value(input.title))
        .col_expr(proposal::Column::Body, Expr::value(input.body))
        .col_expr(proposal::Column::Category, Expr::value(input.category))
        .col_expr(
            proposal::Column::Location,
            Expr::value(input.location.or(address)),
        )
        .col_expr(proposal::Column::UpdatedAt, Expr::value(now))
        .filter(proposal::Column::Id.eq(proposal_id))
        .filter(proposal::Column::EngagedAt.is_null())
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    if updated.rows_affected == 0 {
        return Err(AppError::invalid("proposal", "locked"));
    }
    txn.commit().await.map_err(storage_error)
}

/// The author withdraws their proposal with a note everyone sees; followers are told.
pub async fn withdraw<C>(
    db: &C,
    site: &SiteSettings,
    user: &CurrentUser,
    proposal_id: i64,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    let note = validated_note(note, "note", 3, 1_000)?;
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let row = find_proposal(&txn, proposal_id).await?;
    if row.author_id != user.id {
        return Err(AppError::Forbidden);
    }
    if row.status != ProposalStatus::Published {
        return Err(AppError::invalid("proposal", row.status.as_str()));
    }
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::Status,
            Expr::value(ProposalStatus::Withdrawn),
        )
        .col_expr(
            proposal::Column::WithdrawalNote,
            Expr::value(note.to_owned()),
        )
        .col_expr(proposal::Column::UpdatedAt, Expr::value(now))
        .filter(proposal::Column::Id.eq(proposal_id))
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    follow::notify(
        &txn,
        site,
        &row,
        follow::Event::Withdrawn { note },
        user.id,
        now,
    )
    .await?;
    txn.commit().await.map_err(storage_error)
}

/// `COALESCE(engaged_at, now)`: the first reaction's time, set once.
pub(crate) fn engaged_since(now: DateTime<Utc>) -> Expr {
    Expr::expr(sea_orm::sea_query::Func::coalesce([
        Expr::col(proposal::Column::EngagedAt),
        Expr::value(now),
    ]))
}

fn card(
    row: proposal::Model,
    names: &HashMap<i64, String>,
    my_votes: &HashMap<i64, i8>,
    district_names: &HashMap<i64, String>,
) -> ProposalCard {
    let count = |n: i32| u32::try_from(n).unwrap_or(0);
    let status = status_of(&row);
    let source = Source::from_columns(row.source, row.event_name);
    // An on-site contribution has no author name: the planner who typed it in did not
    // write it (the exports name nobody either).
    let author = match source {
        Source::Online => names.get(&row.author_id).cloned(),
        Source::Onsite { .. } => None,
    };
    ProposalCard {
        id: row.id,
        excerpt: excerpt(&row.body, 180),
        category: row.category,
        district: row
            .district_id
            .and_then(|id| district_names.get(&id).cloned()),
        author,
        source,
        status,
        tally: Tally {
            support: count(row.support_count),
            up: count(row.up_count),
            down: count(row.down_count),
            score: row.score,
        },
        comment_count: count(row.comment_count),
        created_at: Timestamp(row.created_at.timestamp()),
        my_vote: my_votes.get(&row.id).copied(),
        title: row.title,
        photo: None,
    }
}

fn status_of(row: &proposal::Model) -> ProposalStatus {
    row.status
}

/// The viewer's votes among the given proposals.
async fn my_votes(
    db: &impl ConnectionTrait,
    viewer_id: Option<i64>,
    proposal_ids: &[i64],
) -> Result<HashMap<i64, i8>, AppError> {
    let Some(user_id) = viewer_id else {
        return Ok(HashMap::new());
    };
    if proposal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = vote::Entity::find()
        .filter(vote::Column::UserId.eq(user_id))
        .filter(vote::Column::ProposalId.is_in(proposal_ids.iter().copied()))
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .map(|v| (v.proposal_id, i8::try_from(v.value).unwrap_or(0)))
        .collect())
}

/// "3 of 5 supports used", when the procedure caps supports and someone is signed in.
pub(crate) async fn budget(
    db: &impl ConnectionTrait,
    viewer_id: Option<i64>,
    context: &Context,
) -> Result<Option<VoteBudget>, AppError> {
    let (Some(user_id), Some(cap)) = (viewer_id, context.rule.cap()) else {
        return Ok(None);
    };
    let used = vote::Entity::find()
        .filter(vote::Column::UserId.eq(user_id))
        .filter(vote::Column::ProcedureId.eq(context.id))
        .count(db)
        .await
        .map_err(storage_error)?;
    Ok(Some(VoteBudget {
        used: u32::try_from(used).unwrap_or(u32::MAX),
        cap,
    }))
}
