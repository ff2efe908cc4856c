//! Procedures: the published listing, one procedure, and for planners creating, replacing,
//! changing (JSON merge patch) and publishing them.

use super::doc::{Api, Doc};
use super::resource::{Procedure, ProcedurePage};
use super::{ApiError, ApiResult, Authenticated, Json};
use app::backend::service::procedure::{self, NewPhase, NewProcedure};
use app::backend::service::start_notice;
use app::backend::state::AppState;
use app::error::AppError;
use app::model::phase::VoteRule;
use app::model::procedure::{PhaseKind, ProcedureFilter, Slug};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, get, patch, post, put};
use chrono::Utc;
use schemars::JsonSchema;
use serde::Deserialize;
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
                .query(
                    "cursor",
                    "From `next_cursor` of the previous page.",
                    json!({ "type": "string" }),
                )
                .ok::<ProcedurePage>(
                    200,
                    "A page of the procedures in that state (24 at most) and the count of each state.",
                )
                .errors(&[422]),
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

/// A procedure's slug from the path; an unknown form is a 404.
pub(crate) fn slug(value: &str) -> Result<Slug, ApiError> {
    super::path_slug(value).map_err(ApiError)
}

async fn list_procedures(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<impl IntoResponse> {
    let filter = ProcedureFilter::parse_or_default(params.get("status").map(String::as_str));
    let cursor = params.get("cursor").map(String::as_str);
    let listing = procedure::list_published(&state.db, filter, cursor, Utc::now()).await?;
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
