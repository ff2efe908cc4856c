//! The page an e-mail link opens. Confirming takes a click (a form post), so that mail
//! scanners that open links do not use up the single-use token.

use crate::api::account::ConfirmEmail;
use crate::components::form::{ErrorAlert, Notice, ReturnField, posted_error, return_path, status};
use crate::error::AppError;
use crate::i18n::{T, page_title};
use crate::model::done::Done;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ConfirmPage() -> impl IntoView {
    let error = posted_error::<ConfirmEmail>();
    let status = status();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let back = return_path();
    view! {
        <Title text=page_title(|t| t.confirm_title) />
        <div class="container form-page">
            <h1><T k=|t| t.confirm_title /></h1>
            {move || match status.get() {
                Some(Done::Verified) => {
                    // Signed in by the confirmation: back to where they registered from.
                    let onward = match back.get() {
                        Some(back) => view! {
                            <a class="button" href=back><T k=|t| t.confirm_back /></a>
                        }.into_any(),
                        None => view! {
                            <a class="button" href="/"><T k=|t| t.nav_procedures /></a>
                        }.into_any(),
                    };
                    view! {
                        <Notice text=|t| t.confirm_done />
                        <p>{onward}</p>
                    }.into_any()
                }
                Some(Done::EmailChanged) => view! {
                    <Notice text=|t| t.confirm_changed />
                    <p><a class="button" href="/konto"><T k=|t| t.nav_account /></a></p>
                }.into_any(),
                _ if token().is_empty() => {
                    let missing = Signal::derive(|| Some(AppError::invalid("token", "invalid")));
                    view! { <ErrorAlert error=missing /> }.into_any()
                }
                _ => view! {
                    <ErrorAlert error />
                    <p><T k=|t| t.confirm_intro /></p>
                    <form method="post" action=ConfirmEmail::PATH>
                        <input type="hidden" name="token" value=token />
                        <ReturnField />
                        <button type="submit"><T k=|t| t.confirm_submit /></button>
                    </form>
                }.into_any(),
            }}
        </div>
    }
    .into_any()
}
