//! The overhead target of issue 3, measured in one run: for each explicit
//! method on two arms of combo.toml, solve time ÷ (RHS evaluations × cost of
//! one RHS evaluation). Both sides are timed in the same process, interleaved
//! round by round, so a slow spell on this shared machine hits numerator and
//! denominator alike; the minimum over rounds is the estimate (the run least
//! disturbed), the median is printed beside it.
//!
//! The cost of one evaluation is taken two ways: *independent* (the states of
//! a real trajectory evaluated back to back, which lets the CPU overlap one
//! evaluation with the next) and *chained* (each input waits for the previous
//! output, as every Runge–Kutta stage waits for the one before). The target
//! is judged on the independent cost, the stricter of the two; the chained
//! cost over the independent one is the *floor*, the ratio a step loop that
//! cost nothing would still show, since its evaluations cannot overlap.
//!
//! `cargo bench --bench overhead [METHOD...]` (about a minute per method).
//! With `--untimed`, each solve runs 20 times and nothing is timed: that is
//! the mode to count instructions in, exactly and repeatably, e.g.
//! `valgrind --tool=callgrind --toggle-collect='*integrate_arm*'
//! target/release/deps/overhead-* --untimed dopri5` (÷ 20 solves; the RHS
//! alone: `--toggle-collect='*rhs_sweep*'`). BENCHMARKS.md records both.

use hairsim::model::{HairModel, State};
use hairsim::scenario::{self, Scenario};
use hairsim::simulation::{integrate_arm, output_grid};
use hairsim::solve::{Method, SolverSettings};
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

const ROUNDS: usize = 25;

fn load(stem: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{stem}.toml"));
    match scenario::load(&path) {
        Ok(s) => s,
        Err(e) => panic!("benches need scenarios/{stem}.toml: {e}"),
    }
}

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
/// their instructions alone (`--toggle-collect='*rhs_sweep*'`).
#[inline(never)]
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
fn rhs_sweep(model: &HairModel, states: &[State], dy: &mut State) {
    for y in states {
        model.derivatives(black_box(y), dy);
        black_box(&*dy);
    }
}

/// The least any Dormand–Prince 5(4) step loop can cost with this
/// right-hand side: `steps` steps of size `h` doing nothing but the stage
/// sums and the six chained evaluations (no error estimate, no controller,
/// no rows, no bookkeeping). Kept out of line for callgrind.
#[inline(never)]
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
fn dopri5_skeleton(model: &HairModel, y0: &State, h: f64, steps: usize) -> State {
    const A: [&[f64]; 6] = [
        &[1.0 / 5.0],
        &[3.0 / 40.0, 9.0 / 40.0],
        &[44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0],
        &[
            19372.0 / 6561.0,
            -25360.0 / 2187.0,
            64448.0 / 6561.0,
            -212.0 / 729.0,
        ],
        &[
            9017.0 / 3168.0,
            -355.0 / 33.0,
            46732.0 / 5247.0,
            49.0 / 176.0,
            -5103.0 / 18656.0,
        ],
        &[
            35.0 / 384.0,
            0.0,
            500.0 / 1113.0,
            125.0 / 192.0,
            -2187.0 / 6784.0,
            11.0 / 84.0,
        ],
    ];
    let mut k = [State::zeros(); 7];
    let mut y = *y0;
    model.derivatives(&y, &mut k[0]);
    let mut arg = State::zeros();
    for _ in 0..steps {
        for (s, row) in A.iter().enumerate() {
            for i in 0..12 {
                let mut acc = y[i];
                for (j, a) in row.iter().enumerate() {
                    acc = k[j][i].mul_add(h * a, acc);
                }
                arg[i] = acc;
            }
            let (done, rest) = k.split_at_mut(s + 1);
            let _ = done;
            model.derivatives(&arg, &mut rest[0]);
        }
        y = arg;
        k[0] = k[6];
    }
    y
}

/// The chained evaluations: each input waits for the previous output.
#[inline(never)]
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
fn rhs_chain(model: &HairModel, states: &[State], dy: &mut State, zero: f64) {
    for y in states {
        let input = y + *dy * zero;
        model.derivatives(&input, dy);
    }
    black_box(&*dy);
}

fn min_median(v: &mut [f64]) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[0], v[v.len() / 2])
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
    let mut states: Vec<State> = Vec::new();
    if let Err(e) = integrate_arm(typical, sc.duration_days, &grid, &sc.solver, |_, _, y| {
        states.push(*y)
    }) {
        panic!("combo arm solves: {e}");
    }
    let n = states.len() as f64;
    let zero = black_box(0.0);

    let methods: Vec<Method> = Method::ALL
        .into_iter()
        .filter(|m| !m.is_implicit())
        .filter(|m| {
            !picked.iter().any(|p| Method::from_name(p).is_some()) || picked.contains(&m.name())
        })
        .collect();
    println!(
        "overhead = solve time / (RHS evaluations x cost of one RHS evaluation); \
         min (median) over {ROUNDS} interleaved rounds"
    );
    println!(
        "{:<20} {:<36} {:>6} {:>16} {:>16} {:>16}",
        "method", "arm", "evals", "solve us", "vs independent", "vs chained"
    );
    for method in methods {
        let settings = SolverSettings {
            method,
            ..sc.solver
        };
        for (key, arm) in [("typical", typical), ("richest", richest)] {
            if !want_arm(key) {
                continue;
            }
            let mut rows: Vec<State> = Vec::with_capacity(grid.len());
            let mut solve = || {
                rows.clear();
                match integrate_arm(
                    black_box(arm),
                    sc.duration_days,
                    &grid,
                    &settings,
                    |_, _, y| rows.push(*y),
                ) {
                    Ok(stats) => stats.rhs_evaluations,
                    Err(e) => panic!("{} on `{}`: {e}", method.name(), arm.name),
                }
            };
            let evals = solve() as f64;
            let skeleton_steps = ((evals - 1.0) / 6.0).round() as usize;
            let skeleton_h = sc.duration_days / skeleton_steps as f64;
            let y_start = states[0];
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
            let (mut t_solve, mut t_ind, mut t_chain) = (vec![], vec![], vec![]);
            let mut t_skel = vec![];
            let mut dy = State::zeros();
            for _ in 0..ROUNDS {
                t_solve.push(seconds_per_call(|| {
                    black_box(solve());
                }));
                t_ind.push(seconds_per_call(|| rhs_sweep(&model, &states, &mut dy)) / n);
                t_skel.push(seconds_per_call(|| {
                    black_box(dopri5_skeleton(
                        &model,
                        black_box(&y_start),
                        skeleton_h,
                        skeleton_steps,
                    ));
                }));
                t_chain.push(seconds_per_call(|| rhs_chain(&model, &states, &mut dy, zero)) / n);
            }
            let (s_min, s_med) = min_median(&mut t_solve);
            let (i_min, i_med) = min_median(&mut t_ind);
            let (c_min, c_med) = min_median(&mut t_chain);
            let (k_min, k_med) = min_median(&mut t_skel);
            println!(
                "skeleton {} steps: {:.1} us ({:.1}); vs independent {:.2} ({:.2})",
                skeleton_steps,
                k_min * 1e6,
                k_med * 1e6,
                k_min / (6.0 * skeleton_steps as f64 * i_min),
                k_med / (6.0 * skeleton_steps as f64 * i_med)
            );
            println!(
                "{:<20} {:<36} {:>6} {:>7.1} ({:>6.1}) {:>7.2} ({:>6.2}) {:>7.2} ({:>6.2})",
                method.name(),
                arm.name,
                evals,
                s_min * 1e6,
                s_med * 1e6,
                s_min / (evals * i_min),
                s_med / (evals * i_med),
                s_min / (evals * c_min),
                s_med / (evals * c_med),
            );
            println!(
                "{:<20} {:<36} {:>6} one RHS: independent {:.1} ns ({:.1}), chained {:.1} ns ({:.1}); \
                 floor (a loop that costs nothing) {:.2} ({:.2})",
                "",
                "",
                "",
                i_min * 1e9,
                i_med * 1e9,
                c_min * 1e9,
                c_med * 1e9,
                c_min / i_min,
                c_med / i_med,
            );
        }
    }
}
