//! The scenario file exactly as written: plain serde types that mirror the TOML,
//! with spans kept for error messages. Unknown keys are errors.
//!
//! Nothing here is validated beyond TOML types; see `validate`.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A whole scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    /// `[scenario]` (not `Spanned`: a table made only of dotted keys,
    /// `scenario.name = …`, has no span, and must still load)
    pub scenario: RawScenario,
    /// `[patient]` (not `Spanned`: a table that only `[patient.parameters]`
    /// creates has no span, and must still load)
    pub patient: Option<RawPatient>,
    /// `[model]`
    pub model: Option<RawModel>,
    /// `[solver]`
    pub solver: Option<RawSolver>,
    /// `[plot]`
    pub plot: Option<RawPlot>,
    /// `[population]`
    pub population: Option<Spanned<RawPopulation>>,
    /// `[follicles]`
    pub follicles: Option<Spanned<RawFollicles>>,
    /// `[report]` (not `Spanned`: a table that only `[report.what_if]`
    /// creates has no span)
    pub report: Option<RawReport>,
    /// `[[arm]]`
    #[serde(default)]
    pub arm: Vec<Spanned<RawArm>>,
}

/// `[report]`: what the HTML report adds to the run's results.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    /// `[report.what_if]`
    pub what_if: Option<Spanned<RawWhatIf>>,
}

/// `[report.what_if]`: the parameter the report's slider moves.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWhatIf {
    /// A parameter name or `terminal_fraction_start`.
    pub parameter: Spanned<String>,
    /// The range, `"LO..HI"`.
    pub range: Spanned<String>,
    /// How many values, both ends included.
    pub steps: Option<Spanned<i64>>,
}

/// `[follicles]`: the follicle-level simulator (`sim follicles`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFollicles {
    /// Follicles per arm. Default 100,000.
    pub follicles: Option<Spanned<i64>>,
    /// Seed of the follicles' random streams. Default 22.
    pub seed: Option<Spanned<i64>>,
    /// `markov` (as the ODE; the default) or `lognormal` (as Halloy).
    pub durations: Option<Spanned<String>>,
    /// Coefficient of variation of the lognormal durations.
    pub cv: Option<Spanned<f64>>,
}

/// `[population]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPopulation {
    /// Number of virtual patients.
    pub size: Spanned<i64>,
    /// Seed of the patients' random streams. Default 1.
    pub seed: Option<Spanned<i64>>,
    /// Hair-count change that counts as a response, as a fraction (0.10 = +10%).
    pub responder_threshold: Option<Spanned<f64>>,
    /// When response is judged, e.g. "12 months".
    pub responder_time: Option<Spanned<String>>,
    /// `[[population.vary]]`
    #[serde(default)]
    pub vary: Vec<Spanned<RawVary>>,
}

/// `[[population.vary]]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVary {
    /// A parameter name or `terminal_fraction_start`.
    pub parameter: Spanned<String>,
    /// `lognormal`, `normal` or `uniform`.
    pub distribution: Spanned<String>,
    /// Coefficient of variation (lognormal, normal).
    pub cv: Option<Spanned<f64>>,
    /// Lower bound (uniform).
    pub min: Option<Spanned<f64>>,
    /// Upper bound (uniform).
    pub max: Option<Spanned<f64>>,
}

/// `[scenario]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Short name; also the output folder name.
    pub name: Spanned<String>,
    /// One line shown by `sim list` and in chart titles.
    pub description: Option<Spanned<String>>,
    /// Simulated span, e.g. "3 years".
    pub duration: Spanned<String>,
    /// Output grid spacing, e.g. "7 days". Default: 1 day.
    pub output_interval: Option<Spanned<String>>,
}

/// `[patient]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPatient {
    /// Profile name. Default: `aga_moderate`.
    pub profile: Option<Spanned<String>>,
    /// Override of the profile's starting terminal fraction.
    pub terminal_fraction_start: Option<Spanned<f64>>,
    /// Parameter overrides by name.
    #[serde(default)]
    pub parameters: BTreeMap<Spanned<String>, Spanned<f64>>,
}

/// `[model]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModel {
    /// `effect` (default) or `explicit`: how finasteride and dutasteride reach their effect.
    pub pk: Option<Spanned<String>>,
}

/// `[solver]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSolver {
    /// A method name, e.g. `auto` (the default), `dopri5`, `rodas4`.
    pub method: Option<Spanned<String>>,
    /// Relative tolerance.
    pub rtol: Option<Spanned<f64>>,
    /// Absolute tolerance.
    pub atol: Option<Spanned<f64>>,
    /// Step budget per arm.
    pub max_steps: Option<Spanned<i64>>,
    /// Largest rk4 step, e.g. "0.5 days".
    pub rk4_step: Option<Spanned<String>>,
}

/// `[plot]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlot {
    /// Chart names.
    pub charts: Option<Vec<Spanned<String>>>,
    /// Endpoint times, e.g. ["6 months", "12 months"].
    pub endpoints: Option<Vec<Spanned<String>>>,
}

/// `[[arm]]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArm {
    /// Unique arm name.
    pub name: Spanned<String>,
    /// A profile for this arm only (default: `[patient] profile`).
    pub profile: Option<Spanned<String>>,
    /// `[[arm.treatment]]`
    #[serde(default)]
    pub treatment: Vec<Spanned<RawTreatment>>,
    /// `[[arm.event]]`
    #[serde(default)]
    pub event: Vec<Spanned<RawEvent>>,
}

/// `[[arm.event]]`: something that triggers shedding.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    /// `fever`, `stress`, `crash_diet` or `childbirth`.
    pub kind: Spanned<String>,
    /// When, e.g. "6 months" (a crash diet's start; the day of a childbirth).
    pub at: Spanned<String>,
    /// How severe, 1 = typical (default).
    pub severity: Option<Spanned<f64>>,
}

/// A dose as written: "1 mg", "5%", or a number.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawDose {
    /// A number (relative strength for sessions).
    Number(f64),
    /// Text with a unit.
    Text(String),
}

/// `[[arm.treatment]]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTreatment {
    /// Treatment kind.
    pub kind: Spanned<String>,
    /// Dose; default: the kind's usual dose.
    pub dose: Option<Spanned<RawDose>>,
    /// First dose; default "0 days".
    pub start: Option<Spanned<String>>,
    /// End (exclusive).
    pub stop: Option<Spanned<String>>,
    /// Length from start (alternative to stop).
    pub duration: Option<Spanned<String>>,
    /// Interval: "daily", "weekly", "28 days", …
    pub every: Option<Spanned<String>>,
    /// Number of sessions.
    pub sessions: Option<Spanned<i64>>,
    /// Share of doses taken, 0–1.
    pub adherence: Option<Spanned<f64>>,
    /// `custom` only: the input it moves.
    pub target: Option<Spanned<String>>,
    /// `custom` only: `continuous` or `sessions`.
    pub delivery: Option<Spanned<String>>,
    /// `custom` only: the effect size.
    pub effect: Option<Spanned<f64>>,
}
