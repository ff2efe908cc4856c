//! `TestApp`: one application with its own data directory and database, driven in-process.

use app::backend::state::AppState;
use axum::Router;
use axum::body::Body;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, Database};
use server::config::Config;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub data_dir: tempfile::TempDir,
    postgres_database: Option<String>,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

/// Procedure ids that no other test database of this process hands out: the server keeps
/// costly work in memory by procedure id (results, map data), per process, as a server with
/// its one database would; the tests run many databases in one process.
const PROCEDURE_IDS_PER_DATABASE: u32 = 100_000;

async fn shift_procedure_ids(db: &sea_orm::DatabaseConnection, number: u32) {
    let first = i64::from(number) * i64::from(PROCEDURE_IDS_PER_DATABASE);
    let statements = if on_postgres() {
        vec![format!(
            "SELECT setval(pg_get_serial_sequence('procedures', 'id'), {first} + 1, false)"
        )]
    } else {
        vec![
            "DELETE FROM sqlite_sequence WHERE name = 'procedures'".to_owned(),
            format!("INSERT INTO sqlite_sequence (name, seq) VALUES ('procedures', {first})"),
        ]
    };
    for statement in statements {
        db.execute_unprepared(&statement).await.unwrap();
    }
}

pub fn on_postgres() -> bool {
    std::env::var("MITREDEN_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

fn postgres_admin_url() -> String {
    std::env::var("MITREDEN_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

static NEXT_DATABASE: AtomicU32 = AtomicU32::new(0);

impl TestApp {
    pub async fn new() -> Self {
        // The suites send hundreds of requests a minute from one (unknown) address; the
        // rate limits have tests of their own (`with_config`).
        Self::with_config(&[
            ("MITREDEN_RATE_LIMIT", "0"),
            ("MITREDEN_RATE_LIMIT_ACCOUNT", "0"),
        ])
        .await
    }

    /// A fresh app with these configuration variables besides the data directory and
    /// database.
    pub async fn with_config(vars: &[(&str, &str)]) -> Self {
        Self::observed(vars, None).await
    }

    /// A fresh app whose every database statement `observer` sees.
    pub async fn observed(
        vars: &[(&str, &str)],
        observer: Option<server::metrics::Observer>,
    ) -> Self {
        let data_dir = tempfile::tempdir().unwrap();
        let number = NEXT_DATABASE.fetch_add(1, Ordering::Relaxed);
        let (database_url, postgres_database) = if on_postgres() {
            let name = format!("mitreden_test_{}_{number}", std::process::id());
            let admin = Database::connect(postgres_admin_url()).await.unwrap();
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            admin.close().await.unwrap();
            let base = postgres_admin_url();
            let server = base.rsplit_once('/').map(|(s, _)| s).unwrap_or(&base);
            (format!("{server}/{name}"), Some(name))
        } else {
            (
                server::config::sqlite_url(&data_dir.path().join("test.db")),
                None,
            )
        };
        let mut all = vec![
            ("MITREDEN_DATA_DIR", data_dir.path().to_str().unwrap()),
            ("DATABASE_URL", database_url.as_str()),
            // Tests change the database behind the server's back and count the queries of
            // each page; the page memory has a test of its own (`caching`).
            ("MITREDEN_PAGE_MEMORY_MS", "0"),
        ];
        all.extend_from_slice(vars);
        let config = test_config(&all);
        let built = server::build_observed_app(&config, observer).await.unwrap();
        shift_procedure_ids(&built.state.db, number).await;
        Self {
            router: built.router,
            state: built.state,
            data_dir,
            postgres_database,
        }
    }

    /// The demo procedures, laid relative to now.
    pub async fn with_demo(self) -> Self {
        server::seed::demo(
            &self.state.db,
            self.data_dir.path(),
            chrono::Utc::now(),
            false,
        )
        .await
        .unwrap();
        self
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// A download as bytes (XLSX, PDF), with the session token if given.
    pub async fn send_raw_get(&self, path: &str, token: Option<&str>) -> (StatusCode, Vec<u8>) {
        let mut request = Request::get(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, bytes.to_vec())
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.get_with(path, &[]).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut request = Request::get(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// A form post as a browser without JavaScript sends it.
    pub async fn post_form(
        &self,
        path: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        self.post(path, "text/html,application/xhtml+xml", body, headers)
            .await
    }

    /// The same post as the hydrated page's script sends it.
    pub async fn post_form_as_script(&self, path: &str, body: &str) -> TestResponse {
        self.post(path, "application/json", body, &[]).await
    }

    pub async fn post(
        &self,
        path: &str,
        accept: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut request = Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("content-length", body.len())
            .header("accept", accept);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::from(body.to_owned())).unwrap())
            .await
    }
}

impl TestApp {
    /// A JSON request as an API client sends it, with an optional bearer token.
    pub async fn json(
        &self,
        method: &str,
        path: &str,
        body: serde_json::Value,
        token: Option<&str>,
    ) -> TestResponse {
        let text = body.to_string();
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json")
            .header("content-length", text.len());
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        self.send(request.body(Body::from(text)).unwrap()).await
    }

    pub async fn get_as(&self, path: &str, token: &str) -> TestResponse {
        self.get_with(path, &[("authorization", &format!("Bearer {token}"))])
            .await
    }

    /// The names of the stored media files (a write's temporary file aside).
    pub fn media_files(&self) -> Vec<String> {
        match std::fs::read_dir(self.data_dir.path().join("media")) {
            Ok(entries) => entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| !name.starts_with('.'))
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The last mail the outbox holds for an address.
    pub async fn last_mail_to(&self, address: &str) -> app::backend::entity::outbox_email::Model {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        app::backend::entity::outbox_email::Entity::find()
            .filter(app::backend::entity::outbox_email::Column::ToAddress.eq(address))
            .order_by_desc(app::backend::entity::outbox_email::Column::Id)
            .one(&self.state.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no mail to {address}"))
    }

    pub async fn mail_count(&self) -> u64 {
        use sea_orm::{EntityTrait, PaginatorTrait};
        app::backend::entity::outbox_email::Entity::find()
            .count(&self.state.db)
            .await
            .unwrap()
    }

    /// The token of the link in the last mail to an address.
    pub async fn link_token(&self, address: &str) -> String {
        let mail = self.last_mail_to(address).await;
        let start = mail.body_text.find("token=").expect("a link with a token") + 6;
        mail.body_text[start..start + 64].to_owned()
    }

    /// Registers, verifies and logs in a resident; returns the session token.
    pub async fn resident(&self, email: &str) -> String {
        self.register(email).await;
        let token = self.link_token(email).await;
        let verified = self
            .json(
                "POST",
                "/api/v1/auth/verify",
                serde_json::json!({ "token": token }),
                None,
            )
            .await;
        assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
        self.login(email).await
    }

    pub async fn register(&self, email: &str) {
        let response = self
            .json(
                "POST",
                "/api/v1/auth/register",
                serde_json::json!({
                    "email": email, "password": PASSWORD, "display_name": "Anna Muster", "accept_terms": true
                }),
                None,
            )
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    }

    pub async fn login(&self, email: &str) -> String {
        let response = self
            .json(
                "POST",
                "/api/v1/auth/login",
                serde_json::json!({ "email": email, "password": PASSWORD }),
                None,
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        let body: serde_json::Value = serde_json::from_str(&response.body).unwrap();
        body["token"].as_str().unwrap().to_owned()
    }

    /// Procedures or phases were written past the services (as the command line would):
    /// what the server keeps of them goes, as when another instance announces a change.
    pub async fn procedures_changed_behind_its_back(&self) {
        use app::backend::entity::procedure;
        use sea_orm::{EntityTrait, QuerySelect};
        let ids: Vec<i64> = procedure::Entity::find()
            .select_only()
            .column(procedure::Column::Id)
            .into_tuple()
            .all(&self.state.db)
            .await
            .unwrap();
        for id in ids {
            app::backend::common::changed_elsewhere(id);
        }
    }

    /// A verified account with a role, as `mitreden user create` makes it; logged in.
    pub async fn with_role(&self, email: &str, role: app::model::account::Role) -> String {
        app::backend::service::account::create_verified(
            &self.state.db,
            email,
            "Team Stadt",
            PASSWORD,
            role,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        self.login(email).await
    }
}

pub const PASSWORD: &str = "Lindenallee-Radweg-2026";

pub fn error_code(response: &TestResponse) -> String {
    let body: serde_json::Value = serde_json::from_str(&response.body).unwrap_or_default();
    body["errors"][0]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let Some(name) = self.postgres_database.take() else {
            return;
        };
        // Drop cannot await; a short-lived runtime on its own thread removes the database.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            // Bounded: a slow clean-up leaves a database behind, never a hanging test.
            runtime.block_on(async {
                let _ = tokio::time::timeout(std::time::Duration::from_secs(15), async {
                    if let Ok(admin) = Database::connect(postgres_admin_url()).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                        let _ = admin.close().await;
                    }
                })
                .await;
            });
        })
        .join();
    }
}

pub fn test_config(vars: &[(&str, &str)]) -> Config {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_sources(|name| vars.get(name).cloned(), None).unwrap()
}

const BOUNDARY: &str = "----mitreden-test-boundary";

/// A multipart body with text fields and files (field name, content type, bytes).
pub fn multipart_body(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, content_type, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"datei\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Sends a multipart body as a browser's form does.
pub async fn send_multipart(
    app: &TestApp,
    method: &str,
    path: &str,
    body: Vec<u8>,
    headers: &[(&str, String)],
) -> TestResponse {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("content-length", body.len());
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    app.send(request.body(Body::from(body)).unwrap()).await
}
