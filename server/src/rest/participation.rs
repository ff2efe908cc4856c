//! Procedures, proposals, comments, votes and following: the same services as the pages.

use super::doc::{Api, Doc};
use super::resource::{Procedure, ProcedurePage, Proposal, ProposalPage, Thread};
use super::{ApiError, ApiResult, Authenticated, Json, MaybeAuthenticated, PathId};
use app::backend::service::comment::{self, NewComment};
use app::backend::service::procedure::{NewPhase, NewProcedure};
use app::backend::service::vote::VoteState;
use app::backend::service::{follow, procedure, proposal, start_notice, vote};
use app::backend::state::AppState;
use app::error::AppError;
use app::model::idempotency::IdempotencyKey;
use app::model::procedure::{PhaseKind, ProcedureFilter, Slug};
use app::model::proposal::{ProposalInput, ProposalQuery, VoteRule};
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
            "/procedures",
            get(list_procedures),
            Doc::new(tag, "Published procedures")
                .query(
                    "status",
                    "running (default), upcoming, finished or all.",
                    json!({ "type": "string" }),
                )
                .ok::<ProcedurePage>(
                    200,
                    "The procedures in that state and the count of each state.",
                ),
        )
        .op(
            "post",
            "/procedures",
            post(create_procedure),
            Doc::new(
                tag,
                "Create a procedure (planners); a draft unless `published`",
            )
            .signed_in()
            .body::<ProcedureBody>()
            .ok::<Procedure>(201, "Created.")
            .errors(&[403, 409]),
        )
        .op(
            "get",
            "/procedures/{slug}",
            get(get_procedure),
            Doc::new(tag, "A published procedure")
                .ok::<Procedure>(
                    200,
                    "The procedure, its phases, rules and what residents may do now.",
                )
                .errors(&[404]),
        )
        .op(
            "put",
            "/procedures/{slug}",
            put(replace_procedure),
            Doc::new(
                tag,
                "Replace a procedure's texts, rules and schedule (planners); its publication state stays",
            )
            .signed_in()
            .body::<ProcedureBody>()
            .ok::<Procedure>(200, "The changed procedure.")
            .errors(&[403, 404, 409, 422]),
        )
        .op(
            "patch",
            "/procedures/{slug}",
            patch(patch_procedure),
            Doc::new(
                tag,
                "Change some of a procedure's fields (planners; JSON merge patch: a field left out keeps its value, `null` is refused)",
            )
            .signed_in()
            .body::<ProcedurePatch>()
            .ok::<Procedure>(200, "The changed procedure.")
            .errors(&[403, 404, 409, 422]),
        )
        .op(
            "put",
            "/procedures/{slug}/publication",
            put(set_publication),
            Doc::new(tag, "Publish or withdraw a procedure (planners)")
                .signed_in()
                .body::<PublicationBody>()
                .ok::<Procedure>(200, "The procedure.")
                .errors(&[403, 404]),
        )
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
                .query(
                    "category",
                    "One of the procedure's categories.",
                    json!({ "type": "string" }),
                )
                .query(
                    "status",
                    "published (default) or withdrawn.",
                    json!({ "type": "string" }),
                )
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
            Doc::new(tag, "A proposal's comments in thread order")
                .ok::<Thread>(200, "The comments, in thread order.")
                .errors(&[404]),
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
        .op(
            "put",
            "/procedures/{slug}/start-notice",
            put(request_start_notice),
            Doc::new(
                tag,
                "Be mailed once when an upcoming procedure starts (verified residents)",
            )
            .signed_in()
            .empty(204, "Requested.")
            .errors(&[403, 404, 422]),
        )
        .op(
            "delete",
            "/procedures/{slug}/start-notice",
            delete(cancel_start_notice),
            Doc::new(
                tag,
                "Take back the request to be mailed when a procedure starts",
            )
            .signed_in()
            .empty(204, "Not requested.")
            .errors(&[404]),
        )
}

/// A written comment and the proposal it belongs to.
#[derive(Serialize, JsonSchema)]
struct CommentRef {
    id: i64,
    proposal_id: i64,
}

fn slug(value: &str) -> Result<Slug, ApiError> {
    super::path_slug(value).map_err(ApiError)
}

async fn list_procedures(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    let filter = ProcedureFilter::parse_or_default(params.get("status").map(String::as_str));
    let listing = procedure::list_published(&state.db, filter, Utc::now()).await?;
    Ok(axum::Json(ProcedurePage::of(
        listing,
        &state.site.public_url,
    )))
}

async fn get_procedure(
    State(state): State<AppState>,
    Path(slug_param): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let detail = procedure::get_published(&state.db, &slug(&slug_param)?, Utc::now()).await?;
    Ok(axum::Json(Procedure::of(detail, &state.site.public_url)))
}

/// A procedure as planners send it: phases with exact instants (RFC 3339).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ProcedureBody {
    slug: String,
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    description: String,
    department: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    categories: Vec<String>,
    phases: Vec<PhaseBody>,
    vote_rule: VoteRule,
    /// Default: the voting phase.
    #[serde(default)]
    vote_phase: Option<PhaseKind>,
    /// "post" (default: published at once, reviewed after) or "pre" (held until approved).
    #[serde(default)]
    moderation: Option<app::model::moderation::ModerationMode>,
    /// Only on creation: publish at once (default: a draft).
    #[serde(default)]
    published: bool,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct PhaseBody {
    kind: PhaseKind,
    starts_at: chrono::DateTime<Utc>,
    ends_at: chrono::DateTime<Utc>,
}

impl PhaseBody {
    fn into_new(self) -> NewPhase {
        NewPhase {
            kind: self.kind,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
        }
    }
}

impl ProcedureBody {
    fn into_new(self) -> Result<NewProcedure, ApiError> {
        Ok(NewProcedure {
            slug: Slug::parse(&self.slug).map_err(ApiError)?,
            title: self.title,
            summary: self.summary,
            description: self.description,
            department: self.department,
            contact: self.contact,
            phases: self.phases.into_iter().map(PhaseBody::into_new).collect(),
            rule: self.vote_rule,
            vote_phase: self.vote_phase.unwrap_or(PhaseKind::Voting),
            categories: self.categories,
            published: self.published,
            moderation: self.moderation.unwrap_or_default(),
        })
    }
}

/// Planners: a new procedure (201), a draft unless `published`.
async fn create_procedure(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Json(body): Json<ProcedureBody>,
) -> ApiResult<impl IntoResponse> {
    let now = Utc::now();
    let slug = procedure::store(&state.db, &user, None, body.into_new()?, now).await?;
    let detail = procedure::get(&state.db, &slug, true, now).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(Procedure::of(detail, &state.site.public_url)),
    ))
}

/// Planners: replaces texts, rules and schedule (`PUT`); the publication state stays.
async fn replace_procedure(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(slug_param): Path<String>,
    Json(body): Json<ProcedureBody>,
) -> ApiResult<impl IntoResponse> {
    let now = Utc::now();
    let existing = slug(&slug_param)?;
    let slug = procedure::store(&state.db, &user, Some(&existing), body.into_new()?, now).await?;
    let detail = procedure::get(&state.db, &slug, true, now).await?;
    Ok(axum::Json(Procedure::of(detail, &state.site.public_url)))
}

/// Some of a procedure's fields (JSON merge patch, RFC 7396): what is left out keeps its
/// value. Every field is required in the whole procedure, so `null` removes nothing and is
/// refused. The publication state has its own resource (`/publication`).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ProcedurePatch {
    #[serde(default, deserialize_with = "present")]
    slug: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    summary: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    department: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    contact: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    categories: Option<Option<Vec<String>>>,
    /// The whole schedule: a list is replaced, not merged.
    #[serde(default, deserialize_with = "present")]
    phases: Option<Option<Vec<PhaseBody>>>,
    #[serde(default, deserialize_with = "present")]
    vote_rule: Option<Option<VoteRule>>,
    #[serde(default, deserialize_with = "present")]
    vote_phase: Option<Option<PhaseKind>>,
    #[serde(default, deserialize_with = "present")]
    moderation: Option<Option<app::model::moderation::ModerationMode>>,
}

/// A field that is present: `Some(None)` when it is `null`, told apart from a field left
/// out (`None`, by `#[serde(default)]`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

impl ProcedurePatch {
    /// The stored procedure with this patch applied; every `null` is named at once.
    fn apply(self, mut to: NewProcedure) -> Result<NewProcedure, ApiError> {
        let mut problems = app::error::Problems::default();
        fn take<T>(
            problems: &mut app::error::Problems,
            field: &str,
            value: Option<Option<T>>,
            into: &mut T,
        ) {
            match value {
                None => {}
                Some(None) => problems.note(AppError::invalid(field, "null")),
                Some(Some(value)) => *into = value,
            }
        }
        match self.slug {
            None => {}
            Some(None) => problems.note(AppError::invalid("slug", "null")),
            Some(Some(slug)) => {
                if let Some(slug) = problems.check(Slug::parse(&slug)) {
                    to.slug = slug;
                }
            }
        }
        take(&mut problems, "title", self.title, &mut to.title);
        take(&mut problems, "summary", self.summary, &mut to.summary);
        take(
            &mut problems,
            "description",
            self.description,
            &mut to.description,
        );
        take(
            &mut problems,
            "department",
            self.department,
            &mut to.department,
        );
        take(&mut problems, "contact", self.contact, &mut to.contact);
        take(
            &mut problems,
            "categories",
            self.categories,
            &mut to.categories,
        );
        let phases = self
            .phases
            .map(|p| p.map(|p| p.into_iter().map(PhaseBody::into_new).collect()));
        take(&mut problems, "phases", phases, &mut to.phases);
        take(&mut problems, "vote_rule", self.vote_rule, &mut to.rule);
        take(
            &mut problems,
            "vote_phase",
            self.vote_phase,
            &mut to.vote_phase,
        );
        take(
            &mut problems,
            "moderation",
            self.moderation,
            &mut to.moderation,
        );
        problems.finish().map_err(ApiError)?;
        Ok(to)
    }
}

/// Planners: changes the fields sent, keeps the rest; the same checks as a whole procedure.
async fn patch_procedure(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(slug_param): Path<String>,
    Json(body): Json<ProcedurePatch>,
) -> ApiResult<impl IntoResponse> {
    let now = Utc::now();
    let existing = slug(&slug_param)?;
    let current = procedure::stored(&state.db, &user, &existing).await?;
    let slug =
        procedure::store(&state.db, &user, Some(&existing), body.apply(current)?, now).await?;
    let detail = procedure::get(&state.db, &slug, true, now).await?;
    Ok(axum::Json(Procedure::of(detail, &state.site.public_url)))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct PublicationBody {
    published: bool,
}

async fn set_publication(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(slug_param): Path<String>,
    Json(body): Json<PublicationBody>,
) -> ApiResult<impl IntoResponse> {
    let now = Utc::now();
    let slug = slug(&slug_param)?;
    procedure::set_published(&state.db, &user, &slug, body.published, now).await?;
    let detail = procedure::get(&state.db, &slug, true, now).await?;
    Ok(axum::Json(Procedure::of(detail, &state.site.public_url)))
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
                .is_none_or(|s| app::model::proposal::ProposalSort::parse(s).is_some()),
        ),
        (
            "status",
            params
                .get("status")
                .is_none_or(|s| app::model::proposal::ProposalStatus::parse(s).is_some()),
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
    let loaded = proposal::load(&state.db, Some(&user), id, now).await?;
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
    let loaded = proposal::load(&state.db, viewer.as_ref(), id, Utc::now()).await?;
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
    };
    let now = Utc::now();
    proposal::edit(&state.db, &user, id, input, now).await?;
    let loaded = proposal::load(&state.db, Some(&user), id, now).await?;
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
    let loaded = proposal::load(&state.db, Some(&user), id, now).await?;
    Ok(axum::Json(Proposal::of(loaded, &state.site.public_url)))
}

async fn list_comments(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    let detail = proposal::get(&state.db, viewer.as_ref(), id, Utc::now()).await?;
    Ok(axum::Json(Thread::of(id, detail.comments)))
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

async fn request_start_notice(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(slug_param): Path<String>,
) -> ApiResult<impl IntoResponse> {
    start_notice::request(&state.db, &user, &slug(&slug_param)?, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn cancel_start_notice(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(slug_param): Path<String>,
) -> ApiResult<impl IntoResponse> {
    start_notice::cancel(&state.db, &user, &slug(&slug_param)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
