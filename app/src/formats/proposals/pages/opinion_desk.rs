//! The planners' pages for expert opinions: one proposal's (`/verwaltung/stellungnahmen/{id}`:
//! ask a unit by a day, then enter its answer) and a procedure's list
//! (`/verwaltung/verfahren/{slug}/stellungnahmen`: open ones by due date, overdue marked,
//! then the answered ones). Loaded only when a planner goes there.

use super::opinion::{OpinionText, day_text};
use crate::components::desk::{desk_frame, id_param};
use crate::components::form::{ErrorAlert, Notice, posted_error, status, typed_before};
use crate::formats::proposals::opinion::{
    ExpertOpinion, OpinionDesk, OpinionList, SELECT_PER_DISTRICT_MAX, SELECT_TOP_MAX, TEXT_MAX,
    TEXT_MIN, UNIT_MAX, UNIT_MIN, Verdict,
};
use crate::formats::proposals::opinion_api::{
    AnswerOpinion, RequestOpinion, SelectForOpinion, get_opinion_desk, list_opinions,
};
use crate::i18n::{T, use_i18n};
use crate::model::done::Done;
use crate::model::path;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/verwaltung/stellungnahmen/{id}`
#[component]
pub fn OpinionDeskPage() -> impl IntoView {
    let desk = Resource::new(id_param(), get_opinion_desk);
    desk_frame(
        |t| t.opinion_desk_title,
        desk,
        |desk| view! { <Desk desk /> }.into_any(),
    )
}

#[component]
fn Desk(desk: OpinionDesk) -> impl IntoView {
    let i18n = use_i18n();
    let OpinionDesk {
        proposal,
        procedure,
        view,
    } = desk;
    let id = proposal.id;
    let opinion = view.opinion.clone();
    let answered = opinion.as_ref().is_some_and(|o| o.answer.is_some());
    let asked = opinion.is_some();
    let shown = opinion
        .clone()
        .map(|opinion| view! { <OpinionText opinion /> });
    let forms = view.may_edit.then(|| {
        view! { <OpinionForms proposal_id=id opinion=opinion.clone() answered asked /> }
    });
    let closed = (!view.may_edit).then(|| view! { <p><T k=|t| t.opinion_closed /></p> });
    view! {
        <p class="card__kicker">
            <a href=path::opinions(&procedure.slug)>{procedure.title.clone()}</a>
        </p>
        <h1>{move || i18n.t().opinion_desk_title}</h1>
        <p>
            <a href=format!("{}#stellungnahme", path::proposal(id))>
                {move || i18n.t().proposal_number.fmt(&[("id", id.into())])}": "{proposal.title.clone()}
            </a>
        </p>
        {shown}
        {closed}
        {forms}
    }
}

/// Asking (while unanswered) and answering (once asked).
#[component]
fn OpinionForms(
    proposal_id: i64,
    opinion: Option<ExpertOpinion>,
    answered: bool,
    asked: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let done = status();
    let notice = move || match done.get() {
        Some(Done::OpinionRequested) => Some(view! { <Notice text=|t| t.opinion_requested /> }),
        Some(Done::OpinionAnswered) => Some(view! { <Notice text=|t| t.opinion_answered /> }),
        _ => None,
    };
    let request_error = posted_error::<RequestOpinion>();
    let answer_error = posted_error::<AnswerOpinion>();
    let unit = typed_before(request_error, "form[unit]", None)
        .or_else(|| opinion.as_ref().map(|o| o.unit.clone()))
        .unwrap_or_default();
    let due = typed_before(request_error, "form[due_on]", None)
        .or_else(|| opinion.as_ref().map(|o| o.due_on.clone()))
        .unwrap_or_default();
    let text = typed_before(answer_error, "form[text]", None)
        .or_else(|| {
            opinion
                .as_ref()
                .and_then(|o| o.answer.as_ref())
                .map(|a| a.text.clone())
        })
        .unwrap_or_default();
    let current = opinion
        .as_ref()
        .and_then(|o| o.answer.as_ref())
        .map(|a| a.verdict);
    let request = (!answered).then(|| {
        view! {
            <h2 id="opinion-request-heading"><T k=|t| t.opinion_request_heading /></h2>
            <ErrorAlert error=request_error fields=&["unit", "due_on"] prefix=Some("opinion-".to_owned()) />
            <form method="post" action=RequestOpinion::PATH class="editor" aria-labelledby="opinion-request-heading">
                <input type="hidden" name="proposal_id" value=proposal_id />
                {unit_and_due("opinion", unit, due)}
                <button type="submit"><T k=|t| t.opinion_request_submit /></button>
            </form>
        }
    });
    let answer = asked.then(|| {
        let options = Verdict::ALL
            .into_iter()
            .map(|verdict| {
                view! {
                    <option value=verdict.as_str() selected=current == Some(verdict)>
                        {move || i18n.t().verdict(verdict)}
                    </option>
                }
            })
            .collect_view();
        view! {
            <h2 id="opinion-answer-heading"><T k=|t| t.opinion_answer_heading /></h2>
            <ErrorAlert error=answer_error fields=&["verdict", "opinion"] prefix=Some("opinion-".to_owned()) />
            <form method="post" action=AnswerOpinion::PATH class="editor" aria-labelledby="opinion-answer-heading">
                <input type="hidden" name="proposal_id" value=proposal_id />
                <div class="field">
                    <label for="opinion-verdict"><T k=|t| t.opinion_verdict /></label>
                    <select id="opinion-verdict" name="form[verdict]">{options}</select>
                </div>
                <div class="field">
                    <label for="opinion-opinion"><T k=|t| t.opinion_text /></label>
                    <p class="field__hint" id="opinion-text-hint"><T k=|t| t.opinion_text_hint /></p>
                    <textarea id="opinion-opinion" name="form[text]" rows="6" required=true
                        minlength=TEXT_MIN.to_string() maxlength=TEXT_MAX.to_string()
                        aria-describedby="opinion-text-hint">
                        {crate::components::raw_text::raw_text(text)}
                    </textarea>
                </div>
                <button type="submit"><T k=|t| t.opinion_answer_submit /></button>
            </form>
        }
    });
    view! {
        {notice}
        {request}
        {answer}
    }
}

/// `/verwaltung/verfahren/{slug}/stellungnahmen`
#[component]
pub fn OpinionListPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let slug = params.read().get("slug").unwrap_or_default();
        let page = query
            .read()
            .get("seite")
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(0);
        (slug, page)
    };
    let list = Resource::new(key, |(slug, page)| list_opinions(slug, page));
    desk_frame(
        |t| t.opinions_title,
        list,
        |list| view! { <List list /> }.into_any(),
    )
}

#[component]
fn List(list: OpinionList) -> impl IntoView {
    let i18n = use_i18n();
    let OpinionList {
        procedure,
        open,
        overdue,
        answered,
        rows,
        next_page,
    } = list;
    let slug = procedure.slug.clone();
    let counts = move || {
        i18n.t().opinions_counts.fmt(&[
            ("open", open.into()),
            ("overdue", overdue.into()),
            ("answered", answered.into()),
        ])
    };
    let empty = rows.is_empty();
    let body = rows
        .into_iter()
        .map(|row| {
            let ExpertOpinion {
                unit,
                due_on,
                overdue,
                answer,
            } = row.opinion;
            let id = row.proposal_id;
            let state = move || match (&answer, overdue) {
                (Some(answer), _) => i18n.t().verdict(answer.verdict).to_owned(),
                (None, true) => i18n.t().opinion_overdue_short.to_owned(),
                (None, false) => i18n.t().opinion_open_short.to_owned(),
            };
            view! {
                <tr class:overdue=overdue>
                    <th scope="row">
                        <a href=path::opinion_desk(id)>
                            {move || i18n.t().proposal_number.fmt(&[("id", id.into())])}": "{row.title.clone()}
                        </a>
                    </th>
                    <td>{unit}</td>
                    <td>{move || day_text(i18n.t(), &due_on)}</td>
                    <td>{state}</td>
                </tr>
            }
        })
        .collect_view();
    let next = next_page.map(|page| {
        view! {
            <p><a href=format!("{}?seite={page}", path::opinions(&slug))><T k=|t| t.opinions_more /></a></p>
        }
    });
    view! {
        <p class="card__kicker">
            <a href=path::procedure(&procedure.slug)>{procedure.title.clone()}</a>
        </p>
        <h1><T k=|t| t.opinions_title /></h1>
        <p><T k=|t| t.opinions_intro /></p>
        <p><strong>{counts}</strong></p>
        {if empty {
            view! { <p class="empty-state__title"><T k=|t| t.opinions_none /></p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="users-table">
                        <caption class="visually-hidden"><T k=|t| t.opinions_title /></caption>
                        <thead>
                            <tr>
                                <th scope="col"><T k=|t| t.proposal_label /></th>
                                <th scope="col"><T k=|t| t.opinion_unit /></th>
                                <th scope="col"><T k=|t| t.opinion_due /></th>
                                <th scope="col"><T k=|t| t.opinion_state /></th>
                            </tr>
                        </thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }}
        {next}
        <SelectionForm slug=slug.clone() />
    }
}

/// The rule of a consultative Bürgerhaushalt: the best proposals overall and of each
/// district go to the administration for its opinion, all asked at once.
#[component]
fn SelectionForm(slug: String) -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error::<SelectForOpinion>();
    let done = status();
    let notice = move || match done.get() {
        Some(Done::OpinionsSelected {
            selected,
            requested,
        }) => Some(view! {
            <p class="alert alert--success" role="status">
                {move || {
                    i18n.t()
                        .opinions_selected
                        .fmt(&[("selected", selected.into()), ("requested", requested.into())])
                }}
            </p>
        }),
        _ => None,
    };
    let kept = |name: &str, default: &str| {
        typed_before(error, name, None).unwrap_or_else(|| default.to_owned())
    };
    let (top, per_district, unit, due) = (
        kept("form[top]", "20"),
        kept("form[per_district]", "3"),
        kept("form[unit]", ""),
        kept("form[due_on]", ""),
    );
    view! {
        <section id="auswahl" aria-labelledby="selection-heading">
            <h2 id="selection-heading"><T k=|t| t.selection_heading /></h2>
            <p><T k=|t| t.selection_intro /></p>
            {notice}
            <ErrorAlert error fields=&["top", "per_district", "unit", "due_on"] prefix=Some("selection-".to_owned()) />
            <form method="post" action=SelectForOpinion::PATH class="editor" aria-labelledby="selection-heading">
                <input type="hidden" name="slug" value=slug />
                <div class="field">
                    <label for="selection-top"><T k=|t| t.selection_top /></label>
                    <input id="selection-top" type="number" name="form[top]" min="0"
                        max=SELECT_TOP_MAX.to_string() required=true value=top />
                </div>
                <div class="field">
                    <label for="selection-per_district"><T k=|t| t.selection_per_district /></label>
                    <p class="field__hint" id="selection-per_district-hint"><T k=|t| t.selection_per_district_hint /></p>
                    <input id="selection-per_district" type="number" name="form[per_district]" min="0"
                        max=SELECT_PER_DISTRICT_MAX.to_string() required=true value=per_district
                        aria-describedby="selection-per_district-hint" />
                </div>
                {unit_and_due("selection", unit, due)}
                <button type="submit"><T k=|t| t.selection_submit /></button>
            </form>
        </section>
    }
}

/// The unit asked and the day it is due, as a request and a selection name them; `form`
/// is the start of the fields' ids.
fn unit_and_due(form: &str, unit: String, due: String) -> impl IntoView + use<> {
    let (unit_id, due_id) = (format!("{form}-unit"), format!("{form}-due_on"));
    view! {
        <div class="field">
            <label for=unit_id.clone()><T k=|t| t.opinion_unit /></label>
            <input id=unit_id type="text" name="form[unit]" required=true value=unit
                minlength=UNIT_MIN.to_string() maxlength=UNIT_MAX.to_string() />
        </div>
        <div class="field">
            <label for=due_id.clone()><T k=|t| t.opinion_due /></label>
            <input id=due_id type="date" name="form[due_on]" required=true value=due />
        </div>
    }
}
