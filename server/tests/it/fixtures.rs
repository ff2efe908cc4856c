//! What many test files set up: a procedure, a proposal, a signed-in person, and the
//! checks they share. One place, so that a feature's test file holds only its tests.

use crate::harness::TestApp;
use app::backend::entity::{proposal, user, vote};
use app::backend::service::procedure::{NewPhase, NewProcedure, create};
use app::formats::proposals::model::VoteRule;
use app::model::procedure::{PhaseKind, Slug};
use chrono::{Duration, Utc};
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

/// Every phase and procedure of the database ended an hour ago: the participation is over
/// and results are public.
pub async fn end_voting(app: &TestApp) {
    use app::backend::entity::{phase, procedure as procedure_entity};
    use sea_orm::sea_query::Expr;
    let past = Utc::now() - Duration::hours(1);
    phase::Entity::update_many()
        .col_expr(phase::Column::EndsAt, Expr::value(past))
        .exec(&app.state.db)
        .await
        .unwrap();
    procedure_entity::Entity::update_many()
        .col_expr(procedure_entity::Column::EndsAt, Expr::value(past))
        .exec(&app.state.db)
        .await
        .unwrap();
    app.procedures_changed_behind_its_back().await;
}

/// A published procedure whose current phase is `phase` (running from yesterday for a
/// week), with votes taken in `vote_phase`.
pub async fn procedure(
    app: &TestApp,
    slug: &str,
    phase: PhaseKind,
    rule: VoteRule,
    vote_phase: PhaseKind,
) -> i64 {
    let now = Utc::now();
    create(
        &app.state.db,
        NewProcedure {
            slug: Slug::parse(slug).unwrap(),
            title: "Grünflächen im Quartier".to_owned(),
            summary: "Mehr Grün".to_owned(),
            description: "Worum es geht".to_owned(),
            department: "Grünflächenamt".to_owned(),
            contact: "gruen@musterstadt.example".to_owned(),
            phases: vec![NewPhase {
                kind: phase,
                starts_at: now - Duration::days(1),
                ends_at: now + Duration::days(7),
            }],
            rule,
            vote_phase,
            categories: vec!["Bäume".to_owned(), "Spielplätze".to_owned()],
            published: true,
            moderation: app::model::moderation::ModerationMode::Post,
        },
        now,
    )
    .await
    .unwrap()
}

/// A procedure open for proposals and supports (no cap), from yesterday for a week.
pub async fn open_procedure(app: &TestApp, slug: &str) -> i64 {
    let rule = VoteRule::Support { cap: None };
    procedure(app, slug, PhaseKind::Proposals, rule, PhaseKind::Proposals).await
}

pub async fn propose(app: &TestApp, slug: &str, token: &str, title: &str) -> i64 {
    let response = app
        .json(
            "POST",
            &format!("/api/v1/procedures/{slug}/proposals"),
            json!({ "title": title, "body": "Eine ausführliche Begründung des Vorschlags." }),
            Some(token),
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    body(&response)["id"].as_i64().unwrap()
}

/// `token`'s support for a proposal, which must be taken.
pub async fn support(app: &TestApp, id: i64, token: &str) {
    let vote = app
        .json(
            "PUT",
            &format!("/api/v1/proposals/{id}/vote"),
            json!({ "value": 1 }),
            Some(token),
        )
        .await;
    assert!(vote.status.is_success(), "{}", vote.body);
}

/// A moderation decision through the API, as `token`'s.
pub async fn decide(app: &TestApp, token: &str, decision: Value) -> crate::harness::TestResponse {
    app.json(
        "POST",
        "/api/v1/moderation/decisions",
        decision,
        Some(token),
    )
    .await
}

pub fn body(response: &crate::harness::TestResponse) -> Value {
    serde_json::from_str(&response.body).unwrap()
}

/// Every proposal's counters equal its vote and comment rows.
pub async fn assert_tallies_match_rows(app: &TestApp) {
    let db = &app.state.db;
    for row in proposal::Entity::find().all(db).await.unwrap() {
        let count = |value: i16| {
            vote::Entity::find()
                .filter(vote::Column::ProposalId.eq(row.id))
                .filter(vote::Column::Value.eq(value))
                .count(db)
        };
        let (up, down) = (count(1).await.unwrap(), count(-1).await.unwrap());
        assert_eq!(row.support_count as u64, up, "support of {}", row.id);
        assert_eq!(row.up_count as u64, up, "up of {}", row.id);
        assert_eq!(row.down_count as u64, down, "down of {}", row.id);
        assert_eq!(
            row.score as i64,
            up as i64 - down as i64,
            "score of {}",
            row.id
        );
        let comments = app::backend::entity::comment::Entity::find()
            .filter(app::backend::entity::comment::Column::ProposalId.eq(row.id))
            .filter(app::backend::entity::comment::Column::Status.eq("published"))
            .count(db)
            .await
            .unwrap();
        assert_eq!(row.comment_count as u64, comments, "comments of {}", row.id);
    }
    assert_listing_counts_match_rows(app).await;
}

/// The counters the listings show (kept by trigger) equal the proposals they count.
pub async fn assert_listing_counts_match_rows(app: &TestApp) {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.state.db;
    let rows = |sql: &str| {
        let statement = Statement::from_string(db.get_database_backend(), sql);
        async move {
            let mut rows: Vec<(i64, String, String, String, i64)> = db
                .query_all_raw(statement)
                .await
                .unwrap()
                .into_iter()
                .map(|row| {
                    (
                        row.try_get_by_index(0).unwrap(),
                        row.try_get_by_index(1).unwrap(),
                        row.try_get_by_index(2).unwrap(),
                        row.try_get_by_index(3).unwrap(),
                        row.try_get_by_index(4).unwrap(),
                    )
                })
                .collect();
            rows.sort();
            rows
        }
    };
    let counters = rows(
        "SELECT procedure_id, status, visibility, category, n FROM proposal_counts WHERE n <> 0",
    )
    .await;
    let counted = rows(
        "SELECT procedure_id, status, visibility, coalesce(category, ''), CAST(count(*) AS BIGINT) \
         FROM proposals GROUP BY procedure_id, status, visibility, coalesce(category, '')",
    )
    .await;
    assert_eq!(
        counters, counted,
        "the listing counters drifted from the rows"
    );
}

pub async fn current_user(app: &TestApp, email: &str) -> app::backend::auth::CurrentUser {
    let row = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    app::backend::auth::CurrentUser {
        id: row.id,
        session_id: String::new(),
        role: row.role,
        verified: row.email_verified_at.is_some(),
        blocked: row.blocked_at(chrono::Utc::now()),
    }
}

/// Comments written straight into the database, as many as a long discussion has: `count`
/// replies to `parent` (top-level comments for `None`), oldest first. Their ids.
pub async fn insert_comments(
    app: &TestApp,
    proposal_id: i64,
    author_id: i64,
    parent: Option<(i64, i32)>,
    count: usize,
) -> Vec<i64> {
    use app::backend::entity::comment;
    use app::formats::proposals::model::{CommentStatus, Origin};
    use app::model::moderation::Visibility;
    use sea_orm::{ActiveModelTrait, Set};
    let mut ids = Vec::with_capacity(count);
    for n in 0..count {
        let row = comment::ActiveModel {
            proposal_id: Set(proposal_id),
            parent_id: Set(parent.map(|(id, _)| id)),
            author_id: Set(author_id),
            body: Set(format!("Beitrag {n}")),
            depth: Set(parent.map_or(0, |(_, depth)| depth + 1)),
            source: Set(Origin::Online),
            event_name: Set(None),
            status: Set(CommentStatus::Published),
            created_at: Set(Utc::now()),
            visibility: Set(Visibility::Visible),
            ..Default::default()
        }
        .insert(&app.state.db)
        .await
        .unwrap();
        ids.push(row.id);
    }
    ids
}

/// A PNG file: signature, header (8 bits per sample, `color_type` 2 RGB or 6 RGBA), the
/// `chunks` given (kind, data) in order, end. CRCs are zero: the server checks structure,
/// not checksums; give a real zlib stream in an `IDAT` where the pixels are decoded.
pub fn png(width: u32, height: u32, color_type: u8, chunks: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        bytes.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        bytes.extend_from_slice(kind);
        bytes.extend_from_slice(data);
        bytes.extend_from_slice(&[0, 0, 0, 0]);
    };
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, color_type, 0, 0, 0]);
    chunk(b"IHDR", &header);
    for (kind, data) in chunks {
        chunk(&kind[..], data);
    }
    chunk(b"IEND", &[]);
    bytes
}

/// Sets a proposal's visibility directly, as moderation would have ("visible", "hidden").
pub async fn set_visibility(app: &TestApp, id: i64, visibility: &str) {
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::Visibility,
            sea_orm::sea_query::Expr::value(visibility),
        )
        .filter(proposal::Column::Id.eq(id))
        .exec(&app.state.db)
        .await
        .unwrap();
}

/// What a poppler tool (`pdftotext`, `pdfinfo`, `pdfimages`) prints about `pdf`, run as
/// `command` followed by the file (and `-`, standard output, for `pdftotext`).
pub fn poppler(command: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bericht.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new(command[0])
        .args(&command[1..])
        .arg(&path)
        .args(if command[0] == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .expect("poppler-utils is installed by `make system-packages`");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The text of a PDF as `pdftotext` reads it back (UTF-8, the page's reading order).
pub fn pdf_text(pdf: &[u8]) -> String {
    poppler(&["pdftotext", "-enc", "UTF-8"], pdf)
}

/// A value for a URL's query or a form body, percent-encoded.
pub fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The statements the app has sent to its database so far, as its metrics count them
/// (`mitreden_db_queries_total`).
pub async fn queries_so_far(app: &TestApp) -> u64 {
    let metrics = app.get("/metrics").await;
    metrics
        .body
        .lines()
        .find_map(|line| line.strip_prefix("mitreden_db_queries_total "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no query counter in {}", metrics.body))
}

/// `count` verified residents made straight in the database (no password hashing), each
/// with a session: their tokens.
pub async fn sessions(app: &TestApp, count: usize) -> Vec<String> {
    use app::backend::service::account::start_session;
    use sea_orm::{ActiveModelTrait, Set};
    let now = Utc::now();
    let mut tokens = Vec::new();
    for n in 0..count {
        let account = user::ActiveModel {
            email: Set(Some(format!("person{n}@example.org"))),
            display_name: Set(Some(format!("Person {n}"))),
            password_hash: Set(None),
            role: Set(app::model::account::Role::Resident),
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
    tokens
}

/// A budget of 10,000 € under the approval rule (1 to `max` projects) with `projects`
/// projects on its ballot, stored directly whatever the procedure's stage (the service
/// makes budgets only before voting starts). Returns the budget's and the projects' ids.
pub async fn budget_rows(
    app: &TestApp,
    procedure_id: i64,
    max: i32,
    projects: usize,
) -> (i64, Vec<i64>) {
    use app::backend::entity::{budget, budget_project};
    use app::formats::budget::model::{BallotRuleKind, Feasibility, ResultMethod};
    use sea_orm::{ActiveModelTrait, Set};
    let db = &app.state.db;
    let now = Utc::now();
    let budget = budget::ActiveModel {
        procedure_id: Set(procedure_id),
        title: Set("Bürgerbudget".to_owned()),
        district: Set(None),
        total_cents: Set(1_000_000),
        rule: Set(BallotRuleKind::Approval),
        min_projects: Set(Some(1)),
        max_projects: Set(Some(max)),
        min_spend_percent: Set(None),
        points: Set(None),
        max_points_per_project: Set(None),
        method: Set(ResultMethod::Greedy),
        tie_seed: Set("seed".to_owned()),
        one_district: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let mut ids = Vec::new();
    for n in 0..projects {
        let project = budget_project::ActiveModel {
            budget_id: Set(budget.id),
            proposal_id: Set(None),
            title: Set(format!("Projekt {n}")),
            description: Set(String::new()),
            cost_cents: Set(100_000),
            district: Set(None),
            feasibility: Set(Feasibility::Feasible),
            feasibility_reason: Set(String::new()),
            selected: Set(true),
            responsible_unit: Set(String::new()),
            withdrawn_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        ids.push(project.id);
    }
    (budget.id, ids)
}
