//! Maps drawn by the server (SVG, see `service::district::map`), for pages without
//! JavaScript and for print; nothing is loaded from another origin:
//! - `GET /karten/vorschlaege/{id}`: a published contribution's place among the districts;
//! - `GET /karten/verfahren/{slug}/gebiet`: a procedure's area;
//! - `GET /karten/verfahren/{slug}/ergebnis`: contributions by district (`?nach=stimmen`:
//!   votes by district), once the results are public (planners: always).
//!
//! - `GET /karten/kacheln/{z}/{x}/{y}`: a map tile of the instance's (`backend::tiles`);
//! - `GET /karten/kacheln.json`: what the browser's map needs to show them (TileJSON 3.0:
//!   the tiles' address, zoom levels and attribution); an empty `tiles` list when the
//!   instance has none (the maps then keep their plain background).
//!
//! The picture's title is in the visitor's language; the pages that show it carry the
//! same facts as text.

use crate::media::{IMAGE_POLICY, image_headers};
use crate::rest::{ApiError, ApiResult, MaybeAuthenticated};
use app::backend::service::district::map;
use app::backend::service::{procedure, results};
use app::backend::state::AppState;
use app::error::AppError;
use app::i18n::Lang;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/karten/vorschlaege/{id}", get(place))
        .route("/karten/verfahren/{slug}/gebiet", get(area))
        .route("/karten/verfahren/{slug}/ergebnis", get(by_district))
        .route("/karten/kacheln/{z}/{x}/{y}", get(tile))
        .route("/karten/kacheln.json", get(tilejson))
}

fn lang(headers: &HeaderMap) -> Lang {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    Lang::negotiate(header(header::COOKIE), header(header::ACCEPT_LANGUAGE))
}

/// An SVG answer: kept a minute (a moderator's decision shows within it), by shared caches
/// too unless it was drawn for a signed-in viewer; nothing in it runs.
fn svg(body: String, signed_in: bool) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    image_headers(
        headers,
        "image/svg+xml; charset=utf-8",
        if signed_in {
            "private, max-age=60"
        } else {
            "public, max-age=60"
        },
        // The tiles under a map are data: addresses inside the picture.
        "default-src 'none'; img-src data:; sandbox",
    );
    headers.insert(
        header::VARY,
        HeaderValue::from_static("accept-language, cookie"),
    );
    response
}

async fn place(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let id: i64 = id.parse().map_err(|_| ApiError(AppError::NotFound))?;
    let tiles = state.site.tiles.as_deref();
    let drawn = map::place_map(&state.db, id, lang(&headers).texts(), tiles).await?;
    Ok(svg(drawn, false))
}

async fn area(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let slug = crate::rest::path_slug(&slug).map_err(ApiError)?;
    let (context, _) =
        procedure::context_for(&state.db, &slug, viewer.as_ref(), Utc::now()).await?;
    let label = procedure::area::label(&state.db, context.id)
        .await?
        .ok_or(ApiError(AppError::NotFound))?;
    let tiles = state.site.tiles.as_deref();
    let drawn = map::area_map(&state.db, context.id, &label, lang(&headers).texts(), tiles).await?;
    Ok(svg(drawn, viewer.is_some()))
}

/// `?nach=stimmen` shades the districts by votes; anything else by contributions.
#[derive(serde::Deserialize)]
struct ByDistrict {
    nach: Option<String>,
}

async fn by_district(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    Path(slug): Path<String>,
    Query(query): Query<ByDistrict>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let measure = match query.nach.as_deref() {
        Some("stimmen") => map::Measure::Votes,
        _ => map::Measure::Proposals,
    };
    let slug = crate::rest::path_slug(&slug).map_err(ApiError)?;
    // Results not yet public are not found here (the results page says when they will be).
    let scope = match results::scope(&state.db, &slug, viewer.as_ref(), Utc::now()).await {
        Ok(scope) => scope,
        Err(error) if !error.field_problems().is_empty() => {
            return Err(ApiError(AppError::NotFound));
        }
        Err(error) => return Err(ApiError(error)),
    };
    let lang = lang(&headers);
    // The figures of the results page beside it, as counted for that page: the same
    // numbers, and at the largest size one count for both, kept as the page keeps it.
    let counts = results::view_cached(&state.db, &scope, lang.texts().no_category, Utc::now())
        .await?
        .districts;
    if counts.is_empty() {
        return Err(ApiError(AppError::NotFound));
    }
    let title = [("title", scope.procedure.title.as_str().into())];
    let title = match measure {
        map::Measure::Proposals => lang.texts().map_results.fmt(&title),
        // A server text: the page does not name this picture's title itself.
        map::Measure::Votes => lang.server_texts().map_results_votes.fmt(&title),
    };
    let drawn = map::choropleth(&state.db, &counts, measure, &title).await?;
    Ok(svg(drawn, viewer.is_some()))
}

/// A tile, kept a day by browsers and shared caches (tiles change rarely; a new file or
/// upstream shows within a day). Not found without tiles, for a place outside the world,
/// and where the source has none.
async fn tile(
    State(state): State<AppState>,
    Path((z, x, y)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let not_found = || ApiError(AppError::NotFound);
    let (Ok(z), Ok(x), Ok(y)) = (z.parse::<u8>(), x.parse::<u32>(), y.parse::<u32>()) else {
        return Err(not_found());
    };
    let tiles = state.site.tiles.as_deref().ok_or_else(not_found)?;
    let tile = tiles.tile(z, x, y).await?.ok_or_else(not_found)?;
    let mut response = tile.bytes.into_response();
    image_headers(
        response.headers_mut(),
        tile.format.content_type(),
        "public, max-age=86400",
        IMAGE_POLICY,
    );
    Ok(response)
}

/// The tiles as TileJSON 3.0 (<https://github.com/mapbox/tilejson-spec>), for the
/// browser's map (`style/public/map/map.js`). The attribution is text, not markup.
async fn tilejson(State(state): State<AppState>) -> Response {
    let body = match state.site.tiles.as_deref() {
        Some(tiles) => {
            let (min_zoom, max_zoom) = tiles.zooms();
            serde_json::json!({
                "tilejson": "3.0.0",
                "tiles": ["/karten/kacheln/{z}/{x}/{y}"],
                "minzoom": min_zoom,
                "maxzoom": max_zoom,
                "attribution": tiles.attribution(),
            })
        }
        None => serde_json::json!({ "tilejson": "3.0.0", "tiles": [] }),
    };
    let mut response = body.to_string().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}
