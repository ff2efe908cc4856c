//! 500 concurrent vote and unvote requests from 100 accounts against a real server on a
//! loopback port: afterwards every tally equals its vote rows and no request got a 5xx.

use crate::fixtures::{assert_tallies_match_rows, budget_rows, procedure, sessions};
use crate::harness::TestApp;
use app::backend::entity::{budget_ballot, budget_ballot_item, proposal, vote};
use app::formats::proposals::model::VoteRule;
use app::model::procedure::PhaseKind;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ACCOUNTS: usize = 100;
const REQUESTS: usize = 500;
const PROPOSALS: usize = 5;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_votes_keep_every_tally_equal_to_its_rows() {
    // A cap of 3 supports per person makes the per-person check race too.
    let (app, statuses) = race_votes(VoteRule::Support { cap: Some(3) }, &[1], 1).await;
    // Everything else is a success or the cap (422).
    assert!(
        statuses.keys().all(|s| *s == 200 || *s == 422),
        "statuses: {statuses:?}"
    );
    // Nobody holds more supports than the cap allows.
    let mut held = std::collections::HashMap::<i64, usize>::new();
    for row in vote::Entity::find().all(&app.state.db).await.unwrap() {
        *held.entry(row.user_id).or_default() += 1;
    }
    assert!(held.values().all(|n| *n <= 3), "{held:?}");
}

/// Without a cap, PostgreSQL takes the one-statement path (`vote::swap`): the same
/// person's casts, changes (+1 to -1 and back) and withdrawals race each other, and every
/// request still succeeds with the counters equal to the rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_ratings_changed_and_withdrawn_keep_every_tally_equal() {
    let (app, statuses) = race_votes(VoteRule::Rating, &[1, -1], 2).await;
    assert_eq!(statuses.keys().collect::<Vec<_>>(), [&200], "{statuses:?}");
    let down = vote::Entity::find()
        .filter(vote::Column::Value.eq(-1))
        .count(&app.state.db)
        .await
        .unwrap();
    assert!(down > 0, "no rating changed to -1");
}

/// 500 requests from 100 accounts, five per account racing each other, over a few
/// proposals (`runs` of an account's requests in a row on the same one): votes with the
/// values given in turn, and withdrawals (every fourth). No 5xx, and every tally equals
/// its rows; answers the statuses for the caller's checks.
async fn race_votes(
    rule: VoteRule,
    values: &[i8],
    runs: usize,
) -> (TestApp, std::collections::BTreeMap<u16, usize>) {
    let app = TestApp::new().await;
    let procedure_id = procedure(
        &app,
        "abstimmung",
        PhaseKind::Voting,
        rule,
        PhaseKind::Voting,
    )
    .await;
    let now = Utc::now();
    let tokens = sessions(&app, ACCOUNTS).await;
    let mut proposals = Vec::new();
    for n in 0..PROPOSALS {
        let row = proposal::ActiveModel {
            procedure_id: Set(procedure_id),
            author_id: Set(1),
            title: Set(format!("Vorschlag {n}")),
            body: Set("Begründung".to_owned()),
            source: Set(app::formats::proposals::model::Origin::Online),
            status: Set(app::formats::proposals::model::ProposalStatus::Published),
            support_count: Set(0),
            up_count: Set(0),
            down_count: Set(0),
            score: Set(0),
            comment_count: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.state.db)
        .await
        .unwrap();
        proposals.push(row.id);
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = app.router.clone();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });

    // Every account sends 5 requests, the same account's requests racing each other:
    // votes and withdrawals over a few proposals, some of them repeated.
    let mut tasks = Vec::new();
    for request in 0..REQUESTS {
        let token = tokens[request % ACCOUNTS].clone();
        let turn = request / ACCOUNTS;
        let target = proposals[(turn / runs + request % 3) % PROPOSALS];
        let withdraw = request % 4 == 3;
        let value = values[turn % values.len()];
        tasks.push(tokio::spawn(async move {
            let (method, body) = if withdraw {
                ("DELETE", String::new())
            } else {
                ("PUT", format!(r#"{{"value":{value}}}"#))
            };
            send(
                address,
                method,
                &format!("/api/v1/proposals/{target}/vote"),
                &token,
                &body,
            )
            .await
        }));
    }
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for task in tasks {
        *statuses.entry(task.await.unwrap()).or_default() += 1;
    }
    server.abort();

    let server_errors: usize = statuses
        .iter()
        .filter(|(status, _)| **status >= 500)
        .map(|(_, n)| n)
        .sum();
    assert_eq!(server_errors, 0, "statuses: {statuses:?}");
    assert!(statuses.get(&200).copied().unwrap_or(0) > REQUESTS / 2);
    assert_tallies_match_rows(&app).await;
    assert!(vote::Entity::find().count(&app.state.db).await.unwrap() > 0);
    (app, statuses)
}

/// 500 ballot requests from 100 residents at once (drafts, submissions and withdrawals of
/// the same person racing each other): each person holds one ballot at most, every
/// submitted ballot keeps the rule, and no request gets a 5xx.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_ballots_leave_one_ballot_per_person() {
    let app = TestApp::new().await;
    let rule = VoteRule::Support { cap: None };
    let procedure_id = procedure(&app, "budget", PhaseKind::Voting, rule, PhaseKind::Voting).await;
    let (budget, projects) = budget_rows(&app, procedure_id, 2, 4).await;
    let tokens = sessions(&app, ACCOUNTS).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = app.router.clone();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    let mut tasks = Vec::new();
    for request in 0..REQUESTS {
        let token = tokens[request % ACCOUNTS].clone();
        let round = request / ACCOUNTS;
        let (method, path, body) = match round {
            0 | 3 => (
                "PUT",
                format!("/api/v1/budgets/{budget}/ballot"),
                format!(
                    r#"{{"project_ids":[{},{}]}}"#,
                    projects[request % 4],
                    projects[(request + 1) % 4]
                ),
            ),
            2 => (
                "DELETE",
                format!("/api/v1/budgets/{budget}/ballot"),
                String::new(),
            ),
            _ => (
                "POST",
                format!("/api/v1/budgets/{budget}/ballot/submit"),
                String::new(),
            ),
        };
        tasks.push(tokio::spawn(async move {
            send(address, method, &path, &token, &body).await
        }));
    }
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for task in tasks {
        *statuses.entry(task.await.unwrap()).or_default() += 1;
    }
    server.abort();
    assert!(
        statuses.keys().all(|s| *s == 200 || *s == 422),
        "statuses: {statuses:?}"
    );
    let ballots = budget_ballot::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    let mut people: Vec<i64> = ballots.iter().filter_map(|b| b.user_id).collect();
    let held = people.len();
    people.sort_unstable();
    people.dedup();
    assert_eq!(held, people.len(), "one ballot per person");
    assert!(held <= ACCOUNTS && held > 0);
    let items = budget_ballot_item::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    for ballot in ballots
        .iter()
        .filter(|b| b.status == app::formats::budget::model::BallotStatus::Submitted)
    {
        let chosen = items.iter().filter(|i| i.ballot_id == ballot.id).count();
        assert!(
            (1..=2).contains(&chosen),
            "a submitted ballot keeps the rule: {chosen}"
        );
    }
    assert!(
        statuses.get(&200).copied().unwrap_or(0) > REQUESTS / 2,
        "{statuses:?}"
    );
}

/// One HTTP/1.1 request on its own connection; returns the status code.
async fn send(
    address: std::net::SocketAddr,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response);
    text.split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"))
}

/// Every kind of write at once on SQLite: 16 clients, each registering, proposing,
/// commenting, voting, reporting, deciding, recording outcomes and creating procedures in
/// turn for 30 seconds (`MITREDEN_WRITE_STORM_SECS`). No request may fail with a 5xx:
/// every write waits for its turn at the database instead of being refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_kind_of_write_at_once_never_fails_on_sqlite() {
    use crate::harness::on_postgres;
    use app::model::account::Role;
    use serde_json::json;
    use std::sync::Arc;
    if on_postgres() {
        return;
    }
    const CLIENTS: usize = 16;
    let seconds: u64 = std::env::var("MITREDEN_WRITE_STORM_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let app = Arc::new(
        TestApp::with_config(&[
            ("MITREDEN_RATE_LIMIT", "0"),
            ("MITREDEN_RATE_LIMIT_ACCOUNT", "0"),
        ])
        .await
        .with_demo()
        .await,
    );
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let mut residents = Vec::new();
    for n in 0..CLIENTS {
        residents.push(app.resident(&format!("sturm{n}@example.org")).await);
    }
    // Proposals to vote on and to record the council's outcomes for.
    let listed = |slug: &'static str| {
        let app = app.clone();
        async move {
            let page = app
                .get(&format!("/api/v1/procedures/{slug}/proposals"))
                .await;
            let page: serde_json::Value = serde_json::from_str(&page.body).unwrap();
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    let mut running = listed("radverkehr-2030").await;
    // Reports go to proposals of their own: enough of them hold a proposal for review,
    // and comments and votes on it would then be refused.
    let reported = running.split_off(running.len() / 2);
    let finished = listed("spielplaetze-nord").await;
    assert!(running.len() >= 2 && !finished.is_empty());

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (client, resident) in residents.into_iter().enumerate() {
        let (app, moderator, planner) = (app.clone(), moderator.clone(), planner.clone());
        let (running, reported, finished) = (running.clone(), reported.clone(), finished.clone());
        tasks.push(tokio::spawn(async move {
            let mut seen: Vec<(&'static str, u16)> = Vec::new();
            let mut mine: Vec<i64> = Vec::new();
            let mut round = 0usize;
            while std::time::Instant::now() < deadline {
                let n = round * CLIENTS + client;
                let pick = |list: &[i64]| list[n % list.len()];
                let (kind, response) = match (round + client) % 8 {
                    0 => ("register", app.json("POST", "/api/v1/auth/register", json!({
                        "email": format!("neu{n}@example.org"), "password": "Sturm-und-Drang-2026",
                        "display_name": format!("Neu {n}"), "accept_terms": true
                    }), None).await),
                    1 => {
                        let response = app.json("POST", "/api/v1/procedures/radverkehr-2030/proposals", json!({
                            "title": format!("Vorschlag {n}"), "body": format!("Begründung für Vorschlag {n}.")
                        }), Some(&resident)).await;
                        if let Ok(body) = serde_json::from_str::<serde_json::Value>(&response.body)
                            && let Some(id) = body["id"].as_i64()
                        {
                            mine.push(id);
                        }
                        ("propose", response)
                    }
                    2 => ("comment", app.json("POST", &format!("/api/v1/proposals/{}/comments", pick(&running)),
                        json!({ "body": format!("Kommentar {n}") }), Some(&resident)).await),
                    3 => ("vote", app.json("PUT", &format!("/api/v1/proposals/{}/vote", pick(&running)),
                        json!({ "value": 1 }), Some(&resident)).await),
                    4 => ("report", app.json("POST", "/api/v1/reports", json!({
                        "target": { "kind": "proposal", "id": pick(&reported) }, "reason": "spam", "note": ""
                    }), Some(&resident)).await),
                    5 => match mine.pop() {
                        Some(id) => ("decide", app.json("POST", "/api/v1/moderation/decisions", json!({
                            "target": { "kind": "proposal", "id": id }, "action": "hide", "reason": "spam"
                        }), Some(&moderator)).await),
                        None => {
                            round += 1;
                            continue;
                        }
                    },
                    6 => ("outcome", app.json("PUT", &format!("/api/v1/proposals/{}/outcome", pick(&finished)),
                        json!({ "outcome": if n.is_multiple_of(2) { "adopted" } else { "referred" },
                                "justification": format!("Beschluss {n}") }), Some(&planner)).await),
                    _ => {
                        let at = |days: i64| (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339();
                        ("procedure", app.json("POST", "/api/v1/procedures", json!({
                            "slug": format!("sturm-{n}"), "title": format!("Verfahren {n}"), "department": "Amt",
                            "phases": [{ "kind": "proposals", "starts_at": at(1), "ends_at": at(5) },
                                       { "kind": "voting", "starts_at": at(5), "ends_at": at(9) }],
                            "vote_rule": { "kind": "rating" }
                        }), Some(&planner)).await)
                    }
                };
                assert!(
                    response.status.as_u16() < 500,
                    "{kind}: {} {}",
                    response.status,
                    response.body
                );
                seen.push((kind, response.status.as_u16()));
                round += 1;
            }
            seen
        }));
    }
    let mut counts = std::collections::BTreeMap::<(&'static str, u16), usize>::new();
    for task in tasks {
        for seen in task.await.unwrap() {
            *counts.entry(seen).or_default() += 1;
        }
    }
    let total: usize = counts.values().sum();
    eprintln!("{total} writes in {seconds} s from {CLIENTS} clients: {counts:?}");
    for kind in [
        "register",
        "propose",
        "comment",
        "vote",
        "report",
        "decide",
        "outcome",
        "procedure",
    ] {
        let succeeded: usize = counts
            .iter()
            .filter(|((k, status), _)| *k == kind && (200..300).contains(status))
            .map(|(_, n)| n)
            .sum();
        assert!(succeeded > 0, "no {kind} succeeded: {counts:?}");
    }
}
