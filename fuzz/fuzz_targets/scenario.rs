//! Fuzz target: bytes → text → parse and validate → a short simulation → CSV
//! and JSON rendering. Whatever the bytes, nothing may panic.
#![no_main]

use hairsim::scenario;
use hairsim::simulation::{shortened, simulate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = scenario::decode("fuzz.toml", data.to_vec()) else {
        return;
    };
    let Ok(sc) = scenario::parse("fuzz.toml", &text) else {
        return;
    };
    // At most 60 simulated days and 20,000 steps per arm: milliseconds per input.
    let short = shortened(&sc, 60.0, 20_000);
    if let Ok(result) = simulate(&short) {
        let _ = hairsim::output::csv::timeseries(&result);
        let _ = hairsim::output::json::summary(&result);
    }
});
