//! Procedure images: uploads through the editor's form and the API, what is stored and
//! served, and every way an upload can be wrong.

use crate::fixtures::procedure;
use crate::harness::{TestApp, TestResponse, error_code, multipart_body, send_multipart};
use app::backend::entity::procedure as procedure_entity;
use app::formats::proposals::model::VoteRule;
use app::model::account::Role;
use app::model::procedure::PhaseKind;
use http::StatusCode;
use sea_orm::EntityTrait;
use serde_json::Value;

/// A PNG with a text chunk naming a person (which the server must strip).
fn png(width: u32, height: u32, marker: u8) -> Vec<u8> {
    crate::fixtures::png(
        width,
        height,
        2,
        &[
            (b"tEXt", b"Author\0Erika Mustermann, Hauptstr. 1"),
            (b"IDAT", &[marker; 32]),
        ],
    )
}

/// A multipart body with the given text fields and, optionally, an image.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let files: Vec<(&str, &str, &[u8])> = file
        .map(|(content_type, bytes)| ("image", content_type, bytes))
        .into_iter()
        .collect();
    multipart_body(fields, &files)
}

async fn api_upload(app: &TestApp, token: &str, alt: &str, file: (&str, &[u8])) -> TestResponse {
    send_multipart(
        app,
        "PUT",
        "/api/v1/procedures/gruen/image",
        multipart(&[("alt", alt)], Some(file)),
        &[("authorization", format!("Bearer {token}"))],
    )
    .await
}

async fn stored(app: &TestApp) -> procedure_entity::Model {
    procedure_entity::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn planners_upload_an_image_that_is_served_without_its_metadata() {
    let app = TestApp::new().await;
    procedure(
        &app,
        "gruen",
        PhaseKind::Proposals,
        VoteRule::Support { cap: None },
        PhaseKind::Voting,
    )
    .await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;

    let response = api_upload(
        &app,
        &planner,
        "Luftbild des Quartiers mit dem Stadtpark",
        ("image/png", &png(1200, 675, 1)),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let image: Value = serde_json::from_str(&response.body).unwrap();
    assert_eq!(image["width"], 1200);
    assert_eq!(image["height"], 675);
    let url = image["url"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with("/medien/") && url.ends_with(".png"),
        "{url}"
    );

    // Served with its type, cacheable for good (the name is the content's hash), and
    // without the text chunk that named a person.
    let file = app.get(&url).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.header("content-type"), "image/png");
    assert!(file.header("cache-control").contains("immutable"));
    assert!(!file.body.contains("Erika"));
    assert!(file.body.contains("IDAT"));

    // The procedure's page and the API show it with its text alternative and size.
    let page = app.get("/verfahren/gruen").await;
    assert!(
        page.body.contains(&format!("src=\"{url}\"")),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("alt=\"Luftbild des Quartiers mit dem Stadtpark\"")
    );
    assert!(page.body.contains("width=\"1200\""));
    let api = app.get("/api/v1/procedures/gruen").await;
    let detail: Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(detail["image"]["url"], url.as_str());
    // The start page's card shows it as decoration beside the title.
    let home = app.get("/").await;
    assert!(
        home.body.contains(&format!("src=\"{url}\" alt=\"\"")),
        "{}",
        home.body
    );

    // Replacing it removes the old file; only the text alternative can change alone.
    let replaced = api_upload(
        &app,
        &planner,
        "Der Stadtpark im Sommer",
        ("image/png", &png(800, 600, 2)),
    )
    .await;
    assert_eq!(replaced.status, StatusCode::OK);
    assert_eq!(app.media_files().len(), 1);
    assert_eq!(app.get(&url).await.status, StatusCode::NOT_FOUND);
    let patched = app
        .json(
            "PATCH",
            "/api/v1/procedures/gruen/image",
            serde_json::json!({"alt": "Der Stadtpark im Herbst"}),
            Some(&planner),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(stored(&app).await.image_alt, "Der Stadtpark im Herbst");

    // Removing it removes the file and the picture from the page.
    let removed = app
        .json(
            "DELETE",
            "/api/v1/procedures/gruen/image",
            Value::Null,
            Some(&planner),
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert!(app.media_files().is_empty());
    assert_eq!(stored(&app).await.image_file, None);
    assert!(!app.get("/verfahren/gruen").await.body.contains("/medien/"));
}

#[tokio::test]
async fn bad_uploads_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    procedure(
        &app,
        "gruen",
        PhaseKind::Proposals,
        VoteRule::Support { cap: None },
        PhaseKind::Voting,
    )
    .await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let resident = app.resident("anna@example.org").await;
    let alt = "Luftbild des Quartiers";
    let good = png(1200, 675, 1);

    // Wrong person.
    let anonymous = send_multipart(
        &app,
        "PUT",
        "/api/v1/procedures/gruen/image",
        multipart(&[("alt", alt)], Some(("image/png", &good))),
        &[],
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let by_resident = api_upload(&app, &resident, alt, ("image/png", &good)).await;
    assert_eq!(by_resident.status, StatusCode::FORBIDDEN);

    // Wrong content, whatever the client claims it is.
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>";
    let as_svg = api_upload(&app, &planner, alt, ("image/png", svg)).await;
    assert_eq!(as_svg.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error_code(&as_svg), "unsupported_media_type");
    let gif = api_upload(
        &app,
        &planner,
        alt,
        ("image/gif", b"GIF89a\x01\0\x01\0\0\0\0;"),
    )
    .await;
    assert_eq!(gif.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let truncated = api_upload(&app, &planner, alt, ("image/png", &good[..40])).await;
    assert_eq!(truncated.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge_canvas = api_upload(&app, &planner, alt, ("image/png", &png(20_000, 20_000, 1))).await;
    assert_eq!(huge_canvas.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Missing or useless text alternative, missing file.
    for bad_alt in ["", "  ", "x", &"lang ".repeat(100), "Bild\u{0}"] {
        let response = api_upload(&app, &planner, bad_alt, ("image/png", &good)).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad_alt:?}"
        );
        assert!(
            response.body.contains("\"field\":\"alt\""),
            "{}",
            response.body
        );
    }
    let no_file = send_multipart(
        &app,
        "PUT",
        "/api/v1/procedures/gruen/image",
        multipart(&[("alt", alt)], None),
        &[("authorization", format!("Bearer {planner}"))],
    )
    .await;
    assert_eq!(no_file.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Too large: refused before it is read, with the API's error shape.
    let mut oversized = good.clone();
    oversized.resize(6 * 1024 * 1024, 0);
    let too_large = api_upload(&app, &planner, alt, ("image/png", &oversized)).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);

    // Not multipart at all; an unknown procedure.
    let json = app
        .json(
            "PUT",
            "/api/v1/procedures/gruen/image",
            serde_json::json!({"alt": alt}),
            Some(&planner),
        )
        .await;
    assert_eq!(
        json.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        json.body
    );
    let unknown = send_multipart(
        &app,
        "PUT",
        "/api/v1/procedures/unbekannt/image",
        multipart(&[("alt", alt)], Some(("image/png", &good))),
        &[("authorization", format!("Bearer {planner}"))],
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    let row = stored(&app).await;
    assert_eq!((row.image_file, row.image_alt.as_str()), (None, ""));
    assert!(app.media_files().is_empty(), "{:?}", app.media_files());

    // Only names the server could have written are ever opened.
    for path in [
        "/medien/..%2Fjwt_secret",
        "/medien/jwt_secret",
        "/medien/test.db",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    // Other requests keep their 1 MiB limit.
    let big_form = "x=".to_owned() + &"a".repeat(2 * 1024 * 1024);
    let refused = app.post_form("/api/login", &big_form, &[]).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_editor_form_uploads_without_javascript_and_shows_errors_by_the_form() {
    let app = TestApp::new().await;
    procedure(
        &app,
        "gruen",
        PhaseKind::Proposals,
        VoteRule::Support { cap: None },
        PhaseKind::Voting,
    )
    .await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let cookie = format!("mitreden_session={planner}");
    let headers = [
        ("cookie", cookie.clone()),
        ("accept", "text/html".to_owned()),
    ];
    let path = "/verwaltung/verfahren/gruen/bild";

    // A forgotten text alternative comes back to the editor with the error at the form.
    let missing_alt = send_multipart(
        &app,
        "POST",
        path,
        multipart(
            &[("alt", ""), ("action", "save")],
            Some(("image/png", &png(640, 480, 1))),
        ),
        &headers,
    )
    .await;
    assert_eq!(missing_alt.status, StatusCode::SEE_OTHER);
    let back = missing_alt.header("location").to_owned();
    assert!(
        back.starts_with("/verwaltung/verfahren/gruen/bearbeiten?"),
        "{back}"
    );
    let editor = app.get_with(&back, &[("cookie", &cookie)]).await;
    assert!(
        editor.body.contains("Alternativtext mit 3 bis 300 Zeichen"),
        "{}",
        editor.body
    );
    assert!(stored(&app).await.image_file.is_none());

    // Saved: back to the editor with a notice and a preview.
    let saved = send_multipart(
        &app,
        "POST",
        path,
        multipart(
            &[("alt", "Spielplatz am Fluss"), ("action", "save")],
            Some(("image/png", &png(640, 480, 1))),
        ),
        &headers,
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let back = saved.header("location").to_owned();
    assert!(back.contains("status=image_saved"), "{back}");
    let editor = app.get_with(&back, &[("cookie", &cookie)]).await;
    assert!(editor.body.contains("Das Bild wurde gespeichert."));
    assert!(editor.body.contains("alt=\"Spielplatz am Fluss\""));

    // An empty file input with a new text changes only the text.
    let relabelled = send_multipart(
        &app,
        "POST",
        path,
        multipart(
            &[("alt", "Spielplatz am Fluss im Winter"), ("action", "save")],
            Some(("application/octet-stream", b"")),
        ),
        &headers,
    )
    .await;
    assert!(relabelled.header("location").contains("status=image_saved"));
    let row = stored(&app).await;
    assert_eq!(row.image_alt, "Spielplatz am Fluss im Winter");
    assert!(row.image_file.is_some());

    // Removed.
    let removed = send_multipart(
        &app,
        "POST",
        path,
        multipart(&[("action", "remove")], None),
        &headers,
    )
    .await;
    assert!(removed.header("location").contains("status=image_removed"));
    assert!(stored(&app).await.image_file.is_none());

    // Residents and visitors cannot use the form; another site cannot post it.
    let resident = app.resident("anna@example.org").await;
    let refused = send_multipart(
        &app,
        "POST",
        path,
        multipart(
            &[("alt", "Spielplatz")],
            Some(("image/png", &png(640, 480, 1))),
        ),
        &[("cookie", format!("mitreden_session={resident}"))],
    )
    .await;
    assert!(
        refused.header("location").contains("__err="),
        "{}",
        refused.header("location")
    );
    let anonymous = send_multipart(
        &app,
        "POST",
        path,
        multipart(&[("alt", "Spielplatz")], None),
        &[],
    )
    .await;
    assert_eq!(anonymous.header("location"), "/anmelden");
    let cross_site = send_multipart(
        &app,
        "POST",
        path,
        multipart(
            &[("alt", "Spielplatz")],
            Some(("image/png", &png(640, 480, 1))),
        ),
        &[
            ("cookie", cookie.clone()),
            ("origin", "https://evil.example".to_owned()),
        ],
    )
    .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    assert!(stored(&app).await.image_file.is_none());
}
