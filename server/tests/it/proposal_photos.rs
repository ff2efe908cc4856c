//! Photos on proposals: their author adds up to three (by REST or by a form that works
//! without JavaScript), each stored anew in three sizes without any metadata; moderators
//! hide one with a public reason (the author is told); they are in the author's data
//! export and leave with the account.

use crate::fixtures::{body, decide, procedure, propose};
use crate::harness::{TestApp, error_code, multipart_body, send_multipart};
use app::backend::entity::proposal_photo;
use app::formats::proposals::model::VoteRule;
use app::model::account::Role;
use app::model::procedure::PhaseKind;
use http::StatusCode;
use image::ImageEncoder;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

const SLUG: &str = "fotos";
const ALT: &str = "Die Kreuzung am Marktplatz ohne Radweg";

/// A real JPEG of one colour, 1,600 × 1,000, with an Exif block that carries a GPS note
/// and a camera name (which the server must not keep).
fn photo(shade: u8) -> Vec<u8> {
    let picture = image::RgbImage::from_pixel(1_600, 1_000, image::Rgb([shade, 90, 160]));
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 80)
        .encode_image(&picture)
        .unwrap();
    let mut tiff = b"II\x2A\0\x08\0\0\0\0\0\0\0\0\0".to_vec();
    tiff.extend_from_slice(b"GPS 48.7758 N 9.1829 E Kamera X100");
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&tiff);
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE1];
    bytes.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    bytes.extend_from_slice(&exif);
    bytes.extend_from_slice(&plain[2..]);
    bytes
}

/// A PNG whose header claims 8,000 × 7,000 pixels: small on the wire, 224 MB decoded.
fn bomb() -> Vec<u8> {
    let mut bytes = Vec::new();
    let picture = image::RgbImage::new(16, 16);
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(picture.as_raw(), 16, 16, image::ExtendedColorType::Rgb8)
        .unwrap();
    bytes[16..20].copy_from_slice(&8_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&7_000u32.to_be_bytes());
    bytes
}

/// The bytes of a stored file, by the address it is served at.
fn stored_bytes(app: &TestApp, url: &str) -> Vec<u8> {
    let name = url.strip_prefix("/medien/").unwrap();
    std::fs::read(app.data_dir.path().join("media").join(name)).unwrap()
}

async fn photo_rows(app: &TestApp) -> u64 {
    proposal_photo::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap()
}

/// A procedure with one proposal by Anna: (app, Anna's token, proposal).
async fn proposal_by_anna() -> (TestApp, String, i64) {
    let app = TestApp::new().await;
    procedure(
        &app,
        SLUG,
        PhaseKind::Proposals,
        VoteRule::Support { cap: None },
        PhaseKind::Proposals,
    )
    .await;
    let anna = app.resident("anna@example.org").await;
    let id = propose(&app, SLUG, &anna, "Ein Radweg über den Marktplatz").await;
    (app, anna, id)
}

async fn upload(
    app: &TestApp,
    proposal: i64,
    token: Option<&str>,
    alt: &str,
    image: Option<(&str, &[u8])>,
) -> crate::harness::TestResponse {
    let files: Vec<(&str, &str, &[u8])> = image
        .map(|(kind, bytes)| ("image", kind, bytes))
        .into_iter()
        .collect();
    let headers: Vec<(&str, String)> = token
        .map(|token| ("authorization", format!("Bearer {token}")))
        .into_iter()
        .collect();
    send_multipart(
        app,
        "POST",
        &format!("/api/v1/proposals/{proposal}/photos"),
        multipart_body(&[("alt", alt)], &files),
        &headers,
    )
    .await
}

#[tokio::test]
async fn authors_add_up_to_three_photos_stored_anew_without_metadata() {
    let (app, anna, id) = proposal_by_anna().await;
    let jpeg = photo(10);
    let bert = app.resident("bert@example.org").await;

    // Refused, and nothing is stored: another person, no text alternative, not an image,
    // no file, too large, a decompression bomb, no such proposal, no session.
    let refusals = [
        (
            upload(&app, id, Some(&bert), ALT, Some(("image/jpeg", &jpeg))).await,
            StatusCode::FORBIDDEN,
        ),
        (
            upload(&app, id, Some(&anna), "", Some(("image/jpeg", &jpeg))).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            upload(
                &app,
                id,
                Some(&anna),
                ALT,
                Some(("image/gif", b"GIF89a not really")),
            )
            .await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            upload(&app, id, Some(&anna), ALT, None).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            upload(
                &app,
                id,
                Some(&anna),
                ALT,
                Some(("image/jpeg", &vec![0xFF; 5 * 1024 * 1024 + 1])),
            )
            .await,
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            upload(&app, id, Some(&anna), ALT, Some(("image/png", &bomb()))).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            upload(&app, 999_999, Some(&anna), ALT, Some(("image/jpeg", &jpeg))).await,
            StatusCode::NOT_FOUND,
        ),
        (
            upload(&app, id, None, ALT, Some(("image/jpeg", &jpeg))).await,
            StatusCode::UNAUTHORIZED,
        ),
    ];
    for (response, status) in &refusals {
        assert_eq!(response.status, *status, "{}", response.body);
    }
    assert_eq!(error_code(&refusals[2].0), "unsupported_media_type");
    assert_eq!(photo_rows(&app).await, 0);
    assert!(app.media_files().is_empty());

    // Stored in three sizes, each a JPEG without the Exif block, the GPS note or the
    // camera's name, and served as an image.
    let added = upload(&app, id, Some(&anna), ALT, Some(("image/jpeg", &jpeg))).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let photo = body(&added);
    assert_eq!(photo["alt"], ALT);
    assert_eq!(
        (photo["width"].as_u64(), photo["height"].as_u64()),
        (Some(1_280), Some(800))
    );
    for (size, side) in [("list_url", 480), ("page_url", 1_280), ("print_url", 1_600)] {
        let url = photo[size].as_str().unwrap();
        let served = app.get(url).await;
        assert_eq!(served.status, StatusCode::OK);
        assert_eq!(served.header("content-type"), "image/jpeg");
        let bytes = stored_bytes(&app, url);
        for marker in [&b"Exif"[..], b"GPS", b"Kamera"] {
            assert!(!bytes.windows(marker.len()).any(|w| w == marker), "{size}");
        }
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert_eq!(decoded.width(), side, "{size}");
    }
    assert_eq!(app.media_files().len(), 3);

    // Listed, shown on the proposal's page with its text alternative.
    let listed = body(&app.get(&format!("/api/v1/proposals/{id}/photos")).await);
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    let page = app.get(&format!("/vorschlaege/{id}")).await;
    assert!(
        page.body.contains(&format!("alt=\"{ALT}\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains(photo["page_url"].as_str().unwrap()));

    // Three at most.
    for shade in [20, 30] {
        let more = upload(
            &app,
            id,
            Some(&anna),
            ALT,
            Some(("image/jpeg", &self::photo(shade))),
        )
        .await;
        assert_eq!(more.status, StatusCode::CREATED, "{}", more.body);
    }
    let fourth = upload(
        &app,
        id,
        Some(&anna),
        ALT,
        Some(("image/jpeg", &self::photo(40))),
    )
    .await;
    assert_eq!(fourth.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(fourth.body.contains("too_many"), "{}", fourth.body);
    assert_eq!(photo_rows(&app).await, 3);

    // The text alternative changes; only the author removes, and the files go with it.
    let photo_path = format!("/api/v1/proposal-photos/{}", photo["id"]);
    let patched = app
        .json(
            "PATCH",
            &photo_path,
            json!({ "alt": "Die Kreuzung im Regen" }),
            Some(&anna),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(body(&patched)["alt"], "Die Kreuzung im Regen");
    let not_hers = app
        .json("DELETE", &photo_path, Value::Null, Some(&bert))
        .await;
    assert_eq!(not_hers.status, StatusCode::FORBIDDEN);
    let removed = app
        .json("DELETE", &photo_path, Value::Null, Some(&anna))
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_eq!(photo_rows(&app).await, 2);
    assert_eq!(app.media_files().len(), 6);
    let gone = app.get(photo["page_url"].as_str().unwrap()).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

/// Five uploads at once to a proposal with room for three: all pass the first look, three
/// are kept, and the files rendered for the two refused in their transaction are removed,
/// not left in the media directory for nothing to refer to.
#[tokio::test]
async fn uploads_at_once_keep_three_photos_and_leave_no_stray_files() {
    let (app, anna, id) = proposal_by_anna().await;
    let photos: Vec<Vec<u8>> = (0..5).map(|n| photo(50 + n * 20)).collect();
    let answers = futures_util::future::join_all(
        photos
            .iter()
            .map(|jpeg| upload(&app, id, Some(&anna), ALT, Some(("image/jpeg", jpeg)))),
    )
    .await;
    let created = answers
        .iter()
        .filter(|a| a.status == StatusCode::CREATED)
        .count();
    assert_eq!(
        created,
        3,
        "{:?}",
        answers.iter().map(|a| &a.body).collect::<Vec<_>>()
    );
    for refused in answers.iter().filter(|a| a.status != StatusCode::CREATED) {
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("too_many"), "{}", refused.body);
    }
    assert_eq!(photo_rows(&app).await, 3);
    assert_eq!(app.media_files().len(), 9, "{:?}", app.media_files());
}

#[tokio::test]
async fn moderators_hide_a_photo_with_a_public_reason_and_the_author_is_told() {
    let (app, anna, id) = proposal_by_anna().await;
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let added = upload(&app, id, Some(&anna), ALT, Some(("image/jpeg", &photo(10)))).await;
    let photo_id = body(&added)["id"].as_i64().unwrap();
    let other = propose(&app, SLUG, &anna, "Ein zweiter Vorschlag").await;
    let decide = |target: i64, reason: Value, photos: Value| {
        app.json(
            "POST",
            "/api/v1/moderation/decisions",
            json!({
                "target": { "kind": "proposal", "id": target },
                "action": "redact",
                "reason": reason,
                "public_reason": "Auf dem Foto ist ein Kennzeichen zu lesen.",
                "hide_photos": photos,
            }),
            Some(&moderator),
        )
    };
    let mails_before = app.mail_count().await;

    // Refused: without a reason; a photo of another proposal.
    let no_reason = decide(id, Value::Null, json!([photo_id])).await;
    assert_eq!(
        no_reason.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        no_reason.body
    );
    let elsewhere = decide(other, json!("personal_data"), json!([photo_id])).await;
    assert_eq!(
        elsewhere.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        elsewhere.body
    );
    assert!(elsewhere.body.contains("hide_photos"), "{}", elsewhere.body);
    assert_eq!(app.mail_count().await, mails_before);

    // The listing's card shows the first photo, in the list size, in the page and the API.
    let listed = body(&added);
    let list_url = listed["list_url"].as_str().unwrap().to_owned();
    let card = format!(
        r#"<img src="{list_url}" alt="{ALT}" width="{}" height="{}" loading="lazy" class="proposal-card__photo">"#,
        listed["list_width"], listed["list_height"]
    );
    let listing = app.get(&format!("/verfahren/{SLUG}")).await.body;
    assert!(listing.contains(&card), "{card}\n{listing}");
    let api = body(
        &app.get(&format!("/api/v1/procedures/{SLUG}/proposals"))
            .await,
    );
    let item = |api: &Value| {
        api["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(item(&api)["photo"]["list_url"], list_url.as_str());
    assert_eq!(item(&api)["photo"]["alt"], ALT);

    let hidden = decide(id, json!("personal_data"), json!([photo_id])).await;
    assert_eq!(hidden.status, StatusCode::CREATED, "{}", hidden.body);
    // Off the card, for everyone.
    assert!(
        !app.get(&format!("/verfahren/{SLUG}"))
            .await
            .body
            .contains(&list_url)
    );
    let api = body(
        &app.get(&format!("/api/v1/procedures/{SLUG}/proposals"))
            .await,
    );
    assert_eq!(item(&api)["photo"], Value::Null);
    // Gone for everyone else; its author sees it marked.
    let public = body(&app.get(&format!("/api/v1/proposals/{id}/photos")).await);
    assert_eq!(public, json!([]));
    let own = app
        .json(
            "GET",
            &format!("/api/v1/proposals/{id}/photos"),
            Value::Null,
            Some(&anna),
        )
        .await;
    assert_eq!(body(&own)[0]["hidden"], true);
    let page = app.get(&format!("/vorschlaege/{id}")).await;
    assert!(!page.body.contains(ALT));
    // The ledger carries the public reason; the author has a mail.
    let ledger = app.get("/api/v1/moderation/ledger").await;
    assert!(ledger.body.contains("Kennzeichen"), "{}", ledger.body);
    assert_eq!(app.mail_count().await, mails_before + 1);
    assert!(
        app.last_mail_to("anna@example.org")
            .await
            .body_text
            .contains("Kennzeichen")
    );
    // Hidden once: a second time is refused.
    let again = decide(id, json!("personal_data"), json!([photo_id])).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// A small PNG of one colour: quick to re-encode where only the rules around it matter.
fn small_png(shade: u8) -> Vec<u8> {
    let picture = image::RgbImage::from_pixel(48, 32, image::Rgb([shade, 120, 60]));
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(picture.as_raw(), 48, 32, image::ExtendedColorType::Rgb8)
        .unwrap();
    bytes
}

/// The open queue entries as the moderators' API lists them: (proposal, rule) each.
async fn queued(app: &TestApp, moderator: &str) -> Vec<(i64, Option<String>)> {
    let queue = body(&app.get_as("/api/v1/moderation/queue", moderator).await);
    queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["target"]["id"].as_i64().unwrap(),
                item["screen_rule"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// A moderator approves the proposal: its queue entry is closed.
async fn approve(app: &TestApp, moderator: &str, id: i64) {
    let decision = json!({ "target": { "kind": "proposal", "id": id }, "action": "approve" });
    let approved = decide(app, moderator, decision).await;
    assert_eq!(approved.status, StatusCode::CREATED, "{}", approved.body);
    assert_eq!(queued(app, moderator).await, vec![]);
}

/// The author changes a photo's text alternative.
async fn change_alt(app: &TestApp, author: &str, photo_id: i64, alt: &str) {
    let changed = app
        .json(
            "PATCH",
            &format!("/api/v1/proposal-photos/{photo_id}"),
            json!({ "alt": alt }),
            Some(author),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
}

/// A photo is looked at as text is. Its text alternative passes the pre-screen; where
/// contributions are reviewed before they are shown, a photo added to a proposal already
/// shown puts the proposal into the queue until a moderator has looked; where they are
/// moderated afterwards, it does not.
#[tokio::test]
async fn new_photos_are_looked_at_as_text_is() {
    let (app, anna, id) = proposal_by_anna().await;
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let admin = app.with_role("admin@example.org", Role::Admin).await;
    let settings =
        json!({ "report_threshold": 2, "screen_words": "Betrug*", "screen_link_limit": 1 });
    let saved = app
        .json("PUT", "/api/v1/moderation/settings", settings, Some(&admin))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let add = |alt: &'static str, shade: u8| {
        let (app, anna) = (&app, &anna);
        async move {
            let added = upload(
                app,
                id,
                Some(anna),
                alt,
                Some(("image/png", &small_png(shade))),
            )
            .await;
            assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
            body(&added)["id"].as_i64().unwrap()
        }
    };
    let screened = vec![(id, Some("word: betrug*".to_owned()))];

    // Moderated afterwards: a plain photo goes up and nobody is asked.
    let photo_id = add(ALT, 1).await;
    assert_eq!(queued(&app, &moderator).await, vec![]);
    // A text alternative the pre-screen catches: shown, and in the queue for a look.
    add("Betrugsmasche am Marktplatz", 2).await;
    assert_eq!(queued(&app, &moderator).await, screened);
    approve(&app, &moderator, id).await;
    // Changing a photo's text is screened too.
    change_alt(&app, &anna, photo_id, "Betrug am Radweg").await;
    assert_eq!(queued(&app, &moderator).await, screened);
    approve(&app, &moderator, id).await;

    // Reviewed before shown: the proposal is shown (approved), its new photo is looked at.
    app.state
        .db
        .execute_unprepared("UPDATE procedures SET moderation = 'pre'")
        .await
        .unwrap();
    app.procedures_changed_behind_its_back().await;
    add(ALT, 3).await;
    assert_eq!(
        queued(&app, &moderator).await,
        vec![(id, Some("photo added".to_owned()))]
    );
    // The proposal stays shown meanwhile: its votes and comments do not vanish.
    let public = app.get(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(public.status, StatusCode::OK);
    approve(&app, &moderator, id).await;
    // A changed text alone asks for nobody.
    change_alt(&app, &anna, photo_id, "Der Marktplatz von Norden").await;
    assert_eq!(queued(&app, &moderator).await, vec![]);
}

#[tokio::test]
async fn the_photo_forms_work_without_javascript() {
    let (app, anna, id) = proposal_by_anna().await;
    let cookie = format!("mitreden_session={anna}");
    let page = format!("/vorschlaege/{id}/fotos");
    let proposal = app
        .get_with(&format!("/vorschlaege/{id}"), &[("cookie", &cookie)])
        .await;
    assert!(
        proposal.body.contains(&format!("href=\"{page}\"")),
        "{}",
        proposal.body
    );
    let shown = app.get_with(&page, &[("cookie", &cookie)]).await;
    assert_eq!(shown.status, StatusCode::OK);
    let action = format!("/vorschlaege/{id}/fotos/neu");
    assert!(
        shown.body.contains(&format!("action=\"{action}\"")),
        "{}",
        shown.body
    );
    let headers = [("cookie", cookie.clone())];
    let jpeg = photo(10);

    // Refused: back to the page with the problem and the text typed; nothing stored.
    let refused = send_multipart(
        &app,
        "POST",
        &action,
        multipart_body(&[("alt", "x")], &[("image", "image/jpeg", &jpeg)]),
        &headers,
    )
    .await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    let back = refused.header("location").to_owned();
    assert!(back.starts_with(&page), "{back}");
    let with_error = app.get_with(&back, &[("cookie", &cookie)]).await;
    assert!(
        with_error.body.contains("error-summary"),
        "{}",
        with_error.body
    );
    assert_eq!(photo_rows(&app).await, 0);

    let saved = send_multipart(
        &app,
        "POST",
        &action,
        multipart_body(&[("alt", ALT)], &[("image", "image/jpeg", &jpeg)]),
        &headers,
    )
    .await;
    assert_eq!(
        saved.header("location"),
        format!("{page}?status=image_saved")
    );
    let after = app
        .get_with(
            &format!("{page}?status=image_saved"),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(after.body.contains("Das Bild wurde gespeichert."));
    assert!(after.body.contains(&format!("alt=\"{ALT}\"")));
    let photo_id = proposal_photo::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;

    // Someone else may not open the page, nor remove the photo.
    let bert = app.resident("bert@example.org").await;
    let bert_cookie = format!("mitreden_session={bert}");
    let refused_page = app.get_with(&page, &[("cookie", &bert_cookie)]).await;
    assert!(!refused_page.body.contains(&action));
    let change = format!("/fotos/{photo_id}");
    let by_bert = send_multipart(
        &app,
        "POST",
        &change,
        multipart_body(&[("action", "remove")], &[]),
        &[("cookie", bert_cookie)],
    )
    .await;
    assert_eq!(by_bert.status, StatusCode::SEE_OTHER);
    assert_eq!(photo_rows(&app).await, 1);

    // Her text alternative changes, then the photo goes.
    let alt = send_multipart(
        &app,
        "POST",
        &change,
        multipart_body(&[("action", "alt"), ("alt", "Die Kreuzung im Regen")], &[]),
        &headers,
    )
    .await;
    assert_eq!(alt.header("location"), format!("{page}?status=image_saved"));
    let removed = send_multipart(
        &app,
        "POST",
        &change,
        multipart_body(&[("action", "remove")], &[]),
        &headers,
    )
    .await;
    assert_eq!(
        removed.header("location"),
        format!("{page}?status=image_removed")
    );
    assert_eq!(photo_rows(&app).await, 0);
    assert!(app.media_files().is_empty());
}

#[tokio::test]
async fn photos_are_in_the_data_export_and_leave_with_the_account() {
    let (app, anna, id) = proposal_by_anna().await;
    let added = upload(&app, id, Some(&anna), ALT, Some(("image/jpeg", &photo(10)))).await;
    assert_eq!(added.status, StatusCode::CREATED);
    let export = app
        .json("GET", "/api/v1/me/export", Value::Null, Some(&anna))
        .await;
    let exported = &body(&export)["proposal_photos"];
    assert_eq!(exported[0]["proposal_id"], id);
    assert_eq!(exported[0]["alt"], ALT);
    assert_eq!(exported[0]["url"], body(&added)["print_url"]);

    let deleted = app
        .json("DELETE", "/api/v1/me", Value::Null, Some(&anna))
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(photo_rows(&app).await, 0);
    assert!(app.media_files().is_empty());
    // The proposal stays, without them.
    let listed = body(&app.get(&format!("/api/v1/proposals/{id}/photos")).await);
    assert_eq!(listed, json!([]));
}
