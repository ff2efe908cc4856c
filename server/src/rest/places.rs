//! The city's districts over HTTP: `GET /api/v1/districts` (a GeoJSON FeatureCollection),
//! and the import, which takes a file of up to 8 MB and so has routes of its own with
//! their own body limit: `PUT /api/v1/districts` (the FeatureCollection as the body) and
//! the planners' page form `POST /verwaltung/stadtteile` (multipart, redirects back, works
//! without JavaScript).

use crate::media::{multipart_failed, multipart_rejected, refused_form};
use crate::rest::doc::{Api, Doc};
use crate::rest::{ApiError, ApiResult, Authenticated, MaybeAuthenticated};
use app::backend::service::district::{self, ImportOptions, MAX_FILE_BYTES};
use app::backend::state::AppState;
use app::error::AppError;
use app::model::done::Done;
use app::model::place::{DISTRICT_FORM, ImportSummary};
use axum::Router;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use chrono::Utc;
use serde_json::json;
use std::collections::HashMap;

/// The largest import request: the file and the form's other fields.
pub const MAX_REQUEST_BYTES: usize = MAX_FILE_BYTES + 64 * 1024;

pub fn api() -> Api {
    Api::default()
        .op(
            "get",
            "/districts",
            get(districts),
            Doc::new("open data", "The city's districts as GeoJSON")
                .describe(
                    "A FeatureCollection (RFC 7946: WGS84, longitude first); each feature's \
                     `properties` carry its `key` (what filters and exports use), `name` and \
                     `source` (origin and licence of the boundaries).",
                )
                .json_as("application/geo+json", "A GeoJSON FeatureCollection."),
        )
        // Served by `uploads()` (its own body limit), described here.
        .external(
            "put",
            "/districts",
            Doc::new("open data", "Import the city's districts (planners)")
                .describe(
                    "The body is a GeoJSON FeatureCollection of Polygons and MultiPolygons, \
                     at most 8 MB and 500 features. Each feature's name and key are read from \
                     the properties `name_property` and `key_property` name (by default the \
                     usual ones: name/Name/bezeichnung…, key/id/nummer…, else the feature's \
                     id). Districts are matched by key: known keys are updated, new ones \
                     added, missing ones removed, and every located contribution is assigned \
                     its district again. A bad file changes nothing; each problem names the \
                     feature as `features[i]`.",
                )
                .signed_in()
                .query(
                    "source",
                    "Origin and licence of the boundaries, shown with them.",
                    json!({ "type": "string", "maxLength": 500 }),
                )
                .query(
                    "name_property",
                    "The property holding each district's name.",
                    json!({ "type": "string" }),
                )
                .query(
                    "key_property",
                    "The property holding each district's key.",
                    json!({ "type": "string" }),
                )
                .body_as("application/geo+json")
                .ok::<ImportSummary>(200, "What the import did.")
                .errors(&[403]),
        )
}

/// The import routes, with their own body limit.
pub fn uploads() -> Router<AppState> {
    Router::new()
        .route("/api/v1/districts", put(put_districts))
        .route(app::model::path::DISTRICTS, post(form_upload))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
}

async fn districts(State(state): State<AppState>) -> ApiResult<impl IntoResponse> {
    let collection = district::feature_collection(&state.db).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        collection.to_string(),
    ))
}

fn options(fields: &HashMap<String, String>) -> ImportOptions {
    let named = |key: &str| {
        fields
            .get(key)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    ImportOptions {
        name_property: named("name_property"),
        key_property: named("key_property"),
        source: fields.get("source").cloned().unwrap_or_default(),
    }
}

async fn put_districts(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.starts_with("application/geo+json") || v.starts_with("application/json")
        });
    if !json {
        return Err(ApiError(AppError::UnsupportedMediaType));
    }
    let summary =
        district::import_file(&state.db, &user, &body, &options(&params), Utc::now()).await?;
    Ok(axum::Json(summary))
}

/// The page's form: `districts` (the file, or `text`, pasted GeoJSON), `source`, `name_property`,
/// `key_property`.
async fn read_form(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(Vec<u8>, HashMap<String, String>), AppError> {
    let mut multipart = multipart.map_err(multipart_rejected)?;
    let mut file = Vec::new();
    let mut fields = HashMap::new();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_failed)? {
        let name = field.name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_failed)? {
            if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                return Err(AppError::invalid("districts", "too_large"));
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "districts" => file = bytes,
            "text" if file.is_empty() => file = bytes,
            "source" | "name_property" | "key_property" => {
                fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
            _ => {}
        }
    }
    Ok((file, fields))
}

async fn form_upload(
    State(state): State<AppState>,
    MaybeAuthenticated(user): MaybeAuthenticated,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let page = app::model::path::DISTRICTS;
    let mut kept = HashMap::new();
    let result = async {
        let user = user.ok_or(AppError::Unauthenticated)?;
        let (file, fields) = read_form(multipart).await?;
        kept.clone_from(&fields);
        if file.is_empty() {
            return Err(AppError::invalid("districts", "missing"));
        }
        district::import_file(&state.db, &user, &file, &options(&fields), Utc::now()).await
    }
    .await;
    match result {
        Ok(summary) => Redirect::to(
            &Done::DistrictsImported {
                created: summary.created,
                updated: summary.updated,
                removed: summary.removed,
            }
            .on(page),
        )
        .into_response(),
        Err(AppError::Unauthenticated) => {
            Redirect::to(&app::model::path::with_return("/anmelden", page)).into_response()
        }
        Err(error) => {
            let typed = |key: &str| -> String {
                kept.get(key)
                    .map(|v| v.chars().take(500).collect())
                    .unwrap_or_default()
            };
            let (source, name, key) = (
                typed("source"),
                typed("name_property"),
                typed("key_property"),
            );
            refused_form(
                DISTRICT_FORM,
                page,
                error,
                &[
                    ("source", &source),
                    ("name_property", &name),
                    ("key_property", &key),
                ],
                "#importieren",
            )
        }
    }
}
