//! The validation rules of a bundle (DESIGN §3.5) beyond resolving its options.
//!
//! Each rule pushes [`Diagnostic`]s with a stable code; `validate` runs them
//! all so that one pass reports every problem.

use super::diagnostic::Diagnostic;
use super::objects::objects;
use super::options::{
    self, AGENT_DESKTOP_OPTIONS, AGENT_DESKTOP_SECTION, EXTENSIONS, Hierarchy, WORKSPACE_OPTIONS,
    WORKSPACE_SECTION, groups_by_precedence,
};
use super::resolved::{Dialect, ResolvedPolicy};
use super::schema::{
    Bundle, ConfigObject, DesktopApplication, Options, ServerApplication, split_host_port,
};
use super::sorted::{self, SortedMap};
use super::suggest::nearest;
use super::topology::{primary_of, server_sites, site_of_server};
use crate::types::Service;

/// The ADDP timeout range the SIP Server connections must use (seconds, inclusive).
const ADDP_RANGE: std::ops::RangeInclusive<u64> = 20..=30;

/// The re-register interval above which a switchback can lag (seconds).
const REREGISTER_LIMIT: u64 = 60;

/// The SIP endpoint's default re-register interval (seconds).
const REREGISTER_DEFAULT: u64 = 3600;

/// Runs every rule that does not depend on the dialect's own resolution.
pub(crate) fn check(
    bundle: &Bundle,
    hierarchy: &Hierarchy<'_>,
    policy: Option<&ResolvedPolicy>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(policy) = policy.filter(|p| p.enabled) {
        if policy.dialect == Dialect::Workspace {
            site_services(bundle, policy, diagnostics);
        }
        local(bundle, policy, diagnostics);
        sip_endpoint(hierarchy, policy.auto_restore, diagnostics);
    }
    sip_pairs(bundle, diagnostics);
    addresses(bundle, diagnostics);
    places(bundle, diagnostics);
    group_conflicts(bundle, diagnostics);
    unknown_options(bundle, diagnostics);
}

/// Each Business Continuity site runs a SIP Server, a Stat Server and a Configuration Server.
fn site_services(bundle: &Bundle, policy: &ResolvedPolicy, diagnostics: &mut Vec<Diagnostic>) {
    let sites = server_sites(bundle);
    for site in [Some(&policy.preferred), policy.peer.as_ref()]
        .into_iter()
        .flatten()
    {
        let present = sites.get(&**site);
        for kind in Service::ALL {
            if present.is_some_and(|types| types.contains(&kind)) {
                continue;
            }
            diagnostics.push(
                Diagnostic::error(
                    "site-service-missing",
                    format!(
                        "site `{site}` has no {} application: set `{}` to `{site}` in the `{WORKSPACE_SECTION}` section of that site's {}",
                        kind.label(),
                        options::SITE,
                        kind.label()
                    ),
                )
                .on(format!("site {site}")),
            );
        }
    }
}

/// SIP Server pairs: with more than two, every pair needs `disaster-recovery.name`,
/// and each name must be shared by exactly two pairs (on different sites).
fn sip_pairs(bundle: &Bundle, diagnostics: &mut Vec<Diagnostic>) {
    let pairs: Vec<&ServerApplication> = bundle
        .servers
        .iter()
        .filter(|s| s.kind == Service::SipServer && primary_of(bundle, s).is_none())
        .collect();
    let name_of = |server: &ServerApplication| {
        server
            .options
            .get(WORKSPACE_SECTION)
            .and_then(|section| section.get(options::NAME))
            .map(|v| v.as_str().trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    if pairs.len() > 2 {
        for pair in pairs.iter().filter(|p| name_of(p).is_none()) {
            diagnostics.push(
                Diagnostic::error(
                    "sip-pair-name-required",
                    format!(
                        "{} SIP Server pairs are linked, so each needs a peer-pair name: set `{}` on `{}` to the name it shares with its peer pair",
                        pairs.len(),
                        options::NAME,
                        pair.name
                    ),
                )
                .on(format!("server application {}", pair.name))
                .option(WORKSPACE_SECTION, options::NAME),
            );
        }
    }
    // Peer-pair name -> its pairs, in name order.
    let mut by_name: SortedMap<String, Vec<&ServerApplication>> = SortedMap::new();
    for pair in &pairs {
        let name = name_of(pair).unwrap_or_else(|| "default".to_owned());
        if pairs.len() > 2 && name_of(pair).is_none() {
            continue;
        }
        by_name.entry(name).or_default().push(pair);
    }
    for (name, members) in by_name {
        let listed: Vec<String> = members.iter().map(|p| format!("`{}`", p.name)).collect();
        if members.len() != 2 {
            if pairs.len() < 2 {
                continue; // A single pair: nothing to pair with (the site checks report it).
            }
            diagnostics.push(
                Diagnostic::error(
                    "sip-pair-name-unpaired",
                    format!(
                        "the peer-pair name `{name}` is shared by {} SIP Server pair(s) ({}), but it must name exactly two: give each pair and its peer a name of their own",
                        members.len(),
                        listed.join(", ")
                    ),
                )
                .option(WORKSPACE_SECTION, options::NAME),
            );
            continue;
        }
        let (a, b) = (
            site_of_server(bundle, members[0]),
            site_of_server(bundle, members[1]),
        );
        if a.is_some() && a == b {
            diagnostics.push(
                Diagnostic::error(
                    "sip-pair-same-site",
                    format!(
                        "the peer pairs {} (name `{name}`) are both at site `{}`: peers back each other up from different sites",
                        listed.join(" and "),
                        a.unwrap_or_default()
                    ),
                )
                .option(WORKSPACE_SECTION, options::NAME),
            );
        }
    }
}

/// The local configuration holds, for both sites, the Config Server Proxy pair,
/// the application name and type, and the place.
fn local(bundle: &Bundle, policy: &ResolvedPolicy, diagnostics: &mut Vec<Diagnostic>) {
    for site in [Some(&policy.preferred), policy.peer.as_ref()]
        .into_iter()
        .flatten()
    {
        let Some(local) = bundle.local.sites.iter().find(|s| s.name == **site) else {
            diagnostics.push(
                Diagnostic::error(
                    "local-site-missing",
                    format!(
                        "the local configuration has no entry for site `{site}`, so the desktop cannot reach it before a Configuration Server answers: \
                         add `{{\"name\": \"{site}\", \"config_server\": {{…}}, \"application\": {{…}}, \"place\": …}}` to `local.sites`"
                    ),
                )
                .on("local"),
            );
            continue;
        };
        let mut missing = Vec::new();
        for member in crate::types::Member::ALL {
            if local
                .config_server
                .member(member)
                .is_none_or(|a| a.trim().is_empty())
            {
                missing.push(format!("`config_server.{member}` (host:port)"));
            }
        }
        match &local.application {
            None => missing.push("`application` (name and type)".to_owned()),
            Some(app) if app.name.trim().is_empty() || app.kind.trim().is_empty() => {
                missing.push("`application.name` and `application.type`".to_owned());
            }
            Some(_) => {}
        }
        if local.place.as_deref().is_none_or(|p| p.trim().is_empty()) {
            missing.push("`place`".to_owned());
        }
        if !missing.is_empty() {
            diagnostics.push(
                Diagnostic::error(
                    "local-site-incomplete",
                    format!(
                        "the local configuration of site `{site}` lacks {}: the desktop needs them for both sites to start when either is down",
                        missing.join(", ")
                    ),
                )
                .on(format!("local site {site}")),
            );
        }
    }
}

/// Places must be configured identically on both sites, one place per DN.
fn places(bundle: &Bundle, diagnostics: &mut Vec<Diagnostic>) {
    // place name -> site -> its DNs (sorted), for places that name a site;
    // sorted maps (see `sorted`).
    let mut by_name: SortedMap<&str, SortedMap<&str, Vec<&str>>> = SortedMap::new();
    // Every site a place is at, and every local site: a place must exist at each.
    let mut sites: Vec<&str> = Vec::new();
    for site in &bundle.local.sites {
        sorted::insert(&mut sites, site.name.as_str());
    }
    for place in &bundle.places {
        if place.dns.len() > 1 {
            diagnostics.push(
                Diagnostic::error(
                    "place-with-several-dns",
                    format!(
                        "place `{}` has {} DNs ({}): Business Continuity needs one place per DN; create a place for each DN",
                        place.name,
                        place.dns.len(),
                        place.dns.join(", ")
                    ),
                )
                .on(format!("place {}", place.name)),
            );
        }
        let Some(site) = place.site.as_deref() else {
            continue;
        };
        sorted::insert(&mut sites, site);
        let mut dns: Vec<&str> = Vec::with_capacity(place.dns.len());
        for dn in &place.dns {
            sorted::insert_dup(&mut dns, dn.as_str());
        }
        // A place named twice at one site: the last one counts.
        by_name
            .entry(place.name.as_str())
            .or_default()
            .insert(site, dns);
    }
    if by_name.is_empty() {
        return;
    }
    for (name, at) in by_name {
        let identical = at.as_slice().windows(2).all(|pair| pair[0].1 == pair[1].1);
        if at.len() == sites.len() && identical {
            continue;
        }
        let describe = |site: &str| match at.get(site) {
            None => format!("`{site}` has no such place"),
            Some(dns) if dns.is_empty() => format!("`{site}` has it with no DN"),
            Some(dns) => format!("`{site}` has DN {}", dns.join(", ")),
        };
        let found: Vec<String> = sites.iter().map(|site| describe(site)).collect();
        diagnostics.push(
            Diagnostic::error(
                "places-differ",
                format!(
                    "place `{name}` is not configured identically on every site ({}): configure the same place with the same DN on both sites",
                    found.join(", ")
                ),
            )
            .on(format!("place {name}")),
        );
    }
}

/// Server addresses, where given, are `host:port`; only SIP Servers have a SIP address.
fn addresses(bundle: &Bundle, diagnostics: &mut Vec<Diagnostic>) {
    for server in &bundle.servers {
        let fields = [
            ("address", &server.address),
            ("sip_address", &server.sip_address),
        ];
        for (field, value) in fields {
            let Some(value) = value else { continue };
            if split_host_port(value).is_none() {
                diagnostics.push(
                    Diagnostic::error(
                        "invalid-address",
                        format!(
                            "`{field}` is `{value}`, which is not `host:port`: write the host name or IP address, a colon and a port from 1 to 65535 (an IPv6 address in brackets: `[2001:db8::7]:5060`)"
                        ),
                    )
                    .on(format!("server application {}", server.name)),
                );
            }
        }
        if server.sip_address.is_some() && server.kind != Service::SipServer {
            diagnostics.push(
                Diagnostic::warning(
                    "sip-address-not-sip-server",
                    format!(
                        "only SIP Servers receive SIP requests, but this {} has a `sip_address`: remove it, or move it to the site's SIP Server",
                        server.kind.label()
                    ),
                )
                .on(format!("server application {}", server.name)),
            );
        }
    }
}

/// The SIP endpoint options that slow a switchback or break registration.
fn sip_endpoint(hierarchy: &Hierarchy<'_>, auto_restore: bool, diagnostics: &mut Vec<Diagnostic>) {
    let section = WORKSPACE_SECTION;
    for suffix in ["", ".peer"] {
        let address_option = format!("sipendpoint.sbc-register-address{suffix}");
        let port_option = format!("sipendpoint.sbc-register-port{suffix}");
        let Some(address) = hierarchy.string(section, &address_option) else {
            continue;
        };
        let port = hierarchy.string(section, &port_option);
        let srv = address
            .split('.')
            .next()
            .is_some_and(|label| label.starts_with('_'));
        if srv && port.as_deref().is_some_and(|p| p != "0") {
            diagnostics.push(
                Diagnostic::error(
                    "sbc-srv-with-port",
                    format!(
                        "`{address}` is a DNS SRV name, which supplies its own ports, but `{port_option}` is `{}`: set `{port_option}` to 0",
                        port.unwrap_or_default()
                    ),
                )
                .option(section, &port_option),
            );
        }
    }
    if !auto_restore {
        return;
    }
    let mut slow = Vec::new();
    for proxy in 0..10 {
        let option = format!("sipendpoint.proxies.proxy{proxy}.reregister_in_seconds");
        let value = match hierarchy.string(section, &option) {
            Some(text) => match text.parse::<u64>() {
                Ok(value) => value,
                Err(_) => continue,
            },
            // The endpoint's default applies to its first two proxies.
            None if proxy < 2 => REREGISTER_DEFAULT,
            None => continue,
        };
        if value > REREGISTER_LIMIT {
            slow.push(format!("proxy{proxy} = {value} s"));
        }
    }
    if !slow.is_empty() {
        diagnostics.push(
            Diagnostic::warning(
                "reregister-slow",
                format!(
                    "auto-restore is on but the SIP endpoint re-registers only every {} (default 3600 s): \
                     a restored preferred site may wait that long for the phone; set \
                     `sipendpoint.proxies.proxyN.reregister_in_seconds` to 30-60",
                    slow.join(", ")
                ),
            )
            .option(section, "sipendpoint.proxies.proxy0.reregister_in_seconds"),
        );
    }
}

/// Agent groups that disagree on an option: the one whose name sorts last wins.
fn group_conflicts(bundle: &Bundle, diagnostics: &mut Vec<Diagnostic>) {
    let groups = groups_by_precedence(bundle);
    // (section, option) -> every group's setting, in precedence order.
    let mut seen: SortedMap<(&str, &str), Vec<(&ConfigObject, &str)>> = SortedMap::new();
    for group in &groups {
        for section in [WORKSPACE_SECTION, AGENT_DESKTOP_SECTION] {
            let Some(values) = group.options.get(section) else {
                continue;
            };
            for (option, value) in values {
                seen.entry((section, option.as_str()))
                    .or_default()
                    .push((group, value.as_str()));
            }
        }
    }
    for ((section, option), settings) in seen {
        let first = settings[0].1.trim();
        if settings.iter().all(|(_, v)| v.trim() == first) {
            continue;
        }
        let (winner, value) = settings[0];
        let others: Vec<String> = settings[1..]
            .iter()
            .map(|(g, v)| format!("`{}` ({v})", g.name))
            .collect();
        diagnostics.push(
            Diagnostic::warning(
                "agent-group-conflict",
                format!(
                    "agent groups disagree: `{}` sets `{value}`, which wins (its name sorts last), over {}; set it on the person or make the groups agree",
                    winner.name,
                    others.join(", ")
                ),
            )
            .on(format!("agent group {}", winner.name))
            .option(section, option),
        );
    }
}

/// `disaster-recovery.*`, `continuity.*` and agent-desktop options this crate does not know.
fn unknown_options(bundle: &Bundle, diagnostics: &mut Vec<Diagnostic>) {
    for object in objects(bundle) {
        unknown_in(&object.describe(), object.options, diagnostics);
    }
}

fn unknown_in(object: &str, options: &Options, diagnostics: &mut Vec<Diagnostic>) {
    for (section, known) in [
        (WORKSPACE_SECTION, WORKSPACE_OPTIONS),
        (AGENT_DESKTOP_SECTION, AGENT_DESKTOP_OPTIONS),
    ] {
        let Some(values) = options.get(section) else {
            continue;
        };
        let candidates = || known.iter().chain(EXTENSIONS);
        for option in values.keys() {
            let ours = if section == WORKSPACE_SECTION {
                option.starts_with("disaster-recovery.") || option.starts_with("continuity.")
            } else {
                option.starts_with("site") || option.starts_with("continuity.")
            };
            if !ours || candidates().any(|k| k == option) {
                continue;
            }
            let suggestion = nearest(option, candidates())
                .map(|s| format!(": did you mean `{s}`?"))
                .unwrap_or_else(|| ": remove it or check its spelling".to_owned());
            diagnostics.push(
                Diagnostic::warning(
                    "unknown-option",
                    format!("`{option}` is not an option Continuity knows{suggestion}"),
                )
                .on(object)
                .option(section, option),
            );
        }
    }
}

/// A desktop application object connects to its site's primary Config Server
/// Proxy, SIP Server (with an ADDP timeout of 20-30 s) and Stat Server.
pub(crate) fn desktop_application_connections(
    bundle: &Bundle,
    site: &str,
    app: &DesktopApplication,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let object = format!("desktop application {}", app.name);
    let mut connected = [false; Service::ALL.len()];
    for connection in &app.connections {
        let Some(server) = bundle.servers.iter().find(|s| s.name == connection.server) else {
            diagnostics.push(
                Diagnostic::error(
                    "unknown-server",
                    format!(
                        "the connection to `{}` names no server application: add it to `servers` or fix the name",
                        connection.server
                    ),
                )
                .on(object.clone()),
            );
            continue;
        };
        if let Some(primary) = primary_of(bundle, server) {
            diagnostics.push(
                Diagnostic::error(
                    "connection-to-backup",
                    format!(
                        "`{}` is the backup of `{}`: connect the desktop application to the primary (the backup is reached through it)",
                        server.name, primary.name
                    ),
                )
                .on(object.clone()),
            );
        }
        if let Some(server_site) = site_of_server(bundle, server).filter(|s| s != site) {
            diagnostics.push(
                Diagnostic::error(
                    "connection-to-other-site",
                    format!(
                        "`{}` is at site `{server_site}` but `{}` is site `{site}`'s desktop application: connect it to `{site}`'s servers",
                        server.name, app.name
                    ),
                )
                .on(object.clone()),
            );
        }
        connected[server.kind.index()] = true;
        if server.kind == Service::SipServer {
            addp(
                connection.addp_timeout.as_ref().map(|v| v.as_str()),
                &object,
                &server.name,
                diagnostics,
            );
        }
    }
    for kind in Service::ALL {
        if !connected[kind.index()] {
            diagnostics.push(
                Diagnostic::error(
                    "desktop-application-connection-missing",
                    format!(
                        "`{}` has no connection to a {}: connect it to site `{site}`'s primary {}",
                        app.name,
                        kind.label(),
                        kind.label()
                    ),
                )
                .on(object.clone()),
            );
        }
    }
}

fn addp(value: Option<&str>, object: &str, server: &str, diagnostics: &mut Vec<Diagnostic>) {
    let Some(text) = value.map(str::trim) else {
        diagnostics.push(
            Diagnostic::warning(
                "addp-timeout-missing",
                format!(
                    "the connection to SIP Server `{server}` has no ADDP timeout, so a dead link is noticed late: set `addp_timeout` to 20-30 seconds"
                ),
            )
            .on(object.to_owned()),
        );
        return;
    };
    match text.parse::<u64>() {
        Ok(seconds) if ADDP_RANGE.contains(&seconds) => {}
        Ok(seconds) => diagnostics.push(
            Diagnostic::warning(
                "addp-timeout-out-of-range",
                format!(
                    "the ADDP timeout of the connection to SIP Server `{server}` is {seconds} s: Business Continuity expects 20 to 30 seconds"
                ),
            )
            .on(object.to_owned()),
        ),
        Err(_) => diagnostics.push(
            Diagnostic::error(
                "invalid-integer",
                format!(
                    "the ADDP timeout of the connection to SIP Server `{server}` is `{text}`, not a whole number of seconds: write digits only, as in `25`"
                ),
            )
            .on(object.to_owned()),
        ),
    }
}
