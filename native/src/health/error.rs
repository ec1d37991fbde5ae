//! Why one check failed.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use super::SettingsError;

/// One check found its endpoint dead: why.
///
/// These are findings about the world, not mistakes of the caller: a
/// monitor turns them into [`Health::Down`](super::Health::Down)
/// transitions. See the [module docs](super) for which failures are
/// reported at once and which only at the timeout.
#[derive(Debug)]
#[non_exhaustive]
pub enum CheckError {
    /// The target given is not `host:port` (a mistake of the caller, found
    /// when the check starts).
    InvalidTarget(SettingsError),
    /// The target's name did not resolve to any address.
    Resolve {
        /// The target, `host:port`.
        target: String,
        /// The resolver's error.
        source: io::Error,
    },
    /// The endpoint refused at once: a TCP reset, or an ICMP port-unreachable
    /// for a UDP request. Nothing listens on that port.
    Refused {
        /// The address that refused.
        addr: SocketAddr,
    },
    /// No usable answer came back within the timeout.
    Timeout {
        /// The target, `host:port`.
        target: String,
        /// The timeout that ran out.
        after: Duration,
    },
    /// Sending or receiving failed in another way (no route to the host, no
    /// local address of that family, …).
    Io {
        /// The address the check was talking to.
        addr: SocketAddr,
        /// The operating system's error.
        source: io::Error,
    },
}

impl CheckError {
    /// Maps a socket error towards `addr`: "connection refused" becomes
    /// [`CheckError::Refused`].
    pub(crate) fn from_io(addr: SocketAddr, source: io::Error) -> Self {
        if source.kind() == io::ErrorKind::ConnectionRefused {
            Self::Refused { addr }
        } else {
            Self::Io { addr, source }
        }
    }
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidTarget(err) => err.fmt(f),
            Self::Resolve { target, source } => write!(f, "cannot resolve {target}: {source}"),
            Self::Refused { addr } => write!(f, "{addr} refused the connection"),
            Self::Timeout { target, after } => {
                write!(f, "no answer from {target} within {} ms", after.as_millis())
            }
            Self::Io { addr, source } => write!(f, "cannot reach {addr}: {source}"),
        }
    }
}

impl std::error::Error for CheckError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::InvalidTarget(err) => Some(err),
            Self::Resolve { source, .. } | Self::Io { source, .. } => Some(source),
            Self::Refused { .. } | Self::Timeout { .. } => None,
        }
    }
}
