//! The scalp map: the head seen from above (nose up, ears at the sides) with
//! one dot per follicle coloured by what it shows.
//!
//! The head (outline, ears, nose, bare skin) is SVG drawn once with the page;
//! the dots are written straight into the page's pixels, each pixel taking the
//! mean colour of the follicles that fall in it (so a reduced map for print
//! shows density as shade, and an animation of 100,000 follicles costs a pass
//! over them per frame rather than 100,000 SVG circles).

use std::fmt::Write as _;

use super::chrome::Rect;
use super::palette::{self, Look, Rgb};
use crate::follicles::scalp::ScalpLayout;

/// Room for an ear beside the outline, cm.
const EAR_CM: f32 = 0.9;
/// Room for the nose above the outline, cm.
const NOSE_CM: f32 = 1.4;

/// How big the head is drawn, and which pixel each follicle falls in.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Head {
    /// Half the outline's width, cm.
    half_w: f32,
    /// Half the outline's length, cm.
    half_l: f32,
    /// Pixels per cm.
    ppc: f32,
    /// The sites inside the picture, grouped by the pixel they fall in,
    /// pixels in row-major order.
    sites: Vec<u32>,
    /// Each pixel that holds a site: its index in the picture and where
    /// its sites end in `sites`.
    pixels: Vec<(u32, u32)>,
}

impl Head {
    /// `scalp` drawn at `ppc` pixels per cm. Where each site falls is worked
    /// out once here: a frame then only sums colours pixel by pixel.
    pub(super) fn new(scalp: &ScalpLayout, ppc: f32) -> Head {
        let mut head = Head {
            half_w: scalp.half_width_cm(),
            half_l: scalp.half_length_cm(),
            ppc,
            sites: Vec::new(),
            pixels: Vec::new(),
        };
        let (cx, cy) = head.centre();
        let (w, h) = head.size();
        let (w, h) = (w as usize, h as usize);
        let mut at: Vec<(u32, u32)> = Vec::with_capacity(scalp.sites().len());
        for (i, site) in scalp.sites().iter().enumerate() {
            let x = cx + site.x_cm * ppc;
            let y = cy - site.y_cm * ppc;
            if x < 0.0 || y < 0.0 {
                continue;
            }
            let (x, y) = (x as usize, y as usize);
            if x >= w || y >= h {
                continue;
            }
            // A picture a GIF can hold has fewer than 2³² pixels, a scalp
            // fewer than 2³² sites (`ScalpLayout`'s limit).
            at.push(((y * w + x) as u32, i as u32));
        }
        at.sort_unstable();
        for (pixel, site) in at {
            if head.pixels.last().is_none_or(|&(p, _)| p != pixel) {
                head.pixels.push((pixel, 0));
            }
            head.sites.push(site);
            if let Some(last) = head.pixels.last_mut() {
                last.1 = head.sites.len() as u32;
            }
        }
        head
    }

    /// The picture's size, px: the outline with the ears and the nose.
    pub(super) fn size(&self) -> (u32, u32) {
        let w = 2.0 * (self.half_w + EAR_CM) * self.ppc + 4.0;
        let h = (2.0 * self.half_l + NOSE_CM) * self.ppc + 4.0;
        (w.ceil() as u32, h.ceil() as u32)
    }

    /// The outline's centre inside the picture, px.
    fn centre(&self) -> (f32, f32) {
        let (w, _) = self.size();
        (w as f32 / 2.0, (NOSE_CM + self.half_l) * self.ppc + 2.0)
    }

    /// The head without hair, as SVG elements placed in `cell`.
    pub(super) fn svg(&self, cell: Rect) -> String {
        let (cx, cy) = self.centre();
        let (cx, cy) = (cell.x as f32 + cx, cell.y as f32 + cy);
        let (rx, ry) = (self.half_w * self.ppc, self.half_l * self.ppc);
        let skin = palette::hex(palette::SKIN);
        let line = palette::hex(palette::OUTLINE);
        let mut s = String::new();
        for side in [-1.0f32, 1.0] {
            let _ = write!(
                s,
                r#"<ellipse cx="{:.1}" cy="{:.1}" rx="{:.1}" ry="{:.1}" fill="{skin}" stroke="{line}" stroke-width="1.2"/>"#,
                cx + side * (rx + 0.1 * self.ppc),
                cy - 0.05 * ry,
                EAR_CM * self.ppc,
                0.16 * ry,
            );
        }
        let nose = self.ppc * NOSE_CM;
        let _ = write!(
            s,
            r#"<path d="M{:.1},{:.1} L{cx:.1},{:.1} L{:.1},{:.1} Z" fill="{skin}" stroke="{line}" stroke-width="1.2"/>"#,
            cx - 0.6 * nose,
            cy - ry + 0.3 * nose,
            cy - ry - nose + 1.0,
            cx + 0.6 * nose,
            cy - ry + 0.3 * nose,
        );
        let _ = write!(
            s,
            r#"<ellipse cx="{cx:.1}" cy="{cy:.1}" rx="{rx:.1}" ry="{ry:.1}" fill="{skin}" stroke="{line}" stroke-width="1.5"/>"#,
        );
        s
    }

    /// Each pixel of `cell` (the head's size) that holds at least one
    /// follicle, with the mean colour of its follicles, `follicles` holding
    /// one look per site: `put(x, y, colour)` in page pixels, row by row.
    pub(super) fn dots(&self, cell: Rect, follicles: &[Look], mut put: impl FnMut(u32, u32, Rgb)) {
        let w = self.size().0;
        let mut start = 0;
        for &(pixel, end) in &self.pixels {
            let mut sum = [0u32; 3];
            let mut n = 0;
            for &site in &self.sites[start as usize..end as usize] {
                let Some(look) = follicles.get(site as usize) else {
                    continue;
                };
                let c = look.colour();
                for k in 0..3 {
                    sum[k] += u32::from(c[k]);
                }
                n += 1;
            }
            start = end;
            if n == 0 {
                continue;
            }
            let mean = [0, 1, 2].map(|k| ((sum[k] + n / 2) / n) as u8);
            put(cell.x + pixel % w, cell.y + pixel / w, mean);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_follicle_lands_in_the_picture_inside_the_outline() {
        let scalp = ScalpLayout::new(264.0, 3).unwrap();
        let head = Head::new(&scalp, 20.0);
        let (w, h) = head.size();
        let cell = Rect { x: 10, y: 20, w, h };
        let all = vec![Look::Terminal; scalp.sites().len()];
        let mut n = 0usize;
        let (cx, cy) = head.centre();
        let (rx, ry) = (scalp.half_width_cm() * 20.0, scalp.half_length_cm() * 20.0);
        head.dots(cell, &all, |x, y, c| {
            assert_eq!(c, Look::Terminal.colour());
            let (dx, dy) = (x as f32 - 10.0 - cx + 0.5, y as f32 - 20.0 - cy + 0.5);
            assert!((dx / (rx + 1.0)).powi(2) + (dy / (ry + 1.0)).powi(2) <= 1.0);
            n += 1;
        });
        // At 400 px per cm² and 264 follicles per cm², most follicles have a
        // pixel of their own.
        let sites = scalp.sites().len();
        assert!(n > sites / 2 && n <= sites, "{n} of {sites}");
    }

    #[test]
    fn a_pixel_shared_by_follicles_shows_their_mean_colour() {
        let scalp = ScalpLayout::new(264.0, 3).unwrap();
        let head = Head::new(&scalp, 2.0);
        let (w, h) = head.size();
        let cell = Rect { x: 0, y: 0, w, h };
        let half: Vec<Look> = (0..scalp.sites().len())
            .map(|i| {
                if i % 2 == 0 {
                    Look::Terminal
                } else {
                    Look::Lost
                }
            })
            .collect();
        let (t, l) = (Look::Terminal.colour(), Look::Lost.colour());
        let (mut seen, mut near) = (0, 0);
        head.dots(cell, &half, |_, _, c| {
            // About 66 follicles per pixel: close to the half-way colour
            // (pixels at the outline hold only a few).
            let mid = (0..3).all(|k| {
                let mid = (f32::from(t[k]) + f32::from(l[k])) / 2.0;
                (f32::from(c[k]) - mid).abs() < 40.0
            });
            near += usize::from(mid);
            seen += 1;
        });
        assert!(near as f64 > 0.8 * seen as f64, "{near} of {seen}");
        assert!(seen > 100);
    }

    #[test]
    fn the_head_svg_has_the_outline_ears_and_nose() {
        let scalp = ScalpLayout::new(264.0, 3).unwrap();
        let svg = Head::new(&scalp, 10.0).svg(Rect {
            x: 0,
            y: 0,
            w: 300,
            h: 300,
        });
        assert_eq!(svg.matches("<ellipse").count(), 3);
        assert_eq!(svg.matches("<path").count(), 1);
    }
}
