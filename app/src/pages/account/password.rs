//! Forgotten passwords: ask for a link, then set a new password with it.

use crate::api::account::{RequestPasswordReset, ResetPassword};
use crate::components::form::{ErrorAlert, Field, Notice, form_error, status};
use crate::i18n::{page_title, use_i18n};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = form_error(action);
    let status = status();
    view! {
        <Title text=page_title(|t| t.forgot_title) />
        <div class="container form-page">
            <h1>{move || i18n.t().forgot_title}</h1>
            {move || {
                if status.get().as_deref() == Some("sent") {
                    view! { <Notice text=|t| t.forgot_sent /> }.into_any()
                } else {
                    view! {
                        <p>{move || i18n.t().forgot_intro}</p>
                        <ErrorAlert error />
                        <ActionForm action=action>
                            <Field name="email" kind="email" label=|t| t.email_label error autocomplete="email" />
                            <button type="submit">{move || i18n.t().forgot_submit}</button>
                        </ActionForm>
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
    let i18n = use_i18n();
    let action = ServerAction::<ResetPassword>::new();
    let error = form_error(action);
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <Title text=page_title(|t| t.reset_title) />
        <div class="container form-page">
            <h1>{move || i18n.t().reset_title}</h1>
            <ErrorAlert error />
            <ActionForm action=action>
                <input type="hidden" name="token" value=token />
                <Field name="password" kind="password" label=|t| t.new_password_label hint=|t| t.password_hint error autocomplete="new-password" />
                <button type="submit">{move || i18n.t().reset_submit}</button>
            </ActionForm>
            <p><a href="/passwort-vergessen">{move || i18n.t().forgot_submit}</a></p>
        </div>
    }
    .into_any()
}
