//! Planners' decisions on a budget's result. The count decides which projects are funded;
//! after voting has ended, a planner may overrule it for a project (fund it, not fund it,
//! or lift such a decision), and only with a public reason. Every decision is kept and
//! shown with the results, newest first; the newest for a project applies. The ballot file
//! and the count from it stay as they are, so anyone can see where the published result
//! differs from the computed one, and why. Each decision is also a row of the public
//! moderation ledger (`fund`, `unfund`, `count_applies` on the project).

use super::budget::load;
use super::results;
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::timestamp;
use crate::backend::db::storage_error;
use crate::backend::entity::{budget_decision, moderation_action};
use crate::error::AppError;
use crate::formats::budget::model::{
    BudgetResults, BudgetStage, DECISION_REASON_MAX, DECISION_REASON_MIN, DecisionInput,
    DecisionOutcome, ResultDecision, Unfunded,
};
use crate::model::moderation::{LedgerTarget, ModerationActionKind};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use std::collections::HashMap;

/// Decisions a budget's results list (a budget holds at most 1,000 projects; a planner
/// changing their mind a few times over each stays far below).
const MAX_DECISIONS: u64 = 5_000;

/// Takes a planner's decision on one project's result; returns the results as they now
/// stand.
pub async fn decide(
    db: &DatabaseConnection,
    user: &CurrentUser,
    budget_id: i64,
    input: DecisionInput,
    now: DateTime<Utc>,
) -> Result<BudgetResults, AppError> {
    user.require(Permission::Plan)?;
    let hosted = load(db, budget_id, Some(user), now).await?;
    let reason = input.reason.trim();
    if reason
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(AppError::invalid("reason", "control_characters"));
    }
    if !(DECISION_REASON_MIN..=DECISION_REASON_MAX).contains(&reason.chars().count()) {
        return Err(AppError::invalid("reason", "decision_length"));
    }
    if hosted.stage(now) != BudgetStage::Ended {
        return Err(AppError::invalid("phase", "not_ended"));
    }
    // One count: the result as it stands decides whether the decision changes anything,
    // and the same count with the decision applied is returned.
    let computed = results::count_budget(db, &hosted, now).await?.results;
    let mut standing = computed.clone();
    apply(db, &mut standing).await?;
    let line = standing
        .projects
        .iter()
        .find(|line| line.project_id == input.project_id)
        .ok_or_else(|| AppError::invalid("project_id", "not_in_result"))?;
    let changes = match input.outcome {
        DecisionOutcome::Fund => !line.funded,
        DecisionOutcome::Unfund => line.funded,
        DecisionOutcome::Computed => line.decided,
    };
    if !changes {
        return Err(AppError::invalid("outcome", "unchanged"));
    }
    // The decision and its row in the public moderation ledger, together or not at all.
    let txn = db.begin().await.map_err(storage_error)?;
    budget_decision::ActiveModel {
        budget_id: Set(hosted.row.id),
        project_id: Set(input.project_id),
        outcome: Set(input.outcome),
        reason: Set(reason.to_owned()),
        decided_by: Set(Some(user.id)),
        decided_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(storage_error)?;
    moderation_action::ActiveModel {
        procedure_id: Set(Some(hosted.row.procedure_id)),
        target_kind: Set(LedgerTarget::Project),
        target_id: Set(input.project_id),
        proposal_id: Set(None),
        action: Set(match input.outcome {
            DecisionOutcome::Fund => ModerationActionKind::Fund,
            DecisionOutcome::Unfund => ModerationActionKind::Unfund,
            DecisionOutcome::Computed => ModerationActionKind::CountApplies,
        }),
        reason_code: Set(None),
        public_reason: Set(reason.to_owned()),
        internal_note: Set(None),
        moderator_id: Set(user.id),
        block_until: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(storage_error)?;
    txn.commit().await.map_err(storage_error)?;
    let mut decided = computed;
    apply(db, &mut decided).await?;
    Ok(decided)
}

/// The results with the planners' decisions applied: the newest decision for a project
/// sets whether it is funded; the money spent follows; the decisions are listed.
pub(crate) async fn apply(
    db: &impl ConnectionTrait,
    results: &mut BudgetResults,
) -> Result<(), AppError> {
    let rows = budget_decision::Entity::find()
        .filter(budget_decision::Column::BudgetId.eq(results.budget_id))
        .order_by_desc(budget_decision::Column::Id)
        .limit(MAX_DECISIONS)
        .all(db)
        .await
        .map_err(storage_error)?;
    if rows.is_empty() {
        return Ok(());
    }
    let mut newest: HashMap<i64, DecisionOutcome> = HashMap::new();
    for row in &rows {
        newest.entry(row.project_id).or_insert(row.outcome);
    }
    let titles: HashMap<i64, String> = results
        .projects
        .iter()
        .map(|line| (line.project_id, line.title.clone()))
        .collect();
    for line in &mut results.projects {
        match newest.get(&line.project_id) {
            Some(DecisionOutcome::Fund) if !line.funded => {
                line.funded = true;
                line.unfunded = None;
                line.decided = true;
            }
            Some(DecisionOutcome::Unfund) if line.funded => {
                line.funded = false;
                line.unfunded = Some(Unfunded::Decided);
                line.decided = true;
            }
            _ => {}
        }
    }
    results.spent_cents = results
        .projects
        .iter()
        .filter(|line| line.funded)
        .map(|line| line.cost_cents)
        .sum();
    results.decisions = rows
        .into_iter()
        .map(|row| ResultDecision {
            id: row.id,
            project_id: row.project_id,
            project_title: titles.get(&row.project_id).cloned().unwrap_or_default(),
            outcome: row.outcome,
            reason: row.reason,
            decided_at: timestamp(row.decided_at),
        })
        .collect();
    Ok(())
}
