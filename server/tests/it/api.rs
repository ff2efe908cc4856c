//! Cross-cutting behaviour of the REST API on both databases: rate limits per address and
//! per account with `Retry-After`, and `ETag` / `If-None-Match` on reads.

use crate::harness::{TestApp, error_code};
use crate::participation::procedure;
use app::model::procedure::PhaseKind;
use app::model::proposal::VoteRule;
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
    crate::participation::propose(&app, "gruen", &anna, "Mehr Bäume am Ring").await;
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
