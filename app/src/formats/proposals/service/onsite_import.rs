//! On-site contributions in a batch: a planner uploads the CSV file a spreadsheet saves
//! (or pastes its cells), sees every row checked, and imports all rows at once or none.
//! The batch is kept between preview and import; the import reads the stored text again.

use super::proposal as proposals;
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{lock_user, write_gate};
use crate::backend::db::storage_error;
use crate::backend::entity::{onsite_import, proposal};
use crate::backend::service::procedure::{self, Context};
use crate::error::{AppError, FieldProblem};
use crate::formats::proposals::model::{ProposalInput, validated_event};
use crate::formats::proposals::onsite_model::{
    COLUMNS, ImportColumn, ImportRow, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, OnsiteImport,
    OnsiteImportPage,
};
use crate::model::procedure::Slug;
use crate::model::time::Timestamp;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionSession, TransactionTrait,
};
use std::collections::HashSet;

/// Batches are kept this long after their upload, imported or not.
const KEEP_DAYS: i64 = 7;
/// Characters of a row's text the preview shows.
const EXCERPT_CHARS: usize = 160;

/// The file's problem, as the upload form shows it next to its file field.
fn file_problem(problem: &str) -> AppError {
    AppError::invalid("file", problem)
}

/// Keeps an uploaded batch for its preview and answers its id. Refuses what cannot be a
/// batch at all (no file, too large, the phase closed); problems inside the file are the
/// preview's to show.
pub async fn stage<C>(
    db: &C,
    user: &CurrentUser,
    slug: &Slug,
    event: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<i64, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Plan)?;
    let mut problems = crate::error::Problems::default();
    let event = problems.check(validated_event(event));
    let text = if bytes.len() > MAX_IMPORT_BYTES {
        problems.note(file_problem("too_large"));
        None
    } else {
        let text = decode(bytes);
        if text.trim().is_empty() {
            problems.note(file_problem("missing"));
        } else if text.contains('\0') {
            // A binary file (a spreadsheet's own format): no database stores it as text.
            problems.note(file_problem("unreadable"));
        }
        Some(text)
    };
    problems.finish()?;
    // `finish` has refused every `None`.
    let (Some(event), Some(text)) = (event, text) else {
        return Err(AppError::Internal);
    };
    let (context, _) = procedure::published_context_of(db, slug, now).await?;
    if !context.allowed.propose {
        return Err(AppError::invalid("phase", "closed"));
    }
    let _gate = write_gate(db).await;
    // Old batches go as new ones come: the table stays as small as the planners' work.
    onsite_import::Entity::delete_many()
        .filter(onsite_import::Column::CreatedAt.lt(now - Duration::days(KEEP_DAYS)))
        .exec(db)
        .await
        .map_err(storage_error)?;
    let inserted = onsite_import::ActiveModel {
        procedure_id: Set(context.id),
        planner_id: Set(user.id),
        event_name: Set(event),
        source: Set(text),
        created_at: Set(now),
        imported_at: Set(None),
        imported_count: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(storage_error)?;
    Ok(inserted.id)
}

/// The import page: the procedure, and the batch `id` when one is asked for.
pub async fn page(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    slug: &Slug,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<OnsiteImportPage, AppError> {
    user.require(Permission::Plan)?;
    let (context, summary) = procedure::published_context_of(db, slug, now).await?;
    let batch = match id {
        Some(id) => Some(preview(db, user, &context, slug, &summary.title, id).await?),
        None => None,
    };
    Ok(OnsiteImportPage {
        procedure: slug.as_str().to_owned(),
        procedure_title: summary.title,
        open: context.allowed.propose,
        categories: context.categories.clone(),
        batch,
    })
}

/// A batch with every row checked, as its planner sees it.
pub async fn view(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    slug: &Slug,
    id: i64,
    now: DateTime<Utc>,
) -> Result<OnsiteImport, AppError> {
    user.require(Permission::Plan)?;
    let (context, summary) = procedure::published_context_of(db, slug, now).await?;
    preview(db, user, &context, slug, &summary.title, id).await
}

async fn preview(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    context: &Context,
    slug: &Slug,
    title: &str,
    id: i64,
) -> Result<OnsiteImport, AppError> {
    let batch = find(db, user, context.id, id).await?;
    let (rows, problems) = if batch.imported_at.is_some() {
        (Vec::new(), Vec::new())
    } else {
        match checked_rows(db, context, &batch).await? {
            Ok(rows) => (rows.into_iter().map(|(row, _)| row).collect(), Vec::new()),
            Err(problems) => (Vec::new(), problems),
        }
    };
    Ok(OnsiteImport {
        id: batch.id,
        procedure: slug.as_str().to_owned(),
        procedure_title: title.to_owned(),
        event: batch.event_name,
        rows,
        problems,
        created_at: Timestamp(batch.created_at.timestamp()),
        imported_at: batch.imported_at.map(|at| Timestamp(at.timestamp())),
        imported_count: batch
            .imported_count
            .map(|count| u32::try_from(count).unwrap_or(0)),
    })
}

/// Writes every row of the batch as an on-site proposal, in one transaction, or nothing
/// when any row has a problem. Importing a batch again changes nothing and answers the
/// first import's count.
pub async fn confirm<C>(
    db: &C,
    user: &CurrentUser,
    slug: &Slug,
    id: i64,
    now: DateTime<Utc>,
) -> Result<u32, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Plan)?;
    let _gate = write_gate(db).await;
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let (context, _) = procedure::published_context_of(&txn, slug, now).await?;
    let batch = find(&txn, user, context.id, id).await?;
    if let Some(count) = batch.imported_count {
        return Ok(u32::try_from(count).unwrap_or(0));
    }
    if !context.allowed.propose {
        return Err(AppError::invalid("phase", "closed"));
    }
    let rows = match checked_rows(&txn, &context, &batch).await? {
        Ok(rows) if rows.iter().all(|(row, _)| row.problems.is_empty()) => rows,
        // The preview says which rows and why.
        _ => return Err(AppError::invalid("rows", "invalid")),
    };
    let count = rows.len();
    for (_, input) in rows {
        let event = Some(batch.event_name.clone());
        proposals::insert(&txn, user, &context, input, event, None, now).await?;
    }
    let count_column = i32::try_from(count).map_err(|_| AppError::Internal)?;
    let updated = onsite_import::Entity::update_many()
        .col_expr(onsite_import::Column::ImportedAt, Expr::value(now))
        .col_expr(
            onsite_import::Column::ImportedCount,
            Expr::value(count_column),
        )
        .filter(onsite_import::Column::Id.eq(batch.id))
        .filter(onsite_import::Column::ImportedAt.is_null())
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    if updated.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    txn.commit().await.map_err(storage_error)?;
    u32::try_from(count).map_err(|_| AppError::Internal)
}

/// The planner's own batch for this procedure; anyone else's is "not found".
async fn find(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    procedure_id: i64,
    id: i64,
) -> Result<onsite_import::Model, AppError> {
    onsite_import::Entity::find_by_id(id)
        .filter(onsite_import::Column::ProcedureId.eq(procedure_id))
        .filter(onsite_import::Column::PlannerId.eq(user.id))
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)
}

/// Every row with its problems and, when it has none, the proposal it becomes; or the
/// file's problems, when it cannot be read as a batch.
async fn checked_rows(
    db: &impl ConnectionTrait,
    context: &Context,
    batch: &onsite_import::Model,
) -> Result<Result<Vec<(ImportRow, ProposalInput)>, Vec<FieldProblem>>, AppError> {
    let parsed = match parse(&batch.source) {
        Ok(parsed) => parsed,
        Err(problems) => return Ok(Err(problems)),
    };
    // Rows already entered for this event (the same sheet imported twice).
    let titles: Vec<String> = parsed
        .iter()
        .map(|r| r.input.title.trim().to_owned())
        .collect();
    let existing: HashSet<(String, String)> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::Title)
        .column(proposal::Column::Body)
        .filter(proposal::Column::ProcedureId.eq(context.id))
        .filter(proposal::Column::EventName.eq(batch.event_name.as_str()))
        .filter(proposal::Column::Title.is_in(titles))
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?
        .into_iter()
        .collect();
    let mut seen = HashSet::new();
    let rows = parsed
        .into_iter()
        .map(|raw| {
            let excerpt = excerpt(&raw.input.body);
            let mut problems: Vec<FieldProblem> = raw.problems;
            let shown = raw.input.clone();
            let input = match raw.input.validated(&context.categories) {
                Ok(input) => Some(input),
                Err(error) => {
                    problems.extend(error.field_problems().into_iter().map(|(f, p)| {
                        FieldProblem {
                            field: f.to_owned(),
                            problem: p.to_owned(),
                        }
                    }));
                    None
                }
            };
            if let Some(input) = &input {
                let key = (input.title.clone(), input.body.clone());
                if existing.contains(&key) {
                    problems.push(row_problem("already_imported"));
                } else if !seen.insert(key) {
                    problems.push(row_problem("duplicate"));
                }
            }
            let row = ImportRow {
                line: raw.line,
                title: shown.title.trim().to_owned(),
                excerpt,
                category: shown.category.clone().filter(|c| !c.trim().is_empty()),
                location: shown.location.clone().filter(|l| !l.trim().is_empty()),
                problems,
            };
            (row, input.unwrap_or(shown))
        })
        .collect();
    Ok(Ok(rows))
}

fn row_problem(problem: &str) -> FieldProblem {
    FieldProblem {
        field: "row".to_owned(),
        problem: problem.to_owned(),
    }
}

fn excerpt(body: &str) -> String {
    let body = body.trim();
    let mut excerpt: String = body.chars().take(EXCERPT_CHARS).collect();
    if body.chars().nth(EXCERPT_CHARS).is_some() {
        excerpt.push('…');
    }
    excerpt
}

/// A data row of the file: where it is, what it says, and what is wrong with its shape.
#[derive(Debug)]
pub(crate) struct RawRow {
    pub line: u32,
    pub input: ProposalInput,
    pub problems: Vec<FieldProblem>,
}

/// The file as a batch: a header row naming the columns, then one contribution per row
/// (blank rows skipped). The separator is the one the header uses: tab (cells pasted from
/// a spreadsheet), semicolon (a German spreadsheet's CSV) or comma.
pub(crate) fn parse(text: &str) -> Result<Vec<RawRow>, Vec<FieldProblem>> {
    let file = |problem: &str| {
        vec![FieldProblem {
            field: "file".to_owned(),
            problem: problem.to_owned(),
        }]
    };
    let Some((mut reader, table)) = crate::backend::csv_table::CsvHeader::open(text, &COLUMNS)
    else {
        return Err(file("unreadable"));
    };
    if !table.has(ImportColumn::Title) || !table.has(ImportColumn::Body) {
        return Err(file("missing_columns"));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| file("unreadable"))?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_IMPORT_ROWS {
            return Err(file("too_many_rows"));
        }
        let cell = |column| table.cell(&record, column).to_owned();
        let optional = |column| Some(cell(column)).filter(|v: &String| !v.trim().is_empty());
        let mut problems = Vec::new();
        // More cells than the header names: a separator inside an unquoted cell has
        // shifted the row, and its cells would land in the wrong fields.
        if record.len() > table.width {
            problems.push(row_problem("extra_cells"));
        }
        let line = record.position().map_or(0, |p| line_at(text, p.byte()));
        rows.push(RawRow {
            line,
            input: ProposalInput {
                title: cell(ImportColumn::Title),
                body: cell(ImportColumn::Body),
                category: optional(ImportColumn::Category),
                location: optional(ImportColumn::Location),
                ..ProposalInput::default()
            },
            problems,
        });
    }
    if rows.is_empty() {
        return Err(file("no_rows"));
    }
    Ok(rows)
}

/// The line a record starts on, from the byte offset the reader gives: it counts a record
/// from the end of the one before, so blank lines in between are stepped over here.
fn line_at(text: &str, byte: u64) -> u32 {
    let bytes = text.as_bytes();
    let at = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
    let mut line = 1 + bytes[..at].iter().filter(|b| **b == b'\n').count();
    for b in &bytes[at..] {
        match b {
            b'\n' => line += 1,
            b'\r' => {}
            _ => break,
        }
    }
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// The uploaded bytes as text: UTF-16 with its byte-order mark (a spreadsheet's "Unicode
/// text"), UTF-8 (with or without the mark), else Windows-1252, the encoding German
/// spreadsheet programs still save CSV in.
pub(crate) fn decode(bytes: &[u8]) -> String {
    let utf16 = |rest: &[u8], unit: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|pair| unit([pair[0], pair[1]]))
            .collect();
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
    };
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    }
}

/// One Windows-1252 byte as a character: Latin-1, except 0x80–0x9F.
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_on_the_page_imports_in_every_language() {
        for lang in crate::i18n::Lang::ALL {
            let example = lang.texts().import_example_csv;
            let rows = parse(example).unwrap_or_else(|p| panic!("{lang:?}: {p:?}"));
            assert_eq!(rows.len(), 2, "{lang:?}");
            assert!(
                rows[1].input.body.contains(';'),
                "{lang:?}: quoted separator"
            );
            assert!(rows.iter().all(|r| r.input.location.is_some()), "{lang:?}");
        }
    }

    fn problems(text: &str) -> Vec<String> {
        match parse(text) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.into_iter().map(|p| p.problem).collect(),
        }
    }

    #[test]
    fn reads_each_separator_and_columns_in_any_order() {
        for text in [
            "Titel;Beschreibung;Ort\nMehr Bänke;Am Ufer fehlen Bänke, bitte;Nordufer\n",
            "Beschreibung,Titel,Ort\n\"Am Ufer fehlen Bänke, bitte\",Mehr Bänke,Nordufer\n",
            "title\tdescription\tlocation\nMehr Bänke\tAm Ufer fehlen Bänke, bitte\tNordufer\n",
        ] {
            let rows = parse(text).map_err(|p| format!("{text}: {p:?}"));
            let Ok(rows) = rows else {
                panic!("{rows:?}");
            };
            assert_eq!(rows.len(), 1, "{text}");
            assert_eq!(rows[0].input.title, "Mehr Bänke");
            assert_eq!(rows[0].input.body, "Am Ufer fehlen Bänke, bitte");
            assert_eq!(rows[0].input.location.as_deref(), Some("Nordufer"));
            assert_eq!(rows[0].line, 2);
        }
    }

    #[test]
    fn quoted_cells_keep_line_breaks_and_lines_count_from_the_header() {
        let text = "Titel;Beschreibung\n\n\"Zwei\nZeilen\";\"Erste\nZweite\"\nDritter;Text hier\n";
        let Ok(rows) = parse(text) else {
            panic!("unreadable");
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].input.title, "Zwei\nZeilen");
        assert_eq!(rows[0].input.body, "Erste\nZweite");
        assert_eq!(rows[0].line, 3);
        assert_eq!(rows[1].line, 6);
    }

    #[test]
    fn a_file_that_is_no_batch_says_why() {
        assert_eq!(problems("Name;Ort\nA;B\n"), ["missing_columns"]);
        assert_eq!(problems("Titel;Beschreibung\n\n;\n"), ["no_rows"]);
        let many = format!(
            "Titel;Text\n{}",
            "Ein Titel;Ein längerer Text\n".repeat(501)
        );
        assert_eq!(problems(&many), ["too_many_rows"]);
    }

    #[test]
    fn shifted_rows_are_flagged() {
        let Ok(rows) = parse("Titel;Beschreibung\nA;B;C\n") else {
            panic!("unreadable");
        };
        assert_eq!(rows[0].problems, [row_problem("extra_cells")]);
    }

    #[test]
    fn windows_1252_files_are_read() {
        assert_eq!(decode(b"Stra\xdfe \x80 \x84gut\x93"), "Straße € „gut“");
        assert_eq!(decode("\u{feff}Titel".as_bytes()), "Titel");
        let unicode_text: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                "Titel\tOrt\nBänke\tUfer"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        assert_eq!(decode(&unicode_text), "Titel\tOrt\nBänke\tUfer");
    }
}
