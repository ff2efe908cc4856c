//! A form that works as a plain HTML form post (no JavaScript: post, redirect, reload) and,
//! once hydrated, posts in the background and lets the page update in place.
//!
//! It posts the same fields to the same server function, asking for a script response
//! instead of a redirect. On success it calls `done` (the page refetches its data); on any
//! failure it submits the form the ordinary way, so the visitor sees the server's
//! translated error exactly as without JavaScript. No server-function client code is
//! shipped for it: the browser bundle stays within its budget.

use leptos::prelude::*;

#[component]
pub fn LiveForm(
    /// The server function's path (`S::PATH`).
    action: &'static str,
    /// Called after a successful post.
    done: Callback<()>,
    #[prop(optional)] class: &'static str,
    children: Children,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    view! {
        <form
            method="post"
            action=action
            class=class
            aria-busy=move || busy.get().then_some("true")
            on:submit=move |event| submit_in_place(event, busy, done)
        >
            {children()}
        </form>
    }
}

#[cfg(feature = "hydrate")]
fn submit_in_place(event: leptos::ev::SubmitEvent, busy: RwSignal<bool>, done: Callback<()>) {
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
    let Some(request) = request_for(&form) else {
        // Anything unusual: let the browser post the form itself.
        return;
    };
    event.prevent_default();
    busy.set(true);
    leptos::task::spawn_local(async move {
        let ok = match web_sys::window() {
            Some(window) => {
                wasm_bindgen_futures::JsFuture::from(window.fetch_with_request(&request))
                    .await
                    .ok()
                    .and_then(|response| response.dyn_into::<web_sys::Response>().ok())
                    .is_some_and(|response| response.ok())
            }
            None => false,
        };
        busy.set(false);
        if ok {
            done.run(());
        } else {
            // The ordinary post shows the server's error, translated, as without JavaScript.
            let _ = form.submit();
        }
    });
}

/// The form's fields as a urlencoded POST to its action, answered as for a script.
#[cfg(feature = "hydrate")]
fn request_for(form: &web_sys::HtmlFormElement) -> Option<web_sys::Request> {
    let data = web_sys::FormData::new_with_form(form).ok()?;
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
fn submit_in_place(_: leptos::ev::SubmitEvent, _: RwSignal<bool>, _: Callback<()>) {}
