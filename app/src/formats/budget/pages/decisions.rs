//! The planners' decisions on a budget's result, on its results page: the public list
//! (newest first, each with its reason, and a link to the procedure's moderation ledger,
//! which lists them too) and, for planners once voting has ended, the form
//! that takes one.

use crate::components::form::{ErrorAlert, Notice, posted_error, status, typed_before};
use crate::formats::budget::model::{DecisionOutcome, ProjectResult, ResultDecision};
use crate::formats::budget::planning_api::DecideResult;
use crate::i18n::{T, Texts, use_i18n};
use crate::model::done::Done;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

fn outcome_text(t: &Texts, outcome: DecisionOutcome) -> &'static str {
    match outcome {
        DecisionOutcome::Fund => t.decision_fund,
        DecisionOutcome::Unfund => t.decision_unfund,
        DecisionOutcome::Computed => t.decision_computed,
    }
}

#[component]
pub fn Decisions(
    decisions: Vec<ResultDecision>,
    /// The procedure's moderation ledger, where each decision is listed too.
    ledger: String,
) -> impl IntoView {
    let i18n = use_i18n();
    if decisions.is_empty() {
        return ().into_any();
    }
    let items = decisions
        .into_iter()
        .map(|decision| {
            let (at, outcome) = (decision.decided_at, decision.outcome);
            view! {
                <li class="card">
                    <p class="card__kicker">{move || i18n.t().date(at)}</p>
                    <p>
                        <strong>{decision.project_title.clone()}</strong>
                        ": "
                        {move || outcome_text(i18n.t(), outcome)}
                    </p>
                    <p>{decision.reason.clone()}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section id="entscheidungen" aria-labelledby="decisions-heading">
            <h2 id="decisions-heading"><T k=|t| t.decisions_heading /></h2>
            <p><T k=|t| t.decisions_intro /></p>
            <ul class="decision-list">{items}</ul>
            <p><a href=ledger><T k=|t| t.ledger_title /></a></p>
        </section>
    }
    .into_any()
}

#[component]
pub fn DecisionForm(slug: String, budget: i64, projects: Vec<ProjectResult>) -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error::<DecideResult>();
    // After a refusal, the reason as it was typed.
    let typed = typed_before(error, "form[reason]", None).unwrap_or_default();
    let status = status();
    let notice = move || {
        (status.get() == Some(Done::ResultDecided))
            .then(|| view! { <Notice text=|t| t.decision_taken /> })
    };
    let options = projects
        .into_iter()
        .map(|p| {
            let funded = p.funded;
            let title = p.title.clone();
            let label = move || {
                let t = i18n.t();
                let state = if funded {
                    t.results_funded
                } else {
                    t.decision_not_funded
                };
                format!("{title} ({state})")
            };
            view! { <option value=p.project_id>{label}</option> }
        })
        .collect_view();
    let radio = move |outcome: DecisionOutcome| {
        let id = format!("decision-{}", outcome.as_str());
        view! {
            <div class="field field--check">
                <input id=id.clone() type="radio" name="form[outcome]" value=outcome.as_str()
                    required=true />
                <label for=id>{move || outcome_text(i18n.t(), outcome)}</label>
            </div>
        }
    };
    view! {
        <section aria-labelledby="decide-heading">
            <h2 id="decide-heading"><T k=|t| t.result_decide_heading /></h2>
            <p><T k=|t| t.result_decide_intro /></p>
            {notice}
            <ErrorAlert error />
            <form method="post" action=DecideResult::PATH class="editor">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="budget" value=budget />
                <div class="field">
                    <label for="decision-project"><T k=|t| t.results_project /></label>
                    <select id="decision-project" name="form[project_id]">{options}</select>
                </div>
                <fieldset class="fieldset">
                    <legend><T k=|t| t.result_decide_outcome /></legend>
                    {radio(DecisionOutcome::Fund)}
                    {radio(DecisionOutcome::Unfund)}
                    {radio(DecisionOutcome::Computed)}
                </fieldset>
                <div class="field">
                    <label for="decision-reason"><T k=|t| t.result_decide_reason /></label>
                    <p class="field__hint" id="decision-reason-hint"><T k=|t| t.result_decide_reason_hint /></p>
                    <textarea id="decision-reason" name="form[reason]" rows="4" required=true
                        minlength="20" maxlength="2000" aria-describedby="decision-reason-hint">
                        {crate::components::raw_text::raw_text(typed)}
                    </textarea>
                </div>
                <button type="submit"><T k=|t| t.result_decide_submit /></button>
            </form>
        </section>
    }
}
