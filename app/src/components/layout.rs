//! The frame around every page: header with navigation and language switch, and the footer
//! with the legally required pages.

use crate::api::account::{Logout, who_am_i};
use crate::api::site::SetLanguage;
use crate::app::SiteInfo;
use crate::i18n::{Lang, T, Texts, use_i18n};
use crate::model::account::Role;
use crate::model::legal::LegalPage;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let name = use_context::<SiteInfo>()
        .map(|site| site.instance_name)
        .unwrap_or_default();
    view! {
        <header class="site-header">
            <div class="container site-header__bar">
                <a class="site-header__brand" href="/">
                    <svg class="site-header__logo" aria-hidden="true" viewBox="0 0 32 32" width="32" height="32">
                        <path d="M4 6h24v15H13l-7 6v-6H4z" />
                    </svg>
                    <span>{name}</span>
                </a>
                <nav class="site-nav" aria-label=move || i18n.t().main_navigation>
                    <ul>
                        <li>
                            <A href="/"><T k=|t| t.nav_procedures /></A>
                        </li>
                    </ul>
                </nav>
                <AccountLinks />
                <LanguageSwitch />
            </div>
        </header>
    }
    .into_any()
}

/// Log in and register, or the account, the administration and log out. Refetched on every
/// navigation, so it follows logins and logouts.
#[component]
fn AccountLinks() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let sign_in = crate::components::form::here_after_sign_in();
    let me = Resource::new(
        move || (location.pathname.get(), location.search.get()),
        |_| who_am_i(),
    );
    view! {
        <nav class="site-header__account" aria-label=move || i18n.t().account_navigation>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(Some(me)) => {
                            let admin = (me.role == Role::Admin).then(|| view! {
                                <A href="/verwaltung/benutzer"><T k=|t| t.nav_users /></A>
                            });
                            let moderator = matches!(me.role, Role::Moderator | Role::Admin).then(|| view! {
                                <A href="/moderation"><T k=|t| t.nav_moderation /></A>
                            });
                            let planner = me.role.plans().then(|| view! {
                                <A href="/verwaltung/verfahren"><T k=|t| t.planning_title /></A>
                            });
                            view! {
                                <A href="/konto"><T k=|t| t.nav_account /></A>
                                {planner}
                                {moderator}
                                {admin}
                                <form method="post" action=Logout::PATH>
                                    <button type="submit" class="button button--quiet"><T k=|t| t.logout /></button>
                                </form>
                            }
                            .into_any()
                        }
                        _ => view! {
                            <A href=move || sign_in.get()><T k=|t| t.nav_login /></A>
                            <A href="/registrieren"><T k=|t| t.nav_register /></A>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </nav>
    }
}

/// A button for each other language, named in that language. With JavaScript the page
/// re-renders in place; without, the form post sets the cookie and returns to the same page.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetLanguage>::new();
    Effect::new(move |_| {
        if let Some(Ok(lang)) = action.value().get() {
            switch_to(i18n, lang);
        }
    });
    let others = move || {
        Lang::ALL
            .iter()
            .copied()
            .filter(|lang| *lang != i18n.lang())
            .map(|other| {
                view! {
                    <ActionForm action=action attr:class="lang-switch">
                        <input type="hidden" name="lang" value=other.code() />
                        <button
                            type="submit"
                            class="button button--quiet"
                            lang=other.code()
                            title=move || i18n.t().language_switch_label
                        >
                            {other.name()}
                        </button>
                    </ActionForm>
                }
            })
            .collect_view()
    };
    view! { {others} }
}

/// Re-renders the page in `lang` once its texts are there (the browser loads each
/// language's texts on first use, see `i18n::wire`). Should they not arrive, the page is
/// loaded again: the cookie is set already, so the server renders it in that language.
fn switch_to(i18n: crate::i18n::I18n, lang: Lang) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        match crate::i18n::wire::load(lang).await {
            Ok(()) => i18n.set(lang),
            Err(problem) => {
                leptos::logging::warn!("Mitreden: {problem}; loading the page again");
                let _ = window().location().reload();
            }
        }
    });
    #[cfg(not(feature = "hydrate"))]
    i18n.set(lang);
}

#[component]
pub fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    let links = LegalPage::ALL
        .into_iter()
        .map(|page| {
            view! {
                <li>
                    <A href=format!("/{}", page.slug())>{move || legal_title(i18n.t(), page)}</A>
                </li>
            }
        })
        .collect_view();
    view! {
        <footer class="site-footer">
            <div class="container site-footer__inner">
                <p><T k=|t| t.footer_about /></p>
                <nav aria-label=move || i18n.t().footer_label>
                    <ul class="site-footer__links">{links}</ul>
                </nav>
                <p class="site-footer__small"><T k=|t| t.footer_source /></p>
            </div>
        </footer>
    }
    .into_any()
}

/// The title of a legal page (also the page's heading and its footer link).
pub fn legal_title(t: &'static Texts, page: LegalPage) -> &'static str {
    match page {
        LegalPage::Imprint => t.legal_imprint,
        LegalPage::Privacy => t.legal_privacy,
        LegalPage::Accessibility => t.legal_accessibility,
    }
}
