//! Cross-cutting behaviour of the REST API on both databases: rate limits per address and
//! per account with `Retry-After`, `ETag` / `If-None-Match` on reads, and the OpenAPI
//! description and documentation generated from the same table as the router.

use crate::fixtures::procedure;
use crate::harness::{TestApp, TestResponse, error_code};
use app::formats::proposals::model::VoteRule;
use app::model::procedure::PhaseKind;
use axum::body::Body;
use http::{Request, StatusCode};

#[tokio::test]
async fn an_address_past_its_limit_gets_429_with_retry_after() {
    let app = TestApp::with_config(&[
        ("MITREDEN_RATE_LIMIT", "5"),
        ("MITREDEN_RATE_LIMIT_ACCOUNT", "0"),
    ])
    .await;
    for _ in 0..5 {
        assert_eq!(app.get("/api/v1/procedures").await.status, StatusCode::OK);
    }
    let refused = app.get("/api/v1/procedures").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error_code(&refused), "rate_limited");
    let retry: u64 = refused.header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&retry));
    // Pages are not the API: they stay available.
    assert_eq!(app.get("/").await.status, StatusCode::OK);
}

/// One limiter for both faces: once an address has used its requests on the REST API,
/// the pages' server functions (sign-in among them) are refused too, and the other way
/// round; a browser's form post gets a page that says how long to wait.
#[tokio::test]
async fn server_functions_count_against_the_same_limit() {
    let app = TestApp::with_config(&[
        ("MITREDEN_RATE_LIMIT", "4"),
        ("MITREDEN_RATE_LIMIT_ACCOUNT", "0"),
    ])
    .await;
    for _ in 0..4 {
        assert_eq!(app.get("/api/v1/procedures").await.status, StatusCode::OK);
    }
    let login = "email=anna%40example.org&password=falsch-falsch";
    let scripted = app.post_form_as_script("/api/login", login).await;
    assert_eq!(
        scripted.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        scripted.body
    );
    assert!(!scripted.header("retry-after").is_empty());
    let browser = app.post_form("/api/login", login, &[]).await;
    assert_eq!(browser.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(browser.header("content-type").starts_with("text/html"));
    assert!(
        browser.body.contains("Bitte warten Sie"),
        "{}",
        browser.body
    );

    let fresh = TestApp::with_config(&[
        ("MITREDEN_RATE_LIMIT", "3"),
        ("MITREDEN_RATE_LIMIT_ACCOUNT", "0"),
    ])
    .await;
    for _ in 0..3 {
        let answered = fresh.post_form_as_script("/api/login", login).await;
        assert_ne!(answered.status, StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(
        fresh.get("/api/v1/procedures").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Behind a reverse proxy every request comes from the proxy: only a proxy named in
/// `MITREDEN_TRUSTED_PROXIES` is believed about the client, so one client's requests do
/// not use up everyone's limit, and nobody else can pick an address by header.
#[tokio::test]
async fn a_trusted_proxy_names_the_client_and_nobody_else_does() {
    use axum::extract::ConnectInfo;
    let send = |app: &TestApp, peer: &str, forwarded: &str| {
        let mut request = Request::get("/api/v1/procedures")
            .header("x-forwarded-for", forwarded)
            .body(Body::empty())
            .unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(peer.parse::<std::net::SocketAddr>().unwrap()));
        let router = app.router.clone();
        async move {
            tower::ServiceExt::oneshot(router, request)
                .await
                .unwrap()
                .status()
        }
    };
    let limits = [
        ("MITREDEN_RATE_LIMIT", "2"),
        ("MITREDEN_RATE_LIMIT_ACCOUNT", "0"),
    ];
    let mut behind = limits.to_vec();
    behind.push(("MITREDEN_TRUSTED_PROXIES", "10.0.0.0/8"));
    let app = TestApp::with_config(&behind).await;
    for _ in 0..2 {
        assert_eq!(
            send(&app, "10.0.0.2:4000", "203.0.113.7").await,
            StatusCode::OK
        );
    }
    assert_eq!(
        send(&app, "10.0.0.2:4000", "203.0.113.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client behind the same proxy has its own limit.
    assert_eq!(
        send(&app, "10.0.0.2:4000", "203.0.113.8").await,
        StatusCode::OK
    );
    // A client that is no proxy cannot escape its limit by naming others.
    let direct = TestApp::with_config(&limits).await;
    for n in 0..2 {
        let named = format!("198.51.100.{n}");
        assert_eq!(
            send(&direct, "192.0.2.9:4000", &named).await,
            StatusCode::OK
        );
    }
    assert_eq!(
        send(&direct, "192.0.2.9:4000", "198.51.100.99").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn an_account_past_its_limit_gets_429_even_from_new_addresses() {
    let app = TestApp::with_config(&[
        ("MITREDEN_RATE_LIMIT", "0"),
        ("MITREDEN_RATE_LIMIT_ACCOUNT", "3"),
    ])
    .await;
    let anna = app.resident("anna@example.org").await;
    let bert = app.resident("bert@example.org").await;
    for _ in 0..3 {
        assert_eq!(app.get_as("/api/v1/me", &anna).await.status, StatusCode::OK);
    }
    let refused = app.get_as("/api/v1/me", &anna).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!refused.header("retry-after").is_empty());
    // Another account is not affected, nor is anonymous reading.
    assert_eq!(app.get_as("/api/v1/me", &bert).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/v1/procedures").await.status, StatusCode::OK);
}

#[tokio::test]
async fn reads_carry_an_etag_and_answer_304_when_unchanged() {
    let app = TestApp::new().await;
    procedure(
        &app,
        "gruen",
        PhaseKind::Proposals,
        VoteRule::Support { cap: None },
        PhaseKind::Proposals,
    )
    .await;
    let path = "/api/v1/procedures/gruen/proposals";
    let first = app.get(path).await;
    assert_eq!(first.status, StatusCode::OK);
    let tag = first.header("etag").to_owned();
    assert!(tag.starts_with('"') && tag.len() > 10, "{tag}");
    assert_eq!(first.header("cache-control"), "no-cache");

    let again = app.get_with(path, &[("if-none-match", &tag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), tag);
    let listed = app
        .get_with(path, &[("if-none-match", &format!("\"other\", W/{tag}"))])
        .await;
    assert_eq!(
        listed.status,
        StatusCode::NOT_MODIFIED,
        "weak and listed tags match"
    );

    // A new proposal changes the listing: a new tag and the full answer.
    let anna = app.resident("anna@example.org").await;
    crate::fixtures::propose(&app, "gruen", &anna, "Mehr Bäume am Ring").await;
    let after = app.get_with(path, &[("if-none-match", &tag)]).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_ne!(after.header("etag"), tag);
    assert!(after.body.contains("Mehr Bäume am Ring"));

    // Writes and errors carry none.
    let missing = app.get("/api/v1/procedures/gibt-es-nicht").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.header("etag").is_empty());
    let request = Request::post("/api/v1/auth/logout")
        .body(Body::empty())
        .unwrap();
    assert!(app.send(request).await.header("etag").is_empty());
}

/// The description is generated from the table that builds the router; this checks both
/// directions: every documented operation is routed, and nothing is routed that bypasses
/// the table.
#[tokio::test]
async fn the_openapi_description_lists_every_route_the_api_serves() {
    let app = TestApp::new().await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status, StatusCode::OK);
    let spec: serde_json::Value = serde_json::from_str(&response.body).unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    // Every reference resolves.
    let text = response.body.clone();
    for reference in text.split("\"$ref\":\"").skip(1) {
        let target = reference.split('"').next().unwrap();
        let name = target.strip_prefix("#/components/schemas/").unwrap();
        assert!(schemas.contains_key(name), "unresolved {target}");
    }
    let paths = spec["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        let concrete = path
            .replace("{slug}", "gibt-es-nicht")
            .replace("{id}", "999999")
            .replace("{file}", "export.json");
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            assert!(
                operation["responses"]
                    .as_object()
                    .unwrap()
                    .contains_key("default")
            );
            let request = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(format!("/api/v1{concrete}"))
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let answer = app.send(request).await;
            assert_ne!(
                answer.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            assert!(
                !answer.body.contains(server::rest::NO_SUCH_ENDPOINT),
                "{method} {path} is documented but not routed"
            );
        }
    }
    assert!(operations >= 60, "{operations} operations");
    // A path the API does not have, and a method a path does not take.
    let unknown = app.get("/api/v1/gibt-es-nicht").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains(server::rest::NO_SUCH_ENDPOINT));
    let request = Request::delete("/api/v1/procedures")
        .body(Body::empty())
        .unwrap();
    let wrong = app.send(request).await;
    assert_eq!(wrong.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_code(&wrong), "method_not_allowed");

    // Nothing under /api/v1 is routed outside the table: the REST modules add routes only
    // through `Api::op`, and the one other router (image uploads) is described.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for file in [
        "rest/accounts.rs",
        "rest/procedures.rs",
        "rest/moderation.rs",
        "rest/results.rs",
        "rest/mod.rs",
        "rest/limits.rs",
        "formats/proposals/rest.rs",
        "formats/proposals/onsite_rest.rs",
    ] {
        let source = std::fs::read_to_string(root.join(file)).unwrap();
        assert!(
            !source.contains(".route("),
            "{file} routes outside the description"
        );
    }
    for file in ["media.rs", "formats/proposals/onsite_upload.rs"] {
        let source = std::fs::read_to_string(root.join(file)).unwrap();
        for route in source.split("\"/api/v1").skip(1) {
            let path = route.split('"').next().unwrap();
            assert!(
                paths.contains_key(path),
                "/api/v1{path} is served but not described"
            );
        }
    }
    let lib = std::fs::read_to_string(root.join("lib.rs")).unwrap();
    assert_eq!(
        lib.matches("/api/v1").count(),
        1,
        "one nest of the API in lib.rs"
    );

    // The documentation page lists every path, from the same description.
    let page = app.get("/api/v1/docs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("text/html"));
    for path in paths.keys() {
        assert!(
            page.body.contains(&path.replace('&', "&amp;")),
            "{path} missing on /docs"
        );
    }
}

#[tokio::test]
async fn bodies_that_are_not_json_or_too_large_get_415_and_413_in_the_error_shape() {
    let app = TestApp::new().await;
    let form = Request::post("/api/v1/auth/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("email=a&password=b"))
        .unwrap();
    let answer = app.send(form).await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error_code(&answer), "unsupported_media_type");

    let malformed = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from("{\"email\": "))
        .unwrap();
    let answer = app.send(malformed).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&answer), "request_failed");

    let huge = format!(
        "{{\"email\": \"{}\", \"password\": \"x\"}}",
        "a".repeat(2 * 1024 * 1024)
    );
    let oversized = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(huge))
        .unwrap();
    let answer = app.send(oversized).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&answer), "payload_too_large");
}

#[tokio::test]
async fn downloads_stream_without_an_etag() {
    let app = TestApp::new().await;
    procedure(
        &app,
        "gruen",
        PhaseKind::Proposals,
        VoteRule::Support { cap: None },
        PhaseKind::Proposals,
    )
    .await;
    let planner = app
        .with_role("planung@example.org", app::model::account::Role::Planner)
        .await;
    // An export is a download: streamed, never buffered for a tag.
    let export = app
        .get_as("/api/v1/procedures/gruen/export.json", &planner)
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(
        export
            .header("content-disposition")
            .starts_with("attachment")
    );
    assert!(export.header("etag").is_empty());
    // The results document is an ordinary read.
    let results = app
        .get_as("/api/v1/procedures/gruen/results", &planner)
        .await;
    assert!(!results.header("etag").is_empty());
}

#[tokio::test]
async fn errors_carry_a_message_in_the_language_of_the_request() {
    let app = TestApp::new().await;
    let register = |lang: Option<&'static str>| {
        let body = serde_json::json!({
            "email": "not-an-address", "password": "x", "display_name": "", "accept_terms": true
        })
        .to_string();
        let mut request = Request::post("/api/v1/auth/register")
            .header("content-type", "application/json")
            .header("content-length", body.len());
        if let Some(lang) = lang {
            request = request.header("accept-language", lang);
        }
        request.body(Body::from(body)).unwrap()
    };
    let german = app.send(register(None)).await;
    let english = app.send(register(Some("en-GB,en;q=0.9"))).await;
    assert_eq!(german.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(german.header("content-language"), "de");
    assert_eq!(english.header("content-language"), "en");
    let entries = |answer: &TestResponse| -> Vec<serde_json::Value> {
        serde_json::from_str::<serde_json::Value>(&answer.body).unwrap()["errors"]
            .as_array()
            .unwrap()
            .clone()
    };
    let (de, en) = (entries(&german), entries(&english));
    assert_eq!(de.len(), en.len());
    assert!(!de.is_empty());
    for (de, en) in de.iter().zip(&en) {
        // The same problem, worded for people in each language as the pages word it.
        assert_eq!(de["field"], en["field"]);
        let (field, problem) = (
            de["field"].as_str().unwrap(),
            de["detail"].as_str().unwrap(),
        );
        assert_eq!(
            de["message"],
            app::i18n::Lang::De.texts().invalid_input(field, problem)
        );
        assert_eq!(
            en["message"],
            app::i18n::Lang::En.texts().invalid_input(field, problem)
        );
        assert_ne!(de["message"], en["message"]);
    }
    let email = en
        .iter()
        .find(|e| e["field"] == "email")
        .unwrap_or_else(|| panic!("{en:?}"));
    assert!(
        email["message"].as_str().unwrap().contains("e-mail"),
        "{email}"
    );

    // A body that does not fit the operation is about the request, not about a field.
    let unfit = app
        .send(
            Request::post("/api/v1/auth/register")
                .header("content-type", "application/json")
                .header("accept-language", "en")
                .body(Body::from("{\"email\": 5}"))
                .unwrap(),
        )
        .await;
    let entry = &entries(&unfit)[0];
    assert_eq!(entry["field"], "request_body");
    assert!(entry["message"].as_str().unwrap().contains("/api/v1/docs"));

    // Outside the services too: an address the API does not have.
    let missing = app
        .get_with("/api/v1/no-such-thing", &[("accept-language", "en")])
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let entry = &entries(&missing)[0];
    assert_eq!(entry["code"], "not_found");
    assert_eq!(entry["message"], app::i18n::Lang::En.texts().not_found_body);
}
