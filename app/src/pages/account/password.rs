//! Forgotten passwords: ask for a link, then set a new password with it.

use crate::api::account::{RequestPasswordReset, ResetPassword};
use crate::components::form::{ErrorAlert, Field, Notice, posted_error, status};
use crate::i18n::{T, page_title};
use crate::model::done::Done;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let error = posted_error::<RequestPasswordReset>();
    let status = status();
    view! {
        <Title text=page_title(|t| t.forgot_title) />
        <div class="container form-page">
            <h1><T k=|t| t.forgot_title /></h1>
            {move || {
                if status.get() == Some(Done::Sent) {
                    view! { <Notice text=|t| t.forgot_sent /> }.into_any()
                } else {
                    view! {
                        <p><T k=|t| t.forgot_intro /></p>
                        <ErrorAlert error fields=&["email"] />
                        <form method="post" action=RequestPasswordReset::PATH>
                            <Field name="email" kind="email" label=|t| t.email_label error autocomplete="email" />
                            <button type="submit"><T k=|t| t.forgot_submit /></button>
                        </form>
                    }
                    .into_any()
                }
            }}
        </div>
    }
    .into_any()
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let error = posted_error::<ResetPassword>();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <Title text=page_title(|t| t.reset_title) />
        <div class="container form-page">
            <h1><T k=|t| t.reset_title /></h1>
            <ErrorAlert error fields=&["password"] />
            <form method="post" action=ResetPassword::PATH>
                <input type="hidden" name="token" value=token />
                <Field name="password" kind="password" label=|t| t.new_password_label hint=|t| t.password_hint error autocomplete="new-password" />
                <button type="submit"><T k=|t| t.reset_submit /></button>
            </form>
            <p><a href="/passwort-vergessen"><T k=|t| t.forgot_submit /></a></p>
        </div>
    }
    .into_any()
}
