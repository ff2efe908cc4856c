//! The start page: the city's participation procedures, running ones first.

use crate::api::procedures::list_procedures;
use crate::components::error_view::ErrorNotice;
use crate::components::pager::ProcedurePager;
use crate::components::procedure_card::ProcedureCard;
use crate::i18n::{T, page_title, use_i18n};
use crate::model::procedure::{ProcedureFilter, ProcedureListing};
use crate::model::text::encode_component;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        let query = query.read();
        (
            ProcedureFilter::parse_or_default(query.get_str("status")),
            query.get_str("cursor").map(str::to_owned),
        )
    });
    let listing = Resource::new(
        move || asked.get(),
        |(filter, cursor)| list_procedures(filter, cursor),
    );

    view! {
        <Title text=page_title(|t| t.home_title) />
        <div class="container">
            <header class="page-intro">
                <h1><T k=|t| t.home_title /></h1>
                <p class="lead"><T k=|t| t.home_intro /></p>
            </header>
            <Transition fallback=move || {
                view! { <p class="loading"><T k=|t| t.loading /></p> }
            }>
                {move || Suspend::new(async move {
                    match listing.await {
                        Ok(listing) => {
                            let paged = asked.get_untracked().1.is_some();
                            view! { <Listing listing paged /> }.into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
    .into_any()
}

/// One page of procedures; `paged` when it is not the first.
#[component]
fn Listing(listing: ProcedureListing, paged: bool) -> impl IntoView {
    let i18n = use_i18n();
    let active = listing.filter;
    let counts = listing.counts;
    // Plain links, not <A>: all tabs share the path "/", and only the active one is current.
    let tabs = ProcedureFilter::ALL
        .into_iter()
        .map(|filter| {
            view! {
                <li>
                    <a
                        class="tabs__tab"
                        href=format!("/?status={}", filter.as_str())
                        aria-current=(filter == active).then_some("page")
                    >
                        {move || i18n.t().filter(filter)}
                        " "
                        <span class="tabs__count">{counts.for_filter(filter)}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let body = if listing.items.is_empty() {
        view! {
            <div class="empty-state">
                <p class="empty-state__title">{move || i18n.t().empty_listing(active)}</p>
                <p><T k=|t| t.empty_hint /></p>
            </div>
        }
        .into_any()
    } else {
        let cards = listing
            .items
            .into_iter()
            .map(|procedure| view! { <li><ProcedureCard procedure /></li> })
            .collect_view();
        view! { <ul class="card-list">{cards}</ul> }.into_any()
    };
    let status = active.as_str();
    let next = listing
        .next_cursor
        .map(|cursor| format!("/?status={status}&cursor={}", encode_component(&cursor)));
    view! {
        <nav class="tabs" aria-label=move || i18n.t().filter_label>
            <ul>{tabs}</ul>
        </nav>
        <div class="listing" aria-live="polite">{body}</div>
        <ProcedurePager first=format!("/?status={status}") next paged />
    }
    .into_any()
}
