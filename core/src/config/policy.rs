//! Resolution of a bundle into the policy the engine runs on, dialect by
//! dialect, and of a local-only bundle into its bootstrap plan.
//!
//! `validate` runs it, and the validation rules after it.

use super::diagnostic::Diagnostic;
use super::options::{
    self, AGENT_DESKTOP_SECTION, Hierarchy, TimeoutOptions, Timing, WORKSPACE_SECTION,
};
use super::resolved::{Dialect, ResolvedPolicy};
use super::schema::{Bundle, DesktopApplication};
use super::topology::server_sites;
use crate::types::{Member, Name, Service, ServiceSet};

/// What a desktop holding only its local configuration does: bootstrap.
#[derive(Clone, Debug, PartialEq)]
pub struct BootstrapPlan {
    /// The Configuration Server Proxies to try, in order.
    pub config_servers: Vec<(Name, Member)>,
    /// Timings (bootstrap connect timeout and backoff) from any options present.
    pub timing: Timing,
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

/// The dialect a bundle is written in (the rule is on `validate`).
pub(crate) fn dialect_of(hierarchy: &Hierarchy<'_>, diagnostics: &mut Vec<Diagnostic>) -> Dialect {
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
pub(crate) fn workspace(
    bundle: &Bundle,
    hierarchy: &Hierarchy<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ResolvedPolicy> {
    let section = WORKSPACE_SECTION;
    let sites: Vec<String> = server_sites(bundle)
        .into_iter()
        .map(|(site, _)| site)
        .collect();
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

/// The agent-desktop dialect's sites: `site-1` / `site-2` name per-site
/// desktop application objects, and a site is the local site whose
/// application is that object. In `site-1`, `site-2` order, those found.
pub(crate) fn agent_desktop_sites<'b>(
    bundle: &'b Bundle,
    hierarchy: &Hierarchy<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, &'b DesktopApplication)> {
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
    objects
        .iter()
        .filter_map(|(option, app)| {
            Some((site_of_application(bundle, option, app, diagnostics)?, *app))
        })
        .collect()
}

/// The agent-desktop dialect's policy, from its [`agent_desktop_sites`]:
/// the first is the preferred site, the second the peer; only the SIP
/// Server pair triggers a switch.
pub(crate) fn agent_desktop(
    bundle: &Bundle,
    hierarchy: &Hierarchy<'_>,
    sites: &[(String, &DesktopApplication)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ResolvedPolicy> {
    let section = AGENT_DESKTOP_SECTION;
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

fn check_enabled_sites(
    hierarchy: &Hierarchy<'_>,
    preferred: Option<String>,
    peer: Option<String>,
    sites: &[String],
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
    sites: &[String],
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

fn known_sites_text(sites: &[String]) -> String {
    if sites.is_empty() {
        return format!(
            "the sites named by the servers' `{}` (none is set yet)",
            options::SITE
        );
    }
    let names: Vec<String> = sites.iter().map(|s| format!("`{s}`")).collect();
    names.join(", ")
}
