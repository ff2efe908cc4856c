//! Full-text search of a procedure's proposals, and on SQLite the matches of a search kept
//! in memory.

use super::*;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Full-text search: PostgreSQL's German configuration (stemming, umlauts); on SQLite the
/// FTS5 index, every word as a prefix.
pub(super) struct Search {
    backend: DbBackend,
    /// PostgreSQL: the words for `plainto_tsquery`; SQLite: an FTS5 query of quoted prefixes.
    query: String,
}

impl Search {
    /// `None` when the query has no words.
    pub(super) fn parse(backend: DbBackend, q: &str) -> Option<Self> {
        let words: Vec<&str> = q
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(12)
            .collect();
        if words.is_empty() {
            return None;
        }
        let query = match backend {
            DbBackend::Postgres => words.join(" "),
            // Each word quoted (no FTS5 syntax gets through) and matched as a prefix.
            _ => words
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" "),
        };
        Some(Self { backend, query })
    }

    /// The proposals that match, for a page of them: on PostgreSQL always, on SQLite when
    /// the matches are not kept in memory ([`matches`]) or the kept ones run thin along
    /// the page's order. `dense`: the matches are many (more than the count goes to). On
    /// SQLite the page then walks its order's index and keeps the matches it meets,
    /// instead of fetching and sorting every match (30,000 for a word in every proposal:
    /// 10-30 ms); the unary `+` keeps the planner from driving the query from the matches.
    /// Few matches are fetched and sorted, which beats walking an index that holds mostly
    /// other proposals.
    pub(super) fn condition(&self, dense: bool) -> Condition {
        let expr = match self.backend {
            DbBackend::Postgres => Expr::cust_with_values(
                "proposals.id IN (SELECT proposal_id FROM proposal_search \
                 WHERE document @@ plainto_tsquery('german', $1))",
                [self.query.clone()],
            ),
            _ if dense => Expr::cust_with_values(
                "+proposals.id IN (SELECT rowid FROM proposals_fts WHERE proposals_fts MATCH ?)",
                [self.query.clone()],
            ),
            _ => Expr::cust_with_values(
                "proposals.id IN (SELECT rowid FROM proposals_fts WHERE proposals_fts MATCH ?)",
                [self.query.clone()],
            ),
        };
        Condition::all().add(expr)
    }

    /// Restricts `matches` (the ids of the listing's filter) to the search's matches, for
    /// counting them. SQLite joins the FTS5 index, which hands out its matches one at a
    /// time, so the count stops at its limit; as a list (`IN`) every match would be
    /// collected first.
    pub(super) fn restrict_count(&self, matches: &mut sea_orm::sea_query::SelectStatement) {
        use sea_orm::sea_query::{Alias, JoinType};
        match self.backend {
            DbBackend::Postgres => {
                matches.cond_where(self.condition(false));
            }
            _ => {
                matches
                    .join(
                        JoinType::InnerJoin,
                        Alias::new("proposals_fts"),
                        Expr::cust("proposals_fts.rowid = proposals.id"),
                    )
                    .and_where(Expr::cust_with_values(
                        "proposals_fts MATCH ?",
                        [self.query.clone()],
                    ));
            }
        }
    }
}

/// What a listing shows besides the search: its procedure and filters. A search's matches
/// are kept per listing.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(super) struct Listed {
    pub procedure_id: i64,
    pub status: &'static str,
    pub category: Option<String>,
    pub district: Option<String>,
}

/// The matches of one search in one listing, as gathered at `generation`.
struct Kept {
    at: Instant,
    generation: i64,
    ids: Arc<Vec<i64>>,
}

/// How long matches are kept at most: they go with the first change to any proposal's
/// text or filter columns (migration 27), so this bounds only what no proposal's row
/// shows (a district's key given to another district).
const KEEP_FOR: Duration = Duration::from_secs(60);
/// The most searches kept, and the most ids of all of them together (8 bytes each):
/// searches made up by the thousand evict each other and no more.
const MAX_KEPT: usize = 64;
const MAX_KEPT_IDS: usize = 1_000_000;
/// A search with more matches than this in one listing is not kept (it reads the index as
/// before).
const MAX_MATCHES: u64 = 100_000;

fn kept() -> &'static Mutex<HashMap<(Listed, String), Kept>> {
    static KEPT: OnceLock<Mutex<HashMap<(Listed, String), Kept>>> = OnceLock::new();
    KEPT.get_or_init(Default::default)
}

/// The ids, in ascending order, of the proposals of `listing` (whose rows `select` finds)
/// that match `search`; `None` on PostgreSQL and for a search with more than
/// `MAX_MATCHES`.
///
/// On SQLite a search for a word found in nearly every proposal had each page gather
/// FTS5's matches twice, to count them and to filter the page by them: 30,000 rowids at
/// the size of Madrid's platform, most of a search page's time. They are gathered once and
/// kept with the number migration 27's triggers raise on every change to which proposals
/// a search finds, read before gathering: a kept set of an older number is gathered
/// anew, so a new, edited, hidden or moved proposal shows in the next search. PostgreSQL's
/// GIN index hands over its matches without gathering them first.
pub(super) async fn matches(
    db: &impl ConnectionTrait,
    search: &Search,
    listing: Listed,
    select: Select<proposal::Entity>,
) -> Result<Option<Arc<Vec<i64>>>, AppError> {
    use sea_orm::QueryTrait;
    if search.backend == DbBackend::Postgres {
        return Ok(None);
    }
    let generation = generation(db).await?;
    let key = (listing, search.query.clone());
    if let Some(ids) = lookup(&key, generation) {
        return Ok(Some(ids));
    }
    // One search gathers at a time: a burst of requests for a search not kept (the first
    // after a change) gathers it once, instead of holding as many lists of rows at once.
    static GATHERING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _turn = GATHERING.lock().await;
    if let Some(ids) = lookup(&key, generation) {
        return Ok(Some(ids));
    }
    let mut query = select
        .select_only()
        .column(proposal::Column::Id)
        .limit(MAX_MATCHES + 1)
        .into_query();
    query.clear_order_by();
    search.restrict_count(&mut query);
    let rows = db.query_all(&query).await.map_err(storage_error)?;
    if rows.len() as u64 > MAX_MATCHES {
        return Ok(None);
    }
    let mut ids = rows
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0))
        .collect::<Result<Vec<_>, _>>()
        .map_err(storage_error)?;
    ids.sort_unstable();
    let ids = Arc::new(ids);
    keep(key, generation, ids.clone());
    Ok(Some(ids))
}

/// How often which proposals a search finds has changed (migration 27).
async fn generation(db: &impl ConnectionTrait) -> Result<i64, AppError> {
    let read = crate::backend::common::statement(
        db,
        "SELECT n FROM proposal_match_generation WHERE id = 1",
        Vec::new(),
    );
    match db.query_one_raw(read).await.map_err(storage_error)? {
        Some(row) => row.try_get_by_index(0).map_err(storage_error),
        None => Err(AppError::Internal),
    }
}

/// The kept matches under `key`, if they were gathered at `generation` and are young enough.
fn lookup(key: &(Listed, String), generation: i64) -> Option<Arc<Vec<i64>>> {
    let kept = kept().lock().ok()?;
    let entry = kept.get(key)?;
    (entry.generation == generation && entry.at.elapsed() < KEEP_FOR).then(|| entry.ids.clone())
}

fn keep(key: (Listed, String), generation: i64, ids: Arc<Vec<i64>>) {
    let Ok(mut kept) = kept().lock() else {
        return;
    };
    kept.retain(|_, entry| entry.at.elapsed() < KEEP_FOR);
    kept.remove(&key);
    let mut total: usize = kept.values().map(|entry| entry.ids.len()).sum();
    while kept.len() >= MAX_KEPT || total + ids.len() > MAX_KEPT_IDS {
        let Some(oldest) = kept
            .iter()
            .min_by_key(|(_, entry)| entry.at)
            .map(|(key, _)| key.clone())
        else {
            break;
        };
        if let Some(gone) = kept.remove(&oldest) {
            total -= gone.ids.len();
        }
    }
    if ids.len() <= MAX_KEPT_IDS {
        kept.insert(
            key,
            Kept {
                at: Instant::now(),
                generation,
                ids,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_without_words_filter_nothing() {
        assert!(Search::parse(DbBackend::Sqlite, " \"*() ").is_none());
        let search = Search::parse(DbBackend::Sqlite, "Grün-fläche \"x").map(|s| s.query);
        assert_eq!(search.as_deref(), Some("\"Grün\"* \"fläche\"* \"x\"*"));
    }

    #[test]
    fn the_kept_searches_stay_within_their_bounds() {
        // Procedure ids of this test only: the kept searches are process-wide.
        let listed = |n: i64| Listed {
            procedure_id: -1_000 - n,
            status: "published",
            category: None,
            district: None,
        };
        for n in 0..(MAX_KEPT as i64 + 10) {
            keep((listed(n), "x".into()), 1, Arc::new(vec![n]));
        }
        let searches = kept().lock().map(|kept| kept.len()).unwrap_or(usize::MAX);
        assert!(searches <= MAX_KEPT, "{searches} searches kept");
        // A large set evicts older ones until the ids fit.
        keep(
            (listed(0), "big".into()),
            1,
            Arc::new((0..MAX_KEPT_IDS as i64 - 5).collect()),
        );
        let total: usize = kept()
            .lock()
            .map(|kept| kept.values().map(|entry| entry.ids.len()).sum())
            .unwrap_or(usize::MAX);
        assert!(total <= MAX_KEPT_IDS, "{total} ids kept");
    }
}
