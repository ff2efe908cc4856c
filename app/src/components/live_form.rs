//! A form that works as a plain HTML form post (no JavaScript: post, redirect, reload) and,
//! once hydrated, posts in the background and lets the page update in place.
//!
//! It posts the same fields to the same server function, asking for a script response
//! instead of a redirect. On success it calls `done` (the page refetches its data). When
//! the server refuses the post (a 4xx with the translated error's code), the error is shown
//! at the top of the form and everything typed stays where it is. When no answer comes
//! (the connection dropped) it submits the form the ordinary way; forms that create
//! something carry an idempotency key, so that second post creates nothing twice. No
//! server-function client code is shipped for it: the browser bundle stays within its
//! budget.

use crate::error::AppError;
use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn LiveForm(
    /// The server function's path (`S::PATH`).
    action: &'static str,
    /// Called after a successful post.
    done: Callback<()>,
    /// Called with the server function's answer (its JSON) before `done`.
    #[prop(optional)]
    on_answer: Option<Callback<String>>,
    #[prop(optional)] class: &'static str,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let refused = RwSignal::new(None::<AppError>);
    let alert = move || {
        refused.get().map(|error| {
            view! {
                <div class="alert alert--error" role="alert">
                    <p>{move || i18n.t().error(&error)}</p>
                </div>
            }
        })
    };
    view! {
        <form
            method="post"
            action=action
            class=class
            aria-busy=move || busy.get().then_some("true")
            on:submit=move |event| submit_in_place(event, busy, refused, done, on_answer)
        >
            {alert}
            {children()}
        </form>
    }
}

#[cfg(feature = "hydrate")]
fn submit_in_place(
    event: leptos::ev::SubmitEvent,
    busy: RwSignal<bool>,
    refused: RwSignal<Option<AppError>>,
    done: Callback<()>,
    on_answer: Option<Callback<String>>,
) {
    use wasm_bindgen::JsCast;
    let Some(form) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok())
    else {
        return;
    };
    if busy.get_untracked() {
        event.prevent_default();
        return;
    }
    // The button that sent the form, if it has a name (`then=submit`), goes with it as a
    // browser would send it.
    let submitter = event.submitter().and_then(|button| {
        let name = button.get_attribute("name")?;
        Some((name, button.get_attribute("value").unwrap_or_default()))
    });
    let Some(request) = request_for(&form, submitter) else {
        // Anything unusual: let the browser post the form itself.
        return;
    };
    event.prevent_default();
    busy.set(true);
    leptos::task::spawn_local(async move {
        let response = match web_sys::window() {
            Some(window) => {
                wasm_bindgen_futures::JsFuture::from(window.fetch_with_request(&request))
                    .await
                    .ok()
                    .and_then(|response| response.dyn_into::<web_sys::Response>().ok())
            }
            None => None,
        };
        busy.set(false);
        match response {
            Some(response) if response.ok() => {
                refused.set(None);
                if let Some(on_answer) = on_answer {
                    on_answer.run(text_of(&response).await);
                }
                // Done with: the text typed is sent, and a form in a disclosure (a reply)
                // closes. The page redraws in place and keeps elements it already has.
                form.reset();
                if let Ok(Some(details)) = form.closest("details") {
                    let _ = details.remove_attribute("open");
                }
                done.run(());
            }
            // Refused: say why next to the form; what was typed stays.
            Some(response) if (400..500).contains(&response.status()) => {
                use leptos::server_fn::error::FromServerFnError;
                let body = text_of(&response).await;
                refused.set(Some(AppError::de(body.into_bytes().into())));
            }
            // No answer, or the server failed: the ordinary post shows what happens then,
            // as without JavaScript.
            _ => {
                let _ = form.submit();
            }
        }
    });
}

#[cfg(feature = "hydrate")]
async fn text_of(response: &web_sys::Response) -> String {
    match response.text() {
        Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Posts `form` in the background as a live form does, with `extra` added, and answers the
/// status and text of the response (none when no answer came). For forms that save as
/// the person goes.
#[cfg(feature = "hydrate")]
pub(crate) async fn post_in_background(
    form: &web_sys::HtmlFormElement,
    extra: (String, String),
) -> Option<(u16, String)> {
    use wasm_bindgen::JsCast;
    let request = request_for(form, Some(extra))?;
    let window = web_sys::window()?;
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_request(&request))
        .await
        .ok()?
        .dyn_into::<web_sys::Response>()
        .ok()?;
    Some((response.status(), text_of(&response).await))
}

/// The form's fields (and the field of the button that sent it) as a urlencoded POST to
/// its action, answered as for a script.
#[cfg(feature = "hydrate")]
fn request_for(
    form: &web_sys::HtmlFormElement,
    submitter: Option<(String, String)>,
) -> Option<web_sys::Request> {
    let data = web_sys::FormData::new_with_form(form).ok()?;
    if let Some((name, value)) = submitter {
        data.append_with_str(&name, &value).ok()?;
    }
    let body = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data).ok()?;
    let headers = web_sys::Headers::new().ok()?;
    headers
        .set("Content-Type", "application/x-www-form-urlencoded")
        .ok()?;
    headers.set("Accept", "application/json").ok()?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&body.to_string().into());
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    web_sys::Request::new_with_str_and_init(&form.action(), &init).ok()
}

#[cfg(not(feature = "hydrate"))]
fn submit_in_place(
    _: leptos::ev::SubmitEvent,
    _: RwSignal<bool>,
    _: RwSignal<Option<AppError>>,
    _: Callback<()>,
    _: Option<Callback<String>>,
) {
}
