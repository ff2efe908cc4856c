//! Form parts shared by every page with a form: errors brought back by a post, fields
//! with labels, hints and `aria-invalid`, and status messages after a redirect.

use crate::error::AppError;
use crate::i18n::{Texts, use_i18n};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_router::hooks::use_query_map;

/// The error a form post brought back in the address. Account forms are plain HTML forms
/// (`<form method="post" action=S::PATH>`) that reload the page, with or without
/// JavaScript: they gain little from updating in place, and the browser bundle then
/// carries no code for their server functions (it stays within its size budget).
pub fn posted_error<S>() -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError>,
{
    posted_error_named(S::PATH)
}

/// The error a form post brought back under `name` (a server function's path, or the name
/// a plain handler reports under, such as the image form's).
pub fn posted_error_named(name: &'static str) -> Signal<Option<AppError>> {
    let query = use_query_map();
    Signal::derive(move || {
        let query = query.read();
        if query.get_str("__path") != Some(name) {
            return None;
        }
        query
            .get_str("__err")
            .map(ServerFnUrlError::<AppError>::decode_err)
    })
}

/// The `status` a successful form left in the address.
pub fn status() -> Signal<Option<String>> {
    let query = use_query_map();
    Signal::derive(move || query.read().get("status"))
}

#[component]
pub fn ErrorAlert(error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|error| {
            view! {
                <div class="alert alert--error" role="alert">
                    <p>{i18n.t().error(&error)}</p>
                </div>
            }
        })
    }
}

/// A success or information message; `role="status"` so screen readers announce it.
#[component]
pub fn Notice(
    text: fn(&'static Texts) -> &'static str,
    #[prop(optional)] info: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let class = if info {
        "alert alert--info"
    } else {
        "alert alert--success"
    };
    view! {
        <div class=class role="status">
            <p>{move || text(i18n.t())}</p>
        </div>
    }
}

/// A labelled input. It is marked invalid when the form's error names its field.
#[component]
pub fn Field(
    name: &'static str,
    label: fn(&'static Texts) -> &'static str,
    error: Signal<Option<AppError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<fn(&'static Texts) -> &'static str>,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional, into)] value: Option<String>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let invalid = move || {
        matches!(error.get(), Some(AppError::InvalidInput { ref field, .. }) if field == name)
            .then_some("true")
    };
    let described = hint.map(|_| hint_id.clone());
    view! {
        <div class="field">
            <label for=id.clone()>{move || label(i18n.t())}</label>
            {hint.map(|hint| view! { <p class="field__hint" id=hint_id.clone()>{move || hint(i18n.t())}</p> })}
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                value=value
                aria-describedby=described
                aria-invalid=invalid
            />
        </div>
    }
}

/// A checkbox with its label to the right.
#[component]
pub fn Checkbox(
    name: &'static str,
    label: fn(&'static Texts) -> &'static str,
    #[prop(optional)] checked: bool,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("field-{name}");
    view! {
        <div class="field field--check">
            <input id=id.clone() name=name type="checkbox" value="on" checked=checked required=required />
            <label for=id>{move || label(i18n.t())}</label>
        </div>
    }
}

/// A labelled multi-line text field.
#[component]
pub fn TextArea(
    name: &'static str,
    label: fn(&'static Texts) -> &'static str,
    #[prop(optional)] hint: Option<fn(&'static Texts) -> &'static str>,
    #[prop(default = 5)] rows: u32,
    #[prop(optional, into)] value: Option<String>,
    /// Makes ids unique when a page has several forms with the same field.
    #[prop(optional, into)]
    id_suffix: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = match id_suffix {
        Some(suffix) => format!("field-{name}-{suffix}"),
        None => format!("field-{name}"),
    };
    let hint_id = format!("{id}-hint");
    let described = hint.map(|_| hint_id.clone());
    view! {
        <div class="field">
            <label for=id.clone()>{move || label(i18n.t())}</label>
            {hint.map(|hint| view! { <p class="field__hint" id=hint_id.clone()>{move || hint(i18n.t())}</p> })}
            <textarea id=id name=name rows=rows required=true aria-describedby=described>
                {value.unwrap_or_default()}
            </textarea>
        </div>
    }
}

/// "Please log in" with the way there.
#[component]
pub fn LoginPrompt(
    #[prop(default = |t| t.login_required)] text: fn(&'static Texts) -> &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p>{move || text(i18n.t())}</p>
        <p><a class="button" href="/anmelden">{move || i18n.t().nav_login}</a></p>
    }
}
