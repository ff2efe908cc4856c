//! Server functions as the hydrated pages call them after client-side navigation: the
//! browser serialises the arguments as a URL-encoded form, and arguments that are all
//! defaults (a listing without filters, a queue without filters) are left out entirely.
//! Such a call must get the default, never a 500.

use crate::harness::TestApp;
use app::model::account::Role;
use axum::http::StatusCode;

#[tokio::test]
async fn listing_without_any_filter_answers_the_default_listing() {
    let app = TestApp::new().await.with_demo().await;
    // Exactly what the browser sends when a procedure card is clicked: the slug, nothing else.
    let listed = app
        .post_form_as_script("/api/list_proposals", "slug=radverkehr-2030")
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let listing: serde_json::Value = serde_json::from_str(&listed.body).unwrap();
    assert!(
        !listing["items"].as_array().unwrap().is_empty(),
        "the demo procedure lists its proposals"
    );
    // With one filter set, the others still take their defaults.
    let sorted = app
        .post_form_as_script(
            "/api/list_proposals",
            "slug=radverkehr-2030&query%5Bsort%5D=newest",
        )
        .await;
    assert_eq!(sorted.status, StatusCode::OK, "{}", sorted.body);
    let sorted: serde_json::Value = serde_json::from_str(&sorted.body).unwrap();
    assert_eq!(sorted["sort"], "newest");
    // A missing slug is still the caller's mistake: a clear 4xx, never a 500.
    let missing = app.post_form_as_script("/api/list_proposals", "").await;
    assert!(
        missing.status.is_client_error(),
        "{} {}",
        missing.status,
        missing.body
    );
}

#[tokio::test]
async fn moderation_reads_without_filters_answer_the_whole_queue() {
    let app = TestApp::new().await.with_demo().await;
    let token = app.with_role("mod@example.org", Role::Moderator).await;
    let cookie = format!("mitreden_session={token}");
    for (path, body) in [
        ("/api/get_queue", ""),
        ("/api/get_ledger", ""),
        ("/api/get_moderation_stats", ""),
        ("/api/get_moderation_settings", ""),
    ] {
        let response = app
            .send(
                axum::http::Request::post(path)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("accept", "application/json")
                    .header("cookie", &cookie)
                    .body(axum::body::Body::from(body))
                    .unwrap(),
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.body);
    }
}
