//! Server functions of the budget's pages. The ballot form posts its choices as
//! `choice[{project id}]` (a ticked box: `1`; under the cumulative rule: the points), so it
//! works as a plain HTML form; with JavaScript the same post saves as the person goes.

use crate::error::AppError;
use crate::formats::budget::model::{Ballot, BudgetLink, BudgetPage, ResultsPage};
use leptos::prelude::*;
use std::collections::BTreeMap;

#[server(prefix = "/api", endpoint = "budget_page", output = crate::api::JsonTextPost)]
pub async fn get_budget_page(slug: String, id: i64) -> Result<BudgetPage, AppError> {
    use super::service::page;
    use crate::backend::state::app_state;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let viewer = crate::api::account::ssr::current_user().await?;
            page::page(&state.db, &slug, id, viewer.as_ref(), chrono::Utc::now()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "budget_results_page", output = crate::api::JsonTextPost)]
pub async fn get_budget_results(slug: String, id: i64) -> Result<ResultsPage, AppError> {
    use super::service::page;
    use crate::backend::state::app_state;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let viewer = crate::api::account::ssr::current_user().await?;
            page::results_page(&state.db, &slug, id, viewer.as_ref(), chrono::Utc::now()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "procedure_budgets", output = crate::api::JsonTextPost)]
pub async fn list_procedure_budgets(slug: String) -> Result<Vec<BudgetLink>, AppError> {
    use super::service::page;
    use crate::backend::state::app_state;
    use crate::model::procedure::Slug;
    crate::api::with_status(
        async {
            let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            let state = app_state()?;
            let viewer = crate::api::account::ssr::current_user().await?;
            page::links(&state.db, &slug, viewer.as_ref(), chrono::Utc::now()).await
        }
        .await,
    )
}

/// Saves the caller's choices as their draft; with `then` = `submit`, submits it too.
/// Returns the ballot (a plain form post is sent back to the budget's page).
#[server(prefix = "/api", endpoint = "save_ballot", output = crate::api::JsonTextPost)]
pub async fn save_ballot(
    slug: String,
    budget: i64,
    #[server(default)] choice: BTreeMap<String, String>,
    then: Option<String>,
) -> Result<Ballot, AppError> {
    use super::service::ballot;
    use crate::backend::state::app_state;
    use crate::model::done::Done;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = crate::api::account::ssr::require_user().await?;
            let now = chrono::Utc::now();
            let input = ssr::ballot_input(&choice)?;
            let saved = ballot::save(&state.db, &user, budget, input, now).await?;
            let (ballot, done) = if then.as_deref() == Some("submit") {
                let submitted = ballot::submit(&state.db, &state.site, &user, budget, now).await?;
                (submitted, Done::BallotSubmitted)
            } else {
                (saved, Done::BallotSaved)
            };
            let back = crate::model::path::budget_ballot(&slug, budget);
            crate::api::account::finish(done, &back)?;
            Ok(ballot)
        }
        .await,
    )
}

/// Withdraws the caller's submitted ballot: it becomes a draft again and no longer counts.
#[server(prefix = "/api", endpoint = "withdraw_ballot", output = crate::api::JsonTextPost)]
pub async fn withdraw_ballot(slug: String, budget: i64) -> Result<Ballot, AppError> {
    use super::service::ballot;
    use crate::backend::state::app_state;
    use crate::model::done::Done;
    crate::api::with_status(
        async {
            let state = app_state()?;
            let user = crate::api::account::ssr::require_user().await?;
            let ballot = ballot::withdraw(&state.db, &user, budget, chrono::Utc::now()).await?;
            let back = crate::model::path::budget_ballot(&slug, budget);
            crate::api::account::finish(Done::BallotWithdrawn, &back)?;
            Ok(ballot)
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::error::AppError;
    use crate::formats::budget::model::{BallotInput, MAX_POINTS, MAX_PROJECTS_PER_BALLOT};
    use std::collections::BTreeMap;

    /// The form's `choice[{id}]` fields as a ballot: a field of `0` or nothing is no choice;
    /// any other value is the points (a ticked box sends `1`). Whether points are allowed
    /// at all is the service's to say, as for the REST API.
    pub fn ballot_input(choice: &BTreeMap<String, String>) -> Result<BallotInput, AppError> {
        if choice.len() > MAX_PROJECTS_PER_BALLOT as usize {
            return Err(AppError::invalid("project_ids", "too_many"));
        }
        let mut project_ids = Vec::new();
        let mut points = BTreeMap::new();
        for (id, value) in choice {
            let id: i64 = id
                .parse()
                .map_err(|_| AppError::invalid("project_ids", "not_on_ballot"))?;
            let value = value.trim();
            let given: u32 = if value.is_empty() {
                0
            } else {
                value
                    .parse()
                    .map_err(|_| AppError::invalid("points", "out_of_range"))?
            };
            if given == 0 {
                continue;
            }
            if given > MAX_POINTS {
                return Err(AppError::invalid("points", "out_of_range"));
            }
            project_ids.push(id);
            if given > 1 {
                points.insert(id, given);
            }
        }
        Ok(BallotInput {
            project_ids,
            points: (!points.is_empty()).then_some(points),
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        }

        #[test]
        fn ticked_boxes_and_points_become_choices() {
            let input =
                ballot_input(&form(&[("3", "1"), ("5", "0"), ("7", "4"), ("9", "")])).unwrap();
            assert_eq!(input.project_ids, vec![3, 7]);
            assert_eq!(input.points, Some(BTreeMap::from([(7, 4)])));
            assert_eq!(
                ballot_input(&form(&[])).unwrap().project_ids,
                Vec::<i64>::new()
            );
        }

        #[test]
        fn what_is_not_a_choice_is_refused() {
            for pairs in [
                [("x", "1")],
                [("3", "many")],
                [("3", "-1")],
                [("3", "1001")],
            ] {
                assert!(ballot_input(&form(&pairs)).is_err(), "{pairs:?}");
            }
        }
    }
}
