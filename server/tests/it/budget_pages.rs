//! The participatory budget's pages, as the server renders them and as a browser without
//! JavaScript posts their forms: the demo's Bürgerbudget on its procedure's page, a budget's
//! page for visitors and residents, the ballot form (draft, refusal, submission, withdrawal)
//! and the results page before voting ends.

use crate::harness::TestApp;
use app::backend::entity::{budget, budget_ballot};
use app::formats::budget::model::BallotStatus;
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

const SLUG: &str = "buergerbudget-2026";
const REFERER: &str = "http://127.0.0.1:3000";

/// The demo's budgets: (Nord, Süd).
async fn demo_budgets(app: &TestApp) -> (i64, i64) {
    let rows = budget::Entity::find().all(&app.state.db).await.unwrap();
    let id = |district: &str| {
        rows.iter()
            .find(|b| b.district.as_deref() == Some(district))
            .map(|b| b.id)
            .unwrap()
    };
    (id("Nord"), id("Süd"))
}

/// A demo account's session cookie.
async fn session(app: &TestApp, email: &str) -> String {
    let response = app
        .json(
            "POST",
            "/api/v1/auth/login",
            json!({ "email": email, "password": server::seed::DEMO_PASSWORD }),
            None,
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let body: serde_json::Value = serde_json::from_str(&response.body).unwrap();
    format!("mitreden_session={}", body["token"].as_str().unwrap())
}

/// The ids of the projects on a budget's ballot, by title.
async fn project_id(app: &TestApp, budget: i64, title: &str) -> i64 {
    use app::backend::entity::budget_project;
    budget_project::Entity::find()
        .filter(budget_project::Column::BudgetId.eq(budget))
        .filter(budget_project::Column::Title.eq(title))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn ballot_of(app: &TestApp, budget: i64, email: &str) -> Option<budget_ballot::Model> {
    use app::backend::entity::user;
    let user = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    budget_ballot::Entity::find()
        .filter(budget_ballot::Column::BudgetId.eq(budget))
        .filter(budget_ballot::Column::UserId.eq(user.id))
        .one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_demo_budget_is_on_its_procedures_page_and_visitors_read_its_projects() {
    let app = TestApp::new().await.with_demo().await;
    let (nord, sued) = demo_budgets(&app).await;
    let page = app.get(&format!("/verfahren/{SLUG}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Bürgerbudget Stadtbezirk Nord",
        "Bürgerbudget Stadtbezirk Süd",
        "100.000 €",
        "80.000 €",
        "6 Projekte auf dem Stimmzettel",
        "Abstimmung läuft",
        "href=\"#buergerbudget\"",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    assert!(
        page.body
            .contains(&format!("href=\"/verfahren/{SLUG}/budget/{nord}\""))
    );

    let budget = app.get(&format!("/verfahren/{SLUG}/budget/{nord}")).await;
    assert_eq!(budget.status, StatusCode::OK);
    for text in [
        "Trinkbrunnen am Nordpark",
        "18.000 €",
        "Stellungnahme der Fachverwaltung",
        "Wählen Sie Projekte, die zusammen höchstens 100.000 € kosten.",
        "Methode der gleichen Anteile",
        "Zum Abstimmen anmelden",
        // The pitch and the dog meadow need the same place.
        "Schließt aus:",
    ] {
        assert!(budget.body.contains(text), "{text} missing");
    }
    assert!(
        !budget.body.contains("type=\"checkbox\""),
        "no ballot for visitors"
    );
    // English too.
    let english = app
        .get_with(
            &format!("/verfahren/{SLUG}/budget/{sued}"),
            &[("accept-language", "en")],
        )
        .await;
    assert!(
        english.body.contains("Choose up to 3 projects."),
        "{}",
        english.body
    );
    assert!(english.body.contains("€80,000"));

    // A budget under another procedure's address, or none, is not found.
    for path in [
        format!("/verfahren/radverkehr-2030/budget/{nord}"),
        format!("/verfahren/{SLUG}/budget/999999"),
        format!("/verfahren/{SLUG}/budget/nord"),
    ] {
        assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn a_ballot_form_saves_refuses_submits_and_withdraws_without_javascript() {
    let app = TestApp::new().await.with_demo().await;
    let (_, sued) = demo_budgets(&app).await;
    let cookie = session(&app, "bewohnerin@mitreden.test").await;
    let page = format!("/verfahren/{SLUG}/budget/{sued}");
    let referer = format!("{REFERER}{page}");
    let headers = [("cookie", cookie.as_str()), ("referer", referer.as_str())];
    let ids = [
        project_id(&app, sued, "Sitzgruppen am Südufer").await,
        project_id(&app, sued, "Calisthenics-Anlage im Südpark").await,
        project_id(&app, sued, "Streuobstwiese am Mühlbach").await,
        project_id(&app, sued, "Kletterwand in der Turnhalle Süd").await,
    ];
    let form = |chosen: &[i64], then: &str| {
        let mut body = format!("slug={SLUG}&budget={sued}&then={then}");
        for id in chosen {
            body.push_str(&format!("&choice%5B{id}%5D=1"));
        }
        body
    };

    // The empty ballot: a draft that does not count.
    let empty = app.get_with(&page, &headers).await;
    assert!(empty.body.contains("Entwurf – zählt noch nicht."));
    assert_eq!(empty.body.matches("type=\"checkbox\"").count(), 6);

    // Saving two: back to the ballot, which shows them ticked.
    let saved = app
        .post_form("/api/save_ballot", &form(&ids[..2], "save"), &headers)
        .await;
    assert_eq!(saved.status, StatusCode::FOUND, "{}", saved.body);
    assert_eq!(
        saved.header("location"),
        format!("{page}?status=ballot_saved#stimmzettel")
    );
    let shown = app.get_with(saved.header("location"), &headers).await;
    assert!(shown.body.contains("Ihr Entwurf ist gespeichert."));
    assert_eq!(shown.body.matches("checked").count(), 2, "{}", shown.body);
    let ballot = ballot_of(&app, sued, "bewohnerin@mitreden.test")
        .await
        .unwrap();
    assert_eq!(ballot.status, BallotStatus::Draft);

    // Four where three are allowed: refused with the rule's words; it stays a draft.
    let refused = app
        .post_form("/api/save_ballot", &form(&ids, "submit"), &headers)
        .await;
    assert_eq!(refused.status, StatusCode::FOUND, "{}", refused.body);
    let back = app.get_with(refused.header("location"), &headers).await;
    assert!(
        back.body
            .contains("Sie haben mehr Projekte gewählt, als die Regel erlaubt."),
        "{}",
        refused.header("location")
    );
    let ballot = ballot_of(&app, sued, "bewohnerin@mitreden.test")
        .await
        .unwrap();
    assert_eq!(ballot.status, BallotStatus::Draft);
    assert!(ballot.submitted_at.is_none());

    // Three: submitted, it counts, and a receipt is mailed.
    let submitted = app
        .post_form("/api/save_ballot", &form(&ids[..3], "submit"), &headers)
        .await;
    assert_eq!(
        submitted.header("location"),
        format!("{page}?status=ballot_submitted#stimmzettel")
    );
    let shown = app.get_with(submitted.header("location"), &headers).await;
    assert!(
        shown.body.contains("Ihr Stimmzettel zählt."),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Stimmzettel zurückziehen"));
    assert_eq!(
        ballot_of(&app, sued, "bewohnerin@mitreden.test")
            .await
            .unwrap()
            .status,
        BallotStatus::Submitted
    );
    let receipt = app.last_mail_to("bewohnerin@mitreden.test").await;
    assert!(receipt.subject.contains("Bürgerbudget Stadtbezirk Süd"));
    assert!(receipt.body_text.contains("Streuobstwiese am Mühlbach"));
    assert!(
        receipt
            .body_text
            .contains(&format!("/verfahren/{SLUG}/budget/{sued}")),
        "the receipt leads to the ballot"
    );

    // A submitted ballot is not changed by a save: withdraw it first.
    let changed = app
        .post_form("/api/save_ballot", &form(&ids[..1], "save"), &headers)
        .await;
    let back = app.get_with(changed.header("location"), &headers).await;
    assert!(back.body.contains("Ziehen Sie ihn zuerst zurück"));
    assert_eq!(
        ballot_of(&app, sued, "bewohnerin@mitreden.test")
            .await
            .unwrap()
            .status,
        BallotStatus::Submitted
    );

    // Withdrawn: a draft again with its choices.
    let withdrawn = app
        .post_form(
            "/api/withdraw_ballot",
            &format!("slug={SLUG}&budget={sued}"),
            &headers,
        )
        .await;
    assert_eq!(
        withdrawn.header("location"),
        format!("{page}?status=ballot_withdrawn#stimmzettel")
    );
    let shown = app.get_with(withdrawn.header("location"), &headers).await;
    assert!(shown.body.contains("Entwurf – zählt noch nicht."));
    assert_eq!(shown.body.matches("checked").count(), 3);

    // Anyone else's hand on the form: refused before anything is read.
    let anonymous = app
        .post_form_as_script("/api/save_ballot", &form(&ids[..1], "submit"))
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn results_wait_for_the_end_of_voting_but_planners_see_the_count_so_far() {
    let app = TestApp::new().await.with_demo().await;
    let (nord, _) = demo_budgets(&app).await;
    let path = format!("/verfahren/{SLUG}/budget/{nord}/ergebnis");
    let public = app.get(&path).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(
        public
            .body
            .contains("Das Ergebnis steht hier, sobald die Abstimmung am"),
        "{}",
        public.body
    );
    assert!(!public.body.contains("budget-results"));

    let cookie = session(&app, "planung@mitreden.test").await;
    let planner = app.get_with(&path, &[("cookie", &cookie)]).await;
    assert!(
        planner
            .body
            .contains("Zwischenstand, nur für die Planung sichtbar")
    );
    // The six submitted demo ballots; every project has its row.
    assert!(planner.body.contains("<dd>6</dd>"), "{}", planner.body);
    assert_eq!(planner.body.matches("<th scope=\"row\">").count(), 6);
    assert!(planner.body.contains("Stimmzettel-Datei herunterladen"));
    assert!(
        planner
            .body
            .contains(&format!("/api/v1/budgets/{nord}/export.pb"))
    );
}

#[tokio::test]
async fn after_the_end_residents_see_whether_their_ballot_counted_and_everyone_the_results() {
    use app::backend::entity::{phase, procedure};
    use app::model::procedure::PhaseKind;
    use chrono::{Duration, Utc};
    use sea_orm::sea_query::Expr;
    let app = TestApp::new().await.with_demo().await;
    let (nord, sued) = demo_budgets(&app).await;
    let planner = session(&app, "planung@mitreden.test").await;
    let counts = app
        .get_with(
            &format!("/verfahren/{SLUG}/budget/{sued}"),
            &[("cookie", &planner)],
        )
        .await;
    assert!(
        counts
            .body
            .contains("Abgegeben: 5 · Entwürfe, die nicht zählen: 1"),
        "planners see the drafts"
    );

    // Voting ended yesterday.
    let id = procedure::Entity::find()
        .filter(procedure::Column::Slug.eq(SLUG))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let now = Utc::now();
    for (kind, from, to) in [
        (PhaseKind::Voting, -20, -1),
        (PhaseKind::Evaluation, -1, 30),
    ] {
        phase::Entity::update_many()
            .col_expr(
                phase::Column::StartsAt,
                Expr::value(now + Duration::days(from)),
            )
            .col_expr(phase::Column::EndsAt, Expr::value(now + Duration::days(to)))
            .filter(phase::Column::ProcedureId.eq(id))
            .filter(phase::Column::Kind.eq(kind))
            .exec(&app.state.db)
            .await
            .unwrap();
    }
    app.procedures_changed_behind_its_back().await;

    // Oskar submitted in the north and left a draft in the south.
    let oskar = session(&app, "oskar.brandt@mitreden.test").await;
    let counted = app
        .get_with(
            &format!("/verfahren/{SLUG}/budget/{nord}"),
            &[("cookie", &oskar)],
        )
        .await;
    assert!(
        counted.body.contains("Ihr Stimmzettel zählt."),
        "{}",
        counted.body
    );
    assert!(counted.body.contains("Abstimmung beendet"));
    assert!(!counted.body.contains("Stimmzettel abgeben"));
    let draft = app
        .get_with(
            &format!("/verfahren/{SLUG}/budget/{sued}"),
            &[("cookie", &oskar)],
        )
        .await;
    assert!(
        draft
            .body
            .contains("Nicht abgegeben: Ihr Entwurf hat nicht gezählt.")
    );

    // Everyone reads the results now; the procedure's page leads there.
    let procedure_page = app.get(&format!("/verfahren/{SLUG}")).await;
    assert!(
        procedure_page
            .body
            .contains(&format!("/verfahren/{SLUG}/budget/{nord}/ergebnis"))
    );
    let results = app
        .get(&format!("/verfahren/{SLUG}/budget/{sued}/ergebnis"))
        .await;
    assert!(!results.body.contains("Zwischenstand"));
    assert!(results.body.contains("Gefördert"));
    assert_eq!(results.body.matches("<th scope=\"row\">").count(), 6);
}

#[tokio::test]
async fn the_demos_finished_budget_shows_its_result_the_councils_outcomes_and_a_photo() {
    let app = TestApp::new().await.with_demo().await;
    let finished = budget::Entity::find()
        .filter(budget::Column::Title.eq("Bürgerbudget 2025"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let results: serde_json::Value = serde_json::from_str(
        &app.get(&format!("/api/v1/budgets/{}/results", finished.id))
            .await
            .body,
    )
    .unwrap();
    let line = |title: &str| {
        results["projects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["title"] == title)
            .cloned()
            .unwrap()
    };
    // Greedy by votes: the skate park (3 votes, 85,000 €) no longer fits after the three
    // projects ahead of it; the cheaper ones behind it still do.
    let skate = line("Skateanlage am Sportzentrum");
    assert_eq!(skate["funded"], false, "{skate}");
    assert_eq!(skate["council"]["outcome"], "referred", "{skate}");
    for title in [
        "Sitzgruppe mit Tisch am Stadtteilplatz West",
        "Blühwiese statt Rasen an der Ringstraße",
        "Beleuchteter Fußweg zum Bahnhof West",
        "Tischtennisplatte im Hofgarten",
        "Nistkästen für Mauersegler am Rathaus",
    ] {
        let funded = line(title);
        assert_eq!(funded["funded"], true, "{funded}");
        assert_eq!(funded["council"]["outcome"], "adopted", "{funded}");
    }

    let page = app
        .get(&format!(
            "/verfahren/buergerbudget-2025/budget/{}/ergebnis",
            finished.id
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Verwiesen",
        "Sportstättenplan 2027",
        "Die Sitzgruppe steht.",
        "acht von zwölf Leuchten",
        "alt=\"Die neue Sitzgruppe am Stadtteilplatz West",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    // The photo is served from the instance, as the JPEG it was stored as.
    let src = page
        .body
        .split("src=\"/medien/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    let photo = app.get(&format!("/medien/{src}")).await;
    assert_eq!(photo.status, StatusCode::OK);
    assert_eq!(photo.headers["content-type"], "image/jpeg");
}
