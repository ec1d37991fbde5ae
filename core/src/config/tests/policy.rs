//! Resolving each dialect's options into the policy.

use super::bundle;
use crate::config::diagnostic::Diagnostic;
use crate::config::policy::bootstrap_plan;
use crate::config::schema::Bundle;
use crate::config::topology::server_sites;
use crate::config::validate::validate;
use crate::types::{Member, Service, ServiceSet};

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
    let names: Vec<&str> = sites.iter().map(|(site, _)| site.as_str()).collect();
    assert_eq!(names, ["SiteA", "SiteB"]);
    assert_eq!(
        sites["SiteA"],
        Service::ALL,
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
