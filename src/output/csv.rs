//! CSV writers: `timeseries.csv` (streamed, long format, one row per arm and
//! output time), `population.csv`, `sensitivity.csv`, `scan.csv`,
//! `follicles.csv` and `bench.csv`, each opening with a `#` line carrying the non-clinical label,
//! scenario and version.

use crate::bench::BenchReport;
use crate::label;
use crate::model::{N_STATES, STATE_NAMES};
use crate::simulation::SimulationResult;
use crate::trajectory::COLUMNS;
use std::fmt::Write as _;
use std::io::{self, Write};

/// A number with `sig` significant digits, trailing zeros trimmed, never
/// exponent notation for the magnitudes this model produces. Deterministic.
pub fn fmt_sig(v: f64, sig: i32) -> String {
    if !v.is_finite() {
        return "NaN".to_string();
    }
    if v == 0.0 {
        return "0".to_string();
    }
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = (sig - 1 - magnitude).clamp(0, 17) as usize;
    let mut s = format!("{v:.decimals$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".to_string();
    }
    s
}

/// Quote a field per RFC 4180 when it holds a comma, quote or line break.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The first line of every CSV: the non-clinical label, scenario and version.
fn labelled(scenario: &str) -> String {
    format!("# {}\n", label::footer(scenario))
}

/// The whole CSV text.
pub fn timeseries(result: &SimulationResult) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail, and the text is UTF-8 by construction.
    let _ = write_timeseries(result, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Stream the CSV to `w`, one row at a time, so a long run never holds the
/// whole text in memory.
pub fn write_timeseries(result: &SimulationResult, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "# {}", label::footer(&result.scenario))?;
    let mut line = String::from("arm,time_days");
    for c in COLUMNS {
        line.push(',');
        line.push_str(c);
    }
    line.push('\n');
    w.write_all(line.as_bytes())?;
    for arm in &result.arms {
        let name = field(&arm.name);
        for (t, row) in arm.trajectory.times_days.iter().zip(&arm.trajectory.rows) {
            line.clear();
            line.push_str(&name);
            line.push(',');
            line.push_str(&fmt_sig(*t, 12));
            for v in row.values() {
                line.push(',');
                line.push_str(&fmt_sig(v, 10));
            }
            line.push('\n');
            w.write_all(line.as_bytes())?;
        }
    }
    Ok(())
}

/// `population.csv`: per arm and output time, the cohort percentiles of hair
/// count (% of each patient's start) and shedding; `None` without a cohort.
pub fn population(result: &SimulationResult) -> Option<String> {
    let pop = result.population.as_ref()?;
    let mut out = labelled(&result.scenario);
    let _ = writeln!(out, "# {} virtual patients, seed {}", pop.size, pop.seed);
    out.push_str("arm,time_days");
    for series in ["hair_count_pct", "shedding_per_day"] {
        for q in pop.quantiles {
            let _ = write!(out, ",{series}_p{}", (q * 100.0).round());
        }
    }
    out.push('\n');
    for arm in &pop.arms {
        let name = field(&arm.name);
        for (i, t) in arm.times_days.iter().enumerate() {
            out.push_str(&name);
            out.push(',');
            out.push_str(&fmt_sig(*t, 12));
            for v in arm.hair_count_pct[i].iter().chain(&arm.shedding_per_day[i]) {
                out.push(',');
                out.push_str(&fmt_sig(*v, 10));
            }
            out.push('\n');
        }
    }
    Some(out)
}

/// `sensitivity.csv`: one row per parameter, sorted by |local| sensitivity.
pub fn sensitivity(r: &crate::sensitivity::SensitivityResult) -> String {
    let mut out = labelled(&r.scenario);
    let _ = writeln!(
        out,
        "# arm {}; endpoint E = hair count at day {} / at start = {}; Morris: {} trajectories, {} levels, ±{}, seed {}",
        field(&r.arm),
        fmt_sig(r.endpoint_days, 10),
        fmt_sig(r.endpoint_ratio, 10),
        r.morris.trajectories,
        r.morris.levels,
        r.morris.spread,
        r.morris.seed
    );
    out.push_str("parameter,unit,value,local_normalized,morris_mu_star_pct,morris_sigma_pct\n");
    for p in &r.parameters {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{}",
            p.name,
            field(p.unit),
            fmt_sig(p.value, 10),
            fmt_sig(p.local, 8),
            fmt_sig(p.mu_star_pct, 8),
            fmt_sig(p.sigma_pct, 8)
        );
    }
    out
}

/// `scan.csv`: long format, one row per arm and scanned value.
pub fn scan(r: &crate::scan::ScanResult) -> String {
    let mut out = labelled(&r.scenario);
    let _ = writeln!(
        out,
        "# endpoint: hair-count change from start at day {}",
        fmt_sig(r.endpoint_days, 10)
    );
    let _ = writeln!(out, "arm,{},hair_count_change_pct", r.parameter);
    for (arm, changes) in &r.arms {
        for (v, c) in r.values.iter().zip(changes) {
            let _ = writeln!(
                out,
                "{},{},{}",
                field(arm),
                fmt_sig(*v, 10),
                fmt_sig(*c, 10)
            );
        }
    }
    out
}

/// `follicles.csv`: long format, one row per arm and output time: the
/// automaton's shares of the follicles present with their standard errors,
/// and the ODE's (the chain's exact mean when durations are Markov).
pub fn follicles(r: &crate::follicles::FollicleResult) -> String {
    use crate::follicles::Durations;
    let mut out = labelled(&r.scenario);
    let durations = match r.settings.durations {
        Durations::Markov => "markov (as the ODE)".to_string(),
        Durations::LogNormal { cv } => format!("lognormal, cv {}", fmt_sig(cv, 6)),
    };
    let _ = writeln!(
        out,
        "# follicle-level automaton: {} follicles per arm, seed {}, durations {durations}",
        r.settings.follicles, r.settings.seed
    );
    let names = ["anagen", "catagen", "telogen", "kenogen", "terminal"];
    out.push_str("arm,t_days,follicles_present");
    for n in names {
        let _ = write!(out, ",{n},{n}_se");
    }
    for n in names {
        let _ = write!(out, ",ode_{n}");
    }
    out.push('\n');
    for arm in &r.arms {
        for ((t, c), o) in r.times_days.iter().zip(&arm.counts).zip(&arm.ode) {
            let _ = write!(
                out,
                "{},{},{}",
                field(&arm.name),
                fmt_sig(*t, 10),
                c.present
            );
            for e in c.shares() {
                let _ = write!(out, ",{},{}", fmt_sig(e.value, 8), fmt_sig(e.se, 6));
            }
            for v in o.values() {
                let _ = write!(out, ",{}", fmt_sig(v, 8));
            }
            out.push('\n');
        }
    }
    out
}

/// `bench.csv`: a label comment line (with the machine), then one row per measurement.
pub fn bench(report: &BenchReport) -> String {
    // The machine and versions belong to a timing, so its label line says them too.
    let mut s = format!("# {}\n", report.environment.footer(&report.scenario));
    s.push_str("method,rtol,atol,status,final_l2,final_max,grid_l2,grid_max,median_s,min_s,max_s,runs,rhs_evaluations,accepted_steps,rejected_steps,jacobian_evaluations,segments,failure");
    for (name, _) in STATE_NAMES {
        s.push_str(&format!(",max_{name}"));
    }
    s.push('\n');
    let num = |v: Option<f64>| v.map(|x| format!("{x:e}")).unwrap_or_default();
    for m in &report.measurements {
        let e = m.errors.as_ref();
        let t = m.timing.as_ref();
        let failure = m
            .failure
            .as_deref()
            .unwrap_or("")
            .replace('"', "'")
            .replace('\n', " ");
        s.push_str(&format!(
            "{},{:e},{:e},{},{},{},{},{},{},{},{},{},{},{},{},{},{},\"{}\"",
            m.method,
            m.rtol,
            m.atol,
            m.status,
            num(e.map(|e| e.final_l2)),
            num(e.map(|e| e.final_max)),
            num(e.map(|e| e.grid_l2)),
            num(e.map(|e| e.grid_max)),
            num(t.map(|t| t.median_s)),
            num(t.map(|t| t.min_s)),
            num(t.map(|t| t.max_s)),
            t.map(|t| t.runs).unwrap_or(0),
            m.work.rhs_evaluations,
            m.work.accepted_steps,
            m.work.rejected_steps,
            m.work.jacobian_evaluations,
            m.work.segments,
            failure
        ));
        for i in 0..N_STATES {
            s.push(',');
            s.push_str(&num(e.map(|e| e.per_state[i].max)));
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_digits() {
        assert_eq!(fmt_sig(88123.456789123, 10), "88123.45679");
        assert_eq!(fmt_sig(0.000123456789012, 4), "0.0001235");
        assert_eq!(fmt_sig(2.0, 10), "2");
        assert_eq!(fmt_sig(-0.0, 10), "0");
        assert_eq!(fmt_sig(1e-30, 3), "0");
    }

    #[test]
    fn quoting() {
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("plain"), "plain");
    }
}
