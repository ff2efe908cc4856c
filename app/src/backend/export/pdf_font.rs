//! The report's embedded fonts (see `pdf`): glyph lookup, advance widths for the layout,
//! and the text encoded as glyph ids, remembering which glyphs the document uses.

use crate::error::AppError;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One embedded font: its parsed tables and the glyphs the document uses.
pub(super) struct Font {
    pub(super) face: ttf_parser::Face<'static>,
    pub(super) name: &'static str,
    pub(super) scale: f32,
    pub(super) used: BTreeMap<u16, char>,
}

impl Font {
    pub(super) fn new(data: &'static [u8], name: &'static str) -> Result<Self, AppError> {
        let face = ttf_parser::Face::parse(data, 0).map_err(|_| AppError::Internal)?;
        let scale = 1000.0 / f32::from(face.units_per_em());
        Ok(Self {
            face,
            name,
            scale,
            used: BTreeMap::new(),
        })
    }

    pub(super) fn glyph(&self, c: char) -> u16 {
        self.face
            .glyph_index(c)
            .or_else(|| self.face.glyph_index('?'))
            .map_or(0, |g| g.0)
    }

    /// Advance width in thousandths of the font size.
    pub(super) fn advance(&self, glyph: u16) -> f32 {
        f32::from(
            self.face
                .glyph_hor_advance(ttf_parser::GlyphId(glyph))
                .unwrap_or(0),
        ) * self.scale
    }

    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// The text as a hex string of glyph ids, remembering each glyph's character.
    pub(super) fn encode(&mut self, text: &str) -> String {
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
