//! The hair model as a problem for the solve core: its [`Rhs`] contract.
//!
//! The equations are [`HairModel::derivatives`]; what else the solvers may
//! use is read off the same equations: the states that never move in the
//! default variant (from the state table), the Jacobian's sparsity (from the
//! symbolic trace that also feeds the exports) and the states' names.

use super::{symbolic_state, HairModel, Pk, State, MOVED_BY_EFFECT_VARIANT, N_STATES, STATES};
use crate::solve::{Rhs, Sparsity};
use crate::symbolic::{trace, Node, Sym};
use std::sync::OnceLock;

impl Rhs<N_STATES> for HairModel {
    /// In the default variant the explicit-PK states stay exactly 0 and
    /// their derivatives are exactly 0.
    const ACTIVE: usize = MOVED_BY_EFFECT_VARIANT;

    #[inline(always)]
    fn eval(&self, y: &State, dy: &mut State) {
        self.derivatives(y, dy);
    }

    fn tail_inert(&self) -> bool {
        self.pk == Pk::Effect
    }

    /// Read once per process and variant off the symbolic trace (the same
    /// equations with symbols: a state that does not appear in an expression
    /// cannot change it, whatever the parameter and input values). The first
    /// call allocates while tracing.
    fn sparsity(&self) -> Option<Sparsity<N_STATES>> {
        static EFFECT: OnceLock<Sparsity<N_STATES>> = OnceLock::new();
        static EXPLICIT: OnceLock<Sparsity<N_STATES>> = OnceLock::new();
        let cell = match self.pk {
            Pk::Effect => &EFFECT,
            Pk::Explicit => &EXPLICIT,
        };
        Some(*cell.get_or_init(|| traced_sparsity(self.pk)))
    }

    fn component_name(&self, i: usize) -> Option<&'static str> {
        STATES.get(i).map(|s| s.name)
    }
}

/// Which `dyᵢ/dt` can depend on which `yⱼ`, from the symbolic equations.
fn traced_sparsity(pk: Pk) -> Sparsity<N_STATES> {
    let (graph, dy) = trace(|| {
        let model = HairModel::<Sym>::symbolic(pk);
        let y = symbolic_state();
        let mut dy = y;
        model.derivatives_of(&y, &mut dy);
        dy
    });
    let mut depends = [[false; N_STATES]; N_STATES];
    for (i, d) in dy.iter().enumerate() {
        for s in graph.reachable(&[*d]) {
            if let Node::State(j) = graph.node(s) {
                depends[i][j] = true;
            }
        }
    }
    Sparsity::from_fn(|i, j| depends[i][j])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ix;
    use crate::params::Parameters;

    /// The traced structure holds every dependence a perturbation shows
    /// (both variants, treated, away from any steady state), and is sparse.
    #[test]
    fn the_sparsity_covers_every_dependence() {
        for pk in Pk::ALL {
            let mut model = HairModel::untreated(Parameters::default()).with_pk(pk);
            model.inputs.finasteride_mg_per_day = 1.0;
            model.inputs.dutasteride_mg_per_day = 0.5;
            model.inputs.minoxidil_percent = 5.0;
            let s = model.sparsity().expect("traced");
            let y = State::from_fn(|i, _| 0.05 + 0.07 * i as f64);
            let mut dy = State::zeros();
            model.eval(&y, &mut dy);
            let mut entries = 0_usize;
            for j in 0..N_STATES {
                let mut yp = y;
                yp[j] *= 1.01;
                let mut dp = State::zeros();
                model.eval(&yp, &mut dp);
                for i in 0..N_STATES {
                    if dp[i] != dy[i] {
                        assert!(s.column(j) & (1 << i) != 0, "{pk:?}: d{i}/d{j}");
                    }
                }
                entries += s.column(j).count_ones() as usize;
            }
            // Sparse: well under a third of the N² entries.
            assert!(
                entries < N_STATES * N_STATES / 3,
                "{pk:?}: {entries} of {} entries",
                N_STATES * N_STATES
            );
        }
    }

    #[test]
    fn the_default_variant_leaves_its_explicit_pk_states_at_rest() {
        let model = HairModel::untreated(Parameters::default());
        assert!(model.tail_inert());
        assert!(!model.with_pk(Pk::Explicit).tail_inert());
        let y = State::from_fn(|i, _| 0.1 + 0.01 * i as f64);
        let mut dy = State::from_element(1.0);
        model.eval(&y, &mut dy);
        for i in <HairModel as Rhs<N_STATES>>::ACTIVE..N_STATES {
            assert_eq!(dy[i].to_bits(), 0, "state {i}");
        }
        assert_eq!(model.component_name(ix::DHT), Some("dht"));
    }
}
