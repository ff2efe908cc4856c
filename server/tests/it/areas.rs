//! A procedure's area: set from districts or a file (REST and the planners' page, without
//! JavaScript), places outside it refused and nothing written, the districts offered
//! narrowed to it, removed again; a drawn area's districts worked out again after new
//! boundaries.

use crate::fixtures::{body, decide, open_procedure, set_visibility};
use crate::harness::{TestApp, multipart_body, send_multipart};
use crate::places::{SLUG, city, fields, import, point, propose_at, square};
use app::backend::entity::proposal;
use app::model::account::Role;
use http::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

async fn put_area(app: &TestApp, token: &str, query: &str, body: Value) -> StatusCode {
    app.json(
        "PUT",
        &format!("/api/v1/procedures/{SLUG}/area{query}"),
        body,
        Some(token),
    )
    .await
    .status
}

async fn proposals(app: &TestApp) -> u64 {
    proposal::Entity::find().count(&app.state.db).await.unwrap()
}

#[tokio::test]
async fn places_outside_the_area_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    open_procedure(&app, SLUG).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let anna = app.resident("anna@example.org").await;
    assert_eq!(
        import(&app, &planner, &city(), "").await.status,
        StatusCode::OK
    );
    // Before the area: anywhere in the city.
    let early = propose_at(
        &app,
        &anna,
        "Steg am See",
        json!({"geometry": point(9.28, 48.71)}),
    )
    .await;
    assert_eq!(early.status, StatusCode::CREATED, "{}", early.body);
    let none = app.get(&format!("/api/v1/procedures/{SLUG}/area")).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);

    // Residents may not set it; planners make it of Mitte.
    assert_eq!(
        put_area(&app, &anna, "?districts=01", json!({})).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        put_area(&app, &planner, "?districts=01,99", json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an unknown district"
    );
    assert_eq!(
        put_area(&app, &planner, "?districts=01", json!({})).await,
        StatusCode::NO_CONTENT
    );
    let area = app.get(&format!("/api/v1/procedures/{SLUG}/area")).await;
    assert_eq!(area.status, StatusCode::OK);
    assert_eq!(area.header("content-type"), "application/geo+json");
    let area = body(&area);
    assert_eq!(area["type"], "Feature");
    assert_eq!(area["geometry"]["type"], "Polygon");
    assert_eq!(area["properties"]["label"], "Mitte");
    assert_eq!(area["properties"]["districts"], json!(["01"]));
    let procedure = body(&app.get(&format!("/api/v1/procedures/{SLUG}")).await);
    assert_eq!(procedure["area"]["label"], "Mitte");

    // Outside: refused by name, nothing written. Inside and on the edge: taken.
    let before = proposals(&app).await;
    let outside = propose_at(
        &app,
        &anna,
        "Bank im Osten",
        json!({"geometry": point(9.25, 48.71)}),
    )
    .await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&outside)[0],
        ("geometry".to_owned(), "outside_area".to_owned())
    );
    let message = body(&outside)["errors"][0]["message"].to_string();
    assert!(message.contains("außerhalb des Gebiets"), "{message}");
    let leaving = propose_at(
        &app,
        &anna,
        "Radweg nach Osten",
        json!({"geometry": {"type": "LineString", "coordinates": [[9.15, 48.75], [9.25, 48.75]]}}),
    )
    .await;
    assert_eq!(
        leaving.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a line leaving the area"
    );
    let named = propose_at(&app, &anna, "Nur Ost", json!({"district": "02"})).await;
    assert_eq!(named.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&named)[0].0, "district");
    assert_eq!(proposals(&app).await, before, "refusals write nothing");
    for (title, place) in [
        ("Bank in Mitte", json!({"geometry": point(9.15, 48.75)})),
        (
            "Brücke an der Grenze",
            json!({"geometry": point(9.2, 48.75)}),
        ),
        ("Nur Mitte", json!({"district": "01"})),
    ] {
        let taken = propose_at(&app, &anna, title, place).await;
        assert_eq!(taken.status, StatusCode::CREATED, "{title}: {}", taken.body);
    }
    // The form offers only the area's districts.
    let form = app
        .get_with(
            &format!("/verfahren/{SLUG}/vorschlag-neu"),
            &[("cookie", &format!("mitreden_session={anna}"))],
        )
        .await
        .body;
    assert!(form.contains(r#"<option value="01""#), "{form}");
    assert!(!form.contains(r#"<option value="02""#));

    // A file: a feature's name labels it; its districts are worked out.
    let mut harbour = square("x", "Hafenviertel", 9.22, 48.72, 0.05);
    harbour["properties"] = json!({"name": "Hafenviertel"});
    let status = app
        .json(
            "PUT",
            &format!("/api/v1/procedures/{SLUG}/area"),
            harbour.clone(),
            Some(&planner),
        )
        .await
        .status;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let area = body(&app.get(&format!("/api/v1/procedures/{SLUG}/area")).await);
    assert_eq!(area["properties"]["label"], "Hafenviertel");
    assert_eq!(area["properties"]["districts"], json!(["02"]));
    // A point is no area; the area stays as it was.
    let refused = app
        .json(
            "PUT",
            &format!("/api/v1/procedures/{SLUG}/area?label=Punkt"),
            point(9.1, 48.7),
            Some(&planner),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&refused)[0].0, "area");
    let area = body(&app.get(&format!("/api/v1/procedures/{SLUG}/area")).await);
    assert_eq!(area["properties"]["label"], "Hafenviertel");

    // Removed: anywhere again.
    let removed = app
        .json(
            "DELETE",
            &format!("/api/v1/procedures/{SLUG}/area"),
            json!({}),
            Some(&planner),
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let anywhere = propose_at(
        &app,
        &anna,
        "Bank im Osten",
        json!({"geometry": point(9.25, 48.71)}),
    )
    .await;
    assert_eq!(anywhere.status, StatusCode::CREATED, "{}", anywhere.body);
}

#[tokio::test]
async fn new_boundaries_work_out_a_drawn_areas_districts_again() {
    let app = TestApp::new().await;
    open_procedure(&app, SLUG).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    import(&app, &planner, &city(), "").await;
    let mut drawn = square("x", "Ufer", 9.15, 48.72, 0.02);
    drawn["properties"] = json!({});
    assert_eq!(
        put_area(&app, &planner, "?label=Ufer", drawn).await,
        StatusCode::NO_CONTENT
    );
    let area = body(&app.get(&format!("/api/v1/procedures/{SLUG}/area")).await);
    assert_eq!(area["properties"]["districts"], json!(["01"]));
    // Mitte is renamed to key 03 and moved east: the drawn area now lies in it as "03".
    let moved = json!({"type": "FeatureCollection", "features": [
        square("03", "Neue Mitte", 9.1, 48.7, 0.1),
    ]});
    assert_eq!(
        import(&app, &planner, &moved, "").await.status,
        StatusCode::OK
    );
    let area = body(&app.get(&format!("/api/v1/procedures/{SLUG}/area")).await);
    assert_eq!(area["properties"]["districts"], json!(["03"]));
    assert_eq!(area["properties"]["label"], "Ufer", "the area itself stays");
}

#[tokio::test]
async fn the_area_page_sets_and_removes_the_area_without_javascript() {
    let app = TestApp::new().await;
    open_procedure(&app, SLUG).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    import(&app, &planner, &city(), "").await;
    let anna = app.resident("anna@example.org").await;
    propose_at(
        &app,
        &anna,
        "Steg am See",
        json!({"geometry": point(9.28, 48.71)}),
    )
    .await;
    let cookie = format!("mitreden_session={planner}");
    let page_path = format!("/verwaltung/verfahren/{SLUG}/gebiet");
    let referer = format!("http://127.0.0.1:3000{page_path}");
    let html = |path: String| {
        let cookie = cookie.clone();
        let app = &app;
        async move { app.get_with(&path, &[("cookie", &cookie)]).await.body }
    };
    let post = |fn_path: &'static str, form: String| {
        let (cookie, referer) = (cookie.clone(), referer.clone());
        let app = &app;
        async move {
            let response = app
                .post_form(
                    fn_path,
                    &form,
                    &[("cookie", &cookie), ("referer", &referer)],
                )
                .await;
            assert!(response.status.is_redirection(), "{}", response.body);
            response.header("location").to_owned()
        }
    };

    let page = html(page_path.clone()).await;
    assert!(page.contains("Dieses Verfahren hat kein Gebiet"), "{page}");
    assert!(page.contains(r#"name="district[0]" value="01""#), "{page}");
    assert!(page.contains(r#"name="district[1]" value="02""#));

    // Nothing ticked: named, nothing set.
    let back = post("/api/set_area_districts", format!("slug={SLUG}")).await;
    let page = html(back).await;
    assert!(
        page.contains("Bitte wählen Sie mindestens einen Stadtteil."),
        "{page}"
    );
    assert!(page.contains("Dieses Verfahren hat kein Gebiet"));

    let back = post(
        "/api/set_area_districts",
        format!("slug={SLUG}&district%5B0%5D=01"),
    )
    .await;
    assert!(back.contains("status=area_set"), "{back}");
    let page = html(back).await;
    assert!(page.contains("Das Gebiet ist festgelegt."));
    assert!(page.contains("aus Stadtteilen zusammengesetzt"));
    assert!(
        page.contains("1 Beiträge") || page.contains("Ein Beitrag, der vor dem Festlegen"),
        "the earlier proposal in Ost lies outside: {page}"
    );
    let procedure = app.get(&format!("/verfahren/{SLUG}")).await.body;
    assert!(procedure.contains("<dt>Gebiet</dt>") && procedure.contains("<dd>Mitte</dd>"));

    // A file through the multipart form: a broken one is named and the label kept.
    let upload = |file: Vec<u8>, label: &'static str| {
        let cookie = cookie.clone();
        let (app, page_path) = (&app, page_path.clone());
        async move {
            let files: Vec<(&str, &str, &[u8])> = vec![("area", "application/geo+json", &file)];
            let response = send_multipart(
                app,
                "POST",
                &page_path,
                multipart_body(&[("area_label", label)], &files),
                &[("cookie", cookie), ("accept", "text/html".to_owned())],
            )
            .await;
            assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
            response.header("location").to_owned()
        }
    };
    let back = upload(
        point(9.1, 48.7).to_string().into_bytes(),
        "Sanierungsgebiet",
    )
    .await;
    let page = html(back).await;
    assert!(page.contains("Das Gebiet muss eine Fläche sein"), "{page}");
    assert!(
        page.contains(r#"value="Sanierungsgebiet""#),
        "the label is kept"
    );
    assert!(page.contains("<dd>Mitte</dd>"), "the area is unchanged");
    let drawn = square("x", "", 9.22, 48.72, 0.05)["geometry"].to_string();
    let back = upload(drawn.into_bytes(), "Sanierungsgebiet").await;
    assert!(back.contains("status=area_set"), "{back}");
    let page = html(back).await;
    assert!(page.contains("<dd>Sanierungsgebiet</dd>") && page.contains("aus einer GeoJSON-Datei"));

    let back = post("/api/clear_area", format!("slug={SLUG}")).await;
    assert!(back.contains("status=area_cleared"), "{back}");
    let page = html(back).await;
    assert!(page.contains("Das Gebiet ist entfernt"));

    // Residents get no form.
    let refused = app
        .get_with(
            &page_path,
            &[("cookie", &format!("mitreden_session={anna}"))],
        )
        .await;
    assert!(
        !refused
            .body
            .contains("Gebiet aus diesen Stadtteilen festlegen")
    );
}

#[tokio::test]
async fn maps_of_a_place_an_area_and_the_results_are_drawn_by_the_server() {
    let app = TestApp::new().await;
    open_procedure(&app, SLUG).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    import(&app, &planner, &city(), "").await;
    let anna = app.resident("anna@example.org").await;
    let placed = body(
        &propose_at(
            &app,
            &anna,
            "Bank <am> Markt",
            json!({"geometry": point(9.15, 48.75)}),
        )
        .await,
    );
    let id = placed["id"].as_i64().unwrap();
    let unplaced = body(&propose_at(&app, &anna, "Ohne Ort", json!({})).await);

    let map = app.get(&format!("/karten/vorschlaege/{id}")).await;
    assert_eq!(map.status, StatusCode::OK);
    assert!(map.header("content-type").starts_with("image/svg+xml"));
    assert!(map.body.starts_with("<svg"), "{}", map.body);
    assert!(
        map.body
            .contains("Lage von „Bank &lt;am&gt; Markt“ im Stadtteil Mitte"),
        "the title names it, escaped: {}",
        &map.body[..300]
    );
    assert!(map.body.contains(">Ost</text>"), "the neighbour is named");
    assert_eq!(
        map.body.matches("http").count(),
        1,
        "nothing from elsewhere: only the SVG namespace"
    );
    let english = app
        .get_with(
            &format!("/karten/vorschlaege/{id}"),
            &[("accept-language", "en")],
        )
        .await;
    assert!(english.body.contains("in the district Mitte"));
    let page = app.get(&format!("/vorschlaege/{id}")).await.body;
    assert!(page.contains(&format!(r#"src="/karten/vorschlaege/{id}""#)));
    for missing in [
        format!("/karten/vorschlaege/{}", unplaced["id"]),
        "/karten/vorschlaege/abc".to_owned(),
        "/karten/vorschlaege/999999".to_owned(),
        format!("/karten/verfahren/{SLUG}/gebiet"),
    ] {
        assert_eq!(
            app.get(&missing).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    // Hidden: no picture either.
    set_visibility(&app, id, "hidden").await;
    assert_eq!(
        app.get(&format!("/karten/vorschlaege/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    set_visibility(&app, id, "visible").await;

    put_area(&app, &planner, "?districts=01", json!({})).await;
    let area = app.get(&format!("/karten/verfahren/{SLUG}/gebiet")).await;
    assert_eq!(area.status, StatusCode::OK);
    assert!(area.body.contains("stroke-dasharray") && area.body.contains("Gebiet „Mitte“"));
    let procedure = app.get(&format!("/verfahren/{SLUG}")).await.body;
    assert!(procedure.contains(&format!(r#"src="/karten/verfahren/{SLUG}/gebiet""#)));

    // Contributions by district: the public once voting has ended, planners before.
    let results = format!("/karten/verfahren/{SLUG}/ergebnis");
    assert_eq!(app.get(&results).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get_as(&results, &planner).await.status, StatusCode::OK);
    crate::fixtures::end_voting(&app).await;
    let shaded = app.get(&results).await;
    assert_eq!(shaded.status, StatusCode::OK);
    assert!(shaded.body.contains(">Mitte (1)</text>") && shaded.body.contains(">Ost (0)</text>"));
    assert!(
        shaded.body.contains("#08519c"),
        "the fullest district is darkest"
    );
    // The picture counts as the results page does (kept as it keeps them, in memory), and
    // a moderation decision shows at once.
    let page = app.get(&format!("/verfahren/{SLUG}/ergebnisse")).await;
    assert_eq!(page.status, StatusCode::OK);
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let hidden = decide(
        &app,
        &moderator,
        json!({
            "target": {"kind": "proposal", "id": id}, "action": "hide",
            "reason": "spam", "public_reason": "Werbung."
        }),
    )
    .await;
    assert_eq!(hidden.status, StatusCode::CREATED, "{}", hidden.body);
    // It was the only placed proposal: no figures by district, so no picture either.
    assert_eq!(app.get(&results).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_moderator_publishes_a_place_less_precisely_and_never_more() {
    let app = TestApp::new().await;
    open_procedure(&app, SLUG).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    import(&app, &planner, &city(), "").await;
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let anna = app.resident("anna@example.org").await;
    let created = body(
        &propose_at(
            &app,
            &anna,
            "Vor meinem Haus",
            json!({"geometry": point(9.152_34, 48.756_78)}),
        )
        .await,
    );
    let id = created["id"].as_i64().unwrap();
    let decide = |token: String, precision: &'static str| {
        let app = &app;
        async move {
            app.json(
                "POST",
                "/api/v1/moderation/decisions",
                json!({
                    "target": {"kind": "proposal", "id": id}, "action": "redact",
                    "precision": precision, "public_reason": "Zeigt ein Wohnhaus."
                }),
                Some(&token),
            )
            .await
        }
    };
    assert_eq!(
        decide(anna.clone(), "street").await.status,
        StatusCode::FORBIDDEN
    );

    // The moderator's page offers it.
    let page = app
        .get_with(
            &format!("/vorschlaege/{id}"),
            &[("cookie", &format!("mitreden_session={moderator}"))],
        )
        .await
        .body;
    assert!(
        page.contains(r#"name="form[precision]""#),
        "the decision form offers it"
    );

    let street = decide(moderator.clone(), "street").await;
    assert_eq!(street.status, StatusCode::CREATED, "{}", street.body);
    let shown = body(&app.get(&format!("/api/v1/proposals/{id}")).await);
    assert_eq!(shown["precision"], "street");
    assert_eq!(shown["geometry"]["coordinates"], json!([9.152, 48.757]));
    assert_eq!(shown["district"]["key"], "01");
    let geojson = app
        .get(&format!("/api/v1/procedures/{SLUG}/proposals.geojson"))
        .await
        .body;
    assert!(geojson.contains("[9.152,48.757]") && !geojson.contains("9.15234"));

    // Not the same again, never back to exact.
    let again = decide(moderator.clone(), "street").await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&again)[0].0, "precision");
    assert_eq!(
        decide(moderator.clone(), "exact").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let district = decide(moderator.clone(), "district").await;
    assert_eq!(district.status, StatusCode::CREATED, "{}", district.body);
    let shown = body(&app.get(&format!("/api/v1/proposals/{id}")).await);
    assert_eq!(shown["precision"], "district");
    assert!(shown["geometry"].is_null());
    assert_eq!(shown["district"]["name"], "Mitte", "the district stays");
    let geojson = body(
        &app.get(&format!("/api/v1/procedures/{SLUG}/proposals.geojson"))
            .await,
    );
    assert_eq!(geojson["features"].as_array().map(Vec::len), Some(0));
    // The ledger lists the redaction with its public reason.
    let ledger = app.get(&format!("/verfahren/{SLUG}/moderation")).await.body;
    assert!(ledger.contains("Zeigt ein Wohnhaus."), "{ledger}");
}
