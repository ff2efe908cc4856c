//! Maps drawn on the server as SVG, for pages that must work without JavaScript and for
//! print: a contribution's place among the districts, a procedure's area, and districts
//! shaded by a count (a choropleth). No tiles and no other origin: the districts, the area
//! and the place on a plain background. Colours are presentation attributes, not a style
//! sheet, so the instance's content security policy (no inline styles) holds for the
//! image too. The pages carry the same facts as text; the picture adds, it never replaces.

use crate::backend::db::storage_error;
use crate::backend::entity::{district, procedure, procedure_area, proposal};
use crate::error::AppError;
use crate::i18n::Texts;
use crate::model::moderation::Visibility;
use crate::model::place::{Geometry, Position};
use crate::model::procedure::ProcedureStatus;
use crate::model::results::DistrictCount;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, QuerySelect};
use std::fmt::Write;

/// What a map shows, bottom to top.
pub struct Layer<'a> {
    pub geometry: &'a Geometry,
    pub style: Style,
    /// A name written at the shape's anchor (districts).
    pub label: Option<&'a str>,
}

/// How a shape is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Style {
    /// A district as background: light fill, grey outline.
    District,
    /// A district shaded by its class in a choropleth (0 = lightest).
    Shaded(usize),
    /// The district a contribution lies in.
    Highlighted,
    /// A procedure's area: a dashed blue outline.
    Area,
    /// The contribution itself: a marker, a line or an outlined area.
    Place,
}

/// The classes of a choropleth, lightest first (ColorBrewer "Blues", readable in print
/// and for the common colour vision deficiencies; the darkest two take white labels).
pub const SHADES: [&str; 5] = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];

const WIDTH: f64 = 640.0;
const MAX_HEIGHT: f64 = 480.0;
const MIN_HEIGHT: f64 = 200.0;

/// A bounding box: (west, south, east, north).
pub type Bbox = (f64, f64, f64, f64);

/// The box around `boxes`, with a margin, at least `min_span` degrees wide and high.
pub fn frame(boxes: &[Bbox], min_span: f64) -> Option<Bbox> {
    let (mut w, mut s, mut e, mut n) = boxes
        .iter()
        .copied()
        .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)))?;
    let grow = |low: &mut f64, high: &mut f64| {
        let span = (*high - *low).max(min_span);
        let middle = (*low + *high) / 2.0;
        *low = middle - span * 0.54;
        *high = middle + span * 0.54;
    };
    grow(&mut w, &mut e);
    grow(&mut s, &mut n);
    Some((w, s, e, n))
}

/// Web Mercator's vertical coordinate (in radians of longitude), so shapes keep their form.
fn mercator(lat: f64) -> f64 {
    let lat = lat.clamp(-85.0, 85.0).to_radians();
    (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln()
}

struct Projection {
    west: f64,
    top: f64,
    scale: f64,
    width: f64,
    height: f64,
}

impl Projection {
    fn new((west, south, east, north): Bbox) -> Self {
        let (top, bottom) = (mercator(north), mercator(south));
        let span_x = (east - west).to_radians().max(1e-9);
        let span_y = (top - bottom).max(1e-9);
        let scale = WIDTH / span_x;
        let height = (span_y * scale).clamp(MIN_HEIGHT, MAX_HEIGHT);
        // A frame taller than the picture shrinks to fit; a flatter one keeps its middle.
        let scale = scale.min(height / span_y);
        let width = span_x * scale;
        let top = top - (span_y - height / scale) / 2.0;
        let west = west - ((WIDTH - width) / scale / 2.0).to_degrees();
        Self {
            west,
            top,
            scale,
            width: WIDTH,
            height,
        }
    }

    fn point(&self, p: Position) -> (f64, f64) {
        (
            (p.lon - self.west).to_radians() * self.scale,
            (self.top - mercator(p.lat)) * self.scale,
        )
    }
}

fn path_of(projection: &Projection, rings: &[&Vec<Position>], close: bool) -> String {
    let mut d = String::new();
    for ring in rings {
        for (i, p) in ring.iter().enumerate() {
            let (x, y) = projection.point(*p);
            let _ = write!(d, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" });
        }
        if close {
            d.push('Z');
        }
    }
    d
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The SVG document: `title` is its accessible name; `frame` what it shows.
pub fn render(title: &str, frame: Bbox, layers: &[Layer<'_>]) -> String {
    let projection = Projection::new(frame);
    let (width, height) = (projection.width, projection.height);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-labelledby=\"t\">\
         <title id=\"t\">{}</title>\
         <rect width=\"100%\" height=\"100%\" fill=\"#fbfaf7\"/>",
        escape(title)
    );
    let mut labels = String::new();
    for layer in layers {
        let geometry = layer.geometry;
        let (fill, stroke, extra) = match layer.style {
            Style::District => ("#f0efe9", "#9a998f", ""),
            Style::Shaded(class) => (SHADES[class.min(SHADES.len() - 1)], "#5f5e57", ""),
            Style::Highlighted => ("#e3ecf7", "#0b5cad", " stroke-width=\"2\""),
            Style::Area => (
                "#0b5cad",
                "#0b5cad",
                " fill-opacity=\"0.06\" stroke-width=\"2.5\" stroke-dasharray=\"8 5\"",
            ),
            Style::Place => (
                "#c2410c",
                "#7c2d12",
                " fill-opacity=\"0.35\" stroke-width=\"3\"",
            ),
        };
        match geometry {
            Geometry::Point(p) => {
                let (x, y) = projection.point(*p);
                // A pin: a circle on a short stem, its tip at the point.
                let _ = write!(
                    svg,
                    "<path d=\"M{x:.1} {y:.1}l-7 -14a8 8 0 1 1 14 0z\" fill=\"#c2410c\" \
                     stroke=\"#ffffff\" stroke-width=\"1.5\"/>\
                     <circle cx=\"{x:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#ffffff\"/>",
                    y - 19.0
                );
            }
            Geometry::LineString(line) => {
                let d = path_of(&projection, &[line], false);
                let _ = write!(
                    svg,
                    "<path d=\"{d}\" fill=\"none\" stroke=\"#ffffff\" stroke-width=\"7\" \
                     stroke-linecap=\"round\" stroke-linejoin=\"round\"/>\
                     <path d=\"{d}\" fill=\"none\" stroke=\"{fill}\" stroke-width=\"4\" \
                     stroke-linecap=\"round\" stroke-linejoin=\"round\"/>"
                );
            }
            Geometry::Polygon(rings) => {
                let rings: Vec<&Vec<Position>> = rings.iter().collect();
                let d = path_of(&projection, &rings, true);
                let _ = write!(
                    svg,
                    "<path d=\"{d}\" fill=\"{fill}\" fill-rule=\"evenodd\" stroke=\"{stroke}\"{extra}/>"
                );
            }
            Geometry::MultiPolygon(polygons) => {
                let rings: Vec<&Vec<Position>> = polygons.iter().flatten().collect();
                let d = path_of(&projection, &rings, true);
                let _ = write!(
                    svg,
                    "<path d=\"{d}\" fill=\"{fill}\" fill-rule=\"evenodd\" stroke=\"{stroke}\"{extra}/>"
                );
            }
        }
        if let Some(label) = layer.label {
            let (x, y) = projection.point(geometry.anchor());
            let dark = matches!(layer.style, Style::Shaded(class) if class >= 3);
            let (ink, halo) = if dark {
                ("#ffffff", "#08306b")
            } else {
                ("#26251f", "#ffffff")
            };
            let _ = write!(
                labels,
                "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" font-family=\"sans-serif\" \
                 font-size=\"13\" fill=\"{ink}\" stroke=\"{halo}\" stroke-width=\"3\" \
                 paint-order=\"stroke\">{}</text>",
                escape(label)
            );
        }
    }
    svg.push_str(&labels);
    svg.push_str("</svg>");
    svg
}

/// The class of `value` among five, from 0 to `max` (equal steps, rounded up; 0 only for
/// none, the darkest always for the fullest).
pub fn class_of(value: i64, max: i64) -> usize {
    if value <= 0 || max <= 0 {
        return 0;
    }
    let steps = (SHADES.len() - 1) as i64;
    ((value.min(max) * steps + max - 1) / max).clamp(1, steps) as usize
}

/// The districts whose boxes meet `frame`, with their shapes.
async fn districts_in(
    db: &impl ConnectionTrait,
    frame: Bbox,
) -> Result<Vec<(district::Model, Geometry)>, AppError> {
    let rows = super::meeting(db, frame).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let geometry = Geometry::parse(&row.geometry).ok()?;
            Some((row, geometry))
        })
        .collect())
}

async fn area_of(
    db: &impl ConnectionTrait,
    procedure_id: i64,
) -> Result<Option<Geometry>, AppError> {
    Ok(procedure_area::Entity::find_by_id(procedure_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .and_then(|row| Geometry::parse(&row.geometry).ok()))
}

/// A published contribution's place among the districts (its own district stands out),
/// with the procedure's area. Not found for a contribution without a place, or one the
/// public does not see.
pub async fn place_map(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    t: &'static Texts,
) -> Result<String, AppError> {
    let row = proposal::Entity::find_by_id(proposal_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .filter(|row| row.visibility == Visibility::Visible)
        .ok_or(AppError::NotFound)?;
    let published = procedure::Entity::find_by_id(row.procedure_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .is_some_and(|p| p.status == ProcedureStatus::Published);
    if !published {
        return Err(AppError::NotFound);
    }
    let place = row
        .geometry
        .as_deref()
        .and_then(|g| Geometry::parse(g).ok());
    let own = match row.district_id {
        Some(id) => district::Entity::find_by_id(id)
            .one(db)
            .await
            .map_err(storage_error)?
            .and_then(|d| Some((Geometry::parse(&d.geometry).ok()?, d.name))),
        None => None,
    };
    let boxes: Vec<Bbox> = place
        .iter()
        .chain(own.iter().map(|(g, _)| g))
        .map(Geometry::bbox)
        .collect();
    let frame = frame(&boxes, 0.01).ok_or(AppError::NotFound)?;
    let area = area_of(db, row.procedure_id).await?;
    let around = districts_in(db, frame).await?;
    let mut layers: Vec<Layer<'_>> = around
        .iter()
        .filter(|(d, _)| Some(d.id) != row.district_id)
        .map(|(d, geometry)| Layer {
            geometry,
            style: Style::District,
            label: Some(&d.name),
        })
        .collect();
    if let Some((geometry, name)) = &own {
        layers.push(Layer {
            geometry,
            style: Style::Highlighted,
            label: place.is_none().then_some(name.as_str()),
        });
    }
    if let Some(area) = &area {
        layers.push(Layer {
            geometry: area,
            style: Style::Area,
            label: None,
        });
    }
    if let Some(place) = &place {
        layers.push(Layer {
            geometry: place,
            style: Style::Place,
            label: None,
        });
    }
    let title = match &own {
        Some((_, district)) => t.map_place_in.fmt(&[
            ("title", row.title.as_str().into()),
            ("district", district.as_str().into()),
        ]),
        None => t.map_place.fmt(&[("title", row.title.as_str().into())]),
    };
    Ok(render(&title, frame, &layers))
}

/// A procedure's area among the districts (the planners' page and the procedure's page).
pub async fn area_map(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    label: &str,
    t: &'static Texts,
) -> Result<String, AppError> {
    let area = area_of(db, procedure_id).await?.ok_or(AppError::NotFound)?;
    let frame = frame(&[area.bbox()], 0.01).ok_or(AppError::NotFound)?;
    let around = districts_in(db, frame).await?;
    let mut layers: Vec<Layer<'_>> = around
        .iter()
        .map(|(d, geometry)| Layer {
            geometry,
            style: Style::District,
            label: Some(&d.name),
        })
        .collect();
    layers.push(Layer {
        geometry: &area,
        style: Style::Area,
        label: None,
    });
    let title = t.map_area.fmt(&[("label", label.into())]);
    Ok(render(&title, frame, &layers))
}

/// The districts shaded by how many contributions each holds, labelled with the count
/// (the results page and the report; the table beside it has the same figures).
pub async fn choropleth(
    db: &impl ConnectionTrait,
    counts: &[DistrictCount],
    title: &str,
) -> Result<String, AppError> {
    let rows = district::Entity::find()
        .order_by_asc(district::Column::Key)
        .limit(super::MAX_DISTRICTS as u64)
        .all(db)
        .await
        .map_err(storage_error)?;
    let shapes: Vec<(Geometry, String, usize)> = {
        let max = counts.iter().map(|c| c.proposals).max().unwrap_or(0);
        rows.into_iter()
            .filter_map(|row| {
                let geometry = Geometry::parse(&row.geometry).ok()?;
                let count = counts
                    .iter()
                    .find(|c| c.key == row.key)
                    .map_or(0, |c| c.proposals);
                Some((
                    geometry,
                    format!("{} ({count})", row.name),
                    class_of(count, max),
                ))
            })
            .collect()
    };
    let boxes: Vec<Bbox> = shapes.iter().map(|(g, _, _)| g.bbox()).collect();
    let frame = frame(&boxes, 0.01).ok_or(AppError::NotFound)?;
    let layers: Vec<Layer<'_>> = shapes
        .iter()
        .map(|(geometry, label, class)| Layer {
            geometry,
            style: Style::Shaded(*class),
            label: Some(label),
        })
        .collect();
    Ok(render(title, frame, &layers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(w: f64, s: f64, size: f64) -> Geometry {
        let ring = [
            (w, s),
            (w + size, s),
            (w + size, s + size),
            (w, s + size),
            (w, s),
        ]
        .into_iter()
        .map(|(lon, lat)| Position { lon, lat })
        .collect();
        Geometry::Polygon(vec![ring])
    }

    #[test]
    fn a_map_draws_its_layers_inside_the_picture_and_escapes_names() {
        let district = square(9.1, 48.7, 0.1);
        let place = Geometry::Point(Position {
            lon: 9.15,
            lat: 48.75,
        });
        let frame = frame(&[district.bbox()], 0.01).unwrap();
        let svg = render(
            "Lage <Bank>",
            frame,
            &[
                Layer {
                    geometry: &district,
                    style: Style::Highlighted,
                    label: Some("Mitte & Ufer"),
                },
                Layer {
                    geometry: &place,
                    style: Style::Place,
                    label: None,
                },
            ],
        );
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\""));
        assert!(svg.contains("<title id=\"t\">Lage &lt;Bank&gt;</title>"));
        assert!(svg.contains(">Mitte &amp; Ufer</text>"));
        assert!(!svg.contains("style="), "no inline styles: the CSP holds");
        // The pin's tip is in the middle of the picture (the district is centred).
        let tip = svg.split("<path d=\"M").nth(2).unwrap();
        let numbers: Vec<f64> = tip
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|s| !s.is_empty())
            .take(2)
            .map(|s| s.parse().unwrap())
            .collect();
        assert!((numbers[0] - 320.0).abs() < 2.0, "{numbers:?}");
        assert!(numbers[1] > 100.0 && numbers[1] < 400.0, "{numbers:?}");
        // Longitude is across: a point further east is further right.
        let projection = Projection::new(frame);
        let (west, _) = projection.point(Position {
            lon: 9.11,
            lat: 48.75,
        });
        let (east, _) = projection.point(Position {
            lon: 9.19,
            lat: 48.75,
        });
        let (_, north) = projection.point(Position {
            lon: 9.15,
            lat: 48.79,
        });
        let (_, south) = projection.point(Position {
            lon: 9.15,
            lat: 48.71,
        });
        assert!(west < east && north < south);
    }

    #[test]
    fn counts_fall_into_five_classes() {
        assert_eq!(class_of(0, 40), 0);
        assert_eq!(class_of(1, 40), 1);
        assert_eq!(class_of(40, 40), 4);
        assert_eq!(class_of(20, 40), 2);
        assert_eq!(class_of(5, 0), 0);
        assert_eq!(class_of(1, 1), 4, "a single contribution is the fullest");
        assert_eq!(class_of(1, 2), 2);
        assert!((1..=40).all(|n| (1..=4).contains(&class_of(n, 40))));
    }
}
