//! Where a check goes: a host (name or IP address) and a port.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::time::Duration;

use continuity_core::config::split_host_port;
use tokio::time::{Instant, timeout_at};

use super::{CheckError, SettingsError};

/// A check's target: `host:port`, the host a DNS name or an IP address.
///
/// Parsed from `"sip.example.net:5060"`, `"192.0.2.7:5060"` or
/// `"[2001:db8::7]:5060"`, or made from a [`SocketAddr`]. A SIP check puts
/// the host, as written, in its Request-URI (`sip:host:port`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Target {
    host: String,
    port: u16,
}

impl Target {
    /// A target from a host (name or IP address, IPv6 without brackets) and a port.
    ///
    /// # Errors
    ///
    /// An empty host, or one with characters no host name or address has.
    pub fn new(host: impl Into<String>, port: u16) -> Result<Self, SettingsError> {
        let host = host.into();
        let reason = if host.is_empty() {
            Some("the host is empty")
        } else if host.parse::<IpAddr>().is_err()
            && !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
        {
            Some("the host is neither an IP address nor a DNS name")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(SettingsError::Target {
                input: format!("{host}:{port}"),
                reason,
            }),
            None => Ok(Self { host, port }),
        }
    }

    /// The host, as given (IPv6 addresses without brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The host as it appears in a URI: IPv6 addresses in brackets.
    pub(crate) fn uri_host(&self) -> String {
        match self.host.parse::<IpAddr>() {
            Ok(IpAddr::V6(v6)) => format!("[{v6}]"),
            _ => self.host.clone(),
        }
    }

    /// The addresses of the target, resolved before `deadline` (the end of
    /// a check that may take `timeout`).
    ///
    /// An IP address is used as it is; a name is looked up with
    /// [`tokio::net::lookup_host`].
    pub(crate) async fn resolve(
        &self,
        deadline: Instant,
        timeout: Duration,
    ) -> Result<Vec<SocketAddr>, CheckError> {
        if let Ok(ip) = self.host.parse::<IpAddr>() {
            return Ok(vec![SocketAddr::new(ip, self.port)]);
        }
        let lookup = tokio::net::lookup_host((self.host.as_str(), self.port));
        let Ok(found) = timeout_at(deadline, lookup).await else {
            return Err(CheckError::Timeout {
                target: self.to_string(),
                after: timeout,
            });
        };
        let addrs: Vec<SocketAddr> = found
            .map_err(|source| CheckError::Resolve {
                target: self.to_string(),
                source,
            })?
            .collect();
        if addrs.is_empty() {
            return Err(CheckError::Resolve {
                target: self.to_string(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no addresses"),
            });
        }
        Ok(addrs)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.uri_host(), self.port)
    }
}

impl From<SocketAddr> for Target {
    fn from(addr: SocketAddr) -> Self {
        Self {
            host: addr.ip().to_string(),
            port: addr.port(),
        }
    }
}

impl FromStr for Target {
    type Err = SettingsError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let bad = |reason| SettingsError::Target {
            input: input.to_owned(),
            reason,
        };
        // The bundle's own rule for `host:port`, so what `validate` accepts
        // is what a check can use.
        let Some((host, port)) = split_host_port(input) else {
            return Err(bad(
                "write the host, a colon and a port from 1 to 65535 (an IPv6 address in brackets: [2001:db8::7]:5060)",
            ));
        };
        Self::new(host, port).map_err(|_| bad("the host is neither an IP address nor a DNS name"))
    }
}

/// Anything a check accepts as its target: a [`Target`], a
/// [`SocketAddr`], or `host:port` text.
pub trait IntoTarget {
    /// The target.
    ///
    /// # Errors
    ///
    /// Text that is not `host:port`.
    fn into_target(self) -> Result<Target, SettingsError>;
}

impl IntoTarget for Target {
    fn into_target(self) -> Result<Target, SettingsError> {
        Ok(self)
    }
}

impl IntoTarget for &Target {
    fn into_target(self) -> Result<Target, SettingsError> {
        Ok(self.clone())
    }
}

impl IntoTarget for SocketAddr {
    fn into_target(self) -> Result<Target, SettingsError> {
        Ok(self.into())
    }
}

impl IntoTarget for &str {
    fn into_target(self) -> Result<Target, SettingsError> {
        self.parse()
    }
}

impl IntoTarget for &String {
    fn into_target(self) -> Result<Target, SettingsError> {
        self.parse()
    }
}

impl IntoTarget for String {
    fn into_target(self) -> Result<Target, SettingsError> {
        self.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_addresses() {
        let t: Target = "sip.example.net:5060".parse().unwrap();
        assert_eq!((t.host(), t.port()), ("sip.example.net", 5060));
        let t: Target = "[::1]:5070".parse().unwrap();
        assert_eq!((t.host(), t.port()), ("::1", 5070));
        assert_eq!(t.to_string(), "[::1]:5070");
        assert_eq!(t.uri_host(), "[::1]");
        let t: Target = "127.0.0.1:1".parse().unwrap();
        assert_eq!(t.to_string(), "127.0.0.1:1");
    }

    #[test]
    fn rejects_what_is_not_host_port() {
        for bad in [
            "",
            "host",
            ":5060",
            "host:",
            "host:99999",
            "host:0",
            "::1:5060",
            "a b:1",
            "h/x:1",
        ] {
            let err = bad.parse::<Target>().unwrap_err();
            assert!(err.to_string().contains("is not host:port"), "{bad}: {err}");
        }
    }
}
