//! A procedure's located proposals gathered into clusters for a map at a zoom level
//! (`GET …/proposals/clusters`): computed on the server, so a map of 30,000 proposals
//! receives a few hundred points, not 30,000. Cells are squares of [`CELL_PIXELS`] on the
//! usual Web Mercator tile grid (256 pixels a tile, 2^zoom tiles across); each cluster
//! stands at the mean of its members' anchors and names its first members, so a cluster
//! whose proposals share one position can open as a list.

use super::*;
use crate::backend::common::{Kept, results_generation};
use std::sync::Arc;

/// West, south, east, north (degrees).
pub type Bbox = (f64, f64, f64, f64);

/// A cell's side in map pixels at the requested zoom.
pub const CELL_PIXELS: f64 = 64.0;
/// The deepest zoom a map asks for.
pub const MAX_ZOOM: u8 = 22;
/// Members a cluster names (the lowest numbers); the count says how many there are.
pub const NAMED_MEMBERS: usize = 20;
/// The most anchors one request reads: well above the largest procedures in use (Decide
/// Madrid: 30,620 proposals). Beyond it the answer says it is incomplete.
pub const MAX_ANCHORS: u64 = 100_000;

/// Proposals near each other at a zoom level.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Where the cluster is drawn: the mean of its members' anchors.
    pub lon: f64,
    pub lat: f64,
    pub count: u64,
    /// The box around its members: west, south, east, north.
    pub bbox: Bbox,
    /// Up to [`NAMED_MEMBERS`] of its proposals' numbers, lowest first.
    pub members: Vec<i64>,
}

/// The clusters of a view, and whether every located proposal in it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Clusters {
    pub clusters: Vec<Cluster>,
    pub complete: bool,
}

/// A position's map pixel at `zoom` (Web Mercator, 256 pixels a tile).
fn pixel(lon: f64, lat: f64, zoom: u8) -> (f64, f64) {
    use std::f64::consts::PI;
    let size = 256.0 * f64::from(1u32 << zoom.min(MAX_ZOOM));
    // Web Mercator stops short of the poles.
    let lat = lat.clamp(-85.051_128, 85.051_128).to_radians();
    let x = (lon + 180.0) / 360.0 * size;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / PI) / 2.0 * size;
    (x, y)
}

/// A position on the Web Mercator square (0 to 1 across from the west, down from the
/// north): projected once per anchor, then each zoom's cell is a multiplication.
fn unit(lon: f64, lat: f64) -> (f64, f64) {
    let (x, y) = pixel(lon, lat, 0);
    (x / 256.0, y / 256.0)
}

/// Cells across the world at `zoom`.
fn cells_across(zoom: u8) -> f64 {
    256.0 * f64::from(1u32 << zoom.min(MAX_ZOOM)) / CELL_PIXELS
}

/// The cell (column, row) a projected position falls in.
#[allow(clippy::cast_possible_truncation)]
fn cell_of((x, y): (f64, f64), across: f64) -> (i64, i64) {
    ((x * across).floor() as i64, (y * across).floor() as i64)
}

/// The cells (columns, rows) a view touches at `zoom`: every anchor in one of them
/// belongs to a cluster that may stand in the view.
type CellRange = (std::ops::RangeInclusive<i64>, std::ops::RangeInclusive<i64>);

fn cells_of(bbox: Bbox, zoom: u8) -> CellRange {
    let across = cells_across(zoom);
    let (west, north) = cell_of(unit(bbox.0, bbox.3), across);
    let (east, south) = cell_of(unit(bbox.2, bbox.1), across);
    (west..=east, north..=south)
}

/// Gathers anchors (number, longitude, latitude; lowest numbers first) into clusters, in
/// the order of their cells (north to south, west to east).
pub fn gather(anchors: &[(i64, f64, f64)], zoom: u8) -> Vec<Cluster> {
    let units: Vec<(f64, f64)> = anchors
        .iter()
        .map(|&(_, lon, lat)| unit(lon, lat))
        .collect();
    gather_projected(anchors, &units, zoom, None)
}

/// [`gather`] with the anchors' projected positions, only of those in `cells` if given.
fn gather_projected(
    anchors: &[(i64, f64, f64)],
    units: &[(f64, f64)],
    zoom: u8,
    cells: Option<&CellRange>,
) -> Vec<Cluster> {
    let across = cells_across(zoom);
    let mut index: std::collections::HashMap<(i64, i64), usize> = Default::default();
    let mut found: Vec<((i64, i64), Cluster, f64, f64)> = Vec::new();
    for (&(id, lon, lat), &projected) in anchors.iter().zip(units) {
        let (cx, cy) = cell_of(projected, across);
        if cells.is_some_and(|(xs, ys)| !xs.contains(&cx) || !ys.contains(&cy)) {
            continue;
        }
        let at = *index.entry((cy, cx)).or_insert_with(|| {
            found.push((
                (cy, cx),
                Cluster {
                    lon,
                    lat,
                    count: 0,
                    bbox: (lon, lat, lon, lat),
                    members: Vec::new(),
                },
                0.0,
                0.0,
            ));
            found.len() - 1
        });
        let (_, cluster, sum_lon, sum_lat) = &mut found[at];
        cluster.count += 1;
        *sum_lon += lon;
        *sum_lat += lat;
        let b = &mut cluster.bbox;
        *b = (b.0.min(lon), b.1.min(lat), b.2.max(lon), b.3.max(lat));
        if cluster.members.len() < NAMED_MEMBERS {
            cluster.members.push(id);
        }
    }
    found.sort_unstable_by_key(|(key, ..)| *key);
    found
        .into_iter()
        .map(|(_, mut cluster, sum_lon, sum_lat)| {
            #[allow(clippy::cast_precision_loss)]
            let n = cluster.count as f64;
            cluster.lon = sum_lon / n;
            cluster.lat = sum_lat / n;
            cluster
        })
        .collect()
}

/// The most clusters of a whole procedure kept for one zoom: zoomed out there are a few
/// hundred; zoomed in nearly one per proposal, and a view then holds few of them, so those
/// are gathered for each view instead of kept (30,000 kept clusters weigh about 4 MB).
const KEEP_CLUSTERS_MAX: usize = 5_000;

/// From this many located proposals on (under one filter), a procedure's anchors are
/// kept in memory: reading them takes longer than clustering them, and a map being panned
/// and zoomed asks again and again. Below it they are read on every request.
pub const KEEP_FROM: usize = 2_000;
/// How long kept anchors serve before they are read again: a new proposal in a large
/// procedure appears on its map at most this much later. A moderation decision or an
/// outcome (`results_changed`) makes them stale at once, here and on the other instances.
pub const ANCHORS_FRESH: std::time::Duration = std::time::Duration::from_secs(5);

/// A procedure's located proposals under one filter: (number, longitude, latitude), lowest
/// numbers first, at most [`MAX_ANCHORS`] of them.
#[derive(Debug, Default)]
pub struct Anchors {
    pub anchors: Vec<(i64, f64, f64)>,
    /// Whether every located proposal was read.
    pub complete: bool,
    /// Each anchor's position on the Web Mercator square, in the same order.
    units: Vec<(f64, f64)>,
    /// Each zoom's clusters of all the anchors, gathered when first asked for (None where
    /// there are more than [`KEEP_CLUSTERS_MAX`]); only while the anchors are kept.
    by_zoom: [std::sync::OnceLock<Option<Arc<Vec<Cluster>>>>; MAX_ZOOM as usize + 1],
}

impl Anchors {
    pub fn new(anchors: Vec<(i64, f64, f64)>, complete: bool) -> Self {
        let units = anchors
            .iter()
            .map(|&(_, lon, lat)| unit(lon, lat))
            .collect();
        Self {
            anchors,
            complete,
            units,
            by_zoom: Default::default(),
        }
    }

    /// Whether these are kept in memory (and what is built from them may be too).
    pub fn kept(&self) -> bool {
        self.anchors.len() >= KEEP_FROM
    }

    /// The clusters at `zoom` that stand in `bbox` (all of them without one). A cluster is
    /// a cell of the whole procedure's grid: it counts all its members, also those just
    /// outside the view, so clusters stay the same while the map is panned.
    pub fn clusters(&self, bbox: Option<Bbox>, zoom: u8) -> Vec<Cluster> {
        let zoom = zoom.min(MAX_ZOOM);
        let whole = if self.kept() {
            self.by_zoom[usize::from(zoom)]
                .get_or_init(|| {
                    let all = gather_projected(&self.anchors, &self.units, zoom, None);
                    (all.len() <= KEEP_CLUSTERS_MAX).then(|| Arc::new(all))
                })
                .clone()
        } else {
            None
        };
        let stands_in = |c: &Cluster| {
            bbox.is_none_or(|(west, south, east, north)| {
                (west..=east).contains(&c.lon) && (south..=north).contains(&c.lat)
            })
        };
        match (whole, bbox) {
            (Some(all), _) => all.iter().filter(|c| stands_in(c)).cloned().collect(),
            (None, None) => gather_projected(&self.anchors, &self.units, zoom, None),
            (None, Some(view)) => {
                let cells = cells_of(view, zoom);
                gather_projected(&self.anchors, &self.units, zoom, Some(&cells))
                    .into_iter()
                    .filter(|c| stands_in(c))
                    .collect()
            }
        }
    }
}

/// The filter anchors are kept under: status, category, district.
type AnchorKey = (ProposalStatus, Option<String>, Option<String>);

static ANCHORS: Kept<AnchorKey, Arc<Anchors>> = Kept::new(ANCHORS_FRESH);

/// The anchors of a procedure's visible located proposals, filtered like the list: from
/// memory where they are kept (see [`KEEP_FROM`]), else read. Requests that find nothing
/// kept read them once between them, not each for itself.
pub async fn anchors(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    query: &ProposalQuery,
) -> Result<Arc<Anchors>, AppError> {
    let key: AnchorKey = (
        query.status.unwrap_or(ProposalStatus::Published),
        query.category.clone(),
        query.district.clone(),
    );
    if let Some(kept) = ANCHORS.get(procedure_id, key.clone()) {
        return Ok(kept);
    }
    let turn = ANCHORS.turn(procedure_id, key.clone());
    let _mine = turn.lock().await;
    if let Some(kept) = ANCHORS.get(procedure_id, key.clone()) {
        return Ok(kept);
    }
    // The generation before the rows: a change committed meanwhile makes them stale.
    let generation = results_generation(procedure_id);
    let rows: Vec<(i64, Option<f64>, Option<f64>)> = super::geo::located(db, procedure_id, query)
        .await?
        .select_only()
        .columns([
            proposal::Column::Id,
            proposal::Column::Lon,
            proposal::Column::Lat,
        ])
        .order_by_asc(proposal::Column::Id)
        .limit(MAX_ANCHORS + 1)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let complete = rows.len() as u64 <= MAX_ANCHORS;
    let read = Arc::new(Anchors::new(
        rows.into_iter()
            .take(MAX_ANCHORS as usize)
            .filter_map(|(id, lon, lat)| Some((id, lon?, lat?)))
            .collect(),
        complete,
    ));
    if read.kept() {
        ANCHORS.put(procedure_id, key, generation, read.clone());
    }
    Ok(read)
}

/// The clusters of a procedure's visible located proposals (filtered like the list) at
/// `zoom` that stand in `bbox` (see [`Anchors::clusters`]).
pub async fn clusters(
    db: &impl ConnectionTrait,
    viewer: Option<&CurrentUser>,
    slug: &Slug,
    query: &ProposalQuery,
    bbox: Option<Bbox>,
    zoom: u8,
    now: DateTime<Utc>,
) -> Result<Clusters, AppError> {
    let (context, _) = procedure::context_for(db, slug, viewer, now).await?;
    let read = anchors(db, context.id, query).await?;
    let clusters = read.clusters(bbox, zoom);
    Ok(Clusters {
        clusters,
        complete: read.complete,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tile_grid_is_the_usual_one() {
        // Stuttgart's centre lies in tile 8/134/88 (the usual slippy-map formula).
        let (x, y) = pixel(9.18, 48.78, 8);
        assert_eq!(((x / 256.0).floor(), (y / 256.0).floor()), (134.0, 88.0));
        // The world's corners.
        assert_eq!(pixel(-180.0, 85.051_128, 0).0, 0.0);
        assert!((pixel(180.0, -85.051_128, 0).1 - 256.0).abs() < 1e-3);
    }

    #[test]
    fn near_anchors_cluster_and_far_ones_stay_apart() {
        let anchors = [
            (1, 9.180, 48.780),
            (2, 9.181, 48.781),
            (3, 9.260, 48.700),
            (4, 9.180, 48.780),
        ];
        // Zoomed out, all in one cell; its position is their mean and its box holds them.
        let one = gather(&anchors, 3);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].count, 4);
        assert_eq!(one[0].members, vec![1, 2, 3, 4]);
        assert!((one[0].lon - 9.20025).abs() < 1e-9);
        assert_eq!(one[0].bbox, (9.180, 48.700, 9.260, 48.781));
        // Zoomed in, the far one apart; the two at one position stay together at any zoom.
        let apart = gather(&anchors, 14);
        assert_eq!(apart.iter().map(|c| c.count).sum::<u64>(), 4);
        assert!(apart.iter().any(|c| c.members == vec![3]));
        let deepest = gather(&anchors, MAX_ZOOM);
        assert!(
            deepest
                .iter()
                .any(|c| c.members == vec![1, 4] && c.count == 2)
        );
        // Every member counted once, at every zoom.
        for zoom in 0..=MAX_ZOOM {
            let clusters = gather(&anchors, zoom);
            let mut ids: Vec<i64> = clusters.iter().flat_map(|c| c.members.clone()).collect();
            ids.sort_unstable();
            assert_eq!(ids, vec![1, 2, 3, 4], "zoom {zoom}");
        }
    }

    #[test]
    fn a_view_shows_the_whole_grids_clusters_that_stand_in_it() {
        // A city's worth of anchors on a spread of positions, some sharing one.
        let spread = |n: i64, step: i64| {
            (1..=n)
                .map(|id| {
                    #[allow(clippy::cast_precision_loss)]
                    let (a, b) = (((id * step) % 997) as f64, ((id * 7) % 991) as f64);
                    (id, 9.10 + a * 0.000_15, 48.70 + b * 0.000_1)
                })
                .collect::<Vec<_>>()
        };
        let view = (9.13, 48.72, 9.19, 48.76);
        let stands_in =
            |c: &Cluster| (view.0..=view.2).contains(&c.lon) && (view.1..=view.3).contains(&c.lat);
        // Small (read each time) and large (kept, each zoom gathered once) alike.
        for anchors in [spread(300, 13), spread(KEEP_FROM as i64 + 500, 31)] {
            let read = Anchors::new(anchors.clone(), true);
            for zoom in [3, 10, 13, 16, MAX_ZOOM] {
                let whole = gather(&anchors, zoom);
                assert_eq!(read.clusters(None, zoom), whole, "zoom {zoom}");
                let expected: Vec<Cluster> = whole.into_iter().filter(stands_in).collect();
                assert_eq!(read.clusters(Some(view), zoom), expected, "zoom {zoom}");
                // Asked again (kept: from memory), the same.
                assert_eq!(read.clusters(Some(view), zoom), expected, "zoom {zoom}");
            }
        }
    }

    #[test]
    fn a_cluster_names_at_most_twenty_members() {
        let anchors: Vec<(i64, f64, f64)> = (1..=50).map(|id| (id, 9.18, 48.78)).collect();
        let clusters = gather(&anchors, 10);
        assert_eq!(clusters.len(), 1);
        assert_eq!(clusters[0].count, 50);
        assert_eq!(clusters[0].members, (1..=20).collect::<Vec<_>>());
    }
}
