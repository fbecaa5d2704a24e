//! Export one arm of a scenario for other tools: SBML Level 3 Version 2
//! ([`sbml`]) and a self-contained Python module for scipy ([`python`]).
//!
//! Both writers print an [`ArmModel`], which is *traced* from the same generic
//! code the simulator runs (see [`crate::symbolic`]): the right-hand side,
//! the observables and the session jumps are recorded as expressions, the
//! stops of [`crate::timeline`] become events. Nothing about the equations is
//! written twice, so an export cannot disagree with `sim run`.
//!
//! What is numeric rather than symbolic: the initial state (the patient's
//! untreated steady state, computed by hairsim, with the day-0 doses applied)
//! and the treatment inputs of each segment (dose × adherence ÷ interval).
//! Change a parameter in the exported model and the start is no longer an
//! equilibrium; the notes of each export say so.

pub mod python;
pub mod sbml;

use crate::model::{ix, symbolic_state, HairModel, Inputs, Pk, State, N_STATES, STATE_NAMES};
use crate::params::{Parameters, PARAMETERS};
use crate::scenario::{Arm, Scenario};
use crate::simulation::output_times;
use crate::solve::AsArray;
use crate::steady_state::steady_state;
use crate::symbolic::{trace, Graph, Node, Scalar, Sym};
use crate::timeline::timeline;
use crate::trajectory::COLUMNS;

/// Why an arm cannot be found: see [`Scenario::arm`].
pub use crate::scenario::ArmError as ExportError;

/// The arm called `name`, or the only arm when `name` is `None`: see [`Scenario::arm`].
pub fn find_arm<'a>(sc: &'a Scenario, name: Option<&str>) -> Result<&'a Arm, ExportError> {
    sc.arm(name)
}

/// A state as exported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StateDef {
    /// Index in [`State`].
    pub index: usize,
    /// Identifier (from [`STATE_NAMES`]).
    pub id: &'static str,
    /// Unit, as described in [`STATE_NAMES`].
    pub unit: &'static str,
    /// Initial value (after the day-0 doses).
    pub initial: f64,
    /// dy/dt.
    pub rate: Sym,
}

/// A stop after day 0 where something happens.
#[derive(Debug, Clone, PartialEq)]
pub struct EventDef {
    /// Time, days.
    pub t_days: f64,
    /// State jumps of the sessions given here: (state index, new value as an
    /// expression of the values just before).
    pub jumps: Vec<(usize, Sym)>,
    /// The inputs from here on, when they change here.
    pub inputs: Option<Inputs>,
    /// What happens, in words ("prp session; inputs change").
    pub label: String,
}

/// One arm, traced: everything an exporter prints.
#[derive(Debug, Clone)]
pub struct ArmModel {
    /// Scenario name.
    pub scenario: String,
    /// Scenario description.
    pub description: String,
    /// Arm name.
    pub arm: String,
    /// Treatments of the arm, as labels ("finasteride 1 mg daily").
    pub treatments: Vec<String>,
    /// Pharmacokinetic variant.
    pub pk: Pk,
    /// The expressions.
    pub graph: Graph,
    /// The patient's parameter values.
    pub params: Parameters,
    /// Exported states, in [`State`] order (the explicit-PK states only with
    /// `pk = "explicit"`).
    pub states: Vec<StateDef>,
    /// Named intermediate quantities, in evaluation order.
    pub intermediates: Vec<(&'static str, Sym)>,
    /// Output columns that are not states, with their expressions.
    pub outputs: Vec<(&'static str, Sym)>,
    /// Inputs in force from day 0 (after the day-0 doses).
    pub initial_inputs: Inputs,
    /// Events after day 0, in time order.
    pub events: Vec<EventDef>,
    /// Simulated span, days.
    pub duration_days: f64,
    /// The scenario's output times, days (the rows of `sim run`'s CSV).
    pub output_times: Vec<f64>,
}

impl ArmModel {
    /// Trace `arm` of `sc`.
    pub fn new(sc: &Scenario, arm: &Arm) -> ArmModel {
        let patient = &arm.patient;
        let stops = timeline(arm, sc.duration_days);
        let (first, later) = match stops.split_first() {
            Some((first, later)) => (Some(first), later),
            None => (None, &[][..]),
        };

        // Day 0: the session loop the simulation runs, with numbers.
        let mut y0: State = steady_state(&patient.params, patient.terminal_fraction_start);
        let mut initial_inputs = Inputs::default();
        if let Some(first) = first {
            first.apply_sessions(arm, &patient.params, y0.as_array_mut());
            initial_inputs = first.inputs.unwrap_or_default();
        }

        let (graph, (rates, outputs, events)) = trace(|| {
            let model = HairModel::symbolic(arm.pk);
            let y = symbolic_state();
            let mut dy = [Sym::lit(0.0); N_STATES];
            model.derivatives_of(&y, &mut dy);
            let obs = model.observe_of(&y);
            let outputs: Vec<(&'static str, Sym)> = COLUMNS
                .iter()
                .zip(obs.values())
                .filter(|(c, s)| !is_state_named(c, *s))
                .map(|(c, s)| (*c, s))
                .collect();
            let params = Parameters::symbolic();
            let events: Vec<EventDef> = later
                .iter()
                .filter(|stop| !stop.sessions.is_empty() || stop.inputs.is_some())
                .map(|stop| {
                    // The same session loop, with symbols.
                    let mut after = y;
                    stop.apply_sessions(arm, &params, &mut after);
                    let jumps = (0..N_STATES)
                        .filter(|&i| after[i] != y[i])
                        .map(|i| (i, after[i]))
                        .collect();
                    let mut what: Vec<String> = stop
                        .sessions
                        .iter()
                        .map(|&k| format!("{} session", arm.treatments[k].kind.name()))
                        .collect();
                    if stop.inputs.is_some() {
                        what.push("treatment inputs change".into());
                    }
                    EventDef {
                        t_days: stop.t_days,
                        jumps,
                        inputs: stop.inputs,
                        label: what.join("; "),
                    }
                })
                .collect();
            (dy, outputs, events)
        });

        let states: Vec<StateDef> = (0..N_STATES)
            .filter(|i| arm.pk == Pk::Explicit || !ix::EXPLICIT_PK_ONLY.contains(i))
            .map(|i| StateDef {
                index: i,
                id: STATE_NAMES[i].0,
                unit: STATE_NAMES[i].1,
                initial: y0[i],
                rate: rates[i],
            })
            .collect();
        let mut roots: Vec<Sym> = states.iter().map(|s| s.rate).collect();
        roots.extend(outputs.iter().map(|(_, s)| *s));
        let intermediates = graph
            .reachable(&roots)
            .into_iter()
            .filter_map(|s| match graph.node(s) {
                Node::Named(name, _) => Some((name, s)),
                _ => None,
            })
            .collect();

        ArmModel {
            scenario: sc.name.clone(),
            description: sc.description.clone(),
            arm: arm.name.clone(),
            treatments: arm.treatments.iter().map(|t| t.label()).collect(),
            pk: arm.pk,
            graph,
            params: patient.params,
            states,
            intermediates,
            outputs,
            initial_inputs,
            events,
            duration_days: sc.duration_days,
            output_times: output_times(sc),
        }
    }

    /// The identifier of `s` when it is a leaf or a named intermediate.
    pub fn name_of(&self, s: Sym) -> Option<&'static str> {
        match self.graph.node(s) {
            Node::Param(p) | Node::Input(p) | Node::Named(p, _) => Some(p),
            Node::State(i) => Some(STATE_NAMES[i].0),
            _ => None,
        }
    }

    /// The model's parameters with their values and documentation.
    pub fn parameters(
        &self,
    ) -> impl Iterator<Item = (&'static crate::params::ParamInfo, f64)> + '_ {
        PARAMETERS.iter().map(|info| {
            let value = self.params.get(info.name).unwrap_or(info.default);
            (info, value)
        })
    }

    /// A file-name and identifier friendly name: `hairsim_<scenario>_<arm>`.
    pub fn id(&self) -> String {
        let slug = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect::<String>()
                .split('_')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("_")
        };
        format!("hairsim_{}_{}", slug(&self.scenario), slug(&self.arm))
    }
}

/// Whether `s` is a bare state leaf (in the graph being traced).
/// Whether `s` is the state called `column` (that column is then the state
/// itself; a column that reads a state of another name, like `inflammation`
/// reading `macrophage_m1`, is exported as its own output).
fn is_state_named(column: &str, s: Sym) -> bool {
    (0..N_STATES).any(|i| Sym::state(i) == s && STATE_NAMES[i].0 == column)
}

/// Every identifier an export defines, so the tests can prove they are unique.
pub fn identifiers(m: &ArmModel) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = PARAMETERS.iter().map(|p| p.name).collect();
    ids.extend(m.states.iter().map(|s| s.id));
    ids.extend(crate::model::INPUT_NAMES);
    ids.extend(m.intermediates.iter().map(|(n, _)| *n));
    ids.extend(m.outputs.iter().map(|(n, _)| *n));
    ids
}

/// Shortest text that reads back as exactly `v` (Rust's `{:?}` for f64:
/// `0.5`, `1e-7`, `100000.0`), valid as a Python float literal.
pub fn float_literal(v: f64) -> String {
    format!("{v:?}")
}

#[cfg(test)]
mod tests;
