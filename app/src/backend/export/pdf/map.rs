//! The report's maps: the districts shaded by a figure, drawn from the same projected
//! sketch as the results page's SVG (`service::district::map`), so the council's paper and
//! the page show the same picture. Each map is one figure in the tag tree, its
//! alternative text naming every district with its figure; a legend of the classes follows.

use super::{Doc, Face, MARGIN, TEXT_W, printable};
use crate::backend::service::district::map::{
    SHADES, Shape, Sketch, Style, class_range, colours, dark,
};
use std::fmt::Write as _;

/// An SVG colour ("#rrggbb") as PDF's "r g b"; black for anything else.
fn rgb(hex: &str) -> String {
    let channel = |at: usize| {
        hex.get(at..at + 2)
            .and_then(|pair| u8::from_str_radix(pair, 16).ok())
            .map_or(0.0, |value| f32::from(value) / 255.0)
    };
    if hex.len() != 7 || !hex.starts_with('#') {
        return "0 0 0".to_owned();
    }
    format!("{:.3} {:.3} {:.3}", channel(1), channel(3), channel(5))
}

/// The path operators of closed rings, moved to the page.
fn rings_path(rings: &[Vec<(f64, f64)>], at: impl Fn((f64, f64)) -> (f32, f32)) -> String {
    let mut ops = String::new();
    for ring in rings {
        for (i, point) in ring.iter().enumerate() {
            let (x, y) = at(*point);
            let _ = write!(ops, "{x:.2} {y:.2} {} ", if i == 0 { "m" } else { "l" });
        }
        ops.push_str("h ");
    }
    ops
}

impl Doc {
    /// A choropleth under a heading of its own, the full text width, with its legend
    /// (`max` is the highest figure) and a sentence saying how to read it.
    pub(super) fn choropleth(&mut self, title: &str, sketch: &Sketch, max: i64, note: &str) {
        #[allow(clippy::cast_possible_truncation)]
        let scale = (f64::from(TEXT_W) / sketch.width.max(1.0)) as f32;
        #[allow(clippy::cast_possible_truncation)]
        let height = sketch.height as f32 * scale;
        // The heading stays with its picture.
        self.ensure(height + 70.0);
        self.heading(title, 3);
        let alt = format!(
            "{title}: {}",
            sketch
                .items
                .iter()
                .filter_map(|item| item.label.as_ref().map(|(label, _)| printable(label)))
                .collect::<Vec<_>>()
                .join("; ")
        );
        self.tagged("Figure", Some(alt), |doc| {
            doc.sketch(sketch, scale, height);
            doc.legend(max);
        });
        self.paragraph(note, Face::Regular, 8.5, 0.0);
    }

    fn sketch(&mut self, sketch: &Sketch, scale: f32, height: f32) {
        let top = self.y;
        #[allow(clippy::cast_possible_truncation)]
        let at = |(x, y): (f64, f64)| (MARGIN + x as f32 * scale, top - y as f32 * scale);
        let mut ops = format!(
            "0.984 0.980 0.969 rg {MARGIN:.2} {:.2} {TEXT_W:.2} {height:.2} re f\n",
            top - height
        );
        for item in &sketch.items {
            let (fill, stroke, _) = colours(item.style);
            let (fill, stroke) = (rgb(fill), rgb(stroke));
            match &item.shape {
                Shape::Area(rings) => {
                    let width = if item.style == Style::District {
                        0.5
                    } else {
                        0.8
                    };
                    let _ = writeln!(
                        ops,
                        "{fill} rg {stroke} RG {width} w {}B*",
                        rings_path(rings, at)
                    );
                }
                Shape::Line(line) => {
                    let _ = writeln!(
                        ops,
                        "{fill} RG 2 w 1 J 1 j {}S",
                        rings_path(std::slice::from_ref(line), at).replace("h ", "")
                    );
                }
                Shape::Pin(point) => {
                    let (x, y) = at(*point);
                    let _ = writeln!(ops, "{fill} rg {:.2} {:.2} 6 6 re f", x - 3.0, y - 3.0);
                }
            }
        }
        ops.push_str("0 g 0 G");
        self.marked(&ops);
        let size = 7.5;
        for item in &sketch.items {
            let Some((label, point)) = &item.label else {
                continue;
            };
            let label = printable(label);
            let (x, y) = at(*point);
            let width = self.font(Face::Bold).width(&label, size);
            let x = (x - width / 2.0).clamp(MARGIN, MARGIN + TEXT_W - width);
            let encoded = self.font(Face::Bold).encode(&label);
            let ink = if dark(item.style) { "1 g" } else { "0.15 g" };
            self.marked(&format!(
                "{ink} BT /F2 {size:.1} Tf {x:.2} {:.2} Td {encoded} Tj ET 0 g",
                y - size / 3.0
            ));
        }
        self.y = top - height - 6.0;
    }

    /// The five shades with the figures each stands for, in a row under the map.
    fn legend(&mut self, max: i64) {
        let size = 8.0;
        self.y -= 12.0;
        let y = self.y;
        let mut x = MARGIN;
        for (class, shade) in SHADES.iter().enumerate() {
            let Some((low, high)) = class_range(class, max) else {
                continue;
            };
            self.marked(&format!(
                "{} rg 0.37 G 0.5 w {x:.2} {:.2} 10 10 re B 0 g 0 G",
                rgb(shade),
                y - 2.0
            ));
            let text = if low == high {
                low.to_string()
            } else {
                format!("{low}–{high}")
            };
            self.text_at(x + 14.0, y, Face::Regular, size, &text);
            x += 14.0 + self.font(Face::Regular).width(&text, size) + 18.0;
        }
        self.y -= 8.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_become_pdf_fractions() {
        assert_eq!(rgb("#ffffff"), "1.000 1.000 1.000");
        assert_eq!(rgb("#08519c"), "0.031 0.318 0.612");
        assert_eq!(rgb("blue"), "0 0 0");
        assert_eq!(rgb("#zz0000"), "0.000 0.000 0.000");
    }

    #[test]
    fn rings_close_and_move_to_the_page() {
        let ops = rings_path(&[vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)]], |(x, y)| {
            (x as f32 + 1.0, 100.0 - y as f32)
        });
        assert_eq!(ops, "1.00 100.00 m 11.00 100.00 l 11.00 90.00 l h ");
    }
}
