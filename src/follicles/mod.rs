//! Follicles one by one: the follicle-level stochastic simulator whose mean
//! is the ODE, and what it shows (the scalp map, the close-up patch, the
//! animations). `view` is the contract between the simulator and the
//! renderers: what can be seen of one follicle at one time, and where it sits.
//!
//! The simulator is the continuous-time Markov chain of the ODE's rates: each
//! follicle keeps its identity (its compartment of the cycle and its kind:
//! terminal, primed, miniaturized, niche lost) and leaves its compartment at
//! the rate the arm's ODE solution gives at each moment (`clock`: the
//! cumulative hazard; `chain`: one follicle; `signals`: the arm's solution;
//! `population`: N follicles counted; `frames`: the renderers' API).
//!
//! What it shows: `scalp` (the sites seen from above and the regional
//! androgen field), `grafts` (a transplant placed on the map), `render` (the
//! scalp map and the close-up patch, GIF and contact sheets), `trial` (the
//! patch counts of many patients), `pictures` (all of them for a scenario).

mod chain;
mod clock;
mod frames;
pub mod grafts;
pub mod pictures;
mod population;
pub mod render;
pub mod scalp;
mod signals;
pub mod trial;
pub mod view;

pub use chain::{Durations, Kind};
pub use frames::{follow, frames, Followed};
pub use population::{
    constant_rates, simulate_follicles, ArmFollicles, Counts, Estimate, FollicleResult,
};
pub use signals::{PhaseShares, SIGNAL_STEP_DAYS};
pub use view::{FollicleView, Frame, Phase, Site};

use crate::simulation::SimError;

/// How the follicles are simulated (a scenario's `[follicles]` section).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FollicleSettings {
    /// Follicles per arm (`sim follicles`; the renderers use one per site).
    pub follicles: u32,
    /// Seed of the random streams.
    pub seed: u64,
    /// How phase durations are drawn.
    pub durations: Durations,
}

impl FollicleSettings {
    /// Default number of follicles per arm: a whole scalp.
    pub const DEFAULT_FOLLICLES: u32 = 100_000;
    /// Most follicles per arm a scenario may ask for.
    pub const MAX_FOLLICLES: u32 = 10_000_000;
    /// Default seed.
    pub const DEFAULT_SEED: u64 = 22;
}

impl Default for FollicleSettings {
    fn default() -> Self {
        FollicleSettings {
            follicles: Self::DEFAULT_FOLLICLES,
            seed: Self::DEFAULT_SEED,
            durations: Durations::Markov,
        }
    }
}

/// Why the follicles could not be followed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FollicleError {
    /// The arm's ODE failed.
    #[error(transparent)]
    Simulation(#[from] SimError),
    /// No such arm.
    #[error("arm {0} does not exist (the scenario has {1})")]
    NoArm(usize, usize),
    /// A rate along the ODE solution is not finite and positive.
    #[error("arm `{arm}`: a transition rate along its solution is not finite and positive")]
    BadRates {
        /// The arm's name.
        arm: String,
    },
    /// A site's androgen factor is negative or not finite.
    #[error("a site's androgen factor must be finite and at least 0, not {0}")]
    BadSite(f64),
    /// A frame time that goes back or leaves the scenario.
    #[error("frame time {t_days} days: frames must not go back (last {after}) and stay within the scenario's {horizon} days")]
    FrameTime {
        /// The time asked for.
        t_days: f64,
        /// The last frame's time.
        after: f64,
        /// The scenario's duration.
        horizon: f64,
    },
}
