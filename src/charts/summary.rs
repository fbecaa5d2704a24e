//! Summary figure: hair count, shedding, endpoints and DHT in one 2 × 2 page
//! under the scenario's name and description, with one shared arm legend.

use super::frame::{self, Area, Drawn, Page};
use super::signals::Signal;
use super::style;
use super::{endpoints, hair_count, shedding, signals};
use crate::i18n::Key;
use crate::simulation::SimulationResult;

/// Canvas size.
pub(super) fn size(_result: &SimulationResult) -> (u32, u32) {
    (1600, 1100)
}

/// The whole figure.
pub(super) fn draw(root: &Area, result: &SimulationResult, page: &Page) -> Drawn {
    let lang = page.lang;
    let body = frame::page(root, &page.title, &result.description, &page.footer)?;
    let names: Vec<&str> = result.arms.iter().map(|a| a.name.as_str()).collect();
    let mut items = frame::arm_legend(&names, false);
    items.push(hair_count::reference_item(lang));
    let body = frame::legend(&body, &items)?;
    let x = super::time_axis_of(result, 12);
    let cells = frame::grid(&body, 2, 2);
    let [hair, shed, ends, dht] = cells.as_slice() else {
        return Ok(());
    };

    let area = frame::panel_title(
        hair,
        lang.get(Key::PanelHairCount),
        style::INK,
        lang.get(Key::PanelHairCountNote),
    )?;
    hair_count::panel(&area, result, &x, true, lang)?;

    let area = frame::panel_title(
        shed,
        lang.get(Key::PanelShedding),
        style::INK,
        lang.get(Key::PanelSheddingNote),
    )?;
    shedding::panel(&area, result, &x, lang)?;

    let area = frame::panel_title(
        ends,
        lang.get(Key::PanelEndpoints),
        style::INK,
        lang.get(Key::PanelEndpointsNote),
    )?;
    endpoints::panel(&area, result, lang)?;

    let dht_signal = Signal::Dht;
    let area = frame::panel_title(
        dht,
        lang.get(dht_signal.title()),
        style::INK,
        lang.get(dht_signal.unit()),
    )?;
    signals::panel(&area, result, &x, dht_signal, lang)?;
    Ok(())
}
