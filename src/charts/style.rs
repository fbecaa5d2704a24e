//! The look shared by every chart: the Okabe–Ito palette, text sizes, text
//! styles in the bundled font, and the colour and dash pattern of each arm.
//!
//! Arms get their style from their index alone, so an arm looks the same in every
//! chart of a run.

use plotters::style::{FontDesc, FontFamily, FontStyle, RGBColor, TextStyle};

use super::fonts::FAMILY;

// Okabe–Ito colour-blind-safe palette.
pub(super) const OI_BLACK: RGBColor = RGBColor(0x00, 0x00, 0x00);
pub(super) const OI_ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub(super) const OI_SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
pub(super) const OI_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub(super) const OI_YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
pub(super) const OI_BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub(super) const OI_VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub(super) const OI_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);

/// Neutral tones for text, axes, grid and the footer band.
pub(super) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(super) const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
pub(super) const AXIS: RGBColor = RGBColor(0x88, 0x88, 0x88);
pub(super) const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);
pub(super) const REFERENCE: RGBColor = RGBColor(0x66, 0x66, 0x66);
pub(super) const BAND: RGBColor = RGBColor(0xF4, 0xF4, 0xF4);
pub(super) const RULE: RGBColor = RGBColor(0xBB, 0xBB, 0xBB);
pub(super) const WHITE: RGBColor = RGBColor(0xFF, 0xFF, 0xFF);

/// Arm colours in arm order. Yellow is left out: too pale for lines on white.
const ARM_COLOURS: [RGBColor; 7] = [
    OI_BLACK,
    OI_ORANGE,
    OI_BLUE,
    OI_GREEN,
    OI_VERMILLION,
    OI_SKY_BLUE,
    OI_PURPLE,
];

// Text sizes in pixels (plotters' font size) at the 1200 px chart width.
pub(super) const TITLE_PX: f64 = 28.0;
pub(super) const SUBTITLE_PX: f64 = 17.0;
pub(super) const PANEL_TITLE_PX: f64 = 19.0;
pub(super) const AXIS_DESC_PX: f64 = 19.0;
pub(super) const TICK_PX: f64 = 16.0;
pub(super) const LEGEND_PX: f64 = 17.0;
pub(super) const NOTE_PX: f64 = 14.0;
pub(super) const FOOTER_PX: f64 = 16.0;

/// Line pattern, used to tell arms apart once the seven colours repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dash {
    Solid,
    Dashed,
    Dotted,
}

/// How one arm is drawn in every chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct ArmStyle {
    pub colour: RGBColor,
    pub dash: Dash,
    /// False for the second and later rounds of colours: bars are drawn hollow.
    pub solid_fill: bool,
}

/// Style of the arm at `index` (scenario order).
pub(super) fn arm_style(index: usize) -> ArmStyle {
    let round = index / ARM_COLOURS.len();
    ArmStyle {
        colour: ARM_COLOURS[index % ARM_COLOURS.len()],
        dash: match round % 3 {
            0 => Dash::Solid,
            1 => Dash::Dashed,
            _ => Dash::Dotted,
        },
        solid_fill: round == 0,
    }
}

/// A text style in the bundled font.
pub(super) fn text(px: f64, colour: RGBColor) -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), px, FontStyle::Normal).color(&colour)
}

/// A bold text style in the bundled font.
pub(super) fn bold(px: f64, colour: RGBColor) -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), px, FontStyle::Bold).color(&colour)
}
