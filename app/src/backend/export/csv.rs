//! CSV (RFC 4180): UTF-8 with a byte order mark so Excel reads the umlauts, CRLF line
//! ends, every text field quoted. A text that starts like a formula (`=`, `+`, `-`, `@`)
//! gets a leading apostrophe, so a spreadsheet shows it instead of running it.

use super::{Job, Sink, Table, authors, comments_after, decisions_after, time};
use crate::error::AppError;
use crate::i18n::ServerTexts;
use sea_orm::DatabaseConnection;

pub async fn write(
    db: &DatabaseConnection,
    job: &Job,
    table: Table,
    semicolon: bool,
    sink: &mut Sink,
) -> Result<(), AppError> {
    let sep = if semicolon { b';' } else { b',' };
    // Column headers in the export's language (`server/export.ftl`).
    let t = job.lang.server_texts();
    let procedure_id = job.scope.procedure.id;
    sink.buffer.extend_from_slice("\u{feff}".as_bytes());
    match table {
        Table::Proposals => {
            header_row(
                &mut sink.buffer,
                sep,
                &[
                    t.column_rank,
                    t.column_id,
                    t.column_url,
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
                    t.column_district_key,
                    t.column_district,
                ],
            );
            let authors = authors(db, procedure_id).await?;
            let mut proposals =
                super::Proposals::open(db, &job.scope, &authors, &job.public_url).await?;
            let total = proposals.total;
            let mut done = 0;
            loop {
                let batch = proposals.next(db).await?;
                if batch.is_empty() {
                    break;
                }
                for p in &batch {
                    let mut row = Row::new(&mut sink.buffer, sep);
                    row.number(p.rank.map(i64::from));
                    row.number(Some(p.id));
                    row.text(&p.url);
                    row.text(&p.title);
                    row.text(&p.body);
                    row.text(p.category.as_deref().unwrap_or_default());
                    row.text(p.location.as_deref().unwrap_or_default());
                    row.text(if p.onsite { "onsite" } else { "online" });
                    row.text(p.event.as_deref().unwrap_or_default());
                    row.text(p.status.as_str());
                    row.text(p.author.as_deref().unwrap_or_default());
                    row.text(&time(p.created_at));
                    row.number(Some(p.support));
                    row.number(Some(p.up));
                    row.number(Some(p.down));
                    row.number(Some(p.score));
                    row.number(Some(p.comments));
                    let outcome = p.outcome.as_ref();
                    row.text(outcome.map(|o| o.outcome.as_str()).unwrap_or_default());
                    row.text(
                        outcome
                            .map(|o| o.justification.as_str())
                            .unwrap_or_default(),
                    );
                    row.text(
                        outcome
                            .and_then(|o| o.meeting_date.as_deref())
                            .unwrap_or_default(),
                    );
                    let district = p.district.as_ref();
                    row.text(district.map(|d| d.key.as_str()).unwrap_or_default());
                    row.text(district.map(|d| d.name.as_str()).unwrap_or_default());
                    row.end();
                }
                done += batch.len() as u64;
                sink.batch_done(done, total).await?;
            }
        }
        Table::Comments => {
            header_row(&mut sink.buffer, sep, &comment_columns(t));
            let authors = authors(db, procedure_id).await?;
            let total = super::comment_count(db, procedure_id).await?;
            let mut last = 0;
            let mut done = 0;
            loop {
                let batch = comments_after(db, procedure_id, last, &authors).await?;
                let Some(tail) = batch.last() else { break };
                last = tail.id;
                for c in &batch {
                    let mut row = Row::new(&mut sink.buffer, sep);
                    row.number(Some(c.id));
                    row.number(Some(c.proposal_id));
                    row.number(c.parent_id);
                    row.text(c.author.as_deref().unwrap_or_default());
                    row.text(&c.body);
                    row.text(if c.onsite { "onsite" } else { "online" });
                    row.text(c.event.as_deref().unwrap_or_default());
                    row.text(&time(c.created_at));
                    row.text(if c.edited { "yes" } else { "no" });
                    row.end();
                }
                done += batch.len() as u64;
                sink.batch_done(done, total).await?;
            }
        }
        Table::Moderation => {
            header_row(&mut sink.buffer, sep, &decision_columns(t));
            let mut last = 0;
            let mut done = 0;
            loop {
                let batch = decisions_after(db, procedure_id, last).await?;
                let Some(tail) = batch.last() else { break };
                last = tail.id;
                for d in &batch {
                    let mut row = Row::new(&mut sink.buffer, sep);
                    row.number(Some(d.id));
                    row.text(&time(d.at));
                    row.text(d.target_kind.as_str());
                    row.number(Some(d.target_id));
                    row.number(d.proposal_id);
                    row.text(d.action.as_str());
                    row.text(d.reason.map(|r| r.as_str()).unwrap_or_default());
                    row.text(&d.public_reason);
                    row.end();
                }
                done += batch.len() as u64;
                sink.batch_done(done, done).await?;
            }
        }
    }
    Ok(())
}

/// The comments' columns, in CSV and Excel alike.
pub(super) fn comment_columns(t: &'static ServerTexts) -> [&'static str; 9] {
    [
        t.column_id,
        t.column_proposal_id,
        t.column_parent_id,
        t.column_author,
        t.column_body,
        t.column_source,
        t.column_event,
        t.column_created_at,
        t.column_edited,
    ]
}

/// The moderation decisions' columns, in CSV and Excel alike.
pub(super) fn decision_columns(t: &'static ServerTexts) -> [&'static str; 8] {
    [
        t.column_id,
        t.column_at,
        t.column_target_kind,
        t.column_target_id,
        t.column_proposal_id,
        t.column_action,
        t.column_reason,
        t.column_public_reason,
    ]
}

fn header_row(out: &mut Vec<u8>, sep: u8, names: &[&str]) {
    let mut row = Row::new(out, sep);
    for name in names {
        row.text(name);
    }
    row.end();
}

/// One record being written.
struct Row<'a> {
    out: &'a mut Vec<u8>,
    sep: u8,
    first: bool,
}

impl<'a> Row<'a> {
    fn new(out: &'a mut Vec<u8>, sep: u8) -> Self {
        Self {
            out,
            sep,
            first: true,
        }
    }

    fn field_start(&mut self) {
        if !self.first {
            self.out.push(self.sep);
        }
        self.first = false;
    }

    fn number(&mut self, value: Option<i64>) {
        self.field_start();
        if let Some(value) = value {
            self.out.extend_from_slice(value.to_string().as_bytes());
        }
    }

    fn text(&mut self, value: &str) {
        self.field_start();
        self.out.push(b'"');
        if value.starts_with(['=', '+', '-', '@']) {
            self.out.push(b'\'');
        }
        for byte in value.bytes() {
            if byte == b'"' {
                self.out.push(b'"');
            }
            if byte == b'\n' {
                // Line breaks inside a field as CRLF, like the record ends (RFC 4180).
                self.out.push(b'\r');
            }
            self.out.push(byte);
        }
        self.out.push(b'"');
    }

    fn end(self) {
        self.out.extend_from_slice(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        let mut out = Vec::new();
        let mut row = Row::new(&mut out, b';');
        row.number(Some(-3));
        row.text("=HYPERLINK(\"http://x\")");
        row.text("a;b\nc");
        row.number(None);
        row.end();
        assert_eq!(
            String::from_utf8(out).unwrap_or_default(),
            "-3;\"'=HYPERLINK(\"\"http://x\"\")\";\"a;b\r\nc\";\r\n"
        );
    }
}
