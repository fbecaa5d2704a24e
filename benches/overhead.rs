//! The overhead target of issue 3, measured in one run: for each explicit
//! method on two arms of combo.toml, solve time ÷ (RHS evaluations × cost of
//! one RHS evaluation). Every quantity is timed in the same round, one after
//! the other, 25 rounds; a ratio is formed within each round, and the median
//! over the uncontended rounds (see `main`) is reported, with the range.
//!
//! The cost of one evaluation is that of *independent* evaluations: the
//! states of a real trajectory evaluated back to back, what a micro-benchmark
//! of the right-hand side reports. The CPU overlaps one such evaluation with
//! the next; a Runge–Kutta stage cannot, since it waits for the one before.
//!
//! To say what the rest is, two more things are timed in the same rounds:
//! *stages alone* ([`stages_only`]: the method's own step code, stage sums,
//! evaluations and error estimate, at the solve's mean step for as many
//! steps, with no controller, no rows, no checks, no segments), per
//! evaluation, over the independent cost; and the same solve *without output
//! rows*. Solve ÷ stages alone is what the controller, the rows and the
//! bookkeeping cost together; the rows' share is printed on its own.
//!
//! Everything timed here is compiled like the solvers' step loop: baseline
//! x86-64 plus an AVX2+FMA clone chosen at run time (`multiversion`).
//!
//! `cargo bench --bench overhead [METHOD...] [typical|richest]` (a few
//! seconds per method and arm). With `--untimed`, each solve runs 20 times and
//! nothing is timed: that is the mode to count instructions in, exactly and
//! repeatably: `valgrind --tool=callgrind target/release/deps/overhead-*
//! --untimed dopri5 richest`, then the inclusive count of
//! `hairsim::simulation::integrate_arm` (`callgrind_annotate --inclusive=yes`;
//! 21 solves: the 20 and the one that makes the trajectory states). Counting
//! only inside `--toggle-collect='*integrate_arm*'` would miss whatever the
//! solve calls whose name also matches (the pattern toggles on each entry).
//! The RHS alone, in its AVX2 clone: `--toggle-collect='*rhs_sweep_avx*'`,
//! ÷ 20 sweeps. BENCHMARKS.md records both.

mod common;
use common::{load, trajectory_states};
use hairsim::model::{HairModel, State};
use hairsim::simulation::{integrate_arm, output_grid};
use hairsim::solve::{stages_only, Method, SolveStats};
use std::hint::black_box;
use std::time::Instant;

const ROUNDS: usize = 25;

/// Seconds per call of `f`, over enough calls to last about 20 ms.
fn seconds_per_call(mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    f();
    let once = start.elapsed().as_secs_f64().max(1e-7);
    let n = ((0.02 / once) as usize).clamp(1, 100_000);
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed().as_secs_f64() / n as f64
}

/// The independent evaluations, kept out of line so that callgrind can count
/// their instructions alone (`--toggle-collect='*rhs_sweep_avx*'`: the
/// pattern must match the clone only, or the dispatcher's entry toggles
/// counting off again).
#[inline(never)]
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
fn rhs_sweep(model: &HairModel, states: &[State], dy: &mut State) {
    for y in states {
        model.derivatives(black_box(y), dy);
        black_box(&*dy);
    }
}

/// Median, smallest and largest.
fn summary(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects methods.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let untimed = args.iter().any(|a| a == "--untimed");
    // Arguments that are not flags pick methods by exact name, and `typical`
    // or `richest` one of the two arms; none: everything.
    let picked: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    let want_arm = |key: &str| {
        let arm_keys = ["typical", "richest"];
        !picked.iter().any(|p| arm_keys.contains(p)) || picked.contains(&key)
    };
    let sc = load("combo");
    let grid = output_grid(sc.duration_days, sc.output_interval_days);
    let arm_named = |name: &str| match sc.arms.iter().find(|a| a.name == name) {
        Some(a) => a,
        None => panic!("combo.toml has an arm `{name}`"),
    };
    let typical = arm_named("finasteride + minoxidil");
    let richest = arm_named("fin + minox + PRP + microneedling");

    // The denominator: the states of the typical arm's trajectory, with the
    // inputs that arm has in its first year.
    let mut model = HairModel::untreated(sc.patient.params);
    model.inputs.finasteride_mg_per_day = 1.0;
    model.inputs.minoxidil_percent = 5.0;
    let states = trajectory_states(&sc, typical);
    let n = states.len() as f64;

    let methods: Vec<Method> = Method::ALL
        .into_iter()
        .filter(|m| !m.is_implicit())
        .filter(|m| {
            !picked.iter().any(|p| Method::from_name(p).is_some()) || picked.contains(&m.name())
        })
        .collect();
    println!(
        "overhead = solve time / (RHS evaluations x cost of one RHS evaluation), \
         formed in each of {ROUNDS} rounds: median [min-max]; solve: median (min)"
    );
    println!(
        "{:<20} {:<36} {:>6} {:>16} {:>18} {:>13} {:>15}",
        "method", "arm", "evals", "solve us", "vs independent", "stages alone", "solve / stages"
    );
    for method in methods {
        let settings = sc.solver.with_method(method);
        for (key, arm) in [("typical", typical), ("richest", richest)] {
            if !want_arm(key) {
                continue;
            }
            let mut rows: Vec<State> = Vec::with_capacity(grid.len());
            let mut solve = || {
                rows.clear();
                let mut stats = SolveStats::default();
                match integrate_arm(
                    black_box(arm),
                    sc.duration_days,
                    &grid,
                    &settings,
                    &mut stats,
                    |_, _, y| rows.push(*y),
                ) {
                    Ok(()) => (stats.rhs_evaluations, stats.steps()),
                    Err(e) => panic!("{} on `{}`: {e}", method.name(), arm.name),
                }
            };
            let (evals, solve_steps) = solve();
            let evals = evals as f64;
            if untimed {
                for _ in 1..20 {
                    black_box(solve());
                }
                let mut dy = State::zeros();
                for _ in 0..20 {
                    rhs_sweep(&model, &states, &mut dy);
                }
                println!(
                    "{:<20} {:<36} {evals:>6} x 20 solves, {} x 20 RHS evaluations",
                    method.name(),
                    arm.name,
                    states.len()
                );
                continue;
            }
            // The method's own step code alone (no controller, rows or
            // checks), for as many steps as the solve took, at its mean step.
            let evals_per_step = match method.name() {
                "rk4" => 4.0,
                "dopri5" | "tsit45" => 6.0,
                "dop853" => 12.0,
                _ => f64::NAN,
            };
            let steps = solve_steps as usize;
            let h = sc.duration_days / solve_steps as f64;
            // Per round: solve, independent evaluation, stages alone (per
            // evaluation), the same solve without output rows.
            let mut rounds: Vec<[f64; 4]> = Vec::with_capacity(ROUNDS);
            let no_rows: [f64; 0] = [];
            let mut dy = State::zeros();
            for _ in 0..ROUNDS {
                let t_solve = seconds_per_call(|| {
                    black_box(solve());
                });
                let t_ind = seconds_per_call(|| rhs_sweep(&model, &states, &mut dy)) / n;
                let t_stages = if evals_per_step.is_nan() {
                    f64::NAN
                } else {
                    seconds_per_call(|| {
                        black_box(stages_only(method, &model, black_box(&states[0]), h, steps));
                    }) / (evals_per_step * steps as f64 + 1.0)
                };
                // Only for hairsim's methods: the crates' stop at every row,
                // so without rows they would take other steps.
                let t_no_rows = if evals_per_step.is_nan() {
                    f64::NAN
                } else {
                    seconds_per_call(|| {
                        let run = integrate_arm(
                            black_box(arm),
                            sc.duration_days,
                            &no_rows,
                            &settings,
                            &mut SolveStats::default(),
                            |_, _, _| {},
                        );
                        black_box(run.is_ok());
                    })
                };
                rounds.push([t_solve, t_ind, t_stages, t_no_rows]);
            }
            // This machine shares its cores: in some spells the independent
            // evaluations (bound by throughput) run up to 1.5x slower while
            // latency-bound code barely slows, which flatters every ratio.
            // Only rounds whose independent cost is within 10% of the
            // fastest are used: an uncontended core, as on a user's machine.
            let fastest = rounds.iter().map(|r| r[1]).fold(f64::INFINITY, f64::min);
            let quiet: Vec<[f64; 4]> = rounds
                .iter()
                .copied()
                .filter(|r| r[1] <= 1.1 * fastest)
                .collect();
            let pick = |f: &dyn Fn(&[f64; 4]) -> f64| summary(quiet.iter().map(f).collect());
            let (s_med, s_min, _) = pick(&|r| r[0] * 1e6);
            let (i_med, i_lo, i_hi) = pick(&|r| r[0] / (evals * r[1]));
            let stages_ratio = pick(&|r| r[2] / r[1]).0;
            let above = pick(&|r| r[0] / (evals * r[2])).0;
            let rows_share = pick(&|r| 1.0 - r[3] / r[0]).0;
            println!(
                "{:<20} {:<36} {:>6} {:>7.1} ({:>6.1}) {:>5.2} [{:.2}-{:.2}] {:>13.2} {:>15.2}",
                method.name(),
                arm.name,
                evals,
                s_med,
                s_min,
                i_med,
                i_lo,
                i_hi,
                stages_ratio,
                above,
            );
            let rows = if evals_per_step.is_nan() {
                String::new()
            } else {
                format!("; output rows {:.0}% of the solve", 100.0 * rows_share)
            };
            println!(
                "{:<20} {} of {ROUNDS} rounds uncontended; one independent RHS evaluation \
                 {:.1} ns{rows}",
                "",
                quiet.len(),
                pick(&|r| r[1] * 1e9).0,
            );
        }
    }
}
