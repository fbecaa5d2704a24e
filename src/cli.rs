//! The command line as typed: clap types, with every flag value parsed and
//! checked by its type's parser (methods, formats, tolerances, spans, ranges),
//! so that `app` receives values that are already valid. A refused value is a
//! usage error: clap prints it and exits with code 2.

use clap::{Args, Parser, Subcommand};
use hairsim::bench::{self, BenchSpec};
use hairsim::i18n::Lang;
use hairsim::output::Format;
use hairsim::population::Varied;
use hairsim::scan::{self, ScanRange};
use hairsim::scenario::error::did_you_mean;
use hairsim::scenario::names::{lookup, Named};
use hairsim::sensitivity::MorrisOptions;
use hairsim::solve::Method;
use hairsim::units::{AbsoluteTolerance, Days, RelativeTolerance};
use std::path::PathBuf;
use std::str::FromStr;

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

/// The endpoint of `sensitivity` and `scan` unless told otherwise.
const DEFAULT_ENDPOINT: &str = "12 months";

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate scenario files and write charts, CSV and JSON.
    Run(RunArgs),
    /// Simulate scenario files and write one self-contained report.html each:
    /// the scenario in words, a mechanism map, interactive charts, a what-if
    /// slider, endpoints, a narrative per arm and everything that reproduces it.
    Report(ReportArgs),
    /// Export one arm of a scenario for other tools: SBML Level 3 Version 2
    /// (COPASI, libroadrunner/Tellurium) or a Python module for
    /// scipy.integrate.solve_ivp. Both come from the equations `sim run` integrates.
    Export(ExportArgs),
    /// Which parameter matters most: local normalized sensitivities and Morris
    /// screening of one arm's hair count at an endpoint (tornado chart + CSV).
    Sensitivity(SensitivityArgs),
    /// Scan one parameter over a range and chart every arm's endpoint against it.
    Scan(ScanArgs),
    /// Follow every arm follicle by follicle (the stochastic chain whose mean
    /// is the ODE) and write follicles.csv (shares with standard errors beside
    /// the ODE's) and a chart of the automaton against the ODE.
    Follicles(FolliclesArgs),
    /// Measure the solvers on a scenario: error against a tight reference, wall
    /// time, work. Writes bench.csv, bench.json and work-precision charts.
    Bench(BenchArgs),
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

impl Command {
    /// Whether the command prints the non-clinical banner: every command but
    /// the two whose output is meant for other programs' use as is.
    pub fn shows_banner(&self) -> bool {
        !matches!(self, Command::List { .. } | Command::Completions { .. })
    }
}

/// `sim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files (TOML).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Output folder. Default: plots/<scenario name>/. With several
    /// scenarios, each goes to DIR/<scenario name>/.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Comma-separated outputs to write: svg, png, csv, json, html (the
    /// report of `sim report`).
    #[arg(long, value_delimiter = ',', default_value = "svg,png,csv,json", value_parser = named::<Format>)]
    pub format: Vec<Format>,
    /// Language of the charts and the report: en, ja.
    #[arg(long, default_value = "en", value_parser = named::<Lang>)]
    pub lang: Lang,
    /// Override the scenario's solver method (default: auto, which switches
    /// from dopri5 to rodas4 while the problem is stiff, and back). Methods:
    /// auto, rk4, dopri5, tsit45, dop853, rodas4 (hairsim's own);
    /// ode_solvers_rk4, ode_solvers_dopri5,
    /// ode_solvers_dop853 (ode_solvers); bdf, tr_bdf2, esdirk34,
    /// diffsol_tsit45 (diffsol).
    #[arg(long, value_parser = named::<Method>)]
    pub solver: Option<Method>,
    /// Override the scenario's relative tolerance (0 < RTOL < 1).
    #[arg(long)]
    pub rtol: Option<RelativeTolerance>,
    /// Override the scenario's absolute tolerance (> 0).
    #[arg(long)]
    pub atol: Option<AbsoluteTolerance>,
}

/// `sim report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Scenario files (TOML).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Output folder of report.html. Default: plots/<scenario name>/. With
    /// several scenarios, each goes to DIR/<scenario name>/.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Language of the report and its charts: en, ja.
    #[arg(long, default_value = "en", value_parser = named::<Lang>)]
    pub lang: Lang,
}

/// Formats of `sim export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// SBML Level 3 Version 2 (.xml).
    Sbml,
    /// A self-contained Python module for scipy (.py).
    Python,
}

/// `sim export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to write.
    #[arg(value_enum)]
    pub format: ExportFormat,
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Arm to export. Default: the scenario's only arm (a scenario with
    /// several arms needs --arm).
    #[arg(long)]
    pub arm: Option<String>,
    /// Output file. Default: standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// `sim sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Arm to analyse. Default: the scenario's only arm (a scenario with
    /// several arms needs --arm).
    #[arg(long)]
    pub arm: Option<String>,
    /// Endpoint time, e.g. "12months", "48 weeks".
    #[arg(long, default_value = DEFAULT_ENDPOINT)]
    pub endpoint: Days,
    /// Morris trajectories (each costs one run per parameter + 1).
    #[arg(long, default_value_t = MorrisOptions::default().trajectories,
          value_parser = clap::value_parser!(u32).range(
              i64::from(MorrisOptions::MIN_TRAJECTORIES)..=i64::from(MorrisOptions::MAX_TRAJECTORIES)))]
    pub trajectories: u32,
    /// Seed of the Morris trajectories.
    #[arg(long, default_value_t = MorrisOptions::default().seed)]
    pub seed: u64,
    /// Output folder. Default: plots/<scenario name>/sensitivity/.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// `sim scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Parameter to scan (`sim model` lists them), or `terminal_fraction_start`.
    #[arg(long, value_parser = varied)]
    pub param: Varied,
    /// Range LO..HI, e.g. 0.5..1.5.
    #[arg(long)]
    pub range: ScanRange,
    /// Number of values, ends included.
    #[arg(long, default_value_t = scan::DEFAULT_STEPS,
          value_parser = clap::value_parser!(u32).range(
              i64::from(scan::MIN_STEPS)..=i64::from(scan::MAX_STEPS)))]
    pub steps: u32,
    /// Endpoint time, e.g. "12months".
    #[arg(long, default_value = DEFAULT_ENDPOINT)]
    pub endpoint: Days,
    /// Output folder. Default: plots/<scenario name>/scan_<param>/.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// `sim follicles`.
#[derive(Debug, Args)]
pub struct FolliclesArgs {
    /// Scenario file (TOML); its `[follicles]` section sets the defaults.
    pub scenario: PathBuf,
    /// Follicles per arm (overrides `[follicles] follicles`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(
        1..=i64::from(hairsim::follicles::FollicleSettings::MAX_FOLLICLES)))]
    pub follicles: Option<u32>,
    /// Seed of the follicles' random streams (overrides `[follicles] seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output folder. Default: plots/<scenario name>/follicles/.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Also draw the scalp map, one dot per follicle on the head seen from
    /// above, monthly: scalp_map.gif and the contact sheet scalp_map.png.
    #[arg(long)]
    pub map: bool,
    /// Also draw the 1 cm² crown patch as hairs (patch.gif, patch.png) and
    /// the patch counts of many simulated patients (trial_noise.svg/.png).
    #[arg(long)]
    pub patch: bool,
    /// Language of the charts and pictures: en, ja.
    #[arg(long, default_value = "en", value_parser = named::<Lang>)]
    pub lang: Lang,
}

/// `sim bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Comma-separated methods. Default: every method.
    #[arg(long, value_delimiter = ',', value_parser = named::<Method>)]
    pub solvers: Vec<Method>,
    /// Relative tolerances: a decade range `1e-3..1e-10` or a list
    /// `1e-4,1e-8`. Default: 1e-3..1e-10.
    #[arg(long)]
    pub tolerances: Option<Tolerances>,
    /// Timed runs per method and tolerance (after one warm-up); the median is reported.
    #[arg(long, default_value_t = BenchSpec::new().runs, value_parser = at_least_one::<usize>)]
    pub runs: usize,
    /// Step budget per arm for the measured runs.
    #[arg(long, value_parser = at_least_one::<u32>)]
    pub max_steps: Option<u32>,
    /// Output folder. Default: bench/<scenario name>/.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Print bench.json to stdout (for scripts) instead of the table.
    #[arg(long)]
    pub json: bool,
}

impl BenchArgs {
    /// The study these flags ask for, over [`BenchSpec::new`].
    pub fn spec(&self) -> BenchSpec {
        let mut spec = BenchSpec::new();
        if !self.solvers.is_empty() {
            spec.methods.clone_from(&self.solvers);
        }
        if let Some(t) = &self.tolerances {
            spec.tolerances.clone_from(&t.0);
        }
        spec.runs = self.runs;
        if let Some(n) = self.max_steps {
            spec.max_steps = n;
        }
        spec
    }
}

/// `--tolerances`: relative tolerances by decades from one end to the other
/// (`1e-3..1e-10`), or listed (`1e-4,1e-8`); each a valid [`RelativeTolerance`].
#[derive(Debug, Clone, PartialEq)]
pub struct Tolerances(pub Vec<f64>);

impl FromStr for Tolerances {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let hint = "write a decade range like `1e-3..1e-10` or a list like `1e-4,1e-8`";
        let rtol = |s: &str| {
            RelativeTolerance::from_str(s)
                .map(RelativeTolerance::get)
                .map_err(|e| format!("{e}; {hint}"))
        };
        match text.split_once("..") {
            Some((a, b)) => Ok(Tolerances(bench::decades(rtol(a)?, rtol(b)?))),
            None => text
                .split(',')
                .map(rtol)
                .collect::<Result<_, _>>()
                .map(Tolerances),
        }
    }
}

/// A whole number of at least 1.
fn at_least_one<T: FromStr + PartialOrd + From<u8>>(text: &str) -> Result<T, String> {
    match text.trim().parse::<T>() {
        Ok(n) if n >= T::from(1) => Ok(n),
        _ => Err("must be a whole number of at least 1".into()),
    }
}

/// A value of a closed set of names (trimmed, any case), or "did you mean".
fn named<T: Named + Copy>(text: &str) -> Result<T, String> {
    lookup::<T>(&text.trim().to_ascii_lowercase())
        .copied()
        .map_err(|e| format!("{e}; {}", e.help))
}

/// What `sim scan --param` varies: a parameter or `terminal_fraction_start`.
fn varied(text: &str) -> Result<Varied, String> {
    Varied::find(text).ok_or_else(|| {
        format!(
            "unknown parameter `{text}`; {}",
            did_you_mean(text, &Varied::names())
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use hairsim::solve::Provider;

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

    /// Whether clap refuses `args` for a value that fails its parser.
    fn refused(args: &[&str]) -> bool {
        Cli::try_parse_from(args)
            .is_err_and(|e| e.kind() == clap::error::ErrorKind::ValueValidation)
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_format_is_read_in_any_case() {
        assert_eq!(named::<Format>(" JSON"), Ok(Format::Json));
    }

    #[test]
    fn a_language_is_named_or_suggested() {
        assert_eq!(named::<Lang>("JA"), Ok(Lang::Ja));
        let e = named::<Lang>("jp").unwrap_err();
        assert!(e.starts_with("unknown language `jp`"), "{e}");
    }

    #[test]
    fn an_unknown_format_is_refused_with_a_suggestion() {
        let e = named::<Format>("pdf").unwrap_err();
        assert!(
            e.starts_with("unknown format `pdf`; did you mean `png`?"),
            "{e}"
        );
    }

    #[test]
    fn an_unknown_solver_lists_the_methods() {
        let e = named::<Method>("euler").unwrap_err();
        assert!(e.contains("valid: `auto`, `rk4`"), "{e}");
    }

    #[test]
    fn tolerances_by_decades_include_both_ends() {
        let t: Tolerances = "1e-3..1e-6".parse().unwrap();
        assert_eq!(t.0.len(), 4);
    }

    #[test]
    fn tolerances_as_a_list_keep_their_order() {
        assert_eq!("1e-4, 1e-8".parse(), Ok(Tolerances(vec![1e-4, 1e-8])));
    }

    #[test]
    fn a_tolerance_of_two_is_refused_and_named() {
        let e = "2..1e-3".parse::<Tolerances>().unwrap_err();
        assert!(
            e.starts_with("rtol must be between 0 and 1 (exclusive), got 2"),
            "{e}"
        );
    }

    #[test]
    fn a_tolerance_that_is_no_number_is_refused() {
        assert!("1e-3,tight".parse::<Tolerances>().is_err());
    }

    #[test]
    fn an_unknown_scan_parameter_suggests_the_closest() {
        let e = varied("dht_sensitivty").unwrap_err();
        assert!(e.contains("did you mean `dht_sensitivity`?"), "{e}");
    }

    #[test]
    fn terminal_fraction_start_can_be_scanned() {
        assert_eq!(
            varied("terminal_fraction_start"),
            Ok(Varied::TerminalFractionStart)
        );
    }

    #[test]
    fn zero_steps_are_refused() {
        assert!(refused(&[
            "sim",
            "scan",
            "x.toml",
            "--param",
            "anagen_days",
            "--range",
            "1..2",
            "--steps",
            "1"
        ]));
    }

    #[test]
    fn one_trajectory_is_refused() {
        assert!(refused(&[
            "sim",
            "sensitivity",
            "x.toml",
            "--trajectories",
            "1"
        ]));
    }

    #[test]
    fn zero_runs_are_refused() {
        assert!(refused(&["sim", "bench", "x.toml", "--runs", "0"]));
    }

    #[test]
    fn a_zero_step_budget_is_refused() {
        assert!(refused(&["sim", "bench", "x.toml", "--max-steps", "0"]));
    }

    #[test]
    fn a_zero_endpoint_is_refused() {
        assert!(refused(&[
            "sim",
            "sensitivity",
            "x.toml",
            "--endpoint",
            "0 days"
        ]));
    }

    #[test]
    fn bench_defaults_are_the_spec_defaults() {
        let Command::Bench(args) = Cli::parse_from(["sim", "bench", "x.toml"]).command else {
            panic!("a bench command");
        };
        assert_eq!(args.spec(), BenchSpec::new());
    }
}
