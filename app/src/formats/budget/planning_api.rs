//! Server functions of the planners' budget pages. Each form posts as a plain HTML form
//! and is sent back to its page with the outcome (or the problem) in the address; each has
//! a REST twin in the access table, and the services check the same permissions for both.

use crate::error::AppError;
use crate::formats::budget::planning::{
    BatchDesk, BudgetDesk, BudgetForm, BudgetsOverview, ProjectDesk, ProjectForm,
};
use leptos::prelude::*;
use std::collections::BTreeMap;

#[server(prefix = "/api", endpoint = "budget_overview", output = crate::api::JsonTextPost)]
pub async fn get_budget_overview(slug: String) -> Result<BudgetsOverview, AppError> {
    use super::service::planning;
    use crate::backend::state::app_state;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = ssr::planner().await?;
            planning::overview(&state.db, &user, &slug, chrono::Utc::now()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "create_budget", output = crate::api::JsonTextPost)]
pub async fn create_budget(
    slug: String,
    #[server(default)] form: BudgetForm,
) -> Result<(), AppError> {
    use super::planning::in_form_terms;
    use super::service::budget;
    use crate::backend::state::app_state;
    use crate::model::{done::Done, path, procedure::Slug};
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = ssr::planner().await?;
            let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            let input = form.input()?;
            let created = budget::create(&state.db, &user, &slug, input, chrono::Utc::now())
                .await
                .map_err(in_form_terms)?;
            crate::api::account::finish(Done::Created, &path::budget_desk(created.id))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "budget_desk", output = crate::api::JsonTextPost)]
pub async fn get_budget_desk(id: i64) -> Result<BudgetDesk, AppError> {
    use super::service::planning;
    use crate::backend::state::app_state;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = ssr::planner().await?;
            planning::desk(&state.db, &user, id, chrono::Utc::now()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "update_budget", output = crate::api::JsonTextPost)]
pub async fn update_budget(id: i64, #[server(default)] form: BudgetForm) -> Result<(), AppError> {
    use super::planning::in_form_terms;
    use super::service::budget;
    use crate::backend::state::app_state;
    use crate::model::{done::Done, path};
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = ssr::planner().await?;
            let patch = form.patch()?;
            budget::update(&state.db, &user, id, patch, chrono::Utc::now())
                .await
                .map_err(in_form_terms)?;
            crate::api::account::finish(Done::Saved, &path::budget_desk(id))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "create_project", output = crate::api::JsonTextPost)]
pub async fn create_project(
    budget: i64,
    #[server(default)] form: ProjectForm,
) -> Result<(), AppError> {
    use super::planning::in_form_terms;
    use super::service::project;
    use crate::backend::state::app_state;
    use crate::model::{done::Done, path};
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = ssr::planner().await?;
            let input = form.input()?;
            let created = project::create(&state.db, &user, budget, input, chrono::Utc::now())
                .await
                .map_err(in_form_terms)?;
            crate::api::account::finish(Done::Created, &path::project_desk(created.id))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "project_desk", output = crate::api::JsonTextPost)]
pub async fn get_project_desk(id: i64) -> Result<ProjectDesk, AppError> {
    use super::service::planning;
    use crate::backend::state::app_state;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = ssr::planner().await?;
            planning::project_desk(&state.db, &user, id, chrono::Utc::now()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "update_project", output = crate::api::JsonTextPost)]
pub async fn update_project(id: i64, #[server(default)] form: ProjectForm) -> Result<(), AppError> {
    use super::planning::in_form_terms;
    use super::service::project;
    use crate::backend::state::app_state;
    use crate::model::{done::Done, path};
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = ssr::planner().await?;
            let patch = form.patch()?;
            let now = chrono::Utc::now();
            let saved = project::update(&state.db, &state.site, &user, id, patch, now)
                .await
                .map_err(in_form_terms)?;
            let back = format!("{}#projekt-{id}", path::budget_desk(saved.budget_id));
            crate::api::account::finish(Done::Saved, &back)
        }
        .await,
    )
}

/// Takes a project off the ballot for good; its voters are told and may vote again.
/// `confirm` is the ticked box that says the planner means it.
#[server(prefix = "/api", endpoint = "withdraw_project", output = crate::api::JsonTextPost)]
pub async fn withdraw_project(id: i64, confirm: Option<String>) -> Result<(), AppError> {
    use super::model::ProjectPatch;
    use super::service::project;
    use crate::backend::state::app_state;
    use crate::model::{done::Done, path};
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = ssr::planner().await?;
            if confirm.is_none() {
                return Err(AppError::invalid("confirm_withdrawal", "required"));
            }
            let patch = ProjectPatch {
                withdrawn: Some(true),
                ..ProjectPatch::default()
            };
            let now = chrono::Utc::now();
            let project = project::update(&state.db, &state.site, &user, id, patch, now).await?;
            let back = format!("{}#projekt-{id}", path::budget_desk(project.budget_id));
            crate::api::account::finish(Done::Withdrawn, &back)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "start_paper_batch", output = crate::api::JsonTextPost)]
pub async fn start_paper_batch(budget: i64, label: String) -> Result<(), AppError> {
    use super::model::PaperBatchInput;
    use super::service::paper;
    use crate::backend::state::app_state;
    use crate::model::{done::Done, path};
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = ssr::planner().await?;
            let input = PaperBatchInput { label };
            let batch =
                paper::create_batch(&state.db, &user, budget, input, chrono::Utc::now()).await?;
            crate::api::account::finish(Done::Created, &path::batch_desk(batch.id))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "batch_desk", output = crate::api::JsonTextPost)]
pub async fn get_batch_desk(id: i64) -> Result<BatchDesk, AppError> {
    use super::service::planning;
    use crate::backend::state::app_state;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = ssr::planner().await?;
            planning::batch_desk(&state.db, &user, id, chrono::Utc::now()).await
        }
        .await,
    )
}

/// Enters one paper ballot, its choices posted as the online ballot posts them
/// (`choice[{project id}]`).
#[server(prefix = "/api", endpoint = "enter_paper_ballot", output = crate::api::JsonTextPost)]
pub async fn enter_paper_ballot(
    batch: i64,
    #[server(default)] choice: BTreeMap<String, String>,
) -> Result<(), AppError> {
    use super::service::paper;
    use crate::backend::state::app_state;
    use crate::model::{done::Done, path};
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = ssr::planner().await?;
            let input = super::api::ssr::ballot_input(&choice)?;
            paper::add_ballot(&state.db, &user, batch, input, chrono::Utc::now()).await?;
            let back = format!("{}#stimmzettel", path::batch_desk(batch));
            crate::api::account::finish(Done::PaperBallotEntered, &back)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "confirm_paper_batch", output = crate::api::JsonTextPost)]
pub async fn confirm_paper_batch(batch: i64) -> Result<(), AppError> {
    use super::service::paper;
    use crate::backend::state::app_state;
    use crate::model::{done::Done, path};
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = ssr::planner().await?;
            paper::confirm(&state.db, &user, batch, chrono::Utc::now()).await?;
            crate::api::account::finish(Done::BatchConfirmed, &path::batch_desk(batch))
        }
        .await,
    )
}

/// Discards an unconfirmed batch with its ballots; `confirm` is the ticked box that says
/// the person means it.
#[server(prefix = "/api", endpoint = "discard_paper_batch", output = crate::api::JsonTextPost)]
pub async fn discard_paper_batch(batch: i64, confirm: Option<String>) -> Result<(), AppError> {
    use super::service::paper;
    use crate::backend::state::app_state;
    use crate::model::{done::Done, path};
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = ssr::planner().await?;
            if confirm.is_none() {
                return Err(AppError::invalid("confirm_discard", "required"));
            }
            let now = chrono::Utc::now();
            let budget = paper::get_batch(&state.db, &user, batch, now)
                .await?
                .budget_id;
            paper::discard(&state.db, &user, batch, now).await?;
            let back = format!("{}#papier", path::budget_desk(budget));
            crate::api::account::finish(Done::BatchDiscarded, &back)
        }
        .await,
    )
}

/// A planner's decision on the result of an ended vote, with its public reason; back to
/// the results page, where it is listed.
#[server(prefix = "/api", endpoint = "decide_result", output = crate::api::JsonTextPost)]
pub async fn decide_result(
    slug: String,
    budget: i64,
    #[server(default)] form: super::planning::DecisionForm,
) -> Result<(), AppError> {
    use super::service::decision;
    use crate::backend::state::app_state;
    use crate::model::{done::Done, path};
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = ssr::planner().await?;
            let input = form.input()?;
            decision::decide(&state.db, &user, budget, input, chrono::Utc::now()).await?;
            let back = format!("{}#entscheidungen", path::budget_results(&slug, budget));
            crate::api::account::finish(Done::ResultDecided, &back)
        }
        .await,
    )
}

/// A planner's entry of a funded project's implementation; back to the project's page.
#[server(prefix = "/api", endpoint = "record_project_implementation", output = crate::api::JsonTextPost)]
pub async fn record_project_implementation(
    id: i64,
    #[server(default)] form: crate::model::implementation::ImplementationInput,
) -> Result<(), AppError> {
    use super::service::implementation;
    use crate::backend::state::app_state;
    use crate::model::{done::Done, path};
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = ssr::planner().await?;
            implementation::record_for_project(
                &state.db,
                &state.site,
                &user,
                id,
                &form,
                chrono::Utc::now(),
            )
            .await?;
            let back = format!("{}#umsetzung", path::project_desk(id));
            crate::api::account::finish(Done::ImplementationRecorded, &back)
        }
        .await,
    )
}

/// A planner's entry of the council's outcome for a project (once voting has ended); back
/// to the project's page.
#[server(prefix = "/api", endpoint = "record_project_outcome", output = crate::api::JsonTextPost)]
pub async fn record_project_outcome(
    id: i64,
    #[server(default)] form: crate::model::results::OutcomeForm,
) -> Result<(), AppError> {
    use super::service::council;
    use crate::backend::state::app_state;
    use crate::model::{done::Done, path, results::DecisionSource};
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = ssr::planner().await?;
            let now = chrono::Utc::now();
            let source = DecisionSource::Manual;
            council::record(&state.db, &state.site, &user, id, &form, source, now).await?;
            let back = format!("{}#rat", path::project_desk(id));
            crate::api::account::finish(Done::OutcomeSaved, &back)
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::backend::auth::{CurrentUser, Permission};
    use crate::error::AppError;

    /// The signed-in planner: anyone else is refused before their form is read.
    pub async fn planner() -> Result<CurrentUser, AppError> {
        let user = crate::api::account::ssr::require_user().await?;
        user.require(Permission::Plan)?;
        Ok(user)
    }
}
