//! Why `dopri5` takes *fewer* steps on `stiff_pk.toml` at tight tolerances
//! than at loose ones (BENCHMARKS.md, work-precision results).
//!
//! The explicit-PK model feeds each daily dose as a constant input, so the
//! fast gut and plasma states settle to an equilibrium. If a solve resolves
//! the approach well enough, they land on a floating-point fixed point where
//! their derivative is exactly 0; every stage then reproduces them exactly,
//! the fast modes carry no perturbation that an explicit method could
//! amplify, and the step grows past the stability limit (h·λ ≈ 3.3 for
//! `dopri5`) to what the slow states need. At loose tolerances they never
//! land exactly, so the controller stays at the stability limit for the
//! whole run. This prints, per tolerance and arm, the steps taken and on how
//! many of the daily output rows the fast states' derivatives are exactly 0.
//!
//! `cargo run --release --example stiff_pk_frozen_modes`

use hairsim::model::{ix, State};
use hairsim::scenario;
use hairsim::simulation::{integrate_arm, output_grid};
use hairsim::solve::{Method, SolveStats};
use std::path::Path;

fn main() -> anyhow::Result<()> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/stiff_pk.toml");
    let sc = scenario::load(&path)?;
    let grid = output_grid(sc.duration_days, 1.0);
    let gut = [ix::FINASTERIDE_GUT, ix::DUTASTERIDE_GUT];
    let plasma = [ix::FINASTERIDE_PLASMA, ix::DUTASTERIDE_PLASMA];
    println!("dopri5 on stiff_pk (stiffness detection off), daily rows");
    println!(
        "{:>6}  {:<22} {:>7} {:>9} {:>15} {:>18}",
        "rtol", "arm", "steps", "rejected", "rows gut dy=0", "rows plasma dy=0"
    );
    for rtol in [1e-3, 1e-5, 1e-7, 1e-8, 1e-9, 1e-10] {
        let settings = sc
            .solver
            .with_method(Method::DOPRI5)
            .with_rtol(rtol)?
            .with_atol(rtol * 1e-3)?
            .with_max_steps(u32::MAX)?
            .with_stiffness_detection(false);
        for arm in &sc.arms {
            let mut stats = SolveStats::default();
            let (mut gut_at_rest, mut plasma_at_rest) = (0, 0);
            let mut dy = State::zeros();
            integrate_arm(
                arm,
                sc.duration_days,
                &grid,
                &settings,
                &mut stats,
                |_, model, y| {
                    model.derivatives(y, &mut dy);
                    gut_at_rest += usize::from(gut.iter().all(|&i| dy[i] == 0.0));
                    plasma_at_rest += usize::from(plasma.iter().all(|&i| dy[i] == 0.0));
                },
            )?;
            println!(
                "{rtol:>6.0e}  {:<22} {:>7} {:>9} {:>15} {:>18}",
                arm.name, stats.accepted_steps, stats.rejected_steps, gut_at_rest, plasma_at_rest
            );
        }
    }
    println!("({} daily rows per arm)", grid.len());
    Ok(())
}
