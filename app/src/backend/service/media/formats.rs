//! Reading JPEG, PNG and WebP far enough to check them and to keep only what an image
//! needs: its pixels, its size and (JPEG) its orientation; every other block is dropped.

use super::*;

pub(crate) const PNG_SIGNATURE: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

pub(crate) fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

pub(crate) fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

pub(super) fn le16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

pub(super) fn le24(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 3)?;
    Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
}

pub(super) fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// JPEG: keeps the segments needed to decode and colour the image (JFIF, ICC profile,
/// Adobe, tables, frame) and drops the rest before the scan; the scan is copied as it is.
pub(super) fn jpeg(bytes: &[u8]) -> Option<CleanImage> {
    let mut out = vec![0xFF, 0xD8];
    let mut at = 2;
    let mut size = None;
    let mut orientation = None;
    loop {
        // Markers may be preceded by fill bytes (0xFF).
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        if marker == 0xD9 {
            return None; // end of image before any scan
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            out.extend_from_slice(&bytes[at..at + 2]);
            at += 2;
            continue;
        }
        let length = usize::from(be16(bytes, at + 2)?);
        if length < 2 {
            return None;
        }
        let end = at + 2 + length;
        let segment = bytes.get(at..end)?;
        let payload = &segment[4..];
        match marker {
            // Start of scan: the rest is image data.
            0xDA => {
                let (width, height) = size?;
                if orientation.is_some_and(|o: u16| o != 1) {
                    out.extend_from_slice(&exif_with_orientation(orientation?));
                }
                out.extend_from_slice(&bytes[at..]);
                let (width, height) = if orientation.is_some_and(|o| (5..=8).contains(&o)) {
                    (height, width)
                } else {
                    (width, height)
                };
                return Some(CleanImage {
                    bytes: out,
                    format: Format::Jpeg,
                    width: u32::from(width),
                    height: u32::from(height),
                });
            }
            // Frame headers (SOF0–SOF15 except DHT, JPG and DAC): the image's size.
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                size = Some((be16(payload, 3)?, be16(payload, 1)?));
                out.extend_from_slice(segment);
            }
            // Exif (or XMP): only the orientation survives, written back before the scan.
            0xE1 => {
                if let Some(rest) = payload.strip_prefix(b"Exif\0\0") {
                    orientation = exif_orientation(rest).or(orientation);
                }
            }
            0xE0 | 0xEE => out.extend_from_slice(segment),
            0xE2 if payload.starts_with(b"ICC_PROFILE\0") => out.extend_from_slice(segment),
            // Other application segments (IPTC, XMP extensions, maker data) and comments.
            0xE2..=0xEF | 0xFE => {}
            _ => out.extend_from_slice(segment),
        }
        at = end;
    }
}

/// The Orientation tag (0x0112) of an Exif block's first directory.
pub(super) fn exif_orientation(tiff: &[u8]) -> Option<u16> {
    let little = match tiff.get(..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    let read16 = |at| {
        if little {
            le16(tiff, at)
        } else {
            be16(tiff, at)
        }
    };
    let read32 = |at| {
        if little {
            le32(tiff, at)
        } else {
            be32(tiff, at)
        }
    };
    let directory = usize::try_from(read32(4)?).ok()?;
    let entries = usize::from(read16(directory)?);
    (0..entries.min(512)).find_map(|index| {
        let entry = directory + 2 + index * 12;
        (read16(entry)? == 0x0112)
            .then(|| read16(entry + 8))
            .flatten()
            .filter(|o| (1..=8).contains(o))
    })
}

/// A minimal Exif segment that says only how the image is to be turned.
pub(super) fn exif_with_orientation(orientation: u16) -> Vec<u8> {
    let mut segment = vec![0xFF, 0xE1, 0x00, 0x22];
    segment.extend_from_slice(b"Exif\0\0");
    segment.extend_from_slice(b"MM\0\x2A\0\0\0\x08"); // big-endian, first directory at 8
    segment.extend_from_slice(&[0x00, 0x01]); // one entry
    segment.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]); // SHORT ×1
    segment.extend_from_slice(&orientation.to_be_bytes());
    segment.extend_from_slice(&[0x00, 0x00]); // padding of the value field
    segment.extend_from_slice(&[0x00, 0x00, 0x00, 0x00]); // no next directory
    segment
}

/// One chunk of a PNG file: its type, its data, and the whole chunk (length, type, data
/// and CRC) as it stands in the file.
pub(crate) struct PngChunk<'a> {
    pub kind: &'a [u8],
    pub data: &'a [u8],
    pub whole: &'a [u8],
}

/// A PNG's chunks after its signature, in order, up to `IEND`; a truncated or malformed
/// chunk ends them early (the caller tells by the missing `IEND`).
pub(crate) fn png_chunks(bytes: &[u8]) -> impl Iterator<Item = PngChunk<'_>> {
    let mut at = if bytes.starts_with(PNG_SIGNATURE) {
        PNG_SIGNATURE.len()
    } else {
        bytes.len()
    };
    std::iter::from_fn(move || {
        let length = usize::try_from(be32(bytes, at)?).ok()?;
        let kind = bytes.get(at + 4..at + 8)?;
        let end = at.checked_add(12)?.checked_add(length)?;
        let whole = bytes.get(at..end)?;
        at = if kind == b"IEND" { bytes.len() } else { end };
        Some(PngChunk {
            kind,
            data: &whole[8..8 + length],
            whole,
        })
    })
}

/// PNG: drops the text, time and Exif chunks; everything else is copied.
pub(super) fn png(bytes: &[u8]) -> Option<CleanImage> {
    let mut out = PNG_SIGNATURE.to_vec();
    let mut size = None;
    for (index, chunk) in png_chunks(bytes).enumerate() {
        if index == 0 {
            if chunk.kind != b"IHDR" {
                return None;
            }
            size = Some((be32(chunk.data, 0)?, be32(chunk.data, 4)?));
        }
        if !matches!(chunk.kind, b"tEXt" | b"zTXt" | b"iTXt" | b"eXIf" | b"tIME") {
            out.extend_from_slice(chunk.whole);
        }
        if chunk.kind == b"IEND" {
            let (width, height) = size?;
            return Some(CleanImage {
                bytes: out,
                format: Format::Png,
                width,
                height,
            });
        }
    }
    None
}

/// WebP: drops the EXIF and XMP chunks (and their flags in the extended header).
pub(super) fn webp(bytes: &[u8]) -> Option<CleanImage> {
    let declared = usize::try_from(le32(bytes, 4)?).ok()?;
    let body = bytes.get(12..declared.checked_add(8)?)?;
    let mut chunks = Vec::new();
    let mut size = None;
    let mut at = 0;
    while at < body.len() {
        let kind = body.get(at..at + 4)?;
        let length = usize::try_from(le32(body, at + 4)?).ok()?;
        let padded = length + (length & 1);
        let data = body.get(at + 8..at + 8 + length)?;
        let end = (at + 8 + padded).min(body.len());
        let mut chunk = body.get(at..end)?.to_vec();
        match kind {
            b"VP8X" => {
                size = Some((le24(data, 4)? + 1, le24(data, 7)? + 1));
                // Flags: bit 3 Exif, bit 2 XMP.
                *chunk.get_mut(8)? &= !0b0000_1100;
            }
            b"VP8 " if size.is_none() => {
                if data.get(3..6)? != [0x9D, 0x01, 0x2A] {
                    return None;
                }
                size = Some((
                    u32::from(le16(data, 6)? & 0x3FFF),
                    u32::from(le16(data, 8)? & 0x3FFF),
                ));
            }
            b"VP8L" if size.is_none() => {
                if *data.first()? != 0x2F {
                    return None;
                }
                let bits = le32(data, 1)?;
                size = Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1));
            }
            _ => {}
        }
        if !matches!(kind, b"EXIF" | b"XMP ") {
            chunks.push(chunk);
        }
        at += 8 + padded;
    }
    let (width, height) = size?;
    let length: usize = chunks.iter().map(Vec::len).sum::<usize>() + 4;
    let mut out = Vec::with_capacity(length + 8);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&u32::try_from(length).ok()?.to_le_bytes());
    out.extend_from_slice(b"WEBP");
    for chunk in chunks {
        out.extend_from_slice(&chunk);
    }
    Some(CleanImage {
        bytes: out,
        format: Format::Webp,
        width,
        height,
    })
}

/// A PNG file for tests: signature, header (8 bits per sample, `color_type` 2 RGB or 6
/// RGBA), the `chunks` given (kind, data) in order, end; CRCs zero (nothing here checks
/// them). The one builder of the unit tests that read PNGs.
#[cfg(test)]
pub(crate) fn test_png(
    width: u32,
    height: u32,
    color_type: u8,
    chunks: &[(&[u8; 4], &[u8])],
) -> Vec<u8> {
    let mut bytes = PNG_SIGNATURE.to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        bytes.extend_from_slice(&u32::try_from(data.len()).unwrap_or(0).to_be_bytes());
        bytes.extend_from_slice(kind);
        bytes.extend_from_slice(data);
        bytes.extend_from_slice(&[0, 0, 0, 0]);
    };
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, color_type, 0, 0, 0]);
    chunk(b"IHDR", &header);
    for (kind, data) in chunks {
        chunk(&kind[..], data);
    }
    chunk(b"IEND", &[]);
    bytes
}
