//! The tools module of the `continuity-engine` package: what only tools
//! need, kept out of the runtime module a desktop loads (DESIGN §5). Today
//! that is the fleet simulation (`continuity-fleet`). Built for speed, not
//! size, and loaded only by code that imports `continuity-engine/tools`.
//!
//! The package's JavaScript (`js/tools-api.js`) checks arguments and parses
//! the JSON returned here. Nothing reachable from JavaScript panics: bad
//! input is a thrown `Error` named `ContinuityError` with a `code`.

use continuity_core::{Bundle, Error};
use continuity_fleet::{Fleet, FleetConfig, FleetError, Tally, plan_capacity, svg};
use wasm_bindgen::prelude::*;

/// Desktops simulated between two progress reports.
const SLICE: u32 = 1000;

/// A JavaScript `Error` named `ContinuityError` with `code` and `message`.
fn js_error(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name("ContinuityError");
    let _ = js_sys::Reflect::set(&error, &"code".into(), &code.into());
    error.into()
}

/// The error for a fleet that cannot run; an invalid bundle carries its diagnostics.
fn fleet_error(error: &FleetError) -> JsValue {
    match error {
        FleetError::Invalid { diagnostics } => {
            let value = js_error("invalid-bundle", &error.to_string());
            let json = serde_json::to_string(diagnostics).unwrap_or_else(|_| "[]".to_owned());
            let diagnostics = js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL);
            let _ = js_sys::Reflect::set(&value, &"diagnostics".into(), &diagnostics);
            value
        }
        _ => js_error("invalid-options", &error.to_string()),
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
        Error::Parse { .. } | Error::TooLarge { .. } => {
            js_error("parse", &format!("cannot read the bundle: {error}"))
        }
        _ => js_error("invalid-bundle", &error.to_string()),
    })?;
    let config: FleetConfig = serde_json::from_str(config)
        .map_err(|error| js_error("parse", &format!("cannot read the fleet options: {error}")))?;
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
