//! A photo on an implementation entry: planners add it by the entry's form (a multipart
//! post that works without JavaScript) or by REST, with a text alternative; it is stored
//! without its metadata, shown with the entry, replaced, and removed with its file.

use crate::fixtures::{body, end_voting, procedure, propose};
use crate::harness::{TestApp, error_code, multipart_body, send_multipart};
use app::backend::entity::implementation_update;
use app::formats::proposals::model::VoteRule;
use app::model::account::Role;
use app::model::procedure::PhaseKind;
use http::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

const SLUG: &str = "umsetzen";
const ALT: &str = "Die neu gepflanzten Linden in der Südstadt";

/// A PNG whose text chunk names a person and a place (which the server must strip).
fn png(marker: u8) -> Vec<u8> {
    crate::fixtures::png(
        800,
        600,
        2,
        &[
            (b"tEXt", b"GPS\0Erika Mustermann, 48.7758 N 9.1829 E"),
            (b"IDAT", &[marker; 32]),
        ],
    )
}

async fn stored(app: &TestApp) -> implementation_update::Model {
    implementation_update::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

/// An adopted proposal with one implementation entry: (app, planner, proposal, entry).
async fn adopted_with_entry() -> (TestApp, String, i64, i64) {
    let app = TestApp::new().await;
    procedure(
        &app,
        SLUG,
        PhaseKind::Proposals,
        VoteRule::Support { cap: None },
        PhaseKind::Proposals,
    )
    .await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let anna = app.resident("anna@example.org").await;
    let id = propose(&app, SLUG, &anna, "Mehr Bäume in der Südstadt").await;
    end_voting(&app).await;
    let adopted = app
        .json(
            "PUT",
            &format!("/api/v1/proposals/{id}/outcome"),
            json!({ "outcome": "adopted", "justification": "" }),
            Some(&planner),
        )
        .await;
    assert_eq!(adopted.status, StatusCode::OK, "{}", adopted.body);
    let recorded = app
        .json(
            "POST",
            &format!("/api/v1/proposals/{id}/implementation"),
            json!({ "status": "done", "note": "Alle vierzig Linden sind gepflanzt.", "happened_on": "" }),
            Some(&planner),
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
    let entry = body(&recorded)["entries"][0]["id"].as_i64().unwrap();
    (app, planner, id, entry)
}

#[tokio::test]
async fn planners_add_a_photo_by_rest_that_is_shown_without_its_metadata() {
    let (app, planner, id, entry) = adopted_with_entry().await;
    let path = format!("/api/v1/implementation-entries/{entry}/photo");
    let put = |fields: Vec<(&'static str, &'static str)>, image: Option<Vec<u8>>, token: String| {
        let path = path.clone();
        let app = &app;
        async move {
            let files: Vec<(&str, &str, &[u8])> = image
                .as_deref()
                .map(|bytes| ("image", "image/png", bytes))
                .into_iter()
                .collect();
            send_multipart(
                app,
                "PUT",
                &path,
                multipart_body(&fields, &files),
                &[("authorization", format!("Bearer {token}"))],
            )
            .await
        }
    };

    // Refused: a resident, no text alternative, not an image, an entry that does not exist.
    let resident = app.resident("bert@example.org").await;
    let denied = put(vec![("alt", ALT)], Some(png(1)), resident).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let no_alt = put(vec![("alt", "")], Some(png(1)), planner.clone()).await;
    assert_eq!(no_alt.status, StatusCode::UNPROCESSABLE_ENTITY);
    let not_image = put(
        vec![("alt", ALT)],
        Some(b"GIF89a not really".to_vec()),
        planner.clone(),
    )
    .await;
    assert_eq!(not_image.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error_code(&not_image), "unsupported_media_type");
    let no_file = put(vec![("alt", ALT)], None, planner.clone()).await;
    assert_eq!(no_file.status, StatusCode::UNPROCESSABLE_ENTITY);
    let missing = send_multipart(
        &app,
        "PUT",
        "/api/v1/implementation-entries/999999/photo",
        multipart_body(&[("alt", ALT)], &[("image", "image/png", &png(1))]),
        &[("authorization", format!("Bearer {planner}"))],
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(stored(&app).await.photo_file, None);
    assert!(app.media_files().is_empty());

    // Stored and served without the chunk that named a person and a place.
    let saved = put(vec![("alt", ALT)], Some(png(1)), planner.clone()).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let url = body(&saved)["url"].as_str().unwrap().to_owned();
    let file = app.get(&url).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(!file.body.contains("Erika") && !file.body.contains("48.7758"));
    let implementation = body(
        &app.get(&format!("/api/v1/proposals/{id}/implementation"))
            .await,
    );
    let photo = &implementation["entries"][0]["photo"];
    assert_eq!(photo["url"], url.as_str());
    assert_eq!(photo["alt"], ALT);
    assert_eq!(photo["width"], 800);
    let page = app.get(&format!("/vorschlaege/{id}")).await;
    assert!(page.body.contains(&format!("src=\"{url}\"")));
    assert!(page.body.contains(&format!("alt=\"{ALT}\"")));
    // Residents see no photo form.
    assert!(!page.body.contains("multipart/form-data"));

    // Only the text alternative changes without a file; a new file replaces the old one,
    // whose file goes.
    let alt_only = put(vec![("alt", "Linden im Herbst")], None, planner.clone()).await;
    assert_eq!(alt_only.status, StatusCode::OK, "{}", alt_only.body);
    assert_eq!(body(&alt_only)["url"], url.as_str());
    assert_eq!(stored(&app).await.photo_alt, "Linden im Herbst");
    let replaced = put(vec![("alt", ALT)], Some(png(2)), planner.clone()).await;
    assert_eq!(replaced.status, StatusCode::OK);
    assert_ne!(body(&replaced)["url"], url.as_str());
    assert_eq!(app.media_files().len(), 1);
    let removed = app.json("DELETE", &path, Value::Null, Some(&planner)).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_eq!(stored(&app).await.photo_file, None);
    assert!(app.media_files().is_empty());
}

#[tokio::test]
async fn the_entry_form_adds_a_photo_without_javascript_and_shows_refusals() {
    let (app, planner, id, entry) = adopted_with_entry().await;
    let cookie = format!("mitreden_session={planner}");
    // On the planners' page of the proposal's implementation (the proposal's own page
    // carries no forms for planners).
    let page = format!("/verwaltung/vorschlaege/{id}/umsetzung");
    let proposal = app
        .get_with(&format!("/vorschlaege/{id}"), &[("cookie", &cookie)])
        .await;
    assert!(!proposal.body.contains("multipart/form-data"));
    let shown = app.get_with(&page, &[("cookie", &cookie)]).await;
    let action = format!("action=\"/verwaltung/umsetzung/{entry}/foto\"");
    assert!(shown.body.contains(&action), "{}", shown.body);
    let form = format!("/verwaltung/umsetzung/{entry}/foto");
    let headers = [("cookie", cookie.clone())];
    let post = |fields: &[(&str, &str)], image: Option<&[u8]>| {
        let files: Vec<(&str, &str, &[u8])> = image
            .map(|bytes| ("image", "image/png", bytes))
            .into_iter()
            .collect();
        send_multipart(
            &app,
            "POST",
            &form,
            multipart_body(fields, &files),
            &headers,
        )
    };

    // A refusal returns to that page with the problem, and nothing is stored.
    let refused = post(&[("alt", "x"), ("action", "save")], Some(&png(1))).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    let back = refused.header("location").to_owned();
    assert!(
        back.starts_with(&page) && back.ends_with("#umsetzung"),
        "{back}"
    );
    let with_error = app.get_with(&back, &[("cookie", &cookie)]).await;
    assert!(
        with_error.body.contains("error-summary"),
        "{}",
        with_error.body
    );
    assert_eq!(stored(&app).await.photo_file, None);

    let saved = post(&[("alt", ALT), ("action", "save")], Some(&png(1))).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        saved.header("location"),
        format!("{page}?status=image_saved#umsetzung")
    );
    let after = app
        .get_with(
            &format!("{page}?status=image_saved"),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(after.body.contains("Das Bild wurde gespeichert."));
    assert!(after.body.contains(&format!("alt=\"{ALT}\"")));
    let removed = post(&[("alt", ""), ("action", "remove")], None).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(stored(&app).await.photo_file, None);
    // Anonymous: to the sign-in page, nothing changes.
    let anonymous = send_multipart(
        &app,
        "POST",
        &form,
        multipart_body(&[("alt", ALT)], &[("image", "image/png", &png(1))]),
        &[],
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.header("location"), "/anmelden");
    assert_eq!(stored(&app).await.photo_file, None);
}
