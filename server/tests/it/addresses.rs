//! The city's address list: imported through the API and the planners' page (a bad file
//! changes nothing and names its lines), looked up as people type addresses, and used to
//! place a proposal by its address through REST and through the form without JavaScript,
//! with "did you mean" when the address is not in the list.

use crate::fixtures::{body, open_procedure};
use crate::harness::{TestApp, TestResponse, multipart_body, send_multipart};
use crate::places::{SLUG, city, fields, import, propose_at};
use app::backend::entity::proposal;
use app::model::account::Role;
use axum::body::Body;
use http::{Request, StatusCode};
use sea_orm::EntityTrait;
use serde_json::json;

/// A small list in the test city (see `places::city`): Mitte west of 9.2, Ost east of it.
const LIST: &str = "Straße;Hausnummer;PLZ;Länge;Breite\n\
    Parkstraße;1;10115;9,150;48,750\n\
    Parkstraße;3;10115;9,152;48,750\n\
    Parkstraße;12a;10115;9,160;48,750\n\
    Ostring;7;10117;9,210;48,710\n\
    Am Mühlbach;2;10115;9,120;48,720\n\
    Am Mühlbach;4;10115;9,124;48,720\n";

async fn put_list(app: &TestApp, token: &str, csv: &str) -> TestResponse {
    let request = Request::put("/api/v1/addresses?source=Testdaten")
        .header("content-type", "text/csv")
        .header("content-length", csv.len())
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(csv.to_owned()))
        .unwrap();
    app.send(request).await
}

async fn lookup(app: &TestApp, q: &str) -> serde_json::Value {
    let q = app::model::text::encode_component(q);
    let response = app.get(&format!("/api/v1/addresses/lookup?q={q}")).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    body(&response)
}

fn labels(lookup: &serde_json::Value) -> Vec<String> {
    lookup["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_address_list_is_imported_whole_or_not_at_all_and_looked_up_as_people_type() {
    let app = TestApp::new().await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let anna = app.resident("anna@example.org").await;

    assert_eq!(
        put_list(&app, &anna, LIST).await.status,
        StatusCode::FORBIDDEN
    );
    let imported = put_list(&app, &planner, LIST).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    assert_eq!(body(&imported), json!({"addresses": 6, "streets": 3}));
    let overview = body(&app.get("/api/v1/addresses").await);
    assert_eq!(overview["addresses"], 6);
    assert_eq!(overview["source"], "Testdaten");

    // A bad file names its lines and changes nothing.
    let bad =
        "street;number;lon;lat\nNeue Straße;1;9.1;48.7\n;2;9.1;48.7\nNeue Straße;3;east;48.7\n";
    let refused = put_list(&app, &planner, bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&refused),
        vec![
            ("lines[3]".to_owned(), "street_missing".to_owned()),
            ("lines[4]".to_owned(), "coordinates".to_owned())
        ]
    );
    assert_eq!(body(&app.get("/api/v1/addresses").await)["addresses"], 6);

    // Found however "Straße" is written; without a number, the middle of the street.
    for typed in [
        "Parkstraße 12a",
        "parkstr. 12 A",
        "Park-Strasse 12a, 10115 Berlin",
    ] {
        let found = lookup(&app, typed).await;
        assert_eq!(found["found"]["label"], "Parkstraße 12a, 10115", "{typed}");
        assert_eq!(found["found"]["lon"], 9.16);
    }
    let street = lookup(&app, "Am Mühlbach").await;
    assert_eq!(street["found"]["house_number"], "");
    let middle = street["found"]["lon"].as_f64().unwrap();
    assert!((middle - 9.122).abs() < 1e-9, "{middle}");
    // A number the street lacks: its nearest numbers. A typo: the street written alike.
    let number = lookup(&app, "Parkstraße 2").await;
    assert_eq!(number["found"], serde_json::Value::Null);
    assert_eq!(
        labels(&number)[..2],
        ["Parkstraße 1, 10115", "Parkstraße 3, 10115"]
    );
    assert_eq!(
        labels(&lookup(&app, "Parkstrase 3").await),
        ["Parkstraße 3, 10115"]
    );
    assert_eq!(labels(&lookup(&app, "Ostrnig").await), ["Ostring, 10117"]);
    assert!(labels(&lookup(&app, "Zebrastreifen 9").await).is_empty());
    let long = "a".repeat(201);
    let too_long = app.get(&format!("/api/v1/addresses/lookup?q={long}")).await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_proposal_is_placed_by_its_address_through_rest_and_the_form_without_javascript() {
    let app = TestApp::new().await;
    open_procedure(&app, SLUG).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    import(&app, &planner, &city(), "").await;
    assert_eq!(put_list(&app, &planner, LIST).await.status, StatusCode::OK);
    let anna = app.resident("anna@example.org").await;

    // REST: the address gives the point, the district and the place in words.
    let created = propose_at(
        &app,
        &anna,
        "Bank am Ostring",
        json!({"address": "Ostring 7"}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = body(&created)["id"].as_i64().unwrap();
    let row = proposal::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.lon, row.lat), (Some(9.21), Some(48.71)));
    assert_eq!(row.location.as_deref(), Some("Ostring 7, 10117"));
    let page = app.get(&format!("/vorschlaege/{id}")).await;
    assert!(page.body.contains("Ostring 7, 10117") && page.body.contains("Ost"));
    let unknown = propose_at(&app, &anna, "Bank", json!({"address": "Ostrnig 7"})).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&unknown),
        vec![("address".to_owned(), "not_found".to_owned())]
    );

    // The form: the field is offered, a typo comes back with what was meant.
    let cookie = format!("mitreden_session={anna}");
    let form_page = format!("/verfahren/{SLUG}/vorschlag-neu");
    let form = app.get_with(&form_page, &[("cookie", &cookie)]).await;
    assert!(form.body.contains(r#"name="address""#), "{}", form.body);
    let post = |extra: &str| {
        let body = format!(
            "slug={SLUG}&title=Mehr+B%C3%A4nke&body=Am+Bach+fehlen+B%C3%A4nke+zum+Ausruhen.&category=&location={extra}"
        );
        let cookie = cookie.clone();
        let referer = format!("http://127.0.0.1:3000{form_page}");
        let app = &app;
        async move {
            app.post_form(
                "/api/create_proposal",
                &body,
                &[("cookie", &cookie), ("referer", &referer)],
            )
            .await
        }
    };
    let refused = post("&address=Am+M%C3%BChlbah+4").await;
    assert!(refused.status.is_redirection(), "{}", refused.body);
    let back = app
        .get_with(refused.header("location"), &[("cookie", &cookie)])
        .await;
    let main = &back.body[back.body.find("<main").unwrap_or(0)..];
    for text in [
        "Diese Adresse steht nicht im Adressverzeichnis der Stadt.",
        "Meinten Sie eine dieser Adressen?",
        r#"name="address_choice" value="Am Mühlbach 4, 10115""#,
        // What was typed stays in the field.
        r#"value="Am Mühlbah 4""#,
    ] {
        assert!(main.contains(text), "{text} missing: {main}");
    }
    let chosen =
        post("&address=Am+M%C3%BChlbah+4&address_choice=Am+M%C3%BChlbach+4%2C+10115").await;
    let location = chosen.header("location").to_owned();
    assert!(location.starts_with("/vorschlaege/"), "{location}");
    let page = app.get(&location).await;
    assert!(page.body.contains("Am Mühlbach 4, 10115") && page.body.contains("Mitte"));
}

#[tokio::test]
async fn the_planners_page_imports_a_list_and_lists_a_bad_files_lines_without_javascript() {
    let app = TestApp::new().await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let cookie = format!("mitreden_session={planner}");
    let page = app
        .get_with("/verwaltung/stadtteile", &[("cookie", &cookie)])
        .await;
    assert!(
        page.body.contains("Noch kein Adressverzeichnis."),
        "{}",
        page.body
    );
    let headers = [
        ("cookie", cookie.clone()),
        ("origin", "http://127.0.0.1:3000".to_owned()),
    ];
    let upload = |csv: &'static str| {
        let body = multipart_body(
            &[("source", "Stadt Musterstadt")],
            &[("addresses", "text/csv", csv.as_bytes())],
        );
        send_multipart(&app, "POST", "/verwaltung/adressen", body, &headers)
    };
    let refused = upload("Straße;Länge;Breite\nParkstraße;9,1;48,7\nParkstraße;9,1;99\n").await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER, "{}", refused.body);
    let back = app
        .get_with(refused.header("location"), &[("cookie", &cookie)])
        .await;
    assert!(
        back.body
            .contains("Zeile 3: Länge und Breite müssen Dezimalgrad"),
        "{}",
        back.body
    );
    assert!(back.body.contains(r#"value="Stadt Musterstadt""#));
    let imported = upload(LIST).await;
    assert_eq!(imported.status, StatusCode::SEE_OTHER);
    let done = app
        .get_with(imported.header("location"), &[("cookie", &cookie)])
        .await;
    for text in [
        "Adressverzeichnis übernommen: 6 Adressen in 3 Straßen.",
        "Quelle des Verzeichnisses: Stadt Musterstadt",
    ] {
        assert!(done.body.contains(text), "{text} missing");
    }
    // Residents may not.
    let anna = app.resident("anna@example.org").await;
    let resident = multipart_body(&[], &[("addresses", "text/csv", LIST.as_bytes())]);
    let denied = send_multipart(
        &app,
        "POST",
        "/verwaltung/adressen",
        resident,
        &[
            ("cookie", format!("mitreden_session={anna}")),
            ("origin", "http://127.0.0.1:3000".to_owned()),
        ],
    )
    .await;
    assert!(denied.status.is_redirection());
    assert_eq!(
        body(&app.get("/api/v1/addresses").await)["source"],
        "Stadt Musterstadt"
    );
}
