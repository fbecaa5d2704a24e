//! The bundled faces: DejaVu Sans for Latin text, IPAex Gothic for Japanese
//! (and any other character DejaVu lacks); text widths for laying charts out,
//! and the font database that rasterizes them.
//!
//! Both come from the same files in `assets/fonts/`, so a label measured to
//! fit is drawn in the face it was measured in, and no system font is ever
//! looked up: a PNG looks the same on every machine. A character is measured
//! and drawn in DejaVu when DejaVu has it, else in IPAex Gothic, the fallback
//! order of [`FAMILY`] that resvg and browsers follow too.

use std::sync::{Arc, OnceLock};

use resvg::usvg::fontdb;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// The `font-family` written into SVG text. Viewers without DejaVu fall back to
/// Verdana (nearly the same widths) or their own sans-serif; Japanese text is
/// drawn in IPAex Gothic (the HTML report embeds both faces).
pub const FAMILY: &str = "DejaVu Sans, IPAexGothic, Verdana, sans-serif";

/// The family name inside the bundled DejaVu files.
const DEJAVU: &str = "DejaVu Sans";

/// The family name inside the bundled IPAex Gothic file.
pub const IPAEX: &str = "IPAexGothic";

/// DejaVu Sans, bundled so that charts look the same on every machine.
pub static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold.
pub static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
/// IPAex Gothic (IPA Font License), for Japanese: one weight, so bold
/// Japanese text is drawn in the regular weight.
pub static IPAEX_TTF: &[u8] = include_bytes!("../../assets/fonts/ipaexg.ttf");

/// plotters writes a text style of size `s` as `font-size="s / 1.24"` in SVG, so
/// widths are measured at that size.
const PLOTTERS_EM: f64 = 1.24;

struct Faces {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
    japanese: FontRef<'static>,
}

fn faces() -> Option<&'static Faces> {
    static FACES: OnceLock<Option<Faces>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            Some(Faces {
                regular: FontRef::new(REGULAR_TTF).ok()?,
                bold: FontRef::new(BOLD_TTF).ok()?,
                japanese: FontRef::new(IPAEX_TTF).ok()?,
            })
        })
        .as_ref()
}

/// True when the bundled faces parse (checked before drawing anything).
pub(super) fn ready() -> bool {
    faces().is_some()
}

/// Width in pixels of `text` drawn at plotters size `px`: the sum of the glyph
/// advances, each in the face that draws it (DejaVu, else IPAex Gothic).
/// Kerning is left out, so the width is never less than the drawn one by more
/// than a pixel or two.
pub(super) fn text_width(text: &str, px: f64, bold: bool) -> f64 {
    let Some(faces) = faces() else {
        return 0.0;
    };
    let face = if bold { &faces.bold } else { &faces.regular };
    let size = Size::new((px / PLOTTERS_EM) as f32);
    let charmap = face.charmap();
    let metrics = face.glyph_metrics(size, LocationRef::default());
    let fallback = faces.japanese.charmap();
    let fallback_metrics = faces.japanese.glyph_metrics(size, LocationRef::default());
    text.chars()
        .map(|c| {
            let advance = match (charmap.map(c), fallback.map(c)) {
                (Some(glyph), _) => metrics.advance_width(glyph),
                (None, Some(glyph)) => fallback_metrics.advance_width(glyph),
                (None, None) => metrics.advance_width(Default::default()),
            };
            f64::from(advance.unwrap_or(0.0))
        })
        .sum()
}

/// Width in pixels of `text` written in SVG at `font-size="font_px"` (text
/// drawn without plotters).
pub(crate) fn svg_text_width(text: &str, font_px: f64, bold: bool) -> f64 {
    text_width(text, font_px * PLOTTERS_EM, bold)
}

/// A font database holding only the bundled faces, shared by every render.
pub(super) fn database() -> Arc<fontdb::Database> {
    static DB: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        for data in [REGULAR_TTF, BOLD_TTF, IPAEX_TTF] {
            db.load_font_source(fontdb::Source::Binary(Arc::new(data)));
        }
        // Generic names resolve to the bundled face too, never to a system font.
        db.set_sans_serif_family(DEJAVU);
        db.set_serif_family(DEJAVU);
        db.set_monospace_family(DEJAVU);
        Arc::new(db)
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_faces_parse_and_measure() {
        assert!(ready());
        let narrow = text_width("iiii", 20.0, false);
        let wide = text_width("WWWW", 20.0, false);
        assert!(narrow > 0.0 && wide > 2.0 * narrow, "{narrow} {wide}");
        assert!(text_width("Hair count", 20.0, true) > text_width("Hair count", 20.0, false));
        // Doubling the size doubles the width.
        let (a, b) = (
            text_width("shedding", 16.0, false),
            text_width("shedding", 32.0, false),
        );
        assert!((b - 2.0 * a).abs() < 0.5, "{a} {b}");
    }

    #[test]
    fn database_holds_exactly_the_bundled_faces() {
        let db = database();
        assert_eq!(db.len(), 3);
        assert!(db.faces().all(|f| f
            .families
            .iter()
            .any(|(name, _)| name == DEJAVU || name == IPAEX)));
    }

    #[test]
    fn japanese_is_measured_in_the_fallback_face() {
        // Full-width kana are one em wide; DejaVu has no glyph for them.
        let w = text_width("毛周期", 12.4, false);
        assert!((w - 30.0).abs() < 1.0, "{w}");
        assert!(text_width("毛", 20.0, true) > 0.0);
    }
}
