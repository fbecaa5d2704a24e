//! The page around the follicle pictures, written as SVG: the title, the
//! date, one column per arm (its name above), one row per time in contact
//! sheets (the date at its left), the legend and the footer band with the
//! non-clinical label. Text is drawn only here, by resvg with the bundled
//! fonts; the pictures go into the cells of the [`Grid`].

use std::fmt::Write as _;

use super::palette::{self, Rgb};
use crate::charts::fonts;
use crate::escape;
use crate::i18n::{Key, Lang};

/// Outer margin, px.
const MARGIN: u32 = 20;
/// Title and date lines.
const HEADER: u32 = 66;
/// The arm names above the columns.
const COL_LABEL: u32 = 28;
/// Between cells.
const GAP: u32 = 16;
/// The legend row.
const LEGEND: u32 = 36;
/// The footer band.
const FOOTER: u32 = 30;
/// The narrowest page, so the legend and the footer fit.
const MIN_WIDTH: u32 = 820;

const TITLE_PX: f64 = 20.0;
const DATE_PX: f64 = 15.0;
const LABEL_PX: f64 = 14.0;
const FOOTER_PX: f64 = 12.0;

/// Where the cells of a page are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Grid {
    /// Width of one cell's picture, px.
    pub cell_w: u32,
    /// Height of one cell's picture, px.
    pub cell_h: u32,
    /// One column per arm.
    pub cols: usize,
    /// One row per time (1 in an animation).
    pub rows: usize,
    /// Width kept at the left for the rows' dates (0: none).
    pub row_label_w: u32,
}

/// A box on the page, px.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rect {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

/// What the page says.
pub(super) struct Texts<'a> {
    /// The title (scenario text: escaped here).
    pub title: &'a str,
    /// The date line (None: drawn later, per frame, into [`Grid::date_box`]).
    pub date: Option<&'a str>,
    /// The arms' names (scenario text: escaped here).
    pub arms: &'a [&'a str],
    /// The rows' dates (empty in an animation).
    pub rows: &'a [String],
    /// Legend entries: colour and words.
    pub legend: &'a [(Rgb, &'a str)],
    /// The footer: the non-clinical label with the scenario's name.
    pub footer: &'a str,
}

impl Grid {
    fn content_w(&self) -> u32 {
        self.row_label_w
            + self.cols as u32 * self.cell_w
            + (self.cols as u32).saturating_sub(1) * GAP
    }

    /// The page's size, px.
    pub(super) fn size(&self) -> (u32, u32) {
        let w = (2 * MARGIN + self.content_w()).max(MIN_WIDTH);
        let h = HEADER
            + COL_LABEL
            + self.rows as u32 * self.cell_h
            + (self.rows as u32).saturating_sub(1) * GAP
            + LEGEND
            + FOOTER
            + MARGIN / 2;
        (w, h)
    }

    /// The picture of arm `col` at time `row`.
    pub(super) fn cell(&self, col: usize, row: usize) -> Rect {
        let (w, _) = self.size();
        let left = (w - self.content_w()) / 2 + self.row_label_w;
        Rect {
            x: left + col as u32 * (self.cell_w + GAP),
            y: HEADER + COL_LABEL + row as u32 * (self.cell_h + GAP),
            w: self.cell_w,
            h: self.cell_h,
        }
    }

    /// Where the date line is drawn.
    pub(super) fn date_box(&self) -> Rect {
        let (w, _) = self.size();
        Rect {
            x: MARGIN,
            y: 38,
            w: w - 2 * MARGIN,
            h: 24,
        }
    }

    /// The page as SVG with `content` (SVG elements in page pixels) drawn
    /// over the cells' backgrounds and under nothing else.
    pub(super) fn svg(&self, texts: &Texts, content: &str) -> String {
        let (w, h) = self.size();
        let mut s = String::with_capacity(content.len() + 4096);
        let _ = write!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{family}"><rect width="{w}" height="{h}" fill="{white}"/>"#,
            family = escape::xml(fonts::FAMILY),
            white = palette::hex(palette::WHITE),
        );
        let title = fit(texts.title, TITLE_PX, true, w - 2 * MARGIN);
        let _ = write!(
            s,
            r#"<text x="{MARGIN}" y="28" font-size="{TITLE_PX}" font-weight="bold" fill="{ink}">{}</text>"#,
            escape::xml(&title),
            ink = palette::hex(palette::INK),
        );
        if let Some(date) = texts.date {
            s.push_str(&date_text(self.date_box(), date));
        }
        for (col, name) in texts.arms.iter().enumerate().take(self.cols) {
            let cell = self.cell(col, 0);
            let name = fit(name, LABEL_PX, true, cell.w);
            let _ = write!(
                s,
                r#"<text x="{}" y="{}" font-size="{LABEL_PX}" font-weight="bold" text-anchor="middle" fill="{ink}">{}</text>"#,
                cell.x + cell.w / 2,
                cell.y - 9,
                escape::xml(&name),
                ink = palette::hex(palette::INK),
            );
        }
        for (row, label) in texts.rows.iter().enumerate().take(self.rows) {
            let cell = self.cell(0, row);
            let _ = write!(
                s,
                r#"<text x="{}" y="{}" font-size="{LABEL_PX}" text-anchor="end" fill="{ink}">{}</text>"#,
                cell.x - 10,
                cell.y + cell.h / 2,
                escape::xml(label),
                ink = palette::hex(palette::INK),
            );
        }
        s.push_str(content);
        self.legend(&mut s, texts.legend);
        let footer = fit(texts.footer, FOOTER_PX, false, w - 2 * MARGIN);
        let _ = write!(
            s,
            r#"<rect x="0" y="{band}" width="{w}" height="{FOOTER}" fill="{bg}"/><text x="{x}" y="{ty}" font-size="{FOOTER_PX}" text-anchor="middle" fill="{muted}">{}</text></svg>"#,
            escape::xml(&footer),
            band = h - FOOTER,
            bg = palette::hex(palette::BAND),
            x = w / 2,
            ty = h - FOOTER / 2 + 4,
            muted = palette::hex(palette::MUTED),
        );
        s
    }

    /// The legend, one swatch and label per entry, centred in its row.
    fn legend(&self, s: &mut String, entries: &[(Rgb, &str)]) {
        let (w, h) = self.size();
        let widths: Vec<u32> = entries
            .iter()
            .map(|(_, label)| 22 + fonts::svg_text_width(label, LABEL_PX, false).ceil() as u32)
            .collect();
        let total: u32 = widths.iter().sum::<u32>() + 24 * (entries.len() as u32).saturating_sub(1);
        let mut x = w.saturating_sub(total) / 2;
        let y = h - FOOTER - LEGEND / 2 - 2;
        for ((colour, label), width) in entries.iter().zip(widths) {
            let _ = write!(
                s,
                r#"<circle cx="{}" cy="{}" r="6" fill="{}" stroke="{}" stroke-width="0.8"/><text x="{}" y="{}" font-size="{LABEL_PX}" fill="{}">{}</text>"#,
                x + 6,
                y,
                palette::hex(*colour),
                palette::hex(palette::OUTLINE),
                x + 18,
                y + 5,
                palette::hex(palette::INK),
                escape::xml(label),
            );
            x += width + 24;
        }
    }
}

/// The date line alone, as an SVG of `area`'s size (drawn over each frame
/// of an animation).
pub(super) fn date_svg(area: Rect, date: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{family}"><rect width="{w}" height="{h}" fill="{white}"/>{text}</svg>"#,
        w = area.w,
        h = area.h,
        family = escape::xml(fonts::FAMILY),
        white = palette::hex(palette::WHITE),
        text = date_text(Rect { x: 0, y: 0, ..area }, date),
    )
}

/// The date, at the left of `area`.
fn date_text(area: Rect, date: &str) -> String {
    format!(
        r#"<text x="{}" y="{}" font-size="{DATE_PX}" fill="{}">{}</text>"#,
        area.x,
        area.y + 17,
        palette::hex(palette::MUTED),
        escape::xml(date),
    )
}

/// `text` shortened with an ellipsis until it fits `max_w` px.
fn fit(text: &str, px: f64, bold: bool, max_w: u32) -> String {
    let fits = |t: &str| fonts::svg_text_width(t, px, bold) <= f64::from(max_w);
    if fits(text) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut n = chars.len();
    while n > 0 {
        n -= 1;
        let t: String = chars[..n].iter().chain(std::iter::once(&'…')).collect();
        if fits(&t) {
            return t;
        }
    }
    "…".to_string()
}

/// "year 3, month 4" for `t_days` after the start, in `lang`.
pub(super) fn date(t_days: f64, lang: Lang) -> String {
    let months = (t_days / (365.25 / 12.0) + 1e-6).floor().max(0.0) as u64;
    lang.fill(
        Key::FollicleDate,
        &[
            ("years", &(months / 12).to_string()),
            ("months", &(months % 12).to_string()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Grid {
        Grid {
            cell_w: 300,
            cell_h: 360,
            cols: 3,
            rows: 2,
            row_label_w: 120,
        }
    }

    #[test]
    fn cells_lie_inside_the_page_and_apart() {
        let g = grid();
        let (w, h) = g.size();
        for row in 0..2 {
            for col in 0..3 {
                let c = g.cell(col, row);
                assert!(c.x + c.w <= w && c.y + c.h + LEGEND + FOOTER <= h, "{c:?}");
            }
        }
        assert!(g.cell(1, 0).x >= g.cell(0, 0).x + 300 + GAP);
        assert!(g.cell(0, 1).y >= g.cell(0, 0).y + 360 + GAP);
    }

    #[test]
    fn scenario_text_is_escaped_and_long_names_are_shortened() {
        let evil = "<script>&\"arm\"</script>";
        let long = "a very long arm name that cannot possibly fit above a three hundred pixel cell";
        let svg = grid().svg(
            &Texts {
                title: evil,
                date: Some("year 1, month 2"),
                arms: &[evil, long, "c"],
                rows: &["year 0".to_string(), "year 1".to_string()],
                legend: &[(palette::SKIN, "skin")],
                footer: &crate::label::footer(evil),
            },
            "",
        );
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains(crate::label::SHORT));
        assert!(svg.contains("…") && !svg.contains(long));
        assert!(svg.contains("year 1, month 2"));
    }

    #[test]
    fn dates_are_whole_months() {
        assert_eq!(date(0.0, Lang::En), "year 0, month 0");
        assert_eq!(
            date(365.25 * 3.0 + 4.0 * 30.44, Lang::En),
            "year 3, month 4"
        );
        assert_eq!(date(365.25 * 20.0, Lang::En), "year 20, month 0");
        assert_eq!(date(365.25 * 3.0 + 4.0 * 30.44, Lang::Ja), "3 年 4 か月");
    }
}
