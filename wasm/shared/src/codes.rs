//! The package's own codes: the numbers the raw methods return besides the
//! engine's answers, and the `code` of every error the package throws.
//!
//! This file depends on nothing but the core, so that the generator of
//! `wire.js` (`wasm/src/bin/wire.rs`) compiles it natively too.

use continuity_core::wire_enum;

/// Returned by an input method when the engine is stopped and the input was refused.
pub const STOPPED: i32 = -1;
/// Returned by a method given a time that is not a count of milliseconds.
pub const BAD_TIME: i32 = -2;
/// Returned by a fast-path method given a site, service, member or input-type index out of range.
pub const BAD_NAME: i32 = -3;
/// `siteId` of a name that is not a site the engine knows.
pub const NOT_A_SITE: u32 = u32::MAX;
/// A site field of a packed output that is `null`.
pub const NO_SITE: u32 = 0xff;
/// The kind of a packed output that must be read whole (`output()`).
pub const AS_JSON: u32 = 0xf;

wire_enum! {
    /// The `code` of a `ContinuityError`, thrown by this layer or by the package's JavaScript.
    pub enum ErrorCode {
        /// Something that is not an input, or an input with a field missing, unknown or wrong.
        InvalidInput = "invalid-input",
        /// A time that is not a finite, non-negative number of milliseconds.
        InvalidTime = "invalid-time",
        /// A seed that is not a non-negative integer below 2^64.
        InvalidSeed = "invalid-seed",
        /// A bundle that does not validate (the error carries the diagnostics).
        InvalidBundle = "invalid-bundle",
        /// A scenario of the wrong shape.
        InvalidScenario = "invalid-scenario",
        /// A `files` option that is not a map from path to text.
        InvalidFiles = "invalid-files",
        /// An options object of the wrong shape.
        InvalidOptions = "invalid-options",
        /// A `parseCfg` argument that is not a string.
        InvalidCfg = "invalid-cfg",
        /// A message to the worker of the wrong shape.
        InvalidMessage = "invalid-message",
        /// Text that cannot be read (JSON or an option export).
        Parse = "parse",
        /// Text past the size limit.
        TooLarge = "too-large",
        /// An option export named by the bundle that cannot be read.
        OptionsFile = "options-file",
        /// A file named by a scenario whose text is not in `files`.
        MissingFile = "missing-file",
        /// An input given to a stopped engine (stop is final).
        Stopped = "stopped",
        /// A call on an engine or driver that was disposed.
        Disposed = "disposed",
        /// A call before the WebAssembly module was loaded (`await init()`).
        NotInitialized = "not-initialized",
        /// An error of a kind newer than this list (a worker passing on another error).
        Error = "error",
    }
}
