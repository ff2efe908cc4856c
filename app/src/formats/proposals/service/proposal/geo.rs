//! A procedure's located proposals as GeoJSON (`GET …/proposals.geojson`): open data and
//! the map's source. Only visible proposals with a geometry, filtered like the list, by
//! number, a page of at most [`GEO_PAGE_MAX`] features at a time. A large procedure's
//! pages are kept for a moment ([`PAGES`]).

use super::*;
use crate::backend::common::{Kept, results_generation};
use crate::model::place::Geometry;
use serde_json::{Value, json};
use std::sync::Arc;

/// The most features one GeoJSON page holds.
pub const GEO_PAGE_MAX: u64 = 5_000;

/// Which features: those after number `after`, at most `limit` of them.
#[derive(Debug, Clone, Copy)]
pub struct GeoWindow {
    pub after: i64,
    pub limit: u64,
}

/// One page of features: the FeatureCollection's features, written out once as a JSON
/// array (a kept page is sent again and again without being serialised again), and the
/// number to go on after.
pub struct GeoPage {
    pub features_json: String,
    pub next_after: Option<i64>,
}

/// Pages of large procedures (those whose anchors are kept, see
/// [`super::clusters::KEEP_FROM`]) as they were built a moment ago, by filter and window:
/// open-data clients and maps fetch the same pages again and again. Their counts show at
/// most [`super::clusters::ANCHORS_FRESH`] late; a moderation decision or an outcome makes
/// them stale at once.
type PageKey = (ProposalStatus, Option<String>, Option<String>, i64, u64);

static PAGES: Kept<PageKey, Arc<GeoPage>> = Kept::new(super::clusters::ANCHORS_FRESH);

/// The located proposals of a procedure in `window`, as GeoJSON features whose
/// properties name the proposal, its counts, district and page.
pub async fn features(
    db: &impl ConnectionTrait,
    viewer: Option<&CurrentUser>,
    slug: &Slug,
    query: &ProposalQuery,
    window: GeoWindow,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Arc<GeoPage>, AppError> {
    let (context, _) = procedure::context_for(db, slug, viewer, now).await?;
    let limit = window.limit.clamp(1, GEO_PAGE_MAX);
    if !super::clusters::anchors(db, context.id, query)
        .await?
        .kept()
    {
        return build(db, context.id, query, window.after, limit, public_url)
            .await
            .map(Arc::new);
    }
    let key: PageKey = (
        query.status.unwrap_or(ProposalStatus::Published),
        query.category.clone(),
        query.district.clone(),
        window.after,
        limit,
    );
    if let Some(kept) = PAGES.get(context.id, key.clone()) {
        return Ok(kept);
    }
    let turn = PAGES.turn(context.id, key.clone());
    let _mine = turn.lock().await;
    if let Some(kept) = PAGES.get(context.id, key.clone()) {
        return Ok(kept);
    }
    let generation = results_generation(context.id);
    let page = Arc::new(build(db, context.id, query, window.after, limit, public_url).await?);
    PAGES.put(context.id, key, generation, page.clone());
    Ok(page)
}

/// Reads and builds one page of features (see [`features`]).
async fn build(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    query: &ProposalQuery,
    after: i64,
    limit: u64,
    public_url: &str,
) -> Result<GeoPage, AppError> {
    let districts = crate::backend::service::district::all(db).await?;
    let rows = located_in(procedure_id, query, &districts)
        .filter(proposal::Column::Id.gt(after))
        .order_by_asc(proposal::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await
        .map_err(storage_error)?;
    let (rows, more) = if rows.len() as u64 > limit {
        (&rows[..limit as usize], true)
    } else {
        (&rows[..], false)
    };
    let by_id: HashMap<i64, &crate::model::place::DistrictRef> =
        districts.iter().map(|d| (d.id, d)).collect();
    let features: Vec<Value> = rows
        .iter()
        .filter_map(|row| {
            let geometry = Geometry::parse(row.geometry.as_deref()?).ok()?;
            let district = row
                .district_id
                .and_then(|id| by_id.get(&id))
                .map(|d| json!({"key": d.key, "name": d.name}));
            Some(json!({
                "type": "Feature",
                "id": row.id,
                "geometry": geometry.to_geojson(),
                "properties": {
                    "title": row.title,
                    "category": row.category,
                    "location": row.location,
                    "precision": row.place_precision,
                    "district": district,
                    "status": row.status,
                    "supports": row.support_count,
                    "score": row.score,
                    "comments": row.comment_count,
                    "url": format!("{public_url}{}", crate::model::path::proposal(row.id)),
                },
            }))
        })
        .collect();
    Ok(GeoPage {
        features_json: Value::Array(features).to_string(),
        next_after: more.then(|| rows.last().map(|r| r.id)).flatten(),
    })
}

/// A procedure's visible located proposals, filtered like the list (status, category,
/// district).
pub async fn located(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    query: &ProposalQuery,
) -> Result<Select<proposal::Entity>, AppError> {
    let districts = crate::backend::service::district::all(db).await?;
    Ok(located_in(procedure_id, query, &districts))
}

fn located_in(
    procedure_id: i64,
    query: &ProposalQuery,
    districts: &[crate::model::place::DistrictRef],
) -> Select<proposal::Entity> {
    let mut select = proposal::Entity::find()
        .filter(proposal::Column::ProcedureId.eq(procedure_id))
        .filter(proposal::Column::Status.eq(query.status.unwrap_or(ProposalStatus::Published)))
        .filter(proposal::Column::Visibility.eq(Visibility::Visible))
        .filter(proposal::Column::Lon.is_not_null());
    if let Some(category) = &query.category {
        select = select.filter(proposal::Column::Category.eq(category.as_str()));
    }
    if let Some(key) = &query.district {
        // An unknown district matches nothing.
        let id = districts
            .iter()
            .find(|d| &d.key == key)
            .map_or(-1, |d| d.id);
        select = select.filter(proposal::Column::DistrictId.eq(id));
    }
    select
}
