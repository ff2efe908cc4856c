//! `/verwaltung/verfahren/{slug}/vor-ort-import`: a planner imports the contributions of an
//! on-site event from a spreadsheet. Upload (a multipart form the server takes), a preview
//! with every row checked, then the import of all rows or none.

use crate::components::error_view::ErrorPage;
use crate::components::form::{ErrorAlert, Field, posted_error, posted_error_named, status};
use crate::formats::proposals::onsite_api::{ConfirmOnsiteImport, get_onsite_import};
use crate::formats::proposals::onsite_model::{
    IMPORT_FORM, ImportRow, OnsiteImport, OnsiteImportPage,
};
use crate::i18n::{T, page_title, use_i18n};
use crate::model::path;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// What a planner's spreadsheet looks like, shown under the upload form.
#[component]
pub fn OnsiteImportRoutePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let batch = Memo::new(move |_| {
        query
            .read()
            .get("stapel")
            .and_then(|id| id.parse::<i64>().ok())
    });
    let status = status();
    let page = Resource::new(
        move || (slug.get(), batch.get(), status.get()),
        |(slug, batch, _)| get_onsite_import(slug, batch),
    );
    view! {
        <Title text=page_title(|t| t.onsite_import_title) />
        <Transition fallback=move || view! { <p class="container loading"><T k=|t| t.loading /></p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <ImportPage page /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ImportPage(page: OnsiteImportPage) -> impl IntoView {
    let slug = page.procedure.clone();
    let heading = view! {
        <p class="card__kicker"><a href=path::procedure(&slug)>{page.procedure_title.clone()}</a></p>
        <h1><T k=|t| t.onsite_import_title /></h1>
    };
    if !page.open {
        return view! {
            <div class="container form-page form-page--wide">
                {heading}
                <p class="alert alert--info" role="status"><T k=|t| t.proposals_closed /></p>
                <p><a href=path::procedure(&slug)><T k=|t| t.back_to_procedure /></a></p>
            </div>
        }
        .into_any();
    }
    let event = page.batch.as_ref().map(|b| b.event.clone());
    let categories = page.categories.clone();
    let imported = page.batch.as_ref().and_then(|b| b.imported_count);
    let body = match (page.batch, imported) {
        (Some(_), Some(count)) => view! { <Imported slug=slug.clone() count /> }.into_any(),
        (Some(batch), None) => view! {
            <Preview batch />
            <Upload slug=slug.clone() event again=true categories=categories.clone() />
        }
        .into_any(),
        (None, _) => view! {
            <p class="lead"><T k=|t| t.onsite_import_intro /></p>
            <Upload slug=slug.clone() event again=false categories=categories.clone() />
        }
        .into_any(),
    };
    view! {
        <div class="container">
            {heading}
            {body}
        </div>
    }
    .into_any()
}

/// The batch is in: how many, and where they are.
#[component]
fn Imported(slug: String, count: u32) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="alert alert--success" role="status">
            <p>{move || i18n.t().imported(count)}</p>
        </div>
        <p>
            <a href=format!("{}#vorschlaege", path::procedure(&slug))><T k=|t| t.jump_to_proposals /></a>
        </p>
        <p>
            <a href=path::onsite_import(&slug)><T k=|t| t.import_another /></a>
        </p>
    }
}

/// Every row as read, with its problems; the import button only when there are none.
#[component]
fn Preview(batch: OnsiteImport) -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error::<ConfirmOnsiteImport>();
    let invalid = batch.invalid_rows();
    let total = batch.rows.len();
    let importable = batch.importable();
    let file_problems = (!batch.problems.is_empty()).then(|| {
        let problems = batch.problems.clone();
        view! {
            <div class="alert alert--error" role="alert">
                {problems
                    .into_iter()
                    .map(|p| view! { <p>{move || i18n.t().invalid_input(&p.field, &p.problem)}</p> })
                    .collect_view()}
                <p><a href="#field-file"><T k=|t| t.import_upload_again /></a></p>
            </div>
        }
    });
    let summary = (batch.problems.is_empty()).then(|| {
        let links = batch
            .rows
            .iter()
            .filter(|r| !r.problems.is_empty())
            .map(|r| {
                let line = r.line;
                view! {
                    <li>
                        <a href=format!("#zeile-{line}")>
                            {move || i18n.t().import_row.fmt(&[("line", line.into())])}
                        </a>
                    </li>
                }
            })
            .collect_view();
        if invalid == 0 {
            view! {
                <div class="alert alert--success" role="status">
                    <p>{move || i18n.t().import_rows(total, 0)}</p>
                </div>
            }
            .into_any()
        } else {
            view! {
                <div class="alert alert--error" role="alert">
                    <p><strong>{move || i18n.t().import_rows(total, invalid)}</strong></p>
                    <p><T k=|t| t.import_nothing_saved /></p>
                    <ul>{links}</ul>
                </div>
            }
            .into_any()
        }
    });
    let rows = batch
        .rows
        .iter()
        .cloned()
        .map(|row| view! { <PreviewRow row /> })
        .collect_view();
    let table = (!batch.rows.is_empty()).then(|| {
        view! {
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="import-caption">
                <table class="import-table">
                    <caption id="import-caption"><T k=|t| t.import_caption /></caption>
                    <thead>
                        <tr>
                            <th scope="col"><T k=|t| t.import_col_line /></th>
                            <th scope="col"><T k=|t| t.import_col_check /></th>
                            <th scope="col"><T k=|t| t.title_label /></th>
                            <th scope="col"><T k=|t| t.import_col_text /></th>
                            <th scope="col"><T k=|t| t.category_label /></th>
                            <th scope="col"><T k=|t| t.location_label /></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    let confirm = importable.then(|| {
        view! {
            <form method="post" action=ConfirmOnsiteImport::PATH class="form-actions">
                <input type="hidden" name="slug" value=batch.procedure.clone() />
                <input type="hidden" name="batch" value=batch.id />
                <button type="submit">{move || i18n.t().import_button(total)}</button>
            </form>
        }
    });
    view! {
        <section id="vorschau" aria-labelledby="preview-heading">
            <h2 id="preview-heading"><T k=|t| t.import_preview_heading /></h2>
            <p>
                <T k=|t| t.import_for_event /> ": " <strong>{batch.event.clone()}</strong>
            </p>
            <ErrorAlert error />
            {file_problems}
            {summary}
            {table}
            {confirm}
        </section>
    }
}

#[component]
fn PreviewRow(row: ImportRow) -> impl IntoView {
    let i18n = use_i18n();
    let ok = row.problems.is_empty();
    let problems = row.problems.clone();
    let check = move || {
        let t = i18n.t();
        if ok {
            view! { <span class="import-ok">{t.import_row_ok}</span> }.into_any()
        } else {
            view! {
                <ul class="import-problems">
                    {problems
                        .iter()
                        .map(|p| view! { <li>{t.invalid_input(&p.field, &p.problem)}</li> })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }
    };
    view! {
        <tr id=format!("zeile-{}", row.line) class:import-row--error=!ok>
            <td class="num">{row.line}</td>
            <td>{check}</td>
            <td>{row.title}</td>
            <td>{row.excerpt}</td>
            <td>{row.category.unwrap_or_default()}</td>
            <td>{row.location.unwrap_or_default()}</td>
        </tr>
    }
}

/// The upload: the event, and the spreadsheet as a file or as pasted cells.
#[component]
fn Upload(
    slug: String,
    event: Option<String>,
    again: bool,
    categories: Vec<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let categories = (!categories.is_empty()).then(|| categories.join(", "));
    let error = posted_error_named(IMPORT_FORM);
    let file_error = Signal::derive(move || {
        error.get().and_then(|e| {
            e.field_problems()
                .iter()
                .find(|(field, _)| *field == "file")
                .map(|(field, problem)| i18n.t().invalid_input(field, problem))
        })
    });
    let invalid = move || file_error.get().map(|_| "true");
    let described = move || {
        if file_error.get().is_some() {
            "field-file-hint field-file-error"
        } else {
            "field-file-hint"
        }
    };
    let heading: fn(&'static crate::i18n::Texts) -> &'static str = if again {
        |t| t.import_upload_again
    } else {
        |t| t.import_upload_heading
    };
    view! {
        <section id="hochladen" class="import-upload" aria-labelledby="upload-heading">
            <h2 id="upload-heading">{move || heading(i18n.t())}</h2>
            <ErrorAlert error fields=&["event", "file"] />
            <form method="post" action=path::onsite_import(&slug)
                enctype="multipart/form-data">
                <Field name="event" label=|t| t.event_label error value=event.unwrap_or_default()
                    hint=|t| t.import_event_hint />
                <div class="field" class:field--error=move || file_error.get().is_some()>
                    <label for="field-file"><T k=|t| t.import_file_label /></label>
                    <p class="field__hint" id="field-file-hint">
                        <T k=|t| t.import_file_hint />
                        {categories.map(|list| view! { " " {move || i18n.t().import_categories} " " {list} })}
                    </p>
                    {move || file_error.get().map(|text| view! { <p class="field__error" id="field-file-error">{text}</p> })}
                    <input id="field-file" type="file" name="file"
                        accept=".csv,.tsv,.txt,text/csv,text/plain,text/tab-separated-values"
                        aria-describedby=described aria-invalid=invalid />
                </div>
                <div class="field">
                    <label for="field-text"><T k=|t| t.import_text_label /></label>
                    <p class="field__hint" id="field-text-hint"><T k=|t| t.import_text_hint /></p>
                    <textarea id="field-text" name="text" rows="6" aria-describedby="field-text-hint"></textarea>
                </div>
                <details class="disclosure">
                    <summary><T k=|t| t.import_example /></summary>
                    <pre class="import-example"><T k=|t| t.import_example_csv /></pre>
                </details>
                <div class="form-actions">
                    <button type="submit"><T k=|t| t.import_check /></button>
                </div>
            </form>
        </section>
    }
}
