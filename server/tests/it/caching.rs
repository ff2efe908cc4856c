//! HTTP caching of pages: anonymous visitors' pages carry a tag that a browser or a reverse
//! proxy revalidates, unchanged pages are answered 304, a change the page shows gives a
//! new tag at once, and a signed-in person's page is never kept by a shared cache.

use crate::fixtures::{open_procedure, propose, support};
use crate::harness::TestApp;
use http::StatusCode;

#[tokio::test]
async fn anonymous_pages_are_revalidated_and_change_with_their_content() {
    let app = TestApp::new().await;
    open_procedure(&app, "zwischenspeicher").await;
    let resident = app.resident("anna@example.org").await;
    let id = propose(&app, "zwischenspeicher", &resident, "Trinkbrunnen am Markt").await;
    let path = "/verfahren/zwischenspeicher";
    // A first visit gets the cookie that keeps the random order put: a response that sets
    // a cookie is the visitor's own.
    let fresh = app.get(path).await;
    assert!(fresh.header("set-cookie").starts_with("mitreden_seed="));
    assert_eq!(fresh.header("cache-control"), "private, no-cache");
    // A returning visitor sends it back; caches keep one copy per cookie (Vary: Cookie).
    let seed = "mitreden_seed=42";

    let first = app.get_with(path, &[("cookie", seed)]).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("Trinkbrunnen am Markt"));
    assert_eq!(first.header("cache-control"), "public, no-cache");
    assert!(
        first.header("vary").contains("Cookie"),
        "{:?}",
        first.headers
    );
    let tag = first.header("etag").to_owned();
    assert!(tag.starts_with('"') && tag.len() > 10, "tag {tag:?}");
    // Each answer has its own script nonce, and still the same tag.
    let again = app.get_with(path, &[("cookie", seed)]).await;
    assert_ne!(
        first.header("content-security-policy"),
        again.header("content-security-policy"),
        "the nonce is per response"
    );
    assert_eq!(again.header("etag"), tag);

    let unchanged = app
        .get_with(path, &[("cookie", seed), ("if-none-match", &tag)])
        .await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    assert!(unchanged.body.is_empty());
    assert_eq!(unchanged.header("etag"), tag);
    // The kept page keeps its own policy: a 304 must not bring a policy with another nonce.
    assert!(unchanged.header("content-security-policy").is_empty());

    // Another language is another page.
    let english = app
        .get_with(path, &[("cookie", seed), ("accept-language", "en")])
        .await;
    assert_ne!(english.header("etag"), tag);

    // A vote changes the count the list shows: the old tag no longer matches.
    let bert = app.resident("bert@example.org").await;
    support(&app, id, &bert).await;
    let changed = app
        .get_with(path, &[("cookie", seed), ("if-none-match", &tag)])
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(changed.header("etag"), tag);
    assert!(!changed.body.is_empty());

    // Signed in: personal, never shared, no tag, and an anonymous tag does not answer it.
    let cookie = format!("{seed}; mitreden_session={bert}");
    let personal = app
        .get_with(
            path,
            &[
                ("cookie", &cookie),
                ("if-none-match", changed.header("etag")),
            ],
        )
        .await;
    assert_eq!(personal.status, StatusCode::OK);
    assert_eq!(personal.header("cache-control"), "private, no-cache");
    assert!(personal.header("etag").is_empty());
}

#[tokio::test]
async fn pages_that_are_not_found_or_personal_are_never_shared() {
    let app = TestApp::new().await;
    let missing = app.get("/verfahren/gibt-es-nicht").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_ne!(missing.header("cache-control"), "public, no-cache");
    let resident = app.resident("anna@example.org").await;
    let account = app
        .get_with(
            "/konto",
            &[("cookie", &format!("mitreden_session={resident}"))],
        )
        .await;
    assert_eq!(account.status, StatusCode::OK);
    assert_eq!(account.header("cache-control"), "private, no-cache");
}
