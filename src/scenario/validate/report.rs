//! `[report]`: what the HTML report adds to a run, today `[report.what_if]`,
//! the parameter its slider moves over a range scanned at report time.

use super::patient::unknown_parameter;
use super::{Ctx, R};
use crate::population::Varied;
use crate::scan::ScanRange;
use crate::scenario::raw::{RawReport, RawWhatIf};
use crate::scenario::{ReportSettings, WhatIf};
use toml::Spanned;

/// The whole section; without it, the report has no what-if.
pub(super) fn report(ctx: &Ctx, raw: Option<&RawReport>) -> R<ReportSettings> {
    let what_if = match raw.and_then(|r| r.what_if.as_ref()) {
        Some(w) => Some(what_if(ctx, w.get_ref())?),
        None => None,
    };
    Ok(ReportSettings { what_if })
}

/// `[report.what_if]`: a known quantity, a range of valid values, a step count.
fn what_if(ctx: &Ctx, w: &RawWhatIf) -> R<WhatIf> {
    let Some(varied) = Varied::find(w.parameter.get_ref()) else {
        return unknown_parameter(
            ctx,
            &w.parameter,
            &Varied::names(),
            "`sim model` lists every parameter; `terminal_fraction_start` varies severity",
        );
    };
    let range = range(ctx, &w.range, varied)?;
    let steps = match &w.steps {
        Some(s) => ctx.count(
            s,
            WhatIf::MAX_STEPS,
            |n| {
                format!(
                    "what_if steps must be from 2 to {}, got {n}",
                    WhatIf::MAX_STEPS
                )
            },
            Some(format!("e.g. steps = {}", WhatIf::DEFAULT_STEPS)),
        )?,
        None => WhatIf::DEFAULT_STEPS,
    };
    if steps < 2 {
        let span = w.steps.as_ref().map_or(0..0, Spanned::span);
        return ctx.err(
            span,
            format!(
                "what_if steps must be from 2 to {}, got {steps}",
                WhatIf::MAX_STEPS
            ),
            Some("the slider needs at least its two ends".into()),
        );
    }
    Ok(WhatIf {
        varied,
        range,
        steps,
    })
}

/// `range = "LO..HI"`: LO below HI, both valid values of `varied`.
fn range(ctx: &Ctx, v: &Spanned<String>, varied: Varied) -> R<ScanRange> {
    let range: ScanRange = v
        .get_ref()
        .parse()
        .or_else(|e| ctx.err(v.span(), format!("what_if range: {e}"), None))?;
    for end in [range.lo, range.hi] {
        if !varied.allows(end) {
            return ctx.err(
                v.span(),
                format!(
                    "what_if range: {end} is not a valid value of `{}`",
                    varied.name()
                ),
                Some("`sim model` lists every parameter's range".into()),
            );
        }
    }
    Ok(range)
}
