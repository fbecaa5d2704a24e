//! The binary's edge: turns parsed commands into library calls, files and
//! terminal output. All I/O of `sim` happens here or in `output`.

use crate::cli::{Cli, Command};
use anyhow::{Context, Result};
use clap::CommandFactory;
use hairsim::output::{self, Format};
use hairsim::population::{self, Population, PopulationSummary};
use hairsim::scenario::{self, LoadError, ScenarioError};
use hairsim::simulation::{simulate, SimError, SimulationResult};
use hairsim::solve::Method;
use hairsim::{endpoints, label, model_doc, units};
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
        } => {
            eprintln!("{}", label::banner());
            let formats = parse_formats(&format)?;
            let method = solver
                .map(|s| {
                    Method::from_name(&s).ok_or_else(|| {
                        let names: Vec<&str> = Method::ALL.iter().map(|m| m.name()).collect();
                        UsageError(format!(
                            "unknown --solver `{s}`; {}",
                            scenario::error::did_you_mean(&s, &names)
                        ))
                    })
                })
                .transpose()?;
            let several = scenarios.len() > 1;
            for path in &scenarios {
                run_one(path, out.as_deref(), several, &formats, method)?;
            }
            Ok(())
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

fn run_one(
    path: &Path,
    out: Option<&Path>,
    several: bool,
    formats: &[Format],
    method: Option<Method>,
) -> Result<()> {
    let mut sc = scenario::load(path)?;
    if let Some(m) = method {
        sc.solver.method = m;
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
