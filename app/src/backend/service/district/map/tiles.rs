//! The tiles under a map: which tiles cover a sketch, and fetching them from the
//! instance's tiles.

use super::Sketch;
use crate::backend::tiles::Tiles;
use crate::error::AppError;

/// A map tile under a sketch: which tile, and where it goes in the picture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TileSpot {
    pub z: u8,
    pub x: u32,
    pub y: u32,
    pub left: f64,
    pub top: f64,
    pub size: f64,
}

/// The tiles that cover `sketch`, at the first zoom level whose tiles are at least as
/// sharp as the picture (within `zooms`, lowest and highest).
pub fn tile_spots(sketch: &Sketch, (min_zoom, max_zoom): (u8, u8)) -> Vec<TileSpot> {
    use std::f64::consts::PI;
    let p = &sketch.projection;
    // Tile pixels per radian of longitude at zoom z: 256 * 2^z / 2π.
    let wanted = (p.scale * 2.0 * PI / 256.0).log2().ceil();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let z = (wanted.max(0.0) as u8).clamp(min_zoom, max_zoom.max(min_zoom));
    let per_radian = 256.0 * f64::from(1u32 << z.min(30)) / (2.0 * PI);
    let size = 256.0 / per_radian * p.scale;
    // The picture's corners in the tiles' world pixels.
    let world_x = |px: f64| ((px / p.scale) + (p.west + 180.0).to_radians()) * per_radian;
    let world_y = |py: f64| (PI - p.top + py / p.scale) * per_radian;
    let count = 1i64 << z.min(30);
    #[allow(clippy::cast_possible_truncation)]
    let range = |low: f64, high: f64| {
        let first = ((low / 256.0).floor() as i64).clamp(0, count - 1);
        let last = ((high / 256.0).floor() as i64).clamp(0, count - 1);
        first..=last
    };
    let mut spots = Vec::new();
    for ty in range(world_y(0.0), world_y(p.height)) {
        for tx in range(world_x(0.0), world_x(p.width)) {
            #[allow(clippy::cast_precision_loss)]
            let (left, top) = (
                (256.0 * tx as f64 / per_radian - (p.west + 180.0).to_radians()) * p.scale,
                (256.0 * ty as f64 / per_radian - PI + p.top) * p.scale,
            );
            if let (Ok(x), Ok(y)) = (u32::try_from(tx), u32::try_from(ty)) {
                spots.push(TileSpot {
                    z,
                    x,
                    y,
                    left,
                    top,
                    size,
                });
            }
        }
    }
    spots
}

/// What lies under a map drawn on tiles: the tiles' images and the line their licence asks
/// for.
pub struct Backdrop {
    pub tiles: Vec<(TileSpot, &'static str, Vec<u8>)>,
    pub attribution: String,
}

/// The tiles under `sketch` from the instance's tiles; None without tiles, or when none
/// could be had (the map keeps its plain background).
pub async fn backdrop(
    tiles: Option<&Tiles>,
    sketch: &Sketch,
) -> Result<Option<Backdrop>, AppError> {
    let Some(tiles) = tiles else {
        return Ok(None);
    };
    let mut images = Vec::new();
    // At most 5 x 4 tiles cover a picture; bounded anyway.
    for spot in tile_spots(sketch, tiles.zooms()).into_iter().take(40) {
        if let Some(tile) = tiles.tile(spot.z, spot.x, spot.y).await? {
            images.push((spot, tile.format.content_type(), tile.bytes));
        }
    }
    Ok((!images.is_empty()).then(|| Backdrop {
        tiles: images,
        attribution: tiles.attribution().to_owned(),
    }))
}
