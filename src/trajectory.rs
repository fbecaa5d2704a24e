//! A simulated arm as a table: one row of observables per output time.
//!
//! The solver produces raw states; this module holds what people read (phase
//! fractions, hair count, density, shedding, diameter, signals). Outputs (CSV,
//! JSON, charts) consume only this type, never the raw state vector.

/// Everything observable at one output time. Field names are the CSV columns.
///
/// Generic so the same observation code can be traced for export (see
/// [`crate::symbolic`]); everything else uses `Observables` of `f64`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Observables<T = f64> {
    /// Fraction of the follicles present in anagen (growth, every stage), 0–1.
    pub anagen: T,
    /// Fraction of the follicles present in catagen (regression), 0–1.
    pub catagen: T,
    /// Fraction of the follicles present in telogen (rest, club hair still held), 0–1.
    pub telogen: T,
    /// Fraction of the follicles present in kenogen (empty after shedding), 0–1.
    pub kenogen: T,
    /// Visible non-vellus (terminal) hairs on the whole scalp.
    pub hair_count: T,
    /// Terminal hairs per cm² of scalp.
    pub hair_density_per_cm2: T,
    /// Hairs shed per day on the whole scalp (telogen → kenogen flux).
    pub shedding_per_day: T,
    /// Mean shaft diameter of the hairs present, µm.
    pub mean_diameter_um: T,
    /// Terminal : vellus ratio.
    pub terminal_vellus_ratio: T,
    /// Scalp DHT relative to the untreated level (1 = untreated).
    pub dht: T,
    /// Micro-inflammation: M1 macrophage activity (dimensionless index, 0 = none).
    pub inflammation: T,
    /// Growth-factor signal (dimensionless; 1 ≈ one standard PRP session just given).
    pub growth_factor: T,
    /// Stimulation / hypoxia signal (dimensionless; 1 ≈ one standard session just given).
    pub stimulation: T,
    /// Follicles still present on the whole scalp (the others dropped out for good).
    pub follicles_present: T,
    /// Fraction of the follicles present whose stem-cell niche is intact, 0–1.
    pub niche_intact: T,
    /// Androgen sensitivity of the scalp (dimensionless; rises as AGA spreads).
    pub androgen_sensitivity: T,
    /// Reparative M2 macrophage activity (dimensionless index).
    pub macrophage_m2: T,
}

/// Number of columns after `arm,time_days`.
pub const N_COLUMNS: usize = 17;

/// Column names, in CSV order, after `arm,time_days`. The columns of earlier
/// versions keep their places; newer ones follow.
pub const COLUMNS: [&str; N_COLUMNS] = [
    "anagen",
    "catagen",
    "telogen",
    "kenogen",
    "hair_count",
    "hair_density_per_cm2",
    "shedding_per_day",
    "mean_diameter_um",
    "terminal_vellus_ratio",
    "dht",
    "inflammation",
    "growth_factor",
    "stimulation",
    "follicles_present",
    "niche_intact",
    "androgen_sensitivity",
    "macrophage_m2",
];

impl<T: Copy> Observables<T> {
    /// The values in the order of [`COLUMNS`].
    pub fn values(&self) -> [T; N_COLUMNS] {
        [
            self.anagen,
            self.catagen,
            self.telogen,
            self.kenogen,
            self.hair_count,
            self.hair_density_per_cm2,
            self.shedding_per_day,
            self.mean_diameter_um,
            self.terminal_vellus_ratio,
            self.dht,
            self.inflammation,
            self.growth_factor,
            self.stimulation,
            self.follicles_present,
            self.niche_intact,
            self.androgen_sensitivity,
            self.macrophage_m2,
        ]
    }

    /// The observables from values in the order of [`COLUMNS`].
    pub fn from_values(v: [T; N_COLUMNS]) -> Self {
        let [anagen, catagen, telogen, kenogen, hair_count, hair_density_per_cm2, shedding_per_day, mean_diameter_um, terminal_vellus_ratio, dht, inflammation, growth_factor, stimulation, follicles_present, niche_intact, androgen_sensitivity, macrophage_m2] =
            v;
        Observables {
            anagen,
            catagen,
            telogen,
            kenogen,
            hair_count,
            hair_density_per_cm2,
            shedding_per_day,
            mean_diameter_um,
            terminal_vellus_ratio,
            dht,
            inflammation,
            growth_factor,
            stimulation,
            follicles_present,
            niche_intact,
            androgen_sensitivity,
            macrophage_m2,
        }
    }
}

/// Output rows of one arm on the scenario's output grid.
///
/// Rows are strictly increasing in time, with no duplicate at segment joins. A row
/// that falls exactly on a dose time shows the state *after* that dose
/// (right-continuous), as documented in docs/SCENARIOS.md.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trajectory {
    /// Output times, days since the scenario start.
    pub times_days: Vec<f64>,
    /// One row of observables per output time.
    pub rows: Vec<Observables>,
}

impl Trajectory {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when there is no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// One observable as a series of (time_days, value).
    pub fn series(&self, f: impl Fn(&Observables) -> f64) -> Vec<(f64, f64)> {
        self.times_days
            .iter()
            .zip(&self.rows)
            .map(|(t, r)| (*t, f(r)))
            .collect()
    }

    /// Hair count in % of the arm's first row (100 = unchanged).
    pub fn hair_count_percent_of_start(&self) -> Vec<(f64, f64)> {
        let start = self.rows.first().map(|r| r.hair_count).unwrap_or(f64::NAN);
        self.series(|r| 100.0 * r.hair_count / start)
    }

    /// Observables at `t_days`, linearly interpolated between output rows.
    ///
    /// Returns `None` outside the simulated span. A scenario's endpoint times are
    /// added to its output times, so endpoints are read off exact rows.
    pub fn at(&self, t_days: f64) -> Option<Observables> {
        let n = self.times_days.len();
        if n == 0 || !t_days.is_finite() {
            return None;
        }
        let first = self.times_days[0];
        let last = self.times_days[n - 1];
        let eps = 1e-9 * (1.0 + last.abs());
        if t_days < first - eps || t_days > last + eps {
            return None;
        }
        let i = self.times_days.partition_point(|&t| t < t_days - eps);
        if i >= n {
            return Some(self.rows[n - 1]);
        }
        if (self.times_days[i] - t_days).abs() <= eps || i == 0 {
            return Some(self.rows[i]);
        }
        let (t0, t1) = (self.times_days[i - 1], self.times_days[i]);
        let w = (t_days - t0) / (t1 - t0);
        let (a, b) = (self.rows[i - 1].values(), self.rows[i].values());
        Some(Observables::from_values(std::array::from_fn(|k| {
            a[k] + w * (b[k] - a[k])
        })))
    }
}
