//! The engine handle and the functions that drive it.

use std::ffi::c_char;

use continuity_core::{Emitted, Engine, Handled, Input, trace};

use crate::boundary::{self, Out, check_time, entry, read_str, to_c_string};
use crate::code::ContinuityCode;
use crate::config::{bundle_failure, json_failure, parse_bundle};
use crate::error::Failure;

/// What `continuity_engine_poll_timeout` writes when there is no deadline:
/// `UINT64_MAX`, "never". A host that sleeps until the deadline then simply
/// waits for the next event.
pub const CONTINUITY_NO_DEADLINE: u64 = 0xFFFF_FFFF_FFFF_FFFF;

/// What became of an input, as `continuity_engine_handle` writes it to
/// `*out_handled`.
///
/// Ignored inputs changed nothing and emitted nothing (the engine counts
/// them in its status); they are not errors.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContinuityHandled {
    /// The input changed what the engine knows.
    Applied = 0,
    /// Ignored: it repeated what the engine already knew.
    Duplicate = 1,
    /// Ignored: it names a site or interaction the engine does not know.
    Unknown = 2,
    /// Ignored: it does not apply in the current phase or to the current site.
    OutOfPhase = 3,
    /// Refused: the engine is stopped (the call returns `CONTINUITY_CODE_STOPPED`).
    Refused = 4,
}

crate::code::c_enum!(ContinuityHandled [Applied, Duplicate, Unknown, OutOfPhase, Refused]);

// Declared in the order of core's `Handled::NAMES`, so a code is its position
// there (the names are compared in `code::tests`).
const _: () = assert!(ContinuityHandled::ALL.len() == Handled::ALL.len());

impl From<Handled> for ContinuityHandled {
    fn from(handled: Handled) -> ContinuityHandled {
        ContinuityHandled::ALL[handled.code()]
    }
}

/// One desktop's failover engine, behind an opaque pointer.
///
/// Create it with `continuity_engine_new`, free it with
/// `continuity_engine_free`. It is not thread-safe: call it from one thread
/// at a time (any thread, one after the other, is fine).
pub struct ContinuityEngine {
    engine: Engine,
    /// Set while a call changes the engine, and left set when that change
    /// panicked: the engine may be half-changed then, so every later call
    /// refuses it with `CONTINUITY_CODE_INTERNAL`.
    poisoned: bool,
}

impl ContinuityEngine {
    /// The engine, to read.
    fn read(&self) -> Result<&Engine, Failure> {
        self.check_usable()?;
        Ok(&self.engine)
    }

    /// Runs `change` on the engine, poisoning it if `change` panics.
    fn change<T>(&mut self, change: impl FnOnce(&mut Engine) -> T) -> Result<T, Failure> {
        self.check_usable()?;
        self.poisoned = true;
        let result = change(&mut self.engine);
        self.poisoned = false;
        Ok(result)
    }

    fn check_usable(&self) -> Result<(), Failure> {
        if !self.poisoned {
            return Ok(());
        }
        Err(Failure::new(
            ContinuityCode::Internal,
            "the engine is unusable: an earlier call on it failed with an internal error \
             (CONTINUITY_CODE_INTERNAL, a bug in Continuity); free it with \
             continuity_engine_free and create a new one",
        ))
    }
}

/// Creates an engine for one desktop from a bundle (JSON) and a seed. The
/// engine is idle until it handles a `{"type":"start"}` input.
///
/// A bundle holding only its `local` section makes the engine bootstrap
/// through the Configuration Server Proxies; a full bundle is validated now.
/// Options must be inline: resolve `options_file`s first with
/// `continuity_resolve_option_files`. The same bundle, seed and timed inputs
/// always give the same outputs.
///
/// Returns `CONTINUITY_CODE_OK` and writes the new engine to `*out_engine`;
/// `CONTINUITY_CODE_INVALID_JSON` for malformed JSON,
/// `CONTINUITY_CODE_INVALID_BUNDLE` for a bundle of the wrong shape or one
/// that does not validate (the last error lists every diagnostic with its
/// code; `continuity_validate` gives them as JSON).
///
/// Ownership: `bundle_json` stays the caller's. The engine belongs to the
/// caller, who frees it with `continuity_engine_free`. On failure
/// `*out_engine` is set to NULL.
///
/// # Safety
///
/// `bundle_json` is NULL or a NUL-terminated string; `out_engine` is NULL or
/// points to a writable `ContinuityEngine *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn continuity_engine_new(
    bundle_json: *const c_char,
    seed: u64,
    out_engine: *mut *mut ContinuityEngine,
) -> ContinuityCode {
    entry("continuity_engine_new", || {
        // SAFETY: the caller's contract for `out_engine`.
        unsafe { boundary::clear(out_engine) };
        // SAFETY: the caller's contract for `bundle_json`.
        let text = unsafe { read_str(bundle_json, "bundle_json") }?;
        // SAFETY: the caller's contract for `out_engine`.
        let mut out = unsafe { Out::new(out_engine, "out_engine") }?;
        let bundle = parse_bundle(text, "bundle_json")?;
        let unresolved = bundle.has_option_files();
        let engine = Engine::new(bundle, seed)
            .map_err(|err| bundle_failure(&err, "bundle_json", unresolved))?;
        out.write(Box::into_raw(Box::new(ContinuityEngine {
            engine,
            poisoned: false,
        })));
        Ok(ContinuityCode::Ok)
    })
}

/// Frees an engine made by `continuity_engine_new`. NULL is a no-op.
///
/// Ownership: takes the engine back; the pointer must not be used afterwards,
/// and strings the engine returned stay valid (they are the caller's).
///
/// # Safety
///
/// `engine` is NULL or an engine from `continuity_engine_new` that was not
/// freed yet and is not in use on another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn continuity_engine_free(engine: *mut ContinuityEngine) {
    boundary::catch((), || {
        if !engine.is_null() {
            // SAFETY: by the contract above, `engine` came from Box::into_raw
            // in continuity_engine_new and is freed once.
            drop(unsafe { Box::from_raw(engine) });
        }
    });
}

/// Hands the engine one input, a JSON object tagged by `type`, at `now_ms`.
///
/// The inputs: `start`, `config_loaded {bundle}`,
/// `link_up {site, service, member}`, `link_down {site, service, member}`,
/// `endpoint_registered {site}`, `endpoint_unregistered {site}`,
/// `probe_result {site, ok}`, `interaction_started {id}`,
/// `interaction_ended {id}`, `switch_requested {site}`, `resumed`, `stop`.
/// For example
/// `{"type":"link_down","site":"SiteA","service":"sip-server","member":"primary"}`.
///
/// `now_ms` is the time in milliseconds on the host's monotonic clock, at
/// most `CONTINUITY_MAX_TIME_MS`; a time before one the engine has seen
/// counts as that time. Deadlines already due by `now_ms` are handled
/// first, each at its own time: the host need not call
/// `continuity_engine_handle_timeout` before an input. Inputs that make no
/// sense in the current state are not errors: the engine ignores them,
/// counts them in its status, and says so in `*out_handled`.
///
/// After the call, drain `continuity_engine_poll_output`, then ask
/// `continuity_engine_poll_timeout` again.
///
/// Returns `CONTINUITY_CODE_OK` for an input applied or ignored;
/// `CONTINUITY_CODE_INVALID_JSON`, `CONTINUITY_CODE_INVALID_INPUT` (with line
/// and column) or `CONTINUITY_CODE_BAD_TIME` for bad arguments, which leave
/// the engine exactly as it was; `CONTINUITY_CODE_STOPPED` after the engine
/// handled `stop` (the input is refused).
///
/// Ownership: `input_json` stays the caller's. `out_handled` may be NULL
/// when the caller does not want to know; otherwise the engine writes what
/// became of the input (`CONTINUITY_HANDLED_REFUSED` with
/// `CONTINUITY_CODE_STOPPED`; on any other failure it is left as it was).
///
/// # Safety
///
/// `engine` is NULL or a live engine used by no other thread during the
/// call; `input_json` is NULL or a NUL-terminated string; `out_handled` is
/// NULL or points to a writable `ContinuityHandled`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn continuity_engine_handle(
    engine: *mut ContinuityEngine,
    input_json: *const c_char,
    now_ms: u64,
    out_handled: *mut ContinuityHandled,
) -> ContinuityCode {
    entry("continuity_engine_handle", || {
        // SAFETY: the caller's contract for `engine`.
        let handle = unsafe { engine_mut(engine) }?;
        // SAFETY: the caller's contract for `input_json`.
        let text = unsafe { read_str(input_json, "input_json") }?;
        let now = check_time(now_ms, "now_ms")?;
        let input = Input::from_json(text).map_err(|err| input_failure(&err, text))?;
        let type_name = input.type_name();
        let handled = handle.change(|engine| engine.handle_input(input, now))?;
        // SAFETY: the caller's contract for `out_handled` (NULL: not wanted).
        if let Ok(mut out) = unsafe { Out::new(out_handled, "out_handled") } {
            out.write(handled.into());
        }
        if handled == Handled::Refused {
            return Err(Failure::new(
                ContinuityCode::Stopped,
                format!(
                    "the engine is stopped, so `{type_name}` was refused: `stop` is final; free \
                     the engine and create a new one to start again"
                ),
            ));
        }
        Ok(ContinuityCode::Ok)
    })
}

/// Tells the engine that time `now_ms` has come: it handles every deadline
/// due by then. Call it when the deadline from
/// `continuity_engine_poll_timeout` is reached (or later: a call with nothing
/// due changes nothing), then drain `continuity_engine_poll_output`.
///
/// Returns `CONTINUITY_CODE_OK`, or `CONTINUITY_CODE_BAD_TIME` past
/// `CONTINUITY_MAX_TIME_MS`. A stopped engine has no deadlines: the call is
/// accepted and does nothing.
///
/// # Safety
///
/// `engine` is NULL or a live engine used by no other thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn continuity_engine_handle_timeout(
    engine: *mut ContinuityEngine,
    now_ms: u64,
) -> ContinuityCode {
    entry("continuity_engine_handle_timeout", || {
        // SAFETY: the caller's contract for `engine`.
        let handle = unsafe { engine_mut(engine) }?;
        let now = check_time(now_ms, "now_ms")?;
        handle.change(|engine| engine.handle_timeout(now))?;
        Ok(ContinuityCode::Ok)
    })
}

/// When `continuity_engine_handle_timeout` must next be called.
///
/// Returns `CONTINUITY_CODE_OK` and writes the deadline (milliseconds, on the
/// clock of `now_ms`) to `*out_deadline_ms`, or `CONTINUITY_CODE_NONE` when
/// there is no deadline and writes `CONTINUITY_NO_DEADLINE` (`UINT64_MAX`).
/// While outputs wait to be polled the deadline is the engine's current time,
/// so a host that forgot to drain them is not put to sleep.
///
/// # Safety
///
/// `engine` is NULL or a live engine used by no other thread during the
/// call; `out_deadline_ms` is NULL or points to a writable `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn continuity_engine_poll_timeout(
    engine: *const ContinuityEngine,
    out_deadline_ms: *mut u64,
) -> ContinuityCode {
    entry("continuity_engine_poll_timeout", || {
        // SAFETY: the caller's contract for `engine`.
        let engine = unsafe { engine_ref(engine) }?.read()?;
        // SAFETY: the caller's contract for `out_deadline_ms`.
        let mut out = unsafe { Out::new(out_deadline_ms, "out_deadline_ms") }?;
        Ok(match engine.poll_timeout() {
            Some(deadline) => {
                out.write(deadline);
                ContinuityCode::Ok
            }
            None => {
                out.write(CONTINUITY_NO_DEADLINE);
                ContinuityCode::None
            }
        })
    })
}

/// Takes the next output: a command the host must carry out (`connect`,
/// `register_endpoint`, …) or a notice for the UI and logs (`switched`,
/// `phase_changed`, …), as a JSON object tagged by `type`.
///
/// The JSON is written exactly as the trace writes it (`", "` between
/// members, `": "` after keys), so printing
/// `{"at": <*out_at_ms>, "output": <json>}` and a newline gives the lines of
/// `continuity simulate` byte for byte.
///
/// `*out_at_ms` is the engine time the output was decided at: the `now_ms`
/// of the call that caused it, or, for a deadline handled late, the
/// deadline's own time (never later than `continuity_engine_now`).
///
/// Returns `CONTINUITY_CODE_OK` and writes the output to `*out_json`, or
/// `CONTINUITY_CODE_NONE` when no output is waiting and sets `*out_json` to
/// NULL. Call it until it returns `CONTINUITY_CODE_NONE` after every handle
/// call.
///
/// Ownership: the string belongs to the caller, who frees it with
/// `continuity_string_free`. On anything but `CONTINUITY_CODE_OK`,
/// `*out_json` is set to NULL. `out_at_ms` may be NULL when the caller does
/// not want the time.
///
/// # Safety
///
/// `engine` is NULL or a live engine used by no other thread during the
/// call; `out_json` is NULL or points to a writable `char *`; `out_at_ms` is
/// NULL or points to a writable `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn continuity_engine_poll_output(
    engine: *mut ContinuityEngine,
    out_json: *mut *mut c_char,
    out_at_ms: *mut u64,
) -> ContinuityCode {
    entry("continuity_engine_poll_output", || {
        // SAFETY: the caller's contract for `out_json`.
        unsafe { boundary::clear(out_json) };
        // SAFETY: the caller's contract for `engine`.
        let handle = unsafe { engine_mut(engine) }?;
        // SAFETY: the caller's contract for `out_json`.
        let mut out = unsafe { Out::new(out_json, "out_json") }?;
        let Some(Emitted { at, output }) = handle.change(Engine::poll_output)? else {
            return Ok(ContinuityCode::None);
        };
        out.write(output_json(&output));
        // SAFETY: the caller's contract for `out_at_ms` (NULL: not wanted).
        if let Ok(mut out_at) = unsafe { Out::new(out_at_ms, "out_at_ms") } {
            out_at.write(at);
        }
        Ok(ContinuityCode::Ok)
    })
}

/// The latest time the engine has seen, in milliseconds.
///
/// Returns `CONTINUITY_CODE_OK` and writes the time to `*out_now_ms`.
///
/// # Safety
///
/// `engine` is NULL or a live engine used by no other thread during the
/// call; `out_now_ms` is NULL or points to a writable `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn continuity_engine_now(
    engine: *const ContinuityEngine,
    out_now_ms: *mut u64,
) -> ContinuityCode {
    entry("continuity_engine_now", || {
        // SAFETY: the caller's contract for `engine`.
        let engine = unsafe { engine_ref(engine) }?.read()?;
        // SAFETY: the caller's contract for `out_now_ms`.
        let mut out = unsafe { Out::new(out_now_ms, "out_now_ms") }?;
        out.write(engine.now());
        Ok(ContinuityCode::Ok)
    })
}

/// A snapshot of the engine as one JSON object, for a status banner or a log
/// line: `phase`, `site`, `role`, `connected_since`, `pending` (the switch
/// that will happen unless something changes), `services`,
/// `endpoint_registered`, `interactions`, `pinned`, `next_timer` and
/// `ignored` (counters of inputs that changed nothing). The same bytes as
/// the WebAssembly package's `statusJson()`.
///
/// Returns `CONTINUITY_CODE_OK` and writes the JSON to `*out_json`.
///
/// Ownership: the string belongs to the caller, who frees it with
/// `continuity_string_free`. On failure `*out_json` is set to NULL.
///
/// # Safety
///
/// `engine` is NULL or a live engine used by no other thread during the
/// call; `out_json` is NULL or points to a writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn continuity_engine_status(
    engine: *const ContinuityEngine,
    out_json: *mut *mut c_char,
) -> ContinuityCode {
    entry("continuity_engine_status", || {
        // SAFETY: the caller's contract for `out_json`.
        unsafe { boundary::clear(out_json) };
        // SAFETY: the caller's contract for `engine`.
        let engine = unsafe { engine_ref(engine) }?.read()?;
        // SAFETY: the caller's contract for `out_json`.
        let mut out = unsafe { Out::new(out_json, "out_json") }?;
        let json = serde_json::to_string(&engine.status()).expect("a status serializes");
        out.write(to_c_string(json));
        Ok(ContinuityCode::Ok)
    })
}

/// The engine argument, to change.
///
/// # Safety
///
/// `engine` is NULL or a live engine that nothing else uses for `'a`.
unsafe fn engine_mut<'a>(
    engine: *mut ContinuityEngine,
) -> Result<&'a mut ContinuityEngine, Failure> {
    // SAFETY: forwarded to the caller: NULL or live and not aliased.
    unsafe { engine.as_mut() }.ok_or_else(null_engine)
}

/// The engine argument, to read.
///
/// # Safety
///
/// `engine` is NULL or a live engine that nothing changes for `'a`.
unsafe fn engine_ref<'a>(engine: *const ContinuityEngine) -> Result<&'a ContinuityEngine, Failure> {
    // SAFETY: forwarded to the caller: NULL or live and not changed.
    unsafe { engine.as_ref() }.ok_or_else(null_engine)
}

fn null_engine() -> Failure {
    boundary::null_argument("engine", "the engine continuity_engine_new made")
}

/// An output as the trace writes it, handed to C.
fn output_json(output: &continuity_core::Output) -> *mut c_char {
    let mut json = Vec::with_capacity(128);
    trace::write_output(output, &mut json);
    to_c_string(json)
}

/// The failure for input text that is not an input.
fn input_failure(err: &continuity_core::Error, text: &str) -> Failure {
    json_failure(err, text, "input_json").unwrap_or_else(|| {
        Failure::new(
            ContinuityCode::InvalidInput,
            format!(
                "`input_json` is not an input: {err}; pass one input object, such as \
                 {{\"type\":\"link_down\",\"site\":\"SiteA\",\"service\":\"sip-server\",\"member\":\"primary\"}}"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUNDLE: &str = r#"{ "version": 1,
        "local": { "sites": [ { "name": "SiteA" } ] },
        "servers": [ { "name": "SIPS_A", "type": "sip-server",
          "options": { "interaction-workspace": { "disaster-recovery.site": "SiteA" } } } ] }"#;

    fn new_engine() -> *mut ContinuityEngine {
        let bundle = std::ffi::CString::new(BUNDLE).unwrap();
        let mut engine = std::ptr::null_mut();
        // SAFETY: valid string and out-pointer.
        let code = unsafe { continuity_engine_new(bundle.as_ptr(), 7, &mut engine) };
        assert_eq!(code, ContinuityCode::Ok);
        engine
    }

    #[test]
    fn an_engine_whose_change_panicked_is_refused_until_freed() {
        let engine = new_engine();
        let code = entry("continuity_test", || {
            // SAFETY: the engine is live and used by this thread only.
            let handle = unsafe { engine_mut(engine) }?;
            handle.change(|_| panic!("half-way through a change"))?;
            Ok(ContinuityCode::Ok)
        });
        assert_eq!(code, ContinuityCode::Internal);
        let mut now = 0;
        // SAFETY: the engine is live; `now` is writable.
        let code = unsafe { continuity_engine_now(engine, &mut now) };
        assert_eq!(code, ContinuityCode::Internal);
        // SAFETY: continuity_last_error returns a valid NUL-terminated string.
        let message = unsafe { std::ffi::CStr::from_ptr(crate::results::continuity_last_error()) }
            .to_string_lossy()
            .into_owned();
        assert!(
            message.starts_with("continuity_engine_now: the engine is unusable"),
            "{message}"
        );
        // SAFETY: the engine is live and freed once.
        unsafe { continuity_engine_free(engine) };
    }

    #[test]
    fn an_engine_may_move_between_threads() {
        // The README promises it: one thread at a time, any thread.
        fn assert_send<T: Send>() {}
        assert_send::<ContinuityEngine>();
    }

    #[test]
    fn a_change_that_returns_leaves_the_engine_usable() {
        let engine = new_engine();
        // SAFETY: the engine is live and used by this thread only.
        let handle = unsafe { engine_mut(engine) }.unwrap();
        assert_eq!(handle.change(|engine| engine.now()), Ok(0));
        assert!(handle.read().is_ok());
        // SAFETY: the engine is live and freed once.
        unsafe { continuity_engine_free(engine) };
    }
}
