//! The report for the city council as PDF: procedure, phases, participation figures, three
//! charts and (for placed proposals) two maps of the districts, the proposals ranked by the procedure's rule with their texts and council
//! outcomes, moderation figures, a method note and the SHA-256 of the CSV and JSON files.
//!
//! Written directly (PDF 1.7, A4): the instance's embedded DejaVu Sans as CIDFontType2 with
//! Identity-H encoding and a ToUnicode map, so every glyph of the font renders and copying
//! or `pdftotext` gives back the text, umlauts included. Fonts and pages are compressed.
//!
//! It is a tagged PDF as PDF/UA-1 asks of a public body's documents: every piece of content
//! is marked, either as part of a structure element (headings, paragraphs, tables of label
//! and value, figures with alternative text for the charts) or as an artifact (page
//! numbers, axis lines); the structure tree gives the reading order; the catalogue names
//! the language and the title, which viewers show instead of the file name; the XMP
//! metadata says `pdfuaid:part 1`.

mod map;

use super::pdf_font::Font;
use super::{Job, Sink, authors, report};
use crate::backend::common::deflate;
use crate::backend::logo::Logo;
use crate::backend::service::district::map::{Measure, choropleth_sketch};
use crate::backend::service::results;
use crate::error::AppError;
use crate::i18n::{Lang, Texts};
use crate::model::results::{Bar, BarScale, Day};
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

const REGULAR: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("fonts/DejaVuSans-Bold.ttf");

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 56.0;
const BOTTOM: f32 = 64.0;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// The bars' colour: the design system's primary blue.
const BAR_RGB: &str = "0.09 0.34 0.60";

/// Characters a page cannot show: controls and the bidirectional marks.
fn printable(text: &str) -> String {
    super::clean(text)
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|c| *c != '\u{feff}' && *c != '\u{200b}')
        .collect()
}

#[derive(Clone, Copy)]
enum Face {
    Regular,
    Bold,
}

/// A structure element of the tag tree: its role, its alternative text, and either its
/// children or the marked-content sequences (page, MCID) that hold its content.
struct Elem {
    role: &'static str,
    alt: Option<String>,
    /// `/A` attributes, such as a table header cell's scope.
    attributes: Option<&'static str>,
    parent: usize,
    children: Vec<usize>,
    marked: Vec<(usize, u32)>,
}

/// The document being laid out: pages of content-stream operators and a cursor, and the
/// tag tree built alongside (element 0 is the `Document`).
struct Doc {
    fonts: [Font; 2],
    pages: Vec<String>,
    y: f32,
    elems: Vec<Elem>,
    /// The open group elements, innermost last.
    open: Vec<usize>,
    /// The element content is drawn for; without one, content is an artifact.
    leaf: Option<usize>,
    /// Per page: the element of each MCID, in MCID order (the parent tree's entries).
    marks: Vec<Vec<usize>>,
}

impl Doc {
    fn new() -> Result<Self, AppError> {
        Ok(Self {
            fonts: [
                Font::new(REGULAR, "DejaVuSans")?,
                Font::new(BOLD, "DejaVuSans-Bold")?,
            ],
            pages: vec![String::new()],
            y: PAGE_H - MARGIN,
            elems: vec![Elem {
                role: "Document",
                alt: None,
                attributes: None,
                parent: 0,
                children: Vec::new(),
                marked: Vec::new(),
            }],
            open: vec![0],
            leaf: None,
            marks: vec![Vec::new()],
        })
    }

    /// A new element under the innermost open group.
    fn element(&mut self, role: &'static str, alt: Option<String>) -> usize {
        let parent = self.open.last().copied().unwrap_or(0);
        let index = self.elems.len();
        self.elems.push(Elem {
            role,
            alt,
            attributes: None,
            parent,
            children: Vec::new(),
            marked: Vec::new(),
        });
        self.elems[parent].children.push(index);
        index
    }

    /// Opens a group (a table, a row): elements made until `close` are its children.
    fn group(&mut self, role: &'static str) {
        let index = self.element(role, None);
        self.open.push(index);
    }

    fn close(&mut self) {
        if self.open.len() > 1 {
            self.open.pop();
        }
    }

    /// Runs `draw` with its content belonging to a new element of `role`.
    fn tagged<R>(
        &mut self,
        role: &'static str,
        alt: Option<String>,
        draw: impl FnOnce(&mut Self) -> R,
    ) -> R {
        let index = self.element(role, alt);
        let outer = self.leaf.replace(index);
        let result = draw(self);
        self.leaf = outer;
        result
    }

    /// Content operators, marked for the current element (or as an artifact).
    fn marked(&mut self, operators: &str) {
        let page = self.pages.len().saturating_sub(1);
        let opening = match self.leaf {
            Some(element) => {
                let mcid = u32::try_from(self.marks[page].len()).unwrap_or(u32::MAX);
                self.marks[page].push(element);
                self.elems[element].marked.push((page, mcid));
                format!("/{} <</MCID {mcid}>> BDC\n", self.elems[element].role)
            }
            None => "/Artifact BMC\n".to_owned(),
        };
        let out = self.page();
        out.push_str(&opening);
        out.push_str(operators);
        out.push_str("\nEMC\n");
    }

    fn font(&mut self, face: Face) -> &mut Font {
        match face {
            Face::Regular => &mut self.fonts[0],
            Face::Bold => &mut self.fonts[1],
        }
    }

    fn page(&mut self) -> &mut String {
        if self.pages.is_empty() {
            self.pages.push(String::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(String::new());
        self.marks.push(Vec::new());
        self.y = PAGE_H - MARGIN;
    }

    /// The logo at the top left, at most 48 pt high and 180 pt wide, as an artifact.
    fn logo(&mut self, logo: &Logo) {
        let (w, h) = (logo.width as f32, logo.height as f32);
        let scale = (48.0 / h).min(180.0 / w);
        let (w, h) = (w * scale, h * scale);
        self.y -= h;
        let y = self.y;
        let outer = self.leaf.take();
        self.marked(&format!(
            "q {w:.2} 0 0 {h:.2} {MARGIN:.2} {y:.2} cm /Logo Do Q"
        ));
        self.leaf = outer;
        self.y -= 10.0;
    }

    /// Starts a new page unless `height` still fits.
    fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    fn text_at(&mut self, x: f32, y: f32, face: Face, size: f32, text: &str) {
        let (name, encoded) = {
            let font = self.font(face);
            let encoded = font.encode(text);
            (
                match face {
                    Face::Regular => "F1",
                    Face::Bold => "F2",
                },
                encoded,
            )
        };
        self.marked(&format!(
            "BT /{name} {size:.1} Tf {x:.2} {y:.2} Td {encoded} Tj ET"
        ));
    }

    /// Breaks a paragraph into lines that fit `width`.
    fn wrap(&mut self, text: &str, face: Face, size: f32, width: f32) -> Vec<String> {
        let font = self.font(face);
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if font.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word longer than the line is cut where it must be.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if font.width(&piece, size) > width {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// A paragraph (`P`) per line of the text, wrapped to the width.
    fn paragraph(&mut self, text: &str, face: Face, size: f32, indent: f32) {
        self.block("P", text, face, size, indent);
    }

    fn block(&mut self, role: &'static str, text: &str, face: Face, size: f32, indent: f32) {
        let leading = size * 1.4;
        for source_line in printable(text).split('\n') {
            let lines = self.wrap(source_line, face, size, TEXT_W - indent);
            if lines.is_empty() {
                continue;
            }
            self.tagged(role, None, |doc| {
                for line in lines {
                    doc.ensure(leading);
                    doc.y -= leading;
                    let y = doc.y;
                    doc.text_at(MARGIN + indent, y, face, size, &line);
                }
            });
        }
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    /// A heading of `level` (1 to 3). It never stands alone at the foot of a page: it
    /// moves to the next one unless two lines of what follows fit below it.
    fn heading(&mut self, text: &str, level: u8) {
        let (role, size) = match level {
            1 => ("H1", 18.0),
            2 => ("H2", 14.0),
            _ => ("H3", 11.5),
        };
        let lines = self
            .wrap(&printable(text), Face::Bold, size, TEXT_W)
            .len()
            .max(1);
        #[allow(clippy::cast_precision_loss)]
        let height = size * 1.1 + lines as f32 * size * 1.4 + size * 0.3 + 2.0 * 14.0;
        self.ensure(height);
        self.gap(size * 0.8);
        self.block(role, text, Face::Bold, size, 0.0);
        self.gap(size * 0.3);
    }

    /// Label and value in two columns, as a table whose rows are headed by their label.
    /// A value too long for the line beside its label goes on lines of its own below it.
    fn pairs(&mut self, rows: &[(String, String)]) {
        let size = 10.0;
        let leading = size * 1.5;
        self.group("Table");
        for (label, value) in rows {
            let label = printable(label);
            let value = printable(value);
            let label_w = self.font(Face::Regular).width(&label, size);
            let value_w = self.font(Face::Bold).width(&value, size);
            self.group("TR");
            let beside = label_w + value_w + 12.0 <= TEXT_W;
            self.ensure(if beside { leading } else { 2.0 * leading });
            self.y -= leading;
            let y = self.y;
            let header = self.tagged("TH", None, |doc| {
                doc.text_at(MARGIN, y, Face::Regular, size, &label);
                doc.leaf
            });
            if let Some(header) = header {
                self.elems[header].attributes = Some("<< /O /Table /Scope /Row >>");
            }
            if beside {
                self.tagged("TD", None, |doc| {
                    doc.text_at(MARGIN + TEXT_W - value_w, y, Face::Bold, size, &value);
                });
            } else {
                let lines = self.wrap(&value, Face::Bold, size, TEXT_W - 12.0);
                self.tagged("TD", None, |doc| {
                    for line in lines {
                        doc.ensure(leading);
                        doc.y -= leading;
                        let y = doc.y;
                        doc.text_at(MARGIN + 12.0, y, Face::Bold, size, &line);
                    }
                });
            }
            self.close();
        }
        self.close();
    }

    /// Horizontal bars, one per label, the value printed at the end.
    fn bar_chart(&mut self, title: &str, bars: &[Bar]) {
        self.heading(title, 3);
        let alt = format!(
            "{title}: {}",
            bars.iter()
                .map(|bar| format!("{} {}", printable(&bar.label), bar.value_text()))
                .collect::<Vec<_>>()
                .join("; ")
        );
        self.tagged("Figure", Some(alt), |doc| doc.bars(bars));
    }

    fn bars(&mut self, bars: &[Bar]) {
        let scale = BarScale::of(bars);
        let size = 8.5;
        let label_w = 190.0;
        let bar_w = TEXT_W - label_w - 50.0;
        for bar in bars {
            self.ensure(16.0);
            self.y -= 16.0;
            let y = self.y;
            let mut label = printable(&bar.label);
            while self.font(Face::Regular).width(&label, size) > label_w - 8.0 {
                label.pop();
                if label.is_empty() {
                    break;
                }
                if self.font(Face::Regular).width(&label, size) <= label_w - 16.0 {
                    label.push('…');
                    break;
                }
            }
            self.text_at(MARGIN, y, Face::Regular, size, &label);
            let (start, length) = scale.extent(bar.value, f64::from(bar_w));
            #[allow(clippy::cast_possible_truncation)]
            let (start, length) = (start as f32, (length as f32).max(0.5));
            self.marked(&format!(
                "{BAR_RGB} rg {:.2} {:.2} {:.2} 10 re f 0 g",
                MARGIN + label_w + start,
                y - 2.0,
                length
            ));
            let value = bar.value_text();
            self.text_at(
                MARGIN + label_w + start + length + 4.0,
                y,
                Face::Bold,
                size,
                &value,
            );
        }
    }

    /// Columns per day (or per week when the procedure ran long), with the first and last
    /// date under the axis and the highest value beside it.
    fn column_chart(&mut self, title: &str, days: &[Day], t: &Texts) {
        self.heading(title, 3);
        let columns = columns_of(days, t);
        let max = columns.iter().map(|c| c.1).max().unwrap_or(0).max(1);
        let top = t.chart_max.fmt(&[("max", max.into())]);
        let alt = match (columns.first(), columns.last()) {
            (Some(first), Some(last)) => format!("{title}: {} – {}, {top}", first.0, last.0),
            _ => title.to_owned(),
        };
        self.tagged("Figure", Some(alt), |doc| doc.columns(&columns, max, t));
    }

    fn columns(&mut self, columns: &[(String, u64)], max: u64, t: &Texts) {
        let height = 120.0;
        self.ensure(height + 42.0);
        // Room above the columns for the line naming the highest value.
        self.y -= 12.0;
        let base = self.y - height;
        #[allow(clippy::cast_precision_loss)]
        let step = TEXT_W / columns.len().max(1) as f32;
        for (index, (_, value)) in columns.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let h = (*value as f32 / max as f32) * (height - 10.0);
            #[allow(clippy::cast_precision_loss)]
            let x = MARGIN + index as f32 * step;
            self.marked(&format!(
                "{BAR_RGB} rg {x:.2} {base:.2} {:.2} {h:.2} re f 0 g",
                (step * 0.8).max(0.5)
            ));
        }
        self.marked(&format!(
            "0.5 w {MARGIN:.2} {base:.2} m {:.2} {base:.2} l S",
            MARGIN + TEXT_W
        ));
        let label_y = base - 12.0;
        if let (Some(first), Some(last)) = (columns.first(), columns.last()) {
            self.text_at(MARGIN, label_y, Face::Regular, 8.0, &first.0);
            let width = self.font(Face::Regular).width(&last.0, 8.0);
            self.text_at(
                MARGIN + TEXT_W - width,
                label_y,
                Face::Regular,
                8.0,
                &last.0,
            );
        }
        let top = t.chart_max.fmt(&[("max", max.into())]);
        self.text_at(MARGIN, base + height + 2.0, Face::Regular, 8.0, &top);
        self.y = label_y - 6.0;
    }

    /// Page numbers, once the page count is known: artifacts (a pagination line is not
    /// part of the text a screen reader reads).
    fn footers(&mut self, line: &str) {
        let total = self.pages.len();
        for index in 0..total {
            let text = format!("{line} · {} / {total}", index + 1);
            let encoded = self.fonts[0].encode(&text);
            let _ = writeln!(
                self.pages[index],
                "/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n\
                 0.35 g BT /F1 8 Tf {MARGIN:.2} 36 Td {encoded} Tj ET 0 g\nEMC"
            );
        }
    }
}

/// Daily totals of contributions; weekly sums when there are more than 90 days.
fn columns_of(days: &[Day], t: &Texts) -> Vec<(String, u64)> {
    let daily: Vec<(String, u64)> = days
        .iter()
        .map(|d| (t.iso_date(&d.date), d.proposals + d.comments + d.votes))
        .collect();
    if daily.len() <= 90 {
        return daily;
    }
    daily
        .chunks(7)
        .filter_map(|week| Some((week.first()?.0.clone(), week.iter().map(|d| d.1).sum())))
        .collect()
}

/// Markdown as plain paragraphs: markup characters dropped, blank lines kept as breaks.
fn plain(markdown: &str) -> String {
    markdown
        .lines()
        .map(|line| {
            line.trim_start_matches(['#', '>', ' '])
                .replace(['*', '_', '`', '[', ']', '|'], "")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub async fn write(db: &DatabaseConnection, job: &Job, sink: &mut Sink) -> Result<(), AppError> {
    let header = job.header_in(db, job.lang).await?;
    let t = job.lang.texts();
    let s = job.lang.server_texts();
    let mut doc = Doc::new()?;

    // The ranking first, read in batches like every other export: the summary names its head.
    let authors = authors(db, job.scope.procedure.id).await?;
    let mut proposals = super::Proposals::open(db, &job.scope, &authors, &job.public_url).await?;
    let mut top: Vec<Bar> = Vec::new();
    let mut ranked = Vec::new();
    let total = proposals.total;
    let mut done = 0;
    loop {
        let batch = proposals.next(db).await?;
        if batch.is_empty() {
            break;
        }
        done += batch.len() as u64;
        for p in batch {
            if p.rank.is_some() && top.len() < 10 {
                top.push(report::top_bar(&header, &p));
            }
            ranked.push(p);
        }
        sink.batch_done(done, total).await?;
    }

    // Page 1: the summary for the council, under the instance's logo. The name follows
    // as text, so the logo is decoration (an artifact) to assistive technology.
    if let Some(logo) = &job.logo {
        doc.logo(logo);
    }
    doc.paragraph(&job.instance_name, Face::Bold, 11.0, 0.0);
    doc.heading(&format!("{}: {}", s.report_title, header.title), 1);
    doc.paragraph(
        &t.as_of(&report::date(t, chrono::Utc::now())),
        Face::Regular,
        10.0,
        0.0,
    );
    if let Some(paper) = &header.council {
        doc.paragraph(
            &t.council_paper_line(&paper.reference, &paper.title),
            Face::Regular,
            10.0,
            0.0,
        );
    }
    doc.heading(s.report_summary, 2);
    doc.paragraph(&header.summary, Face::Regular, 10.5, 0.0);
    doc.gap(4.0);
    doc.pairs(&report::summary_rows(t, s, &header));
    doc.gap(4.0);
    for sentence in
        report::summary_sentences(t, s, &header, ranked.iter().find(|p| p.rank.is_some()))
    {
        doc.paragraph(&sentence, Face::Regular, 10.5, 0.0);
        doc.gap(3.0);
    }
    doc.paragraph(&header.url, Face::Regular, 9.0, 0.0);

    doc.new_page();
    doc.heading(s.report_procedure, 2);
    doc.pairs(&report::procedure_rows(t, &header));
    doc.heading(t.report_participation, 2);
    doc.pairs(&report::participation_rows(t, &header));
    if !header.timeline.is_empty() {
        doc.column_chart(t.chart_timeline, &header.timeline, t);
    }
    if !top.is_empty() {
        doc.bar_chart(t.chart_top, &top);
    }
    if !header.categories.is_empty() {
        doc.bar_chart(t.chart_categories, &header.categories);
    }
    // Where the proposals came from and where the votes went, when they are placed.
    let districts = results::districts(db, job.scope.procedure.id, job.scope.rule).await?;
    if !districts.is_empty() {
        for (measure, title) in [
            (Measure::Proposals, s.report_map_proposals),
            (Measure::Votes, s.report_map_votes),
        ] {
            if let Some((sketch, max)) = choropleth_sketch(db, &districts, measure).await? {
                doc.choropleth(title, &sketch, max, s.report_map_legend);
            }
        }
    }

    doc.new_page();
    doc.heading(s.report_ranking, 2);
    doc.paragraph(report::ranking_note(s, &header), Face::Regular, 9.5, 0.0);
    for p in &ranked {
        doc.heading(&report::proposal_heading(t, p), 3);
        doc.paragraph(
            &report::proposal_meta(t, &header, p),
            Face::Regular,
            9.0,
            0.0,
        );
        doc.gap(2.0);
        doc.paragraph(&plain(&p.body), Face::Regular, 10.0, 0.0);
        if let Some((line, text)) = report::opinion_line(t, s, p) {
            doc.gap(2.0);
            doc.paragraph(&line, Face::Bold, 10.0, 12.0);
            doc.paragraph(&text, Face::Regular, 10.0, 12.0);
        }
        if let Some((line, justification)) = report::outcome_line(t, p) {
            doc.gap(2.0);
            doc.paragraph(&line, Face::Bold, 10.0, 12.0);
            doc.paragraph(&justification, Face::Regular, 10.0, 12.0);
        }
    }

    // What the procedure's other formats add: a budget and its result.
    for section in &job.sections {
        doc.heading(&section.heading, 2);
        for paragraph in &section.paragraphs {
            doc.paragraph(paragraph, Face::Regular, 10.0, 0.0);
            doc.gap(2.0);
        }
        doc.pairs(&section.rows);
        for (title, meta) in &section.items {
            doc.heading(title, 3);
            doc.paragraph(meta, Face::Regular, 9.0, 0.0);
        }
        if let Some((heading, notes)) = &section.notes {
            doc.heading(heading, 3);
            for (line, reason) in notes {
                doc.paragraph(line, Face::Bold, 10.0, 0.0);
                doc.paragraph(reason, Face::Regular, 10.0, 12.0);
                doc.gap(3.0);
            }
        }
    }

    doc.heading(s.report_moderation, 2);
    doc.pairs(&report::moderation_rows(db, t, s, &header, job.scope.procedure.id).await?);

    doc.heading(s.report_method, 2);
    for paragraph in s.report_method_note() {
        doc.paragraph(paragraph, Face::Regular, 9.5, 0.0);
        doc.gap(4.0);
    }

    doc.heading(s.report_files, 2);
    doc.paragraph(s.report_files_note, Face::Regular, 9.5, 0.0);
    for file in &job.hashes {
        doc.gap(3.0);
        doc.paragraph(
            &format!("{} ({} bytes)", file.name, file.bytes),
            Face::Bold,
            9.0,
            0.0,
        );
        doc.paragraph(&format!("SHA-256 {}", file.sha256), Face::Regular, 8.0, 0.0);
    }

    doc.footers(&format!("{} · {}", job.instance_name, header.title));
    sink.buffer.extend_from_slice(&assemble(
        &mut doc,
        &header.title,
        job.lang,
        job.logo.as_deref(),
    )?);
    Ok(())
}

/// The fonts compressed once per process: they are the bulk of every report.
fn compressed_fonts() -> Result<&'static [Vec<u8>; 2], AppError> {
    static FONTS: OnceLock<Option<[Vec<u8>; 2]>> = OnceLock::new();
    FONTS
        .get_or_init(|| Some([deflate(REGULAR).ok()?, deflate(BOLD).ok()?]))
        .as_ref()
        .ok_or(AppError::Internal)
}

/// A PDF text string: UTF-16BE with its byte order mark, in hex.
fn text_string(text: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in text.encode_utf16() {
        let _ = write!(out, "{unit:04X}");
    }
    out.push('>');
    out
}

/// Writes the objects, the cross-reference table and the trailer.
fn assemble(
    doc: &mut Doc,
    title: &str,
    lang: Lang,
    logo: Option<&Logo>,
) -> Result<Vec<u8>, AppError> {
    let fonts = compressed_fonts()?;
    let mut out: Vec<u8> = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets: Vec<usize> = Vec::new();
    let page_count = doc.pages.len();
    // Objects: 1 catalog, 2 pages, 3 info, 4..=13 the two fonts (5 each), then a page and
    // its content per page, then the structure tree root, one object per structure
    // element, the parent tree and the XMP metadata.
    let first_page = 14;
    let page_ref = |index: usize| first_page + 2 * index;
    let struct_root = first_page + 2 * page_count;
    let elem_ref = |index: usize| struct_root + 1 + index;
    let parent_tree = struct_root + 1 + doc.elems.len();
    let metadata = parent_tree + 1;
    // The logo's image and its transparency mask come last.
    let logo_ref = metadata + 1;
    let logo_resource = match logo {
        Some(_) => format!(" /XObject << /Logo {logo_ref} 0 R >>"),
        None => String::new(),
    };
    let object = |out: &mut Vec<u8>, offsets: &mut Vec<usize>, body: &[u8]| {
        offsets.push(out.len());
        let number = offsets.len();
        out.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    let stream = |dict: &str, data: &[u8]| -> Vec<u8> {
        let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        body
    };

    object(
        &mut out,
        &mut offsets,
        format!(
            "<< /Type /Catalog /Pages 2 0 R /Lang ({}) /ViewerPreferences << /DisplayDocTitle true >> \
             /MarkInfo << /Marked true >> /StructTreeRoot {struct_root} 0 R /Metadata {metadata} 0 R >>",
            lang.code()
        )
        .as_bytes(),
    );
    let kids: Vec<String> = (0..page_count)
        .map(|i| format!("{} 0 R", page_ref(i)))
        .collect();
    object(
        &mut out,
        &mut offsets,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {page_count} >>",
            kids.join(" ")
        )
        .as_bytes(),
    );
    object(
        &mut out,
        &mut offsets,
        format!("<< /Title {} /Producer (Mitreden) >>", text_string(title)).as_bytes(),
    );
    for (index, font) in doc.fonts.iter().enumerate() {
        let base = 4 + index * 5;
        let face = &font.face;
        let bbox = face.global_bounding_box();
        let s = font.scale;
        #[allow(clippy::cast_possible_truncation)]
        let scaled = |v: i16| (f32::from(v) * s).round() as i32;
        let mut widths = String::new();
        for glyph in font.used.keys() {
            let _ = write!(widths, "{glyph} [{:.0}] ", font.advance(*glyph));
        }
        object(
            &mut out,
            &mut offsets,
            format!(
                "<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H \
                 /DescendantFonts [{} 0 R] /ToUnicode {} 0 R >>",
                base + 1,
                base + 4,
                name = font.name
            )
            .as_bytes(),
        );
        object(
            &mut out,
            &mut offsets,
            format!(
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} \
                 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
                 /FontDescriptor {} 0 R /DW 600 /W [{widths}] /CIDToGIDMap /Identity >>",
                base + 2,
                name = font.name
            )
            .as_bytes(),
        );
        object(
            &mut out,
            &mut offsets,
            format!(
                "<< /Type /FontDescriptor /FontName /{name} /Flags 32 \
                 /FontBBox [{} {} {} {}] /ItalicAngle 0 /Ascent {} /Descent {} \
                 /CapHeight {} /StemV 80 /FontFile2 {} 0 R >>",
                scaled(bbox.x_min),
                scaled(bbox.y_min),
                scaled(bbox.x_max),
                scaled(bbox.y_max),
                scaled(face.ascender()),
                scaled(face.descender()),
                scaled(face.capital_height().unwrap_or(face.ascender())),
                base + 3,
                name = font.name
            )
            .as_bytes(),
        );
        let original = if index == 0 {
            REGULAR.len()
        } else {
            BOLD.len()
        };
        object(
            &mut out,
            &mut offsets,
            &stream(
                &format!("/Filter /FlateDecode /Length1 {original}"),
                &fonts[index],
            ),
        );
        object(
            &mut out,
            &mut offsets,
            &stream(
                "/Filter /FlateDecode",
                &deflate(to_unicode(&font.used).as_bytes())?,
            ),
        );
    }
    for (index, page) in doc.pages.iter().enumerate() {
        let number = offsets.len() + 1;
        object(
            &mut out,
            &mut offsets,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] \
                 /Resources << /Font << /F1 4 0 R /F2 9 0 R >>{} >> /Contents {} 0 R \
                 /StructParents {index} /Tabs /S >>",
                if index == 0 {
                    logo_resource.as_str()
                } else {
                    ""
                },
                number + 1
            )
            .as_bytes(),
        );
        object(
            &mut out,
            &mut offsets,
            &stream("/Filter /FlateDecode", &deflate(page.as_bytes())?),
        );
    }
    // The tag tree: its root, the elements in document order, and for each page the
    // element of each of its marked-content sequences.
    object(
        &mut out,
        &mut offsets,
        format!(
            "<< /Type /StructTreeRoot /K [{} 0 R] /ParentTree {parent_tree} 0 R \
             /ParentTreeNextKey {page_count} >>",
            elem_ref(0)
        )
        .as_bytes(),
    );
    for (index, elem) in doc.elems.iter().enumerate() {
        let parent = if index == 0 {
            struct_root
        } else {
            elem_ref(elem.parent)
        };
        let mut kids: Vec<String> = elem
            .children
            .iter()
            .map(|child| format!("{} 0 R", elem_ref(*child)))
            .collect();
        kids.extend(elem.marked.iter().map(|(page, mcid)| {
            format!("<< /Type /MCR /Pg {} 0 R /MCID {mcid} >>", page_ref(*page))
        }));
        let mut body = format!(
            "<< /Type /StructElem /S /{} /P {parent} 0 R /K [{}]",
            elem.role,
            kids.join(" ")
        );
        if let Some(alt) = &elem.alt {
            let _ = write!(body, " /Alt {}", text_string(alt));
        }
        if let Some(attributes) = elem.attributes {
            let _ = write!(body, " /A {attributes}");
        }
        body.push_str(" >>");
        object(&mut out, &mut offsets, body.as_bytes());
    }
    let mut nums = String::new();
    for (page, elements) in doc.marks.iter().enumerate() {
        let refs: Vec<String> = elements
            .iter()
            .map(|element| format!("{} 0 R", elem_ref(*element)))
            .collect();
        let _ = write!(nums, "{page} [{}] ", refs.join(" "));
    }
    object(
        &mut out,
        &mut offsets,
        format!("<< /Nums [{nums}] >>").as_bytes(),
    );
    let xmp = xmp_metadata(title, lang);
    object(
        &mut out,
        &mut offsets,
        &stream("/Type /Metadata /Subtype /XML", xmp.as_bytes()),
    );
    if let Some(logo) = logo {
        let image = |color_space: &str, filter: &str, extra: &str| {
            format!(
                "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /{color_space} \
                 /BitsPerComponent 8 /Filter /{filter}{extra}",
                logo.width, logo.height
            )
        };
        let mask = match &logo.alpha {
            Some(_) => format!(" /SMask {} 0 R", logo_ref + 1),
            None => String::new(),
        };
        object(
            &mut out,
            &mut offsets,
            &stream(&image(logo.color_space, logo.filter, &mask), &logo.data),
        );
        if let Some(alpha) = &logo.alpha {
            object(
                &mut out,
                &mut offsets,
                &stream(&image("DeviceGray", "FlateDecode", ""), alpha),
            );
        }
    }

    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
    for offset in &offsets {
        let _ = writeln!(table, "{offset:010} 00000 n ");
    }
    let _ = write!(
        table,
        "trailer\n<< /Size {} /Root 1 0 R /Info 3 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        offsets.len() + 1
    );
    out.extend_from_slice(table.as_bytes());
    Ok(out)
}

/// The document's XMP metadata: title, language, and the PDF/UA-1 identification.
fn xmp_metadata(title: &str, lang: Lang) -> String {
    let title = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
         <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n\
         <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n\
         <dc:language><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:language>\n\
         <dc:format>application/pdf</dc:format>\n\
         <pdf:Producer>Mitreden</pdf:Producer>\n\
         <pdfuaid:part>1</pdfuaid:part>\n\
         </rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>",
        lang.code()
    )
}

/// The map from glyph ids back to characters, so text can be searched and copied.
fn to_unicode(used: &BTreeMap<u16, char>) -> String {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&u16, &char)> = used.iter().collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (glyph, c) in chunk {
            let mut units = [0u16; 2];
            let utf16: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(cmap, "<{glyph:04X}> <{utf16}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap
}
