//! The non-clinical label that every output carries.
//!
//! One place for the wording so the terminal banner, the CSV comment, the JSON
//! `disclaimer` field and the chart footers can never drift apart.

/// Short label used in chart footers and the CSV comment line.
pub const SHORT: &str = "Illustrative model — not clinical guidance";

/// Full disclaimer used in JSON and the terminal banner.
pub const DISCLAIMER: &str =
    "Illustrative model — not clinical guidance. hairsim is a teaching toy: \
its parameters are calibrated loosely to published ranges or are illustrative assumptions. \
Do not use its numbers to choose, dose or judge any treatment.";

/// Version of hairsim written into every output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Footer line for a chart or file: label, scenario name and version.
pub fn footer(scenario: &str) -> String {
    format!("{SHORT} · scenario: {scenario} · hairsim {VERSION}")
}

/// The banner printed to the terminal (stderr) on every run.
pub fn banner() -> String {
    let line = "─".repeat(78);
    format!(
        "{line}\n  hairsim {VERSION} — ILLUSTRATIVE MODEL, NOT CLINICAL GUIDANCE\n  \
         A teaching toy of the hair cycle. Never use its output to choose or dose a treatment.\n{line}"
    )
}
