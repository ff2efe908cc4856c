//! Photos on proposals over HTTP: the author's forms (plain multipart posts that return to
//! the proposal's photos page, so they work without JavaScript) and the REST resources.
//! Uploads pass under the image upload limit (`media::MAX_UPLOAD_BYTES`); the rest under
//! the API's usual one. Hiding a photo is a moderation decision (a redaction, see
//! `POST /api/v1/moderation/decisions`).

use crate::media::{AltBody, form_parts, part_text, refused_form};
use crate::rest::doc::{Api, Doc};
use crate::rest::{ApiError, ApiResult, Authenticated, MaybeAuthenticated, PathId};
use app::backend::service::media::MAX_IMAGE_BYTES;
use app::backend::state::AppState;
use app::error::AppError;
use app::formats::proposals::photos::{PHOTO_FORM, ProposalPhoto};
use app::formats::proposals::service::photos;
use app::model::done::Done;
use app::model::path;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use std::collections::HashMap;

/// The routes that take photos: the two forms and the REST upload.
pub fn uploads() -> Router<AppState> {
    Router::new()
        .route("/vorschlaege/{id}/fotos/neu", post(upload_form))
        .route("/fotos/{id}", post(change_form))
        .route("/api/v1/proposals/{id}/photos", post(upload))
        .layer(DefaultBodyLimit::max(crate::media::MAX_UPLOAD_BYTES))
}

/// The REST operations (under `/api/v1`) and the description of the upload served above.
pub fn api() -> Api {
    let tag = "participation";
    Api::default()
        .op(
            "get",
            "/proposals/{id}/photos",
            get(list),
            Doc::new(tag, "A proposal's photos")
                .describe("Up to three, oldest first, each in three sizes: `list_url` (at most 480 pixels on the longer side), `page_url` (1,280) and `print_url` (2,400), all JPEG, with the text alternative. Photos a moderator hid are listed only to their author and moderators (`hidden`).")
                .ok::<Vec<ProposalPhoto>>(200, "The photos.")
                .errors(&[404]),
        )
        .external("post", "/proposals/{id}/photos", Doc::new(tag, "Add a photo to one's own proposal")
            .describe("multipart/form-data: `image` (JPEG, PNG or WebP, at most 5 MB and 40 megapixels) and `alt` (its text alternative, 3 to 300 characters, required). The photo is decoded, turned upright, scaled and saved anew as JPEG: no metadata (location, camera) is kept. A proposal takes three photos; withdrawn, merged or hidden proposals take none. The text alternative passes the instance's pre-screen like any text (changing it too); in a procedure that reviews contributions before they are shown, a photo added to a proposal already shown puts the proposal into the moderation queue (`screen_rule` `photo added`).")
            .signed_in()
            .body_as("multipart/form-data")
            .ok::<ProposalPhoto>(201, "The stored photo.")
            .errors(&[403, 404, 413, 415, 422]))
        .op(
            "patch",
            "/proposal-photos/{id}",
            axum::routing::patch(patch_alt).delete(delete),
            Doc::new(tag, "Change a photo's text alternative (its author)")
                .signed_in()
                .body::<AltBody>()
                .ok::<ProposalPhoto>(200, "The photo.")
                .errors(&[403, 404, 422]),
        )
        .external("delete", "/proposal-photos/{id}", Doc::new(tag, "Remove a photo (its author)")
            .describe("Also a photo a moderator hid. Its files are deleted.")
            .signed_in()
            .empty(204, "Removed.")
            .errors(&[403, 404]))
}

async fn list(
    State(state): State<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    PathId(id): PathId,
) -> ApiResult<impl IntoResponse> {
    let listed = photos::listed(&state.db, viewer.as_ref(), id).await?;
    Ok(axum::Json(listed))
}

/// The parts of a photo upload: the image (refused above the image limit as it streams
/// in) and its text alternative.
async fn read_photo(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(Vec<u8>, String), AppError> {
    let parts: HashMap<String, Vec<u8>> =
        form_parts(multipart, MAX_IMAGE_BYTES, || AppError::PayloadTooLarge).await?;
    let alt = part_text(&parts, "alt");
    let image = parts
        .get("image")
        .filter(|bytes| !bytes.is_empty())
        .cloned()
        .ok_or_else(|| AppError::invalid("image", "missing"))?;
    Ok((image, alt))
}

/// `POST /api/v1/proposals/{id}/photos`.
async fn upload(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<impl IntoResponse> {
    let (image, alt) = read_photo(multipart).await?;
    let data_dir = &state.site.data_dir;
    let photo = photos::add(&state.db, &user, data_dir, id, image, &alt, Utc::now()).await?;
    Ok((StatusCode::CREATED, axum::Json(photo)))
}

async fn patch_alt(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
    crate::rest::Json(body): crate::rest::Json<AltBody>,
) -> ApiResult<impl IntoResponse> {
    let photo = photos::set_alt(&state.db, &user, id, body.alt(), Utc::now()).await?;
    Ok(axum::Json(photo))
}

async fn delete(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(id): PathId,
) -> ApiResult<StatusCode> {
    photos::remove(&state.db, &user, &state.site.data_dir, id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /vorschlaege/{id}/fotos/neu`: adds a photo, then returns to the photos page with a
/// status, or with the error that page shows (the text alternative typed is kept).
async fn upload_form(
    State(state): State<AppState>,
    MaybeAuthenticated(user): MaybeAuthenticated,
    PathId(id): PathId,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let page = path::proposal_photos(id);
    let mut typed = String::new();
    let result = async {
        let user = user.ok_or(AppError::Unauthenticated)?;
        let (image, alt) = read_photo(multipart).await?;
        typed.clone_from(&alt);
        let data_dir = &state.site.data_dir;
        photos::add(&state.db, &user, data_dir, id, image, &alt, Utc::now()).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&Done::ImageSaved.on(&page)).into_response(),
        Err(error) => refused_form(PHOTO_FORM, &page, error, &[("alt", &typed)], ""),
    }
}

/// `POST /fotos/{id}`: `action=alt` changes the text alternative, `action=remove` removes
/// the photo; back to the proposal's photos page.
async fn change_form(
    State(state): State<AppState>,
    MaybeAuthenticated(user): MaybeAuthenticated,
    PathId(id): PathId,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let proposal_id = match photos::proposal_of(&state.db, id).await {
        Ok(proposal_id) => proposal_id,
        Err(error) => return ApiError(error).into_response(),
    };
    let page = path::proposal_photos(proposal_id);
    let result = async {
        let user = user.ok_or(AppError::Unauthenticated)?;
        let parts = form_parts(multipart, 64 * 1024, || AppError::PayloadTooLarge).await?;
        let now = Utc::now();
        match part_text(&parts, "action").as_str() {
            "remove" => {
                photos::remove(&state.db, &user, &state.site.data_dir, id, now).await?;
                Ok(Done::ImageRemoved)
            }
            "alt" => {
                let alt = part_text(&parts, "alt");
                photos::set_alt(&state.db, &user, id, &alt, now).await?;
                Ok(Done::ImageSaved)
            }
            _ => Err(AppError::invalid("action", "unknown")),
        }
    }
    .await;
    match result {
        Ok(done) => Redirect::to(&done.on(&page)).into_response(),
        Err(error) => refused_form(PHOTO_FORM, &page, error, &[], ""),
    }
}
