//! The document shell, the `<App/>` root and the route table.

use crate::components::layout::{Footer, Header};
use crate::formats::budget::pages::{
    ballot::BudgetBallotPage,
    desk::{BudgetDeskPage, BudgetsOverviewPage},
    paper::BatchDeskPage,
    project_desk::ProjectDeskPage,
    results::BudgetResultsPage,
};
use crate::formats::proposals::pages::{
    detail::ProposalPage,
    implementation_desk::ImplementationDeskPage,
    list::NewProposalPage,
    onsite_import::OnsiteImportRoutePage,
    opinion_desk::{OpinionDeskPage, OpinionListPage},
    photo_desk::PhotoDeskPage,
};
use crate::i18n::{I18n, Lang, T};
use crate::model::legal::LegalPage;
use crate::pages::account::{
    confirm::ConfirmPage,
    login::LoginPage,
    password::{ForgotPasswordPage, ResetPasswordPage},
    profile::AccountPage,
    register::RegisterPage,
    users::UsersPage,
};
use crate::pages::{
    area::AreaPage,
    districts::DistrictsPage,
    home::HomePage,
    ledger::ModerationLedgerPage,
    legal::LegalText,
    moderation::{ModerationQueuePage, ModerationSettingsPage, ModerationStatsPage},
    not_found::NotFound,
    planning::{PlannerOverviewPage, ProcedureEditorPage},
    procedure::ProcedurePage,
    results::{ResultsDashboardPage, ResultsPage},
};
use leptos::prelude::*;
use leptos_meta::{Html, MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, LazyRoute, ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
    lazy_route,
};

/// Instance-wide facts every page shows.
#[derive(Debug, Clone)]
pub struct SiteInfo {
    pub instance_name: String,
    /// The instance's public address (`MITREDEN_PUBLIC_URL`), for links people share.
    pub public_url: String,
}

pub fn shell(options: LeptosOptions) -> impl IntoView {
    let (
        SiteInfo {
            instance_name,
            public_url,
        },
        lang,
    ) = initial_site_and_lang();
    // The browser's texts for the page's language, fetched beside the wasm (`i18n::wire`).
    let texts = format!("/pkg/{}", lang.texts_file());
    #[cfg(feature = "ssr")]
    set_security_headers();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="application-name" content=instance_name />
                <meta name="mitreden-public-url" content=public_url />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href="/pkg/mitreden.css" />
                <link rel="preload" href=texts r#as="fetch" crossorigin="anonymous" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let (site, lang) = initial_site_and_lang();
    let i18n = I18n::new(lang);
    provide_context(i18n);
    provide_context(site.clone());
    let name = site.instance_name;

    view! {
        <Html {..} lang=move || i18n.lang().code() />
        <Title formatter=move |page: String| {
            let full = if page.is_empty() { name.clone() } else { format!("{page} – {name}") };
            crate::components::raw_text::raw_text(full)
        } />
        <Router>
            <a class="skip-link" href="#inhalt">
                <T k=|t| t.skip_to_content />
            </a>
            <Header />
            <main id="inhalt" tabindex="-1">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("verfahren"), ParamSegment("slug"))
                        view=ProcedurePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(
                            StaticSegment("verfahren"),
                            ParamSegment("slug"),
                            StaticSegment("budget"),
                            ParamSegment("id"),
                        )
                        view={Lazy::<BudgetRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(
                            StaticSegment("verfahren"),
                            ParamSegment("slug"),
                            StaticSegment("budget"),
                            ParamSegment("id"),
                            StaticSegment("ergebnis"),
                        )
                        view={Lazy::<BudgetResultsRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("verfahren"), ParamSegment("slug"), StaticSegment("vorschlag-neu"))
                        view={Lazy::<NewProposalRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("verfahren"), ParamSegment("slug"), StaticSegment("moderation"))
                        view={Lazy::<LedgerRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("verfahren"), ParamSegment("slug"), StaticSegment("ergebnisse"))
                        view={Lazy::<ResultsRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("verwaltung"), StaticSegment("verfahren"), ParamSegment("slug"), StaticSegment("ergebnisse"))
                        view={Lazy::<ResultsDashboardRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("moderation") view={Lazy::<QueueRoute>::new()} ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("moderation"), StaticSegment("protokoll"))
                        view={Lazy::<LedgerRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("moderation"), StaticSegment("statistik"))
                        view={Lazy::<StatsRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("moderation"), StaticSegment("einstellungen"))
                        view={Lazy::<ModerationSettingsRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("vorschlaege"), ParamSegment("id"))
                        view=ProposalPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("vorschlaege"), ParamSegment("id"), StaticSegment("fotos"))
                        view={Lazy::<PhotoDeskRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("registrieren") view={Lazy::<RegisterRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("anmelden") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("bestaetigen") view={Lazy::<ConfirmRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("passwort-vergessen") view={Lazy::<ForgotPasswordRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("passwort-neu") view={Lazy::<ResetPasswordRoute>::new()} ssr=SsrMode::Async />
                    <Route path=StaticSegment("konto") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("verwaltung"), StaticSegment("verfahren"))
                        view={Lazy::<PlannerOverviewRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("verwaltung"), StaticSegment("verfahren"), StaticSegment("neu"))
                        view={Lazy::<ProcedureEditorRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("verwaltung"), StaticSegment("verfahren"), ParamSegment("slug"), StaticSegment("bearbeiten"))
                        view={Lazy::<ProcedureEditorRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("verwaltung"), StaticSegment("verfahren"), ParamSegment("slug"), StaticSegment("vor-ort-import"))
                        view={Lazy::<OnsiteImportRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("verwaltung"), StaticSegment("verfahren"), ParamSegment("slug"), StaticSegment("budgets"))
                        view={Lazy::<BudgetsOverviewRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("verwaltung"), StaticSegment("budgets"), ParamSegment("id"))
                        view={Lazy::<BudgetDeskRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("verwaltung"), StaticSegment("budget-projekte"), ParamSegment("id"))
                        view={Lazy::<ProjectDeskRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("verwaltung"), StaticSegment("papierstapel"), ParamSegment("id"))
                        view={Lazy::<BatchDeskRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("verwaltung"), StaticSegment("verfahren"), ParamSegment("slug"), StaticSegment("stellungnahmen"))
                        view={Lazy::<OpinionListRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("verwaltung"), StaticSegment("verfahren"), ParamSegment("slug"), StaticSegment("gebiet"))
                        view={Lazy::<AreaRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("verwaltung"), StaticSegment("stellungnahmen"), ParamSegment("id"))
                        view={Lazy::<OpinionDeskRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(
                            StaticSegment("verwaltung"),
                            StaticSegment("vorschlaege"),
                            ParamSegment("id"),
                            StaticSegment("umsetzung"),
                        )
                        view={Lazy::<ImplementationDeskRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("verwaltung"), StaticSegment("stadtteile"))
                        view={Lazy::<DistrictsRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("verwaltung"), StaticSegment("benutzer"))
                        view={Lazy::<UsersRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment(LegalPage::Imprint.slug())
                        view=|| view! { <LegalText page=LegalPage::Imprint /> }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment(LegalPage::Privacy.slug())
                        view=|| view! { <LegalText page=LegalPage::Privacy /> }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment(LegalPage::Accessibility.slug())
                        view=|| view! { <LegalText page=LegalPage::Accessibility /> }
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}

/// Pages most visitors never open (accounts, the planners' and administrators' pages,
/// the submission form) are split off the main bundle: the browser loads their code the
/// first time it shows one (`cargo leptos build --split`), and the first page a visitor
/// opens loads less. Each wraps an ordinary page component.
macro_rules! lazy_page {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    )*};
}

lazy_page! {
    NewProposalRoute => NewProposalPage,
    RegisterRoute => RegisterPage,
    LoginRoute => LoginPage,
    ConfirmRoute => ConfirmPage,
    ForgotPasswordRoute => ForgotPasswordPage,
    ResetPasswordRoute => ResetPasswordPage,
    AccountRoute => AccountPage,
    PlannerOverviewRoute => PlannerOverviewPage,
    ProcedureEditorRoute => ProcedureEditorPage,
    UsersRoute => UsersPage,
    QueueRoute => ModerationQueuePage,
    LedgerRoute => ModerationLedgerPage,
    StatsRoute => ModerationStatsPage,
    ModerationSettingsRoute => ModerationSettingsPage,
    ResultsRoute => ResultsPage,
    ResultsDashboardRoute => ResultsDashboardPage,
    OnsiteImportRoute => OnsiteImportRoutePage,
    BudgetRoute => BudgetBallotPage,
    BudgetResultsRoute => BudgetResultsPage,
    BudgetsOverviewRoute => BudgetsOverviewPage,
    BudgetDeskRoute => BudgetDeskPage,
    ProjectDeskRoute => ProjectDeskPage,
    BatchDeskRoute => BatchDeskPage,
    OpinionDeskRoute => OpinionDeskPage,
    ImplementationDeskRoute => ImplementationDeskPage,
    PhotoDeskRoute => PhotoDeskPage,
    OpinionListRoute => OpinionListPage,
    DistrictsRoute => DistrictsPage,
    AreaRoute => AreaPage,
}

/// On the server: from the instance settings and the request. In the browser: from the
/// document the server rendered, so hydration starts from the same state.
fn initial_site_and_lang() -> (SiteInfo, Lang) {
    #[cfg(feature = "ssr")]
    {
        let lang = use_context::<http::request::Parts>()
            .map(|parts| {
                let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
                Lang::negotiate(
                    header(http::header::COOKIE),
                    header(http::header::ACCEPT_LANGUAGE),
                )
            })
            .unwrap_or_default();
        (server_site_info(), lang)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let document = leptos::tachys::dom::document();
        let lang = crate::i18n::wire::page_lang();
        let instance_name = document
            .query_selector("meta[name=application-name]")
            .ok()
            .flatten()
            .and_then(|meta| meta.get_attribute("content"))
            .unwrap_or_else(|| DEFAULT_INSTANCE_NAME.to_owned());
        let public_url = document
            .query_selector("meta[name=mitreden-public-url]")
            .ok()
            .flatten()
            .and_then(|meta| meta.get_attribute("content"))
            .unwrap_or_default();
        (
            SiteInfo {
                instance_name,
                public_url,
            },
            lang,
        )
    }
}

const DEFAULT_INSTANCE_NAME: &str = "Mitreden";

#[cfg(feature = "ssr")]
fn server_site_info() -> SiteInfo {
    #[cfg(feature = "ssr")]
    if let Some(state) = use_context::<crate::backend::state::AppState>() {
        return SiteInfo {
            instance_name: state.site.instance_name.clone(),
            public_url: state.site.public_url.clone(),
        };
    }
    SiteInfo {
        instance_name: DEFAULT_INSTANCE_NAME.to_owned(),
        public_url: String::new(),
    }
}

/// A strict Content-Security-Policy: everything from this instance, inline scripts only with
/// this response's nonce. It also enforces "no third-party requests from the browser".
#[cfg(feature = "ssr")]
fn set_security_headers() {
    use http::{HeaderValue, header::CONTENT_SECURITY_POLICY};
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = leptos::nonce::use_nonce()
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
         frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}
