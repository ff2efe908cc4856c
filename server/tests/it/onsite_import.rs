//! On-site contributions imported from a spreadsheet: the upload form, the preview with
//! every row's problems, the import of all rows or none, and the same through the API.

use crate::harness::{TestApp, error_code, multipart_body, send_multipart};
use app::backend::entity::{follow, proposal};
use app::model::account::Role;
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

const RUNNING: &str = "radverkehr-2030";
const PAGE: &str = "/verwaltung/verfahren/radverkehr-2030/vor-ort-import";
const EVENT: &str = "Bürgerwerkstatt Süd, 12. November";

async fn onsite_proposals(app: &TestApp) -> u64 {
    proposal::Entity::find()
        .filter(proposal::Column::EventName.eq(EVENT))
        .count(&app.state.db)
        .await
        .unwrap()
}

/// Posts the upload form as a browser does; answers where it leads.
async fn upload(app: &TestApp, cookie: &str, fields: &[(&str, &str)], file: &[u8]) -> String {
    let files: Vec<(&str, &str, &[u8])> = if file.is_empty() {
        Vec::new()
    } else {
        vec![("file", "text/csv", file)]
    };
    let response = send_multipart(
        app,
        "POST",
        PAGE,
        multipart_body(fields, &files),
        &[
            ("cookie", cookie.to_owned()),
            ("accept", "text/html".to_owned()),
        ],
    )
    .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    response.header("location").to_owned()
}

#[tokio::test]
async fn a_batch_is_imported_whole_once_every_row_is_valid() {
    let app = TestApp::new().await.with_demo().await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let cookie = format!("mitreden_session={planner}");
    let html = |path: String| {
        let cookie = cookie.clone();
        let app = &app;
        async move { app.get_with(&path, &[("cookie", &cookie)]).await }
    };

    // The page offers the form, reached from the submission form's on-site part.
    let form = html(format!("/verfahren/{RUNNING}/vorschlag-neu")).await;
    assert!(
        form.body.contains(&format!("href=\"{PAGE}\"")),
        "{}",
        form.body
    );
    let page = html(PAGE.to_owned()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Vor-Ort-Beiträge importieren"));
    assert!(page.body.contains("enctype=\"multipart/form-data\""));

    // A sheet with a short title, an unknown category, a shifted row and a repeated row:
    // the preview names each, and nothing is written.
    let broken = "Titel;Beschreibung;Kategorie;Ort\n\
                  Ab;Der Titel ist zu kurz geraten.;Radwege;Nord\n\
                  Neue Bügel am Bahnhof;Am Bahnhof fehlen Fahrradbügel.;Parkplätze;Bahnhof\n\
                  Ampel Ring;Die Ampel ist zu kurz grün; für Räder;Kreuzungen;Ring\n\
                  Neue Bügel am Bahnhof;Am Bahnhof fehlen Fahrradbügel.;;Bahnhof\n\
                  Neue Bügel am Bahnhof;Am Bahnhof fehlen Fahrradbügel.;;Bahnhof\n";
    let preview = upload(&app, &cookie, &[("event", EVENT)], broken.as_bytes()).await;
    assert!(preview.starts_with(&format!("{PAGE}?stapel=")), "{preview}");
    let shown = html(preview.clone()).await;
    assert_eq!(shown.status, StatusCode::OK);
    for expected in [
        "4 von 5 Zeilen haben Fehler.",
        "Es wird nichts gespeichert",
        "href=\"#zeile-2\"",
        "href=\"#zeile-3\"",
        "href=\"#zeile-4\"",
        "href=\"#zeile-6\"",
        "Mehr Zellen als Spalten",
        "Diese Zeile steht weiter oben schon einmal.",
        EVENT,
    ] {
        assert!(shown.body.contains(expected), "{expected}: {}", shown.body);
    }
    assert!(!shown.body.contains("Vorschläge importieren"));
    let batch = preview
        .split("stapel=")
        .nth(1)
        .and_then(|rest| rest.split(['#', '&']).next())
        .unwrap()
        .to_owned();
    // Posted anyway (a stale page): refused, nothing written.
    let refused = app
        .post_form(
            "/api/confirm_onsite_import",
            &format!("slug={RUNNING}&batch={batch}"),
            &[
                ("cookie", &cookie),
                (
                    "referer",
                    &format!(
                        "http://127.0.0.1:3000{}",
                        preview.split('#').next().unwrap_or_default()
                    ),
                ),
            ],
        )
        .await;
    assert!(
        refused.header("location").contains("__err"),
        "{}",
        refused.header("location")
    );
    assert_eq!(onsite_proposals(&app).await, 0);

    // The corrected sheet, as a German spreadsheet saves it: Windows-1252, quoted cells.
    let fixed = "Titel;Beschreibung;Kategorie;Ort\r\n\
                 Abbiegen sicherer machen;Der Titel ist jetzt lang genug.;Radwege;Nord\r\n\
                 Neue Bügel am Bahnhof;Am Bahnhof fehlen Fahrradbügel.;Abstellanlagen;Bahnhof\r\n\
                 Ampel Ring;\"Die Ampel ist zu kurz grün; für Räder\";Kreuzungen;Ring\r\n";
    let latin: Vec<u8> = fixed
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let preview = upload(&app, &cookie, &[("event", EVENT)], &latin).await;
    let shown = html(preview.clone()).await;
    assert!(
        shown.body.contains("Alle 3 Zeilen sind in Ordnung."),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Neue Bügel am Bahnhof"));
    assert!(shown.body.contains("3 Vorschläge importieren"));
    let batch = preview
        .split("stapel=")
        .nth(1)
        .and_then(|rest| rest.split(['#', '&']).next())
        .unwrap()
        .to_owned();

    let imported = app
        .post_form(
            "/api/confirm_onsite_import",
            &format!("slug={RUNNING}&batch={batch}"),
            &[("cookie", &cookie)],
        )
        .await;
    let done = imported.header("location").to_owned();
    assert!(done.contains("status=imported"), "{done}");
    assert!(
        html(done.clone())
            .await
            .body
            .contains("3 Vorschläge sind importiert.")
    );
    assert_eq!(onsite_proposals(&app).await, 3);
    let rows = proposal::Entity::find()
        .filter(proposal::Column::EventName.eq(EVENT))
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(
        rows.iter()
            .all(|p| p.source == app::formats::proposals::model::Origin::Onsite)
    );
    assert!(
        rows.iter()
            .any(|p| p.body == "Die Ampel ist zu kurz grün; für Räder")
    );
    // The planner typed them in; they are not their author and follow none of them.
    let follows = follow::Entity::find()
        .filter(follow::Column::ProposalId.is_in(rows.iter().map(|p| p.id)))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(follows, 0);
    // Nor are they named as their author: the page names the event, and so does the API.
    let shown = app.get(&app::model::path::proposal(rows[0].id)).await;
    assert!(shown.body.contains(EVENT), "{}", shown.body);
    assert!(!shown.body.contains("Team Stadt"), "{}", shown.body);
    let api = app.get(&format!("/api/v1/proposals/{}", rows[0].id)).await;
    let author: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(author["author"]["name"], serde_json::Value::Null);
    assert_eq!(author["author"]["event"], EVENT);

    // Sent again (a double click, the back button): nothing more.
    app.post_form(
        "/api/confirm_onsite_import",
        &format!("slug={RUNNING}&batch={batch}"),
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(onsite_proposals(&app).await, 3);
    // The same sheet uploaded again: every row is already there.
    let again = html(upload(&app, &cookie, &[("event", EVENT)], &latin).await).await;
    assert!(
        again
            .body
            .contains("Schon als Vorschlag dieser Veranstaltung gespeichert."),
        "{}",
        again.body
    );

    // Pasted cells (tab-separated, as a spreadsheet copies them) work like a file.
    let pasted = "title\tdescription\nWegweiser Innenstadt\tEs fehlen Wegweiser für Räder.\n";
    let shown = html(upload(&app, &cookie, &[("event", EVENT), ("text", pasted)], b"").await).await;
    assert!(
        shown.body.contains("Die Zeile ist in Ordnung."),
        "{}",
        shown.body
    );
}

#[tokio::test]
async fn a_refused_upload_says_why_next_to_its_field() {
    let app = TestApp::new().await.with_demo().await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let cookie = format!("mitreden_session={planner}");

    // No event and no file: both named, back on the page.
    let back = upload(&app, &cookie, &[("event", "")], b"").await;
    assert!(back.starts_with(PAGE) && back.contains("__err"), "{back}");
    let page = app.get_with(&back, &[("cookie", &cookie)]).await;
    assert!(
        page.body
            .contains("Wählen Sie eine Datei oder fügen Sie Zellen ein.")
    );
    assert!(page.body.contains("href=\"#field-event\""), "{}", page.body);

    // What was typed as the event is back in its field.
    let back = upload(&app, &cookie, &[("event", "Werkstatt Nord")], b"").await;
    let page = app.get_with(&back, &[("cookie", &cookie)]).await;
    assert!(
        page.body.contains("value=\"Werkstatt Nord\""),
        "{}",
        page.body
    );

    // A spreadsheet's own format is no CSV (and no database takes its bytes as text).
    let back = upload(
        &app,
        &cookie,
        &[("event", EVENT)],
        b"PK\x03\x04\0\0\x14\0binary",
    )
    .await;
    let page = app.get_with(&back, &[("cookie", &cookie)]).await;
    assert!(
        page.body.contains("lässt sich nicht als CSV lesen"),
        "{}",
        page.body
    );

    // Too large: refused before it is kept.
    let large = format!(
        "Titel;Text\n{}",
        "Ein Titel;Ein Text, der lang ist\n".repeat(20_000)
    );
    let back = upload(&app, &cookie, &[("event", EVENT)], large.as_bytes()).await;
    let page = app.get_with(&back, &[("cookie", &cookie)]).await;
    assert!(page.body.contains("größer als 512 KB"), "{}", page.body);

    // Signed out: to the sign-in, and back here afterwards.
    let anonymous = send_multipart(
        &app,
        "POST",
        PAGE,
        multipart_body(
            &[("event", EVENT)],
            &[("file", "text/csv", b"Titel;Text\n")],
        ),
        &[("accept", "text/html".to_owned())],
    )
    .await;
    assert!(
        anonymous
            .header("location")
            .starts_with("/anmelden?zurueck=")
    );
}

#[tokio::test]
async fn the_api_stages_checks_and_imports_batches_for_their_planner_only() {
    let app = TestApp::new().await.with_demo().await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let other = app.with_role("planung2@example.org", Role::Planner).await;
    let resident = app.resident("anna@example.org").await;
    let path = format!("/api/v1/procedures/{RUNNING}/onsite-imports");
    let csv = "Titel,Beschreibung\nRadweg Südring,Der Radweg am Südring endet plötzlich.\n";

    let forbidden = app
        .json(
            "POST",
            &path,
            json!({"event": EVENT, "csv": csv}),
            Some(&resident),
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    let missing = app
        .json(
            "POST",
            &path,
            json!({"event": EVENT, "csv": "Name,Ort\nA,B\n"}),
            Some(&planner),
        )
        .await;
    assert_eq!(missing.status, StatusCode::CREATED, "{}", missing.body);
    let missing: Value = serde_json::from_str(&missing.body).unwrap();
    assert_eq!(missing["problems"][0]["problem"], "missing_columns");

    let staged = app
        .json(
            "POST",
            &path,
            json!({"event": EVENT, "csv": csv}),
            Some(&planner),
        )
        .await;
    assert_eq!(staged.status, StatusCode::CREATED, "{}", staged.body);
    let location = staged.header("location").to_owned();
    let batch: Value = serde_json::from_str(&staged.body).unwrap();
    assert_eq!(batch["rows"][0]["title"], "Radweg Südring");
    assert_eq!(batch["rows"][0]["problems"], json!([]));

    // Another planner neither sees nor imports it.
    assert_eq!(
        app.get_as(&location, &other).await.status,
        StatusCode::NOT_FOUND
    );
    let theirs = app
        .json(
            "POST",
            &format!("{location}/import"),
            json!({}),
            Some(&other),
        )
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(onsite_proposals(&app).await, 0);

    for _ in 0..2 {
        let imported = app
            .json(
                "POST",
                &format!("{location}/import"),
                json!({}),
                Some(&planner),
            )
            .await;
        assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
        let imported: Value = serde_json::from_str(&imported.body).unwrap();
        assert_eq!(imported["imported_count"], 1);
    }
    assert_eq!(onsite_proposals(&app).await, 1);

    // A batch with a bad row is refused on import; a finished procedure takes none.
    let bad = app
        .json(
            "POST",
            &path,
            json!({"event": EVENT, "csv": "Titel;Text\nX;zu kurz\n"}),
            Some(&planner),
        )
        .await;
    let bad_location = bad.header("location").to_owned();
    let refused = app
        .json(
            "POST",
            &format!("{bad_location}/import"),
            json!({}),
            Some(&planner),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&refused), "invalid_input");
    let finished = app
        .json(
            "POST",
            "/api/v1/procedures/spielplaetze-nord/onsite-imports",
            json!({"event": EVENT, "csv": csv}),
            Some(&planner),
        )
        .await;
    assert_eq!(finished.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(onsite_proposals(&app).await, 1);
}
