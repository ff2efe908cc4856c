//! What became of an adopted proposal or a funded project: the current status and the
//! entries, newest first, with their photos (on the proposal's page and a budget's
//! results); on the planners' pages of a proposal's or a project's implementation, also the
//! form that records an entry and each entry's photo form.

use crate::components::form::{ErrorAlert, Notice, posted_error_named, status, typed_before};
use crate::error::AppError;
use crate::i18n::{T, Texts, use_i18n};
use crate::model::done::Done;
use crate::model::implementation::{
    Implementation, ImplementationEntry, ImplementationStatus, NOTE_MAX, NOTE_MIN, PHOTO_FORM,
};
use crate::model::path;
use crate::model::procedure::ProcedureImage;
use crate::model::time::LocalDate;
use leptos::prelude::*;

pub fn status_text(t: &Texts, status: ImplementationStatus) -> &'static str {
    match status {
        ImplementationStatus::Planned => t.implementation_planned,
        ImplementationStatus::InProgress => t.implementation_in_progress,
        ImplementationStatus::Done => t.implementation_done,
        ImplementationStatus::Dropped => t.implementation_dropped,
    }
}

fn status_class(status: ImplementationStatus) -> &'static str {
    match status {
        ImplementationStatus::Planned => "badge badge--upcoming",
        ImplementationStatus::InProgress => "badge badge--running",
        ImplementationStatus::Done => "badge badge--finished",
        ImplementationStatus::Dropped => "badge",
    }
}

/// The status as a badge.
#[component]
pub fn ImplementationBadge(status: ImplementationStatus) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class=status_class(status)>{move || status_text(i18n.t(), status)}</span> }
}

/// The entries, newest first, each with its day, status, note and photo.
#[component]
pub fn ImplementationEntries(entries: Vec<ImplementationEntry>) -> impl IntoView {
    entry_list(entries, |_| ().into_any())
}

/// The entries as the planners' pages show them, each with the form that adds, replaces or
/// removes its photo.
#[component]
fn EditableEntries(entries: Vec<ImplementationEntry>) -> impl IntoView {
    entry_list(entries, |entry| {
        view! { <PhotoForm id=entry.id photo=entry.photo.clone() /> }.into_any()
    })
}

fn entry_list(
    entries: Vec<ImplementationEntry>,
    extra: fn(&ImplementationEntry) -> AnyView,
) -> impl IntoView {
    let i18n = use_i18n();
    let items = entries
        .into_iter()
        .map(|entry| {
            let day = LocalDate::parse_iso(&entry.happened_on);
            let status = entry.status;
            let photo = entry.photo.clone().map(|p| {
                view! {
                    <img class="implementation__photo" src=p.url alt=p.alt width=p.width
                        height=p.height loading="lazy" decoding="async" />
                }
            });
            let extra = extra(&entry);
            view! {
                <li class="card">
                    <p class="card__kicker">
                        {move || day.map(|d| i18n.t().date(d.start_in_berlin())).unwrap_or_default()}
                        " · "
                        {move || status_text(i18n.t(), status)}
                    </p>
                    <p class="preserve-lines">{entry.note.clone()}</p>
                    {photo}
                    {extra}
                </li>
            }
        })
        .collect_view();
    view! { <ol class="implementation-list">{items}</ol> }
}

/// A planner's form for an entry's photo: a multipart form the server takes (files cannot
/// travel in a server function's form encoding), folded away until opened.
#[component]
fn PhotoForm(id: i64, photo: Option<ProcedureImage>) -> impl IntoView {
    let field = move |name: &str| format!("photo-{id}-{name}");
    let has_photo = photo.is_some();
    let alt = photo.map(|p| p.alt).unwrap_or_default();
    view! {
        <details class="disclosure implementation__photo-form">
            <summary><T k=|t| t.implementation_photo /></summary>
            <form method="post" action=path::implementation_photo(id) enctype="multipart/form-data">
                <div class="field">
                    <label for=field("file")><T k=|t| t.image_file_label /></label>
                    <p class="field__hint" id=field("file-hint")><T k=|t| t.image_file_hint /></p>
                    <input id=field("file") type="file" name="image" required=!has_photo
                        accept="image/jpeg,image/png,image/webp" aria-describedby=field("file-hint") />
                </div>
                <div class="field">
                    <label for=field("alt")><T k=|t| t.image_alt_label /></label>
                    <p class="field__hint" id=field("alt-hint")><T k=|t| t.image_alt_hint /></p>
                    <input id=field("alt") type="text" name="alt" value=alt required maxlength="300"
                        aria-describedby=field("alt-hint") />
                </div>
                <button type="submit" name="action" value="save"><T k=|t| t.image_save /></button>
                {has_photo.then(|| view! {
                    " "
                    <button type="submit" name="action" value="remove" class="button--quiet"
                        formnovalidate=true>
                        <T k=|t| t.image_remove />
                    </button>
                })}
            </form>
        </details>
    }
}

/// The section both kinds share: heading and current status above `body`.
fn section(status: Option<ImplementationStatus>, body: impl IntoView) -> AnyView {
    let current = status.map(|status| {
        view! {
            <p><T k=|t| t.implementation_status />": " <ImplementationBadge status /></p>
        }
    });
    view! {
        <section id="umsetzung" aria-labelledby="implementation-heading">
            <h2 id="implementation-heading"><T k=|t| t.implementation_heading /></h2>
            {current}
            {body}
        </section>
    }
    .into_any()
}

/// The section as everyone sees it: heading, status and entries; where the viewer may
/// record, `staff` too (the way to the planners' page, whose code only they download).
#[component]
pub fn ImplementationSection(implementation: Implementation, staff: AnyView) -> impl IntoView {
    if !implementation.shown() {
        return ().into_any();
    }
    let Implementation {
        status,
        entries,
        may_record,
    } = implementation;
    let list = (!entries.is_empty()).then(|| view! { <ImplementationEntries entries /> });
    section(status, view! { {list} {may_record.then_some(staff)} })
}

/// The section on a planners' page: the entries with their photo forms, what a photo form
/// came back with, and `form` (the planners' form with the server function that takes it,
/// rendered by the page that knows which item it is for).
#[component]
pub fn ImplementationDesk(implementation: Implementation, form: AnyView) -> impl IntoView {
    if !implementation.shown() {
        return ().into_any();
    }
    let Implementation {
        status,
        entries,
        may_record,
    } = implementation;
    let list = (!entries.is_empty()).then(|| view! { <EditableEntries entries /> });
    // What the photo form (posted to the server, not a server function) came back with.
    let photo_error = posted_error_named(PHOTO_FORM);
    let done = crate::components::form::status();
    let photo_notice = move || {
        let text: fn(&'static Texts) -> &'static str = match done.get() {
            Some(Done::ImageSaved) => |t| t.image_saved,
            Some(Done::ImageRemoved) => |t| t.image_removed,
            _ => return None,
        };
        Some(view! { <Notice text /> })
    };
    section(
        status,
        view! {
            {photo_notice}
            <ErrorAlert error=photo_error />
            {list}
            {may_record.then_some(form)}
        },
    )
}

/// The planners' form: status, day and note, posted to `action` with `hidden` (the field
/// that names the item, and its value).
#[component]
pub fn ImplementationForm(
    action: &'static str,
    hidden: (&'static str, i64),
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let typed = typed_before(error, "form[note]", None).unwrap_or_default();
    let typed_day = typed_before(error, "form[happened_on]", None).unwrap_or_default();
    let done = status();
    let notice = move || {
        (done.get() == Some(Done::ImplementationRecorded))
            .then(|| view! { <Notice text=|t| t.implementation_recorded /> })
    };
    let options = ImplementationStatus::ALL
        .into_iter()
        .map(|status| {
            view! { <option value=status.as_str()>{move || status_text(i18n.t(), status)}</option> }
        })
        .collect_view();
    view! {
        <h3 id="implementation-form-heading"><T k=|t| t.implementation_form_heading /></h3>
        {notice}
        <ErrorAlert error fields=&["status", "note", "happened_on"] prefix=Some("implementation-".to_owned()) />
        <form method="post" action=action class="editor" aria-labelledby="implementation-form-heading">
            <input type="hidden" name=hidden.0 value=hidden.1 />
            <div class="field">
                <label for="implementation-status"><T k=|t| t.implementation_status /></label>
                <select id="implementation-status" name="form[status]">{options}</select>
            </div>
            <div class="field">
                <label for="implementation-happened_on"><T k=|t| t.implementation_day /></label>
                <p class="field__hint" id="implementation-day-hint"><T k=|t| t.implementation_day_hint /></p>
                <input id="implementation-happened_on" type="date" name="form[happened_on]"
                    value=typed_day aria-describedby="implementation-day-hint" />
            </div>
            <div class="field">
                <label for="implementation-note"><T k=|t| t.implementation_note /></label>
                <p class="field__hint" id="implementation-note-hint"><T k=|t| t.implementation_note_hint /></p>
                <textarea id="implementation-note" name="form[note]" rows="4" required=true
                    minlength=NOTE_MIN.to_string() maxlength=NOTE_MAX.to_string()
                    aria-describedby="implementation-note-hint">
                    {crate::components::raw_text::raw_text(typed)}
                </textarea>
            </div>
            <button type="submit"><T k=|t| t.implementation_submit /></button>
        </form>
    }
}
