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
