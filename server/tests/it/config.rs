use crate::harness::test_config;

#[tokio::test]
async fn an_unreachable_database_fails_start_up_naming_the_variable() {
    let data_dir = tempfile::tempdir().unwrap();
    let config = test_config(&[
        ("MITREDEN_DATA_DIR", data_dir.path().to_str().unwrap()),
        ("DATABASE_URL", "postgres://nobody@127.0.0.1:1/nothing"),
    ]);
    let error = server::build_app(&config).await.err().unwrap();
    assert!(format!("{error:#}").contains("DATABASE_URL"), "{error:#}");
}

#[tokio::test]
async fn an_unusable_data_directory_fails_start_up_naming_the_variable() {
    let parent = tempfile::tempdir().unwrap();
    let file = parent.path().join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let config = test_config(&[("MITREDEN_DATA_DIR", file.join("data").to_str().unwrap())]);
    let error = server::build_app(&config).await.err().unwrap();
    assert!(
        format!("{error:#}").contains("MITREDEN_DATA_DIR"),
        "{error:#}"
    );
}

#[tokio::test]
async fn first_start_creates_the_database_and_the_editable_legal_pages() {
    let data_dir = tempfile::tempdir().unwrap();
    let config = test_config(&[("MITREDEN_DATA_DIR", data_dir.path().to_str().unwrap())]);
    server::build_app(&config).await.unwrap();
    assert!(data_dir.path().join("mitreden.db").exists());
    for page in ["impressum", "datenschutz", "barrierefreiheit"] {
        for lang in ["de", "en"] {
            assert!(
                data_dir
                    .path()
                    .join(format!("pages/{page}.{lang}.md"))
                    .exists(),
                "{page}.{lang}"
            );
        }
    }
}

#[tokio::test]
async fn the_session_key_is_generated_once_private_and_kept_across_restarts() {
    let data_dir = tempfile::tempdir().unwrap();
    let config = test_config(&[("MITREDEN_DATA_DIR", data_dir.path().to_str().unwrap())]);
    let first = server::build_app(&config).await.unwrap();
    let second = server::build_app(&config).await.unwrap();
    assert_eq!(first.state.jwt_secret.len(), 64);
    assert_eq!(first.state.jwt_secret, second.state.jwt_secret);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data_dir.path().join("jwt_secret"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let configured = test_config(&[
        ("MITREDEN_DATA_DIR", data_dir.path().to_str().unwrap()),
        ("MITREDEN_JWT_SECRET", &"k".repeat(40)),
    ]);
    let app = server::build_app(&configured).await.unwrap();
    assert_eq!(&*app.state.jwt_secret, "k".repeat(40));
}

#[test]
fn rate_limits_default_and_reject_what_is_not_a_number() {
    let config = test_config(&[]);
    assert_eq!(
        config.rate_limit_address,
        server::config::DEFAULT_RATE_LIMIT_ADDRESS
    );
    assert_eq!(
        config.rate_limit_account,
        server::config::DEFAULT_RATE_LIMIT_ACCOUNT
    );
    let off = test_config(&[("MITREDEN_RATE_LIMIT", "0")]);
    assert_eq!(off.rate_limit_address, 0);
    let error = server::config::Config::from_sources(
        |name| (name == "MITREDEN_RATE_LIMIT_ACCOUNT").then(|| "viele".to_owned()),
        None,
    )
    .unwrap_err();
    assert_eq!(error.variable, "MITREDEN_RATE_LIMIT_ACCOUNT");
}

#[test]
fn the_page_memory_is_a_second_by_default_and_bounded() {
    let config = test_config(&[]);
    assert_eq!(config.page_memory, std::time::Duration::from_secs(1));
    let off = test_config(&[("MITREDEN_PAGE_MEMORY_MS", "0")]);
    assert!(off.page_memory.is_zero());
    for bad in ["eine Sekunde", "-1", "3600000"] {
        let error = server::config::Config::from_sources(
            |name| (name == "MITREDEN_PAGE_MEMORY_MS").then(|| bad.to_owned()),
            None,
        )
        .unwrap_err();
        assert_eq!(error.variable, "MITREDEN_PAGE_MEMORY_MS", "{bad}");
    }
}
