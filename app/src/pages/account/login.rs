use crate::api::account::Login;
use crate::components::form::{ErrorAlert, Field, Notice, form_error, status};
use crate::i18n::{page_title, use_i18n};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<Login>::new();
    let error = form_error(action);
    let status = status();
    let notice = move || {
        status.get().and_then(|status| match status.as_str() {
            "logged_out" => Some(view! { <Notice text=|t| t.logged_out info=true /> }),
            "password_reset" => Some(view! { <Notice text=|t| t.reset_done /> }),
            "deleted" => Some(view! { <Notice text=|t| t.deleted_done /> }),
            _ => None,
        })
    };
    view! {
        <Title text=page_title(|t| t.login_title) />
        <div class="container form-page">
            <h1>{move || i18n.t().login_title}</h1>
            {notice}
            <ErrorAlert error />
            <ActionForm action=action>
                <Field name="email" kind="email" label=|t| t.email_label error autocomplete="email" />
                <Field name="password" kind="password" label=|t| t.password_label error autocomplete="current-password" />
                <button type="submit">{move || i18n.t().login_submit}</button>
            </ActionForm>
            <p class="form-links">
                <a href="/passwort-vergessen">{move || i18n.t().forgot_password_link}</a>
                <span>
                    {move || i18n.t().no_account} " "
                    <a href="/registrieren">{move || i18n.t().nav_register}</a>
                </span>
            </p>
        </div>
    }
    .into_any()
}
