//! A procedure's area: the part of the city it is about. Planners build it from the city's
//! districts or take it from a GeoJSON file (a Polygon or MultiPolygon, as a geometry, a
//! Feature or a FeatureCollection); from then on a contribution placed outside it is
//! refused (every position of its geometry must lie in the area, a boundary counting as
//! inside), and one naming only a district must name a district the area covers.
//! Contributions placed before stay where they are; the page counts them.
//!
//! The area is kept as it was set: new district boundaries do not move it. A drawn area's
//! districts are worked out again after an import (`district::replace`); an area built
//! from districts keeps the chosen keys.

use super::{context_for, get_for};
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::timestamp;
use crate::backend::db::storage_error;
use crate::backend::entity::{procedure_area, proposal};
use crate::backend::service::district::{self, Area};
use crate::error::AppError;
use crate::model::area::{AreaDistrict, AreaPage, AreaView, LABEL_MAX};
use crate::model::place::{Geometry, MAX_POSITIONS, Position};
use crate::model::procedure::Slug;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionSession, TransactionTrait,
};
use serde_json::{Value, json};

/// The largest area file (a detailed boundary of a few districts is well below).
pub const MAX_AREA_BYTES: usize = 4 * 1024 * 1024;

/// The area of a procedure, if it has one.
pub async fn of(db: &impl ConnectionTrait, procedure_id: i64) -> Result<Option<Area>, AppError> {
    let Some(row) = row(db, procedure_id).await? else {
        return Ok(None);
    };
    Ok(stored(&row).map(|geometry| Area {
        geometry,
        covers: keys(&row.district_keys),
    }))
}

async fn row(
    db: &impl ConnectionTrait,
    procedure_id: i64,
) -> Result<Option<procedure_area::Model>, AppError> {
    procedure_area::Entity::find_by_id(procedure_id)
        .one(db)
        .await
        .map_err(storage_error)
}

/// The stored geometry; it was checked when it was set, so a row that no longer reads is
/// a fault worth a log line, and the procedure is treated as having no area.
fn stored(row: &procedure_area::Model) -> Option<Geometry> {
    match Geometry::parse(&row.geometry) {
        Ok(geometry) => Some(geometry),
        Err(problem) => {
            tracing::error!(
                procedure = row.procedure_id,
                problem = problem.code(),
                "stored area unreadable"
            );
            None
        }
    }
}

fn keys(joined: &str) -> Vec<String> {
    joined
        .split(',')
        .filter(|key| !key.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The districts a contribution to this procedure may name.
pub async fn districts_offered(
    db: &impl ConnectionTrait,
    procedure_id: i64,
) -> Result<Vec<crate::model::place::DistrictRef>, AppError> {
    let area = of(db, procedure_id).await?;
    district::offered(db, area.as_ref()).await
}

/// What residents read about the area on the procedure's page.
pub async fn label(
    db: &impl ConnectionTrait,
    procedure_id: i64,
) -> Result<Option<String>, AppError> {
    Ok(row(db, procedure_id).await?.map(|row| row.label))
}

/// A planner builds the area from districts, by their keys.
pub async fn set_from_districts<C>(
    db: &C,
    user: &CurrentUser,
    slug: &Slug,
    chosen: &[String],
    now: DateTime<Utc>,
) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Plan)?;
    let (context, _) = context_for(db, slug, Some(user), now).await?;
    let mut chosen: Vec<String> = chosen.iter().map(|k| k.trim().to_owned()).collect();
    chosen.retain(|k| !k.is_empty());
    chosen.sort();
    chosen.dedup();
    if chosen.is_empty() {
        return Err(AppError::invalid("area_districts", "missing"));
    }
    if chosen.len() > district::MAX_DISTRICTS {
        return Err(AppError::invalid("area_districts", "unknown"));
    }
    let found = district::by_keys(db, &chosen).await?;
    let geometries: Vec<Geometry> = found.iter().map(|(_, g)| g.clone()).collect();
    let geometry =
        Geometry::merged(&geometries).ok_or(AppError::invalid("area_districts", "missing"))?;
    if geometry.position_count() > MAX_POSITIONS {
        return Err(AppError::invalid(
            "area_districts",
            "geometry_too_many_positions",
        ));
    }
    let mut names: Vec<String> = found.into_iter().map(|(d, _)| d.name).collect();
    names.sort();
    let label = shortened(&names.join(", "));
    let covers = Covers::Chosen(chosen.join(","));
    store(db, context.id, &geometry, &label, covers, now).await
}

/// A planner takes the area from a GeoJSON file; `label` names it for residents (else the
/// file's one feature's `name`).
pub async fn set_from_file<C>(
    db: &C,
    user: &CurrentUser,
    slug: &Slug,
    bytes: &[u8],
    label: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Plan)?;
    let (context, _) = context_for(db, slug, Some(user), now).await?;
    let (geometry, named) = read_area(bytes)?;
    let label = label
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .or(named)
        .ok_or(AppError::invalid("area_label", "missing"))?;
    if label.chars().count() > LABEL_MAX {
        return Err(AppError::invalid("area_label", "too_long"));
    }
    if label.chars().any(crate::model::text::forbidden_in_text) {
        return Err(AppError::invalid("area_label", "control_characters"));
    }
    let covers = Covers::Drawn(district::overlapping(db, &geometry).await?.join(","));
    store(db, context.id, &geometry, &label, covers, now).await
}

/// Reads an area file: a Polygon or MultiPolygon as a geometry, a Feature or a
/// FeatureCollection (its areas taken together); with the name of a single feature.
pub fn read_area(bytes: &[u8]) -> Result<(Geometry, Option<String>), AppError> {
    let problem = |code: &'static str| AppError::invalid("area", code);
    if bytes.len() > MAX_AREA_BYTES {
        return Err(problem("too_large"));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|_| problem("geometry_shape"))?;
    let read = |geometry: &Value| -> Result<Geometry, AppError> {
        let geometry = Geometry::from_geojson(geometry).map_err(|p| problem(p.code()))?;
        if geometry.is_area() {
            Ok(geometry)
        } else {
            Err(problem("geometry_kind"))
        }
    };
    let name = |feature: &Value| {
        feature
            .pointer("/properties/name")
            .and_then(Value::as_str)
            .map(|name| shortened(name.trim()))
            .filter(|name| !name.is_empty())
    };
    let (geometry, named) = match value.get("type").and_then(Value::as_str) {
        Some("Feature") => (
            read(value.get("geometry").unwrap_or(&Value::Null))?,
            name(&value),
        ),
        Some("FeatureCollection") => {
            let features = value
                .get("features")
                .and_then(Value::as_array)
                .ok_or(problem("geometry_shape"))?;
            let areas = features
                .iter()
                .map(|feature| read(feature.get("geometry").unwrap_or(&Value::Null)))
                .collect::<Result<Vec<_>, _>>()?;
            let named = match features.as_slice() {
                [one] => name(one),
                _ => None,
            };
            let merged = Geometry::merged(&areas).ok_or(problem("geometry_too_few_positions"))?;
            (merged, named)
        }
        _ => (read(&value)?, None),
    };
    if geometry.position_count() > MAX_POSITIONS {
        return Err(problem("geometry_too_many_positions"));
    }
    Ok((geometry, named))
}

fn shortened(text: &str) -> String {
    if text.chars().count() <= LABEL_MAX {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(LABEL_MAX - 1).collect();
    short.push('…');
    short
}

/// The districts an area covers, comma-separated: chosen by the planner, or those a drawn
/// area shares ground with.
enum Covers {
    Chosen(String),
    Drawn(String),
}

async fn store<C>(
    db: &C,
    procedure_id: i64,
    geometry: &Geometry,
    label: &str,
    covers: Covers,
    now: DateTime<Utc>,
) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let (west, south, east, north) = geometry.bbox();
    let (from_districts, covers) = match covers {
        Covers::Chosen(keys) => (true, keys),
        Covers::Drawn(keys) => (false, keys),
    };
    let txn = crate::backend::db::begin_write(db).await?;
    procedure_area::Entity::delete_by_id(procedure_id)
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    procedure_area::ActiveModel {
        procedure_id: Set(procedure_id),
        geometry: Set(geometry.to_text()),
        label: Set(label.to_owned()),
        from_districts: Set(from_districts),
        district_keys: Set(covers),
        west: Set(west),
        south: Set(south),
        east: Set(east),
        north: Set(north),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(storage_error)?;
    txn.commit().await.map_err(storage_error)?;
    tracing::info!(procedure = procedure_id, "procedure area set");
    Ok(())
}

/// A planner removes the area: contributions may be placed anywhere again. Whether there
/// was one.
pub async fn clear(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    slug: &Slug,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    user.require(Permission::Plan)?;
    let (context, _) = context_for(db, slug, Some(user), now).await?;
    let deleted = procedure_area::Entity::delete_by_id(context.id)
        .exec(db)
        .await
        .map_err(storage_error)?;
    Ok(deleted.rows_affected > 0)
}

/// The planners' page.
pub async fn page(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    slug: &Slug,
    now: DateTime<Utc>,
) -> Result<AreaPage, AppError> {
    user.require(Permission::Plan)?;
    let detail = get_for(db, slug, Some(user), now).await?;
    let (context, _) = context_for(db, slug, Some(user), now).await?;
    let row = row(db, context.id).await?;
    let districts = district::all(db).await?;
    let covers = row
        .as_ref()
        .map(|r| keys(&r.district_keys))
        .unwrap_or_default();
    let chosen = row
        .as_ref()
        .filter(|r| r.from_districts)
        .map(|r| keys(&r.district_keys))
        .unwrap_or_default();
    let geometry = row.as_ref().and_then(stored);
    let outside = match &geometry {
        Some(area) => outside(db, context.id, area).await?,
        None => 0,
    };
    let area = row.map(|r| AreaView {
        from_districts: r.from_districts,
        label: r.label,
        covers: districts
            .iter()
            .filter(|d| covers.contains(&d.key))
            .map(|d| d.name.clone())
            .collect(),
        updated_at: timestamp(r.updated_at),
    });
    Ok(AreaPage {
        slug: detail.summary.slug,
        title: detail.summary.title,
        area,
        districts: districts
            .into_iter()
            .map(|district| AreaDistrict {
                chosen: chosen.contains(&district.key),
                district,
            })
            .collect(),
        outside,
    })
}

/// How many located contributions of the procedure have their anchor outside `area`, by
/// pages of a thousand.
async fn outside(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    area: &Geometry,
) -> Result<u64, AppError> {
    let mut count = 0;
    let mut after = 0_i64;
    loop {
        let rows: Vec<(i64, Option<f64>, Option<f64>)> = proposal::Entity::find()
            .select_only()
            .column(proposal::Column::Id)
            .column(proposal::Column::Lon)
            .column(proposal::Column::Lat)
            .filter(proposal::Column::ProcedureId.eq(procedure_id))
            .filter(proposal::Column::Id.gt(after))
            .filter(proposal::Column::Lon.is_not_null())
            .order_by_asc(proposal::Column::Id)
            .limit(1_000)
            .into_tuple()
            .all(db)
            .await
            .map_err(storage_error)?;
        let Some(last) = rows.last() else {
            return Ok(count);
        };
        after = last.0;
        count += rows
            .iter()
            .filter_map(|(_, lon, lat)| {
                Some(Position {
                    lon: (*lon)?,
                    lat: (*lat)?,
                })
            })
            .filter(|p| !area.contains(*p))
            .count() as u64;
    }
}

/// The area as a GeoJSON Feature (`GET …/area`): public with the procedure.
pub async fn feature(
    db: &impl ConnectionTrait,
    slug: &Slug,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<Value, AppError> {
    let (context, _) = context_for(db, slug, viewer, now).await?;
    let row = row(db, context.id).await?.ok_or(AppError::NotFound)?;
    let geometry = stored(&row).ok_or(AppError::NotFound)?;
    Ok(json!({
        "type": "Feature",
        "geometry": geometry.to_geojson(),
        "properties": {
            "label": row.label,
            "districts": keys(&row.district_keys),
            "updated_at": row.updated_at.to_rfc3339(),
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<(Geometry, Option<String>), AppError>) -> Vec<(String, String)> {
        result
            .err()
            .map(|e| {
                e.field_problems()
                    .into_iter()
                    .map(|(f, p)| (f.to_owned(), p.to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn area_files_are_geometries_features_or_collections_of_areas() {
        let polygon = r#"{"type":"Polygon","coordinates":[[[9,48],[9.1,48],[9.1,48.1],[9,48]]]}"#;
        let (area, name) = read_area(polygon.as_bytes()).unwrap();
        assert!(area.is_area());
        assert_eq!(name, None);
        let feature = format!(
            r#"{{"type":"Feature","properties":{{"name":" Sanierungsgebiet Nord "}},"geometry":{polygon}}}"#
        );
        let (_, name) = read_area(feature.as_bytes()).unwrap();
        assert_eq!(name.as_deref(), Some("Sanierungsgebiet Nord"));
        let collection = format!(
            r#"{{"type":"FeatureCollection","features":[{feature},{{"type":"Feature","properties":{{}},"geometry":{polygon}}}]}}"#
        );
        let (area, name) = read_area(collection.as_bytes()).unwrap();
        assert!(matches!(area, Geometry::MultiPolygon(ref p) if p.len() == 2));
        assert_eq!(name, None, "two features have no one name");
        let point = r#"{"type":"Point","coordinates":[9,48]}"#;
        assert_eq!(
            field(read_area(point.as_bytes())),
            [("area".into(), "geometry_kind".into())]
        );
        assert_eq!(
            field(read_area(b"not json")),
            [("area".into(), "geometry_shape".into())]
        );
        assert_eq!(
            field(read_area(br#"{"type":"FeatureCollection","features":[]}"#)),
            [("area".into(), "geometry_too_few_positions".into())]
        );
        let swapped = r#"{"type":"Polygon","coordinates":[[[48,9],[48,200],[48.1,9],[48,9]]]}"#;
        assert_eq!(
            field(read_area(swapped.as_bytes())),
            [("area".into(), "geometry_out_of_range".into())]
        );
    }
}
