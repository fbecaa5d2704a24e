//! The validating conversion from the raw TOML shape to a [`Scenario`].
//!
//! Every check reports the span of the offending value, what is wrong and what
//! would be valid, in the manner of argmin's setters: each rule is one small
//! function with its own test (`tests.rs`). This file holds the limits, the
//! `[scenario]` table and the rules over the whole file; each other table has
//! its own module: `patient` (`[patient]`), `settings` (`[model]`, `[solver]`,
//! `[plot]`), `population` (`[population]`), `report` (`[report]`), `arm`
//! (`[[arm]]` and its treatments). Defaults are named constants on the types they fill.

mod arm;
mod event;
mod follicles;
mod patient;
mod population;
mod report;
mod settings;
#[cfg(test)]
mod tests;
mod treatment;

pub use population::{MAX_POPULATION, MAX_POPULATION_ROWS};

use super::error::{Locator, ScenarioError};
use super::names::{lookup, Named};
use super::raw::{RawFile, RawScenario, RawSolver};
use super::{Arm, Scenario};
use crate::solve::SolverSettings;
use crate::treatment::Delivery;
use crate::units::{self, parse_duration_days, DAYS_PER_YEAR};
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
/// with rk4; dop853 does three times the work per step).
pub const MAX_STEPS_LIMIT: u32 = 2_000_000;

type R<T> = Result<T, ScenarioError>;

/// Where the file's values are, for located errors.
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

    /// The value of a closed set named by `v`, or "unknown … did you mean".
    fn named<T: Named>(&self, v: &Spanned<String>) -> R<&'static T> {
        lookup::<T>(v.get_ref()).or_else(|e| self.err(v.span(), e.to_string(), Some(e.help)))
    }

    /// A whole number from 1 to `max`; otherwise `message(n)`, with `help`.
    fn count(
        &self,
        v: &Spanned<i64>,
        max: u32,
        message: impl FnOnce(i64) -> String,
        help: Option<String>,
    ) -> R<u32> {
        let n = *v.get_ref();
        match u32::try_from(n) {
            Ok(c) if (1..=max).contains(&c) => Ok(c),
            _ => self.err(v.span(), message(n), help),
        }
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

    /// A time after the start and within a scenario of `duration_days` (`what`
    /// names it in messages; `help` says what to do when it is too late).
    fn time_within(
        &self,
        v: &Spanned<String>,
        what: &str,
        duration_days: f64,
        help: Option<&str>,
    ) -> R<f64> {
        let d = self.positive_duration(v, what)?;
        if d > duration_days + 1e-9 {
            return self.err(
                v.span(),
                format!(
                    "{what} {:?} is after the end of the scenario ({})",
                    v.get_ref(),
                    units::describe_days(duration_days)
                ),
                help.map(String::from),
            );
        }
        Ok(d)
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

/// Each table in file order, then the rules over the whole file.
fn validate(ctx: &Ctx, raw: RawFile) -> R<Scenario> {
    let sc = &raw.scenario;
    let name = scenario_name(ctx, &sc.name)?;
    let description = match &sc.description {
        Some(d) => description(ctx, d)?,
        None => String::new(),
    };
    let duration_days = duration(ctx, &sc.duration)?;
    let output_interval_days = output_interval(ctx, sc, duration_days)?;
    let patient = patient::patient(ctx, raw.patient.as_ref())?;
    let pk = settings::pk(ctx, raw.model.as_ref())?;
    let solver = settings::solver(ctx, raw.solver.as_ref())?;
    let plot = settings::plot(ctx, raw.plot.as_ref(), duration_days)?;
    let population = match &raw.population {
        Some(p) => Some(population::population(
            ctx,
            p,
            duration_days,
            output_interval_days,
        )?),
        None => None,
    };
    let follicles = match &raw.follicles {
        Some(f) => follicles::follicles(ctx, f.get_ref())?,
        None => crate::follicles::FollicleSettings::default(),
    };
    let report = report::report(ctx, raw.report.as_ref())?;
    let arms = arm::arms(ctx, &raw, &patient, duration_days, pk)?;
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
        follicles,
        report,
    })
}

/// `[scenario] duration`: longer than zero, at most [`MAX_DURATION_DAYS`].
fn duration(ctx: &Ctx, v: &Spanned<String>) -> R<f64> {
    let duration_days = ctx.positive_duration(v, "scenario duration")?;
    if duration_days > MAX_DURATION_DAYS {
        return ctx.err(
            v.span(),
            format!(
                "scenario duration {:?} is longer than the limit of 200 years",
                v.get_ref()
            ),
            None,
        );
    }
    Ok(duration_days)
}

/// `[scenario] output_interval`: within the duration, at most
/// [`MAX_OUTPUT_ROWS`] rows per arm; default [`Scenario::DEFAULT_OUTPUT_INTERVAL_DAYS`].
fn output_interval(ctx: &Ctx, sc: &RawScenario, duration_days: f64) -> R<f64> {
    let Some(v) = &sc.output_interval else {
        return Ok(Scenario::DEFAULT_OUTPUT_INTERVAL_DAYS.min(duration_days));
    };
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
    Ok(d)
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
/// able to make a name display as something else. Also the noncharacters
/// (U+FDD0–U+FDEF and the last two code points of every plane): they have no
/// glyph, and XML (the SVG charts, SBML) cannot hold U+FFFE or U+FFFF at all.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FDD0}'..='\u{FDEF}')
        || u32::from(c) & 0xFFFE == 0xFFFE
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
            if t.kind.delivery() != Delivery::Sessions {
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
