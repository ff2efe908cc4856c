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

mod chart;
mod file;
mod map;

use file::assemble;

use super::pdf_font::Font;
use super::{Job, Sink, authors, report};
use crate::backend::logo::Logo;
use crate::backend::service::district::map::{Measure, choropleth_sketch};
use crate::backend::service::results;
use crate::error::AppError;
use crate::model::results::Bar;
use sea_orm::DatabaseConnection;
use std::fmt::Write as _;

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
