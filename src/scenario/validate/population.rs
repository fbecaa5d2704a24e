//! `[population]`: the size of a virtual cohort, its seed, what counts as a
//! response, and `[[population.vary]]`, what varies between patients and how.

use super::patient::unknown_parameter;
use super::{Ctx, R};
use crate::population::{Distribution, DistributionKind, Population, Variation, Varied};
use crate::scenario::raw::{RawPopulation, RawVary};
use crate::units::DAYS_PER_MONTH;
use std::ops::Range;
use toml::Spanned;

/// Most output times per arm in a cohort: each keeps 10 streaming estimators.
pub const MAX_POPULATION_ROWS: f64 = 20_000.0;
/// Most virtual patients.
pub const MAX_POPULATION: u32 = 1_000_000;

/// The whole section; defaults are the constants on [`Population`].
pub(super) fn population(
    ctx: &Ctx,
    raw: &Spanned<RawPopulation>,
    duration_days: f64,
    interval_days: f64,
) -> R<Population> {
    let p = raw.get_ref();
    let size = size(ctx, &p.size)?;
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
        None => Population::DEFAULT_SEED,
    };
    let responder_threshold = match &p.responder_threshold {
        Some(v) => responder_threshold(ctx, v)?,
        None => Population::DEFAULT_RESPONDER_THRESHOLD,
    };
    let responder_time_days = match &p.responder_time {
        Some(v) => ctx.time_within(v, "responder_time", duration_days, None)?,
        None => (Population::DEFAULT_RESPONDER_MONTHS * DAYS_PER_MONTH).min(duration_days),
    };
    let mut vary: Vec<Variation> = Vec::new();
    for v in &p.vary {
        let variation = variation(ctx, v.get_ref(), &vary)?;
        vary.push(variation);
    }
    Ok(Population {
        size,
        seed,
        responder_threshold,
        responder_time_days,
        vary,
    })
}

/// `size`: from 1 to [`MAX_POPULATION`].
fn size(ctx: &Ctx, v: &Spanned<i64>) -> R<u32> {
    ctx.count(
        v,
        MAX_POPULATION,
        |n| format!("population size must be from 1 to {MAX_POPULATION}, got {n}"),
        Some("e.g. size = 1000".into()),
    )
}

/// `responder_threshold`: a fraction above −1 (−100 %) and at most 10.
fn responder_threshold(ctx: &Ctx, v: &Spanned<f64>) -> R<f64> {
    let x = *v.get_ref();
    if !(x.is_finite() && x > -1.0 && x <= 10.0) {
        return ctx.err(
            v.span(),
            format!("responder_threshold must be a fraction above −1 and at most 10, got {x}"),
            Some("0.10 means at least +10% hair count".into()),
        );
    }
    Ok(x)
}

/// One `[[population.vary]]`: a known quantity not in `earlier`, and a
/// distribution with its keys.
fn variation(ctx: &Ctx, v: &RawVary, earlier: &[Variation]) -> R<Variation> {
    let Some(varied) = Varied::find(v.parameter.get_ref()) else {
        return unknown_parameter(
            ctx,
            &v.parameter,
            &Varied::names(),
            "`sim model` lists every parameter; `terminal_fraction_start` varies severity",
        );
    };
    if earlier.iter().any(|w| w.varied == varied) {
        return ctx.err(
            v.parameter.span(),
            format!("`{}` is varied twice", varied.name()),
            Some("give each parameter one distribution".into()),
        );
    }
    let keys = Keys { ctx, v };
    let distribution = match ctx.named::<DistributionKind>(&v.distribution)? {
        DistributionKind::LogNormal => Distribution::LogNormal { cv: keys.cv()? },
        DistributionKind::Normal => Distribution::Normal { cv: keys.cv()? },
        DistributionKind::Uniform => keys.uniform(varied)?,
    };
    Ok(Variation {
        varied,
        distribution,
    })
}

/// The keys of one `[[population.vary]]` that its distribution needs or refuses.
struct Keys<'a> {
    ctx: &'a Ctx<'a>,
    v: &'a RawVary,
}

impl Keys<'_> {
    /// A key the distribution needs: present and finite.
    fn need(&self, key: &str, val: Option<&Spanned<f64>>) -> R<(f64, Range<usize>)> {
        let Some(val) = val else {
            return self.ctx.err(
                self.v.distribution.span(),
                format!(
                    "distribution `{}` needs `{key}`",
                    self.v.distribution.get_ref()
                ),
                None,
            );
        };
        if !val.get_ref().is_finite() {
            return self
                .ctx
                .err(val.span(), format!("`{key}` must be a finite number"), None);
        }
        Ok((*val.get_ref(), val.span()))
    }

    /// A key the distribution does not take: absent.
    fn refuse(&self, key: &str, val: Option<&Spanned<f64>>) -> R<()> {
        match val {
            Some(x) => self.ctx.err(
                x.span(),
                format!(
                    "`{key}` does not apply to distribution `{}`",
                    self.v.distribution.get_ref()
                ),
                None,
            ),
            None => Ok(()),
        }
    }

    /// `lognormal` and `normal`: `cv` from 0 to [`Distribution::MAX_CV`], no bounds.
    fn cv(&self) -> R<f64> {
        self.refuse("min", self.v.min.as_ref())?;
        self.refuse("max", self.v.max.as_ref())?;
        let (cv, span) = self.need("cv", self.v.cv.as_ref())?;
        if !(0.0..=Distribution::MAX_CV).contains(&cv) {
            return self.ctx.err(
                span,
                format!("cv must be from 0 to {}, got {cv}", Distribution::MAX_CV),
                Some("0.3 means a 30% coefficient of variation".into()),
            );
        }
        Ok(cv)
    }

    /// `uniform`: valid `min` ≤ `max`, no `cv`.
    fn uniform(&self, varied: Varied) -> R<Distribution> {
        self.refuse("cv", self.v.cv.as_ref())?;
        let (min, min_span) = self.need("min", self.v.min.as_ref())?;
        let (max, max_span) = self.need("max", self.v.max.as_ref())?;
        let name = varied.name();
        if !varied.allows(min) {
            return self.ctx.err(
                min_span,
                format!("min {min} is not a valid value of `{name}`"),
                None,
            );
        }
        if !varied.allows(max) || max < min {
            return self.ctx.err(
                max_span,
                format!("max {max} must be a valid value of `{name}` and at least min"),
                None,
            );
        }
        Ok(Distribution::Uniform { min, max })
    }
}
