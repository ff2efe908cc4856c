use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::done::Done;
use crate::model::procedure::{
    EditorValues, PlannerPage, ProcedureDetail, ProcedureFilter, ProcedureForm, ProcedureListing,
};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_procedures", output = crate::api::JsonTextPost)]
pub async fn list_procedures(
    filter: ProcedureFilter,
    cursor: Option<String>,
) -> Result<ProcedureListing, AppError> {
    use crate::backend::{service::procedure, state::app_state};
    super::with_status(
        async {
            let state = app_state()?;
            procedure::list_published(&state.db, filter, cursor.as_deref(), chrono::Utc::now())
                .await
        }
        .await,
    )
}

/// A procedure's page; planners also see drafts, as a preview.
#[server(prefix = "/api", endpoint = "get_procedure", output = crate::api::JsonTextPost)]
pub async fn get_procedure(slug: String) -> Result<ProcedureDetail, AppError> {
    use crate::backend::{service::procedure, state::app_state};
    use crate::model::procedure::Slug;
    super::with_status(
        async {
            // A malformed slug cannot name a procedure: "not found", not a form error.
            let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            let state = app_state()?;
            let viewer = super::account::ssr::current_user().await?;
            procedure::get_for(&state.db, &slug, viewer.as_ref(), chrono::Utc::now()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "planner_procedures", output = crate::api::JsonTextPost)]
pub async fn planner_procedures(cursor: Option<String>) -> Result<PlannerPage, AppError> {
    use crate::backend::{service::procedure, state::app_state};
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            procedure::planner_overview(&state.db, &user, cursor.as_deref(), chrono::Utc::now())
                .await
        }
        .await,
    )
}

/// The editor's values: an existing procedure's (with its image), or an empty form with a
/// row per phase.
#[server(prefix = "/api", endpoint = "procedure_editor_values", output = crate::api::JsonTextPost)]
pub async fn procedure_editor_values(slug: Option<String>) -> Result<EditorValues, AppError> {
    use crate::backend::auth::Permission;
    use crate::backend::{service::procedure, state::app_state};
    use crate::model::procedure::{PhaseDates, PhaseKind, Slug};
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            user.require(Permission::Plan)?;
            match slug {
                Some(slug) => {
                    let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
                    procedure::form_of(&state.db, &user, &slug).await
                }
                None => Ok(EditorValues {
                    form: ProcedureForm {
                        vote_rule: "support".to_owned(),
                        vote_phase: PhaseKind::Voting.as_str().to_owned(),
                        moderation: "post".to_owned(),
                        phases: PhaseKind::ALL
                            .into_iter()
                            .map(|kind| PhaseDates {
                                kind: kind.as_str().to_owned(),
                                ..Default::default()
                            })
                            .collect(),
                        ..Default::default()
                    },
                    image: None,
                }),
            }
        }
        .await,
    )
}

/// Creates (without `original`) or changes a procedure; it stays a draft until published.
#[server(prefix = "/api", endpoint = "save_procedure", output = crate::api::JsonTextPost)]
pub async fn save_procedure(
    original: Option<String>,
    #[server(default)] form: ProcedureForm,
) -> Result<(), AppError> {
    use crate::backend::{service::procedure, state::app_state};
    use crate::model::procedure::Slug;
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            let original = match original.filter(|o| !o.is_empty()) {
                Some(slug) => Some(Slug::parse(&slug).map_err(|_| AppError::NotFound)?),
                None => None,
            };
            let slug = procedure::save(
                &state.db,
                &user,
                original.as_ref(),
                form,
                chrono::Utc::now(),
            )
            .await?;
            super::account::done(&format!(
                "{}&verfahren={}",
                Done::Saved.on("/verwaltung/verfahren"),
                slug.as_str()
            ))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "publish_procedure", output = crate::api::JsonTextPost)]
pub async fn publish_procedure(slug: String, publish: String) -> Result<(), AppError> {
    use crate::backend::{service::procedure, state::app_state};
    use crate::model::procedure::Slug;
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            let publish = publish == "1";
            procedure::set_published(&state.db, &user, &slug, publish, chrono::Utc::now()).await?;
            let outcome = if publish {
                Done::Published
            } else {
                Done::Unpublished
            };
            super::account::finish(outcome, "/verwaltung/verfahren")
        }
        .await,
    )
}

/// "Tell me when it starts" (`notify` = "1") or not any more ("0").
#[server(prefix = "/api", endpoint = "set_start_notice", output = crate::api::JsonTextPost)]
pub async fn set_start_notice(slug: String, notify: String) -> Result<(), AppError> {
    use crate::backend::{service::start_notice, state::app_state};
    use crate::model::procedure::Slug;
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            let outcome = if notify == "1" {
                start_notice::request(&state.db, &user, &slug, chrono::Utc::now()).await?;
                Done::StartNoticeOn
            } else {
                start_notice::cancel(&state.db, &user, &slug).await?;
                Done::StartNoticeOff
            };
            super::account::finish(
                outcome,
                &format!("{}#termine", crate::model::path::procedure(slug.as_str())),
            )
        }
        .await,
    )
}
