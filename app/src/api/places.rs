//! The city's districts: what forms and filters offer, and the planners' page.

use crate::error::AppError;
use crate::model::place::{DistrictRef, DistrictSummary};
use leptos::prelude::*;

/// Every district, by name (empty when the instance has none).
#[server(prefix = "/api", endpoint = "list_districts", output = crate::api::JsonTextPost)]
pub async fn list_districts() -> Result<Vec<DistrictRef>, AppError> {
    use crate::backend::{service::district, state::app_state};
    super::with_status(async { district::all(&app_state()?.db).await }.await)
}

/// The planners' page: each district with its contributions and source.
#[server(prefix = "/api", endpoint = "district_overview", output = crate::api::JsonTextPost)]
pub async fn district_overview() -> Result<Vec<DistrictSummary>, AppError> {
    use crate::backend::auth::Permission;
    use crate::backend::{service::district, state::app_state};
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            user.require(Permission::Plan)?;
            district::summaries(&state.db).await
        }
        .await,
    )
}
