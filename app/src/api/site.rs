use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::legal::{LegalPage, LegalPageView};
use leptos::prelude::*;

/// Remembers the visitor's language in a cookie. Without JavaScript the form post is
/// redirected back to the page it came from, now rendered in that language.
#[server(prefix = "/api", endpoint = "set_language", output = crate::api::JsonTextPost)]
pub async fn set_language(lang: String) -> Result<Lang, AppError> {
    super::with_status(language_cookie(&lang))
}

#[cfg(feature = "ssr")]
fn language_cookie(code: &str) -> Result<Lang, AppError> {
    use crate::backend::state::app_state;
    use crate::i18n::LANG_COOKIE;
    use http::{HeaderValue, header::SET_COOKIE};

    let lang = Lang::parse(code).ok_or_else(|| AppError::invalid("lang", "unsupported"))?;
    let secure = if app_state()?.site.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        lang.code()
    );
    let value = HeaderValue::from_str(&cookie).map_err(|_| AppError::Internal)?;
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(SET_COOKIE, value);
    }
    Ok(lang)
}

#[server(prefix = "/api", endpoint = "get_legal_page", output = crate::api::JsonTextPost)]
pub async fn get_legal_page(page: LegalPage, lang: Lang) -> Result<LegalPageView, AppError> {
    use crate::backend::{service::legal, state::app_state};
    super::with_status(
        async {
            let state = app_state()?;
            legal::load(&state.site.data_dir, page, lang).await
        }
        .await,
    )
}
