//! Moderation on both databases: reports (one per person, the auto-hide threshold), roles,
//! the ledger's secrecy, blocks, pre-moderation, the pre-screen, claims, and the author's
//! mail in the decision's own transaction.

use crate::fixtures::{body, decide, procedure, propose};
use crate::harness::{TestApp, error_code, on_postgres};
use app::backend::entity::{comment, moderation_action, moderation_queue, outbox_email, report};
use app::formats::proposals::model::VoteRule;
use app::model::account::Role;
use app::model::moderation::{CaseStatus, Visibility};
use app::model::procedure::PhaseKind;
use http::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

const AUTHOR: &str = "autorin@example.org";

async fn comment(app: &TestApp, proposal: i64, token: &str, text: &str) -> i64 {
    let response = app
        .json(
            "POST",
            &format!("/api/v1/proposals/{proposal}/comments"),
            json!({ "body": text }),
            Some(token),
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    body(&response)["id"].as_i64().unwrap()
}

async fn report_comment(app: &TestApp, id: i64, token: &str, reason: &str) -> StatusCode {
    app.json(
        "POST",
        "/api/v1/reports",
        json!({ "target": { "kind": "comment", "id": id }, "reason": reason, "note": "" }),
        Some(token),
    )
    .await
    .status
}

/// A proposal by AUTHOR in a running procedure, with one comment of theirs.
async fn discussion(app: &TestApp) -> (String, i64, i64) {
    procedure(
        app,
        "gruen",
        PhaseKind::Proposals,
        VoteRule::Support { cap: None },
        PhaseKind::Voting,
    )
    .await;
    let author = app.resident(AUTHOR).await;
    let proposal = propose(app, "gruen", &author, "Mehr Bäume am Markt").await;
    let id = comment(app, proposal, &author, "Ein Kommentar mit Meinung.").await;
    (author, proposal, id)
}

async fn comment_visibility(app: &TestApp, id: i64) -> Visibility {
    comment::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .visibility
}

#[tokio::test]
async fn a_report_counts_once_per_person_and_the_threshold_holds_the_item() {
    let app = TestApp::new().await;
    let (_, proposal, id) = discussion(&app).await;
    let first = app.resident("eins@example.org").await;
    assert_eq!(
        report_comment(&app, id, &first, "insult").await,
        StatusCode::CREATED
    );
    // The same person again: nothing changes.
    assert_eq!(
        report_comment(&app, id, &first, "spam").await,
        StatusCode::OK
    );
    let reports = report::Entity::find().count(&app.state.db).await.unwrap();
    assert_eq!(reports, 1);
    let entry = moderation_queue::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(entry.report_count, 1);
    assert_eq!(entry.status, CaseStatus::Open);

    // "Other" needs words; the author cannot report their own comment.
    let other = app
        .json(
            "POST",
            "/api/v1/reports",
            json!({ "target": { "kind": "comment", "id": id }, "reason": "other", "note": "" }),
            Some(&app.resident("zwei@example.org").await),
        )
        .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    let own = report_comment(&app, id, &app.login(AUTHOR).await, "spam").await;
    assert_eq!(own, StatusCode::UNPROCESSABLE_ENTITY);

    let second = app.login("zwei@example.org").await;
    assert_eq!(
        report_comment(&app, id, &second, "insult").await,
        StatusCode::CREATED
    );
    assert_eq!(comment_visibility(&app, id).await, Visibility::Visible);
    let third = app.resident("drei@example.org").await;
    assert_eq!(
        report_comment(&app, id, &third, "insult").await,
        StatusCode::CREATED
    );
    // Three open reports (the default threshold): held until a moderator decides.
    assert_eq!(comment_visibility(&app, id).await, Visibility::Held);
    let public = app
        .get(&format!("/api/v1/proposals/{proposal}/comments"))
        .await;
    let shown = &body(&public)["comments"][0];
    assert_eq!(shown["concealed"], true);
    assert_eq!(shown["body_html"], "");
    assert_eq!(shown["moderation"]["visibility"], "held");
}

#[tokio::test]
async fn only_moderators_decide_and_the_ledger_never_names_them_or_their_notes() {
    let app = TestApp::new().await;
    let (_, proposal, id) = discussion(&app).await;
    let hide = json!({
        "target": { "kind": "comment", "id": id }, "action": "hide", "reason": "insult",
        "public_reason": "Beleidigt andere Teilnehmende", "internal_note": "Wiederholungstäter, Akte 17"
    });
    let resident = app.resident("anwohner@example.org").await;
    assert_eq!(
        decide(&app, &resident, hide.clone()).await.status,
        StatusCode::FORBIDDEN
    );
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    assert_eq!(
        decide(&app, &planner, hide.clone()).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(comment_visibility(&app, id).await, Visibility::Visible);
    let queue = app.get_as("/api/v1/moderation/queue", &planner).await;
    assert_eq!(queue.status, StatusCode::FORBIDDEN);

    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let decided = decide(&app, &moderator, hide).await;
    assert_eq!(decided.status, StatusCode::CREATED, "{}", decided.body);
    assert_eq!(comment_visibility(&app, id).await, Visibility::Hidden);

    let ledger = app.get("/api/v1/moderation/ledger").await;
    assert_eq!(ledger.status, StatusCode::OK);
    let entries = &body(&ledger)["entries"];
    assert_eq!(entries[0]["action"], "hide");
    assert_eq!(entries[0]["reason"], "insult");
    assert_eq!(entries[0]["public_reason"], "Beleidigt andere Teilnehmende");
    assert_eq!(entries[0]["proposal_id"], proposal);
    for secret in [
        "Akte 17",
        "moderation@example.org",
        "Team Stadt",
        "moderator",
    ] {
        assert!(!ledger.body.contains(secret), "{secret} in {}", ledger.body);
    }
    let page = app.get("/moderation/protokoll").await;
    assert!(page.body.contains("Beleidigt andere Teilnehmende"));
    assert!(!page.body.contains("Akte 17") && !page.body.contains("Team Stadt"));

    // The public page keeps the comment's place with the reason; the author is told.
    let html = app.get(&format!("/vorschlaege/{proposal}")).await.body;
    assert!(html.contains("Von der Moderation ausgeblendet"), "{html}");
    assert!(html.contains("Beleidigt andere Teilnehmende"));
    assert!(!html.contains("Ein Kommentar mit Meinung."));
    let mail = app.last_mail_to(AUTHOR).await;
    assert_eq!(mail.template, "moderation_decision");
    assert!(
        mail.body_text.contains("Beleidigt andere Teilnehmende"),
        "{}",
        mail.body_text
    );
    assert!(!mail.body_text.contains("Akte 17"));
}

#[tokio::test]
async fn the_authors_mail_is_written_in_the_transaction_of_the_decision() {
    let app = TestApp::new().await;
    let (_, _, id) = discussion(&app).await;
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let mails_before = app.mail_count().await;
    // The ledger row cannot be written: the whole decision, mail included, rolls back.
    let fail = if on_postgres() {
        vec![
            "CREATE FUNCTION fail_ledger() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'ledger down'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER fail_ledger BEFORE INSERT ON moderation_actions FOR EACH ROW EXECUTE FUNCTION fail_ledger()",
        ]
    } else {
        vec![
            "CREATE TRIGGER fail_ledger BEFORE INSERT ON moderation_actions BEGIN SELECT RAISE(ABORT, 'ledger down'); END",
        ]
    };
    for statement in &fail {
        app.state.db.execute_unprepared(statement).await.unwrap();
    }
    let hide =
        json!({ "target": { "kind": "comment", "id": id }, "action": "hide", "reason": "spam" });
    let failed = decide(&app, &moderator, hide.clone()).await;
    assert_eq!(
        failed.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        failed.body
    );
    assert_eq!(app.mail_count().await, mails_before);
    assert_eq!(comment_visibility(&app, id).await, Visibility::Visible);
    app.state
        .db
        .execute_unprepared("DROP TRIGGER fail_ledger ON moderation_actions")
        .await
        .or(app
            .state
            .db
            .execute_unprepared("DROP TRIGGER fail_ledger")
            .await)
        .unwrap();
    assert_eq!(
        decide(&app, &moderator, hide).await.status,
        StatusCode::CREATED
    );
    assert_eq!(app.mail_count().await, mails_before + 1);
    assert_eq!(
        moderation_action::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn a_blocked_author_reads_but_cannot_contribute_until_the_block_is_lifted() {
    let app = TestApp::new().await;
    let (author, proposal, id) = discussion(&app).await;
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let block = json!({
        "target": { "kind": "comment", "id": id }, "action": "block", "reason": "insult", "block_days": 7
    });
    assert_eq!(
        decide(&app, &moderator, block).await.status,
        StatusCode::CREATED
    );
    let refused = app
        .json(
            "POST",
            &format!("/api/v1/proposals/{proposal}/comments"),
            json!({ "body": "Noch ein Kommentar" }),
            Some(&author),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("blocked"), "{}", refused.body);
    let proposal_refused = app
        .json(
            "POST",
            "/api/v1/procedures/gruen/proposals",
            json!({ "title": "Noch ein Vorschlag", "body": "Eine ausführliche Begründung." }),
            Some(&author),
        )
        .await;
    assert_eq!(proposal_refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get_as(&format!("/api/v1/proposals/{proposal}"), &author)
            .await
            .status,
        StatusCode::OK
    );
    let mail = app.last_mail_to(AUTHOR).await;
    assert!(mail.body_text.contains("gesperrt"), "{}", mail.body_text);

    let settings = body(&app.get_as("/api/v1/moderation/settings", &moderator).await);
    let user_id = settings["blocked"][0]["user_id"].as_i64().unwrap();
    let lifted = app
        .json(
            "DELETE",
            &format!("/api/v1/moderation/blocks/{user_id}"),
            json!({}),
            Some(&moderator),
        )
        .await;
    assert_eq!(lifted.status, StatusCode::NO_CONTENT, "{}", lifted.body);
    comment(&app, proposal, &author, "Wieder dabei.").await;
}

#[tokio::test]
async fn pre_moderation_holds_contributions_until_a_moderator_approves() {
    let app = TestApp::new().await;
    let (_, proposal, _) = discussion(&app).await;
    app.state
        .db
        .execute_unprepared("UPDATE procedures SET moderation = 'pre'")
        .await
        .unwrap();
    app.procedures_changed_behind_its_back().await;
    let writer = app.resident("schreiber@example.org").await;
    let id = comment(&app, proposal, &writer, "Wartet auf Freigabe.").await;
    assert_eq!(comment_visibility(&app, id).await, Visibility::Pending);
    let public = body(&app.get(&format!("/api/v1/proposals/{proposal}")).await);
    assert_eq!(
        public["comment_count"], 1,
        "only the author's earlier comment"
    );
    let anonymous = app
        .get(&format!("/api/v1/proposals/{proposal}/comments"))
        .await;
    assert!(!anonymous.body.contains("Wartet auf Freigabe"));
    let own = app
        .get_as(&format!("/api/v1/proposals/{proposal}/comments"), &writer)
        .await;
    assert!(own.body.contains("Wartet auf Freigabe"));
    assert!(own.body.contains("\"pending\""));

    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let queue = body(
        &app.get_as("/api/v1/moderation/queue?kind=pending", &moderator)
            .await,
    );
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["items"][0]["target"]["id"], id);
    // The service says what the queue offers on it; the page only shows that.
    assert_eq!(queue["items"][0]["actions"], json!(["approve", "hide"]));
    let approve = json!({ "target": { "kind": "comment", "id": id }, "action": "approve" });
    assert_eq!(
        decide(&app, &moderator, approve).await.status,
        StatusCode::CREATED
    );
    assert_eq!(comment_visibility(&app, id).await, Visibility::Visible);
    let public = body(&app.get(&format!("/api/v1/proposals/{proposal}")).await);
    assert_eq!(public["comment_count"], 2);
    assert_eq!(
        app.last_mail_to("schreiber@example.org").await.template,
        "moderation_decision"
    );
    let queue = body(&app.get_as("/api/v1/moderation/queue", &moderator).await);
    assert_eq!(queue["total"], 0);
}

#[tokio::test]
async fn the_pre_screen_sends_matches_to_the_queue_and_only_admins_edit_it() {
    let app = TestApp::new().await;
    let (author, proposal, _) = discussion(&app).await;
    let settings = json!({ "report_threshold": 2, "screen_words": "Betrug*\nvolle Absicht", "screen_link_limit": 1 });
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let refused = app
        .json(
            "PUT",
            "/api/v1/moderation/settings",
            settings.clone(),
            Some(&moderator),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let admin = app.with_role("admin@example.org", Role::Admin).await;
    let saved = app
        .json("PUT", "/api/v1/moderation/settings", settings, Some(&admin))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let bad = app
        .json(
            "PUT",
            "/api/v1/moderation/settings",
            json!({ "report_threshold": 0, "screen_words": "", "screen_link_limit": 1 }),
            Some(&admin),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let caught = comment(
        &app,
        proposal,
        &author,
        "Das ist Betrugsmasche mit voller Absicht",
    )
    .await;
    let clean = comment(
        &app,
        proposal,
        &author,
        "Sachlicher Beitrag ohne Auffälligkeiten",
    )
    .await;
    let links = comment(
        &app,
        proposal,
        &author,
        "https://a.example und https://b.example",
    )
    .await;
    assert_eq!(
        comment_visibility(&app, caught).await,
        Visibility::Visible,
        "post-moderation publishes"
    );
    let queue = body(
        &app.get_as("/api/v1/moderation/queue?kind=screened", &moderator)
            .await,
    );
    assert_eq!(queue["total"], 2);
    let rules: Vec<String> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["screen_rule"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        rules,
        vec!["word: betrug*".to_owned(), "links: 2 > 1".to_owned()]
    );
    assert!(!queue.to_string().contains(&format!("\"id\":{clean}")));
    assert_eq!(queue["items"][1]["target"]["id"], links);
}

#[tokio::test]
async fn a_claim_keeps_a_second_moderator_off_the_item() {
    let app = TestApp::new().await;
    let (_, _, id) = discussion(&app).await;
    let reporter = app.resident("melder@example.org").await;
    report_comment(&app, id, &reporter, "spam").await;
    let first = app.with_role("erste@example.org", Role::Moderator).await;
    let second = app.with_role("zweite@example.org", Role::Moderator).await;
    let queue = body(
        &app.get_as("/api/v1/moderation/queue?reason=spam", &first)
            .await,
    );
    assert_eq!(queue["total"], 1);
    assert_eq!(
        queue["items"][0]["reports"][0]["snapshot"],
        "Ein Kommentar mit Meinung."
    );
    let queue_id = queue["items"][0]["id"].as_i64().unwrap();
    let claim = app
        .json(
            "POST",
            "/api/v1/moderation/claims",
            json!({ "queue_id": queue_id }),
            Some(&first),
        )
        .await;
    assert_eq!(claim.status, StatusCode::NO_CONTENT, "{}", claim.body);
    let again = app
        .json(
            "POST",
            "/api/v1/moderation/claims",
            json!({ "queue_id": queue_id }),
            Some(&second),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let hide =
        json!({ "target": { "kind": "comment", "id": id }, "action": "hide", "reason": "spam" });
    let blocked = decide(&app, &second, hide.clone()).await;
    assert_eq!(error_code(&blocked), "conflict");
    assert_eq!(comment_visibility(&app, id).await, Visibility::Visible);
    assert_eq!(decide(&app, &first, hide).await.status, StatusCode::CREATED);
    let other = body(
        &app.get_as("/api/v1/moderation/queue?reason=insult", &first)
            .await,
    );
    assert_eq!(other["total"], 0);
    let stats = body(&app.get_as("/api/v1/moderation/stats", &first).await);
    assert_eq!(stats["open_items"], 0);
    assert_eq!(stats["decided_items"], 1);
    let mails = outbox_email::Entity::find()
        .filter(outbox_email::Column::Template.eq("moderation_decision"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(mails, 1);
}

/// The REST faces of objections, claim release and a procedure's ledger.
#[tokio::test]
async fn the_author_objects_once_claims_are_released_and_the_procedure_ledger_lists_it() {
    let app = TestApp::new().await;
    let (author, _, id) = discussion(&app).await;
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let hide = json!({
        "target": { "kind": "comment", "id": id }, "action": "hide", "reason": "insult",
        "public_reason": "Beleidigt andere Teilnehmende"
    });
    assert_eq!(
        decide(&app, &moderator, hide).await.status,
        StatusCode::CREATED
    );

    let objection =
        json!({ "target": { "kind": "comment", "id": id }, "text": "Das war keine Beleidigung." });
    let stranger = app.resident("fremd@example.org").await;
    let denied = app
        .json(
            "POST",
            "/api/v1/objections",
            objection.clone(),
            Some(&stranger),
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let anonymous = app
        .json("POST", "/api/v1/objections", objection.clone(), None)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let objected = app
        .json(
            "POST",
            "/api/v1/objections",
            objection.clone(),
            Some(&author),
        )
        .await;
    assert_eq!(objected.status, StatusCode::CREATED, "{}", objected.body);
    let twice = app
        .json("POST", "/api/v1/objections", objection, Some(&author))
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&twice), "invalid_input");

    // The objection is back in the queue; a claim on it is released by its holder only.
    let queue = body(
        &app.get_as("/api/v1/moderation/queue?kind=objection", &moderator)
            .await,
    );
    assert_eq!(queue["total"], 1, "{queue}");
    let queue_id = queue["items"][0]["id"].as_i64().unwrap();
    let claim = app
        .json(
            "POST",
            "/api/v1/moderation/claims",
            json!({ "queue_id": queue_id }),
            Some(&moderator),
        )
        .await;
    assert_eq!(claim.status, StatusCode::NO_CONTENT);
    let path = format!("/api/v1/moderation/claims/{queue_id}");
    let by_resident = app.json("DELETE", &path, json!({}), Some(&stranger)).await;
    assert_eq!(by_resident.status, StatusCode::FORBIDDEN);
    let released = app.json("DELETE", &path, json!({}), Some(&moderator)).await;
    assert_eq!(released.status, StatusCode::NO_CONTENT);
    let other = app.with_role("zweite@example.org", Role::Moderator).await;
    let claimed_again = app
        .json(
            "POST",
            "/api/v1/moderation/claims",
            json!({ "queue_id": queue_id }),
            Some(&other),
        )
        .await;
    assert_eq!(
        claimed_again.status,
        StatusCode::NO_CONTENT,
        "released claims are free"
    );

    // The procedure's ledger lists the decision; an unknown procedure is 404, a bad cursor 422.
    let ledger = body(&app.get("/api/v1/procedures/gruen/moderation/ledger").await);
    assert_eq!(
        ledger["entries"][0]["public_reason"], "Beleidigt andere Teilnehmende",
        "{ledger}"
    );
    assert_eq!(
        app.get("/api/v1/procedures/gibt-es-nicht/moderation/ledger")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/procedures/gruen/moderation/ledger?cursor=kaputt")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

/// Moderation fails closed: a comment whose stored visibility the code does not know (a
/// damaged row, a hand-edited database, a value from a newer release) is never shown as
/// visible. Loading it is an error, for the thread and for the page.
#[tokio::test]
async fn an_unknown_stored_visibility_is_refused_not_shown() {
    use sea_orm::Statement;
    let app = TestApp::new().await;
    let (_, proposal, id) = discussion(&app).await;
    let thread = format!("/api/v1/proposals/{proposal}/comments");
    assert_eq!(app.get(&thread).await.status, StatusCode::OK);
    let backend = app.state.db.get_database_backend();
    app.state
        .db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            "UPDATE comments SET visibility = $1 WHERE id = $2",
            vec!["vissible".into(), id.into()],
        ))
        .await
        .unwrap();
    let response = app.get(&thread).await;
    assert_eq!(response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!response.body.contains("Ein Kommentar mit Meinung."));
    let page = app.get(&format!("/vorschlaege/{proposal}")).await;
    assert!(
        !page.body.contains("Ein Kommentar mit Meinung."),
        "{}",
        page.body
    );
}

/// Which decisions a viewer can take on a proposal and its comments comes from the service
/// (the page only renders it): all that fit for a moderator, none for anyone else.
#[tokio::test]
async fn the_service_says_which_decisions_a_viewer_can_take() {
    use app::formats::proposals::service::proposal;
    use app::model::moderation::ModerationActionKind as Act;
    let app = TestApp::new().await;
    let (_, proposal_id, _) = discussion(&app).await;
    app.with_role("moderation@example.org", Role::Moderator)
        .await;
    let moderator = crate::fixtures::current_user(&app, "moderation@example.org").await;
    let author = crate::fixtures::current_user(&app, AUTHOR).await;
    let now = chrono::Utc::now();
    let seen = proposal::get(
        &app.state.db,
        Some(&moderator),
        proposal_id,
        Default::default(),
        now,
    )
    .await
    .unwrap();
    assert_eq!(seen.decisions.first(), Some(&Act::Hide));
    assert!(seen.decisions.contains(&Act::Lock));
    assert!(!seen.decisions.contains(&Act::Restore));
    let comment = &seen.comments[0];
    assert_eq!(comment.decisions.first(), Some(&Act::Hide));
    assert!(!comment.decisions.contains(&Act::Lock));
    let own = proposal::get(
        &app.state.db,
        Some(&author),
        proposal_id,
        Default::default(),
        now,
    )
    .await
    .unwrap();
    assert!(own.decisions.is_empty());
    assert!(own.comments[0].decisions.is_empty());
    let anonymous = proposal::get(&app.state.db, None, proposal_id, Default::default(), now)
        .await
        .unwrap();
    assert!(anonymous.decisions.is_empty());
}

/// Follows `next_cursor` from `first` to the end and returns the ids found at `key`.
async fn all_pages(app: &TestApp, first: &str, token: &str, list: &str, key: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut path = first.to_owned();
    for _ in 0..10 {
        let page = body(&app.get_as(&path, token).await);
        for item in page[list].as_array().unwrap() {
            ids.push(item.pointer(key).and_then(|v| v.as_i64()).unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(next) => {
                let glue = if first.contains('?') { '&' } else { '?' };
                path = format!("{first}{glue}cursor={next}");
            }
            None => return ids,
        }
    }
    panic!("more pages than items");
}

/// The queue (oldest first) and the ledger (newest first) page with the same keyset
/// cursors as the proposals: every item once, in order, across page boundaries.
#[tokio::test]
async fn the_queue_and_the_ledger_page_through_every_item_once() {
    let app = TestApp::new().await;
    let (author, proposal, first) = discussion(&app).await;
    let mut comments = vec![first];
    for n in 1..26 {
        comments.push(comment(&app, proposal, &author, &format!("Kommentar Nummer {n}.")).await);
    }
    let reporter = app.resident("melder@example.org").await;
    for id in &comments {
        assert_eq!(
            report_comment(&app, *id, &reporter, "spam").await,
            StatusCode::CREATED
        );
    }
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let queued = all_pages(
        &app,
        "/api/v1/moderation/queue?kind=reported",
        &moderator,
        "items",
        "/target/id",
    )
    .await;
    assert_eq!(
        queued, comments,
        "26 items over two pages of 20, oldest first"
    );

    for id in &comments {
        let target = json!({ "kind": "comment", "id": id });
        let hide = json!({ "target": target, "action": "hide", "reason": "spam" });
        assert_eq!(
            decide(&app, &moderator, hide).await.status,
            StatusCode::CREATED
        );
        let restore = json!({ "target": target, "action": "restore" });
        assert_eq!(
            decide(&app, &moderator, restore).await.status,
            StatusCode::CREATED
        );
    }
    let entries = all_pages(
        &app,
        "/api/v1/moderation/ledger",
        &moderator,
        "entries",
        "/id",
    )
    .await;
    assert_eq!(entries.len(), 52, "52 decisions over two pages of 50");
    assert!(
        entries.windows(2).all(|w| w[0] > w[1]),
        "newest first, none twice"
    );
}
