//! Proposals, comments, votes, following and start notices: the same services as the pages.

use super::resource::{Proposal, ProposalPage, Thread};
use crate::rest::doc::{Api, Doc};
use crate::rest::procedures::slug;
use crate::rest::{ApiError, ApiResult, Authenticated, Json, MaybeAuthenticated, PathId};
use app::backend::service::{follow, procedure};
use app::backend::state::AppState;
use app::error::AppError;
use app::formats::proposals::model::{ProposalInput, ProposalQuery, ThreadWindow};
use app::formats::proposals::service::comment::{self, NewComment};
use app::formats::proposals::service::vote::VoteState;
use app::formats::proposals::service::{proposal, vote};
use app::model::idempotency::IdempotencyKey;
use app::model::place::Precision;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{delete, get, patch, post, put};
use chrono::Utc;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;

pub fn api() -> Api {
    let tag = "participation";
    Api::default()
        .op(
            "get",
            "/procedures/{slug}/proposals",
            get(list_proposals),
            Doc::new(tag, "A procedure's proposals")
                .describe(
                    "Unknown `sort` or `status` values are a 422. Page on with `next_cursor`.",
                )
                .query(
                    "sort",
                    "random, newest, supported or discussed (default: by phase).",
                    json!({ "type": "string" }),
                )
                .query("q", "Full-text search.", json!({ "type": "string" }))
                .proposal_filters("published (default) or withdrawn.")
                .query(
                    "cursor",
                    "From `next_cursor` of the previous page.",
                    json!({ "type": "string" }),
                )
                .ok::<ProposalPage>(200, "One page of proposals.")
                .errors(&[404, 422]),
        )
        .op(
            "post",
            "/procedures/{slug}/proposals",
            post(create_proposal),
            Doc::new(
                tag,
                "Submit a proposal (verified residents, while proposals are open)",
            )
            .signed_in()
            .idempotent()
            .body::<ProposalBody>()
            .ok::<Proposal>(201, "Submitted.")
            .errors(&[403, 404]),
        )
        .op(
            "get",
            "/proposals/{id}",
            get(get_proposal),
            Doc::new(
                tag,
                "A proposal with its tally, comments and council outcome",
            )
            .ok::<Proposal>(200, "The proposal.")
            .errors(&[404]),
        )
        .op(
            "patch",
            "/proposals/{id}",
            patch(edit_proposal),
            Doc::new(
                tag,
                "Edit a proposal (its author, before any vote or comment)",
            )
            .signed_in()
            .body::<EditBody>()
            .ok::<Proposal>(200, "The changed proposal.")
            .errors(&[403, 404, 409]),
        )
        .op(
            "post",
            "/proposals/{id}/withdraw",
            post(withdraw_proposal),
            Doc::new(tag, "Withdraw a proposal (its author), with a note")
                .signed_in()
                .body::<WithdrawBody>()
                .ok::<Proposal>(200, "The withdrawn proposal.")
                .errors(&[403, 404, 409]),
        )
        .op(
            "get",
            "/proposals/{id}/comments",
            get(list_comments),
            Doc::new(
                tag,
                "A proposal's comments in thread order, a part at a time",
            )
            .describe(
                "A page of top-level comments, each with its first replies (down to the \
                     deepest level); `more_replies` marks a comment with more. Page on with \
                     `next_cursor` as `after`; `replies` gives the replies to one comment, \
                     paged the same way; `comment` the part that holds one comment. A value \
                     that is not a comment id is a 422; a comment that is not this \
                     proposal's a 404.",
            )
            .query(
                "after",
                "The `next_cursor` of the previous part.",
                json!({ "type": "string" }),
            )
            .query(
                "replies",
                "The id of the comment whose replies to give.",
                json!({ "type": "string" }),
            )
            .query(
                "comment",
                "The id of a comment the part must hold.",
                json!({ "type": "string" }),
            )
            .ok::<Thread>(200, "The comments, in thread order.")
            .errors(&[404, 422]),
        )
        .op(
            "post",
            "/proposals/{id}/comments",
            post(create_comment),
            Doc::new(tag, "Comment on a proposal or reply to a comment")
                .signed_in()
                .idempotent()
                .body::<CommentBody>()
                .ok::<CommentRef>(201, "Written.")
                .errors(&[403, 404, 409]),
        )
        .op(
            "patch",
            "/comments/{id}",
            patch(edit_comment),
            Doc::new(tag, "Edit a comment (its author, first 15 minutes)")
                .signed_in()
                .body::<EditCommentBody>()
                .ok::<CommentRef>(200, "Changed.")
                .errors(&[403, 404, 409]),
        )
        .op(
            "delete",
            "/comments/{id}",
            delete(delete_comment),
            Doc::new(tag, "Delete a comment (its author); its place stays")
                .signed_in()
                .empty(204, "Deleted.")
                .errors(&[403, 404]),
        )
        .op(
            "put",
            "/proposals/{id}/vote",
            put(cast_vote),
            Doc::new(tag, "Vote: support (1) or, under the rating rule, 1 or -1")
                .describe("The same vote again changes nothing and gets the same answer.")
                .signed_in()
                .body::<VoteBody>()
                .ok::<VoteState>(200, "The tally, the caller's vote and budget.")
                .errors(&[403, 404, 409]),
        )
        .op(
            "delete",
            "/proposals/{id}/vote",
            delete(withdraw_vote),
            Doc::new(tag, "Withdraw one's vote")
                .signed_in()
                .ok::<VoteState>(200, "The tally, the caller's vote and budget.")
                .errors(&[403, 404, 409]),
        )
        .op(
            "put",
            "/proposals/{id}/follow",
            put(follow_proposal),
            Doc::new(
                tag,
                "Follow a proposal (mails on comments, status and council outcome)",
            )
            .signed_in()
            .empty(204, "Following.")
            .errors(&[404]),
        )
        .op(
            "delete",
            "/proposals/{id}/follow",
            delete(unfollow_proposal),
            Doc::new(tag, "Stop following a proposal")
                .signed_in()
                .empty(204, "Not following."),
        )
}

/// A written comment and the proposal it belongs to.
#[derive(Serialize, JsonSchema)]
struct CommentRef {
    id: i64,
    proposal_id: i64,
}

/// `?sort=&q=&category=&status=&cursor=`; unknown sort or status values are a 400, not
/// silently ignored as on the pages, so clients learn about their mistake.
async fn list_proposals(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    Path(slug_param): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    for (key, parse_ok) in [
        (
            "sort",
            params
                .get("sort")
                .is_none_or(|s| app::formats::proposals::model::ProposalSort::parse(s).is_some()),
        ),
        (
            "status",
            params
                .get("status")
                .is_none_or(|s| app::formats::proposals::model::ProposalStatus::parse(s).is_some()),
        ),
    ] {
        if !parse_ok {
            return Err(ApiError(AppError::invalid(key, "unknown")));
        }
    }
    let query = ProposalQuery::from_params(|key| params.get(key).cloned());
    let slug = slug(&slug_param)?;
    // API clients get a fixed shuffle per account (or none): they page with the cursor.
    let seed = viewer.as_ref().map_or(1, |v| v.id.unsigned_abs() as u32);
    let listing =
        proposal::list(&state.db, viewer.as_ref(), &slug, query, seed, Utc::now()).await?;
    Ok(axum::Json(ProposalPage::of(
        listing,
        &state.site.public_url,
    )))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ProposalBody {
    title: String,
    body: String,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    location: Option<String>,
    /// The key of the district it is in, when only the district is known.
    #[serde(default)]
    district: Option<String>,
    /// Where exactly: a GeoJSON geometry (Point, LineString or Polygon; WGS84, longitude
    /// first). Its district is assigned by the server.
    #[serde(default)]
    geometry: Option<serde_json::Value>,
    /// How exact the geometry is: `exact` (default) or `street`.
    #[serde(default)]
    precision: Option<Precision>,
    /// An address of the city's list ("Parkstraße 12", see `GET /api/v1/addresses/lookup`),
    /// placed at its point when no geometry is given; an address the list lacks is refused
    /// (`address not_found`).
    #[serde(default)]
    address: Option<String>,
    /// Planners only: the on-site event the proposal was collected at.
    #[serde(default)]
    event: Option<String>,
}

/// The `Idempotency-Key` header of a create: sent again with the same key, the request
/// answers with what the first one created.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<IdempotencyKey>, ApiError> {
    let value = match headers.get("idempotency-key") {
        Some(value) => Some(
            value
                .to_str()
                .map_err(|_| AppError::invalid(IdempotencyKey::FIELD, "invalid"))?,
        ),
        None => None,
    };
    Ok(IdempotencyKey::optional(value)?)
}

async fn create_proposal(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(slug_param): Path<String>,
    headers: HeaderMap,
    Json(body): Json<ProposalBody>,
) -> ApiResult<impl IntoResponse> {
    let key = idempotency_key(&headers)?;
    let procedure_id = procedure::published_id(&state.db, &slug(&slug_param)?).await?;
    let input = ProposalInput {
        title: body.title,
        body: body.body,
        category: body.category,
        location: body.location,
        district: body.district,
        geometry: body.geometry.map(|g| g.to_string()),
        precision: body.precision,
        address: body.address,
    };
    let now = Utc::now();
    let id = proposal::create(
        &state.db,
        &user,
        procedure_id,
        input,
        body.event,
        key.as_ref(),
        now,
    )
    .await?;
    let loaded = proposal::load(&state.db, Some(&user), id, ThreadWindow::default(), now).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(Proposal::of(loaded, &state.site.public_url)),
    ))
}

async fn get_proposal(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    let loaded = proposal::load(
        &state.db,
        viewer.as_ref(),
        id,
        ThreadWindow::default(),
        Utc::now(),
    )
    .await?;
    Ok(axum::Json(Proposal::of(loaded, &state.site.public_url)))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct EditBody {
    title: String,
    body: String,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    location: Option<String>,
    /// The key of the district it is in, when only the district is known.
    #[serde(default)]
    district: Option<String>,
    /// Where exactly: a GeoJSON geometry (Point, LineString or Polygon; WGS84, longitude
    /// first). Its district is assigned by the server.
    #[serde(default)]
    geometry: Option<serde_json::Value>,
    /// How exact the geometry is: `exact` (default) or `street`.
    #[serde(default)]
    precision: Option<Precision>,
    /// An address of the city's list ("Parkstraße 12", see `GET /api/v1/addresses/lookup`),
    /// placed at its point when no geometry is given; an address the list lacks is refused
    /// (`address not_found`).
    #[serde(default)]
    address: Option<String>,
}

async fn edit_proposal(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(body): Json<EditBody>,
) -> ApiResult<impl IntoResponse> {
    let input = ProposalInput {
        title: body.title,
        body: body.body,
        category: body.category,
        location: body.location,
        district: body.district,
        geometry: body.geometry.map(|g| g.to_string()),
        precision: body.precision,
        address: body.address,
    };
    let now = Utc::now();
    proposal::edit(&state.db, &user, id, input, now).await?;
    let loaded = proposal::load(&state.db, Some(&user), id, ThreadWindow::default(), now).await?;
    Ok(axum::Json(Proposal::of(loaded, &state.site.public_url)))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct WithdrawBody {
    note: String,
}

async fn withdraw_proposal(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(body): Json<WithdrawBody>,
) -> ApiResult<impl IntoResponse> {
    let now = Utc::now();
    proposal::withdraw(&state.db, &state.site, &user, id, &body.note, now).await?;
    let loaded = proposal::load(&state.db, Some(&user), id, ThreadWindow::default(), now).await?;
    Ok(axum::Json(Proposal::of(loaded, &state.site.public_url)))
}

async fn list_comments(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    PathId(id): PathId,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    // Unlike the pages, which ignore a mangled link, clients hear of their mistake.
    for key in ["after", "replies", "comment"] {
        if params
            .get(key)
            .is_some_and(|v| v.parse::<i64>().map_or(true, |id| id <= 0))
        {
            return Err(ApiError(AppError::invalid("cursor", "malformed")));
        }
    }
    let window = ThreadWindow::from_params(|key| params.get(key).cloned());
    let detail = proposal::get(&state.db, viewer.as_ref(), id, window, Utc::now()).await?;
    Ok(axum::Json(Thread::of(id, detail.comments, detail.thread)))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CommentBody {
    body: String,
    #[serde(default)]
    parent_id: Option<i64>,
    #[serde(default)]
    event: Option<String>,
}

async fn create_comment(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    headers: HeaderMap,
    Json(body): Json<CommentBody>,
) -> ApiResult<impl IntoResponse> {
    let new = NewComment {
        proposal_id: id,
        parent_id: body.parent_id,
        body: body.body,
        onsite: body.event,
        idempotency_key: idempotency_key(&headers)?,
    };
    let comment_id = comment::create(&state.db, &state.site, &user, new, Utc::now()).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(CommentRef {
            id: comment_id,
            proposal_id: id,
        }),
    ))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct EditCommentBody {
    body: String,
}

async fn edit_comment(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(body): Json<EditCommentBody>,
) -> ApiResult<impl IntoResponse> {
    let proposal_id = comment::edit(&state.db, &user, id, &body.body, Utc::now()).await?;
    Ok(axum::Json(CommentRef { id, proposal_id }))
}

async fn delete_comment(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    comment::delete(&state.db, &user, id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct VoteBody {
    value: i8,
}

/// `{value: 1 | -1}`; the same vote again is a no-op with the same answer.
async fn cast_vote(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(body): Json<VoteBody>,
) -> ApiResult<impl IntoResponse> {
    let outcome = vote::cast(&state.db, &user, id, body.value, Utc::now()).await?;
    Ok(axum::Json(outcome))
}

async fn withdraw_vote(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    let outcome = vote::withdraw(&state.db, &user, id, Utc::now()).await?;
    Ok(axum::Json(outcome))
}

async fn follow_proposal(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    follow::follow(&state.db, &user, id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn unfollow_proposal(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    follow::unfollow(&state.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
