//! The city's address list over HTTP: `GET /api/v1/addresses` (how many addresses and
//! streets, and the source), `GET /api/v1/addresses/lookup?q=` (an address, or what may have
//! been meant), and the imports, which take files of many megabytes and so have routes of
//! their own with their own body limit: `PUT /api/v1/addresses` (the CSV as the body) and
//! the planners' page form `POST /verwaltung/adressen` (multipart, redirects back, works
//! without JavaScript).

use crate::media::{form_parts, part_text, refused_form};
use crate::rest::doc::{Api, Doc};
use crate::rest::{ApiError, ApiResult, Authenticated, MaybeAuthenticated};
use app::backend::service::address::{self, MAX_FILE_BYTES};
use app::backend::state::AppState;
use app::error::AppError;
use app::model::address::{ADDRESS_FORM, AddressImportSummary, AddressList, AddressLookup};
use app::model::done::Done;
use axum::Router;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

/// The largest import request: the file and the form's other fields.
pub const MAX_REQUEST_BYTES: usize = MAX_FILE_BYTES + 64 * 1024;

pub fn api() -> Api {
    Api::default()
        .op(
            "get",
            "/addresses",
            get(overview),
            Doc::new("open data", "The city's address list: its size and source")
                .ok::<AddressList>(200, "The list (zero addresses before the first import)."),
        )
        .op(
            "get",
            "/addresses/lookup",
            get(lookup),
            Doc::new("open data", "Look an address up in the city's list")
                .describe(
                    "`q` is an address as a person types it (\"Parkstr. 12a\", \"Parkstraße \
                     12, 12345\"); streets compare regardless of case, umlauts, spaces and \
                     the spelling of \"Straße\". Answers the address (`found`; without a \
                     number, the middle of the street), or up to five `suggestions`: other \
                     numbers of the street, or streets written alike. Nothing leaves the \
                     instance: no external geocoder is asked.",
                )
                .query(
                    "q",
                    "The address as typed.",
                    json!({ "type": "string", "maxLength": 200 }),
                )
                .ok::<AddressLookup>(200, "What was found.")
                .errors(&[422]),
        )
        // Served by `uploads()` (its own body limit), described here.
        .external(
            "put",
            "/addresses",
            Doc::new("open data", "Import the city's address list (planners)")
                .describe(
                    "The body is a CSV file (UTF-8, at most 32 MB and 500,000 addresses) \
                     whose header names the columns street, number, postcode, lon and lat \
                     (WGS84 decimal degrees; German names such as Straße, Hausnummer, PLZ, \
                     Länge, Breite work too; a number suffix may have a column of its own), \
                     separated by semicolon, comma or tab (with semicolon or tab, decimal \
                     commas are read). It replaces the list. A bad file changes nothing; \
                     each problem names its line as `lines[n]`.",
                )
                .signed_in()
                .query(
                    "source",
                    "Origin and licence of the list.",
                    json!({ "type": "string", "maxLength": 500 }),
                )
                .body_as("text/csv")
                .ok::<AddressImportSummary>(200, "What the import did.")
                .errors(&[403]),
        )
}

/// The import routes, with their own body limit.
pub fn uploads() -> Router<AppState> {
    Router::new()
        .route("/api/v1/addresses", put(put_addresses))
        .route(app::model::path::ADDRESSES, post(form_upload))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
}

async fn overview(State(state): State<AppState>) -> ApiResult<axum::Json<AddressList>> {
    Ok(axum::Json(address::overview(&state.db).await?))
}

#[derive(Deserialize)]
struct LookupQuery {
    #[serde(default)]
    q: String,
}

async fn lookup(
    State(state): State<AppState>,
    Query(query): Query<LookupQuery>,
) -> ApiResult<axum::Json<AddressLookup>> {
    Ok(axum::Json(address::lookup(&state.db, &query.q).await?))
}

async fn put_addresses(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Query(params): Query<HashMap<String, String>>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let source = params.get("source").map(String::as_str).unwrap_or_default();
    let summary = address::import_file(&state.db, &user, &body, source, Utc::now())
        .await
        .map_err(ApiError)?;
    Ok(axum::Json(summary))
}

/// The page's form: `addresses` (the file) and `source`.
async fn read_form(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(Vec<u8>, String), AppError> {
    let mut parts = form_parts(multipart, MAX_FILE_BYTES, || AppError::PayloadTooLarge).await?;
    let source = part_text(&parts, "source").chars().take(500).collect();
    Ok((parts.remove("addresses").unwrap_or_default(), source))
}

async fn form_upload(
    State(state): State<AppState>,
    MaybeAuthenticated(user): MaybeAuthenticated,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let page = app::model::path::DISTRICTS;
    let mut kept = String::new();
    let result = async {
        let user = user.ok_or(AppError::Unauthenticated)?;
        let (file, source) = read_form(multipart).await?;
        kept.clone_from(&source);
        if file.is_empty() {
            return Err(AppError::invalid("address_file", "missing"));
        }
        address::import_file(&state.db, &user, &file, &source, Utc::now()).await
    }
    .await;
    match result {
        Ok(summary) => Redirect::to(&format!(
            "{}#adressen",
            Done::AddressesImported {
                addresses: summary.addresses,
                streets: summary.streets,
            }
            .on(page)
        ))
        .into_response(),
        Err(error) => refused_form(ADDRESS_FORM, page, error, &[("source", &kept)], "#adressen"),
    }
}
