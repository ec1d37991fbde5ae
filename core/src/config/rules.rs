//! The validation rules of a bundle (DESIGN §3.5) beyond resolving its options.
//!
//! Each rule pushes [`Diagnostic`]s with a stable code; `validate` runs them
//! all so that one pass reports every problem.

use std::collections::{BTreeMap, BTreeSet};

use super::bundle::{
    Bundle, ConfigObject, DesktopApplication, Options, ServerApplication, split_host_port,
};
use super::diagnostic::Diagnostic;
use super::options::{
    self, AGENT_DESKTOP_OPTIONS, AGENT_DESKTOP_SECTION, EXTENSIONS, Hierarchy, WORKSPACE_OPTIONS,
    WORKSPACE_SECTION, groups_by_precedence,
};
use super::policy::{Dialect, ResolvedPolicy, server_sites};
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

/// The site of a server application in the Workspace dialect: its own
/// `disaster-recovery.site`, or its primary's when it is a backup.
pub fn site_of_server(bundle: &Bundle, server: &ServerApplication) -> Option<String> {
    own_site(server).or_else(|| primary_of(bundle, server).and_then(own_site))
}

fn own_site(server: &ServerApplication) -> Option<String> {
    let value = server.options.get(WORKSPACE_SECTION)?.get(options::SITE)?;
    let value = value.as_str().trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// The primary whose `backup` names this server, if it is a backup.
pub fn primary_of<'a>(
    bundle: &'a Bundle,
    server: &ServerApplication,
) -> Option<&'a ServerApplication> {
    bundle
        .servers
        .iter()
        .find(|p| p.backup.as_deref() == Some(server.name.as_str()))
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
    let mut by_name: BTreeMap<String, Vec<&ServerApplication>> = BTreeMap::new();
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
    // place name -> site -> its DNs (sorted), for places that name a site.
    let mut by_name: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    // Every site a place is at, and every local site: a place must exist at each.
    // Sets are filled by `extend`, not `collect`: collecting sorts first,
    // and each sort is compiled anew into the WebAssembly package.
    let mut sites: BTreeSet<&str> = BTreeSet::new();
    sites.extend(bundle.local.sites.iter().map(|s| s.name.as_str()));
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
        sites.insert(site);
        let mut dns: Vec<&str> = place.dns.iter().map(String::as_str).collect();
        dns.sort_unstable();
        by_name.entry(&place.name).or_default().insert(site, dns);
    }
    if by_name.is_empty() {
        return;
    }
    for (name, at) in by_name {
        let mut configured: BTreeSet<&Vec<&str>> = BTreeSet::new();
        configured.extend(at.values());
        if at.len() == sites.len() && configured.len() == 1 {
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
    let mut seen: BTreeMap<(&str, &str), Vec<(&ConfigObject, &str)>> = BTreeMap::new();
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
        let mut distinct: BTreeSet<&str> = BTreeSet::new();
        distinct.extend(settings.iter().map(|(_, v)| v.trim()));
        if distinct.len() < 2 {
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
    for (object, options, _) in bundle.objects_with_options() {
        unknown_in(&object, options, diagnostics);
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
    let mut connected = BTreeSet::new();
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
        connected.insert(server.kind);
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
        if !connected.contains(&kind) {
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

/// The known option nearest to `option`, if it is close enough to be a typo.
fn nearest<'k>(
    option: &str,
    known: impl Iterator<Item = &'k &'static str>,
) -> Option<&'static str> {
    known
        .map(|k| (edit_distance(option, k), *k))
        .filter(|(distance, _)| *distance <= 4)
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::policy::tests::bundle as workspace_bundle;
    use super::super::policy::validate;
    use super::*;
    use crate::types::ServiceSet;

    const ENABLED: &str = r#""disaster-recovery.enabled": "true",
        "disaster-recovery.preferred-site": "SiteA", "disaster-recovery.peer-site": "SiteB""#;

    /// A correct Workspace-dialect deployment, as JSON to tweak.
    fn workspace() -> Value {
        serde_json::to_value(workspace_bundle(ENABLED)).unwrap()
    }

    /// A correct agent-desktop-dialect deployment, as JSON to tweak.
    fn agent_desktop() -> Value {
        let mut value = workspace();
        value["person"]["options"] = json!({ "agent-desktop": {
            "site-1": "AIL_SiteA", "site-2": "AIL_SiteB" } });
        for (i, site) in ["A", "B"].iter().enumerate() {
            value["local"]["sites"][i]["application"] =
                json!({ "name": format!("AIL_Site{site}"), "type": "ThirdPartyApp" });
        }
        value["desktop_applications"] = json!([
            { "name": "AIL_SiteA", "options": { "agent-desktop": {
                "site-timeout": "25", "site-sip-register-timeout": "20" } },
              "connections": [ { "server": "CSP_A" }, { "server": "SIPS_A", "addp_timeout": "25" },
                               { "server": "Stat_A" } ] },
            { "name": "AIL_SiteB", "options": { "agent-desktop": {
                "site-timeout": "25", "site-sip-register-timeout": "20" } },
              "connections": [ { "server": "CSP_B" }, { "server": "SIPS_B", "addp_timeout": "25" },
                               { "server": "Stat_B" } ] } ]);
        value
    }

    fn run(value: Value) -> (Option<ResolvedPolicy>, Vec<Diagnostic>) {
        match validate(&serde_json::from_value(value).unwrap()) {
            Ok(v) => (Some(v.policy), v.warnings),
            Err(d) => (None, d),
        }
    }

    fn codes(value: Value) -> Vec<String> {
        run(value).1.into_iter().map(|d| d.code).collect()
    }

    fn server<'a>(value: &'a mut Value, name: &str) -> &'a mut Value {
        let servers = value["servers"].as_array_mut().unwrap();
        servers.iter_mut().find(|s| s["name"] == name).unwrap()
    }

    #[test]
    fn correct_deployments_in_both_dialects_have_no_findings() {
        let (policy, findings) = run(workspace());
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(policy.unwrap().dialect, Dialect::Workspace);

        let (policy, findings) = run(agent_desktop());
        assert!(findings.is_empty(), "{findings:?}");
        let policy = policy.unwrap();
        assert_eq!(policy.dialect, Dialect::AgentDesktop);
        assert!(policy.enabled);
        assert_eq!(
            (&*policy.preferred, policy.peer.as_deref()),
            ("SiteA", Some("SiteB"))
        );
        assert_eq!(policy.triggers, ServiceSet::only(Service::SipServer));
        assert_eq!(policy.timing.site_timeout, 25_000);
        assert_eq!(policy.timing.endpoint_timeout, 20_000);
    }

    #[test]
    fn agent_desktop_timeouts_default_to_30_seconds_and_the_person_overrides() {
        let mut value = agent_desktop();
        for i in 0..2 {
            value["desktop_applications"][i]["options"] = json!({});
        }
        value["person"]["options"]["agent-desktop"]["site-sip-register-timeout"] = "40".into();
        let policy = run(value).0.unwrap();
        assert_eq!(policy.timing.site_timeout, 30_000);
        assert_eq!(policy.timing.endpoint_timeout, 40_000);
    }

    #[test]
    fn a_site_without_one_of_its_services_is_an_error() {
        let mut value = workspace();
        server(&mut value, "Stat_B")["options"] = json!({});
        let (_, findings) = run(value);
        assert_eq!(findings[0].code, "site-service-missing");
        assert!(
            findings[0]
                .message
                .contains("site `SiteB` has no Stat Server"),
            "{}",
            findings[0]
        );
    }

    #[test]
    fn more_than_two_sip_pairs_need_names_shared_by_exactly_two() {
        let mut value = workspace();
        value["servers"].as_array_mut().unwrap().push(json!(
            { "name": "SIPS_C", "type": "sip-server",
              "options": { "interaction-workspace": { "disaster-recovery.site": "SiteB" } } }));
        assert_eq!(codes(value.clone()), ["sip-pair-name-required"; 3]);

        for (name, pair) in [("SIPS_A", "east"), ("SIPS_B", "east"), ("SIPS_C", "west")] {
            server(&mut value, name)["options"]["interaction-workspace"]["disaster-recovery.name"] =
                pair.into();
        }
        assert_eq!(codes(value.clone()), ["sip-pair-name-unpaired"]);

        server(&mut value, "SIPS_C")["options"]["interaction-workspace"]["disaster-recovery.name"] =
            "east".into();
        server(&mut value, "SIPS_B")["options"]["interaction-workspace"]["disaster-recovery.name"] =
            "south".into();
        let found = codes(value);
        assert!(
            found.contains(&"sip-pair-name-unpaired".to_owned()),
            "{found:?}"
        );
    }

    #[test]
    fn peer_pairs_on_the_same_site_are_an_error() {
        let mut value = workspace();
        server(&mut value, "SIPS_B")["options"]["interaction-workspace"]["disaster-recovery.site"] =
            "SiteA".into();
        let found = codes(value);
        assert!(
            found.contains(&"sip-pair-same-site".to_owned()),
            "{found:?}"
        );
    }

    #[test]
    fn local_configuration_needs_both_sites_complete() {
        let mut value = workspace();
        value["local"]["sites"][1]["config_server"]["backup"] = Value::Null;
        value["local"]["sites"][1]["place"] = Value::Null;
        let (_, findings) = run(value.clone());
        assert_eq!(findings[0].code, "local-site-incomplete");
        assert!(findings[0].message.contains("`config_server.backup`"));
        assert!(findings[0].message.contains("`place`"));

        value["local"]["sites"].as_array_mut().unwrap().pop();
        assert_eq!(codes(value), ["local-site-missing"]);
    }

    #[test]
    fn places_must_match_across_sites_with_one_dn_each() {
        let mut value = workspace();
        value["places"][1]["dns"] = json!(["7002"]);
        let (_, findings) = run(value.clone());
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].code, "places-differ");
        assert!(
            findings[0]
                .message
                .contains("`SiteA` has DN 7001, `SiteB` has DN 7002"),
            "{}",
            findings[0]
        );
        let mut missing = workspace();
        missing["places"].as_array_mut().unwrap().pop();
        let (_, findings) = run(missing);
        assert!(
            findings[0].message.contains("`SiteB` has no such place"),
            "{}",
            findings[0]
        );
        value["places"][1]["dns"] = json!(["7001", "7002"]);
        let found = codes(value);
        assert_eq!(found[0], "place-with-several-dns", "{found:?}");
    }

    #[test]
    fn an_srv_sbc_address_needs_port_zero() {
        let mut value = workspace();
        let options = &mut value["application"]["options"]["interaction-workspace"];
        options["sipendpoint.sbc-register-address"] = "_sip._udp.sbc.example".into();
        options["sipendpoint.sbc-register-port"] = "5060".into();
        assert_eq!(codes(value.clone()), ["sbc-srv-with-port"]);
        value["application"]["options"]["interaction-workspace"]["sipendpoint.sbc-register-port"] =
            "0".into();
        assert!(codes(value).is_empty());
    }

    #[test]
    fn server_addresses_must_be_host_and_port() {
        let mut value = workspace();
        server(&mut value, "SIPS_A")["address"] = "sips-a.example:5000".into();
        server(&mut value, "SIPS_A")["sip_address"] = "[2001:db8::7]:5060".into();
        server(&mut value, "Stat_A")["address"] = "10.0.0.7:7000".into();
        assert!(codes(value.clone()).is_empty());
        for bad in [
            "sips-a.example",
            "sips-a.example:0",
            ":5060",
            "host:65536",
            "a b:1",
            "::1:5060",
        ] {
            let mut broken = value.clone();
            server(&mut broken, "SIPS_A")["address"] = bad.into();
            let (policy, diagnostics) = run(broken);
            assert!(policy.is_none(), "{bad}");
            assert_eq!(diagnostics.len(), 1, "{bad}: {diagnostics:?}");
            assert_eq!(diagnostics[0].code, "invalid-address");
            assert_eq!(
                diagnostics[0].object.as_deref(),
                Some("server application SIPS_A")
            );
            assert!(
                diagnostics[0].message.contains(&format!("`{bad}`")),
                "{bad}"
            );
        }
        server(&mut value, "Stat_A")["sip_address"] = "10.0.0.7:5060".into();
        assert_eq!(codes(value), ["sip-address-not-sip-server"]);
    }

    #[test]
    fn slow_reregister_with_auto_restore_is_a_warning() {
        let mut value = workspace();
        value["application"]["options"]["interaction-workspace"] = json!({});
        let (policy, findings) = run(value.clone());
        assert!(policy.is_some(), "a warning does not invalidate");
        assert_eq!(findings[0].code, "reregister-slow");
        assert!(
            findings[0]
                .message
                .contains("proxy0 = 3600 s, proxy1 = 3600 s")
        );
        value["application"]["options"]["interaction-workspace"] =
            json!({ "disaster-recovery.auto-restore": "false" });
        assert!(codes(value).is_empty(), "no switchback, no warning");
    }

    #[test]
    fn disagreeing_agent_groups_warn_and_the_last_name_wins() {
        let mut value = workspace();
        value["agent_groups"] = json!([
            { "name": "Support", "options": { "interaction-workspace": { "disaster-recovery.timeout": "90" } } },
            { "name": "Sales", "options": { "interaction-workspace": { "disaster-recovery.timeout": "45" } } } ]);
        let (policy, findings) = run(value);
        assert_eq!(
            policy.unwrap().timing.site_timeout,
            90_000,
            "`Support` sorts last"
        );
        assert_eq!(findings[0].code, "agent-group-conflict");
        assert!(
            findings[0]
                .message
                .contains("`Support` sets `90`, which wins"),
            "{}",
            findings[0]
        );
    }

    #[test]
    fn unknown_options_in_either_dialect_get_suggestions() {
        let mut value = agent_desktop();
        value["desktop_applications"][0]["options"]["agent-desktop"]["site-timout"] = "20".into();
        let (_, findings) = run(value);
        assert_eq!(findings[0].code, "unknown-option");
        assert!(
            findings[0].message.contains("did you mean `site-timeout`?"),
            "{}",
            findings[0]
        );
    }

    #[test]
    fn site_names_must_lead_to_desktop_application_objects() {
        let mut value = agent_desktop();
        value["person"]["options"]["agent-desktop"]["site-2"] = "AIL_SiteC".into();
        let (_, findings) = run(value.clone());
        assert_eq!(findings[0].code, "unknown-desktop-application");
        assert!(
            findings[0]
                .message
                .contains("use one of `AIL_SiteA`, `AIL_SiteB`")
        );

        let mut value = agent_desktop();
        value["local"]["sites"][1]["application"]["name"] = "Other".into();
        let found = codes(value);
        assert!(
            found.contains(&"desktop-application-without-site".to_owned()),
            "{found:?}"
        );
    }

    #[test]
    fn desktop_applications_connect_to_their_sites_primaries() {
        let mut value = agent_desktop();
        value["desktop_applications"][1]["connections"] =
            json!([ { "server": "CSP_B_B" }, { "server": "SIPS_A", "addp_timeout": "25" } ]);
        let found = codes(value);
        for code in [
            "connection-to-backup",
            "connection-to-other-site",
            "desktop-application-connection-missing",
        ] {
            assert!(found.contains(&code.to_owned()), "{code} in {found:?}");
        }
    }

    #[test]
    fn addp_timeouts_outside_20_to_30_seconds_warn() {
        let mut value = agent_desktop();
        value["desktop_applications"][0]["connections"][1]["addp_timeout"] = "60".into();
        value["desktop_applications"][1]["connections"][1]
            .as_object_mut()
            .unwrap()
            .remove("addp_timeout");
        let (policy, findings) = run(value);
        assert!(policy.is_some());
        let found: Vec<&str> = findings.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(found, ["addp-timeout-out-of-range", "addp-timeout-missing"]);
    }

    #[test]
    fn one_site_only_is_not_covered_and_says_so() {
        let mut value = agent_desktop();
        value["person"]["options"]["agent-desktop"]
            .as_object_mut()
            .unwrap()
            .remove("site-2");
        let (policy, findings) = run(value);
        assert!(!policy.unwrap().enabled);
        assert_eq!(findings[0].code, "agent-desktop-half-configured");
    }

    #[test]
    fn mixing_dialects_uses_workspace_and_warns() {
        let mut value = agent_desktop();
        value["person"]["options"]["interaction-workspace"] =
            serde_json::from_str(&format!("{{ {ENABLED} }}")).unwrap();
        let (policy, findings) = run(value);
        assert_eq!(policy.unwrap().dialect, Dialect::Workspace);
        assert_eq!(findings[0].code, "mixed-dialects");
    }

    #[test]
    fn differing_site_timeouts_between_sites_warn() {
        let mut value = agent_desktop();
        value["desktop_applications"][1]["options"]["agent-desktop"]["site-timeout"] = "30".into();
        assert_eq!(codes(value), ["site-timeouts-differ"]);
    }
}
