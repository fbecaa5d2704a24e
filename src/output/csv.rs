//! `timeseries.csv`: long format, one row per arm and output time, with a
//! leading `#` line carrying the non-clinical label, scenario and version.

use crate::label;
use crate::simulation::SimulationResult;
use crate::trajectory::COLUMNS;
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
