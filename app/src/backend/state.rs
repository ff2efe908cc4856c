//! What every request handler, page render and server function shares.

use crate::error::AppError;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::use_context;
use sea_orm::DatabaseConnection;
use std::path::PathBuf;
use std::sync::Arc;

/// Instance settings the application needs at run time (the server's `Config` fills them).
#[derive(Debug, Clone)]
pub struct SiteSettings {
    /// Shown in the header and page titles, e.g. "Mitreden Musterstadt".
    pub instance_name: String,
    pub data_dir: PathBuf,
    /// The public base URL without trailing slash, used in e-mail links.
    pub public_url: String,
    /// The logo on the council report's summary page (`MITREDEN_LOGO`).
    pub logo: Option<Arc<crate::backend::logo::Logo>>,
    /// Networks besides the public internet the OParl import may read from (a council
    /// information system inside the city's network; `MITREDEN_OPARL_ALLOW`).
    pub oparl_allowed: crate::backend::proxies::Networks,
    /// The map tiles the instance serves, when it has any (`MITREDEN_TILES`).
    pub tiles: Option<Arc<crate::backend::tiles::Tiles>>,
}

impl SiteSettings {
    /// Cookies get `Secure` when the instance is reached over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub site: Arc<SiteSettings>,
    pub leptos_options: LeptosOptions,
    /// Signs session tokens; never sent anywhere.
    pub jwt_secret: Arc<str>,
    pub login_throttle: Arc<crate::backend::throttle::LoginThrottle>,
    /// Proxies whose `X-Forwarded-For` names the client (`MITREDEN_TRUSTED_PROXIES`).
    pub proxies: Arc<crate::backend::proxies::TrustedProxies>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state inside a server function or page render. Its absence is a wiring bug, reported
/// as an internal error rather than a panic.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the reactive context");
        AppError::Internal
    })
}
