//! A budget's results (`/verfahren/{slug}/budget/{id}/ergebnis`): which projects are funded
//! and why the others are not, by the published method, with the ballot file and its
//! SHA-256 so that anyone can recompute them, and the planners' decisions where the
//! published result differs from the count. Before voting ends the page says when the
//! result comes; planners see the count so far, marked as such.

use super::decisions::{DecisionForm, Decisions};
use super::{method_text, money, rule_lines, unfunded_text};
use crate::components::error_view::ErrorPage;
use crate::components::implementation::{ImplementationBadge, ImplementationEntries};
use crate::formats::budget::api::get_budget_results;
use crate::formats::budget::model::{
    BallotRule, Budget, BudgetResults, ProjectResult, ResultsPage,
};
use crate::i18n::{T, use_i18n};
use crate::model::implementation::Implementation;
use crate::model::path;
use crate::model::results::OutcomeView;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn BudgetResultsPage() -> impl IntoView {
    let page = Resource::new(super::budget_address(), |(slug, id)| {
        get_budget_results(slug, id)
    });
    view! {
        <Transition fallback=move || view! { <p class="container loading"><T k=|t| t.loading /></p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! { <ResultsView data /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ResultsView(data: ResultsPage) -> impl IntoView {
    let i18n = use_i18n();
    let ResultsPage {
        budget,
        procedure_title,
        results,
        may_decide,
        implementations,
    } = data;
    let slug = budget.procedure.clone();
    let title = budget.title.clone();
    let back = path::budget(&slug, budget.id);
    let ends = budget.voting_ends_at;
    let body = match results {
        Some(results) => view! { <Figures budget=budget.clone() results may_decide /> }.into_any(),
        None => view! {
            <p class="alert alert--info" role="note">
                {move || {
                    let t = i18n.t();
                    match ends {
                        Some(ends) => t
                            .budget_results_pending
                            .fmt(&[("date", t.last_day(ends).as_str().into())]),
                        None => t.budget_results_not_yet.to_owned(),
                    }
                }}
            </p>
        }
        .into_any(),
    };
    let page_title = title.clone();
    view! {
        <Title text=move || format!("{} – {}", i18n.t().budget_results_title, page_title) />
        <article class="container budget-page">
            <header class="page-intro">
                <p class="card__kicker">
                    <a href=path::procedure(&slug)>{procedure_title}</a>
                </p>
                <h1>
                    <T k=|t| t.budget_results_title />
                    ": "
                    {title}
                </h1>
            </header>
            {body}
            <Implementations implementations />
            <p><a href=back><T k=|t| t.results_back /></a></p>
        </article>
    }
}

#[component]
fn Figures(budget: Budget, results: BudgetResults, may_decide: bool) -> impl IntoView {
    let i18n = use_i18n();
    let BudgetResults {
        method,
        rule,
        total_cents,
        spent_cents,
        ballots,
        final_result,
        tie_seed,
        ballot_file_sha256,
        projects,
        decisions,
        ..
    } = results;
    let decide = may_decide.then(|| {
        view! { <DecisionForm slug=budget.procedure.clone() budget=budget.id projects=projects.clone() /> }
    });
    let funded = projects.iter().filter(|p| p.funded).count();
    // The council's column once it has decided about any project.
    let council = projects.iter().any(|p| p.council.is_some());
    let points = matches!(rule, BallotRule::Cumulative { .. });
    let rules = move || {
        rule_lines(i18n.t(), rule, total_cents)
            .into_iter()
            .map(|line| view! { <li>{line}</li> })
            .collect_view()
    };
    let rows = projects
        .into_iter()
        .map(|project| view! { <ResultRow project council /> })
        .collect_view();
    let file = path::budget_ballot_file(budget.id);
    let ledger = path::procedure_ledger(&budget.procedure);
    view! {
        {(!final_result).then(|| view! {
            <p class="alert alert--info" role="note"><T k=|t| t.budget_results_interim /></p>
        })}
        <dl class="facts budget__figures">
            <div>
                <dt><T k=|t| t.budget_total /></dt>
                <dd>{move || money(i18n.t(), total_cents)}</dd>
            </div>
            <div>
                <dt><T k=|t| t.results_spent /></dt>
                <dd>{move || money(i18n.t(), spent_cents)}</dd>
            </div>
            <div>
                <dt><T k=|t| t.results_ballots /></dt>
                <dd>{ballots}</dd>
            </div>
            <div>
                <dt><T k=|t| t.results_funded_projects /></dt>
                <dd>{funded}</dd>
            </div>
        </dl>
        <section class="card budget__rule" aria-labelledby="method-heading">
            <h2 id="method-heading"><T k=|t| t.rule_heading /></h2>
            <ul>{rules}</ul>
            <p>{move || method_text(i18n.t(), method)}</p>
            <p class="field__hint">
                {move || i18n.t().tie_rule.fmt(&[("seed", tie_seed.as_str().into())])}
            </p>
        </section>
        <div class="table-scroll">
            <table class="table budget-results">
                <caption><T k=|t| t.results_table_caption /></caption>
                <thead>
                    <tr>
                        <th scope="col"><T k=|t| t.results_project /></th>
                        <th scope="col" class="num"><T k=|t| t.project_cost /></th>
                        <th scope="col" class="num">
                            {move || if points { i18n.t().results_points } else { i18n.t().results_votes }}
                        </th>
                        <th scope="col"><T k=|t| t.results_verdict /></th>
                        {council.then(|| view! { <th scope="col"><T k=|t| t.outcome_label /></th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <Decisions decisions ledger />
        {decide}
        <section aria-labelledby="file-heading">
            <h2 id="file-heading"><T k=|t| t.results_downloads /></h2>
            <p><a download="" href=file><T k=|t| t.results_file /></a></p>
            <p>
                <T k=|t| t.results_checksum />
                ": "
                <code class="checksum">{ballot_file_sha256}</code>
            </p>
            <p class="field__hint"><T k=|t| t.results_recompute /></p>
        </section>
    }
}

/// One project's line; `council` adds the council's outcome.
#[component]
fn ResultRow(project: ProjectResult, council: bool) -> impl IntoView {
    let i18n = use_i18n();
    let number = project.number();
    let outcome = project.council.clone();
    let ProjectResult {
        title,
        cost_cents,
        votes,
        funded,
        unfunded,
        decided,
        ..
    } = project;
    let verdict = move || {
        let t = i18n.t();
        match (funded, unfunded) {
            (true, _) if decided => t.results_funded_by_decision,
            (true, _) => t.results_funded,
            (false, Some(why)) => unfunded_text(t, why),
            (false, None) => t.unfunded_did_not_fit,
        }
    };
    view! {
        <tr class:budget-results__funded=funded>
            <th scope="row">{format!("{number} {title}")}</th>
            <td class="num">{move || money(i18n.t(), cost_cents)}</td>
            <td class="num">{votes}</td>
            <td>{verdict}</td>
            {council.then(|| view! { <td><CouncilCell outcome /></td> })}
        </tr>
    }
}

/// The council's outcome, with its date and reasoning where recorded.
#[component]
fn CouncilCell(outcome: Option<OutcomeView>) -> impl IntoView {
    let i18n = use_i18n();
    outcome.map(|o| {
        let kind = o.outcome;
        let date = o.meeting_day();
        let date = date.map(|d| {
            move || {
                let t = i18n.t();
                t.outcome_meeting
                    .fmt(&[("date", t.date(d).as_str().into())])
            }
        });
        let reasoning = (!o.justification.is_empty())
            .then(|| view! { <p class="field__hint preserve-lines">{o.justification}</p> });
        view! {
            <strong>{move || i18n.t().outcome(kind)}</strong>
            {date.map(|d| view! { <p class="field__hint">{d}</p> })}
            {reasoning}
        }
    })
}

/// What became of the funded projects, each with its status and entries.
#[component]
fn Implementations(implementations: Vec<(i64, String, Implementation)>) -> impl IntoView {
    if implementations.is_empty() {
        return ().into_any();
    }
    let items = implementations
        .into_iter()
        .map(|(id, title, implementation)| {
            let status = implementation
                .status
                .map(|status| view! { <ImplementationBadge status /> });
            view! {
                <article class="card" id=format!("projekt-{id}-umsetzung")>
                    <h3>{title}" "{status}</h3>
                    <ImplementationEntries entries=implementation.entries />
                </article>
            }
        })
        .collect_view();
    view! {
        <section id="umsetzung" aria-labelledby="implementation-heading">
            <h2 id="implementation-heading"><T k=|t| t.implementation_projects_heading /></h2>
            <p><T k=|t| t.implementation_projects_intro /></p>
            {items}
        </section>
    }
    .into_any()
}
