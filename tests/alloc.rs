//! No heap allocation inside the step loop: a counting global allocator
//! around one three-year advance of the hair model with output rows, by
//! each of hairsim's own methods (`rk4`, `dopri5`, `tsit45`, `dop853` on the
//! explicit engine, `rodas4`).

mod common;
use hairsim::model::State;
use hairsim::solve::{Integrator, Method, SolverSettings};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    /// Allocations by this thread while counting is on (`None` = off).
    static COUNT: Cell<Option<u64>> = const { Cell::new(None) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = COUNT.try_with(|c| {
            if let Some(n) = c.get() {
                c.set(Some(n + 1));
            }
        });
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Allocations made by `f` on this thread.
fn allocations(f: impl FnOnce()) -> u64 {
    COUNT.with(|c| c.set(Some(0)));
    f();
    COUNT.with(|c| c.replace(None)).unwrap_or(0)
}

#[test]
fn a_dopri5_solve_with_output_rows_allocates_nothing() {
    solve_allocates_nothing(Method::DOPRI5);
}

#[test]
fn an_rk4_solve_with_output_rows_allocates_nothing() {
    solve_allocates_nothing(Method::RK4);
}

#[test]
fn a_tsit45_solve_with_output_rows_allocates_nothing() {
    solve_allocates_nothing(Method::TSIT45);
}

#[test]
fn a_dop853_solve_with_output_rows_allocates_nothing() {
    solve_allocates_nothing(Method::DOP853);
}

#[test]
fn a_rodas4_solve_with_output_rows_allocates_nothing() {
    solve_allocates_nothing(Method::RODAS4);
}

fn solve_allocates_nothing(method: Method) {
    let (model, y0) = common::treated_model();
    let outputs: Vec<f64> = (1..548).map(|k| 2.0 * f64::from(k)).collect();
    let mut rows = [State::zeros(); 547];
    let mut n = 0;
    let settings = SolverSettings::new(method);
    // One warm-up advance: `rodas4` reads the Jacobian's sparsity off the
    // symbolic model once per process (that first call allocates).
    let mut warm_up = Integrator::new(model, 0.0, y0, settings);
    let r = warm_up.advance_to(1.0, &[], &mut |_, _| {});
    assert!(r.is_ok(), "{method}: {r:?}");
    let mut integ = Integrator::new(model, 0.0, y0, settings);
    let mut result = Ok(());
    let count = allocations(|| {
        result = integ.advance_to(1096.0, &outputs, &mut |_, y| {
            rows[n] = *y;
            n += 1;
        });
    });
    assert!(result.is_ok(), "{method}: {result:?}");
    assert_eq!(n, outputs.len(), "every output row was emitted");
    let stats = integ.stats();
    assert!(stats.accepted_steps > 20, "a real solve: {stats:?}");
    assert_eq!(count, 0, "{method}: allocations inside the step loop");
}
