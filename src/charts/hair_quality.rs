//! Hair-quality chart: what the seeds' "thickness" and "growth speed" claims
//! can be compared with. Shaft growth speed (mm/day) and the hair-mass index
//! (count × diameter², per cm²), then either the native and transplanted hair
//! counts (when an arm has a transplant) or the mean diameter and density;
//! one panel each, one line per arm.

use super::arms;
use super::axis::{self, Axis, DAYS_PER_MONTH};
use super::frame::{self, Area, Drawn, Page};
use super::plot::{self, PlotSpec};
use super::style;
use crate::i18n::{Key, Lang};
use crate::simulation::SimulationResult;
use crate::trajectory::Observables;

/// One quantity a panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quantity {
    GrowthSpeed,
    HairMass,
    NativeHairs,
    GraftHairs,
    Diameter,
    Density,
}

impl Quantity {
    fn value(self, r: &Observables) -> f64 {
        match self {
            Quantity::GrowthSpeed => r.growth_speed_mm_per_day,
            Quantity::HairMass => r.hair_mass_index,
            Quantity::NativeHairs => r.native_hair_count,
            Quantity::GraftHairs => r.graft_hair_count,
            Quantity::Diameter => r.mean_diameter_um,
            Quantity::Density => r.hair_density_per_cm2,
        }
    }

    /// Panel title and unit.
    fn title(self) -> (Key, Key) {
        match self {
            Quantity::GrowthSpeed => (Key::QualityGrowthSpeedTitle, Key::QualityGrowthSpeedUnit),
            Quantity::HairMass => (Key::QualityHairMassTitle, Key::QualityHairMassUnit),
            Quantity::NativeHairs => (Key::QualityNativeHairsTitle, Key::QualityNativeHairsUnit),
            Quantity::GraftHairs => (Key::QualityGraftHairsTitle, Key::QualityGraftHairsUnit),
            Quantity::Diameter => (Key::QualityDiameterTitle, Key::UnitMicrometre),
            Quantity::Density => (Key::QualityDensityTitle, Key::QualityDensityUnit),
        }
    }

    /// Short y-axis name that fits a small panel.
    fn y_desc(self) -> Key {
        match self {
            Quantity::GrowthSpeed => Key::UnitMmPerDay,
            Quantity::HairMass => Key::UnitIndexShort,
            Quantity::NativeHairs | Quantity::GraftHairs => Key::UnitHairs,
            Quantity::Diameter => Key::UnitMicrometre,
            Quantity::Density => Key::UnitHairsPerCm2,
        }
    }

    /// Whether the axis starts at 0 (counts) rather than around the values
    /// (small differences in speed, diameter or mass would vanish from 0).
    fn axis_at_zero(self) -> bool {
        matches!(self, Quantity::NativeHairs | Quantity::GraftHairs)
    }
}

/// The panels for `result`: the per-population counts when an arm has grafts.
fn quantities(result: &SimulationResult) -> [Quantity; 4] {
    let grafts = result
        .arms
        .iter()
        .any(|a| a.trajectory.rows.iter().any(|r| r.graft_follicles > 0.0));
    if grafts {
        [
            Quantity::GrowthSpeed,
            Quantity::HairMass,
            Quantity::NativeHairs,
            Quantity::GraftHairs,
        ]
    } else {
        [
            Quantity::GrowthSpeed,
            Quantity::HairMass,
            Quantity::Diameter,
            Quantity::Density,
        ]
    }
}

/// Canvas size.
pub(super) fn size(_result: &SimulationResult) -> (u32, u32) {
    (1200, 900)
}

/// The whole chart.
pub(super) fn draw(root: &Area, result: &SimulationResult, page: &Page) -> Drawn {
    let lang = page.lang;
    let body = super::arms_page(root, result, page, lang.get(Key::SubtitleHairQuality))?;
    let x = super::time_axis_of(result, 8);
    for (q, cell) in quantities(result).into_iter().zip(frame::grid(&body, 2, 2)) {
        let (name, unit) = q.title();
        let area = frame::panel_title(&cell, lang.get(name), style::INK, lang.get(unit))?;
        panel(&area, result, &x, q, lang)?;
    }
    Ok(())
}

/// One quantity as lines on `area`.
fn panel(area: &Area, result: &SimulationResult, x: &Axis, q: Quantity, lang: Lang) -> Drawn {
    let series: Vec<Vec<(f64, f64)>> = result
        .arms
        .iter()
        .map(|a| {
            a.trajectory
                .series(|r| q.value(r))
                .into_iter()
                .map(|(t, v)| (t / DAYS_PER_MONTH, v))
                .collect()
        })
        .collect();
    let values = series.iter().flatten().map(|p| p.1);
    let y = if q.axis_at_zero() {
        axis::non_negative_axis(values, 1.05, 5.0)
    } else {
        let (lo, hi) = axis::extent(values, &[]);
        let pad = (0.05 * (hi - lo)).max(0.01 * hi.abs()).max(1e-9);
        axis::value_axis(lo - pad, hi + pad, 5.0)
    };
    let chart = plot::plot(
        area,
        &PlotSpec::new(x, &y, axis::time_title(x, lang), lang.get(q.y_desc())),
    )?;
    let names: Vec<&str> = result.arms.iter().map(|a| a.name.as_str()).collect();
    arms::draw(&chart, &series, &names, 2, lang)
}
