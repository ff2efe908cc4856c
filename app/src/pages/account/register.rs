use crate::api::account::Register;
use crate::components::form::{Checkbox, ErrorAlert, Field, Notice, form_error, status};
use crate::i18n::{page_title, use_i18n};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<Register>::new();
    let error = form_error(action);
    let status = status();
    view! {
        <Title text=page_title(|t| t.register_title) />
        <div class="container form-page">
            <h1>{move || i18n.t().register_title}</h1>
            {move || {
                if status.get().as_deref() == Some("sent") {
                    view! { <Notice text=|t| t.register_sent /> }.into_any()
                } else {
                    view! {
                        <p>{move || i18n.t().register_intro}</p>
                        <ErrorAlert error />
                        <ActionForm action=action>
                            <Field name="email" kind="email" label=|t| t.email_label error autocomplete="email" />
                            <Field name="display_name" label=|t| t.display_name_label hint=|t| t.display_name_hint error autocomplete="nickname" />
                            <Field name="password" kind="password" label=|t| t.password_label hint=|t| t.password_hint error autocomplete="new-password" />
                            <Checkbox name="accept_terms" label=|t| t.accept_terms_label required=true />
                            <p><a href="/datenschutz">{move || i18n.t().legal_privacy}</a></p>
                            <button type="submit">{move || i18n.t().register_submit}</button>
                        </ActionForm>
                        <p class="form-links">
                            {move || i18n.t().have_account} " "
                            <a href="/anmelden">{move || i18n.t().nav_login}</a>
                        </p>
                    }
                    .into_any()
                }
            }}
        </div>
    }
    .into_any()
}
