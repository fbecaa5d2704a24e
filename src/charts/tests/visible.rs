//! Every arm a legend lists can be seen in every panel it is listed for.
//!
//! The check renders a chart, then renders it again with one arm left out of
//! one panel (lines or bars only: labels, notes and axes stay), and counts the
//! pixels that change. An arm hidden under other arms changes nothing and
//! fails. It runs on every chart of every shipped scenario.

use rayon::prelude::*;

use super::super::arms::probe;
use super::super::raster::{self, Rgb};
use super::super::{render, ChartKind, ImageFormat};
use super::{arm, result_with};
use crate::simulation::SimulationResult;

/// A pixel has changed when a channel moved by at least this much: more than
/// anti-aliasing noise, less than any arm colour against white or another arm.
const CHANGED: u8 = 40;
/// Pixels an arm must show of its own in a panel: a short stretch of line or
/// the stub of a zero bar.
const MIN_OWN_PX: usize = 30;

/// The chart's pixels with `hidden` = (panel, arm) left out, and the number of
/// arm panels it has.
fn pixels(
    result: &SimulationResult,
    kind: ChartKind,
    hidden: Option<(usize, usize)>,
) -> (Rgb, usize) {
    probe::start(hidden);
    let svg = render(result, kind, ImageFormat::Svg).expect("renders");
    let panels = probe::panels();
    let svg = String::from_utf8(svg).expect("UTF-8");
    (raster::rgb(&svg).expect("rasterizes"), panels)
}

/// Pixels that differ clearly between two renderings of the same size.
fn changed(a: &Rgb, b: &Rgb) -> usize {
    assert_eq!((a.width, a.height), (b.width, b.height));
    a.rgb
        .chunks_exact(3)
        .zip(b.rgb.chunks_exact(3))
        .filter(|(p, q)| {
            p.iter()
                .zip(q.iter())
                .any(|(x, y)| x.abs_diff(*y) >= CHANGED)
        })
        .count()
}

/// "chart panel p: arm `name` shows n px" for every arm panel of `kind` where an
/// arm shows fewer than [`MIN_OWN_PX`] pixels of its own.
fn hidden_arms(result: &SimulationResult, kind: ChartKind) -> Vec<String> {
    let (base, panels) = pixels(result, kind, None);
    let mut problems = Vec::new();
    for panel in 0..panels {
        for (i, a) in result.arms.iter().enumerate() {
            let (without, _) = pixels(result, kind, Some((panel, i)));
            let own = changed(&base, &without);
            if own < MIN_OWN_PX {
                problems.push(format!(
                    "{} {} panel {panel}: arm `{}` shows {own} px of its own",
                    result.scenario,
                    kind.name(),
                    a.name
                ));
            }
        }
    }
    problems
}

/// Every shipped scenario, simulated with its cohort if it has one.
fn shipped() -> Vec<SimulationResult> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("scenarios/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
        .par_iter()
        .map(|path| {
            let sc = crate::scenario::load(path).expect("shipped scenario loads");
            let mut result = crate::simulation::simulate(&sc).expect("shipped scenario runs");
            if let Some(pop) = &sc.population {
                result.population =
                    Some(crate::population::run(&sc, pop, &|_| {}).expect("cohort runs"));
            }
            result
        })
        .collect()
}

#[test]
fn every_arm_shows_in_every_panel_of_every_shipped_chart() {
    let results = shipped();
    assert!(results.len() >= 8, "{} scenarios", results.len());
    let jobs: Vec<(&SimulationResult, ChartKind)> = results
        .iter()
        .flat_map(|r| {
            ChartKind::ALL
                .into_iter()
                .filter(|k| k.applies_to(r))
                .map(move |k| (r, k))
        })
        .collect();
    let checked: Vec<(usize, Vec<String>)> = jobs
        .par_iter()
        .map(|&(r, k)| {
            let (_, panels) = pixels(r, k, None);
            (panels, hidden_arms(r, k))
        })
        .collect();
    let panels: usize = checked.iter().map(|c| c.0).sum();
    assert!(panels >= 8 * 10, "only {panels} arm panels were checked");
    let problems: Vec<String> = checked.into_iter().flat_map(|c| c.1).collect();
    assert!(
        problems.is_empty(),
        "arms not visible:\n{}",
        problems.join("\n")
    );
}

/// The check can fail: it finds an arm that draws nothing in one panel (here
/// one without a finite inflammation value), while the same arms pass where
/// their lines coincide and take turns.
#[test]
fn the_check_catches_an_arm_with_nothing_of_its_own() {
    let mut result = result_with(vec![
        arm("a", Vec::new(), 0.02, 0.0, 0.5),
        arm("b", Vec::new(), 0.05, 0.0, 0.5),
        arm("c", Vec::new(), 0.08, 0.0, 0.7),
    ]);
    assert!(hidden_arms(&result, ChartKind::Signals).is_empty());
    for row in &mut result.arms[2].trajectory.rows {
        row.inflammation = f64::NAN;
    }
    let problems = hidden_arms(&result, ChartKind::Signals);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("panel 1: arm `c` shows 0 px"),
        "{problems:?}"
    );
}
