//! The planners' budget pages as a browser without JavaScript uses them: a budget set up
//! through its forms (money in euros as people type it, every wrong field named, nothing
//! saved on a refusal), projects promoted from proposals and put on the ballot, the lock
//! when voting starts, a withdrawal that must be confirmed, and paper ballots entered one by
//! one into a batch that a second person confirms.

use crate::budget::{SLUG, ballot_project, budget_procedure, create_budget, move_voting};
use crate::fixtures::body;
use crate::harness::{TestApp, TestResponse};
use app::backend::entity::{budget, budget_ballot, budget_paper_batch, budget_project};
use app::formats::budget::model::Feasibility;
use app::model::account::Role;
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

const ORIGIN: &str = "http://127.0.0.1:3000";

/// A planner's browser on one page: its session and the page a form is posted from.
struct Browser<'a> {
    app: &'a TestApp,
    cookie: String,
}

impl Browser<'_> {
    async fn open(&self, path: &str) -> TestResponse {
        self.app
            .get_with(path, &[("cookie", self.cookie.as_str())])
            .await
    }

    /// Posts a form from `page`; follows the redirect and returns (where it went, what the
    /// page then shows).
    async fn post(&self, page: &str, function: &str, form: &str) -> (String, TestResponse) {
        let referer = format!("{ORIGIN}{page}");
        let headers = [
            ("cookie", self.cookie.as_str()),
            ("referer", referer.as_str()),
        ];
        let posted = self
            .app
            .post_form(&format!("/api/{function}"), form, &headers)
            .await;
        assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
        // The refusal goes back to the page the form was on (an absolute address).
        let location = posted
            .header("location")
            .trim_start_matches(ORIGIN)
            .to_owned();
        let shown = self.open(&location).await;
        assert_eq!(shown.status, StatusCode::OK, "{location}");
        (location, shown)
    }
}

async fn browser<'a>(app: &'a TestApp, email: &str, role: Role) -> Browser<'a> {
    let token = app.with_role(email, role).await;
    Browser {
        app,
        cookie: format!("mitreden_session={token}"),
    }
}

fn budget_form(title: &str, total: &str) -> String {
    format!(
        "slug={SLUG}&form%5Btitle%5D={title}&form%5Bdistrict%5D=Mitte&form%5Btotal%5D={total}\
         &form%5Brule%5D=knapsack&form%5Bmin_projects%5D=1&form%5Bmax_projects%5D=&form%5Bmin_spend_percent%5D=0\
         &form%5Bpoints%5D=10&form%5Bmax_per_project%5D=3&form%5Bmethod%5D=equal_shares&form%5Breminder_days%5D=3"
    )
}

#[tokio::test]
async fn planners_set_a_budget_up_through_its_pages() {
    let app = TestApp::new().await;
    let procedure_id = budget_procedure(&app).await;
    let resident = app.resident("anwohnerin@example.org").await;
    let proposal = app
        .json(
            "POST",
            &format!("/api/v1/procedures/{SLUG}/proposals"),
            json!({ "title": "Trinkbrunnen am Marktplatz", "body": "Im Sommer fehlt Wasser am Markt." }),
            Some(&resident),
        )
        .await;
    assert_eq!(proposal.status, StatusCode::CREATED, "{}", proposal.body);
    let proposal = body(&proposal)["id"].as_i64().unwrap();
    let planner = browser(&app, "planung@example.org", Role::Planner).await;
    let overview = format!("/verwaltung/verfahren/{SLUG}/budgets");

    // The overview: no budget yet, the form for one. A resident sees neither.
    let page = planner.open(&overview).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Bürgerbudget: Bürgerbudget 2027",
        "noch kein Budget",
        "Budget anlegen",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    let outsider = app
        .get_with(
            &overview,
            &[("cookie", &format!("mitreden_session={resident}"))],
        )
        .await;
    assert!(!outsider.body.contains("Budget anlegen"));

    // Every wrong field named at once; nothing is created, and what was typed stays.
    let (back, refused) = planner
        .post(&overview, "create_budget", &budget_form("Bu", "viel"))
        .await;
    assert!(back.starts_with(&overview), "{back}");
    for text in [
        "Das ist kein Betrag in Euro.",
        "Bitte geben Sie einen Titel mit 3 bis 200 Zeichen ein.",
        "value=\"viel\"",
    ] {
        assert!(refused.body.contains(text), "{text} missing");
    }
    assert_eq!(
        budget::Entity::find().count(&app.state.db).await.unwrap(),
        0
    );

    // Euros as people write them.
    let (desk, created) = planner
        .post(
            &overview,
            "create_budget",
            &budget_form("Stadtbezirk+Mitte", "100.000%2C50"),
        )
        .await;
    let row = budget::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        desk,
        format!("/verwaltung/budgets/{}?status=created", row.id)
    );
    assert_eq!(row.total_cents, 10_000_050);
    assert_eq!(row.district.as_deref(), Some("Mitte"));
    for text in [
        "Das Budget ist angelegt.",
        "Trinkbrunnen am Marktplatz",
        "value=\"100000,50\"",
        "Noch keine Projekte.",
    ] {
        assert!(created.body.contains(text), "{text} missing");
    }

    // A project from the proposal: its title and text are taken.
    let desk = format!("/verwaltung/budgets/{}", row.id);
    let form = format!(
        "budget={}&form%5Bproposal%5D={proposal}&form%5Btitle%5D=&form%5Bdescription%5D=\
         &form%5Bcost%5D=25.000&form%5Bdistrict%5D=&form%5Bresponsible_unit%5D=Tiefbauamt",
        row.id
    );
    let (location, project_page) = planner.post(&desk, "create_project", &form).await;
    let fountain = budget_project::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        location,
        format!("/verwaltung/budget-projekte/{}?status=created", fountain.id)
    );
    assert_eq!(fountain.title, "Trinkbrunnen am Marktplatz");
    assert_eq!(fountain.description, "Im Sommer fehlt Wasser am Markt.");
    assert_eq!(fountain.cost_cents, 2_500_000);
    assert_eq!(fountain.proposal_id, Some(proposal));
    assert!(
        project_page
            .body
            .contains("Steht nicht auf dem Stimmzettel")
    );
    // The proposal is no longer offered.
    let shown = planner.open(&desk).await;
    assert!(
        !shown
            .body
            .contains(&format!("<option value=\"{proposal}\""))
    );

    // Not feasible without a reason: refused, unchanged.
    let project_page = format!("/verwaltung/budget-projekte/{}", fountain.id);
    let edit = |feasibility: &str, reason: &str, extra: &str| {
        format!(
            "id={}&form%5Btitle%5D=Trinkbrunnen+am+Marktplatz&form%5Bdescription%5D=Wasser.\
             &form%5Bcost%5D=25000&form%5Bdistrict%5D=&form%5Bresponsible_unit%5D=Tiefbauamt\
             &form%5Bfeasibility%5D={feasibility}&form%5Bfeasibility_reason%5D={reason}{extra}",
            fountain.id
        )
    };
    let (_, refused) = planner
        .post(&project_page, "update_project", &edit("infeasible", "", ""))
        .await;
    assert!(refused.body.contains("braucht die Stellungnahme"));
    let unchanged = budget_project::Entity::find_by_id(fountain.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.feasibility, Feasibility::Pending);

    // Feasible and selected: on the ballot; a second project excludes it.
    let (location, _) = planner
        .post(
            &project_page,
            "update_project",
            &edit("feasible", "Machbar.", "&form%5Bselected%5D=on"),
        )
        .await;
    assert_eq!(
        location,
        format!("{desk}?status=saved#projekt-{}", fountain.id)
    );
    let plaza = ballot_project(
        &app,
        &token_of(&planner),
        row.id,
        "Platzgestaltung",
        9_000_000,
    )
    .await;
    let plaza_page = format!("/verwaltung/budget-projekte/{plaza}");
    let form = format!(
        "id={plaza}&form%5Btitle%5D=Platzgestaltung&form%5Bdescription%5D=&form%5Bcost%5D=90.000\
         &form%5Bdistrict%5D=&form%5Bresponsible_unit%5D=&form%5Bfeasibility%5D=feasible\
         &form%5Bfeasibility_reason%5D=&form%5Bselected%5D=on&form%5Bexcludes%5D%5B0%5D={}",
        fountain.id
    );
    planner.post(&plaza_page, "update_project", &form).await;
    let fountain_page = planner.open(&project_page).await;
    assert!(fountain_page.body.contains("Steht auf dem Stimmzettel."));
    assert!(fountain_page.body.contains(&format!(
        "id=\"project-excludes-{plaza}\" type=\"checkbox\""
    )),);
    let shown = planner.open(&desk).await;
    assert!(shown.body.contains("Platzgestaltung"));
    assert!(shown.body.contains("90.000 €"));

    // Voting starts: the settings are locked, and a change is refused.
    move_voting(&app, procedure_id, -1, 7).await;
    let locked = planner.open(&desk).await;
    assert!(locked.body.contains("Die Abstimmung hat begonnen"));
    assert!(!locked.body.contains("action=\"/api/update_budget\""));
    let (_, refused) = planner
        .post(
            &desk,
            "update_budget",
            &format!("id={}&{}", row.id, budget_form("Neu", "5")),
        )
        .await;
    assert!(refused.body.contains("lassen sich nicht mehr ändern"));
    let after = budget::Entity::find_by_id(row.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.total_cents, 10_000_050);

    // Moving the vote back into the future does not unlock a budget that holds ballots.
    let resident = app.resident("waehlerin@example.org").await;
    let saved = app
        .json(
            "PUT",
            &format!("/api/v1/budgets/{}/ballot", row.id),
            json!({ "project_ids": [fountain.id] }),
            Some(&resident),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    move_voting(&app, procedure_id, 3, 10).await;
    assert!(
        planner
            .open(&desk)
            .await
            .body
            .contains("Die Abstimmung hat begonnen")
    );
    let (_, refused) = planner
        .post(
            &desk,
            "update_budget",
            &format!("id={}&{}", row.id, budget_form("Neu", "5")),
        )
        .await;
    assert!(refused.body.contains("lassen sich nicht mehr ändern"));
    let (_, refused) = planner
        .post(
            &project_page,
            "update_project",
            &edit("feasible", "Machbar.", ""),
        )
        .await;
    assert!(refused.body.contains("lassen sich nicht mehr ändern"));
    move_voting(&app, procedure_id, -1, 7).await;

    // A withdrawal must be confirmed; then it is final.
    let (_, refused) = planner
        .post(&plaza_page, "withdraw_project", &format!("id={plaza}"))
        .await;
    assert!(refused.body.contains("endgültig zurückziehen"));
    let (location, withdrawn) = planner
        .post(
            &plaza_page,
            "withdraw_project",
            &format!("id={plaza}&confirm=on"),
        )
        .await;
    assert_eq!(location, format!("{desk}?status=withdrawn#projekt-{plaza}"));
    assert!(withdrawn.body.contains("Das Projekt ist zurückgezogen."));
    let plaza_row = budget_project::Entity::find_by_id(plaza)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(plaza_row.withdrawn_at.is_some());

    // English reads as well.
    let english = app
        .get_with(
            &desk,
            &[
                ("cookie", planner.cookie.as_str()),
                ("accept-language", "en"),
            ],
        )
        .await;
    assert!(english.body.contains("Paper ballots"));
    assert!(english.body.contains("Start batch"));
}

fn token_of(browser: &Browser<'_>) -> String {
    browser
        .cookie
        .strip_prefix("mitreden_session=")
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn paper_ballots_are_entered_one_by_one_and_a_second_planner_confirms_them() {
    let app = TestApp::new().await;
    let procedure_id = budget_procedure(&app).await;
    let planner = browser(&app, "planung@example.org", Role::Planner).await;
    let colleague = browser(&app, "kollegin@example.org", Role::Planner).await;
    let budget = create_budget(
        &app,
        &token_of(&planner),
        json!({ "kind": "approval", "min_projects": 1, "max_projects": 2 }),
        "greedy",
    )
    .await;
    let token = token_of(&planner);
    let ids = [
        ballot_project(&app, &token, budget, "Trinkbrunnen", 6_000_000).await,
        ballot_project(&app, &token, budget, "Schattenbäume", 5_000_000).await,
        ballot_project(&app, &token, budget, "Sitzbänke", 1_000_000).await,
    ];
    let desk = format!("/verwaltung/budgets/{budget}");
    let before = planner.open(&desk).await;
    assert!(before.body.contains("solange die Abstimmung läuft"));
    assert!(!before.body.contains("Stapel beginnen"));
    move_voting(&app, procedure_id, -1, 7).await;

    let (location, batch_page) = planner
        .post(
            &desk,
            "start_paper_batch",
            &format!("budget={budget}&label=Urne+Rathaus%2C+Stapel+3"),
        )
        .await;
    let batch = budget_paper_batch::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let page = format!("/verwaltung/papierstapel/{}", batch.id);
    assert_eq!(location, format!("{page}?status=created"));
    for text in [
        "Papierstapel „Urne Rathaus, Stapel 3“",
        "Schattenbäume",
        "Bestätigen muss eine zweite Person",
    ] {
        assert!(batch_page.body.contains(text), "{text} missing");
    }
    let ballot = |chosen: &[i64]| {
        let mut form = format!("batch={}", batch.id);
        for id in chosen {
            form.push_str(&format!("&choice%5B{id}%5D=1"));
        }
        form
    };
    let ballots = || async {
        budget_ballot::Entity::find()
            .filter(budget_ballot::Column::BatchId.eq(batch.id))
            .count(&app.state.db)
            .await
            .unwrap()
    };

    // Three where two are allowed: refused, nothing entered.
    let (_, refused) = planner
        .post(&page, "enter_paper_ballot", &ballot(&ids))
        .await;
    assert!(
        refused
            .body
            .contains("mehr Projekte gewählt, als die Regel erlaubt")
    );
    assert_eq!(ballots().await, 0);
    let (location, entered) = planner
        .post(&page, "enter_paper_ballot", &ballot(&ids[..2]))
        .await;
    assert_eq!(
        location,
        format!("{page}?status=paper_ballot_entered#stimmzettel")
    );
    assert!(entered.body.contains("Stimmzettel erfasst."));
    planner
        .post(&page, "enter_paper_ballot", &ballot(&ids[2..]))
        .await;
    assert_eq!(ballots().await, 2);

    // The one who entered it cannot confirm it; a colleague can.
    let (_, refused) = planner
        .post(&page, "confirm_paper_batch", &format!("batch={}", batch.id))
        .await;
    assert!(refused.body.contains("von einer zweiten Person bestätigt"));
    let seen = colleague.open(&page).await;
    assert!(seen.body.contains("action=\"/api/confirm_paper_batch\""));
    let (_, confirmed) = colleague
        .post(&page, "confirm_paper_batch", &format!("batch={}", batch.id))
        .await;
    assert!(confirmed.body.contains("Der Stapel ist bestätigt."));
    assert!(
        !confirmed
            .body
            .contains("action=\"/api/enter_paper_ballot\"")
    );
    let results = app
        .get_as(&format!("/api/v1/budgets/{budget}/results"), &token)
        .await;
    assert_eq!(body(&results)["ballots"], 2);

    // A batch entered wrongly is discarded whole, once the box says so.
    let (location, _) = colleague
        .post(
            &desk,
            "start_paper_batch",
            &format!("budget={budget}&label=Stapel+4"),
        )
        .await;
    let second = location
        .trim_start_matches("/verwaltung/papierstapel/")
        .split('?')
        .next()
        .unwrap()
        .parse::<i64>()
        .unwrap();
    let second_page = format!("/verwaltung/papierstapel/{second}");
    colleague
        .post(
            &second_page,
            "enter_paper_ballot",
            &format!("batch={second}&choice%5B{}%5D=1", ids[0]),
        )
        .await;
    let (_, refused) = colleague
        .post(
            &second_page,
            "discard_paper_batch",
            &format!("batch={second}"),
        )
        .await;
    assert!(refused.body.contains("den Stapel verwerfen"));
    let (location, _) = colleague
        .post(
            &second_page,
            "discard_paper_batch",
            &format!("batch={second}&confirm=on"),
        )
        .await;
    assert_eq!(location, format!("{desk}?status=batch_discarded#papier"));
    assert!(
        budget_paper_batch::Entity::find_by_id(second)
            .one(&app.state.db)
            .await
            .unwrap()
            .is_none()
    );
    let listed = planner.open(&desk).await;
    assert!(listed.body.contains("Urne Rathaus, Stapel 3"));
    assert!(!listed.body.contains("Stapel 4"));
}
