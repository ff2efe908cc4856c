//! What the city council decided about a procedure's proposals: the paper and how many
//! proposals got each outcome (shown on the procedure page and with the results), and the
//! fields planners record one outcome with (for a proposal or a budget's project).

use crate::components::form::{FieldState, typed_before};
use crate::error::AppError;
use crate::i18n::{T, use_i18n};
use crate::model::results::{CouncilOutcome, CouncilPaper, OutcomeCount, OutcomeView};
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

/// The outcome, the meeting's date and the justification, named `form[...]` as
/// `OutcomeForm` reads them; ids start with `prefix`. After a refusal (`error`) they keep
/// what was typed, else they show what is recorded.
#[component]
pub fn OutcomeFields(
    prefix: String,
    current: Option<OutcomeView>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let kept = |name: &str, recorded: Option<String>| {
        typed_before(error, &format!("form[{name}]"), recorded).unwrap_or_default()
    };
    let chosen = kept(
        "outcome",
        current.as_ref().map(|o| o.outcome.as_str().to_owned()),
    );
    let selected = CouncilOutcome::parse(&chosen);
    let date = kept(
        "meeting_date",
        current.as_ref().and_then(|o| o.meeting_date.clone()),
    );
    let justification = kept("justification", current.map(|o| o.justification));
    let options = CouncilOutcome::ALL
        .into_iter()
        .map(|outcome| {
            view! {
                <option value=outcome.as_str() selected=selected == Some(outcome)>
                    {move || i18n.t().outcome(outcome)}
                </option>
            }
        })
        .collect_view();
    let field = move |name: &str| format!("{prefix}{name}");
    let outcome_state = FieldState::new(error, "outcome", &field("outcome"), false);
    let date_state = FieldState::new(error, "meeting_date", &field("meeting_date"), false);
    let text_state = FieldState::new(error, "justification", &field("justification"), false);
    let (o, d, j) = (
        outcome_state.clone(),
        date_state.clone(),
        text_state.clone(),
    );
    view! {
        <div class="field" class:field--error=move || o.shown()>
            <label for=field("outcome")><T k=|t| t.outcome_label /></label>
            {outcome_state.view()}
            <select id=field("outcome") name="form[outcome]" required
                aria-invalid=outcome_state.invalid() aria-describedby=outcome_state.described()>
                <option value="" selected=selected.is_none()><T k=|t| t.outcome_none /></option>
                {options}
            </select>
        </div>
        <div class="field" class:field--error=move || d.shown()>
            <label for=field("meeting_date")><T k=|t| t.meeting_date_label /></label>
            {date_state.view()}
            <input
                id=field("meeting_date")
                name="form[meeting_date]"
                type="date"
                value=date
                aria-invalid=date_state.invalid()
                aria-describedby=date_state.described()
            />
        </div>
        <div class="field" class:field--error=move || j.shown()>
            <label for=field("justification")><T k=|t| t.justification_label /></label>
            {text_state.view()}
            <textarea id=field("justification") name="form[justification]" rows="3" maxlength="5000"
                aria-invalid=text_state.invalid() aria-describedby=text_state.described()>
                {crate::components::raw_text::raw_text(justification)}
            </textarea>
        </div>
    }
}
