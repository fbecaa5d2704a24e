//! `sim report`: one self-contained HTML page that holds a scenario's results
//! for a class: the label, the scenario in words, the mechanism map, an
//! interactive explorer, the what-if slider, every chart as inline SVG, the
//! endpoint table, a narrative per arm, the cohort, the evidence and all that
//! reproduces it. Styles, script, fonts and data are inline; the page's
//! Content-Security-Policy allows no request at all and only its own script.
//!
//! Pure: scenario and results in, HTML text out. Scenario text reaches the
//! page only through [`crate::escape::html`] (markup) and
//! [`crate::escape::script_json`] (the data the script reads).
//!
//! The page is a list of [`Section`]s. A section that the scenario has to ask
//! for (the what-if slider, `[report.what_if]`) reads its setting from
//! [`crate::scenario::ReportSettings`]: the follicle animation and scalp map
//! (issue 22) are meant to come in the same way, as a variant of `Section`,
//! a function that writes it, and a key of `[report]`.

mod map;
mod webfont;
mod words;

use crate::charts::{self, ChartError, ChartKind, ImageFormat};
use crate::endpoints::{self, UNTREATED_ARM};
use crate::escape::{html, script_json};
use crate::i18n::{Key, Lang};
use crate::population::VariedError;
use crate::scan::{self, CurveScan};
use crate::scenario::Scenario;
use crate::simulation::SimulationResult;
use crate::units::DAYS_PER_MONTH;
use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

pub use webfont::WebFontError;

const CSS: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// Most points per line the explorer keeps (the rest would be below a pixel).
const EXPLORE_POINTS: usize = 360;
/// Output times of each what-if curve.
const WHAT_IF_POINTS: usize = 120;

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A chart failed.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// The what-if scan failed.
    #[error("the what-if scan of `{parameter}` failed")]
    WhatIf {
        /// The parameter.
        parameter: &'static str,
        /// Why.
        #[source]
        source: VariedError,
    },
    /// A font could not be embedded.
    #[error(transparent)]
    Font(#[from] WebFontError),
    /// The data could not be serialized.
    #[error("cannot serialize the report's data")]
    Json(#[from] serde_json::Error),
}

/// What a report is made from.
pub struct Input<'a> {
    /// The validated scenario.
    pub scenario: &'a Scenario,
    /// The scenario file exactly as read.
    pub text: &'a str,
    /// The scenario's path as given (for the command that reproduces it).
    pub file: &'a str,
    /// Its simulation.
    pub result: &'a SimulationResult,
    /// The language of every text.
    pub lang: Lang,
}

/// The sections, in page order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The scenario in words.
    Scenario,
    /// The mechanism map.
    Map,
    /// The interactive explorer (arm toggles, hover).
    Explore,
    /// The what-if slider (when the scenario asks for it).
    WhatIf,
    /// Every chart as inline SVG.
    Charts,
    /// The endpoint table.
    Endpoints,
    /// A narrative per arm.
    Narrative,
    /// Cohort bands and responder rates (a note without a cohort).
    Cohort,
    /// Evidence grades of the treatments used.
    Evidence,
    /// Scenario text, version, solver settings.
    Reproduce,
}

impl Section {
    /// Every section, in page order.
    pub const ALL: [Section; 10] = [
        Section::Scenario,
        Section::Map,
        Section::Explore,
        Section::WhatIf,
        Section::Charts,
        Section::Endpoints,
        Section::Narrative,
        Section::Cohort,
        Section::Evidence,
        Section::Reproduce,
    ];

    /// The element id (stable: the browser test looks for it).
    pub fn id(self) -> &'static str {
        match self {
            Section::Scenario => "scenario",
            Section::Map => "mechanism-map",
            Section::Explore => "explore",
            Section::WhatIf => "what-if",
            Section::Charts => "charts",
            Section::Endpoints => "endpoints",
            Section::Narrative => "narrative",
            Section::Cohort => "cohort",
            Section::Evidence => "evidence",
            Section::Reproduce => "reproduce",
        }
    }

    fn heading(self) -> Key {
        match self {
            Section::Scenario => Key::SecScenario,
            Section::Map => Key::SecMap,
            Section::Explore => Key::SecExplore,
            Section::WhatIf => Key::SecWhatIf,
            Section::Charts => Key::SecCharts,
            Section::Endpoints => Key::SecEndpoints,
            Section::Narrative => Key::SecNarrative,
            Section::Cohort => Key::SecCohort,
            Section::Evidence => Key::SecEvidence,
            Section::Reproduce => Key::SecReproduce,
        }
    }

    /// Whether the page has this section for `scenario`.
    pub fn applies_to(self, scenario: &Scenario) -> bool {
        self != Section::WhatIf || scenario.report.what_if.is_some()
    }
}

/// The data the page's script reads.
#[derive(Serialize)]
struct Data<'a> {
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

fn what_if_data(input: &Input) -> Result<Option<(WhatIfData, CurveScan)>, ReportError> {
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
    Ok(Some((data, scan)))
}

/// `sha256-…` of `text`, for the Content-Security-Policy.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The whole page.
pub fn html_page(input: &Input) -> Result<String, ReportError> {
    let lang = input.lang;
    let sc = input.scenario;
    let result = input.result;
    let kinds: Vec<ChartKind> = sc
        .plot
        .charts
        .iter()
        .copied()
        .filter(|k| k.applies_to(result))
        .collect();
    let charts = charts::render_all(result, &kinds, &[ImageFormat::Svg], lang)?;
    let what_if = what_if_data(input)?;

    let sections: Vec<Section> = Section::ALL
        .into_iter()
        .filter(|s| s.applies_to(sc))
        .collect();
    let mut body = String::new();
    let t = |k: Key| html(lang.get(k)).into_owned();
    let title = lang.fill(Key::ReportTitle, &[("scenario", &sc.name)]);
    let footer = lang.footer(&sc.name);

    let _ = write!(
        body,
        r##"<a class="skip" href="#main">{}</a><header class="label" role="note" id="label-top"><strong>{}</strong><span>{}</span></header><main id="main"><h1>{}</h1><p class="lead">{}</p>"##,
        t(Key::SkipToContent),
        t(Key::LabelShort),
        t(Key::LabelFull),
        html(&title),
        html(&lang.fill(Key::ReportLead, &[("scenario", &sc.name)])),
    );
    if !sc.description.is_empty() {
        let _ = write!(
            body,
            r#"<p class="description">{}</p>"#,
            html(&sc.description)
        );
    }
    let _ = write!(
        body,
        r#"<nav aria-labelledby="toc"><h2 id="toc">{}</h2><ol>"#,
        t(Key::Contents)
    );
    for s in &sections {
        let _ = write!(
            body,
            r##"<li><a href="#{}">{}</a></li>"##,
            s.id(),
            t(s.heading())
        );
    }
    body.push_str("</ol></nav>");

    let ends = endpoints::compute(result);
    for s in &sections {
        let _ = write!(
            body,
            r#"<section id="{id}" aria-labelledby="{id}-h"><h2 id="{id}-h">{}</h2>"#,
            t(s.heading()),
            id = s.id()
        );
        match s {
            Section::Scenario => body.push_str(&words::scenario(sc, lang)),
            Section::Map => map_section(&mut body, input),
            Section::Explore => explore_section(&mut body, input),
            Section::WhatIf => {
                if let Some((_, scan)) = &what_if {
                    what_if_section(&mut body, input, scan);
                }
            }
            Section::Charts => {
                let _ = write!(body, "<p>{}</p>", t(Key::ChartsLead));
                for c in &charts {
                    let svg = String::from_utf8_lossy(&c.bytes);
                    let alt = chart_alt(c.kind, result, lang);
                    let _ = write!(
                        body,
                        r#"<figure class="chart" id="chart-{name}"><div role="img" aria-label="{alt}">{svg}</div><figcaption>{cap}</figcaption></figure>"#,
                        name = c.kind.name(),
                        alt = html(&alt),
                        cap = html(&charts::title(result, c.kind, lang)),
                    );
                }
            }
            Section::Endpoints => endpoint_table(&mut body, input, &ends),
            Section::Narrative => {
                body.push_str("<dl class=\"narrative\">");
                for (arm, e) in result.arms.iter().zip(&ends) {
                    let _ = write!(
                        body,
                        "<dt>{}</dt><dd>{}</dd>",
                        html(&arm.name),
                        words::narrative(arm, e, result.duration_days, lang)
                    );
                }
                body.push_str("</dl>");
            }
            Section::Cohort => cohort_section(&mut body, input),
            Section::Evidence => evidence_section(&mut body, input),
            Section::Reproduce => reproduce_section(&mut body, input),
        }
        body.push_str("</section>");
    }
    let _ = write!(
        body,
        r#"<p class="print-note">{}</p></main><footer class="label" role="contentinfo" id="label-bottom"><strong>{}</strong> · {}</footer>"#,
        t(Key::PrintNote),
        t(Key::LabelShort),
        html(&footer)
    );

    let data = Data {
        lang: lang.name(),
        msgs: Msgs {
            readout: lang.get(Key::ExploreReadout),
            at_months: lang.get(Key::AtMonthsDecimal),
            metrics: [
                lang.get(Key::MetricHairCount),
                lang.get(Key::MetricShedding),
                lang.get(Key::MetricDht),
            ],
            what_if_value: what_if
                .as_ref()
                .map(|(_, s)| lang.fill(Key::WhatIfValue, &[("parameter", s.parameter)]))
                .unwrap_or_default(),
            nominal: what_if
                .as_ref()
                .map(|(_, s)| {
                    lang.fill(
                        Key::WhatIfNominal,
                        &[("value", &format!("{}", round(s.nominal, 6)))],
                    )
                })
                .unwrap_or_default(),
            axis_time: lang.get(Key::AxisTimeMonths),
            axis_hair: lang.get(Key::AxisHairCountPct),
        },
        arms: arm_data(result),
        what_if: what_if.map(|(d, _)| d),
    };
    let json = script_json(&data)?;
    // Every character the page can show, for the font subsets.
    let fonts = webfont::font_faces(&format!("{body}{json}{title}0123456789.,:%+−–— ()"))?;
    let css = format!("{fonts}{CSS}");
    let csp = format!(
        "default-src 'none'; script-src {}; style-src {}; font-src data:; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(SCRIPT),
        csp_hash(&css)
    );
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n<meta name=\"generator\" content=\"hairsim {version}\">\n<title>{title}</title>\n<style>{css}</style>\n</head>\n<body>\n{body}\n<script type=\"application/json\" id=\"report-data\">{json}</script>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        lang = lang.name(),
        csp = html(&csp),
        version = crate::label::VERSION,
        title = html(&format!("{title} — {}", lang.get(Key::LabelShort))),
    ))
}

fn chart_alt(kind: ChartKind, result: &SimulationResult, lang: Lang) -> String {
    let key = match kind {
        ChartKind::HairCount => Key::AltHairCount,
        ChartKind::Phases => Key::AltPhases,
        ChartKind::Shedding => Key::AltShedding,
        ChartKind::Signals => Key::AltSignals,
        ChartKind::Endpoints => Key::AltEndpoints,
        ChartKind::Summary => Key::AltSummary,
        ChartKind::Responders => Key::AltResponders,
    };
    lang.fill(key, &[("duration", &lang.duration(result.duration_days))])
}

fn map_section(body: &mut String, input: &Input) {
    let lang = input.lang;
    let sc = input.scenario;
    let mut seen: Vec<&str> = Vec::new();
    let mut treatments = Vec::new();
    for t in sc.arms.iter().flat_map(|a| &a.treatments) {
        if !seen.contains(&t.kind.name())
            || matches!(t.kind, crate::treatment::TreatmentKind::Custom { .. })
        {
            seen.push(t.kind.name());
            treatments.push(map::MapTreatment {
                label: words::kind_words(&t.kind, lang),
                kind: t.kind,
            });
        }
    }
    let m = map::draw(&sc.patient.params, &treatments, lang);
    let _ = write!(
        body,
        r#"<p>{}</p><figure class="map-figure">{}<figcaption><span class="key up">{}</span> <span class="key down">{}</span><br>{}</figcaption></figure><details><summary>{}</summary><ul class="arrows">"#,
        html(lang.get(Key::MapLead)),
        m.svg,
        html(lang.get(Key::MapLegendSpeeds)),
        html(lang.get(Key::MapLegendSlows)),
        html(lang.get(Key::MapTransitionNote)),
        html(lang.get(Key::SecMap)),
    );
    for a in &m.arrows {
        let class = match a.direction {
            crate::model::structure::Direction::Up => "up",
            crate::model::structure::Direction::Down => "down",
        };
        let _ = write!(
            body,
            r#"<li class="{class}">{} → {} → {}</li>"#,
            html(&a.from),
            html(a.verb),
            html(&a.to)
        );
    }
    body.push_str("</ul></details>");
}

fn explore_section(body: &mut String, input: &Input) {
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

fn what_if_section(body: &mut String, input: &Input, scan: &CurveScan) {
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
        html(&lang.fill(Key::WhatIfAtEndpoint, &[("time", "…")])),
    );
}

fn endpoint_table(body: &mut String, input: &Input, ends: &[Vec<endpoints::Endpoint>]) {
    let lang = input.lang;
    let result = input.result;
    let has_untreated = result.arms.iter().any(|a| a.name == UNTREATED_ARM);
    let _ = write!(body, "<p>{}</p>", html(lang.get(Key::EndpointsLead)));
    if !has_untreated {
        let _ = write!(body, "<p>{}</p>", html(lang.get(Key::NoUntreatedArm)));
    }
    let _ = write!(
        body,
        r#"<div class="table-wrap"><table class="endpoints"><thead><tr><th scope="col">{}</th>"#,
        html(lang.get(Key::ColArm))
    );
    for &t in &result.endpoint_times_days {
        let time = lang.time(t);
        let _ = write!(
            body,
            r#"<th scope="col">{}</th>"#,
            html(&lang.fill(Key::ColVsStart, &[("time", &time)]))
        );
        if has_untreated {
            let _ = write!(
                body,
                r#"<th scope="col">{}</th>"#,
                html(&lang.fill(Key::ColVsUntreated, &[("time", &time)]))
            );
        }
    }
    body.push_str("</tr></thead><tbody>");
    for (arm, e) in result.arms.iter().zip(ends) {
        let _ = write!(body, r#"<tr><th scope="row">{}</th>"#, html(&arm.name));
        for &t in &result.endpoint_times_days {
            let ep = e.iter().find(|x| (x.time_days - t).abs() < 1e-9);
            let _ = write!(
                body,
                "<td>{}</td>",
                ep.map_or("—".into(), |x| words::signed(x.hair_count_change_pct)
                    + " %")
            );
            if has_untreated {
                let v = ep.and_then(|x| x.change_vs_untreated_pct);
                let _ = write!(
                    body,
                    "<td>{}</td>",
                    v.map_or("—".into(), |x| words::signed(x) + " %")
                );
            }
        }
        body.push_str("</tr>");
    }
    body.push_str("</tbody></table></div>");
}

fn cohort_section(body: &mut String, input: &Input) {
    let lang = input.lang;
    let result = input.result;
    let Some(pop) = &result.population else {
        let _ = write!(body, "<p>{}</p>", html(lang.get(Key::CohortNone)));
        return;
    };
    let lead = lang.fill(
        Key::CohortLead,
        &[
            ("size", &pop.size.to_string()),
            ("seed", &pop.seed.to_string()),
            (
                "threshold",
                &format!("{:+.0}", 100.0 * pop.responder_threshold),
            ),
            ("time", &lang.time(pop.responder_time_days)),
        ],
    );
    let _ = write!(
        body,
        r#"<p>{}</p><div class="table-wrap"><table class="cohort"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>"#,
        html(&lead),
        html(lang.get(Key::ColArm)),
        html(lang.get(Key::ColResponders))
    );
    for &t in &result.endpoint_times_days {
        let _ = write!(
            body,
            r#"<th scope="col">{}</th>"#,
            html(&lang.fill(Key::ColMedianBand, &[("time", &lang.time(t))]))
        );
    }
    body.push_str("</tr></thead><tbody>");
    for a in &pop.arms {
        let _ = write!(
            body,
            r#"<tr><th scope="row">{}</th><td>{:.1} %</td>"#,
            html(&a.name),
            100.0 * a.responder_rate
        );
        for &t in &result.endpoint_times_days {
            let cell = a
                .times_days
                .iter()
                .position(|x| (x - t).abs() < 1e-6)
                .map(|i| a.hair_count_pct[i].map(|q| q - 100.0))
                .map_or("—".into(), |q| {
                    format!(
                        "{} % ({} … {})",
                        words::signed(q[2]),
                        words::signed(q[0]),
                        words::signed(q[4])
                    )
                });
            let _ = write!(body, "<td>{cell}</td>");
        }
        body.push_str("</tr>");
    }
    body.push_str("</tbody></table></div>");
}

fn evidence_section(body: &mut String, input: &Input) {
    let lang = input.lang;
    let _ = write!(
        body,
        r#"<p>{}</p><div class="table-wrap"><table class="evidence"><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
        html(lang.get(Key::EvidenceLead)),
        html(lang.get(Key::ColTreatment)),
        html(lang.get(Key::ColGrade)),
        html(lang.get(Key::ColSource)),
    );
    let mut seen: Vec<&str> = Vec::new();
    for t in input.scenario.arms.iter().flat_map(|a| &a.treatments) {
        if seen.contains(&t.kind.name()) {
            continue;
        }
        seen.push(t.kind.name());
        let grade = match t.kind.evidence() {
            crate::treatment::Evidence::Strong => Key::EvidenceStrong,
            crate::treatment::Evidence::Medium => Key::EvidenceMedium,
            crate::treatment::Evidence::LowMedium => Key::EvidenceLowMedium,
            crate::treatment::Evidence::Low => Key::EvidenceLow,
            crate::treatment::Evidence::Speculative => Key::EvidenceSpeculative,
            crate::treatment::Evidence::Assumed => Key::EvidenceAssumed,
        };
        let source = t
            .kind
            .mechanism()
            .map_or(String::new(), |m| format!("{} — {}", m.moves, m.evidence));
        let note = if lang == Lang::En {
            ""
        } else {
            lang.get(Key::SourceInEnglish)
        };
        let _ = write!(
            body,
            r#"<tr><th scope="row">{}</th><td class="grade grade-{:?}">{}</td><td lang="en">{} <span lang="{}">{}</span></td></tr>"#,
            html(&words::kind_words(&t.kind, lang)),
            t.kind.evidence(),
            html(lang.get(grade)),
            html(&source),
            lang.name(),
            html(note),
        );
    }
    body.push_str("</tbody></table></div>");
}

fn reproduce_section(body: &mut String, input: &Input) {
    let lang = input.lang;
    let s = &input.result.solver;
    let solver = lang.fill(
        Key::ReproduceSolverLine,
        &[
            ("method", s.method().name()),
            ("rtol", &format!("{:e}", s.rtol())),
            ("atol", &format!("{:e}", s.atol())),
            ("max_steps", &s.max_steps().to_string()),
        ],
    );
    let lang_flag = if lang == Lang::En {
        String::new()
    } else {
        format!(" --lang {}", lang.name())
    };
    let command = format!("sim report {}{lang_flag}", input.file);
    let _ = write!(
        body,
        r#"<p>{}</p><dl class="reproduce"><dt>{}</dt><dd><code>{}</code></dd><dt>{}</dt><dd>hairsim {}</dd><dt>{}</dt><dd>{}</dd></dl><h3>{}</h3><pre class="scenario-text"><code>{}</code></pre><p>{}</p>"#,
        html(lang.get(Key::ReproduceLead)),
        html(lang.get(Key::ReproduceCommand)),
        html(&command),
        html(lang.get(Key::ReproduceVersion)),
        crate::label::VERSION,
        html(lang.get(Key::ReproduceSolver)),
        html(&solver),
        html(lang.get(Key::ReproduceText)),
        html(input.text),
        html(&lang.fill(Key::GeneratedBy, &[("version", crate::label::VERSION)])),
    );
}
