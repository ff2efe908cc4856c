//! HTTP caching of pages: anonymous visitors' pages carry a tag that a browser or a reverse
//! proxy revalidates, unchanged pages are answered 304, a change the page shows gives a
//! new tag at once, and a signed-in person's page is never kept by a shared cache. The
//! server keeps anonymous pages in memory for a moment and lets go of them at any change.

use crate::fixtures::{open_procedure, propose, queries_so_far, support};
use crate::harness::{TestApp, TestResponse};
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

/// The statements one request for `path` sends beyond those of reading the metrics.
async fn statements_of(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (u64, TestResponse) {
    let start = queries_so_far(app).await;
    let idle = queries_so_far(app).await - start;
    let before = queries_so_far(app).await;
    let page = app.get_with(path, headers).await;
    let sent = queries_so_far(app).await - before;
    (sent.saturating_sub(idle), page)
}

/// Whether the page comes from memory: without a statement. The memory is let go of at
/// any write anywhere in this process, and the other tests write all the time: one of a
/// few tries in a row must find it.
async fn from_memory(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> TestResponse {
    for _ in 0..20 {
        let (sent, page) = statements_of(app, path, headers).await;
        if sent == 0 {
            return page;
        }
    }
    panic!("{path} never came from memory");
}

#[tokio::test]
async fn anonymous_pages_are_kept_a_moment_and_let_go_of_at_any_change() {
    let app = TestApp::with_config(&[
        ("MITREDEN_RATE_LIMIT", "0"),
        ("MITREDEN_RATE_LIMIT_ACCOUNT", "0"),
        ("MITREDEN_PAGE_MEMORY_MS", "60000"),
    ])
    .await;
    open_procedure(&app, "gedaechtnis").await;
    let anna = app.resident("anna@example.org").await;
    propose(&app, "gedaechtnis", &anna, "Trinkbrunnen am Markt").await;
    let path = "/verfahren/gedaechtnis";
    let seed = ("cookie", "mitreden_seed=7");

    let (rendered, first) = statements_of(&app, path, &[seed]).await;
    assert!(rendered > 0);
    assert!(first.body.contains("Trinkbrunnen am Markt"));
    let kept = from_memory(&app, path, &[seed]).await;
    assert_eq!(kept.status, StatusCode::OK);
    assert!(kept.body.contains("Trinkbrunnen am Markt"));
    assert_eq!(kept.header("etag"), first.header("etag"));
    assert_eq!(kept.header("cache-control"), "public, no-cache");
    // A nonce of its own, in the policy and in the page.
    let nonce = |page: &TestResponse| {
        let policy = page.header("content-security-policy");
        let start = policy.find("'nonce-").unwrap() + "'nonce-".len();
        let end = start + policy[start..].find('\'').unwrap();
        policy[start..end].to_owned()
    };
    assert_ne!(nonce(&kept), nonce(&first));
    assert!(kept.body.contains(&format!("nonce=\"{}\"", nonce(&kept))));
    assert!(!kept.body.contains(&nonce(&first)));
    // Revalidation from memory.
    let tag = first.header("etag").to_owned();
    let unchanged = from_memory(&app, path, &[seed, ("if-none-match", &tag)]).await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    assert!(unchanged.header("content-security-policy").is_empty());
    // Other cookies or languages are other pages.
    let (sent, english) = statements_of(&app, path, &[seed, ("accept-language", "en")]).await;
    assert!(sent > 0);
    assert_ne!(english.header("etag"), tag);

    // Signed in: rendered for the person every time.
    let cookie = format!("mitreden_seed=7; mitreden_session={anna}");
    for _ in 0..2 {
        let (sent, personal) = statements_of(&app, path, &[("cookie", &cookie)]).await;
        assert!(sent > 0);
        assert_eq!(personal.header("cache-control"), "private, no-cache");
    }

    // A new proposal (any write) shows at once.
    let bert = app.resident("bert@example.org").await;
    propose(&app, "gedaechtnis", &bert, "Bänke im Stadtpark").await;
    let changed = app.get_with(path, &[seed]).await;
    assert!(changed.body.contains("Bänke im Stadtpark"));
    assert_ne!(changed.header("etag"), tag);
    // So does what another instance announces (moderation decisions, outcomes).
    from_memory(&app, path, &[seed]).await;
    app::backend::common::changed_elsewhere(0);
    let (sent, _) = statements_of(&app, path, &[seed]).await;
    assert!(
        sent > 0,
        "served from memory after another instance's change"
    );
}

/// A rush on a page that is not kept (it just expired, or was never asked for): the first
/// request renders it, the others arriving meanwhile wait and are answered with it, each
/// with a nonce of its own.
#[tokio::test]
async fn a_page_asked_for_by_many_at_once_is_rendered_once() {
    let app = TestApp::with_config(&[
        ("MITREDEN_RATE_LIMIT", "0"),
        ("MITREDEN_RATE_LIMIT_ACCOUNT", "0"),
        ("MITREDEN_PAGE_MEMORY_MS", "60000"),
    ])
    .await;
    open_procedure(&app, "ansturm").await;
    let anna = app.resident("anna@example.org").await;
    propose(&app, "ansturm", &anna, "Trinkbrunnen am Markt").await;
    let seed = ("cookie", "mitreden_seed=7");
    let (once, _) = statements_of(&app, "/verfahren/ansturm", &[seed]).await;
    assert!(once > 0);
    // Any write in this process lets go of kept pages (the other tests write all the
    // time): then the others render it themselves, and a few tries must see the rush.
    for attempt in 0..10 {
        // Each try a page not kept yet: another address is another page.
        let path = format!("/verfahren/ansturm?sort=newest&try={attempt}");
        let before = queries_so_far(&app).await;
        let headers = [seed];
        let pages =
            futures_util::future::join_all((0..16).map(|_| app.get_with(&path, &headers))).await;
        let sent = queries_so_far(&app).await - before;
        let mut nonces = std::collections::HashSet::new();
        for page in &pages {
            assert_eq!(page.status, StatusCode::OK);
            assert!(page.body.contains("Trinkbrunnen am Markt"));
            assert_eq!(page.header("etag"), pages[0].header("etag"));
            nonces.insert(page.header("content-security-policy").to_owned());
        }
        assert_eq!(nonces.len(), 16, "every answer has a nonce of its own");
        // Rendered once (and the counter read): far below sixteen renderings.
        if sent < 3 * once {
            return;
        }
    }
    panic!("sixteen requests at once rendered the page each time");
}

#[tokio::test]
async fn no_page_is_kept_when_the_memory_is_off() {
    let app = TestApp::new().await;
    open_procedure(&app, "ohne-gedaechtnis").await;
    for _ in 0..3 {
        let (sent, page) = statements_of(
            &app,
            "/verfahren/ohne-gedaechtnis",
            &[("cookie", "mitreden_seed=7")],
        )
        .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(sent > 0);
    }
}

/// The browser's texts (`app::i18n::wire`): one file per language, named by the page that
/// needs it, compressed, and kept by browsers and proxies for good (the name changes with
/// the content).
#[tokio::test]
async fn each_page_names_the_texts_of_its_language_which_are_kept_for_good() {
    let app = TestApp::new().await;
    for (accept, lang) in [("de", app::i18n::Lang::De), ("en", app::i18n::Lang::En)] {
        let page = app.get_with("/", &[("accept-language", accept)]).await;
        let href = format!("/pkg/{}", lang.texts_file());
        assert!(
            page.body.contains(&format!(
                r#"<link rel="preload" href="{href}" as="fetch" crossorigin="anonymous">"#
            )),
            "{accept}: the page preloads {href}"
        );

        let plain = app.get(&href).await;
        assert_eq!(plain.status, StatusCode::OK);
        assert_eq!(plain.body, lang.texts_wire());
        assert_eq!(plain.header("content-type"), "text/plain; charset=utf-8");
        assert_eq!(
            plain.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
        // Compressed, and the same text once unpacked.
        let request = http::Request::get(&href)
            .header("accept-encoding", "gzip")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = tower::ServiceExt::oneshot(app.router.clone(), request)
            .await
            .unwrap();
        assert_eq!(response.headers()["content-encoding"], "gzip");
        let packed = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        assert!(packed.len() * 3 < plain.body.len(), "compressed");
        let mut unpacked = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(&packed[..]),
            &mut unpacked,
        )
        .unwrap();
        assert_eq!(unpacked, lang.texts_wire());
    }
    assert_ne!(
        app::i18n::Lang::De.texts_file(),
        app::i18n::Lang::En.texts_file()
    );
    // Another name is not served: a page of an older release asks for its own file.
    let stale = app.get("/pkg/texts.de.0000000000000000.txt").await;
    assert_eq!(stale.status, StatusCode::NOT_FOUND);
}
