//! `continuity demo`: two sites on loopback, Site A dies, the desktop
//! switches over, Site A comes back, the desktop switches back.
//!
//! Each site is a set of real sockets on 127.0.0.1 standing in for its
//! servers: a TCP listener for every SIP, Stat and Configuration Server
//! application (primary and backup) and a UDP socket answering SIP OPTIONS
//! for the SIP Server. The desktop is the real engine in the tokio
//! [`Driver`](crate::driver::Driver), its commands carried out by the
//! [`CommandHost`](crate::host::CommandHost) — the same code as
//! `continuity watch` — with timeouts shortened so the story takes seconds:
//!
//! | at | what happens |
//! |---|---|
//! | 0 s | the desktop starts on Site A (preferred) |
//! | [`KILL_AT`] | Site A goes dark: every one of its sockets closes |
//! | + health checks' fall count | links and SIP registration lost: switchover pending |
//! | + site timeout | switched to Site B |
//! | [`RESTORE_AT`] | Site A is back on the same ports |
//! | + hold-down + spread | switched back to Site A (auto-restore) |
//! | [`END_AT`] | the desktop stops; a timeline sums up |

use std::net::SocketAddr;
use std::time::Duration;

use continuity_core::Bundle;
use serde_json::json;
use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;

use crate::health;

/// When Site A goes dark.
pub const KILL_AT: Duration = Duration::from_secs(5);
/// When Site A comes back.
pub const RESTORE_AT: Duration = Duration::from_secs(14);
/// When the demo ends.
pub const END_AT: Duration = Duration::from_secs(24);

/// The health checks the demo runs: fast, so losses show within a second.
pub fn health_settings() -> health::HealthSettings {
    health::HealthSettings {
        interval: Duration::from_millis(250),
        timeout: Duration::from_millis(200),
        rise: 1,
        fall: 2,
    }
}

/// The server applications of one site: (name stem, type, is the backup).
const SERVERS: [(&str, &str, bool); 6] = [
    ("SIPS", "sip-server", false),
    ("SIPS", "sip-server", true),
    ("Stat", "stat-server", false),
    ("Stat", "stat-server", true),
    ("CS", "config-server", false),
    ("CS", "config-server", true),
];

/// One fake site: its sockets' addresses and, while it is up, the tasks
/// that own the sockets.
pub struct FakeSite {
    /// The site's name.
    pub name: String,
    /// TCP listener addresses, in [`SERVERS`] order.
    tcp: Vec<SocketAddr>,
    /// The SIP responder's address.
    sip: SocketAddr,
    /// The tasks holding the sockets open; empty while the site is down.
    running: Vec<JoinHandle<()>>,
}

impl FakeSite {
    /// Binds a site's sockets on ephemeral loopback ports and starts
    /// serving.
    ///
    /// # Errors
    ///
    /// When a socket cannot be bound.
    pub async fn start(name: &str) -> std::io::Result<FakeSite> {
        let mut site = FakeSite {
            name: name.to_owned(),
            tcp: Vec::new(),
            sip: SocketAddr::from(([127, 0, 0, 1], 0)),
            running: Vec::new(),
        };
        let mut listeners = Vec::new();
        for _ in SERVERS {
            let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
            site.tcp.push(listener.local_addr()?);
            listeners.push(listener);
        }
        let sip = UdpSocket::bind(("127.0.0.1", 0)).await?;
        site.sip = sip.local_addr()?;
        site.serve(listeners, sip);
        Ok(site)
    }

    /// Closes every socket of the site: connections are refused, SIP
    /// requests get an ICMP port unreachable.
    pub fn kill(&mut self) {
        for task in self.running.drain(..) {
            task.abort();
        }
    }

    /// Binds the same ports again and serves.
    ///
    /// # Errors
    ///
    /// When a port was taken in the meantime.
    pub async fn restore(&mut self) -> std::io::Result<()> {
        let mut listeners = Vec::new();
        for address in &self.tcp {
            listeners.push(TcpListener::bind(address).await?);
        }
        let sip = UdpSocket::bind(self.sip).await?;
        self.serve(listeners, sip);
        Ok(())
    }

    /// How many sockets the site has.
    pub fn sockets(&self) -> usize {
        self.tcp.len() + 1
    }

    fn serve(&mut self, listeners: Vec<TcpListener>, sip: UdpSocket) {
        for listener in listeners {
            self.running.push(tokio::spawn(async move {
                // Accept and hang up: the connect check needs the handshake only.
                while let Ok((stream, _)) = listener.accept().await {
                    drop(stream);
                }
            }));
        }
        self.running.push(tokio::spawn(async move {
            let _ = health::serve_options(sip).await;
        }));
    }

    /// The site's server applications, with addresses, as bundle JSON:
    /// `SIPS_A` with its backup `SIPS_A_B`, and so on.
    fn servers(&self) -> Vec<serde_json::Value> {
        let suffix = self.name.trim_start_matches("Site");
        SERVERS
            .iter()
            .zip(&self.tcp)
            .map(|((stem, kind, is_backup), address)| {
                let primary = format!("{stem}_{suffix}");
                if *is_backup {
                    return json!({ "name": format!("{primary}_B"), "type": kind,
                                   "address": address.to_string() });
                }
                let mut server = json!({
                    "name": primary, "type": kind, "backup": format!("{primary}_B"),
                    "address": address.to_string(),
                    "options": { "interaction-workspace": { "disaster-recovery.site": self.name } }
                });
                if *kind == "sip-server" {
                    server["sip_address"] = self.sip.to_string().into();
                }
                server
            })
            .collect()
    }
}

/// The desktop's bundle for two fake sites: Business Continuity on, Site A
/// preferred, timeouts in seconds instead of minutes.
pub fn bundle(a: &FakeSite, b: &FakeSite) -> Bundle {
    let local_site = |site: &FakeSite| {
        let cs = |i: usize| site.tcp[i].to_string();
        json!({ "name": site.name,
                "config_server": { "primary": cs(4), "backup": cs(5) },
                "application": { "name": format!("WDE_{}", site.name), "type": "InteractionWorkspace" },
                "place": "Place_7001" })
    };
    let mut servers = a.servers();
    servers.extend(b.servers());
    let value = json!({
        "version": 1,
        "local": { "sites": [local_site(a), local_site(b)] },
        "application": { "name": "WDE", "options": { "interaction-workspace": {
            "disaster-recovery.enabled": "true",
            "disaster-recovery.timeout": "3",
            "disaster-recovery.wait-for-sipphone-timeout": "3",
            "disaster-recovery.auto-restore": "true",
            "sipendpoint.proxies.proxy0.reregister_in_seconds": "30",
            "sipendpoint.proxies.proxy1.reregister_in_seconds": "30",
            "continuity.restore-probe-interval": "1",
            "continuity.restore-hold-down": "3",
            "continuity.restore-spread": "1"
        } } },
        "person": { "name": "agent1", "options": { "interaction-workspace": {
            "disaster-recovery.preferred-site": a.name,
            "disaster-recovery.peer-site": b.name } } },
        "servers": servers
    });
    Bundle::from_json(&value.to_string()).expect("the demo bundle is well-formed")
}
