//! Form parts shared by every page with a form: errors brought back by a post, fields
//! with labels, hints and `aria-invalid`, and status messages after a redirect.

use crate::error::AppError;
use crate::i18n::{Texts, use_i18n};
use crate::model::done::Done;
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

/// The return address (`?zurueck=`) a sign-in or registration link carried, if it is a
/// path on this site.
pub fn return_path() -> Signal<Option<String>> {
    let query = use_query_map();
    Signal::derive(move || {
        query
            .read()
            .get(crate::model::path::RETURN_PARAM)
            .filter(|back| crate::model::path::local_path(back).is_some())
    })
}

/// The return address as a hidden field of a sign-in, registration or confirmation form.
#[component]
pub fn ReturnField() -> impl IntoView {
    let back = return_path();
    move || {
        back.get()
            .map(|back| view! { <input type="hidden" name="back" value=back /> })
    }
}

/// A link to a page (sign-in, registration) that passes the current return address on.
pub fn passing_return(page: &'static str) -> Signal<String> {
    let back = return_path();
    Signal::derive(move || match back.get() {
        Some(back) => crate::model::path::with_return(page, &back),
        None => page.to_owned(),
    })
}

/// A hidden key for a form that creates something (a comment, a proposal): the same form
/// sent again (a lost response, a retry, a double click) creates nothing new. The server
/// renders one key into the page; a form the browser renders gets its own.
#[component]
pub fn IdempotencyField() -> impl IntoView {
    view! {
        <input type="hidden" name=crate::model::idempotency::IdempotencyKey::FIELD value=form_key() />
    }
}

fn form_key() -> String {
    #[cfg(feature = "ssr")]
    {
        let mut bytes = [0u8; 16];
        if getrandom::fill(&mut bytes).is_ok() {
            return bytes.iter().map(|b| format!("{b:02x}")).collect();
        }
    }
    #[cfg(feature = "hydrate")]
    if let Some(crypto) = web_sys::window().and_then(|window| window.crypto().ok()) {
        return crypto.random_uuid();
    }
    // Without a source of randomness the form simply has no key.
    String::new()
}

/// The outcome a successful form left in the address (`?status=`).
pub fn status() -> Signal<Option<Done>> {
    let query = use_query_map();
    Signal::derive(move || {
        query
            .read()
            .get_str(crate::model::done::STATUS_PARAM)
            .and_then(Done::parse)
    })
}

/// The error summary above a form (as GOV.UK's pattern has it): what went wrong, as a link
/// to the field it concerns when that field is one of the form's `fields` (rendered by
/// [`Field`] or [`TextArea`], which repeat the message next to themselves).
#[component]
pub fn ErrorAlert(
    error: Signal<Option<AppError>>,
    /// The names of the form's fields that an error can be linked to.
    #[prop(optional)]
    fields: &'static [&'static str],
    /// What the fields' ids start with (default `field-`), for a form repeated on a page.
    #[prop(default = None)]
    prefix: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let prefix = prefix.unwrap_or_else(|| "field-".to_owned());
    move || {
        error.get().map(|error| {
            let t = i18n.t();
            let problems = error.field_problems();
            let body = if problems.is_empty() {
                view! { <p>{t.error(&error)}</p> }.into_any()
            } else {
                // Every problem, each linked to its field where the form has it.
                let items = problems
                    .into_iter()
                    .map(|(field, problem)| {
                        let message = t.invalid_input(field, problem);
                        if fields.contains(&field) {
                            let href = format!("#{prefix}{field}");
                            view! { <li><a href=href>{message}</a></li> }.into_any()
                        } else {
                            view! { <li>{message}</li> }.into_any()
                        }
                    })
                    .collect_view();
                view! {
                    <h2 class="error-summary__title">{t.error_summary_title}</h2>
                    <ul class="error-summary__list">{items}</ul>
                }
                .into_any()
            };
            view! {
                <div class="alert alert--error error-summary" role="alert">{body}</div>
            }
        })
    }
}

/// What the person typed into `name` before the server refused the form (`__form`, see
/// the server's `keep_form_values`): only while `error` holds, that is for the form the
/// error came back for, so other forms on the page with a field of that name stay empty.
pub(crate) fn typed_before(
    error: Signal<Option<AppError>>,
    name: &str,
    value: Option<String>,
) -> Option<String> {
    let query = use_query_map();
    let typed = error.get_untracked().and_then(|_| {
        query
            .read_untracked()
            .get("__form")
            .and_then(|form| crate::model::text::form_value(&form, name))
    });
    typed.or(value)
}

/// The message of an error that concerns the field `name`, if it does.
pub(crate) fn field_error(
    error: Signal<Option<AppError>>,
    name: &'static str,
) -> Signal<Option<&'static str>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        error.get().and_then(|error| {
            error
                .field_problems()
                .into_iter()
                .find(|(field, _)| *field == name)
                .map(|(field, problem)| i18n.t().invalid_input(field, problem))
        })
    })
}

/// A field of a form that a page repeats (one per item), whose ids are its own: the
/// refusal's message for it, and its `aria-invalid` and `aria-describedby`.
#[derive(Clone)]
pub(crate) struct FieldState {
    message: Signal<Option<&'static str>>,
    error_id: String,
    hint_id: Option<String>,
}

impl FieldState {
    /// The problem `error` has with `name`, for the control with the id `id` (whose hint,
    /// if it has one, is `{id}-hint`).
    pub fn new(error: Signal<Option<AppError>>, name: &'static str, id: &str, hint: bool) -> Self {
        Self {
            message: field_error(error, name),
            error_id: format!("{id}-error"),
            hint_id: hint.then(|| format!("{id}-hint")),
        }
    }

    pub fn shown(&self) -> bool {
        self.message.get().is_some()
    }

    /// The message, placed between the label and the control.
    pub fn view(&self) -> impl IntoView + use<> {
        let (message, id) = (self.message, self.error_id.clone());
        move || {
            message
                .get()
                .map(|text| view! { <p class="field__error" id=id.clone()>{text}</p> })
        }
    }

    pub fn invalid(&self) -> impl Fn() -> Option<&'static str> + Send + Sync + use<> {
        let message = self.message;
        move || message.get().map(|_| "true")
    }

    pub fn described(&self) -> impl Fn() -> Option<String> + Send + Sync + use<> {
        described_by(self.hint_id.clone(), self.error_id.clone(), self.message)
    }
}

/// The refusal of a form post of `S`, if it was sent by the form on this page that
/// carries `key` as the value of each of its `fields` (the form of one item among many).
pub fn posted_error_for<S>(fields: Vec<(&'static str, String)>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError>,
{
    let error = posted_error::<S>();
    let query = use_query_map();
    let ours = query.with_untracked(|q| {
        q.get("__form").is_some_and(|form| {
            fields.iter().all(|(name, value)| {
                crate::model::text::form_value(&form, name).as_deref() == Some(value.as_str())
            })
        })
    });
    Signal::derive(move || if ours { error.get() } else { None })
}

/// Ids for `aria-describedby`: the hint (if any), then the error message (while shown).
pub(crate) fn described_by(
    hint: Option<String>,
    error_id: String,
    message: Signal<Option<&'static str>>,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    move || {
        let ids: Vec<String> = hint
            .iter()
            .cloned()
            .chain(message.get().map(|_| error_id.clone()))
            .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
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
    let error_id = format!("{id}-error");
    let message = field_error(error, name);
    let invalid = move || message.get().map(|_| "true");
    let described = described_by(hint.map(|_| hint_id.clone()), error_id.clone(), message);
    // Never a password back into a page.
    let value = if kind == "password" {
        value
    } else {
        typed_before(error, name, value)
    };
    view! {
        <div class="field" class:field--error=move || message.get().is_some()>
            <label for=id.clone()>{move || label(i18n.t())}</label>
            {hint.map(|hint| view! { <p class="field__hint" id=hint_id.clone()>{move || hint(i18n.t())}</p> })}
            {move || message.get().map(|text| view! { <p class="field__error" id=error_id.clone()>{text}</p> })}
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
    /// The form's error: shown next to the field when it concerns it.
    #[prop(optional, into)]
    error: Option<Signal<Option<AppError>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = match id_suffix {
        Some(suffix) => format!("field-{name}-{suffix}"),
        None => format!("field-{name}"),
    };
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let message = field_error(error, name);
    let value = typed_before(error, name, value);
    let invalid = move || message.get().map(|_| "true");
    let described = described_by(hint.map(|_| hint_id.clone()), error_id.clone(), message);
    view! {
        <div class="field" class:field--error=move || message.get().is_some()>
            <label for=id.clone()>{move || label(i18n.t())}</label>
            {hint.map(|hint| view! { <p class="field__hint" id=hint_id.clone()>{move || hint(i18n.t())}</p> })}
            {move || message.get().map(|text| view! { <p class="field__error" id=error_id.clone()>{text}</p> })}
            <textarea id=id name=name rows=rows required=true aria-describedby=described aria-invalid=invalid>
                {crate::components::raw_text::raw_text(value.unwrap_or_default())}
            </textarea>
        </div>
    }
}

/// "Please log in" with the way there, and back to this page afterwards.
#[component]
pub fn LoginPrompt(
    #[prop(default = |t| t.login_required)] text: fn(&'static Texts) -> &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let href = here_after_sign_in();
    view! {
        <p>{move || text(i18n.t())}</p>
        <p><a class="button" href=href>{move || i18n.t().nav_login}</a></p>
    }
}

/// The sign-in page, returning to the current page (its query and fragment too).
pub fn here_after_sign_in() -> Signal<String> {
    let location = leptos_router::hooks::use_location();
    Signal::derive(move || {
        let path = location.pathname.get();
        // The account pages themselves are no place to return to.
        if ["/anmelden", "/registrieren", "/bestaetigen", "/passwort"]
            .iter()
            .any(|page| path.starts_with(page))
        {
            return "/anmelden".to_owned();
        }
        // A notice or error of an earlier form is not part of where the person was.
        let search = location.search.get();
        let search = search
            .trim_start_matches('?')
            .split('&')
            .filter(|pair| {
                !pair.is_empty() && !pair.starts_with("status=") && !pair.starts_with("__")
            })
            .collect::<Vec<_>>()
            .join("&");
        let here = format!(
            "{path}{}{search}{}",
            if search.is_empty() { "" } else { "?" },
            location.hash.get(),
        );
        crate::model::path::with_return("/anmelden", &here)
    })
}
