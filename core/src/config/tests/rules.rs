//! The validation rules, each broken on purpose in a correct deployment.

use serde_json::{Value, json};

use super::bundle as workspace_bundle;
use crate::config::diagnostic::Diagnostic;
use crate::config::resolved::{Dialect, ResolvedPolicy};
use crate::config::validate::validate;
use crate::types::{Service, ServiceSet};

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

#[test]
fn failover_spread_resolves_in_both_dialects_and_defaults_to_zero() {
    assert_eq!(run(workspace()).0.unwrap().timing.failover_spread, 0);
    let mut value = workspace();
    value["person"]["options"]["interaction-workspace"]["continuity.failover-spread"] = "20".into();
    let (policy, findings) = run(value);
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(policy.unwrap().timing.failover_spread, 20_000);

    let mut value = agent_desktop();
    value["person"]["options"]["agent-desktop"]["continuity.failover-spread"] = "15".into();
    let (policy, findings) = run(value);
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(policy.unwrap().timing.failover_spread, 15_000);
}

#[test]
fn failover_spread_out_of_range_is_an_error() {
    for bad in ["-5", "1.5", "604801", "ten"] {
        let mut value = workspace();
        value["person"]["options"]["interaction-workspace"]["continuity.failover-spread"] =
            bad.into();
        let (policy, findings) = run(value);
        assert!(policy.is_none(), "{bad}");
        assert_eq!(findings[0].code, "invalid-integer", "{bad}");
        assert_eq!(
            findings[0].option.as_deref(),
            Some("continuity.failover-spread")
        );
    }
}

#[test]
fn a_failover_spread_longer_than_its_timeout_warns() {
    // Workspace: T = 60 s, W = 30 s by default; 45 s exceeds W only.
    let mut value = workspace();
    value["person"]["options"]["interaction-workspace"]["continuity.failover-spread"] = "45".into();
    let (policy, findings) = run(value);
    assert_eq!(policy.unwrap().timing.failover_spread, 45_000);
    assert_eq!(findings.len(), 1, "{findings:?}");
    let warning = &findings[0];
    assert_eq!(warning.code, "failover-spread-exceeds-timeout");
    assert_eq!(warning.object.as_deref(), Some("person agent1"));
    assert!(
        warning.message.contains(
            "longer than `disaster-recovery.wait-for-sipphone-timeout` (30 s), the timeout it extends: a desktop may stay up to 105 s on a dead site"
        ),
        "{warning}"
    );
    // Agent desktop: 25 s and 20 s; 30 s exceeds both, 20 s neither.
    let mut value = agent_desktop();
    value["person"]["options"]["agent-desktop"]["continuity.failover-spread"] = "30".into();
    let findings = run(value).1;
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0]
            .message
            .contains("`site-timeout` (25 s) and `site-sip-register-timeout` (20 s)"),
        "{}",
        findings[0]
    );
    let mut value = agent_desktop();
    value["person"]["options"]["agent-desktop"]["continuity.failover-spread"] = "20".into();
    assert!(run(value).1.is_empty());
}
