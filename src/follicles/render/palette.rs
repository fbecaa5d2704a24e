//! The colours of the follicle pictures and the fixed 256-colour palette of
//! their GIFs.
//!
//! Every GIF frame uses one global palette: the named colours exactly, a
//! 6×6×6 colour cube and a grey ramp for what anti-aliasing blends between
//! them, and one transparent entry for the pixels a frame leaves as they were.
//! A fixed palette costs nothing per frame (no colour quantizer runs) and keeps
//! a colour identical from frame to frame, so unchanged pixels stay unchanged.

use std::sync::OnceLock;

use crate::follicles::grafts::Graft;
use crate::follicles::view::{FollicleView, Phase};
use crate::i18n::Key;

/// An RGB colour.
pub(super) type Rgb = [u8; 3];

/// The page.
pub(super) const WHITE: Rgb = [0xFF, 0xFF, 0xFF];
/// Text.
pub(super) const INK: Rgb = [0x22, 0x22, 0x22];
/// Secondary text.
pub(super) const MUTED: Rgb = [0x55, 0x55, 0x55];
/// The footer band.
pub(super) const BAND: Rgb = [0xF4, 0xF4, 0xF4];
/// Bare scalp between follicles.
pub(super) const SKIN: Rgb = [0xF0, 0xD2, 0xBE];
/// The head's outline.
pub(super) const OUTLINE: Rgb = [0x9A, 0x7A, 0x68];
/// The club at the root of a resting (telogen) hair about to be shed.
pub(super) const CLUB: Rgb = [0xE9, 0xDC, 0xC4];

/// The named colours other than the looks', first in the palette.
const NAMED: [Rgb; 7] = [WHITE, INK, MUTED, BAND, SKIN, OUTLINE, CLUB];

/// What a follicle looks like from above, the legend's five entries: all
/// the scalp map keeps of a follicle at a time (one byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// A terminal hair (growing, regressing or resting).
    Terminal,
    /// A miniaturized (fine, short) hair.
    Miniaturized,
    /// An empty follicle opening (kenogen, or shed).
    Empty,
    /// A follicle lost for good: bare, shiny skin.
    Lost,
    /// A transplanted terminal hair.
    Graft,
}

impl Look {
    /// Legend order.
    pub(super) const ALL: [Look; 5] = [
        Look::Terminal,
        Look::Miniaturized,
        Look::Empty,
        Look::Lost,
        Look::Graft,
    ];

    /// How `v` looks.
    pub fn of(v: &FollicleView) -> Look {
        if !v.present {
            Look::Lost
        } else if v.phase == Phase::Kenogen || v.shaft_mm <= 0.0 {
            Look::Empty
        } else if !v.terminal {
            Look::Miniaturized
        } else if v.graft {
            Look::Graft
        } else {
            Look::Terminal
        }
    }

    /// Its colour: dark hair; fine hair and an empty opening pale, near the
    /// skin's colour, as they look from a distance (so a thinning region
    /// looks bare); bare skin a little lighter than the skin between hairs;
    /// blue for grafts so the transplant's reach can be seen.
    pub(super) fn colour(self) -> Rgb {
        match self {
            Look::Terminal => [0x2E, 0x1E, 0x14],
            Look::Miniaturized => [0xD8, 0xA8, 0x62],
            Look::Empty => [0xC9, 0x93, 0x8A],
            Look::Lost => [0xF6, 0xDE, 0xCE],
            Look::Graft => [0x00, 0x5A, 0xB0],
        }
    }

    /// The legend's words.
    pub(super) fn key(self) -> Key {
        match self {
            Look::Terminal => Key::LookTerminal,
            Look::Miniaturized => Key::LookMiniaturized,
            Look::Empty => Key::LookEmpty,
            Look::Lost => Key::LookLost,
            Look::Graft => Key::LookGraft,
        }
    }
}

/// A transplant seen on the map: as [`FollicleView`]'s graft, looked at
/// (a graft shows as one when its donor's hair is terminal).
impl Graft for Look {
    fn grafted(self) -> Look {
        match self {
            Look::Terminal => Look::Graft,
            look => look,
        }
    }

    fn taken(self) -> Look {
        Look::Lost
    }
}

/// `#rrggbb`, for SVG.
pub(super) fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// The palette index that marks a pixel left as the previous frame had it.
pub(super) const TRANSPARENT: u8 = 255;

/// Levels of the colour cube.
const CUBE: [u8; 6] = [0x00, 0x33, 0x66, 0x99, 0xCC, 0xFF];

/// The global palette, `[r, g, b, …]`, 256 entries, the last transparent.
pub(super) fn palette() -> &'static [u8] {
    static PALETTE: OnceLock<Vec<u8>> = OnceLock::new();
    PALETTE.get_or_init(|| {
        let mut colours: Vec<Rgb> = NAMED.to_vec();
        colours.extend(Look::ALL.iter().map(|l| l.colour()));
        for r in CUBE {
            for g in CUBE {
                for b in CUBE {
                    colours.push([r, g, b]);
                }
            }
        }
        let greys = 255 - colours.len();
        for i in 0..greys {
            let v = ((i + 1) * 255 / (greys + 1)) as u8;
            colours.push([v, v, v]);
        }
        colours.push(WHITE);
        colours.into_iter().flatten().collect()
    })
}

/// Bits kept per channel by the look-up table.
const BITS: u32 = 5;

/// The palette index nearest to `c` (never the transparent one), through a
/// table of 2¹⁵ entries filled once.
pub(super) fn index(c: Rgb) -> u8 {
    static TABLE: OnceLock<Vec<u8>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let levels = 1usize << BITS;
        let mut table = vec![0u8; levels * levels * levels];
        for (key, slot) in table.iter_mut().enumerate() {
            let centre = |shift: u32| {
                let v = (key >> shift) & (levels - 1);
                ((v << (8 - BITS)) | (1 << (7 - BITS))) as i32
            };
            *slot = nearest([centre(2 * BITS), centre(BITS), centre(0)]);
        }
        table
    });
    // The named colours are matched exactly first: a table cell may hold a
    // cube colour nearer its centre than the named colour it also contains.
    if let Some(exact) = named_index(c) {
        return exact;
    }
    let key = ((c[0] as usize >> (8 - BITS)) << (2 * BITS))
        | ((c[1] as usize >> (8 - BITS)) << BITS)
        | (c[2] as usize >> (8 - BITS));
    table[key]
}

/// The index of `c` when it is one of the named colours.
fn named_index(c: Rgb) -> Option<u8> {
    palette()
        .chunks_exact(3)
        .take(NAMED.len() + Look::ALL.len())
        .position(|p| p == c)
        .map(|i| i as u8)
}

/// The nearest non-transparent palette entry to `c` (squared distance).
fn nearest(c: [i32; 3]) -> u8 {
    let mut best = (i32::MAX, 0u8);
    for (i, p) in palette().chunks_exact(3).take(255).enumerate() {
        let d: i32 = (0..3).map(|k| (p[k] as i32 - c[k]).pow(2)).sum();
        if d < best.0 {
            best = (d, i as u8);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(i: u8) -> Rgb {
        let p = palette();
        let i = usize::from(i) * 3;
        [p[i], p[i + 1], p[i + 2]]
    }

    #[test]
    fn the_palette_has_256_entries_and_every_named_colour_maps_to_itself() {
        assert_eq!(palette().len(), 256 * 3);
        for c in NAMED
            .into_iter()
            .chain(Look::ALL.iter().map(|l| l.colour()))
        {
            assert_eq!(entry(index(c)), c);
        }
    }

    #[test]
    fn any_colour_maps_near_itself_and_never_to_transparent() {
        for r in (0..=255).step_by(17) {
            for g in (0..=255).step_by(15) {
                for b in (0..=255).step_by(51) {
                    let c = [r as u8, g as u8, b as u8];
                    let i = index(c);
                    assert_ne!(i, TRANSPARENT);
                    let e = entry(i);
                    let d: i32 = (0..3).map(|k| (e[k] as i32 - c[k] as i32).pow(2)).sum();
                    assert!(d <= 3 * 40 * 40, "{c:?} → {e:?}");
                }
            }
        }
    }

    #[test]
    fn a_transplant_looks_the_same_on_the_view_and_on_its_look() {
        for phase in [
            Phase::Anagen,
            Phase::Catagen,
            Phase::Telogen,
            Phase::Kenogen,
        ] {
            for bits in 0..16u8 {
                let v = FollicleView {
                    phase,
                    terminal: bits & 1 != 0,
                    present: bits & 2 != 0,
                    graft: bits & 4 != 0,
                    shaft_mm: if bits & 8 != 0 { 12.0 } else { 0.0 },
                };
                assert_eq!(Look::of(&v.grafted()), Look::of(&v).grafted(), "{v:?}");
                assert_eq!(Look::of(&v.taken()), Look::of(&v).taken(), "{v:?}");
            }
        }
    }

    #[test]
    fn looks_follow_the_view() {
        let v = FollicleView {
            phase: Phase::Anagen,
            terminal: true,
            present: true,
            graft: false,
            shaft_mm: 30.0,
        };
        assert_eq!(Look::of(&v), Look::Terminal);
        assert_eq!(
            Look::of(&FollicleView {
                terminal: false,
                ..v
            }),
            Look::Miniaturized
        );
        assert_eq!(Look::of(&FollicleView { graft: true, ..v }), Look::Graft);
        assert_eq!(
            Look::of(&FollicleView {
                phase: Phase::Kenogen,
                shaft_mm: 0.0,
                ..v
            }),
            Look::Empty
        );
        assert_eq!(
            Look::of(&FollicleView {
                present: false,
                ..v
            }),
            Look::Lost
        );
    }
}
