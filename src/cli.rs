//! The command line as typed: clap types only. `app` turns them into work.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// hairsim — an ILLUSTRATIVE, NON-CLINICAL model of the human scalp hair cycle.
///
/// Simulates follicle phases, miniaturization and treatment signals for the arms
/// of a scenario file and writes charts (SVG, PNG), timeseries.csv and
/// summary.json. A teaching toy: never use it to choose or dose a treatment.
#[derive(Debug, Parser)]
#[command(name = "sim", version, about, long_about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate scenario files and write charts, CSV and JSON.
    Run {
        /// Scenario files (TOML).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Output folder. Default: plots/<scenario name>/. With several
        /// scenarios, each goes to DIR/<scenario name>/.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Comma-separated outputs to write: svg, png, csv, json.
        #[arg(long, value_delimiter = ',', default_value = "svg,png,csv,json")]
        format: Vec<String>,
        /// Override the scenario's solver method: rk4, dopri5, dop853 (ode_solvers);
        /// bdf, tr_bdf2, esdirk34, tsit45 (diffsol).
        #[arg(long)]
        solver: Option<String>,
    },
    /// Measure the solvers on a scenario: error against a tight reference, wall
    /// time, work. Writes bench.csv, bench.json and work-precision charts.
    Bench {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Comma-separated methods. Default: every method.
        #[arg(long, value_delimiter = ',')]
        solvers: Vec<String>,
        /// Relative tolerances: a decade range `1e-3..1e-10` or a list `1e-4,1e-8`.
        #[arg(long, default_value = "1e-3..1e-10")]
        tolerances: String,
        /// Timed runs per method and tolerance (after one warm-up); the median is reported.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Step budget per arm for the measured runs.
        #[arg(long)]
        max_steps: Option<u32>,
        /// Output folder. Default: bench/<scenario name>/.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Print bench.json to stdout (for scripts) instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Validate scenario files without simulating.
    Check {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List the scenario files in a folder with their descriptions.
    List {
        /// Folder to list.
        #[arg(default_value = "scenarios")]
        dir: PathBuf,
    },
    /// Describe the model: states, equations, parameters with units and sources,
    /// profiles and treatment mechanisms.
    Model {
        /// Print Markdown (as in docs/MODEL.md) instead of plain text.
        #[arg(long)]
        markdown: bool,
    },
    /// Print a shell completion script.
    Completions {
        /// Shell: bash, zsh, fish, elvish, powershell.
        shell: clap_complete::Shell,
    },
}
