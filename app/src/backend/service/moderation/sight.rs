//! What the public and an item's author see of moderation: marks, objections, reports.

use super::*;

// ---------- what the public and the author see ----------

/// The mark of a moderated item for a viewer, or `None` when it is visible.
pub(crate) fn mark(
    visibility: Visibility,
    hidden_reason: Option<ModerationReason>,
    hidden_note: Option<&str>,
    moderated_at: Option<DateTime<Utc>>,
    is_author: bool,
    objected: bool,
) -> Option<ModerationMark> {
    if visibility == Visibility::Visible {
        return None;
    }
    let hidden = visibility == Visibility::Hidden;
    Some(ModerationMark {
        visibility,
        reason: hidden.then_some(hidden_reason).flatten(),
        note: hidden.then(|| hidden_note.map(str::to_owned)).flatten(),
        at: moderated_at.map(crate::backend::common::timestamp),
        can_object: hidden && is_author && !objected,
        objected: hidden && is_author && objected,
    })
}

/// Which of the viewer's own hidden items already carry their objection.
pub(crate) async fn objected(
    db: &impl ConnectionTrait,
    targets: &[Target],
) -> Result<HashSet<Target>, AppError> {
    if targets.is_empty() {
        return Ok(HashSet::new());
    }
    let mut condition = Condition::any();
    for target in targets {
        condition = condition.add(
            Condition::all()
                .add(moderation_queue::Column::TargetKind.eq(target.kind))
                .add(moderation_queue::Column::TargetId.eq(target.id)),
        );
    }
    let query = moderation_queue::Entity::find()
        .select_only()
        .column(moderation_queue::Column::TargetKind)
        .column(moderation_queue::Column::TargetId)
        .filter(condition)
        .filter(moderation_queue::Column::Status.eq(CaseStatus::Open))
        .filter(moderation_queue::Column::Objection.is_not_null());
    targets_of(db, query).await
}

/// The items among these the viewer has reported.
pub(crate) async fn reported_by(
    db: &impl ConnectionTrait,
    user_id: Option<i64>,
    proposal_id: i64,
    comment_ids: &[i64],
) -> Result<HashSet<Target>, AppError> {
    let Some(user_id) = user_id else {
        return Ok(HashSet::new());
    };
    let query = report::Entity::find()
        .select_only()
        .column(report::Column::TargetKind)
        .column(report::Column::TargetId)
        .filter(report::Column::ReporterId.eq(user_id))
        .filter(report_targets(vec![proposal_id], comment_ids.to_vec()));
    targets_of(db, query).await
}

/// The targets a query of (kind, id) columns names; only those two columns are read (not
/// the notes, snapshots and objections beside them).
async fn targets_of<E: EntityTrait>(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<E>,
) -> Result<HashSet<Target>, AppError> {
    let rows: Vec<(TargetKind, i64)> = query.into_tuple().all(db).await.map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .map(|(kind, id)| Target { kind, id })
        .collect())
}

/// Reports on any of these proposals or comments. One branch per kind that has ids: an
/// empty `IN` branch would keep SQLite from using the target index and scan every report.
pub(super) fn report_targets(proposal_ids: Vec<i64>, comment_ids: Vec<i64>) -> Condition {
    let mut targets = Condition::any();
    for (kind, ids) in [
        (TargetKind::Proposal, proposal_ids),
        (TargetKind::Comment, comment_ids),
    ] {
        if !ids.is_empty() {
            targets = targets.add(
                Condition::all()
                    .add(report::Column::TargetKind.eq(kind))
                    .add(report::Column::TargetId.is_in(ids)),
            );
        }
    }
    targets
}
