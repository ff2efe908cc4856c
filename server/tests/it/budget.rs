//! The participatory budget through the REST API: planners set a budget up, voting locks
//! it, residents fill, submit, withdraw and resubmit ballots under each rule, a withdrawn
//! project leaves every ballot, and after the end nothing changes and the results (with the
//! ballot file they come from) are public.

use crate::fixtures::body;
use crate::harness::TestApp;
use app::backend::entity::{budget_ballot, budget_ballot_item, phase};
use app::backend::service::procedure::{NewPhase, NewProcedure, create};
use app::formats::proposals::model::VoteRule;
use app::model::account::Role;
use app::model::procedure::{PhaseKind, Slug};
use chrono::{Duration, Utc};
use http::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub(crate) const SLUG: &str = "buergerbudget";

/// A published procedure taking proposals now, with a vote phase next week.
pub(crate) async fn budget_procedure(app: &TestApp) -> i64 {
    let now = Utc::now();
    create(
        &app.state.db,
        NewProcedure {
            slug: Slug::parse(SLUG).unwrap(),
            title: "Bürgerbudget 2027".to_owned(),
            summary: "Was soll die Stadt bauen?".to_owned(),
            description: "Worum es geht".to_owned(),
            department: "Kämmerei".to_owned(),
            contact: "budget@musterstadt.example".to_owned(),
            phases: vec![
                NewPhase {
                    kind: PhaseKind::Proposals,
                    starts_at: now - Duration::days(1),
                    ends_at: now + Duration::days(7),
                },
                NewPhase {
                    kind: PhaseKind::Voting,
                    starts_at: now + Duration::days(7),
                    ends_at: now + Duration::days(14),
                },
            ],
            rule: VoteRule::Support { cap: None },
            vote_phase: PhaseKind::Voting,
            categories: Vec::new(),
            published: true,
            moderation: app::model::moderation::ModerationMode::Post,
        },
        now,
    )
    .await
    .unwrap()
}

/// Moves the schedule so that the vote phase runs from `starts` to `ends` days from now
/// (the proposals phase ends before it).
pub(crate) async fn move_voting(app: &TestApp, procedure_id: i64, starts: i64, ends: i64) {
    let now = Utc::now();
    for (kind, from, to) in [
        (PhaseKind::Proposals, starts - 10, starts),
        (PhaseKind::Voting, starts, ends),
    ] {
        phase::Entity::update_many()
            .col_expr(
                phase::Column::StartsAt,
                Expr::value(now + Duration::days(from)),
            )
            .col_expr(phase::Column::EndsAt, Expr::value(now + Duration::days(to)))
            .filter(phase::Column::ProcedureId.eq(procedure_id))
            .filter(phase::Column::Kind.eq(kind))
            .exec(&app.state.db)
            .await
            .unwrap();
    }
    app.procedures_changed_behind_its_back().await;
}

pub(crate) async fn create_budget(app: &TestApp, planner: &str, rule: Value, method: &str) -> i64 {
    let created = app
        .json(
            "POST",
            &format!("/api/v1/procedures/{SLUG}/budgets"),
            json!({ "title": "Stadtbezirk Mitte", "district": "Mitte", "total_cents": 10_000_000,
                    "rule": rule, "method": method }),
            Some(planner),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    body(&created)["id"].as_i64().unwrap()
}

/// A project on the ballot: created, found feasible and selected.
pub(crate) async fn ballot_project(
    app: &TestApp,
    planner: &str,
    budget: i64,
    title: &str,
    cost: i64,
) -> i64 {
    let created = app
        .json(
            "POST",
            &format!("/api/v1/budgets/{budget}/projects"),
            json!({ "title": title, "description": "Was gebaut wird.", "cost_cents": cost }),
            Some(planner),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = body(&created)["id"].as_i64().unwrap();
    let changed = app
        .json(
            "PATCH",
            &format!("/api/v1/projects/{id}"),
            json!({ "feasibility": "feasible", "feasibility_reason": "Umsetzbar.", "selected": true }),
            Some(planner),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(body(&changed)["on_ballot"], true);
    id
}

pub(crate) async fn put_ballot(
    app: &TestApp,
    token: &str,
    budget: i64,
    choice: Value,
) -> crate::harness::TestResponse {
    app.json(
        "PUT",
        &format!("/api/v1/budgets/{budget}/ballot"),
        choice,
        Some(token),
    )
    .await
}

pub(crate) async fn submit(
    app: &TestApp,
    token: &str,
    budget: i64,
) -> crate::harness::TestResponse {
    app.json(
        "POST",
        &format!("/api/v1/budgets/{budget}/ballot/submit"),
        json!({}),
        Some(token),
    )
    .await
}

pub(crate) fn problem(response: &crate::harness::TestResponse) -> (String, String) {
    let errors = &body(response)["errors"][0];
    (
        errors["field"].as_str().unwrap_or_default().to_owned(),
        errors["detail"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn planners_set_a_budget_up_and_everyone_reads_it() {
    let app = TestApp::new().await;
    budget_procedure(&app).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let resident = app.resident("anna@example.org").await;

    // Residents do not make budgets; a budget whose numbers contradict each other is
    // refused field by field, and nothing is made.
    let refused = app
        .json(
            "POST",
            &format!("/api/v1/procedures/{SLUG}/budgets"),
            json!({ "title": "Mitte", "total_cents": 100, "rule": { "kind": "approval", "min_projects": 0, "max_projects": 3 }, "method": "greedy" }),
            Some(&resident),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let invalid = app
        .json(
            "POST",
            &format!("/api/v1/procedures/{SLUG}/budgets"),
            json!({ "title": "M", "total_cents": 0,
                    "rule": { "kind": "cumulative", "points": 5, "max_per_project": 6 }, "method": "greedy" }),
            Some(&planner),
        )
        .await;
    assert_eq!(
        invalid.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        invalid.body
    );
    let fields: Vec<String> = body(&invalid)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["title", "total_cents", "rule"]);
    let listed = app.get(&format!("/api/v1/procedures/{SLUG}/budgets")).await;
    assert_eq!(body(&listed), json!([]));

    let budget = create_budget(
        &app,
        &planner,
        json!({ "kind": "knapsack", "min_spend_percent": 0, "min_projects": 1 }),
        "equal_shares",
    )
    .await;
    let bench = ballot_project(&app, &planner, budget, "Bänke am Fluss", 2_000_000).await;
    // A project waiting for the department's verdict is listed but not on the ballot; one
    // found infeasible needs the reason, which everyone reads.
    let pending = app
        .json(
            "POST",
            &format!("/api/v1/budgets/{budget}/projects"),
            json!({ "title": "Seilbahn zum Rathaus", "cost_cents": 900_000_000 }),
            Some(&planner),
        )
        .await;
    let pending = body(&pending)["id"].as_i64().unwrap();
    let no_reason = app
        .json(
            "PATCH",
            &format!("/api/v1/projects/{pending}"),
            json!({ "feasibility": "infeasible" }),
            Some(&planner),
        )
        .await;
    assert_eq!(
        problem(&no_reason),
        ("feasibility_reason".to_owned(), "required".to_owned())
    );
    let infeasible = app
        .json(
            "PATCH",
            &format!("/api/v1/projects/{pending}"),
            json!({ "feasibility": "infeasible", "feasibility_reason": "Teurer als das ganze Budget.", "selected": true }),
            Some(&planner),
        )
        .await;
    assert_eq!(infeasible.status, StatusCode::OK, "{}", infeasible.body);
    assert_eq!(body(&infeasible)["on_ballot"], false);

    let shown = app.get(&format!("/api/v1/budgets/{budget}")).await;
    let shown = body(&shown);
    assert_eq!(shown["stage"], "preparing");
    assert_eq!(shown["locked"], false);
    assert_eq!(shown["projects_on_ballot"], 1);
    assert_eq!(shown["district"], "Mitte");
    assert_eq!(
        shown["tie_seed"].as_str().unwrap().len(),
        64,
        "the seed is published"
    );
    let projects = body(&app.get(&format!("/api/v1/budgets/{budget}/projects")).await);
    let items = projects["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], bench);
    assert_eq!(
        items[1]["feasibility_reason"],
        "Teurer als das ganze Budget."
    );

    // Exclusions name projects of the same budget and show both ways round.
    let excluded = app
        .json(
            "PATCH",
            &format!("/api/v1/projects/{bench}"),
            json!({ "excludes": [pending] }),
            Some(&planner),
        )
        .await;
    assert_eq!(body(&excluded)["excludes"], json!([pending]));
    let other = body(&app.get(&format!("/api/v1/projects/{pending}")).await);
    assert_eq!(other["excludes"], json!([bench]));
    let itself = app
        .json(
            "PATCH",
            &format!("/api/v1/projects/{bench}"),
            json!({ "excludes": [bench] }),
            Some(&planner),
        )
        .await;
    assert_eq!(
        problem(&itself),
        ("excludes".to_owned(), "itself".to_owned())
    );

    // Ballots wait for the vote phase.
    let early = put_ballot(&app, &resident, budget, json!({ "project_ids": [bench] })).await;
    assert_eq!(problem(&early), ("phase".to_owned(), "closed".to_owned()));
    // The results are the planners' until voting ends.
    let hidden = app.get(&format!("/api/v1/budgets/{budget}/results")).await;
    assert_eq!(
        problem(&hidden),
        ("results".to_owned(), "not_yet_public".to_owned())
    );
    let planners = app
        .get_as(&format!("/api/v1/budgets/{budget}/results"), &planner)
        .await;
    assert_eq!(planners.status, StatusCode::OK, "{}", planners.body);
    assert_eq!(body(&planners)["final_result"], false);
}

#[tokio::test]
async fn voting_locks_the_budget_and_ballots_count_only_once_submitted() {
    let app = TestApp::new().await;
    let procedure_id = budget_procedure(&app).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let anna = app.resident("anna@example.org").await;
    let budget = create_budget(
        &app,
        &planner,
        json!({ "kind": "approval", "min_projects": 1, "max_projects": 2 }),
        "greedy",
    )
    .await;
    let a = ballot_project(&app, &planner, budget, "Trinkbrunnen", 1_000_000).await;
    let b = ballot_project(&app, &planner, budget, "Radbügel", 500_000).await;
    let c = ballot_project(&app, &planner, budget, "Schattenbäume", 3_000_000).await;
    let offside = app
        .json(
            "POST",
            &format!("/api/v1/budgets/{budget}/projects"),
            json!({ "title": "Nicht ausgewählt", "cost_cents": 100 }),
            Some(&planner),
        )
        .await;
    let offside = body(&offside)["id"].as_i64().unwrap();
    move_voting(&app, procedure_id, -1, 7).await;

    // Locked: costs, rules and projects stay as they were when voting started.
    for (method, path, change) in [
        (
            "PATCH",
            format!("/api/v1/budgets/{budget}"),
            json!({ "total_cents": 1 }),
        ),
        (
            "PATCH",
            format!("/api/v1/projects/{a}"),
            json!({ "cost_cents": 1 }),
        ),
        (
            "POST",
            format!("/api/v1/budgets/{budget}/projects"),
            json!({ "title": "Zu spät", "cost_cents": 100 }),
        ),
    ] {
        let refused = app.json(method, &path, change, Some(&planner)).await;
        assert_eq!(
            problem(&refused),
            ("phase".to_owned(), "budget_locked".to_owned()),
            "{path}"
        );
    }
    let shown = body(&app.get(&format!("/api/v1/budgets/{budget}")).await);
    assert_eq!(
        (shown["stage"].as_str(), shown["locked"].as_bool()),
        (Some("voting"), Some(true))
    );

    // Only projects on the ballot, each once.
    let wrong = put_ballot(&app, &anna, budget, json!({ "project_ids": [a, offside] })).await;
    assert_eq!(
        problem(&wrong),
        ("project_ids".to_owned(), "not_on_ballot".to_owned())
    );
    let twice = put_ballot(&app, &anna, budget, json!({ "project_ids": [a, a] })).await;
    assert_eq!(
        problem(&twice),
        ("project_ids".to_owned(), "duplicate".to_owned())
    );
    let points = put_ballot(
        &app,
        &anna,
        budget,
        json!({ "project_ids": [a], "points": { a.to_string(): 3 } }),
    )
    .await;
    assert_eq!(
        problem(&points),
        ("points".to_owned(), "not_allowed".to_owned())
    );

    // A draft may break the rule meanwhile; it says how, and cannot be submitted.
    let draft = put_ballot(&app, &anna, budget, json!({ "project_ids": [a, b, c] })).await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.body);
    let draft = body(&draft);
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["problems"], json!(["too_many"]));
    assert_eq!(draft["spent_cents"], 4_500_000);
    let refused = submit(&app, &anna, budget).await;
    assert_eq!(
        problem(&refused),
        ("ballot".to_owned(), "too_many".to_owned())
    );
    assert_eq!(
        body(
            &app.get_as(&format!("/api/v1/budgets/{budget}/results"), &planner)
                .await
        )["ballots"],
        0,
        "a draft does not count"
    );

    let fixed = put_ballot(&app, &anna, budget, json!({ "project_ids": [a, c] })).await;
    assert_eq!(body(&fixed)["problems"], json!([]));
    let mails = app.mail_count().await;
    let cast = submit(&app, &anna, budget).await;
    assert_eq!(cast.status, StatusCode::OK, "{}", cast.body);
    assert_eq!(body(&cast)["status"], "submitted");
    assert!(body(&cast)["submitted_at"].is_number());
    let receipt = app.last_mail_to("anna@example.org").await;
    assert_eq!(receipt.template, "ballot_receipt");
    assert!(
        receipt.body_text.contains("Trinkbrunnen") && receipt.body_text.contains("Schattenbäume")
    );
    assert!(!receipt.body_text.contains("Radbügel"));
    // Submitting again changes nothing and mails nothing.
    assert_eq!(submit(&app, &anna, budget).await.status, StatusCode::OK);
    assert_eq!(app.mail_count().await, mails + 1);
    let again = put_ballot(&app, &anna, budget, json!({ "project_ids": [b] })).await;
    assert_eq!(
        problem(&again),
        ("ballot".to_owned(), "already_submitted".to_owned())
    );

    let counted = body(
        &app.get_as(&format!("/api/v1/budgets/{budget}/results"), &planner)
            .await,
    );
    assert_eq!(counted["ballots"], 1);

    // Withdrawn, it is a draft with the same choices and no longer counts; resubmitted, it
    // counts once.
    let withdrawn = app
        .json(
            "DELETE",
            &format!("/api/v1/budgets/{budget}/ballot"),
            json!({}),
            Some(&anna),
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    assert_eq!(body(&withdrawn)["status"], "draft");
    assert_eq!(body(&withdrawn)["choices"].as_array().unwrap().len(), 2);
    let counted = body(
        &app.get_as(&format!("/api/v1/budgets/{budget}/results"), &planner)
            .await,
    );
    assert_eq!(counted["ballots"], 0);
    assert_eq!(submit(&app, &anna, budget).await.status, StatusCode::OK);
    assert_eq!(
        budget_ballot::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        1,
        "one ballot per person"
    );
}

#[tokio::test]
async fn knapsack_and_cumulative_ballots_are_checked_by_their_rules() {
    let app = TestApp::new().await;
    let procedure_id = budget_procedure(&app).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let anna = app.resident("anna@example.org").await;
    let knapsack = create_budget(
        &app,
        &planner,
        json!({ "kind": "knapsack", "min_spend_percent": 50, "min_projects": 1 }),
        "greedy",
    )
    .await;
    let big = ballot_project(&app, &planner, knapsack, "Sporthalle", 8_000_000).await;
    let mid = ballot_project(&app, &planner, knapsack, "Spielplatz", 4_000_000).await;
    let small = ballot_project(&app, &planner, knapsack, "Bücherschrank", 1_000_000).await;
    let cumulative = create_budget(
        &app,
        &planner,
        json!({ "kind": "cumulative", "points": 5, "max_per_project": 3 }),
        "equal_shares",
    )
    .await;
    let x = ballot_project(&app, &planner, cumulative, "Brunnen", 1_000_000).await;
    let y = ballot_project(&app, &planner, cumulative, "Bänke", 1_000_000).await;
    move_voting(&app, procedure_id, -1, 7).await;

    let over = put_ballot(&app, &anna, knapsack, json!({ "project_ids": [big, mid] })).await;
    assert_eq!(body(&over)["problems"], json!(["over_budget"]));
    assert_eq!(body(&over)["left_cents"], -2_000_000);
    assert_eq!(
        problem(&submit(&app, &anna, knapsack).await),
        ("ballot".to_owned(), "over_budget".to_owned())
    );
    let under = put_ballot(&app, &anna, knapsack, json!({ "project_ids": [small] })).await;
    assert_eq!(body(&under)["problems"], json!(["under_minimum_spend"]));
    assert_eq!(
        problem(&submit(&app, &anna, knapsack).await),
        ("ballot".to_owned(), "under_minimum_spend".to_owned())
    );
    let fits = put_ballot(
        &app,
        &anna,
        knapsack,
        json!({ "project_ids": [mid, small] }),
    )
    .await;
    assert_eq!(body(&fits)["left_cents"], 5_000_000);
    assert_eq!(submit(&app, &anna, knapsack).await.status, StatusCode::OK);

    let greedy_points = put_ballot(
        &app,
        &anna,
        cumulative,
        json!({ "project_ids": [x, y], "points": { x.to_string(): 3, y.to_string(): 3 } }),
    )
    .await;
    assert_eq!(body(&greedy_points)["problems"], json!(["too_many_points"]));
    let on_one = put_ballot(
        &app,
        &anna,
        cumulative,
        json!({ "project_ids": [x], "points": { x.to_string(): 4 } }),
    )
    .await;
    assert_eq!(body(&on_one)["problems"], json!(["too_many_points_on_one"]));
    let fine = put_ballot(
        &app,
        &anna,
        cumulative,
        json!({ "project_ids": [x, y], "points": { x.to_string(): 3, y.to_string(): 2 } }),
    )
    .await;
    assert_eq!(body(&fine)["points_left"], 0);
    assert_eq!(submit(&app, &anna, cumulative).await.status, StatusCode::OK);
    let results = body(
        &app.get_as(&format!("/api/v1/budgets/{cumulative}/results"), &planner)
            .await,
    );
    let votes: Vec<(i64, u64)> = results["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["project_id"].as_i64().unwrap(),
                p["votes"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        votes.contains(&(x, 3)) && votes.contains(&(y, 2)),
        "{votes:?}"
    );
}

#[tokio::test]
async fn a_withdrawn_project_leaves_every_ballot_and_its_voters_are_told() {
    let app = TestApp::new().await;
    let procedure_id = budget_procedure(&app).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let anna = app.resident("anna@example.org").await;
    let ben = app.resident("ben@example.org").await;
    let budget = create_budget(
        &app,
        &planner,
        json!({ "kind": "approval", "min_projects": 1, "max_projects": 3 }),
        "greedy",
    )
    .await;
    let kept = ballot_project(&app, &planner, budget, "Trinkbrunnen", 1_000_000).await;
    let dropped = ballot_project(&app, &planner, budget, "Brücke", 2_000_000).await;
    move_voting(&app, procedure_id, -1, 7).await;
    put_ballot(
        &app,
        &anna,
        budget,
        json!({ "project_ids": [kept, dropped] }),
    )
    .await;
    assert_eq!(submit(&app, &anna, budget).await.status, StatusCode::OK);
    put_ballot(&app, &ben, budget, json!({ "project_ids": [kept] })).await;
    assert_eq!(submit(&app, &ben, budget).await.status, StatusCode::OK);

    let withdrawn = app
        .json(
            "PATCH",
            &format!("/api/v1/projects/{dropped}"),
            json!({ "withdrawn": true }),
            Some(&planner),
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    assert_eq!(
        (
            body(&withdrawn)["withdrawn"].as_bool(),
            body(&withdrawn)["on_ballot"].as_bool()
        ),
        (Some(true), Some(false))
    );
    let back = app
        .json(
            "PATCH",
            &format!("/api/v1/projects/{dropped}"),
            json!({ "withdrawn": false }),
            Some(&planner),
        )
        .await;
    assert_eq!(problem(&back), ("withdrawn".to_owned(), "final".to_owned()));

    // Anna's ballot held it: a draft again with her other choice, and she is told; Ben's
    // did not and still counts.
    let annas = body(
        &app.get_as(&format!("/api/v1/budgets/{budget}/ballot"), &anna)
            .await,
    );
    assert_eq!(annas["status"], "draft");
    assert_eq!(
        annas["choices"],
        json!([{ "project_id": kept, "points": 1 }])
    );
    let told = app.last_mail_to("anna@example.org").await;
    assert_eq!(told.template, "ballot_reopened");
    assert!(told.body_text.contains("Brücke"));
    assert_eq!(
        app.last_mail_to("ben@example.org").await.template,
        "ballot_receipt"
    );
    let bens = body(
        &app.get_as(&format!("/api/v1/budgets/{budget}/ballot"), &ben)
            .await,
    );
    assert_eq!(bens["status"], "submitted");
    assert_eq!(
        budget_ballot_item::Entity::find()
            .filter(budget_ballot_item::Column::ProjectId.eq(dropped))
            .count(&app.state.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(submit(&app, &anna, budget).await.status, StatusCode::OK);
}

#[tokio::test]
async fn after_the_end_nothing_changes_and_anyone_can_recompute_the_results() {
    let app = TestApp::new().await;
    let procedure_id = budget_procedure(&app).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let budget = create_budget(
        &app,
        &planner,
        json!({ "kind": "approval", "min_projects": 1, "max_projects": 3 }),
        "greedy",
    )
    .await;
    let fountain =
        ballot_project(&app, &planner, budget, "Trinkbrunnen; am Markt", 6_000_000).await;
    let racks = ballot_project(&app, &planner, budget, "Radbügel", 5_000_000).await;
    let trees = ballot_project(&app, &planner, budget, "Schattenbäume", 3_000_000).await;
    move_voting(&app, procedure_id, -1, 7).await;
    let mut voters = Vec::new();
    for (n, choice) in [
        vec![fountain, racks],
        vec![fountain, trees],
        vec![fountain],
        vec![racks, trees],
    ]
    .into_iter()
    .enumerate()
    {
        let token = app.resident(&format!("person{n}@example.org")).await;
        put_ballot(&app, &token, budget, json!({ "project_ids": choice })).await;
        assert_eq!(submit(&app, &token, budget).await.status, StatusCode::OK);
        voters.push(token);
    }
    // A draft never counts.
    let drafter = app.resident("entwurf@example.org").await;
    let draft = put_ballot(&app, &drafter, budget, json!({ "project_ids": [trees] })).await;
    assert_eq!(body(&draft)["status"], "draft");
    move_voting(&app, procedure_id, -8, -1).await;

    for (method, path) in [
        ("PUT", format!("/api/v1/budgets/{budget}/ballot")),
        ("DELETE", format!("/api/v1/budgets/{budget}/ballot")),
        ("POST", format!("/api/v1/budgets/{budget}/ballot/submit")),
    ] {
        let refused = app
            .json(
                method,
                &path,
                json!({ "project_ids": [trees] }),
                Some(&voters[3]),
            )
            .await;
        assert_eq!(
            problem(&refused),
            ("phase".to_owned(), "closed".to_owned()),
            "{method} {path}"
        );
    }

    // Anyone reads the results: the fountain (3 votes, 60,000 €) first, then the racks
    // (2 votes, 50,000 €) no longer fit, the trees (2 votes, 30,000 €) do.
    let results = app.get(&format!("/api/v1/budgets/{budget}/results")).await;
    assert_eq!(results.status, StatusCode::OK, "{}", results.body);
    let results = body(&results);
    assert_eq!(results["final_result"], true);
    assert_eq!(results["ballots"], 4);
    assert_eq!(results["spent_cents"], 9_000_000);
    let lines: Vec<(i64, u64, bool, Value)> = results["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["project_id"].as_i64().unwrap(),
                p["votes"].as_u64().unwrap(),
                p["funded"].as_bool().unwrap(),
                p["unfunded"].clone(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            (fountain, 3, true, Value::Null),
            (trees, 2, true, Value::Null),
            (racks, 2, false, json!("did_not_fit")),
        ]
    );

    // The ballot file: its hash is the one the results name; voters are numbered.
    let file = app
        .get(&format!("/api/v1/budgets/{budget}/export.pb"))
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.header("content-type").starts_with("text/plain"));
    let hash: String = Sha256::digest(file.body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(results["ballot_file_sha256"], hash);
    let text = &file.body;
    assert!(text.starts_with("META\nkey;value\n"));
    assert!(text.contains("\nnum_votes;4\n") && text.contains("\nnum_projects;3\n"));
    assert!(text.contains("\nbudget;100000\n") && text.contains("\nrule;greedy\n"));
    assert!(text.contains(&format!(
        "\n{fountain};60000;3;\"Trinkbrunnen; am Markt\";1\n"
    )));
    assert!(text.contains(&format!("\n{racks};50000;2;Radbügel;0\n")));
    let votes = text.split("VOTES\nvoter_id;vote\n").nth(1).unwrap();
    assert_eq!(votes.lines().count(), 4);
    assert!(votes.lines().next().unwrap().starts_with("1;"));
    assert!(
        !text.contains("@example.org"),
        "no account appears in the file"
    );
}

#[tokio::test]
async fn residents_holding_a_draft_are_reminded_once_before_voting_ends() {
    use app::formats::budget::service::ballot::remind_drafts;
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
    let too_far = app
        .json(
            "PATCH",
            &format!("/api/v1/budgets/{budget}"),
            json!({ "reminder_days": 31 }),
            Some(&planner),
        )
        .await;
    assert_eq!(
        problem(&too_far),
        ("reminder_days".to_owned(), "out_of_range".to_owned())
    );
    let project = ballot_project(&app, &planner, budget, "Trinkbrunnen", 1_000_000).await;
    move_voting(&app, procedure_id, -1, 7).await;
    let drafter = app.resident("entwurf@example.org").await;
    let voter = app.resident("abgegeben@example.org").await;
    put_ballot(&app, &drafter, budget, json!({ "project_ids": [project] })).await;
    put_ballot(&app, &voter, budget, json!({ "project_ids": [project] })).await;
    assert_eq!(submit(&app, &voter, budget).await.status, StatusCode::OK);

    // The planner sees how many ballots count and how many are drafts; the public does not.
    let seen = body(
        &app.get_as(&format!("/api/v1/budgets/{budget}"), &planner)
            .await,
    );
    assert_eq!(seen["ballots"], json!({ "submitted": 1, "drafts": 1 }));
    assert!(body(&app.get(&format!("/api/v1/budgets/{budget}")).await)["ballots"].is_null());

    // A week before the end is too early for a reminder three days before it.
    let site = app.state.site.clone();
    assert_eq!(
        remind_drafts(&app.state.db, &site, Utc::now())
            .await
            .unwrap(),
        0
    );
    move_voting(&app, procedure_id, -5, 2).await;
    assert_eq!(
        remind_drafts(&app.state.db, &site, Utc::now())
            .await
            .unwrap(),
        1
    );
    let mail = app.last_mail_to("entwurf@example.org").await;
    assert_eq!(mail.template, "ballot_reminder");
    assert_eq!(
        app.last_mail_to("abgegeben@example.org").await.template,
        "ballot_receipt"
    );
    // Once only.
    assert_eq!(
        remind_drafts(&app.state.db, &site, Utc::now())
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn paper_ballots_count_once_a_second_person_confirms_their_batch() {
    let app = TestApp::new().await;
    let procedure_id = budget_procedure(&app).await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let colleague = app.with_role("kollegin@example.org", Role::Planner).await;
    let budget = create_budget(
        &app,
        &planner,
        json!({ "kind": "knapsack", "min_spend_percent": 0, "min_projects": 1 }),
        "greedy",
    )
    .await;
    let fountain = ballot_project(&app, &planner, budget, "Trinkbrunnen", 6_000_000).await;
    let trees = ballot_project(&app, &planner, budget, "Schattenbäume", 5_000_000).await;
    let early = app
        .json(
            "POST",
            &format!("/api/v1/budgets/{budget}/paper-batches"),
            json!({ "label": "Urne 1" }),
            Some(&planner),
        )
        .await;
    assert_eq!(problem(&early), ("phase".to_owned(), "closed".to_owned()));
    move_voting(&app, procedure_id, -1, 7).await;

    let batch = app
        .json(
            "POST",
            &format!("/api/v1/budgets/{budget}/paper-batches"),
            json!({ "label": "Urne Rathaus, Stapel 3" }),
            Some(&planner),
        )
        .await;
    assert_eq!(batch.status, StatusCode::CREATED, "{}", batch.body);
    let batch = body(&batch)["id"].as_i64().unwrap();
    let enter = |choice: Value| {
        let (app, planner) = (&app, planner.clone());
        async move {
            app.json(
                "POST",
                &format!("/api/v1/paper-batches/{batch}/ballots"),
                choice,
                Some(&planner),
            )
            .await
        }
    };
    // Each paper ballot on its own, by the same rule as online ballots.
    let over = enter(json!({ "project_ids": [fountain, trees] })).await;
    assert_eq!(
        problem(&over),
        ("ballot".to_owned(), "over_budget".to_owned())
    );
    for choice in [[fountain], [trees], [fountain]] {
        let entered = enter(json!({ "project_ids": choice })).await;
        assert_eq!(entered.status, StatusCode::CREATED, "{}", entered.body);
    }
    let shown = body(
        &app.get_as(&format!("/api/v1/paper-batches/{batch}"), &planner)
            .await,
    );
    assert_eq!(
        (shown["ballots"].as_u64(), shown["confirmed"].as_bool()),
        (Some(3), Some(false))
    );
    let results = || async {
        body(
            &app.get_as(&format!("/api/v1/budgets/{budget}/results"), &planner)
                .await,
        )
    };
    assert_eq!(
        results().await["ballots"],
        0,
        "an unconfirmed batch does not count"
    );

    // Not by the person who entered it; by a colleague, once.
    let own = app
        .json(
            "POST",
            &format!("/api/v1/paper-batches/{batch}/confirm"),
            json!({}),
            Some(&planner),
        )
        .await;
    assert_eq!(
        problem(&own),
        ("batch".to_owned(), "same_person".to_owned())
    );
    let confirmed = app
        .json(
            "POST",
            &format!("/api/v1/paper-batches/{batch}/confirm"),
            json!({}),
            Some(&colleague),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_eq!(body(&confirmed)["confirmed"], true);
    let counted = results().await;
    assert_eq!(counted["ballots"], 3);
    assert_eq!(counted["projects"][0]["project_id"], fountain);
    assert_eq!(counted["projects"][0]["votes"], 2);
    let later = enter(json!({ "project_ids": [trees] })).await;
    assert_eq!(
        problem(&later),
        ("batch".to_owned(), "confirmed".to_owned())
    );
    let again = app
        .json(
            "POST",
            &format!("/api/v1/paper-batches/{batch}/confirm"),
            json!({}),
            Some(&colleague),
        )
        .await;
    assert_eq!(
        problem(&again),
        ("batch".to_owned(), "confirmed".to_owned())
    );

    // A miscounted stack is discarded whole before confirmation, never after.
    let second = app
        .json(
            "POST",
            &format!("/api/v1/budgets/{budget}/paper-batches"),
            json!({ "label": "Urne Markt" }),
            Some(&planner),
        )
        .await;
    let second = body(&second)["id"].as_i64().unwrap();
    app.json(
        "POST",
        &format!("/api/v1/paper-batches/{second}/ballots"),
        json!({ "project_ids": [trees] }),
        Some(&planner),
    )
    .await;
    let empty = app
        .json(
            "POST",
            &format!("/api/v1/budgets/{budget}/paper-batches"),
            json!({ "label": "Leer" }),
            Some(&planner),
        )
        .await;
    let empty = body(&empty)["id"].as_i64().unwrap();
    let nothing = app
        .json(
            "POST",
            &format!("/api/v1/paper-batches/{empty}/confirm"),
            json!({}),
            Some(&colleague),
        )
        .await;
    assert_eq!(problem(&nothing), ("batch".to_owned(), "empty".to_owned()));
    let discarded = app
        .json(
            "DELETE",
            &format!("/api/v1/paper-batches/{second}"),
            json!({}),
            Some(&planner),
        )
        .await;
    assert_eq!(discarded.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get_as(&format!("/api/v1/paper-batches/{second}"), &planner)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let kept = app
        .json(
            "DELETE",
            &format!("/api/v1/paper-batches/{batch}"),
            json!({}),
            Some(&planner),
        )
        .await;
    assert_eq!(problem(&kept), ("batch".to_owned(), "confirmed".to_owned()));
    assert_eq!(
        budget_ballot::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        3,
        "the discarded stack's ballot is gone"
    );
    // The ballot file numbers paper voters like online ones, after the end.
    move_voting(&app, procedure_id, -8, -1).await;
    let file = app
        .get(&format!("/api/v1/budgets/{budget}/export.pb"))
        .await;
    assert!(file.body.contains("\nnum_votes;3\n"), "{}", file.body);
}
