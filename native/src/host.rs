//! A host that carries out the engine's commands by checking real servers.
//!
//! A thick client normally carries out `connect {site}` by opening its
//! T-Lib, Stat Server and Configuration Server connections, and
//! `register_endpoint {site}` through its SIP stack; then it reports what
//! happens to those connections as inputs. [`CommandHost`] does the same with
//! health checks instead of real sessions, which is what `continuity watch`
//! and `continuity demo` run, and what a desktop can use for servers it does
//! not hold a connection to:
//!
//! | command | what the host does |
//! |---|---|
//! | `connect {S}` | a TCP connect monitor for each server of S with an `address`: `link_up` / `link_down` |
//! | `disconnect {S}` | stops those monitors |
//! | `register_endpoint {S}` | a SIP OPTIONS monitor on S's SIP Server `sip_address`es: `endpoint_registered` / `endpoint_unregistered` (with no `sip_address` at S: `endpoint_registered` at once, the registration cannot be watched) |
//! | `unregister_endpoint {S}` | stops it |
//! | `probe {S}` | one SIP OPTIONS round on S's SIP Servers (a TCP connect to their `address` when none has a `sip_address`): `probe_result` |
//! | `recheck {S}` | one check of everything of S being monitored, each result reported at once |
//! | `connect_config_server {S, member}` | a TCP connect to the local Config Server Proxy: `link_down` for that proxy when it fails (loading the configuration is the desktop's own business) |
//!
//! Where servers are is read from the bundle: `address` and `sip_address`
//! on server applications, `local.sites[].config_server` for the proxies
//! (see docs/configuration.md, "Endpoints").

use std::collections::BTreeMap;

use continuity_core::config::{primary_of, site_of_server, split_host_port};
use continuity_core::{Bundle, Member, Name, Output, Service};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::driver::{HealthKey, HealthReport};
use crate::health::{self, HealthSettings};

/// Where one service member of a site is reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkEndpoint {
    /// The service.
    pub service: Service,
    /// Which member of the HA pair.
    pub member: Member,
    /// The server application's name.
    pub server: String,
    /// `host:port` to open a TCP connection to.
    pub address: String,
}

/// What can be checked at one site.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteEndpoints {
    /// Server connections, in bundle order.
    pub links: Vec<LinkEndpoint>,
    /// SIP Server `sip_address`es, primaries first.
    pub sip: Vec<String>,
    /// Local Config Server Proxy addresses: primary, backup.
    pub config_servers: [Option<String>; 2],
}

/// Every health-check target a bundle names, by site.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoints {
    /// Sites by name.
    pub sites: BTreeMap<Name, SiteEndpoints>,
    /// Server applications that have no `address` (or no site), by name:
    /// nothing monitors them, so their links are never reported.
    pub unmonitored: Vec<String>,
}

impl Endpoints {
    /// Reads the health-check targets of `bundle`.
    ///
    /// A server belongs to a site by its `disaster-recovery.site` (or its
    /// primary's), or, in the agent-desktop dialect, by being connected to
    /// that site's desktop application object (or being the backup of one
    /// that is).
    pub fn from_bundle(bundle: &Bundle) -> Endpoints {
        let mut endpoints = Endpoints::default();
        for site in &bundle.local.sites {
            let entry = endpoints
                .sites
                .entry(site.name.as_str().into())
                .or_default();
            entry.config_servers = [
                site.config_server.primary.clone(),
                site.config_server.backup.clone(),
            ];
        }
        let mut sip = Vec::new();
        for server in &bundle.servers {
            let primary = primary_of(bundle, server);
            let Some(site) = site_of_server(bundle, server)
                .or_else(|| desktop_site(bundle, primary.unwrap_or(server)))
            else {
                endpoints.unmonitored.push(server.name.clone());
                continue;
            };
            let member = if primary.is_some() {
                Member::Backup
            } else {
                Member::Primary
            };
            let service = server.kind;
            let site: Name = site.into();
            let entry = endpoints.sites.entry(site.clone()).or_default();
            match &server.address {
                Some(address) => entry.links.push(LinkEndpoint {
                    service,
                    member,
                    server: server.name.clone(),
                    address: address.clone(),
                }),
                None => endpoints.unmonitored.push(server.name.clone()),
            }
            if let Some(address) = &server.sip_address {
                sip.push((site, member, address.clone()));
            }
        }
        // Primaries first, bundle order otherwise.
        sip.sort_by_key(|(_, member, _)| *member == Member::Backup);
        for (site, _, address) in sip {
            endpoints.sites.entry(site).or_default().sip.push(address);
        }
        endpoints
    }
}

/// The site whose desktop application object (agent-desktop dialect)
/// connects to `server`.
fn desktop_site(
    bundle: &Bundle,
    server: &continuity_core::config::ServerApplication,
) -> Option<String> {
    bundle.local.sites.iter().find_map(|site| {
        let application = site.application.as_ref()?;
        let desktop = bundle
            .desktop_applications
            .iter()
            .find(|d| d.name == application.name)?;
        desktop
            .connections
            .iter()
            .any(|c| c.server == server.name)
            .then(|| site.name.clone())
    })
}

/// A health monitor running for a key, stopped when dropped.
struct Running(JoinHandle<()>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What one of the host's checks connects to: a TCP address, or SIP addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
enum HostCheck {
    Tcp(String),
    Sip(Vec<String>),
}

impl HostCheck {
    /// One check: alive or not.
    async fn check(&self, settings: &HealthSettings) -> bool {
        match self {
            HostCheck::Tcp(address) => health::tcp_check(address, settings.timeout).await.is_ok(),
            HostCheck::Sip(addresses) => {
                // All at once, within one timeout: alive if any answers.
                let mut checks = tokio::task::JoinSet::new();
                for address in addresses.clone() {
                    let timeout = settings.timeout;
                    checks
                        .spawn(async move { health::sip_options(&address, timeout).await.is_ok() });
                }
                while let Some(answered) = checks.join_next().await {
                    if answered.unwrap_or(false) {
                        return true;
                    }
                }
                false
            }
        }
    }
}

/// Carries out the engine's commands with health checks (see the module
/// documentation), reporting on a health channel: give it
/// [`Driver::health_sender`](crate::driver::Driver::health_sender), or a
/// channel of your own that you forward.
pub struct CommandHost {
    endpoints: Endpoints,
    settings: HealthSettings,
    reports: mpsc::Sender<HealthReport>,
    monitors: BTreeMap<Name, Vec<(HealthKey, HostCheck, Running)>>,
}

impl CommandHost {
    /// A host checking `endpoints` with `settings`, reporting to `reports`.
    pub fn new(
        endpoints: Endpoints,
        settings: HealthSettings,
        reports: mpsc::Sender<HealthReport>,
    ) -> CommandHost {
        CommandHost {
            endpoints,
            settings,
            reports,
            monitors: BTreeMap::new(),
        }
    }

    /// What the host checks.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// Carries out `output` if it is a command; notices need nothing.
    ///
    /// Must be called from within a tokio runtime: checks run as tasks.
    pub fn carry_out(&mut self, output: &Output) {
        match output {
            Output::Connect { site } => {
                let links = self.site(site).links.clone();
                for link in links {
                    let key = HealthKey::Link {
                        site: site.clone(),
                        service: link.service,
                        member: link.member,
                    };
                    self.monitor(site, key, HostCheck::Tcp(link.address));
                }
            }
            Output::Disconnect { site } => {
                self.stop(site, |key| matches!(key, HealthKey::Link { .. }))
            }
            Output::RegisterEndpoint { site } => {
                let key = HealthKey::Endpoint { site: site.clone() };
                match self.sip_target(site) {
                    Some(target) => self.monitor(site, key, target),
                    // Nothing to watch the registration with: take it as
                    // done rather than switch away for a SIP service the
                    // bundle does not locate.
                    None => self.report_now(key, true),
                }
            }
            Output::UnregisterEndpoint { site } => {
                self.stop(site, |key| matches!(key, HealthKey::Endpoint { .. }));
            }
            Output::Probe { site } => {
                let target = self.sip_target(site).or_else(|| {
                    let links = &self.site(site).links;
                    let sip = links.iter().find(|l| l.service == Service::SipServer)?;
                    Some(HostCheck::Tcp(sip.address.clone()))
                });
                let key = HealthKey::Probe { site: site.clone() };
                match target {
                    Some(target) => self.once(key, target),
                    // Nothing to probe: the site cannot be shown healthy.
                    None => self.report_now(key, false),
                }
            }
            Output::Recheck { site } => {
                let running: Vec<(HealthKey, HostCheck)> = self
                    .monitors
                    .get(site)
                    .into_iter()
                    .flatten()
                    .map(|(key, target, _)| (key.clone(), target.clone()))
                    .collect();
                for (key, target) in running {
                    self.once(key, target);
                }
            }
            Output::ConnectConfigServer { site, member } => {
                let index = usize::from(*member == Member::Backup);
                let address = self.site(site).config_servers[index].clone();
                let key = HealthKey::Link {
                    site: site.clone(),
                    service: Service::ConfigServer,
                    member: *member,
                };
                match address.filter(|a| split_host_port(a).is_some()) {
                    Some(address) => {
                        let reports = self.reports.clone();
                        let settings = self.settings.clone();
                        tokio::spawn(async move {
                            if !HostCheck::Tcp(address).check(&settings).await {
                                let _ = reports.send((key, false)).await;
                            }
                        });
                    }
                    None => self.report_now(key, false),
                }
            }
            Output::PhaseChanged { .. }
            | Output::SwitchoverPending { .. }
            | Output::SwitchoverCancelled { .. }
            | Output::Switched { .. }
            | Output::AllSitesDown { .. }
            | Output::ConfigError { .. } => {}
        }
    }

    /// Stops every health monitor.
    pub fn stop_all(&mut self) {
        self.monitors.clear();
    }

    fn site(&self, site: &str) -> SiteEndpoints {
        self.endpoints.sites.get(site).cloned().unwrap_or_default()
    }

    fn sip_target(&self, site: &str) -> Option<HostCheck> {
        let sip = self.site(site).sip;
        (!sip.is_empty()).then_some(HostCheck::Sip(sip))
    }

    fn monitor(&mut self, site: &Name, key: HealthKey, target: HostCheck) {
        let running = self.monitors.entry(site.clone()).or_default();
        running.retain(|(k, _, _)| *k != key);
        let task = {
            let (key, target, settings, reports) = (
                key.clone(),
                target.clone(),
                self.settings.clone(),
                self.reports.clone(),
            );
            health::spawn_monitor(settings.clone(), key, reports, move || {
                let (target, settings) = (target.clone(), settings.clone());
                async move { target.check(&settings).await }
            })
        };
        running.push((key, target, Running(task)));
    }

    fn stop(&mut self, site: &str, which: impl Fn(&HealthKey) -> bool) {
        if let Some(running) = self.monitors.get_mut(site) {
            running.retain(|(key, _, _)| !which(key));
        }
    }

    /// One check now, reported whatever its result.
    fn once(&self, key: HealthKey, target: HostCheck) {
        let (reports, settings) = (self.reports.clone(), self.settings.clone());
        tokio::spawn(async move {
            let alive = target.check(&settings).await;
            let _ = reports.send((key, alive)).await;
        });
    }

    fn report_now(&self, key: HealthKey, alive: bool) {
        let reports = self.reports.clone();
        tokio::spawn(async move {
            let _ = reports.send((key, alive)).await;
        });
    }
}
