//! `[follicles]`: how many follicles `sim follicles` follows per arm, its
//! seed, and how the phase durations are drawn.

use super::{Ctx, R};
use crate::follicles::{Durations, FollicleSettings};
use crate::scenario::raw::RawFollicles;

/// The whole section; defaults are those of [`FollicleSettings`].
pub(super) fn follicles(ctx: &Ctx, f: &RawFollicles) -> R<FollicleSettings> {
    let mut s = FollicleSettings::default();
    if let Some(n) = &f.follicles {
        let max = FollicleSettings::MAX_FOLLICLES;
        s.follicles = ctx.count(
            n,
            max,
            |n| format!("follicles must be a whole number from 1 to {max}, got {n}"),
            Some("a whole scalp is about 100000".into()),
        )?;
    }
    if let Some(seed) = &f.seed {
        s.seed = u64::try_from(*seed.get_ref()).or_else(|_| {
            ctx.err(
                seed.span(),
                format!("seed must be a whole number ≥ 0, got {}", seed.get_ref()),
                None,
            )
        })?;
    }
    let lognormal = match &f.durations {
        None => false,
        Some(d) => match d.get_ref().as_str() {
            "markov" => false,
            "lognormal" => true,
            other => {
                return ctx.err(
                    d.span(),
                    format!("unknown durations `{other}`"),
                    Some(
                        "use \"markov\" (as the ODE) or \"lognormal\" (as Halloy, with a cv)"
                            .into(),
                    ),
                )
            }
        },
    };
    s.durations = match (&f.cv, lognormal) {
        (Some(cv), true) => match Durations::lognormal(*cv.get_ref()) {
            Some(d) => d,
            None => {
                return ctx.err(
                    cv.span(),
                    format!(
                        "cv must be above 0 and at most {}, got {}",
                        Durations::MAX_CV,
                        cv.get_ref()
                    ),
                    None,
                )
            }
        },
        (Some(cv), false) => {
            return ctx.err(
                cv.span(),
                "cv applies only to durations = \"lognormal\"",
                Some("add durations = \"lognormal\", or remove cv".into()),
            )
        }
        (None, true) => {
            let span = f.durations.as_ref().map(|d| d.span()).unwrap_or_default();
            return ctx.err(
                span,
                "lognormal durations need a cv",
                Some("e.g. cv = 0.4".into()),
            );
        }
        (None, false) => Durations::Markov,
    };
    Ok(s)
}
