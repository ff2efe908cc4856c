//! "Mein Konto": profile, address, password, sessions, and the privacy rights.

use crate::api::account::{
    ChangeEmail, ChangePassword, DeleteAccount, LogoutEverywhere, ResendVerification,
    UpdateProfile, who_am_i,
};
use crate::components::error_view::ErrorNotice;
use crate::components::form::{
    Checkbox, ErrorAlert, Field, LoginPrompt, Notice, posted_error, status,
};
use crate::i18n::{Lang, T, page_title, use_i18n};
use crate::model::account::Me;
use crate::model::done::Done;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    let status = status();
    // Refetched after every form: each one redirects here with a new status.
    let me = Resource::new(move || status.get(), |_| who_am_i());
    view! {
        <Title text=page_title(|t| t.account_title) />
        <div class="container">
            <h1><T k=|t| t.account_title /></h1>
            <Transition fallback=move || view! { <p class="loading"><T k=|t| t.loading /></p> }>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(Some(me)) => view! { <AccountSections me /> }.into_any(),
                        Ok(None) => view! { <LoginPrompt /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
    .into_any()
}

#[component]
fn AccountSections(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let status = status();
    let (resend_error, profile_error, email_error) = (
        posted_error::<ResendVerification>(),
        posted_error::<UpdateProfile>(),
        posted_error::<ChangeEmail>(),
    );
    let (password_error, everywhere_error, delete_error) = (
        posted_error::<ChangePassword>(),
        posted_error::<LogoutEverywhere>(),
        posted_error::<DeleteAccount>(),
    );
    let notice = move || {
        status.get().and_then(|status| match status {
            Done::Saved => Some(view! { <Notice text=|t| t.profile_saved /> }),
            Done::Resent => Some(view! { <Notice text=|t| t.resend_done /> }),
            Done::EmailSent => Some(view! { <Notice text=|t| t.email_change_sent /> }),
            Done::PasswordChanged => Some(view! { <Notice text=|t| t.password_changed /> }),
            _ => None,
        })
    };
    let unverified = (!me.verified).then(|| {
        view! {
            <div class="alert alert--info" role="status">
                <p><T k=|t| t.unverified_notice /></p>
                <ErrorAlert error=resend_error />
                <form method="post" action=ResendVerification::PATH>
                    <button type="submit" class="button--quiet"><T k=|t| t.resend_submit /></button>
                </form>
            </div>
        }
    });
    let lang_options = Lang::ALL
        .iter()
        .copied()
        .map(|lang| {
            let name = lang.name();
            view! { <option value=lang.code() selected=lang == me.lang lang=lang.code()>{name}</option> }
        })
        .collect_view();
    view! {
        <div class="account">
            {notice}
            {unverified}
            <p>{me.email.clone()} " · " {move || i18n.t().role(me.role)}</p>

            <section aria-labelledby="profile-heading">
                <h2 id="profile-heading"><T k=|t| t.profile_heading /></h2>
                <ErrorAlert error=profile_error />
                <form method="post" action=UpdateProfile::PATH>
                    <Field name="display_name" label=|t| t.display_name_label hint=|t| t.display_name_hint
                        error=profile_error value=me.display_name.clone() autocomplete="nickname" />
                    <div class="field">
                        <label for="field-lang"><T k=|t| t.language_label /></label>
                        <select id="field-lang" name="lang">{lang_options}</select>
                    </div>
                    <Checkbox name="notify_replies" label=|t| t.notify_replies_label checked=me.notify_replies />
                    <Checkbox name="notify_digest" label=|t| t.notify_digest_label checked=me.notify_digest />
                    <Checkbox name="public_name" label=|t| t.public_name_label checked=me.public_name />
                    <button type="submit"><T k=|t| t.save /></button>
                </form>
            </section>

            <section aria-labelledby="email-heading">
                <h2 id="email-heading"><T k=|t| t.email_heading /></h2>
                <ErrorAlert error=email_error />
                <form method="post" action=ChangeEmail::PATH>
                    <Field name="email" kind="email" label=|t| t.email_label error=email_error autocomplete="email" />
                    <button type="submit"><T k=|t| t.email_change_submit /></button>
                </form>
            </section>

            <section aria-labelledby="password-heading">
                <h2 id="password-heading"><T k=|t| t.password_heading /></h2>
                <ErrorAlert error=password_error />
                <form method="post" action=ChangePassword::PATH>
                    <Field name="current_password" kind="password" label=|t| t.current_password_label
                        error=password_error autocomplete="current-password" />
                    <Field name="password" kind="password" label=|t| t.new_password_label hint=|t| t.password_hint
                        error=password_error autocomplete="new-password" />
                    <button type="submit"><T k=|t| t.password_heading /></button>
                </form>
            </section>

            <section aria-labelledby="sessions-heading">
                <h2 id="sessions-heading"><T k=|t| t.sessions_heading /></h2>
                <p><T k=|t| t.sessions_intro /></p>
                <ErrorAlert error=everywhere_error />
                <form method="post" action=LogoutEverywhere::PATH>
                    <button type="submit" class="button--quiet"><T k=|t| t.logout_everywhere_submit /></button>
                </form>
            </section>

            <section aria-labelledby="privacy-heading">
                <h2 id="privacy-heading"><T k=|t| t.privacy_heading /></h2>
                <p><T k=|t| t.export_intro /></p>
                <p><a class="button button--quiet" href="/api/v1/me/export" download="mitreden-meine-daten.json">
                    <T k=|t| t.export_link />
                </a></p>
                <h3><T k=|t| t.delete_heading /></h3>
                <p><T k=|t| t.delete_intro /></p>
                <ErrorAlert error=delete_error />
                <form method="post" action=DeleteAccount::PATH>
                    <Checkbox name="confirm" label=|t| t.delete_confirm_label required=true />
                    <button type="submit" class="button--danger"><T k=|t| t.delete_submit /></button>
                </form>
            </section>
        </div>
    }
    .into_any()
}
