//! The engine, as the package's JavaScript drives it.

use continuity_core::{Engine, Input, Member, Millis, Name, Phase, Service};
use wasm_bindgen::prelude::*;

use crate::config::{bundle_from_json, read_files};
use crate::error::{from_core, js_error};

/// Returned by an input method when the engine is stopped and the input was refused.
pub const STOPPED: i32 = -1;
/// Returned by a method given a time that is not a count of milliseconds.
pub const BAD_TIME: i32 = -2;
/// Returned by a fast-path method given a service or member index out of range.
pub const BAD_NAME: i32 = -3;
/// [`RawEngine::site_id`] of a name that is not a site the engine knows.
pub const NOT_A_SITE: u32 = u32::MAX;
/// The largest time JavaScript counts exactly: `Number.MAX_SAFE_INTEGER`.
pub const MAX_TIME: f64 = 9_007_199_254_740_991.0;

/// One desktop's engine, with the site names the hot path refers to by index.
///
/// Input methods return the number of outputs waiting (zero or more), or a
/// negative code: [`STOPPED`], [`BAD_TIME`], [`BAD_NAME`]. They never throw
/// for those, so the hot path costs no exception machinery; the package's
/// JavaScript turns the codes into `Error`s.
#[wasm_bindgen]
pub struct RawEngine {
    engine: Engine,
    /// Every name that was a site of this engine when first asked for; append-only, so an index never changes meaning.
    sites: Vec<Name>,
    /// The local configuration's site names, known before any policy is.
    local_sites: Vec<String>,
}

#[wasm_bindgen]
impl RawEngine {
    /// Creates an engine from bundle JSON, a seed and (optionally) JSON
    /// `{path: text}` of the option exports the bundle names.
    ///
    /// # Errors
    ///
    /// A `ContinuityError` when the bundle cannot be read or does not validate.
    #[wasm_bindgen(constructor)]
    pub fn new(bundle: &str, seed: u64, files: Option<String>) -> Result<RawEngine, JsValue> {
        let mut bundle = bundle_from_json(bundle)?;
        read_files(&mut bundle, files.as_deref())?;
        let local_sites = bundle.local.sites.iter().map(|s| s.name.clone()).collect();
        let engine = Engine::new(bundle, seed).map_err(|e| from_core("bundle", &e))?;
        Ok(RawEngine {
            engine,
            sites: Vec::with_capacity(4),
            local_sites,
        })
    }

    /// The index of a site for the fast-path methods, or [`NOT_A_SITE`].
    #[wasm_bindgen(js_name = siteId)]
    pub fn site_id(&mut self, name: &str) -> u32 {
        if let Some(index) = self.sites.iter().position(|site| &**site == name) {
            return index as u32;
        }
        let policy = self.engine.policy();
        let known = self.local_sites.iter().any(|site| site == name)
            || policy.is_some_and(|p| {
                &*p.preferred == name || p.peer.as_deref().is_some_and(|peer| peer == name)
            });
        if !known {
            return NOT_A_SITE;
        }
        self.sites.push(name.into());
        (self.sites.len() - 1) as u32
    }

    /// Any input, as JSON text.
    ///
    /// # Errors
    ///
    /// A `ContinuityError` with code `invalid-input` when the text is not an input.
    #[wasm_bindgen(js_name = handleJson)]
    pub fn handle_json(&mut self, input: &str, now: f64) -> Result<i32, JsValue> {
        let Some(now) = millis(now) else {
            return Ok(BAD_TIME);
        };
        let input: Input = serde_json::from_str(input).map_err(|err| input_error(&err))?;
        Ok(self.accept(|engine| engine.handle_input(input, now)))
    }

    /// `link_up` by site index, service index (`Service::ALL` order) and member index.
    #[wasm_bindgen(js_name = linkUp)]
    pub fn link_up(&mut self, site: u32, service: u32, member: u32, now: f64) -> i32 {
        self.link(site, service, member, now, true)
    }

    /// `link_down` by site index, service index and member index.
    #[wasm_bindgen(js_name = linkDown)]
    pub fn link_down(&mut self, site: u32, service: u32, member: u32, now: f64) -> i32 {
        self.link(site, service, member, now, false)
    }

    /// `endpoint_registered` by site index.
    #[wasm_bindgen(js_name = endpointRegistered)]
    pub fn endpoint_registered(&mut self, site: u32, now: f64) -> i32 {
        self.on_site(site, now, |engine, site, now| {
            engine.handle_endpoint_registered(site, now)
        })
    }

    /// `endpoint_unregistered` by site index.
    #[wasm_bindgen(js_name = endpointUnregistered)]
    pub fn endpoint_unregistered(&mut self, site: u32, now: f64) -> i32 {
        self.on_site(site, now, |engine, site, now| {
            engine.handle_endpoint_unregistered(site, now)
        })
    }

    /// `probe_result` by site index.
    #[wasm_bindgen(js_name = probeResult)]
    pub fn probe_result(&mut self, site: u32, ok: bool, now: f64) -> i32 {
        self.on_site(site, now, |engine, site, now| {
            engine.handle_probe_result(site, ok, now)
        })
    }

    /// `interaction_started`.
    #[wasm_bindgen(js_name = interactionStarted)]
    pub fn interaction_started(&mut self, id: &str, now: f64) -> i32 {
        let Some(now) = millis(now) else {
            return BAD_TIME;
        };
        self.accept(|engine| engine.handle_interaction_started(id.into(), now))
    }

    /// `interaction_ended`.
    #[wasm_bindgen(js_name = interactionEnded)]
    pub fn interaction_ended(&mut self, id: &str, now: f64) -> i32 {
        let Some(now) = millis(now) else {
            return BAD_TIME;
        };
        self.accept(|engine| engine.handle_interaction_ended(id, now))
    }

    /// Handles every deadline due at `now`; returns the outputs waiting or [`BAD_TIME`].
    #[wasm_bindgen(js_name = handleTimeout)]
    pub fn handle_timeout(&mut self, now: f64) -> i32 {
        let Some(now) = millis(now) else {
            return BAD_TIME;
        };
        self.engine.handle_timeout(now);
        self.pending()
    }

    /// How many outputs are waiting.
    pub fn pending(&self) -> i32 {
        i32::try_from(self.engine.pending_outputs()).unwrap_or(i32::MAX)
    }

    /// Takes every waiting output, as a JSON array.
    #[wasm_bindgen(js_name = takeOutputs)]
    pub fn take_outputs(&mut self) -> String {
        let mut outputs = Vec::with_capacity(self.engine.pending_outputs());
        while let Some(output) = self.engine.poll_output() {
            outputs.push(output);
        }
        serde_json::to_string(&outputs).unwrap_or_else(|_| "[]".to_owned())
    }

    /// When `handleTimeout` must next be called, or -1 for never.
    #[wasm_bindgen(js_name = pollTimeout)]
    pub fn poll_timeout(&self) -> f64 {
        self.engine.poll_timeout().map_or(-1.0, |at| at as f64)
    }

    /// The latest time the engine has seen.
    pub fn now(&self) -> f64 {
        self.engine.now() as f64
    }

    /// Whether the engine is stopped (every later input is refused).
    pub fn stopped(&self) -> bool {
        self.engine.phase() == Phase::Stopped
    }

    /// The status snapshot, as JSON.
    #[wasm_bindgen(js_name = statusJson)]
    pub fn status_json(&self) -> String {
        serde_json::to_string(&self.engine.status()).unwrap_or_else(|_| "null".to_owned())
    }

    /// The warnings of the policy in force, as JSON.
    #[wasm_bindgen(js_name = warningsJson)]
    pub fn warnings_json(&self) -> String {
        serde_json::to_string(self.engine.warnings()).unwrap_or_else(|_| "[]".to_owned())
    }
}

impl RawEngine {
    /// Runs `feed` unless the engine is stopped; returns the outputs waiting or [`STOPPED`].
    fn accept(&mut self, feed: impl FnOnce(&mut Engine)) -> i32 {
        if self.engine.phase() == Phase::Stopped {
            return STOPPED;
        }
        feed(&mut self.engine);
        self.pending()
    }

    fn link(&mut self, site: u32, service: u32, member: u32, now: f64, up: bool) -> i32 {
        let (Some(&service), Some(&member)) = (
            Service::ALL.get(service as usize),
            Member::ALL.get(member as usize),
        ) else {
            return BAD_NAME;
        };
        self.on_site(site, now, |engine, site, now| {
            if up {
                engine.handle_link_up(site, service, member, now);
            } else {
                engine.handle_link_down(site, service, member, now);
            }
        })
    }

    /// Feeds an input about the site with index `site`.
    fn on_site(
        &mut self,
        site: u32,
        now: f64,
        feed: impl FnOnce(&mut Engine, &str, Millis),
    ) -> i32 {
        let Some(now) = millis(now) else {
            return BAD_TIME;
        };
        let Some(name) = self.sites.get(site as usize) else {
            return BAD_NAME;
        };
        if self.engine.phase() == Phase::Stopped {
            return STOPPED;
        }
        feed(&mut self.engine, name, now);
        self.pending()
    }
}

/// A JavaScript time in milliseconds as engine time: finite, not negative, at
/// most `Number.MAX_SAFE_INTEGER`; a fraction is dropped.
pub fn millis(now: f64) -> Option<Millis> {
    if now.is_finite() && (0.0..=MAX_TIME).contains(&now) {
        Some(now.floor() as Millis)
    } else {
        None
    }
}

fn input_error(err: &serde_json::Error) -> JsValue {
    let mut message = err.to_string();
    // The text was made by JSON.stringify, so a line and column would point
    // into a string the caller never saw.
    if let Some(at) = message.rfind(" at line ") {
        message.truncate(at);
    }
    let message = message.replace("unknown variant", "unknown input type");
    js_error("invalid-input", &format!("invalid input: {message}"))
}
