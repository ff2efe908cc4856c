//! Districts shaded by a count: classes, their legend ranges, and the picture.

use super::svg::svg_of;
use super::{Bbox, Layer, SHADES, Sketch, Style, frame, sketch};
use crate::backend::db::storage_error;
use crate::backend::entity::district;
use crate::error::AppError;
use crate::model::place::Geometry;
use crate::model::results::DistrictCount;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, QuerySelect};

/// The class of `value` among five, from 0 to `max` (equal steps, rounded up; 0 only for
/// none, the darkest always for the fullest).
pub fn class_of(value: i64, max: i64) -> usize {
    if value <= 0 || max <= 0 {
        return 0;
    }
    let steps = (SHADES.len() - 1) as i64;
    ((value.min(max) * steps + max - 1) / max).clamp(1, steps) as usize
}

/// What a choropleth counts per district.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Proposals,
    /// Supports, or up and down votes under the rating rule.
    Votes,
}

impl Measure {
    pub fn of(self, count: &DistrictCount) -> i64 {
        match self {
            Self::Proposals => count.proposals,
            Self::Votes => count.votes,
        }
    }
}

/// The districts shaded by `measure`, each labelled with its name and figure, and the
/// highest figure (for a legend). None without districts.
pub async fn choropleth_sketch(
    db: &impl ConnectionTrait,
    counts: &[DistrictCount],
    measure: Measure,
) -> Result<Option<(Sketch, i64)>, AppError> {
    let rows = district::Entity::find()
        .order_by_asc(district::Column::Key)
        .limit(super::super::MAX_DISTRICTS as u64)
        .all(db)
        .await
        .map_err(storage_error)?;
    let max = counts.iter().map(|c| measure.of(c)).max().unwrap_or(0);
    let shapes: Vec<(Geometry, String, usize)> = rows
        .into_iter()
        .filter_map(|row| {
            let geometry = Geometry::parse(&row.geometry).ok()?;
            let count = counts
                .iter()
                .find(|c| c.key == row.key)
                .map_or(0, |c| measure.of(c));
            Some((
                geometry,
                format!("{} ({count})", row.name),
                class_of(count, max),
            ))
        })
        .collect();
    let boxes: Vec<Bbox> = shapes.iter().map(|(g, _, _)| g.bbox()).collect();
    let Some(frame) = frame(&boxes, 0.01) else {
        return Ok(None);
    };
    let layers: Vec<Layer<'_>> = shapes
        .iter()
        .map(|(geometry, label, class)| Layer {
            geometry,
            style: Style::Shaded(*class),
            label: Some(label),
        })
        .collect();
    Ok(Some((sketch(frame, &layers), max)))
}

/// The districts shaded by how many contributions (or votes) each holds, labelled with
/// the figure (the results page; the table beside it has the same figures).
pub async fn choropleth(
    db: &impl ConnectionTrait,
    counts: &[DistrictCount],
    measure: Measure,
    title: &str,
) -> Result<String, AppError> {
    let (sketch, _) = choropleth_sketch(db, counts, measure)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(svg_of(title, "t", &sketch))
}

/// The figures a class of a choropleth stands for, lowest and highest, when `max` is the
/// fullest: the inverse of [`class_of`], for legends. None for a class no figure falls in.
pub fn class_range(class: usize, max: i64) -> Option<(i64, i64)> {
    if class == 0 {
        return Some((0, 0));
    }
    let steps = (SHADES.len() - 1) as i64;
    let class = i64::try_from(class).ok().filter(|c| *c <= steps)?;
    // class_of(v) = ceil(v * steps / max): v in ((class - 1) * max / steps, class * max / steps].
    let low = (class - 1) * max / steps + 1;
    let high = class * max / steps;
    (max > 0 && low <= high).then_some((low, high))
}
