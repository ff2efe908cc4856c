//! The instance settings of moderation and the pre-screen every new contribution passes.

use super::*;

// ---------- settings ----------

/// The instance's moderation settings (the defaults until an administrator saves them).
pub async fn settings(db: &impl ConnectionTrait) -> Result<ModerationSettings, AppError> {
    let row = instance_setting::Entity::find_by_id(1)
        .one(db)
        .await
        .map_err(storage_error)?;
    Ok(
        row.map_or_else(ModerationSettings::default, |row| ModerationSettings {
            report_threshold: u32::try_from(row.report_threshold).unwrap_or(3),
            screen_words: row.screen_words,
            screen_link_limit: u32::try_from(row.screen_link_limit).unwrap_or(3),
        }),
    )
}

/// Administrators change the threshold and the pre-screen.
pub async fn save_settings(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    input: ModerationSettings,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    user.require(Permission::ManageUsers)?;
    let input = input.validated()?;
    let row = instance_setting::ActiveModel {
        id: Set(1),
        report_threshold: Set(i32::try_from(input.report_threshold).unwrap_or(3)),
        screen_words: Set(input.screen_words),
        screen_link_limit: Set(i32::try_from(input.screen_link_limit).unwrap_or(3)),
        updated_at: Set(now),
    };
    instance_setting::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(instance_setting::Column::Id)
                .update_columns([
                    instance_setting::Column::ReportThreshold,
                    instance_setting::Column::ScreenWords,
                    instance_setting::Column::ScreenLinkLimit,
                    instance_setting::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map_err(storage_error)?;
    Ok(())
}

/// The settings page: moderators see the blocked authors, administrators also edit.
pub async fn settings_view(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<SettingsView, AppError> {
    user.require(Permission::Moderate)?;
    let rows = user::Entity::find()
        .filter(user::Column::BlockedAt.is_not_null())
        .filter(
            Condition::any()
                .add(user::Column::BlockedUntil.is_null())
                .add(user::Column::BlockedUntil.gt(now)),
        )
        .order_by_desc(user::Column::BlockedAt)
        .limit(500)
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(SettingsView {
        settings: settings(db).await?,
        can_edit: user.can(Permission::ManageUsers),
        blocked: rows
            .into_iter()
            .filter_map(|row| {
                Some(BlockedAuthor {
                    user_id: row.id,
                    name: row.display_name,
                    blocked_at: timestamp(row.blocked_at?),
                    until: row.blocked_until.map(crate::backend::common::timestamp),
                })
            })
            .collect(),
    })
}

// ---------- the pre-screen ----------

/// The first rule of the pre-screen a text matches: a listed word or phrase (whole words,
/// case-insensitive; `wort*` matches any ending) or more links than the limit.
pub fn screen(settings: &ModerationSettings, text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    for entry in settings.screen_words.lines().map(str::trim) {
        let phrase: Vec<&str> = entry
            .split(|c: char| !c.is_alphanumeric() && c != '*')
            .filter(|w| !w.is_empty())
            .collect();
        if phrase.is_empty() {
            continue;
        }
        let matches_at = |start: usize| {
            phrase.iter().enumerate().all(|(i, wanted)| {
                words
                    .get(start + i)
                    .is_some_and(|word| match wanted.strip_suffix('*') {
                        Some(prefix) => word.starts_with(&prefix.to_lowercase()),
                        None => *word == wanted.to_lowercase(),
                    })
            })
        };
        if (0..words.len()).any(matches_at) {
            return Some(format!("word: {entry}"));
        }
    }
    let lower = text.to_lowercase();
    let links = lower.matches("http://").count()
        + lower.matches("https://").count()
        + lower
            .split(|c: char| c.is_whitespace() || c == '(' || c == '<')
            .filter(|w| w.starts_with("www."))
            .count();
    let limit = usize::try_from(settings.screen_link_limit).unwrap_or(usize::MAX);
    (links > limit).then(|| format!("links: {links} > {limit}"))
}

/// How a new or edited contribution enters: visible or pending, and whether the pre-screen
/// caught it. Moderators and planners (on-site entries) are not screened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Intake {
    pub visibility: Visibility,
    pub screen_rule: Option<String>,
}

pub(crate) async fn intake(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    mode: ModerationMode,
    text: &str,
) -> Result<Intake, AppError> {
    if user.can(Permission::Moderate) || user.can(Permission::Plan) {
        return Ok(Intake {
            visibility: Visibility::Visible,
            screen_rule: None,
        });
    }
    let settings = settings(db).await?;
    Ok(Intake {
        visibility: match mode {
            ModerationMode::Pre => Visibility::Pending,
            ModerationMode::Post => Visibility::Visible,
        },
        screen_rule: screen(&settings, text),
    })
}

/// Puts a new contribution into the queue when its intake asks for a moderator.
pub(crate) async fn enqueue_intake(
    db: &impl ConnectionTrait,
    item: &Item,
    intake: &Intake,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if intake.visibility != Visibility::Pending && intake.screen_rule.is_none() {
        return Ok(());
    }
    let mut entry = open_entry(db, item, now).await?;
    entry.pending = intake.visibility == Visibility::Pending;
    if intake.screen_rule.is_some() {
        entry.screen_rule = intake.screen_rule.clone();
    }
    save_entry(db, entry).await
}
