//! Results: the public results page, the planners' dashboard, the council paper and the
//! council's outcomes (entered or taken from an OParl server).

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::done::Done;
use crate::model::results::{OutcomeForm, ResultsAnswer, ResultsDashboard};
use leptos::prelude::*;

/// A procedure's results: public once voting has ended, for planners at any time. Before
/// then the public learn from when they will be.
#[server(prefix = "/api", endpoint = "get_results", output = crate::api::JsonTextPost)]
pub async fn get_results(slug: String) -> Result<ResultsAnswer, AppError> {
    use crate::backend::{service::results, state::app_state};
    use crate::model::procedure::Slug;
    super::with_status(
        async {
            let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            let state = app_state()?;
            let viewer = super::account::ssr::current_user().await?;
            let now = chrono::Utc::now();
            let scope = match results::page_scope(&state.db, &slug, viewer.as_ref(), now).await? {
                Ok(scope) => scope,
                Err(pending) => return Ok(ResultsAnswer::Pending(pending)),
            };
            let lang = super::account::ssr::page_lang();
            let view =
                results::view_cached(&state.db, &scope, lang.texts().no_category, now).await?;
            Ok(ResultsAnswer::Ready(Box::new(view)))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "get_results_dashboard", output = crate::api::JsonTextPost)]
pub async fn get_results_dashboard(slug: String, page: u32) -> Result<ResultsDashboard, AppError> {
    use crate::backend::{service::results, state::app_state};
    use crate::model::procedure::Slug;
    super::with_status(
        async {
            let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            let lang = super::account::ssr::page_lang();
            results::dashboard(
                &state.db,
                &user,
                &slug,
                page,
                lang.texts().no_category,
                chrono::Utc::now(),
            )
            .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "save_council_paper", output = crate::api::JsonTextPost)]
pub async fn save_council_paper(
    slug: String,
    url: String,
    reference: String,
    paper_title: String,
) -> Result<(), AppError> {
    use crate::backend::{service::results, state::app_state};
    use crate::model::procedure::Slug;
    use crate::model::results::CouncilPaper;
    super::with_status(
        async {
            let parsed = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            let paper = CouncilPaper {
                url,
                reference,
                title: paper_title,
            };
            results::set_council_paper(&state.db, &user, &parsed, paper, chrono::Utc::now())
                .await?;
            super::account::finish(
                Done::PaperSaved,
                &crate::model::path::results_dashboard(&slug),
            )
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "record_outcome", output = crate::api::JsonTextPost)]
pub async fn record_outcome(
    slug: String,
    proposal_id: i64,
    page: Option<u32>,
    #[server(default)] form: OutcomeForm,
) -> Result<(), AppError> {
    use crate::backend::service::results;
    use crate::backend::state::app_state;
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            results::record_outcome(
                &state.db,
                &state.site,
                &user,
                proposal_id,
                &form,
                crate::model::results::DecisionSource::Manual,
                chrono::Utc::now(),
            )
            .await?;
            super::account::finish(
                Done::OutcomeSaved,
                &format!(
                    "{}?seite={}#vorschlag-{proposal_id}",
                    crate::model::path::results_dashboard(&slug),
                    page.unwrap_or(0) + 1
                ),
            )
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "import_oparl", output = crate::api::JsonTextPost)]
pub async fn import_oparl(slug: String, url: Option<String>) -> Result<(), AppError> {
    use crate::backend::{service::oparl, state::app_state};
    use crate::model::procedure::Slug;
    super::with_status(
        async {
            let parsed = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            let report = oparl::import(
                &state.db,
                &state.site,
                &user,
                &parsed,
                url,
                chrono::Utc::now(),
            )
            .await?;
            let outcome = Done::OparlImported {
                recorded: report.recorded,
                unchanged: report.unchanged,
                unmatched: u32::try_from(report.unmatched.len()).unwrap_or(u32::MAX),
            };
            super::account::finish(outcome, &crate::model::path::results_dashboard(&slug))
        }
        .await,
    )
}

/// A planner's page of an adopted proposal's implementation.
#[server(prefix = "/api", endpoint = "get_implementation_desk", output = crate::api::JsonTextPost)]
pub async fn get_implementation_desk(
    proposal_id: i64,
) -> Result<crate::model::implementation::ProposalImplementationDesk, AppError> {
    use crate::backend::service::implementation;
    use crate::backend::state::app_state;
    let state = app_state()?;
    let user = super::account::ssr::require_user().await?;
    implementation::proposal_desk(&state.db, &user, proposal_id, chrono::Utc::now()).await
}

/// A planner's entry of an adopted proposal's implementation; back to the planner's page
/// of it, whose entries the proposal's page shows (its followers are told).
#[server(prefix = "/api", endpoint = "record_implementation", output = crate::api::JsonTextPost)]
pub async fn record_implementation(
    proposal_id: i64,
    #[server(default)] form: crate::model::implementation::ImplementationInput,
) -> Result<(), AppError> {
    use crate::backend::service::implementation;
    use crate::backend::state::app_state;
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            user.require(crate::backend::auth::Permission::Plan)?;
            implementation::record_for_proposal(
                &state.db,
                &state.site,
                &user,
                proposal_id,
                &form,
                chrono::Utc::now(),
            )
            .await?;
            super::account::finish(
                Done::ImplementationRecorded,
                &format!(
                    "{}#umsetzung",
                    crate::model::path::implementation_desk(proposal_id)
                ),
            )
        }
        .await,
    )
}
