//! The administration's opinion on a proposal ("Stellungnahme der Fachverwaltung"):
//! planners ask a unit by a day and enter its answer; everyone reads it where the proposal
//! is; the proposal's followers hear of the answer; it goes into the report and the JSON
//! export; the planners' list shows what is open and overdue.

use crate::budget::problem;
use crate::fixtures::{body, end_voting, open_procedure, propose};
use crate::harness::TestApp;
use app::backend::entity::expert_opinion;
use app::model::account::Role;
use chrono::{Duration, Utc};
use http::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

const SLUG: &str = "haushalt";
const TEXT: &str = "Der Radweg ist umsetzbar; das Tiefbauamt schätzt die Kosten auf 80.000 Euro.";

fn day(days: i64) -> String {
    (Utc::now() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

fn named(response: &crate::harness::TestResponse) -> Vec<String> {
    body(response)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn planners_ask_the_administration_and_everyone_reads_its_opinion() {
    let app = TestApp::new().await;
    open_procedure(&app, SLUG).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let anna = app.resident("anna@example.org").await;
    let bert = app.resident("bert@example.org").await;
    let id = propose(&app, SLUG, &anna, "Radweg an der Hauptstraße").await;
    let followed = app
        .json(
            "PUT",
            &format!("/api/v1/proposals/{id}/follow"),
            json!({}),
            Some(&bert),
        )
        .await;
    assert!(followed.status.is_success(), "{}", followed.body);
    let path = format!("/api/v1/proposals/{id}/opinion");
    let ask = format!("/api/v1/proposals/{id}/opinion/request");
    let list = format!("/api/v1/procedures/{SLUG}/opinions");

    // Nothing asked yet; residents neither ask nor answer nor see the list.
    let none = body(&app.get(&path).await);
    assert_eq!(none["opinion"], Value::Null);
    assert_eq!(none["may_edit"], false);
    assert_eq!(body(&app.get_as(&path, &planner).await)["may_edit"], true);
    let valid = json!({ "unit": "Tiefbauamt", "due_on": day(14) });
    let resident = app.json("PUT", &ask, valid.clone(), Some(&anna)).await;
    assert_eq!(resident.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get_as(&list, &anna).await.status, StatusCode::FORBIDDEN);
    let answer = json!({ "verdict": "feasible", "text": TEXT });
    let early = app.json("PUT", &path, answer.clone(), Some(&planner)).await;
    assert_eq!(
        problem(&early),
        ("opinion".to_owned(), "not_requested".to_owned())
    );

    // A request names a unit and a day from today to a year ahead.
    for (bad, fields) in [
        (
            json!({ "unit": "A", "due_on": day(-1) }),
            vec!["unit", "due_on"],
        ),
        (
            json!({ "unit": "Tiefbauamt", "due_on": day(400) }),
            vec!["due_on"],
        ),
        (
            json!({ "unit": "Tief\u{202e}bauamt", "due_on": "14.03.2027" }),
            vec!["unit", "due_on"],
        ),
    ] {
        let refused = app.json("PUT", &ask, bad, Some(&planner)).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        assert_eq!(named(&refused), fields, "{}", refused.body);
    }
    let asked = app
        .json(
            "PUT",
            &ask,
            json!({ "unit": "Grünflächenamt", "due_on": day(7) }),
            Some(&planner),
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    // Changed while unanswered: the unit and the day.
    let asked = body(&app.json("PUT", &ask, valid, Some(&planner)).await);
    assert_eq!(asked["opinion"]["unit"], "Tiefbauamt");
    assert_eq!(asked["opinion"]["due_on"], day(14));
    assert_eq!(asked["opinion"]["answer"], Value::Null);
    assert_eq!(asked["opinion"]["overdue"], false);
    let page = app.get(&format!("/vorschlaege/{id}")).await;
    for text in [
        "Stellungnahme der Fachverwaltung",
        "um eine Stellungnahme gebeten",
        "Tiefbauamt",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    assert!(!page.body.contains("Stellungnahme bearbeiten"));

    // The deadline passes: the page and the planners' list say so.
    expert_opinion::Entity::update_many()
        .col_expr(
            expert_opinion::Column::DueOn,
            Expr::value((Utc::now() - Duration::days(2)).date_naive()),
        )
        .filter(expert_opinion::Column::ProposalId.eq(id))
        .exec(&app.state.db)
        .await
        .unwrap();
    assert_eq!(body(&app.get(&path).await)["opinion"]["overdue"], true);
    let page = app.get(&format!("/vorschlaege/{id}")).await;
    assert!(page.body.contains("Die Frist ist verstrichen."));
    let listed = body(&app.get_as(&list, &planner).await);
    assert_eq!(
        (&listed["open"], &listed["overdue"], &listed["answered"]),
        (&json!(1), &json!(1), &json!(0)),
        "{listed}"
    );
    assert_eq!(listed["rows"][0]["proposal_id"], id);
    assert_eq!(listed["rows"][0]["title"], "Radweg an der Hauptstraße");

    // The answer: checked, public, told to the author and the follower once.
    let refused = app
        .json(
            "PUT",
            &path,
            json!({ "verdict": "maybe", "text": "zu kurz" }),
            Some(&planner),
        )
        .await;
    assert_eq!(named(&refused), vec!["verdict", "opinion"]);
    let mails = app.mail_count().await;
    let answered = app.json("PUT", &path, answer.clone(), Some(&planner)).await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    let answered = body(&answered);
    assert_eq!(answered["opinion"]["answer"]["verdict"], "feasible");
    assert_eq!(answered["opinion"]["overdue"], false);
    for address in ["anna@example.org", "bert@example.org"] {
        let mail = app.last_mail_to(address).await;
        for text in ["„Tiefbauamt“ hat Stellung genommen: Umsetzbar.", TEXT] {
            assert!(mail.body_text.contains(text), "{text}: {}", mail.body_text);
        }
    }
    assert_eq!(app.mail_count().await, mails + 2);
    let again = app.json("PUT", &path, answer, Some(&planner)).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        app.mail_count().await,
        mails + 2,
        "the same answer tells nobody"
    );
    let late = app
        .json(
            "PUT",
            &ask,
            json!({ "unit": "Stadtkämmerei", "due_on": day(3) }),
            Some(&planner),
        )
        .await;
    assert_eq!(
        problem(&late),
        ("opinion".to_owned(), "answered".to_owned())
    );
    let page = app.get(&format!("/vorschlaege/{id}")).await;
    for text in ["Umsetzbar", TEXT, "Tiefbauamt, Stellungnahme vom"] {
        assert!(page.body.contains(text), "{text} missing");
    }
    let proposal = body(&app.get(&format!("/api/v1/proposals/{id}")).await);
    assert_eq!(proposal["opinion"]["answer"]["text"], TEXT);
    let listed = body(&app.get_as(&list, &planner).await);
    assert_eq!(listed["answered"], 1);
    assert_eq!(listed["open"], 0);

    // The report and the JSON export carry it.
    end_voting(&app).await;
    let export = body(
        &app.get(&format!("/api/v1/procedures/{SLUG}/export.json"))
            .await,
    );
    assert_eq!(
        export["proposals"][0]["opinion"],
        json!({ "unit": "Tiefbauamt", "verdict": "feasible", "text": TEXT })
    );
    let report = app
        .get(&format!("/api/v1/procedures/{SLUG}/report.html"))
        .await;
    assert!(
        report
            .body
            .contains("Stellungnahme der Fachverwaltung (Tiefbauamt): Umsetzbar")
    );
}

#[tokio::test]
async fn the_planners_pages_ask_and_answer_without_javascript() {
    let app = TestApp::new().await;
    open_procedure(&app, SLUG).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let anna = app.resident("anna@example.org").await;
    let id = propose(&app, SLUG, &anna, "Mehr Bänke im Stadtpark").await;
    let cookie = format!("mitreden_session={planner}");
    let desk = format!("/verwaltung/stellungnahmen/{id}");

    // The proposal's page links planners to the opinion's page.
    let page = app
        .get_with(&format!("/vorschlaege/{id}"), &[("cookie", &cookie)])
        .await;
    assert!(page.body.contains(&format!("href=\"{desk}\"")));
    assert!(page.body.contains("Stellungnahme anfragen"));
    let shown = app.get_with(&desk, &[("cookie", &cookie)]).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("name=\"form[unit]\""));
    assert!(!shown.body.contains("name=\"form[verdict]\""));

    let referer = format!("http://127.0.0.1:3000{desk}");
    let posted = app
        .post_form(
            "/api/request_opinion",
            &format!(
                "proposal_id={id}&form%5Bunit%5D=Gr%C3%BCnfl%C3%A4chenamt&form%5Bdue_on%5D={}",
                day(10)
            ),
            &[("cookie", &cookie), ("referer", &referer)],
        )
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
    assert_eq!(
        posted.header("location"),
        format!("{desk}?status=opinion_requested")
    );
    let shown = app.get_with(&desk, &[("cookie", &cookie)]).await;
    assert!(shown.body.contains("name=\"form[verdict]\""));
    let refused = app
        .post_form(
            "/api/answer_opinion",
            &format!("proposal_id={id}&form%5Bverdict%5D=feasible&form%5Btext%5D=kurz"),
            &[("cookie", &cookie), ("referer", &referer)],
        )
        .await;
    assert!(
        refused.header("location").contains("__err"),
        "{}",
        refused.header("location")
    );
    let posted = app
        .post_form(
            "/api/answer_opinion",
            &format!(
                "proposal_id={id}&form%5Bverdict%5D=partly_feasible\
                 &form%5Btext%5D=Zwei+der+vier+Standorte+sind+geeignet%2C+die+anderen+nicht."
            ),
            &[("cookie", &cookie), ("referer", &referer)],
        )
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
    assert_eq!(
        posted.header("location"),
        format!("{desk}?status=opinion_answered")
    );
    let shown = app.get_with(&desk, &[("cookie", &cookie)]).await;
    assert!(shown.body.contains("Teilweise umsetzbar"));
    assert!(
        !shown.body.contains("name=\"form[unit]\""),
        "no new request once answered"
    );

    // The procedure's list, linked from the planners' overview.
    let overview = app
        .get_with("/verwaltung/verfahren", &[("cookie", &cookie)])
        .await;
    let list = format!("/verwaltung/verfahren/{SLUG}/stellungnahmen");
    assert!(overview.body.contains(&format!("href=\"{list}\"")));
    let listed = app.get_with(&list, &[("cookie", &cookie)]).await;
    for text in [
        "Mehr Bänke im Stadtpark",
        "Grünflächenamt",
        "Teilweise umsetzbar",
    ] {
        assert!(listed.body.contains(text), "{text} missing");
    }
    // Residents are refused the planners' pages.
    let resident = format!("mitreden_session={anna}");
    let refused = app.get_with(&desk, &[("cookie", &resident)]).await;
    assert!(!refused.body.contains("name=\"form[verdict]\""));
}
