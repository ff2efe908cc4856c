//! Results and the council's answer: the results document, the exports (streamed as they
//! are written) with their manifest, the council paper, and the outcome per proposal.

use super::doc::{Api, Doc};
use super::{ApiError, ApiResult, Authenticated, Json, MaybeAuthenticated, PathId};
use app::backend::auth::CurrentUser;
use app::backend::export::{self, Chunk, Format, Job, Table};
use app::backend::service::oparl;
use app::backend::service::results::{self, Scope};
use app::backend::state::AppState;
use app::error::AppError;
use app::formats::budget::service::report as budget_report;
use app::i18n::Lang;
use app::model::results::DecisionSource;
use app::model::results::{CouncilPaper, OutcomeForm, ResultsView};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use chrono::Utc;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

pub fn api() -> Api {
    let tag = "results";
    let codes: Vec<&str> = Lang::ALL.iter().map(|lang| lang.code()).collect();
    let lang = json!({ "type": "string", "enum": codes });
    Api::default()
        .op("get", "/schemas/results-v1.json", get(schema), Doc::new(tag, "The JSON Schema of the results document (export.json)")
            .json_as("application/schema+json", "JSON Schema 2020-12."))
        .op("get", "/catalog", get(catalog), Doc::new("open data", "The open-data catalogue (DCAT-AP.de, JSON-LD)")
            .describe("A dataset per published procedure; its distributions (results as JSON and CSV, each budget's ballot file) once voting has ended.")
            .json_as("application/ld+json", "A dcat:Catalog."))
        .op("get", "/procedures/{slug}/dataset", get(dataset), Doc::new("open data", "One procedure's DCAT-AP.de dataset (JSON-LD)")
            .json_as("application/ld+json", "A dcat:Dataset.")
            .errors(&[404]))
        .op("get", "/procedures/{slug}/results", get(get_results), Doc::new(tag, "A procedure's results: figures, timeline, categories, ranking, outcomes")
            .describe("Public once the voting phase has ended (before: 422 on `results`); planners at any time.")
            .query("lang", "Language of the labels.", lang.clone())
            .ok::<ResultsView>(200, "The results.")
            .errors(&[404, 422]))
        .op("get", "/procedures/{slug}/export/manifest.json", get(manifest), Doc::new(tag, "The export manifest: time, procedure, counts and the SHA-256 of the CSV and JSON files and of each budget's ballot file (.pb)")
            .ok::<export::Manifest>(200, "The manifest.")
            .errors(&[404, 422]))
        .op("get", "/procedures/{slug}/{file}", get(export_file), Doc::new(tag, "An export: export.csv, export.json, export.xlsx, export.pdf or report.html")
            .describe("Planners at any time, everyone once voting has ended. CSV: `table` (proposals, comments, moderation) and `separator` (semicolon, comma). Files stream as they are written.")
            .query("table", "CSV only: proposals (default), comments or moderation.", json!({ "type": "string", "enum": ["proposals", "comments", "moderation"] }))
            .query("separator", "CSV only: semicolon (default) or comma.", json!({ "type": "string", "enum": ["semicolon", "comma"] }))
            .query("lang", "The language of the labels: the CSV column headers (default: the instance's first language, whoever asks), XLSX, PDF and report.html (default: the visitor's language).", lang)
            .file("text/csv", "export.csv")
            .errors(&[404, 422]))
        .op("put", "/procedures/{slug}/council-paper", put(set_paper), Doc::new(tag, "Link the council paper the results went to (planners)")
            .signed_in()
            .body::<CouncilPaper>()
            .empty(204, "Linked.")
            .errors(&[403, 404]))
        .op("post", "/procedures/{slug}/council-paper/import", post(import), Doc::new(tag, "Take the council's outcomes from an OParl server (planners)")
            .describe("Reads the paper, its consultations, agenda items (which name proposals as #123) and meetings.")
            .signed_in()
            .body::<ImportBody>()
            .ok::<oparl::ImportReport>(200, "What was recorded, unchanged, and which agenda items named no proposal.")
            .errors(&[403, 404]))
        .op("put", "/proposals/{id}/outcome", put(record_outcome), Doc::new(tag, "Record the council's outcome for a proposal (planners); followers are mailed")
            .signed_in()
            .body::<OutcomeForm>()
            .ok::<Option<app::model::results::OutcomeView>>(200, "The recorded outcome.")
            .errors(&[403, 404, 409]))
        .op("delete", "/proposals/{id}/outcome", delete(clear_outcome), Doc::new(tag, "Remove a recorded outcome (planners)")
            .signed_in()
            .empty(204, "Removed.")
            .errors(&[403, 404]))
}

/// The JSON Schema of the open-data document.
async fn schema() -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/schema+json"),
        )],
        export::JSON_SCHEMA,
    )
}

/// JSON-LD, as DCAT-AP.de harvesters read it.
fn json_ld(value: serde_json::Value) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/ld+json"),
        )],
        value.to_string(),
    )
        .into_response()
}

/// The open-data catalogue: a DCAT-AP.de dataset per published procedure.
async fn catalog(State(state): State<AppState>) -> ApiResult<Response> {
    let value = app::backend::service::catalog::catalog(
        &state.db,
        &state.site.instance_name,
        &state.site.public_url,
        Utc::now(),
    )
    .await?;
    Ok(json_ld(value))
}

async fn dataset(
    State(state): State<AppState>,
    Path(slug_param): Path<String>,
) -> ApiResult<Response> {
    let value = app::backend::service::catalog::dataset_of(
        &state.db,
        &slug(&slug_param)?,
        &state.site.public_url,
        Utc::now(),
    )
    .await?;
    Ok(json_ld(value))
}

fn slug(value: &str) -> Result<app::model::procedure::Slug, ApiError> {
    super::path_slug(value).map_err(ApiError)
}

/// The language of the human-facing files (XLSX, PDF): `?lang=`, else the request's
/// preference, else German.
fn lang_of(params: &HashMap<String, String>, headers: &HeaderMap) -> Lang {
    params
        .get("lang")
        .and_then(|l| Lang::parse(l))
        .unwrap_or_else(|| {
            Lang::negotiate(
                headers.get(header::COOKIE).and_then(|v| v.to_str().ok()),
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok()),
            )
        })
}

async fn get_results(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    Path(slug_param): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let now = Utc::now();
    let scope = results::scope(&state.db, &slug(&slug_param)?, viewer.as_ref(), now).await?;
    let lang = lang_of(&params, &headers);
    let view = results::view_cached(&state.db, &scope, lang.texts().no_category, now).await?;
    Ok(axum::Json(view))
}

fn job(state: &AppState, scope: Scope, format: Format, lang: Lang) -> Job {
    Job {
        scope,
        format,
        public_url: state.site.public_url.clone(),
        instance_name: state.site.instance_name.clone(),
        logo: state.site.logo.clone(),
        lang,
        hashes: Vec::new(),
        header: None,
        sections: Vec::new(),
    }
}

/// `export.csv` (`?table=proposals|comments|moderation`, `?separator=comma|semicolon`,
/// `?lang=` for the column headers),
/// `export.json`, `export.xlsx`, `export.pdf` and the printable `report.html`: planners at
/// any time, everyone once voting has ended.
async fn export_file(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    Path((slug_param, file)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let format = match file.as_str() {
        "export.csv" => Format::Csv {
            table: match params.get("table") {
                None => Table::Proposals,
                Some(t) => Table::parse(t)
                    .ok_or_else(|| ApiError(AppError::invalid("table", "unknown")))?,
            },
            semicolon: match params.get("separator").map(String::as_str) {
                None | Some("semicolon") => true,
                Some("comma") => false,
                Some(_) => return Err(ApiError(AppError::invalid("separator", "unknown"))),
            },
        },
        "export.json" => Format::Json,
        "export.xlsx" => Format::Xlsx,
        "export.pdf" => Format::Pdf,
        "report.html" => Format::Html,
        _ => return Err(ApiError(AppError::NotFound)),
    };
    let scope = results::scope(&state.db, &slug(&slug_param)?, viewer.as_ref(), Utc::now()).await?;
    let name = format.file_name(&scope.procedure.slug);
    // The open-data files (CSV, JSON) are the same bytes for everyone who asks for the same
    // address: their language is `?lang=` or the instance's first, never the visitor's.
    let lang = match format {
        Format::Csv { .. } | Format::Json => params
            .get("lang")
            .and_then(|l| Lang::parse(l))
            .unwrap_or(export::DATA_LANG),
        _ => lang_of(&params, &headers),
    };
    let job = job(&state, scope, format, lang);
    let mut job = export::with_hashes(&state.db, job).await?;
    budget_report::add_to_report(&state.db, &mut job, Utc::now()).await?;
    let (rx, handle) = export::spawn(&state.db, job);
    let body = Body::from_stream(futures_util::stream::unfold(
        (rx, Some(handle)),
        |(mut rx, handle)| async move {
            loop {
                match rx.recv().await {
                    Some(Chunk::Bytes(bytes)) => {
                        return Some((Ok(Bytes::from(bytes)), (rx, handle)));
                    }
                    Some(Chunk::Progress { .. }) => continue,
                    None => {
                        // The writer has finished: a failure cuts the download short so
                        // the client sees an error, not a silently truncated file.
                        let outcome = match handle {
                            Some(handle) => handle.await.unwrap_or(Err(AppError::Internal)),
                            None => return None,
                        };
                        return match outcome {
                            Ok(()) => None,
                            Err(error) => {
                                tracing::error!("export failed: {error}");
                                Some((Err(std::io::Error::other(error.to_string())), (rx, None)))
                            }
                        };
                    }
                }
            }
        },
    ));
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    if format == Format::Html {
        // The printable report is a page of its own: the instance's stylesheet, nothing else.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'",
            ),
        );
    } else if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The manifest: time, procedure, counts and the SHA-256 of each reproducible file.
async fn manifest(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    Path(slug_param): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let now = Utc::now();
    let scope = results::scope(&state.db, &slug(&slug_param)?, viewer.as_ref(), now).await?;
    // The header of the JSON file, read once for the manifest and for the file's hash.
    let mut job = job(&state, scope, Format::Json, export::DATA_LANG);
    let header = job.header_in(&state.db, export::DATA_LANG).await?;
    job.header = Some(header.clone());
    let mut hashes = export::reproducible_hashes(&state.db, &job).await?;
    hashes.extend(budget_report::files(&state.db, job.scope.procedure.id, now).await?);
    Ok(axum::Json(export::manifest(&header, hashes, now)))
}

async fn set_paper(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(slug_param): Path<String>,
    Json(paper): Json<CouncilPaper>,
) -> ApiResult<impl IntoResponse> {
    results::set_council_paper(&state.db, &user, &slug(&slug_param)?, paper, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ImportBody {
    #[serde(default)]
    url: Option<String>,
}

async fn import(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(slug_param): Path<String>,
    Json(body): Json<ImportBody>,
) -> ApiResult<impl IntoResponse> {
    let report = oparl::import(
        &state.db,
        &state.site,
        &user,
        &slug(&slug_param)?,
        body.url,
        Utc::now(),
    )
    .await?;
    Ok(axum::Json(report))
}

async fn record_outcome(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    Json(form): Json<OutcomeForm>,
) -> ApiResult<impl IntoResponse> {
    let user: CurrentUser = user;
    results::record_outcome(
        &state.db,
        &state.site,
        &user,
        id,
        &form,
        DecisionSource::Manual,
        Utc::now(),
    )
    .await?;
    let outcome = results::outcome_of(&state.db, id).await?;
    Ok(axum::Json(outcome))
}

async fn clear_outcome(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    results::clear_outcome(&state.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
