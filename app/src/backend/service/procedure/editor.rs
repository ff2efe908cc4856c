//! Creating and changing procedures: the planners' editor form, the API's whole and
//! partial updates, publication, and the one set of rules they all pass.

use super::*;
use crate::backend::common::results_changed;

/// The editing form's values for an existing procedure, with its image.
pub async fn form_of(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    slug: &Slug,
) -> Result<EditorValues, AppError> {
    user.require(Permission::Plan)?;
    let row = find_row(db, Key::Slug(slug), true).await?;
    let schedule = phases_of(db, vec![row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    let phases = PhaseKind::ALL
        .into_iter()
        .map(|kind| {
            let planned = schedule.iter().find(|p| p.kind == kind);
            PhaseDates {
                kind: kind.as_str().to_owned(),
                first_day: planned
                    .map(|p| timestamp(p.starts_at).local_date().iso())
                    .unwrap_or_default(),
                // The last day is the day before the (exclusive) end.
                last_day: planned
                    .map(|p| Timestamp(timestamp(p.ends_at).0 - 1).local_date().iso())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let image = super::super::media::image_of(&row);
    let form = ProcedureForm {
        slug: row.slug,
        title: row.title,
        summary: row.summary,
        description: row.description,
        department: row.department,
        contact: row.contact,
        categories: row.categories,
        vote_rule: row.vote_rule.as_str().to_owned(),
        vote_cap: row.vote_cap.map(|c| c.to_string()).unwrap_or_default(),
        vote_phase: row.vote_phase.as_str().to_owned(),
        moderation: row.moderation.as_str().to_owned(),
        phases,
    };
    Ok(EditorValues { form, image })
}

/// A procedure's stored texts, rules and schedule, as `store` takes them: what a partial
/// update (`PATCH`) is applied to. A stored state the code does not know fails the load.
pub async fn stored(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    slug: &Slug,
) -> Result<NewProcedure, AppError> {
    user.require(Permission::Plan)?;
    let row = find_row(db, Key::Slug(slug), true).await?;
    let vote_phase = row.vote_phase;
    let moderation = row.moderation;
    let rule = VoteRule::from_columns(row.vote_rule, row.vote_cap);
    let phases = phases_of(db, vec![row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default()
        .into_iter()
        .map(|p| NewPhase {
            kind: p.kind,
            starts_at: p.starts_at,
            ends_at: p.ends_at,
        })
        .collect();
    Ok(NewProcedure {
        slug: slug.clone(),
        title: row.title,
        summary: row.summary,
        description: row.description,
        department: row.department,
        contact: row.contact,
        phases,
        rule,
        vote_phase,
        moderation,
        categories: split_categories(&row.categories),
        published: row.status == ProcedureStatus::Published,
    })
}

/// Turns a planner's form into a procedure (unpublished), checked by every rule of
/// `check`; every field's problem is reported at once. `stored` is the schedule of the
/// procedure being edited (empty for a new one).
fn parse_form(form: ProcedureForm, stored: &[ScheduledPhase]) -> Result<NewProcedure, AppError> {
    let mut problems = Problems::default();
    let slug = problems.check(Slug::parse(form.slug.trim()));
    let cap = match form.vote_cap.trim() {
        "" => None,
        cap => problems.check(
            cap.parse::<u32>()
                .map_err(|_| AppError::invalid("vote_cap", "range")),
        ),
    };
    let rule = match form.vote_rule.as_str() {
        "support" => Some(VoteRule::Support { cap }),
        "rating" => Some(VoteRule::Rating),
        _ => problems.check(Err(AppError::invalid("vote_rule", "unknown"))),
    };
    let vote_phase = problems.check(
        PhaseKind::parse(&form.vote_phase)
            .ok_or_else(|| AppError::invalid("vote_phase", "unknown")),
    );
    // A form from before the field existed means the default.
    let moderation = match form.moderation.trim() {
        "" => Some(ModerationMode::Post),
        mode => problems.check(
            ModerationMode::parse(mode).ok_or_else(|| AppError::invalid("moderation", "unknown")),
        ),
    };
    let mut phases = Vec::new();
    for row in form.phases {
        let (first, last) = (row.first_day.trim(), row.last_day.trim());
        if first.is_empty() && last.is_empty() {
            continue;
        }
        let Some(kind) = problems.check(
            PhaseKind::parse(&row.kind).ok_or_else(|| AppError::invalid("phases", "unknown")),
        ) else {
            continue;
        };
        let (Some(first), Some(last)) = (LocalDate::parse_iso(first), LocalDate::parse_iso(last))
        else {
            problems.note(AppError::invalid("phases", "dates"));
            continue;
        };
        if let (Some(starts_at), Some(ends_at)) = (
            problems.check(datetime(first.start_in_berlin())),
            problems.check(datetime(last.next().start_in_berlin())),
        ) {
            phases.push(NewPhase {
                kind,
                starts_at,
                ends_at,
            });
        }
    }
    if let Some(error) = keep_exact_times(stored, &mut phases).err() {
        problems.note(error);
    }
    let mut new = NewProcedure {
        // Stands in while the address is refused: the other fields are still checked.
        slug: slug.unwrap_or_else(Slug::placeholder),
        title: form.title,
        summary: form.summary,
        description: form.description,
        department: form.department,
        contact: form.contact,
        phases,
        rule: rule.unwrap_or(VoteRule::Rating),
        vote_phase: vote_phase.unwrap_or(PhaseKind::Voting),
        moderation: moderation.unwrap_or_default(),
        categories: split_categories(&form.categories),
        published: false,
    };
    check_into(&mut new, &mut problems);
    problems.finish()?;
    Ok(new)
}

/// Trims the texts and checks every rule a procedure must meet.
fn check(new: &mut NewProcedure) -> Result<(), AppError> {
    let mut problems = Problems::default();
    check_into(new, &mut problems);
    problems.finish()
}

/// How long a procedure's title may be, in characters: the editor, the API and the seeds
/// all create procedures under this one rule.
const TITLE_LENGTH: std::ops::RangeInclusive<usize> = 3..=200;

/// `check`, noting every problem.
fn check_into(new: &mut NewProcedure, problems: &mut Problems) {
    let mut text = |value: &mut String, field: &str, min: usize, max: usize| {
        let trimmed = value.trim().to_owned();
        let length = trimmed.chars().count();
        if length < min || length > max {
            problems.note(AppError::invalid(field, "length"));
        } else if trimmed.chars().any(crate::model::text::forbidden_in_text) {
            problems.note(AppError::invalid(field, "control_characters"));
        }
        *value = trimmed;
    };
    text(
        &mut new.title,
        "title",
        *TITLE_LENGTH.start(),
        *TITLE_LENGTH.end(),
    );
    text(&mut new.summary, "summary", 0, 500);
    text(&mut new.description, "description", 0, 50_000);
    text(&mut new.department, "department", 2, 200);
    text(&mut new.contact, "contact", 0, 1_000);
    if new.categories.len() > 30
        || new
            .categories
            .iter()
            .any(|c| c.trim().is_empty() || c.chars().count() > 80 || c.contains('\n'))
    {
        problems.note(AppError::invalid("categories", "length"));
    }
    if new
        .rule
        .cap()
        .is_some_and(|cap| !(1..=1_000).contains(&cap))
    {
        problems.note(AppError::invalid("vote_cap", "range"));
    }
    new.phases.sort_by_key(|p| p.starts_at);
    if let Err(error) = validate_schedule(&new.phases) {
        problems.note(error);
    } else if !new.phases.iter().any(|p| p.kind == new.vote_phase) {
        problems.note(AppError::invalid("vote_phase", "not_scheduled"));
    }
}

fn datetime(at: Timestamp) -> Result<DateTime<Utc>, AppError> {
    DateTime::<Utc>::from_timestamp(at.0, 0).ok_or_else(|| AppError::invalid("phases", "dates"))
}

/// The editor's form: creates a procedure (as a draft) or changes one. Returns the
/// (possibly new) slug.
pub async fn save<C>(
    db: &C,
    user: &CurrentUser,
    existing: Option<&Slug>,
    form: ProcedureForm,
    now: DateTime<Utc>,
) -> Result<Slug, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Plan)?;
    let stored = match existing {
        Some(slug) => {
            let row = find_row(db, Key::Slug(slug), true).await?;
            phases_of(db, vec![row.id])
                .await?
                .remove(&row.id)
                .unwrap_or_default()
        }
        None => Vec::new(),
    };
    store(db, user, existing, parse_form(form, &stored)?, now).await
}

/// The editor shows days, but a schedule set through the API may change phase inside a
/// day. A phase whose days the planner left as the editor showed them keeps its exact
/// times, so such a procedure saves unchanged instead of being refused as overlapping.
fn keep_exact_times(stored: &[ScheduledPhase], phases: &mut [NewPhase]) -> Result<(), AppError> {
    for phase in phases.iter_mut() {
        let Some(old) = stored.iter().find(|old| old.kind == phase.kind) else {
            continue;
        };
        // The instants the editor's days for the stored phase stand for (see `form_of`).
        let shown_start = datetime(timestamp(old.starts_at).local_date().start_in_berlin())?;
        let shown_end = datetime(
            Timestamp(timestamp(old.ends_at).0 - 1)
                .local_date()
                .next()
                .start_in_berlin(),
        )?;
        if (phase.starts_at, phase.ends_at) == (shown_start, shown_end) {
            phase.starts_at = old.starts_at;
            phase.ends_at = old.ends_at;
        }
    }
    Ok(())
}

/// Creates a procedure, or replaces an existing one's texts, rules and schedule (its
/// publication state stays). Planners only; every rule of `check` applies.
pub async fn store<C>(
    db: &C,
    user: &CurrentUser,
    existing: Option<&Slug>,
    mut new: NewProcedure,
    now: DateTime<Utc>,
) -> Result<Slug, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Plan)?;
    check(&mut new)?;
    let slug = new.slug.clone();
    let Some(existing) = existing else {
        create(db, new, now).await?;
        return Ok(slug);
    };
    let txn = crate::backend::db::begin_write(db).await?;
    let row = procedure::Entity::find()
        .filter(procedure::Column::Slug.eq(existing.as_str()))
        .one(&txn)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    if slug != *existing {
        let taken = procedure::Entity::find()
            .filter(procedure::Column::Slug.eq(slug.as_str()))
            .count(&txn)
            .await
            .map_err(storage_error)?;
        if taken > 0 {
            return Err(AppError::Conflict);
        }
    }
    let (Some(first), Some(last)) = (new.phases.first(), new.phases.last()) else {
        return Err(AppError::invalid("phases", "empty"));
    };
    let (starts_at, ends_at) = (first.starts_at, last.ends_at);
    let mut update: procedure::ActiveModel = row.clone().into();
    update.slug = Set(slug.as_str().to_owned());
    update.title = Set(new.title);
    update.summary = Set(new.summary);
    update.description = Set(new.description);
    update.department = Set(new.department);
    update.contact = Set(new.contact);
    update.vote_rule = Set(new.rule.kind().to_owned());
    update.vote_cap = Set(new.rule.cap().and_then(|cap| i32::try_from(cap).ok()));
    update.vote_phase = Set(new.vote_phase);
    update.moderation = Set(new.moderation);
    update.categories = Set(new.categories.join("\n"));
    update.starts_at = Set(starts_at);
    update.ends_at = Set(ends_at);
    update.updated_at = Set(now);
    update.update(&txn).await.map_err(storage_error)?;
    phase::Entity::delete_many()
        .filter(phase::Column::ProcedureId.eq(row.id))
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    insert_phases(&txn, row.id, new.phases).await?;
    txn.commit().await.map_err(storage_error)?;
    results_changed(row.id);
    Ok(slug)
}

/// Publishes a draft or takes a procedure back to draft.
pub async fn set_published(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    slug: &Slug,
    published: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    user.require(Permission::Plan)?;
    let status = if published {
        ProcedureStatus::Published
    } else {
        ProcedureStatus::Draft
    };
    let id = super::id_at(db, slug).await?;
    procedure::Entity::update_many()
        .col_expr(procedure::Column::Status, Expr::value(status))
        .col_expr(procedure::Column::UpdatedAt, Expr::value(now))
        .filter(procedure::Column::Id.eq(id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    results_changed(id);
    Ok(())
}

/// A phase in a schedule being created.
#[derive(Debug, Clone)]
pub struct NewPhase {
    pub kind: PhaseKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewProcedure {
    pub slug: Slug,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub department: String,
    pub contact: String,
    pub phases: Vec<NewPhase>,
    pub rule: VoteRule,
    pub vote_phase: PhaseKind,
    pub moderation: ModerationMode,
    pub categories: Vec<String>,
    pub published: bool,
}

/// Creates a procedure with its phases in one transaction.
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    new: NewProcedure,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let title = new.title.trim();
    if !TITLE_LENGTH.contains(&title.chars().count()) {
        return Err(AppError::invalid("title", "length"));
    }
    validate_schedule(&new.phases)?;
    let (Some(first), Some(last)) = (new.phases.first(), new.phases.last()) else {
        return Err(AppError::invalid("phases", "empty"));
    };
    let (starts_at, ends_at) = (first.starts_at, last.ends_at);
    let txn = crate::backend::db::begin_write(db).await?;
    let taken = procedure::Entity::find()
        .filter(procedure::Column::Slug.eq(new.slug.as_str()))
        .count(&txn)
        .await
        .map_err(storage_error)?;
    if taken > 0 {
        return Err(AppError::Conflict);
    }
    let status = if new.published {
        ProcedureStatus::Published
    } else {
        ProcedureStatus::Draft
    };
    let inserted = procedure::ActiveModel {
        slug: Set(new.slug.as_str().to_owned()),
        title: Set(title.to_owned()),
        summary: Set(new.summary),
        description: Set(new.description),
        department: Set(new.department),
        contact: Set(new.contact),
        vote_rule: Set(new.rule.kind()),
        vote_cap: Set(new.rule.cap().and_then(|cap| i32::try_from(cap).ok())),
        categories: Set(new.categories.join("\n")),
        vote_phase: Set(new.vote_phase),
        moderation: Set(new.moderation),
        status: Set(status),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(storage_error)?;
    insert_phases(&txn, inserted.id, new.phases).await?;
    txn.commit().await.map_err(storage_error)?;
    Ok(inserted.id)
}

/// Phases in order, each ending after it starts, none overlapping the next.
fn validate_schedule(phases: &[NewPhase]) -> Result<(), AppError> {
    if phases.is_empty() {
        return Err(AppError::invalid("phases", "empty"));
    }
    for (index, p) in phases.iter().enumerate() {
        if p.starts_at >= p.ends_at {
            return Err(AppError::invalid("phases", "ends_before_start"));
        }
        if index > 0 && phases[index - 1].ends_at > p.starts_at {
            return Err(AppError::invalid("phases", "overlap"));
        }
    }
    Ok(())
}

async fn insert_phases(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    phases: Vec<NewPhase>,
) -> Result<(), AppError> {
    for (position, p) in phases.into_iter().enumerate() {
        phase::ActiveModel {
            procedure_id: Set(procedure_id),
            kind: Set(p.kind),
            position: Set(
                i32::try_from(position).map_err(|_| AppError::invalid("phases", "too_many"))?
            ),
            starts_at: Set(p.starts_at),
            ends_at: Set(p.ends_at),
            ..Default::default()
        }
        .insert(db)
        .await
        .map_err(storage_error)?;
    }
    Ok(())
}
