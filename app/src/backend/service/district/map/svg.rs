//! A sketch drawn as SVG, on a plain background or over tiles.

use super::tiles::{Backdrop, backdrop};
use super::{Bbox, Layer, SHADES, Shape, Sketch, Style, sketch};
use crate::backend::tiles::Tiles;
use crate::error::AppError;
use std::fmt::Write;

fn path_of(rings: &[Vec<(f64, f64)>], close: bool) -> String {
    let mut d = String::new();
    for ring in rings {
        for (i, (x, y)) in ring.iter().enumerate() {
            let _ = write!(d, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" });
        }
        if close {
            d.push('Z');
        }
    }
    d
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Fill, outline and further attributes of a style, as SVG colours.
pub fn colours(style: Style) -> (&'static str, &'static str, &'static str) {
    match style {
        Style::District => ("#f0efe9", "#9a998f", ""),
        Style::Shaded(class) => (SHADES[class.min(SHADES.len() - 1)], "#5f5e57", ""),
        Style::Highlighted => ("#e3ecf7", "#0b5cad", " stroke-width=\"2\""),
        Style::Area => (
            "#0b5cad",
            "#0b5cad",
            " fill-opacity=\"0.06\" stroke-width=\"2.5\" stroke-dasharray=\"8 5\"",
        ),
        Style::Place => (
            "#c2410c",
            "#7c2d12",
            " fill-opacity=\"0.35\" stroke-width=\"3\"",
        ),
    }
}

/// A label's ink is white on the darkest two shades of a choropleth.
pub fn dark(style: Style) -> bool {
    matches!(style, Style::Shaded(class) if class >= 3)
}

/// The SVG document: `title` is its accessible name; `frame` what it shows.
pub fn render(title: &str, frame: Bbox, layers: &[Layer<'_>]) -> String {
    svg_of(title, "t", &sketch(frame, layers))
}

/// [`render`] on tiles, when there are any.
pub async fn render_on_tiles(
    title: &str,
    frame: Bbox,
    layers: &[Layer<'_>],
    tiles: Option<&Tiles>,
) -> Result<String, AppError> {
    let sketch = sketch(frame, layers);
    let backdrop = backdrop(tiles, &sketch).await?;
    Ok(svg_on(title, "t", &sketch, backdrop.as_ref()))
}

/// A sketch as SVG, named by `title` (in a `<title>` with the given `id`, unique within
/// the page that embeds the picture).
pub fn svg_of(title: &str, id: &str, sketch: &Sketch) -> String {
    svg_on(title, id, sketch, None)
}

/// [`svg_of`] over the tiles of `backdrop`, embedded as `data:` addresses (a picture
/// loads nothing), with their attribution at the bottom right. On tiles, districts are
/// outlines with a light wash, so the streets show through.
fn svg_on(title: &str, id: &str, sketch: &Sketch, backdrop: Option<&Backdrop>) -> String {
    use base64::Engine as _;
    let (width, height) = (sketch.width, sketch.height);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-labelledby=\"{id}\">\
         <title id=\"{id}\">{}</title>\
         <rect width=\"100%\" height=\"100%\" fill=\"#fbfaf7\"/>",
        escape(title)
    );
    for (spot, content_type, bytes) in backdrop.iter().flat_map(|b| &b.tiles) {
        let _ = write!(
            svg,
            "<image href=\"data:{content_type};base64,{}\" x=\"{:.2}\" y=\"{:.2}\" \
             width=\"{:.2}\" height=\"{:.2}\" preserveAspectRatio=\"none\"/>",
            base64::engine::general_purpose::STANDARD.encode(bytes),
            spot.left,
            spot.top,
            spot.size + 0.3,
            spot.size + 0.3
        );
    }
    let mut labels = String::new();
    for item in &sketch.items {
        let (fill, stroke, extra) = colours(item.style);
        let extra = match (backdrop, item.style) {
            (Some(_), Style::District) => " fill-opacity=\"0.35\"",
            (Some(_), Style::Highlighted) => " fill-opacity=\"0.35\" stroke-width=\"2\"",
            _ => extra,
        };
        match &item.shape {
            Shape::Pin((x, y)) => {
                // A pin: a circle on a short stem, its tip at the point.
                let _ = write!(
                    svg,
                    "<path d=\"M{x:.1} {y:.1}l-7 -14a8 8 0 1 1 14 0z\" fill=\"#c2410c\" \
                     stroke=\"#ffffff\" stroke-width=\"1.5\"/>\
                     <circle cx=\"{x:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#ffffff\"/>",
                    y - 19.0
                );
            }
            Shape::Line(line) => {
                let d = path_of(std::slice::from_ref(line), false);
                let _ = write!(
                    svg,
                    "<path d=\"{d}\" fill=\"none\" stroke=\"#ffffff\" stroke-width=\"7\" \
                     stroke-linecap=\"round\" stroke-linejoin=\"round\"/>\
                     <path d=\"{d}\" fill=\"none\" stroke=\"{fill}\" stroke-width=\"4\" \
                     stroke-linecap=\"round\" stroke-linejoin=\"round\"/>"
                );
            }
            Shape::Area(rings) => {
                let d = path_of(rings, true);
                let _ = write!(
                    svg,
                    "<path d=\"{d}\" fill=\"{fill}\" fill-rule=\"evenodd\" stroke=\"{stroke}\"{extra}/>"
                );
            }
        }
        if let Some((label, (x, y))) = &item.label {
            let (ink, halo) = if dark(item.style) {
                ("#ffffff", "#08306b")
            } else {
                ("#26251f", "#ffffff")
            };
            let _ = write!(
                labels,
                "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" font-family=\"sans-serif\" \
                 font-size=\"13\" fill=\"{ink}\" stroke=\"{halo}\" stroke-width=\"3\" \
                 paint-order=\"stroke\">{}</text>",
                escape(label)
            );
        }
    }
    svg.push_str(&labels);
    if let Some(backdrop) = backdrop {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-family=\"sans-serif\" \
             font-size=\"11\" fill=\"#26251f\" stroke=\"#ffffff\" stroke-width=\"3\" \
             paint-order=\"stroke\">{}</text>",
            sketch.width - 6.0,
            sketch.height - 6.0,
            escape(&backdrop.attribution)
        );
    }
    svg.push_str("</svg>");
    svg
}
