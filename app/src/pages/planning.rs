//! The planners' pages: all procedures with their state, and the editor that creates,
//! changes, previews and publishes them.

use crate::api::procedures::{
    PublishProcedure, SaveProcedure, planner_procedures, procedure_editor_values,
};
use crate::components::error_view::ErrorNotice;
use crate::components::form::{
    ErrorAlert, LoginPrompt, Notice, described_by, field_error, posted_error, posted_error_named,
    status, typed_before,
};
use crate::components::pager::ProcedurePager;
use crate::error::AppError;
use crate::i18n::{T, Texts, page_title, use_i18n};
use crate::model::done::Done;
use crate::model::path;
use crate::model::procedure::{EditorValues, IMAGE_FORM, PhaseKind, PlannerPage, ProcedureImage};
use crate::model::text::encode_component;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/verwaltung/verfahren`
#[component]
pub fn PlannerOverviewPage() -> impl IntoView {
    let status = status();
    let query = use_query_map();
    let cursor = Memo::new(move |_| query.read().get_str("cursor").map(str::to_owned));
    let rows = Resource::new(
        move || (status.get(), cursor.get()),
        |(_, cursor)| planner_procedures(cursor),
    );
    let publish_error = posted_error::<PublishProcedure>();
    let notice = move || {
        status.get().and_then(|s| {
            let text: fn(&'static Texts) -> &'static str = match s {
                Done::Saved => |t| t.procedure_saved,
                Done::Published => |t| t.procedure_published,
                Done::Unpublished => |t| t.procedure_unpublished,
                _ => return None,
            };
            Some(view! { <Notice text /> })
        })
    };
    view! {
        <Title text=page_title(|t| t.planning_title) />
        <div class="container">
            <header class="proposals__header">
                <h1><T k=|t| t.planning_title /></h1>
                <a class="button" href="/verwaltung/verfahren/neu"><T k=|t| t.new_procedure /></a>
            </header>
            <p><a href=path::DISTRICTS><T k=|t| t.districts_title /></a></p>
            {notice}
            <ErrorAlert error=publish_error />
            <Transition fallback=move || view! { <p class="loading"><T k=|t| t.loading /></p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(page) => {
                            let paged = cursor.get_untracked().is_some();
                            view! { <Overview page paged /> }.into_any()
                        }
                        Err(AppError::Unauthenticated) => view! { <LoginPrompt /> }.into_any(),
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
fn Overview(page: PlannerPage, paged: bool) -> impl IntoView {
    let i18n = use_i18n();
    let rows = page.rows;
    let next = page.next_cursor.map(|cursor| {
        format!(
            "{}?cursor={}",
            path::PLANNER_OVERVIEW,
            encode_component(&cursor)
        )
    });
    if rows.is_empty() && !paged {
        return view! {
            <div class="empty-state"><p class="empty-state__title"><T k=|t| t.no_procedures_planned /></p></div>
        }
        .into_any();
    }
    let body = rows
        .into_iter()
        .map(|row| {
            let slug = row.slug.clone();
            let published = row.published;
            let phase = row.current_phase;
            let state = row.state;
            view! {
                <tr>
                    <th scope="row">
                        <a href=path::procedure(&slug)>{row.title.clone()}</a>
                    </th>
                    <td>
                        {move || {
                            let t = i18n.t();
                            if published { t.status_public } else { t.status_draft }
                        }}
                    </td>
                    <td>
                        {move || {
                            let t = i18n.t();
                            match phase {
                                Some(phase) => t.phase(phase).to_owned(),
                                None => t.state(state).to_owned(),
                            }
                        }}
                    </td>
                    <td>
                        {move || {
                            let t = i18n.t();
                            t.date_range.fmt(&[("from", t.date(row.starts_at).as_str().into()), ("to", t.last_day(row.ends_at).as_str().into())])
                        }}
                    </td>
                    <td>{row.proposals}</td>
                    <td class="table-actions">
                        <a href=path::procedure_editor(&slug)>
                            <T k=|t| t.edit_procedure />
                        </a>
                        " "
                        <a href=path::results_dashboard(&slug)>
                            <T k=|t| t.dashboard_link />
                        </a>
                        " "
                        <a href=path::budgets_desk(&slug)>
                            <T k=|t| t.budgets_heading />
                        </a>
                        " "
                        <a href=path::opinions(&slug)>
                            <T k=|t| t.opinions_link />
                        </a>
                        " "
                        <a href=path::procedure_area(&slug)>
                            <T k=|t| t.area_link />
                        </a>
                        {published.then(|| view! {
                            " "
                            <a href=path::onsite_import(&slug)>
                                <T k=|t| t.onsite_import_short />
                            </a>
                        })}
                        <form method="post" action=PublishProcedure::PATH>
                            <input type="hidden" name="slug" value=slug.clone() />
                            <input type="hidden" name="publish" value=if published { "0" } else { "1" } />
                            <button type="submit" class="button--quiet">
                                {move || {
                                    let t = i18n.t();
                                    if published { t.unpublish } else { t.publish }
                                }}
                            </button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="users-table">
                <caption class="visually-hidden"><T k=|t| t.planning_title /></caption>
                <thead>
                    <tr>
                        <th scope="col"><T k=|t| t.title_label /></th>
                        <th scope="col"><T k=|t| t.visibility /></th>
                        <th scope="col"><T k=|t| t.current_phase /></th>
                        <th scope="col"><T k=|t| t.schedule /></th>
                        <th scope="col"><T k=|t| t.proposals_heading /></th>
                        <th scope="col"><T k=|t| t.actions /></th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
        <ProcedurePager first=path::PLANNER_OVERVIEW.to_owned() next paged />
    }
    .into_any()
}

/// `/verwaltung/verfahren/neu` and `/verwaltung/verfahren/{slug}/bearbeiten`
#[component]
pub fn ProcedureEditorPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug"));
    let form = Resource::new(move || slug.get(), procedure_editor_values);
    view! {
        <Title text=page_title(|t| t.procedure_editor_title) />
        <div class="container form-page form-page--wide">
            <p class="card__kicker"><a href="/verwaltung/verfahren"><T k=|t| t.planning_title /></a></p>
            <Transition fallback=move || view! { <p class="loading"><T k=|t| t.loading /></p> }>
                {move || Suspend::new(async move {
                    match form.await {
                        Ok(EditorValues { form, image }) => {
                            let original = slug.get_untracked();
                            view! {
                                <Editor values=form original=original.clone() />
                                {match original {
                                    Some(slug) => view! { <ImageEditor slug image /> }.into_any(),
                                    None => view! {
                                        <p class="field__hint"><T k=|t| t.image_after_save /></p>
                                    }
                                    .into_any(),
                                }}
                            }
                            .into_any()
                        }
                        Err(AppError::Unauthenticated) => view! { <LoginPrompt /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Editor(
    values: crate::model::procedure::ProcedureForm,
    original: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error::<SaveProcedure>();
    let heading: fn(&'static Texts) -> &'static str = if original.is_some() {
        |t| t.edit_procedure
    } else {
        |t| t.new_procedure
    };
    let phase_rows = values
        .phases
        .iter()
        .enumerate()
        .filter_map(|(index, row)| {
            let kind = PhaseKind::parse(&row.kind)?;
            let first_id = format!("phase-{index}-first");
            let last_id = format!("phase-{index}-last");
            Some(view! {
                <tr>
                    <th scope="row">
                        {move || i18n.t().phase(kind)}
                        <input type="hidden" name=format!("form[phases][{index}][kind]") value=kind.as_str() />
                    </th>
                    <td>
                        <label class="visually-hidden" for=first_id.clone()>
                            {move || i18n.t().phase_first_day.fmt(&[("phase", i18n.t().phase(kind).into())])}
                        </label>
                        <input id=first_id type="date" name=format!("form[phases][{index}][first_day]")
                            value=typed_before(error, &format!("form[phases][{index}][first_day]"), Some(row.first_day.clone())) />
                    </td>
                    <td>
                        <label class="visually-hidden" for=last_id.clone()>
                            {move || i18n.t().phase_last_day.fmt(&[("phase", i18n.t().phase(kind).into())])}
                        </label>
                        <input id=last_id type="date" name=format!("form[phases][{index}][last_day]")
                            value=typed_before(error, &format!("form[phases][{index}][last_day]"), Some(row.last_day.clone())) />
                    </td>
                </tr>
            })
        })
        .collect_view();
    let vote_phases = PhaseKind::ALL
        .into_iter()
        .map(|kind| {
            let selected = values.vote_phase == kind.as_str();
            view! { <option value=kind.as_str() selected=selected>{move || i18n.t().phase(kind)}</option> }
        })
        .collect_view();
    let rule = values.vote_rule.clone();
    let mode = values.moderation.clone();
    view! {
        <h1>{move || heading(i18n.t())}</h1>
        <ErrorAlert error />
        <form method="post" action=SaveProcedure::PATH class="editor">
            <input type="hidden" name="original" value=original.clone().unwrap_or_default() />
            <EditorField name="title" label=|t| t.title_label value=values.title.clone() error />
            <EditorField name="slug" label=|t| t.slug_label hint=|t| t.slug_hint value=values.slug.clone() error />
            <EditorField name="summary" label=|t| t.summary_label value=values.summary.clone() error required=false />
            <EditorField name="description" label=|t| t.description_label hint=|t| t.markdown_hint value=values.description.clone() error rows=10 />
            <EditorField name="department" label=|t| t.responsible value=values.department.clone() error />
            <EditorField name="contact" label=|t| t.contact value=values.contact.clone() error rows=3 />
            <EditorField name="categories" label=|t| t.categories_label hint=|t| t.categories_hint value=values.categories.clone() error rows=4 />
            <fieldset class="fieldset">
                <legend><T k=|t| t.schedule /></legend>
                <p class="field__hint"><T k=|t| t.schedule_hint /></p>
                <div class="table-scroll">
                    <table class="users-table">
                        <thead>
                            <tr>
                                <th scope="col"><T k=|t| t.phase_label /></th>
                                <th scope="col"><T k=|t| t.first_day /></th>
                                <th scope="col"><T k=|t| t.last_day /></th>
                            </tr>
                        </thead>
                        <tbody>{phase_rows}</tbody>
                    </table>
                </div>
            </fieldset>
            <fieldset class="fieldset">
                <legend><T k=|t| t.vote_rule_label /></legend>
                <div class="field field--check">
                    <input id="rule-support" type="radio" name="form[vote_rule]" value="support" checked=rule == "support" />
                    <label for="rule-support"><T k=|t| t.rule_support /></label>
                </div>
                <div class="field field--check">
                    <input id="rule-rating" type="radio" name="form[vote_rule]" value="rating" checked=rule == "rating" />
                    <label for="rule-rating"><T k=|t| t.rule_rating /></label>
                </div>
                <EditorField name="vote_cap" label=|t| t.vote_cap_label hint=|t| t.vote_cap_hint value=values.vote_cap.clone() error required=false kind="number" />
                <div class="field">
                    <label for="editor-vote_phase"><T k=|t| t.vote_phase_label /></label>
                    <select id="editor-vote_phase" name="form[vote_phase]">{vote_phases}</select>
                </div>
            </fieldset>
            <fieldset class="fieldset">
                <legend><T k=|t| t.moderation_mode_label /></legend>
                <div class="field field--check">
                    <input id="mode-post" type="radio" name="form[moderation]" value="post" checked=mode != "pre" />
                    <label for="mode-post"><T k=|t| t.mode_post /></label>
                </div>
                <div class="field field--check">
                    <input id="mode-pre" type="radio" name="form[moderation]" value="pre" checked=mode == "pre" />
                    <label for="mode-pre"><T k=|t| t.mode_pre /></label>
                </div>
            </fieldset>
            <p class="field__hint"><T k=|t| t.saved_as_draft_hint /></p>
            <button type="submit"><T k=|t| t.save /></button>
        </form>
        {original.map(|slug| view! {
            <p><a href=path::procedure(&slug)><T k=|t| t.preview /></a></p>
        })}
    }
}

/// A field of a planner's form: the form posts it as `form[name]`; errors name it as
/// `name` (or `error_as`). Its id is `{prefix}-{name}` (`editor-…` unless a page with
/// several forms says otherwise). With `rows` it is a multi-line text area.
#[component]
pub(crate) fn EditorField(
    name: &'static str,
    label: fn(&'static Texts) -> &'static str,
    value: String,
    error: Signal<Option<AppError>>,
    #[prop(optional)] hint: Option<fn(&'static Texts) -> &'static str>,
    #[prop(default = true)] required: bool,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] rows: Option<u32>,
    #[prop(optional)] error_as: Option<&'static str>,
    #[prop(default = "editor")] prefix: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("{prefix}-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let message = field_error(error, error_as.unwrap_or(name));
    let described = described_by(hint.map(|_| hint_id.clone()), error_id.clone(), message);
    let invalid = move || message.get().map(|_| "true");
    // After a refused post, what the planner typed (not what was saved before).
    let value = typed_before(error, &format!("form[{name}]"), Some(value)).unwrap_or_default();
    let control = match rows {
        Some(rows) => view! {
            <textarea id=id.clone() name=format!("form[{name}]") rows=rows aria-describedby=described
                aria-invalid=invalid>
                {crate::components::raw_text::raw_text(value)}
            </textarea>
        }
        .into_any(),
        None => view! {
            <input id=id.clone() type=kind name=format!("form[{name}]") value=value required=required
                inputmode=inputmode aria-describedby=described aria-invalid=invalid />
        }
        .into_any(),
    };
    view! {
        <div class="field" class:field--error=move || message.get().is_some()>
            <label for=id>{move || label(i18n.t())}</label>
            {hint.map(|hint| view! { <p class="field__hint" id=hint_id.clone()>{move || hint(i18n.t())}</p> })}
            {move || message.get().map(|text| view! { <p class="field__error" id=error_id.clone()>{text}</p> })}
            {control}
        </div>
    }
}

/// The procedure's image: a separate multipart form (files cannot travel in the editor's
/// form encoding) that posts to the server and comes back here with a status or an error.
#[component]
fn ImageEditor(slug: String, image: Option<ProcedureImage>) -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error_named(IMAGE_FORM);
    let status = status();
    let notice = move || {
        let text: fn(&'static Texts) -> &'static str = match status.get() {
            Some(Done::ImageSaved) => |t| t.image_saved,
            Some(Done::ImageRemoved) => |t| t.image_removed,
            _ => return None,
        };
        Some(view! { <Notice text /> })
    };
    let invalid = move |field: &'static str| {
        move || {
            matches!(error.get(), Some(AppError::InvalidInput { field: ref f, .. }) if f == field)
                .then_some("true")
        }
    };
    let has_image = image.is_some();
    let alt = image.as_ref().map(|i| i.alt.clone()).unwrap_or_default();
    let preview = image.map(|image| {
        view! {
            <figure>
                <img class="image-editor__preview" src=image.url alt=image.alt width=image.width
                    height=image.height />
                <figcaption class="field__hint"><T k=|t| t.image_current /></figcaption>
            </figure>
        }
    });
    let file_hint: fn(&'static Texts) -> &'static str = if has_image {
        |t| t.image_replace_hint
    } else {
        |t| t.image_file_hint
    };
    view! {
        <section class="image-editor" id="bild" aria-labelledby="image-heading">
            <h2 id="image-heading"><T k=|t| t.image_heading /></h2>
            {notice}
            <ErrorAlert error />
            {preview}
            <form method="post" action=path::procedure_image(&slug)
                enctype="multipart/form-data" class="image-editor__form">
                <div class="field">
                    <label for="image-file"><T k=|t| t.image_file_label /></label>
                    <p class="field__hint" id="image-file-hint">{move || file_hint(i18n.t())}</p>
                    <input id="image-file" type="file" name="image"
                        accept="image/jpeg,image/png,image/webp" required=!has_image
                        aria-describedby="image-file-hint" aria-invalid=invalid("image") />
                </div>
                <div class="field">
                    <label for="image-alt"><T k=|t| t.image_alt_label /></label>
                    <p class="field__hint" id="image-alt-hint"><T k=|t| t.image_alt_hint /></p>
                    <input id="image-alt" type="text" name="alt" value=alt required maxlength="300"
                        aria-describedby="image-alt-hint" aria-invalid=invalid("alt") />
                </div>
                <div class="image-editor__actions">
                    <button type="submit" name="action" value="save"><T k=|t| t.image_save /></button>
                    {has_image.then(|| view! {
                        <button type="submit" name="action" value="remove" class="button--quiet"
                            formnovalidate=true>
                            <T k=|t| t.image_remove />
                        </button>
                    })}
                </div>
            </form>
        </section>
    }
}
