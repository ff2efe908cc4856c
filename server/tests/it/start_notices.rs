//! "Tell me when it starts": a resident asks on an upcoming procedure, and is mailed once
//! when it starts; not for a running one, not twice, not after taking it back.

use crate::harness::TestApp;
use app::backend::entity::{outbox_email, procedure};
use app::backend::service::start_notice;
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

const UPCOMING: &str = "buergerhaushalt-2027";

async fn mails_to(app: &TestApp, address: &str) -> u64 {
    outbox_email::Entity::find()
        .filter(outbox_email::Column::ToAddress.eq(address))
        .count(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_resident_is_told_once_when_an_upcoming_procedure_starts() {
    let app = TestApp::new().await.with_demo().await;
    let anna = app.resident("anna@example.org").await;
    let ben = app.resident("ben@example.org").await;
    let path = format!("/api/v1/procedures/{UPCOMING}/start-notice");

    // Only signed in, only for an upcoming procedure.
    let anonymous = app.json("PUT", &path, serde_json::json!({}), None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let running = app
        .json(
            "PUT",
            "/api/v1/procedures/radverkehr-2030/start-notice",
            serde_json::json!({}),
            Some(&anna),
        )
        .await;
    assert_eq!(
        running.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        running.body
    );
    for _ in 0..2 {
        let asked = app
            .json("PUT", &path, serde_json::json!({}), Some(&anna))
            .await;
        assert_eq!(asked.status, StatusCode::NO_CONTENT, "{}", asked.body);
    }
    assert_eq!(
        app.json("PUT", &path, serde_json::json!({}), Some(&ben))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.json("DELETE", &path, serde_json::json!({}), Some(&ben))
            .await
            .status,
        StatusCode::NO_CONTENT
    );

    // The page offers to take it back.
    let page = app
        .get_with(
            &format!("/verfahren/{UPCOMING}"),
            &[("cookie", &format!("mitreden_session={anna}"))],
        )
        .await;
    assert!(
        page.body.contains("Benachrichtigung abbestellen"),
        "{}",
        page.body
    );
    let visitor = app.get(&format!("/verfahren/{UPCOMING}")).await;
    assert!(visitor.body.contains("Anmelden und benachrichtigt werden"));

    // Before the start nothing is written.
    let site = app.state.site.clone();
    let now = Utc::now();
    assert_eq!(
        start_notice::announce_started(&app.state.db, &site, now)
            .await
            .unwrap(),
        0
    );
    // The procedure starts.
    procedure::Entity::update_many()
        .col_expr(
            procedure::Column::StartsAt,
            Expr::value(now - Duration::hours(1)),
        )
        .filter(procedure::Column::Slug.eq(UPCOMING))
        .exec(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        start_notice::announce_started(&app.state.db, &site, now)
            .await
            .unwrap(),
        1
    );
    let mail = app.last_mail_to("anna@example.org").await;
    assert!(mail.subject.contains("Es geht los"), "{}", mail.subject);
    assert!(mail.body_text.contains(&format!("/verfahren/{UPCOMING}")));
    // Once only; and nobody who took it back.
    assert_eq!(
        start_notice::announce_started(&app.state.db, &site, now)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        mails_to(&app, "anna@example.org").await,
        2,
        "verification and start"
    );
    assert_eq!(
        mails_to(&app, "ben@example.org").await,
        1,
        "verification only"
    );
}
