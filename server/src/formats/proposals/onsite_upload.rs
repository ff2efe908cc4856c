//! The upload of a CSV batch of on-site contributions: a plain multipart form post (files
//! cannot travel in a server function's form encoding) that keeps the batch and goes on
//! to its preview, so it works without JavaScript. The preview and the import are the
//! page's server functions.

use crate::media::{form_parts, part_text, refused_form};
use crate::rest::{MaybeAuthenticated, path_slug};
use app::backend::state::AppState;
use app::error::AppError;
use app::formats::proposals::onsite_model::{IMPORT_FORM, MAX_IMPORT_BYTES};
use app::formats::proposals::service::onsite_import;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use chrono::Utc;

/// `POST /verwaltung/verfahren/{slug}/vor-ort-import`: under the ordinary body limit
/// (a batch is at most [`MAX_IMPORT_BYTES`]).
pub fn routes() -> Router<AppState> {
    Router::new().route("/verwaltung/verfahren/{slug}/vor-ort-import", post(upload))
}

/// What the upload form carries: the event, and the batch as a file or as pasted cells.
#[derive(Default)]
struct Batch {
    event: String,
    file: Vec<u8>,
    pasted: String,
}

async fn read_batch(multipart: Result<Multipart, MultipartRejection>) -> Result<Batch, AppError> {
    let too_large = || AppError::invalid("file", "too_large");
    let mut parts = form_parts(multipart, MAX_IMPORT_BYTES, too_large).await?;
    Ok(Batch {
        event: part_text(&parts, "event"),
        pasted: part_text(&parts, "text"),
        file: parts.remove("file").unwrap_or_default(),
    })
}

async fn upload(
    State(state): State<AppState>,
    MaybeAuthenticated(user): MaybeAuthenticated,
    Path(raw_slug): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let page = app::model::path::onsite_import(&raw_slug);
    // The event goes back into its field when the upload is refused (a file cannot).
    let mut event = String::new();
    let result = async {
        let user = user.ok_or(AppError::Unauthenticated)?;
        let slug = path_slug(&raw_slug)?;
        let batch = read_batch(multipart).await?;
        event.clone_from(&batch.event);
        // A chosen file wins over pasted cells.
        let bytes = if batch.file.is_empty() {
            batch.pasted.into_bytes()
        } else {
            batch.file
        };
        onsite_import::stage(&state.db, &user, &slug, &batch.event, &bytes, Utc::now()).await
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("{page}?stapel={id}#vorschau")).into_response(),
        Err(error) => {
            let typed: String = event.chars().take(200).collect();
            refused_form(
                IMPORT_FORM,
                &page,
                error,
                &[("event", &typed)],
                "#hochladen",
            )
        }
    }
}
