//! What became of an idea after the vote: planners record the implementation of a
//! proposal the council adopted and of a budget's funded project, only then, only with a
//! status and a public note; everyone reads it where they read the item, and the
//! proposal's followers are told.

use crate::budget::{
    SLUG as BUDGET_SLUG, ballot_project, budget_procedure, create_budget, move_voting, problem,
    put_ballot, submit,
};
use crate::fixtures::{body, end_voting, procedure, propose};
use crate::harness::TestApp;
use app::backend::entity::implementation_update;
use app::formats::proposals::model::VoteRule;
use app::model::account::Role;
use app::model::procedure::PhaseKind;
use chrono::{Duration, Utc};
use http::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

const SLUG: &str = "umsetzen";
const NOTE: &str = "Das Gartenamt hat die Pflanzung für den Herbst beauftragt.";

fn entry(status: &str, note: &str, day: &str) -> Value {
    json!({ "status": status, "note": note, "happened_on": day })
}

async fn entries(app: &TestApp) -> u64 {
    implementation_update::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_adopted_proposal_carries_its_implementation_and_followers_are_told() {
    let app = TestApp::new().await;
    procedure(
        &app,
        SLUG,
        PhaseKind::Proposals,
        VoteRule::Support { cap: None },
        PhaseKind::Proposals,
    )
    .await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let anna = app.resident("anna@example.org").await;
    let bert = app.resident("bert@example.org").await;
    let id = propose(&app, SLUG, &anna, "Mehr Bäume in der Südstadt").await;
    let followed = app
        .json(
            "PUT",
            &format!("/api/v1/proposals/{id}/follow"),
            json!({}),
            Some(&bert),
        )
        .await;
    assert!(followed.status.is_success(), "{}", followed.body);
    let path = format!("/api/v1/proposals/{id}/implementation");
    let valid = entry("planned", NOTE, "");

    // Residents never record; planners not before the council adopted the proposal.
    let resident = app.json("POST", &path, valid.clone(), Some(&bert)).await;
    assert_eq!(resident.status, StatusCode::FORBIDDEN);
    let early = app.json("POST", &path, valid.clone(), Some(&planner)).await;
    assert_eq!(
        problem(&early),
        ("status".to_owned(), "not_adopted".to_owned())
    );
    end_voting(&app).await;
    let rejected = app
        .json(
            "PUT",
            &format!("/api/v1/proposals/{id}/outcome"),
            json!({ "outcome": "rejected", "justification": "" }),
            Some(&planner),
        )
        .await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.body);
    let refused = app.json("POST", &path, valid.clone(), Some(&planner)).await;
    assert_eq!(
        problem(&refused),
        ("status".to_owned(), "not_adopted".to_owned())
    );
    let adopted = app
        .json(
            "PUT",
            &format!("/api/v1/proposals/{id}/outcome"),
            json!({ "outcome": "adopted", "justification": "Der Rat folgt dem Vorschlag." }),
            Some(&planner),
        )
        .await;
    assert_eq!(adopted.status, StatusCode::OK, "{}", adopted.body);

    // Bad entries name every wrong field and change nothing.
    let tomorrow = (Utc::now() + Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    for (bad, fields) in [
        (
            entry("fertig", "kurz", &tomorrow),
            vec!["status", "note", "happened_on"],
        ),
        (entry("done", NOTE, "31.12.2026"), vec!["happened_on"]),
        (
            entry("done", "Mit\u{202e} Steuerzeichen.", ""),
            vec!["note"],
        ),
    ] {
        let response = app.json("POST", &path, bad, Some(&planner)).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            response.body
        );
        let named: Vec<String> = body(&response)["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(named, fields, "{}", response.body);
    }
    assert_eq!(entries(&app).await, 0);

    // Recorded: public, newest first; the author and the follower are mailed.
    let recorded = app
        .json(
            "POST",
            &path,
            entry("planned", NOTE, "2026-11-20"),
            Some(&planner),
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
    for address in ["anna@example.org", "bert@example.org"] {
        let mail = app.last_mail_to(address).await;
        assert!(
            mail.body_text.contains("Die Umsetzung ist geplant."),
            "{}",
            mail.body_text
        );
        assert!(mail.body_text.contains(NOTE));
    }
    let started = app
        .json(
            "POST",
            &path,
            entry("in_progress", "Die ersten zwölf Bäume sind gepflanzt.", ""),
            Some(&planner),
        )
        .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    let public = body(&app.get(&path).await);
    assert_eq!(public["status"], "in_progress");
    assert_eq!(public["may_record"], false);
    assert_eq!(public["entries"].as_array().unwrap().len(), 2);
    assert_eq!(public["entries"][1]["note"], NOTE);
    assert_eq!(public["entries"][1]["happened_on"], "2026-11-20");
    assert_eq!(body(&app.get_as(&path, &planner).await)["may_record"], true);

    // The proposal's page shows it to everyone; planners find the way to their page of
    // it, which has the form, and which no one else may open.
    let page = app.get(&format!("/vorschlaege/{id}")).await;
    for text in ["Umsetzung", "In Umsetzung", NOTE, "20. November 2026"] {
        assert!(page.body.contains(text), "{text} missing");
    }
    let desk = format!("/verwaltung/vorschlaege/{id}/umsetzung");
    assert!(!page.body.contains(&desk));
    assert!(!page.body.contains("Stand veröffentlichen"));
    let cookie = format!("mitreden_session={planner}");
    let own = app
        .get_with(&format!("/vorschlaege/{id}"), &[("cookie", &cookie)])
        .await;
    assert!(own.body.contains(&format!("href=\"{desk}\"")));
    assert!(!own.body.contains("Stand veröffentlichen"));
    let form = app.get_with(&desk, &[("cookie", &cookie)]).await;
    assert_eq!(form.status, StatusCode::OK);
    for text in ["Stand veröffentlichen", NOTE, "multipart/form-data"] {
        assert!(
            form.body.contains(text),
            "{text} missing on the planners' page"
        );
    }
    let resident = app.resident("neugierig@example.org").await;
    let refused = app
        .get_with(
            &desk,
            &[("cookie", &format!("mitreden_session={resident}"))],
        )
        .await;
    assert!(!refused.body.contains("Stand veröffentlichen"));
    assert!(!app.get(&desk).await.body.contains("Stand veröffentlichen"));

    // The planners' form, as a browser without JavaScript posts it: back to their page.
    let referer = format!("http://127.0.0.1:3000{desk}");
    let posted = app
        .post_form(
            "/api/record_implementation",
            &format!(
                "proposal_id={id}&form%5Bstatus%5D=done&form%5Bhappened_on%5D=&form%5Bnote%5D=Alle+Baeume+stehen."
            ),
            &[("cookie", &cookie), ("referer", &referer)],
        )
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
    assert_eq!(
        posted.header("location"),
        format!("{desk}?status=implementation_recorded#umsetzung")
    );
    assert_eq!(body(&app.get(&path).await)["status"], "done");
    assert_eq!(entries(&app).await, 3);
}

#[tokio::test]
async fn a_funded_project_carries_its_implementation_once_voting_has_ended() {
    let app = TestApp::new().await;
    let procedure_id = budget_procedure(&app).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let budget = create_budget(
        &app,
        &planner,
        json!({ "kind": "approval", "min_projects": 1, "max_projects": 1 }),
        "greedy",
    )
    .await;
    let fountain = ballot_project(&app, &planner, budget, "Trinkbrunnen", 6_000_000).await;
    let benches = ballot_project(&app, &planner, budget, "Sitzbänke", 5_000_000).await;
    move_voting(&app, procedure_id, -1, 7).await;
    for n in 0..2 {
        let resident = app.resident(&format!("r{n}@example.org")).await;
        let saved = put_ballot(
            &app,
            &resident,
            budget,
            json!({ "project_ids": [fountain] }),
        )
        .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        assert_eq!(submit(&app, &resident, budget).await.status, StatusCode::OK);
    }
    let path = |project: i64| format!("/api/v1/projects/{project}/implementation");
    let valid = entry(
        "in_progress",
        "Der Auftrag für den Brunnen ist vergeben.",
        "",
    );

    // Not while voting runs; after the end only for the funded project.
    let early = app
        .json("POST", &path(fountain), valid.clone(), Some(&planner))
        .await;
    assert_eq!(
        problem(&early),
        ("status".to_owned(), "not_funded".to_owned())
    );
    move_voting(&app, procedure_id, -8, -1).await;
    let unfunded = app
        .json("POST", &path(benches), valid.clone(), Some(&planner))
        .await;
    assert_eq!(
        problem(&unfunded),
        ("status".to_owned(), "not_funded".to_owned())
    );
    let resident = app.resident("r9@example.org").await;
    let refused = app
        .json("POST", &path(fountain), valid.clone(), Some(&resident))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(entries(&app).await, 0);
    let recorded = app
        .json("POST", &path(fountain), valid, Some(&planner))
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
    let public = body(&app.get(&path(fountain)).await);
    assert_eq!(public["status"], "in_progress");
    assert_eq!(public["may_record"], false);

    // The results page lists it under the funded projects' implementation.
    let page = app
        .get(&format!(
            "/verfahren/{BUDGET_SLUG}/budget/{budget}/ergebnis"
        ))
        .await;
    for text in [
        "Umsetzung der geförderten Projekte",
        "Der Auftrag für den Brunnen ist vergeben.",
        "In Umsetzung",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    // The planners' project page offers the form for the funded project only.
    let cookie = format!("mitreden_session={planner}");
    let desk = |project: i64| format!("/verwaltung/budget-projekte/{project}");
    let funded_desk = app.get_with(&desk(fountain), &[("cookie", &cookie)]).await;
    assert!(funded_desk.body.contains("Stand veröffentlichen"));
    let unfunded_desk = app.get_with(&desk(benches), &[("cookie", &cookie)]).await;
    assert!(!unfunded_desk.body.contains("Stand veröffentlichen"));
}
