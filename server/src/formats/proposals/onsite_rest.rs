//! On-site contributions in a batch: upload CSV text, read every row's problems, import
//! all rows or none. The same service as the planners' import page.

use crate::rest::doc::{Api, Doc};
use crate::rest::{ApiError, ApiResult, Authenticated, Json, path_slug};
use app::backend::state::AppState;
use app::error::AppError;
use app::formats::proposals::onsite_model::OnsiteImport;
use app::formats::proposals::service::onsite_import;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use chrono::Utc;
use schemars::JsonSchema;
use serde::Deserialize;

pub fn api() -> Api {
    let tag = "participation";
    Api::default()
        .op(
            "post",
            "/procedures/{slug}/onsite-imports",
            post(stage),
            Doc::new(tag, "Upload a batch of on-site contributions as CSV (planners)")
                .describe(
                    "A header row names the columns (titel/title and beschreibung/text are required, \
                     kategorie/category and ort/location optional); separated by semicolons, commas or \
                     tabs. At most 500 rows and 512 KiB. Answers the batch with every row's problems; \
                     nothing is written until it is imported.",
                )
                .signed_in()
                .body::<BatchBody>()
                .ok::<OnsiteImport>(201, "The batch, checked.")
                .errors(&[403, 404, 422]),
        )
        .op(
            "get",
            "/procedures/{slug}/onsite-imports/{id}",
            get(show),
            Doc::new(tag, "A batch of on-site contributions with every row checked (its planner)")
                .signed_in()
                .ok::<OnsiteImport>(200, "The batch.")
                .errors(&[403, 404]),
        )
        .op(
            "post",
            "/procedures/{slug}/onsite-imports/{id}/import",
            post(import),
            Doc::new(tag, "Import every row of a batch as on-site proposals, or none (its planner)")
                .describe(
                    "One transaction. A batch with any problem is refused (422 on `rows`); importing \
                     it again changes nothing and answers it as imported.",
                )
                .signed_in()
                .ok::<OnsiteImport>(200, "The imported batch, with its count.")
                .errors(&[403, 404, 422]),
        )
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct BatchBody {
    /// The on-site event the contributions were collected at.
    event: String,
    /// The CSV text, header row first.
    csv: String,
}

fn batch_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(ApiError(AppError::NotFound))
}

async fn stage(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(raw_slug): Path<String>,
    Json(body): Json<BatchBody>,
) -> ApiResult<impl IntoResponse> {
    let slug = path_slug(&raw_slug)?;
    let now = Utc::now();
    let id = onsite_import::stage(
        &state.db,
        &user,
        &slug,
        &body.event,
        body.csv.as_bytes(),
        now,
    )
    .await?;
    let batch = onsite_import::view(&state.db, &user, &slug, id, now).await?;
    let location = HeaderValue::from_str(&format!(
        "/api/v1/procedures/{}/onsite-imports/{id}",
        slug.as_str()
    ))
    .map_err(|_| ApiError(AppError::Internal))?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        axum::Json(batch),
    ))
}

async fn show(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path((raw_slug, raw_id)): Path<(String, String)>,
) -> ApiResult<impl IntoResponse> {
    let slug = path_slug(&raw_slug)?;
    let batch =
        onsite_import::view(&state.db, &user, &slug, batch_id(&raw_id)?, Utc::now()).await?;
    Ok(axum::Json(batch))
}

async fn import(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path((raw_slug, raw_id)): Path<(String, String)>,
) -> ApiResult<impl IntoResponse> {
    let slug = path_slug(&raw_slug)?;
    let id = batch_id(&raw_id)?;
    let now = Utc::now();
    onsite_import::confirm(&state.db, &user, &slug, id, now).await?;
    let batch = onsite_import::view(&state.db, &user, &slug, id, now).await?;
    Ok(axum::Json(batch))
}
