//! Server-rendered pages as a browser without JavaScript receives them.

use crate::harness::TestApp;
use http::StatusCode;

#[tokio::test]
async fn the_start_page_lists_running_procedures_in_german_by_default() {
    let app = TestApp::new().await.with_demo().await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(
        page.body.contains(r#"<html lang="de""#),
        "{}",
        &page.body[..300]
    );
    assert!(page.body.contains("<h1>Beteiligungsverfahren</h1>"));
    assert!(page.body.contains("Radverkehrskonzept 2030"));
    assert!(page.body.contains("Neugestaltung des Marktplatzes"));
    // Upcoming and finished procedures wait behind their tabs.
    assert!(!page.body.contains("Bürgerhaushalt 2027"));
    assert!(page.body.contains(r#"href="/?status=upcoming""#));
    // Footer links to every legally required page.
    for path in ["/impressum", "/datenschutz", "/barrierefreiheit"] {
        assert!(page.body.contains(&format!(r#"href="{path}""#)), "{path}");
    }
}

#[tokio::test]
async fn the_start_page_explains_an_empty_instance() {
    let app = TestApp::new().await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Zurzeit läuft kein Beteiligungsverfahren.")
    );
}

#[tokio::test]
async fn a_hostile_filter_value_falls_back_to_running() {
    let app = TestApp::new().await.with_demo().await;
    let page = app.get("/?status=%3Cscript%3Ealert(1)%3C/script%3E").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Radverkehrskonzept 2030"));
    assert!(!page.body.contains("<script>alert(1)"));
}

#[tokio::test]
async fn language_follows_the_cookie_then_accept_language() {
    let app = TestApp::new().await.with_demo().await;
    let english = app
        .get_with("/", &[("accept-language", "en-GB,en;q=0.9,de;q=0.5")])
        .await;
    assert!(english.body.contains(r#"<html lang="en""#));
    assert!(english.body.contains("<h1>Participation procedures</h1>"));

    let chosen = app
        .get_with(
            "/",
            &[("accept-language", "en-GB"), ("cookie", "mitreden_lang=de")],
        )
        .await;
    assert!(chosen.body.contains(r#"<html lang="de""#));
}

/// `app/locales-test/uk/` is a folder of Fluent files and nothing else: no code names the
/// language. Compiled in for the tests, it is offered, chosen and rendered like the others,
/// with its own plural rules; what it lacks reads in German.
#[tokio::test]
async fn a_third_language_is_added_by_adding_files() {
    let app = TestApp::new().await.with_demo().await;
    let page = app.get_with("/", &[("cookie", "mitreden_lang=uk")]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"<html lang="uk""#),
        "{}",
        &page.body[..300]
    );
    assert!(page.body.contains("<h1>Процеси участі</h1>"));
    assert!(
        page.body.contains("Триває"),
        "the filter tabs are translated"
    );
    assert!(page.body.contains("Radverkehrskonzept 2030"));
    // Not translated yet: the German text stands in.
    assert!(
        page.body
            .contains("Eine Beteiligungsplattform, betrieben von der Stadt")
    );
    // The switch offers the other languages, each named in its own language.
    assert!(page.body.contains(r#"lang="de""#) && page.body.contains(">Deutsch<"));
    assert!(page.body.contains(">English<"));
    let accepted = app
        .get_with("/", &[("accept-language", "uk-UA,uk;q=0.9")])
        .await;
    assert!(accepted.body.contains("<h1>Процеси участі</h1>"));

    let uk = app::i18n::Lang::parse("uk").expect("the test locale is compiled in");
    let t = uk.texts();
    assert_eq!(t.comments_count(1), "1 коментар");
    assert_eq!(t.comments_count(3), "3 коментарі");
    assert_eq!(t.comments_count(5), "5 коментарів");
    assert_eq!(t.comments_count(21), "21 коментар");
}

#[tokio::test]
async fn the_language_switch_works_as_a_plain_form_post() {
    let app = TestApp::new().await;
    let referer = "http://127.0.0.1:3000/impressum";
    let response = app
        .post_form("/api/set_language", "lang=en", &[("referer", referer)])
        .await;
    assert_eq!(response.status, StatusCode::FOUND);
    assert_eq!(response.header("location"), referer);
    let cookie = response.header("set-cookie");
    assert!(cookie.starts_with("mitreden_lang=en;"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
}

#[tokio::test]
async fn an_unsupported_language_is_refused_without_a_cookie() {
    let app = TestApp::new().await;
    let scripted = app
        .post_form_as_script("/api/set_language", "lang=tlh")
        .await;
    assert_eq!(
        scripted.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        scripted.body
    );
    let error: serde_json::Value = serde_json::from_str(&scripted.body).unwrap();
    assert_eq!(error["code"], "invalid_input");
    assert_eq!(error["field"], "lang");
    assert!(scripted.headers.get("set-cookie").is_none());

    // Without JavaScript the visitor is sent back to the page, still without a cookie.
    let referer = "http://127.0.0.1:3000/";
    let plain = app
        .post_form("/api/set_language", "lang=tlh", &[("referer", referer)])
        .await;
    assert_eq!(plain.status, StatusCode::FOUND);
    assert!(plain.header("location").starts_with(referer));
    assert!(plain.headers.get("set-cookie").is_none());
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_any_handler() {
    let app = TestApp::new().await;
    let body = format!("lang={}", "e".repeat(server::MAX_BODY_BYTES + 1));
    let response = app.post_form("/api/set_language", &body, &[]).await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn unknown_addresses_get_a_localized_404_page() {
    let app = TestApp::new().await;
    let german = app.get("/gibt-es-nicht").await;
    assert_eq!(german.status, StatusCode::NOT_FOUND);
    assert!(german.body.contains("Seite nicht gefunden"));
    assert!(german.body.contains(r#"href="/""#));

    let english = app
        .get_with("/nope", &[("cookie", "mitreden_lang=en")])
        .await;
    assert_eq!(english.status, StatusCode::NOT_FOUND);
    assert!(english.body.contains("Page not found"));
}

#[tokio::test]
async fn pages_carry_a_strict_content_security_policy_with_a_fresh_nonce() {
    let app = TestApp::new().await;
    let first = app.get("/").await;
    let policy = first.header("content-security-policy").to_owned();
    assert!(policy.contains("default-src 'self'"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap();
    assert!(
        first.body.contains(&format!(r#"nonce="{nonce}""#)),
        "inline scripts lack the nonce"
    );
    let second = app.get("/").await;
    assert_ne!(second.header("content-security-policy"), policy);
}

#[tokio::test]
async fn legal_pages_render_the_instance_text_sanitized() {
    let app = TestApp::new().await;
    let example = app.get("/impressum").await;
    assert_eq!(example.status, StatusCode::OK);
    assert!(example.body.contains("Digitale-Dienste-Gesetz"));

    std::fs::write(
        app.data_dir.path().join("pages/impressum.de.md"),
        "## Stadt Beispielhausen\n\n<script>alert(1)</script><img src=https://tracker.example/p.gif>",
    )
    .unwrap();
    let own = app.get("/impressum").await;
    assert!(own.body.contains("<h2>Stadt Beispielhausen</h2>"));
    assert!(!own.body.contains("alert(1)"));
    assert!(!own.body.contains("tracker.example"));

    // English falls back to the German text when the instance has no translation.
    std::fs::remove_file(app.data_dir.path().join("pages/impressum.en.md")).unwrap();
    let english = app
        .get_with("/impressum", &[("cookie", "mitreden_lang=en")])
        .await;
    assert!(english.body.contains("Stadt Beispielhausen"));
    assert!(english.body.contains("<h1>Legal notice</h1>"));
}

#[tokio::test]
async fn the_data_directory_example_texts_are_never_overwritten() {
    let app = TestApp::new().await;
    let path = app.data_dir.path().join("pages/datenschutz.de.md");
    std::fs::write(&path, "## Eigener Text").unwrap();
    server::prepare_data_dir(app.data_dir.path()).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "## Eigener Text");
}

#[tokio::test]
async fn a_page_whose_data_cannot_load_says_so_with_a_5xx_status() {
    let app = TestApp::new().await.with_demo().await;
    app.state.db.close_by_ref().await.unwrap();
    let page = app.get("/verfahren/radverkehr-2030").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.body.contains("Der Dienst ist gerade nicht erreichbar"),
        "{}",
        page.body
    );
    let start = app.get_with("/", &[("cookie", "mitreden_lang=en")]).await;
    assert_eq!(start.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(start.body.contains("The service is unavailable right now"));
    // The page frame still renders: the visitor can navigate away.
    assert!(start.body.contains(r#"href="/impressum""#));
}

/// Regression: leptos_meta reads the title after rendering; a title that read a reactive
/// value could find it disposed under concurrent requests and panic (a 500 for the visitor).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_page_renders_all_succeed() {
    let app = std::sync::Arc::new(TestApp::new().await.with_demo().await);
    let mut tasks = Vec::new();
    for n in 0..400 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let path = [
                "/",
                "/impressum",
                "/gibt-es-nicht",
                "/verfahren/radverkehr-2030",
            ][n % 4];
            // A request that never finishes fails the test instead of hanging the suite.
            let response =
                tokio::time::timeout(std::time::Duration::from_secs(20), app.get(path)).await;
            (
                path,
                response
                    .map(|r| r.status)
                    .unwrap_or(StatusCode::GATEWAY_TIMEOUT),
            )
        }));
    }
    for task in tasks {
        let (path, status) = task.await.unwrap();
        assert!(
            status == StatusCode::OK
                || (path == "/gibt-es-nicht" && status == StatusCode::NOT_FOUND),
            "{path}: {status}"
        );
    }
}
