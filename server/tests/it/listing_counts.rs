//! The number of matching proposals a listing shows comes from counters the database keeps
//! (migration 12), not from counting rows: they follow every way a proposal enters or
//! leaves a listing.

use crate::fixtures::{
    assert_listing_counts_match_rows, body, current_user, open_procedure, propose, set_visibility,
    support,
};
use crate::harness::TestApp;
use app::formats::proposals::model::ProposalInput;
use app::formats::proposals::service::proposal;
use app::model::account::Role;
use http::StatusCode;
use serde_json::json;

async fn total(app: &TestApp, query: &str) -> i64 {
    let listing = app
        .get(&format!("/api/v1/procedures/zaehlen/proposals{query}"))
        .await;
    assert_eq!(listing.status, StatusCode::OK, "{}", listing.body);
    let listing = body(&listing);
    listing["total"].as_i64().unwrap()
}

async fn propose_in(app: &TestApp, token: &str, title: &str, category: &str) -> i64 {
    let response = app
        .json(
            "POST",
            "/api/v1/procedures/zaehlen/proposals",
            json!({ "title": title, "body": "Eine ausführliche Begründung.", "category": category }),
            Some(token),
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    body(&response)["id"].as_i64().unwrap()
}

#[tokio::test]
async fn listing_totals_follow_submission_withdrawal_moderation_and_category_changes() {
    let app = TestApp::new().await;
    open_procedure(&app, "zaehlen").await;
    let author = app.resident("autorin@example.org").await;
    let trees = propose_in(&app, &author, "Mehr Bäume am Ring", "Bäume").await;
    let oaks = propose_in(&app, &author, "Eichen für den Park", "Bäume").await;
    let plain = propose(&app, "zaehlen", &author, "Ohne Kategorie").await;
    assert_eq!(total(&app, "").await, 3);
    assert_eq!(total(&app, "?category=B%C3%A4ume").await, 2);
    assert_eq!(total(&app, "?category=Spielpl%C3%A4tze").await, 0);
    // Votes move other counters, never these.
    support(&app, trees, &author).await;
    assert_eq!(total(&app, "").await, 3);

    let withdrawn = app
        .json(
            "POST",
            &format!("/api/v1/proposals/{oaks}/withdraw"),
            json!({ "note": "Erledigt sich von selbst." }),
            Some(&author),
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    assert_eq!(total(&app, "").await, 2);
    assert_eq!(total(&app, "?category=B%C3%A4ume").await, 1);
    assert_eq!(total(&app, "?status=withdrawn").await, 1);

    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let decide = |action: &'static str| {
        let (app, moderator) = (&app, &moderator);
        async move {
            let decision = json!({
                "target": { "kind": "proposal", "id": trees }, "action": action,
                "reason": "spam", "public_reason": "Werbung"
            });
            let response = app
                .json(
                    "POST",
                    "/api/v1/moderation/decisions",
                    decision,
                    Some(moderator),
                )
                .await;
            assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        }
    };
    decide("hide").await;
    assert_eq!(total(&app, "").await, 1);
    assert_eq!(total(&app, "?category=B%C3%A4ume").await, 0);
    assert_listing_counts_match_rows(&app).await;
    decide("restore").await;
    assert_eq!(total(&app, "?category=B%C3%A4ume").await, 1);

    let user = current_user(&app, "autorin@example.org").await;
    let input = ProposalInput {
        title: "Ohne Kategorie".to_owned(),
        body: "Eine ausführliche Begründung des Vorschlags.".to_owned(),
        category: Some("Spielplätze".to_owned()),
        location: None,
        ..ProposalInput::default()
    };
    proposal::edit(&app.state.db, &user, plain, input, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(total(&app, "?category=Spielpl%C3%A4tze").await, 1);
    assert_eq!(total(&app, "").await, 2);
    // A search counts its matches from the rows.
    assert_eq!(total(&app, "?q=Ring").await, 1);
    assert_listing_counts_match_rows(&app).await;
}

/// An app whose procedure `lasttest` has `proposals` proposals (`seed scale`), every one
/// of them about trees ("Bäume").
async fn with_proposals(proposals: usize) -> TestApp {
    let app = TestApp::new().await;
    server::seed::scale::scale(
        &app.state.db,
        server::seed::scale::Scale {
            users: 50,
            proposals,
            votes: 0,
            comments: 0,
            discussion: 0,
            queue: 0,
            places: false,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    app
}

/// A search counts its first thousand matches and says when there are more: a word in
/// nearly every proposal must not have each page count tens of thousands of rows.
#[tokio::test]
async fn a_search_stops_counting_at_a_thousand_matches() {
    let app = with_proposals(1_003).await;
    let search = |q: &'static str| {
        let app = &app;
        async move {
            let page = app
                .get(&format!("/api/v1/procedures/lasttest/proposals?q={q}"))
                .await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            let page = body(&page);
            (
                page["total"].as_i64().unwrap(),
                page["total_capped"].as_bool().unwrap(),
                page["items"].as_array().unwrap().len(),
            )
        }
    };
    // In every proposal: a thousand counted, and more.
    assert_eq!(search("B%C3%A4ume").await, (1_000, true, 20));
    // So many matches are read along the order's index (SQLite), not fetched and sorted:
    // in every order, page after page, the same proposals as without the search.
    let ids = |page: &serde_json::Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["id"].as_i64().unwrap())
            .collect()
    };
    for sort in ["newest", "supported", "discussed"] {
        let mut cursors = (String::new(), String::new());
        for _ in 0..3 {
            let searched = body(
                &app.get(&format!(
                    "/api/v1/procedures/lasttest/proposals?sort={sort}&q=B%C3%A4ume{}",
                    cursors.0
                ))
                .await,
            );
            let listed = body(
                &app.get(&format!(
                    "/api/v1/procedures/lasttest/proposals?sort={sort}{}",
                    cursors.1
                ))
                .await,
            );
            assert_eq!(ids(&searched), ids(&listed), "{sort}");
            assert_eq!(ids(&searched).len(), 20, "{sort}");
            let next = |page: &serde_json::Value| {
                format!("&cursor={}", page["next_cursor"].as_str().unwrap())
            };
            cursors = (next(&searched), next(&listed));
        }
    }
    // A number in a few titles ("Vorschlag 10", and on SQLite, which matches prefixes,
    // 100 .. 109 and 1000 ..): counted exactly.
    let (total, capped, shown) = search("10").await;
    assert!(!capped);
    assert!(total > 0 && total < 1_000, "{total}");
    assert_eq!(shown, usize::try_from(total.min(20)).unwrap());
    // The page says so.
    let page = app.get("/verfahren/lasttest?q=B%C3%A4ume").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(">1000+<"), "{}", page.body);
    // Without a search the total is the counters' and exact.
    let all = body(&app.get("/api/v1/procedures/lasttest/proposals").await);
    assert_eq!(all["total"], 1_003);
    assert_eq!(all["total_capped"], false);
}

/// On SQLite a search's matches are kept in memory (`proposal::search`): each change to
/// which proposals it finds shows in the next search, also one made past the services
/// (`UPDATE` by hand), since the database's triggers mark it.
#[tokio::test]
async fn a_search_shows_each_change_to_the_proposals_at_once() {
    use app::backend::entity::proposal as row;
    use sea_orm::{
        ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    };
    let app = with_proposals(1_750).await;
    let search = |query: String| {
        let app = &app;
        async move {
            let page = app
                .get(&format!("/api/v1/procedures/lasttest/proposals?{query}"))
                .await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            let page = body(&page);
            let ids: Vec<i64> = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item["id"].as_i64().unwrap())
                .collect();
            (
                page["total"].as_i64().unwrap(),
                ids,
                page["next_cursor"].clone(),
            )
        }
    };
    let trees = || search("sort=newest&q=B%C3%A4ume".to_owned());
    let (total, before, _) = trees().await;
    assert_eq!((total, before.len()), (1_000, 20));

    // The 700 newest proposals now speak of a fountain: the search's first page is the
    // newest of the 1,050 still about trees, further down the order than its first
    // batches reach.
    app.state
        .db
        .execute_unprepared(
            "UPDATE proposals SET title = 'Ein Brunnen', body = 'Wasser für den Platz.' \
             WHERE id IN (SELECT id FROM proposals ORDER BY created_at DESC, id DESC LIMIT 700)",
        )
        .await
        .unwrap();
    let about_trees = || async {
        row::Entity::find()
            .select_only()
            .column(row::Column::Id)
            .filter(row::Column::Title.ne("Ein Brunnen"))
            .filter(row::Column::Visibility.eq("visible"))
            .order_by_desc(row::Column::CreatedAt)
            .order_by_desc(row::Column::Id)
            .limit(40)
            .into_tuple::<i64>()
            .all(&app.state.db)
            .await
            .unwrap()
    };
    let expected = about_trees().await;
    let (total, first, cursor) = trees().await;
    assert_eq!(total, 1_000);
    assert_eq!(first, expected[..20]);
    assert!(first.iter().all(|id| !before.contains(id)));
    let (_, second, _) = search(format!(
        "sort=newest&q=B%C3%A4ume&cursor={}",
        cursor.as_str().unwrap()
    ))
    .await;
    assert_eq!(second, expected[20..40]);

    // Hidden, it is gone from the next search.
    set_visibility(&app, first[0], "hidden").await;
    let (_, first, _) = trees().await;
    assert_eq!(first, about_trees().await[..20]);
    assert!(!first.contains(&expected[0]));

    // A word in no proposal, then written into one.
    let lemons = || search("q=Zitronenbaum".to_owned());
    assert_eq!(lemons().await.0, 0);
    app.state
        .db
        .execute_unprepared(&format!(
            "UPDATE proposals SET body = 'Ein Zitronenbaum vor der Schule.' WHERE id = {}",
            expected[7]
        ))
        .await
        .unwrap();
    let (total, found, _) = lemons().await;
    assert_eq!((total, found), (1, vec![expected[7]]));
}
