//! Summary figure: hair count, shedding, endpoints and DHT in one 2 × 2 page
//! under the scenario's name and description, with one shared arm legend.

use super::frame::{self, Area, Drawn};
use super::signals::Signal;
use super::style;
use super::{endpoints, hair_count, shedding, signals};
use crate::simulation::SimulationResult;

/// Canvas size.
pub(super) fn size(_result: &SimulationResult) -> (u32, u32) {
    (1600, 1100)
}

/// The whole figure.
pub(super) fn draw(root: &Area, result: &SimulationResult, title: &str) -> Drawn {
    let body = frame::page(
        root,
        title,
        &result.description,
        &crate::label::footer(&result.scenario),
    )?;
    let names: Vec<&str> = result.arms.iter().map(|a| a.name.as_str()).collect();
    let mut items = frame::arm_legend(&names, false);
    items.push(hair_count::reference_item());
    let body = frame::legend(&body, &items)?;
    let x = super::time_axis_of(result, 12);
    let cells = frame::grid(&body, 2, 2);
    let [hair, shed, ends, dht] = cells.as_slice() else {
        return Ok(());
    };

    let area = frame::panel_title(hair, "Hair count", style::INK, "% of each arm's own start")?;
    hair_count::panel(&area, result, &x, true)?;

    let area = frame::panel_title(
        shed,
        "Shedding",
        style::INK,
        "hairs shed per day, whole scalp",
    )?;
    shedding::panel(&area, result, &x)?;

    let area = frame::panel_title(
        ends,
        "Hair count change at endpoints",
        style::INK,
        "% change from each arm's start",
    )?;
    endpoints::panel(&area, result)?;

    let area = frame::panel_title(dht, Signal::Dht.title(), style::INK, Signal::Dht.unit())?;
    signals::panel(&area, result, &x, Signal::Dht)?;
    Ok(())
}
