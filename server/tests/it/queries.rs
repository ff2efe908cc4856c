//! Statements per page: each main page reads what it shows in a fixed number of queries,
//! however much there is to show. A page that queries per row (N+1) fails here long
//! before it is slow in production. Counted by the driver (`mitreden_db_queries_total`).

use crate::fixtures::{body, current_user, insert_comments, procedure, propose, queries_so_far};
use crate::harness::TestApp;
use app::formats::proposals::model::VoteRule;
use app::model::account::Role;
use app::model::procedure::PhaseKind;
use http::StatusCode;

/// The statements one request sends (after a first request has warmed what is cached),
/// and what it answered.
async fn counted(app: &TestApp, path: &str, cookie: Option<&str>) -> (u64, String) {
    let headers: Vec<(&str, String)> = cookie
        .map(|token| ("cookie", format!("mitreden_session={token}")))
        .into_iter()
        .collect();
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let warm = app.get_with(path, &headers).await;
    assert_eq!(warm.status, StatusCode::OK, "{path}");
    let before = queries_so_far(app).await;
    let page = app.get_with(path, &headers).await;
    (queries_so_far(app).await - before, page.body)
}

/// A moderator hides a comment: an entry of the public ledger.
async fn hide(app: &TestApp, comment: i64, moderator: &str) {
    let decision = app
        .json(
            "POST",
            "/api/v1/moderation/decisions",
            serde_json::json!({
                "target": { "kind": "comment", "id": comment },
                "action": "hide",
                "reason": "insult",
                "public_reason": "Beleidigend.",
            }),
            Some(moderator),
        )
        .await;
    assert_eq!(decision.status, StatusCode::CREATED, "{}", decision.body);
}

async fn queries_of(app: &TestApp, path: &str, cookie: Option<&str>) -> u64 {
    counted(app, path, cookie).await.0
}

#[tokio::test]
async fn the_main_pages_send_a_fixed_number_of_queries() {
    let app = TestApp::new().await.with_demo().await;
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let resident = app.resident("anna@example.org").await;
    let rule = VoteRule::Support { cap: None };
    procedure(
        &app,
        "zaehlen",
        PhaseKind::Proposals,
        rule,
        PhaseKind::Proposals,
    )
    .await;
    let anna = current_user(&app, "anna@example.org").await.id;
    let id = propose(&app, "zaehlen", &resident, "Ein Vorschlag zum Zählen").await;
    let first = insert_comments(&app, id, anna, None, 3).await;
    hide(&app, first[0], &moderator).await;
    let bert = app.resident("bert@example.org").await;
    let report = app
        .json(
            "POST",
            "/api/v1/reports",
            serde_json::json!({ "target": { "kind": "proposal", "id": id }, "reason": "spam" }),
            Some(&bert),
        )
        .await;
    assert_eq!(report.status, StatusCode::CREATED, "{}", report.body);

    // The ceiling of each page, as counted when this test was written.
    // Each page with what shows that it rendered what it is for.
    let pages: [(&str, String, Option<&str>, u64); 6] = [
        ("start page", "/".to_owned(), None, 5),
        // The shuffled order (the default while proposals are collected) may read its page
        // in two walks: from the visitor's starting point, then round from the beginning.
        // One more asks whether the procedure holds budgets (it holds none), one reads
        // the districts the list filters by, two the procedure's area (its label among the
        // facts, its districts narrowing the filter), one the cards' photos.
        ("procedure page", "/verfahren/zaehlen".to_owned(), None, 14),
        // One reads the duplicates merged into it (a proposal with reactions), one the
        // administration's opinion on it, one its photos.
        ("proposal page", format!("/vorschlaege/{id}"), None, 9),
        // The author's edit form reads the procedure's area to offer only its districts.
        (
            "proposal page, signed in",
            format!("/vorschlaege/{id}"),
            Some(resident.as_str()),
            16,
        ),
        (
            "moderation queue",
            "/moderation".to_owned(),
            Some(moderator.as_str()),
            5,
        ),
        (
            "moderation ledger",
            "/moderation/protokoll".to_owned(),
            None,
            2,
        ),
    ];
    let shows = [
        "procedure-card",
        "proposal-card",
        "kommentar-",
        "kommentar-",
        "queue-item",
        "ledger",
    ];
    let mut all = Vec::new();
    for ((name, path, cookie, ceiling), shown) in pages.iter().zip(shows) {
        let (n, page) = counted(&app, path, *cookie).await;
        all.push((*name, n));
        assert!(page.contains(shown), "{name} does not show {shown}: {page}");
        assert!(
            n <= *ceiling,
            "{name}: {n} queries (at most {ceiling}); all: {all:?}"
        );
        assert!(n > 0, "{name}: the counter counts nothing");
    }

    // Ten times the data, the same number of queries: nothing is read row by row.
    let before: Vec<u64> = [
        queries_of(&app, "/verfahren/zaehlen", None).await,
        queries_of(&app, &format!("/vorschlaege/{id}"), Some(&resident)).await,
        queries_of(&app, "/moderation", Some(&moderator)).await,
        queries_of(&app, "/moderation/protokoll", None).await,
    ]
    .to_vec();
    for n in 0..9 {
        let other = propose(
            &app,
            "zaehlen",
            &resident,
            &format!("Weiterer Vorschlag {n}"),
        )
        .await;
        let written = insert_comments(&app, other, anna, None, 1).await;
        hide(&app, written[0], &moderator).await;
        let report = app
            .json(
                "POST",
                "/api/v1/reports",
                serde_json::json!({ "target": { "kind": "proposal", "id": other }, "reason": "spam" }),
                Some(&bert),
            )
            .await;
        assert_eq!(report.status, StatusCode::CREATED, "{}", report.body);
    }
    let replies_to = insert_comments(&app, id, anna, None, 27).await;
    insert_comments(&app, id, anna, Some((replies_to[0], 0)), 4).await;
    let after: Vec<u64> = [
        queries_of(&app, "/verfahren/zaehlen", None).await,
        queries_of(&app, &format!("/vorschlaege/{id}"), Some(&resident)).await,
        queries_of(&app, "/moderation", Some(&moderator)).await,
        queries_of(&app, "/moderation/protokoll", None).await,
    ]
    .to_vec();
    assert_eq!(before[2], after[2], "the queue grows with its items");
    assert_eq!(before[3], after[3], "the ledger grows with its entries");
    assert_eq!(
        before[0], after[0],
        "procedure page grows with its proposals"
    );
    // One more level of replies is one more query, not one per comment.
    assert!(
        after[1] <= before[1] + 1,
        "proposal page grows with its comments: {before:?} -> {after:?}"
    );
    let listed = body(&app.get(&format!("/api/v1/proposals/{id}/comments")).await);
    assert_eq!(listed["comments"].as_array().unwrap().len(), 30 + 4);
}

/// A vote's statements, by what it does. On PostgreSQL under a rule without a cap the
/// write and the counters are one statement (`vote::swap`); elsewhere the person's row is
/// locked and the vote read again first. Checked per backend, each change answering the
/// tally that the page then shows.
#[tokio::test]
async fn a_vote_sends_a_fixed_number_of_statements() {
    let app = TestApp::new().await;
    let resident = app.resident("anna@example.org").await;
    let rule = VoteRule::Rating;
    procedure(
        &app,
        "bewerten",
        PhaseKind::Proposals,
        rule,
        PhaseKind::Proposals,
    )
    .await;
    let id = propose(&app, "bewerten", &resident, "Ein Vorschlag zum Bewerten").await;
    let path = format!("/api/v1/proposals/{id}/vote");
    // The session and the proposal with the person's vote (the procedure and its phases
    // are kept, read when the proposal was made); then the writes: one statement and no
    // transaction around it on PostgreSQL, four on SQLite (the person's row, the vote
    // again, the vote, the counters).
    let ceiling = match app.state.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => 3,
        _ => 6,
    };
    let steps: [(&str, Option<i64>, i64); 3] = [
        ("PUT", Some(1), 1),
        ("PUT", Some(-1), -1),
        ("DELETE", None, 0),
    ];
    for (method, value, score) in steps {
        let before = queries_so_far(&app).await;
        let body = value.map_or(
            serde_json::Value::Null,
            |v| serde_json::json!({ "value": v }),
        );
        let answer = app.json(method, &path, body, Some(&resident)).await;
        let sent = queries_so_far(&app).await - before;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let state = crate::fixtures::body(&answer);
        assert_eq!(
            state["tally"]["score"], score,
            "{method} {value:?}: {state}"
        );
        assert!(
            sent <= ceiling,
            "{method} {value:?}: {sent} statements (at most {ceiling})"
        );
    }
}
