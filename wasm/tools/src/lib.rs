//! The tools module of the `continuity-engine` package: what only tools
//! need, kept out of the runtime module a desktop loads (DESIGN §5) — the
//! scenario runner ([`scenario`]), option exports ([`config`]: `.cfg`
//! parsing and resolving a bundle's `options_file`s) and the fleet
//! simulation (`continuity-fleet`). Built for speed, not size, and loaded
//! only by code that imports `continuity-engine/tools`.
//!
//! The package's JavaScript (`js/tools-api.js`) checks arguments and parses
//! the JSON returned here. Nothing reachable from JavaScript panics: bad
//! input is a thrown `Error` named `ContinuityError` with a `code`, worded
//! as the runtime words it (`continuity-wasm-shared`).

pub mod config;
pub mod scenario;

use continuity_core::{Bundle, Error};
use continuity_fleet::{Fleet, FleetConfig, FleetError, Tally, plan_capacity, svg};
use continuity_wasm_shared::error::{ErrorCode, js_error};
use continuity_wasm_shared::to_js;
use wasm_bindgen::prelude::*;

/// Desktops simulated between two progress reports.
const SLICE: u32 = 1000;

/// The error for a fleet that cannot run; an invalid bundle carries its diagnostics.
fn fleet_error(error: &FleetError) -> JsValue {
    match error {
        FleetError::Invalid { diagnostics } => {
            let value = js_error(ErrorCode::InvalidBundle, &error.to_string());
            let _ = js_sys::Reflect::set(&value, &"diagnostics".into(), &to_js(diagnostics));
            value
        }
        _ => js_error(ErrorCode::InvalidOptions, &error.to_string()),
    }
}

/// Runs a fleet and returns `{"report": …, "svg": "…"}` as JSON text.
///
/// `bundle` is the bundle's JSON, `config` a [`FleetConfig`] as JSON (every
/// field optional), `capacity` the registrar capacity (REGISTERs per second)
/// to plan for, if any. `on_progress(what, done, total)` is called after
/// every slice of desktops of every run, with what the run is for (`fleet`
/// for the run asked for; `failover-spread N s`, `restore-spread N s` and
/// `both spreads` for the capacity plan's), desktops done and desktops in
/// the run; what it returns or throws is ignored.
///
/// # Errors
///
/// `parse` for text that is not a bundle or a fleet configuration,
/// `invalid-bundle` (with `diagnostics`) for a bundle that does not
/// validate, `invalid-options` for a run out of range or a bundle that
/// cannot make a fleet.
#[wasm_bindgen(js_name = runFleet)]
pub fn run_fleet(
    bundle: &str,
    config: &str,
    capacity: Option<u32>,
    on_progress: Option<js_sys::Function>,
) -> Result<String, JsValue> {
    let bundle = Bundle::from_json(bundle).map_err(|error| match error {
        Error::Parse { .. } | Error::TooLarge { .. } => js_error(
            ErrorCode::Parse,
            &format!("cannot read the bundle: {error}"),
        ),
        _ => js_error(ErrorCode::InvalidBundle, &error.to_string()),
    })?;
    let config: FleetConfig = serde_json::from_str(config).map_err(|error| {
        js_error(
            ErrorCode::Parse,
            &format!("cannot read the fleet options: {error}"),
        )
    })?;
    let fleet = Fleet::new(bundle, config).map_err(|e| fleet_error(&e))?;
    let mut run = |fleet: &Fleet, what: &str| {
        let total = fleet.config().desktops;
        let mut tally = Tally::default();
        let mut done = 0;
        while done < total {
            let end = done.saturating_add(SLICE).min(total);
            tally.merge(fleet.run(done..end));
            done = end;
            if let Some(callback) = &on_progress {
                let _ = callback.call3(&JsValue::NULL, &what.into(), &done.into(), &total.into());
            }
        }
        tally
    };
    let tally = run(&fleet, "fleet");
    let mut report = fleet.report(tally);
    if let Some(capacity) = capacity {
        plan_capacity(&fleet, &mut report, capacity, &mut run).map_err(|e| fleet_error(&e))?;
    }
    // The report's JSON exactly as `continuity fleet --json` prints it
    // (fields in declaration order), beside the chart.
    let chart = serde_json::to_string(&svg(&report)).unwrap_or_default();
    Ok(format!(
        "{{\"report\":{},\"svg\":{chart}}}",
        report.to_json()
    ))
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests;
