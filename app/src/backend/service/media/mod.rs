//! Images (a procedure's, an implementation entry's photo): checked, cleaned and stored in
//! the data directory, named by their content's SHA-256 so a file never changes under its
//! name (served as immutable).
//!
//! Only JPEG, PNG and WebP are taken, recognised by their bytes, not by what the client
//! claims. Metadata that can carry personal data (Exif with camera serials and GPS, XMP,
//! IPTC, comments, PNG text chunks) is removed before the file is stored; a JPEG keeps
//! its orientation (as a minimal Exif block) so a portrait photo stays upright.

use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::results_changed;
use crate::backend::db::storage_error;
use crate::backend::entity::{implementation_update, procedure, proposal_photo};
use crate::error::AppError;
use crate::model::procedure::{ProcedureImage, Slug};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

mod formats;
pub mod photo;

#[cfg(test)]
pub(crate) use formats::test_png;
pub(crate) use formats::{PNG_SIGNATURE, be16, be32, png_chunks};
use formats::{jpeg, png, webp};

/// Uploads above this are refused (413).
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// Neither side may exceed this many pixels (a decompression bomb is small on the wire).
pub const MAX_IMAGE_SIDE: u32 = 8_000;
/// Nor fall below this: smaller files are icons, not pictures of a procedure.
pub const MIN_IMAGE_SIDE: u32 = 16;
/// Where images are served; the file name follows.
pub const MEDIA_PREFIX: &str = "/medien/";

/// A recognised, cleaned image ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanImage {
    pub bytes: Vec<u8>,
    pub format: Format,
    /// As displayed (a JPEG rotated by its orientation has its sides swapped).
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    fn from_extension(extension: &str) -> Option<Self> {
        match extension {
            "jpg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            "webp" => Some(Self::Webp),
            _ => None,
        }
    }
}

/// Recognises the format, removes metadata and checks the size. Anything that is not a
/// well-formed JPEG, PNG or WebP is `UnsupportedMediaType`.
pub fn clean(bytes: &[u8]) -> Result<CleanImage, AppError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    if bytes.is_empty() {
        return Err(AppError::invalid("image", "missing"));
    }
    let image = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        jpeg(bytes)
    } else if bytes.starts_with(PNG_SIGNATURE) {
        png(bytes)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        webp(bytes)
    } else {
        None
    }
    .ok_or(AppError::UnsupportedMediaType)?;
    let sides = [image.width, image.height];
    if sides
        .iter()
        .any(|side| !(MIN_IMAGE_SIDE..=MAX_IMAGE_SIDE).contains(side))
    {
        return Err(AppError::invalid("image", "dimensions"));
    }
    Ok(image)
}

/// The stored file's name for these bytes: `<sha256 hex>.<ext>`.
pub fn file_name(image: &CleanImage) -> String {
    content_name(&image.bytes, image.format)
}

/// A file's name from its content: `<sha256 hex>.<ext>`, so equal files are stored once and
/// `stored_file` accepts no other name.
pub(crate) fn content_name(bytes: &[u8], format: Format) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}.{}", format.extension())
}

/// The directory images live in.
pub fn media_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("media")
}

/// A requested file name's path and format, if the name is one this module could have
/// written (64 hex digits and a known extension): nothing else is ever opened.
pub fn stored_file(data_dir: &Path, name: &str) -> Option<(PathBuf, Format)> {
    let (stem, extension) = name.split_once('.')?;
    let format = Format::from_extension(extension)?;
    let well_formed = stem.len() == 64
        && stem
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    well_formed.then(|| (media_dir(data_dir).join(name), format))
}

/// The image as pages show it, from a procedure row.
pub fn image_of(row: &procedure::Model) -> Option<ProcedureImage> {
    let file = row.image_file.as_ref()?;
    Some(ProcedureImage {
        url: format!("{MEDIA_PREFIX}{file}"),
        alt: row.image_alt.clone(),
        width: u32::try_from(row.image_width.unwrap_or(0)).unwrap_or(0),
        height: u32::try_from(row.image_height.unwrap_or(0)).unwrap_or(0),
    })
}

/// The text alternative: what a screen reader announces instead of the picture.
pub fn check_alt(alt: &str) -> Result<String, AppError> {
    let alt = alt.trim();
    let length = alt.chars().count();
    if !(3..=300).contains(&length) || alt.chars().any(crate::model::text::forbidden_in_line) {
        return Err(AppError::invalid("alt", "length"));
    }
    Ok(alt.to_owned())
}

/// Sets (or replaces) a procedure's image and its text alternative. Planners only. The
/// file is written before the row points at it; a replaced file is removed once no
/// procedure uses it any more.
pub async fn set_procedure_image(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    data_dir: &Path,
    slug: &Slug,
    bytes: &[u8],
    alt: &str,
    now: DateTime<Utc>,
) -> Result<ProcedureImage, AppError> {
    user.require(Permission::Plan)?;
    let alt = check_alt(alt)?;
    let row = find(db, slug).await?;
    let Stored {
        name,
        width,
        height,
    } = store(data_dir, bytes).await?;
    procedure::Entity::update_many()
        .col_expr(procedure::Column::ImageFile, Expr::value(name.clone()))
        .col_expr(procedure::Column::ImageAlt, Expr::value(alt.clone()))
        .col_expr(procedure::Column::ImageWidth, Expr::value(width))
        .col_expr(procedure::Column::ImageHeight, Expr::value(height))
        .col_expr(procedure::Column::UpdatedAt, Expr::value(now))
        .filter(procedure::Column::Id.eq(row.id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    results_changed(row.id);
    if let Some(previous) = row.image_file.filter(|previous| *previous != name) {
        remove_if_unused(db, data_dir, &previous).await;
    }
    Ok(ProcedureImage {
        url: format!("{MEDIA_PREFIX}{name}"),
        alt,
        width: width.unsigned_abs(),
        height: height.unsigned_abs(),
    })
}

/// Changes only the text alternative of a procedure's image.
pub async fn set_procedure_image_alt(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    slug: &Slug,
    alt: &str,
    now: DateTime<Utc>,
) -> Result<ProcedureImage, AppError> {
    user.require(Permission::Plan)?;
    let alt = check_alt(alt)?;
    let mut row = find(db, slug).await?;
    if row.image_file.is_none() {
        return Err(AppError::invalid("image", "missing"));
    }
    procedure::Entity::update_many()
        .col_expr(procedure::Column::ImageAlt, Expr::value(alt.clone()))
        .col_expr(procedure::Column::UpdatedAt, Expr::value(now))
        .filter(procedure::Column::Id.eq(row.id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    results_changed(row.id);
    row.image_alt = alt;
    image_of(&row).ok_or(AppError::Internal)
}

/// Removes a procedure's image (the file too, unless another procedure uses it).
pub async fn remove_procedure_image(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    data_dir: &Path,
    slug: &Slug,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    user.require(Permission::Plan)?;
    let row = find(db, slug).await?;
    let Some(previous) = row.image_file else {
        return Ok(());
    };
    procedure::Entity::update_many()
        .col_expr(procedure::Column::ImageFile, Expr::value(None::<String>))
        .col_expr(procedure::Column::ImageAlt, Expr::value(String::new()))
        .col_expr(procedure::Column::ImageWidth, Expr::value(None::<i32>))
        .col_expr(procedure::Column::ImageHeight, Expr::value(None::<i32>))
        .col_expr(procedure::Column::UpdatedAt, Expr::value(now))
        .filter(procedure::Column::Id.eq(row.id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    results_changed(row.id);
    remove_if_unused(db, data_dir, &previous).await;
    Ok(())
}

async fn find(db: &impl ConnectionTrait, slug: &Slug) -> Result<procedure::Model, AppError> {
    procedure::Entity::find()
        .filter(procedure::Column::Slug.eq(slug.as_str()))
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)
}

/// A cleaned image in the media directory: its file name and its size as displayed.
pub(crate) struct Stored {
    pub name: String,
    pub width: i32,
    pub height: i32,
}

/// Cleans an upload (see [`clean`]) and writes it under its content's name.
pub(crate) async fn store(data_dir: &Path, bytes: &[u8]) -> Result<Stored, AppError> {
    let image = clean(bytes)?;
    let name = file_name(&image);
    write_file(data_dir, &name, &image.bytes).await?;
    let side = |n: u32| i32::try_from(n).map_err(|_| AppError::invalid("image", "dimensions"));
    Ok(Stored {
        width: side(image.width)?,
        height: side(image.height)?,
        name,
    })
}

/// Writes the file under a temporary name and renames it, so a reader never sees half a
/// file; an existing file with the name already has these bytes.
async fn write_file(data_dir: &Path, name: &str, bytes: &[u8]) -> Result<(), AppError> {
    let dir = media_dir(data_dir);
    let path = dir.join(name);
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(());
    }
    let io = |error: std::io::Error| {
        tracing::error!(%error, dir = %dir.display(), "cannot store an image");
        AppError::Unavailable
    };
    tokio::fs::create_dir_all(&dir).await.map_err(io)?;
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|_| AppError::Internal)?;
    let temporary = dir.join(format!(
        ".upload-{}",
        nonce.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ));
    tokio::fs::write(&temporary, bytes).await.map_err(io)?;
    if let Err(error) = tokio::fs::rename(&temporary, &path).await {
        let _ = tokio::fs::remove_file(&temporary).await;
        return Err(io(error));
    }
    Ok(())
}

/// Deletes a stored file no procedure, implementation entry or proposal photo refers to
/// any more.
/// Failures are logged: a stray file costs disk space, not correctness.
pub(crate) async fn remove_if_unused(db: &impl ConnectionTrait, data_dir: &Path, name: &str) {
    let procedures = procedure::Entity::find()
        .filter(procedure::Column::ImageFile.eq(name))
        .count(db)
        .await;
    let entries = implementation_update::Entity::find()
        .filter(implementation_update::Column::PhotoFile.eq(name))
        .count(db)
        .await;
    let photos = proposal_photo::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(proposal_photo::Column::ListFile.eq(name))
                .add(proposal_photo::Column::PageFile.eq(name))
                .add(proposal_photo::Column::PrintFile.eq(name)),
        )
        .count(db)
        .await;
    if !matches!((procedures, entries, photos), (Ok(0), Ok(0), Ok(0))) {
        return;
    }
    if let Some((path, _)) = stored_file(data_dir, name)
        && let Err(error) = tokio::fs::remove_file(&path).await
        && error.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(%error, path = %path.display(), "cannot remove an unused image");
    }
}

#[cfg(test)]
mod tests {
    use super::formats::{exif_orientation, le32};
    use super::*;

    /// A PNG with a text chunk; the pixel data is not decoded here.
    fn png_with_text(width: u32, height: u32) -> Vec<u8> {
        super::formats::test_png(
            width,
            height,
            2,
            &[
                (b"tEXt", b"Author\0Erika Mustermann"),
                (b"IDAT", &[1, 2, 3]),
            ],
        )
    }

    /// A JPEG's structure with an Exif block carrying GPS-ish text and an orientation.
    fn jpeg_with_exif(orientation: u16) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8];
        bytes.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
        bytes.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        let mut tiff = b"II\x2A\0\x08\0\0\0".to_vec();
        tiff.extend_from_slice(&[0x01, 0x00]); // one entry
        tiff.extend_from_slice(&[0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00]);
        tiff.extend_from_slice(&orientation.to_le_bytes());
        tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        tiff.extend_from_slice(b"GPS 52.5200 N 13.4050 E");
        let mut exif = b"Exif\0\0".to_vec();
        exif.extend_from_slice(&tiff);
        bytes.extend_from_slice(&[0xFF, 0xE1]);
        bytes.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap_or(0).to_be_bytes());
        bytes.extend_from_slice(&exif);
        bytes.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x0A]);
        bytes.extend_from_slice(b"Kamera X");
        // SOF0: precision 8, height 300, width 400, one component.
        bytes.extend_from_slice(&[
            0xFF, 0xC0, 0x00, 0x0B, 8, 0x01, 0x2C, 0x01, 0x90, 1, 1, 0x11, 0,
        ]);
        bytes.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0]);
        bytes.extend_from_slice(&[0x12, 0x34, 0xFF, 0xD9]);
        bytes
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn png_text_chunks_are_removed_and_the_size_read() {
        let image = clean(&png_with_text(640, 480)).unwrap();
        assert_eq!(
            (image.format, image.width, image.height),
            (Format::Png, 640, 480)
        );
        assert!(!contains(&image.bytes, b"Erika"));
        assert!(contains(&image.bytes, b"IDAT"));
        assert!(file_name(&image).ends_with(".png"));
    }

    #[test]
    fn jpeg_metadata_is_removed_but_the_orientation_kept() {
        let image = clean(&jpeg_with_exif(6)).unwrap();
        assert_eq!(image.format, Format::Jpeg);
        // Orientation 6 turns the 400×300 frame upright: 300 wide, 400 high.
        assert_eq!((image.width, image.height), (300, 400));
        assert!(!contains(&image.bytes, b"GPS"));
        assert!(!contains(&image.bytes, b"Kamera"));
        assert!(contains(&image.bytes, b"JFIF"));
        let exif_at = image
            .bytes
            .windows(6)
            .position(|w| w == b"Exif\0\0")
            .unwrap();
        assert_eq!(exif_orientation(&image.bytes[exif_at + 6..]), Some(6));
        assert!(image.bytes.ends_with(&[0x12, 0x34, 0xFF, 0xD9]));

        let upright = clean(&jpeg_with_exif(1)).unwrap();
        assert_eq!((upright.width, upright.height), (400, 300));
        assert!(!contains(&upright.bytes, b"Exif"));
    }

    #[test]
    fn webp_exif_is_removed_and_the_flags_cleared() {
        let mut vp8x = vec![0b0000_1000, 0, 0, 0];
        vp8x.extend_from_slice(&[0x7F, 0x02, 0x00]); // width 640
        vp8x.extend_from_slice(&[0xDF, 0x01, 0x00]); // height 480
        let mut body = b"WEBP".to_vec();
        for (kind, data) in [
            (&b"VP8X"[..], vp8x),
            (&b"VP8L"[..], vec![0x2F, 0, 0, 0, 0]),
            (&b"EXIF"[..], b"GPS 52.52".to_vec()),
        ] {
            body.extend_from_slice(kind);
            body.extend_from_slice(&u32::try_from(data.len()).unwrap_or(0).to_le_bytes());
            body.extend_from_slice(&data);
            if data.len() % 2 == 1 {
                body.push(0);
            }
        }
        let mut bytes = b"RIFF".to_vec();
        bytes.extend_from_slice(&u32::try_from(body.len()).unwrap_or(0).to_le_bytes());
        bytes.extend_from_slice(&body);
        let image = clean(&bytes).unwrap();
        assert_eq!(
            (image.format, image.width, image.height),
            (Format::Webp, 640, 480)
        );
        assert!(!contains(&image.bytes, b"GPS"));
        assert_eq!(image.bytes[20] & 0b0000_1100, 0);
        assert_eq!(
            le32(&image.bytes, 4).map(|n| n as usize),
            Some(image.bytes.len() - 8)
        );
    }

    #[test]
    fn other_formats_and_broken_files_are_refused() {
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>";
        assert_eq!(clean(svg), Err(AppError::UnsupportedMediaType));
        assert_eq!(
            clean(b"GIF89a\x01\0\x01\0"),
            Err(AppError::UnsupportedMediaType)
        );
        let png = png_with_text(640, 480);
        assert_eq!(clean(&png[..30]), Err(AppError::UnsupportedMediaType));
        let jpeg = jpeg_with_exif(1);
        assert_eq!(clean(&jpeg[..20]), Err(AppError::UnsupportedMediaType));
        assert_eq!(clean(&[]), Err(AppError::invalid("image", "missing")));
        assert_eq!(
            clean(&png_with_text(9_000, 10)),
            Err(AppError::invalid("image", "dimensions"))
        );
        assert_eq!(
            clean(&vec![0; MAX_IMAGE_BYTES + 1]),
            Err(AppError::PayloadTooLarge)
        );
    }

    #[test]
    fn only_names_this_module_writes_are_opened() {
        let dir = Path::new("/data");
        let name = format!("{}.png", "a".repeat(64));
        assert!(stored_file(dir, &name).is_some());
        assert!(stored_file(dir, "../jwt_secret").is_none());
        assert!(stored_file(dir, &format!("{}.svg", "a".repeat(64))).is_none());
        assert!(stored_file(dir, &format!("{}.png", "A".repeat(64))).is_none());
        assert!(stored_file(dir, &format!("{}/x.png", "a".repeat(63))).is_none());
    }
}
