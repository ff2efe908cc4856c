//! Query plans: every statement the listing pages send reads the large tables through an
//! index. The statements are taken as the driver sends them while the real pages render
//! (the procedure list, each sort, a search, a deep cursor, a discussion, the moderation
//! queue and ledger, the planners' results, the API's lists, the map's data), then
//! explained by the database they ran on. SQLite must not `SCAN` a large table;
//! PostgreSQL, told to avoid sequential scans wherever an index can serve, must not `Seq
//! Scan` one. A page of proposals must not sort them either: each order has its index.

use crate::fixtures::{body, urlencode};
use crate::harness::{TestApp, on_postgres};
use app::model::account::Role;
use http::StatusCode;
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Tables of configuration, a handful of rows each: reading them whole is fine.
const SMALL: &[&str] = &[
    "procedures",
    "phases",
    "instance_settings",
    "start_notices",
    "seaql_migrations",
    // At most 500 rows (the import's limit), read whole by design.
    "districts",
];

struct Recorder {
    on: AtomicBool,
    statements: Mutex<Vec<Statement>>,
}

impl Recorder {
    fn take(&self) -> Vec<Statement> {
        std::mem::take(&mut *self.statements.lock().unwrap())
    }
}

/// The tables of the schema that grow with participation.
async fn large_tables(app: &TestApp) -> Vec<String> {
    let sql = if on_postgres() {
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table'"
    };
    let rows = app
        .state
        .db
        .query_all_raw(Statement::from_string(
            app.state.db.get_database_backend(),
            sql,
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|row| row.try_get::<String>("", "name").unwrap())
        .filter(|name| !SMALL.contains(&name.as_str()))
        .collect()
}

/// The large tables a plan reads whole, with the plan.
async fn full_scans(
    app: &TestApp,
    large: &[String],
    statement: &Statement,
) -> (Vec<String>, String) {
    let db = &app.state.db;
    let txn = db.begin().await.unwrap();
    let (explain, column) = if on_postgres() {
        txn.execute_unprepared("SET LOCAL enable_seqscan = off")
            .await
            .unwrap();
        // Likewise sorting: a Sort node left in the plan has no index to read in order.
        txn.execute_unprepared("SET LOCAL enable_sort = off")
            .await
            .unwrap();
        ("EXPLAIN", "QUERY PLAN")
    } else {
        ("EXPLAIN QUERY PLAN", "detail")
    };
    let rows = txn
        .query_all_raw(Statement {
            sql: format!("{explain} {}", statement.sql),
            values: statement.values.clone(),
            db_backend: statement.db_backend,
        })
        .await
        .unwrap_or_else(|e| panic!("cannot explain {}: {e}", statement.sql));
    txn.rollback().await.unwrap();
    let lines: Vec<String> = rows
        .iter()
        .map(|row| row.try_get::<String>("", column).unwrap())
        .collect();
    let in_order_page = statement.sql.contains(" LIMIT ") && !sorts(&lines);
    let scanned = lines
        .iter()
        .filter_map(|line| {
            let line = line.trim().trim_start_matches("->").trim();
            let table = if on_postgres() {
                line.strip_prefix("Seq Scan on ")?
            } else {
                // "SCAN t" reads t whole; "SCAN t USING INDEX i" walks an index in order
                // (a sorted listing stopping at its page); virtual tables are FTS5. A
                // page in the table's own order ("ORDER BY id DESC LIMIT n" with no sort
                // step) reads its n rows and stops.
                let rest = line.strip_prefix("SCAN ")?;
                if rest.contains(" USING ") || rest.contains("VIRTUAL TABLE") || in_order_page {
                    return None;
                }
                rest
            };
            // Subqueries and common table expressions are read whole by design.
            let table = table
                .split_whitespace()
                .next()?
                .trim_matches('"')
                .to_owned();
            large.contains(&table).then_some(table)
        })
        .collect();
    (scanned, lines.join("\n"))
}

/// Whether a plan sorts rows (rather than reading them in order from an index). Sorting
/// only rows that tie on the index's order (PostgreSQL's "Incremental Sort", SQLite's
/// "RIGHT PART OF ORDER BY": a ranking's ties by ascending id) is bounded by the ties.
fn sorts(plan: &[String]) -> bool {
    plan.iter().any(|line| {
        let line = line.trim().trim_start_matches("->").trim();
        // A PostgreSQL node reads "Sort  (cost=…)"; "Sort Key: …" only describes one.
        line.contains("TEMP B-TREE FOR ORDER BY")
            || (line.starts_with("Sort ") && line.contains("(cost="))
    })
}

/// A page of a procedure's proposals (any order, filter or cursor) that is not a search:
/// it must walk an index in the page's order and stop, never sort the procedure's
/// proposals. A search with fewer matches than it counts sorts them (with more, SQLite
/// walks the order's index: `listing_counts`).
fn proposal_page(sql: &str) -> bool {
    sql.contains(r#"FROM "proposals""#)
        && sql.contains(" ORDER BY ")
        && sql.contains(" LIMIT ")
        && !sql.contains("proposals_fts")
        && !sql.contains("proposal_search")
}

#[tokio::test]
async fn listing_queries_read_large_tables_through_indexes() {
    let recorder = Arc::new(Recorder {
        on: AtomicBool::new(false),
        statements: Mutex::new(Vec::new()),
    });
    let observer: server::metrics::Observer = {
        let recorder = recorder.clone();
        Arc::new(move |statement: &Statement| {
            if recorder.on.load(Ordering::Relaxed) {
                recorder.statements.lock().unwrap().push(statement.clone());
            }
        })
    };
    let app = TestApp::observed(
        &[
            ("MITREDEN_RATE_LIMIT", "0"),
            ("MITREDEN_RATE_LIMIT_ACCOUNT", "0"),
        ],
        Some(observer),
    )
    .await
    .with_demo()
    .await;
    let seeded = server::seed::scale::scale(
        &app.state.db,
        server::seed::scale::Scale {
            // Enough rows that the planners' statistics describe large tables: on a few
            // hundred, reading a table whole is cheaper than any index, and rightly chosen.
            users: 5_000,
            proposals: 1_000,
            votes: 20_000,
            comments: 400,
            discussion: 40,
            queue: 60,
            // The map's statements too: every proposal placed in a district.
            places: true,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    if !on_postgres() {
        // Without statistics SQLite plans every table as a large one (as PostgreSQL does
        // with sequential scans discouraged): a test-sized table read whole because it is
        // small says nothing about the Madrid size.
        for table in ["sqlite_stat1", "sqlite_stat4"] {
            app.state
                .db
                .execute_unprepared(&format!("DROP TABLE IF EXISTS {table}"))
                .await
                .unwrap();
        }
    }
    let first = seeded.first_proposal;
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let page_two = body(
        &app.get("/api/v1/procedures/lasttest/proposals?sort=supported")
            .await,
    )["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let cursor = urlencode(&page_two);
    let shuffled_two = body(
        &app.get("/api/v1/procedures/lasttest/proposals?sort=random")
            .await,
    )["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let shuffled_cursor = urlencode(&shuffled_two);
    let comments = body(
        &app.get(&format!("/api/v1/proposals/{first}/comments"))
            .await,
    );
    let after = comments["next_cursor"].as_str().unwrap().to_owned();

    let pages: Vec<(String, Option<&str>)> = vec![
        ("/".into(), None),
        ("/verfahren/lasttest".into(), None),
        ("/verfahren/lasttest?sort=newest".into(), None),
        ("/verfahren/lasttest?sort=supported".into(), None),
        ("/verfahren/lasttest?sort=discussed".into(), None),
        ("/verfahren/lasttest?sort=random".into(), None),
        ("/verfahren/lasttest?category=Kultur".into(), None),
        ("/verfahren/lasttest?q=B%C3%A4ume".into(), None),
        (
            format!("/verfahren/lasttest?sort=supported&cursor={cursor}"),
            None,
        ),
        (
            format!("/api/v1/procedures/lasttest/proposals?sort=random&cursor={shuffled_cursor}"),
            None,
        ),
        (format!("/vorschlaege/{first}"), None),
        (format!("/vorschlaege/{first}"), Some(moderator.as_str())),
        (format!("/api/v1/proposals/{first}/comments"), None),
        (
            format!("/api/v1/proposals/{first}/comments?after={after}"),
            None,
        ),
        (
            "/api/v1/procedures/lasttest/proposals?sort=newest".into(),
            None,
        ),
        (
            format!("/api/v1/procedures/lasttest/proposals?sort=supported&cursor={cursor}"),
            None,
        ),
        ("/moderation".into(), Some(moderator.as_str())),
        ("/moderation/protokoll".into(), None),
        ("/api/v1/procedures/lasttest/proposals.geojson".into(), None),
        (
            format!("/api/v1/procedures/lasttest/proposals.geojson?after={first}&limit=50"),
            None,
        ),
        (
            "/api/v1/procedures/lasttest/proposals/clusters?zoom=12&bbox=9.0,48.6,9.4,48.9".into(),
            None,
        ),
        (
            "/verwaltung/verfahren/lasttest/ergebnisse".into(),
            Some(planner.as_str()),
        ),
    ];
    let large = large_tables(&app).await;
    assert!(large.iter().any(|t| t == "votes"), "{large:?}");
    let mut problems = Vec::new();
    let mut explained = 0;
    for (path, token) in &pages {
        let cookie = token.map(|t| format!("mitreden_session={t}"));
        let headers: Vec<(&str, &str)> = cookie.iter().map(|c| ("cookie", c.as_str())).collect();
        recorder.on.store(true, Ordering::Relaxed);
        let response = app.get_with(path, &headers).await;
        recorder.on.store(false, Ordering::Relaxed);
        assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.body);
        let statements = recorder.take();
        assert!(!statements.is_empty(), "{path} sent no statement");
        for statement in statements {
            let sql = statement.sql.trim_start();
            if !sql
                .get(..6)
                .is_some_and(|s| s.eq_ignore_ascii_case("select"))
            {
                continue;
            }
            explained += 1;
            let (scanned, plan) = full_scans(&app, &large, &statement).await;
            if !scanned.is_empty() {
                problems.push(format!(
                    "{path} reads {scanned:?} whole:\n  {}\n  {}",
                    statement.sql,
                    plan.replace('\n', "\n  ")
                ));
            }
            let lines: Vec<String> = plan.lines().map(str::to_owned).collect();
            if proposal_page(&statement.sql) && sorts(&lines) {
                problems.push(format!(
                    "{path} sorts the proposals instead of reading them in order:\n  {}\n  {}",
                    statement.sql,
                    plan.replace('\n', "\n  ")
                ));
            }
        }
    }
    assert!(
        explained > pages.len(),
        "only {explained} statements explained"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// SQLite is built with its query planner stability guarantee (`.cargo/config.toml`): a
/// cached statement keeps its plan when its bound values change. Without it, every
/// statement with a bound LIMIT was compiled again from its text each time it ran.
#[tokio::test]
async fn sqlite_plans_do_not_depend_on_bound_values() {
    if on_postgres() {
        return;
    }
    let app = TestApp::new().await;
    let options = app
        .state
        .db
        .query_all_raw(Statement::from_string(
            app.state.db.get_database_backend(),
            "PRAGMA compile_options",
        ))
        .await
        .unwrap();
    let options: Vec<String> = options
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect();
    assert!(
        options.iter().any(|o| o == "ENABLE_QPSG"),
        "SQLite was built without SQLITE_ENABLE_QPSG: {options:?}"
    );
}

/// PostgreSQL: a vote updates the proposal's counters and leaves its search document (and
/// the GIN index over it) alone; a new title is found at once.
#[tokio::test]
async fn votes_leave_the_search_document_alone() {
    use crate::fixtures::{open_procedure, propose, support};
    if !on_postgres() {
        // SQLite's FTS5 index has its own table and triggers on title and body only.
        return;
    }
    let app = TestApp::new().await;
    open_procedure(&app, "suche").await;
    let anna = app.resident("anna@example.org").await;
    let id = propose(&app, "suche", &anna, "Trinkbrunnen am Marktplatz").await;
    let version = |id: i64| {
        let db = app.state.db.clone();
        async move {
            db.query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT xmin::text AS v FROM proposal_search WHERE proposal_id = {id}"),
            ))
            .await
            .unwrap()
            .expect("every proposal has a search document")
            .try_get::<String>("", "v")
            .unwrap()
        }
    };
    let written = version(id).await;
    let bert = app.resident("bert@example.org").await;
    support(&app, id, &bert).await;
    assert_eq!(
        version(id).await,
        written,
        "a vote rewrote the search document"
    );

    app.state
        .db
        .execute_unprepared(&format!(
            "UPDATE proposals SET title = 'Schattenbäume am Marktplatz' WHERE id = {id}"
        ))
        .await
        .unwrap();
    assert_ne!(version(id).await, written, "a new title is searchable");
    let found = body(
        &app.get("/api/v1/procedures/suche/proposals?q=Schattenbaum")
            .await,
    );
    assert_eq!(found["total"], 1, "{found}");
    let gone = body(
        &app.get("/api/v1/procedures/suche/proposals?q=Trinkbrunnen")
            .await,
    );
    assert_eq!(gone["total"], 0, "{gone}");
}
