//! The authorisation matrix: every operation of the OpenAPI description, for every kind of
//! caller, on every state of the item it names, against the access table in README ("Who
//! may do what"). A caller outside an operation's row must never get a 2xx (nor a 5xx);
//! an operation without a row fails the test, so a new one cannot slip in unchecked.
//! Callers inside the row are not sent: their writes would change what the others see.

use crate::harness::{PASSWORD, TestApp};
use app::backend::entity::{proposal, user};
use app::model::account::Role;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Anonymous,
    Unverified,
    /// The author of every proposal and comment below.
    Owner,
    Other,
    Blocked,
    Moderator,
    Planner,
    Admin,
}

const ACTORS: [Actor; 8] = [
    Actor::Anonymous,
    Actor::Unverified,
    Actor::Owner,
    Actor::Other,
    Actor::Blocked,
    Actor::Moderator,
    Actor::Planner,
    Actor::Admin,
];

/// The rows of the access table: who may get a 2xx.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anyone,
    SignedIn,
    /// A verified account that is not blocked.
    Contributors,
    /// The author of the item.
    Author,
    /// The author of the item, and moderators.
    AuthorOrModerators,
    Moderators,
    Planners,
    Admins,
    /// The planner who made the item (an on-site batch).
    ItsPlanner,
}

impl Who {
    fn admits(self, actor: Actor) -> bool {
        use Actor::*;
        match self {
            Who::Anyone => true,
            Who::SignedIn => actor != Anonymous,
            Who::Contributors => matches!(actor, Owner | Other | Moderator | Planner | Admin),
            Who::Author => actor == Owner,
            Who::AuthorOrModerators => matches!(actor, Owner | Moderator | Admin),
            Who::Moderators => matches!(actor, Moderator | Admin),
            Who::Planners => matches!(actor, Planner | Admin),
            Who::Admins => actor == Admin,
            Who::ItsPlanner => actor == Planner,
        }
    }
}

/// The state of the item an operation names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// The operation names no item.
    None,
    /// A published procedure taking proposals, or a visible proposal or comment in it.
    Open,
    DraftProcedure,
    FinishedProcedure,
    PendingProposal,
    HiddenProposal,
    WithdrawnProposal,
}

/// The access table (README, "Who may do what"), row by operation.
fn row(method: &str, path: &str, state: State) -> Option<Who> {
    use Who::*;
    Some(match (method, path) {
        ("get", "/openapi.json" | "/docs" | "/schemas/results-v1.json" | "/catalog") => Anyone,
        ("post", "/auth/register" | "/auth/verify" | "/auth/login" | "/auth/password-reset") => {
            Anyone
        }
        ("post", "/auth/password-reset/confirm") => Anyone,
        ("post", "/auth/verify/resend" | "/auth/logout" | "/auth/logout-everywhere") => SignedIn,
        ("get" | "patch" | "delete", "/me") | ("get", "/me/export") => SignedIn,
        ("post", "/me/password" | "/me/email") => SignedIn,
        ("put", "/users/{id}/role") => Admins,
        ("get", "/procedures" | "/procedures/{slug}") => Anyone,
        ("post", "/procedures") => Planners,
        ("patch" | "put", "/procedures/{slug}") | ("put", "/procedures/{slug}/publication") => {
            Planners
        }
        (_, "/procedures/{slug}/image" | "/implementation-entries/{id}/photo") => Planners,
        ("put", "/procedures/{slug}/start-notice") => Contributors,
        ("delete", "/procedures/{slug}/start-notice") => SignedIn,
        (
            "get",
            "/procedures/{slug}/proposals"
            | "/procedures/{slug}/proposals.geojson"
            | "/procedures/{slug}/proposals/clusters",
        ) => Anyone,
        // The city's districts: open data; imported by planners.
        ("get", "/districts") => Anyone,
        ("put", "/districts") => Planners,
        // The city's address list: looked up by anyone; imported by planners.
        ("get", "/addresses" | "/addresses/lookup") => Anyone,
        ("put", "/addresses") => Planners,
        // A procedure's area: open data with the procedure; set by planners.
        ("get", "/procedures/{slug}/area") => Anyone,
        ("put" | "delete", "/procedures/{slug}/area") => Planners,
        ("post", "/procedures/{slug}/proposals") => Contributors,
        ("post", "/procedures/{slug}/onsite-imports") => Planners,
        ("get", "/procedures/{slug}/onsite-imports/{id}")
        | ("post", "/procedures/{slug}/onsite-imports/{id}/import") => ItsPlanner,
        ("get", "/proposals/{id}" | "/proposals/{id}/comments") => Anyone,
        ("patch", "/proposals/{id}") | ("post", "/proposals/{id}/withdraw") => Author,
        ("post", "/proposals/{id}/comments") => Contributors,
        ("put" | "delete", "/proposals/{id}/vote") => Contributors,
        ("put", "/proposals/{id}/follow") => Contributors,
        ("delete", "/proposals/{id}/follow") => SignedIn,
        ("patch" | "delete", "/comments/{id}") => Author,
        ("get", "/proposals/{id}/photos") => Anyone,
        ("post", "/proposals/{id}/photos") | ("patch" | "delete", "/proposal-photos/{id}") => {
            Author
        }
        ("post", "/reports") => Contributors,
        ("post", "/objections") => Author,
        ("get", "/moderation/queue" | "/moderation/stats" | "/moderation/settings") => Moderators,
        ("post", "/moderation/decisions" | "/moderation/claims") => Moderators,
        ("delete", "/moderation/claims/{id}" | "/moderation/blocks/{id}") => Moderators,
        ("put", "/moderation/settings") => Admins,
        ("get", "/moderation/ledger" | "/procedures/{slug}/moderation/ledger") => Anyone,
        ("get", "/procedures/{slug}/dataset") => Anyone,
        // Results and exports: everyone once voting has ended, planners before.
        ("get", "/procedures/{slug}/results")
        | ("get", "/procedures/{slug}/export/manifest.json")
        | ("get", "/procedures/{slug}/{file}") => {
            if state == State::FinishedProcedure {
                Anyone
            } else {
                Planners
            }
        }
        ("put", "/procedures/{slug}/council-paper")
        | ("post", "/procedures/{slug}/council-paper/import") => Planners,
        ("put" | "delete", "/proposals/{id}/outcome" | "/projects/{id}/outcome") => Planners,
        ("get", "/proposals/{id}/implementation" | "/projects/{id}/implementation") => Anyone,
        ("post", "/proposals/{id}/implementation" | "/projects/{id}/implementation") => Planners,
        // The administration's opinions: public where the proposal is, written by planners.
        ("get", "/proposals/{id}/opinion") => Anyone,
        ("put", "/proposals/{id}/opinion/request" | "/proposals/{id}/opinion") => Planners,
        ("get", "/procedures/{slug}/opinions") => Planners,
        ("post", "/procedures/{slug}/opinions/selection") => Planners,
        // The participatory budget.
        ("get", "/procedures/{slug}/budgets" | "/budgets/{id}" | "/budgets/{id}/projects") => {
            Anyone
        }
        ("get", "/projects/{id}") => Anyone,
        ("post", "/procedures/{slug}/budgets" | "/budgets/{id}/projects")
        | ("patch", "/budgets/{id}" | "/projects/{id}") => Planners,
        ("get", "/budgets/{id}/ballot") => SignedIn,
        (
            "post",
            "/budgets/{id}/paper-batches"
            | "/paper-batches/{id}/ballots"
            | "/paper-batches/{id}/confirm",
        )
        | ("get" | "delete", "/paper-batches/{id}") => Planners,
        ("post", "/budgets/{id}/decisions") => Planners,
        ("put" | "delete", "/budgets/{id}/ballot") | ("post", "/budgets/{id}/ballot/submit") => {
            Contributors
        }
        ("get", "/budgets/{id}/results" | "/budgets/{id}/export.pb") => {
            if state == State::FinishedProcedure {
                Anyone
            } else {
                Planners
            }
        }
        // Server functions without a REST twin.
        (
            "fn",
            "who_am_i" | "set_language" | "get_legal_page" | "list_districts" | "address_field",
        ) => Anyone,
        // Signing out without a session only clears the cookie: a page whose session ran
        // out still signs out without an error.
        ("fn", "logout") => Anyone,
        // The results page's call answers anyone, but before voting has ended only with
        // the date the results become public (checked below); the figures are the planners'.
        ("fn", "get_results") => Anyone,
        // A budget's results page likewise: before voting has ended, the budget alone.
        ("fn", "budget_results_page") => Anyone,
        ("fn", "list_users") => Admins,
        // A proposal's photos page: its author adds and removes, moderators hide.
        ("fn", "get_photo_desk") => AuthorOrModerators,
        (
            "fn",
            "planner_procedures"
            | "procedure_editor_values"
            | "get_results_dashboard"
            | "budget_overview"
            | "budget_desk"
            | "project_desk"
            | "get_opinion_desk"
            | "get_implementation_desk"
            | "list_opinions"
            | "district_overview"
            | "area_page",
        ) => Planners,
        _ => return None,
    })
}

/// Whether `actor` may get a 2xx for the operation on an item in `state`: the row, narrowed
/// by the state. A draft's everything is the planners'; a pending proposal exists only for
/// its author and moderators; of a hidden one everyone reads the notice, but only its
/// author and moderators act on it; a withdrawn one takes no votes, comments or edits.
/// Stopping to follow is always possible and answers alike for any number (it tells
/// nothing), and one's own vote can always be taken back from a hidden proposal.
fn admitted(method: &str, path: &str, state: State, who: Who, actor: Actor) -> bool {
    let write = method != "get";
    let author_or_moderator = matches!(actor, Actor::Owner | Actor::Moderator | Actor::Admin);
    let unfollow = (method, path) == ("delete", "/proposals/{id}/follow");
    let by_state = match state {
        State::DraftProcedure => matches!(actor, Actor::Planner | Actor::Admin),
        State::PendingProposal => author_or_moderator || unfollow,
        State::HiddenProposal => {
            !write
                || author_or_moderator
                || unfollow
                || (method, path) == ("delete", "/proposals/{id}/vote")
        }
        State::WithdrawnProposal => {
            !(write
                && matches!(
                    path,
                    "/proposals/{id}" | "/proposals/{id}/vote" | "/proposals/{id}/comments"
                ))
        }
        State::None | State::Open | State::FinishedProcedure => true,
    };
    who.admits(actor) && by_state
}

/// The items every state names.
struct Items {
    open: &'static str,
    draft: String,
    finished: &'static str,
    visible: i64,
    pending: i64,
    hidden: i64,
    withdrawn: i64,
    comment: i64,
    batch: i64,
    other_id: i64,
    blocked_id: i64,
    /// A budget, a project and a paper batch of it in the open, draft and finished
    /// procedure.
    budgets: [(i64, i64, i64); 3],
}

/// The concrete paths (and their items' states) for an operation's template.
fn instances(path: &str, items: &Items) -> Vec<(String, State)> {
    let proposals = [
        (items.visible, State::Open),
        (items.pending, State::PendingProposal),
        (items.hidden, State::HiddenProposal),
        (items.withdrawn, State::WithdrawnProposal),
    ];
    let procedures = [
        (items.open.to_owned(), State::Open),
        (items.draft.clone(), State::DraftProcedure),
        (items.finished.to_owned(), State::FinishedProcedure),
    ];
    if path.starts_with("/proposals/{id}") {
        return proposals
            .iter()
            .map(|(id, state)| (path.replace("{id}", &id.to_string()), *state))
            .collect();
    }
    if path.starts_with("/budgets/{id}")
        || path.starts_with("/projects/{id}")
        || path.starts_with("/paper-batches/{id}")
    {
        let states = [State::Open, State::DraftProcedure, State::FinishedProcedure];
        return items
            .budgets
            .iter()
            .zip(states)
            .map(|(&(budget, project, batch), state)| {
                let id = if path.starts_with("/budgets") {
                    budget
                } else if path.starts_with("/projects") {
                    project
                } else {
                    batch
                };
                (path.replace("{id}", &id.to_string()), state)
            })
            .collect();
    }
    if path.contains("/onsite-imports/{id}") {
        return vec![(
            path.replace("{slug}", items.open)
                .replace("{id}", &items.batch.to_string()),
            State::Open,
        )];
    }
    if path.contains("{slug}") {
        return procedures
            .iter()
            .map(|(slug, state)| {
                (
                    path.replace("{slug}", slug).replace("{file}", "export.csv"),
                    *state,
                )
            })
            .collect();
    }
    let id = match path {
        "/comments/{id}" => items.comment,
        "/users/{id}/role" => items.other_id,
        "/moderation/blocks/{id}" => items.blocked_id,
        _ => 1,
    };
    vec![(path.replace("{id}", &id.to_string()), State::None)]
}

/// A body that would be valid for a caller the row admits, so that only the caller decides.
fn body(method: &str, path: &str, items: &Items, n: usize) -> Value {
    let at = |days: i64| (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339();
    let procedure = |slug: &str| {
        json!({
            "slug": slug, "title": "Lärmaktionsplan", "department": "Umweltamt",
            "phases": [{ "kind": "proposals", "starts_at": at(-1), "ends_at": at(5) },
                       { "kind": "voting", "starts_at": at(5), "ends_at": at(9) }],
            "vote_rule": { "kind": "rating" }
        })
    };
    match (method, path) {
        ("patch", "/me") => json!({ "display_name": "Neuer Name" }),
        ("post", "/me/password") => {
            json!({ "current_password": PASSWORD, "password": "Ganz-neues-Passwort-2026" })
        }
        ("post", "/me/email") => json!({ "email": format!("neu{n}@example.org") }),
        ("put", "/users/{id}/role") => json!({ "role": "moderator" }),
        ("post", "/procedures") => procedure(&format!("matrix-{n}")),
        ("put", "/procedures/{slug}") => procedure(items.open),
        ("patch", "/procedures/{slug}") => json!({ "title": "Lärmaktionsplan 2027" }),
        ("put", "/procedures/{slug}/publication") => json!({ "published": false }),
        ("patch", "/procedures/{slug}/image") => json!({ "alt": "Ein Luftbild des Platzes" }),
        ("post", "/procedures/{slug}/proposals") => {
            json!({ "title": format!("Vorschlag {n}"), "body": "Ein Text, der lang genug ist." })
        }
        ("post", "/procedures/{slug}/onsite-imports") => json!({
            "event": "Werkstatt Süd", "csv": format!("Titel;Text\nVorschlag {n};Ein Text, der lang genug ist.\n")
        }),
        ("patch", "/proposals/{id}") => {
            json!({ "title": "Neuer Titel", "body": "Ein neuer Text, lang genug." })
        }
        ("post", "/proposals/{id}/withdraw") => json!({ "note": "Zurückgezogen." }),
        ("post", "/proposals/{id}/comments") => json!({ "body": format!("Kommentar {n}") }),
        ("put", "/proposals/{id}/vote") => json!({ "value": 1 }),
        ("patch", "/comments/{id}") => json!({ "body": "Geänderter Kommentar" }),
        ("post", "/reports") => json!({
            "target": { "kind": "proposal", "id": items.visible }, "reason": "spam", "note": ""
        }),
        ("post", "/objections") => json!({
            "target": { "kind": "proposal", "id": items.hidden }, "text": "Das war sachlich."
        }),
        ("post", "/moderation/decisions") => json!({
            "target": { "kind": "proposal", "id": items.visible }, "action": "hide", "reason": "spam"
        }),
        ("post", "/moderation/claims") => json!({ "queue_id": 1 }),
        ("put", "/moderation/settings") => {
            json!({ "report_threshold": 3, "screen_words": "", "screen_link_limit": 3 })
        }
        ("put", "/procedures/{slug}/council-paper") => json!({
            "url": "https://rat.example/paper/1", "reference": "DS 1/2026", "title": "Vorlage"
        }),
        ("put", "/proposals/{id}/outcome" | "/projects/{id}/outcome") => {
            json!({ "outcome": "adopted", "justification": "" })
        }
        ("post", "/proposals/{id}/implementation" | "/projects/{id}/implementation") => json!({
            "status": "in_progress", "note": "Die Arbeiten haben begonnen."
        }),
        ("put", "/proposals/{id}/opinion/request") => {
            json!({ "unit": "Tiefbauamt", "due_on": "2099-01-01" })
        }
        ("post", "/procedures/{slug}/opinions/selection") => json!({
            "top": 2, "per_district": 1, "unit": "Kämmerei", "due_on": "2099-01-01"
        }),
        ("put", "/proposals/{id}/opinion") => json!({
            "verdict": "feasible", "text": "Die Fachverwaltung hält den Vorschlag für umsetzbar."
        }),
        ("post", "/procedures/{slug}/budgets") => json!({
            "title": format!("Budget {n}"), "total_cents": 1_000_000,
            "rule": { "kind": "approval", "min_projects": 1, "max_projects": 3 }, "method": "greedy"
        }),
        ("patch", "/budgets/{id}" | "/projects/{id}") => json!({ "title": format!("Neu {n}") }),
        ("post", "/budgets/{id}/projects") => {
            json!({ "title": format!("Projekt {n}"), "cost_cents": 1_000 })
        }
        ("put", "/budgets/{id}/ballot") => json!({ "project_ids": [] }),
        ("post", "/budgets/{id}/paper-batches") => json!({ "label": format!("Stapel {n}") }),
        ("post", "/paper-batches/{id}/ballots") => json!({ "project_ids": [items.budgets[0].1] }),
        ("post", "/budgets/{id}/decisions") => json!({
            "project_id": items.budgets[0].1, "outcome": "fund",
            "reason": "Der Rat hat das Projekt nachträglich priorisiert."
        }),
        _ => json!({}),
    }
}

/// An instance with the demo procedures, a session for every kind of caller, and items in
/// every state; `token(actor)` is the session of a kind of caller.
async fn fixture() -> Fixture {
    let app = TestApp::new().await.with_demo().await;
    let db = &app.state.db;
    let owner = app.resident("eigen@example.org").await;
    let other = app.resident("andere@example.org").await;
    let blocked = app.resident("gesperrt@example.org").await;
    app.register("neu@example.org").await;
    let unverified = app.login("neu@example.org").await;
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let admin = app.with_role("admin@example.org", Role::Admin).await;
    let id_of = |email: &'static str| async move {
        user::Entity::find()
            .filter(user::Column::Email.eq(email))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let blocked_id = id_of("gesperrt@example.org").await;
    user::Entity::update_many()
        .col_expr(user::Column::BlockedAt, Expr::value(chrono::Utc::now()))
        .filter(user::Column::Id.eq(blocked_id))
        .exec(db)
        .await
        .unwrap();

    // The owner's proposals in each state, and a comment.
    let propose = |title: &'static str| {
        let (app, owner) = (&app, owner.clone());
        async move {
            let created = app
                .json(
                    "POST",
                    "/api/v1/procedures/radverkehr-2030/proposals",
                    json!({ "title": title, "body": "Ein Text, der lang genug ist." }),
                    Some(&owner),
                )
                .await;
            assert_eq!(created.status, 201, "{}", created.body);
            serde_json::from_str::<Value>(&created.body).unwrap()["id"]
                .as_i64()
                .unwrap()
        }
    };
    let visible = propose("Sichtbar").await;
    let pending = propose("Wartet").await;
    let hidden = propose("Ausgeblendet").await;
    let withdrawn = propose("Zurückgezogen").await;
    for (id, column, value) in [
        (pending, proposal::Column::Visibility, "pending"),
        (hidden, proposal::Column::Visibility, "hidden"),
        (withdrawn, proposal::Column::Status, "withdrawn"),
    ] {
        proposal::Entity::update_many()
            .col_expr(column, Expr::value(value))
            .filter(proposal::Column::Id.eq(id))
            .exec(db)
            .await
            .unwrap();
    }
    let comment = app
        .json(
            "POST",
            &format!("/api/v1/proposals/{visible}/comments"),
            json!({ "body": "Mein Kommentar" }),
            Some(&owner),
        )
        .await;
    let comment = serde_json::from_str::<Value>(&comment.body).unwrap()["id"]
        .as_i64()
        .unwrap();
    let draft = app
        .json(
            "POST",
            "/api/v1/procedures",
            body("post", "/procedures", &dummy_items(), 0),
            Some(&planner),
        )
        .await;
    assert_eq!(draft.status, 201, "{}", draft.body);
    let batch = app
        .json(
            "POST",
            "/api/v1/procedures/radverkehr-2030/onsite-imports",
            json!({ "event": "Werkstatt", "csv": "Titel;Text\nEin Titel;Ein Text, der lang genug ist.\n" }),
            Some(&planner),
        )
        .await;
    let batch = serde_json::from_str::<Value>(&batch.body).unwrap()["id"]
        .as_i64()
        .unwrap();
    let items = Items {
        open: "radverkehr-2030",
        draft: "matrix-0".to_owned(),
        finished: "spielplaetze-nord",
        visible,
        pending,
        hidden,
        withdrawn,
        comment,
        batch,
        other_id: id_of("andere@example.org").await,
        blocked_id,
        budgets: [
            budget_in(&app, "radverkehr-2030").await,
            budget_in(&app, "matrix-0").await,
            budget_in(&app, "spielplaetze-nord").await,
        ],
    };
    let sessions = [unverified, owner, other, blocked, moderator, planner, admin];
    Fixture {
        app,
        sessions,
        items,
    }
}

/// A budget with one project on its ballot and an unconfirmed paper batch, in a procedure
/// whatever its stage.
async fn budget_in(app: &TestApp, slug: &str) -> (i64, i64, i64) {
    use app::backend::entity::procedure;
    let procedure = procedure::Entity::find()
        .filter(procedure::Column::Slug.eq(slug))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let (budget, projects) = crate::fixtures::budget_rows(app, procedure.id, 3, 1).await;
    let batch = app::backend::entity::budget_paper_batch::ActiveModel {
        budget_id: sea_orm::Set(budget),
        label: sea_orm::Set("Urne Rathaus".to_owned()),
        entered_by: sea_orm::Set(None),
        confirmed_by: sea_orm::Set(None),
        confirmed_at: sea_orm::Set(None),
        created_at: sea_orm::Set(chrono::Utc::now()),
        ..Default::default()
    };
    let batch = sea_orm::ActiveModelTrait::insert(batch, &app.state.db)
        .await
        .unwrap();
    (budget, projects[0], batch.id)
}

struct Fixture {
    app: TestApp,
    /// The sessions of every actor but the anonymous one, in `ACTORS` order.
    sessions: [String; 7],
    items: Items,
}

impl Fixture {
    fn token(&self, actor: Actor) -> Option<String> {
        let index = ACTORS.iter().position(|a| *a == actor)?;
        index
            .checked_sub(1)
            .and_then(|i| self.sessions.get(i))
            .cloned()
    }
}

#[tokio::test]
async fn no_caller_gets_beyond_the_access_table() {
    let fixture = fixture().await;
    let (app, items) = (&fixture.app, &fixture.items);
    let token = |actor: Actor| fixture.token(actor);
    let spec: Value = serde_json::from_str(&app.get("/api/v1/openapi.json").await.body).unwrap();
    let mut operations = Vec::new();
    for (path, methods) in spec["paths"].as_object().unwrap() {
        let path = path.strip_prefix("/api/v1").unwrap_or(path).to_owned();
        for method in methods.as_object().unwrap().keys() {
            operations.push((method.clone(), path.clone()));
        }
    }
    let mut unlisted = Vec::new();
    let mut violations = Vec::new();
    let (mut checked, mut sent, mut n) = (0usize, 0usize, 1usize);
    for (method, template) in &operations {
        for (path, state) in instances(template, items) {
            let Some(who) = row(method, template, state) else {
                unlisted.push(format!("{} {template}", method.to_uppercase()));
                break;
            };
            for actor in ACTORS {
                checked += 1;
                if admitted(method, template, state, who, actor) {
                    continue;
                }
                n += 1;
                sent += 1;
                let url = format!("/api/v1{path}");
                let response = if method == "get" {
                    match token(actor) {
                        Some(token) => app.get_as(&url, &token).await,
                        None => app.get(&url).await,
                    }
                } else {
                    app.json(
                        &method.to_uppercase(),
                        &url,
                        body(method, template, items, n),
                        token(actor).as_deref(),
                    )
                    .await
                };
                let status = response.status.as_u16();
                if (200..300).contains(&status) || status >= 500 {
                    violations.push(format!(
                        "{} {path} ({state:?}) as {actor:?}: {status} {}",
                        method.to_uppercase(),
                        response.body.chars().take(160).collect::<String>()
                    ));
                }
            }
        }
    }
    eprintln!(
        "authorisation matrix: {} operations, {checked} operation × caller × state cases, {sent} refusals checked",
        operations.len()
    );
    assert!(
        unlisted.is_empty(),
        "operations without a row in the access table: {unlisted:?}"
    );
    assert!(
        violations.is_empty(),
        "access beyond the table:\n{}",
        violations.join("\n")
    );
    assert!(
        operations.len() > 60 && sent > 300,
        "{} operations, {sent} sent",
        operations.len()
    );
}

/// Items for building a body before the real ones exist.
fn dummy_items() -> Items {
    Items {
        open: "radverkehr-2030",
        draft: String::new(),
        finished: "spielplaetze-nord",
        visible: 0,
        pending: 0,
        hidden: 0,
        withdrawn: 0,
        comment: 0,
        batch: 0,
        other_id: 0,
        blocked_id: 0,
        budgets: [(0, 0, 0); 3],
    }
}

/// Every server function (the pages' own calls under `/api/`), as the REST operation it
/// mirrors in the access table (or its own row, method `fn`), with arguments as the page
/// posts them. `{id}` is a proposal in each state, `{slug}` a procedure in each state; the
/// other placeholders name fixed items.
#[rustfmt::skip]
const SERVER_FUNCTIONS: &[(&str, &str, &str, &str)] = &[
    ("who_am_i", "fn", "who_am_i", ""),
    ("register", "post", "/auth/register", "email=neu{n}%40example.org&display_name=Neu&password=Lindenallee-Radweg-2026&accept_terms=on"),
    ("login", "post", "/auth/login", "email=eigen%40example.org&password=falsch"),
    ("logout", "fn", "logout", ""),
    ("confirm_email", "post", "/auth/verify", "token=0000"),
    ("resend_verification", "post", "/auth/verify/resend", ""),
    ("request_password_reset", "post", "/auth/password-reset", "email=eigen%40example.org"),
    ("reset_password", "post", "/auth/password-reset/confirm", "token=0000&password=Ganz-neues-Passwort-2026"),
    ("update_profile", "patch", "/me", "display_name=Neuer+Name&lang=de"),
    ("change_email", "post", "/me/email", "email=neu{n}%40example.org"),
    ("change_password", "post", "/me/password", "current_password=Lindenallee-Radweg-2026&password=Ganz-neues-Passwort-2026"),
    ("logout_everywhere", "post", "/auth/logout-everywhere", ""),
    ("delete_account", "delete", "/me", "confirm=on"),
    ("list_users", "fn", "list_users", "query="),
    ("set_user_role", "put", "/users/{id}/role", "user_id={other}&role=moderator"),
    ("report", "post", "/reports", "kind=proposal&id={visible}&reason=spam&note="),
    ("object", "post", "/objections", "kind=proposal&id={hidden}&text=Das+war+sachlich."),
    ("decide", "post", "/moderation/decisions", "form[kind]=proposal&form[id]={visible}&form[action]=hide&form[reason]=spam"),
    ("decide_many", "post", "/moderation/decisions", "targets[0]=proposal-{visible}&action=hide&reason=spam"),
    ("claim", "post", "/moderation/claims", "queue_id=1"),
    ("unblock", "delete", "/moderation/blocks/{id}", "user_id={blocked}"),
    ("save_moderation_settings", "put", "/moderation/settings", "report_threshold=3&screen_words=&screen_link_limit=3"),
    ("get_queue", "get", "/moderation/queue", ""),
    ("get_ledger", "get", "/moderation/ledger", ""),
    ("get_moderation_stats", "get", "/moderation/stats", ""),
    ("get_moderation_settings", "get", "/moderation/settings", ""),
    ("list_procedures", "get", "/procedures", "filter=all"),
    ("get_procedure", "get", "/procedures/{slug}", "slug={slug}"),
    ("planner_procedures", "fn", "planner_procedures", ""),
    ("procedure_editor_values", "fn", "procedure_editor_values", "slug={slug}"),
    ("save_procedure", "post", "/procedures", "original=&form[slug]=fn-{n}&form[title]=L%C3%A4rmaktionsplan&form[summary]=&form[description]=&form[department]=Umweltamt&form[contact]=&form[categories]=&form[vote_rule]=rating&form[vote_cap]=&form[vote_phase]=voting&form[moderation]=post&form[phases][0][kind]=proposals&form[phases][0][first_day]=2027-01-04&form[phases][0][last_day]=2027-01-31"),
    ("publish_procedure", "put", "/procedures/{slug}/publication", "slug={slug}&publish=0"),
    ("set_start_notice", "put", "/procedures/{slug}/start-notice", "slug={slug}&notify=1"),
    ("list_proposals", "get", "/procedures/{slug}/proposals", "slug={slug}"),
    ("create_proposal", "post", "/procedures/{slug}/proposals", "slug={slug}&title=Vorschlag+{n}&body=Ein+Text%2C+der+lang+genug+ist."),
    ("get_onsite_import", "get", "/procedures/{slug}/onsite-imports/{id}", "slug=radverkehr-2030&batch={batch}"),
    ("confirm_onsite_import", "post", "/procedures/{slug}/onsite-imports/{id}/import", "slug=radverkehr-2030&batch={batch}"),
    ("get_results", "fn", "get_results", "slug={slug}"),
    ("get_results_dashboard", "fn", "get_results_dashboard", "slug={slug}&page=1"),
    ("save_council_paper", "put", "/procedures/{slug}/council-paper", "slug={slug}&url=https%3A%2F%2Frat.example%2Fpaper%2F1&reference=DS+1%2F2026&paper_title=Vorlage"),
    ("import_oparl", "post", "/procedures/{slug}/council-paper/import", "slug={slug}&url=https%3A%2F%2Frat.example%2Foparl"),
    ("record_outcome", "put", "/proposals/{id}/outcome", "slug=radverkehr-2030&proposal_id={id}&form[outcome]=adopted&form[justification]="),
    ("get_proposal", "get", "/proposals/{id}", "id={id}"),
    ("edit_proposal", "patch", "/proposals/{id}", "id={id}&title=Neuer+Titel&body=Ein+neuer+Text%2C+lang+genug."),
    ("withdraw_proposal", "post", "/proposals/{id}/withdraw", "id={id}&note=Zur%C3%BCckgezogen."),
    ("vote", "put", "/proposals/{id}/vote", "id={id}&value=1"),
    ("follow", "put", "/proposals/{id}/follow", "id={id}&follow=1"),
    ("add_comment", "post", "/proposals/{id}/comments", "proposal_id={id}&body=Kommentar+{n}"),
    ("edit_comment", "patch", "/comments/{id}", "id={comment}&body=Ge%C3%A4nderter+Kommentar"),
    ("delete_comment", "delete", "/comments/{id}", "id={comment}"),
    ("set_language", "fn", "set_language", "lang=en"),
    ("get_legal_page", "fn", "get_legal_page", "page=imprint&lang=de"),
    ("procedure_budgets", "get", "/procedures/{slug}/budgets", "slug={slug}"),
    ("budget_page", "get", "/budgets/{id}", "slug={slug}&id={budget}"),
    ("budget_results_page", "fn", "budget_results_page", "slug={slug}&id={budget}"),
    ("save_ballot", "put", "/budgets/{id}/ballot", "slug={slug}&budget={budget}&choice[{project}]=1&then=save"),
    ("withdraw_ballot", "delete", "/budgets/{id}/ballot", "slug={slug}&budget={budget}"),
    ("budget_overview", "fn", "budget_overview", "slug={slug}"),
    ("create_budget", "post", "/procedures/{slug}/budgets", "slug={slug}&form[title]=Budget+{n}&form[total]=1.000&form[rule]=approval&form[min_projects]=1&form[max_projects]=3&form[method]=greedy&form[reminder_days]=3"),
    ("budget_desk", "fn", "budget_desk", "id={budget}"),
    ("update_budget", "patch", "/budgets/{id}", "id={budget}&form[title]=Budget+{n}&form[total]=1.000&form[rule]=approval&form[min_projects]=1&form[max_projects]=3&form[method]=greedy&form[reminder_days]=3"),
    ("create_project", "post", "/budgets/{id}/projects", "budget={budget}&form[title]=Projekt+{n}&form[cost]=500"),
    ("project_desk", "fn", "project_desk", "id={project}"),
    ("update_project", "patch", "/projects/{id}", "id={project}&form[title]=Projekt+{n}&form[cost]=500&form[feasibility]=feasible&form[selected]=on"),
    ("withdraw_project", "patch", "/projects/{id}", "id={project}&confirm=on"),
    ("start_paper_batch", "post", "/budgets/{id}/paper-batches", "budget={budget}&label=Stapel+{n}"),
    ("batch_desk", "get", "/paper-batches/{id}", "id={paper}"),
    ("enter_paper_ballot", "post", "/paper-batches/{id}/ballots", "batch={paper}&choice[{project}]=1"),
    ("confirm_paper_batch", "post", "/paper-batches/{id}/confirm", "batch={paper}"),
    ("discard_paper_batch", "delete", "/paper-batches/{id}", "batch={paper}&confirm=on"),
    ("record_implementation", "post", "/proposals/{id}/implementation", "proposal_id={id}&form[status]=in_progress&form[note]=Die+Arbeiten+haben+begonnen."),
    ("record_project_implementation", "post", "/projects/{id}/implementation", "id={project}&form[status]=in_progress&form[note]=Die+Arbeiten+haben+begonnen."),
    ("record_project_outcome", "put", "/projects/{id}/outcome", "id={project}&form[outcome]=adopted&form[justification]="),
    ("select_for_opinion", "post", "/procedures/{slug}/opinions/selection", "slug={slug}&form[top]=2&form[per_district]=1&form[unit]=K%C3%A4mmerei&form[due_on]=2099-01-01"),
    ("list_districts", "fn", "list_districts", ""),
    ("address_field", "fn", "address_field", "typed=Parkstra%C3%9Fe+1"),
    ("district_overview", "fn", "district_overview", ""),
    ("area_page", "fn", "area_page", "slug={slug}"),
    ("set_area_districts", "put", "/procedures/{slug}/area", "slug={slug}&district[0]=01"),
    ("clear_area", "delete", "/procedures/{slug}/area", "slug={slug}"),
    ("get_opinion_desk", "fn", "get_opinion_desk", "proposal_id={id}"),
    ("get_implementation_desk", "fn", "get_implementation_desk", "proposal_id={id}"),
    ("get_photo_desk", "fn", "get_photo_desk", "proposal_id={id}"),
    ("list_opinions", "fn", "list_opinions", "slug={slug}&page=0"),
    ("request_opinion", "put", "/proposals/{id}/opinion/request", "proposal_id={id}&form[unit]=Tiefbauamt&form[due_on]=2099-01-01"),
    ("answer_opinion", "put", "/proposals/{id}/opinion", "proposal_id={id}&form[verdict]=feasible&form[text]=Die+Fachverwaltung+h%C3%A4lt+ihn+f%C3%BCr+umsetzbar."),
    ("decide_result", "post", "/budgets/{id}/decisions", "slug={slug}&budget={budget}&form[project_id]={project}&form[outcome]=fund&form[reason]=Der+Rat+hat+das+Projekt+nachtr%C3%A4glich+priorisiert."),
];

/// The states a server function's arguments can name, with the arguments for each.
fn fn_instances(args: &str, items: &Items, n: usize) -> Vec<(String, State)> {
    let fill = |args: &str| {
        args.replace("{visible}", &items.visible.to_string())
            .replace("{hidden}", &items.hidden.to_string())
            .replace("{comment}", &items.comment.to_string())
            .replace("{batch}", &items.batch.to_string())
            .replace("{other}", &items.other_id.to_string())
            .replace("{blocked}", &items.blocked_id.to_string())
            .replace("{n}", &n.to_string())
    };
    let args = fill(args);
    if args.contains("{id}") {
        return [
            (items.visible, State::Open),
            (items.pending, State::PendingProposal),
            (items.hidden, State::HiddenProposal),
            (items.withdrawn, State::WithdrawnProposal),
        ]
        .iter()
        .map(|(id, state)| (args.replace("{id}", &id.to_string()), *state))
        .collect();
    }
    if ["{budget}", "{project}", "{paper}"]
        .iter()
        .any(|placeholder| args.contains(placeholder))
    {
        // A budget of each procedure, under its procedure's address.
        let slugs = [items.open, items.draft.as_str(), items.finished];
        let states = [State::Open, State::DraftProcedure, State::FinishedProcedure];
        return items
            .budgets
            .iter()
            .zip(slugs.iter().zip(states))
            .map(|(&(budget, project, paper), (slug, state))| {
                let args = args
                    .replace("{slug}", slug)
                    .replace("{budget}", &budget.to_string())
                    .replace("{project}", &project.to_string())
                    .replace("{paper}", &paper.to_string());
                (args, state)
            })
            .collect();
    }
    if args.contains("{slug}") {
        return [
            (items.open, State::Open),
            (items.draft.as_str(), State::DraftProcedure),
            (items.finished, State::FinishedProcedure),
        ]
        .iter()
        .map(|(slug, state)| (args.replace("{slug}", slug), *state))
        .collect();
    }
    vec![(args, State::None)]
}

/// The other half of the matrix: the server functions the pages call, as the hydrated page
/// calls them (urlencoded, `Accept: application/json`, the session cookie), against the same
/// access table. A function missing from `SERVER_FUNCTIONS` fails the test. Refusals must be
/// 4xx but never 400 (a 400 would mean the arguments did not decode, and the refusal would
/// prove nothing); reads are also sent as every caller the table admits and must answer 2xx.
#[tokio::test]
async fn no_caller_gets_beyond_the_access_table_through_server_functions() {
    let fixture = fixture().await;
    let (app, items) = (&fixture.app, &fixture.items);
    let registered: Vec<(String, String)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path.to_owned(), method.to_string()))
        .collect();
    let mut unlisted = Vec::new();
    for (path, _) in &registered {
        let name = path.strip_prefix("/api/").unwrap_or(path);
        if !SERVER_FUNCTIONS.iter().any(|(f, ..)| *f == name) {
            unlisted.push(path.clone());
        }
    }
    assert!(
        unlisted.is_empty(),
        "server functions without a row: {unlisted:?}"
    );

    let mut violations = Vec::new();
    let (mut checked, mut refusals, mut reads, mut n) = (0usize, 0usize, 0usize, 1usize);
    for (name, method, template, args) in SERVER_FUNCTIONS {
        let Some((path, http_method)) = registered
            .iter()
            .find(|(path, _)| path.strip_prefix("/api/") == Some(*name))
        else {
            violations.push(format!("{name}: listed but not registered"));
            continue;
        };
        let read = *method == "get"
            || matches!(
                *name,
                "who_am_i"
                    | "get_legal_page"
                    | "get_results"
                    | "budget_results_page"
                    | "list_users"
                    | "planner_procedures"
                    | "procedure_editor_values"
                    | "get_results_dashboard"
            );
        for (args, state) in fn_instances(args, items, n) {
            let Some(who) = row(method, template, state) else {
                violations.push(format!(
                    "{name}: no row for {method} {template} in {state:?}"
                ));
                break;
            };
            for actor in ACTORS {
                checked += 1;
                let admitted = admitted(method, template, state, who, actor);
                if admitted && !read {
                    continue;
                }
                n += 1;
                let mut headers = vec![
                    (
                        "content-type",
                        "application/x-www-form-urlencoded".to_owned(),
                    ),
                    ("accept", "application/json".to_owned()),
                ];
                if let Some(token) = fixture.token(actor) {
                    headers.push(("cookie", format!("mitreden_session={token}")));
                }
                let request = if http_method == "GET" {
                    http::Request::get(format!("{path}?{args}")).body(axum::body::Body::empty())
                } else {
                    headers.push(("content-length", args.len().to_string()));
                    http::Request::post(path.as_str()).body(axum::body::Body::from(args.clone()))
                };
                let mut request = request.unwrap();
                for (header, value) in &headers {
                    request
                        .headers_mut()
                        .insert(*header, http::HeaderValue::from_str(value).unwrap());
                }
                let response = app.send(request).await;
                let status = response.status.as_u16();
                let wrong = if admitted {
                    reads += 1;
                    let early_results = *name == "get_results"
                        && state == State::Open
                        && !Who::Planners.admits(actor);
                    !(200..300).contains(&status)
                        || (early_results && !response.body.starts_with("{\"Pending\""))
                } else {
                    refusals += 1;
                    !(400..500).contains(&status) || status == 400
                };
                if wrong {
                    violations.push(format!(
                        "{name}({args}) ({state:?}) as {actor:?}: {status} {}",
                        response.body.chars().take(160).collect::<String>()
                    ));
                }
            }
        }
    }
    eprintln!(
        "authorisation matrix, server functions: {} functions, {checked} function × caller × state cases, {refusals} refusals and {reads} admitted reads checked",
        SERVER_FUNCTIONS.len()
    );
    assert!(
        violations.is_empty(),
        "server functions beyond the table:\n{}",
        violations.join("\n")
    );
    assert!(
        registered.len() >= 50 && refusals > 300,
        "{refusals} refusals"
    );
}
