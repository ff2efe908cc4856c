//! Expert opinions over REST v1: a proposal's opinion (public where the proposal is), a
//! planner's request and the answer, and the planners' list of a procedure's opinions.

use crate::rest::doc::{Api, Doc};
use crate::rest::{ApiError, ApiResult, Authenticated, Json, MaybeAuthenticated, PathId};
use app::backend::state::AppState;
use app::error::AppError;
use app::formats::proposals::opinion::{
    OpinionInput, OpinionList, OpinionRequest, OpinionSelection, OpinionView, SelectionOutcome,
};
use app::formats::proposals::service::opinion;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use chrono::Utc;
use std::collections::HashMap;

pub fn api() -> Api {
    let tag = "opinions";
    Api::default()
        .op(
            "get",
            "/proposals/{id}/opinion",
            get(of_proposal),
            Doc::new(tag, "A proposal's expert opinion (Stellungnahme der Fachverwaltung): the unit asked, by when, and its answer")
                .describe("Public where the proposal is; `opinion` is null until a planner asks for one. `may_edit` tells a planner they may ask and answer.")
                .ok::<OpinionView>(200, "The opinion.")
                .errors(&[404]),
        )
        .op(
            "put",
            "/proposals/{id}/opinion/request",
            put(request),
            Doc::new(tag, "Ask a unit for its opinion on a proposal by a day, or change the unit and day while unanswered (planners)")
                .signed_in()
                .body::<OpinionRequest>()
                .ok::<OpinionView>(200, "The opinion as asked for.")
                .errors(&[403, 404, 422]),
        )
        .op(
            "put",
            "/proposals/{id}/opinion",
            put(answer),
            Doc::new(tag, "Enter or correct the unit's answer (planners); the proposal's followers are told")
                .signed_in()
                .body::<OpinionInput>()
                .ok::<OpinionView>(200, "The opinion with its answer.")
                .errors(&[403, 404, 422]),
        )
        .op(
            "get",
            "/procedures/{slug}/opinions",
            get(list),
            Doc::new(tag, "A procedure's expert opinions for planners: counts, then open ones by due date, then answered ones")
                .signed_in()
                .describe("`?page=` (from 0), 50 rows a page.")
                .ok::<OpinionList>(200, "One page of the list.")
                .errors(&[403, 404, 422]),
        )
        .op(
            "post",
            "/procedures/{slug}/opinions/selection",
            post(select),
            Doc::new(tag, "Select the best proposals overall and of each district for the administration's opinion, and ask for it (planners)")
                .signed_in()
                .describe("The best `top` visible, open proposals by votes (supports, or the net score under the rating rule; ties by number), then each district's best `per_district` not among them. Every selected proposal without an opinion is asked for one from `unit` by `due_on`; those asked before keep theirs. At most 2,000 proposals in one selection.")
                .body::<OpinionSelection>()
                .ok::<SelectionOutcome>(200, "The selected proposals and how many were asked now.")
                .errors(&[403, 404, 422]),
        )
}

async fn select(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(slug): Path<String>,
    Json(input): Json<OpinionSelection>,
) -> ApiResult<impl IntoResponse> {
    let slug = crate::rest::path_slug(&slug).map_err(ApiError)?;
    let outcome = opinion::select(&state.db, &user, &slug, &input, Utc::now()).await?;
    Ok(axum::Json(outcome))
}

async fn of_proposal(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    let found = opinion::of_proposal(&state.db, id, viewer.as_ref(), Utc::now()).await?;
    Ok(axum::Json(found))
}

async fn request(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(input): Json<OpinionRequest>,
) -> ApiResult<impl IntoResponse> {
    let asked = opinion::request(&state.db, &user, id, &input, Utc::now()).await?;
    Ok(axum::Json(asked))
}

async fn answer(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(input): Json<OpinionInput>,
) -> ApiResult<impl IntoResponse> {
    let answered = opinion::answer(&state.db, &state.site, &user, id, &input, Utc::now()).await?;
    Ok(axum::Json(answered))
}

async fn list(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(slug): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    let slug = crate::rest::path_slug(&slug).map_err(ApiError)?;
    let page = match params.get("page").map(|p| p.trim()) {
        None | Some("") => 0,
        Some(value) => value
            .parse::<u64>()
            .map_err(|_| ApiError(AppError::invalid("page", "not_a_number")))?,
    };
    let found = opinion::list(&state.db, &user, &slug, page, Utc::now()).await?;
    Ok(axum::Json(found))
}
