//! Notes naming the arms whose lines coincide throughout a plot ("untreated =
//! minoxidil = PRP"), each written beside the shared line where it covers the
//! fewest other lines, on a light backing.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::arms::{component, near, Envelope};
use super::frame::{self, Area, Drawn};
use super::style;
use crate::i18n::{Key, Lang};

/// Share of their common columns over which two lines must coincide to be named.
const SHARE: f64 = 0.97;
/// Distance of a note's middle from its line, px.
const OFFSET_PX: f64 = 12.0;
/// Half the height of a note's text, px.
const HALF_TEXT_PX: f64 = 9.0;

/// A note's text box in pixels of the plot.
#[derive(Debug, Clone, Copy)]
struct Placed {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

impl Placed {
    fn overlaps(&self, o: &Placed) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

/// Groups of arms (ascending) whose envelopes lie within `tolerance` px of
/// each other in nearly every column they share.
fn groups(envelopes: &[Envelope], tolerance: f64) -> Vec<Vec<usize>> {
    let n = envelopes.len();
    let mut partners: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        for j in i + 1..n {
            let (mut common, mut close) = (0usize, 0usize);
            for (a, b) in envelopes[i].iter().zip(&envelopes[j]) {
                if a.is_some() && b.is_some() {
                    common += 1;
                    close += usize::from(near(*a, *b, tolerance));
                }
            }
            if common > 0 && close as f64 >= SHARE * common as f64 {
                partners[i].push(j);
                partners[j].push(i);
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in 0..n {
        if !partners[i].is_empty() && !groups.iter().any(|g| g.contains(&i)) {
            groups.push(component(&partners, i));
        }
    }
    groups
}

/// The note for one group: its members' names joined by "=", or a count when
/// every arm of several is in it.
fn text(group: &[usize], names: &[&str], lang: Lang) -> String {
    if group.len() == names.len() && names.len() > 2 {
        lang.fill(Key::AllArmsCoincide, &[("n", &names.len().to_string())])
    } else {
        let members: Vec<&str> = group
            .iter()
            .filter_map(|&i| names.get(i).copied())
            .collect();
        members.join(" = ")
    }
}

/// Median height of `env` over columns `x0..x1`.
fn line_height(env: &Envelope, x0: f64, x1: f64) -> Option<f64> {
    let (a, b) = (x0.max(0.0) as usize, (x1.max(0.0) as usize).min(env.len()));
    let mut centres: Vec<f64> = env
        .get(a..b)?
        .iter()
        .flatten()
        .map(|e| (e.0 + e.1) / 2.0)
        .collect();
    centres.sort_by(f64::total_cmp);
    centres.get(centres.len() / 2).copied()
}

/// Columns of `spot` where some line passes through it.
fn lines_covered(spot: &Placed, envelopes: &[Envelope]) -> usize {
    let (a, b) = (spot.x0.max(0.0) as usize, spot.x1.max(0.0) as usize);
    (a..b)
        .filter(|&c| {
            envelopes.iter().any(|env| {
                env.get(c)
                    .copied()
                    .flatten()
                    .is_some_and(|(lo, hi)| lo <= spot.y1 + 1.0 && hi >= spot.y0 - 1.0)
            })
        })
        .count()
}

/// Writes a note for each group of coinciding arms on `area` (the plot area),
/// left, centre or right, above or below the shared line: wherever it crosses
/// the fewest lines and no other note.
pub(super) fn draw(
    area: &Area,
    envelopes: &[Envelope],
    names: &[&str],
    tolerance: f64,
    lang: Lang,
) -> Drawn {
    let (w, h) = frame::dims(area);
    let (w, h) = (f64::from(w), f64::from(h));
    let st = style::text(style::NOTE_PX, style::MUTED);
    let mut placed: Vec<Placed> = Vec::new();
    for group in groups(envelopes, tolerance) {
        let text = frame::ellipsize(&text(&group, names, lang), &st, (w - 20.0) as i32);
        let tw = f64::from(frame::text_width(&text, &st));
        let mut best: Option<(usize, Placed)> = None;
        for x0 in [10.0, ((w - tw) / 2.0).round(), (w - tw - 10.0).round()] {
            let x0 = x0.max(4.0);
            let Some(line_y) = line_height(&envelopes[group[0]], x0, x0 + tw) else {
                continue;
            };
            for side in [-1.0, 1.0] {
                let mid = line_y + side * OFFSET_PX;
                let spot = Placed {
                    x0,
                    x1: x0 + tw,
                    y0: mid - HALF_TEXT_PX,
                    y1: mid + HALF_TEXT_PX,
                };
                if spot.y0 < 2.0 || spot.y1 > h - 2.0 || placed.iter().any(|p| p.overlaps(&spot)) {
                    continue;
                }
                let cost = lines_covered(&spot, envelopes);
                if best.is_none_or(|(c, _)| cost < c) {
                    best = Some((cost, spot));
                }
            }
        }
        let Some((_, spot)) = best else { continue };
        // A light backing keeps the text readable where lines run under it.
        let corner = |x: f64, y: f64| (x.round() as i32, y.round() as i32);
        area.draw(&Rectangle::new(
            [
                corner(spot.x0 - 3.0, spot.y0),
                corner(spot.x1 + 3.0, spot.y1),
            ],
            style::WHITE.mix(0.8).filled(),
        ))?;
        let at = (
            spot.x0.round() as i32,
            ((spot.y0 + spot.y1) / 2.0).round() as i32,
        );
        frame::put_text(area, &text, at, &st, (HPos::Left, VPos::Center))?;
        placed.push(spot);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(y: f64, columns: usize) -> Envelope {
        vec![Some((y, y)); columns]
    }

    #[test]
    fn only_lines_that_coincide_nearly_everywhere_are_grouped() {
        let mut crossing = flat(80.0, 100);
        crossing[40..60].fill(Some((50.0, 50.0)));
        let envs = vec![flat(50.0, 100), flat(51.0, 100), flat(120.0, 100), crossing];
        assert_eq!(groups(&envs, 2.5), vec![vec![0, 1]]);
    }

    #[test]
    fn notes_name_the_group_or_count_all_arms() {
        let names = ["untreated", "finasteride", "minoxidil"];
        assert_eq!(text(&[0, 2], &names, Lang::En), "untreated = minoxidil");
        assert_eq!(text(&[0, 1, 2], &names, Lang::En), "all 3 arms coincide");
    }

    #[test]
    fn a_spot_crossed_by_a_line_costs_its_columns() {
        let spot = Placed {
            x0: 10.0,
            x1: 20.0,
            y0: 30.0,
            y1: 48.0,
        };
        assert_eq!(lines_covered(&spot, &[flat(40.0, 100)]), 10);
        assert_eq!(lines_covered(&spot, &[flat(80.0, 100)]), 0);
    }
}
