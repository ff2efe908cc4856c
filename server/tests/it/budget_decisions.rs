//! Planners' decisions on a budget's result: only after voting has ended, only with a
//! public reason, only when they change something; every decision is public beside the
//! results, the newest for a project applies, and the ballot file stays the count's.

use crate::budget::{
    SLUG, ballot_project, budget_procedure, create_budget, move_voting, problem, put_ballot, submit,
};
use crate::fixtures::body;
use crate::harness::TestApp;
use app::model::account::Role;
use http::StatusCode;
use serde_json::{Value, json};

const REASON: &str = "Der Rat hat den Trinkbrunnen wegen der Hitzesommer vorgezogen.";

fn line(results: &Value, id: i64) -> &Value {
    results["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["project_id"] == id)
        .unwrap()
}

#[tokio::test]
async fn planners_overrule_the_count_only_after_the_end_and_with_a_public_reason() {
    let app = TestApp::new().await;
    let procedure_id = budget_procedure(&app).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let budget = create_budget(
        &app,
        &planner,
        json!({ "kind": "approval", "min_projects": 1, "max_projects": 2 }),
        "greedy",
    )
    .await;
    let fountain = ballot_project(&app, &planner, budget, "Trinkbrunnen", 6_000_000).await;
    let trees = ballot_project(&app, &planner, budget, "Schattenbäume", 5_000_000).await;
    let benches = ballot_project(&app, &planner, budget, "Sitzbänke", 1_000_000).await;
    move_voting(&app, procedure_id, -1, 7).await;
    for (n, chosen) in [vec![fountain], vec![fountain, trees], vec![trees, benches]]
        .into_iter()
        .enumerate()
    {
        let resident = app.resident(&format!("r{n}@example.org")).await;
        let saved = put_ballot(&app, &resident, budget, json!({ "project_ids": chosen })).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        assert_eq!(submit(&app, &resident, budget).await.status, StatusCode::OK);
    }
    // While voting runs the planners' report prints the budget as a count so far; everyone
    // else has no report yet.
    let report_path = format!("/api/v1/procedures/{SLUG}/report.html");
    let interim = app.get_as(&report_path, &planner).await;
    assert_eq!(interim.status, StatusCode::OK);
    assert!(interim.body.contains("Bürgerbudget: Stadtbezirk Mitte"));
    assert!(
        interim.body.contains("Zwischenstand vom"),
        "{}",
        interim.body
    );
    assert_ne!(app.get(&report_path).await.status, StatusCode::OK);
    let decide = |outcome: &str, project: i64, reason: &str| json!({ "project_id": project, "outcome": outcome, "reason": reason });
    let path = format!("/api/v1/budgets/{budget}/decisions");

    // While voting runs, nothing is decided.
    let early = app
        .json(
            "POST",
            &path,
            decide("fund", fountain, REASON),
            Some(&planner),
        )
        .await;
    assert_eq!(
        problem(&early),
        ("phase".to_owned(), "not_ended".to_owned())
    );
    move_voting(&app, procedure_id, -8, -1).await;

    // The count: the trees (tied with the fountain, cheaper) and the benches; the
    // fountain no longer fits.
    let results_path = format!("/api/v1/budgets/{budget}/results");
    let counted = body(&app.get(&results_path).await);
    assert_eq!(line(&counted, fountain)["funded"], false);
    assert_eq!(line(&counted, fountain)["unfunded"], "did_not_fit");
    assert_eq!(counted["spent_cents"], 6_000_000);
    let file = app
        .get(&format!("/api/v1/budgets/{budget}/export.pb"))
        .await
        .body;

    // Refused: a resident; a reason too short; a decision that changes nothing; a project
    // of no result. Nothing is recorded.
    let resident = app.resident("r9@example.org").await;
    let refused = app
        .json(
            "POST",
            &path,
            decide("fund", fountain, REASON),
            Some(&resident),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    for (request, expected) in [
        (
            decide("fund", fountain, "Weil."),
            ("reason", "decision_length"),
        ),
        (decide("unfund", fountain, REASON), ("outcome", "unchanged")),
        (
            decide("computed", fountain, REASON),
            ("outcome", "unchanged"),
        ),
        (
            decide("fund", 999_999, REASON),
            ("project_id", "not_in_result"),
        ),
    ] {
        let response = app.json("POST", &path, request, Some(&planner)).await;
        assert_eq!(
            problem(&response),
            (expected.0.to_owned(), expected.1.to_owned()),
            "{}",
            response.body
        );
    }
    assert_eq!(body(&app.get(&results_path).await)["decisions"], json!([]));

    // Nor is a project withdrawn after the end: that would turn the ballots holding it
    // into drafts nobody can submit again.
    let late = app
        .json(
            "PATCH",
            &format!("/api/v1/projects/{fountain}"),
            json!({ "withdrawn": true }),
            Some(&planner),
        )
        .await;
    assert_eq!(
        problem(&late),
        ("withdrawn".to_owned(), "after_end".to_owned())
    );
    assert_eq!(
        app.get(&format!("/api/v1/budgets/{budget}/export.pb"))
            .await
            .body,
        file
    );

    // The fountain funded by decision: public, with its reason; the money follows; the
    // ballot file is the count's still.
    let decided = app
        .json(
            "POST",
            &path,
            decide("fund", fountain, REASON),
            Some(&planner),
        )
        .await;
    assert_eq!(decided.status, StatusCode::CREATED, "{}", decided.body);
    let public = body(&app.get(&results_path).await);
    assert_eq!(line(&public, fountain)["funded"], true);
    assert_eq!(line(&public, fountain)["decided"], true);
    assert_eq!(line(&public, trees)["decided"], false);
    assert_eq!(public["spent_cents"], 12_000_000);
    assert_eq!(public["decisions"][0]["reason"], REASON);
    assert_eq!(public["decisions"][0]["project_title"], "Trinkbrunnen");
    assert_eq!(
        app.get(&format!("/api/v1/budgets/{budget}/export.pb"))
            .await
            .body,
        file
    );
    let page = app
        .get(&format!("/verfahren/{SLUG}/budget/{budget}/ergebnis"))
        .await;
    for text in [
        "Entscheidungen der Planung",
        REASON,
        "Gefördert: Entscheidung der Planung",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    assert!(
        !page.body.contains("Entscheidung veröffentlichen"),
        "visitors do not decide"
    );

    // Lifted through the planner's form: the count applies again, both decisions listed.
    let cookie = format!("mitreden_session={planner}");
    let results_page = format!("/verfahren/{SLUG}/budget/{budget}/ergebnis");
    let referer = format!("http://127.0.0.1:3000{results_page}");
    let shown = app.get_with(&results_page, &[("cookie", &cookie)]).await;
    assert!(shown.body.contains("Entscheidung veröffentlichen"));
    let posted = app
        .post_form(
            "/api/decide_result",
            &format!(
                "slug={SLUG}&budget={budget}&form%5Bproject_id%5D={fountain}\
                 &form%5Boutcome%5D=computed&form%5Breason%5D=Die+F%C3%B6rderung+war+ein+Versehen+der+Planung."
            ),
            &[("cookie", &cookie), ("referer", &referer)],
        )
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
    assert_eq!(
        posted.header("location"),
        format!("{results_page}?status=result_decided#entscheidungen")
    );
    let lifted = body(&app.get(&results_path).await);
    assert_eq!(line(&lifted, fountain)["funded"], false);
    assert_eq!(line(&lifted, fountain)["unfunded"], "did_not_fit");
    assert_eq!(lifted["spent_cents"], 6_000_000);
    let decisions = lifted["decisions"].as_array().unwrap();
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[0]["outcome"], "computed");
    assert_eq!(decisions[1]["outcome"], "fund");

    // Both stand in the procedure's public moderation ledger, naming the project, never
    // the planner.
    let ledger = body(
        &app.get(&format!("/api/v1/procedures/{SLUG}/moderation/ledger"))
            .await,
    );
    let entries = ledger["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{ledger}");
    assert_eq!(entries[0]["action"], "count_applies");
    assert_eq!(entries[1]["action"], "fund");
    assert_eq!(entries[1]["public_reason"], REASON);
    assert_eq!(entries[1]["project"]["title"], "Trinkbrunnen");
    assert_eq!(entries[1]["project"]["budget_id"], budget);
    assert!(!ledger.to_string().contains("planung@example.org"));
    let ledger_page = app.get(&format!("/verfahren/{SLUG}/moderation")).await;
    assert!(
        ledger_page
            .body
            .contains("Bürgerbudget-Projekt „Trinkbrunnen“")
    );
    assert!(
        ledger_page
            .body
            .contains("Projekt abweichend von der Auswertung gefördert")
    );
    assert!(ledger_page.body.contains(&format!(
        "href=\"/verfahren/{SLUG}/budget/{budget}/ergebnis\""
    )));

    // The council report carries the budget: the rule, every project with its verdict,
    // the decisions with their reasons, the ballot file and its SHA-256.
    let checksum = lifted["ballot_file_sha256"].as_str().unwrap();
    let report = app.get(&report_path).await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(!report.body.contains("Zwischenstand vom"));
    let section = &report.body[report.body.find("Bürgerbudget: Stadtbezirk Mitte").unwrap()..];
    // Each project under the number the council's agenda names it by.
    let heading = format!("<h3>P-{fountain} Trinkbrunnen</h3>");
    for text in [
        "Wählen Sie bis zu 2 Projekte.",
        heading.as_str(),
        "Kosten: 60.000 € · Stimmen: 2 · Nicht gefördert: passte nicht mehr ins Budget",
        "Kosten: 10.000 € · Stimmen: 1 · Gefördert",
        "Entscheidungen der Planung",
        "Die Förderung war ein Versehen der Planung.",
        REASON,
        checksum,
    ] {
        assert!(section.contains(text), "{text} missing from the report");
    }
    let listed = format!("budget-{budget}.pb</strong> ({} bytes)", file.len());
    assert!(report.body.contains(&listed), "{listed} missing");
    let english = app.get(&format!("{report_path}?lang=en")).await;
    assert!(
        english
            .body
            .contains("Participatory budget: Stadtbezirk Mitte")
    );
    assert!(english.body.contains("Cost: €60,000 · Votes: 2"));
    let (status, pdf) = app
        .send_raw_get(&format!("/api/v1/procedures/{SLUG}/export.pdf"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = crate::fixtures::pdf_text(&pdf);
    for expected in [
        "Bürgerbudget: Stadtbezirk Mitte",
        "Trinkbrunnen",
        "Nicht gefördert: passte nicht mehr ins Budget",
        "Entscheidungen der Planung",
        &format!("budget-{budget}.pb"),
    ] {
        assert!(text.contains(expected), "{expected} missing from the PDF");
    }

    // The manifest lists the ballot file with the hash the results publish.
    let manifest = body(
        &app.get(&format!("/api/v1/procedures/{SLUG}/export/manifest.json"))
            .await,
    );
    let entry = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == format!("budget-{budget}.pb"))
        .expect("the ballot file in the manifest");
    assert_eq!(entry["sha256"], checksum);
    assert_eq!(entry["bytes"], file.len());

    // The open-data catalogue offers it as a distribution of the procedure's dataset.
    let dataset = body(&app.get(&format!("/api/v1/procedures/{SLUG}/dataset")).await);
    let distribution = dataset["dcat:distribution"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["dcat:downloadURL"]["@id"]
                .as_str()
                .is_some_and(|u| u.ends_with(&format!("/api/v1/budgets/{budget}/export.pb")))
        })
        .expect("the ballot file in the catalogue");
    assert_eq!(distribution["dcat:mediaType"], "text/plain");
}
