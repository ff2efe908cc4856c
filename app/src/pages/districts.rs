//! `/verwaltung/stadtteile`: the city's districts for planners: each with how many
//! contributions lie in it and where the boundaries come from, and the import of a new
//! GeoJSON file (a multipart form the server takes, see `server::rest::places`), which
//! works without JavaScript. A refused file is listed problem by problem, each naming the
//! feature by its number in the file. The address list follows (`address_list`).

use crate::api::places::district_overview;
use crate::components::desk::desk_frame;
use crate::components::form::{posted_error_named, status, typed_before};
use crate::error::AppError;
use crate::i18n::{T, use_i18n};
use crate::model::done::Done;
use crate::model::path;
use crate::model::place::{DISTRICT_FORM, DistrictSummary};
use leptos::prelude::*;

/// The page.
#[component]
pub fn DistrictsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| district_overview());
    desk_frame(
        |t| t.districts_title,
        data,
        |overview| {
            view! {
                <Districts districts=overview.districts />
                <super::address_list::AddressListSection list=overview.addresses />
            }
            .into_any()
        },
    )
}

#[component]
fn Districts(districts: Vec<DistrictSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let status = status();
    let notice = move || {
        status.get().and_then(|done| match done {
            Done::DistrictsImported {
                created,
                updated,
                removed,
            } => Some(view! {
                <p class="alert alert--success" role="status">
                    {move || {
                        i18n.t()
                            .districts_imported
                            .fmt(&[
                                ("created", created.into()),
                                ("updated", updated.into()),
                                ("removed", removed.into()),
                            ])
                    }}
                </p>
            }),
            _ => None,
        })
    };
    let source = districts
        .first()
        .map(|d| d.source.clone())
        .filter(|s| !s.is_empty());
    let table = if districts.is_empty() {
        view! { <p class="empty-state"><T k=|t| t.districts_none /></p> }.into_any()
    } else {
        let rows = districts
            .into_iter()
            .map(|d| {
                view! {
                    <tr>
                        <td>{d.district.key}</td>
                        <th scope="row">{d.district.name}</th>
                        <td class="num">{d.contributions}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="table">
                <caption><T k=|t| t.districts_caption /></caption>
                <thead>
                    <tr>
                        <th scope="col"><T k=|t| t.district_key /></th>
                        <th scope="col"><T k=|t| t.district_label /></th>
                        <th scope="col" class="num"><T k=|t| t.district_contributions /></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <p class="card__kicker"><a href=path::PLANNER_OVERVIEW><T k=|t| t.planning_title /></a></p>
        <h1><T k=|t| t.districts_title /></h1>
        <p><T k=|t| t.districts_intro /></p>
        {notice}
        {table}
        {source.map(|source| view! {
            <p class="field__hint">{move || i18n.t().districts_source} " " {source}</p>
        })}
        <ImportForm />
    }
}

/// The problems of a refused file: a feature's problem names the feature ("Objekt 4"),
/// counted from 1 as people count.
fn problem_list(error: &AppError) -> Vec<String> {
    let t = use_i18n().t();
    error
        .field_problems()
        .into_iter()
        .map(|(field, problem)| {
            let message = t.invalid_input(field, problem);
            match field
                .strip_prefix("features[")
                .and_then(|rest| rest.strip_suffix(']'))
                .and_then(|n| n.parse::<u32>().ok())
            {
                Some(index) => format!(
                    "{}: {message}",
                    t.district_feature.fmt(&[("number", (index + 1).into())])
                ),
                None => message.to_owned(),
            }
        })
        .collect()
}

#[component]
fn ImportForm() -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error_named(DISTRICT_FORM);
    let kept = |name: &str| typed_before(error, name, None).unwrap_or_default();
    let (source, name_property, key_property) =
        (kept("source"), kept("name_property"), kept("key_property"));
    let summary = move || {
        error.get().map(|error| {
            let items = if error.field_problems().is_empty() {
                vec![i18n.t().error(&error).to_string()]
            } else {
                problem_list(&error)
            };
            let items = items
                .into_iter()
                .map(|text| view! { <li>{text}</li> })
                .collect_view();
            view! {
                <div class="alert alert--error error-summary" role="alert">
                    <h2 class="error-summary__title">{i18n.t().error_summary_title}</h2>
                    <ul class="error-summary__list">{items}</ul>
                </div>
            }
        })
    };
    view! {
        <section id="importieren" aria-labelledby="import-heading">
            <h2 id="import-heading"><T k=|t| t.districts_import /></h2>
            <p><T k=|t| t.districts_import_hint /></p>
            {summary}
            <form method="post" action=path::DISTRICTS enctype="multipart/form-data">
                <div class="field">
                    <label for="field-districts"><T k=|t| t.districts_file /></label>
                    <p class="field__hint" id="field-districts-hint"><T k=|t| t.districts_file_hint /></p>
                    <input id="field-districts" type="file" name="districts"
                        accept=".geojson,.json,application/geo+json,application/json"
                        aria-describedby="field-districts-hint" />
                </div>
                <div class="field">
                    <label for="field-source"><T k=|t| t.districts_source_label /></label>
                    <p class="field__hint" id="field-source-hint"><T k=|t| t.districts_source_hint /></p>
                    <input id="field-source" type="text" name="source" maxlength="500" value=source
                        aria-describedby="field-source-hint" />
                </div>
                <details class="disclosure">
                    <summary><T k=|t| t.districts_properties /></summary>
                    <p class="field__hint"><T k=|t| t.districts_properties_hint /></p>
                    <div class="field">
                        <label for="field-name_property"><T k=|t| t.districts_name_property /></label>
                        <input id="field-name_property" type="text" name="name_property" maxlength="100"
                            value=name_property />
                    </div>
                    <div class="field">
                        <label for="field-key_property"><T k=|t| t.districts_key_property /></label>
                        <input id="field-key_property" type="text" name="key_property" maxlength="100"
                            value=key_property />
                    </div>
                </details>
                <div class="form-actions">
                    <button type="submit"><T k=|t| t.districts_import_submit /></button>
                </div>
            </form>
        </section>
    }
}
