//! The address list on the planners' page of places (`/verwaltung/stadtteile#adressen`):
//! how many addresses and streets it holds, where it comes from, and the import of a new
//! CSV file (a multipart form the server takes, see `server::rest::addresses`), which works
//! without JavaScript. A refused file is listed problem by problem, each naming its line.

use crate::components::form::{posted_error_named, status, typed_before};
use crate::error::AppError;
use crate::i18n::{T, use_i18n};
use crate::model::address::{ADDRESS_FORM, AddressList};
use crate::model::done::Done;
use crate::model::path;
use leptos::prelude::*;

#[component]
pub fn AddressListSection(list: AddressList) -> impl IntoView {
    let i18n = use_i18n();
    let status = status();
    let notice = move || {
        status.get().and_then(|done| match done {
            Done::AddressesImported { addresses, streets } => Some(view! {
                <p class="alert alert--success" role="status">
                    {move || {
                        i18n.t()
                            .addresses_imported
                            .fmt(&[("addresses", addresses.into()), ("streets", streets.into())])
                    }}
                </p>
            }),
            _ => None,
        })
    };
    let state = match list.imported_at {
        Some(at) if list.addresses > 0 => {
            let (addresses, streets) = (list.addresses, list.streets);
            let source = Some(list.source).filter(|s| !s.is_empty());
            view! {
                <p>
                    {move || {
                        let t = i18n.t();
                        t.addresses_count.fmt(&[
                            ("addresses", addresses.into()),
                            ("streets", streets.into()),
                            ("date", t.date(at).as_str().into()),
                        ])
                    }}
                </p>
                {source.map(|source| view! {
                    <p class="field__hint">
                        {move || format!("{} {source}", i18n.t().addresses_source)}
                    </p>
                })}
            }
            .into_any()
        }
        _ => view! { <p class="empty-state"><T k=|t| t.addresses_none /></p> }.into_any(),
    };
    view! {
        <section id="adressen" aria-labelledby="addresses-heading">
            <h2 id="addresses-heading"><T k=|t| t.addresses_heading /></h2>
            <p><T k=|t| t.addresses_intro /></p>
            {notice}
            {state}
            <ImportForm />
        </section>
    }
}

/// The problems of a refused file: a line's problem names the line.
fn problem_list(error: &AppError) -> Vec<String> {
    let t = use_i18n().t();
    let problems = error.field_problems();
    if problems.is_empty() {
        return vec![t.error(error).to_string()];
    }
    problems
        .into_iter()
        .map(|(field, problem)| {
            match field
                .strip_prefix("lines[")
                .and_then(|rest| rest.strip_suffix(']'))
                .and_then(|n| n.parse::<u32>().ok())
            {
                Some(line) => format!(
                    "{}: {}",
                    t.address_line_number.fmt(&[("number", line.into())]),
                    t.invalid_input("address_line", problem)
                ),
                None => t.invalid_input(field, problem).to_owned(),
            }
        })
        .collect()
}

#[component]
fn ImportForm() -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error_named(ADDRESS_FORM);
    let source = typed_before(error, "source", None).unwrap_or_default();
    let summary = move || {
        error.get().map(|error| {
            let items = problem_list(&error)
                .into_iter()
                .map(|text| view! { <li>{text}</li> })
                .collect_view();
            view! {
                <div class="alert alert--error error-summary" role="alert">
                    <h3 class="error-summary__title">{i18n.t().error_summary_title}</h3>
                    <ul class="error-summary__list">{items}</ul>
                </div>
            }
        })
    };
    view! {
        <h3 id="address-import-heading"><T k=|t| t.addresses_import /></h3>
        <p><T k=|t| t.addresses_import_hint /></p>
        {summary}
        <form method="post" action=path::ADDRESSES enctype="multipart/form-data"
            aria-labelledby="address-import-heading">
            <div class="field">
                <label for="field-addresses"><T k=|t| t.addresses_file /></label>
                <p class="field__hint" id="field-addresses-hint"><T k=|t| t.addresses_file_hint /></p>
                <input id="field-addresses" type="file" name="addresses"
                    accept=".csv,.txt,text/csv,text/plain"
                    aria-describedby="field-addresses-hint" />
            </div>
            <div class="field">
                <label for="field-address-source"><T k=|t| t.districts_source_label /></label>
                <p class="field__hint" id="field-address-source-hint"><T k=|t| t.addresses_source_hint /></p>
                <input id="field-address-source" type="text" name="source" maxlength="500" value=source
                    aria-describedby="field-address-source-hint" />
            </div>
            <div class="form-actions">
                <button type="submit"><T k=|t| t.addresses_import_submit /></button>
            </div>
        </form>
    }
}
