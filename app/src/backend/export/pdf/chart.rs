//! The report's charts: horizontal bars (by category, by district) and daily columns
//! (participation over time), each one figure in the tag tree with its alternative text.

use super::{BAR_RGB, Doc, Face, MARGIN, TEXT_W, printable};
use crate::i18n::Texts;
use crate::model::results::{Bar, BarScale, Day};

impl Doc {
    /// Horizontal bars, one per label, the value printed at the end.
    pub(super) fn bar_chart(&mut self, title: &str, bars: &[Bar]) {
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
    pub(super) fn column_chart(&mut self, title: &str, days: &[Day], t: &Texts) {
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
