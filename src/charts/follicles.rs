//! Follicle chart: the follicle-level automaton against the ODE. One panel
//! per share (anagen and terminal, of the follicles present): each arm's ODE
//! as a line, the automaton's ± 2 standard errors as a band of the arm's
//! colour around it.

use super::arms;
use super::axis::{self, Axis, DAYS_PER_MONTH};
use super::frame::{self, Area, Drawn};
use super::plot::{self, PlotSpec};
use super::{render_one, style, ChartError, Figure, ImageFormat};
use crate::follicles::FollicleResult;
use crate::i18n::{Key, Lang};

struct FollicleFigure<'r>(&'r FollicleResult, Lang);

/// Render the follicle chart as SVG or PNG, its text in `lang`.
pub fn render(
    result: &FollicleResult,
    format: ImageFormat,
    lang: Lang,
) -> Result<Vec<u8>, ChartError> {
    let label = lang.footer(&result.scenario);
    render_one(
        &FollicleFigure(result, lang),
        "follicles",
        (1200, 700),
        format,
        &label,
    )
}

/// The panels: which share (index into `Counts::shares` and
/// `PhaseShares::values`) and its title.
const PANELS: [(usize, Key); 2] = [
    (0, Key::FolliclesPanelAnagen),
    (4, Key::FolliclesPanelTerminal),
];

impl Figure for FollicleFigure<'_> {
    fn draw(&self, root: &Area) -> Drawn {
        let (r, lang) = (self.0, self.1);
        let title = lang.fill(Key::FolliclesTitle, &[("scenario", &r.scenario)]);
        let subtitle = lang.fill(
            Key::FolliclesSubtitle,
            &[("n", &r.settings.follicles.to_string())],
        );
        let body = frame::page(root, &title, &subtitle, &lang.footer(&r.scenario))?;
        let names: Vec<&str> = r.arms.iter().map(|a| a.name.as_str()).collect();
        let body = frame::legend(&body, &frame::arm_legend(&names, false))?;
        let (first, last) = axis::extent(r.times_days.iter().copied(), &[]);
        let x = axis::time_axis(first, last, 8);
        for ((share, name), cell) in PANELS.into_iter().zip(frame::grid(&body, 1, 2)) {
            let area = frame::panel_title(&cell, lang.get(name), style::INK, "")?;
            panel(&area, r, (&x, share), &names, lang)?;
        }
        Ok(())
    }
}

/// One share: the ODE's lines and the automaton's bands.
fn panel(
    area: &Area,
    r: &FollicleResult,
    (x, share): (&Axis, usize),
    names: &[&str],
    lang: Lang,
) -> Drawn {
    let months = |t: f64| t / DAYS_PER_MONTH;
    let ode: Vec<Vec<(f64, f64)>> = r
        .arms
        .iter()
        .map(|a| {
            r.times_days
                .iter()
                .zip(&a.ode)
                .map(|(&t, o)| (months(t), o.values()[share]))
                .collect()
        })
        .collect();
    let bands: Vec<[Vec<(f64, f64)>; 2]> = r
        .arms
        .iter()
        .map(|a| {
            let e: Vec<(f64, f64, f64)> = r
                .times_days
                .iter()
                .zip(&a.counts)
                .map(|(&t, c)| {
                    let s = c.shares()[share];
                    (months(t), s.value, 2.0 * s.se)
                })
                .collect();
            [
                e.iter().map(|&(t, v, w)| (t, v + w)).collect(),
                e.iter().map(|&(t, v, w)| (t, v - w)).collect(),
            ]
        })
        .collect();
    let values = ode
        .iter()
        .flatten()
        .map(|p| p.1)
        .chain(bands.iter().flatten().flatten().map(|p| p.1));
    let (lo, hi) = axis::extent(values, &[]);
    let pad = (0.05 * (hi - lo)).max(1e-3);
    let y = axis::value_axis(lo - pad, hi + pad, 5.0);
    let chart = plot::plot(
        area,
        &PlotSpec::new(
            x,
            &y,
            axis::time_title(x, lang),
            lang.get(Key::FolliclesAxisShare),
        ),
    )?;
    for (i, [upper, lower]) in bands.iter().enumerate() {
        let colour = style::arm_style(i).colour;
        plot::fill_between(&chart, upper, Some(lower), colour, 0.3)?;
    }
    arms::draw(&chart, &ode, names, 2, lang)
}
