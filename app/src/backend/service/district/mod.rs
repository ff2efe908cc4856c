//! The city's districts: imported from a GeoJSON FeatureCollection (the command line and
//! the planners' page), listed, and used to place contributions: the server assigns each
//! located contribution the district its anchor lies in, by point-in-polygon after a first
//! test on the bounding boxes. A bad file is refused whole, each problem naming the
//! feature (`features[3]`, as in the file, counted from 0) and nothing is imported.

use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::db::storage_error;
use crate::backend::entity::{district, procedure_area, proposal};
use crate::error::AppError;
use crate::model::place::{
    DistrictRef, DistrictSummary, Geometry, ImportSummary, Position, Precision,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionSession, TransactionTrait,
};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

pub mod map;
mod read;

pub use read::{
    ImportOptions, MAX_DISTRICTS, MAX_FILE_BYTES, NewDistrict, checked_source, read_collection,
};

/// A planner imports a district file (the page and the API).
pub async fn import_file<C>(
    db: &C,
    user: &CurrentUser,
    bytes: &[u8],
    options: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<ImportSummary, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Plan)?;
    let source = checked_source(&options.source)?;
    let districts = read_collection(bytes, options)?;
    replace(db, districts, &source, now).await
}

/// Makes `districts` the instance's districts, in one transaction: the ones with a known
/// key are updated (their contributions keep them), new keys added, missing ones removed;
/// then every located contribution is assigned its district again.
pub async fn replace<C>(
    db: &C,
    districts: Vec<NewDistrict>,
    source: &str,
    now: DateTime<Utc>,
) -> Result<ImportSummary, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::backend::db::begin_write(db).await?;
    let existing: HashMap<String, i64> = district::Entity::find()
        .limit(MAX_DISTRICTS as u64 + 1)
        .all(&txn)
        .await
        .map_err(storage_error)?
        .into_iter()
        .map(|row| (row.key, row.id))
        .collect();
    let mut summary = ImportSummary::default();
    let mut kept = HashSet::new();
    for new in districts {
        let (west, south, east, north) = new.geometry.bbox();
        let mut row = district::ActiveModel {
            key: Set(new.key.clone()),
            name: Set(new.name),
            geometry: Set(new.geometry.to_text()),
            west: Set(west),
            south: Set(south),
            east: Set(east),
            north: Set(north),
            source: Set(source.to_owned()),
            updated_at: Set(now),
            ..Default::default()
        };
        match existing.get(&new.key) {
            Some(id) => {
                row.id = Set(*id);
                row.update(&txn).await.map_err(storage_error)?;
                kept.insert(*id);
                summary.updated += 1;
            }
            None => {
                row.created_at = Set(now);
                row.insert(&txn).await.map_err(storage_error)?;
                summary.created += 1;
            }
        }
    }
    let removed: Vec<i64> = existing
        .values()
        .copied()
        .filter(|id| !kept.contains(id))
        .collect();
    if !removed.is_empty() {
        proposal::Entity::update_many()
            .col_expr(
                proposal::Column::DistrictId,
                Expr::value(Option::<i64>::None),
            )
            .filter(proposal::Column::DistrictId.is_in(removed.iter().copied()))
            .exec(&txn)
            .await
            .map_err(storage_error)?;
        district::Entity::delete_many()
            .filter(district::Column::Id.is_in(removed.iter().copied()))
            .exec(&txn)
            .await
            .map_err(storage_error)?;
        summary.removed = removed.len() as u32;
    }
    summary.reassigned = reassign(&txn).await?;
    cover_areas(&txn).await?;
    txn.commit().await.map_err(storage_error)?;
    tracing::info!(
        created = summary.created,
        updated = summary.updated,
        removed = summary.removed,
        reassigned = summary.reassigned,
        "districts imported"
    );
    Ok(summary)
}

/// Every district's number and shape, by key.
pub async fn shapes(db: &impl ConnectionTrait) -> Result<Vec<(i64, Geometry)>, AppError> {
    let rows = district::Entity::find()
        .order_by_asc(district::Column::Key)
        .limit(MAX_DISTRICTS as u64)
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| Some((row.id, Geometry::parse(&row.geometry).ok()?)))
        .collect())
}

/// Every district in memory, for assigning many contributions at once.
struct Atlas(Vec<(i64, Geometry)>);

impl Atlas {
    async fn load(db: &impl ConnectionTrait) -> Result<Self, AppError> {
        Ok(Self(shapes(db).await?))
    }

    /// The district holding `p`: on a shared edge, the one with the first key.
    fn find(&self, p: Position) -> Option<i64> {
        self.0
            .iter()
            .find(|(_, area)| {
                let (w, s, e, n) = area.bbox();
                (w..=e).contains(&p.lon) && (s..=n).contains(&p.lat) && area.contains(p)
            })
            .map(|(id, _)| *id)
    }
}

/// A contribution's number, anchor (longitude, latitude) and district.
type Anchored = (i64, Option<f64>, Option<f64>, Option<i64>);

/// Assigns every contribution with a position its district again (after an import), by
/// pages of a thousand; returns how many changed.
async fn reassign(db: &impl ConnectionTrait) -> Result<u32, AppError> {
    let atlas = Atlas::load(db).await?;
    let mut changed = 0;
    let mut after = 0_i64;
    loop {
        let rows: Vec<Anchored> = proposal::Entity::find()
            .select_only()
            .column(proposal::Column::Id)
            .column(proposal::Column::Lon)
            .column(proposal::Column::Lat)
            .column(proposal::Column::DistrictId)
            .filter(proposal::Column::Id.gt(after))
            .filter(proposal::Column::Lon.is_not_null())
            .order_by_asc(proposal::Column::Id)
            .limit(1_000)
            .into_tuple()
            .all(db)
            .await
            .map_err(storage_error)?;
        let Some(last) = rows.last() else {
            break;
        };
        after = last.0;
        for (id, lon, lat, current) in rows {
            let (Some(lon), Some(lat)) = (lon, lat) else {
                continue;
            };
            let found = atlas.find(Position { lon, lat });
            if found != current {
                proposal::Entity::update_many()
                    .col_expr(proposal::Column::DistrictId, Expr::value(found))
                    .filter(proposal::Column::Id.eq(id))
                    .exec(db)
                    .await
                    .map_err(storage_error)?;
                changed += 1;
            }
        }
    }
    Ok(changed)
}

/// The districts whose bounding boxes meet the box (west, south, east, north), by key.
pub(crate) async fn meeting(
    db: &impl ConnectionTrait,
    (west, south, east, north): (f64, f64, f64, f64),
) -> Result<Vec<district::Model>, AppError> {
    district::Entity::find()
        .filter(district::Column::West.lte(east))
        .filter(district::Column::East.gte(west))
        .filter(district::Column::South.lte(north))
        .filter(district::Column::North.gte(south))
        .order_by_asc(district::Column::Key)
        .limit(MAX_DISTRICTS as u64)
        .all(db)
        .await
        .map_err(storage_error)
}

/// The district holding a position, if any (bounding boxes first, then the boundaries).
pub async fn containing(db: &impl ConnectionTrait, p: Position) -> Result<Option<i64>, AppError> {
    let candidates = meeting(db, (p.lon, p.lat, p.lon, p.lat)).await?;
    Ok(candidates
        .into_iter()
        .find(|row| Geometry::parse(&row.geometry).is_ok_and(|area| area.contains(p)))
        .map(|row| row.id))
}

/// Where a contribution is, as its columns store it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Located {
    pub geometry: Option<String>,
    pub precision: Option<Precision>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub district_id: Option<i64>,
}

/// The part of the city a procedure is about (kept by `procedure::area`): contributions
/// must lie in it, and may name only a district it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub geometry: Geometry,
    /// The keys of the districts it shares ground with.
    pub covers: Vec<String>,
}

/// The districts a contribution may name: those of `area`, or every one.
pub async fn offered(
    db: &impl ConnectionTrait,
    area: Option<&Area>,
) -> Result<Vec<DistrictRef>, AppError> {
    Ok(narrowed(all(db).await?, area))
}

/// Of `districts` (all of them, as `all` gives them), the ones a contribution may name.
pub fn narrowed(mut districts: Vec<DistrictRef>, area: Option<&Area>) -> Vec<DistrictRef> {
    if let Some(area) = area {
        districts.retain(|district| area.covers.contains(&district.key));
    }
    districts
}

/// The keys of the districts sharing ground with `area` (boxes first, then the shapes).
pub async fn overlapping(
    db: &impl ConnectionTrait,
    area: &Geometry,
) -> Result<Vec<String>, AppError> {
    let candidates = meeting(db, area.bbox()).await?;
    Ok(candidates
        .into_iter()
        .filter(|row| Geometry::parse(&row.geometry).is_ok_and(|d| d.overlaps(area)))
        .map(|row| row.key)
        .collect())
}

/// The districts with these keys, in the order given; an unknown key is a problem of the
/// `area_districts` field (the area form's).
pub async fn by_keys(
    db: &impl ConnectionTrait,
    keys: &[String],
) -> Result<Vec<(DistrictRef, Geometry)>, AppError> {
    let rows = district::Entity::find()
        .filter(district::Column::Key.is_in(keys.iter().cloned()))
        .limit(MAX_DISTRICTS as u64)
        .all(db)
        .await
        .map_err(storage_error)?;
    keys.iter()
        .map(|key| {
            let row = rows
                .iter()
                .find(|row| &row.key == key)
                .ok_or(AppError::invalid("area_districts", "unknown"))?;
            let geometry = Geometry::parse(&row.geometry)
                .map_err(|problem| AppError::invalid("area_districts", problem.code()))?;
            let district = DistrictRef {
                id: row.id,
                key: row.key.clone(),
                name: row.name.clone(),
            };
            Ok((district, geometry))
        })
        .collect()
}

/// After new boundaries: which districts each drawn procedure area covers, again (an area
/// built from districts keeps the chosen keys).
async fn cover_areas(db: &impl ConnectionTrait) -> Result<(), AppError> {
    let areas: Vec<(i64, String)> = procedure_area::Entity::find()
        .select_only()
        .column(procedure_area::Column::ProcedureId)
        .column(procedure_area::Column::Geometry)
        .filter(procedure_area::Column::FromDistricts.eq(false))
        .limit(MAX_AREAS)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    for (procedure_id, geometry) in areas {
        let Ok(geometry) = Geometry::parse(&geometry) else {
            continue;
        };
        let covers = overlapping(db, &geometry).await?.join(",");
        procedure_area::Entity::update_many()
            .col_expr(procedure_area::Column::DistrictKeys, Expr::value(covers))
            .filter(procedure_area::Column::ProcedureId.eq(procedure_id))
            .exec(db)
            .await
            .map_err(storage_error)?;
    }
    Ok(())
}

/// The most procedure areas whose districts an import looks at again.
const MAX_AREAS: u64 = 10_000;

/// Places a contribution from what its author gave: a geometry (checked already; its
/// district is assigned here and wins over a named one) or only a district's key (which
/// must exist), or nothing. With an `area`, a geometry must lie in it and a named
/// district must be one it covers.
pub async fn locate(
    db: &impl ConnectionTrait,
    geometry: Option<&Geometry>,
    district_key: Option<&str>,
    precision: Option<Precision>,
    area: Option<&Area>,
) -> Result<Located, AppError> {
    if let Some(geometry) = geometry {
        if area.is_some_and(|area| !geometry.within(&area.geometry)) {
            return Err(AppError::invalid("geometry", "outside_area"));
        }
        let anchor = geometry.anchor();
        return Ok(Located {
            geometry: Some(geometry.to_text()),
            precision: Some(precision.unwrap_or(Precision::Exact)),
            lon: Some(anchor.lon),
            lat: Some(anchor.lat),
            district_id: containing(db, anchor).await?,
        });
    }
    let Some(key) = district_key else {
        return Ok(Located::default());
    };
    if area.is_some_and(|area| !area.covers.iter().any(|covered| covered == key)) {
        return Err(AppError::invalid("district", "outside_area"));
    }
    let id = district::Entity::find()
        .filter(district::Column::Key.eq(key))
        .select_only()
        .column(district::Column::Id)
        .into_tuple::<i64>()
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::invalid("district", "unknown"))?;
    Ok(Located {
        precision: Some(Precision::District),
        district_id: Some(id),
        ..Located::default()
    })
}

/// Every district, by key: what forms offer and filters name.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<DistrictRef>, AppError> {
    let rows: Vec<(i64, String, String)> = district::Entity::find()
        .select_only()
        .column(district::Column::Id)
        .column(district::Column::Key)
        .column(district::Column::Name)
        .order_by_asc(district::Column::Name)
        .limit(MAX_DISTRICTS as u64)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .map(|(id, key, name)| DistrictRef { id, key, name })
        .collect())
}

/// One district by its id.
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<DistrictRef>, AppError> {
    Ok(district::Entity::find_by_id(id)
        .select_only()
        .column(district::Column::Id)
        .column(district::Column::Key)
        .column(district::Column::Name)
        .into_tuple::<(i64, String, String)>()
        .one(db)
        .await
        .map_err(storage_error)?
        .map(|(id, key, name)| DistrictRef { id, key, name }))
}

/// The districts with their source and how many published contributions each holds: the
/// planners' page.
pub async fn summaries(db: &impl ConnectionTrait) -> Result<Vec<DistrictSummary>, AppError> {
    let districts = all(db).await?;
    let counts: HashMap<i64, i64> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::DistrictId)
        .column_as(Expr::col(proposal::Column::Id).count(), "count")
        .filter(proposal::Column::DistrictId.is_not_null())
        .group_by(proposal::Column::DistrictId)
        .into_tuple::<(Option<i64>, i64)>()
        .all(db)
        .await
        .map_err(storage_error)?
        .into_iter()
        .filter_map(|(id, count)| Some((id?, count)))
        .collect();
    let source = district::Entity::find()
        .select_only()
        .column(district::Column::Source)
        .into_tuple::<String>()
        .one(db)
        .await
        .map_err(storage_error)?
        .unwrap_or_default();
    Ok(districts
        .into_iter()
        .map(|district| DistrictSummary {
            contributions: counts
                .get(&district.id)
                .copied()
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(0),
            source: source.clone(),
            district,
        })
        .collect())
}

/// The districts as a GeoJSON FeatureCollection (`GET /api/v1/districts`).
pub async fn feature_collection(db: &impl ConnectionTrait) -> Result<Value, AppError> {
    let rows = district::Entity::find()
        .order_by_asc(district::Column::Key)
        .limit(MAX_DISTRICTS as u64)
        .all(db)
        .await
        .map_err(storage_error)?;
    let features: Vec<Value> = rows
        .into_iter()
        .filter_map(|row| {
            let geometry = Geometry::parse(&row.geometry).ok()?;
            Some(json!({
                "type": "Feature",
                "id": row.id,
                "geometry": geometry.to_geojson(),
                "properties": {"key": row.key, "name": row.name, "source": row.source},
            }))
        })
        .collect();
    Ok(json!({"type": "FeatureCollection", "features": features}))
}
