//! `[patient]`: a profile, parameter overrides and the starting terminal
//! fraction; an arm may name its own profile and takes the overrides with it.

use super::{Ctx, R};
use crate::params::{self, Parameters, PARAMETERS};
use crate::profile::Profile;
use crate::scenario::error::closest;
use crate::scenario::names::lookup;
use crate::scenario::raw::RawPatient;
use crate::scenario::Patient;
use std::collections::BTreeMap;
use toml::Spanned;

/// The scenario's `[patient]`, used by every arm that names no profile of its
/// own; without a profile, [`Profile::DEFAULT_NAME`].
pub(super) fn patient(ctx: &Ctx, raw: Option<&RawPatient>) -> R<Patient> {
    let profile = match raw.and_then(|r| r.profile.as_ref()) {
        Some(name) => ctx.named::<Profile>(name)?,
        None => lookup::<Profile>(Profile::DEFAULT_NAME).map_err(|_| {
            ctx.loc
                .error(None, "internal: default profile missing", None)
        })?,
    };
    build_patient(ctx, profile, raw, true)
}

/// An arm's own `profile`, with the scenario's parameter overrides.
pub(super) fn arm_patient(
    ctx: &Ctx,
    profile: &Spanned<String>,
    raw: Option<&RawPatient>,
) -> R<Patient> {
    build_patient(ctx, ctx.named::<Profile>(profile)?, raw, false)
}

/// A profile with the scenario's parameter overrides; the terminal-fraction
/// override applies only to the scenario's own profile.
fn build_patient(
    ctx: &Ctx,
    profile: &'static Profile,
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
    overrides(ctx, &p.parameters, &mut params)?;
    let terminal_fraction_start = match (&p.terminal_fraction_start, own_profile) {
        (Some(v), true) => Some(terminal_fraction(ctx, v)?),
        _ => profile.terminal_fraction_start,
    };
    Ok(Patient {
        profile,
        params,
        terminal_fraction_start,
    })
}

/// `[patient.parameters]`: known names, values in range.
fn overrides(
    ctx: &Ctx,
    raw: &BTreeMap<Spanned<String>, Spanned<f64>>,
    params: &mut Parameters,
) -> R<()> {
    for (key, value) in raw {
        let name = key.get_ref();
        let Some(meta) = params::info(name) else {
            let names: Vec<&str> = PARAMETERS.iter().map(|p| p.name).collect();
            return unknown_parameter(
                ctx,
                key,
                &names,
                "`sim model` lists every parameter with its unit",
            );
        };
        params.set(name, *value.get_ref()).or_else(|e| {
            ctx.err(
                value.span(),
                e.to_string(),
                format!("`{name}` is in {}: {}", meta.unit, meta.meaning),
            )
        })?;
    }
    Ok(())
}

/// `terminal_fraction_start`: see [`Patient::allows_terminal_fraction`].
fn terminal_fraction(ctx: &Ctx, v: &Spanned<f64>) -> R<f64> {
    let x = *v.get_ref();
    if !Patient::allows_terminal_fraction(x) {
        return ctx.err(
            v.span(),
            format!("terminal_fraction_start must be between 0 and 1 (exclusive), got {x}"),
            Some("e.g. 0.7 for moderate miniaturization (T:V ≈ 2.3:1)".into()),
        );
    }
    Ok(x)
}

/// "unknown parameter `name`", suggesting the closest of `names`, or
/// `otherwise` when none is close.
pub(super) fn unknown_parameter<T>(
    ctx: &Ctx,
    name: &Spanned<String>,
    names: &[&str],
    otherwise: &str,
) -> R<T> {
    let help = match closest(name.get_ref(), names.iter().copied()) {
        Some(c) => format!("did you mean `{c}`? `sim model` lists every parameter"),
        None => otherwise.to_string(),
    };
    ctx.err(
        name.span(),
        format!("unknown parameter `{}`", name.get_ref()),
        help,
    )
}
