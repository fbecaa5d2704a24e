//! LU factorisation with partial pivoting of a small dense matrix on the
//! stack, and solves with it: `rodas4`'s linear algebra.
//!
//! Written out instead of nalgebra's `lu()` because nalgebra's generic column
//! operations made the factorisation and the six solves per step cost more
//! than the twenty-two right-hand-side evaluations; fixed-length loops over
//! contiguous columns let the compiler vectorise.

use super::problem::{AsArray, Vector};

/// A column-major `N × N` matrix: `m[j][i]` is row `i` of column `j`.
pub(super) type Matrix<const N: usize> = [[f64; N]; N];

/// The factors of `P A = L U`, in place on the column-major array.
pub(super) struct Lu<const N: usize> {
    /// Columns: `L` (unit diagonal, not stored) below the diagonal, `U` on and above.
    a: Matrix<N>,
    /// Row swapped with row `k` at elimination step `k`.
    pivots: [usize; N],
    /// `1 / U[k][k]`.
    inv_diag: [f64; N],
}

impl<const N: usize> Lu<N> {
    /// Factor `a`; `None` when a pivot is zero or not finite (singular matrix).
    pub(super) fn factor(mut a: Matrix<N>) -> Option<Lu<N>> {
        let mut pivots = [0; N];
        let mut inv_diag = [0.0; N];
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
            for v in pivot_col.iter_mut().skip(k + 1) {
                *v *= inv;
            }
            for col in right.iter_mut() {
                let ukj = col[k];
                if ukj != 0.0 {
                    for i in k + 1..N {
                        col[i] -= pivot_col[i] * ukj;
                    }
                }
            }
        }
        Some(Lu {
            a,
            pivots,
            inv_diag,
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
                let col = &self.a[j];
                for i in j + 1..N {
                    x[i] -= col[i] * xj;
                }
            }
        }
        // Backward: U x = y.
        for j in (0..N).rev() {
            x[j] *= self.inv_diag[j];
            let xj = x[j];
            let col = &self.a[j];
            for i in 0..j {
                x[i] -= col[i] * xj;
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
        assert!(Lu::factor([[0.0; 4]; 4]).is_none());
    }

    #[test]
    fn a_permutation_needs_pivoting_and_is_solved() {
        const N: usize = 16;
        let mut a = [[0.0; N]; N];
        for (j, col) in a.iter_mut().enumerate() {
            col[(j + 1) % N] = 2.0;
        }
        let lu = Lu::factor(a).expect("regular");
        let b = Vector::<N>::from_fn(|i, _| i as f64);
        let x = lu.solve(b);
        let m = nalgebra::SMatrix::<f64, N, N>::from(a);
        assert!((m * x - b).amax() < 1e-12);
    }

    #[test]
    fn a_full_matrix_is_solved() {
        let a = [[4.0, 1.0, 2.0], [1.0, 5.0, -1.0], [2.0, -1.0, 6.0]];
        let lu = Lu::factor(a).expect("regular");
        let b = Vector::<3>::new(1.0, -2.0, 0.5);
        let x = lu.solve(b);
        let m = nalgebra::SMatrix::<f64, 3, 3>::from(a);
        assert!((m * x - b).amax() < 1e-14);
    }
}
