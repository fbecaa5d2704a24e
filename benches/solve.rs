//! Criterion benches on the same scenario files the tests use: one RHS
//! evaluation, each method on one arm of combo.toml and of stiff_pk.toml, the
//! whole combo scenario, and scaling with horizon (1, 3, 10, 30 years; the
//! 13 arms of tests/data/largest.toml over 12.5 to 200 years) and with the
//! number of arms; and each method on the solve core's closed-form test
//! problems (`hairsim::solve::test_problems`, the fixtures of the engines'
//! tests). Numbers are recorded in BENCHMARKS.md.

mod common;
use common::{load, trajectory_states};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hairsim::model::{HairModel, State};
use hairsim::simulation::{integrate_arm, output_grid, shortened, simulate, simulate_arm};
use hairsim::solve::test_problems::{self, Chain, LinearStiff, TestProblem};
use hairsim::solve::{Method, SolveStats};
use hairsim::steady_state::steady_state;
// Not `criterion::black_box`: in criterion 0.5 it is a volatile read of its
// argument, here a reference, which did not stop LLVM from dropping work whose
// result is only pointed to. Once the right-hand side was inlined, LLVM moved
// both `exp` calls out of `rhs/549_trajectory_states`'s hot loop (`perf`
// found no samples in them), which then reported 14 ns an evaluation
// instead of 26.
use std::hint::black_box;
use std::path::Path;

fn rhs(c: &mut Criterion) {
    let sc = load("combo");
    let p = sc.patient.params;
    let mut model = HairModel::untreated(p);
    model.inputs.finasteride_mg_per_day = 1.0;
    model.inputs.minoxidil_percent = 5.0;
    let y = steady_state(&p, sc.patient.terminal_fraction_start);
    let mut dy = y;
    c.bench_function("rhs/one_evaluation", |b| {
        b.iter(|| {
            model.derivatives(black_box(&y), &mut dy);
            black_box(&dy);
        })
    });
    // The same, over the 549 states of a real trajectory (inputs vary as in a
    // solve); divide the time by 549 for the cost of one evaluation.
    let Some(arm) = sc.arms.iter().find(|a| a.name == "finasteride + minoxidil") else {
        panic!("combo.toml has the arm `finasteride + minoxidil`");
    };
    let states = trajectory_states(&sc, arm);
    c.bench_function(&format!("rhs/{}_trajectory_states", states.len()), |b| {
        b.iter(|| {
            for y in &states {
                model.derivatives(black_box(y), &mut dy);
                black_box(&dy);
            }
        })
    });
    // The same states, but each input waits for the previous output (y + 0·dy,
    // the zero hidden from the optimizer), as each Runge–Kutta stage waits for
    // the one before: the CPU can no longer overlap one evaluation with the
    // next, so this is the per-evaluation cost a solver's stage chain sees.
    let zero = black_box(0.0);
    c.bench_function(&format!("rhs/{}_chained_states", states.len()), |b| {
        b.iter(|| {
            for y in &states {
                let input = y + dy * zero;
                model.derivatives(&input, &mut dy);
            }
            black_box(&dy);
        })
    });
}

/// Every method on one arm of `stem` (the arm named `arm`).
fn methods_on(c: &mut Criterion, stem: &str, arm: &str, methods: &[Method]) {
    let sc = load(stem);
    let Some(arm) = sc.arms.iter().find(|a| a.name == arm) else {
        panic!("{stem}.toml has an arm `{arm}`");
    };
    let grid = output_grid(sc.duration_days, sc.output_interval_days);
    let mut group = c.benchmark_group(format!("{stem}/one_arm"));
    for &method in methods {
        let s = sc
            .solver
            .with_method(method)
            .with_stiffness_detection(false);
        group.bench_function(method.name(), |b| {
            b.iter(|| simulate_arm(black_box(arm), sc.duration_days, &grid, &s))
        });
    }
    group.finish();
}

/// The solve alone on one arm of combo.toml: raw states kept on the output
/// grid, no observables (what the overhead target in BENCHMARKS.md divides by
/// RHS evaluations × the cost of one).
fn solve_only(c: &mut Criterion) {
    let sc = load("combo");
    let grid = output_grid(sc.duration_days, sc.output_interval_days);
    let mut group = c.benchmark_group("combo/solve_only");
    for name in [
        "finasteride + minoxidil",
        "fin + minox + PRP + microneedling",
    ] {
        let Some(arm) = sc.arms.iter().find(|a| a.name == name) else {
            panic!("combo.toml has an arm `{name}`");
        };
        for method in [Method::DOPRI5, Method::TSIT45, Method::ODE_SOLVERS_DOPRI5] {
            let s = sc.solver.with_method(method);
            let mut rows: Vec<State> = Vec::with_capacity(grid.len());
            group.bench_function(format!("{}/{name}", method.name()), |b| {
                b.iter(|| {
                    rows.clear();
                    let mut work = SolveStats::default();
                    let run = integrate_arm(
                        black_box(arm),
                        sc.duration_days,
                        &grid,
                        &s,
                        &mut work,
                        |_, _, y| rows.push(*y),
                    );
                    (run, work)
                })
            });
        }
    }
    group.finish();
}

fn methods(c: &mut Criterion) {
    methods_on(c, "combo", "finasteride + minoxidil", &Method::ALL);
    // rk4 and the ode_solvers methods restart at every 30-day row and are held
    // to hour-long steps by stiffness; they are measured too, only slower.
    methods_on(c, "stiff_pk", "finasteride", &Method::ALL);
}

/// The whole combo scenario with the default (`auto`) and with `dopri5`,
/// side by side: what the default costs where the problem is hardly stiff.
fn whole(c: &mut Criterion) {
    let sc = load("combo");
    let mut group = c.benchmark_group("combo/all_arms");
    for method in [Method::AUTO, Method::DOPRI5] {
        let mut with = sc.clone();
        with.solver = sc.solver.with_method(method);
        group.bench_function(method.name(), |b| b.iter(|| simulate(black_box(&with))));
    }
    group.finish();
}

fn horizon(c: &mut Criterion) {
    let sc = load("combo");
    let arm = &sc.arms[sc.arms.len() - 1];
    let mut group = c.benchmark_group("combo/horizon_years");
    for years in [1.0, 3.0, 10.0, 30.0] {
        let days = years * 365.25;
        let grid = output_grid(days, sc.output_interval_days);
        group.bench_with_input(BenchmarkId::from_parameter(years), &days, |b, &days| {
            b.iter(|| simulate_arm(black_box(arm), days, &grid, &sc.solver))
        });
    }
    group.finish();
}

/// The solve alone (raw states counted, not kept) of all 13 arms of
/// tests/data/largest.toml, daily rows, cut to 12.5 … 200 years, with the
/// default method (`auto`): how the cost grows with the horizon once the
/// problem turns stiff.
fn largest_horizon(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/largest.toml");
    let sc = match hairsim::scenario::load(&path) {
        Ok(s) => s,
        Err(e) => panic!("benches need tests/data/largest.toml: {e}"),
    };
    let mut group = c.benchmark_group("largest/horizon_years");
    group.sample_size(10);
    for years in [12.5, 25.0, 50.0, 100.0, 200.0] {
        let cut = shortened(&sc, years * 365.25, sc.solver.max_steps());
        let grid = output_grid(cut.duration_days, cut.output_interval_days);
        group.bench_with_input(BenchmarkId::from_parameter(years), &cut, |b, cut| {
            b.iter(|| {
                let mut rows = 0usize;
                let mut work = SolveStats::default();
                for arm in &cut.arms {
                    let run = integrate_arm(
                        arm,
                        cut.duration_days,
                        &grid,
                        &cut.solver,
                        &mut work,
                        |_, _, _| rows += 1,
                    );
                    if let Err(e) = run {
                        panic!("arm `{}` solves: {e}", arm.name);
                    }
                }
                (rows, work)
            })
        });
    }
    group.finish();
}

fn arms(c: &mut Criterion) {
    let base = load("combo");
    let mut group = c.benchmark_group("combo/arms");
    for n in [1, 2, 4, 8, 16] {
        let mut sc = base.clone();
        sc.arms = (0..n)
            .map(|i| {
                let mut a = base.arms[i % base.arms.len()].clone();
                a.name = format!("{} #{i}", a.name);
                a
            })
            .collect();
        group.bench_with_input(BenchmarkId::from_parameter(n), &sc, |b, sc| {
            b.iter(|| simulate(black_box(sc)))
        });
    }
    group.finish();
}

/// Every method on a closed-form test problem at rtol 1e-8, solved as the
/// engines' tests solve it (four advances, twenty rows).
fn on_test_problem<P: TestProblem<N> + Clone, const N: usize>(c: &mut Criterion, p: &P) {
    let mut group = c.benchmark_group(format!("test_problems/{}", p.name()));
    for method in Method::ALL {
        let s = match test_problems::settings(method, 1e-8) {
            Ok(s) => s,
            Err(e) => panic!("valid settings: {e}"),
        };
        group.bench_function(method.name(), |b| {
            b.iter(|| test_problems::max_error(black_box(p), &s))
        });
    }
    group.finish();
}

fn closed_forms(c: &mut Criterion) {
    on_test_problem(c, &Chain);
    on_test_problem(c, &LinearStiff::default());
}

criterion_group!(
    benches,
    rhs,
    solve_only,
    methods,
    whole,
    horizon,
    largest_horizon,
    arms,
    closed_forms
);
criterion_main!(benches);
