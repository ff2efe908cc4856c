//! `GET /api/v1/procedures/{slug}/proposals.geojson`: the located proposals as a GeoJSON
//! FeatureCollection (RFC 7946), open data and the map's source.

use crate::rest::doc::{Api, Doc};
use crate::rest::procedures::slug;
use crate::rest::{ApiError, ApiResult, MaybeAuthenticated};
use app::backend::state::AppState;
use app::error::AppError;
use app::formats::proposals::model::{ProposalQuery, ProposalStatus};
use app::formats::proposals::service::proposal::geo::{self, GEO_PAGE_MAX, GeoWindow};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::Utc;
use serde_json::json;
use std::collections::HashMap;

pub fn api() -> Api {
    Api::default().op(
        "get",
        "/procedures/{slug}/proposals.geojson",
        get(proposals_geojson),
        Doc::new("open data", "A procedure's located proposals as GeoJSON")
            .describe(
                "A FeatureCollection (RFC 7946: WGS84, longitude first) of the visible \
                 proposals that have a geometry, by number, filtered like the list. Each \
                 feature's `properties` name the proposal (title, category, place in words, \
                 precision, district, status, supports, score, comments, url). When more \
                 follow, the collection carries `next` (the address of the next page).",
            )
            .query(
                "category",
                "One of the procedure's categories.",
                json!({ "type": "string" }),
            )
            .query(
                "district",
                "A district's key (see `/districts`).",
                json!({ "type": "string" }),
            )
            .query(
                "status",
                "published (default), withdrawn or merged.",
                json!({ "type": "string" }),
            )
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
}

async fn proposals_geojson(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    Path(slug_param): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    let number =
        |key: &str, default: i64, range: std::ops::RangeInclusive<i64>| match params.get(key) {
            None => Ok(default),
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| ApiError(AppError::invalid(key, "invalid"))),
        };
    let after = number("after", 0, 0..=i64::MAX)?;
    let limit = number("limit", 1_000, 1..=GEO_PAGE_MAX as i64)?.unsigned_abs();
    if params
        .get("status")
        .is_some_and(|s| ProposalStatus::parse(s).is_none())
    {
        return Err(ApiError(AppError::invalid("status", "unknown")));
    }
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
    let mut collection = json!({"type": "FeatureCollection", "features": page.features});
    if let Some(last) = page.next_after {
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
        collection["next"] = json!(next);
    }
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        collection.to_string(),
    ))
}
