//! A resident's ballot: saved as they go (a draft, which does not count), submitted when
//! valid (it counts from then on, and a receipt is mailed), withdrawn and submitted again
//! until voting ends. Each change runs in one transaction after the person's row is locked,
//! and the unique index on (budget, person) holds one ballot per person under any
//! concurrency. After voting ends nothing changes.

use super::budget::{Hosted, load};
use super::project::{exclusions_of, on_ballot};
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{lock_user, timestamp, write_gate};
use crate::backend::db::{begin_write, storage_error};
use crate::backend::entity::{budget, budget_ballot, budget_ballot_item, budget_project, user};
use crate::backend::mail::{self, Template};
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::formats::budget::model::{
    Ballot, BallotInput, BallotRule, BallotStatus, Channel, Choice, MAX_POINTS,
    MAX_PROJECTS_PER_BALLOT, REMINDER_DAYS_MAX,
};
use crate::i18n::Lang;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};
use std::collections::{BTreeMap, BTreeSet};

/// The caller's ballot of a budget; an empty draft when they have none.
pub async fn get(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    budget_id: i64,
    now: DateTime<Utc>,
) -> Result<Ballot, AppError> {
    let hosted = load(db, budget_id, Some(user), now).await?;
    let ballot = find(db, hosted.row.id, user.id).await?;
    let choices = match &ballot {
        Some(ballot) => choices_of(db, ballot.id).await?,
        None => Vec::new(),
    };
    view(db, &hosted, ballot.as_ref(), choices, now).await
}

/// Replaces the choices of the caller's draft (making one if they have none). A draft may
/// break the rule (it does not count); a submitted ballot is refused: withdraw it first.
pub async fn save<C>(
    db: &C,
    user: &CurrentUser,
    budget_id: i64,
    input: BallotInput,
    now: DateTime<Utc>,
) -> Result<Ballot, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    let hosted = open_budget(db, user, budget_id, now).await?;
    let choices = checked_choices(db, &hosted, &input).await?;
    let _gate = write_gate(db).await;
    let txn = begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let ballot = match find(&txn, hosted.row.id, user.id).await? {
        Some(ballot) if ballot.status == BallotStatus::Submitted => {
            return Err(AppError::invalid("ballot", "already_submitted"));
        }
        Some(ballot) => {
            let mut model = ballot.into_active_model();
            model.updated_at = Set(now);
            model.update(&txn).await.map_err(storage_error)?
        }
        None if district_taken(&txn, &hosted.row, user.id).await?.is_some() => {
            return Err(AppError::invalid("ballot", "other_district"));
        }
        None => budget_ballot::ActiveModel {
            budget_id: Set(hosted.row.id),
            user_id: Set(Some(user.id)),
            channel: Set(Channel::Online),
            batch_id: Set(None),
            status: Set(BallotStatus::Draft),
            submitted_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(storage_error)?,
    };
    budget_ballot_item::Entity::delete_many()
        .filter(budget_ballot_item::Column::BallotId.eq(ballot.id))
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    write_choices(&txn, ballot.id, &choices).await?;
    txn.commit().await.map_err(storage_error)?;
    view(db, &hosted, Some(&ballot), choices, now).await
}

/// Withdraws a submitted ballot (it becomes a draft with the same choices, and no longer
/// counts); a draft is emptied.
pub async fn withdraw<C>(
    db: &C,
    user: &CurrentUser,
    budget_id: i64,
    now: DateTime<Utc>,
) -> Result<Ballot, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    let hosted = open_budget(db, user, budget_id, now).await?;
    let _gate = write_gate(db).await;
    let txn = begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let ballot = find(&txn, hosted.row.id, user.id).await?;
    let (ballot, choices) = match ballot {
        None => (None, Vec::new()),
        Some(ballot) if ballot.status == BallotStatus::Submitted => {
            let mut model = ballot.into_active_model();
            model.status = Set(BallotStatus::Draft);
            model.submitted_at = Set(None);
            model.updated_at = Set(now);
            let ballot = model.update(&txn).await.map_err(storage_error)?;
            let choices = choices_of(&txn, ballot.id).await?;
            (Some(ballot), choices)
        }
        Some(ballot) => {
            budget_ballot_item::Entity::delete_many()
                .filter(budget_ballot_item::Column::BallotId.eq(ballot.id))
                .exec(&txn)
                .await
                .map_err(storage_error)?;
            (Some(ballot), Vec::new())
        }
    };
    txn.commit().await.map_err(storage_error)?;
    view(db, &hosted, ballot.as_ref(), choices, now).await
}

/// Submits the caller's draft if it is valid under the budget's rule; submitting a
/// submitted ballot again changes nothing. Mails a receipt.
pub async fn submit<C>(
    db: &C,
    site: &SiteSettings,
    user: &CurrentUser,
    budget_id: i64,
    now: DateTime<Utc>,
) -> Result<Ballot, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    let hosted = open_budget(db, user, budget_id, now).await?;
    let _gate = write_gate(db).await;
    let txn = begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let Some(ballot) = find(&txn, hosted.row.id, user.id).await? else {
        return Err(AppError::invalid("ballot", "too_few"));
    };
    let choices = choices_of(&txn, ballot.id).await?;
    if ballot.status == BallotStatus::Submitted {
        txn.commit().await.map_err(storage_error)?;
        return view(db, &hosted, Some(&ballot), choices, now).await;
    }
    let checked = view(&txn, &hosted, Some(&ballot), choices.clone(), now).await?;
    if let Some(problem) = checked.problems.first() {
        return Err(AppError::invalid("ballot", problem.as_str()));
    }
    let mut model = ballot.into_active_model();
    model.status = Set(BallotStatus::Submitted);
    model.submitted_at = Set(Some(now));
    model.updated_at = Set(now);
    model.update(&txn).await.map_err(storage_error)?;
    receipt(&txn, site, &hosted, user.id, &choices, now).await?;
    txn.commit().await.map_err(storage_error)?;
    // What was checked, now counting.
    Ok(Ballot {
        status: BallotStatus::Submitted,
        submitted_at: Some(timestamp(now)),
        ..checked
    })
}

/// Writes a ballot's choices (its earlier ones already gone).
pub(super) async fn write_choices(
    txn: &impl ConnectionTrait,
    ballot_id: i64,
    choices: &[Choice],
) -> Result<(), AppError> {
    if choices.is_empty() {
        return Ok(());
    }
    budget_ballot_item::Entity::insert_many(choices.iter().map(|choice| {
        budget_ballot_item::ActiveModel {
            ballot_id: Set(ballot_id),
            project_id: Set(choice.project_id),
            points: Set(i32::try_from(choice.points).unwrap_or(i32::MAX)),
        }
    }))
    .exec(txn)
    .await
    .map_err(storage_error)?;
    Ok(())
}

/// Reminds residents holding a draft that it does not count yet, once, when their budget's
/// voting ends within its `reminder_days`. Returns how many were reminded.
pub async fn remind_drafts(
    db: &sea_orm::DatabaseConnection,
    site: &SiteSettings,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    use crate::backend::entity::{budget, phase, procedure};
    use crate::model::procedure::ProcedureStatus;
    // Vote phases running now and ending within the longest reminder any budget may ask for.
    let horizon = now + chrono::Duration::days(i64::from(REMINDER_DAYS_MAX));
    let phases = phase::Entity::find()
        .filter(phase::Column::StartsAt.lte(now))
        .filter(phase::Column::EndsAt.gt(now))
        .filter(phase::Column::EndsAt.lte(horizon))
        .all(db)
        .await
        .map_err(storage_error)?;
    let mut reminded = 0;
    for running in phases {
        let Some(procedure) = procedure::Entity::find_by_id(running.procedure_id)
            .one(db)
            .await
            .map_err(storage_error)?
        else {
            continue;
        };
        if procedure.vote_phase != running.kind || procedure.status != ProcedureStatus::Published {
            continue;
        }
        let budgets = budget::Entity::find()
            .filter(budget::Column::ProcedureId.eq(procedure.id))
            .filter(budget::Column::ReminderDays.gt(0))
            .all(db)
            .await
            .map_err(storage_error)?;
        for row in budgets {
            let due = running.ends_at - chrono::Duration::days(i64::from(row.reminder_days));
            if now >= due {
                reminded += remind_budget(db, site, &procedure, &row, running.ends_at, now).await?;
            }
        }
    }
    Ok(reminded)
}

/// The reminders of one budget, 200 drafts at a time, each marked in the transaction that
/// writes its mail.
async fn remind_budget(
    db: &sea_orm::DatabaseConnection,
    site: &SiteSettings,
    procedure: &crate::backend::entity::procedure::Model,
    row: &crate::backend::entity::budget::Model,
    ends: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    use sea_orm::{QueryOrder, QuerySelect};
    let link = format!(
        "{}{}",
        site.public_url,
        crate::model::path::budget(&procedure.slug, row.id)
    );
    let mut reminded = 0;
    loop {
        let _gate = write_gate(db).await;
        let txn = begin_write(db).await?;
        let drafts = budget_ballot::Entity::find()
            .filter(budget_ballot::Column::BudgetId.eq(row.id))
            .filter(budget_ballot::Column::Status.eq(BallotStatus::Draft))
            .filter(budget_ballot::Column::RemindedAt.is_null())
            .filter(budget_ballot::Column::UserId.is_not_null())
            .order_by_asc(budget_ballot::Column::Id)
            .limit(200)
            .all(&txn)
            .await
            .map_err(storage_error)?;
        if drafts.is_empty() {
            txn.commit().await.map_err(storage_error)?;
            return Ok(reminded);
        }
        let ids: Vec<i64> = drafts.iter().map(|d| d.id).collect();
        let people: Vec<i64> = drafts.iter().filter_map(|d| d.user_id).collect();
        budget_ballot::Entity::update_many()
            .col_expr(
                budget_ballot::Column::RemindedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(budget_ballot::Column::Id.is_in(ids))
            .exec(&txn)
            .await
            .map_err(storage_error)?;
        let accounts = user::Entity::find()
            .filter(user::Column::Id.is_in(people))
            .filter(user::Column::DeletedAt.is_null())
            .all(&txn)
            .await
            .map_err(storage_error)?;
        for person in accounts {
            let (Some(email), Some(name)) = (&person.email, &person.display_name) else {
                continue;
            };
            let lang = Lang::parse(&person.lang).unwrap_or_default();
            let t = lang.texts();
            let ends = t.date_and_time(timestamp(ends));
            let vars = [
                ("name", name.as_str()),
                ("instance", site.instance_name.as_str()),
                ("budget", row.title.as_str()),
                ("ends", ends.as_str()),
                ("link", link.as_str()),
            ];
            mail::enqueue(&txn, email, Template::BallotReminder, lang, &vars, now).await?;
            reminded += 1;
        }
        txn.commit().await.map_err(storage_error)?;
    }
}

/// The budget, if it takes ballots now.
async fn open_budget(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    budget_id: i64,
    now: DateTime<Utc>,
) -> Result<Hosted, AppError> {
    let hosted = load(db, budget_id, Some(user), now).await?;
    if !hosted.taking_ballots(now) {
        return Err(AppError::invalid("phase", "closed"));
    }
    Ok(hosted)
}

/// The other budget of the procedure the person votes in, when this one takes one
/// district's vote per resident and so does that one (the first ballot saved fixes it).
pub(crate) async fn district_taken(
    db: &impl ConnectionTrait,
    budget: &budget::Model,
    user_id: i64,
) -> Result<Option<budget::Model>, AppError> {
    use sea_orm::QueryOrder;
    use sea_orm::sea_query::Query;
    if !budget.one_district {
        return Ok(None);
    }
    let theirs = Query::select()
        .column(budget_ballot::Column::BudgetId)
        .from(budget_ballot::Entity)
        .and_where(budget_ballot::Column::UserId.eq(user_id))
        .to_owned();
    budget::Entity::find()
        .filter(budget::Column::ProcedureId.eq(budget.procedure_id))
        .filter(budget::Column::OneDistrict.eq(true))
        .filter(budget::Column::Id.ne(budget.id))
        .filter(budget::Column::Id.in_subquery(theirs))
        .order_by_asc(budget::Column::Id)
        .one(db)
        .await
        .map_err(storage_error)
}

async fn find(
    db: &impl ConnectionTrait,
    budget_id: i64,
    user_id: i64,
) -> Result<Option<budget_ballot::Model>, AppError> {
    budget_ballot::Entity::find()
        .filter(budget_ballot::Column::BudgetId.eq(budget_id))
        .filter(budget_ballot::Column::UserId.eq(user_id))
        .one(db)
        .await
        .map_err(storage_error)
}

async fn choices_of(db: &impl ConnectionTrait, ballot_id: i64) -> Result<Vec<Choice>, AppError> {
    let rows = budget_ballot_item::Entity::find()
        .filter(budget_ballot_item::Column::BallotId.eq(ballot_id))
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .map(|row| Choice {
            project_id: row.project_id,
            points: u32::try_from(row.points).unwrap_or(0),
        })
        .collect())
}

/// The choices of an input, each a project on this budget's ballot, points only where the
/// rule gives points.
pub(super) async fn checked_choices(
    db: &impl ConnectionTrait,
    hosted: &Hosted,
    input: &BallotInput,
) -> Result<Vec<Choice>, AppError> {
    let ids: BTreeSet<i64> = input.project_ids.iter().copied().collect();
    if ids.len() != input.project_ids.len() {
        return Err(AppError::invalid("project_ids", "duplicate"));
    }
    if ids.len() > MAX_PROJECTS_PER_BALLOT as usize {
        return Err(AppError::invalid("project_ids", "too_many"));
    }
    let rule = hosted.rule();
    let points = input.points.clone().unwrap_or_default();
    if !points.is_empty() {
        if !matches!(rule, BallotRule::Cumulative { .. }) {
            return Err(AppError::invalid("points", "not_allowed"));
        }
        if points.keys().any(|id| !ids.contains(id)) {
            return Err(AppError::invalid("points", "unknown_project"));
        }
        if points.values().any(|p| *p == 0 || *p > MAX_POINTS) {
            return Err(AppError::invalid("points", "out_of_range"));
        }
    }
    let projects = projects_by_id(db, &ids).await?;
    let all_on_ballot = ids.iter().all(|id| {
        projects
            .get(id)
            .is_some_and(|p| p.budget_id == hosted.row.id && on_ballot(p))
    });
    if !all_on_ballot {
        return Err(AppError::invalid("project_ids", "not_on_ballot"));
    }
    Ok(input
        .project_ids
        .iter()
        .map(|id| Choice {
            project_id: *id,
            points: rule.points_of(points.get(id).copied()),
        })
        .collect())
}

async fn projects_by_id(
    db: &impl ConnectionTrait,
    ids: &BTreeSet<i64>,
) -> Result<BTreeMap<i64, budget_project::Model>, AppError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows = budget_project::Entity::find()
        .filter(budget_project::Column::Id.is_in(ids.iter().copied().collect::<Vec<_>>()))
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows.into_iter().map(|row| (row.id, row)).collect())
}

/// The ballot as its voter sees it: what it spends, what is left, what keeps it from
/// being submitted.
pub(super) async fn view(
    db: &impl ConnectionTrait,
    hosted: &Hosted,
    ballot: Option<&budget_ballot::Model>,
    choices: Vec<Choice>,
    now: DateTime<Utc>,
) -> Result<Ballot, AppError> {
    let rule = hosted.rule();
    let ids: BTreeSet<i64> = choices.iter().map(|c| c.project_id).collect();
    let projects = projects_by_id(db, &ids).await?;
    let costs: Vec<(i64, u32)> = choices
        .iter()
        .map(|c| {
            let cost = projects.get(&c.project_id).map_or(0, |p| p.cost_cents);
            (cost, c.points)
        })
        .collect();
    let id_list: Vec<i64> = ids.iter().copied().collect();
    let exclusions = exclusions_of(db, &id_list).await?;
    let excluded = crate::formats::budget::rule::any_excluded(&ids, |id| {
        exclusions.get(&id).into_iter().flatten()
    });
    let spent: i64 = costs.iter().map(|(cost, _)| *cost).sum();
    let given: u32 = choices.iter().map(|c| c.points).sum();
    let points_left = match rule {
        BallotRule::Cumulative { points, .. } => Some(points.saturating_sub(given)),
        _ => None,
    };
    Ok(Ballot {
        budget_id: hosted.row.id,
        status: ballot.map_or(BallotStatus::Draft, |b| b.status),
        submitted_at: ballot.and_then(|b| b.submitted_at).map(timestamp),
        problems: rule.problems(hosted.row.total_cents, &costs, excluded),
        choices,
        spent_cents: spent,
        left_cents: hosted.row.total_cents - spent,
        points_left,
        open: hosted.taking_ballots(now),
    })
}

/// The receipt: which projects the ballot holds and when it was cast.
async fn receipt(
    txn: &impl ConnectionTrait,
    site: &SiteSettings,
    hosted: &Hosted,
    user_id: i64,
    choices: &[Choice],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(person) = user::Entity::find_by_id(user_id)
        .one(txn)
        .await
        .map_err(storage_error)?
    else {
        return Ok(());
    };
    let (Some(email), Some(name)) = (&person.email, &person.display_name) else {
        return Ok(());
    };
    let lang = Lang::parse(&person.lang).unwrap_or_default();
    let ids: BTreeSet<i64> = choices.iter().map(|c| c.project_id).collect();
    let projects = projects_by_id(txn, &ids).await?;
    let cumulative = matches!(hosted.rule(), BallotRule::Cumulative { .. });
    let list: Vec<String> = choices
        .iter()
        .filter_map(|c| {
            let title = &projects.get(&c.project_id)?.title;
            Some(if cumulative {
                format!("- {title} ({})", c.points)
            } else {
                format!("- {title}")
            })
        })
        .collect();
    let t = lang.texts();
    let when = t.date_and_time(timestamp(now));
    let ends = hosted
        .context
        .vote_window
        .map(|(_, ends)| t.date(timestamp(ends)))
        .unwrap_or_default();
    let link = format!(
        "{}{}",
        site.public_url,
        crate::model::path::budget(&hosted.summary.slug, hosted.row.id)
    );
    let projects = list.join("\n");
    let vars = [
        ("name", name.as_str()),
        ("instance", site.instance_name.as_str()),
        ("budget", hosted.row.title.as_str()),
        ("projects", projects.as_str()),
        ("when", when.as_str()),
        ("ends", ends.as_str()),
        ("link", link.as_str()),
    ];
    mail::enqueue(txn, email, Template::BallotReceipt, lang, &vars, now).await
}
