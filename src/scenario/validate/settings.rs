//! The settings tables: `[model]` (the pk variant), `[solver]` (method,
//! tolerances, step budget) and `[plot]` (charts and endpoints).

use super::{Ctx, MAX_ENDPOINTS, MAX_STEPS_LIMIT, R};
use crate::charts::ChartKind;
use crate::model::Pk;
use crate::scenario::raw::{RawModel, RawPlot, RawSolver};
use crate::scenario::PlotSettings;
use crate::solve::{Method, SettingsError, SolverSettings};
use crate::units::{AbsoluteTolerance, RelativeTolerance};
use toml::Spanned;

/// `[model] pk`; default [`Pk::default`].
pub(super) fn pk(ctx: &Ctx, raw: Option<&RawModel>) -> R<Pk> {
    match raw.and_then(|m| m.pk.as_ref()) {
        Some(v) => ctx.named::<Pk>(v).copied(),
        None => Ok(Pk::default()),
    }
}

/// `[solver]` over [`SolverSettings::default`].
pub(super) fn solver(ctx: &Ctx, raw: Option<&RawSolver>) -> R<SolverSettings> {
    let mut s = SolverSettings::default();
    let Some(raw) = raw else { return Ok(s) };
    if let Some(m) = &raw.method {
        s = s.with_method(*ctx.named::<Method>(m)?);
    }
    // The ranges are the settings' own (`SolverSettings::with_rtol` …).
    if let Some(v) = &raw.rtol {
        s = checked(
            ctx,
            v,
            s.with_rtol(*v.get_ref()),
            Some(RelativeTolerance::HELP),
        )?;
    }
    if let Some(v) = &raw.atol {
        s = checked(
            ctx,
            v,
            s.with_atol(*v.get_ref()),
            Some(AbsoluteTolerance::HELP),
        )?;
    }
    if let Some(v) = &raw.max_steps {
        s = checked(ctx, v, s.with_max_steps(max_steps(ctx, v)?), None)?;
    }
    if let Some(v) = &raw.rk4_step {
        let days = ctx.positive_duration(v, "rk4_step")?;
        s = checked(ctx, v, s.with_rk4_step_days(days), None)?;
    }
    Ok(s)
}

/// A setter's verdict on the value at `v`, as a located error.
fn checked<T>(
    ctx: &Ctx,
    v: &Spanned<T>,
    set: Result<SolverSettings, SettingsError>,
    help: Option<&str>,
) -> R<SolverSettings> {
    set.or_else(|e| ctx.err(v.span(), e.to_string(), help.map(str::to_string)))
}

/// `max_steps`: a whole number from 1 to [`MAX_STEPS_LIMIT`].
fn max_steps(ctx: &Ctx, v: &Spanned<i64>) -> R<u32> {
    ctx.count(
        v,
        MAX_STEPS_LIMIT,
        |n| format!("max_steps must be a whole number from 1 to {MAX_STEPS_LIMIT}, got {n}"),
        Some(format!(
            "the default is {}; a run that needs more usually wants a looser rtol",
            SolverSettings::default().max_steps()
        )),
    )
}

/// `[plot]` over [`PlotSettings::defaults`].
pub(super) fn plot(ctx: &Ctx, raw: Option<&RawPlot>, duration_days: f64) -> R<PlotSettings> {
    let mut plot = PlotSettings::defaults(duration_days);
    let Some(raw) = raw else { return Ok(plot) };
    if let Some(list) = &raw.charts {
        plot.charts.clear();
        for c in list {
            let k = *ctx.named::<ChartKind>(c)?;
            if !plot.charts.contains(&k) {
                plot.charts.push(k);
            }
        }
    }
    if let Some(list) = &raw.endpoints {
        plot.endpoints_days = endpoints(ctx, list, duration_days)?;
    }
    Ok(plot)
}

/// `[plot] endpoints`: at most [`MAX_ENDPOINTS`] times within the scenario,
/// sorted, repeats removed.
fn endpoints(ctx: &Ctx, list: &[Spanned<String>], duration_days: f64) -> R<Vec<f64>> {
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
    let mut days = list
        .iter()
        .map(|e| {
            ctx.time_within(
                e,
                "endpoint",
                duration_days,
                Some("use endpoints within the scenario duration"),
            )
        })
        .collect::<R<Vec<f64>>>()?;
    days.sort_by(f64::total_cmp);
    days.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    Ok(days)
}
