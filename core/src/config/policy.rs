//! Resolution of a bundle into the policy the engine runs on.

use std::collections::BTreeSet;

use serde::Serialize;

use super::bundle::Bundle;
use super::diagnostic::Diagnostic;
use super::options::{self, Hierarchy, KNOWN_OPTIONS, Timing, WORKSPACE_SECTION};
use crate::types::{Member, Name, ServiceSet};

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
/// # Errors
///
/// Every error found, followed by every warning, when any error is found.
pub fn validate(bundle: &Bundle) -> Result<Validated, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let hierarchy = Hierarchy::new(bundle);
    let section = WORKSPACE_SECTION;
    let sites = server_sites(bundle);

    let enabled = hierarchy.boolean(section, options::ENABLED, false, &mut diagnostics);
    let auto_restore = hierarchy.boolean(section, options::AUTO_RESTORE, true, &mut diagnostics);
    let restore_when_idle =
        hierarchy.boolean(section, options::RESTORE_WHEN_IDLE, true, &mut diagnostics);
    let timing = Timing::from_options(&hierarchy, section, &mut diagnostics);
    let preferred = hierarchy.string(section, options::PREFERRED_SITE);
    let peer = hierarchy.string(section, options::PEER_SITE);

    let resolved_sites = if enabled {
        check_enabled_sites(preferred, peer, &sites, &mut diagnostics)
    } else {
        disabled_site(bundle, preferred, &sites, &mut diagnostics).map(|site| {
            // Kept so that a desktop already on the peer can stay there when
            // Business Continuity is turned off; the engine never switches to it.
            let peer = peer.filter(|p| *p != site && sites.contains(p));
            (site, peer)
        })
    };
    warn_unknown_options(bundle, &mut diagnostics);

    let errors = diagnostics.iter().any(Diagnostic::is_error);
    match resolved_sites {
        Some((preferred, peer)) if !errors => Ok(Validated {
            policy: ResolvedPolicy {
                dialect: Dialect::Workspace,
                enabled,
                preferred: preferred.as_str().into(),
                peer: peer.map(|p| p.as_str().into()),
                triggers: ServiceSet::ALL,
                auto_restore,
                restore_when_idle,
                timing,
                config_servers: config_servers(bundle),
            },
            warnings: diagnostics,
        }),
        _ => {
            diagnostics.sort_by_key(|d| d.severity);
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
    let timing = Timing::from_options(&hierarchy, WORKSPACE_SECTION, &mut diagnostics);
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

/// The site names carried by server applications; a backup inherits its primary's site.
fn server_sites(bundle: &Bundle) -> BTreeSet<String> {
    let site_of = |name: &str| {
        let server = bundle.servers.iter().find(|s| s.name == name)?;
        let value = server.options.get(WORKSPACE_SECTION)?.get(options::SITE)?;
        let value = value.as_str().trim();
        (!value.is_empty()).then(|| value.to_owned())
    };
    let mut sites = BTreeSet::new();
    for server in &bundle.servers {
        let own = site_of(&server.name);
        let inherited = || {
            bundle
                .servers
                .iter()
                .find(|p| p.backup.as_deref() == Some(server.name.as_str()))
                .and_then(|p| site_of(&p.name))
        };
        if let Some(site) = own.or_else(inherited) {
            sites.insert(site);
        }
    }
    sites
}

fn check_enabled_sites(
    preferred: Option<String>,
    peer: Option<String>,
    sites: &BTreeSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(String, Option<String>)> {
    let known = known_sites_text(sites);
    let mut check = |option: &str, value: Option<String>, code: &str, what: &str| {
        let Some(value) = value else {
            diagnostics.push(
                Diagnostic::error(
                    code,
                    format!(
                        "Business Continuity is enabled but no {what} is set: set `{option}` to one of {known}"
                    ),
                )
                .option(WORKSPACE_SECTION, option),
            );
            return None;
        };
        if !sites.contains(&value) {
            diagnostics.push(
                Diagnostic::error(
                    "unknown-site",
                    format!(
                        "`{value}` is not the `{}` of any server application: use one of {known}, or set it on that site's servers",
                        options::SITE
                    ),
                )
                .option(WORKSPACE_SECTION, option),
            );
            return None;
        }
        Some(value)
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

/// Warns about `disaster-recovery.*` / `continuity.*` options this crate does not know.
fn warn_unknown_options(bundle: &Bundle, diagnostics: &mut Vec<Diagnostic>) {
    let objects = bundle
        .application
        .iter()
        .map(|o| ("application", o))
        .chain(bundle.tenant.iter().map(|o| ("tenant", o)))
        .chain(bundle.agent_groups.iter().map(|o| ("agent group", o)))
        .chain(bundle.person.iter().map(|o| ("person", o)));
    for (kind, object) in objects {
        let Some(section) = object.options.get(WORKSPACE_SECTION) else {
            continue;
        };
        for option in section.keys() {
            let ours =
                option.starts_with("disaster-recovery.") || option.starts_with("continuity.");
            if !ours || KNOWN_OPTIONS.contains(&option.as_str()) {
                continue;
            }
            let suggestion = nearest(option)
                .map(|s| format!(": did you mean `{s}`?"))
                .unwrap_or_else(|| ": remove it or check its spelling".to_owned());
            diagnostics.push(
                Diagnostic::warning(
                    "unknown-option",
                    format!("`{option}` is not an option Continuity knows{suggestion}"),
                )
                .on(format!("{kind} {}", object.name))
                .option(WORKSPACE_SECTION, option),
            );
        }
    }
}

/// The known option nearest to `option`, if it is close enough to be a typo.
fn nearest(option: &str) -> Option<&'static str> {
    KNOWN_OPTIONS
        .iter()
        .map(|known| (edit_distance(option, known), *known))
        .filter(|(distance, _)| *distance <= 4)
        .min()
        .map(|(_, known)| known)
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
    use super::*;

    fn bundle(person_options: &str) -> Bundle {
        let text = format!(
            r#"{{ "version": 1,
              "local": {{ "sites": [
                {{ "name": "SiteA", "config_server": {{ "primary": "a1:2020", "backup": "a2:2020" }} }},
                {{ "name": "SiteB", "config_server": {{ "primary": "b1:2020", "backup": "b2:2020" }} }} ] }},
              "person": {{ "name": "agent1", "options": {{ "interaction-workspace": {{ {person_options} }} }} }},
              "servers": [
                {{ "name": "SIPS_A", "type": "sip-server", "backup": "SIPS_A_B",
                   "options": {{ "interaction-workspace": {{ "disaster-recovery.site": "SiteA" }} }} }},
                {{ "name": "SIPS_A_B", "type": "sip-server" }},
                {{ "name": "SIPS_B", "type": "sip-server",
                   "options": {{ "interaction-workspace": {{ "disaster-recovery.site": "SiteB" }} }} }} ] }}"#
        );
        Bundle::from_json(&text).unwrap()
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
        assert_eq!(sites.into_iter().collect::<Vec<_>>(), ["SiteA", "SiteB"]);
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
