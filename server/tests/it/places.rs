//! Places: the city's districts (imported through the API, the planners' page and a bad
//! file that changes nothing), proposals located by a point or a district through REST and
//! forms, the district assigned on the server, the list's district filter, the GeoJSON
//! endpoint, results by district and the district in the exports.

use crate::fixtures::{body, end_voting, open_procedure, propose, support};
use crate::harness::{TestApp, multipart_body, send_multipart};
use app::backend::entity::{district, proposal};
use app::model::account::Role;
use http::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

pub(crate) const SLUG: &str = "stadtteile";

/// A square district from (west, south), `size` degrees wide.
pub(crate) fn square(key: &str, name: &str, west: f64, south: f64, size: f64) -> Value {
    let (east, north) = (west + size, south + size);
    json!({
        "type": "Feature",
        "properties": { "key": key, "name": name },
        "geometry": { "type": "Polygon", "coordinates": [[
            [west, south], [east, south], [east, north], [west, north], [west, south]
        ]] }
    })
}

/// Two districts side by side, Mitte west of 9.2, Ost east of it, with a hole in Ost (a
/// lake: part of no district).
pub(crate) fn city() -> Value {
    let mut ost = square("02", "Ost", 9.2, 48.7, 0.1);
    ost["geometry"]["coordinates"]
        .as_array_mut()
        .unwrap()
        .push(json!([
            [9.24, 48.74],
            [9.26, 48.74],
            [9.26, 48.76],
            [9.24, 48.76],
            [9.24, 48.74]
        ]));
    json!({ "type": "FeatureCollection", "features": [
        square("01", "Mitte", 9.1, 48.7, 0.1),
        ost,
    ] })
}

pub(crate) async fn import(
    app: &TestApp,
    token: &str,
    collection: &Value,
    query: &str,
) -> crate::harness::TestResponse {
    app.json(
        "PUT",
        &format!("/api/v1/districts{query}"),
        collection.clone(),
        Some(token),
    )
    .await
}

pub(crate) fn point(lon: f64, lat: f64) -> Value {
    json!({ "type": "Point", "coordinates": [lon, lat] })
}

pub(crate) async fn propose_at(
    app: &TestApp,
    token: &str,
    title: &str,
    place: Value,
) -> crate::harness::TestResponse {
    let mut proposal =
        json!({ "title": title, "body": "Eine ausführliche Begründung des Vorschlags." });
    for (key, value) in place.as_object().unwrap() {
        proposal[key] = value.clone();
    }
    app.json(
        "POST",
        &format!("/api/v1/procedures/{SLUG}/proposals"),
        proposal,
        Some(token),
    )
    .await
}

pub(crate) fn fields(response: &crate::harness::TestResponse) -> Vec<(String, String)> {
    body(response)["errors"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_owned(),
                e["detail"]
                    .as_str()
                    .or(e["problem"].as_str())
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn planners_import_districts_and_a_bad_file_changes_nothing() {
    let app = TestApp::new().await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let anna = app.resident("anna@example.org").await;

    // Residents may not; nobody without signing in.
    assert_eq!(
        import(&app, &anna, &city(), "").await.status,
        StatusCode::FORBIDDEN
    );
    let anonymous = app.json("PUT", "/api/v1/districts", city(), None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let done = import(
        &app,
        &planner,
        &city(),
        "?source=Stadt%20Musterstadt%2C%20CC%20BY%204.0",
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        body(&done),
        json!({"created": 2, "updated": 0, "removed": 0, "reassigned": 0})
    );
    let listed = app.get("/api/v1/districts").await;
    assert_eq!(listed.header("content-type"), "application/geo+json");
    let listed = body(&listed);
    assert_eq!(listed["type"], "FeatureCollection");
    let features = listed["features"].as_array().unwrap();
    assert_eq!(features.len(), 2);
    assert_eq!(features[0]["properties"]["name"], "Mitte");
    assert_eq!(
        features[0]["properties"]["source"],
        "Stadt Musterstadt, CC BY 4.0"
    );
    // Longitude first, as in the file.
    assert_eq!(
        features[0]["geometry"]["coordinates"][0][0],
        json!([9.1, 48.7])
    );

    // A file with broken features: each is named, and nothing changes.
    let mut broken = city();
    broken["features"].as_array_mut().unwrap().extend([
        json!({"type": "Feature", "properties": {"key": "03", "name": "Punkt"},
               "geometry": {"type": "Point", "coordinates": [9.3, 48.7]}}),
        square("01", "Doppelt", 9.4, 48.7, 0.1),
        json!({"type": "Feature", "properties": {"key": "05", "name": "Offen"},
               "geometry": {"type": "Polygon", "coordinates": [[[9.5, 48.7], [9.6, 48.7], [9.6, 48.8], [9.5, 48.8]]]}}),
    ]);
    let refused = import(&app, &planner, &broken, "").await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let named: Vec<String> = fields(&refused)
        .into_iter()
        .map(|(field, _)| field)
        .collect();
    assert_eq!(named, ["features[2]", "features[3]", "features[4]"]);
    let not_geojson = app
        .json(
            "PUT",
            "/api/v1/districts",
            json!({"type": "Topology"}),
            Some(&planner),
        )
        .await;
    assert_eq!(not_geojson.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        district::Entity::find().count(&app.state.db).await.unwrap(),
        2
    );

    // A new file: known keys updated, new ones added, missing ones removed.
    let next = json!({ "type": "FeatureCollection", "features": [
        square("01", "Mitte (neu)", 9.1, 48.7, 0.1),
        square("03", "Süd", 9.1, 48.6, 0.1),
    ] });
    let replaced = body(&import(&app, &planner, &next, "").await);
    assert_eq!(
        replaced,
        json!({"created": 1, "updated": 1, "removed": 1, "reassigned": 0})
    );
    let names: Vec<String> = district::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"Mitte (neu)".to_owned()) && names.contains(&"Süd".to_owned()));
}

#[tokio::test]
async fn a_proposal_gets_the_district_its_point_lies_in() {
    let app = TestApp::new().await;
    open_procedure(&app, SLUG).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let anna = app.resident("anna@example.org").await;
    assert_eq!(
        import(&app, &planner, &city(), "").await.status,
        StatusCode::OK
    );

    let created = propose_at(
        &app,
        &anna,
        "Bank am Marktplatz",
        json!({
            "location": "Marktplatz", "geometry": point(9.15, 48.75)
        }),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let proposal = body(&created);
    assert_eq!(proposal["district"]["name"], "Mitte");
    assert_eq!(proposal["precision"], "exact");
    assert_eq!(proposal["geometry"], point(9.15, 48.75));

    // On the shared edge: the district with the first key. In the lake: none.
    let edge = body(
        &propose_at(
            &app,
            &anna,
            "Brücke an der Grenze",
            json!({"geometry": point(9.2, 48.75)}),
        )
        .await,
    );
    assert_eq!(edge["district"]["key"], "01");
    let lake = body(
        &propose_at(
            &app,
            &anna,
            "Steg im See",
            json!({"geometry": point(9.25, 48.75)}),
        )
        .await,
    );
    assert_eq!(lake["district"], Value::Null);
    let street = body(&propose_at(&app, &anna, "Radweg Oststraße", json!({
        "geometry": {"type": "LineString", "coordinates": [[9.21, 48.71], [9.22, 48.72], [9.23, 48.73]]},
        "precision": "street"
    }))
    .await);
    assert_eq!(
        (
            street["district"]["name"].clone(),
            street["precision"].clone()
        ),
        (json!("Ost"), json!("street"))
    );

    // Only a district: by its key, which must exist.
    let named = body(
        &propose_at(
            &app,
            &anna,
            "Mehr Bäume im Osten",
            json!({"district": "02"}),
        )
        .await,
    );
    assert_eq!(
        (
            named["district"]["name"].clone(),
            named["precision"].clone(),
            named["geometry"].clone()
        ),
        (json!("Ost"), json!("district"), Value::Null)
    );

    // Refused, each by its field, and nothing is written.
    let before = proposal::Entity::find().count(&app.state.db).await.unwrap();
    for (place, field, problem) in [
        (json!({"district": "99"}), "district", "unknown"),
        (
            json!({"geometry": point(48.75, 179.0)}),
            "geometry",
            "geometry_out_of_range",
        ),
        (
            json!({"geometry": {"type": "Polygon", "coordinates": [[[9.1, 48.7], [9.2, 48.7], [9.2, 48.8]]]}}),
            "geometry",
            "geometry_too_few_positions",
        ),
        (
            json!({"geometry": "9.15,48.75"}),
            "geometry",
            "geometry_shape",
        ),
        (
            json!({"geometry": point(9.15, 48.75), "precision": "somewhere"}),
            "",
            "",
        ),
    ] {
        let refused = propose_at(&app, &anna, "Ein Vorschlag mit Ort", place.clone()).await;
        assert!(
            refused.status.is_client_error(),
            "{place}: {}",
            refused.body
        );
        if !field.is_empty() {
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{place}");
            let error = &body(&refused)["errors"][0];
            assert_eq!(
                (
                    error["field"].as_str(),
                    error["detail"].as_str().map(|d| d.contains(problem))
                ),
                (Some(field), Some(true)),
                "{place}: {}",
                refused.body
            );
        }
    }
    assert_eq!(
        proposal::Entity::find().count(&app.state.db).await.unwrap(),
        before
    );

    // Moving the boundaries assigns every located proposal again.
    let moved = json!({ "type": "FeatureCollection", "features": [
        square("01", "Mitte", 9.1, 48.7, 0.04),
        square("02", "Ost", 9.14, 48.7, 0.15),
    ] });
    let summary = body(&import(&app, &planner, &moved, "").await);
    assert!(summary["reassigned"].as_u64().unwrap() >= 2, "{summary}");
    let id = proposal["id"].as_i64().unwrap();
    let again = body(&app.get(&format!("/api/v1/proposals/{id}")).await);
    assert_eq!(again["district"]["name"], "Ost");
}

#[tokio::test]
async fn the_list_filters_by_district_and_the_geojson_shows_located_proposals() {
    let app = TestApp::new().await;
    open_procedure(&app, SLUG).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let anna = app.resident("anna@example.org").await;
    import(&app, &planner, &city(), "").await;
    for (title, place) in [
        (
            "Bank am Marktplatz",
            json!({"geometry": point(9.15, 48.75)}),
        ),
        (
            "Spielplatz im Osten",
            json!({"geometry": point(9.22, 48.72)}),
        ),
        ("Mehr Bäume im Osten", json!({"district": "02"})),
    ] {
        assert_eq!(
            propose_at(&app, &anna, title, place).await.status,
            StatusCode::CREATED
        );
    }
    propose(&app, SLUG, &anna, "Ohne Ort").await;

    let list = |query: &str| {
        let path = format!("/api/v1/procedures/{SLUG}/proposals{query}");
        let app = &app;
        async move { body(&app.get(&path).await) }
    };
    let east = list("?district=02&sort=newest").await;
    assert_eq!(east["total"], 2);
    let titles: Vec<&str> = east["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Mehr Bäume im Osten", "Spielplatz im Osten"]);
    assert_eq!(east["items"][0]["district"], "Ost");
    assert_eq!(list("?district=99").await["total"], 0);
    assert_eq!(list("").await["total"], 4);

    // The page's filter offers the districts and keeps the choice.
    let page = app.get(&format!("/verfahren/{SLUG}?district=02")).await;
    assert!(
        page.body.contains(r#"<option value="02" selected"#),
        "the filter keeps the district"
    );
    assert!(page.body.contains("Spielplatz im Osten") && !page.body.contains("Bank am Marktplatz"));

    let geo = app
        .get(&format!("/api/v1/procedures/{SLUG}/proposals.geojson"))
        .await;
    assert_eq!(geo.status, StatusCode::OK);
    assert_eq!(geo.header("content-type"), "application/geo+json");
    let geo = body(&geo);
    assert_eq!(geo["type"], "FeatureCollection");
    let features = geo["features"].as_array().unwrap();
    assert_eq!(features.len(), 2, "only proposals with a geometry");
    for feature in features {
        assert_eq!(feature["type"], "Feature");
        assert!(feature["id"].is_i64());
        assert_eq!(feature["geometry"]["type"], "Point");
        let position = feature["geometry"]["coordinates"].as_array().unwrap();
        assert!(
            (9.0..9.3).contains(&position[0].as_f64().unwrap()),
            "longitude first"
        );
        assert!(
            feature["properties"]["url"]
                .as_str()
                .unwrap()
                .contains("/vorschlaege/")
        );
    }
    assert_eq!(features[0]["properties"]["district"]["name"], "Mitte");
    let paged = body(
        &app.get(&format!(
            "/api/v1/procedures/{SLUG}/proposals.geojson?limit=1&district=02"
        ))
        .await,
    );
    assert_eq!(paged["features"].as_array().unwrap().len(), 1);
    assert_eq!(
        paged["next"],
        Value::Null,
        "the only located proposal in Ost"
    );
    let first = body(
        &app.get(&format!(
            "/api/v1/procedures/{SLUG}/proposals.geojson?limit=1"
        ))
        .await,
    );
    let next = first["next"].as_str().unwrap();
    let rest = body(&app.get(&next[next.find("/api/").unwrap()..]).await);
    assert_eq!(
        rest["features"][0]["properties"]["title"],
        "Spielplatz im Osten"
    );
    for bad in [
        "?limit=0x",
        "?limit=0",
        "?after=-1",
        "?status=lost",
        "?limit=5001",
    ] {
        let refused = app
            .get(&format!("/api/v1/procedures/{SLUG}/proposals.geojson{bad}"))
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
}

#[tokio::test]
async fn results_and_exports_count_by_district() {
    let app = TestApp::new().await;
    open_procedure(&app, SLUG).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let anna = app.resident("anna@example.org").await;
    let bert = app.resident("bert@example.org").await;
    import(&app, &planner, &city(), "").await;
    let placed = body(
        &propose_at(
            &app,
            &anna,
            "Bank am Marktplatz",
            json!({"geometry": point(9.15, 48.75)}),
        )
        .await,
    );
    let id = placed["id"].as_i64().unwrap();
    support(&app, id, &bert).await;
    let cara = app.resident("cara@example.org").await;
    support(&app, id, &cara).await;
    propose(&app, SLUG, &anna, "Ohne Ort").await;
    end_voting(&app).await;

    let results = body(&app.get(&format!("/api/v1/procedures/{SLUG}/results")).await);
    assert_eq!(
        results["districts"],
        json!([
            {"key": "01", "name": "Mitte", "proposals": 1, "votes": 2},
            {"key": "02", "name": "Ost", "proposals": 0, "votes": 0},
        ])
    );
    let page = app.get(&format!("/verfahren/{SLUG}/ergebnisse")).await;
    assert!(
        page.body.contains("Vorschläge nach Stadtteilen"),
        "the results page's table"
    );
    // Beside it two maps, proposals and votes, each named for those who cannot see it.
    assert!(
        page.body.contains(&format!(
            r#"src="/karten/verfahren/{SLUG}/ergebnis" alt="Karte der Stadtteile, je dunkler, desto mehr Vorschläge"#
        )) && page.body.contains(&format!(
            r#"src="/karten/verfahren/{SLUG}/ergebnis?nach=stimmen" alt="Karte der Stadtteile, je dunkler, desto mehr Stimmen"#
        )),
        "{}",
        page.body
    );

    let exported = body(
        &app.get_as(&format!("/api/v1/procedures/{SLUG}/export.json"), &planner)
            .await,
    );
    let rows = exported["proposals"].as_array().unwrap();
    let row = rows.iter().find(|p| p["id"] == id).unwrap();
    assert_eq!(row["district"], json!({"key": "01", "name": "Mitte"}));
    assert!(rows.iter().any(|p| p["district"].is_null()));
    let csv = app
        .get_as(&format!("/api/v1/procedures/{SLUG}/export.csv"), &planner)
        .await;
    let header = csv.body.lines().next().unwrap();
    assert!(
        header.ends_with(r#""Stadtteil-Schlüssel";"Stadtteil""#),
        "{header}"
    );
    assert!(
        csv.body
            .lines()
            .any(|line| line.ends_with(r#";"01";"Mitte""#)),
        "{}",
        csv.body
    );

    // The votes by district as a map too, and both maps in the council's report.
    let votes = app
        .get(&format!("/karten/verfahren/{SLUG}/ergebnis?nach=stimmen"))
        .await;
    assert_eq!(votes.status, StatusCode::OK);
    assert!(
        votes.body.contains("Stimmen je Stadtteil"),
        "{}",
        votes.body
    );
    assert!(votes.body.contains(">Mitte (2)</text>") && votes.body.contains(">Ost (0)</text>"));
    let (status, pdf) = app
        .send_raw_get(&format!("/api/v1/procedures/{SLUG}/export.pdf"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = crate::fixtures::pdf_text(&pdf);
    let proposals_map = text.find("Vorschläge je Stadtteil").expect(&text);
    let votes_map = text.find("Stimmen je Stadtteil").expect(&text);
    assert!(proposals_map < votes_map);
    assert!(
        text[proposals_map..votes_map].contains("Mitte (1)"),
        "{text}"
    );
    assert!(text[votes_map..].contains("Mitte (2)") && text[votes_map..].contains("Ost (0)"));
    let report = app
        .get(&format!("/api/v1/procedures/{SLUG}/report.html"))
        .await;
    assert_eq!(report.status, StatusCode::OK);
    for expected in [
        r#"<h2 id="map-votes">Stimmen je Stadtteil</h2>"#,
        r#"<title id="map-votes-title">Stimmen je Stadtteil</title>"#,
        r#"<title id="map-proposals-title">Vorschläge je Stadtteil</title>"#,
        r#"<tr><th scope="row">Mitte</th><td class="num">2</td></tr>"#,
    ] {
        assert!(report.body.contains(expected), "{expected}");
    }
}

#[tokio::test]
async fn the_planners_page_imports_a_file_and_names_the_broken_feature() {
    let app = TestApp::new().await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let cookie = format!("mitreden_session={planner}");
    let post = |fields: Vec<(&'static str, String)>, file: Vec<u8>| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let files: Vec<(&str, &str, &[u8])> =
                vec![("districts", "application/geo+json", &file)];
            let response = send_multipart(
                app,
                "POST",
                "/verwaltung/stadtteile",
                multipart_body(&fields, &files),
                &[("cookie", cookie), ("accept", "text/html".to_owned())],
            )
            .await;
            assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
            response.header("location").to_owned()
        }
    };
    let html = |path: String| {
        let cookie = cookie.clone();
        let app = &app;
        async move { app.get_with(&path, &[("cookie", &cookie)]).await.body }
    };

    let mut broken = city();
    broken["features"][1]["properties"] = json!({"key": "02"});
    let back = post(
        vec![("source", "Eigene Zeichnung".to_owned())],
        broken.to_string().into_bytes(),
    )
    .await;
    assert!(back.starts_with("/verwaltung/stadtteile?"), "{back}");
    let page = html(back).await;
    assert!(
        page.contains("Objekt 2: Der Name fehlt"),
        "the feature is named"
    );
    assert!(
        page.contains(r#"value="Eigene Zeichnung""#),
        "the source is kept"
    );
    assert_eq!(
        district::Entity::find().count(&app.state.db).await.unwrap(),
        0
    );

    let back = post(
        vec![("source", "Eigene Zeichnung".to_owned())],
        city().to_string().into_bytes(),
    )
    .await;
    assert!(back.contains("status=districts_2_0_0"), "{back}");
    let page = html(back).await;
    assert!(page.contains("Stadtteile übernommen: 2 neu, 0 aktualisiert, 0 entfernt."));
    assert!(page.contains("Mitte") && page.contains("Eigene Zeichnung"));
    // Residents are refused.
    let anna = app.resident("anna@example.org").await;
    let refused = app
        .get_with(
            "/verwaltung/stadtteile",
            &[("cookie", &format!("mitreden_session={anna}"))],
        )
        .await;
    assert!(
        !refused.body.contains("Stadtteile importieren"),
        "no import form for residents"
    );
}

#[tokio::test]
async fn the_proposal_form_offers_the_districts_without_javascript() {
    let app = TestApp::new().await;
    open_procedure(&app, SLUG).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    import(&app, &planner, &city(), "").await;
    let anna = app.resident("anna@example.org").await;
    let cookie = format!("mitreden_session={anna}");
    let form = app
        .get_with(
            &format!("/verfahren/{SLUG}/vorschlag-neu"),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(
        form.body
            .contains(r#"<select id="field-district" name="district""#),
        "{}",
        form.body
    );
    let post = |district: &str| {
        let body = format!(
            "slug={SLUG}&title=Mehr+B%C3%A4nke&body=Am+Ufer+fehlen+B%C3%A4nke+zum+Ausruhen.&category=&location=Ufer&district={district}"
        );
        let cookie = cookie.clone();
        let app = &app;
        async move {
            let form = format!("http://127.0.0.1:3000/verfahren/{SLUG}/vorschlag-neu");
            app.post_form(
                "/api/create_proposal",
                &body,
                &[("cookie", &cookie), ("referer", &form)],
            )
            .await
        }
    };
    let refused = post("99").await;
    assert!(refused.status.is_redirection(), "{}", refused.body);
    let back = app
        .get_with(refused.header("location"), &[("cookie", &cookie)])
        .await;
    assert!(
        back.body
            .contains("Bitte wählen Sie einen der angebotenen Stadtteile."),
        "{}",
        &back.body[back.body.find("<main").unwrap_or(0)..]
    );
    let created = post("02").await;
    let location = created.header("location").to_owned();
    assert!(location.starts_with("/vorschlaege/"), "{location}");
    let page = app.get(&location).await;
    assert!(page.body.contains("Ost") && page.body.contains("nur der Stadtteil ist angegeben"));
}

#[tokio::test]
async fn the_best_overall_and_of_each_district_are_asked_for_an_opinion() {
    let app = TestApp::new().await;
    open_procedure(&app, SLUG).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    import(&app, &planner, &city(), "").await;
    let anna = app.resident("anna@example.org").await;
    let mut voters = Vec::new();
    for n in 0..4 {
        voters.push(app.resident(&format!("waehler{n}@example.org")).await);
    }
    let mut ids = Vec::new();
    for (title, place, supports) in [
        ("Bänke in Mitte", json!({"district": "01"}), 3),
        ("Bäume in Mitte", json!({"district": "01"}), 2),
        (
            "Brunnen im Osten",
            json!({"geometry": point(9.22, 48.72)}),
            1,
        ),
        ("Beete im Osten", json!({"district": "02"}), 0),
        ("Busse für alle", json!({}), 4),
    ] {
        let id = body(&propose_at(&app, &anna, title, place).await)["id"]
            .as_i64()
            .unwrap();
        for voter in &voters[..supports] {
            support(&app, id, voter).await;
        }
        ids.push(id);
    }
    let path = format!("/api/v1/procedures/{SLUG}/opinions/selection");
    let selection = |top: u32, per_district: u32| {
        json!({"top": top, "per_district": per_district, "unit": "Kämmerei",
               "due_on": (chrono::Utc::now() + chrono::Duration::days(30)).format("%Y-%m-%d").to_string()})
    };
    assert_eq!(
        app.json("POST", &path, selection(1, 1), Some(&anna))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let refused = app
        .json("POST", &path, selection(0, 0), Some(&planner))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&refused)[0],
        ("top".to_owned(), "nothing_selected".to_owned())
    );

    // The best overall (without a district), then the best of Mitte and of Ost.
    let first = body(
        &app.json("POST", &path, selection(1, 1), Some(&planner))
            .await,
    );
    assert_eq!(first["proposal_ids"], json!([ids[4], ids[0], ids[2]]));
    assert_eq!(first["requested"], 3);
    // Two overall take Mitte's best, so Mitte's next one comes in; only it is asked now.
    let second = body(
        &app.json("POST", &path, selection(2, 1), Some(&planner))
            .await,
    );
    assert_eq!(
        second["proposal_ids"],
        json!([ids[4], ids[0], ids[1], ids[2]])
    );
    assert_eq!(second["requested"], 1);
    let list = body(
        &app.get_as(&format!("/api/v1/procedures/{SLUG}/opinions"), &planner)
            .await,
    );
    assert_eq!(list["open"], 4);
    assert_eq!(list["rows"][0]["opinion"]["unit"], "Kämmerei");

    // The planners' page: the form, and the outcome after it.
    let cookie = format!("mitreden_session={planner}");
    let due = (chrono::Utc::now() + chrono::Duration::days(30)).format("%Y-%m-%d");
    let posted = app
        .post_form(
            "/api/select_for_opinion",
            &format!("slug={SLUG}&form[top]=5&form[per_district]=0&form[unit]=K%C3%A4mmerei&form[due_on]={due}"),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(posted.status.is_redirection(), "{}", posted.body);
    let back = posted.header("location").to_owned();
    assert!(back.contains("status=selected_5_1"), "{back}");
    let page = app.get_with(&back, &[("cookie", &cookie)]).await;
    assert!(
        page.body
            .contains("5 Vorschläge ausgewählt, für 1 davon die Stellungnahme angefragt.")
    );
}
