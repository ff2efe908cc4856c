use crate::api::account::Login;
use crate::components::form::{
    ErrorAlert, Field, Notice, ReturnField, passing_return, posted_error, status,
};
use crate::i18n::{T, page_title};
use crate::model::done::Done;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    let error = posted_error::<Login>();
    let status = status();
    let notice = move || {
        status.get().and_then(|status| match status {
            Done::LoggedOut => Some(view! { <Notice text=|t| t.logged_out info=true /> }),
            Done::PasswordReset => Some(view! { <Notice text=|t| t.reset_done /> }),
            Done::Deleted => Some(view! { <Notice text=|t| t.deleted_done /> }),
            _ => None,
        })
    };
    view! {
        <Title text=page_title(|t| t.login_title) />
        <div class="container form-page">
            <h1><T k=|t| t.login_title /></h1>
            {notice}
            <ErrorAlert error fields=&["email", "password"] />
            <form method="post" action=Login::PATH>
                <Field name="email" kind="email" label=|t| t.email_label error autocomplete="email" />
                <Field name="password" kind="password" label=|t| t.password_label error autocomplete="current-password" />
                <ReturnField />
                <button type="submit"><T k=|t| t.login_submit /></button>
            </form>
            <p class="form-links">
                <a href="/passwort-vergessen"><T k=|t| t.forgot_password_link /></a>
                <span>
                    <T k=|t| t.no_account /> " "
                    <a href=passing_return("/registrieren")><T k=|t| t.nav_register /></a>
                </span>
            </p>
        </div>
    }
    .into_any()
}
