//! Excel (.xlsx): one sheet per table, the header row frozen. User text is always written
//! as a string cell, so `=HYPERLINK(…)` stays text and is never a formula. Sheets are
//! written in constant-memory mode (rows go to a temporary file as they come).

use super::{Job, Sink, authors, comments_after, decisions_after, report, time};
use crate::error::AppError;
use crate::i18n::ServerTexts;
use rust_xlsxwriter::{Format as CellFormat, Workbook, Worksheet, XlsxError};
use sea_orm::DatabaseConnection;

/// Excel's limit of characters in a cell.
const CELL_MAX_CHARS: usize = 32_767;

fn failed(error: XlsxError) -> AppError {
    tracing::error!("xlsx export: {error}");
    AppError::Internal
}

/// The sheets' column headers, from `server/export.ftl` in the export's language.
fn labels(t: &'static ServerTexts) -> [Vec<&'static str>; 4] {
    [
        vec![t.column_figure, t.column_value],
        vec![
            t.column_rank,
            t.column_id,
            t.column_title,
            t.column_body,
            t.column_category,
            t.column_location,
            t.column_source,
            t.column_event,
            t.column_status,
            t.column_author,
            t.column_created_at,
            t.column_support,
            t.column_up,
            t.column_down,
            t.column_score,
            t.column_comments,
            t.column_outcome,
            t.column_outcome_justification,
            t.column_outcome_meeting_date,
            t.column_url,
            t.column_district_key,
            t.column_district,
        ],
        super::csv::comment_columns(t).to_vec(),
        super::csv::decision_columns(t).to_vec(),
    ]
}

fn sheet_names(t: &'static ServerTexts) -> [&'static str; 4] {
    [
        t.sheet_figures,
        t.sheet_proposals,
        t.sheet_comments,
        t.sheet_moderation,
    ]
}

fn header(sheet: &mut Worksheet, names: &[&str], bold: &CellFormat) -> Result<(), AppError> {
    for (col, name) in names.iter().enumerate() {
        let col = u16::try_from(col).map_err(|_| AppError::Internal)?;
        sheet
            .write_string_with_format(0, col, *name, bold)
            .map_err(failed)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    Ok(())
}

/// Writes the cells of one row: strings as strings, numbers as numbers, nothing else.
struct Cells<'a> {
    sheet: &'a mut Worksheet,
    row: u32,
    col: u16,
}

impl Cells<'_> {
    fn text(&mut self, value: &str) -> Result<(), AppError> {
        if !value.is_empty() {
            let value: String = value.chars().take(CELL_MAX_CHARS).collect();
            self.sheet
                .write_string(self.row, self.col, value)
                .map_err(failed)?;
        }
        self.col += 1;
        Ok(())
    }

    fn number(&mut self, value: Option<i64>) -> Result<(), AppError> {
        if let Some(value) = value {
            #[allow(clippy::cast_precision_loss)]
            self.sheet
                .write_number(self.row, self.col, value as f64)
                .map_err(failed)?;
        }
        self.col += 1;
        Ok(())
    }
}

fn row(sheet: &mut Worksheet, row: u32) -> Cells<'_> {
    Cells { sheet, row, col: 0 }
}

pub async fn write(db: &DatabaseConnection, job: &Job, sink: &mut Sink) -> Result<(), AppError> {
    let header_data = job.header_in(db, job.lang).await?;
    let t = job.lang.texts();
    let procedure_id = job.scope.procedure.id;
    let [
        figure_labels,
        proposal_labels,
        comment_labels,
        decision_labels,
    ] = labels(job.lang.server_texts());
    let names = sheet_names(job.lang.server_texts());
    let bold = CellFormat::new().set_bold();
    let mut workbook = Workbook::new();

    {
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(failed)?;
        sheet.set_name(names[0]).map_err(failed)?;
        header(sheet, &figure_labels, &bold)?;
        sheet.set_column_width(0, 40).map_err(failed)?;
        // The same figures as the report, from the same rows.
        let mut lines = vec![
            (t.results_procedure.to_owned(), header_data.title.clone()),
            (t.results_address.to_owned(), header_data.url.clone()),
        ];
        lines.extend(report::participation_rows(t, &header_data));
        lines.extend(
            report::moderation_rows(db, t, job.lang.server_texts(), &header_data, procedure_id)
                .await?,
        );
        for (index, (label, value)) in lines.iter().enumerate() {
            let mut cells = row(sheet, u32::try_from(index + 1).unwrap_or(u32::MAX));
            cells.text(label)?;
            match value.parse::<i64>() {
                Ok(n) => cells.number(Some(n))?,
                Err(_) => cells.text(value)?,
            }
        }
    }

    let authors = authors(db, procedure_id).await?;
    {
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(failed)?;
        sheet.set_name(names[1]).map_err(failed)?;
        header(sheet, &proposal_labels, &bold)?;
        sheet.set_column_width(2, 40).map_err(failed)?;
        sheet.set_column_width(3, 60).map_err(failed)?;
        let mut proposals =
            super::Proposals::open(db, &job.scope, &authors, &job.public_url).await?;
        let total = proposals.total;
        let mut line: u32 = 0;
        loop {
            let batch = proposals.next(db).await?;
            if batch.is_empty() {
                break;
            }
            for p in &batch {
                line += 1;
                let mut cells = row(sheet, line);
                cells.number(p.rank.map(i64::from))?;
                cells.number(Some(p.id))?;
                cells.text(&p.title)?;
                cells.text(&p.body)?;
                cells.text(p.category.as_deref().unwrap_or_default())?;
                cells.text(p.location.as_deref().unwrap_or_default())?;
                cells.text(if p.onsite {
                    t.source_onsite
                } else {
                    t.source_online
                })?;
                cells.text(p.event.as_deref().unwrap_or_default())?;
                cells.text(p.status.as_str())?;
                cells.text(p.author.as_deref().unwrap_or_default())?;
                cells.text(&time(p.created_at))?;
                cells.number(Some(p.support))?;
                cells.number(Some(p.up))?;
                cells.number(Some(p.down))?;
                cells.number(Some(p.score))?;
                cells.number(Some(p.comments))?;
                let outcome = p.outcome.as_ref();
                cells.text(outcome.map(|o| t.outcome(o.outcome)).unwrap_or_default())?;
                cells.text(
                    outcome
                        .map(|o| o.justification.as_str())
                        .unwrap_or_default(),
                )?;
                cells.text(
                    outcome
                        .and_then(|o| o.meeting_date.as_deref())
                        .unwrap_or_default(),
                )?;
                cells.text(&p.url)?;
                let district = p.district.as_ref();
                cells.text(district.map(|d| d.key.as_str()).unwrap_or_default())?;
                cells.text(district.map(|d| d.name.as_str()).unwrap_or_default())?;
            }
            sink.batch_done(u64::from(line), total).await?;
        }
    }

    {
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(failed)?;
        sheet.set_name(names[2]).map_err(failed)?;
        header(sheet, &comment_labels, &bold)?;
        sheet.set_column_width(4, 60).map_err(failed)?;
        let mut last = 0;
        let mut line: u32 = 0;
        loop {
            let batch = comments_after(db, procedure_id, last, &authors).await?;
            let Some(tail) = batch.last() else { break };
            last = tail.id;
            for c in &batch {
                line += 1;
                let mut cells = row(sheet, line);
                cells.number(Some(c.id))?;
                cells.number(Some(c.proposal_id))?;
                cells.number(c.parent_id)?;
                cells.text(c.author.as_deref().unwrap_or_default())?;
                cells.text(&c.body)?;
                cells.text(if c.onsite {
                    t.source_onsite
                } else {
                    t.source_online
                })?;
                cells.text(c.event.as_deref().unwrap_or_default())?;
                cells.text(&time(c.created_at))?;
                cells.text(if c.edited { t.yes } else { t.no })?;
            }
        }
    }

    {
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(failed)?;
        sheet.set_name(names[3]).map_err(failed)?;
        header(sheet, &decision_labels, &bold)?;
        sheet.set_column_width(7, 60).map_err(failed)?;
        let mut last = 0;
        let mut line: u32 = 0;
        loop {
            let batch = decisions_after(db, procedure_id, last).await?;
            let Some(tail) = batch.last() else { break };
            last = tail.id;
            for d in &batch {
                line += 1;
                let mut cells = row(sheet, line);
                cells.number(Some(d.id))?;
                cells.text(&time(d.at))?;
                cells.text(d.target_kind.as_str())?;
                cells.number(Some(d.target_id))?;
                cells.number(d.proposal_id)?;
                cells.text(d.action.as_str())?;
                cells.text(d.reason.map(|r| r.as_str()).unwrap_or_default())?;
                cells.text(&d.public_reason)?;
            }
        }
    }

    let bytes = workbook.save_to_buffer().map_err(failed)?;
    sink.buffer.extend_from_slice(&bytes);
    Ok(())
}
