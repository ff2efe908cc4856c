//! The council's answer: the paper the results went to and the outcome per proposal,
//! entered by planners or read from the council information system.

use super::*;
use crate::model::results::CouncilOutcome;

/// Council outcomes by proposal id.
pub async fn outcomes_of(
    db: &impl ConnectionTrait,
    proposal_ids: Vec<i64>,
) -> Result<HashMap<i64, OutcomeView>, AppError> {
    if proposal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = council_decision::Entity::find()
        .filter(council_decision::Column::ProposalId.is_in(proposal_ids))
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| Some((row.proposal_id, outcome_view(&row)?)))
        .collect())
}

pub fn outcome_view(row: &council_decision::Model) -> Option<OutcomeView> {
    Some(OutcomeView {
        outcome: row.outcome,
        justification: row.justification.clone(),
        meeting_date: row.meeting_date.map(|d| d.format("%Y-%m-%d").to_string()),
    })
}

/// Links a procedure to the council paper its results went to.
pub async fn set_council_paper(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    slug: &Slug,
    paper: CouncilPaper,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    user.require(Permission::Plan)?;
    let paper = paper.validated()?;
    let row = planner_procedure(db, slug).await?;
    let mut active: procedure::ActiveModel = row.into();
    active.council_paper_url = Set(Some(paper.url));
    active.council_reference = Set(Some(paper.reference));
    active.council_title = Set(Some(paper.title));
    active.updated_at = Set(now);
    let saved = active.update(db).await.map_err(storage_error)?;
    forget_cached(saved.id);
    Ok(())
}

async fn planner_procedure(
    db: &impl ConnectionTrait,
    slug: &Slug,
) -> Result<procedure::Model, AppError> {
    procedure::Entity::find()
        .filter(procedure::Column::Slug.eq(slug.as_str()))
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)
}

/// A planner's entry of an outcome as stored: every field checked, and the meeting not
/// later than today (in Berlin): the council answers at a meeting that has taken place.
pub(crate) fn checked(
    form: &OutcomeForm,
    now: DateTime<Utc>,
) -> Result<(CouncilOutcome, String, Option<NaiveDate>), AppError> {
    let (outcome, justification, date) = form.validated()?;
    let Some(date) = date else {
        return Ok((outcome, justification, None));
    };
    if date > crate::model::time::Timestamp(now.timestamp()).local_date() {
        return Err(AppError::invalid("meeting_date", "in_future"));
    }
    let day = NaiveDate::from_ymd_opt(i32::try_from(date.year).unwrap_or(0), date.month, date.day)
        .ok_or_else(|| AppError::invalid("meeting_date", "not_a_date"))?;
    Ok((outcome, justification, Some(day)))
}

/// Records (or changes) the council's outcome for a proposal and tells its followers, in
/// one transaction. Recording the same outcome again changes nothing and sends nothing.
pub async fn record_outcome<C>(
    db: &C,
    site: &SiteSettings,
    user: &CurrentUser,
    proposal_id: i64,
    form: &OutcomeForm,
    source: DecisionSource,
    now: DateTime<Utc>,
) -> Result<bool, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Plan)?;
    let (outcome, justification, meeting_date) = checked(form, now)?;
    let txn = crate::backend::db::begin_write(db).await?;
    let target = proposal::Entity::find_by_id(proposal_id)
        .one(&txn)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    if target.visibility != Visibility::Visible {
        return Err(AppError::Conflict);
    }
    // The council answers what the participation produced: not while it still runs.
    if now < participation_end(&txn, target.procedure_id).await? {
        return Err(AppError::invalid("outcome", "participation_running"));
    }
    let existing = council_decision::Entity::find_by_id(proposal_id)
        .one(&txn)
        .await
        .map_err(storage_error)?;
    if let Some(existing) = &existing
        && existing.outcome == outcome
        && existing.justification == justification
        && existing.meeting_date == meeting_date
    {
        return Ok(false);
    }
    let row = council_decision::ActiveModel {
        proposal_id: Set(proposal_id),
        procedure_id: Set(target.procedure_id),
        outcome: Set(outcome),
        justification: Set(justification.clone()),
        meeting_date: Set(meeting_date),
        source: Set(source),
        recorded_by: Set(Some(user.id)),
        recorded_at: Set(now),
    };
    if existing.is_some() {
        row.update(&txn).await.map_err(storage_error)?;
    } else {
        council_decision::Entity::insert(row)
            .exec_without_returning(&txn)
            .await
            .map_err(storage_error)?;
    }
    follow::notify(
        &txn,
        site,
        &target,
        Event::CouncilOutcome {
            outcome,
            justification: &justification,
        },
        user.id,
        now,
    )
    .await?;
    txn.commit().await.map_err(storage_error)?;
    forget_cached(target.procedure_id);
    Ok(true)
}

/// Removes a recorded outcome (entered on the wrong proposal, say). Nobody is mailed.
pub async fn clear_outcome(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    proposal_id: i64,
) -> Result<(), AppError> {
    user.require(Permission::Plan)?;
    let row = council_decision::Entity::find_by_id(proposal_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    council_decision::Entity::delete_by_id(proposal_id)
        .exec(db)
        .await
        .map_err(storage_error)?;
    forget_cached(row.procedure_id);
    Ok(())
}

/// The council's outcome for one proposal, if recorded (the proposal page shows it).
pub async fn outcome_of(
    db: &impl ConnectionTrait,
    proposal_id: i64,
) -> Result<Option<OutcomeView>, AppError> {
    Ok(outcomes_of(db, vec![proposal_id])
        .await?
        .remove(&proposal_id))
}
