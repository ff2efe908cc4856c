//! Proposals, comments, votes and following: phase rules, caps, idempotency, withdrawal,
//! edit windows, permissions, notifications, search and pagination, on both databases.

use crate::fixtures::{
    assert_tallies_match_rows, body, current_user, insert_comments, procedure, propose,
};
use crate::harness::{TestApp, error_code, on_postgres};
use app::backend::entity::{digest_item, proposal, user, vote};
use app::backend::service::follow::send_digests;
use app::backend::service::procedure::{NewPhase, NewProcedure, create};
use app::formats::proposals::model::VoteRule;
use app::model::procedure::{PhaseKind, Slug};
use chrono::{Duration, Utc};
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};

async fn vote(app: &TestApp, id: i64, value: i64, token: &str) -> crate::harness::TestResponse {
    app.json(
        "PUT",
        &format!("/api/v1/proposals/{id}/vote"),
        json!({ "value": value }),
        Some(token),
    )
    .await
}

async fn unvote(app: &TestApp, id: i64, token: &str) -> crate::harness::TestResponse {
    app.json(
        "DELETE",
        &format!("/api/v1/proposals/{id}/vote"),
        json!({}),
        Some(token),
    )
    .await
}

async fn comment(
    app: &TestApp,
    id: i64,
    text: &str,
    parent: Option<i64>,
    token: &str,
) -> crate::harness::TestResponse {
    app.json(
        "POST",
        &format!("/api/v1/proposals/{id}/comments"),
        json!({ "body": text, "parent_id": parent }),
        Some(token),
    )
    .await
}

#[tokio::test]
async fn proposals_are_accepted_only_in_the_proposals_phase() {
    let app = TestApp::new().await;
    let support = VoteRule::Support { cap: None };
    procedure(
        &app,
        "offen",
        PhaseKind::Proposals,
        support,
        PhaseKind::Voting,
    )
    .await;
    procedure(
        &app,
        "diskussion",
        PhaseKind::Discussion,
        support,
        PhaseKind::Voting,
    )
    .await;
    let token = app.resident("anna@example.org").await;

    let id = propose(&app, "offen", &token, "Mehr Bäume in der Lindenallee").await;
    let page = app.get(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(body(&page)["title"], "Mehr Bäume in der Lindenallee");
    assert_eq!(body(&page)["author"]["name"], "Anna Muster");

    let closed = app
        .json(
            "POST",
            "/api/v1/procedures/diskussion/proposals",
            json!({ "title": "Zu spät", "body": "Dieser Vorschlag kommt in der falschen Phase." }),
            Some(&token),
        )
        .await;
    assert_eq!(closed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body(&closed)["errors"][0]["field"], "phase");
    assert_eq!(
        proposal::Entity::find().count(&app.state.db).await.unwrap(),
        1
    );
}

#[tokio::test]
async fn bad_proposals_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    let support = VoteRule::Support { cap: None };
    procedure(
        &app,
        "offen",
        PhaseKind::Proposals,
        support,
        PhaseKind::Voting,
    )
    .await;
    let token = app.resident("anna@example.org").await;
    for (payload, field) in [
        (
            json!({ "title": "A", "body": "Lang genug für eine Beschreibung." }),
            "title",
        ),
        (json!({ "title": "Gut", "body": "kurz" }), "body"),
        (
            json!({ "title": "x".repeat(201), "body": "Lang genug für eine Beschreibung." }),
            "title",
        ),
        (
            json!({ "title": "Gut", "body": "Lang genug für eine Beschreibung.", "category": "Autobahn" }),
            "category",
        ),
        (
            json!({ "title": "Gut", "body": "Text mit \u{0000} Nullbyte darin." }),
            "body",
        ),
        (
            json!({ "title": "Gut", "body": "Lang genug für eine Beschreibung.", "event": "Bürgerversammlung" }),
            "",
        ),
    ] {
        let response = app
            .json(
                "POST",
                "/api/v1/procedures/offen/proposals",
                payload,
                Some(&token),
            )
            .await;
        if field.is_empty() {
            // Only planners enter contributions from on-site events.
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{}", response.body);
        } else {
            assert_eq!(
                response.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                response.body
            );
            assert_eq!(body(&response)["errors"][0]["field"], field);
        }
    }
    let anonymous = app
        .json(
            "POST",
            "/api/v1/procedures/offen/proposals",
            json!({ "title": "Gut", "body": "Lang genug für eine Beschreibung." }),
            None,
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let unknown = app
        .json(
            "POST",
            "/api/v1/procedures/gibt-es-nicht/proposals",
            json!({ "title": "Gut", "body": "Lang genug für eine Beschreibung." }),
            Some(&token),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        proposal::Entity::find().count(&app.state.db).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn unverified_residents_cannot_propose_comment_or_vote() {
    let app = TestApp::new().await;
    let support = VoteRule::Support { cap: None };
    procedure(
        &app,
        "offen",
        PhaseKind::Proposals,
        support,
        PhaseKind::Proposals,
    )
    .await;
    let verified = app.resident("anna@example.org").await;
    let id = propose(&app, "offen", &verified, "Trinkbrunnen am Spielplatz").await;
    app.register("bert@example.org").await;
    let unverified = app.login("bert@example.org").await;

    let proposal = app
        .json(
            "POST",
            "/api/v1/procedures/offen/proposals",
            json!({ "title": "Ungeprüft", "body": "Dieser Vorschlag darf nicht ankommen." }),
            Some(&unverified),
        )
        .await;
    let comment = comment(&app, id, "Ungeprüfter Kommentar", None, &unverified).await;
    let vote = vote(&app, id, 1, &unverified).await;
    for response in [proposal, comment, vote] {
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            response.body
        );
        assert_eq!(body(&response)["errors"][0]["detail"], "not_verified");
    }
    assert_eq!(
        proposal::Entity::find().count(&app.state.db).await.unwrap(),
        1
    );
    assert_eq!(vote::Entity::find().count(&app.state.db).await.unwrap(), 0);
    assert_tallies_match_rows(&app).await;
}

#[tokio::test]
async fn support_votes_are_idempotent_capped_and_withdrawable() {
    let app = TestApp::new().await;
    let rule = VoteRule::Support { cap: Some(2) };
    procedure(&app, "haushalt", PhaseKind::Voting, rule, PhaseKind::Voting).await;
    // The procedure is already voting: its proposals are written directly.
    let mut ids = Vec::new();
    for title in ["Bolzplatz sanieren", "Bücherschrank", "Sitzbänke"] {
        ids.push(insert_proposal(&app, "haushalt", title).await);
    }
    let token = app.resident("anna@example.org").await;

    let first = vote(&app, ids[0], 1, &token).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(body(&first)["tally"]["support"], 1);
    assert_eq!(body(&first)["budget"], json!({ "used": 1, "cap": 2 }));
    // The same vote again changes nothing.
    let again = vote(&app, ids[0], 1, &token).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(body(&again)["tally"]["support"], 1);
    assert_eq!(body(&again)["my_vote"], 1);

    assert_eq!(vote(&app, ids[1], 1, &token).await.status, StatusCode::OK);
    let capped = vote(&app, ids[2], 1, &token).await;
    assert_eq!(capped.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body(&capped)["errors"][0]["detail"], "cap_reached");
    // A down vote does not exist under the support rule.
    let down = vote(&app, ids[0], -1, &token).await;
    assert_eq!(down.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Withdrawing frees a support; withdrawing twice is fine.
    let withdrawn = unvote(&app, ids[1], &token).await;
    assert_eq!(body(&withdrawn)["tally"]["support"], 0);
    assert_eq!(body(&withdrawn)["my_vote"], Value::Null);
    assert_eq!(unvote(&app, ids[1], &token).await.status, StatusCode::OK);
    assert_eq!(vote(&app, ids[2], 1, &token).await.status, StatusCode::OK);

    // The person sees their own vote on the proposal and in the listing.
    let page = app
        .get_as(&format!("/api/v1/proposals/{}", ids[0]), &token)
        .await;
    assert_eq!(body(&page)["votes"]["mine"], 1);
    let listing = app
        .get_as(
            "/api/v1/procedures/haushalt/proposals?sort=supported",
            &token,
        )
        .await;
    let listing = body(&listing);
    assert_eq!(listing["budget"], json!({ "used": 2, "cap": 2 }));
    let mine = listing["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["votes"]["mine"] == 1)
        .count();
    assert_eq!(mine, 2);
    assert_tallies_match_rows(&app).await;
}

/// A proposal written straight into a procedure whatever its phase (for vote tests).
async fn insert_proposal(app: &TestApp, slug: &str, title: &str) -> i64 {
    use sea_orm::ActiveModelTrait;
    let procedure_id =
        app::backend::service::procedure::published_id(&app.state.db, &Slug::parse(slug).unwrap())
            .await
            .unwrap();
    let author = match user::Entity::find()
        .filter(user::Column::Email.eq("autorin@example.org"))
        .one(&app.state.db)
        .await
        .unwrap()
    {
        Some(author) => author.id,
        None => app::backend::service::account::create_verified(
            &app.state.db,
            "autorin@example.org",
            "Autorin",
            crate::harness::PASSWORD,
            app::model::account::Role::Resident,
            Utc::now(),
        )
        .await
        .unwrap(),
    };
    let now = Utc::now();
    proposal::ActiveModel {
        procedure_id: Set(procedure_id),
        author_id: Set(author),
        title: Set(title.to_owned()),
        body: Set(format!("{title}: eine ausführliche Begründung.")),
        category: Set(None),
        location: Set(None),
        source: Set(app::formats::proposals::model::Origin::Online),
        event_name: Set(None),
        status: Set(app::formats::proposals::model::ProposalStatus::Published),
        withdrawal_note: Set(None),
        support_count: Set(0),
        up_count: Set(0),
        down_count: Set(0),
        score: Set(0),
        comment_count: Set(0),
        engaged_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn rating_votes_change_and_show_both_counts() {
    let app = TestApp::new().await;
    procedure(
        &app,
        "markt",
        PhaseKind::Discussion,
        VoteRule::Rating,
        PhaseKind::Discussion,
    )
    .await;
    let id = insert_proposal(&app, "markt", "Wasserspiel").await;
    let anna = app.resident("anna@example.org").await;
    let bert = app.resident("bert@example.org").await;
    assert_eq!(vote(&app, id, 1, &anna).await.status, StatusCode::OK);
    assert_eq!(vote(&app, id, 1, &bert).await.status, StatusCode::OK);
    let changed = vote(&app, id, -1, &bert).await;
    assert_eq!(
        body(&changed)["tally"],
        json!({ "support": 1, "up": 1, "down": 1, "score": 0 })
    );
    let again = vote(&app, id, -1, &anna).await;
    assert_eq!(body(&again)["tally"]["score"], -2);
    assert_eq!(
        vote(&app, id, 2, &anna).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_tallies_match_rows(&app).await;
}

#[tokio::test]
async fn votes_count_only_in_the_vote_phase() {
    let app = TestApp::new().await;
    let rule = VoteRule::Support { cap: None };
    procedure(
        &app,
        "spaeter",
        PhaseKind::Discussion,
        rule,
        PhaseKind::Voting,
    )
    .await;
    let id = insert_proposal(&app, "spaeter", "Mehr Licht im Park").await;
    let token = app.resident("anna@example.org").await;
    let refused = vote(&app, id, 1, &token).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body(&refused)["errors"][0]["field"], "phase");
    assert_eq!(
        unvote(&app, id, &token).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(vote::Entity::find().count(&app.state.db).await.unwrap(), 0);
}

#[tokio::test]
async fn authors_edit_until_the_first_reaction_then_only_withdraw() {
    let app = TestApp::new().await;
    let rule = VoteRule::Support { cap: None };
    procedure(
        &app,
        "offen",
        PhaseKind::Proposals,
        rule,
        PhaseKind::Proposals,
    )
    .await;
    let author = app.resident("anna@example.org").await;
    let other = app.resident("bert@example.org").await;
    let id = propose(&app, "offen", &author, "Radweg Lindenallee").await;
    let edit = |token: String, title: &'static str| {
        let app = &app;
        async move {
            app.json(
                "PATCH",
                &format!("/api/v1/proposals/{id}"),
                json!({ "title": title, "body": "Eine neue, längere Begründung.", "category": "Bäume" }),
                Some(&token),
            )
            .await
        }
    };
    let edited = edit(author.clone(), "Radweg an der Lindenallee").await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert_eq!(body(&edited)["category"], "Bäume");
    assert_eq!(
        edit(other.clone(), "Fremd").await.status,
        StatusCode::FORBIDDEN
    );

    // Bert follows, then supports: from now on the text is fixed.
    let followed = app
        .json(
            "PUT",
            &format!("/api/v1/proposals/{id}/follow"),
            json!({}),
            Some(&other),
        )
        .await;
    assert_eq!(followed.status, StatusCode::NO_CONTENT);
    assert_eq!(vote(&app, id, 1, &other).await.status, StatusCode::OK);
    let locked = edit(author.clone(), "Noch eine Änderung").await;
    assert_eq!(locked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body(&locked)["errors"][0]["detail"], "locked");

    let withdraw = |token: String, note: &'static str| {
        let app = &app;
        async move {
            app.json(
                "POST",
                &format!("/api/v1/proposals/{id}/withdraw"),
                json!({ "note": note }),
                Some(&token),
            )
            .await
        }
    };
    assert_eq!(
        withdraw(other.clone(), "Fremd").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        withdraw(author.clone(), "").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let done = withdraw(author.clone(), "Die Stadt plant den Radweg bereits.").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let done = body(&done);
    assert_eq!(done["status"], "withdrawn");
    assert_eq!(
        done["withdrawal_note"],
        "Die Stadt plant den Radweg bereits."
    );
    // The follower is told, with the note.
    let mail = app.last_mail_to("bert@example.org").await;
    assert_eq!(mail.template, "proposal_status");
    assert!(
        mail.body_text
            .contains("Die Stadt plant den Radweg bereits.")
    );
    // No more votes, comments or a second withdrawal.
    assert_eq!(
        vote(&app, id, 1, &author).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        comment(&app, id, "Schade", None, &other).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        withdraw(author, "Nochmal").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Withdrawn proposals leave the default listing and have a filter of their own.
    let listing = body(&app.get("/api/v1/procedures/offen/proposals").await);
    assert_eq!(listing["total"], 0);
    let withdrawn = body(
        &app.get("/api/v1/procedures/offen/proposals?status=withdrawn")
            .await,
    );
    assert_eq!(withdrawn["total"], 1);
}

#[tokio::test]
async fn comments_thread_to_depth_three_with_an_edit_window_and_placeholders() {
    let app = TestApp::new().await;
    let rule = VoteRule::Support { cap: None };
    procedure(&app, "offen", PhaseKind::Proposals, rule, PhaseKind::Voting).await;
    let anna = app.resident("anna@example.org").await;
    let bert = app.resident("bert@example.org").await;
    let id = propose(&app, "offen", &anna, "Schattenplätze am Markt").await;

    let mut parent = None;
    let mut chain = Vec::new();
    for depth in 0..=3 {
        let response = comment(&app, id, &format!("Ebene {depth}"), parent, &bert).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        let comment_id = body(&response)["id"].as_i64().unwrap();
        chain.push(comment_id);
        parent = Some(comment_id);
    }
    let too_deep = comment(&app, id, "Ebene 4", parent, &anna).await;
    assert_eq!(too_deep.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body(&too_deep)["errors"][0]["detail"], "too_deep");
    // A reply to a comment of another proposal is refused.
    let other = propose(&app, "offen", &anna, "Anderer Vorschlag hier").await;
    let foreign = comment(&app, other, "Falsch verknüpft", Some(chain[0]), &anna).await;
    assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY);

    let listed = body(&app.get(&format!("/api/v1/proposals/{id}/comments")).await);
    let depths: Vec<_> = listed["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["depth"].as_i64().unwrap())
        .collect();
    assert_eq!(depths, [0, 1, 2, 3]);
    let detail = body(&app.get(&format!("/api/v1/proposals/{id}")).await);
    assert_eq!(detail["comment_count"], 4);

    // Editing: the author, within 15 minutes.
    let edit = app
        .json(
            "PATCH",
            &format!("/api/v1/comments/{}", chain[1]),
            json!({ "body": "Ebene 1, korrigiert" }),
            Some(&bert),
        )
        .await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
    let foreign_edit = app
        .json(
            "PATCH",
            &format!("/api/v1/comments/{}", chain[1]),
            json!({ "body": "Übernommen" }),
            Some(&anna),
        )
        .await;
    assert_eq!(foreign_edit.status, StatusCode::FORBIDDEN);
    let bert_user = current_user(&app, "bert@example.org").await;
    let late = app::formats::proposals::service::comment::edit(
        &app.state.db,
        &bert_user,
        chain[1],
        "Zu spät korrigiert",
        Utc::now() + Duration::minutes(16),
    )
    .await;
    assert_eq!(
        late,
        Err(app::error::AppError::invalid("comment", "edit_window_over"))
    );

    // Deleting leaves a placeholder so the replies keep their place.
    let foreign_delete = app
        .json(
            "DELETE",
            &format!("/api/v1/comments/{}", chain[0]),
            json!({}),
            Some(&anna),
        )
        .await;
    assert_eq!(foreign_delete.status, StatusCode::FORBIDDEN);
    let deleted = app
        .json(
            "DELETE",
            &format!("/api/v1/comments/{}", chain[0]),
            json!({}),
            Some(&bert),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let after = body(&app.get(&format!("/api/v1/proposals/{id}")).await);
    assert_eq!(after["comment_count"], 3);
    let after = body(&app.get(&format!("/api/v1/proposals/{id}/comments")).await);
    let first = &after["comments"][0];
    assert_eq!(first["deleted"], true);
    assert_eq!(first["body_html"], "");
    assert_eq!(first["author"]["name"], Value::Null);
    assert_eq!(
        after["comments"][1]["body_html"],
        "<p>Ebene 1, korrigiert</p>\n"
    );
    assert_eq!(after["comments"][1]["edited"], true);
    assert_tallies_match_rows(&app).await;
}

#[tokio::test]
async fn followers_hear_of_comments_and_replies_at_once_or_in_a_daily_digest() {
    let app = TestApp::new().await;
    let rule = VoteRule::Support { cap: None };
    procedure(&app, "offen", PhaseKind::Proposals, rule, PhaseKind::Voting).await;
    let anna = app.resident("anna@example.org").await;
    let bert = app.resident("bert@example.org").await;
    let clara = app.resident("clara@example.org").await;
    let id = propose(&app, "offen", &anna, "Hundewiese im Stadtpark").await;

    // Clara follows and wants a daily digest.
    let clara_row = current_user(&app, "clara@example.org").await;
    user::Entity::update_many()
        .col_expr(
            user::Column::NotifyDigest,
            sea_orm::sea_query::Expr::value(true),
        )
        .filter(user::Column::Id.eq(clara_row.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    let followed = app
        .json(
            "PUT",
            &format!("/api/v1/proposals/{id}/follow"),
            json!({}),
            Some(&clara),
        )
        .await;
    assert_eq!(followed.status, StatusCode::NO_CONTENT);
    let mails_before = app.mail_count().await;

    // Bert comments: Anna (author, follows automatically) gets a mail at once.
    let response = comment(&app, id, "Gute Idee, aber bitte eingezäunt.", None, &bert).await;
    let bert_comment = body(&response)["id"].as_i64().unwrap();
    let mail = app.last_mail_to("anna@example.org").await;
    assert_eq!(mail.template, "new_comment");
    assert!(mail.body_text.contains("bitte eingezäunt"));
    assert!(mail.body_text.contains(&format!(
        "/vorschlaege/{id}?comment={bert_comment}#kommentar-{bert_comment}"
    )));
    // Anna replies: Bert is told about the reply; Anna is not told about her own words.
    comment(&app, id, "Danke, ergänze ich.", Some(bert_comment), &anna).await;
    assert_eq!(
        app.last_mail_to("bert@example.org").await.template,
        "comment_reply"
    );
    // Two mails in all (Anna's and Bert's); Clara's news waits for the digest.
    assert_eq!(app.mail_count().await, mails_before + 2);
    let waiting = digest_item::Entity::find()
        .filter(digest_item::Column::UserId.eq(clara_row.id))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(waiting, 2);

    let site = app.state.site.clone();
    assert_eq!(
        send_digests(&app.state.db, &site, Utc::now())
            .await
            .unwrap(),
        0
    );
    let tomorrow = Utc::now() + Duration::hours(25);
    assert_eq!(
        send_digests(&app.state.db, &site, tomorrow).await.unwrap(),
        1
    );
    let digest = app.last_mail_to("clara@example.org").await;
    assert_eq!(digest.template, "digest");
    assert!(digest.subject.contains('2'), "{}", digest.subject);
    assert!(digest.body_text.contains("Hundewiese im Stadtpark"));
    // Sent once: the items are gone.
    assert_eq!(
        send_digests(&app.state.db, &site, tomorrow).await.unwrap(),
        0
    );

    // Unfollowing stops the news.
    app.json(
        "DELETE",
        &format!("/api/v1/proposals/{id}/follow"),
        json!({}),
        Some(&clara),
    )
    .await;
    comment(&app, id, "Noch ein Gedanke dazu.", None, &bert).await;
    assert_eq!(
        digest_item::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn the_listing_pages_stably_in_every_order() {
    let app = TestApp::new().await;
    procedure(
        &app,
        "markt",
        PhaseKind::Discussion,
        VoteRule::Rating,
        PhaseKind::Discussion,
    )
    .await;
    let mut ids = Vec::new();
    for n in 0..45 {
        ids.push(insert_proposal(&app, "markt", &format!("Idee Nummer {n}")).await);
    }
    // Some ties and some spread in votes.
    let voters = [
        app.resident("a@example.org").await,
        app.resident("b@example.org").await,
    ];
    for (index, id) in ids.iter().enumerate().take(12) {
        let value = if index % 3 == 0 { -1 } else { 1 };
        vote(&app, *id, value, &voters[0]).await;
        if index % 2 == 0 {
            vote(&app, *id, 1, &voters[1]).await;
        }
    }
    for sort in ["newest", "supported", "discussed", "random"] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut previous_score = i64::MAX;
        loop {
            let mut path = format!("/api/v1/procedures/markt/proposals?sort={sort}");
            if let Some(cursor) = &cursor {
                path.push_str(&format!("&cursor={cursor}"));
            }
            let page = body(&app.get(&path).await);
            assert_eq!(page["total"], 45);
            for card in page["items"].as_array().unwrap() {
                seen.push(card["id"].as_i64().unwrap());
                if sort == "supported" {
                    let score = card["votes"]["score"].as_i64().unwrap();
                    assert!(score <= previous_score, "not descending by score");
                    previous_score = score;
                }
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let mut sorted = seen.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(seen.len(), 45, "{sort}: every proposal once");
        assert_eq!(sorted.len(), 45, "{sort}: no duplicates");
    }
    // The random order is stable for a visitor and differs between visitors.
    let first = |token: Option<&str>| {
        let app = &app;
        let token = token.map(str::to_owned);
        async move {
            let path = "/api/v1/procedures/markt/proposals?sort=random";
            let response = match token {
                Some(token) => app.get_as(path, &token).await,
                None => app.get(path).await,
            };
            body(&response)["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(first(Some(&voters[0])).await, first(Some(&voters[0])).await);
    assert_ne!(first(Some(&voters[0])).await, first(Some(&voters[1])).await);
    // A cursor that is not one is refused with a clear error.
    let bad = app
        .get("/api/v1/procedures/markt/proposals?sort=newest&cursor=1;DROP")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&bad), "invalid_input");
    let bad_sort = app
        .get("/api/v1/procedures/markt/proposals?sort=beliebt")
        .await;
    assert_eq!(bad_sort.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn search_finds_words_in_titles_and_bodies_including_umlauts() {
    let app = TestApp::new().await;
    let rule = VoteRule::Support { cap: None };
    procedure(&app, "offen", PhaseKind::Proposals, rule, PhaseKind::Voting).await;
    let token = app.resident("anna@example.org").await;
    let baeume = propose(&app, "offen", &token, "Mehr Bäume für die Südstadt").await;
    let radweg = propose(&app, "offen", &token, "Radweg entlang der Bahnlinie").await;
    let _other = propose(&app, "offen", &token, "Öffentliche Toiletten am Markt").await;
    let found = |q: &'static str| {
        let app = &app;
        async move {
            let page = body(
                &app.get(&format!(
                    "/api/v1/procedures/offen/proposals?q={}",
                    app::model::text::encode_component(q)
                ))
                .await,
            );
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("Bäume").await, [baeume]);
    assert_eq!(found("südstadt").await, [baeume]);
    assert_eq!(found("radweg bahnlinie").await, [radweg]);
    assert!(found("Hallenbad").await.is_empty());
    // Query syntax is text, never an operator or an error.
    assert!(found("\"* OR NEAR(").await.is_empty());
    assert_eq!(found("Öffentliche").await.len(), 1);
    if on_postgres() {
        // The German configuration stems: "Baum" finds "Bäume", "Radwegen" finds "Radweg".
        assert_eq!(found("Baum").await, [baeume]);
        assert_eq!(found("Radwegen").await, [radweg]);
    }
}

#[tokio::test]
async fn drafts_and_their_proposals_stay_invisible() {
    let app = TestApp::new().await;
    let now = Utc::now();
    let draft_id = create(
        &app.state.db,
        NewProcedure {
            slug: Slug::parse("entwurf").unwrap(),
            title: "Entwurf".to_owned(),
            summary: String::new(),
            description: String::new(),
            department: "Amt".to_owned(),
            contact: String::new(),
            phases: vec![NewPhase {
                kind: PhaseKind::Proposals,
                starts_at: now - Duration::days(1),
                ends_at: now + Duration::days(1),
            }],
            rule: VoteRule::Rating,
            vote_phase: PhaseKind::Proposals,
            categories: vec![],
            published: false,
            moderation: app::model::moderation::ModerationMode::Post,
        },
        now,
    )
    .await
    .unwrap();
    assert!(draft_id > 0);
    let token = app.resident("anna@example.org").await;
    for response in [
        app.get("/api/v1/procedures/entwurf").await,
        app.get("/api/v1/procedures/entwurf/proposals").await,
        app.json(
            "POST",
            "/api/v1/procedures/entwurf/proposals",
            json!({ "title": "Heimlich", "body": "Niemand soll das sehen können." }),
            Some(&token),
        )
        .await,
        app.get("/verfahren/entwurf").await,
    ] {
        assert_eq!(response.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn planners_enter_contributions_from_on_site_events() {
    let app = TestApp::new().await;
    let rule = VoteRule::Support { cap: None };
    procedure(&app, "offen", PhaseKind::Proposals, rule, PhaseKind::Voting).await;
    let planner = app
        .with_role("planung@example.org", app::model::account::Role::Planner)
        .await;
    let response = app
        .json(
            "POST",
            "/api/v1/procedures/offen/proposals",
            json!({
                "title": "Sitzbänke am Spielplatz",
                "body": "Mehrere Eltern wünschten sich Bänke im Schatten.",
                "event": "Bürgerwerkstatt Süd am 4. November"
            }),
            Some(&planner),
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    let card = &body(&response);
    assert_eq!(
        card["author"],
        json!({ "name": null, "origin": "onsite", "event": "Bürgerwerkstatt Süd am 4. November" })
    );
    let id = card["id"].as_i64().unwrap();
    // The planner typed it in; they do not follow it (nor get mailed about its comments).
    {
        use app::backend::entity::follow;
        use sea_orm::{EntityTrait, PaginatorTrait, QueryFilter};
        let follows = follow::Entity::find()
            .filter(sea_orm::ColumnTrait::eq(&follow::Column::ProposalId, id))
            .count(&app.state.db)
            .await
            .unwrap();
        assert_eq!(
            follows, 0,
            "nobody follows an on-site contribution by typing it in"
        );
    }
    let reply = app
        .json(
            "POST",
            &format!("/api/v1/proposals/{id}/comments"),
            json!({ "body": "Auch aus der Werkstatt: bitte barrierefrei.", "event": "Bürgerwerkstatt Süd" }),
            Some(&planner),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let thread = body(&app.get(&format!("/api/v1/proposals/{id}/comments")).await);
    assert_eq!(thread["comments"][0]["author"]["origin"], "onsite");
    // The page says where the contribution came from.
    let page = app.get(&format!("/vorschlaege/{id}")).await;
    assert!(page.body.contains("Bürgerwerkstatt Süd am 4. November"));
}

#[tokio::test]
async fn voting_from_the_listing_without_javascript_returns_to_the_same_listing() {
    let app = TestApp::new().await.with_demo().await;
    let token = app.resident("anna@example.org").await;
    let cookie = format!("mitreden_session={token}");
    let page = app
        .get_with(
            "/verfahren/radverkehr-2030?sort=newest",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let back = "/verfahren/radverkehr-2030?sort=newest#vorschlaege";
    assert!(
        page.body
            .contains(&format!("name=\"back\" value=\"{back}\"")),
        "vote forms return to the listing as it was"
    );
    let id = proposal::Entity::find()
        .filter(proposal::Column::Title.eq("Winterdienst auf Radwegen zuerst"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let posted = app
        .post_form(
            "/api/vote",
            &format!(
                "id={id}&value=1&back={}",
                app::model::text::encode_component(back)
            ),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
    assert_eq!(
        posted.header("location"),
        "/verfahren/radverkehr-2030?sort=newest&status=voted#vorschlaege"
    );
    // A return address on another host is not followed.
    let hostile = app
        .post_form(
            "/api/vote",
            &format!("id={id}&value=0&back=%2F%2Fevil.example%2F"),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(
        hostile.header("location"),
        format!("/vorschlaege/{id}?status=vote_withdrawn#abstimmung")
    );
    assert_tallies_match_rows(&app).await;
}

/// A post whose answer was lost is sent again with the same idempotency key: it creates
/// nothing new. The same key with another text (a page shown again by the back button) is a
/// new contribution.
#[tokio::test]
async fn a_repeated_post_with_the_same_key_writes_once() {
    use app::backend::entity::comment;
    let app = TestApp::new().await.with_demo().await;
    let token = app.resident("anna@example.org").await;
    let cookie = format!("mitreden_session={token}");
    let target = proposal::Entity::find()
        .filter(proposal::Column::Title.eq("Winterdienst auf Radwegen zuerst"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let key = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    let post = |body: &'static str| {
        let form = format!(
            "proposal_id={target}&body={}&idempotency_key={key}",
            app::model::text::encode_component(body)
        );
        let cookie = cookie.clone();
        let app = &app;
        async move {
            app.send(
                http::Request::post("/api/add_comment")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("accept", "application/json")
                    .header("cookie", cookie)
                    .body(axum::body::Body::from(form))
                    .unwrap(),
            )
            .await
        }
    };
    let first = post("Bitte zuerst die Schulwege räumen.").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let again = post("Bitte zuerst die Schulwege räumen.").await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(first.body, again.body, "the same comment's id");
    let count = |app: &TestApp| {
        let db = app.state.db.clone();
        async move {
            comment::Entity::find()
                .filter(comment::Column::ProposalId.eq(target))
                .count(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(count(&app).await, 1);
    let other = post("Und die Brücken auch.").await;
    assert_eq!(other.status, StatusCode::OK);
    assert_ne!(other.body, first.body);
    assert_eq!(count(&app).await, 2);
    let shown = body(&app.get(&format!("/api/v1/proposals/{target}")).await);
    assert_eq!(
        shown["comment_count"],
        json!(2),
        "the counter counts once each"
    );

    // The REST API takes the key as a header.
    let propose = |key: &'static str| {
        let mut request = http::Request::post("/api/v1/procedures/radverkehr-2030/proposals")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {token}"));
        if !key.is_empty() {
            request = request.header("idempotency-key", key);
        }
        request
            .body(axum::body::Body::from(
                json!({ "title": "Beleuchtete Radwege im Park", "body": "Im Winter ist es um fünf dunkel." })
                    .to_string(),
            ))
            .unwrap()
    };
    let created = app.send(propose("a1b2c3d4e5f6a7b8c9d0")).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let repeated = app.send(propose("a1b2c3d4e5f6a7b8c9d0")).await;
    assert_eq!(body(&created)["id"], body(&repeated)["id"]);
    let bad = app.send(propose("kurz")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&bad), "invalid_input");
}

/// A proposal with several problems gets all of them at once, one entry per field, and
/// nothing is written.
#[tokio::test]
async fn every_problem_of_a_proposal_is_reported_at_once() {
    let app = TestApp::new().await.with_demo().await;
    let token = app.resident("anna@example.org").await;
    let before = proposal::Entity::find().count(&app.state.db).await.unwrap();
    let refused = app
        .json(
            "POST",
            "/api/v1/procedures/radverkehr-2030/proposals",
            json!({ "title": "Ab", "body": "kurz", "category": "Gibt es nicht" }),
            Some(&token),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = body(&refused)["errors"].as_array().unwrap().clone();
    let fields: Vec<&str> = errors
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "body", "category"]);
    assert!(errors.iter().all(|e| e["code"] == "invalid_input"));
    assert_eq!(
        proposal::Entity::find().count(&app.state.db).await.unwrap(),
        before
    );
}

/// The names of an object's fields, sorted.
fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .map(|object| object.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    keys
}

/// REST v1 answers with its own resources, whose field names are documented (README,
/// OpenAPI, CHANGELOG) and kept when pages change: a proposal, a listing item, a comment.
#[tokio::test]
async fn proposals_and_comments_have_the_documented_fields() {
    let app = TestApp::new().await;
    procedure(
        &app,
        "felder",
        PhaseKind::Proposals,
        VoteRule::Support { cap: None },
        PhaseKind::Voting,
    )
    .await;
    let token = app.resident("anna@example.org").await;
    let created = app
        .json(
            "POST",
            "/api/v1/procedures/felder/proposals",
            json!({ "title": "Sitzbänke am Ufer", "body": "Mit **Lehne**, bitte.", "location": "Nordufer" }),
            Some(&token),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let proposal = body(&created);
    assert_eq!(
        keys(&proposal),
        [
            "author",
            "body",
            "body_html",
            "category",
            "comment_count",
            "concealed",
            "created_at",
            "district",
            "geometry",
            "id",
            "links",
            "location",
            "locked",
            "merged",
            "merged_from",
            "moderation",
            "opinion",
            "outcome",
            "precision",
            "procedure",
            "status",
            "title",
            "updated_at",
            "votes",
            "withdrawal_note",
        ]
    );
    let id = proposal["id"].as_i64().unwrap();
    assert_eq!(proposal["procedure"]["slug"], "felder");
    assert_eq!(proposal["body"], "Mit **Lehne**, bitte.");
    assert_eq!(
        proposal["body_html"],
        "<p>Mit <strong>Lehne</strong>, bitte.</p>\n"
    );
    assert_eq!(proposal["location"], "Nordufer");
    assert_eq!(
        proposal["author"],
        json!({ "name": "Anna Muster", "origin": "online", "event": null })
    );
    assert_eq!(proposal["status"], "published");
    assert_eq!(
        proposal["votes"],
        json!({ "support": 0, "up": 0, "down": 0, "score": 0, "mine": null })
    );
    assert_eq!(proposal["comment_count"], 0);
    assert!(proposal["created_at"].is_i64());
    assert!(proposal["updated_at"].is_i64());
    assert_eq!(
        keys(&proposal["links"]),
        ["comments", "html", "procedure", "self"]
    );
    let own = proposal["links"]["self"].as_str().unwrap();
    assert!(own.ends_with(&format!("/api/v1/proposals/{id}")), "{own}");
    let page = proposal["links"]["html"].as_str().unwrap();
    assert!(page.ends_with(&format!("/vorschlaege/{id}")), "{page}");

    // The same resource when read back, anonymously.
    let read = body(&app.get(&format!("/api/v1/proposals/{id}")).await);
    assert_eq!(keys(&read), keys(&proposal));
    assert_eq!(read["title"], "Sitzbänke am Ufer");

    let listing = body(&app.get("/api/v1/procedures/felder/proposals").await);
    assert_eq!(
        keys(&listing),
        [
            "budget",
            "items",
            "next_cursor",
            "procedure",
            "sort",
            "total",
            "total_capped"
        ]
    );
    assert_eq!(
        keys(&listing["items"][0]),
        [
            "author",
            "category",
            "comment_count",
            "created_at",
            "district",
            "excerpt",
            "id",
            "links",
            "photo",
            "status",
            "title",
            "votes",
        ]
    );
    assert_eq!(listing["items"][0]["id"], id);
    assert_eq!(listing["items"][0]["photo"], Value::Null, "no photo yet");

    let comment = app
        .json(
            "POST",
            &format!("/api/v1/proposals/{id}/comments"),
            json!({ "body": "Gute Idee." }),
            Some(&token),
        )
        .await;
    assert_eq!(comment.status, StatusCode::CREATED, "{}", comment.body);
    let thread = body(&app.get(&format!("/api/v1/proposals/{id}/comments")).await);
    assert_eq!(
        keys(&thread),
        ["comments", "next_cursor", "proposal", "replies_to"]
    );
    assert_eq!(thread["proposal"], id);
    assert_eq!(
        keys(&thread["comments"][0]),
        [
            "author",
            "body_html",
            "concealed",
            "created_at",
            "deleted",
            "depth",
            "edited",
            "id",
            "moderation",
            "more_replies",
            "parent",
            "proposal",
        ]
    );
    assert_eq!(thread["comments"][0]["body_html"], "<p>Gute Idee.</p>\n");
    assert_eq!(thread["comments"][0]["author"]["name"], "Anna Muster");
}

/// A procedure and a listing of procedures are resources of the API's own too: the
/// summary's fields at the top level, links beside them.
#[tokio::test]
async fn procedures_have_the_documented_fields() {
    let app = TestApp::new().await;
    procedure(
        &app,
        "felder",
        PhaseKind::Proposals,
        VoteRule::Support { cap: None },
        PhaseKind::Voting,
    )
    .await;
    let procedure = body(&app.get("/api/v1/procedures/felder").await);
    assert_eq!(
        keys(&procedure),
        [
            "allowed",
            "area",
            "categories",
            "contact",
            "council",
            "current_phase",
            "current_phase_ends_at",
            "department",
            "description_html",
            "draft",
            "ends_at",
            "image",
            "links",
            "moderation",
            "outcomes",
            "phases",
            "results_public",
            "rule",
            "slug",
            "starts_at",
            "state",
            "summary",
            "title",
            "vote_phase",
        ]
    );
    assert_eq!(procedure["slug"], "felder");
    assert_eq!(procedure["title"], "Grünflächen im Quartier");
    assert_eq!(procedure["current_phase"], "proposals");
    assert_eq!(procedure["allowed"]["propose"], true);
    assert_eq!(
        keys(&procedure["links"]),
        ["html", "proposals", "results", "self"]
    );
    let proposals = procedure["links"]["proposals"].as_str().unwrap();
    assert!(
        proposals.ends_with("/api/v1/procedures/felder/proposals"),
        "{proposals}"
    );

    let listing = body(&app.get("/api/v1/procedures").await);
    assert_eq!(keys(&listing), ["counts", "filter", "items", "next_cursor"]);
    assert_eq!(listing["filter"], "running");
    assert_eq!(listing["next_cursor"], Value::Null);
    assert_eq!(listing["counts"]["running"], 1);
    assert_eq!(
        keys(&listing["items"][0]),
        [
            "current_phase",
            "current_phase_ends_at",
            "department",
            "ends_at",
            "image",
            "links",
            "proposals_open_at",
            "slug",
            "starts_at",
            "state",
            "summary",
            "title",
        ]
    );
    assert_eq!(listing["items"][0]["slug"], "felder");
}

/// The ids of a part of a discussion, in the order given, with the comments that have more
/// replies than shown.
fn part_of(answer: &Value) -> (Vec<i64>, Vec<i64>) {
    let comments = answer["comments"].as_array().unwrap();
    let ids = comments.iter().map(|c| c["id"].as_i64().unwrap()).collect();
    let more = comments
        .iter()
        .filter(|c| c["more_replies"] == true)
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    (ids, more)
}

#[tokio::test]
async fn a_long_discussion_is_read_a_part_at_a_time_and_every_comment_stays_reachable() {
    let app = TestApp::new().await;
    let rule = VoteRule::Support { cap: None };
    procedure(&app, "lang", PhaseKind::Proposals, rule, PhaseKind::Voting).await;
    let anna = app.resident("anna@example.org").await;
    let id = propose(&app, "lang", &anna, "Ein viel diskutierter Vorschlag").await;
    let author = current_user(&app, "anna@example.org").await.id;
    // 70 top-level comments; the first has 12 replies, its first reply 7, and so on down.
    let roots = insert_comments(&app, id, author, None, 70).await;
    let replies = insert_comments(&app, id, author, Some((roots[0], 0)), 12).await;
    let deeper = insert_comments(&app, id, author, Some((replies[0], 1)), 7).await;
    let deepest = insert_comments(&app, id, author, Some((deeper[6], 2)), 2).await;

    let first = body(&app.get(&format!("/api/v1/proposals/{id}/comments")).await);
    let (ids, more) = part_of(&first);
    // 30 top-level comments, each followed by its first five replies (and theirs).
    let shown_roots: Vec<i64> = first["comments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["depth"] == 0)
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(shown_roots, roots[..30]);
    assert_eq!(
        ids[..7],
        [
            roots[0], replies[0], deeper[0], deeper[1], deeper[2], deeper[3], deeper[4]
        ]
    );
    assert_eq!(ids[7], replies[1]);
    assert!(!ids.contains(&replies[5]) && !ids.contains(&deeper[5]));
    assert_eq!(more, [roots[0], replies[0]]);
    assert_eq!(ids.len(), 30 + 5 + 5);
    assert!(first["replies_to"].is_null());

    // The next parts, by the cursor, until the end: every top-level comment once.
    let mut seen = shown_roots;
    let mut cursor = first["next_cursor"].as_str().map(str::to_owned);
    while let Some(after) = cursor {
        let part = body(
            &app.get(&format!("/api/v1/proposals/{id}/comments?after={after}"))
                .await,
        );
        seen.extend(part_of(&part).0);
        cursor = part["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, roots);

    // All replies to one comment, paged the same way: it heads the part.
    let all = body(
        &app.get(&format!(
            "/api/v1/proposals/{id}/comments?replies={}",
            replies[0]
        ))
        .await,
    );
    assert_eq!(all["replies_to"], replies[0]);
    let (ids, more) = part_of(&all);
    assert_eq!(ids[0], replies[0]);
    let direct: Vec<i64> = all["comments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["depth"] == 2)
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(direct, deeper);
    assert!(ids.ends_with(&[deeper[6], deepest[0], deepest[1]]));
    assert!(more.is_empty());
    assert!(all["next_cursor"].is_null());

    // A link to one comment (from a mail, the ledger) gives the part that holds it, even
    // when it is below the replies a part shows.
    let held = body(
        &app.get(&format!(
            "/api/v1/proposals/{id}/comments?comment={}",
            deepest[1]
        ))
        .await,
    );
    let (ids, _) = part_of(&held);
    assert_eq!(ids[0], roots[0]);
    for needed in [replies[0], deeper[6], deepest[1]] {
        assert!(ids.contains(&needed), "{needed} missing from {ids:?}");
    }
    let page = app
        .get(&format!("/vorschlaege/{id}?comment={}", deepest[1]))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(&format!("id=\"kommentar-{}\"", deepest[1]))
    );
    assert!(
        page.body
            .contains(&format!("?replies={}#kommentare", roots[0]))
    );
    assert!(page.body.contains("rel=\"next\""));
    // The page without JavaScript pages by links too.
    let later = app
        .get(&format!("/vorschlaege/{id}?after={}", roots[29]))
        .await;
    assert!(
        later
            .body
            .contains(&format!("id=\"kommentar-{}\"", roots[30]))
    );
    assert!(
        !later
            .body
            .contains(&format!("id=\"kommentar-{}\"", roots[29]))
    );

    // Mangled or foreign values: a clear error from the API, nothing shown that is not
    // this proposal's.
    for query in ["after=x", "replies=-1", "comment=0"] {
        let answer = app
            .get(&format!("/api/v1/proposals/{id}/comments?{query}"))
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
    }
    let other = propose(&app, "lang", &anna, "Ein anderer Vorschlag").await;
    let foreign = app
        .get(&format!(
            "/api/v1/proposals/{other}/comments?replies={}",
            roots[0]
        ))
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    // The page, given a link to a comment it does not hold, shows its discussion from the
    // start instead of losing the proposal.
    let page = app
        .get(&format!("/vorschlaege/{other}?comment={}", roots[0]))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Ein anderer Vorschlag"));
}
