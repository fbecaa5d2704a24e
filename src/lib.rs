//! hairsim: an illustrative, non-clinical ODE model of the human scalp hair cycle.
//!
//! The pipeline, one module per stage: [`scenario`] (files → validated domain
//! types) → [`schedule`] (dose events) → [`model`] (the ODE) → [`solve`]
//! (integration between stops) → [`simulation`] / [`trajectory`] (results) →
//! [`output`] (CSV, JSON, files) and [`charts`] (SVG, PNG).

pub mod bench;
pub mod charts;
pub mod endpoints;
pub mod escape;
pub mod event;
pub mod export;
pub mod follicles;
pub mod i18n;
pub mod label;
pub mod model;
pub mod model_doc;
pub mod output;
pub mod params;
pub mod population;
pub mod profile;
pub mod report;
pub mod scan;
pub mod scenario;
pub mod schedule;
pub mod sensitivity;
pub mod simulation;
pub mod solve;
pub mod steady_state;
pub mod symbolic;
pub mod timeline;
pub mod trajectory;
pub mod treatment;
pub mod units;
