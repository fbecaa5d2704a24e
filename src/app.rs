//! The binary's edge: turns parsed commands into library calls, files and
//! terminal output. All I/O of `sim` happens here or in `output`.

use crate::cli::{Cli, Command, ExportFormat};
use anyhow::{Context, Result};
use clap::CommandFactory;
use hairsim::bench::{self, BenchSpec};
use hairsim::charts::{self, render_bench, BenchChart, ImageFormat};
use hairsim::output::{self, Format};
use hairsim::population::{self, Population, PopulationSummary};
use hairsim::scenario::{self, LoadError, ScenarioError};
use hairsim::sensitivity::{self, MorrisOptions};
use hairsim::simulation::{simulate, SimError, SimulationResult};
use hairsim::solve::{Method, SolverSettings};
use hairsim::{endpoints, export, label, model_doc, scan, units};
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

/// Run one command.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run {
            scenarios,
            out,
            format,
            solver,
            rtol,
            atol,
        } => {
            eprintln!("{}", label::banner());
            let formats = parse_formats(&format)?;
            let overrides = SolverOverrides {
                method: solver.map(|s| parse_method(&s)).transpose()?,
                rtol,
                atol,
            };
            let several = scenarios.len() > 1;
            for path in &scenarios {
                run_one(path, out.as_deref(), several, &formats, &overrides)?;
            }
            Ok(())
        }
        Command::Export {
            format,
            scenario,
            arm,
            out,
        } => {
            eprintln!("{}", label::banner());
            let sc = scenario::load(&scenario)?;
            let arm = export::find_arm(&sc, arm.as_deref())
                .map_err(|e| UsageError(format!("{}: {e}", scenario.display())))?;
            let model = export::ArmModel::new(&sc, arm);
            let text = match format {
                ExportFormat::Sbml => export::sbml::to_sbml(&model)
                    .with_context(|| format!("writing SBML for arm `{}`", arm.name))?,
                ExportFormat::Python => export::python::to_python(&model),
            };
            match out {
                Some(path) => {
                    output::atomic::write(&path, text.as_bytes())
                        .with_context(|| format!("writing {}", path.display()))?;
                    eprintln!(
                        "wrote arm `{}` of {} to {}",
                        arm.name,
                        scenario.display(),
                        path.display()
                    );
                }
                None => print!("{text}"),
            }
            Ok(())
        }
        Command::Bench {
            scenario,
            solvers,
            tolerances,
            runs,
            max_steps,
            out,
            json,
        } => {
            eprintln!("{}", label::banner());
            let mut spec = BenchSpec::new();
            if !solvers.is_empty() {
                spec.methods = solvers
                    .iter()
                    .map(|s| parse_method(s.trim()))
                    .collect::<Result<_>>()?;
            }
            spec.tolerances = parse_tolerances(&tolerances)?;
            if runs == 0 {
                return Err(UsageError("--runs must be at least 1".into()).into());
            }
            spec.runs = runs;
            if let Some(n) = max_steps {
                if n == 0 {
                    return Err(UsageError("--max-steps must be at least 1".into()).into());
                }
                spec.max_steps = n;
            }
            bench_one(&scenario, &spec, out.as_deref(), json)
        }
        Command::Check { files } => {
            eprintln!("{}", label::banner());
            let mut invalid = 0;
            for path in &files {
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
        Command::List { dir } => list(&dir),
        Command::Sensitivity {
            scenario,
            arm,
            endpoint,
            trajectories,
            seed,
            out,
        } => {
            eprintln!("{}", label::banner());
            let sc = scenario::load(&scenario)?;
            let t = endpoint_days(&endpoint, &sc)?;
            let index = match &arm {
                Some(name) => sc
                    .arms
                    .iter()
                    .position(|a| &a.name == name)
                    .ok_or_else(|| {
                        let names: Vec<&str> = sc.arms.iter().map(|a| a.name.as_str()).collect();
                        UsageError(format!(
                            "no arm `{name}` in {}; arms: {}",
                            scenario.display(),
                            names.join(", ")
                        ))
                    })?,
                None => sc.arms.len().saturating_sub(1),
            };
            if !(2..=10_000).contains(&trajectories) {
                return Err(UsageError("--trajectories must be from 2 to 10000".into()).into());
            }
            let opts = MorrisOptions {
                trajectories,
                seed,
                ..MorrisOptions::default()
            };
            let result = sensitivity::analyse(&sc, index, t, &opts)
                .with_context(|| format!("sensitivity analysis of {}", scenario.display()))?;
            let dir = out.unwrap_or_else(|| Path::new("plots").join(&sc.name).join("sensitivity"));
            let files = figure_files(
                &dir,
                "sensitivity",
                output::csv::sensitivity(&result),
                |f| charts::sensitivity::render(&result, f),
            )?;
            let written = output::write_files(&dir, files)?;
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
            println!("wrote {} file(s) to {}", written.len(), dir.display());
            Ok(())
        }
        Command::Scan {
            scenario,
            param,
            range,
            steps,
            endpoint,
            out,
        } => {
            eprintln!("{}", label::banner());
            let sc = scenario::load(&scenario)?;
            let t = endpoint_days(&endpoint, &sc)?;
            let varied = population::varied(&param).ok_or_else(|| {
                let names: Vec<&str> = hairsim::params::PARAMETERS.iter().map(|p| p.name).collect();
                UsageError(format!(
                    "unknown --param `{param}`; {}",
                    scenario::error::did_you_mean(&param, &names)
                ))
            })?;
            let (lo, hi) = range
                .split_once("..")
                .and_then(|(a, b)| Some((a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?)))
                .filter(|(a, b)| a < b && varied.allows(*a) && varied.allows(*b))
                .ok_or_else(|| UsageError(format!("--range must be LO..HI with LO < HI, both valid values of `{param}` (got `{range}`)")))?;
            if !(2..=1000).contains(&steps) {
                return Err(UsageError("--steps must be from 2 to 1000".into()).into());
            }
            let result = scan::scan(&sc, varied, &scan::values(lo, hi, steps), t)
                .with_context(|| format!("scanning `{param}` in {}", scenario.display()))?;
            let dir = out.unwrap_or_else(|| {
                Path::new("plots")
                    .join(&sc.name)
                    .join(format!("scan_{}", result.parameter))
            });
            let files = figure_files(&dir, "scan", output::csv::scan(&result), |f| {
                charts::scan::render(&result, f)
            })?;
            let written = output::write_files(&dir, files)?;
            println!("wrote {} file(s) to {}", written.len(), dir.display());
            Ok(())
        }
        Command::Model { markdown } => {
            eprintln!("{}", label::banner());
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

/// `STEM.csv` plus the figure as `STEM.svg` and `STEM.png`, rendered before
/// anything is written.
fn figure_files(
    dir: &Path,
    stem: &str,
    csv: String,
    render: impl Fn(ImageFormat) -> Result<Vec<u8>, charts::ChartError>,
) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = vec![(dir.join(format!("{stem}.csv")), csv.into_bytes())];
    for format in [ImageFormat::Svg, ImageFormat::Png] {
        files.push((
            dir.join(format!("{stem}.{}", format.extension())),
            render(format)?,
        ));
    }
    Ok(files)
}

/// An endpoint time from the command line, within the scenario.
fn endpoint_days(text: &str, sc: &scenario::Scenario) -> Result<f64> {
    let t = units::parse_duration_days(text).map_err(|e| UsageError(format!("--endpoint: {e}")))?;
    if !(t > 0.0 && t <= sc.duration_days + 1e-9) {
        return Err(UsageError(format!(
            "--endpoint {text:?} must lie within the scenario ({})",
            units::describe_days(sc.duration_days)
        ))
        .into());
    }
    Ok(t)
}

fn parse_method(s: &str) -> Result<Method> {
    Method::from_name(s).ok_or_else(|| {
        let names: Vec<&str> = Method::ALL.iter().map(|m| m.name()).collect();
        UsageError(format!(
            "unknown solver `{s}`; {}",
            scenario::error::did_you_mean(s, &names)
        ))
        .into()
    })
}

/// `1e-3..1e-10` (decades, both ends) or a comma list `1e-4,1e-8`.
fn parse_tolerances(text: &str) -> Result<Vec<f64>> {
    let bad = |what: &str| {
        UsageError(format!(
            "--tolerances `{text}`: {what}; write a decade range like `1e-3..1e-10` or a list like `1e-4,1e-8`"
        ))
    };
    let number = |s: &str| -> Result<f64> {
        let x: f64 = s
            .trim()
            .parse()
            .map_err(|_| bad(&format!("`{s}` is not a number")))?;
        // Each tolerance is a run's rtol: the settings own its range.
        SolverSettings::default()
            .with_rtol(x)
            .map(|_| x)
            .map_err(|e| bad(&e.to_string()).into())
    };
    if let Some((a, b)) = text.split_once("..") {
        return Ok(bench::decades(number(a)?, number(b)?));
    }
    text.split(',').map(number).collect()
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

fn bench_one(path: &Path, spec: &BenchSpec, out: Option<&Path>, json: bool) -> Result<()> {
    let sc = scenario::load(path)?;
    let report = bench::run(&sc, spec, environment())
        .with_context(|| format!("benchmarking {} (nothing was written)", path.display()))?;
    let dir = out.map_or_else(|| Path::new("bench").join(&sc.name), Path::to_path_buf);
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        (dir.join("bench.csv"), bench::csv(&report).into_bytes()),
        (dir.join("bench.json"), bench::json(&report)?.into_bytes()),
    ];
    for kind in BenchChart::ALL {
        for format in [ImageFormat::Svg, ImageFormat::Png] {
            let bytes = render_bench(&report, kind, format)?;
            files.push((
                dir.join(format!("{}.{}", kind.name(), format.extension())),
                bytes,
            ));
        }
    }
    let written = output::write_files(&dir, files)?;
    if json {
        print!("{}", bench::json(&report)?);
    } else {
        print_bench(&report);
        println!("wrote {} file(s) to {}", written.len(), dir.display());
    }
    Ok(())
}

/// The study as a terminal table.
fn print_bench(report: &bench::BenchReport) {
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

fn parse_formats(list: &[String]) -> Result<Vec<Format>> {
    let mut formats = Vec::new();
    for f in list {
        let f = f.trim().to_ascii_lowercase();
        let fmt = Format::from_name(&f).ok_or_else(|| {
            let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
            UsageError(format!(
                "unknown --format `{f}`; {}",
                scenario::error::did_you_mean(&f, &names)
            ))
        })?;
        if !formats.contains(&fmt) {
            formats.push(fmt);
        }
    }
    Ok(formats)
}

/// Solver settings given on the command line, over the scenario's.
struct SolverOverrides {
    method: Option<Method>,
    rtol: Option<f64>,
    atol: Option<f64>,
}

fn run_one(
    path: &Path,
    out: Option<&Path>,
    several: bool,
    formats: &[Format],
    overrides: &SolverOverrides,
) -> Result<()> {
    let mut sc = scenario::load(path)?;
    // The settings check the values ("rtol must be …"); a flag names itself.
    let flag = |e: hairsim::solve::SettingsError| UsageError(format!("--{e}"));
    if let Some(m) = overrides.method {
        sc.solver = sc.solver.with_method(m);
    }
    if let Some(v) = overrides.rtol {
        sc.solver = sc.solver.with_rtol(v).map_err(flag)?;
    }
    if let Some(v) = overrides.atol {
        sc.solver = sc.solver.with_atol(v).map_err(flag)?;
    }
    let mut result = simulate(&sc)
        .map_err(|e: SimError| anyhow::Error::new(e))
        .with_context(|| format!("simulating {} (nothing was written)", path.display()))?;
    if let Some(pop) = &sc.population {
        result.population = Some(run_cohort(&sc, pop).with_context(|| {
            format!(
                "simulating the virtual cohort of {} (nothing was written)",
                path.display()
            )
        })?);
    }
    let dir: PathBuf = match out {
        Some(d) if several => d.join(&sc.name),
        Some(d) => d.to_path_buf(),
        None => Path::new("plots").join(&sc.name),
    };
    let written =
        output::write_all(&result, &sc.plot.charts, formats, &dir).with_context(|| {
            format!(
                "writing the outputs of {} to {}",
                path.display(),
                dir.display()
            )
        })?;
    print_summary(&result);
    println!("wrote {} file(s) to {}", written.len(), dir.display());
    Ok(())
}

/// Run a cohort with a progress bar on stderr when it is a terminal.
fn run_cohort(sc: &scenario::Scenario, pop: &Population) -> Result<PopulationSummary> {
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
