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

/// Formats of `sim export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// SBML Level 3 Version 2 (.xml).
    Sbml,
    /// A self-contained Python module for scipy (.py).
    Python,
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
        /// Override the scenario's solver method: rk4, dopri5, tsit45, dop853,
        /// rodas4 (hairsim's own); ode_solvers_rk4, ode_solvers_dopri5,
        /// ode_solvers_dop853 (ode_solvers); bdf, tr_bdf2, esdirk34,
        /// diffsol_tsit45 (diffsol).
        #[arg(long)]
        solver: Option<String>,
        /// Override the scenario's relative tolerance (0 < RTOL < 1).
        #[arg(long)]
        rtol: Option<f64>,
        /// Override the scenario's absolute tolerance (> 0).
        #[arg(long)]
        atol: Option<f64>,
    },
    /// Export one arm of a scenario for other tools: SBML Level 3 Version 2
    /// (COPASI, libroadrunner/Tellurium) or a Python module for
    /// scipy.integrate.solve_ivp. Both come from the equations `sim run` integrates.
    Export {
        /// What to write.
        #[arg(value_enum)]
        format: ExportFormat,
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Arm to export (needed when the scenario has several).
        #[arg(long)]
        arm: Option<String>,
        /// Output file. Default: standard output.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Which parameter matters most: local normalized sensitivities and Morris
    /// screening of one arm's hair count at an endpoint (tornado chart + CSV).
    Sensitivity {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Arm to analyse. Default: the last arm.
        #[arg(long)]
        arm: Option<String>,
        /// Endpoint time, e.g. "12months", "48 weeks".
        #[arg(long, default_value = "12 months")]
        endpoint: String,
        /// Morris trajectories (each costs one run per parameter + 1).
        #[arg(long, default_value_t = 20)]
        trajectories: u32,
        /// Seed of the Morris trajectories.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output folder. Default: plots/<scenario name>/sensitivity/.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Scan one parameter over a range and chart every arm's endpoint against it.
    Scan {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Parameter to scan (`sim model` lists them), or `terminal_fraction_start`.
        #[arg(long)]
        param: String,
        /// Range LO..HI, e.g. 0.5..1.5.
        #[arg(long)]
        range: String,
        /// Number of values, ends included.
        #[arg(long, default_value_t = 21)]
        steps: u32,
        /// Endpoint time, e.g. "12months".
        #[arg(long, default_value = "12 months")]
        endpoint: String,
        /// Output folder. Default: plots/<scenario name>/scan_<param>/.
        #[arg(long, short)]
        out: Option<PathBuf>,
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

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;
    use hairsim::solve::{Method, Provider};

    /// The `--solver` help is written by hand: it must name every method,
    /// under the crate it comes from.
    #[test]
    fn solver_help_names_every_method_with_its_crate() {
        let cmd = Cli::command();
        let run = cmd.find_subcommand("run").expect("a run subcommand");
        let solver = run
            .get_arguments()
            .find(|a| a.get_id() == "solver")
            .expect("a --solver option");
        let help = solver.get_help().expect("--solver has help").to_string();
        let help = help.replace('\n', " ");
        let groups: Vec<(&str, &str)> = help
            .trim_end_matches('.')
            .split(';')
            .filter_map(|g| g.trim().rsplit_once(" ("))
            .collect();
        for method in Method::ALL {
            let crate_name = match method.provider() {
                Provider::Hairsim => "hairsim's own)",
                Provider::OdeSolvers => "ode_solvers)",
                Provider::Diffsol => "diffsol)",
            };
            let listed = groups.iter().any(|(names, from)| {
                *from == crate_name
                    && names
                        .rsplit(": ")
                        .next()
                        .is_some_and(|n| n.split(", ").any(|n| n == method.name()))
            });
            assert!(
                listed,
                "`{}` missing or under the wrong crate in: {help}",
                method.name()
            );
        }
    }
}
