//! The TCP connect check.

use std::time::Duration;

use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

use super::{CheckError, IntoTarget};

/// Checks once that `target` (a [`Target`](super::Target), a socket address
/// or `host:port` text) accepts a TCP connection within `timeout`.
///
/// The target's addresses (an IP address as it is, a name through
/// [`tokio::net::lookup_host`]) are tried in order until one completes the
/// three-way handshake; resolution and every attempt share the one
/// `timeout`. The connection is closed (FIN) as soon as it is open; nothing
/// is sent on it.
///
/// What "alive" means, precisely:
///
/// - **a listener that accepts and then hangs** is alive: the kernel
///   completes the handshake, the check measures reachability of the port,
///   not the health of the program behind it (use [`sip_options`] for that
///   where the server speaks SIP);
/// - **a listener that is slow to `accept()`** is alive as long as the
///   handshake completes within `timeout` (the kernel completes it before
///   the program accepts);
/// - **a closed port** (TCP reset, or an ICMP unreachable) is dead at once,
///   without waiting for the timeout: [`CheckError::Refused`];
/// - **a host that never answers** (packets dropped, or a listener whose
///   accept backlog is full, so the kernel drops our SYN) is dead at the
///   timeout: [`CheckError::Timeout`].
///
/// [`sip_options`]: super::sip_options
///
/// # Errors
///
/// The reason the target is dead: [`CheckError::Refused`],
/// [`CheckError::Timeout`], [`CheckError::Resolve`] or [`CheckError::Io`]
/// (the last address's error when several were tried);
/// [`CheckError::InvalidTarget`] for text that is not `host:port`.
pub async fn tcp_check(target: impl IntoTarget, timeout: Duration) -> Result<(), CheckError> {
    let target = target.into_target().map_err(CheckError::InvalidTarget)?;
    let deadline = Instant::now() + timeout;
    let timed_out = || CheckError::Timeout {
        target: target.to_string(),
        after: timeout,
    };
    let mut last_error = None;
    for addr in target.resolve(deadline, timeout).await? {
        match timeout_at(deadline, TcpStream::connect(addr)).await {
            Ok(Ok(_stream)) => return Ok(()),
            Ok(Err(err)) => last_error = Some(CheckError::from_io(addr, err)),
            Err(_elapsed) => return Err(timed_out()),
        }
    }
    // Resolution yields at least one address, so there is an error here.
    Err(last_error.unwrap_or_else(timed_out))
}
