//! Server functions for moderation: reports and objections from residents; the queue,
//! decisions, claims, statistics and settings for moderators; the public ledger. Forms post
//! to them and return to `back` (a path on this site) with a `status`.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::done::Done;
use crate::model::ledger::Ledger;
use crate::model::moderation::{ModerationStats, QueueFilter, QueueView, SettingsView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::error::AppError;
    use crate::model::done::Done;
    use crate::model::moderation::{ModerationReason, Target, TargetKind};

    pub fn target(kind: &str, id: i64) -> Result<Target, AppError> {
        let kind = TargetKind::parse(kind).ok_or(AppError::NotFound)?;
        Ok(Target { kind, id })
    }

    /// `proposal:12` / `comment:7`, as the queue's checkboxes send them.
    pub fn parse_target(value: &str) -> Result<Target, AppError> {
        let (kind, id) = value
            .split_once(':')
            .ok_or_else(|| AppError::invalid("targets", "malformed"))?;
        let id = id
            .parse()
            .map_err(|_| AppError::invalid("targets", "malformed"))?;
        target(kind, id)
    }

    /// Back to where the form was, with a status.
    pub fn back(back: Option<String>, fallback: &str, outcome: Done) -> Result<(), AppError> {
        use crate::formats::proposals::api::ssr::local_path;
        let path = local_path(back, fallback.to_owned());
        super::super::account::finish(outcome, &path)
    }

    pub fn optional(value: Option<String>) -> Option<String> {
        value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    }

    /// A reason code from a form; empty means none.
    pub fn reason(value: Option<String>) -> Result<Option<ModerationReason>, AppError> {
        optional(value)
            .map(|code| {
                ModerationReason::parse(&code).ok_or_else(|| AppError::invalid("reason", "unknown"))
            })
            .transpose()
    }
}

#[server(prefix = "/api", endpoint = "report", output = crate::api::JsonTextPost)]
pub async fn report(
    kind: String,
    id: i64,
    reason: String,
    note: Option<String>,
    back: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::{service::moderation, state::app_state};
    use crate::model::moderation::{ModerationReason, ReportInput, ReportOutcome};
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            let reason = ModerationReason::parse(&reason)
                .ok_or_else(|| AppError::invalid("reason", "missing"))?;
            let input = ReportInput {
                target: ssr::target(&kind, id)?,
                reason,
                note: note.unwrap_or_default(),
            };
            let outcome = moderation::report(&state.db, &user, input, chrono::Utc::now()).await?;
            let status = match outcome {
                ReportOutcome::Reported => Done::Reported,
                ReportOutcome::AlreadyReported => Done::AlreadyReported,
            };
            ssr::back(back, "/", status)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "object", output = crate::api::JsonTextPost)]
pub async fn object(
    kind: String,
    id: i64,
    text: String,
    back: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::{service::moderation, state::app_state};
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            let target = ssr::target(&kind, id)?;
            moderation::object(&state.db, &user, target, &text, chrono::Utc::now()).await?;
            ssr::back(back, "/", Done::Objected)
        }
        .await,
    )
}

/// A decision as the forms post it (`form[kind]`, `form[action]`, …).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DecisionFields {
    pub kind: String,
    pub id: i64,
    pub action: String,
    pub reason: Option<String>,
    pub public_reason: Option<String>,
    pub internal_note: Option<String>,
    pub text: Option<String>,
    pub title: Option<String>,
    pub block_days: Option<String>,
    pub merge_into: Option<String>,
    /// A redaction's coarser place: "street" or "district" (empty: the place stays).
    pub precision: Option<String>,
    /// A redaction that hides one of a proposal's photos: its id.
    pub hide_photo: Option<i64>,
    pub back: Option<String>,
}

/// One decision on one item, from the queue or the item's page.
#[server(prefix = "/api", endpoint = "decide", output = crate::api::JsonTextPost)]
pub async fn decide(form: DecisionFields) -> Result<(), AppError> {
    use crate::backend::{service::moderation, state::app_state};
    use crate::model::moderation::{Decision, ModerationActionKind};
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            let action = ModerationActionKind::parse(&form.action)
                .ok_or_else(|| AppError::invalid("action", "unknown"))?;
            let reason = ssr::reason(form.reason)?;
            let block_days = match ssr::optional(form.block_days) {
                Some(days) => Some(
                    days.parse::<u32>()
                        .map_err(|_| AppError::invalid("block_days", "range"))?,
                ),
                None => None,
            };
            // Only a merge reads the number ("#12" or "12"); other decisions ignore the field.
            let merge_into = match ssr::optional(form.merge_into)
                .filter(|_| action == ModerationActionKind::Merge)
            {
                Some(number) => Some(
                    number
                        .trim_start_matches('#')
                        .parse::<i64>()
                        .map_err(|_| AppError::invalid("merge_into", "missing"))?,
                ),
                None => None,
            };
            let decision = Decision {
                target: ssr::target(&form.kind, form.id)?,
                action,
                reason,
                public_reason: form.public_reason.unwrap_or_default(),
                internal_note: form.internal_note.unwrap_or_default(),
                // Only a redaction sends the text; other decisions leave it out.
                text: form.text.filter(|_| action == ModerationActionKind::Redact),
                title: ssr::optional(form.title),
                block_days,
                merge_into,
                precision: crate::model::place::Precision::from_form(form.precision.as_deref())?
                    .filter(|_| action == ModerationActionKind::Redact),
                hide_photos: form
                    .hide_photo
                    .filter(|_| action == ModerationActionKind::Redact)
                    .into_iter()
                    .collect(),
            };
            moderation::decide(&state.db, &state.site, &user, decision, chrono::Utc::now()).await?;
            ssr::back(form.back, "/moderation", Done::Decided(action))
        }
        .await,
    )
}

/// The same decision (approve, or hide with one reason) on every selected item.
#[server(prefix = "/api", endpoint = "decide_many", output = crate::api::JsonTextPost)]
pub async fn decide_many(
    targets: Option<Vec<String>>,
    action: String,
    reason: Option<String>,
    public_reason: Option<String>,
    internal_note: Option<String>,
    back: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::{service::moderation, state::app_state};
    use crate::model::moderation::{Decision, ModerationActionKind, Target, TargetKind};
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            let targets = targets
                .unwrap_or_default()
                .iter()
                .map(|t| ssr::parse_target(t))
                .collect::<Result<Vec<_>, _>>()?;
            let action = ModerationActionKind::parse(&action)
                .ok_or_else(|| AppError::invalid("action", "unknown"))?;
            let reason = ssr::reason(reason)?;
            let template = Decision {
                target: Target {
                    kind: TargetKind::Proposal,
                    id: 0,
                },
                action,
                reason,
                public_reason: public_reason.unwrap_or_default(),
                internal_note: internal_note.unwrap_or_default(),
                text: None,
                title: None,
                block_days: None,
                merge_into: None,
                precision: None,
                hide_photos: Vec::new(),
            };
            let (done, skipped) = moderation::decide_many(
                &state.db,
                &state.site,
                &user,
                targets,
                template,
                chrono::Utc::now(),
            )
            .await?;
            ssr::back(back, "/moderation", Done::Bulk { done, skipped })
        }
        .await,
    )
}

/// Claims an item (or, with `release`, gives the claim back).
#[server(prefix = "/api", endpoint = "claim", output = crate::api::JsonTextPost)]
pub async fn claim(
    queue_id: i64,
    release: Option<String>,
    back: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::{service::moderation, state::app_state};
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            if release.is_some() {
                moderation::release(&state.db, &user, queue_id).await?;
                ssr::back(back, "/moderation", Done::Released)
            } else {
                moderation::claim(&state.db, &user, queue_id, chrono::Utc::now()).await?;
                ssr::back(back, "/moderation", Done::Claimed)
            }
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "unblock", output = crate::api::JsonTextPost)]
pub async fn unblock(
    user_id: i64,
    public_reason: Option<String>,
    back: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::{service::moderation, state::app_state};
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            moderation::unblock(
                &state.db,
                &user,
                user_id,
                &public_reason.unwrap_or_default(),
                chrono::Utc::now(),
            )
            .await?;
            ssr::back(back, "/moderation/einstellungen", Done::Unblocked)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "save_moderation_settings", output = crate::api::JsonTextPost)]
pub async fn save_moderation_settings(
    report_threshold: String,
    screen_words: String,
    screen_link_limit: String,
) -> Result<(), AppError> {
    use crate::backend::{service::moderation, state::app_state};
    use crate::model::moderation::ModerationSettings;
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            let number = |value: &str, field: &str| {
                value
                    .trim()
                    .parse::<u32>()
                    .map_err(|_| AppError::invalid(field, "range"))
            };
            let settings = ModerationSettings {
                report_threshold: number(&report_threshold, "report_threshold")?,
                screen_words,
                screen_link_limit: number(&screen_link_limit, "screen_link_limit")?,
            };
            moderation::save_settings(&state.db, &user, settings, chrono::Utc::now()).await?;
            super::account::finish(Done::SettingsSaved, "/moderation/einstellungen")
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "get_queue", output = crate::api::JsonTextPost)]
pub async fn get_queue(#[server(default)] filter: QueueFilter) -> Result<QueueView, AppError> {
    use crate::backend::{service::moderation, state::app_state};
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            moderation::queue(&state.db, &user, filter, chrono::Utc::now()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "get_ledger", output = crate::api::JsonTextPost)]
pub async fn get_ledger(slug: Option<String>, cursor: Option<String>) -> Result<Ledger, AppError> {
    use crate::backend::{service::moderation, state::app_state};
    use crate::model::procedure::Slug;
    super::with_status(
        async {
            let state = app_state()?;
            let slug = match slug {
                Some(slug) => Some(Slug::parse(&slug).map_err(|_| AppError::NotFound)?),
                None => None,
            };
            moderation::ledger(&state.db, slug.as_ref(), cursor.as_deref()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "get_moderation_stats", output = crate::api::JsonTextPost)]
pub async fn get_moderation_stats() -> Result<ModerationStats, AppError> {
    use crate::backend::{service::moderation, state::app_state};
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            moderation::stats(&state.db, &user, chrono::Utc::now()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "get_moderation_settings", output = crate::api::JsonTextPost)]
pub async fn get_moderation_settings() -> Result<SettingsView, AppError> {
    use crate::backend::{service::moderation, state::app_state};
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            moderation::settings_view(&state.db, &user, chrono::Utc::now()).await
        }
        .await,
    )
}
