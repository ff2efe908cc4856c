//! Server functions for expert opinions: a planner's request and the answer, from the
//! planner's page of a proposal's opinion (back there with `status`), and that page's and
//! the list's data.

use crate::error::AppError;
use crate::formats::proposals::opinion::{OpinionDesk, OpinionList};
#[cfg(feature = "ssr")]
use crate::model::done::Done;
use leptos::prelude::*;

/// A planner's page of one proposal's opinion.
#[server(prefix = "/api", endpoint = "get_opinion_desk", output = crate::api::JsonTextPost)]
pub async fn get_opinion_desk(proposal_id: i64) -> Result<OpinionDesk, AppError> {
    use super::service::opinion;
    use crate::backend::state::app_state;
    let state = app_state()?;
    let user = crate::api::account::ssr::require_user().await?;
    opinion::desk(&state.db, &user, proposal_id, chrono::Utc::now()).await
}

/// The planners' list of a procedure's opinions, a page at a time.
#[server(prefix = "/api", endpoint = "list_opinions", output = crate::api::JsonTextPost)]
pub async fn list_opinions(slug: String, page: u64) -> Result<OpinionList, AppError> {
    use super::service::opinion;
    use crate::backend::state::app_state;
    let state = app_state()?;
    let user = crate::api::account::ssr::require_user().await?;
    let slug = crate::model::procedure::Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
    opinion::list(&state.db, &user, &slug, page, chrono::Utc::now()).await
}

/// A planner asks a unit for its expert opinion on a proposal, by a day (or changes the
/// unit and day while unanswered); back to the planner's page of the opinion.
#[server(prefix = "/api", endpoint = "request_opinion", output = crate::api::JsonTextPost)]
pub async fn request_opinion(
    proposal_id: i64,
    #[server(default)] form: crate::formats::proposals::opinion::OpinionRequest,
) -> Result<(), AppError> {
    use super::service::opinion;
    use crate::backend::state::app_state;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = crate::api::account::ssr::require_user().await?;
            opinion::request(&state.db, &user, proposal_id, &form, chrono::Utc::now()).await?;
            crate::api::account::finish(
                Done::OpinionRequested,
                &crate::model::path::opinion_desk(proposal_id),
            )
        }
        .await,
    )
}

/// A planner enters the unit's answer; the proposal's followers are told.
#[server(prefix = "/api", endpoint = "answer_opinion", output = crate::api::JsonTextPost)]
pub async fn answer_opinion(
    proposal_id: i64,
    #[server(default)] form: crate::formats::proposals::opinion::OpinionInput,
) -> Result<(), AppError> {
    use super::service::opinion;
    use crate::backend::state::app_state;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = crate::api::account::ssr::require_user().await?;
            opinion::answer(
                &state.db,
                &state.site,
                &user,
                proposal_id,
                &form,
                chrono::Utc::now(),
            )
            .await?;
            crate::api::account::finish(
                Done::OpinionAnswered,
                &crate::model::path::opinion_desk(proposal_id),
            )
        }
        .await,
    )
}

/// A planner selects the best proposals overall and of each district for the
/// administration's opinion; back to the list with how many.
#[server(prefix = "/api", endpoint = "select_for_opinion", output = crate::api::JsonTextPost)]
pub async fn select_for_opinion(
    slug: String,
    #[server(default)] form: crate::formats::proposals::opinion::OpinionSelection,
) -> Result<(), AppError> {
    use super::service::opinion;
    use crate::backend::state::app_state;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = crate::api::account::ssr::require_user().await?;
            let slug =
                crate::model::procedure::Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            let outcome =
                opinion::select(&state.db, &user, &slug, &form, chrono::Utc::now()).await?;
            crate::api::account::finish(
                Done::OpinionsSelected {
                    selected: u32::try_from(outcome.proposal_ids.len()).unwrap_or(u32::MAX),
                    requested: outcome.requested,
                },
                &crate::model::path::opinions(slug.as_str()),
            )
        }
        .await,
    )
}
