//! Signals chart: the model's four driving signals (DHT, micro-inflammation,
//! growth factor, stimulation), one panel each, one line per arm.

use super::arms;
use super::axis::{self, Axis, DAYS_PER_MONTH};
use super::frame::{self, Area, Drawn, Page};
use super::plot::{self, PlotSpec};
use super::style;
use crate::i18n::{Key, Lang};
use crate::simulation::SimulationResult;
use crate::trajectory::Observables;

/// One of the signals the model tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Signal {
    Dht,
    Inflammation,
    GrowthFactor,
    Stimulation,
}

impl Signal {
    const ALL: [Signal; 4] = [
        Signal::Dht,
        Signal::Inflammation,
        Signal::GrowthFactor,
        Signal::Stimulation,
    ];

    fn value(self, r: &Observables) -> f64 {
        match self {
            Signal::Dht => r.dht,
            Signal::Inflammation => r.inflammation,
            Signal::GrowthFactor => r.growth_factor,
            Signal::Stimulation => r.stimulation,
        }
    }

    /// Panel title.
    pub(super) fn title(self) -> Key {
        match self {
            Signal::Dht => Key::SignalDhtTitle,
            Signal::Inflammation => Key::SignalInflammationTitle,
            Signal::GrowthFactor => Key::SignalGrowthFactorTitle,
            Signal::Stimulation => Key::SignalStimulationTitle,
        }
    }

    /// Unit, shown next to the panel title.
    pub(super) fn unit(self) -> Key {
        match self {
            Signal::Dht => Key::UnitDht,
            _ => Key::UnitIndex,
        }
    }

    /// Short y-axis name that fits a small panel.
    fn y_desc(self) -> Key {
        match self {
            Signal::Dht => Key::UnitDhtShort,
            _ => Key::UnitIndex,
        }
    }
}

/// Canvas size.
pub(super) fn size(_result: &SimulationResult) -> (u32, u32) {
    (1200, 900)
}

/// The whole chart.
pub(super) fn draw(root: &Area, result: &SimulationResult, page: &Page) -> Drawn {
    let lang = page.lang;
    let body = super::arms_page(root, result, page, lang.get(Key::SubtitleSignals))?;
    let x = super::time_axis_of(result, 8);
    for (signal, cell) in Signal::ALL.into_iter().zip(frame::grid(&body, 2, 2)) {
        let area = frame::panel_title(
            &cell,
            lang.get(signal.title()),
            style::INK,
            lang.get(signal.unit()),
        )?;
        panel(&area, result, &x, signal, lang)?;
    }
    Ok(())
}

/// One signal as lines on `area`; DHT gets a dashed line at the untreated level.
pub(super) fn panel(
    area: &Area,
    result: &SimulationResult,
    x: &Axis,
    signal: Signal,
    lang: Lang,
) -> Drawn {
    let series: Vec<Vec<(f64, f64)>> = result
        .arms
        .iter()
        .map(|a| {
            a.trajectory
                .series(|r| signal.value(r))
                .into_iter()
                .map(|(t, v)| (t / DAYS_PER_MONTH, v))
                .collect()
        })
        .collect();
    // Every signal is a non-negative level; DHT always shows its untreated 1.
    let always = match signal {
        Signal::Dht => Some(1.0),
        _ => None,
    };
    let values = series.iter().flatten().map(|p| p.1).chain(always);
    let y = axis::non_negative_axis(values, 1.05, 5.0);
    let chart = plot::plot(
        area,
        &PlotSpec::new(x, &y, axis::time_title(x, lang), lang.get(signal.y_desc())),
    )?;
    if signal == Signal::Dht {
        plot::reference_line(&chart, x, 1.0)?;
    }
    let names: Vec<&str> = result.arms.iter().map(|a| a.name.as_str()).collect();
    arms::draw(&chart, &series, &names, 2, lang)
}
