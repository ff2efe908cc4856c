//! Exports of a procedure's results: CSV (one file per table), JSON (the open-data
//! document), XLSX and the PDF report for the council, plus the manifest that lists each
//! file's SHA-256.
//!
//! Rows are read in batches and written as they come, so an export of a million votes
//! keeps memory flat. Nothing personal leaves: authors are named by a pseudonym per
//! procedure unless they chose to show their name, e-mail addresses never, and content that
//! is pending, held or hidden is counted, not exported. CSV and JSON contain no clock time,
//! so the same state of a procedure gives the same bytes.

mod authors;
pub mod csv;
pub mod html;
pub mod json;
pub mod pdf;
mod pdf_font;
mod proposals;
pub mod report;
pub mod xlsx;

use crate::backend::common::{Kept, results_generation, statement};
use crate::backend::db::storage_error;
use crate::backend::entity::{council_decision, expert_opinion, phase};
use crate::backend::service::results::{self, Scope};
use crate::error::AppError;
use crate::formats::proposals::model::{CommentStatus, Origin, ProposalStatus, VoteRule};
use crate::formats::proposals::opinion::Verdict;
use crate::i18n::Lang;
use crate::model::moderation::{LedgerTarget, ModerationActionKind, ModerationReason, Visibility};
use crate::model::path;
use crate::model::procedure::PhaseKind;
use crate::model::results::{Bar, CouncilOutcome, CouncilPaper, Day, Figures, OutcomeCount};
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::mpsc;

pub use authors::authors;
pub use proposals::Proposals;

/// The version of the JSON document's schema (`results.schema.json`).
pub const JSON_SCHEMA: &str = include_str!("results.schema.json");
pub const JSON_VERSION: u32 = 1;
/// The licence exported data is published under.
pub const LICENCE_ID: &str = "dl-de/by-2-0";
pub const LICENCE_URL: &str = "https://www.govdata.de/dl-de/by-2-0";
/// Rows read per query.
const BATCH: u64 = 2_000;

/// A table of the CSV export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Proposals,
    Comments,
    Moderation,
}

impl Table {
    pub const ALL: [Table; 3] = [Self::Proposals, Self::Comments, Self::Moderation];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposals => "proposals",
            Self::Comments => "comments",
            Self::Moderation => "moderation",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
    }
}

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180, UTF-8 with BOM; `;` for German Excel or `,`.
    Csv {
        table: Table,
        semicolon: bool,
    },
    Json,
    Xlsx,
    Pdf,
    /// The report as a printable web page.
    Html,
}

impl Format {
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Csv { .. } => "text/csv; charset=utf-8",
            Self::Json => "application/json",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Pdf => "application/pdf",
            Self::Html => "text/html; charset=utf-8",
        }
    }

    /// The file's name for a procedure: `<slug>-proposals.csv`, `<slug>-results.json`, …
    pub fn file_name(self, slug: &str) -> String {
        match self {
            Self::Csv { table, .. } => format!("{slug}-{}.csv", table.as_str()),
            Self::Json => format!("{slug}-results.json"),
            Self::Xlsx => format!("{slug}-results.xlsx"),
            Self::Pdf => format!("{slug}-report.pdf"),
            Self::Html => format!("{slug}-report.html"),
        }
    }
}

/// What the writer sends: bytes of the file, and how far it got (for the command line).
#[derive(Debug)]
pub enum Chunk {
    Bytes(Vec<u8>),
    Progress { done: u64, total: u64 },
}

/// The procedure as exports describe it.
#[derive(Debug, Clone)]
pub struct Header {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub department: String,
    pub url: String,
    pub rule: VoteRule,
    /// The language of its one label (proposals without a category).
    pub lang: Lang,
    pub phases: Vec<(PhaseKind, DateTime<Utc>, DateTime<Utc>)>,
    pub final_results: bool,
    pub council: Option<CouncilPaper>,
    pub figures: Figures,
    pub timeline: Vec<Day>,
    pub categories: Vec<Bar>,
    pub outcomes: Vec<OutcomeCount>,
}

/// A proposal as exported.
#[derive(Debug, Clone)]
pub struct ProposalRow {
    pub rank: Option<u32>,
    pub id: i64,
    pub url: String,
    pub title: String,
    pub body: String,
    pub category: Option<String>,
    pub location: Option<String>,
    /// The district it lies in.
    pub district: Option<crate::model::place::DistrictRef>,
    pub onsite: bool,
    pub event: Option<String>,
    pub status: ProposalStatus,
    /// A merged duplicate: the proposal it was merged into.
    pub merged_into: Option<i64>,
    /// The display name (when its owner chose to show it) or the pseudonym; `None` for
    /// on-site contributions.
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
    pub support: i64,
    pub up: i64,
    pub down: i64,
    pub score: i64,
    pub comments: i64,
    pub outcome: Option<OutcomeRow>,
    /// The administration's answered opinion on it.
    pub opinion: Option<OpinionRow>,
}

/// An answered expert opinion, as exported.
#[derive(Debug, Clone)]
pub struct OpinionRow {
    pub unit: String,
    pub verdict: Verdict,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct OutcomeRow {
    pub outcome: CouncilOutcome,
    pub justification: String,
    pub meeting_date: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CommentRow {
    pub id: i64,
    pub proposal_id: i64,
    pub parent_id: Option<i64>,
    pub author: Option<String>,
    pub body: String,
    pub onsite: bool,
    pub event: Option<String>,
    pub created_at: DateTime<Utc>,
    pub edited: bool,
}

#[derive(Debug, Clone)]
pub struct DecisionRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub target_kind: LedgerTarget,
    pub target_id: i64,
    pub proposal_id: Option<i64>,
    pub action: ModerationActionKind,
    pub reason: Option<ModerationReason>,
    pub public_reason: String,
}

/// Text as exports write it: as stored, minus control characters (other than line breaks
/// and tabs) and the Unicode bidirectional overrides and isolates, which can make a cell
/// display something other than what it holds.
pub fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
                && (!c.is_control() || c == '\n' || c == '\t')
        })
        .collect::<String>()
        .replace("\r\n", "\n")
}

/// RFC 3339 in UTC, to the second: the form every export uses.
pub fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Everything an export writes before its rows.
pub async fn header(
    db: &impl ConnectionTrait,
    scope: &Scope,
    public_url: &str,
    lang: Lang,
) -> Result<Header, AppError> {
    let row = &scope.procedure;
    let phases = phase::Entity::find()
        .filter(phase::Column::ProcedureId.eq(row.id))
        .order_by_asc(phase::Column::Position)
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(Header {
        slug: row.slug.clone(),
        title: clean(&row.title),
        summary: clean(&row.summary),
        department: clean(&row.department),
        url: format!("{public_url}{}", path::procedure(&row.slug)),
        rule: scope.rule,
        lang,
        phases: phases
            .into_iter()
            .map(|p| (p.kind, p.starts_at, p.ends_at))
            .collect(),
        final_results: scope.final_results,
        council: crate::backend::service::procedure::council_paper(row),
        figures: results::figures(db, row.id).await?,
        timeline: results::timeline(db, row.id).await?,
        categories: results::categories(db, row, lang.texts().no_category).await?,
        outcomes: crate::backend::service::procedure::outcome_counts(db, row.id).await?,
    })
}

#[derive(FromQueryResult)]
struct CommentQueryRow {
    id: i64,
    proposal_id: i64,
    parent_id: Option<i64>,
    author_id: i64,
    body: String,
    source: Origin,
    event_name: Option<String>,
    created_at: DateTime<Utc>,
    edited_at: Option<DateTime<Utc>>,
}

/// The visible comments on visible proposals, in the order they were written.
pub async fn comments_after(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    after: i64,
    authors: &HashMap<i64, String>,
) -> Result<Vec<CommentRow>, AppError> {
    let sql = format!(
        "SELECT c.id AS id, c.proposal_id AS proposal_id, c.parent_id AS parent_id, \
         c.author_id AS author_id, c.body AS body, c.source AS source, c.event_name AS event_name, \
         c.created_at AS created_at, c.edited_at AS edited_at \
         FROM comments c JOIN proposals p ON p.id = c.proposal_id \
         WHERE p.procedure_id = $1 AND p.visibility = $3 AND c.visibility = $3 \
         AND c.status = $4 AND c.id > $2 ORDER BY c.id LIMIT {BATCH}"
    );
    let rows = CommentQueryRow::find_by_statement(statement(
        db,
        &sql,
        vec![
            procedure_id.into(),
            after.into(),
            Visibility::Visible.into(),
            CommentStatus::Published.into(),
        ],
    ))
    .all(db)
    .await
    .map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let onsite = row.source == Origin::Onsite;
            CommentRow {
                id: row.id,
                proposal_id: row.proposal_id,
                parent_id: row.parent_id,
                author: if onsite {
                    None
                } else {
                    authors.get(&row.author_id).cloned()
                },
                body: clean(&row.body),
                onsite,
                event: row.event_name.map(|e| clean(&e)),
                created_at: row.created_at,
                edited: row.edited_at.is_some(),
            }
        })
        .collect())
}

#[derive(FromQueryResult)]
struct CountRow {
    n: i64,
}

/// The comments an export writes.
pub async fn comment_count(db: &impl ConnectionTrait, procedure_id: i64) -> Result<u64, AppError> {
    let sql = "SELECT COUNT(*) AS n FROM comments c JOIN proposals p ON p.id = c.proposal_id \
         WHERE p.procedure_id = $1 AND p.visibility = $2 AND c.visibility = $2 AND c.status = $3";
    let values = vec![
        procedure_id.into(),
        Visibility::Visible.into(),
        CommentStatus::Published.into(),
    ];
    let row = CountRow::find_by_statement(statement(db, sql, values))
        .one(db)
        .await
        .map_err(storage_error)?;
    Ok(row.map_or(0, |r| u64::try_from(r.n).unwrap_or(0)))
}

#[derive(FromQueryResult)]
struct DecisionQueryRow {
    id: i64,
    created_at: DateTime<Utc>,
    target_kind: LedgerTarget,
    target_id: i64,
    proposal_id: Option<i64>,
    action: ModerationActionKind,
    reason_code: Option<ModerationReason>,
    public_reason: String,
}

/// The public moderation ledger of the procedure (never the moderator or the internal
/// note), oldest first.
pub async fn decisions_after(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    after: i64,
) -> Result<Vec<DecisionRow>, AppError> {
    let sql = format!(
        "SELECT id, created_at, target_kind, target_id, proposal_id, action, reason_code, \
         public_reason FROM moderation_actions WHERE procedure_id = $1 AND id > $2 \
         ORDER BY id LIMIT {BATCH}"
    );
    let rows = DecisionQueryRow::find_by_statement(statement(
        db,
        &sql,
        vec![procedure_id.into(), after.into()],
    ))
    .all(db)
    .await
    .map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .map(|row| DecisionRow {
            id: row.id,
            at: row.created_at,
            target_kind: row.target_kind,
            target_id: row.target_id,
            proposal_id: row.proposal_id,
            action: row.action,
            reason: row.reason_code,
            public_reason: clean(&row.public_reason),
        })
        .collect())
}

/// What an export needs from the instance.
#[derive(Debug, Clone)]
pub struct Job {
    pub scope: Scope,
    pub format: Format,
    pub public_url: String,
    pub instance_name: String,
    /// The instance's logo, printed on the report's summary page.
    pub logo: Option<Arc<crate::backend::logo::Logo>>,
    pub lang: Lang,
    /// SHA-256 of the CSV and JSON files, printed in the report (PDF and HTML only; see
    /// [`with_hashes`]).
    pub hashes: Vec<FileHash>,
    /// The header, when a caller has it already (it counts every vote of the procedure).
    pub header: Option<Arc<Header>>,
    /// What the procedure's other formats add to the reports (PDF, HTML): a budget's result.
    pub sections: Vec<Section>,
}

/// A part of the report that a participation format contributes (a budget and its
/// result), already in the report's language: the report prints it after the proposals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    /// Labels and values, as the report's other tables.
    pub rows: Vec<(String, String)>,
    /// One entry per item (a project): its heading and a line of figures.
    pub items: Vec<(String, String)>,
    /// A heading and entries after the items (the decisions taken on a result), each a
    /// line and the reason under it.
    pub notes: Option<(String, Vec<(String, String)>)>,
}

impl Job {
    /// The header in `lang`: the one the job carries if it is in that language, else read.
    pub async fn header_in(
        &self,
        db: &impl ConnectionTrait,
        lang: Lang,
    ) -> Result<Arc<Header>, AppError> {
        match &self.header {
            Some(header) if header.lang == lang => Ok(header.clone()),
            _ => Ok(Arc::new(
                header(db, &self.scope, &self.public_url, lang).await?,
            )),
        }
    }
}

/// The open-data files do not depend on who asks: their one label is always German, the
/// instance's first language.
pub const DATA_LANG: Lang = Lang::DEFAULT;

/// Fills in what the job's format prints besides its rows: the reports (PDF, HTML) print
/// the SHA-256 of the CSV and JSON files.
pub async fn with_hashes(db: &DatabaseConnection, mut job: Job) -> Result<Job, AppError> {
    if matches!(job.format, Format::Pdf | Format::Html) {
        job.hashes = reproducible_hashes(db, &job).await?;
    }
    Ok(job)
}

/// Writes the export into `out`, a chunk at a time. Dropping the receiver stops it.
pub async fn run(
    db: DatabaseConnection,
    job: Job,
    out: mpsc::Sender<Chunk>,
) -> Result<(), AppError> {
    let mut sink = Sink {
        out,
        buffer: Vec::with_capacity(256 * 1024),
    };
    match job.format {
        Format::Csv { table, semicolon } => {
            csv::write(&db, &job, table, semicolon, &mut sink).await
        }
        Format::Json => json::write(&db, &job, &mut sink).await,
        Format::Xlsx => xlsx::write(&db, &job, &mut sink).await,
        Format::Pdf => pdf::write(&db, &job, &mut sink).await,
        Format::Html => html::write(&db, &job, &mut sink).await,
    }?;
    sink.flush().await
}

/// Collects a writer's bytes and passes them on in chunks of a few hundred kilobytes.
pub struct Sink {
    out: mpsc::Sender<Chunk>,
    pub buffer: Vec<u8>,
}

impl Sink {
    pub async fn flush(&mut self) -> Result<(), AppError> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let bytes = std::mem::replace(&mut self.buffer, Vec::with_capacity(256 * 1024));
        self.out
            .send(Chunk::Bytes(bytes))
            .await
            .map_err(|_| AppError::Unavailable)
    }

    /// Passes the buffer on once it is large, and reports progress.
    pub async fn batch_done(&mut self, done: u64, total: u64) -> Result<(), AppError> {
        if self.buffer.len() >= 192 * 1024 {
            self.flush().await?;
        }
        self.out
            .send(Chunk::Progress { done, total })
            .await
            .map_err(|_| AppError::Unavailable)
    }
}

/// A file of an export and its SHA-256.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct FileHash {
    pub name: String,
    pub media_type: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Starts an export on its own task: its chunks arrive on the receiver, its outcome (an
/// error stops the file short) from the handle.
pub fn spawn(
    db: &DatabaseConnection,
    job: Job,
) -> (
    mpsc::Receiver<Chunk>,
    tokio::task::JoinHandle<Result<(), AppError>>,
) {
    let (tx, rx) = mpsc::channel(8);
    let handle = tokio::spawn(run(db.clone(), job, tx));
    (rx, handle)
}

/// How long a finished vote's file hashes are kept: as long as its results
/// (`results::view_cached`), and cleared with them.
const HASHES_TTL: std::time::Duration = crate::backend::service::results::FINAL_REFRESH;

static HASHES: Kept<(), Vec<FileHash>> = Kept::new(HASHES_TTL);

/// The hashes of the reproducible files (CSV tables and JSON) of a procedure. Working
/// them out writes four whole exports: for a finished vote (whose files anyone may fetch,
/// and whose report and manifest print them) they are kept for a minute.
pub async fn reproducible_hashes(
    db: &DatabaseConnection,
    job: &Job,
) -> Result<Vec<FileHash>, AppError> {
    let procedure_id = job.scope.procedure.id;
    let keep = job.scope.final_results;
    if keep && let Some(kept) = HASHES.get(procedure_id, ()) {
        return Ok(kept);
    }
    let generation = results_generation(procedure_id);
    let hashes = compute_hashes(db, job).await?;
    if keep {
        HASHES.put(procedure_id, (), generation, hashes.clone());
    }
    Ok(hashes)
}

async fn compute_hashes(db: &DatabaseConnection, job: &Job) -> Result<Vec<FileHash>, AppError> {
    // The JSON file's header, read once and shared with the caller's if it is the same.
    let header = job.header_in(db, DATA_LANG).await?;
    let mut hashes = Vec::new();
    for format in reproducible_formats() {
        let job = Job {
            format,
            lang: DATA_LANG, // the files as the catalogue publishes them
            hashes: Vec::new(),
            header: Some(header.clone()),
            ..job.clone()
        };
        hashes.push(hash_of(db, job).await?);
    }
    Ok(hashes)
}

/// Runs an export and returns its hash without keeping the bytes.
pub async fn hash_of(db: &DatabaseConnection, job: Job) -> Result<FileHash, AppError> {
    let name = job.format.file_name(&job.scope.procedure.slug);
    let media_type = job.format.media_type().to_owned();
    let (mut rx, writer) = spawn(db, job);
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    while let Some(chunk) = rx.recv().await {
        if let Chunk::Bytes(data) = chunk {
            bytes += data.len() as u64;
            hasher.update(&data);
        }
    }
    writer.await.map_err(|_| AppError::Internal)??;
    Ok(FileHash {
        name,
        media_type,
        bytes,
        sha256: hex(&hasher.finalize()),
    })
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The files whose hashes the report prints and the manifest lists first: the three CSV
/// tables (semicolon-separated, as German Excel opens them) and the JSON document.
pub fn reproducible_formats() -> Vec<Format> {
    let mut formats: Vec<Format> = Table::ALL
        .into_iter()
        .map(|table| Format::Csv {
            table,
            semicolon: true,
        })
        .collect();
    formats.push(Format::Json);
    formats
}

/// The manifest of an export: when, which procedure, how much, and each file's hash.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub generated_at: String,
    pub procedure: ManifestProcedure,
    pub counts: Figures,
    pub files: Vec<FileHash>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct ManifestProcedure {
    pub slug: String,
    pub title: String,
    pub url: String,
}

pub fn manifest(header: &Header, files: Vec<FileHash>, now: DateTime<Utc>) -> Manifest {
    Manifest {
        format: "mitreden.export-manifest".to_owned(),
        version: 1,
        generated_at: time(now),
        procedure: ManifestProcedure {
            slug: header.slug.clone(),
            title: header.title.clone(),
            url: header.url.clone(),
        },
        counts: header.figures,
        files,
    }
}
