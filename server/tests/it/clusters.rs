//! The located proposals gathered into clusters for a map (`…/proposals/clusters`): what
//! a map asks for at each zoom, with the view, the list's filters and moderation applied.

use crate::fixtures::{body, open_procedure, set_visibility};
use crate::harness::TestApp;
use crate::places::{SLUG, city, import, point, propose_at};
use app::model::account::Role;
use http::StatusCode;
use serde_json::{Value, json};

async fn clusters(app: &TestApp, query: &str) -> Value {
    let response = app
        .get(&format!(
            "/api/v1/procedures/{SLUG}/proposals/clusters{query}"
        ))
        .await;
    assert_eq!(
        response.status,
        StatusCode::OK,
        "{query}: {}",
        response.body
    );
    assert_eq!(response.header("content-type"), "application/geo+json");
    let collection = body(&response);
    assert_eq!(collection["type"], "FeatureCollection");
    assert_eq!(collection["complete"], true);
    collection
}

/// Each cluster's count and named proposals, in the answer's order.
fn shape(collection: &Value) -> Vec<(u64, Vec<i64>)> {
    collection["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let properties = &f["properties"];
            let members = properties["proposals"]
                .as_array()
                .unwrap()
                .iter()
                .map(|id| id.as_i64().unwrap())
                .collect();
            (properties["count"].as_u64().unwrap(), members)
        })
        .collect()
}

#[tokio::test]
async fn a_map_gets_its_proposals_gathered_by_zoom_view_and_filter() {
    let app = TestApp::new().await;
    open_procedure(&app, SLUG).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let anna = app.resident("anna@example.org").await;
    import(&app, &planner, &city(), "").await;
    let mut ids = Vec::new();
    for (title, place) in [
        (
            "Bank am Marktplatz",
            json!({"geometry": point(9.15, 48.75)}),
        ),
        (
            "Brunnen am Marktplatz",
            json!({"geometry": point(9.15, 48.75)}),
        ),
        (
            "Fahrradbügel am Markt",
            json!({"geometry": point(9.152, 48.751)}),
        ),
        (
            "Spielplatz im Osten",
            json!({"geometry": point(9.22, 48.72)}),
        ),
        ("Mehr Bäume im Osten", json!({"district": "02"})),
    ] {
        let created = propose_at(&app, &anna, title, place).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        ids.push(body(&created)["id"].as_i64().unwrap());
    }
    let [bank, fountain, racks, playground, _trees] = ids[..] else {
        unreachable!()
    };

    // Zoomed out: one cluster of the four located ones (the one without a point is not on
    // the map), at their mean, with the box around them.
    let out = clusters(&app, "?zoom=3").await;
    assert_eq!(out["zoom"], 3);
    assert_eq!(
        shape(&out),
        vec![(4, vec![bank, fountain, racks, playground])]
    );
    let cluster = &out["features"][0];
    assert_eq!(cluster["geometry"]["type"], "Point");
    let at = cluster["geometry"]["coordinates"].as_array().unwrap();
    assert!(
        (at[0].as_f64().unwrap() - 9.168).abs() < 1e-9,
        "longitude first: {at:?}"
    );
    assert!((at[1].as_f64().unwrap() - 48.74275).abs() < 1e-9);
    assert_eq!(
        cluster["properties"]["bbox"],
        json!([9.15, 48.72, 9.22, 48.751])
    );
    assert!(
        cluster["properties"]["url"].is_null(),
        "a cluster has no page"
    );

    // Zoomed in: two at one position stay one cluster (it opens as a list of both); the
    // others stand alone, each with its page.
    let near = clusters(&app, "?zoom=22").await;
    let mut found = shape(&near);
    found.sort();
    assert_eq!(
        found,
        vec![
            (1, vec![racks]),
            (1, vec![playground]),
            (2, vec![bank, fountain])
        ]
    );
    let single = near["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["proposals"] == json!([playground]))
        .unwrap();
    assert!(
        single["properties"]["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/vorschlaege/{playground}"))
    );

    // The view and the list's filters narrow it.
    assert_eq!(
        shape(&clusters(&app, "?zoom=22&bbox=9.2,48.7,9.3,48.8").await),
        vec![(1, vec![playground])]
    );
    assert_eq!(
        shape(&clusters(&app, "?zoom=3&district=01").await),
        vec![(3, vec![bank, fountain, racks])]
    );
    assert!(shape(&clusters(&app, "?zoom=3&district=99").await).is_empty());
    assert!(shape(&clusters(&app, "?zoom=3&status=withdrawn").await).is_empty());

    // A hidden proposal leaves the map.
    set_visibility(&app, playground, "hidden").await;
    assert_eq!(
        shape(&clusters(&app, "?zoom=3").await),
        vec![(3, vec![bank, fountain, racks])]
    );

    // What a map cannot ask for is refused, naming the parameter.
    for (bad, field) in [
        ("", "zoom"),
        ("?zoom=23", "zoom"),
        ("?zoom=-1", "zoom"),
        ("?zoom=x", "zoom"),
        ("?zoom=3&bbox=9.1,48.7,9.3", "bbox"),
        ("?zoom=3&bbox=9.3,48.7,9.1,48.8", "bbox"),
        ("?zoom=3&bbox=9.1,48.8,9.3,48.7", "bbox"),
        ("?zoom=3&bbox=9.1,48.7,200,48.8", "bbox"),
        ("?zoom=3&bbox=NaN,48.7,9.3,48.8", "bbox"),
        ("?zoom=3&bbox=a,b,c,d", "bbox"),
        ("?zoom=3&status=lost", "status"),
    ] {
        let refused = app
            .get(&format!(
                "/api/v1/procedures/{SLUG}/proposals/clusters{bad}"
            ))
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(
            crate::places::fields(&refused)[0].0,
            field,
            "{bad}: {}",
            refused.body
        );
    }
    assert_eq!(
        app.get("/api/v1/procedures/unbekannt/proposals/clusters?zoom=3")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// A large procedure's map data is kept in memory (`clusters::KEEP_FROM` located
/// proposals and more): a map being panned asks again without reading the proposals
/// again. A moderation decision still shows on the map and in the GeoJSON at once.
#[tokio::test]
async fn a_large_map_is_kept_but_a_decision_shows_at_once() {
    use app::formats::proposals::service::proposal::clusters::KEEP_FROM;
    let app = TestApp::new().await;
    let proposals = KEEP_FROM + 50;
    let seeded = server::seed::scale::scale(
        &app.state.db,
        server::seed::scale::Scale {
            users: 100,
            proposals,
            votes: 100,
            comments: 0,
            discussion: 0,
            queue: 0,
            places: true,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let first = seeded.first_proposal;
    let map = |query: &'static str| {
        let app = &app;
        async move {
            let response = app
                .get(&format!(
                    "/api/v1/procedures/lasttest/proposals/clusters{query}"
                ))
                .await;
            assert_eq!(response.status, StatusCode::OK, "{}", response.body);
            let collection = body(&response);
            let features = collection["features"].as_array().unwrap().clone();
            let count: u64 = features
                .iter()
                .map(|f| f["properties"]["count"].as_u64().unwrap())
                .sum();
            let named: Vec<i64> = features
                .iter()
                .flat_map(|f| f["properties"]["proposals"].as_array().unwrap().clone())
                .map(|id| id.as_i64().unwrap())
                .collect();
            (count, named)
        }
    };
    let geojson_ids = || {
        let app = &app;
        async move {
            let response = app
                .get("/api/v1/procedures/lasttest/proposals.geojson?limit=5000")
                .await;
            assert_eq!(response.status, StatusCode::OK, "{}", response.body);
            body(&response)["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };

    let (count, named) = map("?zoom=22").await;
    assert_eq!(count, proposals as u64);
    assert!(named.contains(&first));
    assert_eq!(geojson_ids().await.len(), proposals);
    // Asked again (another zoom, a view): answered from what is kept, with the same
    // proposals, and without reading them.
    let before = crate::fixtures::queries_so_far(&app).await;
    let (count, _) = map("?zoom=3").await;
    let (inside, _) = map("?zoom=12&bbox=-180,-85,180,85").await;
    let ids = geojson_ids().await;
    let sent = crate::fixtures::queries_so_far(&app).await - before;
    assert_eq!((count, inside), (proposals as u64, proposals as u64));
    assert_eq!(ids.len(), proposals);
    // Each request still looks its procedure up (two statements); read afresh, the three
    // send a dozen.
    assert!(sent <= 7, "{sent} statements for three kept answers");

    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let decision = json!({
        "target": { "kind": "proposal", "id": first }, "action": "hide",
        "reason": "spam", "public_reason": "Werbung"
    });
    let hidden = app
        .json(
            "POST",
            "/api/v1/moderation/decisions",
            decision,
            Some(&moderator),
        )
        .await;
    assert_eq!(hidden.status, StatusCode::CREATED, "{}", hidden.body);
    let (count, named) = map("?zoom=22").await;
    assert_eq!(count, proposals as u64 - 1, "hidden: off the map at once");
    assert!(!named.contains(&first));
    let ids = geojson_ids().await;
    assert_eq!(ids.len(), proposals - 1);
    assert!(
        !ids.contains(&first),
        "hidden: out of the open data at once"
    );
}
