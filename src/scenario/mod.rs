//! Scenario files: the raw TOML shape (`raw`), a validating conversion into the
//! domain types below (`validate`), located errors (`error`) and the one
//! lookup of every name in the file format (`names`).

pub mod error;
pub mod names;
pub mod raw;
pub mod validate;

use crate::charts::ChartKind;
use crate::model::Pk;
use crate::params::Parameters;
use crate::profile::Profile;
use crate::schedule::Treatment;
use crate::solve::SolverSettings;
use crate::units::DAYS_PER_MONTH;
pub use error::ScenarioError;
use std::io::Read;
use std::path::Path;

/// Largest scenario file read, bytes. A scenario is a few kilobytes; anything
/// this large is a mistake (a data file passed by accident).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The patient every arm simulates.
#[derive(Debug, Clone, PartialEq)]
pub struct Patient {
    /// Profile the parameters came from.
    pub profile: &'static Profile,
    /// Profile parameters with the scenario's overrides applied.
    pub params: Parameters,
    /// Starting terminal fraction; `None` for the profile's own equilibrium.
    pub terminal_fraction_start: Option<f64>,
}

impl Patient {
    /// Whether `x` is a valid starting terminal fraction: strictly between 0 and 1.
    pub fn allows_terminal_fraction(x: f64) -> bool {
        x > 0.0 && x < 1.0
    }
}

/// One arm: a name and its treatments.
#[derive(Debug, Clone, PartialEq)]
pub struct Arm {
    /// Unique name within the scenario.
    pub name: String,
    /// The patient this arm simulates (the scenario's, unless the arm names a profile).
    pub patient: Patient,
    /// Treatments in declaration order.
    pub treatments: Vec<Treatment>,
    /// How finasteride and dutasteride reach their effect (`[model] pk`).
    pub pk: Pk,
}

/// What to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotSettings {
    /// Charts to draw.
    pub charts: Vec<ChartKind>,
    /// Endpoint times, days.
    pub endpoints_days: Vec<f64>,
}

impl PlotSettings {
    /// Endpoint times, months, used when `[plot] endpoints` is not given
    /// (those after the end of the scenario are left out).
    pub const DEFAULT_ENDPOINT_MONTHS: [f64; 4] = [6.0, 12.0, 24.0, 36.0];

    /// Every chart, and the default endpoints that fall within `duration_days`
    /// (the end of the scenario itself when none does).
    pub fn defaults(duration_days: f64) -> Self {
        let mut endpoints_days: Vec<f64> = Self::DEFAULT_ENDPOINT_MONTHS
            .iter()
            .map(|m| m * DAYS_PER_MONTH)
            .filter(|d| *d <= duration_days + 1e-9)
            .collect();
        if endpoints_days.is_empty() {
            endpoints_days.push(duration_days);
        }
        PlotSettings {
            charts: ChartKind::ALL.to_vec(),
            endpoints_days,
        }
    }
}

/// A validated scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Name (a safe file name).
    pub name: String,
    /// One-line description.
    pub description: String,
    /// Simulated span, days.
    pub duration_days: f64,
    /// Output grid spacing, days.
    pub output_interval_days: f64,
    /// The scenario's patient (arms may name their own profile).
    pub patient: Patient,
    /// Arms.
    pub arms: Vec<Arm>,
    /// Solver settings.
    pub solver: SolverSettings,
    /// Plot settings.
    pub plot: PlotSettings,
    /// Virtual cohort, when the scenario has a `[population]` section.
    pub population: Option<crate::population::Population>,
    /// How `sim follicles` follows the follicles (`[follicles]`; defaults without it).
    pub follicles: crate::follicles::FollicleSettings,
    /// What the HTML report adds (`[report]`); empty without the section.
    pub report: ReportSettings,
}

/// `[report]`: what the HTML report adds to the run's results. A section
/// the report can show only when the scenario asks for it gets its setting
/// here (the follicle animations and scalp map will).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportSettings {
    /// The what-if slider: a parameter scanned over a range at report time.
    pub what_if: Option<WhatIf>,
}

/// `[report.what_if]`: the quantity the slider moves and the values it visits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WhatIf {
    /// A parameter or `terminal_fraction_start`.
    pub varied: crate::population::Varied,
    /// Its range, both ends valid values.
    pub range: crate::scan::ScanRange,
    /// How many values, ends included.
    pub steps: u32,
}

impl WhatIf {
    /// Values the slider visits unless told otherwise.
    pub const DEFAULT_STEPS: u32 = 11;
    /// Most values (each is a simulation of every arm, and its curves go
    /// into the report).
    pub const MAX_STEPS: u32 = 41;
}

impl Scenario {
    /// Output grid spacing when `output_interval` is not given (or the whole
    /// duration, if that is shorter), days.
    pub const DEFAULT_OUTPUT_INTERVAL_DAYS: f64 = 1.0;

    /// The arm called `name`; without a name, the scenario's only arm. A
    /// scenario with several arms needs the name, and the error lists them.
    pub fn arm(&self, name: Option<&str>) -> Result<&Arm, ArmError> {
        let arms = || self.arms.iter().map(|a| a.name.clone()).collect();
        match (name, self.arms.as_slice()) {
            (Some(n), _) => {
                self.arms
                    .iter()
                    .find(|a| a.name == n)
                    .ok_or_else(|| ArmError::NoSuchArm {
                        name: n.to_string(),
                        scenario: self.name.clone(),
                        arms: arms(),
                    })
            }
            (None, [only]) => Ok(only),
            (None, _) => Err(ArmError::ArmNeeded {
                scenario: self.name.clone(),
                arms: arms(),
            }),
        }
    }
}

/// Why [`Scenario::arm`] found no arm.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ArmError {
    /// The scenario has several arms and none was named.
    #[error("`{scenario}` has {} arms; choose one with --arm: {}", .arms.len(), quoted(.arms))]
    ArmNeeded {
        /// Scenario name.
        scenario: String,
        /// Its arm names.
        arms: Vec<String>,
    },
    /// No arm has that name.
    #[error("no arm `{name}` in `{scenario}`; arms: {}", quoted(.arms))]
    NoSuchArm {
        /// The name asked for.
        name: String,
        /// Scenario name.
        scenario: String,
        /// Its arm names.
        arms: Vec<String>,
    },
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error(
        "{file}: cannot read the scenario file: {cause}\n  help: {}",
        io_help(cause)
    )]
    Io {
        /// The path as given.
        file: String,
        /// The cause (in the message, not a separate link of the error chain).
        cause: std::io::Error,
    },
    /// The file is not a scenario file.
    #[error("{file}: {reason}")]
    NotAScenario {
        /// The path as given.
        file: String,
        /// Why not.
        reason: String,
    },
    /// The file is a TOML scenario with a mistake in it.
    #[error(transparent)]
    Invalid(#[from] ScenarioError),
}

/// What to do about an I/O error reading a scenario file.
fn io_help(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => {
            "check the path; `sim list DIR` lists the scenario files in a folder"
        }
        ErrorKind::PermissionDenied => {
            "make the file readable (e.g. `chmod a+r FILE`) or copy it somewhere you can read"
        }
        ErrorKind::NotADirectory => "a folder in the path is a file; check the path",
        _ => "check that the file is a readable scenario .toml file on a working disk",
    }
}

/// Parse and validate scenario text; `file` is used in error messages only.
pub fn parse(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
    validate::parse_and_validate(file, text)
}

/// Read, parse and validate a scenario file.
///
/// Refuses, with a message saying so, anything that is not a regular file of at
/// most [`MAX_FILE_BYTES`] (a folder, a device such as `/dev/zero`, a pipe) and
/// anything that is not UTF-8 text. Never reads more than the limit, even from
/// a file that grows while it is read.
pub fn load(path: &Path) -> Result<Scenario, LoadError> {
    load_with_text(path).map(|(scenario, _)| scenario)
}

/// [`load`], also returning the file's text as read (the report shows it,
/// so that anyone can reproduce the run).
pub fn load_with_text(path: &Path) -> Result<(Scenario, String), LoadError> {
    let file = path.display().to_string();
    let bytes = read_limited(path, &file)?;
    let text = decode(&file, bytes)?;
    let scenario = parse(&file, &text)?;
    Ok((scenario, text))
}

fn read_limited(path: &Path, file: &str) -> Result<Vec<u8>, LoadError> {
    let io = |cause| LoadError::Io {
        file: file.to_string(),
        cause,
    };
    let not_a_scenario = |reason: String| LoadError::NotAScenario {
        file: file.to_string(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(not_a_scenario(
            "is a directory; give a scenario .toml file".into(),
        ));
    }
    if !meta.is_file() {
        return Err(not_a_scenario(
            "is not a regular file (a device, pipe or socket); give a scenario .toml file".into(),
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(not_a_scenario(format!(
            "is {} bytes; scenario files are limited to {MAX_FILE_BYTES} bytes (1 MiB)",
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(not_a_scenario(format!(
            "grew past {MAX_FILE_BYTES} bytes while being read; scenario files are limited to 1 MiB"
        )));
    }
    Ok(bytes)
}

/// The text of a scenario file's bytes: UTF-8, with a leading byte-order mark
/// (as some Windows editors write) removed. UTF-16, NUL bytes (a binary file)
/// and invalid UTF-8 are refused with the line and column and how to fix the file.
pub fn decode(file: &str, bytes: Vec<u8>) -> Result<String, LoadError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(LoadError::NotAScenario {
            file: file.to_string(),
            reason: "is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8"
                .into(),
        });
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes);
    // Line and column (1-based, in characters) of a byte offset, for the messages.
    let at = |offset: usize| {
        let before = &body[..offset.min(body.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
        format!("{file}:{line}:{column}")
    };
    if let Some(offset) = body.iter().position(|&b| b == 0) {
        return Err(LoadError::NotAScenario {
            file: at(offset),
            reason: "contains a NUL byte: this looks like a binary file, not a TOML scenario"
                .into(),
        });
    }
    match std::str::from_utf8(body) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let offset = e.valid_up_to();
            let byte = body.get(offset).copied().unwrap_or(0);
            Err(LoadError::NotAScenario {
                file: at(offset),
                reason: format!(
                    "is not UTF-8 text (byte 0x{byte:02X} here; Latin-1 or Windows-1252?); save the file as UTF-8"
                ),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(arms: &[&str]) -> Scenario {
        let mut text = "[scenario]\nname = \"s\"\nduration = \"1 year\"\n".to_string();
        for a in arms {
            text.push_str(&format!("[[arm]]\nname = \"{a}\"\n"));
        }
        parse("s.toml", &text).expect("a valid scenario")
    }

    #[test]
    fn an_arm_is_found_by_its_exact_name() {
        let sc = scenario(&["a", "b"]);
        assert_eq!(sc.arm(Some("b")).map(|a| a.name.as_str()), Ok("b"));
    }

    #[test]
    fn an_unknown_arm_is_refused_with_the_names() {
        let e = scenario(&["a", "b"]).arm(Some("B")).unwrap_err();
        assert_eq!(e.to_string(), "no arm `B` in `s`; arms: \"a\", \"b\"");
    }

    #[test]
    fn without_a_name_the_only_arm_is_taken() {
        let sc = scenario(&["only"]);
        assert_eq!(sc.arm(None).map(|a| a.name.as_str()), Ok("only"));
    }

    #[test]
    fn without_a_name_several_arms_ask_for_one() {
        let e = scenario(&["a", "b"]).arm(None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`s` has 2 arms; choose one with --arm: \"a\", \"b\""
        );
    }

    #[test]
    fn default_endpoints_stop_at_the_end() {
        let p = PlotSettings::defaults(2.0 * 365.25);
        assert_eq!(p.endpoints_days.len(), 3);
        assert_eq!(p.charts, ChartKind::ALL.to_vec());
    }

    #[test]
    fn a_scenario_shorter_than_every_default_endpoint_ends_at_its_end() {
        assert_eq!(PlotSettings::defaults(30.0).endpoints_days, vec![30.0]);
    }

    #[test]
    fn terminal_fractions_of_zero_and_one_are_refused() {
        assert!(!Patient::allows_terminal_fraction(0.0));
        assert!(!Patient::allows_terminal_fraction(1.0));
        assert!(!Patient::allows_terminal_fraction(f64::NAN));
        assert!(Patient::allows_terminal_fraction(0.7));
    }
}
