//! The city's districts: what forms and filters offer, and the planners' page.

use crate::error::AppError;
use crate::model::place::{DistrictRef, PlacesOverview};
use leptos::prelude::*;

/// Every district, by name (empty when the instance has none); with a procedure's `slug`,
/// the ones a contribution to it may name (those its area covers, when it has one).
#[server(prefix = "/api", endpoint = "list_districts", output = crate::api::JsonTextPost)]
pub async fn list_districts(
    #[server(default)] slug: Option<String>,
) -> Result<Vec<DistrictRef>, AppError> {
    use crate::backend::service::{district, procedure};
    use crate::backend::state::app_state;
    super::with_status(
        async {
            let db = &app_state()?.db;
            let Some(slug) = slug else {
                return district::all(db).await;
            };
            let slug =
                crate::model::procedure::Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            let viewer = super::account::ssr::current_user().await?;
            let (context, _) =
                procedure::context_for(db, &slug, viewer.as_ref(), chrono::Utc::now()).await?;
            procedure::area::districts_offered(db, context.id).await
        }
        .await,
    )
}

/// What a contribution's form offers for an address: the field, if the city has an address
/// list, and after a refused address (`typed`) what may have been meant.
#[server(prefix = "/api", endpoint = "address_field", output = crate::api::JsonTextPost)]
pub async fn address_field(
    #[server(default)] typed: Option<String>,
) -> Result<crate::model::address::AddressFieldState, AppError> {
    use crate::backend::{service::address, state::app_state};
    super::with_status(
        async { address::form_state(&app_state()?.db, typed.as_deref()).await }.await,
    )
}

/// The planners' page: each district with its contributions and source, and the address
/// list.
#[server(prefix = "/api", endpoint = "district_overview", output = crate::api::JsonTextPost)]
pub async fn district_overview() -> Result<PlacesOverview, AppError> {
    use crate::backend::auth::Permission;
    use crate::backend::service::{address, district};
    use crate::backend::state::app_state;
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            user.require(Permission::Plan)?;
            Ok(PlacesOverview {
                districts: district::summaries(&state.db).await?,
                addresses: address::overview(&state.db).await?,
            })
        }
        .await,
    )
}

/// The planners' page of a procedure's area.
#[server(prefix = "/api", endpoint = "area_page", output = crate::api::JsonTextPost)]
pub async fn area_page(slug: String) -> Result<crate::model::area::AreaPage, AppError> {
    use crate::backend::{service::procedure::area, state::app_state};
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            let slug =
                crate::model::procedure::Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            area::page(&state.db, &user, &slug, chrono::Utc::now()).await
        }
        .await,
    )
}

/// A planner builds the procedure's area from the ticked districts (`district[{i}]={key}`).
#[server(prefix = "/api", endpoint = "set_area_districts", output = crate::api::JsonTextPost)]
pub async fn set_area_districts(
    slug: String,
    #[server(default)] district: std::collections::BTreeMap<String, String>,
) -> Result<(), AppError> {
    use crate::backend::{service::procedure::area, state::app_state};
    use crate::model::done::Done;
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            let slug =
                crate::model::procedure::Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            let keys: Vec<String> = district.into_values().collect();
            area::set_from_districts(&state.db, &user, &slug, &keys, chrono::Utc::now()).await?;
            super::account::finish(
                Done::AreaSet,
                &crate::model::path::procedure_area(slug.as_str()),
            )
        }
        .await,
    )
}

/// A planner removes the procedure's area.
#[server(prefix = "/api", endpoint = "clear_area", output = crate::api::JsonTextPost)]
pub async fn clear_area(slug: String) -> Result<(), AppError> {
    use crate::backend::{service::procedure::area, state::app_state};
    use crate::model::done::Done;
    super::with_status(
        async {
            let state = app_state()?;
            let user = super::account::ssr::require_user().await?;
            let slug =
                crate::model::procedure::Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            area::clear(&state.db, &user, &slug, chrono::Utc::now()).await?;
            super::account::finish(
                Done::AreaCleared,
                &crate::model::path::procedure_area(slug.as_str()),
            )
        }
        .await,
    )
}
