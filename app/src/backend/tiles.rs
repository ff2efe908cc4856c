//! Map tiles served by the instance, so that no browser and no picture asks another origin
//! (`MITREDEN_TILES`): raster tiles (PNG, JPEG, WebP) from an MBTiles file, or from an
//! upstream tile service such as an official basemap's XYZ endpoint, fetched by the server
//! and kept in the data directory (`tiles/`) for [`KEEP_DAYS`] days. The attribution the
//! tiles' licence requires comes from `MITREDEN_TILES_ATTRIBUTION` or the file's metadata.
//!
//! Every tile is checked to be an image by its first bytes before it is served: what an
//! upstream sends can never become a page of ours. A tile that cannot be had (none at that
//! place, the upstream down) is simply absent; maps then show the districts on their plain
//! background.

use crate::error::AppError;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The deepest zoom level any source may serve.
pub const MAX_ZOOM: u8 = 22;
/// A tile larger than this is refused (a raster tile is 5-50 KB).
pub const MAX_TILE_BYTES: u64 = 1 << 20;
/// How long a fetched tile is served from the data directory before it is fetched again.
pub const KEEP_DAYS: u64 = 30;
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(10);
/// Upstream requests at once; further tiles wait for one to finish.
const PARALLEL_FETCHES: usize = 8;

/// The image formats a tile may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileFormat {
    Png,
    Jpeg,
    Webp,
}

impl TileFormat {
    /// The format of an image by its first bytes; None for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
        }
    }
}

/// A tile: its format and bytes.
pub struct Tile {
    pub format: TileFormat,
    pub bytes: Vec<u8>,
}

enum Source {
    /// An MBTiles file, opened read-only.
    File(DatabaseConnection),
    Upstream {
        /// With `{z}`, `{x}` and `{y}`.
        template: String,
        cache: PathBuf,
        permits: tokio::sync::Semaphore,
    },
}

/// The instance's tiles.
pub struct Tiles {
    source: Source,
    attribution: String,
    min_zoom: u8,
    max_zoom: u8,
}

impl std::fmt::Debug for Tiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = match &self.source {
            Source::File(_) => "file",
            Source::Upstream { .. } => "upstream",
        };
        f.debug_struct("Tiles")
            .field("source", &source)
            .field("attribution", &self.attribution)
            .field("zooms", &(self.min_zoom, self.max_zoom))
            .finish()
    }
}

/// Whether `z`/`x`/`y` names a tile of the world.
pub fn valid(z: u8, x: u32, y: u32) -> bool {
    z <= MAX_ZOOM && u64::from(x) < (1u64 << z) && u64::from(y) < (1u64 << z)
}

impl Tiles {
    /// Tiles from an upstream service: `template` is an http(s) address with `{z}`, `{x}`
    /// and `{y}`; fetched tiles are kept under `cache`.
    pub fn upstream(template: &str, attribution: &str, cache: PathBuf) -> Result<Self, String> {
        let template = template.trim();
        if !(template.starts_with("https://") || template.starts_with("http://")) {
            return Err(format!(
                "'{template}' is neither an http(s) address nor a file"
            ));
        }
        if !["{z}", "{x}", "{y}"]
            .iter()
            .all(|part| template.contains(part))
        {
            return Err(format!("'{template}' must contain {{z}}, {{x}} and {{y}}"));
        }
        let attribution = attribution.trim();
        if attribution.is_empty() {
            return Err(
                "tiles from another service need their attribution (MITREDEN_TILES_ATTRIBUTION)"
                    .to_owned(),
            );
        }
        Ok(Self {
            source: Source::Upstream {
                template: template.to_owned(),
                cache,
                permits: tokio::sync::Semaphore::new(PARALLEL_FETCHES),
            },
            attribution: attribution.to_owned(),
            min_zoom: 0,
            max_zoom: 19,
        })
    }

    /// Tiles from an MBTiles file of raster tiles. The attribution given wins over the
    /// file's own; without either the file is refused.
    pub async fn file(path: &Path, attribution: Option<&str>) -> Result<Self, String> {
        let shown = path.display();
        if !path.is_file() {
            return Err(format!("{shown}: no such file"));
        }
        let db = Database::connect(format!("sqlite://{}?mode=ro", path.display()))
            .await
            .map_err(|e| format!("{shown}: {e}"))?;
        let rows = db
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT name, value FROM metadata LIMIT 100",
            ))
            .await
            .map_err(|e| format!("{shown}: not an MBTiles file ({e})"))?;
        let mut metadata = std::collections::HashMap::new();
        for row in rows {
            let name: String = row.try_get("", "name").unwrap_or_default();
            let value: String = row.try_get("", "value").unwrap_or_default();
            metadata.insert(name, value);
        }
        let format = metadata.get("format").map(String::as_str).unwrap_or("png");
        if !matches!(format, "png" | "jpg" | "jpeg" | "webp") {
            return Err(format!(
                "{shown}: its tiles are '{format}'; raster tiles (png, jpg, webp) are needed"
            ));
        }
        let zoom = |name: &str, default: u8| {
            metadata
                .get(name)
                .and_then(|v| v.trim().parse::<u8>().ok())
                .map_or(default, |z| z.min(MAX_ZOOM))
        };
        let attribution = attribution
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .or_else(|| {
                metadata
                    .get("attribution")
                    .map(|a| text_of(a))
                    .filter(|a| !a.trim().is_empty())
            })
            .ok_or_else(|| {
                format!(
                    "{shown}: the tiles' attribution is missing; set MITREDEN_TILES_ATTRIBUTION"
                )
            })?;
        Ok(Self {
            source: Source::File(db),
            attribution,
            min_zoom: zoom("minzoom", 0),
            max_zoom: zoom("maxzoom", MAX_ZOOM),
        })
    }

    /// The line the licence asks to show with every map drawn on these tiles.
    pub fn attribution(&self) -> &str {
        &self.attribution
    }

    /// The zoom levels there are tiles for, lowest and highest.
    pub fn zooms(&self) -> (u8, u8) {
        (self.min_zoom, self.max_zoom)
    }

    /// The tile at `z`/`x`/`y` (XYZ numbering, y from the north), if there is one.
    pub async fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Tile>, AppError> {
        if !valid(z, x, y) || z < self.min_zoom || z > self.max_zoom {
            return Ok(None);
        }
        match &self.source {
            Source::File(db) => from_file(db, z, x, y).await,
            Source::Upstream {
                template,
                cache,
                permits,
            } => from_upstream(template, cache, permits, z, x, y).await,
        }
    }
}

async fn from_file(
    db: &DatabaseConnection,
    z: u8,
    x: u32,
    y: u32,
) -> Result<Option<Tile>, AppError> {
    // MBTiles numbers rows from the south (TMS).
    let row = (1u64 << z) - 1 - u64::from(y);
    let found = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            [
                i64::from(z).into(),
                i64::from(x).into(),
                i64::try_from(row).unwrap_or(i64::MAX).into(),
            ],
        ))
        .await
        .map_err(|e| {
            tracing::warn!("tiles: {e}");
            AppError::Internal
        })?;
    let Some(found) = found else {
        return Ok(None);
    };
    let bytes: Vec<u8> = found.try_get("", "tile_data").unwrap_or_default();
    Ok(checked(bytes))
}

/// An MBTiles attribution (often HTML: a link around "© OpenStreetMap") as plain text.
fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && !c.is_control() => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&copy;", "©")
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The bytes as a tile, if they are an image of an accepted format and size.
fn checked(bytes: Vec<u8>) -> Option<Tile> {
    if bytes.len() as u64 > MAX_TILE_BYTES {
        return None;
    }
    Some(Tile {
        format: TileFormat::sniff(&bytes)?,
        bytes,
    })
}

async fn from_upstream(
    template: &str,
    cache: &Path,
    permits: &tokio::sync::Semaphore,
    z: u8,
    x: u32,
    y: u32,
) -> Result<Option<Tile>, AppError> {
    let kept = cache
        .join(z.to_string())
        .join(x.to_string())
        .join(y.to_string());
    let fresh = |path: &Path| {
        std::fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age < Duration::from_secs(KEEP_DAYS * 86_400))
    };
    let stored = tokio::fs::read(&kept).await.ok().and_then(checked);
    if stored.is_some() && fresh(&kept) {
        return Ok(stored);
    }
    let Ok(_permit) = permits.acquire().await else {
        return Ok(stored);
    };
    let url = template
        .replace("{z}", &z.to_string())
        .replace("{x}", &x.to_string())
        .replace("{y}", &y.to_string());
    let fetched = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(UPSTREAM_TIMEOUT))
            .max_redirects(2)
            .build();
        let agent = ureq::Agent::new_with_config(config);
        let mut response = agent.get(&url).call().map_err(|e| format!("{url}: {e}"))?;
        response
            .body_mut()
            .with_config()
            .limit(MAX_TILE_BYTES)
            .read_to_vec()
            .map_err(|e| format!("{url}: {e}"))
    })
    .await
    .map_err(|_| AppError::Internal)?;
    let tile = match fetched {
        Ok(bytes) => checked(bytes),
        Err(problem) => {
            // An old tile is better than none while the upstream is away.
            tracing::warn!("tiles: {problem}");
            return Ok(stored);
        }
    };
    let Some(tile) = tile else {
        tracing::warn!("tiles: {z}/{x}/{y} from the upstream is not a PNG, JPEG or WebP image");
        return Ok(stored);
    };
    if let Err(e) = keep(&kept, &tile.bytes).await {
        tracing::warn!("tiles: cannot keep {}: {e}", kept.display());
    }
    Ok(Some(tile))
}

/// Writes a tile under its name, whole or not at all (a reader never sees half a tile).
async fn keep(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let Some(dir) = path.parent() else {
        return Ok(());
    };
    tokio::fs::create_dir_all(dir).await?;
    let partial = path.with_extension(format!("part{}", std::process::id()));
    tokio::fs::write(&partial, bytes).await?;
    tokio::fs::rename(&partial, path).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_images_are_tiles() {
        assert_eq!(
            TileFormat::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(TileFormat::Png)
        );
        assert_eq!(
            TileFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(TileFormat::Jpeg)
        );
        assert_eq!(
            TileFormat::sniff(b"RIFF\x10\x00\x00\x00WEBPVP8 "),
            Some(TileFormat::Webp)
        );
        assert_eq!(TileFormat::sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(TileFormat::sniff(b"\x1a\x03pbf"), None);
        assert!(checked(b"<html>".to_vec()).is_none());
    }

    #[test]
    fn an_attribution_in_html_becomes_text() {
        assert_eq!(
            text_of(
                "<a href=\"https://osm.org/copyright\">&copy; OpenStreetMap</a>\n contributors &amp; others"
            ),
            "© OpenStreetMap contributors & others"
        );
    }

    #[test]
    fn a_tile_lies_in_the_world() {
        assert!(valid(0, 0, 0));
        assert!(!valid(0, 1, 0));
        assert!(valid(3, 7, 7));
        assert!(!valid(3, 8, 0));
        assert!(valid(22, (1 << 22) - 1, 0));
        assert!(!valid(23, 0, 0));
    }

    #[test]
    fn an_upstream_needs_its_placeholders_and_attribution() {
        let cache = PathBuf::from("/nonexistent");
        assert!(
            Tiles::upstream(
                "https://a.example/{z}/{x}/{y}.png",
                "© Stadt",
                cache.clone()
            )
            .is_ok()
        );
        assert!(
            Tiles::upstream("https://a.example/{z}/{x}.png", "© Stadt", cache.clone()).is_err()
        );
        assert!(Tiles::upstream("ftp://a.example/{z}/{x}/{y}", "© Stadt", cache.clone()).is_err());
        assert!(Tiles::upstream("https://a.example/{z}/{x}/{y}", " ", cache).is_err());
    }
}
