#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod boundary;
mod code;
mod config;
mod engine;
mod error;
mod results;
mod strings;

pub use boundary::CONTINUITY_MAX_TIME_MS;
pub use code::ContinuityCode;
pub use config::{continuity_resolve_option_files, continuity_validate};
pub use engine::{
    CONTINUITY_NO_DEADLINE, ContinuityEngine, ContinuityHandled, continuity_engine_free,
    continuity_engine_handle, continuity_engine_handle_timeout, continuity_engine_new,
    continuity_engine_now, continuity_engine_poll_output, continuity_engine_poll_timeout,
    continuity_engine_status,
};
pub use results::{continuity_code_name, continuity_last_error};
pub use strings::{continuity_string_free, continuity_version};
