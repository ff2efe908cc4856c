//! The outbox worker against a real SMTP server on 127.0.0.1.

use crate::harness::TestApp;
use crate::smtp::SmtpSink;
use app::backend::entity::outbox_email;
use app::backend::mail::worker::{self, Mailer};
use app::backend::mail::{Template, enqueue};
use app::i18n::Lang;
use chrono::{Duration, Utc};
use sea_orm::EntityTrait;

async fn outbox(app: &TestApp) -> Vec<outbox_email::Model> {
    outbox_email::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn mails_reach_the_smtp_server_with_text_and_html() {
    let app = TestApp::new().await;
    let sink = SmtpSink::start().await;
    let mailer = Mailer::new(
        Some(&sink.url()),
        "Mitreden <noreply@mitreden.test>",
        app.data_dir.path(),
    )
    .unwrap();
    let now = Utc::now();
    enqueue(
        &app.state.db,
        "anna@example.org",
        Template::TestMail,
        Lang::De,
        &[
            ("instance", "Mitreden Test"),
            ("link", "https://mitreden.test/"),
        ],
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        worker::deliver_due(&app.state.db, &mailer, now)
            .await
            .unwrap(),
        1
    );
    let received = sink.messages();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, ["anna@example.org"]);
    assert!(received[0].data.contains("multipart/alternative"));
    assert!(received[0].data.contains("text/html"));
    let rows = outbox(&app).await;
    assert_eq!(
        rows[0].status,
        app::backend::entity::outbox_email::MailStatus::Sent
    );
    assert!(rows[0].sent_at.is_some());
    // Sent once: a second pass finds nothing to do.
    assert_eq!(
        worker::deliver_due(&app.state.db, &mailer, now)
            .await
            .unwrap(),
        0
    );
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn a_failing_relay_delays_mails_but_loses_none() {
    let app = TestApp::new().await;
    let sink = SmtpSink::start().await;
    sink.refuse(true);
    let mailer = Mailer::new(
        Some(&sink.url()),
        "noreply@mitreden.test",
        app.data_dir.path(),
    )
    .unwrap();
    let now = Utc::now();
    for to in ["a@example.org", "b@example.org", "c@example.org"] {
        enqueue(
            &app.state.db,
            to,
            Template::TestMail,
            Lang::En,
            &[("instance", "I"), ("link", "https://l.test/")],
            now,
        )
        .await
        .unwrap();
    }
    assert_eq!(
        worker::deliver_due(&app.state.db, &mailer, now)
            .await
            .unwrap(),
        0
    );
    for row in outbox(&app).await {
        assert_eq!(
            row.status,
            app::backend::entity::outbox_email::MailStatus::Pending
        );
        assert_eq!(row.attempts, 1);
        assert!(row.next_attempt_at > now, "retried at once");
        assert!(
            row.last_error
                .as_deref()
                .unwrap_or_default()
                .contains("451")
        );
    }
    // Not due yet: nothing is tried again before the pause is over.
    assert_eq!(
        worker::deliver_due(&app.state.db, &mailer, now + Duration::seconds(5))
            .await
            .unwrap(),
        0
    );
    assert!(outbox(&app).await.iter().all(|row| row.attempts == 1));

    sink.refuse(false);
    let later = now + worker::backoff(1) + Duration::seconds(1);
    assert_eq!(
        worker::deliver_due(&app.state.db, &mailer, later)
            .await
            .unwrap(),
        3
    );
    let mut recipients: Vec<String> = sink.messages().into_iter().flat_map(|m| m.to).collect();
    recipients.sort();
    assert_eq!(
        recipients,
        ["a@example.org", "b@example.org", "c@example.org"]
    );
}

#[tokio::test]
async fn after_many_failures_a_mail_is_marked_failed_and_kept() {
    let app = TestApp::new().await;
    let sink = SmtpSink::start().await;
    sink.refuse(true);
    let mailer = Mailer::new(
        Some(&sink.url()),
        "noreply@mitreden.test",
        app.data_dir.path(),
    )
    .unwrap();
    let mut now = Utc::now();
    enqueue(
        &app.state.db,
        "a@example.org",
        Template::TestMail,
        Lang::En,
        &[("instance", "I"), ("link", "https://l.test/")],
        now,
    )
    .await
    .unwrap();
    for attempt in 1..=worker::MAX_ATTEMPTS {
        worker::deliver_due(&app.state.db, &mailer, now)
            .await
            .unwrap();
        now += worker::backoff(attempt) + Duration::seconds(1);
    }
    let rows = outbox(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].status,
        app::backend::entity::outbox_email::MailStatus::Failed
    );
    assert_eq!(rows[0].attempts, worker::MAX_ATTEMPTS);
}

#[tokio::test]
async fn without_a_relay_mails_become_eml_files() {
    let app = TestApp::new().await;
    let mailer = Mailer::new(None, "noreply@mitreden.test", app.data_dir.path()).unwrap();
    let now = Utc::now();
    enqueue(
        &app.state.db,
        "anna@example.org",
        Template::TestMail,
        Lang::De,
        &[
            ("instance", "Mitreden"),
            ("link", "https://mitreden.test/x"),
        ],
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        worker::deliver_due(&app.state.db, &mailer, now)
            .await
            .unwrap(),
        1
    );
    let files: Vec<_> = std::fs::read_dir(app.data_dir.path().join("mail"))
        .unwrap()
        .collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
    assert!(eml.contains("To: anna@example.org"));
}

#[tokio::test]
async fn a_stuck_claim_is_taken_over_after_its_lease() {
    let app = TestApp::new().await;
    let sink = SmtpSink::start().await;
    let mailer = Mailer::new(
        Some(&sink.url()),
        "noreply@mitreden.test",
        app.data_dir.path(),
    )
    .unwrap();
    let now = Utc::now();
    enqueue(
        &app.state.db,
        "a@example.org",
        Template::TestMail,
        Lang::En,
        &[("instance", "I"), ("link", "https://l.test/")],
        now,
    )
    .await
    .unwrap();
    // Another worker claimed it and died before sending.
    let mut row: outbox_email::ActiveModel = outbox(&app).await.remove(0).into();
    row.locked_until = sea_orm::Set(Some(now + Duration::seconds(60)));
    sea_orm::ActiveModelTrait::update(row, &app.state.db)
        .await
        .unwrap();
    assert_eq!(
        worker::deliver_due(&app.state.db, &mailer, now)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        worker::deliver_due(&app.state.db, &mailer, now + Duration::seconds(61))
            .await
            .unwrap(),
        1
    );
}
