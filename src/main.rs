//! `sim`: parse the command line, run, print the error chain, pick the exit code
//! (0 success, 2 bad input or usage, 1 anything else).

use clap::Parser;
use std::process::ExitCode;

mod app;
mod cli;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match app::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(app::exit_code(&err))
        }
    }
}
