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

/// A map tile under a sketch: which tile, and where it goes in the picture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TileSpot {
    pub z: u8,
    pub x: u32,
    pub y: u32,
    pub left: f64,
    pub top: f64,
    pub size: f64,
}

/// The tiles that cover `sketch`, at the first zoom level whose tiles are at least as
/// sharp as the picture (within `zooms`, lowest and highest).
pub fn tile_spots(sketch: &Sketch, (min_zoom, max_zoom): (u8, u8)) -> Vec<TileSpot> {
    use std::f64::consts::PI;
    let p = &sketch.projection;
    // Tile pixels per radian of longitude at zoom z: 256 * 2^z / 2π.
    let wanted = (p.scale * 2.0 * PI / 256.0).log2().ceil();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let z = (wanted.max(0.0) as u8).clamp(min_zoom, max_zoom.max(min_zoom));
    let per_radian = 256.0 * f64::from(1u32 << z.min(30)) / (2.0 * PI);
    let size = 256.0 / per_radian * p.scale;
    // The picture's corners in the tiles' world pixels.
    let world_x = |px: f64| ((px / p.scale) + (p.west + 180.0).to_radians()) * per_radian;
    let world_y = |py: f64| (PI - p.top + py / p.scale) * per_radian;
    let count = 1i64 << z.min(30);
    #[allow(clippy::cast_possible_truncation)]
    let range = |low: f64, high: f64| {
        let first = ((low / 256.0).floor() as i64).clamp(0, count - 1);
        let last = ((high / 256.0).floor() as i64).clamp(0, count - 1);
        first..=last
    };
    let mut spots = Vec::new();
    for ty in range(world_y(0.0), world_y(p.height)) {
        for tx in range(world_x(0.0), world_x(p.width)) {
            #[allow(clippy::cast_precision_loss)]
            let (left, top) = (
                (256.0 * tx as f64 / per_radian - (p.west + 180.0).to_radians()) * p.scale,
                (256.0 * ty as f64 / per_radian - PI + p.top) * p.scale,
            );
            if let (Ok(x), Ok(y)) = (u32::try_from(tx), u32::try_from(ty)) {
                spots.push(TileSpot {
                    z,
                    x,
                    y,
                    left,
                    top,
                    size,
                });
            }
        }
    }
    spots
}

/// What lies under a map drawn on tiles: the tiles' images and the line their licence asks
/// for.
pub struct Backdrop {
    pub tiles: Vec<(TileSpot, &'static str, Vec<u8>)>,
    pub attribution: String,
}

/// The tiles under `sketch` from the instance's tiles; None without tiles, or when none
/// could be had (the map keeps its plain background).
pub async fn backdrop(
    tiles: Option<&crate::backend::tiles::Tiles>,
    sketch: &Sketch,
) -> Result<Option<Backdrop>, AppError> {
    let Some(tiles) = tiles else {
        return Ok(None);
    };
    let mut images = Vec::new();
    // At most 5 x 4 tiles cover a picture; bounded anyway.
    for spot in tile_spots(sketch, tiles.zooms()).into_iter().take(40) {
        if let Some(tile) = tiles.tile(spot.z, spot.x, spot.y).await? {
            images.push((spot, tile.format.content_type(), tile.bytes));
        }
    }
    Ok((!images.is_empty()).then(|| Backdrop {
        tiles: images,
        attribution: tiles.attribution().to_owned(),
    }))
}

fn path_of(rings: &[Vec<(f64, f64)>], close: bool) -> String {
    let mut d = String::new();
    for ring in rings {
        for (i, (x, y)) in ring.iter().enumerate() {
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

/// Fill, outline and further attributes of a style, as SVG colours.
pub fn colours(style: Style) -> (&'static str, &'static str, &'static str) {
    match style {
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
    }
}

/// A label's ink is white on the darkest two shades of a choropleth.
pub fn dark(style: Style) -> bool {
    matches!(style, Style::Shaded(class) if class >= 3)
}

/// The SVG document: `title` is its accessible name; `frame` what it shows.
pub fn render(title: &str, frame: Bbox, layers: &[Layer<'_>]) -> String {
    svg_of(title, "t", &sketch(frame, layers))
}

/// [`render`] on tiles, when there are any.
pub async fn render_on_tiles(
    title: &str,
    frame: Bbox,
    layers: &[Layer<'_>],
    tiles: Option<&crate::backend::tiles::Tiles>,
) -> Result<String, AppError> {
    let sketch = sketch(frame, layers);
    let backdrop = backdrop(tiles, &sketch).await?;
    Ok(svg_on(title, "t", &sketch, backdrop.as_ref()))
}

/// A sketch as SVG, named by `title` (in a `<title>` with the given `id`, unique within
/// the page that embeds the picture).
pub fn svg_of(title: &str, id: &str, sketch: &Sketch) -> String {
    svg_on(title, id, sketch, None)
}

/// [`svg_of`] over the tiles of `backdrop`, embedded as `data:` addresses (a picture
/// loads nothing), with their attribution at the bottom right. On tiles, districts are
/// outlines with a light wash, so the streets show through.
fn svg_on(title: &str, id: &str, sketch: &Sketch, backdrop: Option<&Backdrop>) -> String {
    use base64::Engine as _;
    let (width, height) = (sketch.width, sketch.height);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-labelledby=\"{id}\">\
         <title id=\"{id}\">{}</title>\
         <rect width=\"100%\" height=\"100%\" fill=\"#fbfaf7\"/>",
        escape(title)
    );
    for (spot, content_type, bytes) in backdrop.iter().flat_map(|b| &b.tiles) {
        let _ = write!(
            svg,
            "<image href=\"data:{content_type};base64,{}\" x=\"{:.2}\" y=\"{:.2}\" \
             width=\"{:.2}\" height=\"{:.2}\" preserveAspectRatio=\"none\"/>",
            base64::engine::general_purpose::STANDARD.encode(bytes),
            spot.left,
            spot.top,
            spot.size + 0.3,
            spot.size + 0.3
        );
    }
    let mut labels = String::new();
    for item in &sketch.items {
        let (fill, stroke, extra) = colours(item.style);
        let extra = match (backdrop, item.style) {
            (Some(_), Style::District) => " fill-opacity=\"0.35\"",
            (Some(_), Style::Highlighted) => " fill-opacity=\"0.35\" stroke-width=\"2\"",
            _ => extra,
        };
        match &item.shape {
            Shape::Pin((x, y)) => {
                // A pin: a circle on a short stem, its tip at the point.
                let _ = write!(
                    svg,
                    "<path d=\"M{x:.1} {y:.1}l-7 -14a8 8 0 1 1 14 0z\" fill=\"#c2410c\" \
                     stroke=\"#ffffff\" stroke-width=\"1.5\"/>\
                     <circle cx=\"{x:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#ffffff\"/>",
                    y - 19.0
                );
            }
            Shape::Line(line) => {
                let d = path_of(std::slice::from_ref(line), false);
                let _ = write!(
                    svg,
                    "<path d=\"{d}\" fill=\"none\" stroke=\"#ffffff\" stroke-width=\"7\" \
                     stroke-linecap=\"round\" stroke-linejoin=\"round\"/>\
                     <path d=\"{d}\" fill=\"none\" stroke=\"{fill}\" stroke-width=\"4\" \
                     stroke-linecap=\"round\" stroke-linejoin=\"round\"/>"
                );
            }
            Shape::Area(rings) => {
                let d = path_of(rings, true);
                let _ = write!(
                    svg,
                    "<path d=\"{d}\" fill=\"{fill}\" fill-rule=\"evenodd\" stroke=\"{stroke}\"{extra}/>"
                );
            }
        }
        if let Some((label, (x, y))) = &item.label {
            let (ink, halo) = if dark(item.style) {
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
    if let Some(backdrop) = backdrop {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-family=\"sans-serif\" \
             font-size=\"11\" fill=\"#26251f\" stroke=\"#ffffff\" stroke-width=\"3\" \
             paint-order=\"stroke\">{}</text>",
            sketch.width - 6.0,
            sketch.height - 6.0,
            escape(&backdrop.attribution)
        );
    }
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
        .limit(super::MAX_DISTRICTS as u64)
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
