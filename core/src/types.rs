//! The small words of the vocabulary: services, members, phases, roles, reasons.

use std::sync::Arc;

use serde::Serialize;

use crate::wire_enum;

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

wire_enum! {
    /// A service that a site runs as a high-availability pair.
    #[derive(PartialOrd, Ord)]
    pub enum Service {
        /// The SIP Server HA pair.
        SipServer = "sip-server",
        /// The Stat Server HA pair.
        StatServer = "stat-server",
        /// The Configuration Server (Proxy) HA pair.
        ConfigServer = "config-server",
    }
}

impl Service {
    /// The name people use, for messages: `"SIP Server"`, `"Stat Server"`,
    /// `"Configuration Server"`.
    pub fn label(self) -> &'static str {
        match self {
            Service::SipServer => "SIP Server",
            Service::StatServer => "Stat Server",
            Service::ConfigServer => "Configuration Server",
        }
    }
}

wire_enum! {
    /// A member of a high-availability pair.
    #[derive(PartialOrd, Ord)]
    pub enum Member {
        /// The primary server of the pair.
        Primary = "primary",
        /// The backup server of the pair.
        Backup = "backup",
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

wire_enum! {
    /// What the engine is doing, as shown to the user.
    pub enum Phase {
        /// Constructed, not started.
        Idle = "idle",
        /// Looking for a Configuration Server Proxy with only the local configuration.
        Bootstrapping = "bootstrapping",
        /// Connecting to a site; not all of its trigger services are up yet.
        Connecting = "connecting",
        /// Connected to a site whose trigger services have all been up.
        Active = "active",
        /// Both sites failed in a row; retrying with backoff and probing.
        AllSitesDown = "all_sites_down",
        /// Stopped for good, by `stop` or by a configuration error at bootstrap.
        Stopped = "stopped",
    }
}

wire_enum! {
    /// The role a site plays for this agent.
    pub enum Role {
        /// The agent's preferred site.
        Preferred = "preferred",
        /// The Business Continuity peer site.
        Peer = "peer",
    }
}

wire_enum! {
    /// Why a switch happens (or was scheduled, or was cancelled).
    pub enum Reason {
        /// The site's trigger services were not all up within the site timeout.
        SiteTimeout = "site-timeout",
        /// The SIP endpoint was not registered within the wait-for-sipphone timeout.
        EndpointTimeout = "endpoint-timeout",
        /// The preferred site has been healthy long enough to switch back to it.
        AutoRestore = "auto-restore",
        /// The host asked for the switch with `switch_requested`.
        Manual = "manual",
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
