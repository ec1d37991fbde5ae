//! The small words of the vocabulary: services, members, phases, roles, reasons.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A point in engine time: milliseconds on a monotonic clock owned by the host.
///
/// The engine never reads a clock. The host picks any origin (page load,
/// process start, zero in a scenario) and must only keep it monotonic; time
/// that goes backwards is treated as the last time seen.
pub type Millis = u64;

/// A site or interaction name.
///
/// Names are reference-counted so that the host can hand the same name to
/// the engine again and again, and the engine can copy it into outputs,
/// without allocating.
pub type Name = Arc<str>;

/// A service that a site runs as a high-availability pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Service {
    /// The SIP Server HA pair.
    SipServer,
    /// The Stat Server HA pair.
    StatServer,
    /// The Configuration Server (Proxy) HA pair.
    ConfigServer,
}

impl Service {
    /// Every service, in the order the engine reports them.
    pub const ALL: [Service; 3] = [
        Service::SipServer,
        Service::StatServer,
        Service::ConfigServer,
    ];

    /// Every service's wire name, in [`Service::ALL`] order.
    pub const NAMES: &'static [&'static str] = &["sip-server", "stat-server", "config-server"];

    /// The wire name, as in `"sip-server"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::SipServer => "sip-server",
            Service::StatServer => "stat-server",
            Service::ConfigServer => "config-server",
        }
    }

    /// Parses a wire name.
    pub fn from_name(name: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The name people use, for messages: `"SIP Server"`, `"Stat Server"`,
    /// `"Configuration Server"`.
    pub fn label(self) -> &'static str {
        match self {
            Service::SipServer => "SIP Server",
            Service::StatServer => "Stat Server",
            Service::ConfigServer => "Configuration Server",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A member of a high-availability pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Member {
    /// The primary server of the pair.
    Primary,
    /// The backup server of the pair.
    Backup,
}

impl Member {
    /// Both members, primary first.
    pub const ALL: [Member; 2] = [Member::Primary, Member::Backup];

    /// The wire name, as in `"primary"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Member::Primary => "primary",
            Member::Backup => "backup",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of services: the services whose loss starts the switchover timer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceSet(u8);

impl ServiceSet {
    /// No service.
    pub const EMPTY: ServiceSet = ServiceSet(0);
    /// All three services (the Workspace dialect's triggers).
    pub const ALL: ServiceSet = ServiceSet(0b111);

    /// The set holding one service.
    pub const fn only(service: Service) -> ServiceSet {
        ServiceSet(1 << service as u8)
    }

    /// This set with `service` added.
    #[must_use]
    pub const fn with(self, service: Service) -> ServiceSet {
        ServiceSet(self.0 | 1 << service as u8)
    }

    /// Whether `service` is in the set.
    pub const fn contains(self, service: Service) -> bool {
        self.0 & (1 << service as u8) != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The services in the set, in [`Service::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Service> {
        Service::ALL.into_iter().filter(move |s| self.contains(*s))
    }
}

impl Serialize for ServiceSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// What the engine is doing, as shown to the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Constructed, not started.
    Idle,
    /// Looking for a Configuration Server Proxy with only the local configuration.
    Bootstrapping,
    /// Connecting to a site; not all of its trigger services are up yet.
    Connecting,
    /// Connected to a site whose trigger services have all been up.
    Active,
    /// Both sites failed in a row; retrying with backoff and probing.
    AllSitesDown,
    /// Stopped for good, by `stop` or by a configuration error at bootstrap.
    Stopped,
}

impl Phase {
    /// The wire name, as in `"all_sites_down"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Bootstrapping => "bootstrapping",
            Phase::Connecting => "connecting",
            Phase::Active => "active",
            Phase::AllSitesDown => "all_sites_down",
            Phase::Stopped => "stopped",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The role a site plays for this agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The agent's preferred site.
    Preferred,
    /// The Business Continuity peer site.
    Peer,
}

impl Role {
    /// The wire name, as in `"preferred"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Preferred => "preferred",
            Role::Peer => "peer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a switch happens (or was scheduled, or was cancelled).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Reason {
    /// The site's trigger services were not all up within the site timeout.
    #[serde(rename = "site-timeout")]
    SiteTimeout,
    /// The SIP endpoint was not registered within the wait-for-sipphone timeout.
    #[serde(rename = "endpoint-timeout")]
    EndpointTimeout,
    /// The preferred site has been healthy long enough to switch back to it.
    #[serde(rename = "auto-restore")]
    AutoRestore,
    /// The host asked for the switch with `switch_requested`.
    #[serde(rename = "manual")]
    Manual,
}

impl Reason {
    /// The wire name, as in `"site-timeout"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::SiteTimeout => "site-timeout",
            Reason::EndpointTimeout => "endpoint-timeout",
            Reason::AutoRestore => "auto-restore",
            Reason::Manual => "manual",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_set_holds_what_was_added() {
        let set = ServiceSet::only(Service::SipServer).with(Service::ConfigServer);
        assert!(set.contains(Service::SipServer));
        assert!(!set.contains(Service::StatServer));
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Service::SipServer, Service::ConfigServer]
        );
        assert!(ServiceSet::EMPTY.is_empty());
        assert_eq!(ServiceSet::ALL.iter().count(), 3);
    }

    #[test]
    fn wire_names_round_trip() {
        for (service, name) in Service::ALL.into_iter().zip(Service::NAMES) {
            assert_eq!(service.as_str(), *name);
            assert_eq!(Service::from_name(service.as_str()), Some(service));
            let json = serde_json::to_string(&service).unwrap();
            assert_eq!(json, format!("\"{service}\""));
        }
        let labels = Service::ALL.map(Service::label);
        assert_eq!(
            labels,
            ["SIP Server", "Stat Server", "Configuration Server"]
        );
        assert_eq!(
            serde_json::to_string(&Reason::EndpointTimeout).unwrap(),
            "\"endpoint-timeout\""
        );
        assert_eq!(
            serde_json::to_string(&Phase::AllSitesDown).unwrap(),
            "\"all_sites_down\""
        );
    }
}
