//! What the council decided about a budget's projects: planners record it once voting has
//! ended (by the project's page or REST), or the OParl import reads it from an agenda item
//! naming the project as "P-12"; the results, their API and the report show it, and the
//! followers of the proposal a project came from are told.

use crate::budget::{
    SLUG, ballot_project, budget_procedure, create_budget, move_voting, problem, put_ballot, submit,
};
use crate::fixtures::{body, propose};
use crate::harness::TestApp;
use app::backend::entity::budget_project_council;
use app::model::account::Role;
use http::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

const REASON: &str = "Der Rat stellt die Mittel im Haushalt 2027 bereit.";

async fn outcomes(app: &TestApp) -> u64 {
    budget_project_council::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap()
}

struct Setup {
    app: TestApp,
    procedure_id: i64,
    planner: String,
    budget: i64,
    /// Made from Anna's proposal, followed by Bert.
    fountain: i64,
    benches: i64,
}

/// A budget with two projects on the ballot (the fountain from a proposal), voted on,
/// its vote still running.
async fn setup(vars: &[(&str, &str)]) -> Setup {
    let app = TestApp::with_config(vars).await;
    let procedure_id = budget_procedure(&app).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let anna = app.resident("anna@example.org").await;
    let bert = app.resident("bert@example.org").await;
    let proposal = propose(&app, SLUG, &anna, "Ein Trinkbrunnen am Markt").await;
    let followed = app
        .json(
            "PUT",
            &format!("/api/v1/proposals/{proposal}/follow"),
            json!({}),
            Some(&bert),
        )
        .await;
    assert!(followed.status.is_success(), "{}", followed.body);
    let budget = create_budget(
        &app,
        &planner,
        json!({ "kind": "approval", "min_projects": 1, "max_projects": 2 }),
        "greedy",
    )
    .await;
    let created = app
        .json(
            "POST",
            &format!("/api/v1/budgets/{budget}/projects"),
            json!({ "proposal_id": proposal, "cost_cents": 4_000_000 }),
            Some(&planner),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let fountain = body(&created)["id"].as_i64().unwrap();
    let selected = app
        .json(
            "PATCH",
            &format!("/api/v1/projects/{fountain}"),
            json!({ "feasibility": "feasible", "feasibility_reason": "Umsetzbar.", "selected": true }),
            Some(&planner),
        )
        .await;
    assert_eq!(selected.status, StatusCode::OK, "{}", selected.body);
    let benches = ballot_project(&app, &planner, budget, "Sitzbänke", 3_000_000).await;
    move_voting(&app, procedure_id, -1, 7).await;
    let voter = app.resident("voter@example.org").await;
    let saved = put_ballot(
        &app,
        &voter,
        budget,
        json!({ "project_ids": [fountain, benches] }),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(submit(&app, &voter, budget).await.status, StatusCode::OK);
    Setup {
        app,
        procedure_id,
        planner,
        budget,
        fountain,
        benches,
    }
}

fn line(results: &Value, project: i64) -> Value {
    results["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["project_id"] == project)
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn a_project_carries_the_councils_outcome_once_voting_has_ended() {
    let s = setup(&[]).await;
    let app = &s.app;
    let path = format!("/api/v1/projects/{}/outcome", s.fountain);
    let adopted = json!({ "outcome": "adopted", "justification": REASON, "meeting_date": "" });

    // Not while voting runs; never by a resident; nothing malformed.
    let early = app
        .json("PUT", &path, adopted.clone(), Some(&s.planner))
        .await;
    assert_eq!(
        problem(&early),
        ("outcome".to_owned(), "participation_running".to_owned())
    );
    move_voting(app, s.procedure_id, -8, -1).await;
    let resident = app.resident("carla@example.org").await;
    let refused = app
        .json("PUT", &path, adopted.clone(), Some(&resident))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let unknown = app
        .json(
            "PUT",
            &path,
            json!({ "outcome": "vertagt-ish", "justification": "" }),
            Some(&s.planner),
        )
        .await;
    assert_eq!(
        problem(&unknown),
        ("outcome".to_owned(), "unknown".to_owned())
    );
    let future = app
        .json(
            "PUT",
            &path,
            json!({ "outcome": "adopted", "justification": "", "meeting_date": "2099-01-01" }),
            Some(&s.planner),
        )
        .await;
    assert_eq!(
        problem(&future),
        ("meeting_date".to_owned(), "in_future".to_owned())
    );
    let missing = app
        .json(
            "PUT",
            "/api/v1/projects/999999/outcome",
            adopted.clone(),
            Some(&s.planner),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(outcomes(app).await, 0);

    // Recorded: the follower of the proposal it came from is told, once.
    let mails_before = app.mail_count().await;
    let recorded = app
        .json("PUT", &path, adopted.clone(), Some(&s.planner))
        .await;
    assert_eq!(recorded.status, StatusCode::OK, "{}", recorded.body);
    assert_eq!(body(&recorded)["outcome"], "adopted");
    let mail = app.last_mail_to("bert@example.org").await;
    assert!(mail.body_text.contains(REASON), "{}", mail.body_text);
    let mails_after = app.mail_count().await;
    assert!(mails_after > mails_before);
    let again = app.json("PUT", &path, adopted, Some(&s.planner)).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(app.mail_count().await, mails_after);

    // The results (API, page, report) show it beside the project's number.
    let results = body(
        &app.get(&format!("/api/v1/budgets/{}/results", s.budget))
            .await,
    );
    assert_eq!(line(&results, s.fountain)["council"]["outcome"], "adopted");
    assert_eq!(line(&results, s.benches)["council"], Value::Null);
    let page = app
        .get(&format!("/verfahren/{SLUG}/budget/{}/ergebnis", s.budget))
        .await;
    for text in [
        format!("P-{} ", s.fountain),
        "Beschluss".to_owned(),
        REASON.to_owned(),
    ] {
        assert!(page.body.contains(&text), "{text} missing");
    }
    let report = app
        .get(&format!("/api/v1/procedures/{SLUG}/report.html"))
        .await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(
        report.body.contains(&format!("P-{} ", s.fountain)),
        "{}",
        report.body
    );

    // Removed by planners only, once.
    let denied = app.json("DELETE", &path, json!({}), Some(&resident)).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let removed = app.json("DELETE", &path, json!({}), Some(&s.planner)).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let gone = app.json("DELETE", &path, json!({}), Some(&s.planner)).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(outcomes(app).await, 0);
}

#[tokio::test]
async fn planners_record_a_projects_outcome_on_its_page_without_javascript() {
    let s = setup(&[]).await;
    let app = &s.app;
    let cookie = format!("mitreden_session={}", s.planner);
    let desk = format!("/verwaltung/budget-projekte/{}", s.benches);
    // While voting runs the page offers no council form.
    let running = app.get_with(&desk, &[("cookie", &cookie)]).await;
    assert!(!running.body.contains("project-outcome-outcome"));
    move_voting(app, s.procedure_id, -8, -1).await;
    let ended = app.get_with(&desk, &[("cookie", &cookie)]).await;
    assert!(ended.body.contains("project-outcome-outcome"));
    assert!(ended.body.contains(&format!("„P-{}“", s.benches)));

    let referer = format!("http://127.0.0.1:3000{desk}");
    let headers = [("cookie", cookie.as_str()), ("referer", referer.as_str())];
    let post = |form: String| async move {
        app.post_form("/api/record_project_outcome", &form, &headers)
            .await
    };
    // A refusal goes back to the form with the problem, and nothing is written.
    let refused = post(format!(
        "id={}&form%5Boutcome%5D=&form%5Bmeeting_date%5D=&form%5Bjustification%5D=",
        s.benches
    ))
    .await;
    assert_eq!(refused.status, StatusCode::FOUND);
    assert_eq!(outcomes(app).await, 0);
    let saved = post(format!(
        "id={}&form%5Boutcome%5D=rejected&form%5Bmeeting_date%5D=2026-11-03\
         &form%5Bjustification%5D=Kein+Geld.",
        s.benches
    ))
    .await;
    assert_eq!(saved.status, StatusCode::FOUND);
    assert_eq!(
        saved.header("location"),
        format!("{desk}?status=outcome_saved#rat")
    );
    let shown = app
        .get_with(
            &format!("{desk}?status=outcome_saved"),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(
        shown
            .body
            .contains("Der Beschluss des Rats ist gespeichert")
    );
    assert!(shown.body.contains("Kein Geld."));
    assert_eq!(outcomes(app).await, 1);
}

/// A council information system whose only agenda item decides two projects by number,
/// one of them not of this procedure.
async fn council_system(named: i64) -> String {
    use axum::{Json, Router, routing::get};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let paper = json!({
        "id": format!("{base}/paper"),
        "type": "https://schema.oparl.org/1.1/Paper",
        "reference": "Drucksache 77/2026",
        "name": "Bürgerbudget 2027: Ergebnis",
        "consultation": [
            { "type": "https://schema.oparl.org/1.1/Consultation",
              "agendaItem": format!("{base}/item/1"), "meeting": format!("{base}/meeting") },
            { "type": "https://schema.oparl.org/1.1/Consultation",
              "agendaItem": format!("{base}/item/2") }
        ]
    });
    let items = [
        json!({ "type": "https://schema.oparl.org/1.1/AgendaItem",
                "name": format!("Bürgerbudget, Projekte P-{named} und P-999999"),
                "result": "ungeändert beschlossen", "resolutionText": REASON }),
        json!({ "type": "https://schema.oparl.org/1.1/AgendaItem",
                "name": "Verschiedenes (APP-3)", "result": "zur Kenntnis genommen" }),
    ];
    let meeting = json!({ "type": "https://schema.oparl.org/1.1/Meeting",
                          "start": "2026-11-03T16:00:00+01:00" });
    let app = Router::new()
        .route("/paper", get(move || async move { Json(paper) }))
        .route(
            "/item/{n}",
            get(
                move |axum::extract::Path(n): axum::extract::Path<usize>| async move {
                    Json(items[n - 1].clone())
                },
            ),
        )
        .route("/meeting", get(move || async move { Json(meeting) }));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

#[tokio::test]
async fn the_oparl_import_records_outcomes_for_the_projects_an_agenda_item_names() {
    let s = setup(&[("MITREDEN_OPARL_ALLOW", "127.0.0.1/32")]).await;
    let app = &s.app;
    move_voting(app, s.procedure_id, -8, -1).await;
    let base = council_system(s.fountain).await;
    let imported = app
        .json(
            "POST",
            &format!("/api/v1/procedures/{SLUG}/council-paper/import"),
            json!({ "url": format!("{base}/paper") }),
            Some(&s.planner),
        )
        .await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    let report = body(&imported);
    assert_eq!(report["recorded"], 1);
    assert_eq!(report["unmatched"], json!(["Verschiedenes (APP-3)"]));
    let results = body(
        &app.get(&format!("/api/v1/budgets/{}/results", s.budget))
            .await,
    );
    let fountain = line(&results, s.fountain);
    assert_eq!(fountain["council"]["outcome"], "adopted");
    assert_eq!(fountain["council"]["meeting_date"], "2026-11-03");
    assert_eq!(fountain["council"]["justification"], REASON);
    assert_eq!(line(&results, s.benches)["council"], Value::Null);
    // Read again: nothing changes.
    let again = app
        .json(
            "POST",
            &format!("/api/v1/procedures/{SLUG}/council-paper/import"),
            json!({ "url": format!("{base}/paper") }),
            Some(&s.planner),
        )
        .await;
    assert_eq!(body(&again)["recorded"], 0);
    assert_eq!(body(&again)["unchanged"], 1);
    assert_eq!(outcomes(app).await, 1);
}
