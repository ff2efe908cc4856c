//! Server functions for proposals, votes and following. Forms post to them and are sent on
//! to the proposal page (with `status`) or back where they came from.

use crate::error::AppError;
use crate::formats::proposals::model::{
    ProposalDetail, ProposalListing, ProposalQuery, ThreadWindow,
};
#[cfg(feature = "ssr")]
use crate::model::done::Done;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::error::AppError;

    pub const SEED_COOKIE: &str = "mitreden_seed";

    /// The visitor's shuffle seed for the random order: from their cookie, else a new
    /// one that is set as a cookie, so the order stays put while they page and return.
    pub fn visitor_seed() -> Result<u32, AppError> {
        let parts = crate::api::account::ssr::parts()?;
        let existing = crate::backend::auth::cookie(&parts.headers, SEED_COOKIE)
            .and_then(|value| value.parse::<u32>().ok());
        if let Some(seed) = existing {
            return Ok(seed);
        }
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).map_err(|_| AppError::Internal)?;
        let seed = u32::from_le_bytes(bytes);
        let cookie = format!("{SEED_COOKIE}={seed}; Path=/; Max-Age=2592000; SameSite=Lax");
        if let (Some(response), Ok(value)) = (
            leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(&cookie),
        ) {
            response.append_header(http::header::SET_COOKIE, value);
        }
        Ok(seed)
    }

    /// A form's return address: a path on this site, never another host.
    pub fn local_path(back: Option<String>, fallback: String) -> String {
        back.filter(|b| crate::model::path::local_path(b).is_some())
            .unwrap_or(fallback)
    }
}

#[server(prefix = "/api", endpoint = "list_proposals", output = crate::api::JsonTextPost)]
pub async fn list_proposals(
    slug: String,
    // All-default filters serialize to nothing: a missing field is the default listing.
    #[server(default)] query: ProposalQuery,
) -> Result<ProposalListing, AppError> {
    use super::service::proposal;
    use crate::backend::state::app_state;
    use crate::model::procedure::Slug;
    crate::api::with_status(
        async {
            let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            let state = app_state()?;
            let viewer = crate::api::account::ssr::current_user().await?;
            let seed = ssr::visitor_seed()?;
            proposal::list(
                &state.db,
                viewer.as_ref(),
                &slug,
                query,
                seed,
                chrono::Utc::now(),
            )
            .await
        }
        .await,
    )
}

/// The photos page of a proposal, for its author and moderators.
#[server(prefix = "/api", endpoint = "get_photo_desk", output = crate::api::JsonTextPost)]
pub async fn get_photo_desk(proposal_id: i64) -> Result<super::photos::PhotoDesk, AppError> {
    use crate::backend::state::app_state;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = crate::api::account::ssr::require_user().await?;
            super::service::photos::desk(&state.db, &user, proposal_id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "get_proposal", output = crate::api::JsonTextPost)]
pub async fn get_proposal(
    id: i64,
    #[server(default)] thread: ThreadWindow,
) -> Result<ProposalDetail, AppError> {
    use super::service::proposal;
    use crate::backend::state::app_state;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let viewer = crate::api::account::ssr::current_user().await?;
            let now = chrono::Utc::now();
            match proposal::get(&state.db, viewer.as_ref(), id, thread, now).await {
                // A link to a comment that is not (or no longer) there for this viewer
                // still shows the proposal, with its discussion from the start.
                Err(AppError::NotFound) if thread != ThreadWindow::default() => {
                    let start = ThreadWindow::default();
                    proposal::get(&state.db, viewer.as_ref(), id, start, now).await
                }
                answer => answer,
            }
        }
        .await,
    )
}

pub use new_proposal::{CreateProposal, create_proposal};

mod new_proposal {
    // One argument per field of the form that posts here (the browser build's generated
    // client function carries no attributes, hence the module-wide allow).
    #![allow(clippy::too_many_arguments)]
    use crate::error::AppError;
    use leptos::prelude::*;

    #[server(prefix = "/api", endpoint = "create_proposal", output = crate::api::JsonTextPost)]
    pub async fn create_proposal(
        slug: String,
        title: String,
        body: String,
        category: Option<String>,
        location: Option<String>,
        district: Option<String>,
        geometry: Option<String>,
        precision: Option<String>,
        address: Option<String>,
        address_choice: Option<String>,
        event: Option<String>,
        idempotency_key: Option<String>,
        next: Option<String>,
    ) -> Result<(), AppError> {
        use crate::backend::{service::procedure, state::app_state};
        use crate::formats::proposals::model::ProposalInput;
        use crate::formats::proposals::service::proposal;
        use crate::model::idempotency::IdempotencyKey;
        use crate::model::procedure::Slug;
        use crate::model::text::encode_component;
        crate::api::with_status(
            async {
                let key = IdempotencyKey::optional(idempotency_key.as_deref())?;
                let state = app_state()?;
                let user = crate::api::account::ssr::require_user().await?;
                let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
                let procedure_id = procedure::published_id(&state.db, &slug).await?;
                let input = ProposalInput {
                    title,
                    body,
                    category,
                    location,
                    district,
                    geometry,
                    precision: crate::model::place::Precision::from_form(precision.as_deref())?,
                    // A "did you mean" suggestion the author picked wins over what they typed.
                    address: address_choice.filter(|c| !c.trim().is_empty()).or(address),
                };
                let id = proposal::create(
                    &state.db,
                    &user,
                    procedure_id,
                    input,
                    event.clone(),
                    key.as_ref(),
                    chrono::Utc::now(),
                )
                .await?;
                // "Save and enter the next": a fresh form, the event filled in again.
                match (next.is_some(), event.filter(|e| !e.trim().is_empty())) {
                    (true, Some(event)) => crate::api::account::done(&format!(
                        "{}?gespeichert={id}&veranstaltung={}",
                        crate::model::path::new_proposal(slug.as_str()),
                        encode_component(&event)
                    )),
                    _ => crate::api::account::finish(
                        crate::model::done::Done::Created,
                        &crate::model::path::proposal(id),
                    ),
                }
            }
            .await,
        )
    }
}

pub use edit::{EditProposal, edit_proposal};

mod edit {
    // One argument per field of the form that posts here (see `new_proposal`).
    #![allow(clippy::too_many_arguments)]
    use crate::error::AppError;
    use leptos::prelude::*;

    #[server(prefix = "/api", endpoint = "edit_proposal", output = crate::api::JsonTextPost)]
    pub async fn edit_proposal(
        id: i64,
        title: String,
        body: String,
        category: Option<String>,
        location: Option<String>,
        district: Option<String>,
        geometry: Option<String>,
        precision: Option<String>,
    ) -> Result<(), AppError> {
        use crate::backend::state::app_state;
        use crate::formats::proposals::model::ProposalInput;
        use crate::formats::proposals::service::proposal;
        crate::api::with_status(
            async {
                let state = app_state()?;
                let user = crate::api::account::ssr::require_user().await?;
                let input = ProposalInput {
                    title,
                    body,
                    category,
                    location,
                    district,
                    geometry,
                    precision: crate::model::place::Precision::from_form(precision.as_deref())?,
                    address: None,
                };
                proposal::edit(&state.db, &user, id, input, chrono::Utc::now()).await?;
                crate::api::account::finish(
                    crate::model::done::Done::Saved,
                    &crate::model::path::proposal(id),
                )
            }
            .await,
        )
    }
}

#[server(prefix = "/api", endpoint = "withdraw_proposal", output = crate::api::JsonTextPost)]
pub async fn withdraw_proposal(id: i64, note: String) -> Result<(), AppError> {
    use super::service::proposal;
    use crate::backend::state::app_state;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = crate::api::account::ssr::require_user().await?;
            proposal::withdraw(&state.db, &state.site, &user, id, &note, chrono::Utc::now())
                .await?;
            crate::api::account::finish(Done::Withdrawn, &crate::model::path::proposal(id))
        }
        .await,
    )
}

/// Casts (1, −1) or withdraws (0) a vote; returns to `back` (the listing or the page).
#[server(prefix = "/api", endpoint = "vote", output = crate::api::JsonTextPost)]
pub async fn vote(id: i64, value: i8, back: Option<String>) -> Result<(), AppError> {
    use super::service::vote;
    use crate::backend::state::app_state;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = crate::api::account::ssr::require_user().await?;
            let now = chrono::Utc::now();
            let outcome = if value == 0 {
                vote::withdraw(&state.db, &user, id, now).await?;
                Done::VoteWithdrawn
            } else {
                vote::cast(&state.db, &user, id, value, now).await?;
                Done::Voted
            };
            let back = ssr::local_path(
                back,
                format!("{}#abstimmung", crate::model::path::proposal(id)),
            );
            crate::api::account::finish(outcome, &back)
        }
        .await,
    )
}

/// Follows (`follow` = "1") or stops following a proposal.
#[server(prefix = "/api", endpoint = "follow", output = crate::api::JsonTextPost)]
pub async fn follow(id: i64, follow: String) -> Result<(), AppError> {
    use crate::backend::{service::follow as service, state::app_state};
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = crate::api::account::ssr::require_user().await?;
            let outcome = if follow == "1" {
                service::follow(&state.db, &user, id, chrono::Utc::now()).await?;
                Done::Followed
            } else {
                service::unfollow(&state.db, &user, id).await?;
                Done::Unfollowed
            };
            crate::api::account::finish(outcome, &crate::model::path::proposal(id))
        }
        .await,
    )
}

/// Writes a comment or reply; answers the new comment's id (the page moves focus to it).
#[server(prefix = "/api", endpoint = "add_comment", output = crate::api::JsonTextPost)]
pub async fn add_comment(
    proposal_id: i64,
    parent_id: Option<i64>,
    body: String,
    event: Option<String>,
    idempotency_key: Option<String>,
) -> Result<i64, AppError> {
    use crate::backend::state::app_state;
    use crate::formats::proposals::service::comment::{self, NewComment};
    use crate::model::idempotency::IdempotencyKey;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = crate::api::account::ssr::require_user().await?;
            let new = NewComment {
                proposal_id,
                parent_id,
                body,
                onsite: event,
                idempotency_key: IdempotencyKey::optional(idempotency_key.as_deref())?,
            };
            let id =
                comment::create(&state.db, &state.site, &user, new, chrono::Utc::now()).await?;
            crate::api::account::finish(
                Done::Commented,
                &crate::model::path::comment(proposal_id, id),
            )?;
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "edit_comment", output = crate::api::JsonTextPost)]
pub async fn edit_comment(id: i64, body: String) -> Result<(), AppError> {
    use super::service::comment;
    use crate::backend::state::app_state;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = crate::api::account::ssr::require_user().await?;
            let proposal_id =
                comment::edit(&state.db, &user, id, &body, chrono::Utc::now()).await?;
            crate::api::account::finish(
                Done::CommentSaved,
                &crate::model::path::comment(proposal_id, id),
            )
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "delete_comment", output = crate::api::JsonTextPost)]
pub async fn delete_comment(id: i64) -> Result<(), AppError> {
    use super::service::comment;
    use crate::backend::state::app_state;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = crate::api::account::ssr::require_user().await?;
            let proposal_id = comment::delete(&state.db, &user, id, chrono::Utc::now()).await?;
            crate::api::account::finish(
                Done::CommentDeleted,
                &crate::model::path::comment(proposal_id, id),
            )
        }
        .await,
    )
}
