//! Resolution of a bundle into the policy the engine runs on.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::bundle::{Bundle, DesktopApplication};
use super::diagnostic::Diagnostic;
use super::options::{
    self, AGENT_DESKTOP_SECTION, Hierarchy, TimeoutOptions, Timing, WORKSPACE_SECTION,
};
use super::rules;
use crate::types::{Member, Name, Service, ServiceSet};

/// Which configuration dialect a policy was resolved from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dialect {
    /// `interaction-workspace` / `disaster-recovery.*` (Workspace Desktop Edition).
    Workspace,
    /// `agent-desktop` / `site-1`, `site-2` (SIP Disaster Recovery configuration data).
    AgentDesktop,
}

/// Everything the engine needs to run, resolved from a bundle.
///
/// Both configuration dialects resolve to this one type; the engine never
/// looks at a bundle's options itself.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedPolicy {
    /// The dialect the policy came from.
    pub dialect: Dialect,
    /// Whether Business Continuity is on.
    pub enabled: bool,
    /// The preferred site (with Business Continuity off: the site to connect to).
    pub preferred: Name,
    /// The peer site. Always set with Business Continuity on; with it off,
    /// set only when configured (a desktop on it stays there, never switches).
    pub peer: Option<Name>,
    /// The services whose loss starts the switchover timer.
    pub triggers: ServiceSet,
    /// Switch back to the preferred site when it recovers.
    pub auto_restore: bool,
    /// Defer the switchback while an interaction is active.
    pub restore_when_idle: bool,
    /// Every timing, in milliseconds.
    pub timing: Timing,
    /// The Configuration Server Proxies to try at bootstrap, in order.
    pub config_servers: Vec<(Name, Member)>,
}

/// A policy that validated, with the warnings found on the way.
#[derive(Clone, Debug, PartialEq)]
pub struct Validated {
    /// The policy.
    pub policy: ResolvedPolicy,
    /// Warnings: the policy works, but probably not as intended.
    pub warnings: Vec<Diagnostic>,
}

/// What a desktop holding only its local configuration does: bootstrap.
#[derive(Clone, Debug, PartialEq)]
pub struct BootstrapPlan {
    /// The Configuration Server Proxies to try, in order.
    pub config_servers: Vec<(Name, Member)>,
    /// Timings (bootstrap connect timeout and backoff) from any options present.
    pub timing: Timing,
}

/// Resolves and validates a bundle.
///
/// The dialect is chosen by a documented rule: the Workspace dialect when
/// `disaster-recovery.enabled` is `true` in the `interaction-workspace`
/// section; otherwise the agent-desktop dialect when the person (or any
/// level of the hierarchy) sets `site-1` or `site-2` in the `agent-desktop`
/// section; otherwise the Workspace dialect (Business Continuity off). A
/// bundle that sets both gets a `mixed-dialects` warning naming the one used.
///
/// # Errors
///
/// Every error found, followed by every warning, when any error is found.
pub fn validate(bundle: &Bundle) -> Result<Validated, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    if bundle.has_option_files() {
        diagnostics.push(Diagnostic::error(
            "options-file-unresolved",
            "the bundle names `options_file`s that were not read: the host must resolve them \
             first (`Bundle::resolve_option_files`; the `continuity` tool does it), or inline the options",
        ));
    }
    let hierarchy = Hierarchy::new(bundle);
    let resolution = match dialect_of(&hierarchy, &mut diagnostics) {
        Dialect::Workspace => workspace(bundle, &hierarchy, &mut diagnostics),
        Dialect::AgentDesktop => agent_desktop(bundle, &hierarchy, &mut diagnostics),
    };
    rules::check(bundle, &hierarchy, resolution.as_ref(), &mut diagnostics);

    match resolution {
        Some(policy) if !diagnostics.iter().any(Diagnostic::is_error) => Ok(Validated {
            policy,
            warnings: diagnostics,
        }),
        _ => {
            Diagnostic::errors_first(&mut diagnostics);
            Err(diagnostics)
        }
    }
}

/// Builds the bootstrap plan of a bundle that holds only local configuration.
///
/// # Errors
///
/// When no site has a Configuration Server Proxy address, or an option present is malformed.
pub fn bootstrap_plan(bundle: &Bundle) -> Result<BootstrapPlan, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let hierarchy = Hierarchy::new(bundle);
    let timing = Timing::from_options(&hierarchy, TimeoutOptions::WORKSPACE, &mut diagnostics);
    let config_servers = config_servers(bundle);
    if config_servers.is_empty() {
        diagnostics.push(
            Diagnostic::error(
                "local-config-server-missing",
                "the local configuration names no Configuration Server Proxy, so the desktop cannot bootstrap: \
                 give each site in `local.sites` a `config_server` with `primary` and `backup` as `host:port`",
            )
            .on("local"),
        );
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    Ok(BootstrapPlan {
        config_servers,
        timing,
    })
}

fn dialect_of(hierarchy: &Hierarchy<'_>, diagnostics: &mut Vec<Diagnostic>) -> Dialect {
    let workspace_on = hierarchy
        .string(WORKSPACE_SECTION, options::ENABLED)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let agent_desktop = hierarchy.is_set(AGENT_DESKTOP_SECTION, options::SITE_1)
        || hierarchy.is_set(AGENT_DESKTOP_SECTION, options::SITE_2);
    match (workspace_on, agent_desktop) {
        (true, true) => {
            diagnostics.push(
                Diagnostic::warning(
                    "mixed-dialects",
                    format!(
                        "both dialects are configured: `{}` is true, so the Workspace dialect is used and \
                         `{}` / `{}` in `{AGENT_DESKTOP_SECTION}` are ignored; remove one of the two",
                        options::ENABLED,
                        options::SITE_1,
                        options::SITE_2
                    ),
                )
                .option(WORKSPACE_SECTION, options::ENABLED),
            );
            Dialect::Workspace
        }
        (false, true) => Dialect::AgentDesktop,
        _ => Dialect::Workspace,
    }
}

/// The Workspace dialect: `disaster-recovery.*` options, sites named by the servers.
fn workspace(
    bundle: &Bundle,
    hierarchy: &Hierarchy<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ResolvedPolicy> {
    let section = WORKSPACE_SECTION;
    // `extend`, not `collect`, which sorts (see rules.rs).
    let mut sites: BTreeSet<String> = BTreeSet::new();
    sites.extend(server_sites(bundle).into_keys());
    let enabled = hierarchy.boolean(section, options::ENABLED, false, diagnostics);
    let auto_restore = hierarchy.boolean(section, options::AUTO_RESTORE, true, diagnostics);
    let restore_when_idle =
        hierarchy.boolean(section, options::RESTORE_WHEN_IDLE, true, diagnostics);
    let timing = Timing::from_options(hierarchy, TimeoutOptions::WORKSPACE, diagnostics);
    let preferred = hierarchy.string(section, options::PREFERRED_SITE);
    let peer = hierarchy.string(section, options::PEER_SITE);

    let (preferred, peer) = if enabled {
        check_enabled_sites(hierarchy, preferred, peer, &sites, diagnostics)?
    } else {
        let site = disabled_site(bundle, preferred, &sites, diagnostics)?;
        // Kept so that a desktop already on the peer can stay there when
        // Business Continuity is turned off; the engine never switches to it.
        let peer = peer.filter(|p| *p != site && sites.contains(p));
        (site, peer)
    };
    Some(ResolvedPolicy {
        dialect: Dialect::Workspace,
        enabled,
        preferred: preferred.as_str().into(),
        peer: peer.map(|p| p.as_str().into()),
        triggers: ServiceSet::ALL,
        auto_restore,
        restore_when_idle,
        timing,
        config_servers: config_servers(bundle),
    })
}

/// The agent-desktop dialect: `site-1` / `site-2` name per-site desktop
/// application objects; a site is the local site whose application is that
/// object; only the SIP Server pair triggers a switch.
fn agent_desktop(
    bundle: &Bundle,
    hierarchy: &Hierarchy<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ResolvedPolicy> {
    let section = AGENT_DESKTOP_SECTION;
    let names = [
        hierarchy.string(section, options::SITE_1),
        hierarchy.string(section, options::SITE_2),
    ];
    let mut objects = Vec::new();
    for (option, name) in [options::SITE_1, options::SITE_2].into_iter().zip(&names) {
        let Some(name) = name else {
            continue;
        };
        let Some(app) = bundle.desktop_applications.iter().find(|a| a.name == *name) else {
            let known: Vec<String> = bundle
                .desktop_applications
                .iter()
                .map(|a| format!("`{}`", a.name))
                .collect();
            let known = if known.is_empty() {
                "none is defined in `desktop_applications`".to_owned()
            } else {
                format!("use one of {}", known.join(", "))
            };
            diagnostics.push(
                Diagnostic::error(
                    "unknown-desktop-application",
                    format!("`{name}` is not a desktop application object: {known}"),
                )
                .option(section, option),
            );
            continue;
        };
        objects.push((option, app));
    }
    if names.iter().filter(|n| n.is_some()).count() == 1 {
        let (set, unset) = if names[0].is_some() {
            (options::SITE_1, options::SITE_2)
        } else {
            (options::SITE_2, options::SITE_1)
        };
        diagnostics.push(
            Diagnostic::warning(
                "agent-desktop-half-configured",
                format!(
                    "only `{set}` is set, so the agent is not covered by Business Continuity: set `{unset}` to the other site's desktop application object"
                ),
            )
            .option(section, unset),
        );
    }
    let sites: Vec<(String, &DesktopApplication)> = objects
        .iter()
        .filter_map(|(option, app)| {
            Some((site_of_application(bundle, option, app, diagnostics)?, *app))
        })
        .collect();
    for (site, app) in &sites {
        rules::desktop_application_connections(bundle, site, app, diagnostics);
    }
    let timing_of = |app: &DesktopApplication, diagnostics: &mut Vec<Diagnostic>| {
        let layered = Hierarchy::new(bundle)
            .with_fallback(format!("desktop application {}", app.name), &app.options);
        Timing::from_options(&layered, TimeoutOptions::AGENT_DESKTOP, diagnostics)
    };
    let restore_when_idle =
        hierarchy.boolean(section, options::RESTORE_WHEN_IDLE, true, diagnostics);
    let (preferred, preferred_app) = sites.first().cloned()?;
    let timing = timing_of(preferred_app, diagnostics);
    let peer = sites.get(1).map(|(site, app)| {
        let mut ignored = Vec::new();
        let peer_timing = timing_of(app, &mut ignored);
        if (peer_timing.site_timeout, peer_timing.endpoint_timeout)
            != (timing.site_timeout, timing.endpoint_timeout)
        {
            diagnostics.push(
                Diagnostic::warning(
                    "site-timeouts-differ",
                    format!(
                        "`{}` and `{}` differ between `{}` and `{}`: the preferred site's values are used; set them alike",
                        options::SITE_TIMEOUT,
                        options::SITE_SIP_REGISTER_TIMEOUT,
                        preferred_app.name,
                        app.name
                    ),
                )
                .on(format!("desktop application {}", app.name))
                .option(section, options::SITE_TIMEOUT),
            );
        }
        site.clone()
    });
    if peer.as_deref() == Some(preferred.as_str()) {
        diagnostics.push(
            Diagnostic::error(
                "preferred-equals-peer",
                format!(
                    "`{}` and `{}` both lead to site `{preferred}`: name the other site's desktop application object in `{}`",
                    options::SITE_1,
                    options::SITE_2,
                    options::SITE_2
                ),
            )
            .option(section, options::SITE_2),
        );
        return None;
    }
    Some(ResolvedPolicy {
        dialect: Dialect::AgentDesktop,
        enabled: peer.is_some(),
        preferred: preferred.as_str().into(),
        peer: peer.map(|p| p.as_str().into()),
        triggers: ServiceSet::only(Service::SipServer),
        auto_restore: true,
        restore_when_idle,
        timing,
        config_servers: config_servers(bundle),
    })
}

/// The site of a desktop application object: the local site that logs in with it.
fn site_of_application(
    bundle: &Bundle,
    option: &str,
    app: &DesktopApplication,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    let site = bundle.local.sites.iter().find(|site| {
        site.application
            .as_ref()
            .is_some_and(|a| a.name == app.name)
    });
    if site.is_none() {
        diagnostics.push(
            Diagnostic::error(
                "desktop-application-without-site",
                format!(
                    "no site of the local configuration logs in with `{}`, so its site is unknown: \
                     set `local.sites[].application.name` to `{}` for the site it belongs to",
                    app.name, app.name
                ),
            )
            .option(AGENT_DESKTOP_SECTION, option),
        );
    }
    site.map(|s| s.name.clone())
}

/// The site names carried by server applications, with the server types at each;
/// a backup inherits its primary's site.
pub(crate) fn server_sites(bundle: &Bundle) -> BTreeMap<String, BTreeSet<Service>> {
    let mut sites: BTreeMap<String, BTreeSet<Service>> = BTreeMap::new();
    for server in &bundle.servers {
        if let Some(site) = rules::site_of_server(bundle, server) {
            sites.entry(site).or_default().insert(server.kind);
        }
    }
    sites
}

fn check_enabled_sites(
    hierarchy: &Hierarchy<'_>,
    preferred: Option<String>,
    peer: Option<String>,
    sites: &BTreeSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(String, Option<String>)> {
    let known = known_sites_text(sites);
    // Where an option was set (or, for a missing one, where Business Continuity was turned on).
    let object_of = |option: &str| {
        hierarchy
            .get(WORKSPACE_SECTION, option)
            .or_else(|| hierarchy.get(WORKSPACE_SECTION, options::ENABLED))
            .map(|(_, object)| object.to_owned())
    };
    let mut check = |option: &str, value: Option<String>, code: &str, what: &str| {
        let finding = match &value {
            None => Diagnostic::error(
                code,
                format!(
                    "Business Continuity is enabled but no {what} is set: set `{option}` to one of {known}"
                ),
            ),
            Some(value) if !sites.contains(value) => Diagnostic::error(
                "unknown-site",
                format!(
                    "`{value}` is not the `{}` of any server application: use one of {known}, or set it on that site's servers",
                    options::SITE
                ),
            ),
            Some(_) => return value,
        };
        let finding = finding.option(WORKSPACE_SECTION, option);
        diagnostics.push(match object_of(option) {
            Some(object) => finding.on(object),
            None => finding,
        });
        None
    };
    let preferred = check(
        options::PREFERRED_SITE,
        preferred,
        "preferred-site-missing",
        "preferred site",
    );
    let peer = check(options::PEER_SITE, peer, "peer-site-missing", "peer site");
    let (preferred, peer) = (preferred?, peer?);
    if preferred == peer {
        diagnostics.push(
            Diagnostic::error(
                "preferred-equals-peer",
                format!(
                    "the preferred site and the peer site are both `{preferred}`: set `{}` to the other site",
                    options::PEER_SITE
                ),
            )
            .on(object_of(options::PEER_SITE).unwrap_or_default())
            .option(WORKSPACE_SECTION, options::PEER_SITE),
        );
        return None;
    }
    Some((preferred, Some(peer)))
}

/// With Business Continuity off: the preferred site if set, else the first local site, else the first server site.
fn disabled_site(
    bundle: &Bundle,
    preferred: Option<String>,
    sites: &BTreeSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    let site = preferred
        .or_else(|| bundle.local.sites.first().map(|s| s.name.clone()))
        .or_else(|| sites.first().cloned());
    if site.is_none() {
        diagnostics.push(Diagnostic::error(
            "no-site",
            format!(
                "no site is configured: set `{}` on the server applications and `{}` on the desktop",
                options::SITE,
                options::PREFERRED_SITE
            ),
        ));
    }
    site
}

fn config_servers(bundle: &Bundle) -> Vec<(Name, Member)> {
    let mut out = Vec::new();
    for site in &bundle.local.sites {
        let name: Name = site.name.as_str().into();
        for member in Member::ALL {
            if site.config_server.member(member).is_some() {
                out.push((name.clone(), member));
            }
        }
    }
    out
}

fn known_sites_text(sites: &BTreeSet<String>) -> String {
    if sites.is_empty() {
        return format!(
            "the sites named by the servers' `{}` (none is set yet)",
            options::SITE
        );
    }
    let names: Vec<String> = sites.iter().map(|s| format!("`{s}`")).collect();
    names.join(", ")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The corpus' two-site bundle with the person's Workspace options
    /// replaced by `person_options` and nothing set on the application but
    /// a fast SIP re-register.
    pub(crate) fn bundle(person_options: &str) -> Bundle {
        let mut value: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/data/two-site.json")).unwrap();
        let person: serde_json::Value =
            serde_json::from_str(&format!("{{ {person_options} }}")).unwrap();
        value["person"]["options"]["interaction-workspace"] = person;
        value["application"]["options"]["interaction-workspace"] = serde_json::json!({
            "sipendpoint.proxies.proxy0.reregister_in_seconds": "60",
            "sipendpoint.proxies.proxy1.reregister_in_seconds": "60"
        });
        serde_json::from_value(value).unwrap()
    }

    fn codes(diagnostics: &[Diagnostic]) -> Vec<&str> {
        diagnostics.iter().map(|d| d.code.as_str()).collect()
    }

    #[test]
    fn enabled_policy_resolves_sites_and_timings() {
        let v = validate(&bundle(
            r#""disaster-recovery.enabled": "true", "disaster-recovery.preferred-site": "SiteA",
               "disaster-recovery.peer-site": "SiteB", "disaster-recovery.timeout": "45""#,
        ))
        .unwrap();
        assert!(v.policy.enabled);
        assert_eq!(&*v.policy.preferred, "SiteA");
        assert_eq!(v.policy.peer.as_deref(), Some("SiteB"));
        assert_eq!(v.policy.timing.site_timeout, 45_000);
        assert_eq!(v.policy.timing.endpoint_timeout, 30_000);
        assert_eq!(v.policy.triggers, ServiceSet::ALL);
        assert_eq!(v.policy.config_servers.len(), 4);
        assert!(v.warnings.is_empty());
    }

    #[test]
    fn enabled_without_sites_names_both_options() {
        let errors = validate(&bundle(r#""disaster-recovery.enabled": "true""#)).unwrap_err();
        assert_eq!(
            codes(&errors),
            ["preferred-site-missing", "peer-site-missing"]
        );
        assert!(
            errors[0].message.contains("`SiteA`, `SiteB`"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn unknown_and_equal_sites_are_errors() {
        let errors = validate(&bundle(
            r#""disaster-recovery.enabled": "true", "disaster-recovery.preferred-site": "SiteC",
               "disaster-recovery.peer-site": "SiteB""#,
        ))
        .unwrap_err();
        assert_eq!(codes(&errors), ["unknown-site"]);
        let errors = validate(&bundle(
            r#""disaster-recovery.enabled": "true", "disaster-recovery.preferred-site": "SiteB",
               "disaster-recovery.peer-site": "SiteB""#,
        ))
        .unwrap_err();
        assert_eq!(codes(&errors), ["preferred-equals-peer"]);
    }

    #[test]
    fn backup_inherits_its_primarys_site() {
        let b = bundle("");
        let sites = server_sites(&b);
        assert_eq!(sites.keys().collect::<Vec<_>>(), ["SiteA", "SiteB"]);
        assert_eq!(
            sites["SiteA"].len(),
            3,
            "SIP, Stat and Configuration Servers"
        );
    }

    #[test]
    fn malformed_numbers_and_booleans_say_how_to_fix_them() {
        let errors = validate(&bundle(
            r#""disaster-recovery.enabled": "yes", "disaster-recovery.timeout": "0",
               "continuity.restore-spread": "abc""#,
        ))
        .unwrap_err();
        assert_eq!(
            codes(&errors),
            ["invalid-boolean", "invalid-integer", "invalid-integer"]
        );
        assert!(errors[0].message.contains("`true` or `false`"));
        assert_eq!(errors[0].object.as_deref(), Some("person agent1"));
        assert!(errors[1].message.contains("1 or more"));
    }

    #[test]
    fn person_overrides_application() {
        let mut b = bundle(r#""disaster-recovery.timeout": "20""#);
        b.application = Some(
            serde_json::from_str(
                r#"{"name":"WDE","options":{"interaction-workspace":{"disaster-recovery.timeout":"90","disaster-recovery.wait-for-sipphone-timeout":"15"}}}"#,
            )
            .unwrap(),
        );
        let v = validate(&b).unwrap();
        assert_eq!(v.policy.timing.site_timeout, 20_000);
        assert_eq!(v.policy.timing.endpoint_timeout, 15_000);
    }

    #[test]
    fn disabled_policy_uses_the_first_local_site() {
        let v = validate(&bundle("")).unwrap();
        assert!(!v.policy.enabled);
        assert_eq!(&*v.policy.preferred, "SiteA");
        assert_eq!(v.policy.peer, None);
    }

    #[test]
    fn unknown_options_get_a_suggestion() {
        let v = validate(&bundle(r#""disaster-recovery.timout": "20""#)).unwrap();
        assert_eq!(codes(&v.warnings), ["unknown-option"]);
        assert!(
            v.warnings[0]
                .message
                .contains("did you mean `disaster-recovery.timeout`?"),
            "{}",
            v.warnings[0]
        );
    }

    #[test]
    fn bootstrap_needs_a_config_server() {
        let b = Bundle::from_json(r#"{"version":1,"local":{"sites":[{"name":"SiteA"}]}}"#).unwrap();
        let errors = bootstrap_plan(&b).unwrap_err();
        assert_eq!(codes(&errors), ["local-config-server-missing"]);
        let plan = bootstrap_plan(&bundle("")).unwrap();
        assert_eq!(plan.config_servers[1], ("SiteA".into(), Member::Backup));
    }
}
