//! SIP over UDP: the OPTIONS check, and a responder to check against (see the
//! [parent module](super) for why the messages are parsed here rather than
//! with a SIP crate).

mod client;
mod message;
mod responder;

pub use client::{SipAnswer, T1, T2, sip_options};
pub use responder::{OptionsResponder, options_response, serve_options, serve_options_until};
