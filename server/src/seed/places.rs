//! Where some demo proposals are: points, a street and districts of the demo city, whose
//! districts (`districts.geojson`) are drawn for the demo.

use app::model::place::Precision;

/// Where some demo proposals are, by title: on the demo districts (`districts.geojson`).
enum DemoPlace {
    /// An address: longitude, latitude.
    Point(f64, f64),
    /// A street: its course.
    Street(&'static [(f64, f64)]),
    /// Only the district's key.
    District(&'static str),
}

const PLACES: &[(&str, DemoPlace)] = &[
    (
        "Geschützter Radweg auf der Ringstraße",
        DemoPlace::Street(&[(9.125, 48.79), (9.16, 48.792), (9.185, 48.79)]),
    ),
    (
        "Fahrradbügel am Marktplatz verdoppeln",
        DemoPlace::Point(9.1751, 48.7962),
    ),
    (
        "Grüner Pfeil für Radfahrende an der Schillerstraße",
        DemoPlace::Point(9.2204, 48.8013),
    ),
    (
        "Sichere Querung am Südbahnhof",
        DemoPlace::Point(9.1702, 48.7551),
    ),
    (
        "Fahrradstraße durch die Altstadt",
        DemoPlace::District("01"),
    ),
    (
        "Trinkbrunnen und Wasserspiel für Kinder",
        DemoPlace::Point(9.1748, 48.7957),
    ),
    ("Wasserspielplatz am Nordpark", DemoPlace::District("02")),
    (
        "Beleuchtung bis Mitternacht",
        DemoPlace::Point(9.1302, 48.8104),
    ),
];

/// The place fields of a demo proposal's input.
pub(super) fn place_of(title: &str) -> (Option<String>, Option<String>, Option<Precision>) {
    let position = |(lon, lat): (f64, f64)| serde_json::json!([lon, lat]);
    match PLACES.iter().find(|(t, _)| *t == title).map(|(_, p)| p) {
        Some(DemoPlace::Point(lon, lat)) => (
            None,
            Some(
                serde_json::json!({"type": "Point", "coordinates": position((*lon, *lat))})
                    .to_string(),
            ),
            Some(Precision::Exact),
        ),
        Some(DemoPlace::Street(course)) => (
            None,
            Some(
                serde_json::json!({
                    "type": "LineString",
                    "coordinates": course.iter().map(|p| position(*p)).collect::<Vec<_>>(),
                })
                .to_string(),
            ),
            Some(Precision::Street),
        ),
        Some(DemoPlace::District(key)) => (Some((*key).to_owned()), None, None),
        None => (None, None, None),
    }
}
