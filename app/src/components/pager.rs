//! The links under a paged list of procedures: back to the first page, on to the next.

use crate::i18n::{T, use_i18n};
use leptos::prelude::*;

/// `first`: the list's first page, linked once the visitor has paged (`paged`); `next`: the
/// next page, while there is one. Nothing when there is neither.
#[component]
pub fn ProcedurePager(first: String, next: Option<String>, paged: bool) -> impl IntoView {
    let i18n = use_i18n();
    let first_page = paged.then(|| view! { <a href=first><T k=|t| t.first_page /></a> });
    let next_page = next.map(|href| {
        view! {
            <a class="button button--quiet" href=href rel="next">
                <T k=|t| t.more_procedures />
            </a>
        }
    });
    (paged || next_page.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label=move || i18n.t().procedure_pages_label>
                {first_page}
                {next_page}
            </nav>
        }
    })
}
