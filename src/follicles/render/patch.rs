//! The close-up patch: 1 cm² of scalp as a phototrichogram shows it, each
//! follicle drawn as its hair, written as SVG.
//!
//! A hair leaves its opening in the scalp's common direction (each a little
//! off it). Its drawn length grows with its shaft and levels off (the picture
//! is a close-up, not to scale: `1 − e^(−shaft/20 mm)` of a fifth of the
//! patch); a terminal hair is drawn thick and dark, a miniaturized one thin
//! and pale, a resting (telogen) hair paler with the white club at its root
//! that marks it as about to fall, a graft in blue; an empty follicle
//! (kenogen) is an open ring, a lost one leaves bare skin.

use std::fmt::Write as _;

use super::chrome::Rect;
use super::palette::{self, Look};
use crate::follicles::scalp::Patch;
use crate::follicles::view::{FollicleView, Phase, Site};

/// Drawn length of a hair whose shaft is very long, as a share of the
/// patch's side.
const MAX_LENGTH: f32 = 0.2;
/// Shaft length at which the drawn length reaches 63 % of its maximum, mm.
const LENGTH_SCALE_MM: f32 = 20.0;
/// The hairs' common direction, degrees clockwise from pointing right
/// (down and to the left, as combed back on a crown seen from above).
const FLOW_DEG: f32 = 115.0;
/// How far one hair may turn from the common direction, degrees.
const SPREAD_DEG: f32 = 22.0;

/// Drawn length of a hair with a `shaft_mm` shaft, px, in a `side_px` patch.
pub(super) fn length_px(shaft_mm: f32, side_px: f32) -> f32 {
    MAX_LENGTH * side_px * (1.0 - (-shaft_mm.max(0.0) / LENGTH_SCALE_MM).exp())
}

/// The patch's skin and hairs in `cell` as SVG elements; `sites` and
/// `follicles` in the same order, positions as on the scalp.
pub(super) fn svg(patch: &Patch, sites: &[Site], follicles: &[FollicleView], cell: Rect) -> String {
    let side = cell.w.min(cell.h) as f32;
    let scale = side / patch.side_cm;
    let (x0, y0) = (
        patch.centre_cm.0 - patch.side_cm / 2.0,
        patch.centre_cm.1 + patch.side_cm / 2.0,
    );
    let mut s = String::with_capacity(200 * sites.len());
    let _ = write!(
        s,
        // Hairs near the edge are cut at it, as in a photograph of the patch.
        r#"<clipPath id="patch-{x}-{y}"><rect x="{x}" y="{y}" width="{side}" height="{side}"/></clipPath><rect x="{x}" y="{y}" width="{side}" height="{side}" fill="{}" stroke="{}" stroke-width="1"/><g stroke-linecap="round" clip-path="url(#patch-{x}-{y})">"#,
        palette::hex(palette::SKIN),
        palette::hex(palette::OUTLINE),
        x = cell.x,
        y = cell.y,
    );
    let clip = |v: f32| v.clamp(0.0, side);
    for (i, (site, view)) in sites.iter().zip(follicles).enumerate() {
        let px = cell.x as f32 + clip((site.x_cm - x0) * scale);
        let py = cell.y as f32 + clip((y0 - site.y_cm) * scale);
        hair(&mut s, i, (px, py), view, side);
    }
    s.push_str("</g>");
    s
}

/// One follicle's hair (or opening) rooted at `root`.
fn hair(s: &mut String, i: usize, (px, py): (f32, f32), view: &FollicleView, side: f32) {
    let look = Look::of(view);
    match look {
        Look::Lost => return,
        Look::Empty => {
            let _ = write!(
                s,
                r#"<circle cx="{px:.1}" cy="{py:.1}" r="{:.1}" fill="none" stroke="{}" stroke-width="1.2"/>"#,
                0.008 * side,
                palette::hex(look.colour()),
            );
            return;
        }
        _ => {}
    }
    let angle = (FLOW_DEG + SPREAD_DEG * (2.0 * unit(i) - 1.0)).to_radians();
    let len = length_px(view.shaft_mm, side).max(1.5);
    let (ex, ey) = (px + len * angle.cos(), py + len * angle.sin());
    let width = if look == Look::Miniaturized {
        0.0035 * side
    } else {
        0.009 * side
    };
    let resting = view.phase == Phase::Telogen;
    let opacity = if resting { 0.6 } else { 1.0 };
    let _ = write!(
        s,
        r#"<line x1="{px:.1}" y1="{py:.1}" x2="{ex:.1}" y2="{ey:.1}" stroke="{}" stroke-width="{width:.2}" stroke-opacity="{opacity}"/>"#,
        palette::hex(look.colour()),
    );
    if resting {
        let _ = write!(
            s,
            r#"<circle cx="{px:.1}" cy="{py:.1}" r="{:.1}" fill="{}" stroke="{}" stroke-width="0.8"/>"#,
            0.7 * width + 1.0,
            palette::hex(palette::CLUB),
            palette::hex(palette::OUTLINE),
        );
    }
}

/// A number in [0, 1) fixed for follicle `i` (SplitMix64's finalizer), so a
/// hair keeps its direction from frame to frame.
fn unit(i: usize) -> f32 {
    let mut z = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 40) as f32 / (1u64 << 24) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::follicles::scalp::ScalpLayout;

    fn anagen(shaft_mm: f32) -> FollicleView {
        FollicleView {
            phase: Phase::Anagen,
            terminal: true,
            present: true,
            graft: false,
            shaft_mm,
        }
    }

    #[test]
    fn drawn_length_grows_with_the_shaft_and_levels_off() {
        let l = |mm| length_px(mm, 400.0);
        assert!(l(0.0).abs() < 1e-6);
        assert!(l(1.0) < l(10.0) && l(10.0) < l(40.0));
        assert!(l(1000.0) <= 80.0 + 1e-3 && l(1000.0) > 79.0);
        assert!(l(-5.0).abs() < 1e-6);
    }

    #[test]
    fn each_state_is_drawn_its_own_way() {
        let cell = Rect {
            x: 0,
            y: 0,
            w: 400,
            h: 400,
        };
        let scalp = ScalpLayout::new(264.0, 1).unwrap();
        let patch = scalp.crown_patch();
        let sites = patch.sites(&scalp);
        let draw = |v: FollicleView| svg(&patch, &sites[..1], &[v], cell);
        let terminal = draw(anagen(30.0));
        assert_eq!(terminal.matches("<line").count(), 1);
        let thin = draw(FollicleView {
            terminal: false,
            ..anagen(3.0)
        });
        assert!(thin.contains(r#"stroke-width="1.40""#), "{thin}");
        let club = draw(FollicleView {
            phase: Phase::Telogen,
            ..anagen(30.0)
        });
        assert!(club.contains(&palette::hex(palette::CLUB)));
        let empty = draw(FollicleView {
            phase: Phase::Kenogen,
            ..anagen(0.0)
        });
        assert!(empty.contains(r#"fill="none""#) && !empty.contains("<line"));
        let lost = draw(FollicleView {
            present: false,
            ..anagen(0.0)
        });
        assert!(!lost.contains("<line") && !lost.contains("<circle"));
        // Every hair starts inside the patch.
        let all = svg(&patch, &sites, &vec![anagen(30.0); sites.len()], cell);
        assert_eq!(all.matches("<line").count(), sites.len());
    }

    #[test]
    fn directions_are_fixed_per_follicle_and_spread() {
        let u: Vec<f32> = (0..1000).map(unit).collect();
        assert!(u.iter().all(|v| (0.0..1.0).contains(v)));
        let mean = u.iter().sum::<f32>() / 1000.0;
        assert!((mean - 0.5).abs() < 0.05, "{mean}");
        assert_eq!(unit(17), unit(17));
    }
}
