//! Images over HTTP: serving stored files, the upload forms (plain multipart form posts
//! that redirect back, so they work without JavaScript: a procedure's image in its editor,
//! an implementation entry's photo) and the REST endpoints. Uploads get their own, larger body limit; everything else keeps 1 MiB.

use crate::rest::{ApiError, ApiResult, Authenticated, MaybeAuthenticated, PathId, path_slug};
use app::backend::service::implementation::{self, Subject};
use app::backend::service::media::{self, MAX_IMAGE_BYTES};
use app::backend::state::AppState;
use app::error::AppError;
use app::model::done::Done;
use app::model::implementation::PHOTO_FORM;
use app::model::procedure::IMAGE_FORM;
use axum::Router;
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use chrono::Utc;
use leptos::server_fn::error::ServerFnUrlError;
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// The largest request an upload may be: the image plus the form's other fields.
pub const MAX_UPLOAD_BYTES: usize = MAX_IMAGE_BYTES + 64 * 1024;

/// `GET /medien/{name}`: the routes that read files, under the normal body limit.
pub fn serving() -> Router<AppState> {
    Router::new().route("/medien/{name}", get(serve))
}

/// The routes that take images: the forms and the REST API's image resources.
pub fn uploads() -> Router<AppState> {
    Router::new()
        .route("/verwaltung/verfahren/{slug}/bild", post(editor_form))
        .route(
            "/api/v1/procedures/{slug}/image",
            put(put_image).patch(patch_image).delete(delete_image),
        )
        .route("/verwaltung/umsetzung/{id}/foto", post(photo_form))
        .route(
            "/api/v1/implementation-entries/{id}/photo",
            put(put_photo).delete(delete_photo),
        )
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
}

/// Streams a stored image (tower-http's `ServeFile`: conditional requests and ranges
/// included) with the type of its format, cacheable for good, and a sandboxing policy.
async fn serve(
    State(state): State<AppState>,
    Path(name): Path<String>,
    request: axum::extract::Request,
) -> Response {
    let Some((path, format)) = media::stored_file(&state.site.data_dir, &name) else {
        return ApiError(AppError::NotFound).into_response();
    };
    let Ok(mut response) = ServeFile::new(path).oneshot(request).await;
    if response.status() == StatusCode::NOT_FOUND {
        return ApiError(AppError::NotFound).into_response();
    }
    // The name is the content's hash: it never changes.
    image_headers(
        response.headers_mut(),
        format.content_type(),
        "public, max-age=31536000, immutable",
        IMAGE_POLICY,
    );
    response.map(Body::new)
}

/// The content security policy of an image: nothing in it loads or runs.
pub const IMAGE_POLICY: &str = "default-src 'none'; sandbox";

/// The headers of a picture the instance serves: its type, how long it may be kept, and
/// the policy it is shown under (so a picture opened on its own address runs nothing).
pub fn image_headers(
    headers: &mut HeaderMap,
    content_type: &'static str,
    cache_control: &'static str,
    policy: &'static str,
) {
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
}

/// What an upload form carries.
#[derive(Default)]
struct Upload {
    image: Option<Vec<u8>>,
    alt: Option<String>,
    remove: bool,
}

/// A multipart body that could not be read as one: 415 for a wrong boundary, else 400.
pub(crate) fn multipart_rejected(rejection: MultipartRejection) -> AppError {
    match rejection {
        MultipartRejection::InvalidBoundary(_) => AppError::UnsupportedMediaType,
        other => AppError::Request {
            detail: other.body_text(),
        },
    }
}

/// A part that could not be read: 413 past the body limit, else 400.
pub(crate) fn multipart_failed(error: axum::extract::multipart::MultipartError) -> AppError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else {
        AppError::Request {
            detail: error.body_text(),
        }
    }
}

/// A multipart form's parts by name (a later part of a name replaces an earlier one), each
/// read by chunks and refused with `too_large()` as soon as it passes `max` bytes, whatever
/// the body limit around it.
pub(crate) async fn form_parts(
    multipart: Result<Multipart, MultipartRejection>,
    max: usize,
    too_large: impl Fn() -> AppError,
) -> Result<std::collections::HashMap<String, Vec<u8>>, AppError> {
    let mut multipart = multipart.map_err(multipart_rejected)?;
    let mut parts = std::collections::HashMap::new();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_failed)? {
        let name = field.name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_failed)? {
            if bytes.len() + chunk.len() > max {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        parts.insert(name, bytes);
    }
    Ok(parts)
}

/// A form part as text (empty when the form lacks it).
pub(crate) fn part_text(parts: &std::collections::HashMap<String, Vec<u8>>, name: &str) -> String {
    parts
        .get(name)
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
        .unwrap_or_default()
}

/// Where a refused form post goes back to: `page` with the error in the same encoding a
/// server function's form uses (so the page's error display reads it the same way), the
/// fields to fill in again (`kept`, as name and value; the page reads them as it reads
/// what `keep_form_values` keeps), and `fragment`. A post without a session goes to sign
/// in instead, and back to `page` afterwards.
pub(crate) fn refused_form(
    form: &str,
    page: &str,
    error: AppError,
    kept: &[(&str, &str)],
    fragment: &str,
) -> Response {
    if matches!(error, AppError::Unauthenticated) {
        return Redirect::to(&app::model::path::with_return("/anmelden", page)).into_response();
    }
    let encode = app::model::text::encode_component;
    let kept: Vec<String> = kept
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect();
    let kept = if kept.is_empty() {
        String::new()
    } else {
        format!("&__form={}", encode(&kept.join("&")))
    };
    let url = ServerFnUrlError::new(form, error)
        .to_url(&format!("http://localhost{page}"))
        .map(|url| {
            format!(
                "{}?{}{kept}{fragment}",
                url.path(),
                url.query().unwrap_or_default()
            )
        })
        .unwrap_or_else(|_| page.to_owned());
    Redirect::to(&url).into_response()
}

async fn read_upload(multipart: Result<Multipart, MultipartRejection>) -> Result<Upload, AppError> {
    let mut multipart = multipart.map_err(multipart_rejected)?;
    let mut upload = Upload::default();
    let failed = multipart_failed;
    while let Some(field) = multipart.next_field().await.map_err(failed)? {
        match field.name() {
            Some("image") => {
                let bytes = field.bytes().await.map_err(failed)?;
                // A file input left empty still sends a part, with no bytes.
                if !bytes.is_empty() {
                    upload.image = Some(bytes.to_vec());
                }
            }
            Some("alt") => upload.alt = Some(field.text().await.map_err(failed)?),
            Some("action") => upload.remove = field.text().await.map_err(failed)? == "remove",
            _ => {}
        }
    }
    Ok(upload)
}

/// `POST /verwaltung/verfahren/{slug}/bild`: saves, replaces or removes the image, then
/// returns to the editor with a status, or with the error the editor shows by the form.
async fn editor_form(
    State(state): State<AppState>,
    MaybeAuthenticated(user): MaybeAuthenticated,
    Path(raw_slug): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let editor = app::model::path::procedure_editor(&raw_slug);
    let result = async {
        let user = user.ok_or(AppError::Unauthenticated)?;
        let slug = path_slug(&raw_slug)?;
        let upload = read_upload(multipart).await?;
        let data_dir = &state.site.data_dir;
        if upload.remove {
            media::remove_procedure_image(&state.db, &user, data_dir, &slug, Utc::now()).await?;
            return Ok(Done::ImageRemoved);
        }
        let alt = upload.alt.unwrap_or_default();
        match upload.image {
            Some(bytes) => {
                media::set_procedure_image(
                    &state.db,
                    &user,
                    data_dir,
                    &slug,
                    &bytes,
                    &alt,
                    Utc::now(),
                )
                .await?;
            }
            None => {
                media::set_procedure_image_alt(&state.db, &user, &slug, &alt, Utc::now()).await?;
            }
        }
        Ok(Done::ImageSaved)
    }
    .await;
    match result {
        Ok(outcome) => Redirect::to(&outcome.on(&format!("{editor}#bild"))).into_response(),
        Err(AppError::Unauthenticated) => Redirect::to("/anmelden").into_response(),
        Err(error) => refused_form(IMAGE_FORM, &editor, error, &[], "#bild"),
    }
}

/// `PUT /api/v1/procedures/{slug}/image`: a multipart body with `image` and `alt`.
async fn put_image(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(raw_slug): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<impl IntoResponse> {
    let slug = path_slug(&raw_slug)?;
    let upload = read_upload(multipart).await?;
    let bytes = upload
        .image
        .ok_or_else(|| AppError::invalid("image", "missing"))?;
    let image = media::set_procedure_image(
        &state.db,
        &user,
        &state.site.data_dir,
        &slug,
        &bytes,
        &upload.alt.unwrap_or_default(),
        Utc::now(),
    )
    .await?;
    Ok(axum::Json(image))
}

/// The body of `PATCH /api/v1/procedures/{slug}/image`.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AltBody {
    alt: String,
}

impl AltBody {
    pub fn alt(&self) -> &str {
        &self.alt
    }
}

/// `PATCH /api/v1/procedures/{slug}/image`: `{"alt": "…"}` changes the text alternative.
async fn patch_image(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(raw_slug): Path<String>,
    crate::rest::Json(body): crate::rest::Json<AltBody>,
) -> ApiResult<impl IntoResponse> {
    let slug = path_slug(&raw_slug)?;
    let image = media::set_procedure_image_alt(&state.db, &user, &slug, &body.alt, Utc::now())
        .await
        .map_err(ApiError)?;
    Ok(axum::Json(image))
}

async fn delete_image(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(raw_slug): Path<String>,
) -> ApiResult<StatusCode> {
    let slug = path_slug(&raw_slug)?;
    media::remove_procedure_image(&state.db, &user, &state.site.data_dir, &slug, Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /verwaltung/umsetzung/{id}/foto`: saves, replaces or removes an implementation
/// entry's photo (or changes its text alternative), then returns to the page the entry is
/// recorded on (the planners' page of the proposal's or the project's implementation) with
/// a status, or with the error that page shows above the implementation.
async fn photo_form(
    State(state): State<AppState>,
    MaybeAuthenticated(user): MaybeAuthenticated,
    PathId(entry_id): PathId,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let page = |subject| match subject {
        Subject::Proposal(id) => app::model::path::implementation_desk(id),
        Subject::Project(id) => app::model::path::project_desk(id),
    };
    let result = async {
        let user = user.ok_or(AppError::Unauthenticated)?;
        let upload = read_upload(multipart).await?;
        let data_dir = &state.site.data_dir;
        if upload.remove {
            let subject =
                implementation::remove_photo(&state.db, &user, data_dir, entry_id).await?;
            return Ok((subject, Done::ImageRemoved));
        }
        let alt = upload.alt.unwrap_or_default();
        let bytes = upload.image.as_deref();
        let (subject, _) =
            implementation::set_photo(&state.db, &user, data_dir, entry_id, bytes, &alt).await?;
        Ok((subject, Done::ImageSaved))
    }
    .await;
    match result {
        Ok((subject, outcome)) => {
            Redirect::to(&outcome.on(&format!("{}#umsetzung", page(subject)))).into_response()
        }
        Err(AppError::Unauthenticated) => Redirect::to("/anmelden").into_response(),
        // Back to the page the entry is shown on, if there is such an entry.
        Err(error) => match implementation::entry_subject(&state.db, entry_id).await {
            Ok((_, subject)) => refused_form(PHOTO_FORM, &page(subject), error, &[], "#umsetzung"),
            Err(missing) => ApiError(missing).into_response(),
        },
    }
}

/// `PUT /api/v1/implementation-entries/{id}/photo`: a multipart body with `image` and
/// `alt` (without `image`, only the text alternative of the photo it has changes).
async fn put_photo(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(entry_id): PathId,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<impl IntoResponse> {
    let upload = read_upload(multipart).await?;
    let alt = upload.alt.unwrap_or_default();
    let data_dir = &state.site.data_dir;
    let bytes = upload.image.as_deref();
    let (_, photo) =
        implementation::set_photo(&state.db, &user, data_dir, entry_id, bytes, &alt).await?;
    Ok(axum::Json(photo))
}

async fn delete_photo(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    PathId(entry_id): PathId,
) -> ApiResult<StatusCode> {
    implementation::remove_photo(&state.db, &user, &state.site.data_dir, entry_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
