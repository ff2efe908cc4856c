//! `mitreden backup` while the instance serves and writes, and `mitreden restore` into a
//! fresh data directory: every row of every table and every file comes back.

use crate::harness::{TestApp, on_postgres, test_config};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use std::collections::BTreeMap;

/// Every table's rows, as text, by table name.
async fn rows_by_table(db: &impl ConnectionTrait) -> BTreeMap<String, usize> {
    let tables = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        ))
        .await
        .unwrap();
    let mut counts = BTreeMap::new();
    for table in tables {
        let name: String = table.try_get("", "name").unwrap();
        let count = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!("SELECT COUNT(*) AS n FROM \"{name}\""),
            ))
            .await
            .unwrap()
            .unwrap();
        let n: i64 = count.try_get("", "n").unwrap();
        counts.insert(name, usize::try_from(n).unwrap());
    }
    counts
}

fn files_under(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_restores_every_row_and_file() {
    if on_postgres() {
        return;
    }
    let app = TestApp::new().await.with_demo().await;
    let resident = app.resident("anna@example.org").await;
    std::fs::create_dir_all(app.data_dir.path().join("media")).unwrap();
    std::fs::write(app.data_dir.path().join("media/abc.png"), b"\x89PNG bild").unwrap();
    let database = server::config::sqlite_url(&app.data_dir.path().join("test.db"));
    let config = test_config(&[
        ("MITREDEN_DATA_DIR", app.data_dir.path().to_str().unwrap()),
        ("DATABASE_URL", &database),
    ]);

    // Votes keep arriving while the backup runs.
    let writer = {
        let router = app.router.clone();
        let token = resident.clone();
        tokio::spawn(async move {
            for value in [1, 0, 1, 0, 1] {
                let request = http::Request::builder()
                    .method(if value == 0 { "DELETE" } else { "PUT" })
                    .uri("/api/v1/proposals/1/vote")
                    .header("authorization", format!("Bearer {token}"))
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(r#"{"value":1}"#))
                    .unwrap();
                let _ = tower::ServiceExt::oneshot(router.clone(), request).await;
            }
        })
    };
    let archive = tempfile::tempdir().unwrap();
    let file = archive.path().join("sicherung.zip");
    let summary = server::backup::backup(&config, &app.state.db, &file)
        .await
        .unwrap();
    writer.await.unwrap();
    assert!(summary.database);
    assert!(summary.files >= 2, "{summary:?}");
    assert!(!archive.path().join("sicherung.zip.partial").exists());

    // The archive's database as it was; the live one may have moved on since.
    let before = files_under(app.data_dir.path());

    let fresh = tempfile::tempdir().unwrap();
    let data_dir = fresh.path().join("daten");
    let restored_url = server::config::sqlite_url(&data_dir.join("mitreden.db"));
    let restore_config = test_config(&[
        ("MITREDEN_DATA_DIR", data_dir.to_str().unwrap()),
        ("DATABASE_URL", &restored_url),
    ]);
    let restored = server::backup::restore(&restore_config, &file).unwrap();
    assert!(restored.database);
    assert_eq!(restored.files, summary.files);
    // Every file of the data directory, byte for byte (the database as its own entry).
    let after = files_under(&data_dir);
    for (name, bytes) in &before {
        if name.starts_with("test.db") {
            continue;
        }
        assert_eq!(after.get(name), Some(bytes), "{name}");
    }
    // Every row of every table: the restored database against a copy of the live one
    // taken now (the votes may have moved on since the backup, nothing else did).
    let restored_db = Database::connect(&restored_url).await.unwrap();
    let restored_rows = rows_by_table(&restored_db).await;
    let live_rows = rows_by_table(&app.state.db).await;
    assert!(restored_rows.len() > 15, "{restored_rows:?}");
    for (table, n) in &live_rows {
        if table == "votes" {
            continue;
        }
        assert_eq!(restored_rows.get(table), Some(n), "{table}");
    }
    assert!(restored_rows["users"] > 5);
    assert!(restored_rows["proposals"] > 5);

    // A restore refuses a data directory that is in use.
    assert!(server::backup::restore(&restore_config, &file).is_err());
    // And the restored instance serves.
    let served = server::build_app(&restore_config).await.unwrap();
    let request = http::Request::get("/api/v1/procedures")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(served.router, request)
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
