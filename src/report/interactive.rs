//! The report's interactive parts: the data its script reads (every arm's
//! curves, thinned to what a screen shows, and the what-if scan computed
//! here, at report time, so the page needs no server) and the markup of the
//! explorer and the what-if slider that the script draws into.

use super::{Input, ReportError};
use crate::charts;
use crate::escape::html;
use crate::i18n::Key;
use crate::scan::{self, CurveScan};
use crate::simulation::SimulationResult;
use crate::units::DAYS_PER_MONTH;
use serde::Serialize;
use std::fmt::Write as _;

/// Most points per line the explorer keeps (the rest would be below a pixel).
const EXPLORE_POINTS: usize = 360;
/// Output times of each what-if curve.
const WHAT_IF_POINTS: usize = 120;

/// The data the page's script reads.
#[derive(Serialize)]
pub(super) struct Data<'a> {
    lang: &'static str,
    msgs: Msgs,
    arms: Vec<ArmData<'a>>,
    what_if: Option<WhatIfData>,
}

#[derive(Serialize)]
struct Msgs {
    readout: &'static str,
    at_months: &'static str,
    metrics: [&'static str; 3],
    what_if_value: String,
    nominal: String,
    axis_time: &'static str,
    axis_hair: &'static str,
}

#[derive(Serialize)]
struct ArmData<'a> {
    name: &'a str,
    colour: String,
    dashed: bool,
    months: Vec<f64>,
    hair: Vec<f64>,
    shed: Vec<f64>,
    dht: Vec<f64>,
}

#[derive(Serialize)]
struct WhatIfData {
    values: Vec<f64>,
    nominal_index: usize,
    months: Vec<f64>,
    /// Per arm, per value, per time.
    hair: Vec<Vec<Vec<f64>>>,
    /// Endpoints: label and index into `months`.
    endpoints: Vec<(String, usize)>,
}

/// Round to a few significant digits: the page shows one decimal.
fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

/// Indices of at most `n` evenly spread rows of `len`, always the last.
fn spread(len: usize, n: usize) -> Vec<usize> {
    let step = len.div_ceil(n.max(1)).max(1);
    let mut idx: Vec<usize> = (0..len).step_by(step).collect();
    if len > 0 && idx.last() != Some(&(len - 1)) {
        idx.push(len - 1);
    }
    idx
}

fn arm_data(result: &SimulationResult) -> Vec<ArmData<'_>> {
    result
        .arms
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let (colour, dashed) = charts::arm_colour(i);
            let t = &a.trajectory;
            let idx = spread(t.len(), EXPLORE_POINTS);
            let start = t.rows.first().map_or(f64::NAN, |r| r.hair_count);
            let pick = |f: &dyn Fn(usize) -> f64| idx.iter().map(|&k| f(k)).collect::<Vec<f64>>();
            ArmData {
                name: &a.name,
                colour,
                dashed,
                months: pick(&|k| round(t.times_days[k] / DAYS_PER_MONTH, 3)),
                hair: pick(&|k| round(100.0 * t.rows[k].hair_count / start, 3)),
                shed: pick(&|k| round(t.rows[k].shedding_per_day, 1)),
                dht: pick(&|k| round(t.rows[k].dht, 4)),
            }
        })
        .collect()
}

/// The what-if scan of `input`'s `[report.what_if]`, if it has one.
pub(super) fn what_if(input: &Input) -> Result<Option<WhatIf>, ReportError> {
    let sc = input.scenario;
    let Some(w) = sc.report.what_if else {
        return Ok(None);
    };
    let n = WHAT_IF_POINTS;
    let times: Vec<f64> = (0..=n)
        .map(|k| sc.duration_days * k as f64 / n as f64)
        .collect();
    let values = w.range.values(w.steps);
    let scan =
        scan::curves(sc, w.varied, &values, &times).map_err(|source| ReportError::WhatIf {
            parameter: w.varied.name(),
            source,
        })?;
    let nominal_index = values
        .iter()
        .enumerate()
        .min_by(|a, b| {
            (a.1 - scan.nominal)
                .abs()
                .total_cmp(&(b.1 - scan.nominal).abs())
        })
        .map_or(0, |(i, _)| i);
    let endpoints = input
        .result
        .endpoint_times_days
        .iter()
        .map(|&t| {
            let k = ((t / sc.duration_days) * n as f64).round() as usize;
            (input.lang.time(t), k.min(n))
        })
        .collect();
    let data = WhatIfData {
        values: values.iter().map(|&v| round(v, 6)).collect(),
        nominal_index,
        months: times.iter().map(|t| round(t / DAYS_PER_MONTH, 3)).collect(),
        hair: scan
            .hair_count_pct
            .iter()
            .map(|arm| {
                arm.iter()
                    .map(|c| c.iter().map(|&v| round(v, 3)).collect())
                    .collect()
            })
            .collect(),
        endpoints,
    };
    Ok(Some(WhatIf { data, scan }))
}

/// The what-if scan: the data for the script and the scan itself.
pub(super) struct WhatIf {
    data: WhatIfData,
    scan: CurveScan,
}

/// The script's data for `input`, with its what-if scan if it has one.
pub(super) fn data<'a>(input: &'a Input, what_if: Option<WhatIf>) -> Data<'a> {
    let lang = input.lang;
    let scan = what_if.as_ref().map(|w| &w.scan);
    Data {
        lang: lang.name(),
        msgs: Msgs {
            readout: lang.get(Key::ExploreReadout),
            at_months: lang.get(Key::AtMonthsDecimal),
            metrics: [
                lang.get(Key::MetricHairCount),
                lang.get(Key::MetricShedding),
                lang.get(Key::MetricDht),
            ],
            what_if_value: scan
                .map(|s| lang.fill(Key::WhatIfValue, &[("parameter", s.parameter)]))
                .unwrap_or_default(),
            nominal: scan
                .map(|s| {
                    lang.fill(
                        Key::WhatIfNominal,
                        &[("value", &format!("{}", round(s.nominal, 6)))],
                    )
                })
                .unwrap_or_default(),
            axis_time: lang.get(Key::AxisTimeMonths),
            axis_hair: lang.get(Key::AxisHairCountPct),
        },
        arms: arm_data(input.result),
        what_if: what_if.map(|w| w.data),
    }
}

/// The explorer: arm toggles, the quantity shown, the chart the script draws.
pub(super) fn explore_section(body: &mut String, input: &Input) {
    let lang = input.lang;
    let t = |k: Key| html(lang.get(k)).into_owned();
    let _ = write!(
        body,
        r#"<p>{}</p><div class="controls"><fieldset class="arm-toggles"><legend>{}</legend>"#,
        t(Key::ExploreLead),
        t(Key::ExploreArms)
    );
    for (i, arm) in input.result.arms.iter().enumerate() {
        let (colour, dashed) = charts::arm_colour(i);
        let _ = write!(
            body,
            r#"<label><input type="checkbox" class="arm-toggle" data-arm="{i}" checked><svg class="swatch" width="28" height="10" aria-hidden="true"><line x1="1" y1="5" x2="27" y2="5" stroke="{colour}" stroke-width="3"{}/></svg>{}</label>"#,
            if dashed {
                r#" stroke-dasharray="5 3""#
            } else {
                ""
            },
            html(&arm.name)
        );
    }
    let _ = write!(
        body,
        r#"</fieldset><label class="metric">{} <select id="metric"><option value="0">{}</option><option value="1">{}</option><option value="2">{}</option></select></label></div><div class="explore-chart" id="explore-chart" tabindex="0" role="img" aria-label="{}" aria-describedby="explore-keys explore-readout"></div><p class="hint" id="explore-keys">{}</p><div class="readout" id="explore-readout" aria-live="polite"></div>"#,
        t(Key::ExploreMetric),
        t(Key::MetricHairCount),
        t(Key::MetricShedding),
        t(Key::MetricDht),
        t(Key::ExploreAlt),
        t(Key::ExploreKeys),
    );
}

/// The what-if slider and the chart and table the script fills.
pub(super) fn what_if_section(body: &mut String, input: &Input, what_if: &WhatIf) {
    let scan = &what_if.scan;
    let lang = input.lang;
    let steps = scan.values.len();
    let (lo, hi) = (
        scan.values.first().copied().unwrap_or(0.0),
        scan.values.last().copied().unwrap_or(0.0),
    );
    let lead = lang.fill(
        Key::WhatIfLead,
        &[
            ("parameter", scan.parameter),
            ("unit", scan.unit),
            ("steps", &steps.to_string()),
            ("lo", &round(lo, 6).to_string()),
            ("hi", &round(hi, 6).to_string()),
        ],
    );
    let _ = write!(
        body,
        r#"<p>{}</p><div class="controls"><label for="what-if-slider">{}</label> <input type="range" id="what-if-slider" min="0" max="{}" step="1" value="0"> <output id="what-if-value" for="what-if-slider"></output> <span class="hint" id="what-if-nominal"></span></div><div class="explore-chart" id="what-if-chart" role="img" aria-label="{}"></div><table class="what-if-table" id="what-if-table"><caption>{}</caption></table>"#,
        html(&lead),
        html(&lang.fill(Key::WhatIfValue, &[("parameter", scan.parameter)])),
        steps.saturating_sub(1),
        html(&lang.fill(Key::WhatIfAlt, &[("parameter", scan.parameter)])),
        html(lang.get(Key::WhatIfTable)),
    );
}
