//! A proposal page's "Stellungnahme der Fachverwaltung": the unit asked and by when, then
//! its verdict and text; for planners, a link to their page that asks and answers
//! (`opinion_desk.rs`).

use crate::formats::proposals::opinion::{ExpertOpinion, OpinionView, Verdict};
use crate::i18n::{T, Texts, use_i18n};
use crate::model::path;
use crate::model::time::LocalDate;
use leptos::prelude::*;

fn verdict_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Feasible => "badge badge--finished",
        Verdict::PartlyFeasible => "badge badge--upcoming",
        Verdict::NotFeasible => "badge",
    }
}

/// "15. März 2027" from `YYYY-MM-DD`.
pub(super) fn day_text(t: &Texts, iso: &str) -> String {
    LocalDate::parse_iso(iso)
        .map(|day| t.date(day.start_in_berlin()))
        .unwrap_or_default()
}

/// The section, shown once an opinion is asked for (to planners also before).
#[component]
pub fn OpinionSection(view: OpinionView, proposal_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let OpinionView { opinion, may_edit } = view;
    if opinion.is_none() && !may_edit {
        return ().into_any();
    }
    let shown = opinion
        .clone()
        .map(|opinion| view! { <OpinionText opinion /> });
    // Planners ask and answer on their own page (loaded only when they go there).
    let asked = opinion.is_some();
    let forms = may_edit.then(|| {
        view! {
            <p>
                <a href=path::opinion_desk(proposal_id)>
                    {move || if asked { i18n.t().opinion_edit_link } else { i18n.t().opinion_request_link }}
                </a>
            </p>
        }
    });
    view! {
        <section id="stellungnahme" class="opinion" aria-labelledby="opinion-heading">
            <h2 id="opinion-heading"><T k=|t| t.opinion_heading /></h2>
            {shown}
            {forms}
        </section>
    }
    .into_any()
}

#[component]
pub fn OpinionText(opinion: ExpertOpinion) -> impl IntoView {
    let i18n = use_i18n();
    let ExpertOpinion {
        unit,
        due_on,
        overdue,
        answer,
    } = opinion;
    match answer {
        Some(answer) => {
            let verdict = answer.verdict;
            let at = answer.answered_at;
            let unit = unit.clone();
            view! {
                <p>
                    <T k=|t| t.opinion_verdict />": "
                    <span class=verdict_class(verdict)>{move || i18n.t().verdict(verdict)}</span>
                </p>
                <p class="preserve-lines">{answer.text}</p>
                <p class="card__kicker">
                    {move || i18n.t().opinion_by.fmt(&[("unit", unit.as_str().into()), ("date", i18n.t().date(at).as_str().into())])}
                </p>
            }
            .into_any()
        }
        None => {
            let late = overdue.then(|| view! { <strong><T k=|t| t.opinion_overdue /></strong> });
            view! {
                <p>
                    {move || i18n.t().opinion_pending.fmt(&[("unit", unit.as_str().into()), ("date", day_text(i18n.t(), &due_on).as_str().into())])}
                    " "
                    {late}
                </p>
            }
            .into_any()
        }
    }
}
