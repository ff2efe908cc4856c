//! Duplicate proposals: a moderator merges one into another of its procedure. The merged
//! proposal stays readable under its number and links the kept one; its votes move there,
//! once per person; its author and followers are told; the ledger records it; nothing else
//! can be merged into the wrong place.

use crate::budget::problem;
use crate::fixtures::{
    assert_listing_counts_match_rows, assert_tallies_match_rows, body, current_user, decide,
    procedure, propose, support,
};
use crate::harness::TestApp;
use app::backend::entity::{follow, vote};
use app::formats::proposals::model::VoteRule;
use app::model::account::Role;
use app::model::procedure::PhaseKind;
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

const SLUG: &str = "marktplatz";
const REASON: &str = "Gleiches Anliegen: Sitzgelegenheiten am Marktplatz.";

fn merge(target: i64, into: Value) -> Value {
    json!({
        "target": { "kind": "proposal", "id": target },
        "action": "merge",
        "merge_into": into,
        "public_reason": REASON,
    })
}

async fn votes_on(app: &TestApp, proposal: i64) -> u64 {
    vote::Entity::find()
        .filter(vote::Column::ProposalId.eq(proposal))
        .count(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_merged_duplicate_points_to_the_kept_proposal_and_its_votes_count_once() {
    let app = TestApp::new().await;
    let rule = VoteRule::Support { cap: Some(3) };
    procedure(&app, SLUG, PhaseKind::Proposals, rule, PhaseKind::Proposals).await;
    procedure(
        &app,
        "anderswo",
        PhaseKind::Proposals,
        rule,
        PhaseKind::Proposals,
    )
    .await;
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let anna = app.resident("anna@example.org").await;
    let bert = app.resident("bert@example.org").await;
    let kept = propose(&app, SLUG, &anna, "Mehr Bänke am Marktplatz").await;
    let duplicate = propose(&app, SLUG, &bert, "Sitzbänke für den Marktplatz").await;
    let elsewhere = propose(&app, "anderswo", &anna, "Bänke anderswo").await;
    // Both, the duplicate only, the kept one only.
    let voters = [
        app.resident("v1@example.org").await,
        app.resident("v2@example.org").await,
        app.resident("v3@example.org").await,
    ];
    support(&app, kept, &voters[0]).await;
    support(&app, duplicate, &voters[0]).await;
    support(&app, duplicate, &voters[1]).await;
    support(&app, kept, &voters[2]).await;
    let carla = app.resident("carla@example.org").await;
    let followed = app
        .json(
            "PUT",
            &format!("/api/v1/proposals/{duplicate}/follow"),
            json!({}),
            Some(&carla),
        )
        .await;
    assert!(followed.status.is_success(), "{}", followed.body);

    // Residents do not merge; a merge names a fitting proposal of the same procedure.
    let resident = decide(&app, &anna, merge(duplicate, json!(kept))).await;
    assert_eq!(resident.status, StatusCode::FORBIDDEN);
    for (into, field, code) in [
        (Value::Null, "merge_into", "missing"),
        (json!(duplicate), "merge_into", "same"),
        (json!(999_999), "merge_into", "not_found"),
        (json!(elsewhere), "merge_into", "other_procedure"),
    ] {
        let refused = decide(&app, &moderator, merge(duplicate, into.clone())).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{into}: {}",
            refused.body
        );
        assert_eq!(problem(&refused), (field.to_owned(), code.to_owned()));
    }
    assert_eq!(votes_on(&app, duplicate).await, 2);
    let mails_before = app.mail_count().await;

    let merged = decide(&app, &moderator, merge(duplicate, json!(kept))).await;
    assert_eq!(merged.status, StatusCode::CREATED, "{}", merged.body);

    // The votes: v1 counts once, v2's support moved, v3's stays; v1 has a support back.
    let kept_now = body(&app.get(&format!("/api/v1/proposals/{kept}")).await);
    assert_eq!(kept_now["votes"]["support"], 3, "{kept_now}");
    assert_eq!(kept_now["merged_from"][0]["id"], duplicate);
    assert_eq!(votes_on(&app, kept).await, 3);
    assert_eq!(votes_on(&app, duplicate).await, 0);
    let v1 = current_user(&app, "v1@example.org").await.id;
    let v1_votes = vote::Entity::find()
        .filter(vote::Column::UserId.eq(v1))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(v1_votes, 1);
    assert_tallies_match_rows(&app).await;
    assert_listing_counts_match_rows(&app).await;

    // The duplicate: readable, closed, pointing to the kept one with the reason.
    let shown = body(&app.get(&format!("/api/v1/proposals/{duplicate}")).await);
    assert_eq!(shown["status"], "merged");
    assert_eq!(shown["merged"]["into"]["id"], kept);
    assert_eq!(shown["merged"]["into"]["title"], "Mehr Bänke am Marktplatz");
    assert_eq!(shown["merged"]["reason"], "duplicate");
    assert_eq!(shown["merged"]["note"], REASON);
    assert_eq!(shown["votes"]["support"], 0);
    let late = app
        .json(
            "PUT",
            &format!("/api/v1/proposals/{duplicate}/vote"),
            json!({ "value": 1 }),
            Some(&carla),
        )
        .await;
    assert_eq!(problem(&late), ("proposal".to_owned(), "merged".to_owned()));
    let comment = app
        .json(
            "POST",
            &format!("/api/v1/proposals/{duplicate}/comments"),
            json!({ "body": "Noch ein Gedanke." }),
            Some(&carla),
        )
        .await;
    assert_eq!(
        problem(&comment),
        ("proposal".to_owned(), "merged".to_owned())
    );

    // Both pages link each other; the list shows the kept one, the filter the merged one.
    let page = app.get(&format!("/vorschlaege/{duplicate}")).await;
    for text in [
        "als doppelter Vorschlag zusammengeführt mit",
        &format!("href=\"/vorschlaege/{kept}\""),
        REASON,
        "Doppelter Vorschlag",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    let page = app.get(&format!("/vorschlaege/{kept}")).await;
    assert!(page.body.contains("Zusammengeführt aus"));
    assert!(
        page.body
            .contains(&format!("href=\"/vorschlaege/{duplicate}\""))
    );
    let listed = body(
        &app.get(&format!("/api/v1/procedures/{SLUG}/proposals"))
            .await,
    );
    assert_eq!(listed["total"], 1, "{listed}");
    let merged_list = body(
        &app.get(&format!(
            "/api/v1/procedures/{SLUG}/proposals?status=merged"
        ))
        .await,
    );
    assert_eq!(merged_list["items"][0]["id"], duplicate, "{merged_list}");

    // The author hears why and where; the follower hears it and follows the kept one.
    let mail = app.last_mail_to("bert@example.org").await;
    assert!(mail.subject.contains("zusammengeführt"), "{}", mail.subject);
    for text in [
        &format!("Vorschlag Nr. {kept} „Mehr Bänke am Marktplatz“"),
        REASON,
        "zählt einmal",
    ] {
        assert!(mail.body_text.contains(text), "{text}: {}", mail.body_text);
    }
    let mail = app.last_mail_to("carla@example.org").await;
    assert!(
        mail.body_text.contains(&format!(
            "mit Vorschlag Nr. {kept} „Mehr Bänke am Marktplatz“"
        )),
        "{}",
        mail.body_text
    );
    assert_eq!(app.mail_count().await, mails_before + 2);
    let carla_id = current_user(&app, "carla@example.org").await.id;
    assert!(
        follow::Entity::find_by_id((carla_id, kept))
            .one(&app.state.db)
            .await
            .unwrap()
            .is_some()
    );

    // The public ledger records it, without the moderator.
    let ledger = app.get("/api/v1/moderation/ledger").await;
    let entry = &body(&ledger)["entries"][0];
    assert_eq!(entry["action"], "merge");
    assert_eq!(entry["public_reason"], REASON);
    assert!(!ledger.body.contains("moderation@example.org"));

    // Once merged, neither it nor anything into it again.
    let again = decide(&app, &moderator, merge(duplicate, json!(kept))).await;
    assert_eq!(
        problem(&again),
        ("action".to_owned(), "already_merged".to_owned())
    );
    let into_merged = decide(&app, &moderator, merge(kept, json!(duplicate))).await;
    assert_eq!(
        problem(&into_merged),
        ("merge_into".to_owned(), "not_open".to_owned())
    );
    assert_eq!(votes_on(&app, kept).await, 3);
}

#[tokio::test]
async fn moderators_merge_from_the_proposal_page_without_javascript() {
    let app = TestApp::new().await;
    let rule = VoteRule::Rating;
    procedure(&app, SLUG, PhaseKind::Proposals, rule, PhaseKind::Proposals).await;
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let anna = app.resident("anna@example.org").await;
    let kept = propose(&app, SLUG, &anna, "Ein Trinkbrunnen am Markt").await;
    let duplicate = propose(&app, SLUG, &anna, "Trinkwasser am Markt").await;
    // Under the rating rule a vote is up or down: the kept one's own vote wins.
    let voter = app.resident("v@example.org").await;
    for (id, value) in [(kept, -1), (duplicate, 1)] {
        let voted = app
            .json(
                "PUT",
                &format!("/api/v1/proposals/{id}/vote"),
                json!({ "value": value }),
                Some(&voter),
            )
            .await;
        assert!(voted.status.is_success(), "{}", voted.body);
    }
    let other = app.resident("w@example.org").await;
    let voted = app
        .json(
            "PUT",
            &format!("/api/v1/proposals/{duplicate}/vote"),
            json!({ "value": 1 }),
            Some(&other),
        )
        .await;
    assert!(voted.status.is_success(), "{}", voted.body);

    let cookie = format!("mitreden_session={moderator}");
    let page = app
        .get_with(&format!("/vorschlaege/{duplicate}"), &[("cookie", &cookie)])
        .await;
    for text in [
        "Mit einem anderen Vorschlag zusammenführen",
        "Zusammenführen mit Vorschlag Nr.",
        "name=\"form[merge_into]\"",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    let referer = format!("http://127.0.0.1:3000/vorschlaege/{duplicate}");
    let form = |into: &str| {
        format!(
            "form%5Bkind%5D=proposal&form%5Bid%5D={duplicate}&form%5Bback%5D=%2Fvorschlaege%2F{duplicate}\
             &form%5Baction%5D=merge&form%5Breason%5D=&form%5Bpublic_reason%5D=&form%5Binternal_note%5D=\
             &form%5Bblock_days%5D=&form%5Bmerge_into%5D={into}"
        )
    };
    let refused = app
        .post_form(
            "/api/decide",
            &form("abc"),
            &[("cookie", &cookie), ("referer", &referer)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FOUND, "{}", refused.body);
    assert!(
        refused.header("location").contains("__err"),
        "{}",
        refused.header("location")
    );
    assert_eq!(votes_on(&app, duplicate).await, 2);
    let posted = app
        .post_form(
            "/api/decide",
            &form(&format!("%23{kept}")),
            &[("cookie", &cookie), ("referer", &referer)],
        )
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
    assert_eq!(
        posted.header("location"),
        format!("/vorschlaege/{duplicate}?status=decided_merge")
    );
    let kept_now = body(&app.get(&format!("/api/v1/proposals/{kept}")).await);
    assert_eq!(kept_now["votes"]["up"], 1, "{kept_now}");
    assert_eq!(kept_now["votes"]["down"], 1, "{kept_now}");
    assert_eq!(kept_now["votes"]["score"], 0, "{kept_now}");
    assert_tallies_match_rows(&app).await;
    // Without a reason chosen, the ledger says it was a duplicate.
    let ledger = body(&app.get("/api/v1/moderation/ledger").await);
    assert_eq!(ledger["entries"][0]["reason"], "duplicate");
    // The moderators' form is gone from the merged proposal; the notice is there.
    let page = app
        .get_with(&format!("/vorschlaege/{duplicate}"), &[("cookie", &cookie)])
        .await;
    assert!(!page.body.contains("name=\"form[merge_into]\""));
    assert!(page.body.contains("Seine Stimmen zählen dort"));
}
