//! Impressum, Datenschutz, Barrierefreiheit: text the instance provides.

use crate::api::site::get_legal_page;
use crate::components::error_view::ErrorNotice;
use crate::components::layout::legal_title;
use crate::i18n::{T, page_title, use_i18n};
use crate::model::legal::LegalPage;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LegalText(page: LegalPage) -> impl IntoView {
    let i18n = use_i18n();
    let text = Resource::new(move || i18n.lang(), move |lang| get_legal_page(page, lang));
    view! {
        <Title text=page_title(move |t| legal_title(t, page)) />
        <article class="container prose legal">
            <h1>{move || legal_title(i18n.t(), page)}</h1>
            <Transition fallback=move || view! { <p class="loading"><T k=|t| t.loading /></p> }>
                {move || Suspend::new(async move {
                    match text.await {
                        Ok(view) => view! { <div inner_html=view.html></div> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </article>
    }
    .into_any()
}
