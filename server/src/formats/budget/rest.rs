//! Budgets, projects, ballots and results: the same services the pages use.

use crate::rest::doc::{Api, Doc};
use crate::rest::procedures::slug;
use crate::rest::{ApiResult, Authenticated, Json, MaybeAuthenticated, PathId};
use app::backend::state::AppState;
use app::formats::budget::model::{
    Ballot, BallotInput, Budget, BudgetInput, BudgetPatch, BudgetResults, DecisionInput,
    PaperBatch, PaperBatchInput, Project, ProjectInput, ProjectPage, ProjectPatch,
};
use app::formats::budget::service::{
    ballot, budget, council, decision, implementation, paper, project, results,
};
use app::model::implementation::{Implementation, ImplementationInput};
use app::model::results::{DecisionSource, OutcomeForm, OutcomeView};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use serde_json::json;
use std::collections::HashMap;

pub fn api() -> Api {
    let tag = "budget";
    Api::default()
        .op(
            "get",
            "/procedures/{slug}/budgets",
            get(list_budgets),
            Doc::new(tag, "A procedure's budgets")
                .ok::<Vec<Budget>>(
                    200,
                    "Its budgets (at most 50), in the order they were made.",
                )
                .errors(&[404]),
        )
        .op(
            "post",
            "/procedures/{slug}/budgets",
            post(create_budget),
            Doc::new(tag, "Create a budget (planners, before voting starts)")
                .signed_in()
                .body::<BudgetInput>()
                .ok::<Budget>(201, "Created.")
                .errors(&[403, 404]),
        )
        .op(
            "get",
            "/budgets/{id}",
            get(get_budget),
            Doc::new(tag, "A budget: its money, rule, method, stage and tie seed")
                .ok::<Budget>(200, "The budget.")
                .errors(&[404]),
        )
        .op(
            "patch",
            "/budgets/{id}",
            axum::routing::patch(update_budget),
            Doc::new(tag, "Change a budget (planners, before voting starts)")
                .describe("Once the vote phase has started, a 422 (`phase`, `budget_locked`).")
                .signed_in()
                .body::<BudgetPatch>()
                .ok::<Budget>(200, "The changed budget.")
                .errors(&[403, 404]),
        )
        .op(
            "get",
            "/budgets/{id}/projects",
            get(list_projects),
            Doc::new(tag, "A budget's projects, 50 at a time")
                .query(
                    "cursor",
                    "From `next_cursor` of the previous page.",
                    json!({ "type": "string" }),
                )
                .ok::<ProjectPage>(200, "One page of projects, with the department's verdicts.")
                .errors(&[404, 422]),
        )
        .op(
            "post",
            "/budgets/{id}/projects",
            post(create_project),
            Doc::new(
                tag,
                "Create a project, or promote a proposal (planners, before voting starts)",
            )
            .signed_in()
            .body::<ProjectInput>()
            .ok::<Project>(201, "Created (feasibility pending, not yet on the ballot).")
            .errors(&[403, 404]),
        )
        .op(
            "get",
            "/projects/{id}",
            get(get_project),
            Doc::new(tag, "A project")
                .ok::<Project>(200, "The project.")
                .errors(&[404]),
        )
        .op(
            "patch",
            "/projects/{id}",
            axum::routing::patch(update_project),
            Doc::new(tag, "Change a project (planners)")
                .describe(
                    "Before voting every field; after it starts only `withdrawn: true`, which \
                     takes the project off every ballot: submitted ballots holding it become \
                     drafts again and their voters are mailed.",
                )
                .signed_in()
                .body::<ProjectPatch>()
                .ok::<Project>(200, "The changed project.")
                .errors(&[403, 404]),
        )
        .op(
            "get",
            "/budgets/{id}/ballot",
            get(get_ballot),
            Doc::new(
                tag,
                "The caller's ballot: choices, what is left, whether it counts",
            )
            .signed_in()
            .ok::<Ballot>(200, "The ballot (an empty draft when there is none).")
            .errors(&[404]),
        )
        .op(
            "put",
            "/budgets/{id}/ballot",
            axum::routing::put(save_ballot),
            Doc::new(
                tag,
                "Save the caller's choices as a draft (while voting runs)",
            )
            .describe(
                "A draft does not count until it is submitted; it may break the rule \
                     meanwhile (`problems` says how). A submitted ballot must be withdrawn \
                     first (422, `ballot`, `already_submitted`).",
            )
            .signed_in()
            .body::<BallotInput>()
            .ok::<Ballot>(200, "The saved draft.")
            .errors(&[403, 404]),
        )
        .op(
            "delete",
            "/budgets/{id}/ballot",
            axum::routing::delete(withdraw_ballot),
            Doc::new(tag, "Withdraw the caller's ballot (while voting runs)")
                .describe(
                    "A submitted ballot becomes a draft with the same choices and no longer \
                     counts; a draft is emptied.",
                )
                .signed_in()
                .ok::<Ballot>(200, "The ballot, now a draft.")
                .errors(&[403, 404]),
        )
        .op(
            "post",
            "/budgets/{id}/ballot/submit",
            post(submit_ballot),
            Doc::new(tag, "Submit the caller's ballot (while voting runs)")
                .describe(
                    "Checked against the rule in one transaction; a ballot that breaks it is a \
                     422 naming the first problem (`ballot`, e.g. `over_budget`). Submitting \
                     again changes nothing. A receipt is mailed.",
                )
                .signed_in()
                .ok::<Ballot>(200, "The submitted ballot.")
                .errors(&[403, 404]),
        )
        .op(
            "post",
            "/budgets/{id}/paper-batches",
            post(create_batch),
            Doc::new(
                tag,
                "Start a batch of paper ballots (planners, while voting runs)",
            )
            .signed_in()
            .body::<PaperBatchInput>()
            .ok::<PaperBatch>(201, "The new, empty batch.")
            .errors(&[403, 404]),
        )
        .op(
            "get",
            "/paper-batches/{id}",
            get(get_batch),
            Doc::new(tag, "A batch of paper ballots (planners)")
                .signed_in()
                .ok::<PaperBatch>(200, "The batch.")
                .errors(&[403, 404]),
        )
        .op(
            "delete",
            "/paper-batches/{id}",
            axum::routing::delete(discard_batch),
            Doc::new(
                tag,
                "Discard an unconfirmed batch with its ballots (planners)",
            )
            .signed_in()
            .empty(204, "Discarded.")
            .errors(&[403, 404]),
        )
        .op(
            "post",
            "/paper-batches/{id}/ballots",
            post(add_paper_ballot),
            Doc::new(
                tag,
                "Enter one paper ballot into an unconfirmed batch (planners)",
            )
            .describe(
                "Each paper ballot on its own, never totals; it must keep the budget's \
                     rule (422, `ballot`, the first problem).",
            )
            .signed_in()
            .body::<BallotInput>()
            .ok::<Ballot>(
                201,
                "The entered ballot (it counts once the batch is confirmed).",
            )
            .errors(&[403, 404]),
        )
        .op(
            "post",
            "/paper-batches/{id}/confirm",
            post(confirm_batch),
            Doc::new(
                tag,
                "Confirm a batch: a second planner, not the one who entered it",
            )
            .describe("From then on its ballots count; it no longer changes.")
            .signed_in()
            .ok::<PaperBatch>(200, "The confirmed batch.")
            .errors(&[403, 404]),
        )
        .op(
            "get",
            "/budgets/{id}/results",
            get(get_results),
            Doc::new(tag, "The results: funded projects and why others were not")
                .describe("Everyone once voting has ended; planners at any time (a count so far).")
                .ok::<BudgetResults>(200, "The results, with the SHA-256 of the ballot file.")
                .errors(&[404, 422]),
        )
        .op(
            "post",
            "/budgets/{id}/decisions",
            post(decide),
            Doc::new(
                tag,
                "Decide on the result for one project (planners, after voting has ended)",
            )
            .describe(
                "Funds a project the count did not fund (`fund`), does not fund one it did \
                 (`unfund`), or lifts such a decision (`computed`), with a public reason of \
                 20 to 2,000 characters. Every decision is listed with the results, newest \
                 first; the newest for a project applies. The ballot file and the count from \
                 it stay as they are. A decision that changes nothing is refused (422, \
                 `outcome`, `unchanged`).",
            )
            .signed_in()
            .body::<DecisionInput>()
            .ok::<BudgetResults>(201, "The results with the decision applied.")
            .errors(&[403, 404]),
        )
        .op(
            "get",
            "/budgets/{id}/export.pb",
            get(export_pb),
            Doc::new(tag, "The ballot file in pabulib's format (.pb)")
                .describe(
                    "META, PROJECTS and VOTES as specified at pabulib.org; voters are numbered, \
                     never named. Everyone once voting has ended; planners at any time.",
                )
                .file("text/plain", "export.pb")
                .errors(&[404, 422]),
        )
        .op(
            "get",
            "/projects/{id}/implementation",
            get(project_implementation),
            Doc::new(tag, "What became of a project: its implementation's status and entries, newest first")
                .describe("Public where the project is. `may_record` tells a planner that voting has ended and the published result funds it.")
                .ok::<Implementation>(200, "The implementation (before the first entry `status` is null).")
                .errors(&[404]),
        )
        .op(
            "post",
            "/projects/{id}/implementation",
            post(record_project_implementation),
            Doc::new(tag, "Record an entry of a funded project's implementation (planners, once voting has ended); the followers of the proposal it came from are told")
                .signed_in()
                .body::<ImplementationInput>()
                .ok::<Implementation>(201, "The implementation with the new entry.")
                .errors(&[403, 404, 422]),
        )
        .op(
            "put",
            "/projects/{id}/outcome",
            axum::routing::put(record_project_outcome),
            Doc::new(tag, "Record the council's outcome for a project (planners, once voting has ended); the followers of the proposal it came from are mailed")
                .describe("The results and the report show it; the OParl import records it for agenda items naming the project as `P-{id}`. While voting runs, a 422 (`outcome`, `participation_running`); a withdrawn project, 409.")
                .signed_in()
                .body::<OutcomeForm>()
                .ok::<Option<OutcomeView>>(200, "The recorded outcome.")
                .errors(&[403, 404, 409, 422]),
        )
        .op(
            "delete",
            "/projects/{id}/outcome",
            axum::routing::delete(clear_project_outcome),
            Doc::new(tag, "Remove a project's recorded outcome (planners); nobody is mailed")
                .signed_in()
                .empty(204, "Removed.")
                .errors(&[403, 404]),
        )
}

async fn record_project_outcome(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(form): Json<OutcomeForm>,
) -> ApiResult<impl IntoResponse> {
    let source = DecisionSource::Manual;
    council::record(&state.db, &state.site, &user, id, &form, source, Utc::now()).await?;
    Ok(axum::Json(council::outcome_of(&state.db, id).await?))
}

async fn clear_project_outcome(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    council::clear(&state.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn project_implementation(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    let found = implementation::of_project(&state.db, id, viewer.as_ref(), Utc::now()).await?;
    Ok(axum::Json(found))
}

async fn record_project_implementation(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(input): Json<ImplementationInput>,
) -> ApiResult<impl IntoResponse> {
    let recorded =
        implementation::record_for_project(&state.db, &state.site, &user, id, &input, Utc::now())
            .await?;
    Ok((StatusCode::CREATED, axum::Json(recorded)))
}

async fn list_budgets(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    Path(slug_param): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let budgets = budget::list(&state.db, &slug(&slug_param)?, viewer.as_ref(), Utc::now()).await?;
    Ok(axum::Json(budgets))
}

async fn create_budget(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(slug_param): Path<String>,
    Json(body): Json<BudgetInput>,
) -> ApiResult<impl IntoResponse> {
    let created = budget::create(&state.db, &user, &slug(&slug_param)?, body, Utc::now()).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

async fn get_budget(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    let now = Utc::now();
    let hosted = budget::load(&state.db, id, viewer.as_ref(), now).await?;
    Ok(axum::Json(
        budget::view(&state.db, &hosted, viewer.as_ref(), now).await?,
    ))
}

async fn update_budget(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(body): Json<BudgetPatch>,
) -> ApiResult<impl IntoResponse> {
    Ok(axum::Json(
        budget::update(&state.db, &user, id, body, Utc::now()).await?,
    ))
}

async fn list_projects(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    PathId(id): PathId,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    let cursor = params.get("cursor").map(String::as_str);
    let page = project::list(&state.db, id, viewer.as_ref(), cursor, Utc::now()).await?;
    Ok(axum::Json(page))
}

async fn create_project(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(body): Json<ProjectInput>,
) -> ApiResult<impl IntoResponse> {
    let created = project::create(&state.db, &user, id, body, Utc::now()).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

async fn get_project(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    Ok(axum::Json(
        project::get(&state.db, id, viewer.as_ref(), Utc::now()).await?,
    ))
}

async fn update_project(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(body): Json<ProjectPatch>,
) -> ApiResult<impl IntoResponse> {
    let changed = project::update(&state.db, &state.site, &user, id, body, Utc::now()).await?;
    Ok(axum::Json(changed))
}

async fn get_ballot(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    Ok(axum::Json(
        ballot::get(&state.db, &user, id, Utc::now()).await?,
    ))
}

async fn save_ballot(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(body): Json<BallotInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(axum::Json(
        ballot::save(&state.db, &user, id, body, Utc::now()).await?,
    ))
}

async fn withdraw_ballot(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    Ok(axum::Json(
        ballot::withdraw(&state.db, &user, id, Utc::now()).await?,
    ))
}

async fn submit_ballot(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    Ok(axum::Json(
        ballot::submit(&state.db, &state.site, &user, id, Utc::now()).await?,
    ))
}

async fn create_batch(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(body): Json<PaperBatchInput>,
) -> ApiResult<impl IntoResponse> {
    let created = paper::create_batch(&state.db, &user, id, body, Utc::now()).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

async fn get_batch(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    Ok(axum::Json(
        paper::get_batch(&state.db, &user, id, Utc::now()).await?,
    ))
}

async fn discard_batch(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    paper::discard(&state.db, &user, id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn add_paper_ballot(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(body): Json<BallotInput>,
) -> ApiResult<impl IntoResponse> {
    let entered = paper::add_ballot(&state.db, &user, id, body, Utc::now()).await?;
    Ok((StatusCode::CREATED, axum::Json(entered)))
}

async fn confirm_batch(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    Ok(axum::Json(
        paper::confirm(&state.db, &user, id, Utc::now()).await?,
    ))
}

async fn get_results(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    let counted = results::results(&state.db, id, viewer.as_ref(), Utc::now()).await?;
    Ok(axum::Json(counted.results))
}

async fn decide(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(body): Json<DecisionInput>,
) -> ApiResult<impl IntoResponse> {
    let results = decision::decide(&state.db, &user, id, body, Utc::now()).await?;
    Ok((StatusCode::CREATED, axum::Json(results)))
}

async fn export_pb(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    PathId(id): PathId,
) -> ApiResult<Response> {
    let counted = results::results(&state.db, id, viewer.as_ref(), Utc::now()).await?;
    let mut response = counted.file.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"budget-{id}.pb\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
