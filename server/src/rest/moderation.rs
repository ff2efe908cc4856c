//! Reports, objections, the moderation queue, decisions, claims, statistics, settings and
//! the public ledger: the same services as the pages.

use super::{ApiError, ApiResult, Authenticated, Json, PathId};
use app::backend::service::moderation;
use app::backend::state::AppState;
use app::error::AppError;
use app::model::moderation::{
    Decision, ModerationActionKind, ModerationReason, ModerationSettings, QueueFilter, ReportInput,
    ReportOutcome, Target,
};
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports", post(create_report))
        .route("/objections", post(create_objection))
        .route("/moderation/queue", get(queue))
        .route("/moderation/decisions", post(create_decision))
        .route("/moderation/claims", post(create_claim))
        .route("/moderation/claims/{id}", delete(release_claim))
        .route("/moderation/ledger", get(ledger))
        .route(
            "/procedures/{slug}/moderation/ledger",
            get(procedure_ledger),
        )
        .route("/moderation/stats", get(stats))
        .route("/moderation/settings", get(get_settings).put(put_settings))
        .route("/moderation/blocks/{id}", delete(lift_block))
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
    Ok((status, axum::Json(json!({ "outcome": outcome }))))
}

#[derive(Deserialize)]
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
#[derive(Deserialize)]
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
    };
    match (body.target, body.targets.clone()) {
        (Some(target), None) => {
            moderation::decide(&state.db, &state.site, &user, decision(target), now).await?;
            Ok((
                StatusCode::CREATED,
                axum::Json(json!({ "decided": 1, "skipped": 0 })),
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
                axum::Json(json!({ "decided": done, "skipped": skipped })),
            ))
        }
        _ => Err(ApiError(AppError::invalid(
            "target",
            "give either target or targets",
        ))),
    }
}

#[derive(Deserialize)]
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

#[derive(Deserialize, Default)]
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
