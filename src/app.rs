//! The binary's edge: turns parsed commands into library calls, files and
//! terminal output. Flag values arrive checked (see `cli`); scenario rules are
//! checked by `scenario`; every file is written through one
//! [`OutputSet`](hairsim::output::OutputSet). All I/O of `sim` happens here or
//! in `output`.

use crate::cli::{
    BenchArgs, Cli, Command, ExportArgs, ExportFormat, FolliclesArgs, ReportArgs, RunArgs,
    ScanArgs, SensitivityArgs,
};
use anyhow::{Context, Result};
use clap::CommandFactory;
use hairsim::bench::{self, BenchReport};
use hairsim::i18n::Lang;
use hairsim::output::Format;
use hairsim::output::{self, OutputSet};
use hairsim::population::{self, Population, PopulationSummary, VariedError};
use hairsim::scenario::{self, ArmError, LoadError, Scenario, ScenarioError};
use hairsim::sensitivity::{self, MorrisOptions};
use hairsim::simulation::{simulate, SimulationResult};
use hairsim::units::{self, Days};
use hairsim::{endpoints, export, label, model_doc, report, scan};
use std::path::{Path, PathBuf};

/// A mistake on the command line (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(String);

/// 2 for bad input or usage, 1 for anything else.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    let bad_input = err
        .chain()
        .any(|e| e.is::<LoadError>() || e.is::<ScenarioError>() || e.is::<UsageError>());
    if bad_input {
        2
    } else {
        1
    }
}

/// Run one command, after the non-clinical banner where the command shows it.
pub fn run(cli: Cli) -> Result<()> {
    if cli.command.shows_banner() {
        eprintln!("{}", label::banner());
    }
    match cli.command {
        Command::Run(args) => run_scenarios(&args),
        Command::Report(args) => report_scenarios(&args),
        Command::Export(args) => export_arm(&args),
        Command::Bench(args) => bench_scenario(&args),
        Command::Check { files } => check(&files),
        Command::List { dir } => list(&dir),
        Command::Sensitivity(args) => sensitivity(&args),
        Command::Scan(args) => scan_parameter(&args),
        Command::Follicles(args) => follicles(&args),
        Command::Model { markdown } => {
            print!(
                "{}",
                if markdown {
                    model_doc::markdown()
                } else {
                    model_doc::text()
                }
            );
            Ok(())
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "sim", &mut std::io::stdout());
            Ok(())
        }
    }
}

/// Write `set`; returns the line that says what was written where.
fn write(set: OutputSet) -> Result<String> {
    let dir = set.dir().display().to_string();
    let written = set.write()?;
    Ok(format!("wrote {} file(s) to {dir}", written.len()))
}

/// The arm of `sc` named by `--arm` (see [`Scenario::arm`]).
fn arm<'a>(sc: &'a Scenario, path: &Path, name: Option<&str>) -> Result<&'a scenario::Arm> {
    sc.arm(name)
        .map_err(|e: ArmError| UsageError(format!("{}: {e}", path.display())).into())
}

/// An endpoint given on the command line, within the scenario.
fn endpoint_days(endpoint: Days, sc: &Scenario) -> Result<f64> {
    let t = endpoint.get();
    if t > sc.duration_days + 1e-9 {
        return Err(UsageError(format!(
            "--endpoint {} must lie within the scenario ({})",
            units::describe_days(t),
            units::describe_days(sc.duration_days)
        ))
        .into());
    }
    Ok(t)
}

/// The output folder of a scenario: `--out` (its subfolder when there are
/// several scenarios) or `plots/<name>/`.
fn out_dir(out: Option<&PathBuf>, several: bool, sc: &Scenario) -> PathBuf {
    match out {
        Some(d) if several => d.join(&sc.name),
        Some(d) => d.clone(),
        None => Path::new("plots").join(&sc.name),
    }
}

/// Simulate `sc` (and its cohort, if any).
fn simulate_all(sc: &Scenario, path: &Path) -> Result<SimulationResult> {
    let mut result = simulate(sc)
        .with_context(|| format!("simulating {} (nothing was written)", path.display()))?;
    if let Some(pop) = &sc.population {
        result.population = Some(run_cohort(sc, pop).with_context(|| {
            format!(
                "simulating the virtual cohort of {} (nothing was written)",
                path.display()
            )
        })?);
    }
    Ok(result)
}

/// Add `report.html` of `sc` (read from `path` as `text`) to `set`.
fn add_report(
    set: &mut OutputSet,
    sc: &Scenario,
    text: &str,
    path: &Path,
    result: &SimulationResult,
    lang: Lang,
) -> Result<(), output::OutputError> {
    let file = path.display().to_string();
    let input = report::Input {
        scenario: sc,
        text,
        file: &file,
        result,
        lang,
    };
    output::add_report(set, &input)
}

fn report_scenarios(args: &ReportArgs) -> Result<()> {
    let several = args.scenarios.len() > 1;
    for path in &args.scenarios {
        let (sc, text) = scenario::load_with_text(path)?;
        let result = simulate_all(&sc, path)?;
        let dir = out_dir(args.out.as_ref(), several, &sc);
        let context = || {
            format!(
                "writing the report of {} to {}",
                path.display(),
                dir.display()
            )
        };
        let mut set = OutputSet::new(&dir);
        add_report(&mut set, &sc, &text, path, &result, args.lang).with_context(context)?;
        let wrote = write(set).with_context(context)?;
        print_summary(&result);
        println!("{wrote}");
    }
    Ok(())
}

fn run_scenarios(args: &RunArgs) -> Result<()> {
    let formats = args.format.iter().copied().collect();
    let several = args.scenarios.len() > 1;
    for path in &args.scenarios {
        let (mut sc, text) = scenario::load_with_text(path)?;
        if let Some(m) = args.solver {
            sc.solver = sc.solver.with_method(m);
        }
        if let Some(rtol) = args.rtol {
            sc.solver = sc.solver.with_rtol(rtol.get())?;
        }
        if let Some(atol) = args.atol {
            sc.solver = sc.solver.with_atol(atol.get())?;
        }
        let result = simulate_all(&sc, path)?;
        let dir = out_dir(args.out.as_ref(), several, &sc);
        let context = || {
            format!(
                "writing the outputs of {} to {}",
                path.display(),
                dir.display()
            )
        };
        let mut set = output::simulation(&result, &sc.plot.charts, formats, args.lang, &dir)
            .with_context(context)?;
        if args.format.contains(&Format::Html) {
            add_report(&mut set, &sc, &text, path, &result, args.lang).with_context(context)?;
        }
        let wrote = write(set).with_context(context)?;
        print_summary(&result);
        println!("{wrote}");
    }
    Ok(())
}

fn export_arm(args: &ExportArgs) -> Result<()> {
    let sc = scenario::load(&args.scenario)?;
    let arm = arm(&sc, &args.scenario, args.arm.as_deref())?;
    let model = export::ArmModel::new(&sc, arm);
    let text = match args.format {
        ExportFormat::Sbml => export::sbml::to_sbml(&model)
            .with_context(|| format!("writing SBML for arm `{}`", arm.name))?,
        ExportFormat::Python => export::python::to_python(&model),
    };
    match &args.out {
        Some(path) => {
            output::atomic::write(path, text.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "wrote arm `{}` of {} to {}",
                arm.name,
                args.scenario.display(),
                path.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(())
}

fn check(files: &[PathBuf]) -> Result<()> {
    let mut invalid = 0;
    for path in files {
        let s = match scenario::load(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                invalid += 1;
                continue;
            }
        };
        let sessions: usize = s.arms.iter().map(|a| a.treatments.len()).sum();
        println!(
            "ok: {} — scenario `{}`, {} arm(s), {} treatment(s), {}",
            path.display(),
            s.name,
            s.arms.len(),
            sessions,
            units::describe_days(s.duration_days)
        );
    }
    if invalid > 0 {
        return Err(UsageError(format!(
            "{invalid} of {} scenario file(s) are invalid",
            files.len()
        ))
        .into());
    }
    Ok(())
}

fn sensitivity(args: &SensitivityArgs) -> Result<()> {
    let sc = scenario::load(&args.scenario)?;
    let t = endpoint_days(args.endpoint, &sc)?;
    let arm = arm(&sc, &args.scenario, args.arm.as_deref())?;
    let opts = MorrisOptions {
        trajectories: args.trajectories,
        seed: args.seed,
        ..MorrisOptions::default()
    };
    let result = sensitivity::analyse(&sc, arm, t, &opts)
        .with_context(|| format!("sensitivity analysis of {}", args.scenario.display()))?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("plots").join(&sc.name).join("sensitivity"));
    let wrote = write(output::sensitivity(&result, &dir)?)?;
    println!(
        "arm `{}`: parameters that move hair count at {} the most",
        result.arm,
        units::describe_days(t)
    );
    println!(
        "  {:42} {:>10} {:>12} {:>10}",
        "parameter", "local S", "Morris μ* %", "σ %"
    );
    for p in result.parameters.iter().take(10) {
        println!(
            "  {:42} {:>10.4} {:>12.3} {:>10.3}",
            p.name, p.local, p.mu_star_pct, p.sigma_pct
        );
    }
    println!("{wrote}");
    Ok(())
}

fn scan_parameter(args: &ScanArgs) -> Result<()> {
    let sc = scenario::load(&args.scenario)?;
    let t = endpoint_days(args.endpoint, &sc)?;
    let values = args.range.values(args.steps);
    let result = match scan::scan(&sc, args.param, &values, t) {
        Ok(r) => r,
        Err(VariedError::Value(e)) => return Err(UsageError(format!("--range: {e}")).into()),
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "scanning `{}` in {}",
                    args.param.name(),
                    args.scenario.display()
                )
            })
        }
    };
    let dir = args.out.clone().unwrap_or_else(|| {
        Path::new("plots")
            .join(&sc.name)
            .join(format!("scan_{}", result.parameter))
    });
    println!("{}", write(output::scan(&result, &dir)?)?);
    Ok(())
}

fn follicles(args: &FolliclesArgs) -> Result<()> {
    let sc = scenario::load(&args.scenario)?;
    let mut settings = sc.follicles;
    settings.follicles = args.follicles.unwrap_or(settings.follicles);
    settings.seed = args.seed.unwrap_or(settings.seed);
    let drawn = hairsim::follicles::pictures::Drawn {
        map: args.map,
        patch: args.patch,
    };
    let options = hairsim::follicles::pictures::PictureOptions {
        drawn,
        lang: args.lang,
        ..Default::default()
    };
    // The counts and the pictures follow separate follicles: side by side,
    // each fills the cores the other leaves idle.
    let (result, files) = rayon::join(
        || hairsim::follicles::simulate_follicles(&sc, &settings),
        || {
            drawn
                .any()
                .then(|| hairsim::follicles::pictures::pictures(&sc, &settings, &options))
        },
    );
    let result = result
        .with_context(|| format!("following the follicles of {}", args.scenario.display()))?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("plots").join(&sc.name).join("follicles"));
    let mut set = output::follicles(&result, &dir, args.lang)?;
    if let Some(files) = files {
        let files = files
            .with_context(|| format!("drawing the follicles of {}", args.scenario.display()))?;
        for (name, bytes) in files {
            set.add(&name, bytes);
        }
    }
    let wrote = write(set)?;
    for arm in &result.arms {
        // The largest gap to the ODE, in the automaton's standard errors.
        let worst = arm
            .counts
            .iter()
            .zip(&arm.ode)
            .flat_map(|(c, o)| c.shares().into_iter().zip(o.values()))
            .map(|(e, v)| (e.value - v).abs() / e.se.max(f64::MIN_POSITIVE))
            .fold(0.0, f64::max);
        println!(
            "arm `{}`: {} follicles; largest gap to the ODE {:.1} standard errors",
            arm.name, settings.follicles, worst
        );
    }
    println!("{wrote}");
    Ok(())
}

fn bench_scenario(args: &BenchArgs) -> Result<()> {
    let path = &args.scenario;
    let sc = scenario::load(path)?;
    let report = bench::run(&sc, &args.spec(), environment())
        .with_context(|| format!("benchmarking {} (nothing was written)", path.display()))?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("bench").join(&sc.name));
    let wrote = write(output::bench(&report, &dir)?)?;
    if args.json {
        print!("{}", output::json::bench(&report)?);
    } else {
        print_bench(&report);
        println!("{wrote}");
    }
    Ok(())
}

/// Machine, versions and date for the bench footers.
fn environment() -> bench::Environment {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|r| r.trim_start_matches([' ', '\t', ':']).trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let memory = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|r| r.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown".into());
    let os = format!(
        "{} {}",
        std::env::consts::OS,
        read("/proc/sys/kernel/osrelease").trim()
    );
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    bench::Environment {
        cpu,
        cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
        memory,
        os: os.trim().to_string(),
        rustc: env!("HAIRSIM_RUSTC_VERSION").to_string(),
        crates: env!("HAIRSIM_SOLVER_CRATES").to_string(),
        date: bench::utc_date(secs),
    }
}

/// The study as a terminal table.
fn print_bench(report: &BenchReport) {
    println!(
        "scenario `{}`: {} arm(s); reference {} (disagreement {:.1e})",
        report.scenario, report.arms, report.reference.method, report.reference.disagreement
    );
    println!(
        "  {:18} {:>7} {:>6} {:>10} {:>10} {:>11} {:>10} {:>9} {:>8} {:>6}",
        "method",
        "rtol",
        "status",
        "grid L2",
        "final L2",
        "median",
        "RHS evals",
        "accepted",
        "rejected",
        "jacs"
    );
    for m in &report.measurements {
        let e = m.errors.as_ref();
        let fmt = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |x| format!("{x:.2e}"));
        println!(
            "  {:18} {:>7.0e} {:>6} {:>10} {:>10} {:>11} {:>10} {:>9} {:>8} {:>6}",
            m.method.name(),
            m.rtol,
            m.status,
            fmt(e.map(|e| e.grid_l2)),
            fmt(e.map(|e| e.final_l2)),
            m.timing.as_ref().map_or_else(
                || "—".to_string(),
                |t| format!("{:.3} ms", t.median_s * 1e3)
            ),
            m.work.rhs_evaluations,
            m.work.accepted_steps,
            m.work.rejected_steps,
            m.work.jacobian_evaluations
        );
        if let Some(f) = &m.failure {
            println!("      failed: {f}");
        }
    }
}

/// Run a cohort with a progress bar on stderr when it is a terminal.
fn run_cohort(sc: &Scenario, pop: &Population) -> Result<PopulationSummary> {
    use std::io::IsTerminal;
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(u64::from(pop.size));
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "  virtual patients {bar:40} {pos}/{len} ({per_sec}, {eta} left)",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let summary = population::run(sc, pop, &|done| bar.set_position(done));
    bar.finish_and_clear();
    Ok(summary?)
}

/// A small table of endpoint changes for the terminal.
fn print_summary(result: &SimulationResult) {
    println!("scenario `{}`: {}", result.scenario, result.description);
    let ends = endpoints::compute(result);
    let width = result
        .arms
        .iter()
        .map(|a| a.name.chars().count())
        .max()
        .unwrap_or(3)
        .max(3);
    let mut header = format!("  {:width$}", "arm");
    for t in &result.endpoint_times_days {
        header.push_str(&format!("  {:>11}", units::describe_days(*t)));
    }
    println!("{header}   (hair count change from start)");
    for (arm, e) in result.arms.iter().zip(ends) {
        let mut line = format!("  {:width$}", arm.name);
        for ep in e {
            line.push_str(&format!("  {:>10.1}%", ep.hair_count_change_pct));
        }
        println!("{line}");
    }
    if let Some(pop) = &result.population {
        println!(
            "virtual cohort of {} patients (seed {}): responders = hair count {:+.0}% or more at {}",
            pop.size,
            pop.seed,
            100.0 * pop.responder_threshold,
            units::describe_days(pop.responder_time_days)
        );
        for arm in &pop.arms {
            println!(
                "  {:width$}  {:>5.1}% responders",
                arm.name,
                100.0 * arm.responder_rate
            );
        }
    }
}

fn list(dir: &Path) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| {
            UsageError(format!(
                "cannot list scenario folder {}: {e}",
                dir.display()
            ))
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    entries.sort();
    for p in entries {
        match scenario::load(&p) {
            Ok(s) => println!("{:28} {}", p.display(), s.description),
            Err(e) => println!(
                "{:28} (invalid: {})",
                p.display(),
                e.to_string().lines().next().unwrap_or("")
            ),
        }
    }
    Ok(())
}
