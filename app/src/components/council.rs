//! What the city council decided about a procedure's proposals: the paper and how many
//! proposals got each outcome. Shown on the procedure page and with the results.

use crate::i18n::{T, use_i18n};
use crate::model::results::{CouncilPaper, OutcomeCount};
use leptos::prelude::*;

#[component]
pub fn CouncilSummary(council: Option<CouncilPaper>, outcomes: Vec<OutcomeCount>) -> impl IntoView {
    let i18n = use_i18n();
    if council.is_none() && outcomes.is_empty() {
        return ().into_any();
    }
    let items = outcomes
        .into_iter()
        .map(|o| {
            let outcome = o.outcome;
            view! { <li>{move || i18n.t().outcome(outcome)} ": " <strong>{o.count}</strong></li> }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="outcomes-heading">
            <h2 id="outcomes-heading"><T k=|t| t.results_outcomes_title /></h2>
            {council.map(|paper| view! {
                <p>
                    <T k=|t| t.council_paper />" "
                    <a href=paper.url>{paper.reference}" – "{paper.title}</a>
                </p>
            })}
            <ul>{items}</ul>
        </section>
    }
    .into_any()
}
