//! The public moderation ledger (`/moderation/protokoll`, per procedure
//! `/verfahren/{slug}/moderation`): every decision with its public reason, newest first,
//! never who took it. Planners' decisions on a budget's result stand here too.

use crate::api::moderation::get_ledger;
use crate::components::error_view::ErrorPage;
use crate::i18n::{T, page_title, use_i18n};
use crate::model::ledger::{Ledger, LedgerEntry};
use crate::model::moderation::{ModerationActionKind, TargetKind};
use crate::model::path;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The public ledger, instance-wide or (with a `slug` in the address) for one procedure.
#[component]
pub fn ModerationLedgerPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = Memo::new(move |_| (params.read().get("slug"), query.read().get("cursor")));
    let ledger = Resource::new(move || key.get(), |(slug, cursor)| get_ledger(slug, cursor));
    view! {
        <Transition fallback=move || view! { <p class="container loading"><T k=|t| t.loading /></p> }>
            {move || Suspend::new(async move {
                match ledger.await {
                    Ok(ledger) => view! { <LedgerView ledger /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn LedgerView(ledger: Ledger) -> impl IntoView {
    let i18n = use_i18n();
    let base = match &ledger.procedure {
        Some(p) => path::procedure_ledger(&p.slug),
        None => "/moderation/protokoll".to_owned(),
    };
    let heading = ledger.procedure.clone().map(|p| {
        let href = path::procedure(&p.slug);
        view! {
            <p class="card__kicker"><a href=href>{p.title.clone()}</a></p>
        }
    });
    let title_for = ledger.procedure.as_ref().map(|p| p.title.clone());
    let all_link = ledger
        .procedure
        .is_some()
        .then(|| view! { <p><a href="/moderation/protokoll"><T k=|t| t.ledger_all /></a></p> });
    let empty = ledger.entries.is_empty();
    let rows = ledger
        .entries
        .into_iter()
        .map(|entry| view! { <LedgerRow entry show_procedure=title_for.is_none() /> })
        .collect_view();
    let more = ledger.next_cursor.map(|cursor| {
        let href = format!("{base}?cursor={cursor}");
        view! { <p><a href=href><T k=|t| t.more_entries /></a></p> }
    });
    let title_text = title_for.clone();
    view! {
        <Title text=page_title(|t| t.ledger_title) />
        <div class="container">
            {heading}
            <h1>
                {move || match &title_text {
                    Some(title) => i18n.t().ledger_for.fmt(&[("title", title.as_str().into())]),
                    None => i18n.t().ledger_title.to_owned(),
                }}
            </h1>
            <p><T k=|t| t.ledger_intro /></p>
            {all_link}
            {empty.then(|| view! { <p class="empty"><T k=|t| t.ledger_empty /></p> })}
            {(!empty).then(|| view! {
                <div class="table-scroll">
                    <table class="ledger">
                        <thead>
                            <tr>
                                <th scope="col"><T k=|t| t.ledger_date /></th>
                                <th scope="col"><T k=|t| t.ledger_action /></th>
                                <th scope="col"><T k=|t| t.reason_label /></th>
                                <th scope="col"><T k=|t| t.ledger_item /></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            })}
            {more}
        </div>
    }
}

#[component]
fn LedgerRow(entry: LedgerEntry, show_procedure: bool) -> impl IntoView {
    let i18n = use_i18n();
    let at = entry.created_at;
    let action = entry.action;
    let until = entry.block_until;
    let reason = entry.reason;
    let public = entry.public_reason.clone();
    let project = entry.project.clone().zip(entry.procedure_slug.clone());
    let item = match (entry.target, entry.proposal_id, project) {
        // A planners' decision on a budget's result: the budget's results.
        (_, _, Some((project, slug))) => {
            let href = path::budget_results(&slug, project.budget_id);
            let title = project.title;
            view! {
                <a href=href>
                    {move || i18n.t().target_project.fmt(&[("title", title.as_str().into())])}
                </a>
            }
            .into_any()
        }
        (Some(target), Some(proposal_id), None) => {
            let href = match target.kind {
                TargetKind::Proposal => path::proposal(proposal_id),
                TargetKind::Comment => path::comment(proposal_id, target.id),
            };
            let procedure = entry
                .procedure_title
                .clone()
                .filter(|_| show_procedure)
                .map(|title| view! { <br /><span class="field__hint">{title}</span> });
            view! {
                <a href=href>
                    {move || match target.kind {
                        TargetKind::Proposal => i18n.t().target_proposal.fmt(&[("id", proposal_id.into())]),
                        TargetKind::Comment => i18n.t().target_comment.fmt(&[("id", proposal_id.into())]),
                    }}
                </a>
                {procedure}
            }
            .into_any()
        }
        (Some(_), None, None) => {
            view! { <span>{move || i18n.t().ledger_not_public}</span> }.into_any()
        }
        (None, _, None) if action == ModerationActionKind::Unblock => {
            view! { <span>{move || i18n.t().ledger_person}</span> }.into_any()
        }
        (None, _, None) => view! { <span>{move || i18n.t().ledger_not_public}</span> }.into_any(),
    };
    view! {
        <tr>
            <td>{move || i18n.t().date(at)}</td>
            <td>
                {move || i18n.t().done(action)}
                {(action == ModerationActionKind::Block).then_some(move || match until {
                    Some(until) => format!(" ({} {})", i18n.t().block_until, i18n.t().date(until)),
                    None => format!(" ({})", i18n.t().block_forever),
                })}
            </td>
            <td>
                {move || reason.map(|r| i18n.t().reason(r))}
                {(!public.is_empty()).then(|| view! { <span>" – " {public.clone()}</span> })}
            </td>
            <td>{item}</td>
        </tr>
    }
}
