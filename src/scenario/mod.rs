//! Scenario files: the raw TOML shape (`raw`), a validating conversion into the
//! domain types below (`validate`), and located errors (`error`).

pub mod error;
pub mod raw;
pub mod validate;

use crate::charts::ChartKind;
use crate::model::Pk;
use crate::params::Parameters;
use crate::profile::Profile;
use crate::schedule::Treatment;
use crate::solve::SolverSettings;
pub use error::ScenarioError;
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
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{file}: cannot read the scenario file")]
    Io {
        /// The path as given.
        file: String,
        /// The cause.
        source: std::io::Error,
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

/// Parse and validate scenario text; `file` is used in error messages only.
pub fn parse(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
    validate::parse_and_validate(file, text)
}

/// Read, parse and validate a scenario file.
pub fn load(path: &Path) -> Result<Scenario, LoadError> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| LoadError::Io {
        file: file.clone(),
        source,
    })?;
    if meta.is_dir() {
        return Err(LoadError::NotAScenario {
            file,
            reason: "is a directory; give a scenario .toml file".into(),
        });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(LoadError::NotAScenario {
            file,
            reason: format!(
                "is {} bytes; scenario files are limited to {MAX_FILE_BYTES} bytes (1 MiB)",
                meta.len()
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        file: file.clone(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| LoadError::NotAScenario {
        file: file.clone(),
        reason: format!(
            "is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
            e.utf8_error().valid_up_to()
        ),
    })?;
    Ok(parse(&file, &text)?)
}
