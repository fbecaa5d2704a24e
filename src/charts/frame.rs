//! The page around the plots: title, subtitle, the footer with the non-clinical
//! label, legends, panel titles and grids of panels, plus text helpers.
//!
//! Everything is drawn as SVG (see `canvas.rs`); the PNG is rasterized from it.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::Canvas;
use super::fonts;
use super::plot::path;
use super::style::{self, ArmStyle};

/// What every page of a chart shows around its plots, and the language of its text.
pub(super) struct Page {
    /// The chart's title.
    pub title: String,
    /// The footer with the non-clinical label.
    pub footer: String,
    /// The language of every text on the page.
    pub lang: crate::i18n::Lang,
}

/// A drawing area of a chart, in pixel coordinates.
pub(super) type Area<'b> = DrawingArea<Canvas<'b>, Shift>;

/// Any drawing error, boxed; `render` adds which chart failed.
pub(super) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Result of a drawing step.
pub(super) type Drawn<T = ()> = Result<T, BoxError>;

/// Outer margin of the page, px.
pub(super) const MARGIN: i32 = 24;
const HEADER_PX: i32 = 92;
const FOOTER_PX: i32 = 38;
const LEGEND_ROW_PX: i32 = 28;
const LEGEND_SWATCH_PX: i32 = 34;
const LEGEND_GAP_PX: i32 = 30;
/// Width of the y label area (tick labels and the rotated axis name).
pub(super) const Y_LABEL_AREA_PX: i32 = 86;

/// Height taken by the title, subtitle and footer together.
pub(super) const CHROME_PX: i32 = HEADER_PX + FOOTER_PX;

/// Size of `area` in pixels, as signed integers.
pub(super) fn dims(area: &Area) -> (i32, i32) {
    let (w, h) = area.dim_in_pixel();
    (
        i32::try_from(w).unwrap_or(i32::MAX),
        i32::try_from(h).unwrap_or(i32::MAX),
    )
}

/// Width of `text` in `style`, px, measured in the bundled font.
pub(super) fn text_width(text: &str, style: &TextStyle) -> i32 {
    let bold = matches!(style.font.get_style(), FontStyle::Bold);
    fonts::text_width(text, style.font.get_size(), bold).ceil() as i32
}

/// The largest size from `px` down to `min_px` at which `text` fits `max_w`.
fn fitting_size(text: &str, px: f64, min_px: f64, max_w: i32, is_bold: bool) -> f64 {
    let mut size = px;
    while size > min_px {
        let style = if is_bold {
            style::bold(size, style::INK)
        } else {
            style::text(size, style::INK)
        };
        if text_width(text, &style) <= max_w {
            break;
        }
        size -= 1.0;
    }
    size.max(min_px)
}

/// `text` shortened with an ellipsis so it fits `max_w` in `style`.
pub(super) fn ellipsize(text: &str, style: &TextStyle, max_w: i32) -> String {
    if text_width(text, style) <= max_w {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut keep = chars.len();
    while keep > 0 {
        keep -= 1;
        let candidate: String = chars[..keep].iter().collect::<String>() + "…";
        if text_width(&candidate, style) <= max_w {
            return candidate;
        }
    }
    "…".to_string()
}

/// Draws `text` at `(x, y)`, placed by `anchor` (e.g. left/top: its top-left corner).
pub(super) fn put_text(
    area: &Area,
    text: &str,
    pos: (i32, i32),
    style: &TextStyle,
    anchor: (HPos, VPos),
) -> Drawn {
    if text.is_empty() {
        return Ok(());
    }
    area.draw(&Text::new(
        text,
        pos,
        style.pos(Pos::new(anchor.0, anchor.1)),
    ))?;
    Ok(())
}

/// Draws `text` centred on `pos`, turned a quarter counter-clockwise (reads
/// bottom to top), as y axis names are.
pub(super) fn put_vertical_text(
    area: &Area,
    text: &str,
    pos: (i32, i32),
    style: &TextStyle,
) -> Drawn {
    if text.is_empty() {
        return Ok(());
    }
    let st = style
        .pos(Pos::new(HPos::Center, VPos::Center))
        .transform(FontTransform::Rotate270);
    area.draw(&Text::new(text, pos, st))?;
    Ok(())
}

/// Paints the page: white background, title, subtitle and the footer band with the
/// non-clinical label. Returns the body area between header and footer.
pub(super) fn page<'b>(
    root: &Area<'b>,
    title: &str,
    subtitle: &str,
    footer: &str,
) -> Drawn<Area<'b>> {
    root.fill(&style::WHITE)?;
    let (w, h) = dims(root);
    let max_w = w - 2 * MARGIN;

    let title_px = fitting_size(title, style::TITLE_PX, 18.0, max_w, true);
    let title_style = style::bold(title_px, style::INK);
    let title = ellipsize(title, &title_style, max_w);
    put_text(
        root,
        &title,
        (MARGIN, 20),
        &title_style,
        (HPos::Left, VPos::Top),
    )?;

    if !subtitle.is_empty() {
        let sub_style = style::text(style::SUBTITLE_PX, style::MUTED);
        let subtitle = ellipsize(subtitle, &sub_style, max_w);
        put_text(
            root,
            &subtitle,
            (MARGIN, 60),
            &sub_style,
            (HPos::Left, VPos::Top),
        )?;
    }

    let (_, rest) = root.split_vertically(HEADER_PX);
    let (body, foot) = rest.split_vertically((h - HEADER_PX - FOOTER_PX).max(0));
    foot.fill(&style::BAND)?;
    foot.draw(&PathElement::new(
        vec![(0, 0), (w, 0)],
        style::RULE.stroke_width(1),
    ))?;
    // The footer is never cut: it shrinks instead, down to a still readable size.
    let footer_px = fitting_size(footer, style::FOOTER_PX, 10.0, max_w, false);
    put_text(
        &foot,
        footer,
        (MARGIN, FOOTER_PX / 2),
        &style::text(footer_px, style::INK),
        (HPos::Left, VPos::Center),
    )?;
    Ok(body)
}

/// A panel title (bold) above a panel, with an optional note right-aligned on the
/// same line. Returns the area below it.
pub(super) fn panel_title<'b>(
    area: &Area<'b>,
    title: &str,
    colour: RGBColor,
    note: &str,
) -> Drawn<Area<'b>> {
    const PANEL_HEAD_PX: i32 = 34;
    let (w, _) = dims(area);
    let title_style = style::bold(style::PANEL_TITLE_PX, colour);
    let left = Y_LABEL_AREA_PX - 40;
    let title = ellipsize(title, &title_style, w - left - 20);
    put_text(
        area,
        &title,
        (left, 8),
        &title_style,
        (HPos::Left, VPos::Top),
    )?;
    if !note.is_empty() {
        let note_style = style::text(style::NOTE_PX, style::MUTED);
        let used = text_width(&title, &title_style);
        let room = w - left - used - 40;
        if room > 60 {
            let note = ellipsize(note, &note_style, room);
            put_text(
                area,
                &note,
                (w - 28, 12),
                &note_style,
                (HPos::Right, VPos::Top),
            )?;
        }
    }
    Ok(area.split_vertically(PANEL_HEAD_PX).1)
}

/// What a legend entry shows before its label.
#[derive(Debug, Clone, Copy)]
pub(super) enum Swatch {
    /// A line in an arm's colour and dash pattern.
    Line(ArmStyle),
    /// A filled box (phases, bars).
    Block(RGBColor),
    /// A hollow box with a coloured border (bars of arms past the seventh).
    Hollow(RGBColor),
}

/// One legend entry.
#[derive(Debug, Clone)]
pub(super) struct LegendItem {
    pub label: String,
    pub swatch: Swatch,
}

/// Legend entries for the arms of a result, lines or boxes.
pub(super) fn arm_legend(names: &[&str], as_blocks: bool) -> Vec<LegendItem> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let s = style::arm_style(i);
            let swatch = match (as_blocks, s.solid_fill) {
                (false, _) => Swatch::Line(s),
                (true, true) => Swatch::Block(s.colour),
                (true, false) => Swatch::Hollow(s.colour),
            };
            LegendItem {
                label: (*name).to_string(),
                swatch,
            }
        })
        .collect()
}

/// Rows of legend entries (indices) that fit `max_w`, with each row's width.
fn legend_rows(items: &[LegendItem], max_w: i32) -> Vec<(Vec<usize>, i32)> {
    let label_style = style::text(style::LEGEND_PX, style::INK);
    let mut rows: Vec<(Vec<usize>, i32)> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut width = 0;
    for (i, item) in items.iter().enumerate() {
        let w = LEGEND_SWATCH_PX + 8 + text_width(&item.label, &label_style);
        let extra = if current.is_empty() {
            w
        } else {
            LEGEND_GAP_PX + w
        };
        if !current.is_empty() && width + extra > max_w {
            rows.push((std::mem::take(&mut current), width));
            width = w;
        } else {
            width += extra;
        }
        current.push(i);
    }
    if !current.is_empty() {
        rows.push((current, width));
    }
    rows
}

/// Draws a centred, wrapping legend strip at the top of `area` and returns the
/// area below it. Legends sit outside the plots so they never hide data.
pub(super) fn legend<'b>(area: &Area<'b>, items: &[LegendItem]) -> Drawn<Area<'b>> {
    if items.is_empty() {
        return Ok(area.clone());
    }
    let (w, _) = dims(area);
    let rows = legend_rows(items, w - 2 * MARGIN);
    let label_style = style::text(style::LEGEND_PX, style::INK);
    let mut y = 4 + LEGEND_ROW_PX / 2;
    for (row, row_w) in &rows {
        let mut x = (w - row_w) / 2;
        for &i in row {
            let item = &items[i];
            draw_swatch(area, item.swatch, x, y)?;
            put_text(
                area,
                &item.label,
                (x + LEGEND_SWATCH_PX + 8, y),
                &label_style,
                (HPos::Left, VPos::Center),
            )?;
            x += LEGEND_SWATCH_PX + 8 + text_width(&item.label, &label_style) + LEGEND_GAP_PX;
        }
        y += LEGEND_ROW_PX;
    }
    let used = 4 + LEGEND_ROW_PX * i32::try_from(rows.len()).unwrap_or(1) + 6;
    Ok(area.split_vertically(used).1)
}

fn draw_swatch(area: &Area, swatch: Swatch, x: i32, y: i32) -> Drawn {
    let x1 = x + LEGEND_SWATCH_PX;
    match swatch {
        Swatch::Line(s) => {
            let (x, x1, y) = (f64::from(x), f64::from(x1), f64::from(y));
            path(area, &[(x, y), (x1, y)], s.colour, 3, s.dash)?;
        }
        Swatch::Block(c) => {
            area.draw(&Rectangle::new(
                [(x + 4, y - 8), (x1 - 4, y + 8)],
                c.filled(),
            ))?;
            area.draw(&Rectangle::new(
                [(x + 4, y - 8), (x1 - 4, y + 8)],
                style::AXIS.stroke_width(1),
            ))?;
        }
        Swatch::Hollow(c) => {
            area.draw(&Rectangle::new(
                [(x + 4, y - 8), (x1 - 4, y + 8)],
                c.mix(0.35).filled(),
            ))?;
            area.draw(&Rectangle::new(
                [(x + 4, y - 8), (x1 - 4, y + 8)],
                c.stroke_width(2),
            ))?;
        }
    }
    Ok(())
}

/// A grey note in the middle of an area that has nothing to plot.
pub(super) fn empty_note(area: &Area, note: &str) -> Drawn {
    let (w, h) = dims(area);
    put_text(
        area,
        note,
        (w / 2, h / 2),
        &style::text(style::LEGEND_PX, style::MUTED),
        (HPos::Center, VPos::Center),
    )
}

/// Splits `area` into a grid of `rows × cols` cells, row by row.
pub(super) fn grid<'b>(area: &Area<'b>, rows: usize, cols: usize) -> Vec<Area<'b>> {
    let (w, h) = dims(area);
    let rows_i = i32::try_from(rows.max(1)).unwrap_or(1);
    let cols_i = i32::try_from(cols.max(1)).unwrap_or(1);
    let mut cells = Vec::new();
    let mut rest = area.clone();
    for r in 0..rows_i {
        let (row, below) = if r + 1 < rows_i {
            rest.split_vertically(h / rows_i)
        } else {
            (rest.clone(), rest.clone())
        };
        let mut rest_row = row;
        for c in 0..cols_i {
            let (cell, right) = if c + 1 < cols_i {
                rest_row.split_horizontally(w / cols_i)
            } else {
                (rest_row.clone(), rest_row.clone())
            };
            cells.push(cell);
            rest_row = right;
        }
        rest = below;
    }
    cells
}

/// Moves label positions (px, top to bottom order not required) apart so that no
/// two are closer than `gap`, keeping them as near their wishes as possible.
pub(super) fn spread(wanted: &[i32], gap: i32, lo: i32, hi: i32) -> Vec<i32> {
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    order.sort_by_key(|&i| (wanted[i], i));
    let mut placed = vec![0; wanted.len()];
    let mut prev: Option<i32> = None;
    for &i in &order {
        let y = match prev {
            Some(p) => wanted[i].max(p + gap),
            None => wanted[i].max(lo),
        };
        placed[i] = y;
        prev = Some(y);
    }
    // Push back up from the bottom if the stack ran past `hi`.
    let mut next: Option<i32> = None;
    for &i in order.iter().rev() {
        let limit = next.map_or(hi, |n| n - gap);
        if placed[i] > limit {
            placed[i] = limit;
        }
        next = Some(placed[i]);
    }
    placed
}
