//! Budgets that take one district's vote per resident: the first ballot a resident saves in
//! one of them fixes their district, the others refuse theirs (under concurrency too), a
//! city-wide budget beside them is not affected, and the page of another district says
//! where the resident votes instead of offering a ballot.

use crate::budget::{SLUG, ballot_project, budget_procedure, move_voting, problem, put_ballot};
use crate::fixtures::body;
use crate::harness::TestApp;
use app::backend::entity::budget_ballot;
use app::model::account::Role;
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

async fn district_budget(app: &TestApp, planner: &str, district: Option<&str>, one: bool) -> i64 {
    let created = app
        .json(
            "POST",
            &format!("/api/v1/procedures/{SLUG}/budgets"),
            json!({ "title": format!("Stadtbezirk {}", district.unwrap_or("Gesamtstadt")),
                    "district": district, "total_cents": 5_000_000, "one_district": one,
                    "rule": { "kind": "approval", "min_projects": 1, "max_projects": 2 },
                    "method": "greedy" }),
            Some(planner),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(body(&created)["one_district"], one);
    body(&created)["id"].as_i64().unwrap()
}

fn choose(project: i64) -> Value {
    json!({ "project_ids": [project] })
}

#[tokio::test]
async fn the_first_ballot_fixes_a_residents_district() {
    let app = TestApp::new().await;
    let procedure = budget_procedure(&app).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;

    // Only a district's budget can take one district's vote.
    let refused = app
        .json(
            "POST",
            &format!("/api/v1/procedures/{SLUG}/budgets"),
            json!({ "title": "Gesamtstadt", "total_cents": 5_000_000, "one_district": true,
                    "rule": { "kind": "approval", "min_projects": 1, "max_projects": 2 },
                    "method": "greedy" }),
            Some(&planner),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(
        problem(&refused),
        ("one_district".to_owned(), "no_district".to_owned())
    );

    let nord = district_budget(&app, &planner, Some("Nord"), true).await;
    let sued = district_budget(&app, &planner, Some("Süd"), true).await;
    let city = district_budget(&app, &planner, None, false).await;
    let cleared = app
        .json(
            "PATCH",
            &format!("/api/v1/budgets/{nord}"),
            json!({ "district": "" }),
            Some(&planner),
        )
        .await;
    assert_eq!(
        cleared.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        cleared.body
    );
    let in_nord = ballot_project(&app, &planner, nord, "Trinkbrunnen", 1_000_000).await;
    let in_sued = ballot_project(&app, &planner, sued, "Sitzbänke", 1_000_000).await;
    let in_city = ballot_project(&app, &planner, city, "Stadtbus", 1_000_000).await;
    move_voting(&app, procedure, -1, 7).await;

    // Anna votes in the north: the south refuses her, the city-wide budget does not.
    let anna = app.resident("anna@example.org").await;
    assert_eq!(
        put_ballot(&app, &anna, nord, choose(in_nord)).await.status,
        StatusCode::OK
    );
    let elsewhere = put_ballot(&app, &anna, sued, choose(in_sued)).await;
    assert_eq!(
        elsewhere.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        elsewhere.body
    );
    assert_eq!(
        problem(&elsewhere),
        ("ballot".to_owned(), "other_district".to_owned())
    );
    assert_eq!(
        put_ballot(&app, &anna, city, choose(in_city)).await.status,
        StatusCode::OK
    );
    // Emptying her draft does not free her district: it was fixed by her first ballot.
    let emptied = app
        .json(
            "DELETE",
            &format!("/api/v1/budgets/{nord}/ballot"),
            json!({}),
            Some(&anna),
        )
        .await;
    assert!(emptied.status.is_success(), "{}", emptied.body);
    let again = put_ballot(&app, &anna, sued, choose(in_sued)).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Her neighbour in the south votes there.
    let ben = app.resident("ben@example.org").await;
    assert_eq!(
        put_ballot(&app, &ben, sued, choose(in_sued)).await.status,
        StatusCode::OK
    );

    // The south's page tells Anna where she votes, and offers her no ballot.
    let page = app
        .get_as(&format!("/verfahren/{SLUG}/budget/{sued}"), &anna)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Sie stimmen im „Stadtbezirk Nord“ ab."),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("href=\"/verfahren/{SLUG}/budget/{nord}\""))
    );
    assert!(!page.body.contains("type=\"checkbox\""));
    assert!(
        page.body
            .contains("Jede Person stimmt in einem Stadtbezirk ab")
    );

    // Clara saves in both districts at once, ten times over: one district holds her ballot.
    let clara = app.resident("clara@example.org").await;
    let mut saves = Vec::new();
    for n in 0..10 {
        let (budget, project) = if n % 2 == 0 {
            (nord, in_nord)
        } else {
            (sued, in_sued)
        };
        saves.push(put_ballot(&app, &clara, budget, choose(project)));
    }
    let answers = futures_util::future::join_all(saves).await;
    assert!(
        answers
            .iter()
            .all(|a| a.status == StatusCode::OK || a.status == StatusCode::UNPROCESSABLE_ENTITY),
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    let me: Value = serde_json::from_str(&app.get_as("/api/v1/me", &clara).await.body).unwrap();
    let held = budget_ballot::Entity::find()
        .filter(budget_ballot::Column::UserId.eq(me["id"].as_i64().unwrap()))
        .filter(budget_ballot::Column::BudgetId.is_in([nord, sued]))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(held, 1, "one district's ballot");
}
