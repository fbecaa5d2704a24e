//! Follicles one by one: the follicle-level stochastic simulator whose mean
//! is the ODE, and what it shows (the scalp map, the close-up patch, the
//! animations). `view` is the contract between the simulator and the
//! renderers: what can be seen of one follicle at one time, and where it sits.

pub mod grafts;
pub mod render;
pub mod scalp;
pub mod trial;
pub mod view;

pub use view::{FollicleView, Frame, Phase, Site};
