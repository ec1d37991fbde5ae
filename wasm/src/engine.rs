//! The engine, as the package's JavaScript drives it.

use continuity_core::config::PolicyJson;
use continuity_core::{
    Bundle, Emitted, Engine, Error, Handled, Ignore, Input, InputType, Member, Millis, Name,
    Output, OutputType, Phase, Reason, Role, Service,
};
use wasm_bindgen::prelude::*;

use continuity_wasm_shared::codes::{AS_JSON, NO_SITE};
use continuity_wasm_shared::error::{ErrorCode, from_core, js_error};
use continuity_wasm_shared::to_js;

use crate::config::runtime_bundle;

pub use continuity_wasm_shared::codes::{BAD_NAME, BAD_TIME, NOT_A_SITE, STOPPED};

/// Returned by an input method for an input that was applied.
pub const APPLIED: i32 = Handled::Applied.code() as i32;
/// Returned by an input method for an input ignored as a duplicate.
pub const DUPLICATE: i32 = Handled::Ignored(Ignore::Duplicate).code() as i32;
/// Returned by an input method for an input ignored as naming something unknown.
pub const UNKNOWN: i32 = Handled::Ignored(Ignore::Unknown).code() as i32;
/// Returned by an input method for an input ignored as out of phase.
pub const OUT_OF_PHASE: i32 = Handled::Ignored(Ignore::OutOfPhase).code() as i32;

/// Whether every code of a packed output fits its 4 bits, with kind 15 left for [`AS_JSON`].
const PACKED_CODES_FIT: bool = OutputType::ALL.len() < AS_JSON as usize
    && Member::ALL.len() <= 16
    && Phase::ALL.len() <= 16
    && Role::ALL.len() < 16
    && Reason::ALL.len() < 16;
const _: () = assert!(PACKED_CODES_FIT, "a packed output cannot hold every code");

/// The largest time JavaScript counts exactly: `Number.MAX_SAFE_INTEGER`.
pub const MAX_TIME: f64 = 9_007_199_254_740_991.0;

/// One desktop's engine, with the site names the hot path refers to by index.
///
/// Input methods return what became of the input ([`APPLIED`],
/// [`DUPLICATE`], [`UNKNOWN`], [`OUT_OF_PHASE`]) or a negative code:
/// [`STOPPED`] (refused), [`BAD_TIME`], [`BAD_NAME`]. They never throw for
/// those, so the hot path costs no exception machinery; the package's
/// JavaScript turns the negative codes into `Error`s.
#[wasm_bindgen]
pub struct RawEngine {
    engine: Engine,
    /// Every name that was a site of this engine when first asked for, or
    /// named in an output; append-only, so an index never changes meaning.
    sites: Vec<Name>,
    /// The output [`RawEngine::next_output`] took last, with its time.
    last: Option<Emitted>,
}

#[wasm_bindgen]
impl RawEngine {
    /// Creates an engine from bundle JSON (options inline) and a seed.
    ///
    /// # Errors
    ///
    /// A `ContinuityError` when the bundle cannot be read or does not validate.
    #[wasm_bindgen(constructor)]
    pub fn new(bundle: &str, seed: u64) -> Result<RawEngine, JsValue> {
        let bundle = runtime_bundle(bundle)?;
        let engine = Engine::new(bundle, seed).map_err(|e| from_core("bundle", &e))?;
        Ok(RawEngine {
            engine,
            sites: Vec::with_capacity(4),
            last: None,
        })
    }

    /// The index of a site for the fast-path methods, or [`NOT_A_SITE`]
    /// for a name that is no site of this engine (feed those as JSON: the
    /// engine counts them as unknown).
    #[wasm_bindgen(js_name = siteId)]
    pub fn site_id(&mut self, name: &str) -> u32 {
        if let Some(index) = self.sites.iter().position(|site| &**site == name) {
            return index as u32;
        }
        if !self.engine.knows_site(name) {
            return NOT_A_SITE;
        }
        self.sites.push(name.into());
        (self.sites.len() - 1) as u32
    }

    /// An input by its type's index (`InputType::ALL` order) and its
    /// fields as plain values — `name` the site (or the interaction's id),
    /// `service` and `member` indices, `ok` — for the inputs the fast-path
    /// methods do not take: `start`, `stop`, `resumed`, `switch_requested`,
    /// and any input naming a site by a name that is no site of this engine
    /// (the engine counts those as unknown). Fields the type does not have
    /// are ignored. Returns what became of the input, [`BAD_TIME`], or
    /// [`BAD_NAME`] for an index out of range and for `config_loaded`
    /// (see [`RawEngine::config_loaded`]).
    ///
    /// The package's JavaScript has checked the input's shape by then, so
    /// no input is read from JSON here: the runtime carries no input reader.
    #[wasm_bindgen(js_name = handleNamed)]
    pub fn handle_named(
        &mut self,
        kind: u32,
        name: &str,
        service: u32,
        member: u32,
        ok: bool,
        now: f64,
    ) -> i32 {
        let Some(now) = millis(now) else {
            return BAD_TIME;
        };
        let (Some(kind), Some(&service), Some(&member)) = (
            InputType::from_index(kind as usize),
            Service::ALL.get(service as usize),
            Member::ALL.get(member as usize),
        ) else {
            return BAD_NAME;
        };
        let site = Name::from(name);
        let input = match kind {
            InputType::Start => Input::Start,
            InputType::LinkUp => Input::LinkUp {
                site,
                service,
                member,
            },
            InputType::LinkDown => Input::LinkDown {
                site,
                service,
                member,
            },
            InputType::EndpointRegistered => Input::EndpointRegistered { site },
            InputType::EndpointUnregistered => Input::EndpointUnregistered { site },
            InputType::ProbeResult => Input::ProbeResult { site, ok },
            InputType::InteractionStarted => Input::InteractionStarted { id: site },
            InputType::InteractionEnded => Input::InteractionEnded { id: site },
            InputType::SwitchRequested => Input::SwitchRequested { site },
            InputType::Resumed => Input::Resumed,
            InputType::Stop => Input::Stop,
            InputType::ConfigLoaded => return BAD_NAME,
        };
        self.accept(|engine| engine.handle_input(input, now))
    }

    /// `config_loaded` with the bundle's JSON text.
    ///
    /// # Errors
    ///
    /// A `ContinuityError` with code `invalid-input` when the text is not a
    /// bundle (as the native reader words it for the input's `bundle`).
    #[wasm_bindgen(js_name = configLoaded)]
    pub fn config_loaded(&mut self, bundle: &str, now: f64) -> Result<i32, JsValue> {
        let Some(now) = millis(now) else {
            return Ok(BAD_TIME);
        };
        let bundle = Bundle::from_json(bundle).map_err(|err| input_error(&err))?;
        Ok(self.accept(|engine| {
            engine.handle_input(
                Input::ConfigLoaded {
                    bundle: Box::new(bundle),
                },
                now,
            )
        }))
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

    /// Takes the next output, packed in a number, so the hot path builds no
    /// JSON: 0 when there is none; else bits 0–3 the kind (1 to 13 in the
    /// order of `Output`'s variants, or 15: read it whole with `output`), bits
    /// 4–11 the site (or `from`) index and 12–19 the `to` index (255: null;
    /// names from `siteName`), bits 20–23 the member or phase, bits 24–27
    /// the role or reason (0: null). A time field is read with `outputTime`.
    #[wasm_bindgen(js_name = nextOutput)]
    pub fn next_output(&mut self) -> u32 {
        let Some(emitted) = self.engine.poll_output() else {
            self.last = None;
            return 0;
        };
        let packed = self.pack(&emitted.output);
        self.last = Some(emitted);
        packed
    }

    /// The time field (`at`, `retry_at`) of the output taken last, or -1.
    #[wasm_bindgen(js_name = outputTime)]
    pub fn output_time(&self) -> f64 {
        match self.last.as_ref().map(|e| &e.output) {
            Some(Output::SwitchoverPending { at, .. }) => *at as f64,
            Some(Output::AllSitesDown { retry_at }) => *retry_at as f64,
            _ => -1.0,
        }
    }

    /// The engine time the output taken last was decided at, or -1.
    #[wasm_bindgen(js_name = outputAt)]
    pub fn output_at(&self) -> f64 {
        self.last.as_ref().map_or(-1.0, |e| e.at as f64)
    }

    /// The output taken last, as an object (`null` when there is none).
    pub fn output(&self) -> JsValue {
        to_js(&self.last.as_ref().map(|e| &e.output))
    }

    /// The name of the site with index `index` (empty when there is none).
    #[wasm_bindgen(js_name = siteName)]
    pub fn site_name(&self, index: u32) -> String {
        self.sites
            .get(index as usize)
            .map_or_else(String::new, |name| name.to_string())
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

    /// The status snapshot.
    pub fn status(&self) -> JsValue {
        to_js(&self.engine.status())
    }

    /// The policy in force (as `validate` reports it), or `null` while a
    /// bootstrapping engine has not loaded its configuration.
    pub fn policy(&self) -> JsValue {
        to_js(&self.engine.policy().map(PolicyJson::new))
    }

    /// The warnings of the policy in force.
    pub fn warnings(&self) -> JsValue {
        to_js(&self.engine.warnings())
    }
}

impl RawEngine {
    /// Packs an output as [`RawEngine::next_output`] describes.
    fn pack(&mut self, output: &Output) -> u32 {
        // Every code is a position in a declaration (core's `wire_enum!`s):
        // the kind counts `Output`'s types from 1, a role or reason from 1
        // (0: null), a member or phase from 0.
        let (site, to, small, tag) = match output {
            Output::ConnectConfigServer { site, member } => {
                (self.index(site), NO_SITE, member.index(), 0)
            }
            Output::Connect { site }
            | Output::Disconnect { site }
            | Output::RegisterEndpoint { site }
            | Output::UnregisterEndpoint { site }
            | Output::Probe { site }
            | Output::Recheck { site } => (self.index(site), NO_SITE, 0, 0),
            Output::PhaseChanged { phase, site, role } => {
                let site = site.as_ref().map_or(NO_SITE, |site| self.index(site));
                (
                    site,
                    NO_SITE,
                    phase.index(),
                    role.map_or(0, |r| r.index() + 1),
                )
            }
            Output::SwitchoverPending {
                from, to, reason, ..
            }
            | Output::Switched { from, to, reason } => {
                (self.index(from), self.index(to), 0, reason.index() + 1)
            }
            Output::SwitchoverCancelled { to, reason } => {
                (NO_SITE, self.index(to), 0, reason.index() + 1)
            }
            Output::AllSitesDown { .. } => (NO_SITE, NO_SITE, 0, 0),
            Output::ConfigError { .. } => return AS_JSON,
        };
        if site > NO_SITE || to > NO_SITE {
            return AS_JSON;
        }
        let kind = output.kind().index() + 1;
        // Each code fits its 4 bits (`PACKED_CODES_FIT`).
        kind as u32 | site << 4 | to << 12 | (small as u32) << 20 | (tag as u32) << 24
    }

    /// The index of a site named in an output, added to the table if new;
    /// past what a packed output holds, a value that makes it JSON.
    fn index(&mut self, name: &Name) -> u32 {
        let index = match self.sites.iter().position(|site| site == name) {
            Some(index) => index,
            None => {
                self.sites.push(name.clone());
                self.sites.len() - 1
            }
        };
        match u32::try_from(index) {
            Ok(index) if index < NO_SITE => index,
            _ => u32::MAX,
        }
    }

    /// Runs `feed`; answers what became of the input.
    fn accept(&mut self, feed: impl FnOnce(&mut Engine) -> Handled) -> i32 {
        handled_code(feed(&mut self.engine))
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
                engine.handle_link_up(site, service, member, now)
            } else {
                engine.handle_link_down(site, service, member, now)
            }
        })
    }

    /// Feeds an input about the site with index `site`.
    fn on_site(
        &mut self,
        site: u32,
        now: f64,
        feed: impl FnOnce(&mut Engine, &str, Millis) -> Handled,
    ) -> i32 {
        let Some(now) = millis(now) else {
            return BAD_TIME;
        };
        let Some(name) = self.sites.get(site as usize) else {
            return BAD_NAME;
        };
        handled_code(feed(&mut self.engine, name, now))
    }
}

/// The code of an answer: its position in `Handled::NAMES`, except that a
/// refused input is [`STOPPED`], which the package throws as `stopped`.
fn handled_code(handled: Handled) -> i32 {
    match handled {
        Handled::Refused => STOPPED,
        answered => answered.code() as i32,
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

fn input_error(err: &Error) -> JsValue {
    match err {
        // The text was made by JSON.stringify, so a line and column would
        // point into a string the caller never saw.
        Error::Parse { message, .. } => js_error(
            ErrorCode::InvalidInput,
            &format!("invalid input: {message}"),
        ),
        other => from_core("input", other),
    }
}
