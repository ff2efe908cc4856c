use crate::harness::{TestApp, on_postgres};
use http::StatusCode;

#[tokio::test]
async fn healthz_answers_while_the_process_runs() {
    let app = TestApp::new().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body, "ok");
}

#[tokio::test]
async fn readyz_reports_the_database_and_fails_when_it_is_gone() {
    let app = TestApp::new().await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert!(ready.body.contains(r#""status":"ready""#), "{}", ready.body);

    app.state.db.close_by_ref().await.unwrap();
    let gone = app.get("/readyz").await;
    assert_eq!(gone.status, StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = serde_json::from_str(&gone.body).unwrap();
    assert_eq!(body["errors"][0]["code"], "unavailable");
    // Liveness is not readiness: the process itself is still fine.
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_with_latency_and_pool_use() {
    let app = TestApp::new().await.with_demo().await;
    app.get("/").await;
    app.get("/verfahren/radverkehr-2030").await;
    app.get("/verfahren/marktplatz-neugestaltung").await;
    app.get("/gibt-es-nicht").await;

    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics
            .header("content-type")
            .starts_with("text/plain; version=0.0.4")
    );
    let text = metrics.body;
    assert!(
        text.contains(r#"mitreden_http_requests_total{method="GET",route="/",status="200"} 1"#),
        "{text}"
    );
    // Two procedures, one route label: the template, never the raw path.
    assert!(
        text.contains(r#"route="/verfahren/{slug}",status="200"} 2"#),
        "{text}"
    );
    assert!(!text.contains("radverkehr-2030"), "{text}");
    assert!(
        text.contains(r#"route="fallback",status="404"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"mitreden_http_request_duration_seconds_count{method="GET",route="/"} 1"#)
    );
    assert!(text.contains(
        r#"mitreden_http_request_duration_seconds_bucket{method="GET",route="/",le="+Inf"} 1"#
    ));
    assert!(text.contains("mitreden_db_pool_connections{state=\"idle\"}"));
    assert!(text.contains("mitreden_db_pool_max_connections "));
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_security_headers() {
    let app = TestApp::new().await;
    let first = app.get("/healthz").await;
    let second = app.get("/healthz").await;
    let id = first.header("x-request-id");
    assert!(!id.is_empty());
    assert_ne!(id, second.header("x-request-id"));
    assert_eq!(first.header("x-content-type-options"), "nosniff");
    assert_eq!(first.header("referrer-policy"), "same-origin");
    assert_eq!(first.header("x-frame-options"), "DENY");
}

#[tokio::test]
async fn migrations_run_again_without_changing_anything() {
    let app = TestApp::new().await.with_demo().await;
    server::open_database(&database_url_of(&app)).await.unwrap();
    let listing = app.get("/?status=all").await;
    assert_eq!(listing.body.matches("procedure-card").count(), 6);
}

fn database_url_of(app: &TestApp) -> String {
    if crate::harness::on_postgres() {
        // The harness gives each test its own database; the pool knows its name.
        let options = app
            .state
            .db
            .get_postgres_connection_pool()
            .connect_options();
        format!(
            "postgres://postgres@127.0.0.1:5432/{}",
            options.get_database().unwrap_or_default()
        )
    } else {
        server::config::sqlite_url(&app.data_dir.path().join("test.db"))
    }
}

/// A client that never finishes its request's headers (slowloris), or sits idle on a
/// kept-alive connection, loses the connection after the header-read timeout.
#[tokio::test]
async fn slow_and_idle_clients_are_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = crate::harness::TestApp::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(server::accept_loop(
        listener,
        app.router.clone(),
        std::time::Duration::from_millis(500),
    ));
    // Half a request, then silence.
    let mut slow = tokio::net::TcpStream::connect(address).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        slow.read_to_end(&mut rest),
    )
    .await;
    assert!(closed.is_ok(), "the half-sent request kept its connection");
    // One request answered, then idle: closed too.
    let mut idle = tokio::net::TcpStream::connect(address).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        idle.read_to_end(&mut answer),
    )
    .await;
    assert!(closed.is_ok(), "the idle connection stayed open");
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"),
        "{answer:?}"
    );
    server.abort();
}

#[tokio::test]
async fn postgres_sessions_cancel_runaway_statements_and_idle_transactions() {
    if !on_postgres() {
        return;
    }
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let app = TestApp::new().await;
    for (setting, expected) in [
        ("statement_timeout", "30s"),
        ("idle_in_transaction_session_timeout", "1min"),
    ] {
        let row = app
            .state
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("SHOW {setting}"),
            ))
            .await
            .unwrap()
            .unwrap();
        let value: String = row.try_get("", setting).unwrap();
        assert_eq!(value, expected, "{setting}");
    }
}
