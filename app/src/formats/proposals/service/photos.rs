//! Photos on proposals: their author adds (up to [`MAX_PHOTOS`]) and removes them, new
//! ones are looked at as text is (see `review`), a moderator hides them by redacting the
//! proposal (with the public reason in the ledger), and they leave with their author's
//! account. Each photo is three files (list, page and print size), re-encoded on the
//! server (see `media::photo`); a listing's card shows the first shown one (`covers`).

use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{Sight, find_proposal, lock_user, sight, write_gate};
use crate::backend::db::storage_error;
use crate::backend::entity::{procedure, proposal, proposal_photo};
use crate::backend::service::media::photo::{self, render_photo, store_encoded};
use crate::backend::service::media::{MEDIA_PREFIX, check_alt, remove_if_unused};
use crate::backend::service::moderation;
use crate::error::AppError;
use crate::formats::proposals::model::ProposalStatus;
use crate::formats::proposals::photos::{MAX_PHOTOS, PhotoDesk, PhotoShelf, ProposalPhoto};
use crate::model::moderation::{ModerationMode, Visibility};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;
use std::path::Path;

/// A photo row as pages and the API show it.
pub(crate) fn view_of(row: &proposal_photo::Model) -> ProposalPhoto {
    let url = |file: &str| format!("{MEDIA_PREFIX}{file}");
    let (width, height) = (row.width.unsigned_abs(), row.height.unsigned_abs());
    let (list_width, list_height) = photo::fitted_size(width, height, photo::LIST_SIDE);
    ProposalPhoto {
        id: row.id,
        alt: row.alt.clone(),
        width,
        height,
        list_url: url(&row.list_file),
        list_width,
        list_height,
        page_url: url(&row.page_file),
        print_url: url(&row.print_file),
        hidden: row.hidden_at.is_some(),
    }
}

/// Whether the author may add photos to the proposal as it stands.
fn open_for_photos(row: &proposal::Model) -> bool {
    row.status == ProposalStatus::Published
        && matches!(row.visibility, Visibility::Visible | Visibility::Pending)
}

/// A proposal's photos, oldest first (never more than [`MAX_PHOTOS`]); hidden ones only
/// when `with_hidden`.
pub async fn of_proposal(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    with_hidden: bool,
) -> Result<Vec<ProposalPhoto>, AppError> {
    let mut query =
        proposal_photo::Entity::find().filter(proposal_photo::Column::ProposalId.eq(proposal_id));
    if !with_hidden {
        query = query.filter(proposal_photo::Column::HiddenAt.is_null());
    }
    let rows = query
        .order_by_asc(proposal_photo::Column::Id)
        .limit(MAX_PHOTOS as u64)
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows.iter().map(view_of).collect())
}

/// The first shown photo of each of these proposals (a listing's page of them), from one
/// query of at most [`MAX_PHOTOS`] rows per proposal.
pub async fn covers(
    db: &impl ConnectionTrait,
    proposal_ids: &[i64],
) -> Result<HashMap<i64, ProposalPhoto>, AppError> {
    if proposal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = proposal_photo::Entity::find()
        .filter(proposal_photo::Column::ProposalId.is_in(proposal_ids.iter().copied()))
        .filter(proposal_photo::Column::HiddenAt.is_null())
        .order_by_asc(proposal_photo::Column::Id)
        .limit((proposal_ids.len() * MAX_PHOTOS) as u64)
        .all(db)
        .await
        .map_err(storage_error)?;
    let mut covers = HashMap::new();
    for row in &rows {
        covers
            .entry(row.proposal_id)
            .or_insert_with(|| view_of(row));
    }
    Ok(covers)
}

/// The photos a proposal's page shows its viewer: the author and moderators also see the
/// hidden ones (marked), everyone else only the shown ones.
pub async fn shelf(
    db: &impl ConnectionTrait,
    row: &proposal::Model,
    viewer: Option<&CurrentUser>,
) -> Result<PhotoShelf, AppError> {
    let own = viewer.is_some_and(|v| v.id == row.author_id);
    let moderator = viewer.is_some_and(|v| v.can(Permission::Moderate));
    let photos = of_proposal(db, row.id, own || moderator).await?;
    let can_add = own
        && open_for_photos(row)
        && viewer.is_some_and(|v| v.can(Permission::Contribute))
        && photos.len() < MAX_PHOTOS;
    Ok(PhotoShelf {
        photos,
        own,
        can_add,
        moderate: moderator,
    })
}

/// A proposal's photos as the API lists them to the viewer: not those of a proposal the
/// viewer may not see (404), hidden ones only to the author and moderators.
pub async fn listed(
    db: &impl ConnectionTrait,
    viewer: Option<&CurrentUser>,
    proposal_id: i64,
) -> Result<Vec<ProposalPhoto>, AppError> {
    let row = find_proposal(db, proposal_id).await?;
    if sight(row.visibility, row.author_id, viewer)? == Sight::Concealed {
        return Err(AppError::NotFound);
    }
    Ok(shelf(db, &row, viewer).await?.photos)
}

/// The photos page of a proposal: for its author (to add and remove) and for moderators
/// (to hide); anyone else is refused.
pub async fn desk(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    proposal_id: i64,
) -> Result<PhotoDesk, AppError> {
    let row = find_proposal(db, proposal_id).await?;
    if row.author_id != user.id && !user.can(Permission::Moderate) {
        return Err(AppError::Forbidden);
    }
    let shelf = shelf(db, &row, Some(user)).await?;
    Ok(PhotoDesk {
        proposal_id: row.id,
        title: row.title,
        shelf,
    })
}

/// Adds a photo to the author's own proposal: the upload is rendered in its three sizes
/// before anything is written, then the rows are counted again in the transaction that
/// adds the new one, so two uploads at once cannot pass the limit.
pub async fn add<C>(
    db: &C,
    user: &CurrentUser,
    data_dir: &Path,
    proposal_id: i64,
    bytes: Vec<u8>,
    alt: &str,
    now: DateTime<Utc>,
) -> Result<ProposalPhoto, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    let alt = check_alt(alt)?;
    let row = find_proposal(db, proposal_id).await?;
    check_may_add(db, user, &row).await?;
    let rendered = render_photo(bytes).await?;
    let list = store_encoded(data_dir, &rendered.list).await?;
    let page = store_encoded(data_dir, &rendered.page).await?;
    let print = store_encoded(data_dir, &rendered.print).await?;
    let files = [list, page, print];
    let saved = insert_photo(db, user, proposal_id, alt, &rendered, &files, now).await;
    if saved.is_err() {
        // Refused in the transaction (a concurrent upload took the last place, the
        // proposal closed meanwhile): the files written for it are nobody's.
        remove_files(db, data_dir, &files).await;
    }
    Ok(view_of(&saved?))
}

/// The photo's row, written once the proposal is checked again in the transaction.
async fn insert_photo<C>(
    db: &C,
    user: &CurrentUser,
    proposal_id: i64,
    alt: String,
    rendered: &photo::Rendered,
    [list, page, print]: &[String; 3],
    now: DateTime<Utc>,
) -> Result<proposal_photo::Model, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let side = |n: u32| i32::try_from(n).map_err(|_| AppError::invalid("image", "dimensions"));
    let _gate = write_gate(db).await;
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let row = find_proposal(&txn, proposal_id).await?;
    check_may_add(&txn, user, &row).await?;
    let saved = proposal_photo::ActiveModel {
        proposal_id: Set(row.id),
        author_id: Set(user.id),
        alt: Set(alt),
        width: Set(side(rendered.page.width)?),
        height: Set(side(rendered.page.height)?),
        list_file: Set(list.clone()),
        page_file: Set(page.clone()),
        print_file: Set(print.clone()),
        hidden_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(storage_error)?;
    review(&txn, user, &row, &saved.alt, Change::Added, now).await?;
    touch(&txn, row.id, now).await?;
    txn.commit().await.map_err(storage_error)?;
    Ok(saved)
}

/// The queue's note on a proposal whose new photo waits for a look.
pub const PHOTO_ADDED_RULE: &str = "photo added";

/// What changed on a proposal's photos.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    Added,
    TextChanged,
}

/// A resident's photo is looked at as their text is: its text alternative passes the
/// pre-screen (words, links), and where the procedure reviews contributions before they
/// are shown, a photo added to a proposal already shown puts the proposal into the queue.
/// No rule reads a picture; the moderator sees it on the proposal's page and hides it
/// there if need be. A photo of a proposal still pending is reviewed with the proposal.
async fn review(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    row: &proposal::Model,
    alt: &str,
    change: Change,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mode: ModerationMode = procedure::Entity::find_by_id(row.procedure_id)
        .select_only()
        .column(procedure::Column::Moderation)
        .into_tuple()
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    let intake = moderation::intake(db, user, mode, alt).await?;
    let unreviewed = change == Change::Added
        && intake.visibility == Visibility::Pending
        && row.visibility == Visibility::Visible;
    let intake = moderation::Intake {
        visibility: row.visibility,
        screen_rule: intake
            .screen_rule
            .or_else(|| unreviewed.then(|| PHOTO_ADDED_RULE.to_owned())),
    };
    let item = crate::formats::proposals::hooks::item_of_proposal(row);
    moderation::enqueue_intake(db, &item, &intake, now).await
}

/// The author's own, open proposal with room for one more photo.
async fn check_may_add(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    row: &proposal::Model,
) -> Result<(), AppError> {
    if row.author_id != user.id {
        return Err(AppError::Forbidden);
    }
    if !open_for_photos(row) {
        return Err(AppError::invalid("image", "closed"));
    }
    let count = proposal_photo::Entity::find()
        .filter(proposal_photo::Column::ProposalId.eq(row.id))
        .count(db)
        .await
        .map_err(storage_error)?;
    if count >= MAX_PHOTOS as u64 {
        return Err(AppError::invalid("image", "too_many"));
    }
    Ok(())
}

/// Changes a photo's text alternative (its author only).
pub async fn set_alt(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    photo_id: i64,
    alt: &str,
    now: DateTime<Utc>,
) -> Result<ProposalPhoto, AppError> {
    user.require(Permission::Contribute)?;
    let alt = check_alt(alt)?;
    let mut row = own_photo(db, user, photo_id).await?;
    let proposal = find_proposal(db, row.proposal_id).await?;
    review(db, user, &proposal, &alt, Change::TextChanged, now).await?;
    proposal_photo::Entity::update_many()
        .col_expr(proposal_photo::Column::Alt, Expr::value(alt.clone()))
        .filter(proposal_photo::Column::Id.eq(row.id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    touch(db, row.proposal_id, now).await?;
    row.alt = alt;
    Ok(view_of(&row))
}

/// Removes a photo (its author only, also a hidden one) and its files unless another row
/// uses them. Returns the proposal's number.
pub async fn remove(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    data_dir: &Path,
    photo_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let row = own_photo(db, user, photo_id).await?;
    proposal_photo::Entity::delete_by_id(row.id)
        .exec(db)
        .await
        .map_err(storage_error)?;
    touch(db, row.proposal_id, now).await?;
    remove_files(db, data_dir, &files_of(row.clone())).await;
    Ok(row.proposal_id)
}

/// The proposal a photo belongs to (for a refused form's way back).
pub async fn proposal_of(db: &impl ConnectionTrait, photo_id: i64) -> Result<i64, AppError> {
    proposal_photo::Entity::find_by_id(photo_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .map(|row| row.proposal_id)
        .ok_or(AppError::NotFound)
}

async fn own_photo(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    photo_id: i64,
) -> Result<proposal_photo::Model, AppError> {
    let row = proposal_photo::Entity::find_by_id(photo_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    if row.author_id != user.id {
        return Err(AppError::Forbidden);
    }
    Ok(row)
}

/// Hides these photos of a proposal (a moderator's redaction; the ledger row and the
/// author's mail come with the decision). A photo of another proposal, or one already
/// hidden, is refused and nothing changes.
pub(crate) async fn hide(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    photo_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if photo_ids.is_empty() {
        return Ok(());
    }
    let unknown = || AppError::invalid("hide_photos", "unknown");
    if photo_ids.len() > MAX_PHOTOS {
        return Err(unknown());
    }
    let hidden = proposal_photo::Entity::update_many()
        .col_expr(proposal_photo::Column::HiddenAt, Expr::value(now))
        .filter(proposal_photo::Column::ProposalId.eq(proposal_id))
        .filter(proposal_photo::Column::Id.is_in(photo_ids.iter().copied()))
        .filter(proposal_photo::Column::HiddenAt.is_null())
        .exec(db)
        .await
        .map_err(storage_error)?;
    let distinct: std::collections::HashSet<&i64> = photo_ids.iter().collect();
    if hidden.rows_affected != distinct.len() as u64 {
        // The caller's transaction is dropped: the hidden rows come back.
        return Err(unknown());
    }
    Ok(())
}

/// The photos a person added, for their data export (GDPR Art. 15 and 20): at most
/// `limit` rows, newest first.
pub async fn of_author(
    db: &impl ConnectionTrait,
    author_id: i64,
    limit: u64,
) -> Result<Vec<serde_json::Value>, AppError> {
    let rows = proposal_photo::Entity::find()
        .filter(proposal_photo::Column::AuthorId.eq(author_id))
        .order_by_desc(proposal_photo::Column::Id)
        .limit(limit)
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows
        .iter()
        .map(|row| {
            let photo = view_of(row);
            serde_json::json!({
                "proposal_id": row.proposal_id,
                "alt": photo.alt,
                "url": photo.print_url,
                "hidden_by_moderation": photo.hidden,
                "added_at": row.created_at.to_rfc3339(),
            })
        })
        .collect())
}

/// Deletes every photo of a person (their account is being deleted) in the caller's
/// transaction; returns the names of their files, which [`remove_files`] deletes once the
/// transaction committed.
pub(crate) async fn delete_of_author(
    db: &impl ConnectionTrait,
    author_id: i64,
) -> Result<Vec<String>, AppError> {
    let rows = proposal_photo::Entity::find()
        .filter(proposal_photo::Column::AuthorId.eq(author_id))
        .all(db)
        .await
        .map_err(storage_error)?;
    proposal_photo::Entity::delete_many()
        .filter(proposal_photo::Column::AuthorId.eq(author_id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    Ok(rows.into_iter().flat_map(files_of).collect())
}

fn files_of(row: proposal_photo::Model) -> [String; 3] {
    [row.list_file, row.page_file, row.print_file]
}

/// Deletes the files of removed photos that nothing refers to any more.
pub(crate) async fn remove_files(db: &impl ConnectionTrait, data_dir: &Path, files: &[String]) {
    for file in files {
        remove_if_unused(db, data_dir, file).await;
    }
}

/// A photo changes what the proposal's page and resource show.
async fn touch(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    proposal::Entity::update_many()
        .col_expr(proposal::Column::UpdatedAt, Expr::value(now))
        .filter(proposal::Column::Id.eq(proposal_id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    Ok(())
}
