//! Checks of explicit Runge–Kutta tableaux, shared by every method's tests:
//! each row of `A` sums to its node, and the weights satisfy the order
//! conditions (one per rooted tree) through the method's order, up to 5.

/// A tableau of `S` stages: `a` (strictly lower triangular), nodes `c`.
pub(super) struct Tableau<const S: usize> {
    pub a: [[f64; S]; S],
    pub c: [f64; S],
}

fn mat_vec<const S: usize>(a: &[[f64; S]; S], v: &[f64; S]) -> [f64; S] {
    std::array::from_fn(|i| (0..S).map(|j| a[i][j] * v[j]).sum())
}

fn mul<const S: usize>(u: &[f64; S], v: &[f64; S]) -> [f64; S] {
    std::array::from_fn(|i| u[i] * v[i])
}

fn dot<const S: usize>(u: &[f64; S], v: &[f64; S]) -> f64 {
    (0..S).map(|i| u[i] * v[i]).sum()
}

impl<const S: usize> Tableau<S> {
    /// Largest |Σⱼ aᵢⱼ − cᵢ| over the rows.
    pub fn row_sum_defect(&self) -> f64 {
        (0..S)
            .map(|i| (self.a[i].iter().sum::<f64>() - self.c[i]).abs())
            .fold(0.0, f64::max)
    }

    /// The order conditions through order 5, as (Φ(t), 1/γ(t), order):
    /// weights `w` satisfy tree `t` when `w · Φ(t) = 1/γ(t)`.
    pub fn conditions(&self) -> Vec<([f64; S], f64, u32)> {
        let (a, c) = (&self.a, self.c);
        let one = [1.0; S];
        let c2 = mul(&c, &c);
        let c3 = mul(&c2, &c);
        let c4 = mul(&c3, &c);
        let ac = mat_vec(a, &c);
        let ac2 = mat_vec(a, &c2);
        let ac3 = mat_vec(a, &c3);
        let aac = mat_vec(a, &ac);
        let aac2 = mat_vec(a, &ac2);
        let aaac = mat_vec(a, &aac);
        let a_cac = mat_vec(a, &mul(&c, &ac));
        vec![
            (one, 1.0, 1),
            (c, 1.0 / 2.0, 2),
            (c2, 1.0 / 3.0, 3),
            (ac, 1.0 / 6.0, 3),
            (c3, 1.0 / 4.0, 4),
            (mul(&c, &ac), 1.0 / 8.0, 4),
            (ac2, 1.0 / 12.0, 4),
            (aac, 1.0 / 24.0, 4),
            (c4, 1.0 / 5.0, 5),
            (mul(&c2, &ac), 1.0 / 10.0, 5),
            (mul(&c, &ac2), 1.0 / 15.0, 5),
            (mul(&c, &aac), 1.0 / 30.0, 5),
            (mul(&ac, &ac), 1.0 / 20.0, 5),
            (ac3, 1.0 / 20.0, 5),
            (a_cac, 1.0 / 40.0, 5),
            (aac2, 1.0 / 60.0, 5),
            (aaac, 1.0 / 120.0, 5),
        ]
    }

    /// Largest residual `|w · Φ(t) − θ^ρ(t)/γ(t)|` over the trees of each
    /// order 1..=5 (index 0 = order 1), for weights `w` evaluated at `θ`
    /// (θ = 1 for a step's weights; other θ for a dense output's).
    pub fn residuals(&self, w: &[f64; S], theta: f64) -> [f64; 5] {
        let mut worst = [0.0_f64; 5];
        for (phi, rhs, order) in self.conditions() {
            let r = (dot(w, &phi) - theta.powi(order as i32) * rhs).abs();
            let k = order as usize - 1;
            worst[k] = worst[k].max(r);
        }
        worst
    }

    /// Assert that `w` has order exactly `p` (p ≤ 4) or at least 5: every
    /// condition through `p` holds within `tol`, and (for p < 5) some
    /// condition of order p + 1 fails by more than `tol`.
    pub fn assert_order(&self, what: &str, w: &[f64; S], p: u32, tol: f64) {
        let r = self.residuals(w, 1.0);
        for (k, &res) in r.iter().enumerate().take(p.min(5) as usize) {
            assert!(res <= tol, "{what}: order {} residual {res:e}", k + 1);
        }
        if p < 5 {
            let next = r[p as usize];
            assert!(
                next > tol,
                "{what}: also satisfies order {} ({next:e})",
                p + 1
            );
        }
    }
}
