//! What the renderers see of the follicle-level simulation: one follicle's
//! visible state at one time ([`FollicleView`]), every follicle of an arm at
//! one time ([`Frame`]), and where a follicle sits on the scalp with how its
//! region scales the scalp's androgen sensitivity ([`Site`]).

/// The phase a follicle is in (the anagen stages and the held stage are one
/// phase to the eye).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Growing a shaft.
    Anagen,
    /// Regressing; the shaft stops growing.
    Catagen,
    /// Resting; the club hair is still in place until it is shed.
    Telogen,
    /// Empty: the shaft has been shed and no new one has started.
    Kenogen,
}

/// What can be seen of one follicle at one time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FollicleView {
    /// Its phase.
    pub phase: Phase,
    /// Terminal (thick, long) rather than miniaturized (fine, short).
    pub terminal: bool,
    /// False once the follicle is lost for good: the skin stays empty there.
    pub present: bool,
    /// A transplanted follicle.
    pub graft: bool,
    /// Length of its visible shaft, mm: grows through anagen, kept through
    /// catagen and telogen, 0 once shed (kenogen) or lost.
    pub shaft_mm: f32,
}

/// Every follicle of one arm at one time, in the order of the sites: each
/// seen as a [`FollicleView`], or as less when a renderer keeps only what
/// it draws (the scalp map keeps one byte per follicle).
#[derive(Debug, Clone, PartialEq)]
pub struct Frame<V = FollicleView> {
    /// Time since the scenario's start, days.
    pub t_days: f64,
    /// The arm's name as written in the scenario (untrusted text: escape it
    /// for whatever output it reaches).
    pub arm: String,
    /// One view per follicle.
    pub follicles: Vec<V>,
}

/// Where a follicle sits on the top view of the scalp, and how its region
/// scales the scalp's androgen sensitivity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Site {
    /// Position, cm from the scalp's centre: towards the right ear.
    pub x_cm: f32,
    /// Position, cm from the scalp's centre: towards the forehead.
    pub y_cm: f32,
    /// Multiplies the scalp's androgen sensitivity (1 = the ODE's follicle).
    pub androgen_factor: f64,
    /// In the donor region (the back and sides), where a transplant's grafts
    /// are taken from.
    pub donor: bool,
}
