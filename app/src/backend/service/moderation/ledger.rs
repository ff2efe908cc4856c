//! The public ledger of decisions and the moderation statistics.

use super::*;
use crate::backend::common::{Cursor, after, page_of};
use crate::backend::entity::budget_project;
use crate::model::ledger::{Ledger, LedgerEntry, LedgerProject};

// ---------- the public ledger ----------

/// Every decision, newest first; per procedure or instance-wide. Never the moderator, never
/// the internal note.
pub async fn ledger(
    db: &impl ConnectionTrait,
    procedure_slug: Option<&crate::model::procedure::Slug>,
    cursor: Option<&str>,
) -> Result<Ledger, AppError> {
    let mut select = moderation_action::Entity::find();
    let procedure = match procedure_slug {
        Some(slug) => {
            let id = procedure::published_id(db, slug).await?;
            let row = procedure_entity::Entity::find_by_id(id)
                .one(db)
                .await
                .map_err(storage_error)?
                .ok_or(AppError::NotFound)?;
            select = select.filter(moderation_action::Column::ProcedureId.eq(id));
            Some(ProcedureChoice {
                slug: row.slug,
                title: row.title,
            })
        }
        None => None,
    };
    // Newest first: the sort value is the id itself.
    if let Some(cursor) = cursor {
        let cursor = Cursor::parse(cursor)?;
        let id = || Expr::col((moderation_action::Entity, moderation_action::Column::Id));
        select = select.filter(after(id(), cursor.value, id(), cursor.id, true));
    }
    let rows = select
        .order_by_desc(moderation_action::Column::Id)
        .limit(LEDGER_PAGE_SIZE + 1)
        .all(db)
        .await
        .map_err(storage_error)?;
    let (rows, next_cursor) = page_of(rows, LEDGER_PAGE_SIZE, |last| Cursor {
        value: last.id,
        id: last.id,
    });
    // Only published procedures are named; a draft's decisions show without a link.
    let published: HashMap<i64, (String, String)> = procedure_entity::Entity::find()
        .select_only()
        .column(procedure_entity::Column::Id)
        .column(procedure_entity::Column::Slug)
        .column(procedure_entity::Column::Title)
        .filter(
            procedure_entity::Column::Id.is_in(
                rows.iter()
                    .filter_map(|r| r.procedure_id)
                    .collect::<HashSet<_>>(),
            ),
        )
        .filter(procedure_entity::Column::Status.eq(ProcedureStatus::Published))
        .into_tuple::<(i64, String, String)>()
        .all(db)
        .await
        .map_err(storage_error)?
        .into_iter()
        .map(|(id, slug, title)| (id, (slug, title)))
        .collect();
    // The budget projects that planners' decisions name (no query for a page without).
    let project_ids: HashSet<i64> = rows
        .iter()
        .filter(|r| r.target_kind == LedgerTarget::Project)
        .map(|r| r.target_id)
        .collect();
    let projects: HashMap<i64, LedgerProject> = if project_ids.is_empty() {
        HashMap::new()
    } else {
        budget_project::Entity::find()
            .select_only()
            .column(budget_project::Column::Id)
            .column(budget_project::Column::BudgetId)
            .column(budget_project::Column::Title)
            .filter(budget_project::Column::Id.is_in(project_ids))
            .into_tuple::<(i64, i64, String)>()
            .all(db)
            .await
            .map_err(storage_error)?
            .into_iter()
            .map(|(id, budget_id, title)| {
                (
                    id,
                    LedgerProject {
                        id,
                        budget_id,
                        title,
                    },
                )
            })
            .collect()
    };
    let entries = rows
        .into_iter()
        .map(|row| {
            let action = row.action;
            let named = row.procedure_id.and_then(|id| published.get(&id));
            LedgerEntry {
                id: row.id,
                created_at: timestamp(row.created_at),
                action,
                reason: row.reason_code,
                public_reason: row.public_reason,
                target: row.target_kind.content().map(|kind| Target {
                    kind,
                    id: row.target_id,
                }),
                proposal_id: row.proposal_id.filter(|_| named.is_some()),
                procedure_slug: named.map(|(slug, _)| slug.clone()),
                procedure_title: named.map(|(_, title)| title.clone()),
                block_until: row.block_until.map(crate::backend::common::timestamp),
                project: (row.target_kind == LedgerTarget::Project)
                    .then(|| projects.get(&row.target_id).cloned())
                    .flatten()
                    .filter(|_| named.is_some()),
            }
        })
        .collect();
    Ok(Ledger {
        procedure,
        entries,
        next_cursor,
    })
}

// ---------- statistics ----------

/// Open items by kind, the median time from an item entering the queue to its decision
/// (last 90 days), and the decisions by kind per procedure.
pub async fn stats(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<ModerationStats, AppError> {
    user.require(Permission::Moderate)?;
    let open = || {
        moderation_queue::Entity::find()
            .filter(moderation_queue::Column::Status.eq(CaseStatus::Open))
    };
    let count = |select: sea_orm::Select<moderation_queue::Entity>| async move {
        select.count(db).await.map_err(storage_error)
    };
    let open_items = count(open()).await?;
    let open_pending = count(open().filter(moderation_queue::Column::Pending.eq(true))).await?;
    let open_reported = count(open().filter(moderation_queue::Column::ReportCount.gt(0))).await?;
    let open_screened =
        count(open().filter(moderation_queue::Column::ScreenRule.is_not_null())).await?;
    let open_objections =
        count(open().filter(moderation_queue::Column::Objection.is_not_null())).await?;
    let spans: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = moderation_queue::Entity::find()
        .select_only()
        .column(moderation_queue::Column::OpenedAt)
        .column(moderation_queue::Column::ClosedAt)
        .filter(moderation_queue::Column::Status.eq(CaseStatus::Closed))
        .filter(moderation_queue::Column::ClosedAt.gte(now - Duration::days(90)))
        .order_by_desc(moderation_queue::Column::ClosedAt)
        .limit(20_000)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let mut minutes: Vec<u64> = spans
        .into_iter()
        .filter_map(|(opened, closed)| u64::try_from((closed? - opened).num_minutes()).ok())
        .collect();
    minutes.sort_unstable();
    let median_minutes_to_decision = minutes.get(minutes.len() / 2).copied();
    let grouped: Vec<(Option<i64>, ModerationActionKind, i64)> = moderation_action::Entity::find()
        .select_only()
        .column(moderation_action::Column::ProcedureId)
        .column(moderation_action::Column::Action)
        .column_as(moderation_action::Column::Id.count(), "n")
        .group_by(moderation_action::Column::ProcedureId)
        .group_by(moderation_action::Column::Action)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let titles: HashMap<i64, ProcedureChoice> = procedure_choices(db).await?.into_iter().collect();
    let mut by_procedure: Vec<ProcedureDecisions> = Vec::new();
    for (procedure_id, action, n) in grouped {
        let procedure = procedure_id.and_then(|id| titles.get(&id).cloned());
        let entry = match by_procedure.iter_mut().find(|p| p.procedure == procedure) {
            Some(entry) => entry,
            None => {
                by_procedure.push(ProcedureDecisions {
                    procedure,
                    decisions: Vec::new(),
                });
                let last = by_procedure.len() - 1;
                &mut by_procedure[last]
            }
        };
        entry.decisions.push(DecisionCount {
            action,
            count: u64::try_from(n).unwrap_or(0),
        });
    }
    for entry in &mut by_procedure {
        entry.decisions.sort_by_key(|d| d.action as u8);
    }
    by_procedure.sort_by(|a, b| {
        let title = |p: &ProcedureDecisions| p.procedure.as_ref().map(|c| c.title.clone());
        title(a).cmp(&title(b))
    });
    Ok(ModerationStats {
        open_items,
        open_pending,
        open_reported,
        open_screened,
        open_objections,
        median_minutes_to_decision,
        decided_items: minutes.len() as u64,
        by_procedure,
    })
}
