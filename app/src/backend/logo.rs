//! The instance's logo (`MITREDEN_LOGO`), read once at start and kept ready for the PDF
//! report: a JPEG as it is, a PNG decoded and split into colour and transparency.

use crate::backend::service::media::{PNG_SIGNATURE, be16, be32, png_chunks};
use flate2::read::ZlibDecoder;
use std::io::Read;

/// The largest logo file, and the largest side in pixels.
pub const MAX_LOGO_BYTES: usize = 2 * 1024 * 1024;
const MAX_SIDE: u32 = 4096;

/// A logo as a PDF image: its pixels (compressed), colours and optional soft mask.
#[derive(Clone, PartialEq, Eq)]
pub struct Logo {
    pub width: u32,
    pub height: u32,
    /// `DeviceRGB` or `DeviceGray`.
    pub color_space: &'static str,
    /// `DCTDecode` (JPEG) or `FlateDecode`.
    pub filter: &'static str,
    pub data: Vec<u8>,
    /// Transparency, 8 bits per pixel, zlib-compressed.
    pub alpha: Option<Vec<u8>>,
}

impl std::fmt::Debug for Logo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Logo({}×{} {})", self.width, self.height, self.filter)
    }
}

impl Logo {
    /// Reads a PNG (8 bits per channel, grey or colour, with or without transparency, not
    /// interlaced) or a baseline/progressive JPEG (grey or colour). The error says what to
    /// change.
    pub fn read(bytes: &[u8]) -> Result<Self, String> {
        if bytes.len() > MAX_LOGO_BYTES {
            return Err("the logo is larger than 2 MB".to_owned());
        }
        if bytes.starts_with(PNG_SIGNATURE) {
            png(bytes)
        } else if bytes.starts_with(&[0xFF, 0xD8]) {
            jpeg(bytes)
        } else {
            Err("the logo must be a PNG or JPEG file".to_owned())
        }
    }
}

fn side_ok(width: u32, height: u32) -> Result<(), String> {
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!(
            "the logo must be between 1 and {MAX_SIDE} pixels on each side"
        ));
    }
    Ok(())
}

fn jpeg(bytes: &[u8]) -> Result<Logo, String> {
    let unreadable = || "the JPEG file cannot be read".to_owned();
    let mut at = 2;
    while let Some(length) = be16(bytes, at + 2) {
        if bytes[at] != 0xFF {
            return Err(unreadable());
        }
        let marker = bytes[at + 1];
        // Start of frame (baseline, extended, progressive): precision, height, width,
        // components.
        if matches!(marker, 0xC0..=0xC2) {
            let frame = bytes.get(at + 4..at + 10).ok_or_else(unreadable)?;
            let height = u32::from(be16(frame, 1).ok_or_else(unreadable)?);
            let width = u32::from(be16(frame, 3).ok_or_else(unreadable)?);
            side_ok(width, height)?;
            let color_space = match frame[5] {
                1 => "DeviceGray",
                3 => "DeviceRGB",
                _ => return Err("the JPEG must be greyscale or RGB, not CMYK".to_owned()),
            };
            return Ok(Logo {
                width,
                height,
                color_space,
                filter: "DCTDecode",
                data: bytes.to_vec(),
                alpha: None,
            });
        }
        at += 2 + usize::from(length);
    }
    Err(unreadable())
}

fn png(bytes: &[u8]) -> Result<Logo, String> {
    let unreadable = || "the PNG file cannot be read".to_owned();
    let mut header = None;
    let mut compressed = Vec::new();
    for chunk in png_chunks(bytes) {
        match chunk.kind {
            b"IHDR" if chunk.data.len() == 13 => header = Some(chunk.data),
            b"IDAT" => compressed.extend_from_slice(chunk.data),
            _ => {}
        }
    }
    let header = header.ok_or_else(unreadable)?;
    let width = be32(header, 0).ok_or_else(unreadable)?;
    let height = be32(header, 4).ok_or_else(unreadable)?;
    side_ok(width, height)?;
    let (depth, color_type, interlace) = (header[8], header[9], header[12]);
    let (channels, color_space, has_alpha) = match color_type {
        0 => (1, "DeviceGray", false),
        2 => (3, "DeviceRGB", false),
        4 => (2, "DeviceGray", true),
        6 => (4, "DeviceRGB", true),
        _ => {
            return Err(
                "the PNG must be greyscale or RGB (save it without a colour palette)".to_owned(),
            );
        }
    };
    if depth != 8 || interlace != 0 {
        return Err("the PNG must have 8 bits per channel and not be interlaced".to_owned());
    }
    let side = |v: u32| usize::try_from(v).map_err(|_| unreadable());
    let (w, h) = (side(width)?, side(height)?);
    let stride = w * channels;
    let expected = (stride + 1) * h;
    let mut raw = Vec::with_capacity(expected);
    ZlibDecoder::new(compressed.as_slice())
        .take(u64::try_from(expected).map_err(|_| unreadable())? + 1)
        .read_to_end(&mut raw)
        .map_err(|_| unreadable())?;
    if raw.len() != expected {
        return Err(unreadable());
    }
    let pixels = unfilter(&raw, stride, channels, h).ok_or_else(unreadable)?;
    let color_channels = if has_alpha { channels - 1 } else { channels };
    let mut color = Vec::with_capacity(w * h * color_channels);
    let mut alpha = Vec::with_capacity(if has_alpha { w * h } else { 0 });
    for pixel in pixels.chunks_exact(channels) {
        color.extend_from_slice(&pixel[..color_channels]);
        if has_alpha {
            alpha.push(pixel[channels - 1]);
        }
    }
    let deflate = |data: &[u8]| crate::backend::common::deflate(data).map_err(|_| unreadable());
    Ok(Logo {
        width,
        height,
        color_space,
        filter: "FlateDecode",
        data: deflate(&color)?,
        // A mask that hides nothing is left out.
        alpha: if has_alpha && alpha.iter().any(|a| *a != 255) {
            Some(deflate(&alpha)?)
        } else {
            None
        },
    })
}

/// Undoes PNG's per-row filters (none, sub, up, average, Paeth).
fn unfilter(raw: &[u8], stride: usize, bpp: usize, rows: usize) -> Option<Vec<u8>> {
    let mut out = vec![0u8; stride * rows];
    for row in 0..rows {
        let line = &raw[row * (stride + 1)..(row + 1) * (stride + 1)];
        let (filter, line) = (line[0], &line[1..]);
        let (done, rest) = out.split_at_mut(row * stride);
        let previous = if row == 0 {
            None
        } else {
            Some(&done[(row - 1) * stride..])
        };
        let current = &mut rest[..stride];
        for i in 0..stride {
            let left = if i >= bpp { current[i - bpp] } else { 0 };
            let up = previous.map_or(0, |p| p[i]);
            let up_left = match previous {
                Some(p) if i >= bpp => p[i - bpp],
                _ => 0,
            };
            let predicted = match filter {
                0 => 0,
                1 => left,
                2 => up,
                3 => u8::try_from((u16::from(left) + u16::from(up)) / 2).unwrap_or(0),
                4 => paeth(left, up, up_left),
                _ => return None,
            };
            current[i] = line[i].wrapping_add(predicted);
        }
    }
    Some(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::ZlibEncoder;
    use std::io::Write;

    /// A PNG of `rows` (each row's filter byte first), `color_type` 6 (RGBA) or 2 (RGB).
    fn png_file(width: u32, height: u32, color_type: u8, rows: &[u8]) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        let _ = encoder.write_all(rows);
        let data = encoder.finish().unwrap_or_default();
        crate::backend::service::media::test_png(width, height, color_type, &[(b"IDAT", &data)])
    }

    fn inflate(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let _ = ZlibDecoder::new(data).read_to_end(&mut out);
        out
    }

    #[test]
    fn a_transparent_png_becomes_colour_and_mask() {
        // Two rows of two pixels: "none" then "sub" (each byte adds the pixel to its left).
        let rows = [
            0, 255, 0, 0, 255, 0, 0, 255, 0, //
            1, 10, 20, 30, 128, 5, 5, 5, 0,
        ];
        let Ok(logo) = Logo::read(&png_file(2, 2, 6, &rows)) else {
            panic!("unreadable");
        };
        assert_eq!(
            (logo.width, logo.height, logo.color_space),
            (2, 2, "DeviceRGB")
        );
        assert_eq!(
            inflate(&logo.data),
            [255, 0, 0, 0, 0, 255, 10, 20, 30, 15, 25, 35]
        );
        assert_eq!(
            logo.alpha.map(|a| inflate(&a)),
            Some(vec![255, 0, 128, 128])
        );
    }

    #[test]
    fn an_opaque_png_has_no_mask_and_other_files_say_what_to_change() {
        let rows = [2, 1, 2, 3];
        let Ok(logo) = Logo::read(&png_file(1, 1, 2, &rows)) else {
            panic!("unreadable");
        };
        assert!(logo.alpha.is_none());
        assert!(Logo::read(b"GIF89a").is_err());
        assert!(
            Logo::read(&png_file(1, 1, 3, &[0, 0]))
                .err()
                .is_some_and(|e| e.contains("palette"))
        );
        assert!(
            Logo::read(&png_file(1, 1, 2, &[0, 1])).is_err(),
            "short data"
        );
    }
}
