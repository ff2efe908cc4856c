//! The report for the city council as PDF: procedure, phases, participation figures, three
//! charts, the proposals ranked by the procedure's rule with their texts and council
//! outcomes, moderation figures, a method note and the SHA-256 of the CSV and JSON files.
//!
//! Written directly (PDF 1.7, A4): the instance's embedded DejaVu Sans as CIDFontType2 with
//! Identity-H encoding and a ToUnicode map, so every glyph of the font renders and copying
//! or `pdftotext` gives back the text, umlauts included. Fonts and pages are compressed.

use super::{Job, Sink, authors, report};
use crate::error::AppError;
use crate::i18n::{Lang, Texts};
use crate::model::results::{Bar, BarScale, Day};
use flate2::Compression;
use flate2::write::ZlibEncoder;
use sea_orm::ConnectionTrait;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
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

/// One embedded font: its parsed tables and the glyphs the document uses.
struct Font {
    face: ttf_parser::Face<'static>,
    name: &'static str,
    scale: f32,
    used: BTreeMap<u16, char>,
}

impl Font {
    fn new(data: &'static [u8], name: &'static str) -> Result<Self, AppError> {
        let face = ttf_parser::Face::parse(data, 0).map_err(|_| AppError::Internal)?;
        let scale = 1000.0 / f32::from(face.units_per_em());
        Ok(Self {
            face,
            name,
            scale,
            used: BTreeMap::new(),
        })
    }

    fn glyph(&self, c: char) -> u16 {
        self.face
            .glyph_index(c)
            .or_else(|| self.face.glyph_index('?'))
            .map_or(0, |g| g.0)
    }

    /// Advance width in thousandths of the font size.
    fn advance(&self, glyph: u16) -> f32 {
        f32::from(
            self.face
                .glyph_hor_advance(ttf_parser::GlyphId(glyph))
                .unwrap_or(0),
        ) * self.scale
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// The text as a hex string of glyph ids, remembering each glyph's character.
    fn encode(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() * 4 + 2);
        out.push('<');
        for c in text.chars() {
            let glyph = self.glyph(c);
            self.used.entry(glyph).or_insert(c);
            let _ = write!(out, "{glyph:04X}");
        }
        out.push('>');
        out
    }
}

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

/// The document being laid out: pages of content-stream operators and a cursor.
struct Doc {
    fonts: [Font; 2],
    pages: Vec<String>,
    y: f32,
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
        })
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
        self.y = PAGE_H - MARGIN;
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
        let _ = writeln!(
            self.page(),
            "BT /{name} {size:.1} Tf {x:.2} {y:.2} Td {encoded} Tj ET"
        );
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

    fn paragraph(&mut self, text: &str, face: Face, size: f32, indent: f32) {
        let leading = size * 1.4;
        for source_line in printable(text).split('\n') {
            for line in self.wrap(source_line, face, size, TEXT_W - indent) {
                self.ensure(leading);
                self.y -= leading;
                let y = self.y;
                self.text_at(MARGIN + indent, y, face, size, &line);
            }
        }
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    fn heading(&mut self, text: &str, size: f32) {
        self.ensure(size * 3.0);
        self.gap(size * 0.8);
        self.paragraph(text, Face::Bold, size, 0.0);
        self.gap(size * 0.3);
    }

    /// Label and value in two columns.
    fn pairs(&mut self, rows: &[(String, String)]) {
        let size = 10.0;
        for (label, value) in rows {
            self.ensure(size * 1.5);
            self.y -= size * 1.5;
            let y = self.y;
            self.text_at(MARGIN, y, Face::Regular, size, &printable(label));
            let value = printable(value);
            let width = self.font(Face::Bold).width(&value, size);
            self.text_at(MARGIN + TEXT_W - width, y, Face::Bold, size, &value);
        }
    }

    /// Horizontal bars, one per label, the value printed at the end.
    fn bar_chart(&mut self, title: &str, bars: &[Bar]) {
        self.heading(title, 12.0);
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
            let _ = writeln!(
                self.page(),
                "{BAR_RGB} rg {:.2} {:.2} {:.2} 10 re f 0 g",
                MARGIN + label_w + start,
                y - 2.0,
                length
            );
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
        self.heading(title, 12.0);
        let columns = columns_of(days, t);
        let height = 120.0;
        self.ensure(height + 30.0);
        let base = self.y - height;
        let max = columns.iter().map(|c| c.1).max().unwrap_or(0).max(1);
        #[allow(clippy::cast_precision_loss)]
        let step = TEXT_W / columns.len().max(1) as f32;
        for (index, (_, value)) in columns.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let h = (*value as f32 / max as f32) * (height - 10.0);
            #[allow(clippy::cast_precision_loss)]
            let x = MARGIN + index as f32 * step;
            let _ = writeln!(
                self.page(),
                "{BAR_RGB} rg {x:.2} {base:.2} {:.2} {h:.2} re f 0 g",
                (step * 0.8).max(0.5)
            );
        }
        let _ = writeln!(
            self.page(),
            "0.5 w {MARGIN:.2} {base:.2} m {:.2} {base:.2} l S",
            MARGIN + TEXT_W
        );
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
        let top = format!("{} {max}", t.chart_max);
        self.text_at(MARGIN, base + height + 2.0, Face::Regular, 8.0, &top);
        self.y = label_y - 6.0;
    }

    /// Page numbers, once the page count is known.
    fn footers(&mut self, line: &str) {
        let total = self.pages.len();
        for index in 0..total {
            let text = format!("{line} · {} / {total}", index + 1);
            let encoded = self.fonts[0].encode(&text);
            let _ = writeln!(
                self.pages[index],
                "0.35 g BT /F1 8 Tf {MARGIN:.2} 36 Td {encoded} Tj ET 0 g"
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

pub async fn write(db: &impl ConnectionTrait, job: &Job, sink: &mut Sink) -> Result<(), AppError> {
    let header = job.header_in(db, job.lang).await?;
    let t = job.lang.texts();
    let mut doc = Doc::new()?;

    doc.paragraph(&job.instance_name, Face::Regular, 10.0, 0.0);
    doc.heading(&format!("{}: {}", t.report_title, header.title), 18.0);
    doc.paragraph(
        &format!("{} {}", t.report_as_of, report::date(t, chrono::Utc::now())),
        Face::Regular,
        10.0,
        0.0,
    );
    if let Some(paper) = &header.council {
        doc.paragraph(
            &format!("{} {} – {}", t.council_paper, paper.reference, paper.title),
            Face::Regular,
            10.0,
            0.0,
        );
    }
    doc.gap(6.0);
    doc.paragraph(&header.summary, Face::Regular, 10.5, 0.0);
    doc.paragraph(&header.url, Face::Regular, 9.0, 0.0);

    doc.heading(t.report_procedure, 14.0);
    doc.pairs(&report::procedure_rows(t, &header));
    doc.heading(t.report_participation, 14.0);
    doc.pairs(&report::participation_rows(t, &header));
    if !header.timeline.is_empty() {
        doc.column_chart(t.chart_timeline, &header.timeline, t);
    }

    // The ranking, read in batches like every other export; the charts come before it.
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
    if !top.is_empty() {
        doc.bar_chart(t.chart_top, &top);
    }
    if !header.categories.is_empty() {
        doc.bar_chart(t.chart_categories, &header.categories);
    }

    doc.new_page();
    doc.heading(t.report_ranking, 14.0);
    doc.paragraph(report::ranking_note(t, &header), Face::Regular, 9.5, 0.0);
    for p in &ranked {
        doc.heading(&report::proposal_heading(t, p), 11.0);
        doc.paragraph(
            &report::proposal_meta(t, &header, p),
            Face::Regular,
            9.0,
            0.0,
        );
        doc.gap(2.0);
        doc.paragraph(&plain(&p.body), Face::Regular, 10.0, 0.0);
        if let Some((line, justification)) = report::outcome_line(t, p) {
            doc.gap(2.0);
            doc.paragraph(&line, Face::Bold, 10.0, 12.0);
            doc.paragraph(&justification, Face::Regular, 10.0, 12.0);
        }
    }

    doc.heading(t.report_moderation, 14.0);
    doc.pairs(&report::moderation_rows(db, t, &header, job.scope.procedure.id).await?);

    doc.heading(t.report_method, 14.0);
    for paragraph in t.report_method_note {
        doc.paragraph(paragraph, Face::Regular, 9.5, 0.0);
        doc.gap(4.0);
    }

    doc.heading(t.report_files, 14.0);
    doc.paragraph(t.report_files_note, Face::Regular, 9.5, 0.0);
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
    sink.buffer
        .extend_from_slice(&assemble(&mut doc, &header.title, job.lang)?);
    Ok(())
}

fn deflate(data: &[u8]) -> Result<Vec<u8>, AppError> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).map_err(|_| AppError::Internal)?;
    encoder.finish().map_err(|_| AppError::Internal)
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
fn assemble(doc: &mut Doc, title: &str, lang: Lang) -> Result<Vec<u8>, AppError> {
    let fonts = compressed_fonts()?;
    let mut out: Vec<u8> = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets: Vec<usize> = Vec::new();
    let page_count = doc.pages.len();
    // Objects: 1 catalog, 2 pages, 3 info, 4..=13 the two fonts (5 each), then a page and
    // its content per page.
    let first_page = 14;
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
            "<< /Type /Catalog /Pages 2 0 R /Lang ({}) /ViewerPreferences << /DisplayDocTitle true >> >>",
            lang.code()
        )
        .as_bytes(),
    );
    let kids: Vec<String> = (0..page_count)
        .map(|i| format!("{} 0 R", first_page + 2 * i))
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
    for page in &doc.pages {
        let number = offsets.len() + 1;
        object(
            &mut out,
            &mut offsets,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] \
                 /Resources << /Font << /F1 4 0 R /F2 9 0 R >> >> /Contents {} 0 R >>",
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
