//! Server functions, one file per feature. Thin: find the state, authorise, call a service.

pub mod account;
mod codec;
pub mod moderation;
pub mod places;
pub mod procedures;
pub mod results;
pub mod site;

pub use codec::{JsonText, JsonTextPost};

/// Provide one per request (with the app state) so the session is checked once per request.
#[cfg(feature = "ssr")]
pub use account::ssr::RequestAccount;

/// Script clients get an error with its HTTP status (422, 404, …). A plain HTML form post
/// keeps the redirect back to its page that the server-function layer sets.
#[cfg(feature = "ssr")]
pub(crate) fn with_status<T>(
    result: Result<T, crate::error::AppError>,
) -> Result<T, crate::error::AppError> {
    use leptos::prelude::use_context;
    if let Err(error) = &result {
        let form_post = use_context::<http::request::Parts>().is_some_and(|parts| {
            parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|accept| accept.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
        });
        if !form_post
            && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
            && let Ok(status) = http::StatusCode::from_u16(error.status_code())
        {
            response.set_status(status);
        }
    }
    result
}
