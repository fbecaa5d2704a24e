//! Quantities as people write them in scenario files and on the command line:
//! durations ("3 years", "28 days", "daily"), doses ("1 mg", "5%", "1.0") and
//! solver tolerances.
//!
//! Months and years are calendar averages so that "12 months" and "1 year" are
//! the same span: a year is 365.25 days and a month is 365.25 / 12 days.

use crate::solve::{SettingsError, SolverSettings};
use std::fmt;
use std::str::FromStr;

/// Days in a year (Julian year, so leap days average out).
pub const DAYS_PER_YEAR: f64 = 365.25;
/// Days in an average month.
pub const DAYS_PER_MONTH: f64 = DAYS_PER_YEAR / 12.0;

/// Why a quantity could not be read. The message says what would be valid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UnitError {
    /// No number, or no unit, or an unknown unit.
    #[error("cannot read {text:?} as a duration: write a number and a unit, e.g. \"90 days\", \"6 weeks\", \"12 months\", \"3 years\" (or \"daily\", \"weekly\", \"monthly\")")]
    Duration {
        /// The text as written.
        text: String,
    },
    /// A duration that is zero, negative or not finite where a span is needed.
    #[error("{text:?} must be a finite duration longer than zero")]
    NotPositive {
        /// The text as written.
        text: String,
    },
    /// A dose string that is not "<number> mg", "<number>%" or a plain number.
    #[error("cannot read {text:?} as a dose: write e.g. \"1 mg\", \"5%\", \"2000 grafts\", \"300000 cells\" or a relative strength such as 1.0")]
    Dose {
        /// The text as written.
        text: String,
    },
}

/// Parse a duration into days. Accepts `<number> <unit>` with units day(s), d,
/// week(s), w, month(s), mo, year(s), y, and the words `daily`, `weekly`,
/// `monthly`, `yearly`.
pub fn parse_duration_days(text: &str) -> Result<f64, UnitError> {
    let err = || UnitError::Duration {
        text: text.to_string(),
    };
    let t = text.trim().to_ascii_lowercase();
    match t.as_str() {
        "daily" => return Ok(1.0),
        "weekly" => return Ok(7.0),
        "monthly" => return Ok(DAYS_PER_MONTH),
        "yearly" | "annually" => return Ok(DAYS_PER_YEAR),
        _ => {}
    }
    let split = t.find(|c: char| c.is_ascii_alphabetic()).ok_or_else(err)?;
    let (num, unit) = t.split_at(split);
    let value: f64 = num.trim().parse().map_err(|_| err())?;
    let per = match unit.trim() {
        "d" | "day" | "days" => 1.0,
        "w" | "wk" | "week" | "weeks" => 7.0,
        "mo" | "month" | "months" => DAYS_PER_MONTH,
        "y" | "yr" | "year" | "years" => DAYS_PER_YEAR,
        _ => return Err(err()),
    };
    Ok(value * per)
}

/// A finite duration longer than zero, in days, read from text with a unit
/// (`"12 months"`), as given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Days(f64);

impl Days {
    /// The number of days.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl FromStr for Days {
    type Err = UnitError;
    fn from_str(text: &str) -> Result<Self, UnitError> {
        let days = parse_duration_days(text)?;
        if days.is_finite() && days > 0.0 {
            Ok(Days(days))
        } else {
            Err(UnitError::NotPositive {
                text: text.to_string(),
            })
        }
    }
}

/// The unit a dose was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoseUnit {
    /// Milligrams per administration (oral drugs).
    Mg,
    /// Percent concentration (topical solutions).
    Percent,
    /// A dimensionless strength relative to the standard session (1 = standard).
    Relative,
    /// Follicular units moved in a transplant.
    Grafts,
    /// Cells injected (cell therapy).
    Cells,
}

impl fmt::Display for DoseUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DoseUnit::Mg => "mg",
            DoseUnit::Percent => "%",
            DoseUnit::Relative => "× standard session",
            DoseUnit::Grafts => "grafts",
            DoseUnit::Cells => "cells",
        })
    }
}

/// A dose amount with its unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dose {
    /// The number as written.
    pub amount: f64,
    /// Its unit.
    pub unit: DoseUnit,
}

/// Parse "1 mg", "0.2mg", "5%", "5 %", or a bare number (relative strength).
pub fn parse_dose(text: &str) -> Result<Dose, UnitError> {
    let err = || UnitError::Dose {
        text: text.to_string(),
    };
    let t = text.trim().to_ascii_lowercase();
    let (num, unit) = if let Some(n) = t.strip_suffix("grafts").or_else(|| t.strip_suffix("graft"))
    {
        (n, DoseUnit::Grafts)
    } else if let Some(n) = t.strip_suffix("cells") {
        (n, DoseUnit::Cells)
    } else if let Some(n) = t.strip_suffix("mg") {
        (n, DoseUnit::Mg)
    } else if let Some(n) = t.strip_suffix('%') {
        (n, DoseUnit::Percent)
    } else if let Some(n) = t.strip_suffix('x').or_else(|| t.strip_suffix('×')) {
        (n, DoseUnit::Relative)
    } else {
        (t.as_str(), DoseUnit::Relative)
    };
    let amount: f64 = num.trim().parse().map_err(|_| err())?;
    Ok(Dose { amount, unit })
}

/// A relative tolerance of the solver as typed on the command line (`sim run
/// --rtol`, `sim bench --tolerances`): finite and strictly between 0 and 1.
/// The rule itself is [`SolverSettings::with_rtol`]'s; the scenario file's
/// `[solver] rtol` goes through that setter directly.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct RelativeTolerance(f64);

impl RelativeTolerance {
    /// What to write instead of a refused value.
    pub const HELP: &'static str = "typical values: 1e-3 (rough) to 1e-10 (tight)";

    /// `rtol`, if it is finite and 0 < `rtol` < 1.
    pub fn new(rtol: f64) -> Result<Self, ToleranceError> {
        SolverSettings::default()
            .with_rtol(rtol)
            .map(|_| RelativeTolerance(rtol))
            .map_err(ToleranceError::Invalid)
    }

    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// An absolute tolerance of the solver as typed on the command line: finite
/// and greater than 0 ([`SolverSettings::with_atol`]'s rule).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct AbsoluteTolerance(f64);

impl AbsoluteTolerance {
    /// What to write instead of a refused value.
    pub const HELP: &'static str = "e.g. 1e-9";

    /// `atol`, if it is finite and > 0.
    pub fn new(atol: f64) -> Result<Self, ToleranceError> {
        SolverSettings::default()
            .with_atol(atol)
            .map(|_| AbsoluteTolerance(atol))
            .map_err(ToleranceError::Invalid)
    }

    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// Why a tolerance was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ToleranceError {
    /// Outside the range the solver settings allow.
    #[error(transparent)]
    Invalid(SettingsError),
    /// Not a number at all.
    #[error("cannot read `{0}` as a number")]
    NotANumber(String),
}

fn number(text: &str) -> Result<f64, ToleranceError> {
    text.trim()
        .parse()
        .map_err(|_| ToleranceError::NotANumber(text.trim().to_string()))
}

impl FromStr for RelativeTolerance {
    type Err = ToleranceError;
    fn from_str(text: &str) -> Result<Self, ToleranceError> {
        Self::new(number(text)?)
    }
}

impl FromStr for AbsoluteTolerance {
    type Err = ToleranceError;
    fn from_str(text: &str) -> Result<Self, ToleranceError> {
        Self::new(number(text)?)
    }
}

/// A readable span: "12 months", "3 years", "28 days", for labels.
pub fn describe_days(days: f64) -> String {
    let years = days / DAYS_PER_YEAR;
    let months = days / DAYS_PER_MONTH;
    let near = |x: f64| (x - x.round()).abs() < 1e-6;
    if days >= DAYS_PER_YEAR && near(years) {
        let y = years.round();
        format!("{y} year{}", if y == 1.0 { "" } else { "s" })
    } else if days >= DAYS_PER_MONTH && near(months) {
        let m = months.round();
        format!("{m} month{}", if m == 1.0 { "" } else { "s" })
    } else if days >= 7.0 && near(days / 7.0) {
        let w = (days / 7.0).round();
        format!("{w} week{}", if w == 1.0 { "" } else { "s" })
    } else {
        let d = (days * 100.0).round() / 100.0;
        format!("{d} day{}", if d == 1.0 { "" } else { "s" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn durations_in_every_unit() {
        assert!(close(parse_duration_days("28 days").unwrap(), 28.0));
        assert!(close(parse_duration_days("6 weeks").unwrap(), 42.0));
        assert!(close(parse_duration_days("12 months").unwrap(), 365.25));
        assert!(close(parse_duration_days("1 year").unwrap(), 365.25));
        assert!(close(parse_duration_days("3years").unwrap(), 3.0 * 365.25));
        assert!(close(parse_duration_days(" Daily ").unwrap(), 1.0));
        assert!(close(parse_duration_days("weekly").unwrap(), 7.0));
        assert!(close(parse_duration_days("0.5 d").unwrap(), 0.5));
    }

    #[test]
    fn durations_without_unit_or_number_are_errors() {
        for bad in ["28", "days", "", "3 fortnights", "x days", "1e days"] {
            assert!(parse_duration_days(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn doses() {
        assert_eq!(
            parse_dose("1 mg").unwrap(),
            Dose {
                amount: 1.0,
                unit: DoseUnit::Mg
            }
        );
        assert_eq!(parse_dose("0.2mg").unwrap().amount, 0.2);
        assert_eq!(parse_dose("5%").unwrap().unit, DoseUnit::Percent);
        assert_eq!(parse_dose("1.5").unwrap().unit, DoseUnit::Relative);
        let grafts = parse_dose("2000 grafts").unwrap();
        assert_eq!((grafts.amount, grafts.unit), (2000.0, DoseUnit::Grafts));
        assert_eq!(parse_dose("1 graft").unwrap().unit, DoseUnit::Grafts);
        let cells = parse_dose("3e5 cells").unwrap();
        assert_eq!((cells.amount, cells.unit), (300_000.0, DoseUnit::Cells));
        assert_eq!(parse_dose("2x").unwrap().amount, 2.0);
        assert!(parse_dose("one mg").is_err());
    }

    #[test]
    fn days_read_a_span_with_its_unit() {
        assert_eq!("12 months".parse::<Days>().map(Days::get), Ok(365.25));
    }

    #[test]
    fn days_refuse_zero() {
        assert_eq!(
            "0 days".parse::<Days>(),
            Err(UnitError::NotPositive {
                text: "0 days".into()
            })
        );
    }

    #[test]
    fn days_refuse_a_negative_span() {
        assert!("-3 weeks".parse::<Days>().is_err());
    }

    #[test]
    fn days_refuse_a_number_without_unit() {
        assert!(matches!(
            "12".parse::<Days>(),
            Err(UnitError::Duration { .. })
        ));
    }

    #[test]
    fn rtol_zero_is_refused() {
        assert_eq!(
            RelativeTolerance::new(0.0),
            Err(ToleranceError::Invalid(SettingsError::Rtol(0.0)))
        );
    }

    #[test]
    fn rtol_one_is_refused() {
        assert!(RelativeTolerance::new(1.0).is_err());
    }

    #[test]
    fn rtol_negative_is_refused() {
        assert!(RelativeTolerance::new(-1e-6).is_err());
    }

    #[test]
    fn rtol_nan_is_refused_and_named() {
        let e = RelativeTolerance::new(f64::NAN).unwrap_err();
        assert_eq!(
            e.to_string(),
            "rtol must be between 0 and 1 (exclusive), got NaN"
        );
    }

    #[test]
    fn rtol_in_range_is_kept() {
        assert_eq!(
            "1e-8".parse::<RelativeTolerance>().map(|t| t.get()),
            Ok(1e-8)
        );
    }

    #[test]
    fn rtol_text_that_is_no_number_is_refused() {
        assert_eq!(
            "tight".parse::<RelativeTolerance>(),
            Err(ToleranceError::NotANumber("tight".into()))
        );
    }

    #[test]
    fn atol_zero_is_refused() {
        assert!(AbsoluteTolerance::new(0.0).is_err());
    }

    #[test]
    fn atol_infinite_is_refused_and_named() {
        let e = "inf".parse::<AbsoluteTolerance>().unwrap_err();
        assert_eq!(e.to_string(), "atol must be a finite number > 0, got inf");
    }

    #[test]
    fn atol_above_one_is_kept() {
        assert_eq!(AbsoluteTolerance::new(2.0).map(|t| t.get()), Ok(2.0));
    }

    #[test]
    fn described_spans_read_naturally() {
        assert_eq!(describe_days(365.25), "1 year");
        assert_eq!(describe_days(3.0 * 365.25), "3 years");
        assert_eq!(describe_days(6.0 * DAYS_PER_MONTH), "6 months");
        assert_eq!(describe_days(28.0), "4 weeks");
        assert_eq!(describe_days(10.0), "10 days");
    }
}
