//! One batch of paper ballots (`/verwaltung/papierstapel/{id}`): staff enter each paper
//! ballot as it is, one form per ballot, checked by the budget's rule; a second person
//! confirms the batch, and only then do its ballots count. An open batch can be discarded.

use super::{money, rule_lines};
use crate::components::desk::{desk_frame, id_param};
use crate::components::form::{ErrorAlert, Notice, posted_error, status};
use crate::formats::budget::model::{BallotRule, Project};
use crate::formats::budget::planning::BatchDesk;
use crate::formats::budget::planning_api::{
    ConfirmPaperBatch, DiscardPaperBatch, EnterPaperBallot, get_batch_desk,
};
use crate::i18n::{T, Texts, use_i18n};
use crate::model::done::Done;
use crate::model::path;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// `/verwaltung/papierstapel/{id}`
#[component]
pub fn BatchDeskPage() -> impl IntoView {
    let desk = Resource::new(id_param(), get_batch_desk);
    desk_frame(
        |t| t.batch_desk_title,
        desk,
        |desk| view! { <Batch desk /> }.into_any(),
    )
}

#[component]
fn Batch(desk: BatchDesk) -> impl IntoView {
    let i18n = use_i18n();
    let status = status();
    let notice = move || {
        let text: fn(&'static Texts) -> &'static str = match status.get()? {
            Done::Created => |t| t.batch_created,
            Done::PaperBallotEntered => |t| t.batch_ballot_entered,
            Done::BatchConfirmed => |t| t.batch_confirmed_notice,
            _ => return None,
        };
        Some(view! { <Notice text /> })
    };
    let batch = desk.batch.clone();
    let label = batch.label.clone();
    let count = batch.ballots;
    let entered_by = desk.entered_by_name.clone().unwrap_or_default();
    let confirmed = batch
        .confirmed_at
        .map(|at| (at, desk.confirmed_by_name.clone().unwrap_or_default()));
    let state = move || {
        let t = i18n.t();
        match &confirmed {
            Some((at, by)) => t.batch_state_confirmed.fmt(&[
                ("name", by.as_str().into()),
                ("date", t.date(*at).as_str().into()),
            ]),
            None => t.batch_state_open.to_owned(),
        }
    };
    let work = desk.open.then(|| {
        view! {
            <EntryForm batch=batch.id rule=desk.budget.rule total=desk.budget.total_cents
                projects=desk.projects.clone() />
            <Confirm batch=batch.id mine=desk.entered_by_viewer empty={count == 0} />
            <Discard batch=batch.id />
        }
    });
    view! {
        <p class="card__kicker">
            <a href=format!("{}#papier", path::budget_desk(desk.budget.id))>{desk.budget.title.clone()}</a>
        </p>
        <h1>{move || i18n.t().batch_heading.fmt(&[("label", label.as_str().into())])}</h1>
        {notice}
        <dl class="facts">
            <div>
                <dt><T k=|t| t.desk_batch_ballots /></dt>
                <dd>{count}</dd>
            </div>
            <div>
                <dt><T k=|t| t.batch_entered_by /></dt>
                <dd>{entered_by}</dd>
            </div>
            <div>
                <dt><T k=|t| t.status_label /></dt>
                <dd>{state}</dd>
            </div>
        </dl>
        {work}
    }
}

/// One paper ballot: the projects as the printed ballot lists them, a box or the points
/// for each, as the resident marked it.
#[component]
fn EntryForm(batch: i64, rule: BallotRule, total: i64, projects: Vec<Project>) -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error::<EnterPaperBallot>();
    let points = matches!(rule, BallotRule::Cumulative { .. });
    let rows = projects
        .into_iter()
        .map(|project| {
            let id = format!("paper-{}", project.id);
            let name = format!("choice[{}]", project.id);
            let cost = project.cost_cents;
            let control = if points {
                view! { <input id=id.clone() type="number" name=name min="0" value="0" inputmode="numeric" class="input--short" /> }.into_any()
            } else {
                view! { <input id=id.clone() type="checkbox" name=name value="1" /> }.into_any()
            };
            view! {
                <tr>
                    <td>{control}</td>
                    <th scope="row"><label for=id>{project.title.clone()}</label></th>
                    <td class="num money">{move || money(i18n.t(), cost)}</td>
                </tr>
            }
        })
        .collect_view();
    let rules = move || {
        rule_lines(i18n.t(), rule, total)
            .into_iter()
            .map(|line| view! { <li>{line}</li> })
            .collect_view()
    };
    let mark: fn(&'static Texts) -> &'static str = if points {
        |t| t.project_points
    } else {
        |t| t.batch_marked
    };
    view! {
        <section id="stimmzettel" class="desk-section" aria-labelledby="entry-heading">
            <h2 id="entry-heading"><T k=|t| t.batch_enter_heading /></h2>
            <p><T k=|t| t.batch_enter_hint /></p>
            <ul>{rules}</ul>
            <ErrorAlert error />
            <form method="post" action=EnterPaperBallot::PATH>
                <input type="hidden" name="batch" value=batch />
                <div class="table-scroll">
                    <table class="users-table">
                        <caption class="visually-hidden"><T k=|t| t.batch_enter_heading /></caption>
                        <thead>
                            <tr>
                                <th scope="col">{move || mark(i18n.t())}</th>
                                <th scope="col"><T k=|t| t.results_project /></th>
                                <th scope="col" class="num"><T k=|t| t.project_cost /></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <button type="submit"><T k=|t| t.batch_enter /></button>
            </form>
        </section>
    }
}

#[component]
fn Confirm(batch: i64, mine: bool, empty: bool) -> impl IntoView {
    let error = posted_error::<ConfirmPaperBatch>();
    let body = if mine {
        view! { <p><T k=|t| t.batch_confirm_by_other /></p> }.into_any()
    } else if empty {
        view! { <p><T k=|t| t.batch_confirm_empty /></p> }.into_any()
    } else {
        view! {
            <p><T k=|t| t.batch_confirm_hint /></p>
            <form method="post" action=ConfirmPaperBatch::PATH>
                <input type="hidden" name="batch" value=batch />
                <button type="submit"><T k=|t| t.batch_confirm /></button>
            </form>
        }
        .into_any()
    };
    view! {
        <section class="desk-section" aria-labelledby="confirm-heading">
            <h2 id="confirm-heading"><T k=|t| t.batch_confirm_heading /></h2>
            // A refusal comes back here whoever may confirm now.
            <ErrorAlert error />
            {body}
        </section>
    }
}

#[component]
fn Discard(batch: i64) -> impl IntoView {
    let error = posted_error::<DiscardPaperBatch>();
    view! {
        <section class="desk-section" aria-labelledby="discard-heading">
            <h2 id="discard-heading"><T k=|t| t.batch_discard_heading /></h2>
            <p><T k=|t| t.batch_discard_hint /></p>
            <ErrorAlert error />
            <form method="post" action=DiscardPaperBatch::PATH>
                <input type="hidden" name="batch" value=batch />
                <div class="field field--check">
                    <input id="discard-confirm" type="checkbox" name="confirm" value="on" required=true />
                    <label for="discard-confirm"><T k=|t| t.batch_discard_confirm /></label>
                </div>
                <button type="submit" class="button--danger"><T k=|t| t.batch_discard /></button>
            </form>
        </section>
    }
}
