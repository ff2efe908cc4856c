//! The city's districts and a procedure's area over HTTP: `GET /api/v1/districts` (a
//! GeoJSON FeatureCollection), `GET` and `DELETE /api/v1/procedures/{slug}/area`; and the
//! uploads, which take files of several megabytes and so have routes of their own with
//! their own body limit: `PUT /api/v1/districts` (the FeatureCollection as the body),
//! `PUT /api/v1/procedures/{slug}/area` (GeoJSON, or `?districts=` keys), and the
//! planners' page forms `POST /verwaltung/stadtteile` and `POST
//! /verwaltung/verfahren/{slug}/gebiet` (multipart, redirect back, work without JavaScript).

use crate::media::{form_parts, part_text, refused_form};
use crate::rest::doc::{Api, Doc};
use crate::rest::{ApiError, ApiResult, Authenticated, MaybeAuthenticated};
use app::backend::service::district::{self, ImportOptions, MAX_FILE_BYTES};
use app::backend::service::procedure::area;
use app::backend::state::AppState;
use app::error::AppError;
use app::model::area::AREA_FORM;
use app::model::done::Done;
use app::model::place::{DISTRICT_FORM, ImportSummary};
use axum::Router;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{delete, get, post, put};
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
        .op(
            "get",
            "/procedures/{slug}/area",
            get(get_area),
            Doc::new("open data", "A procedure's area as GeoJSON")
                .describe(
                    "A Feature (RFC 7946) whose geometry is the part of the city the \
                     procedure is about; `properties` carry its `label`, the keys of the \
                     `districts` it covers and `updated_at`. 404 when it has none.",
                )
                .json_as("application/geo+json", "A GeoJSON Feature.")
                .errors(&[404]),
        )
        .op(
            "delete",
            "/procedures/{slug}/area",
            delete(delete_area),
            Doc::new("procedures", "Remove a procedure's area (planners)")
                .signed_in()
                .empty(204, "Removed (or there was none).")
                .errors(&[403, 404]),
        )
        // Served by `uploads()` (its own body limit), described here.
        .external(
            "put",
            "/procedures/{slug}/area",
            Doc::new("procedures", "Set a procedure's area (planners)")
                .describe(
                    "Either `?districts=01,03` (keys of the city's districts; the body is \
                     ignored) or a GeoJSON body of at most 4 MB: a Polygon or MultiPolygon, \
                     as a geometry, a Feature or a FeatureCollection (its areas together). \
                     `label` names it for residents (else the single feature's `name`, or \
                     the districts' names). From then on a contribution placed outside it is \
                     refused (`geometry`: `outside_area`), and one naming only a district \
                     must name one the area covers (`district`: `outside_area`).",
                )
                .signed_in()
                .query(
                    "districts",
                    "Comma-separated keys of the districts that make the area.",
                    // Encoded, it stays well under the 64 KB a request line may have.
                    json!({ "type": "string", "maxLength": 4000 }),
                )
                .query(
                    "label",
                    "What the area is called on the procedure's page.",
                    json!({ "type": "string", "maxLength": 200 }),
                )
                .body_as("application/geo+json")
                .empty(204, "Set.")
                .errors(&[403, 404, 415, 422]),
        )
}

/// A GeoJSON body must say so (`application/geo+json`, or plain `application/json`).
fn require_geojson(headers: &HeaderMap) -> Result<(), ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.starts_with("application/geo+json") || v.starts_with("application/json")
        });
    if json {
        Ok(())
    } else {
        Err(ApiError(AppError::UnsupportedMediaType))
    }
}

/// The import routes, with their own body limit.
pub fn uploads() -> Router<AppState> {
    Router::new()
        .route("/api/v1/districts", put(put_districts))
        .route(app::model::path::DISTRICTS, post(form_upload))
        .route("/api/v1/procedures/{slug}/area", put(put_area))
        .route("/verwaltung/verfahren/{slug}/gebiet", post(area_form))
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
    require_geojson(&headers)?;
    let summary =
        district::import_file(&state.db, &user, &body, &options(&params), Utc::now()).await?;
    Ok(axum::Json(summary))
}

/// The page's form: `districts` (the file, or `text`, pasted GeoJSON), `source`, `name_property`,
/// `key_property`.
async fn read_form(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(Vec<u8>, HashMap<String, String>), AppError> {
    let too_large = || AppError::invalid("districts", "too_large");
    let mut parts = form_parts(multipart, MAX_FILE_BYTES, too_large).await?;
    let fields = ["source", "name_property", "key_property"]
        .into_iter()
        .filter(|name| parts.contains_key(*name))
        .map(|name| (name.to_owned(), part_text(&parts, name)))
        .collect();
    let file = match parts.remove("districts").filter(|file| !file.is_empty()) {
        Some(file) => file,
        None => parts.remove("text").unwrap_or_default(),
    };
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

async fn get_area(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    Path(slug): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let slug = crate::rest::path_slug(&slug).map_err(ApiError)?;
    let feature = area::feature(&state.db, &slug, viewer.as_ref(), Utc::now()).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        feature.to_string(),
    ))
}

async fn delete_area(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(slug): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let slug = crate::rest::path_slug(&slug).map_err(ApiError)?;
    area::clear(&state.db, &user, &slug, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn put_area(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(slug): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let slug = crate::rest::path_slug(&slug).map_err(ApiError)?;
    let now = Utc::now();
    if let Some(keys) = params.get("districts") {
        let keys: Vec<String> = keys.split(',').map(str::to_owned).collect();
        area::set_from_districts(&state.db, &user, &slug, &keys, now).await?;
        return Ok(StatusCode::NO_CONTENT);
    }
    require_geojson(&headers)?;
    let label = params.get("label").map(String::as_str);
    area::set_from_file(&state.db, &user, &slug, &body, label, now).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The area page's file form: `area` (the file) and `area_label`.
async fn area_form(
    State(state): State<AppState>,
    MaybeAuthenticated(user): MaybeAuthenticated,
    Path(slug): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(slug) = crate::rest::path_slug(&slug) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let page = app::model::path::procedure_area(slug.as_str());
    let mut label = String::new();
    let result = async {
        let user = user.ok_or(AppError::Unauthenticated)?;
        let too_large = || AppError::invalid("area", "too_large");
        let mut parts = form_parts(multipart, area::MAX_AREA_BYTES, too_large).await?;
        label = part_text(&parts, "area_label");
        let file = parts.remove("area").unwrap_or_default();
        if file.is_empty() {
            return Err(AppError::invalid("area", "missing"));
        }
        area::set_from_file(&state.db, &user, &slug, &file, Some(&label), Utc::now()).await
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&Done::AreaSet.on(&page)).into_response(),
        Err(error) => {
            let label: String = label.chars().take(200).collect();
            refused_form(AREA_FORM, &page, error, &[("area_label", &label)], "#datei")
        }
    }
}
