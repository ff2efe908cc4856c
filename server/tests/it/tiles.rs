//! Map tiles served by the instance (`MITREDEN_TILES`): from an MBTiles file, or fetched
//! from an upstream (a fixture server on a loopback port) and kept in the data directory;
//! the server-drawn maps lie on them with their attribution, and nothing reaches the
//! browser from another origin.

use crate::fixtures::{body, open_procedure, png, set_visibility};
use crate::harness::{TestApp, test_config};
use crate::places::{SLUG, city, import, point, propose_at};
use app::model::account::Role;
use http::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The XYZ tile holding (lon, lat) at zoom `z` (y counted from the north).
fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor();
    let lat = lat.to_radians();
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor();
    (x as u32, y as u32)
}

/// A tile that says where it belongs: a PNG `x` pixels wide and `y` high.
fn marked_tile(x: u32, y: u32) -> Vec<u8> {
    png(x, y, 2, &[])
}

/// An MBTiles file with the tiles of zooms 12 to 14 around the test city (rows numbered from the
/// south, as MBTiles does), its format and, if given, its attribution.
async fn mbtiles(dir: &Path, format: &str, attribution: Option<&str>) -> PathBuf {
    let path = dir.join("stadt.mbtiles");
    let db = Database::connect(format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    db.execute_unprepared(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);",
    )
    .await
    .unwrap();
    let mut metadata = vec![("format", format.to_owned()), ("maxzoom", "16".to_owned())];
    if let Some(attribution) = attribution {
        metadata.push(("attribution", attribution.to_owned()));
    }
    for (name, value) in metadata {
        db.execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Sqlite,
            "INSERT INTO metadata (name, value) VALUES (?, ?)",
            [name.into(), value.into()],
        ))
        .await
        .unwrap();
    }
    for z in 12..=14u8 {
        let (west, north) = tile_of(9.05, 48.85, z);
        let (east, south) = tile_of(9.3, 48.65, z);
        for x in west..=east {
            for y in north..=south {
                let row = (1u32 << z) - 1 - y;
                db.execute_raw(sea_orm::Statement::from_sql_and_values(
                    sea_orm::DbBackend::Sqlite,
                    "INSERT INTO tiles VALUES (?, ?, ?, ?)",
                    [z.into(), x.into(), row.into(), marked_tile(x, y).into()],
                ))
                .await
                .unwrap();
            }
        }
    }
    db.close().await.unwrap();
    path
}

/// A published proposal at (9.15, 48.75) in the test city's Mitte.
async fn placed_proposal(app: &TestApp) -> i64 {
    open_procedure(app, SLUG).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    import(app, &planner, &city(), "").await;
    let anna = app.resident("anna@example.org").await;
    let created = body(
        &propose_at(
            app,
            &anna,
            "Bank am Platz",
            serde_json::json!({"geometry": point(9.15, 48.75)}),
        )
        .await,
    );
    let id = created["id"].as_i64().unwrap();
    set_visibility(app, id, "visible").await;
    id
}

#[tokio::test]
async fn tiles_from_a_file_are_served_and_lie_under_the_drawn_maps() {
    let dir = tempfile::tempdir().unwrap();
    let file = mbtiles(
        dir.path(),
        "png",
        Some("<a href=\"https://example.org\">&copy; Vermessungsamt</a>"),
    )
    .await;
    let app = TestApp::with_config(&[
        ("MITREDEN_RATE_LIMIT", "0"),
        ("MITREDEN_TILES", file.to_str().unwrap()),
    ])
    .await;

    // The tile of a place: x across (longitude), y down from the north.
    let (x, y) = tile_of(9.15, 48.75, 14);
    let (status, bytes) = app
        .send_raw_get(&format!("/karten/kacheln/14/{x}/{y}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        bytes,
        marked_tile(x, y),
        "the tile of that place, not its mirror"
    );
    let response = app.get(&format!("/karten/kacheln/14/{x}/{y}")).await;
    assert_eq!(response.header("content-type"), "image/png");
    assert!(response.header("cache-control").starts_with("public"));
    // None there, outside the world, not numbers: not found.
    for path in [
        "/karten/kacheln/14/0/0".to_owned(),
        format!("/karten/kacheln/3/{x}/{y}"),
        "/karten/kacheln/23/0/0".to_owned(),
        "/karten/kacheln/14/x/1".to_owned(),
        format!("/karten/kacheln/14/{x}/{y}.png"),
    ] {
        assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }

    // The browser's map learns where the tiles are, their zooms and their attribution
    // (as text) from TileJSON; an instance without tiles lists none.
    let tilejson = app.get("/karten/kacheln.json").await;
    assert_eq!(tilejson.status, StatusCode::OK);
    let described: serde_json::Value = serde_json::from_str(&tilejson.body).unwrap();
    assert_eq!(described["tiles"][0], "/karten/kacheln/{z}/{x}/{y}");
    assert_eq!(described["attribution"], "© Vermessungsamt");
    assert_eq!(described["maxzoom"], 16);
    let bare = TestApp::new().await;
    let none = bare.get("/karten/kacheln.json").await;
    assert_eq!(none.status, StatusCode::OK);
    let none: serde_json::Value = serde_json::from_str(&none.body).unwrap();
    assert_eq!(none["tiles"], serde_json::json!([]));

    // A proposal's map lies on the tiles, embedded, with the file's attribution as text.
    let id = placed_proposal(&app).await;
    let map = app.get(&format!("/karten/vorschlaege/{id}")).await;
    assert_eq!(map.status, StatusCode::OK);
    let images = map
        .body
        .matches("<image href=\"data:image/png;base64,")
        .count();
    assert!((4..=40).contains(&images), "{images} tiles under the map");
    assert!(
        map.body.contains(">© Vermessungsamt</text>"),
        "{}",
        map.body
    );
    assert!(!map.body.contains("href=\"http"), "nothing from elsewhere");
    assert!(
        map.header("content-security-policy")
            .contains("img-src data:"),
        "the embedded tiles show when the picture is opened on its own"
    );
}

#[tokio::test]
async fn a_tile_file_that_cannot_be_used_stops_the_start_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let start = |tiles: String, attribution: Option<&'static str>| {
        let data = tempfile::tempdir().unwrap();
        async move {
            let database = server::config::sqlite_url(&data.path().join("test.db"));
            let mut vars = vec![
                (
                    "MITREDEN_DATA_DIR",
                    data.path().to_str().unwrap().to_owned(),
                ),
                ("DATABASE_URL", database),
                ("MITREDEN_TILES", tiles),
            ];
            if let Some(attribution) = attribution {
                vars.push(("MITREDEN_TILES_ATTRIBUTION", attribution.to_owned()));
            }
            let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
            match server::build_app(&test_config(&vars)).await {
                Ok(_) => String::new(),
                Err(error) => format!("{error:#}"),
            }
        }
    };
    let vector = mbtiles(dir.path(), "pbf", Some("© Amt")).await;
    let refused = start(vector.display().to_string(), None).await;
    assert!(
        refused.contains("MITREDEN_TILES") && refused.contains("raster"),
        "{refused}"
    );
    std::fs::remove_file(&vector).unwrap();

    let unattributed = mbtiles(dir.path(), "png", None).await;
    let refused = start(unattributed.display().to_string(), None).await;
    assert!(refused.contains("MITREDEN_TILES_ATTRIBUTION"), "{refused}");
    assert_eq!(
        start(unattributed.display().to_string(), Some("© Amt")).await,
        "",
        "an attribution in the configuration will do"
    );
    let refused = start("/nirgends/stadt.mbtiles".to_owned(), None).await;
    assert!(refused.contains("no such file"), "{refused}");
    let refused = start("https://tiles.example/{z}/{x}/{y}.png".to_owned(), None).await;
    assert!(refused.contains("MITREDEN_TILES_ATTRIBUTION"), "{refused}");
}

#[tokio::test]
async fn upstream_tiles_are_fetched_once_and_kept_and_only_images_pass() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let upstream = axum::Router::new().route(
        "/{kind}/{z}/{x}/{y}",
        axum::routing::get(
            move |axum::extract::Path((kind, _z, x, y)): axum::extract::Path<(
                String,
                u8,
                u32,
                String,
            )>| {
                let counted = counted.clone();
                async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    let y: u32 = y.trim_end_matches(".png").parse().unwrap_or(0);
                    if kind == "karte" {
                        marked_tile(x, y)
                    } else {
                        b"<html><script>alert(1)</script></html>".to_vec()
                    }
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, upstream).await.unwrap() });

    let template = format!("http://127.0.0.1:{port}/karte/{{z}}/{{x}}/{{y}}.png");
    let app = TestApp::with_config(&[
        ("MITREDEN_RATE_LIMIT", "0"),
        ("MITREDEN_TILES", template.as_str()),
        ("MITREDEN_TILES_ATTRIBUTION", "© Testamt, dl-de/by-2-0"),
    ])
    .await;
    let (x, y) = tile_of(9.15, 48.75, 14);
    let path = format!("/karten/kacheln/14/{x}/{y}");
    for _ in 0..2 {
        let (status, bytes) = app.send_raw_get(&path, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(bytes, marked_tile(x, y));
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "the second came from the data directory"
    );
    assert!(
        app.data_dir
            .path()
            .join(format!("tiles/14/{x}/{y}"))
            .is_file()
    );
    let map_id = placed_proposal(&app).await;
    let map = app.get(&format!("/karten/vorschlaege/{map_id}")).await;
    assert!(map.body.contains("<image href=\"data:image/png;base64,"));
    assert!(map.body.contains(">© Testamt, dl-de/by-2-0</text>"));

    // An upstream that answers with anything but an image is not passed on.
    let template = format!("http://127.0.0.1:{port}/seite/{{z}}/{{x}}/{{y}}");
    let app = TestApp::with_config(&[
        ("MITREDEN_RATE_LIMIT", "0"),
        ("MITREDEN_TILES", template.as_str()),
        ("MITREDEN_TILES_ATTRIBUTION", "© Testamt"),
    ])
    .await;
    assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND);
    assert!(
        !app.data_dir
            .path()
            .join(format!("tiles/14/{x}/{y}"))
            .exists()
    );
}
