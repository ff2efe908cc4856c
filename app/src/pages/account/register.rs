use crate::api::account::Register;
use crate::components::form::{
    Checkbox, ErrorAlert, Field, Notice, ReturnField, passing_return, posted_error, status,
};
use crate::i18n::{T, page_title};
use crate::model::done::Done;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let error = posted_error::<Register>();
    let status = status();
    view! {
        <Title text=page_title(|t| t.register_title) />
        <div class="container form-page">
            <h1><T k=|t| t.register_title /></h1>
            {move || {
                if status.get() == Some(Done::Sent) {
                    view! { <Notice text=|t| t.register_sent /> }.into_any()
                } else {
                    view! {
                        <p><T k=|t| t.register_intro /></p>
                        <ErrorAlert error fields=&["email", "display_name", "password", "accept_terms"] />
                        <form method="post" action=Register::PATH>
                            <Field name="email" kind="email" label=|t| t.email_label error autocomplete="email" />
                            <Field name="display_name" label=|t| t.display_name_label hint=|t| t.display_name_hint error autocomplete="nickname" />
                            <Field name="password" kind="password" label=|t| t.password_label hint=|t| t.password_hint error autocomplete="new-password" />
                            <Checkbox name="accept_terms" label=|t| t.accept_terms_label required=true />
                            <ReturnField />
                            <p><a href="/datenschutz"><T k=|t| t.legal_privacy /></a></p>
                            <button type="submit"><T k=|t| t.register_submit /></button>
                        </form>
                        <p class="form-links">
                            <T k=|t| t.have_account /> " "
                            <a href=passing_return("/anmelden")><T k=|t| t.nav_login /></a>
                        </p>
                    }
                    .into_any()
                }
            }}
        </div>
    }
    .into_any()
}
