//! Photos people upload with their proposals: checked like every image (format by its
//! bytes, size, sides), then decoded under allocation limits, turned upright, scaled to
//! the sizes pages use and encoded anew as JPEG. Nothing of the uploaded file but its
//! pixels survives: no Exif, GPS, XMP, ICC profile or comment, whatever the format.

use super::*;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, imageops::FilterType};

/// A photo may have at most this many pixels (a 40-megapixel camera's).
pub const MAX_PHOTO_PIXELS: u64 = 40_000_000;
/// The longer side of each size: the list's thumbnail, the page's picture, the print's.
pub const LIST_SIDE: u32 = 480;
pub const PAGE_SIDE: u32 = 1_280;
pub const PRINT_SIDE: u32 = 2_400;
/// JPEG quality of every size.
const QUALITY: u8 = 82;
/// The decoder may allocate at most this much (a 40-megapixel RGBA picture and change).
const MAX_ALLOC: u64 = 200 * 1024 * 1024;

/// One photo in its three sizes, each JPEG bytes with its pixels.
#[derive(Debug)]
pub struct Rendered {
    pub list: Encoded,
    pub page: Encoded,
    pub print: Encoded,
}

#[derive(Debug)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Decodes, turns upright, scales and re-encodes an upload. CPU-bound: callers run it off
/// the async workers (see [`render_photo`]).
pub fn render(bytes: &[u8]) -> Result<Rendered, AppError> {
    let checked = clean(bytes)?;
    if u64::from(checked.width) * u64::from(checked.height) > MAX_PHOTO_PIXELS {
        return Err(AppError::invalid("image", "dimensions"));
    }
    let format = match checked.format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        Format::Webp => ImageFormat::WebP,
    };
    let mut reader = ImageReader::with_format(std::io::Cursor::new(&checked.bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let unreadable = |_| AppError::UnsupportedMediaType;
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    picture.apply_orientation(orientation);
    let picture = DynamicImage::ImageRgb8(flattened(picture));
    // Each size from the one above it: three scalings of a large photo cost little more
    // than one.
    let print = fitted(picture, PRINT_SIDE);
    let page = fitted(print.clone(), PAGE_SIDE);
    let list = fitted(page.clone(), LIST_SIDE);
    Ok(Rendered {
        list: encoded(&list)?,
        page: encoded(&page)?,
        print: encoded(&print)?,
    })
}

/// Renders on the blocking pool, one photo at a time across the process, so a burst of
/// uploads costs the memory of one decoded photo, not of all of them.
pub async fn render_photo(bytes: Vec<u8>) -> Result<Rendered, AppError> {
    static ONE_AT_A_TIME: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);
    let _turn = ONE_AT_A_TIME
        .acquire()
        .await
        .map_err(|_| AppError::Unavailable)?;
    tokio::task::spawn_blocking(move || render(&bytes))
        .await
        .map_err(|_| AppError::Internal)?
}

/// Transparent pixels over white (a JPEG has no transparency).
fn flattened(picture: DynamicImage) -> image::RgbImage {
    if !picture.color().has_alpha() {
        return picture.into_rgb8();
    }
    let rgba = picture.into_rgba8();
    let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
    for (to, from) in rgb.pixels_mut().zip(rgba.pixels()) {
        let alpha = u16::from(from[3]);
        for channel in 0..3 {
            let blended = (u16::from(from[channel]) * alpha + 255 * (255 - alpha)) / 255;
            to[channel] = u8::try_from(blended).unwrap_or(u8::MAX);
        }
    }
    rgb
}

/// The picture scaled down so its longer side is at most `side` (never up).
fn fitted(picture: DynamicImage, side: u32) -> DynamicImage {
    let (width, height) = fitted_size(picture.width(), picture.height(), side);
    if (width, height) == (picture.width(), picture.height()) {
        return picture;
    }
    picture.resize_exact(width, height, FilterType::Triangle)
}

/// The pixels of a `width`×`height` picture scaled down so its longer side is at most
/// `side`, keeping its proportions (never up, never below one pixel). Each size is made
/// from the one above it, so the list size's pixels follow from the page size's.
pub fn fitted_size(width: u32, height: u32, side: u32) -> (u32, u32) {
    let longer = width.max(height);
    if longer <= side || longer == 0 {
        return (width, height);
    }
    let scaled = |pixels: u32| {
        let exact = u64::from(pixels) * u64::from(side);
        let rounded = (exact + u64::from(longer) / 2) / u64::from(longer);
        u32::try_from(rounded).unwrap_or(side).max(1)
    };
    (scaled(width), scaled(height))
}

fn encoded(picture: &DynamicImage) -> Result<Encoded, AppError> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, QUALITY)
        .encode_image(picture)
        .map_err(|_| AppError::Internal)?;
    Ok(Encoded {
        bytes,
        width: picture.width(),
        height: picture.height(),
    })
}

/// Writes one size under its content's name and returns that name.
pub(crate) async fn store_encoded(data_dir: &Path, encoded: &Encoded) -> Result<String, AppError> {
    let name = content_name(&encoded.bytes, Format::Jpeg);
    write_file(data_dir, &name, &encoded.bytes).await?;
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgba, RgbaImage};

    fn png(width: u32, height: u32, alpha: u8) -> Vec<u8> {
        let picture = RgbaImage::from_pixel(width, height, Rgba([200, 30, 30, alpha]));
        let mut bytes = Vec::new();
        image::codecs::png::PngEncoder::new(&mut bytes)
            .write_image(
                picture.as_raw(),
                width,
                height,
                image::ExtendedColorType::Rgba8,
            )
            .unwrap();
        bytes
    }

    /// A real JPEG with an Exif block (orientation 6 and a GPS note) and a comment.
    fn jpeg_with_gps(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbImage::from_pixel(width, height, image::Rgb([20, 120, 40]));
        let mut plain = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90)
            .encode_image(&picture)
            .unwrap();
        let mut tiff = b"II\x2A\0\x08\0\0\0".to_vec();
        tiff.extend_from_slice(&[0x01, 0x00]);
        tiff.extend_from_slice(&[0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00]);
        tiff.extend_from_slice(&6u16.to_le_bytes());
        tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        tiff.extend_from_slice(b"GPS 48.7758 N 9.1829 E");
        let mut exif = b"Exif\0\0".to_vec();
        exif.extend_from_slice(&tiff);
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE1];
        bytes.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
        bytes.extend_from_slice(&exif);
        bytes.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x0D]);
        bytes.extend_from_slice(b"Kamera X100");
        bytes.extend_from_slice(&plain[2..]);
        bytes
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_photo_with_gps_tags_comes_back_without_them_and_upright() {
        let rendered = render(&jpeg_with_gps(640, 400)).unwrap();
        for size in [&rendered.list, &rendered.page, &rendered.print] {
            assert!(!contains(&size.bytes, b"GPS"));
            assert!(!contains(&size.bytes, b"Exif"));
            assert!(!contains(&size.bytes, b"Kamera"));
            assert!(size.bytes.starts_with(&[0xFF, 0xD8]));
        }
        // Orientation 6: the 640×400 frame is shown 400 wide and 640 high.
        assert_eq!((rendered.page.width, rendered.page.height), (400, 640));
        assert_eq!((rendered.list.width, rendered.list.height), (300, 480));
    }

    #[test]
    fn each_size_fits_its_side_and_small_photos_are_not_enlarged() {
        let rendered = render(&png(3_000, 1_500, 255)).unwrap();
        assert_eq!(
            (rendered.print.width, rendered.print.height),
            (2_400, 1_200)
        );
        assert_eq!((rendered.page.width, rendered.page.height), (1_280, 640));
        assert_eq!((rendered.list.width, rendered.list.height), (480, 240));
        let small = render(&png(200, 100, 255)).unwrap();
        assert_eq!(
            (small.print.width, small.page.width, small.list.width),
            (200, 200, 200)
        );
    }

    #[test]
    fn the_list_size_follows_from_the_page_size() {
        for (width, height) in [
            (1_000, 1_000),
            (1_280, 853),
            (853, 1_280),
            (1_280, 16),
            (641, 1_280),
        ] {
            let rendered = render(&png(width, height, 255)).unwrap();
            assert_eq!((rendered.page.width, rendered.page.height), (width, height));
            assert_eq!(
                (rendered.list.width, rendered.list.height),
                fitted_size(width, height, LIST_SIDE),
                "{width}x{height}"
            );
        }
        assert_eq!(fitted_size(1_280, 853, LIST_SIDE), (480, 320));
        assert_eq!(fitted_size(1_280, 16, LIST_SIDE), (480, 6));
        assert_eq!(fitted_size(2_400, 3, LIST_SIDE), (480, 1));
        assert_eq!(fitted_size(300, 200, LIST_SIDE), (300, 200));
    }

    #[test]
    fn transparency_becomes_white() {
        let rendered = render(&png(64, 64, 0)).unwrap();
        let back = image::load_from_memory(&rendered.page.bytes)
            .unwrap()
            .into_rgb8();
        assert!(back.pixels().all(|p| p.0.iter().all(|c| *c > 240)));
    }

    #[test]
    fn pictures_past_the_pixel_limit_or_broken_are_refused() {
        // 8,000 × 5,001 passes each side's limit but not the pixel count; the header alone
        // says so, nothing is decoded.
        let mut header = png(16, 16, 255);
        header[16..20].copy_from_slice(&8_000u32.to_be_bytes());
        header[20..24].copy_from_slice(&5_001u32.to_be_bytes());
        assert_eq!(
            render(&header).unwrap_err(),
            AppError::invalid("image", "dimensions")
        );
        // A well-formed PNG header over garbage pixels.
        let mut broken = png(64, 64, 255);
        let at = broken.len() - 20;
        broken[at..at + 8].copy_from_slice(&[0xAB; 8]);
        assert_eq!(render(&broken).unwrap_err(), AppError::UnsupportedMediaType);
    }
}
