//! Reports, objections, the moderation queue, decisions, claims, statistics, settings and
//! the public ledger: the same services as the pages.

use super::doc::{Api, Doc};
use super::{ApiError, ApiResult, Authenticated, Json, PathId};
use app::backend::service::moderation;
use app::backend::state::AppState;
use app::error::AppError;
use app::model::ledger::Ledger;
use app::model::moderation::{
    Decision, ModerationActionKind, ModerationReason, ModerationSettings, ModerationStats,
    QueueFilter, QueueView, ReportInput, ReportOutcome, SettingsView, Target,
};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post, put};
use chrono::Utc;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;

pub fn api() -> Api {
    let tag = "moderation";
    let cursor = json!({ "type": "string" });
    Api::default()
        .op("post", "/reports", post(create_report), Doc::new(tag, "Report a proposal or comment")
            .describe("Verified residents; one report per person and item. 201 for a new report, 200 when this person had already reported it.")
            .signed_in()
            .body::<ReportInput>()
            .ok::<ReportAnswer>(201, "Reported.")
            .ok::<ReportAnswer>(200, "Already reported by this person.")
            .errors(&[403, 404, 409]))
        .op("post", "/objections", post(create_objection), Doc::new(tag, "Object to a hide (the author, once)")
            .signed_in()
            .body::<ObjectionBody>()
            .empty(201, "The item is back in the queue.")
            .errors(&[403, 404, 409]))
        .op("get", "/moderation/queue", get(queue), Doc::new(tag, "The moderation queue (moderators), oldest first")
            .signed_in()
            .query("procedure", "A procedure's slug.", json!({ "type": "string" }))
            .query("kind", "pending, reported, screened or objection.", json!({ "type": "string" }))
            .query("reason", "A report reason.", json!({ "type": "string" }))
            .query("age", "Only items older than this many days.", json!({ "type": "integer", "minimum": 0 }))
            .query("cursor", "From `next_cursor` of the previous page.", cursor.clone())
            .ok::<QueueView>(200, "One page of the queue.")
            .errors(&[403]))
        .op("post", "/moderation/decisions", post(create_decision), Doc::new(tag, "Decide on one item (`target`) or several (`targets`)")
            .describe("Moderators. Every decision is a ledger row and, in the same transaction, a mail to the author.")
            .signed_in()
            .body::<DecisionBody>()
            .ok::<DecisionAnswer>(201, "One item decided.")
            .ok::<DecisionAnswer>(200, "Several items: how many were decided and skipped.")
            .errors(&[403, 404, 409]))
        .op("post", "/moderation/claims", post(create_claim), Doc::new(tag, "Claim a queue item for 15 minutes")
            .signed_in()
            .body::<ClaimBody>()
            .empty(204, "Claimed.")
            .errors(&[403, 404, 409]))
        .op("delete", "/moderation/claims/{id}", delete(release_claim), Doc::new(tag, "Release a claim")
            .signed_in()
            .empty(204, "Released.")
            .errors(&[403, 404]))
        .op("get", "/moderation/ledger", get(ledger), Doc::new(tag, "The public moderation ledger, newest first")
            .query("cursor", "From `next_cursor` of the previous page.", cursor.clone())
            .ok::<Ledger>(200, "One page of the ledger.")
            .errors(&[422]))
        .op("get", "/procedures/{slug}/moderation/ledger", get(procedure_ledger), Doc::new(tag, "One procedure's moderation ledger")
            .query("cursor", "From `next_cursor` of the previous page.", cursor)
            .ok::<Ledger>(200, "One page of the ledger.")
            .errors(&[404, 422]))
        .op("get", "/moderation/stats", get(stats), Doc::new(tag, "Moderation statistics (moderators)")
            .signed_in()
            .ok::<ModerationStats>(200, "Open items, time to decision, decisions per procedure.")
            .errors(&[403]))
        .op("get", "/moderation/settings", get(get_settings), Doc::new(tag, "Moderation settings and blocked people (moderators)")
            .signed_in()
            .ok::<SettingsView>(200, "The settings.")
            .errors(&[403]))
        .op("put", "/moderation/settings", put(put_settings), Doc::new(tag, "Change the moderation settings (administrators)")
            .signed_in()
            .body::<ModerationSettings>()
            .ok::<ModerationSettings>(200, "The saved settings.")
            .errors(&[403]))
        .op("delete", "/moderation/blocks/{id}", delete(lift_block), Doc::new(tag, "Lift a block (moderators); the body is optional")
            .signed_in()
            .empty(204, "Lifted.")
            .errors(&[403, 404, 409, 422]))
}

#[derive(Serialize, JsonSchema)]
struct ReportAnswer {
    outcome: ReportOutcome,
}

#[derive(Serialize, JsonSchema)]
struct DecisionAnswer {
    decided: u64,
    skipped: u64,
}

/// A verified resident reports a proposal or comment: 201, or 200 when they had already.
async fn create_report(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Json(input): Json<ReportInput>,
) -> ApiResult<impl IntoResponse> {
    let outcome = moderation::report(&state.db, &user, input, Utc::now()).await?;
    let status = match outcome {
        ReportOutcome::Reported => StatusCode::CREATED,
        ReportOutcome::AlreadyReported => StatusCode::OK,
    };
    Ok((status, axum::Json(ReportAnswer { outcome })))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ObjectionBody {
    target: Target,
    text: String,
}

/// The author objects to a hide: 201.
async fn create_objection(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Json(body): Json<ObjectionBody>,
) -> ApiResult<impl IntoResponse> {
    moderation::object(&state.db, &user, body.target, &body.text, Utc::now()).await?;
    Ok(StatusCode::CREATED)
}

/// Moderators: open items, oldest first; `?procedure=&kind=&reason=&age=&cursor=`.
async fn queue(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    let filter = QueueFilter::from_params(|key| params.get(key).cloned());
    let view = moderation::queue(&state.db, &user, filter, Utc::now()).await?;
    Ok(axum::Json(view))
}

/// A decision as clients send it: one `target`, or several `targets` (approve or hide).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct DecisionBody {
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    targets: Option<Vec<Target>>,
    action: ModerationActionKind,
    #[serde(default)]
    reason: Option<ModerationReason>,
    #[serde(default)]
    public_reason: String,
    #[serde(default)]
    internal_note: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    block_days: Option<u32>,
    /// `merge`: the number of the proposal the target is merged into.
    #[serde(default)]
    merge_into: Option<i64>,
    /// `redact` on a proposal with a place: publish it only this precisely (`street`:
    /// rounded to about 100 m; `district`: the district alone).
    #[serde(default)]
    precision: Option<app::model::place::Precision>,
    /// `redact` on a proposal with photos: hide these photos (by id; a reason is required).
    #[serde(default)]
    hide_photos: Vec<i64>,
}

/// Moderators: 201 for one decision; for several, 200 with how many were decided.
async fn create_decision(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Json(body): Json<DecisionBody>,
) -> ApiResult<impl IntoResponse> {
    let now = Utc::now();
    let decision = |target| Decision {
        target,
        action: body.action,
        reason: body.reason,
        public_reason: body.public_reason.clone(),
        internal_note: body.internal_note.clone(),
        text: body.text.clone(),
        title: body.title.clone(),
        block_days: body.block_days,
        merge_into: body.merge_into,
        precision: body.precision,
        hide_photos: body.hide_photos.clone(),
    };
    match (body.target, body.targets.clone()) {
        (Some(target), None) => {
            moderation::decide(&state.db, &state.site, &user, decision(target), now).await?;
            Ok((
                StatusCode::CREATED,
                axum::Json(DecisionAnswer {
                    decided: 1,
                    skipped: 0,
                }),
            ))
        }
        (None, Some(targets)) => {
            let template = decision(
                targets
                    .first()
                    .copied()
                    .ok_or_else(|| ApiError(AppError::invalid("targets", "empty")))?,
            );
            let (done, skipped) =
                moderation::decide_many(&state.db, &state.site, &user, targets, template, now)
                    .await?;
            Ok((
                StatusCode::OK,
                axum::Json(DecisionAnswer {
                    decided: u64::from(done),
                    skipped: u64::from(skipped),
                }),
            ))
        }
        _ => Err(ApiError(AppError::invalid(
            "target",
            "give either target or targets",
        ))),
    }
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ClaimBody {
    queue_id: i64,
}

/// Moderators: claim an item for 15 minutes (409 when someone else holds it).
async fn create_claim(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Json(body): Json<ClaimBody>,
) -> ApiResult<impl IntoResponse> {
    moderation::claim(&state.db, &user, body.queue_id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn release_claim(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    moderation::release(&state.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Everyone: the instance-wide ledger, newest first (`?cursor=`).
async fn ledger(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    let ledger =
        moderation::ledger(&state.db, None, params.get("cursor").map(String::as_str)).await?;
    Ok(axum::Json(ledger))
}

/// Everyone: one procedure's ledger.
async fn procedure_ledger(
    State(state): State<AppState>,
    axum::extract::Path(slug): axum::extract::Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    let slug = super::path_slug(&slug)?;
    let ledger = moderation::ledger(
        &state.db,
        Some(&slug),
        params.get("cursor").map(String::as_str),
    )
    .await?;
    Ok(axum::Json(ledger))
}

async fn stats(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
) -> ApiResult<impl IntoResponse> {
    Ok(axum::Json(
        moderation::stats(&state.db, &user, Utc::now()).await?,
    ))
}

/// Moderators read the settings and the blocked people; administrators change the settings.
async fn get_settings(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
) -> ApiResult<impl IntoResponse> {
    Ok(axum::Json(
        moderation::settings_view(&state.db, &user, Utc::now()).await?,
    ))
}

async fn put_settings(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Json(settings): Json<ModerationSettings>,
) -> ApiResult<impl IntoResponse> {
    moderation::save_settings(&state.db, &user, settings, Utc::now()).await?;
    Ok(axum::Json(moderation::settings(&state.db).await?))
}

#[derive(Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
struct UnblockBody {
    #[serde(default)]
    public_reason: String,
}

/// Moderators lift a block (the body is optional).
async fn lift_block(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    body: Option<axum::Json<UnblockBody>>,
) -> ApiResult<impl IntoResponse> {
    let reason = body.map(|b| b.0.public_reason).unwrap_or_default();
    moderation::unblock(&state.db, &user, id, &reason, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
