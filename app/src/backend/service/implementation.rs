//! What became of an idea after the vote (see `model::implementation`): the entries
//! planners record, read newest first, for a proposal the council adopted (here) and for a
//! budget's funded project (the budget's service, through [`Subject`]). Each entry tells
//! the followers of the proposal, in the transaction that records it. An entry may carry a
//! photo (cleaned and stored as `media` stores a procedure's image).

use super::follow::{self, Event};
use super::media::{self, MEDIA_PREFIX};
use super::procedure;
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{Sight, find_proposal, sight, timestamp};
use crate::backend::db::{begin_write, storage_error};
use crate::backend::entity::{council_decision, implementation_update, proposal};
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::model::implementation::{
    ENTRIES_SHOWN, Implementation, ImplementationEntry, ImplementationInput, ImplementationStatus,
    ProposalImplementationDesk,
};
use crate::model::moderation::Visibility;
use crate::model::procedure::ProcedureImage;
use crate::model::time::{LocalDate, Timestamp};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionSession, TransactionTrait,
};
use std::path::Path;

/// What an implementation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Proposal(i64),
    /// A budget's project.
    Project(i64),
}

/// An entry as checked: the status, the note, the day.
pub type Checked = (ImplementationStatus, String, LocalDate);

/// Checks a planner's entry against today (in Berlin).
pub fn check(input: &ImplementationInput, now: DateTime<Utc>) -> Result<Checked, AppError> {
    input.validated(Timestamp(now.timestamp()).local_date())
}

fn entry(row: implementation_update::Model) -> ImplementationEntry {
    ImplementationEntry {
        id: row.id,
        photo: photo_of(&row),
        status: row.status,
        note: row.note,
        happened_on: row.happened_on.format("%Y-%m-%d").to_string(),
        recorded_at: timestamp(row.recorded_at),
    }
}

fn photo_of(row: &implementation_update::Model) -> Option<ProcedureImage> {
    let file = row.photo_file.as_ref()?;
    Some(ProcedureImage {
        url: format!("{MEDIA_PREFIX}{file}"),
        alt: row.photo_alt.clone(),
        width: u32::try_from(row.photo_width.unwrap_or(0)).unwrap_or(0),
        height: u32::try_from(row.photo_height.unwrap_or(0)).unwrap_or(0),
    })
}

/// The entry `entry_id` and what it belongs to.
pub async fn entry_subject(
    db: &impl ConnectionTrait,
    entry_id: i64,
) -> Result<(implementation_update::Model, Subject), AppError> {
    let row = implementation_update::Entity::find_by_id(entry_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    let subject = match (row.proposal_id, row.project_id) {
        (Some(id), _) => Subject::Proposal(id),
        (None, Some(id)) => Subject::Project(id),
        (None, None) => return Err(AppError::Internal),
    };
    Ok((row, subject))
}

/// Sets (or replaces) the photo of an entry, cleaned of its metadata (location included),
/// with its text alternative; or, without new bytes, changes only the text alternative of
/// the photo it has. Planners only. A replaced file is removed once nothing uses it.
/// Returns what the entry belongs to, with the photo.
pub async fn set_photo(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    data_dir: &Path,
    entry_id: i64,
    bytes: Option<&[u8]>,
    alt: &str,
) -> Result<(Subject, ProcedureImage), AppError> {
    user.require(Permission::Plan)?;
    let alt = media::check_alt(alt)?;
    let (mut row, subject) = entry_subject(db, entry_id).await?;
    let previous = row.photo_file.clone();
    let update = implementation_update::Entity::update_many()
        .col_expr(
            implementation_update::Column::PhotoAlt,
            Expr::value(alt.clone()),
        )
        .filter(implementation_update::Column::Id.eq(row.id));
    let update = match bytes {
        Some(bytes) => {
            let media::Stored {
                name,
                width,
                height,
            } = media::store(data_dir, bytes).await?;
            row.photo_file = Some(name.clone());
            row.photo_width = Some(width);
            row.photo_height = Some(height);
            update
                .col_expr(implementation_update::Column::PhotoFile, Expr::value(name))
                .col_expr(
                    implementation_update::Column::PhotoWidth,
                    Expr::value(width),
                )
                .col_expr(
                    implementation_update::Column::PhotoHeight,
                    Expr::value(height),
                )
        }
        None if previous.is_none() => return Err(AppError::invalid("image", "missing")),
        None => update,
    };
    update.exec(db).await.map_err(storage_error)?;
    if let Some(previous) = previous.filter(|p| Some(p) != row.photo_file.as_ref()) {
        media::remove_if_unused(db, data_dir, &previous).await;
    }
    row.photo_alt = alt;
    Ok((subject, photo_of(&row).ok_or(AppError::Internal)?))
}

/// Removes an entry's photo (the file too, unless something else uses it). Planners only.
/// Returns what the entry belongs to.
pub async fn remove_photo(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    data_dir: &Path,
    entry_id: i64,
) -> Result<Subject, AppError> {
    user.require(Permission::Plan)?;
    let (row, subject) = entry_subject(db, entry_id).await?;
    let Some(previous) = row.photo_file else {
        return Ok(subject);
    };
    implementation_update::Entity::update_many()
        .col_expr(
            implementation_update::Column::PhotoFile,
            Expr::value(None::<String>),
        )
        .col_expr(
            implementation_update::Column::PhotoAlt,
            Expr::value(String::new()),
        )
        .col_expr(
            implementation_update::Column::PhotoWidth,
            Expr::value(None::<i32>),
        )
        .col_expr(
            implementation_update::Column::PhotoHeight,
            Expr::value(None::<i32>),
        )
        .filter(implementation_update::Column::Id.eq(row.id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    media::remove_if_unused(db, data_dir, &previous).await;
    Ok(subject)
}

/// The entries of a subject, newest first (by the day, then as recorded).
pub(crate) async fn implementation_of(
    db: &impl ConnectionTrait,
    subject: Subject,
    may_record: bool,
) -> Result<Implementation, AppError> {
    let select = implementation_update::Entity::find();
    let select = match subject {
        Subject::Proposal(id) => select.filter(implementation_update::Column::ProposalId.eq(id)),
        Subject::Project(id) => select.filter(implementation_update::Column::ProjectId.eq(id)),
    };
    let entries: Vec<ImplementationEntry> = select
        .order_by_desc(implementation_update::Column::HappenedOn)
        .order_by_desc(implementation_update::Column::Id)
        .limit(ENTRIES_SHOWN)
        .all(db)
        .await
        .map_err(storage_error)?
        .into_iter()
        .map(entry)
        .collect();
    Ok(Implementation {
        status: entries.first().map(|e| e.status),
        entries,
        may_record,
    })
}

/// Where an entry goes: the item, its procedure, and the proposal whose followers are told
/// (the proposal itself, or the one a project came from).
pub(crate) struct Recording<'a> {
    pub procedure_id: i64,
    pub subject: Subject,
    pub told: Option<&'a proposal::Model>,
}

/// Writes an entry in `txn` and tells the followers of `told`.
pub(crate) async fn insert(
    txn: &impl ConnectionTrait,
    site: &SiteSettings,
    user: &CurrentUser,
    Recording {
        procedure_id,
        subject,
        told,
    }: Recording<'_>,
    (status, note, day): Checked,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let happened_on =
        NaiveDate::from_ymd_opt(i32::try_from(day.year).unwrap_or(0), day.month, day.day)
            .ok_or_else(|| AppError::invalid("happened_on", "not_a_date"))?;
    let (proposal_id, project_id) = match subject {
        Subject::Proposal(id) => (Some(id), None),
        Subject::Project(id) => (None, Some(id)),
    };
    implementation_update::ActiveModel {
        procedure_id: Set(procedure_id),
        proposal_id: Set(proposal_id),
        project_id: Set(project_id),
        status: Set(status),
        note: Set(note.clone()),
        happened_on: Set(happened_on),
        recorded_by: Set(Some(user.id)),
        recorded_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(storage_error)?;
    if let Some(target) = told {
        follow::notify(
            txn,
            site,
            target,
            Event::Implementation {
                status,
                note: &note,
            },
            user.id,
            now,
        )
        .await?;
    }
    Ok(())
}

/// The council adopted the proposal (wholly or in part).
async fn adopted(db: &impl ConnectionTrait, proposal_id: i64) -> Result<bool, AppError> {
    Ok(council_decision::Entity::find_by_id(proposal_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .is_some_and(|row| row.outcome.adopted()))
}

/// A proposal's implementation, where the viewer may read the proposal (of a concealed
/// one, nothing).
pub async fn of_proposal(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<Implementation, AppError> {
    let target = find_proposal(db, proposal_id).await?;
    procedure::context_by_id_for(db, target.procedure_id, viewer, now).await?;
    if sight(target.visibility, target.author_id, viewer)? == Sight::Concealed {
        return Ok(Implementation::default());
    }
    let may_record = viewer.is_some_and(|v| v.can(Permission::Plan))
        && target.visibility == Visibility::Visible
        && adopted(db, proposal_id).await?;
    implementation_of(db, Subject::Proposal(proposal_id), may_record).await
}

/// A planner's page of a proposal's implementation: only for a shown proposal the council
/// adopted (anything else has no implementation to record).
pub async fn proposal_desk(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    proposal_id: i64,
    now: DateTime<Utc>,
) -> Result<ProposalImplementationDesk, AppError> {
    user.require(Permission::Plan)?;
    let target = find_proposal(db, proposal_id).await?;
    if target.visibility != Visibility::Visible {
        return Err(AppError::NotFound);
    }
    let (_, procedure) =
        procedure::context_by_id_for(db, target.procedure_id, Some(user), now).await?;
    if !adopted(db, proposal_id).await? {
        return Err(AppError::invalid("status", "not_adopted"));
    }
    let implementation = implementation_of(db, Subject::Proposal(proposal_id), true).await?;
    Ok(ProposalImplementationDesk {
        proposal_id,
        title: target.title,
        procedure,
        implementation,
    })
}

/// Records an entry for a proposal the council adopted; its followers are told.
pub async fn record_for_proposal<C>(
    db: &C,
    site: &SiteSettings,
    user: &CurrentUser,
    proposal_id: i64,
    input: &ImplementationInput,
    now: DateTime<Utc>,
) -> Result<Implementation, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Plan)?;
    let checked = check(input, now)?;
    let target = find_proposal(db, proposal_id).await?;
    if target.visibility != Visibility::Visible {
        return Err(AppError::Conflict);
    }
    if !adopted(db, proposal_id).await? {
        return Err(AppError::invalid("status", "not_adopted"));
    }
    let txn = begin_write(db).await?;
    let recording = Recording {
        procedure_id: target.procedure_id,
        subject: Subject::Proposal(proposal_id),
        told: Some(&target),
    };
    insert(&txn, site, user, recording, checked, now).await?;
    txn.commit().await.map_err(storage_error)?;
    of_proposal(db, proposal_id, Some(user), now).await
}

/// The implementations of several projects (a budget's funded ones) in one query, for
/// those that have entries; at most [`ENTRIES_SHOWN`] entries each.
pub(crate) async fn of_projects(
    db: &impl ConnectionTrait,
    project_ids: Vec<i64>,
) -> Result<std::collections::HashMap<i64, Implementation>, AppError> {
    let mut found: std::collections::HashMap<i64, Implementation> = Default::default();
    if project_ids.is_empty() {
        return Ok(found);
    }
    let rows = implementation_update::Entity::find()
        .filter(implementation_update::Column::ProjectId.is_in(project_ids))
        .order_by_desc(implementation_update::Column::HappenedOn)
        .order_by_desc(implementation_update::Column::Id)
        .limit(ENTRIES_SHOWN * 10)
        .all(db)
        .await
        .map_err(storage_error)?;
    for row in rows {
        let Some(project_id) = row.project_id else {
            continue;
        };
        let implementation = found.entry(project_id).or_default();
        if implementation.entries.len() as u64 >= ENTRIES_SHOWN {
            continue;
        }
        implementation.status.get_or_insert(row.status);
        implementation.entries.push(entry(row));
    }
    Ok(found)
}
