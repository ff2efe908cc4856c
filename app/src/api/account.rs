//! Server functions behind the account pages. Each redirects on success to a page address
//! with a `status`, so the outcome shows with and without JavaScript.

use crate::error::AppError;
use crate::model::account::{Me, UserRow};
#[cfg(feature = "ssr")]
use crate::model::done::Done;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::backend::auth::{self, CurrentUser};
    use crate::backend::entity::user;
    use crate::backend::service::account;
    use crate::backend::state::app_state;
    use crate::error::AppError;
    use leptos::prelude::use_context;

    pub fn parts() -> Result<http::request::Parts, AppError> {
        use_context::<http::request::Parts>().ok_or(AppError::Internal)
    }

    /// The signed-in person of this request and their account, looked up once per request:
    /// the header, the page and its server functions all ask.
    #[derive(Clone, Default)]
    pub struct RequestAccount(
        std::sync::Arc<tokio::sync::OnceCell<Option<(CurrentUser, user::Model)>>>,
    );

    async fn lookup() -> Result<Option<(CurrentUser, user::Model)>, AppError> {
        let state = app_state()?;
        let Some(token) = auth::session_token(&parts()?.headers) else {
            return Ok(None);
        };
        match account::authenticate_account(
            &state.db,
            &state.jwt_secret,
            &token,
            chrono::Utc::now(),
        )
        .await
        {
            Ok(found) => Ok(Some(found)),
            Err(AppError::Unauthenticated) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// The signed-in person of this request and their account row, if any.
    pub async fn current_account() -> Result<Option<(CurrentUser, user::Model)>, AppError> {
        match use_context::<RequestAccount>() {
            Some(RequestAccount(cell)) => cell.get_or_try_init(lookup).await.cloned(),
            None => lookup().await,
        }
    }

    /// The signed-in person of this request, if any.
    pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
        Ok(current_account().await?.map(|(user, _)| user))
    }

    pub async fn require_user() -> Result<CurrentUser, AppError> {
        current_user().await?.ok_or(AppError::Unauthenticated)
    }

    pub fn set_session_cookie(token: &str, max_age_secs: i64) -> Result<(), AppError> {
        let state = app_state()?;
        let cookie = auth::session_cookie(token, max_age_secs, state.site.secure_cookies());
        let value = http::HeaderValue::from_str(&cookie).map_err(|_| AppError::Internal)?;
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.append_header(http::header::SET_COOKIE, value);
        }
        Ok(())
    }

    /// The language the visitor reads the site in, for their account's mails.
    pub fn page_lang() -> crate::i18n::Lang {
        parts()
            .map(|parts| {
                let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
                crate::i18n::Lang::negotiate(
                    header(http::header::COOKIE),
                    header(http::header::ACCEPT_LANGUAGE),
                )
            })
            .unwrap_or_default()
    }
}

/// Where a finished form sends the visitor.
#[cfg(feature = "ssr")]
pub(crate) fn done(path: &str) -> Result<(), AppError> {
    leptos_axum::redirect(path);
    Ok(())
}

/// Redirects to `path` with the form's outcome as its `status`, for the page to show.
#[cfg(feature = "ssr")]
pub(crate) fn finish(outcome: crate::model::done::Done, path: &str) -> Result<(), AppError> {
    done(&outcome.on(path))
}

#[server(prefix = "/api", endpoint = "who_am_i", output = crate::api::JsonTextPost)]
pub async fn who_am_i() -> Result<Option<Me>, AppError> {
    use crate::backend::service::account;
    super::with_status(
        async {
            ssr::current_account()
                .await?
                .map(|(_, account)| account::me_of(account))
                .transpose()
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "register", output = crate::api::JsonTextPost)]
pub async fn register(
    email: String,
    display_name: String,
    password: String,
    accept_terms: Option<String>,
    back: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::{service::account, state::app_state};
    super::with_status(
        async {
            let state = app_state()?;
            let input = account::Registration {
                email,
                display_name,
                password,
                accept_terms: accept_terms.is_some(),
                lang: ssr::page_lang(),
                back,
            };
            account::register(&state.db, &state.site, input, chrono::Utc::now()).await?;
            finish(Done::Sent, "/registrieren")
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "login", output = crate::api::JsonTextPost)]
pub async fn login(email: String, password: String, back: Option<String>) -> Result<(), AppError> {
    use crate::backend::{auth, service::account, state::app_state};
    super::with_status(
        async {
            let state = app_state()?;
            let client = auth::client_address(&ssr::parts()?, &state.proxies);
            let session = account::login(
                &state.db,
                &state.jwt_secret,
                &state.login_throttle,
                &email,
                &password,
                &client,
                chrono::Utc::now(),
            )
            .await?;
            ssr::set_session_cookie(&session.token, auth::SESSION_DAYS * 86_400)?;
            // Back where the person was; without a return address, to the work of the role.
            match back.as_deref().and_then(crate::model::path::local_path) {
                Some(back) => done(back),
                None => done(account::role_of(&state.db, session.user_id).await?.home()),
            }
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "logout", output = crate::api::JsonTextPost)]
pub async fn logout() -> Result<(), AppError> {
    use crate::backend::{service::account, state::app_state};
    super::with_status(
        async {
            if let Some(user) = ssr::current_user().await? {
                account::logout(&app_state()?.db, &user, chrono::Utc::now()).await?;
            }
            ssr::set_session_cookie("", 0)?;
            finish(Done::LoggedOut, "/anmelden")
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "confirm_email", output = crate::api::JsonTextPost)]
pub async fn confirm_email(token: String, back: Option<String>) -> Result<(), AppError> {
    use crate::backend::{auth, service::account, state::app_state};
    use crate::model::path::{RETURN_PARAM, local_path};
    use crate::model::text::encode_component;
    super::with_status(
        async {
            let state = app_state()?;
            let now = chrono::Utc::now();
            match account::confirm_email(&state.db, &token, now).await? {
                account::Confirmed::Registration { user_id } => {
                    // The click on the mailed link proves the address: this browser is
                    // signed in, and the page offers the way back to where they registered.
                    let session =
                        account::start_session(&state.db, &state.jwt_secret, user_id, now).await?;
                    ssr::set_session_cookie(&session.token, auth::SESSION_DAYS * 86_400)?;
                    match back.as_deref().and_then(local_path) {
                        Some(back) => done(&format!(
                            "{}&{RETURN_PARAM}={}",
                            Done::Verified.on("/bestaetigen"),
                            encode_component(back)
                        )),
                        None => finish(Done::Verified, "/bestaetigen"),
                    }
                }
                account::Confirmed::NewEmail => finish(Done::EmailChanged, "/bestaetigen"),
            }
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "resend_verification", output = crate::api::JsonTextPost)]
pub async fn resend_verification() -> Result<(), AppError> {
    use crate::backend::{service::account, state::app_state};
    super::with_status(
        async {
            let user = ssr::require_user().await?;
            let state = app_state()?;
            account::resend_verification(&state.db, &state.site, &user, chrono::Utc::now()).await?;
            finish(Done::Resent, "/konto")
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "request_password_reset", output = crate::api::JsonTextPost)]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::backend::{service::account, state::app_state};
    super::with_status(
        async {
            let state = app_state()?;
            account::request_password_reset(&state.db, &state.site, &email, chrono::Utc::now())
                .await?;
            finish(Done::Sent, "/passwort-vergessen")
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "reset_password", output = crate::api::JsonTextPost)]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::backend::{service::account, state::app_state};
    super::with_status(
        async {
            account::reset_password(&app_state()?.db, &token, &password, chrono::Utc::now())
                .await?;
            ssr::set_session_cookie("", 0)?;
            finish(Done::PasswordReset, "/anmelden")
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "update_profile", output = crate::api::JsonTextPost)]
pub async fn update_profile(
    display_name: String,
    lang: String,
    notify_replies: Option<String>,
    notify_digest: Option<String>,
    public_name: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::{service::account, state::app_state};
    use crate::i18n::Lang;
    super::with_status(
        async {
            let user = ssr::require_user().await?;
            let lang =
                Lang::parse(&lang).ok_or_else(|| AppError::invalid("lang", "unsupported"))?;
            let input = account::ProfileUpdate {
                display_name,
                lang,
                notify_replies: notify_replies.is_some(),
                notify_digest: notify_digest.is_some(),
                public_name: public_name.is_some(),
            };
            account::update_profile(&app_state()?.db, &user, input, chrono::Utc::now()).await?;
            finish(Done::Saved, "/konto")
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "change_email", output = crate::api::JsonTextPost)]
pub async fn change_email(email: String) -> Result<(), AppError> {
    use crate::backend::{service::account, state::app_state};
    super::with_status(
        async {
            let user = ssr::require_user().await?;
            let state = app_state()?;
            account::request_email_change(
                &state.db,
                &state.site,
                &user,
                &email,
                chrono::Utc::now(),
            )
            .await?;
            finish(Done::EmailSent, "/konto")
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "change_password", output = crate::api::JsonTextPost)]
pub async fn change_password(current_password: String, password: String) -> Result<(), AppError> {
    use crate::backend::{auth, service::account, state::app_state};
    super::with_status(
        async {
            let user = ssr::require_user().await?;
            let state = app_state()?;
            account::change_password(
                &state.db,
                &state.login_throttle,
                &auth::client_address(&ssr::parts()?, &state.proxies),
                &user,
                &current_password,
                &password,
                chrono::Utc::now(),
            )
            .await?;
            finish(Done::PasswordChanged, "/konto")
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "logout_everywhere", output = crate::api::JsonTextPost)]
pub async fn logout_everywhere() -> Result<(), AppError> {
    use crate::backend::{service::account, state::app_state};
    super::with_status(
        async {
            let user = ssr::require_user().await?;
            account::logout_everywhere(&app_state()?.db, &user, chrono::Utc::now()).await?;
            ssr::set_session_cookie("", 0)?;
            finish(Done::LoggedOut, "/anmelden")
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "delete_account", output = crate::api::JsonTextPost)]
pub async fn delete_account(confirm: Option<String>) -> Result<(), AppError> {
    use crate::backend::{service::account, state::app_state};
    super::with_status(
        async {
            let user = ssr::require_user().await?;
            if confirm.is_none() {
                return Err(AppError::invalid("confirm", "required"));
            }
            let state = app_state()?;
            let data_dir = &state.site.data_dir;
            account::delete_account(&state.db, &user, data_dir, chrono::Utc::now()).await?;
            ssr::set_session_cookie("", 0)?;
            finish(Done::Deleted, "/anmelden")
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "list_users", output = crate::api::JsonTextPost)]
pub async fn list_users(query: String) -> Result<Vec<UserRow>, AppError> {
    use crate::backend::{service::account, state::app_state};
    super::with_status(
        async {
            let user = ssr::require_user().await?;
            account::list_users(&app_state()?.db, &user, &query).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "set_user_role", output = crate::api::JsonTextPost)]
pub async fn set_user_role(user_id: i64, role: String) -> Result<(), AppError> {
    use crate::backend::{service::account, state::app_state};
    use crate::model::account::Role;
    super::with_status(
        async {
            let actor = ssr::require_user().await?;
            let role = Role::parse(&role).ok_or_else(|| AppError::invalid("role", "unknown"))?;
            account::set_role(&app_state()?.db, &actor, user_id, role, chrono::Utc::now()).await?;
            finish(Done::RoleSaved, "/verwaltung/benutzer")
        }
        .await,
    )
}
