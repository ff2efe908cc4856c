//! `GET /api/v1/procedures/{slug}/proposals.geojson`: the located proposals as a GeoJSON
//! FeatureCollection (RFC 7946), open data and the map's source; and
//! `GET …/proposals/clusters`: the same proposals gathered for a map at a zoom level.

use crate::rest::doc::{Api, Doc};
use crate::rest::procedures::slug;
use crate::rest::{ApiError, ApiResult, MaybeAuthenticated};
use app::backend::state::AppState;
use app::error::AppError;
use app::formats::proposals::model::{ProposalQuery, ProposalStatus};
use app::formats::proposals::service::proposal::clusters::{self, MAX_ZOOM};
use app::formats::proposals::service::proposal::geo::{self, GEO_PAGE_MAX, GeoWindow};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::Utc;
use serde_json::json;
use std::collections::HashMap;

pub fn api() -> Api {
    Api::default()
        .op(
            "get",
            "/procedures/{slug}/proposals.geojson",
            get(proposals_geojson),
            Doc::new("open data", "A procedure's located proposals as GeoJSON")
                .describe(
                    "A FeatureCollection (RFC 7946: WGS84, longitude first) of the visible \
                 proposals that have a geometry, by number, filtered like the list. Each \
                 feature's `properties` name the proposal (title, category, place in words, \
                 precision, district, status, supports, score, comments, url). When more \
                 follow, the collection carries `next` (the address of the next page). In \
                 a procedure with 2,000 located proposals or more, pages are served from \
                 memory and may be up to five seconds old (a moderation decision shows at \
                 once); each answer carries an `ETag` for revalidation.",
                )
                .proposal_filters("published (default), withdrawn or merged.")
                .query(
                    "after",
                    "Only proposals with a higher number (from `next`).",
                    json!({ "type": "integer", "minimum": 0 }),
                )
                .query(
                    "limit",
                    "Features per page, 1 to 5000 (default 1000).",
                    json!({ "type": "integer", "minimum": 1, "maximum": GEO_PAGE_MAX }),
                )
                .json_as("application/geo+json", "A GeoJSON FeatureCollection.")
                .errors(&[404, 422]),
        )
        .op(
            "get",
            "/procedures/{slug}/proposals/clusters",
            get(proposals_clusters),
            Doc::new(
                "open data",
                "A procedure's located proposals gathered for a map",
            )
            .describe(
                "The visible located proposals (filtered like the list), gathered into \
                 clusters for a map at `zoom`: squares of 64 pixels on the usual Web \
                 Mercator tile grid, of the whole procedure; those whose point lies in `bbox` \
                 are sent (a cluster counts all its members, also any just outside the view, \
                 so clusters stay the same while a map is panned). A FeatureCollection of \
                 points, each at the mean of its members, with `properties.count`, `properties.bbox` (west, \
                 south, east, north) and `properties.proposals` (up to 20 of its numbers, \
                 lowest first; with them a cluster whose proposals share one position opens \
                 as a list); a single proposal also carries its `url`. `complete` is false \
                 when the procedure has more than 100,000 located proposals under the \
                 filters: only the first 100,000 by number are gathered. \
                 In a procedure with 2,000 located proposals or more, the positions (and \
                 each zoom's clusters) are kept in memory and a new proposal may appear up \
                 to five seconds later (a moderation decision shows at once).",
            )
            .query(
                "zoom",
                "The map's zoom level, 0 to 22.",
                json!({ "type": "integer", "minimum": 0, "maximum": MAX_ZOOM }),
            )
            .query(
                "bbox",
                "The view: west,south,east,north in degrees (WGS84); the whole procedure \
                 when left out.",
                json!({ "type": "string", "example": "9.1,48.7,9.3,48.8" }),
            )
            .proposal_filters("published (default), withdrawn or merged.")
            .json_as(
                "application/geo+json",
                "A GeoJSON FeatureCollection of clusters.",
            )
            .errors(&[404, 422]),
        )
}

/// `west,south,east,north`, each a finite number of degrees, west of east and south of
/// north.
fn bbox_of(text: &str) -> Option<clusters::Bbox> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|part| part.trim().parse::<f64>().ok().filter(|n| n.is_finite()))
        .collect::<Option<_>>()?;
    let [west, south, east, north] = numbers[..] else {
        return None;
    };
    let lon = -180.0..=180.0;
    let lat = -90.0..=90.0;
    (lon.contains(&west)
        && lon.contains(&east)
        && lat.contains(&south)
        && lat.contains(&north)
        && west < east
        && south < north)
        .then_some((west, south, east, north))
}

/// A number parameter within `range`: `default` when left out (required without one),
/// else a 422 naming the parameter.
fn number<T: std::str::FromStr + PartialOrd>(
    params: &HashMap<String, String>,
    key: &'static str,
    default: Option<T>,
    range: std::ops::RangeInclusive<T>,
) -> Result<T, ApiError> {
    match (params.get(key), default) {
        (None, Some(default)) => Ok(default),
        (text, _) => text
            .and_then(|text| text.parse::<T>().ok())
            .filter(|n| range.contains(n))
            .ok_or_else(|| ApiError(AppError::invalid(key, "invalid"))),
    }
}

fn checked_status(params: &HashMap<String, String>) -> Result<(), ApiError> {
    if params
        .get("status")
        .is_some_and(|s| ProposalStatus::parse(s).is_none())
    {
        return Err(ApiError(AppError::invalid("status", "unknown")));
    }
    Ok(())
}

async fn proposals_clusters(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    Path(slug_param): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    let zoom = number(&params, "zoom", None, 0..=MAX_ZOOM)?;
    let bbox = match params.get("bbox") {
        None => None,
        Some(text) => {
            Some(bbox_of(text).ok_or_else(|| ApiError(AppError::invalid("bbox", "invalid")))?)
        }
    };
    checked_status(&params)?;
    let query = ProposalQuery::from_params(|key| params.get(key).cloned());
    let slug = slug(&slug_param)?;
    let found = clusters::clusters(
        &state.db,
        viewer.as_ref(),
        &slug,
        &query,
        bbox,
        zoom,
        Utc::now(),
    )
    .await?;
    let base = &state.site.public_url;
    let features: Vec<_> = found
        .clusters
        .iter()
        .map(|c| {
            let mut properties = json!({
                "count": c.count,
                "bbox": [c.bbox.0, c.bbox.1, c.bbox.2, c.bbox.3],
                "proposals": c.members,
            });
            if let (1, Some(id)) = (c.count, c.members.first()) {
                properties["url"] = json!(format!("{base}{}", app::model::path::proposal(*id)));
            }
            json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
                "properties": properties,
            })
        })
        .collect();
    let collection = json!({
        "type": "FeatureCollection",
        "zoom": zoom,
        "complete": found.complete,
        "features": features,
    });
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        collection.to_string(),
    ))
}

async fn proposals_geojson(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    Path(slug_param): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    let after = number(&params, "after", Some(0), 0..=i64::MAX)?;
    let limit = number(&params, "limit", Some(1_000), 1..=GEO_PAGE_MAX)?;
    checked_status(&params)?;
    let query = ProposalQuery::from_params(|key| params.get(key).cloned());
    let slug = slug(&slug_param)?;
    let base = &state.site.public_url;
    let page = geo::features(
        &state.db,
        viewer.as_ref(),
        &slug,
        &query,
        GeoWindow { after, limit },
        base,
        Utc::now(),
    )
    .await?;
    let next = page.next_after.map(|last| {
        let mut next = format!(
            "{base}/api/v1/procedures/{}/proposals.geojson?after={last}&limit={limit}",
            slug.as_str()
        );
        for key in ["category", "district", "status"] {
            if let Some(value) = params.get(key) {
                next.push_str(&format!(
                    "&{key}={}",
                    app::model::text::encode_component(value)
                ));
            }
        }
        next
    });
    // The FeatureCollection around the page's features, which are already JSON.
    let next = match next {
        Some(next) => {
            let next = serde_json::to_string(&next).map_err(|_| ApiError(AppError::Internal))?;
            format!(r#","next":{next}"#)
        }
        None => String::new(),
    };
    let body = [
        r#"{"type":"FeatureCollection","features":"#,
        &page.features_json,
        &next,
        "}",
    ]
    .concat();
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], body))
}
