//! The council report as a printable HTML page: the same content as the PDF, styled by the
//! instance's stylesheet (its print rules), readable without JavaScript. User text reaches
//! HTML only through `sanitize` (Markdown) or escaping (everything else).

use super::{Job, Section, Sink, authors, report};
use crate::backend::sanitize::markdown_to_html;
use crate::backend::service::district::map::{self, Measure, choropleth_sketch};
use crate::backend::service::results;
use crate::error::AppError;
use crate::i18n::{ServerTexts, Texts};
use crate::model::results::{Bar, BarScale, Day};
use sea_orm::DatabaseConnection;
use std::fmt::Write as _;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A table of label and value rows.
fn pairs(out: &mut String, rows: &[(String, String)]) {
    out.push_str("<table class=\"table figures\"><tbody>");
    for (label, value) in rows {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td></tr>",
            escape(label),
            escape(value)
        );
    }
    out.push_str("</tbody></table>");
}

/// Horizontal bars with the values as a table, like the results page.
/// A part a format adds (a budget and its result).
fn sections(out: &mut String, section: &Section) {
    let _ = write!(out, "<section><h2>{}</h2>", escape(&section.heading));
    for paragraph in &section.paragraphs {
        let _ = write!(out, "<p>{}</p>", escape(paragraph));
    }
    pairs(out, &section.rows);
    for (title, meta) in &section.items {
        let _ = write!(
            out,
            "<article class=\"card\"><h3>{}</h3><p class=\"proposal-card__meta\">{}</p></article>",
            escape(title),
            escape(meta)
        );
    }
    if let Some((heading, notes)) = &section.notes {
        let _ = write!(out, "<h3>{}</h3><ul>", escape(heading));
        for (line, reason) in notes {
            let _ = write!(
                out,
                "<li><strong>{}</strong><p class=\"preserve-lines\">{}</p></li>",
                escape(line),
                escape(reason)
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>");
}

fn bar_chart(out: &mut String, id: &str, title: &str, bars: &[Bar], t: &Texts) {
    if bars.is_empty() {
        return;
    }
    let scale = BarScale::of(bars);
    let height = 26 * bars.len() + 4;
    let _ = write!(
        out,
        "<section class=\"chart\" aria-labelledby=\"{id}\"><h2 id=\"{id}\">{}</h2>\
         <svg viewBox=\"0 0 700 {height}\" role=\"img\" aria-labelledby=\"{id}\" class=\"chart__svg\" focusable=\"false\">",
        escape(title)
    );
    for (index, bar) in bars.iter().enumerate() {
        let y = index * 26 + 2;
        let (start, length) = scale.extent(bar.value, 380.0);
        let label = bar.short_label();
        let _ = write!(
            out,
            "<text x=\"0\" y=\"{}\" class=\"chart__label\">{}</text>\
             <rect x=\"{:.1}\" y=\"{}\" width=\"{:.1}\" height=\"18\" class=\"chart__bar\"></rect>\
             <text x=\"{:.1}\" y=\"{}\" class=\"chart__value\">{}</text>",
            y + 17,
            escape(&label),
            260.0 + start,
            y + 4,
            length.max(1.0),
            266.0 + start + length.max(1.0),
            y + 18,
            bar.value_text()
        );
    }
    let _ = write!(
        out,
        "</svg><details class=\"chart__data\"><summary>{}</summary><table class=\"table\"><tbody>",
        escape(t.chart_table)
    );
    for bar in bars {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td></tr>",
            escape(&bar.label),
            bar.value_text()
        );
    }
    out.push_str("</tbody></table></details></section>");
}

/// Proposals and votes by district as maps (the SVG of the results page), each with its
/// figures as a table, when the procedure's proposals are placed.
async fn district_maps(
    out: &mut String,
    db: &DatabaseConnection,
    job: &Job,
    t: &Texts,
    s: &ServerTexts,
) -> Result<(), AppError> {
    let districts = results::districts(db, job.scope.procedure.id, job.scope.rule).await?;
    if districts.is_empty() {
        return Ok(());
    }
    for (measure, title, id) in [
        (Measure::Proposals, s.report_map_proposals, "map-proposals"),
        (Measure::Votes, s.report_map_votes, "map-votes"),
    ] {
        let Some((sketch, _)) = choropleth_sketch(db, &districts, measure).await? else {
            continue;
        };
        let _ = write!(
            out,
            "<section class=\"chart\" aria-labelledby=\"{id}\"><h2 id=\"{id}\">{}</h2>\
             <figure class=\"place-map\">{}</figure><p>{}</p>\
             <details class=\"chart__data\"><summary>{}</summary><table class=\"table\"><tbody>",
            escape(title),
            map::svg_of(title, &format!("{id}-title"), &sketch),
            escape(s.report_map_legend),
            escape(t.chart_table)
        );
        for district in &districts {
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td></tr>",
                escape(&district.name),
                measure.of(district)
            );
        }
        out.push_str("</tbody></table></details></section>");
    }
    Ok(())
}

fn timeline(out: &mut String, days: &[Day], t: &Texts) {
    let bars: Vec<Bar> = days
        .iter()
        .map(|d| Bar {
            label: t.iso_date(&d.date),
            value: i64::try_from(d.proposals + d.comments + d.votes).unwrap_or(i64::MAX),
        })
        .collect();
    bar_chart(out, "chart-timeline", t.chart_timeline, &bars, t);
}

pub async fn write(db: &DatabaseConnection, job: &Job, sink: &mut Sink) -> Result<(), AppError> {
    let header = job.header_in(db, job.lang).await?;
    let t = job.lang.texts();
    let s = job.lang.server_texts();
    let now = chrono::Utc::now();
    let title = format!("{}: {}", s.report_title, header.title);
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/pkg/mitreden.css\"></head>\
         <body><main id=\"inhalt\" class=\"container results report\">\
         <header class=\"page-intro\"><p class=\"card__kicker\">{}</p><h1>{}</h1><p>{}</p>",
        job.lang.code(),
        escape(&title),
        escape(&job.instance_name),
        escape(&title),
        escape(
            &t.as_of
                .fmt(&[("date", report::date(t, now).as_str().into())])
        ),
    );
    if let Some(paper) = &header.council {
        let _ = write!(
            out,
            "<p>{} <a href=\"{}\">{} – {}</a></p>",
            escape(t.council_paper),
            escape(&paper.url),
            escape(&paper.reference),
            escape(&paper.title)
        );
    }
    let _ = write!(
        out,
        "<p>{}</p><p><a href=\"{}\">{}</a></p></header>",
        escape(&header.summary),
        escape(&header.url),
        escape(&header.url)
    );

    // The summary goes here once the ranking has been read (it names the first proposal).
    let summary_at = out.len();
    let _ = write!(out, "<section><h2>{}</h2>", escape(s.report_procedure));
    pairs(&mut out, &report::procedure_rows(t, &header));
    let _ = write!(
        out,
        "</section><section><h2>{}</h2>",
        escape(t.report_participation)
    );
    pairs(&mut out, &report::participation_rows(t, &header));
    out.push_str("</section>");
    timeline(&mut out, &header.timeline, t);

    let authors = authors(db, job.scope.procedure.id).await?;
    let mut proposals = super::Proposals::open(db, &job.scope, &authors, &job.public_url).await?;
    let mut ranked = String::new();
    let mut top: Vec<Bar> = Vec::new();
    let mut first = None;
    let total = proposals.total;
    let mut done = 0;
    loop {
        let batch = proposals.next(db).await?;
        if batch.is_empty() {
            break;
        }
        done += batch.len() as u64;
        for p in &batch {
            if p.rank.is_some() && top.len() < 10 {
                top.push(report::top_bar(&header, p));
            }
            if p.rank.is_some() && first.is_none() {
                first = Some(p.clone());
            }
            let _ = write!(
                ranked,
                "<article class=\"card\"><h3><a href=\"{}\">{}</a></h3>\
                 <p class=\"proposal-card__meta\">{}</p><div class=\"prose\">{}</div>",
                escape(&p.url),
                escape(&report::proposal_heading(t, p)),
                escape(&report::proposal_meta(t, &header, p)),
                markdown_to_html(&p.body),
            );
            if let Some((line, text)) = report::opinion_line(t, s, p) {
                let _ = write!(
                    ranked,
                    "<p><strong>{}</strong></p><p class=\"preserve-lines\">{}</p>",
                    escape(&line),
                    escape(&text)
                );
            }
            if let Some((line, justification)) = report::outcome_line(t, p) {
                let _ = write!(
                    ranked,
                    "<p><strong>{}</strong></p><p class=\"preserve-lines\">{}</p>",
                    escape(&line),
                    escape(&justification)
                );
            }
            ranked.push_str("</article>");
        }
        sink.batch_done(done, total).await?;
    }
    let mut summary = format!("<section><h2>{}</h2>", escape(s.report_summary));
    pairs(&mut summary, &report::summary_rows(t, s, &header));
    for sentence in report::summary_sentences(t, s, &header, first.as_ref()) {
        let _ = write!(summary, "<p>{}</p>", escape(&sentence));
    }
    summary.push_str("</section>");
    out.insert_str(summary_at, &summary);
    bar_chart(&mut out, "chart-top", t.chart_top, &top, t);
    bar_chart(
        &mut out,
        "chart-categories",
        t.chart_categories,
        &header.categories,
        t,
    );
    district_maps(&mut out, db, job, t, s).await?;
    let _ = write!(
        out,
        "<section><h2>{}</h2><p>{}</p>{ranked}</section>",
        escape(s.report_ranking),
        escape(report::ranking_note(s, &header)),
    );
    for section in &job.sections {
        sections(&mut out, section);
    }
    let _ = write!(out, "<section><h2>{}</h2>", escape(s.report_moderation));
    pairs(
        &mut out,
        &report::moderation_rows(db, t, s, &header, job.scope.procedure.id).await?,
    );
    out.push_str("</section>");

    let _ = write!(out, "<section><h2>{}</h2>", escape(s.report_method));
    for paragraph in s.report_method_note() {
        let _ = write!(out, "<p>{}</p>", escape(paragraph));
    }
    let _ = write!(
        out,
        "</section><section><h2>{}</h2><p>{}</p><ul>",
        escape(s.report_files),
        escape(s.report_files_note)
    );
    for file in &job.hashes {
        let _ = write!(
            out,
            "<li><strong>{}</strong> ({} bytes)<br><code>SHA-256 {}</code></li>",
            escape(&file.name),
            file.bytes,
            file.sha256
        );
    }
    out.push_str("</ul></section></main></body></html>\n");
    sink.buffer.extend_from_slice(out.as_bytes());
    Ok(())
}
