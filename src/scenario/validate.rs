//! The validating conversion from the raw TOML shape to a [`Scenario`].
//!
//! Every check reports the span of the offending value, what is wrong and what
//! would be valid, in the manner of argmin's setters: each rule is one small
//! function with its own test.

use super::error::{did_you_mean, Locator, ScenarioError};
use super::raw::{
    RawArm, RawDose, RawFile, RawModel, RawPatient, RawPlot, RawPopulation, RawSolver, RawTreatment,
};
use super::{Arm, Patient, PlotSettings, Scenario};
use crate::charts::ChartKind;
use crate::model::Pk;
use crate::params::{self, PARAMETERS};
use crate::population::{self, Distribution, Population, Variation};
use crate::profile::{self, PROFILES};
use crate::schedule::{Schedule, Treatment};
use crate::solve::{Method, SolverSettings};
use crate::treatment::{Delivery, Target, TreatmentKind};
use crate::units::{self, parse_duration_days, DoseUnit, DAYS_PER_YEAR};
use std::collections::BTreeSet;
use toml::Spanned;

/// Longest simulated span accepted, days (200 years).
pub const MAX_DURATION_DAYS: f64 = 200.0 * DAYS_PER_YEAR;
/// Most output rows per arm accepted (beyond this the files would be unreadable
/// and memory would grow without bound).
pub const MAX_OUTPUT_ROWS: f64 = 1_000_000.0;
/// Most sessions one treatment may expand to.
pub const MAX_SESSIONS: f64 = 100_000.0;
/// Longest scenario or arm name, characters.
pub const MAX_NAME_CHARS: usize = 64;
/// Longest scenario description, characters (it is a chart title).
pub const MAX_DESCRIPTION_CHARS: usize = 200;
/// Most endpoint times (each is a group of bars and a column of the terminal table).
pub const MAX_ENDPOINTS: usize = 12;
/// Most arms in one scenario (charts stay legible, run time stays bounded).
pub const MAX_ARMS: usize = 20;
/// Most treatments in one arm.
pub const MAX_TREATMENTS_PER_ARM: usize = 32;
/// Most output rows of all arms together: about 250 bytes each in memory and in
/// `timeseries.csv`, so the outputs of any valid scenario fit in a few hundred MiB.
pub const MAX_TOTAL_ROWS: f64 = 1_000_000.0;
/// Most sessions of all treatments of all arms together.
pub const MAX_TOTAL_SESSIONS: f64 = 1_000_000.0;
/// Largest `[solver] max_steps`: bounds the run time of one arm (1.5 s measured
/// with rk4; dop853 does three times the work per step) and the memory of one integration segment (the solver
/// keeps every step of a segment, about 100 bytes each: at most 200 MiB).
pub const MAX_STEPS_LIMIT: u32 = 2_000_000;

type R<T> = Result<T, ScenarioError>;

/// Profile used when a scenario has no `[patient] profile`.
pub const DEFAULT_PROFILE: &str = "aga_moderate";

struct Ctx<'a> {
    loc: Locator<'a>,
}

impl Ctx<'_> {
    fn err<T>(
        &self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
        help: impl Into<Option<String>>,
    ) -> R<T> {
        Err(self.loc.error(Some(span), message, help.into()))
    }

    fn duration(&self, v: &Spanned<String>, what: &str) -> R<f64> {
        let days = parse_duration_days(v.get_ref())
            .or_else(|e| self.err(v.span(), format!("{what}: {e}"), None))?;
        if !days.is_finite() || days < 0.0 {
            return self.err(
                v.span(),
                format!(
                    "{what} must be a finite, non-negative duration, got {:?}",
                    v.get_ref()
                ),
                None,
            );
        }
        Ok(days)
    }

    fn positive_duration(&self, v: &Spanned<String>, what: &str) -> R<f64> {
        let days = self.duration(v, what)?;
        if days <= 0.0 {
            return self.err(
                v.span(),
                format!("{what} must be longer than zero, got {:?}", v.get_ref()),
                None,
            );
        }
        Ok(days)
    }
}

/// Parse TOML text and validate it into a scenario.
pub fn parse_and_validate(file: &str, text: &str) -> R<Scenario> {
    let ctx = Ctx {
        loc: Locator::new(file, text),
    };
    if text.trim().is_empty() {
        return Err(ctx.loc.error(None, "the scenario file is empty", Some("start from a shipped scenario, e.g. `scenarios/baseline.toml`, and see docs/SCENARIOS.md".into())));
    }
    let raw: RawFile = toml::from_str(text).map_err(|e| ctx.loc.from_toml(&e))?;
    validate(&ctx, raw)
}

fn validate(ctx: &Ctx, raw: RawFile) -> R<Scenario> {
    let sc = &raw.scenario;
    let name = scenario_name(ctx, &sc.name)?;
    let description = match &sc.description {
        Some(d) => description(ctx, d)?,
        None => String::new(),
    };
    let duration_days = ctx.positive_duration(&sc.duration, "scenario duration")?;
    if duration_days > MAX_DURATION_DAYS {
        return ctx.err(
            sc.duration.span(),
            format!(
                "scenario duration {:?} is longer than the limit of 200 years",
                sc.duration.get_ref()
            ),
            None,
        );
    }
    let output_interval_days = match &sc.output_interval {
        Some(v) => {
            let d = ctx.positive_duration(v, "output_interval")?;
            if d > duration_days {
                return ctx.err(
                    v.span(),
                    "output_interval is longer than the scenario duration",
                    Some("use an interval shorter than the duration, e.g. \"7 days\"".into()),
                );
            }
            if duration_days / d > MAX_OUTPUT_ROWS {
                return ctx.err(v.span(), format!("output_interval {:?} gives {:.0} rows per arm, more than the limit of {MAX_OUTPUT_ROWS:.0}", v.get_ref(), duration_days / d), Some("use a longer output_interval".into()));
            }
            d
        }
        None => 1.0_f64.min(duration_days),
    };
    let patient = patient(ctx, raw.patient.as_ref())?;
    let pk = pk(ctx, raw.model.as_ref())?;
    let solver = solver(ctx, raw.solver.as_ref())?;
    let plot = plot(ctx, raw.plot.as_ref(), duration_days)?;
    let population = match &raw.population {
        Some(p) => Some(population(ctx, p, duration_days, output_interval_days)?),
        None => None,
    };
    if raw.arm.is_empty() {
        return Err(ctx.loc.error(
            Some(sc.name.span()),
            "the scenario has no arms",
            Some("add at least one `[[arm]]` table with a `name`".into()),
        ));
    }
    if raw.arm.len() > MAX_ARMS {
        return ctx.err(
            raw.arm[MAX_ARMS].get_ref().name.span(),
            format!(
                "the scenario has {} arms, more than the limit of {MAX_ARMS}",
                raw.arm.len()
            ),
            Some("split it into several scenario files".into()),
        );
    }
    let mut seen = BTreeSet::new();
    let mut arms = Vec::with_capacity(raw.arm.len());
    for a in &raw.arm {
        let arm = arm(
            ctx,
            a.get_ref(),
            &patient,
            raw.patient.as_ref(),
            duration_days,
            pk,
        )?;
        if !seen.insert(arm.name.clone()) {
            let n = &a.get_ref().name;
            return ctx.err(
                n.span(),
                format!("duplicate arm name `{}`", arm.name),
                Some("give every arm a different name".into()),
            );
        }
        arms.push(arm);
    }
    rows_in_all(ctx, &raw, duration_days, output_interval_days, arms.len())?;
    sessions_in_all(ctx, &raw, &arms, duration_days)?;
    rk4_steps(ctx, raw.solver.as_ref(), &solver, duration_days)?;
    Ok(Scenario {
        name,
        description,
        duration_days,
        output_interval_days,
        patient,
        arms,
        solver,
        plot,
        population,
    })
}

/// The description is a chart title and a terminal line: printable, one line, short.
fn description(ctx: &Ctx, v: &Spanned<String>) -> R<String> {
    let d = v.get_ref().trim();
    if let Some(c) = d
        .chars()
        .find(|&c| c.is_control() || is_invisible_format(c))
    {
        return ctx.err(
            v.span(),
            format!("the description contains the control or invisible character {c:?}"),
            Some("write one line of printable text".into()),
        );
    }
    if d.chars().count() > MAX_DESCRIPTION_CHARS {
        return ctx.err(
            v.span(),
            format!(
                "the description is {} characters, more than the limit of {MAX_DESCRIPTION_CHARS}",
                d.chars().count()
            ),
            Some("keep it to one line; put longer notes in `#` comments".into()),
        );
    }
    Ok(d.to_string())
}

/// Bidirectional overrides, zero-width characters and the BOM: invisible, and
/// able to make a name display as something else.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

/// Rows of all arms together, so that many arms cannot multiply the per-arm limit.
fn rows_in_all(ctx: &Ctx, raw: &RawFile, duration: f64, interval: f64, arms: usize) -> R<()> {
    let per_arm = (duration / interval).floor() + 2.0;
    let total = per_arm * arms as f64;
    if total > MAX_TOTAL_ROWS {
        let span = raw
            .scenario
            .output_interval
            .as_ref()
            .map_or_else(|| raw.scenario.duration.span(), |v| v.span());
        return ctx.err(
            span,
            format!("{per_arm:.0} output rows per arm × {arms} arms = {total:.0} rows, more than the limit of {MAX_TOTAL_ROWS:.0} rows in all (the outputs would need about {:.0} MiB)", total * 250.0 / 1_048_576.0),
            Some(format!("use a longer output_interval (at least {}), fewer arms or a shorter duration", units::describe_days((duration * arms as f64 / (MAX_TOTAL_ROWS - 2.0 * arms as f64)).ceil()))),
        );
    }
    Ok(())
}

/// Sessions of all treatments of all arms together.
fn sessions_in_all(ctx: &Ctx, raw: &RawFile, arms: &[Arm], duration: f64) -> R<()> {
    let mut total = 0.0;
    for (a, raw_arm) in arms.iter().zip(&raw.arm) {
        for (t, raw_t) in a.treatments.iter().zip(&raw_arm.get_ref().treatment) {
            if t.kind.delivery() != crate::treatment::Delivery::Sessions {
                continue;
            }
            let s = &t.schedule;
            let end = s.stop_days.unwrap_or(duration).min(duration);
            let count = ((end - s.start_days) / s.every_days).ceil().max(1.0);
            total += s.sessions.map_or(count, |n| count.min(f64::from(n)));
            if total > MAX_TOTAL_SESSIONS {
                return ctx.err(
                    raw_t.span(),
                    format!("the treatments up to this one expand to about {total:.0} sessions, more than the limit of {MAX_TOTAL_SESSIONS:.0} for the whole scenario"),
                    Some("use a longer `every`, fewer `sessions` or fewer treatments".into()),
                );
            }
        }
    }
    Ok(())
}

/// With `rk4` (or `ode_solvers_rk4`), the fixed step fixes the step count: refuse a step so small that
/// the arm would run out of `max_steps`, before simulating anything.
fn rk4_steps(ctx: &Ctx, raw: Option<&RawSolver>, s: &SolverSettings, duration: f64) -> R<()> {
    let steps = (duration / s.rk4_step_days()).ceil();
    if s.method().is_adaptive() || steps <= f64::from(s.max_steps()) {
        return Ok(());
    }
    let span = raw
        .and_then(|r| r.rk4_step.as_ref().or(r.method.as_ref()))
        .map_or(0..0, |v| v.span());
    ctx.err(
        span,
        format!("rk4 with steps of {} days needs at least {steps:.0} steps per arm, more than max_steps = {}", s.rk4_step_days(), s.max_steps()),
        Some(format!("use a larger rk4_step (at least {}) or an adaptive method such as dopri5", units::describe_days((duration / f64::from(s.max_steps()) * 100.0).ceil() / 100.0))),
    )
}

/// A scenario name becomes a folder name: letters, digits, `_`, `-`, `.`; no leading dot.
fn scenario_name(ctx: &Ctx, v: &Spanned<String>) -> R<String> {
    let n = v.get_ref();
    let ok_chars = n
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if n.is_empty() || !ok_chars || n.starts_with('.') || n.chars().count() > MAX_NAME_CHARS {
        return ctx.err(v.span(), format!("invalid scenario name {n:?}: it becomes the output folder name"), Some(format!("use 1–{MAX_NAME_CHARS} letters, digits, `_`, `-` or `.`, not starting with `.` (e.g. \"combo_v2\")")));
    }
    Ok(n.clone())
}

/// An arm name is shown in charts, the terminal and the CSV: printable, one
/// line, not able to pose as a spreadsheet formula. It never becomes a file name.
fn arm_name(ctx: &Ctx, v: &Spanned<String>) -> R<String> {
    let n = v.get_ref().trim();
    let help = Some(format!(
        "use 1–{MAX_NAME_CHARS} printable characters, e.g. \"finasteride + minoxidil\""
    ));
    if n.is_empty()
        || n.chars().any(|c| c.is_control() || is_invisible_format(c))
        || n.chars().count() > MAX_NAME_CHARS
    {
        return ctx.err(
            v.span(),
            format!("invalid arm name {:?}", v.get_ref()),
            help,
        );
    }
    if n.starts_with(['=', '+', '-', '@']) {
        return ctx.err(
            v.span(),
            format!("invalid arm name {n:?}: a name starting with `=`, `+`, `-` or `@` would run as a formula when timeseries.csv is opened in a spreadsheet"),
            Some("start the name with a letter or digit".into()),
        );
    }
    Ok(n.to_string())
}

fn find_profile(ctx: &Ctx, name: &Spanned<String>) -> R<&'static crate::profile::Profile> {
    profile::find(name.get_ref()).ok_or_else(|| {
        let names: Vec<&str> = PROFILES.iter().map(|p| p.name).collect();
        ctx.loc.error(
            Some(name.span()),
            format!("unknown profile `{}`", name.get_ref()),
            Some(did_you_mean(name.get_ref(), &names)),
        )
    })
}

/// The scenario's `[patient]`, used by every arm that names no profile of its own.
fn patient(ctx: &Ctx, raw: Option<&RawPatient>) -> R<Patient> {
    let profile = match raw.and_then(|r| r.profile.as_ref()) {
        Some(name) => find_profile(ctx, name)?,
        None => profile::find(DEFAULT_PROFILE).ok_or_else(|| {
            ctx.loc
                .error(None, "internal: default profile missing", None)
        })?,
    };
    build_patient(ctx, profile, raw, true)
}

/// A profile with the scenario's parameter overrides; the terminal-fraction
/// override applies only to the scenario's own profile.
fn build_patient(
    ctx: &Ctx,
    profile: &'static crate::profile::Profile,
    raw: Option<&RawPatient>,
    own_profile: bool,
) -> R<Patient> {
    let mut params = profile
        .parameters()
        .map_err(|e| ctx.loc.error(None, e.to_string(), None))?;
    let Some(p) = raw else {
        return Ok(Patient {
            profile,
            params,
            terminal_fraction_start: profile.terminal_fraction_start,
        });
    };
    for (key, value) in &p.parameters {
        let name = key.get_ref();
        let Some(meta) = params::info(name) else {
            let names: Vec<&str> = PARAMETERS.iter().map(|p| p.name).collect();
            let help = match error_closest(name, &names) {
                Some(c) => format!("did you mean `{c}`? `sim model` lists every parameter"),
                None => "`sim model` lists every parameter with its unit".to_string(),
            };
            return ctx.err(key.span(), format!("unknown parameter `{name}`"), help);
        };
        params.set(name, *value.get_ref()).or_else(|e| {
            ctx.err(
                value.span(),
                e.to_string(),
                format!("`{name}` is in {}: {}", meta.unit, meta.meaning),
            )
        })?;
    }
    let terminal_fraction_start = match (&p.terminal_fraction_start, own_profile) {
        (Some(v), true) => {
            let x = *v.get_ref();
            if !(x > 0.0 && x < 1.0) {
                return ctx.err(
                    v.span(),
                    format!("terminal_fraction_start must be between 0 and 1 (exclusive), got {x}"),
                    Some("e.g. 0.7 for moderate miniaturization (T:V ≈ 2.3:1)".into()),
                );
            }
            Some(x)
        }
        _ => profile.terminal_fraction_start,
    };
    Ok(Patient {
        profile,
        params,
        terminal_fraction_start,
    })
}

fn error_closest<'c>(word: &str, names: &[&'c str]) -> Option<&'c str> {
    super::error::closest(word, names.iter().copied())
}

fn pk(ctx: &Ctx, raw: Option<&RawModel>) -> R<Pk> {
    let Some(v) = raw.and_then(|m| m.pk.as_ref()) else {
        return Ok(Pk::Effect);
    };
    Pk::from_name(v.get_ref()).ok_or_else(|| {
        let names: Vec<&str> = Pk::ALL.iter().map(|p| p.name()).collect();
        ctx.loc.error(
            Some(v.span()),
            format!("unknown pk model `{}`", v.get_ref()),
            Some(did_you_mean(v.get_ref(), &names)),
        )
    })
}

fn solver(ctx: &Ctx, raw: Option<&RawSolver>) -> R<SolverSettings> {
    let mut s = SolverSettings::default();
    let Some(raw) = raw else { return Ok(s) };
    if let Some(m) = &raw.method {
        s = s.with_method(Method::from_name(m.get_ref()).ok_or_else(|| {
            let names: Vec<&str> = Method::ALL.iter().map(|m| m.name()).collect();
            ctx.loc.error(
                Some(m.span()),
                format!("unknown solver method `{}`", m.get_ref()),
                Some(did_you_mean(m.get_ref(), &names)),
            )
        })?);
    }
    // The ranges are the settings' own (`SolverSettings::with_rtol` …).
    if let Some(v) = &raw.rtol {
        s = s.with_rtol(*v.get_ref()).or_else(|e| {
            ctx.err(
                v.span(),
                e.to_string(),
                Some("typical values: 1e-3 (rough) to 1e-10 (tight)".into()),
            )
        })?;
    }
    if let Some(v) = &raw.atol {
        s = s
            .with_atol(*v.get_ref())
            .or_else(|e| ctx.err(v.span(), e.to_string(), Some("e.g. 1e-9".into())))?;
    }
    if let Some(v) = &raw.max_steps {
        let n = *v.get_ref();
        s = u32::try_from(n)
            .ok()
            .filter(|n| (1..=MAX_STEPS_LIMIT).contains(n))
            .and_then(|n| s.with_max_steps(n).ok())
            .ok_or_else(|| {
                ctx.loc.error(
                    Some(v.span()),
                    format!(
                        "max_steps must be a whole number from 1 to {MAX_STEPS_LIMIT}, got {n}"
                    ),
                    Some(
                        "the default is 1000000; a run that needs more usually wants a looser rtol"
                            .into(),
                    ),
                )
            })?;
    }
    if let Some(v) = &raw.rk4_step {
        let days = ctx.positive_duration(v, "rk4_step")?;
        s = s
            .with_rk4_step_days(days)
            .or_else(|e| ctx.err(v.span(), e.to_string(), None))?;
    }
    Ok(s)
}

fn plot(ctx: &Ctx, raw: Option<&RawPlot>, duration_days: f64) -> R<PlotSettings> {
    let mut charts: Vec<ChartKind> = ChartKind::ALL.to_vec();
    let mut endpoints_days: Vec<f64> = [6.0, 12.0, 24.0, 36.0]
        .iter()
        .map(|m| m * units::DAYS_PER_MONTH)
        .filter(|d| *d <= duration_days + 1e-9)
        .collect();
    if endpoints_days.is_empty() {
        endpoints_days.push(duration_days);
    }
    let Some(raw) = raw else {
        return Ok(PlotSettings {
            charts,
            endpoints_days,
        });
    };
    if let Some(list) = &raw.charts {
        charts.clear();
        for c in list {
            let k = ChartKind::from_name(c.get_ref()).ok_or_else(|| {
                let names: Vec<&str> = ChartKind::ALL.iter().map(|k| k.name()).collect();
                ctx.loc.error(
                    Some(c.span()),
                    format!("unknown chart `{}`", c.get_ref()),
                    Some(did_you_mean(c.get_ref(), &names)),
                )
            })?;
            if !charts.contains(&k) {
                charts.push(k);
            }
        }
    }
    if let Some(list) = &raw.endpoints {
        if let Some(e) = list.get(MAX_ENDPOINTS) {
            return ctx.err(
                e.span(),
                format!(
                    "{} endpoints, more than the limit of {MAX_ENDPOINTS}",
                    list.len()
                ),
                Some("pick the times that matter; timeseries.csv has every row".into()),
            );
        }
        endpoints_days.clear();
        for e in list {
            let d = ctx.positive_duration(e, "endpoint")?;
            if d > duration_days + 1e-9 {
                return ctx.err(
                    e.span(),
                    format!(
                        "endpoint {:?} is after the end of the scenario ({})",
                        e.get_ref(),
                        units::describe_days(duration_days)
                    ),
                    Some("use endpoints within the scenario duration".into()),
                );
            }
            endpoints_days.push(d);
        }
        endpoints_days.sort_by(f64::total_cmp);
        endpoints_days.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    }
    Ok(PlotSettings {
        charts,
        endpoints_days,
    })
}

/// Most output times per arm in a cohort: each keeps 10 streaming estimators.
pub const MAX_POPULATION_ROWS: f64 = 20_000.0;
/// Most virtual patients.
pub const MAX_POPULATION: i64 = 1_000_000;

fn population(
    ctx: &Ctx,
    raw: &Spanned<RawPopulation>,
    duration_days: f64,
    interval_days: f64,
) -> R<Population> {
    let p = raw.get_ref();
    let size = *p.size.get_ref();
    if !(1..=MAX_POPULATION).contains(&size) {
        return ctx.err(
            p.size.span(),
            format!("population size must be from 1 to {MAX_POPULATION}, got {size}"),
            Some("e.g. size = 1000".into()),
        );
    }
    if duration_days / interval_days > MAX_POPULATION_ROWS {
        return ctx.err(raw.span(), format!("a cohort keeps percentile estimators at every output time; {:.0} output times is more than the limit of {MAX_POPULATION_ROWS:.0}", duration_days / interval_days), Some("use a longer [scenario] output_interval for cohorts, e.g. \"7 days\"".into()));
    }
    let seed = match &p.seed {
        Some(s) => u64::try_from(*s.get_ref()).or_else(|_| {
            ctx.err(
                s.span(),
                format!("seed must be a whole number ≥ 0, got {}", s.get_ref()),
                None,
            )
        })?,
        None => 1,
    };
    let responder_threshold = match &p.responder_threshold {
        Some(v) => {
            let x = *v.get_ref();
            if !(x.is_finite() && x > -1.0 && x <= 10.0) {
                return ctx.err(
                    v.span(),
                    format!(
                        "responder_threshold must be a fraction above −1 and at most 10, got {x}"
                    ),
                    Some("0.10 means at least +10% hair count".into()),
                );
            }
            x
        }
        None => 0.10,
    };
    let responder_time_days = match &p.responder_time {
        Some(v) => {
            let d = ctx.positive_duration(v, "responder_time")?;
            if d > duration_days + 1e-9 {
                return ctx.err(
                    v.span(),
                    format!(
                        "responder_time {:?} is after the end of the scenario ({})",
                        v.get_ref(),
                        units::describe_days(duration_days)
                    ),
                    None,
                );
            }
            d
        }
        None => (12.0 * units::DAYS_PER_MONTH).min(duration_days),
    };
    let mut vary: Vec<Variation> = Vec::new();
    for v in &p.vary {
        let v = v.get_ref();
        let name = v.parameter.get_ref();
        let varied = population::varied(name).ok_or_else(|| {
            let mut names: Vec<&str> = PARAMETERS.iter().map(|p| p.name).collect();
            names.push("terminal_fraction_start");
            let help = match error_closest(name, &names) {
                Some(c) => format!("did you mean `{c}`? `sim model` lists every parameter"),
                None => {
                    "`sim model` lists every parameter; `terminal_fraction_start` varies severity"
                        .to_string()
                }
            };
            ctx.loc.error(
                Some(v.parameter.span()),
                format!("unknown parameter `{name}`"),
                Some(help),
            )
        })?;
        if vary.iter().any(|w| w.varied.name() == varied.name()) {
            return ctx.err(
                v.parameter.span(),
                format!("`{name}` is varied twice"),
                Some("give each parameter one distribution".into()),
            );
        }
        let need = |key: &str, val: Option<&Spanned<f64>>| -> R<(f64, std::ops::Range<usize>)> {
            let val = val.ok_or_else(|| {
                ctx.loc.error(
                    Some(v.distribution.span()),
                    format!("distribution `{}` needs `{key}`", v.distribution.get_ref()),
                    None,
                )
            })?;
            if !val.get_ref().is_finite() {
                return ctx.err(val.span(), format!("`{key}` must be a finite number"), None);
            }
            Ok((*val.get_ref(), val.span()))
        };
        let refuse = |key: &str, val: Option<&Spanned<f64>>| -> R<()> {
            match val {
                Some(x) => ctx.err(
                    x.span(),
                    format!(
                        "`{key}` does not apply to distribution `{}`",
                        v.distribution.get_ref()
                    ),
                    None,
                ),
                None => Ok(()),
            }
        };
        let distribution = match v.distribution.get_ref().as_str() {
            d @ ("lognormal" | "normal") => {
                refuse("min", v.min.as_ref())?;
                refuse("max", v.max.as_ref())?;
                let (cv, span) = need("cv", v.cv.as_ref())?;
                if !(0.0..=5.0).contains(&cv) {
                    return ctx.err(
                        span,
                        format!("cv must be from 0 to 5, got {cv}"),
                        Some("0.3 means a 30% coefficient of variation".into()),
                    );
                }
                if d == "lognormal" {
                    Distribution::LogNormal { cv }
                } else {
                    Distribution::Normal { cv }
                }
            }
            "uniform" => {
                refuse("cv", v.cv.as_ref())?;
                let (min, min_span) = need("min", v.min.as_ref())?;
                let (max, max_span) = need("max", v.max.as_ref())?;
                if !varied.allows(min) {
                    return ctx.err(
                        min_span,
                        format!("min {min} is not a valid value of `{name}`"),
                        None,
                    );
                }
                if !varied.allows(max) || max < min {
                    return ctx.err(
                        max_span,
                        format!("max {max} must be a valid value of `{name}` and at least min"),
                        None,
                    );
                }
                Distribution::Uniform { min, max }
            }
            other => {
                return ctx.err(
                    v.distribution.span(),
                    format!("unknown distribution `{other}`"),
                    Some(did_you_mean(other, &["lognormal", "normal", "uniform"])),
                )
            }
        };
        vary.push(Variation {
            varied,
            distribution,
        });
    }
    Ok(Population {
        size: size as u32,
        seed,
        responder_threshold,
        responder_time_days,
        vary,
    })
}

fn arm(
    ctx: &Ctx,
    raw: &RawArm,
    base: &Patient,
    raw_patient: Option<&RawPatient>,
    duration_days: f64,
    pk: Pk,
) -> R<Arm> {
    let name = arm_name(ctx, &raw.name)?;
    if let Some(t) = raw.treatment.get(MAX_TREATMENTS_PER_ARM) {
        return ctx.err(
            t.get_ref().kind.span(),
            format!(
                "arm `{name}` has {} treatments, more than the limit of {MAX_TREATMENTS_PER_ARM}",
                raw.treatment.len()
            ),
            Some("combine treatments, or split the arm".into()),
        );
    }
    let patient = match &raw.profile {
        Some(p) => build_patient(ctx, find_profile(ctx, p)?, raw_patient, false)?,
        None => base.clone(),
    };
    let treatments = raw
        .treatment
        .iter()
        .map(|t| treatment(ctx, t, duration_days))
        .collect::<R<Vec<_>>>()?;
    Ok(Arm {
        name,
        patient,
        treatments,
        pk,
    })
}

fn kind(ctx: &Ctx, raw: &RawTreatment) -> R<TreatmentKind> {
    let k = &raw.kind;
    let custom_keys = [
        ("target", raw.target.as_ref().map(|v| v.span())),
        ("delivery", raw.delivery.as_ref().map(|v| v.span())),
        ("effect", raw.effect.as_ref().map(|v| v.span())),
    ];
    if k.get_ref() != "custom" {
        let kind = TreatmentKind::from_name(k.get_ref()).ok_or_else(|| {
            ctx.loc.error(
                Some(k.span()),
                format!("unknown treatment kind `{}`", k.get_ref()),
                Some(did_you_mean(k.get_ref(), &TreatmentKind::NAMES)),
            )
        })?;
        if let Some((key, Some(span))) = custom_keys.iter().find(|(_, s)| s.is_some()) {
            return ctx.err(
                span.clone(),
                format!(
                    "`{key}` only applies to `custom` treatments, not `{}`",
                    k.get_ref()
                ),
                Some(format!("remove `{key}`, or set kind = \"custom\"")),
            );
        }
        return Ok(kind);
    }
    let missing = |key: &str, example: &str| {
        ctx.loc.error(
            Some(k.span()),
            format!("a `custom` treatment needs `{key}`"),
            Some(format!("add e.g. {key} = {example}")),
        )
    };
    let target_v = raw
        .target
        .as_ref()
        .ok_or_else(|| missing("target", "\"growth_factor\""))?;
    let delivery_v = raw
        .delivery
        .as_ref()
        .ok_or_else(|| missing("delivery", "\"sessions\""))?;
    let effect_v = raw
        .effect
        .as_ref()
        .ok_or_else(|| missing("effect", "0.5"))?;
    let target = Target::ALL
        .into_iter()
        .find(|t| t.name() == target_v.get_ref())
        .ok_or_else(|| {
            let names: Vec<&str> = Target::ALL.iter().map(|t| t.name()).collect();
            ctx.loc.error(
                Some(target_v.span()),
                format!("unknown target `{}`", target_v.get_ref()),
                Some(did_you_mean(target_v.get_ref(), &names)),
            )
        })?;
    let delivery = match delivery_v.get_ref().as_str() {
        "continuous" => Delivery::Continuous,
        "sessions" => Delivery::Sessions,
        other => {
            return ctx.err(
                delivery_v.span(),
                format!("unknown delivery `{other}`"),
                Some(did_you_mean(other, &["continuous", "sessions"])),
            )
        }
    };
    let effect = *effect_v.get_ref();
    if !effect.is_finite()
        || (target.is_multiplicative() && effect < -1.0)
        || (!target.is_multiplicative() && effect < 0.0)
    {
        let valid = if target.is_multiplicative() {
            "a finite number ≥ −1 (−0.3 lowers it by 30%)"
        } else {
            "a finite number ≥ 0 (the signal level, 1 ≈ one standard session)"
        };
        return ctx.err(
            effect_v.span(),
            format!(
                "effect {effect} is not valid for target `{}`",
                target.name()
            ),
            Some(format!("use {valid}")),
        );
    }
    Ok(TreatmentKind::Custom {
        target,
        delivery,
        effect,
    })
}

fn dose(ctx: &Ctx, kind: &TreatmentKind, raw: Option<&Spanned<RawDose>>) -> R<f64> {
    let Some(raw) = raw else {
        return Ok(kind.default_dose());
    };
    let want = kind.dose_unit();
    let example = match want {
        DoseUnit::Mg => format!("dose = \"{} mg\"", kind.default_dose()),
        DoseUnit::Percent => format!("dose = \"{}%\"", kind.default_dose()),
        DoseUnit::Relative => "dose = 1.0 (relative to a standard session)".to_string(),
    };
    let parsed = match raw.get_ref() {
        RawDose::Number(x) => units::Dose {
            amount: *x,
            unit: DoseUnit::Relative,
        },
        RawDose::Text(t) => units::parse_dose(t)
            .or_else(|e| ctx.err(raw.span(), e.to_string(), Some(example.clone())))?,
    };
    if parsed.unit != want {
        return ctx.err(
            raw.span(),
            format!(
                "`{}` doses are in {want}, but this dose is in {}",
                kind.name(),
                parsed.unit
            ),
            Some(example),
        );
    }
    if !(parsed.amount.is_finite() && parsed.amount > 0.0) || parsed.amount > 1000.0 {
        return ctx.err(
            raw.span(),
            format!(
                "dose must be greater than 0 and at most 1000, got {}",
                parsed.amount
            ),
            Some(example),
        );
    }
    Ok(parsed.amount)
}

fn treatment(ctx: &Ctx, raw: &Spanned<RawTreatment>, duration_days: f64) -> R<Treatment> {
    let t = raw.get_ref();
    let kind = kind(ctx, t)?;
    let dose = dose(ctx, &kind, t.dose.as_ref())?;
    let start_days = match &t.start {
        Some(v) => {
            let d = ctx.duration(v, "start")?;
            if d >= duration_days {
                return ctx.err(v.span(), format!("start {:?} is at or after the end of the scenario ({})", v.get_ref(), units::describe_days(duration_days)), Some("start treatments before the scenario ends, or lengthen [scenario] duration".into()));
            }
            d
        }
        None => 0.0,
    };
    let stop_days = match (&t.stop, &t.duration) {
        (Some(a), Some(_)) => {
            return ctx.err(a.span(), "give either `stop` or `duration`, not both", None)
        }
        (Some(v), None) => {
            let d = ctx.duration(v, "stop")?;
            if d <= start_days {
                return ctx.err(
                    v.span(),
                    format!("stop {:?} is not after start", v.get_ref()),
                    Some("stop must come after start; `duration` gives a length instead".into()),
                );
            }
            Some(d)
        }
        (None, Some(v)) => Some(start_days + ctx.positive_duration(v, "duration")?),
        (None, None) => None,
    };
    let delivery = kind.delivery();
    let every_days = match &t.every {
        Some(v)
            if matches!(
                kind,
                TreatmentKind::Custom {
                    delivery: Delivery::Continuous,
                    ..
                }
            ) =>
        {
            return ctx.err(v.span(), "`every` does not apply to a continuous `custom` treatment: it holds its effect from start to stop", Some("remove `every`, or set delivery = \"sessions\"".into()));
        }
        Some(v) => ctx.positive_duration(v, "every")?,
        None => 1.0,
    };
    let sessions = match (&t.sessions, delivery) {
        (Some(v), Delivery::Continuous) => {
            return ctx.err(
                v.span(),
                format!(
                    "`sessions` does not apply to `{}`, which is taken continuously",
                    kind.name()
                ),
                Some("use `stop` or `duration` to end it".into()),
            );
        }
        (Some(v), Delivery::Sessions) => {
            let n = *v.get_ref();
            if !(1..=MAX_SESSIONS as i64).contains(&n) {
                return ctx.err(
                    v.span(),
                    format!("sessions must be a whole number from 1 to {MAX_SESSIONS:.0}, got {n}"),
                    None,
                );
            }
            if stop_days.is_some() {
                return ctx.err(
                    v.span(),
                    "give either `sessions` or `stop`/`duration`, not both",
                    None,
                );
            }
            Some(n as u32)
        }
        // A session treatment with no `every` is a single session.
        (None, Delivery::Sessions) if t.every.is_none() => Some(1),
        (None, _) => None,
    };
    if delivery == Delivery::Sessions {
        let end = stop_days.unwrap_or(duration_days).min(duration_days);
        let count = sessions.map_or((end - start_days) / every_days, f64::from);
        if count > MAX_SESSIONS {
            let span = t.every.as_ref().map_or(raw.span(), |v| v.span());
            return ctx.err(span, format!("this schedule expands to about {count:.0} sessions, more than the limit of {MAX_SESSIONS:.0}"), Some("use a longer `every` or fewer `sessions`".into()));
        }
    }
    let adherence = match &t.adherence {
        Some(v) => {
            let a = *v.get_ref();
            if !(0.0..=1.0).contains(&a) {
                return ctx.err(
                    v.span(),
                    format!("adherence must be between 0 and 1, got {a}"),
                    Some("0.8 means 80% of doses or sessions are taken".into()),
                );
            }
            a
        }
        None => 1.0,
    };
    Ok(Treatment {
        kind,
        dose,
        schedule: Schedule {
            start_days,
            stop_days,
            every_days,
            sessions,
            adherence,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "[scenario]\nname = \"t\"\nduration = \"1 year\"\n";

    fn err(text: &str) -> ScenarioError {
        match parse_and_validate("t.toml", text) {
            Ok(_) => panic!("expected an error for:\n{text}"),
            Err(e) => e,
        }
    }

    fn with_arm(treatment: &str) -> String {
        format!("{HEAD}[[arm]]\nname = \"a\"\n[[arm.treatment]]\n{treatment}\n")
    }

    #[test]
    fn a_minimal_scenario_is_valid() {
        let s = parse_and_validate("t.toml", &format!("{HEAD}[[arm]]\nname = \"untreated\"\n"))
            .unwrap();
        assert_eq!(s.arms.len(), 1);
        assert!((s.duration_days - 365.25).abs() < 1e-9);
        assert_eq!(s.patient.profile.name, "aga_moderate");
    }

    #[test]
    fn empty_file() {
        assert!(err("  \n").message.contains("empty"));
    }

    #[test]
    fn unknown_key_names_line_column_and_suggestion() {
        let e = err("[scenario]\nname = \"t\"\nduratoin = \"1 year\"\n");
        assert_eq!((e.line, e.column), (3, 1));
        assert!(e.help.unwrap().contains("did you mean `duration`"));
    }

    #[test]
    fn wrong_type() {
        let e = err(&with_arm("kind = \"prp\"\nsessions = \"three\""));
        assert!(e.message.contains("invalid type"), "{}", e.message);
        assert_eq!(e.line, 8);
    }

    #[test]
    fn negative_duration() {
        let e = err("[scenario]\nname = \"t\"\nduration = \"-3 days\"\n[[arm]]\nname = \"a\"\n");
        assert!(e.message.contains("non-negative"), "{}", e.message);
        assert_eq!((e.line, e.column), (3, 12));
    }

    #[test]
    fn duration_without_unit() {
        let e = err("[scenario]\nname = \"t\"\nduration = \"365\"\n[[arm]]\nname = \"a\"\n");
        assert!(e.message.contains("write a number and a unit"));
    }

    #[test]
    fn adherence_above_one() {
        let e = err(&with_arm("kind = \"finasteride\"\nadherence = 1.2"));
        assert!(e.message.contains("adherence must be between 0 and 1"));
        assert_eq!(e.line, 8);
    }

    #[test]
    fn dose_after_the_end() {
        let e = err(&with_arm("kind = \"prp\"\nstart = \"2 years\""));
        assert!(e.message.contains("after the end"), "{}", e.message);
    }

    #[test]
    fn duplicate_arm_names() {
        let e = err(&format!(
            "{HEAD}[[arm]]\nname = \"a\"\n[[arm]]\nname = \"a\"\n"
        ));
        assert!(e.message.contains("duplicate arm name"));
        assert_eq!(e.line, 7);
    }

    #[test]
    fn unknown_treatment_kind_suggests() {
        let e = err(&with_arm("kind = \"finasterid\""));
        assert!(e.message.contains("unknown treatment kind"));
        assert!(e.help.unwrap().contains("did you mean `finasteride`"));
    }

    #[test]
    fn dose_unit_must_match_kind() {
        let e = err(&with_arm("kind = \"finasteride\"\ndose = \"5%\""));
        assert!(e.message.contains("doses are in mg"), "{}", e.message);
        let e = err(&with_arm("kind = \"finasteride\"\ndose = \"-1 mg\""));
        assert!(e.message.contains("greater than 0"));
    }

    #[test]
    fn stop_before_start() {
        let e = err(&with_arm(
            "kind = \"finasteride\"\nstart = \"100 days\"\nstop = \"50 days\"",
        ));
        assert!(e.message.contains("not after start"));
    }

    #[test]
    fn sessions_for_a_continuous_drug() {
        let e = err(&with_arm("kind = \"finasteride\"\nsessions = 3"));
        assert!(e.message.contains("taken continuously"));
    }

    #[test]
    fn custom_needs_its_keys_and_others_refuse_them() {
        let e = err(&with_arm(
            "kind = \"custom\"\ndelivery = \"sessions\"\neffect = 1.0",
        ));
        assert!(e.message.contains("needs `target`"));
        let e = err(&with_arm("kind = \"prp\"\ntarget = \"dht\""));
        assert!(e.message.contains("only applies to `custom`"));
        let e = err(&with_arm(
            "kind = \"custom\"\ntarget = \"dht\"\ndelivery = \"continuous\"\neffect = -2.0",
        ));
        assert!(e.message.contains("not valid for target"));
    }

    #[test]
    fn every_is_refused_for_continuous_custom() {
        let e = err(&with_arm("kind = \"custom\"\ntarget = \"growth_factor\"\ndelivery = \"continuous\"\neffect = 0.5\nevery = \"weekly\""));
        assert!(
            e.message.contains("`every` does not apply"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unknown_parameter_override_suggests() {
        let e = err(&format!("{HEAD}[patient]\nprofile = \"healthy\"\n[patient.parameters]\nanagen_dayz = 900.0\n[[arm]]\nname = \"a\"\n"));
        assert!(e.message.contains("unknown parameter `anagen_dayz`"));
        assert!(e.help.unwrap().contains("did you mean `anagen_days`"));
    }

    #[test]
    fn out_of_range_parameter_override() {
        let e = err(&format!(
            "{HEAD}[patient]\n[patient.parameters]\nanagen_days = -5.0\n[[arm]]\nname = \"a\"\n"
        ));
        assert!(e.message.contains("out of range"));
    }

    #[test]
    fn unknown_profile_and_solver_suggest() {
        let e = err(&format!(
            "{HEAD}[patient]\nprofile = \"aga_moderat\"\n[[arm]]\nname = \"a\"\n"
        ));
        assert!(e.help.unwrap().contains("did you mean `aga_moderate`"));
        let e = err(&format!(
            "{HEAD}[solver]\nmethod = \"dopri\"\n[[arm]]\nname = \"a\"\n"
        ));
        assert!(e.help.unwrap().contains("did you mean `dopri5`"));
    }

    #[test]
    fn unknown_pk_model_is_located_and_suggests() {
        let e = err(&format!(
            "{HEAD}[model]\npk = \"explict\"\n[[arm]]\nname = \"a\"\n"
        ));
        assert_eq!(e.line, 5, "{e}");
        assert!(e.help.unwrap().contains("did you mean `explicit`"));
        let e = err(&format!(
            "{HEAD}[model]\npkk = \"explicit\"\n[[arm]]\nname = \"a\"\n"
        ));
        assert!(e.to_string().contains("unknown field `pkk`"), "{e}");
    }

    #[test]
    fn explicit_pk_reaches_every_arm() {
        let sc = parse_and_validate(
            "t.toml",
            &format!(
                "{HEAD}[model]\npk = \"explicit\"\n[[arm]]\nname = \"a\"\n[[arm]]\nname = \"b\"\n"
            ),
        )
        .unwrap();
        assert!(sc.arms.iter().all(|a| a.pk == Pk::Explicit));
    }

    #[test]
    fn bad_tolerances() {
        for bad in ["rtol = 0.0", "rtol = 2.0", "atol = -1.0", "max_steps = 0"] {
            let e = err(&format!("{HEAD}[solver]\n{bad}\n[[arm]]\nname = \"a\"\n"));
            assert_eq!(e.line, 5, "{bad}: {e}");
        }
    }

    #[test]
    fn scenario_name_must_be_a_safe_folder_name() {
        for bad in ["../evil", "a/b", ".hidden", ""] {
            let text = format!(
                "[scenario]\nname = {bad:?}\nduration = \"1 year\"\n[[arm]]\nname = \"a\"\n"
            );
            assert!(
                err(&text).message.contains("invalid scenario name"),
                "{bad}"
            );
        }
    }

    #[test]
    fn an_arm_may_use_its_own_profile_with_the_shared_overrides() {
        let text = format!("{HEAD}[patient]\nprofile = \"aga_mild\"\n[patient.parameters]\nanagen_days = 1000.0\n[[arm]]\nname = \"a\"\nprofile = \"healthy\"\n[[arm]]\nname = \"b\"\n");
        let s = parse_and_validate("t.toml", &text).unwrap();
        assert_eq!(s.arms[0].patient.profile.name, "healthy");
        assert_eq!(s.arms[0].patient.terminal_fraction_start, None);
        assert!((s.arms[0].patient.params.anagen_days - 1000.0).abs() < 1e-12);
        assert_eq!(s.arms[1].patient.profile.name, "aga_mild");
    }

    /// Regression (issue 5): tables made only by a sub-table header or by dotted
    /// keys have no span in toml, and used to fail with a baffling type error.
    #[test]
    fn tables_made_by_subtables_or_dotted_keys_load() {
        let text = "scenario.name = \"t\"\nscenario.duration = \"1 year\"\n[patient.parameters]\nanagen_days = 900.0\n[[arm]]\nname = \"a\"\n";
        let s = parse_and_validate("t.toml", text).unwrap();
        assert!((s.patient.params.anagen_days - 900.0).abs() < 1e-12);
    }

    #[test]
    fn no_arms() {
        assert!(err(HEAD).message.contains("no arms"));
    }

    #[test]
    fn endpoint_after_the_end() {
        let e = err(&format!(
            "{HEAD}[plot]\nendpoints = [\"2 years\"]\n[[arm]]\nname = \"a\"\n"
        ));
        assert!(e.message.contains("after the end"));
    }

    #[test]
    fn too_many_output_rows() {
        let e = err("[scenario]\nname = \"t\"\nduration = \"200 years\"\noutput_interval = \"0.001 days\"\n[[arm]]\nname = \"a\"\n");
        assert!(e.message.contains("more than the limit"));
    }

    /// Every remaining rule, one case each: (scenario text, expected message part, line).
    #[test]
    fn each_remaining_rule_has_its_own_located_error() {
        let arm = |t: &str| with_arm(t);
        let cases: Vec<(String, &str, usize)> = vec![
            (format!("{HEAD}[patient]\nterminal_fraction_start = 1.5\n[[arm]]\nname = \"a\"\n"), "terminal_fraction_start must be between 0 and 1", 5),
            ("[scenario]\nname = \"t\"\nduration = \"10 days\"\noutput_interval = \"20 days\"\n[[arm]]\nname = \"a\"\n".to_string(), "output_interval is longer", 4),
            ("[scenario]\nname = \"t\"\nduration = \"0 days\"\n[[arm]]\nname = \"a\"\n".to_string(), "longer than zero", 3),
            ("[scenario]\nname = \"t\"\nduration = \"300 years\"\n[[arm]]\nname = \"a\"\n".to_string(), "limit of 200 years", 3),
            (arm("kind = \"finasteride\"\nstop = \"100 days\"\nduration = \"50 days\""), "either `stop` or `duration`", 8),
            (arm("kind = \"prp\"\nsessions = 3\nstop = \"100 days\""), "either `sessions` or `stop`", 8),
            (arm("kind = \"prp\"\nsessions = 0"), "sessions must be a whole number", 8),
            (arm("kind = \"laser\""), "unknown treatment kind", 7),
            (arm("kind = \"low_level_laser\"\nevery = \"0.001 days\""), "more than the limit", 8),
            (arm("kind = \"finasteride\"\ndose = \"5000 mg\""), "at most 1000", 8),
            (arm("kind = \"prp\"\ndose = \"big\""), "cannot read \"big\" as a dose", 8),
            (arm("kind = \"prp\"\nevery = \"0 days\""), "longer than zero", 8),
            (arm("kind = \"prp\"\nstart = \"soon\""), "as a duration", 8),
            (arm("kind = \"custom\"\ntarget = \"hair\"\ndelivery = \"sessions\"\neffect = 1.0"), "unknown target", 8),
            (arm("kind = \"custom\"\ntarget = \"dht\"\ndelivery = \"sometimes\"\neffect = 1.0"), "unknown delivery", 9),
            (arm("kind = \"custom\"\ntarget = \"stimulation\"\ndelivery = \"sessions\"\neffect = -1.0"), "not valid for target", 10),
            (format!("{HEAD}[[arm]]\nname = \"  \"\n"), "invalid arm name", 5),
            (format!("{HEAD}[plot]\ncharts = [\"hair_counts\"]\n[[arm]]\nname = \"a\"\n"), "unknown chart", 5),
            (format!("{HEAD}[solver]\nrk4_step = \"-1 days\"\n[[arm]]\nname = \"a\"\n"), "non-negative", 5),
            ("name = \"t\"\n".to_string(), "unknown field `name`", 1),
            ("[scenario\nname = \"t\"\n".to_string(), "invalid table header", 1),
        ];
        for (text, part, line) in cases {
            let e = err(&text);
            assert!(
                e.to_string().contains(part),
                "expected {part:?} in:\n{e}\nfor:\n{text}"
            );
            assert_eq!(e.line, line, "line of {part:?}: {e}");
        }
    }

    #[test]
    fn population_rules() {
        let pop = |body: &str| format!("{HEAD}[population]\n{body}\n[[arm]]\nname = \"a\"\n");
        let cases: Vec<(String, &str)> = vec![
            (pop("size = 0"), "population size must be from 1"),
            (pop("size = 10\nseed = -1"), "seed must be a whole number"),
            (pop("size = 10\nresponder_threshold = nan"), "responder_threshold must be"),
            (pop("size = 10\nresponder_time = \"2 years\""), "after the end"),
            (pop("size = 10\n[[population.vary]]\nparameter = \"anagen_dayz\"\ndistribution = \"normal\"\ncv = 0.1"), "unknown parameter `anagen_dayz`"),
            (pop("size = 10\n[[population.vary]]\nparameter = \"anagen_days\"\ndistribution = \"gaussian\"\ncv = 0.1"), "unknown distribution"),
            (pop("size = 10\n[[population.vary]]\nparameter = \"anagen_days\"\ndistribution = \"normal\""), "needs `cv`"),
            (pop("size = 10\n[[population.vary]]\nparameter = \"anagen_days\"\ndistribution = \"normal\"\ncv = -0.1"), "cv must be from 0 to 5"),
            (pop("size = 10\n[[population.vary]]\nparameter = \"anagen_days\"\ndistribution = \"uniform\"\nmin = 900.0\nmax = 800.0"), "at least min"),
            (pop("size = 10\n[[population.vary]]\nparameter = \"anagen_days\"\ndistribution = \"uniform\"\nmin = 800.0\nmax = 900.0\ncv = 0.1"), "does not apply"),
            (pop("size = 10\n[[population.vary]]\nparameter = \"anagen_days\"\ndistribution = \"normal\"\ncv = 0.1\n[[population.vary]]\nparameter = \"anagen_days\"\ndistribution = \"normal\"\ncv = 0.2"), "varied twice"),
            ("[scenario]\nname = \"t\"\nduration = \"100 years\"\n[population]\nsize = 10\n[[arm]]\nname = \"a\"\n".to_string(), "more than the limit"),
        ];
        for (text, part) in cases {
            let e = err(&text);
            assert!(e.to_string().contains(part), "expected {part:?} in:\n{e}");
        }
        let ok = parse_and_validate("t.toml", &pop("size = 10\n[[population.vary]]\nparameter = \"terminal_fraction_start\"\ndistribution = \"uniform\"\nmin = 0.5\nmax = 0.8")).unwrap();
        let p = ok.population.unwrap();
        assert_eq!((p.size, p.seed), (10, 1));
        assert!((p.responder_threshold - 0.10).abs() < 1e-12);
    }

    #[test]
    fn single_session_when_no_every() {
        let s = parse_and_validate("t.toml", &with_arm("kind = \"prp\"\nstart = \"100 days\""))
            .unwrap();
        assert_eq!(s.arms[0].treatments[0].schedule.sessions, Some(1));
    }
}
