//! What became of a proposal the council adopted: its implementation's entries, public
//! where the proposal is; planners record them (the proposal's followers are told).

use super::doc::{Api, Doc};
use super::{ApiResult, Authenticated, Json, MaybeAuthenticated, PathId};
use app::backend::service::implementation;
use app::backend::state::AppState;
use app::model::implementation::{Implementation, ImplementationInput};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use chrono::Utc;

pub fn api() -> Api {
    let tag = "results";
    Api::default()
        .op(
            "get",
            "/proposals/{id}/implementation",
            get(of_proposal),
            Doc::new(tag, "What became of a proposal: its implementation's status and entries, newest first")
                .describe("Public where the proposal is. `may_record` tells a planner that the council has adopted it.")
                .ok::<Implementation>(200, "The implementation (before the first entry `status` is null).")
                .errors(&[404]),
        )
        .op(
            "post",
            "/proposals/{id}/implementation",
            post(record_for_proposal),
            Doc::new(tag, "Record an entry of a proposal's implementation (planners, once the council adopted it); its followers are told")
                .signed_in()
                .body::<ImplementationInput>()
                .ok::<Implementation>(201, "The implementation with the new entry.")
                .errors(&[403, 404, 409, 422]),
        )
}

async fn of_proposal(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    let found = implementation::of_proposal(&state.db, id, viewer.as_ref(), Utc::now()).await?;
    Ok(axum::Json(found))
}

async fn record_for_proposal(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(input): Json<ImplementationInput>,
) -> ApiResult<impl IntoResponse> {
    let recorded =
        implementation::record_for_proposal(&state.db, &state.site, &user, id, &input, Utc::now())
            .await?;
    Ok((StatusCode::CREATED, axum::Json(recorded)))
}
