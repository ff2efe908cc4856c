//! Maps drawn on the server as SVG, for pages that must work without JavaScript and for
//! print: a contribution's place among the districts, a procedure's area, and districts
//! shaded by a count (a choropleth). The districts, the area and the place lie on the
//! instance's own tiles when it has them, else on a plain background; nothing is loaded
//! from another origin. Colours are presentation attributes, not a style
//! sheet, so the instance's content security policy (no inline styles) holds for the
//! image too. The pages carry the same facts as text; the picture adds, it never replaces.

use crate::backend::db::storage_error;
use crate::backend::entity::{district, procedure, procedure_area, proposal};
use crate::error::AppError;
use crate::i18n::Texts;
use crate::model::moderation::Visibility;
use crate::model::place::{Geometry, Position};
use crate::model::procedure::ProcedureStatus;
use sea_orm::{ConnectionTrait, EntityTrait};

mod choropleth;
mod svg;
mod tiles;

pub use choropleth::{Measure, choropleth, choropleth_sketch, class_of, class_range};
pub use svg::{colours, dark, render, render_on_tiles, svg_of};
pub use tiles::{Backdrop, TileSpot, backdrop, tile_spots};

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

/// A map projected into its picture (y grows downwards, as in SVG): what the SVG and
/// the PDF report draw, so both show the same shapes in the same places.
pub struct Sketch {
    pub width: f64,
    pub height: f64,
    /// Bottom to top.
    pub items: Vec<Item>,
    projection: Projection,
}

/// One layer of a [`Sketch`].
pub struct Item {
    pub style: Style,
    pub shape: Shape,
    /// A name and where to write it (the shape's anchor).
    pub label: Option<(String, (f64, f64))>,
}

/// A projected geometry.
pub enum Shape {
    /// A marker whose tip is at the point.
    Pin((f64, f64)),
    Line(Vec<(f64, f64)>),
    /// Closed rings, filled even-odd (holes stay empty).
    Area(Vec<Vec<(f64, f64)>>),
}

/// `layers` projected into the picture that shows `frame`.
pub fn sketch(frame: Bbox, layers: &[Layer<'_>]) -> Sketch {
    let projection = Projection::new(frame);
    let ring = |ring: &Vec<Position>| -> Vec<(f64, f64)> {
        ring.iter().map(|p| projection.point(*p)).collect()
    };
    let items = layers
        .iter()
        .map(|layer| Item {
            style: layer.style,
            shape: match layer.geometry {
                Geometry::Point(p) => Shape::Pin(projection.point(*p)),
                Geometry::LineString(line) => Shape::Line(ring(line)),
                Geometry::Polygon(rings) => Shape::Area(rings.iter().map(ring).collect()),
                Geometry::MultiPolygon(polygons) => {
                    Shape::Area(polygons.iter().flatten().map(ring).collect())
                }
            },
            label: layer
                .label
                .map(|label| (label.to_owned(), projection.point(layer.geometry.anchor()))),
        })
        .collect();
    Sketch {
        width: projection.width,
        height: projection.height,
        items,
        projection,
    }
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
    tiles: Option<&crate::backend::tiles::Tiles>,
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
    render_on_tiles(&title, frame, &layers, tiles).await
}

/// A procedure's area among the districts (the planners' page and the procedure's page).
pub async fn area_map(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    label: &str,
    t: &'static Texts,
    tiles: Option<&crate::backend::tiles::Tiles>,
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
    render_on_tiles(&title, frame, &layers, tiles).await
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
    fn the_tiles_under_a_sketch_hold_its_places() {
        let district = square(9.1, 48.7, 0.1);
        let place = Geometry::Point(Position {
            lon: 9.15,
            lat: 48.75,
        });
        let frame = frame(&[district.bbox()], 0.01).unwrap();
        let drawn = sketch(
            frame,
            &[Layer {
                geometry: &place,
                style: Style::Place,
                label: None,
            }],
        );
        let Shape::Pin((px, py)) = drawn.items[0].shape else {
            panic!("a pin");
        };
        let spots = tile_spots(&drawn, (0, 18));
        let z = spots[0].z;
        assert!(spots.len() <= 40 && spots.iter().all(|s| s.z == z));
        // The place's tile by the usual formula (x from the west, y from the north).
        let n = f64::from(1u32 << z);
        let x = ((9.15 + 180.0) / 360.0 * n).floor() as u32;
        let lat = 48.75f64.to_radians();
        let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n)
            .floor() as u32;
        let spot = spots.iter().find(|s| s.x == x && s.y == y).unwrap();
        assert!(
            spot.left <= px && px <= spot.left + spot.size,
            "{spot:?} {px}"
        );
        assert!(
            spot.top <= py && py <= spot.top + spot.size,
            "{spot:?} {py}"
        );
        // The tiles cover the whole picture, and are at least as sharp as it.
        assert!(spots.iter().any(|s| s.left <= 0.0 && s.top <= 0.0));
        assert!(
            spots
                .iter()
                .any(|s| { s.left + s.size >= drawn.width && s.top + s.size >= drawn.height })
        );
        assert!(spot.size > 128.0 && spot.size <= 256.0, "{}", spot.size);
        // Within the source's zooms.
        assert!(tile_spots(&drawn, (0, 10)).iter().all(|s| s.z == 10));
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

    #[test]
    fn a_legends_ranges_are_the_classes_figures() {
        for max in [1, 2, 3, 4, 5, 7, 40, 1001] {
            for value in 1..=max {
                let class = class_of(value, max);
                let (low, high) = class_range(class, max).unwrap();
                assert!(
                    low <= value && value <= high,
                    "{value} of {max}: {low}-{high}"
                );
            }
            // Every class with a range holds exactly the figures class_of puts there.
            for class in 1..SHADES.len() {
                if let Some((low, high)) = class_range(class, max) {
                    assert!((low..=high).all(|v| class_of(v, max) == class));
                }
            }
        }
        assert_eq!(class_range(0, 40), Some((0, 0)));
        assert_eq!(class_range(4, 40), Some((31, 40)));
        assert_eq!(
            class_range(1, 1),
            None,
            "one contribution is the fullest class"
        );
        assert_eq!(class_range(9, 40), None);
    }
}
