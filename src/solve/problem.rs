//! The problem contract: what the solve core needs from a system of ODEs,
//! and nothing about what the system describes.
//!
//! A problem is an autonomous system `y' = f(y)` of `N` components
//! implementing [`Rhs`]: `eval` is required; the rest has defaults that an
//! implementation overrides when it knows better (components that never
//! move, the Jacobian's sparsity or an exact Jacobian-vector product, names
//! for error messages). Time-dependent forcing enters the way the hair model
//! does it: piecewise constant inputs held by the problem, changed between
//! two [`Integrator::advance_to`](super::Integrator::advance_to) calls.

/// A state vector of `N` components, on the stack.
pub type Vector<const N: usize> = nalgebra::SVector<f64, N>;

/// A vector's components as a plain array: the engines' loops index it
/// without bounds checks once `N` is known, and the model's equations read
/// it. The one place that reaches into nalgebra's storage.
pub trait AsArray<const N: usize> {
    /// The components.
    fn as_array(&self) -> &[f64; N];
    /// The components, mutable.
    fn as_array_mut(&mut self) -> &mut [f64; N];
}

impl<const N: usize> AsArray<N> for Vector<N> {
    #[inline(always)]
    fn as_array(&self) -> &[f64; N] {
        &self.data.0[0]
    }

    #[inline(always)]
    fn as_array_mut(&mut self) -> &mut [f64; N] {
        &mut self.data.0[0]
    }
}

/// An autonomous system `y' = f(y)` of `N` components.
pub trait Rhs<const N: usize> {
    /// How many leading components move while [`Rhs::tail_inert`] holds:
    /// components `ACTIVE..N` then have a derivative of exactly 0. A
    /// constant, so that the explicit engine compiles its loops for this
    /// length too: a quarter less work per stage for the hair model, whose
    /// default variant leaves its four explicit-PK states at rest.
    const ACTIVE: usize = N;

    /// `dy = f(y)`. Called inside the step loops, so implementations should
    /// be `#[inline(always)]` and must not allocate.
    fn eval(&self, y: &Vector<N>, dy: &mut Vector<N>);

    /// Whether components `ACTIVE..N` are inert for this problem as it is
    /// now: their derivative is exactly 0 whatever the state. The explicit
    /// engine then skips them (while they are exactly +0.0), with results
    /// identical to the bit to the full loops.
    fn tail_inert(&self) -> bool {
        false
    }

    /// Which entries of the Jacobian `∂f/∂y` can be non-zero, if known;
    /// `rodas4` differences structurally independent columns together.
    /// Must not change while an integrator holds the problem.
    fn sparsity(&self) -> Option<Sparsity<N>> {
        None
    }

    /// `jv = (∂f/∂y)(y) · v`, for the `diffsol` implicit methods. By default
    /// a central finite difference along `v` (two evaluations), so that the
    /// right-hand side stays the only place the equations are written.
    fn jacobian_times(&self, y: &Vector<N>, v: &Vector<N>, jv: &mut Vector<N>) {
        let v_norm = v.amax();
        if v_norm == 0.0 {
            jv.fill(0.0);
            return;
        }
        // Step near the cube root of machine epsilon, relative to the state's
        // size: balances truncation (O(ε²)) against rounding (O(u/ε)).
        let eps = f64::EPSILON.cbrt() * (1.0 + y.amax()) / v_norm;
        let (mut plus, mut minus) = (Vector::<N>::zeros(), Vector::<N>::zeros());
        self.eval(&(y + v * eps), &mut plus);
        self.eval(&(y - v * eps), &mut minus);
        *jv = (plus - minus) / (2.0 * eps);
    }

    /// A name for component `i` in error messages (`None`: its index).
    fn component_name(&self, _i: usize) -> Option<&'static str> {
        None
    }
}

/// The structure of a Jacobian: which `dyᵢ/dt` can depend on which `yⱼ`.
/// At most 128 components (one bit each, a [`ComponentSet`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sparsity<const N: usize> {
    /// `rows[j]`: bit `i` is set if `dyᵢ/dt` can depend on `yⱼ`.
    rows: [ComponentSet; N],
}

/// A set of components, bit `i` for component `i`.
pub type ComponentSet = u128;

impl<const N: usize> Sparsity<N> {
    /// Every entry possibly non-zero.
    pub fn dense() -> Self {
        Self::from_fn(|_, _| true)
    }

    /// `depends(i, j)`: whether `dyᵢ/dt` can depend on `yⱼ`.
    pub fn from_fn(depends: impl Fn(usize, usize) -> bool) -> Self {
        const {
            assert!(
                N <= ComponentSet::BITS as usize,
                "a Sparsity holds at most 128 components"
            )
        };
        let mut rows = [0; N];
        for (j, r) in rows.iter_mut().enumerate() {
            for i in 0..N {
                if depends(i, j) {
                    *r |= 1 << i;
                }
            }
        }
        Sparsity { rows }
    }

    /// The rows column `j` can be non-zero in, as a bit set.
    pub fn column(&self, j: usize) -> ComponentSet {
        self.rows[j]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::test_problems::{Chain, LinearStiff};

    #[test]
    fn the_default_jacobian_product_matches_the_exact_one() {
        // A linear system: J v = A v exactly.
        let p = LinearStiff::default();
        let y = Vector::<3>::new(0.3, -1.2, 2.0);
        let v = Vector::<3>::new(1.0, 0.5, -0.25);
        let mut jv = Vector::<3>::zeros();
        p.jacobian_times(&y, &v, &mut jv);
        let mut exact = Vector::<3>::zeros();
        p.eval(&v, &mut exact);
        assert!(
            (jv - exact).amax() <= 1e-9 * exact.amax(),
            "{jv:?} vs {exact:?}"
        );
        p.jacobian_times(&y, &Vector::zeros(), &mut jv);
        assert_eq!(jv.amax(), 0.0);
    }

    #[test]
    fn sparsity_records_each_dependence() {
        let s = Chain.sparsity().expect("the chain knows its structure");
        // y0 feeds itself and y1; the last active component feeds only itself.
        assert_eq!(s.column(0), 0b11);
        assert_eq!(s.column(5), 1 << 5);
        assert_eq!(Sparsity::<3>::dense().column(2), 0b111);
    }
}
