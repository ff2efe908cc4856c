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
        ("patch", "/procedures/{slug}") | ("put", "/procedures/{slug}/publication") => Planners,
        (_, "/procedures/{slug}/image") => Planners,
        ("put", "/procedures/{slug}/start-notice") => Contributors,
        ("delete", "/procedures/{slug}/start-notice") => SignedIn,
        ("get", "/procedures/{slug}/proposals") => Anyone,
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
        ("put" | "delete", "/proposals/{id}/outcome") => Planners,
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
        ("patch", "/procedures/{slug}") => procedure(items.open),
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
        ("put", "/proposals/{id}/outcome") => json!({ "outcome": "adopted", "justification": "" }),
        _ => json!({}),
    }
}

#[tokio::test]
async fn no_caller_gets_beyond_the_access_table() {
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
            serde_json::from_str::<Value>(&created.body).unwrap()["card"]["id"]
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
    };
    let token = |actor: Actor| match actor {
        Actor::Anonymous => None,
        Actor::Unverified => Some(unverified.clone()),
        Actor::Owner => Some(owner.clone()),
        Actor::Other => Some(other.clone()),
        Actor::Blocked => Some(blocked.clone()),
        Actor::Moderator => Some(moderator.clone()),
        Actor::Planner => Some(planner.clone()),
        Actor::Admin => Some(admin.clone()),
    };

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
        for (path, state) in instances(template, &items) {
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
                        body(method, template, &items, n),
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
    }
}
