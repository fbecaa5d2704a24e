//! Text for bitmaps, drawn glyph by glyph from the bundled DejaVu Sans.
//!
//! plotters 0.3.7 draws bitmap text without each glyph's left side bearing and on
//! whole-pixel positions, so letters collide ("clinical" reads "dlinical"). Here
//! glyphs are placed on sub-pixel positions with kerning, and their coverage is
//! blended into the bitmap. Layout uses the same advances as plotters' text
//! measuring, so widths agree with the layout code. SVG text is left to plotters.

use std::sync::OnceLock;

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::frame::{Area, Backend, Drawn};
use super::style::{BOLD_TTF, REGULAR_TTF};

struct Faces {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

fn faces() -> Option<&'static Faces> {
    static FACES: OnceLock<Option<Faces>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            Some(Faces {
                regular: FontRef::try_from_slice(REGULAR_TTF).ok()?,
                bold: FontRef::try_from_slice(BOLD_TTF).ok()?,
            })
        })
        .as_ref()
}

/// True when the bundled fonts parse.
pub(super) fn ready() -> bool {
    faces().is_some()
}

/// How a text is placed around its anchor point.
#[derive(Clone, Copy)]
pub(super) struct Placement {
    pub anchor: (HPos, VPos),
    /// Rotated a quarter turn counter-clockwise (reads bottom to top).
    pub vertical: bool,
}

/// Draws `text` at `pos` (pixels of `area`) in `px` size.
pub(super) fn draw<DB: Backend>(
    area: &Area<DB>,
    text: &str,
    pos: (i32, i32),
    px: f64,
    bold: bool,
    colour: RGBAColor,
    place: Placement,
) -> Drawn {
    let Some(faces) = faces() else {
        return Err("the bundled font could not be parsed".into());
    };
    let font = if bold { &faces.bold } else { &faces.regular };
    let scale = PxScale::from(px as f32);
    let scaled = font.as_scaled(scale);

    // Lay the glyphs out on a baseline at y = 0, as plotters measures them.
    let mut glyphs = Vec::new();
    let mut x = 0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            x += scaled.kern(p, id);
        }
        glyphs.push(id.with_scale_and_position(scale, point(x, 0.0)));
        x += scaled.h_advance(id);
        prev = Some(id);
    }
    let width = x;

    // Anchor offsets: the same reference lines as the SVG text (top of capitals,
    // middle of capitals, bottom of descenders).
    let cap = cap_height(font, scale);
    let dx = match place.anchor.0 {
        HPos::Left => 0.0,
        HPos::Center => -width / 2.0,
        HPos::Right => -width,
    };
    let baseline = match place.anchor.1 {
        VPos::Top => cap,
        VPos::Center => cap / 2.0,
        VPos::Bottom => scaled.descent(),
    };

    // Whole-pixel shifts (sub-pixel glyph positions are already in the outlines);
    // the glyph bounds are whole pixels too, so every glyph row lands on its own row.
    let (dx, baseline) = (dx.round() as i32, baseline.round() as i32);

    // Coverage of the unrotated text, origin at the anchor.
    let mut cells: Vec<((i32, i32), f32)> = Vec::new();
    for glyph in glyphs {
        let Some(outlined) = font.outline_glyph(glyph) else {
            continue;
        };
        let b = outlined.px_bounds();
        let (ox, oy) = (b.min.x as i32 + dx, b.min.y as i32 + baseline);
        outlined.draw(|gx, gy, c| {
            if c > 0.004 {
                let u = ox.saturating_add(i32::try_from(gx).unwrap_or(i32::MAX));
                let v = oy.saturating_add(i32::try_from(gy).unwrap_or(i32::MAX));
                cells.push(((u, v), c.min(1.0)));
            }
        });
    }
    // Merge overlapping glyph pixels (kerned pairs) deterministically.
    cells.sort_by_key(|(p, _)| (p.1, p.0));
    let mut merged: Vec<((i32, i32), f32)> = Vec::with_capacity(cells.len());
    for (p, c) in cells {
        match merged.last_mut() {
            Some((q, d)) if *q == p => *d = (*d + c).min(1.0),
            _ => merged.push((p, c)),
        }
    }

    for ((u, v), c) in merged {
        let (x, y) = if place.vertical {
            (pos.0 + v, pos.1 - u)
        } else {
            (pos.0 + u, pos.1 + v)
        };
        let alpha = colour.3 * f64::from(c);
        let pixel = RGBAColor(colour.0, colour.1, colour.2, alpha);
        area.draw(&Pixel::new((x, y), pixel))?;
    }
    Ok(())
}

/// Height of a capital letter above the baseline, px (negative y is up).
fn cap_height(font: &FontRef<'static>, scale: PxScale) -> f32 {
    let glyph = font
        .as_scaled(scale)
        .glyph_id('H')
        .with_scale_and_position(scale, point(0.0, 0.0));
    font.outline_glyph(glyph)
        .map(|g| g.px_bounds().min.y.min(0.0))
        .unwrap_or(-0.6 * scale.y)
        .abs()
}
