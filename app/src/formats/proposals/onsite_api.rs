//! On-site contributions imported from CSV: the page's data and the import itself. The
//! upload is a multipart form the server takes directly (files cannot travel in a server
//! function's form encoding).

use crate::error::AppError;
use crate::formats::proposals::onsite_model::OnsiteImportPage;
use leptos::prelude::*;

/// The import page: the procedure, and the uploaded batch `batch` with every row checked.
#[server(prefix = "/api", endpoint = "get_onsite_import", output = crate::api::JsonTextPost)]
pub async fn get_onsite_import(
    slug: String,
    batch: Option<i64>,
) -> Result<OnsiteImportPage, AppError> {
    use super::service::onsite_import;
    use crate::backend::state::app_state;
    use crate::model::procedure::Slug;
    crate::api::with_status(
        async {
            let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            let state = app_state()?;
            let user = crate::api::account::ssr::require_user().await?;
            onsite_import::page(&state.db, &user, &slug, batch, chrono::Utc::now()).await
        }
        .await,
    )
}

/// Writes every row of the batch as an on-site proposal, or none.
#[server(prefix = "/api", endpoint = "confirm_onsite_import", output = crate::api::JsonTextPost)]
pub async fn confirm_onsite_import(slug: String, batch: i64) -> Result<(), AppError> {
    use super::service::onsite_import;
    use crate::backend::state::app_state;
    use crate::model::procedure::Slug;
    crate::api::with_status(
        async {
            let parsed = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            let state = app_state()?;
            let user = crate::api::account::ssr::require_user().await?;
            onsite_import::confirm(&state.db, &user, &parsed, batch, chrono::Utc::now()).await?;
            crate::api::account::finish(
                crate::model::done::Done::Imported,
                &format!(
                    "{}?stapel={batch}",
                    crate::model::path::onsite_import(&slug)
                ),
            )
        }
        .await,
    )
}
