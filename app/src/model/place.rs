//! Places: where a contribution is, and the districts of the city. Geometries are GeoJSON
//! (RFC 7946): WGS84 positions, **longitude first**. This is the one module that turns
//! coordinates into GeoJSON and back, so the axis order is decided here and nowhere else
//! (peers have swapped latitude and longitude between geocoders); everything else handles
//! [`Position`]s with named fields. Stored as GeoJSON text, so it works on SQLite and
//! PostgreSQL alike, without PostGIS.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The name the district import form's errors travel under (as a server function's
/// would).
pub const DISTRICT_FORM: &str = "districts_import";

string_enum! {
    /// How exactly a location is given: the point itself, the street it is on, or only the
    /// district (then it has no geometry of its own).
    pub enum Precision {
        Exact = "exact",
        Street = "street",
        District = "district",
    }
}

impl Precision {
    /// A form's precision field: empty is none, an unknown word a field problem.
    pub fn from_form(value: Option<&str>) -> Result<Option<Self>, crate::error::AppError> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(word) => Self::parse(word)
                .map(Some)
                .ok_or_else(|| crate::error::AppError::invalid("precision", "unknown")),
        }
    }
}

/// A district, as pages and resources name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct DistrictRef {
    pub id: i64,
    /// The official key (a district number, say); what filters and exports use.
    pub key: String,
    pub name: String,
}

/// A district on the planners' page: how many contributions it holds, and where its
/// boundary comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct DistrictSummary {
    pub district: DistrictRef,
    /// Contributions placed in it (any procedure, any state).
    pub contributions: u64,
    /// The source and licence of the boundaries.
    pub source: String,
}

/// The planners' page of places: the districts and the address list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacesOverview {
    pub districts: Vec<DistrictSummary>,
    pub addresses: crate::model::address::AddressList,
}

/// What an import of districts did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ImportSummary {
    pub created: u32,
    pub updated: u32,
    pub removed: u32,
    /// Contributions whose district changed.
    pub reassigned: u32,
}

/// One position: longitude and latitude in degrees (WGS84).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    pub lon: f64,
    pub lat: f64,
}

/// The geometries a place or a district may have.
#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    Point(Position),
    LineString(Vec<Position>),
    /// The outer ring, then its holes; every ring closed.
    Polygon(Vec<Vec<Position>>),
    MultiPolygon(Vec<Vec<Vec<Position>>>),
}

/// Why a GeoJSON value is not a geometry this platform takes: a stable code, as the field
/// problems use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoProblem {
    /// Not an object with a known `type` and `coordinates`.
    Shape,
    /// A position that is not two (or three) finite numbers.
    Position,
    /// Longitude outside ±180° or latitude outside ±90°.
    OutOfRange,
    /// A line of fewer than two positions, a ring of fewer than four.
    TooFewPositions,
    /// A ring whose last position is not its first.
    RingNotClosed,
    /// More positions than [`MAX_POSITIONS`].
    TooManyPositions,
    /// A geometry of a kind this use does not take (a point as a district, say).
    Kind,
}

impl GeoProblem {
    pub fn code(self) -> &'static str {
        match self {
            Self::Shape => "geometry_shape",
            Self::Position => "geometry_position",
            Self::OutOfRange => "geometry_out_of_range",
            Self::TooFewPositions => "geometry_too_few_positions",
            Self::RingNotClosed => "geometry_ring_not_closed",
            Self::TooManyPositions => "geometry_too_many_positions",
            Self::Kind => "geometry_kind",
        }
    }
}

/// The most positions one geometry may have (a detailed district boundary has a few
/// thousand).
pub const MAX_POSITIONS: usize = 100_000;

impl Position {
    /// Reads `[longitude, latitude]` (a third number, the altitude, is allowed and dropped).
    fn from_geojson(value: &Value) -> Result<Self, GeoProblem> {
        let numbers = value.as_array().ok_or(GeoProblem::Position)?;
        if !(2..=3).contains(&numbers.len()) {
            return Err(GeoProblem::Position);
        }
        let number = |i: usize| {
            numbers[i]
                .as_f64()
                .filter(|n| n.is_finite())
                .ok_or(GeoProblem::Position)
        };
        let (lon, lat) = (number(0)?, number(1)?);
        if numbers.len() == 3 {
            number(2)?;
        }
        Self::new(lon, lat)
    }

    /// A position, if both degrees are in range.
    pub fn new(lon: f64, lat: f64) -> Result<Self, GeoProblem> {
        if !lon.is_finite() || !lat.is_finite() {
            return Err(GeoProblem::Position);
        }
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(GeoProblem::OutOfRange);
        }
        Ok(Self { lon, lat })
    }

    fn to_geojson(self) -> Value {
        // Seven decimals are about a centimetre: more is noise from a device.
        let round = |n: f64| (n * 1e7).round() / 1e7;
        json!([round(self.lon), round(self.lat)])
    }
}

fn positions(value: &Value, count: &mut usize) -> Result<Vec<Position>, GeoProblem> {
    let items = value.as_array().ok_or(GeoProblem::Shape)?;
    *count += items.len();
    if *count > MAX_POSITIONS {
        return Err(GeoProblem::TooManyPositions);
    }
    items.iter().map(Position::from_geojson).collect()
}

fn rings(value: &Value, count: &mut usize) -> Result<Vec<Vec<Position>>, GeoProblem> {
    let items = value.as_array().ok_or(GeoProblem::Shape)?;
    if items.is_empty() {
        return Err(GeoProblem::TooFewPositions);
    }
    items
        .iter()
        .map(|ring| {
            let ring = positions(ring, count)?;
            if ring.len() < 4 {
                return Err(GeoProblem::TooFewPositions);
            }
            if ring.first() != ring.last() {
                return Err(GeoProblem::RingNotClosed);
            }
            Ok(ring)
        })
        .collect()
}

impl Geometry {
    /// Reads a GeoJSON geometry object.
    pub fn from_geojson(value: &Value) -> Result<Self, GeoProblem> {
        let kind = value.get("type").and_then(Value::as_str);
        let coordinates = value.get("coordinates").ok_or(GeoProblem::Shape)?;
        let mut count = 0;
        match kind {
            Some("Point") => Ok(Self::Point(Position::from_geojson(coordinates)?)),
            Some("LineString") => {
                let line = positions(coordinates, &mut count)?;
                if line.len() < 2 {
                    return Err(GeoProblem::TooFewPositions);
                }
                Ok(Self::LineString(line))
            }
            Some("Polygon") => Ok(Self::Polygon(rings(coordinates, &mut count)?)),
            Some("MultiPolygon") => {
                let polygons = coordinates.as_array().ok_or(GeoProblem::Shape)?;
                if polygons.is_empty() {
                    return Err(GeoProblem::TooFewPositions);
                }
                let polygons = polygons
                    .iter()
                    .map(|polygon| rings(polygon, &mut count))
                    .collect::<Result<_, _>>()?;
                Ok(Self::MultiPolygon(polygons))
            }
            _ => Err(GeoProblem::Shape),
        }
    }

    /// Reads a geometry from GeoJSON text.
    pub fn parse(text: &str) -> Result<Self, GeoProblem> {
        let value: Value = serde_json::from_str(text).map_err(|_| GeoProblem::Shape)?;
        Self::from_geojson(&value)
    }

    /// The GeoJSON geometry object.
    pub fn to_geojson(&self) -> Value {
        let ring = |ring: &[Position]| Value::Array(ring.iter().map(|p| p.to_geojson()).collect());
        let polygon =
            |rings: &[Vec<Position>]| Value::Array(rings.iter().map(|r| ring(r)).collect());
        match self {
            Self::Point(p) => json!({"type": "Point", "coordinates": p.to_geojson()}),
            Self::LineString(line) => json!({"type": "LineString", "coordinates": ring(line)}),
            Self::Polygon(rings) => json!({"type": "Polygon", "coordinates": polygon(rings)}),
            Self::MultiPolygon(polygons) => json!({
                "type": "MultiPolygon",
                "coordinates": Value::Array(polygons.iter().map(|p| polygon(p)).collect()),
            }),
        }
    }

    /// The GeoJSON text, as stored.
    pub fn to_text(&self) -> String {
        self.to_geojson().to_string()
    }

    fn all_positions(&self) -> Box<dyn Iterator<Item = &Position> + '_> {
        match self {
            Self::Point(p) => Box::new(std::iter::once(p)),
            Self::LineString(line) => Box::new(line.iter()),
            Self::Polygon(rings) => Box::new(rings.iter().flatten()),
            Self::MultiPolygon(polygons) => Box::new(polygons.iter().flatten().flatten()),
        }
    }

    /// The bounding box: (west, south, east, north).
    pub fn bbox(&self) -> (f64, f64, f64, f64) {
        self.all_positions().fold(
            (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
            |(w, s, e, n), p| (w.min(p.lon), s.min(p.lat), e.max(p.lon), n.max(p.lat)),
        )
    }

    /// Whether it is an area (what a district or a procedure's area must be).
    pub fn is_area(&self) -> bool {
        matches!(self, Self::Polygon(_) | Self::MultiPolygon(_))
    }

    /// Whether an area holds the position; a position on its boundary counts as inside
    /// (a point on the edge of two districts belongs to both; the caller picks one). Lines
    /// and points hold nothing.
    pub fn contains(&self, p: Position) -> bool {
        match self {
            Self::Polygon(rings) => polygon_contains(rings, p),
            Self::MultiPolygon(polygons) => polygons.iter().any(|rings| polygon_contains(rings, p)),
            Self::Point(_) | Self::LineString(_) => false,
        }
    }

    /// The position a marker stands for it: the point itself, a line's middle vertex, an
    /// area's vertex average when inside it (else its first vertex).
    pub fn anchor(&self) -> Position {
        match self {
            Self::Point(p) => *p,
            Self::LineString(line) => line[line.len() / 2],
            Self::Polygon(rings) => area_anchor(self, &rings[0]),
            Self::MultiPolygon(polygons) => area_anchor(self, &polygons[0][0]),
        }
    }

    /// The same shape with every position rounded to a thousandth of a degree (about
    /// 100 m north–south, 70 m east–west here): what "street" precision publishes.
    pub fn coarsened(&self) -> Geometry {
        let round = |p: &Position| Position {
            lon: (p.lon * 1e3).round() / 1e3,
            lat: (p.lat * 1e3).round() / 1e3,
        };
        let ring = |ring: &Vec<Position>| ring.iter().map(round).collect::<Vec<_>>();
        match self {
            Self::Point(p) => Self::Point(round(p)),
            Self::LineString(line) => Self::LineString(ring(line)),
            Self::Polygon(rings) => Self::Polygon(rings.iter().map(ring).collect()),
            Self::MultiPolygon(polygons) => Self::MultiPolygon(
                polygons
                    .iter()
                    .map(|rings| rings.iter().map(ring).collect())
                    .collect(),
            ),
        }
    }

    /// How many positions it has (a closed ring counts its first position twice).
    pub fn position_count(&self) -> usize {
        self.all_positions().count()
    }

    /// Whether every position lies in `area` (its boundary counts as inside): what a
    /// procedure's area asks of a contribution.
    pub fn within(&self, area: &Geometry) -> bool {
        self.all_positions().all(|p| area.contains(*p))
    }

    /// Whether two areas share ground, not merely a boundary: their boxes meet and a
    /// vertex or the anchor of one lies strictly inside the other. (Two areas crossing like
    /// a plus sign, with no vertex inside the other, are missed; city districts and the
    /// areas made of them do not lie so.)
    pub fn overlaps(&self, other: &Geometry) -> bool {
        let ((w1, s1, e1, n1), (w2, s2, e2, n2)) = (self.bbox(), other.bbox());
        if w1 > e2 || w2 > e1 || s1 > n2 || s2 > n1 {
            return false;
        }
        let inside = |a: &Geometry, b: &Geometry| {
            std::iter::once(a.anchor())
                .chain(a.all_positions().copied())
                .any(|p| b.contains(p) && !b.on_boundary(p))
        };
        self.is_area() && other.is_area() && (inside(self, other) || inside(other, self))
    }

    fn on_boundary(&self, p: Position) -> bool {
        let rings: Vec<&Vec<Position>> = match self {
            Self::Polygon(rings) => rings.iter().collect(),
            Self::MultiPolygon(polygons) => polygons.iter().flatten().collect(),
            Self::Point(_) | Self::LineString(_) => return false,
        };
        rings
            .iter()
            .any(|ring| ring.windows(2).any(|edge| on_segment(edge[0], edge[1], p)))
    }

    /// Areas as one MultiPolygon: the rings stay as they are (no union is computed), and a
    /// position lies in it when it lies in any of them. `None` for no areas; lines and
    /// points are left out.
    pub fn merged(areas: &[Geometry]) -> Option<Geometry> {
        let polygons: Vec<Vec<Vec<Position>>> = areas
            .iter()
            .flat_map(|area| match area {
                Self::Polygon(rings) => vec![rings.clone()],
                Self::MultiPolygon(polygons) => polygons.clone(),
                Self::Point(_) | Self::LineString(_) => Vec::new(),
            })
            .collect();
        match polygons.len() {
            0 => None,
            1 => polygons.into_iter().next().map(Self::Polygon),
            _ => Some(Self::MultiPolygon(polygons)),
        }
    }
}

fn area_anchor(area: &Geometry, outer: &[Position]) -> Position {
    // The ring is closed: leave out the repeated last vertex.
    let vertices = &outer[..outer.len() - 1];
    let n = vertices.len() as f64;
    let average = Position {
        lon: vertices.iter().map(|p| p.lon).sum::<f64>() / n,
        lat: vertices.iter().map(|p| p.lat).sum::<f64>() / n,
    };
    if area.contains(average) {
        average
    } else {
        outer[0]
    }
}

/// Even-odd ray casting over every ring (holes included, so a point in a hole is outside),
/// with the boundary (of the outer ring or of a hole) counting as inside.
fn polygon_contains(rings: &[Vec<Position>], p: Position) -> bool {
    let mut inside = false;
    for ring in rings {
        for edge in ring.windows(2) {
            let (a, b) = (edge[0], edge[1]);
            if on_segment(a, b, p) {
                return true;
            }
            if (a.lat > p.lat) != (b.lat > p.lat) {
                let crossing = a.lon + (p.lat - a.lat) / (b.lat - a.lat) * (b.lon - a.lon);
                if p.lon < crossing {
                    inside = !inside;
                }
            }
        }
    }
    inside
}

fn on_segment(a: Position, b: Position, p: Position) -> bool {
    // About a millimetre, in degrees: coordinates from files are rounded.
    const EPSILON: f64 = 1e-8;
    let cross = (b.lon - a.lon) * (p.lat - a.lat) - (b.lat - a.lat) * (p.lon - a.lon);
    cross.abs() <= EPSILON
        && p.lon >= a.lon.min(b.lon) - EPSILON
        && p.lon <= a.lon.max(b.lon) + EPSILON
        && p.lat >= a.lat.min(b.lat) - EPSILON
        && p.lat <= a.lat.max(b.lat) + EPSILON
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(w: f64, s: f64, e: f64, n: f64) -> Vec<Position> {
        [(w, s), (e, s), (e, n), (w, n), (w, s)]
            .into_iter()
            .map(|(lon, lat)| Position { lon, lat })
            .collect()
    }

    #[test]
    fn areas_hold_contributions_and_overlap_districts() {
        let west = Geometry::Polygon(vec![square(0.0, 0.0, 1.0, 1.0)]);
        let east = Geometry::Polygon(vec![square(1.0, 0.0, 2.0, 1.0)]);
        let far = Geometry::Polygon(vec![square(5.0, 5.0, 6.0, 6.0)]);
        let area = Geometry::merged(&[west.clone(), east.clone()]).unwrap();
        assert!(matches!(area, Geometry::MultiPolygon(ref p) if p.len() == 2));
        assert_eq!(Geometry::merged(&[]), None);
        assert_eq!(
            Geometry::merged(std::slice::from_ref(&west)),
            Some(west.clone())
        );
        let point = |lon, lat| Geometry::Point(Position { lon, lat });
        assert!(point(1.5, 0.5).within(&area));
        assert!(point(2.0, 0.5).within(&area), "the boundary is inside");
        assert!(!point(2.5, 0.5).within(&area));
        let line = Geometry::LineString(vec![
            Position { lon: 0.5, lat: 0.5 },
            Position { lon: 3.0, lat: 0.5 },
        ]);
        assert!(!line.within(&area), "a line leaving the area is outside");
        // Sharing only an edge is no overlap; the same ground, or a part of it, is.
        assert!(!west.overlaps(&east));
        assert!(west.overlaps(&area));
        assert!(area.overlaps(&east));
        assert!(!far.overlaps(&area));
        let middle = Geometry::Polygon(vec![square(0.5, 0.2, 1.5, 0.8)]);
        assert!(middle.overlaps(&west) && middle.overlaps(&east));
        assert!(!point(0.5, 0.5).overlaps(&west), "only areas overlap");
        assert_eq!(west.position_count(), 5);
    }

    #[test]
    fn geojson_is_longitude_first_both_ways() {
        // Stuttgart's market square: 9.18° east, 48.78° north.
        let point = Geometry::parse(r#"{"type":"Point","coordinates":[9.1775,48.7758]}"#);
        assert_eq!(
            point,
            Ok(Geometry::Point(Position {
                lon: 9.1775,
                lat: 48.7758
            }))
        );
        let written = Geometry::Point(Position {
            lon: 9.1775,
            lat: 48.7758,
        })
        .to_geojson();
        assert_eq!(written["coordinates"], json!([9.1775, 48.7758]));
        // Latitude has the narrower range: a swapped pair from the far east is refused.
        assert_eq!(
            Geometry::parse(r#"{"type":"Point","coordinates":[48.7,170.2]}"#),
            Err(GeoProblem::OutOfRange)
        );
        assert_eq!(Position::new(170.2, 48.7).map(|p| p.lat), Ok(48.7));
    }

    #[test]
    fn malformed_geometries_are_refused_by_name() {
        let cases = [
            (r#"{"type":"Point"}"#, GeoProblem::Shape),
            (
                r#"{"type":"Circle","coordinates":[1,2]}"#,
                GeoProblem::Shape,
            ),
            (
                r#"{"type":"Point","coordinates":[1]}"#,
                GeoProblem::Position,
            ),
            (
                r#"{"type":"Point","coordinates":["1","2"]}"#,
                GeoProblem::Position,
            ),
            (
                r#"{"type":"Point","coordinates":[181,2]}"#,
                GeoProblem::OutOfRange,
            ),
            (
                r#"{"type":"LineString","coordinates":[[1,2]]}"#,
                GeoProblem::TooFewPositions,
            ),
            (
                r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#,
                GeoProblem::RingNotClosed,
            ),
            (
                r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}"#,
                GeoProblem::TooFewPositions,
            ),
            (
                r#"{"type":"MultiPolygon","coordinates":[]}"#,
                GeoProblem::TooFewPositions,
            ),
            ("not json", GeoProblem::Shape),
        ];
        for (text, problem) in cases {
            assert_eq!(Geometry::parse(text), Err(problem), "{text}");
        }
        let many: Vec<Value> = (0..=MAX_POSITIONS).map(|_| json!([1.0, 2.0])).collect();
        let line = json!({"type": "LineString", "coordinates": many});
        assert_eq!(
            Geometry::from_geojson(&line),
            Err(GeoProblem::TooManyPositions)
        );
    }

    #[test]
    fn a_polygon_holds_its_inside_and_its_edge_but_not_its_hole() {
        let outer = square(0.0, 0.0, 10.0, 10.0);
        let hole = square(4.0, 4.0, 6.0, 6.0);
        let area = Geometry::Polygon(vec![outer, hole]);
        let at = |lon, lat| area.contains(Position { lon, lat });
        assert!(at(1.0, 1.0));
        assert!(!at(5.0, 5.0), "in the hole");
        assert!(at(4.0, 5.0), "on the hole's edge");
        assert!(at(0.0, 5.0), "on the outer edge");
        assert!(at(10.0, 10.0), "on a corner");
        assert!(!at(10.5, 5.0));
        assert!(!at(-0.1, 5.0));
        // The ray through a vertex counts one crossing, not two.
        let diamond = Geometry::Polygon(vec![
            [(5.0, 0.0), (10.0, 5.0), (5.0, 10.0), (0.0, 5.0), (5.0, 0.0)]
                .into_iter()
                .map(|(lon, lat)| Position { lon, lat })
                .collect(),
        ]);
        assert!(diamond.contains(Position { lon: 2.0, lat: 5.0 }));
        assert!(!diamond.contains(Position {
            lon: -2.0,
            lat: 5.0
        }));
    }

    #[test]
    fn two_districts_share_their_edge_and_a_multipolygon_holds_each_part() {
        let west = Geometry::Polygon(vec![square(0.0, 0.0, 1.0, 1.0)]);
        let east = Geometry::Polygon(vec![square(1.0, 0.0, 2.0, 1.0)]);
        let on_edge = Position { lon: 1.0, lat: 0.5 };
        assert!(west.contains(on_edge) && east.contains(on_edge));
        let islands = Geometry::MultiPolygon(vec![
            vec![square(0.0, 0.0, 1.0, 1.0)],
            vec![square(5.0, 5.0, 6.0, 6.0)],
        ]);
        assert!(islands.contains(Position { lon: 5.5, lat: 5.5 }));
        assert!(!islands.contains(Position { lon: 3.0, lat: 3.0 }));
        assert_eq!(islands.bbox(), (0.0, 0.0, 6.0, 6.0));
        assert_eq!(islands.anchor(), Position { lon: 0.5, lat: 0.5 });
    }

    #[test]
    fn geometries_survive_the_round_trip() {
        let texts = [
            r#"{"type":"Point","coordinates":[9.1775,48.7758]}"#,
            r#"{"type":"LineString","coordinates":[[9.1,48.7],[9.2,48.8]]}"#,
            r#"{"type":"Polygon","coordinates":[[[0.0,0.0],[1.0,0.0],[1.0,1.0],[0.0,0.0]]]}"#,
        ];
        for text in texts {
            let geometry = Geometry::parse(text).expect("valid");
            assert_eq!(Geometry::parse(&geometry.to_text()), Ok(geometry));
        }
    }
}
