//! 500 concurrent vote and unvote requests from 100 accounts against a real server on a
//! loopback port: afterwards every tally equals its vote rows and no request got a 5xx.

use crate::harness::TestApp;
use crate::participation::{assert_tallies_match_rows, procedure};
use app::backend::entity::{proposal, user, vote};
use app::backend::service::account::start_session;
use app::model::procedure::PhaseKind;
use app::model::proposal::VoteRule;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ACCOUNTS: usize = 100;
const REQUESTS: usize = 500;
const PROPOSALS: usize = 5;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_votes_keep_every_tally_equal_to_its_rows() {
    let app = TestApp::new().await;
    // A cap of 3 supports per person makes the per-person check race too.
    let rule = VoteRule::Support { cap: Some(3) };
    let procedure_id = procedure(
        &app,
        "abstimmung",
        PhaseKind::Voting,
        rule,
        PhaseKind::Voting,
    )
    .await;
    let now = Utc::now();
    let mut tokens = Vec::new();
    for n in 0..ACCOUNTS {
        let account = user::ActiveModel {
            email: Set(Some(format!("person{n}@example.org"))),
            display_name: Set(Some(format!("Person {n}"))),
            password_hash: Set(None),
            role: Set("resident".to_owned()),
            lang: Set("de".to_owned()),
            email_verified_at: Set(Some(now)),
            notify_replies: Set(false),
            notify_digest: Set(false),
            terms_version: Set("2026-11".to_owned()),
            terms_accepted_at: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            ..Default::default()
        }
        .insert(&app.state.db)
        .await
        .unwrap();
        let session = start_session(&app.state.db, &app.state.jwt_secret, account.id, now)
            .await
            .unwrap();
        tokens.push(session.token);
    }
    let mut proposals = Vec::new();
    for n in 0..PROPOSALS {
        let row = proposal::ActiveModel {
            procedure_id: Set(procedure_id),
            author_id: Set(1),
            title: Set(format!("Vorschlag {n}")),
            body: Set("Begründung".to_owned()),
            source: Set("online".to_owned()),
            status: Set("published".to_owned()),
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
        let target = proposals[(request / ACCOUNTS + request % 3) % PROPOSALS];
        let withdraw = request % 4 == 3;
        tasks.push(tokio::spawn(async move {
            let (method, body) = if withdraw {
                ("DELETE", String::new())
            } else {
                ("PUT", r#"{"value":1}"#.to_owned())
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
    // Everything else is a success or the cap (422).
    assert!(
        statuses.keys().all(|s| *s == 200 || *s == 422),
        "statuses: {statuses:?}"
    );
    assert!(statuses.get(&200).copied().unwrap_or(0) > REQUESTS / 2);
    assert_tallies_match_rows(&app).await;
    // Nobody holds more supports than the cap allows.
    let mut held = std::collections::HashMap::<i64, usize>::new();
    for row in vote::Entity::find().all(&app.state.db).await.unwrap() {
        *held.entry(row.user_id).or_default() += 1;
    }
    assert!(held.values().all(|n| *n <= 3), "{held:?}");
    assert!(vote::Entity::find().count(&app.state.db).await.unwrap() > 0);
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
