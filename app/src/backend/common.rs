//! Helpers every service shares, below all of them: time, text, keyset pagination, SQL
//! statements, the per-person write lock, names, who sees a moderated item, zlib, and
//! values kept per procedure. A feature module may use this, never the other way round.

use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::db::storage_error;
use crate::backend::entity::{proposal, user};
use crate::error::AppError;
use crate::model::moderation::Visibility;
use crate::model::time::Timestamp;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Statement,
    Value,
};
use std::collections::HashMap;

/// Serialises one person's writes, in a transaction begun by `db::begin_write`, before
/// anything is read, so checks made afterwards (a vote cap, a duplicate vote) cannot race
/// another request of theirs; fails for an account deleted meanwhile. PostgreSQL: the
/// person's row is locked (`FOR UPDATE`: no new row version, unlike the no-op update it
/// once was, which left a dead tuple in `users` with every vote). SQLite: the transaction
/// holds the database's write lock since it began, so the row is only read.
pub(crate) async fn lock_user(db: &impl ConnectionTrait, user_id: i64) -> Result<(), AppError> {
    let mut live = user::Entity::find_by_id(user_id)
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::DeletedAt.is_null());
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        live = live.lock_exclusive();
    }
    let live: Option<i64> = live.into_tuple().one(db).await.map_err(storage_error)?;
    live.map(|_| ()).ok_or(AppError::Unauthenticated)
}

/// On SQLite, write transactions of participation (votes, comments, proposals) queue here,
/// first come first served, instead of polling in SQLite's busy handler (which sleeps up to
/// 100 ms between tries and made the tail latency of votes under load). PostgreSQL locks
/// rows and needs no gate. The SQLite file belongs to one process, so a process-wide gate
/// covers every writer that contends.
pub(crate) async fn write_gate(
    db: &impl ConnectionTrait,
) -> Option<tokio::sync::MutexGuard<'static, ()>> {
    static SQLITE_WRITES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        Some(SQLITE_WRITES.lock().await)
    } else {
        None
    }
}

/// Public display names by user id; deleted accounts have none.
pub(crate) async fn names_of(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, Option<String>)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .filter(user::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name)| name.map(|name| (id, name)))
        .collect())
}

/// An instant as views carry it: whole seconds since the epoch.
pub(crate) fn timestamp(at: DateTime<Utc>) -> Timestamp {
    Timestamp(at.timestamp())
}

/// Categories are stored one per line; blank lines and duplicates are dropped.
pub fn split_categories(stored: &str) -> Vec<String> {
    let mut categories: Vec<String> = Vec::new();
    for line in stored.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !categories.iter().any(|c| c == line) {
            categories.push(line.to_owned());
        }
    }
    categories
}

/// The start of a Markdown text as plain text, cut at a word boundary.
pub fn excerpt(markdown: &str, max_chars: usize) -> String {
    let plain: String = markdown
        .chars()
        .map(|c| {
            if matches!(c, '#' | '*' | '_' | '`' | '>' | '[' | ']' | '|') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = plain.split_whitespace().collect();
    let mut out = String::new();
    for word in words {
        if out.chars().count() + word.chars().count() + 1 > max_chars {
            out.push_str(" …");
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

// ---------- keyset pagination ----------

/// Where a page of a keyset listing ends: the sort value and the id of its last row. Sent
/// to clients as `value.id`, which they pass back unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cursor {
    pub value: i64,
    pub id: i64,
}

impl Cursor {
    pub(crate) fn parse(cursor: &str) -> Result<Self, AppError> {
        let malformed = || AppError::invalid("cursor", "malformed");
        let (value, id) = cursor.split_once('.').ok_or_else(malformed)?;
        Ok(Self {
            value: value.parse().map_err(|_| malformed())?,
            id: id.parse().map_err(|_| malformed())?,
        })
    }

    pub(crate) fn encode(self) -> String {
        format!("{}.{}", self.value, self.id)
    }
}

/// The rows after (`value`, `id`) in a listing ordered by the sort expression, then the id,
/// both descending or both ascending: the condition of every keyset page. Its first term
/// (`sort <= value`, or `>=`) bounds the sort column alone, so that the database seeks to
/// the cursor in the listing's index instead of walking the index from its start.
pub(crate) fn after(
    sort: Expr,
    value: impl Into<Value>,
    id_column: Expr,
    id: i64,
    descending: bool,
) -> Condition {
    let value = value.into();
    let (bound, beyond, id_beyond) = if descending {
        (
            sort.clone().lte(value.clone()),
            sort.lt(value),
            id_column.lt(id),
        )
    } else {
        (
            sort.clone().gte(value.clone()),
            sort.gt(value),
            id_column.gt(id),
        )
    };
    Condition::all()
        .add(bound)
        .add(Condition::any().add(beyond).add(id_beyond))
}

/// A page read with one row more than `size`: cut to `size`, with the cursor of the next
/// page when there is one.
pub(crate) fn page_of<T>(
    mut rows: Vec<T>,
    size: u64,
    cursor_of: impl Fn(&T) -> Cursor,
) -> (Vec<T>, Option<String>) {
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    if rows.len() <= size {
        return (rows, None);
    }
    rows.truncate(size);
    let next = rows.last().map(|last| cursor_of(last).encode());
    (rows, next)
}

/// A statement with `$1`, `$2`, … placeholders: PostgreSQL's syntax, which SQLite also
/// binds by position.
pub(crate) fn statement(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

/// A proposal by id, whatever its procedure (callers check it); `NotFound` when there is
/// none.
pub(crate) async fn find_proposal(
    db: &impl ConnectionTrait,
    proposal_id: i64,
) -> Result<proposal::Model, AppError> {
    proposal::Entity::find_by_id(proposal_id)
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)
}

/// How much of a proposal a viewer sees, by its moderation state: a pending one does not
/// exist for anyone but its author and moderators; of a held or hidden one they see only
/// that it is concealed. Every operation on a proposal asks this first.
pub(crate) fn sight(
    visibility: Visibility,
    author_id: i64,
    viewer: Option<&CurrentUser>,
) -> Result<Sight, AppError> {
    let privileged = viewer.is_some_and(|v| v.id == author_id || v.can(Permission::Moderate));
    match visibility {
        Visibility::Pending if !privileged => Err(AppError::NotFound),
        Visibility::Held | Visibility::Hidden if !privileged => Ok(Sight::Concealed),
        _ => Ok(Sight::Full),
    }
}

/// What [`sight`] allows: the whole item, or the placeholder that says it is concealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sight {
    Full,
    Concealed,
}

/// zlib-compressed bytes (PDF streams, PNG image data).
pub(crate) fn deflate(data: &[u8]) -> Result<Vec<u8>, AppError> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).map_err(|_| AppError::Internal)?;
    encoder.finish().map_err(|_| AppError::Internal)
}

// ---------- values kept for a while ----------

/// Per procedure, how often what its results show has changed, as far as this instance
/// knows.
fn generations() -> &'static std::sync::Mutex<HashMap<i64, u64>> {
    static GENERATIONS: std::sync::OnceLock<std::sync::Mutex<HashMap<i64, u64>>> =
        std::sync::OnceLock::new();
    GENERATIONS.get_or_init(Default::default)
}

/// Raised when this instance may have missed another's change (its line to them broke):
/// then everything kept is stale.
static EPOCH: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Where changes go to the other instances sharing the database (set by the server on
/// PostgreSQL, which passes them on as `NOTIFY`).
static ANNOUNCER: std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<i64>> =
    std::sync::OnceLock::new();

/// The current generation of a procedure's results: read it before computing a value to
/// keep, and pass it to [`Kept::put`].
pub(crate) fn results_generation(procedure_id: i64) -> u64 {
    let local = generations()
        .lock()
        .map_or(0, |g| g.get(&procedure_id).copied().unwrap_or(0));
    (EPOCH.load(std::sync::atomic::Ordering::Acquire) << 40) + local
}

/// What a procedure shows has changed (its settings, schedule or image, an outcome, a
/// moderation decision): every value any module keeps for it is stale from now on, here
/// and on the other instances.
pub(crate) fn results_changed(procedure_id: i64) {
    changed_elsewhere(procedure_id);
    if let Some(announcer) = ANNOUNCER.get() {
        let _ = announcer.send(procedure_id);
    }
}

/// Sends this instance's changes to `announcer` from now on. Only the first call counts.
pub fn announce_changes_to(announcer: tokio::sync::mpsc::UnboundedSender<i64>) {
    let _ = ANNOUNCER.set(announcer);
}

/// Another instance changed what a procedure's results show.
pub fn changed_elsewhere(procedure_id: i64) {
    if let Ok(mut generations) = generations().lock() {
        *generations.entry(procedure_id).or_default() += 1;
    }
    content_changed();
}

/// This instance may have missed changes of others: nothing kept is trusted any more.
pub fn missed_changes() {
    EPOCH.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    content_changed();
}

/// How often anything a page may show has changed, as far as this instance knows: raised
/// by every request that may write (the server's outermost layer), by each change another
/// instance announces and when this one may have missed some. Pages kept in memory are of
/// one generation and go with it.
static CONTENT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The current generation of what pages show: read it before rendering a page to keep.
pub fn content_generation() -> u64 {
    CONTENT.load(std::sync::atomic::Ordering::Acquire)
}

/// Something a page may show has changed (or may have): every page kept is stale.
pub fn content_changed() {
    CONTENT.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
}

type KeptEntries<K, V> = std::sync::Mutex<HashMap<(i64, K), (std::time::Instant, u64, V)>>;
type Turns<K> = std::sync::Mutex<HashMap<(i64, K), std::sync::Arc<tokio::sync::Mutex<()>>>>;

/// Values of expensive work per procedure (and a key of the caller's), served from memory
/// for `ttl` unless the procedure's results changed since they were computed.
pub(crate) struct Kept<K, V> {
    ttl: std::time::Duration,
    entries: std::sync::OnceLock<KeptEntries<K, V>>,
    turns: std::sync::OnceLock<Turns<K>>,
}

impl<K: Eq + std::hash::Hash, V: Clone> Kept<K, V> {
    pub(crate) const fn new(ttl: std::time::Duration) -> Self {
        Self {
            ttl,
            entries: std::sync::OnceLock::new(),
            turns: std::sync::OnceLock::new(),
        }
    }

    /// The turn to compute the value under this key: whoever holds it computes, the
    /// others wait and then find the value kept, rather than compute the same again.
    pub(crate) fn turn(&self, procedure_id: i64, key: K) -> std::sync::Arc<tokio::sync::Mutex<()>>
    where
        K: Clone,
    {
        let Ok(mut turns) = self.turns.get_or_init(Default::default).lock() else {
            return std::sync::Arc::default();
        };
        // Turns nobody holds or waits for go.
        turns.retain(|_, turn| std::sync::Arc::strong_count(turn) > 1);
        turns.entry((procedure_id, key)).or_default().clone()
    }

    fn entries(&self) -> &KeptEntries<K, V> {
        self.entries.get_or_init(Default::default)
    }

    /// The kept value, if it is younger than `ttl` and still of the current generation.
    pub(crate) fn get(&self, procedure_id: i64, key: K) -> Option<V> {
        self.get_aged(procedure_id, key).map(|(value, _)| value)
    }

    /// The kept value and how long ago it was kept, as [`Kept::get`] finds it.
    pub(crate) fn get_aged(&self, procedure_id: i64, key: K) -> Option<(V, std::time::Duration)> {
        let generation = results_generation(procedure_id);
        let entries = self.entries().lock().ok()?;
        let (at, of, value) = entries.get(&(procedure_id, key))?;
        let age = at.elapsed();
        (age < self.ttl && *of == generation).then(|| (value.clone(), age))
    }

    /// Keeps a value computed from the results of `generation` (read before computing).
    pub(crate) fn put(&self, procedure_id: i64, key: K, generation: u64, value: V) {
        if let Ok(mut entries) = self.entries().lock() {
            entries.retain(|_, (at, _, _)| at.elapsed() < self.ttl);
            entries.insert(
                (procedure_id, key),
                (std::time::Instant::now(), generation, value),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_at_words_and_drop_markup() {
        assert_eq!(
            excerpt("## Titel\n\n**Mehr** Bäume", 50),
            "Titel Mehr Bäume"
        );
        assert_eq!(excerpt("eins zwei drei vier", 10), "eins zwei …");
    }

    #[test]
    fn kept_values_go_stale_when_their_procedure_changes() {
        static KEPT: Kept<&str, u32> = Kept::new(std::time::Duration::from_secs(60));
        // Procedure ids of this test only: the generations are process-wide.
        let (mine, other) = (-71, -72);
        KEPT.put(mine, "a", results_generation(mine), 1);
        KEPT.put(other, "a", results_generation(other), 2);
        assert_eq!(KEPT.get(mine, "a"), Some(1));
        let before = results_generation(mine);
        results_changed(mine);
        assert_eq!(KEPT.get(mine, "a"), None, "changed: stale");
        assert_eq!(
            KEPT.get(other, "a"),
            Some(2),
            "another procedure keeps its value"
        );
        // A value computed from the old generation is stale as soon as it is kept.
        KEPT.put(mine, "a", before, 3);
        assert_eq!(KEPT.get(mine, "a"), None);
        static BRIEF: Kept<(), u32> = Kept::new(std::time::Duration::ZERO);
        BRIEF.put(mine, (), results_generation(mine), 4);
        assert_eq!(BRIEF.get(mine, ()), None, "older than its time to live");

        // Changes told by another instance, and changes it may have missed (in this test:
        // the epoch is process-wide, and other tests must not see it move under them).
        KEPT.put(mine, "a", results_generation(mine), 5);
        KEPT.put(other, "a", results_generation(other), 6);
        changed_elsewhere(mine);
        assert_eq!(KEPT.get(mine, "a"), None, "another instance changed it");
        assert_eq!(KEPT.get(other, "a"), Some(6));
        missed_changes();
        assert_eq!(KEPT.get(other, "a"), None, "the line to the others broke");
    }

    #[test]
    fn cursors_are_two_numbers() {
        let cursor = Cursor::parse("17.4").unwrap();
        assert_eq!(cursor, Cursor { value: 17, id: 4 });
        assert_eq!(cursor.encode(), "17.4");
        assert_eq!(Cursor::parse("-3.9").unwrap().value, -3);
        for bad in ["17", "a.b", "1.2; DROP TABLE", "", "."] {
            assert!(Cursor::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_page_is_cut_to_its_size_and_knows_its_successor() {
        let cursor_of = |n: &i64| Cursor {
            value: n * 10,
            id: *n,
        };
        let (rows, next) = page_of(vec![1, 2, 3], 2, cursor_of);
        assert_eq!(rows, [1, 2]);
        assert_eq!(next.as_deref(), Some("20.2"));
        let (rows, next) = page_of(vec![1, 2], 2, cursor_of);
        assert_eq!(rows, [1, 2]);
        assert_eq!(next, None);
    }
}
