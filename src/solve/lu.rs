//! LU factorisation with partial pivoting of a small dense matrix on the
//! stack, and solves with it: `rodas4`'s linear algebra.
//!
//! Written out instead of nalgebra's `lu()` because nalgebra's generic column
//! operations made the factorisation and the six solves per step cost more
//! than the twenty-two right-hand-side evaluations; loops over contiguous
//! columns let the compiler vectorise. A Jacobian is mostly zeros (a
//! compartment feeds one or two others), so each elimination step and each
//! solve runs only over the rows where its column can be non-zero: down to
//! the column's last non-zero below the diagonal (fill-in stays above it),
//! and in `U` from its first non-zero.

use super::problem::{AsArray, Vector};

/// A column-major `N × N` matrix: `m[j][i]` is row `i` of column `j`.
pub(super) type Matrix<const N: usize> = [[f64; N]; N];

/// The factors of `P A = L U`, in place on the caller's column-major array
/// (borrowed, not moved: at tens of kilobytes a copy per step shows).
pub(super) struct Lu<'a, const N: usize> {
    /// Columns: `L` (unit diagonal, not stored) below the diagonal, `U` on and above.
    a: &'a Matrix<N>,
    /// Row swapped with row `k` at elimination step `k`.
    pivots: [usize; N],
    /// `1 / U[k][k]`.
    inv_diag: [f64; N],
    /// Last row where column `k` of `L` is non-zero (`k` when none is).
    lower_end: [usize; N],
    /// First row where column `k` of `U` is non-zero.
    upper_start: [usize; N],
}

impl<'a, const N: usize> Lu<'a, N> {
    /// Factor `a` in place; `None` when a pivot is zero or not finite
    /// (singular matrix).
    pub(super) fn factor(a: &'a mut Matrix<N>) -> Option<Lu<'a, N>> {
        let mut pivots = [0; N];
        let mut inv_diag = [0.0; N];
        let mut lower_end = [0; N];
        for k in 0..N {
            let mut p = k;
            let mut best = a[k][k].abs();
            for (i, v) in a[k].iter().enumerate().skip(k + 1) {
                if v.abs() > best {
                    best = v.abs();
                    p = i;
                }
            }
            if best == 0.0 || !best.is_finite() {
                return None;
            }
            pivots[k] = p;
            if p != k {
                for col in a.iter_mut() {
                    col.swap(k, p);
                }
            }
            let inv = 1.0 / a[k][k];
            inv_diag[k] = inv;
            let (left, right) = a.split_at_mut(k + 1);
            let pivot_col = &mut left[k];
            let end = (k + 1..N).rev().find(|&i| pivot_col[i] != 0.0).unwrap_or(k);
            lower_end[k] = end;
            let below = k + 1..end + 1;
            for v in &mut pivot_col[below.clone()] {
                *v *= inv;
            }
            for col in right.iter_mut() {
                let ukj = col[k];
                if ukj != 0.0 {
                    for (c, l) in col[below.clone()].iter_mut().zip(&pivot_col[below.clone()]) {
                        *c -= l * ukj;
                    }
                }
            }
        }
        let upper_start = std::array::from_fn(|j| (0..j).find(|&i| a[j][i] != 0.0).unwrap_or(j));
        Some(Lu {
            a: &*a,
            pivots,
            inv_diag,
            lower_end,
            upper_start,
        })
    }

    /// Solve `A x = b`.
    pub(super) fn solve(&self, b: Vector<N>) -> Vector<N> {
        let mut x = *b.as_array();
        for (k, &p) in self.pivots.iter().enumerate() {
            x.swap(k, p);
        }
        // Forward: L y = P b (unit diagonal), column by column.
        for j in 0..N {
            let xj = x[j];
            if xj != 0.0 {
                let rows = j + 1..self.lower_end[j] + 1;
                for (xi, l) in x[rows.clone()].iter_mut().zip(&self.a[j][rows]) {
                    *xi -= l * xj;
                }
            }
        }
        // Backward: U x = y.
        for j in (0..N).rev() {
            x[j] *= self.inv_diag[j];
            let xj = x[j];
            if xj != 0.0 {
                let rows = self.upper_start[j]..j;
                for (xi, u) in x[rows.clone()].iter_mut().zip(&self.a[j][rows]) {
                    *xi -= u * xj;
                }
            }
        }
        Vector::from(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_singular_matrix_is_reported_as_none() {
        assert!(Lu::factor(&mut [[0.0; 4]; 4]).is_none());
    }

    #[test]
    fn a_permutation_needs_pivoting_and_is_solved() {
        const N: usize = 16;
        let mut a = [[0.0; N]; N];
        for (j, col) in a.iter_mut().enumerate() {
            col[(j + 1) % N] = 2.0;
        }
        let mut factors = a;
        let lu = Lu::factor(&mut factors).expect("regular");
        let b = Vector::<N>::from_fn(|i, _| i as f64);
        let x = lu.solve(b);
        let m = nalgebra::SMatrix::<f64, N, N>::from(a);
        assert!((m * x - b).amax() < 1e-12);
    }

    #[test]
    fn a_full_matrix_is_solved() {
        let a = [[4.0, 1.0, 2.0], [1.0, 5.0, -1.0], [2.0, -1.0, 6.0]];
        let mut factors = a;
        let lu = Lu::factor(&mut factors).expect("regular");
        let b = Vector::<3>::new(1.0, -2.0, 0.5);
        let x = lu.solve(b);
        let m = nalgebra::SMatrix::<f64, 3, 3>::from(a);
        assert!((m * x - b).amax() < 1e-14);
    }

    /// A Jacobian's shape: a cycle of compartments (each feeds the next),
    /// dense coupling rows and columns of signals at the end, and the
    /// identity minus a step times it: the row ranges the sparse loops skip
    /// must not change the answer.
    #[test]
    fn a_sparse_cycle_with_dense_signal_rows_is_solved() {
        const N: usize = 40;
        let mut a = [[0.0; N]; N];
        for (j, col) in a.iter_mut().enumerate() {
            col[j] = 1.0 + 0.1 * j as f64;
            if j < 30 {
                col[(j + 1) % 30] = -0.7;
            } else {
                // A signal column: every compartment's rate depends on it.
                for (i, v) in col.iter_mut().enumerate().take(30) {
                    *v += 0.01 * ((i * j) % 7) as f64;
                }
            }
            // The last row depends on every state (a sum).
            col[N - 1] += 0.05;
        }
        let mut factors = a;
        let lu = Lu::factor(&mut factors).expect("regular");
        let b = Vector::<N>::from_fn(|i, _| (i as f64).sin());
        let x = lu.solve(b);
        let m = nalgebra::SMatrix::<f64, N, N>::from(a);
        assert!((m * x - b).amax() < 1e-12, "{}", (m * x - b).amax());
    }
}
