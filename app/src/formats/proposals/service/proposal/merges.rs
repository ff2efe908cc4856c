//! What a proposal's page shows of merges: where a merged duplicate points (with the
//! moderator's public reason), and which duplicates were merged into a proposal.

use super::*;
use crate::backend::entity::moderation_action;
use crate::formats::proposals::model::{MERGED_SHOWN, MergeNotice, ProposalLink};
use crate::model::moderation::LedgerTarget;

/// The page's merge facts, in one query for the links (and one more for the reason when
/// the proposal itself was merged). A proposal nobody engaged with has had nothing merged
/// into it (a merge marks the kept proposal engaged) and costs no query.
pub(super) async fn of(
    db: &impl ConnectionTrait,
    row: &proposal::Model,
) -> Result<(Option<MergeNotice>, Vec<ProposalLink>), AppError> {
    if row.merged_into_id.is_none() && row.engaged_at.is_none() {
        return Ok((None, Vec::new()));
    }
    let mut either = Condition::any().add(
        Condition::all()
            .add(proposal::Column::MergedIntoId.eq(row.id))
            .add(proposal::Column::Visibility.eq(Visibility::Visible)),
    );
    if let Some(into) = row.merged_into_id {
        either = either.add(proposal::Column::Id.eq(into));
    }
    let links: Vec<(i64, String, Option<i64>)> = proposal::Entity::find()
        .select_only()
        .columns([
            proposal::Column::Id,
            proposal::Column::Title,
            proposal::Column::MergedIntoId,
        ])
        .filter(either)
        .order_by_asc(proposal::Column::Id)
        .limit(MERGED_SHOWN + 1)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let mut into = None;
    let mut from = Vec::new();
    for (id, title, merged_into) in links {
        if Some(id) == row.merged_into_id {
            into = Some(ProposalLink { id, title });
        } else if merged_into == Some(row.id) && from.len() < MERGED_SHOWN as usize {
            from.push(ProposalLink { id, title });
        }
    }
    let notice = match (into, row.merged_at) {
        (Some(into), Some(at)) => {
            let decision = moderation_action::Entity::find()
                .filter(moderation_action::Column::TargetKind.eq(LedgerTarget::Proposal))
                .filter(moderation_action::Column::TargetId.eq(row.id))
                .filter(moderation_action::Column::Action.eq(ModerationActionKind::Merge))
                .order_by_desc(moderation_action::Column::Id)
                .one(db)
                .await
                .map_err(storage_error)?;
            Some(MergeNotice {
                into,
                at: Timestamp(at.timestamp()),
                reason: decision.as_ref().and_then(|d| d.reason_code),
                note: decision.map(|d| d.public_reason).unwrap_or_default(),
            })
        }
        _ => None,
    };
    Ok((notice, from))
}
