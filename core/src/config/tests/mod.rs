//! The tests of policy resolution and of the validation rules, end to end
//! through `validate`: both only ever run together.

mod policy;
mod rules;

use super::schema::Bundle;

/// The corpus' two-site bundle with the person's Workspace options
/// replaced by `person_options` and nothing set on the application but
/// a fast SIP re-register.
pub(super) fn bundle(person_options: &str) -> Bundle {
    let mut value: serde_json::Value =
        serde_json::from_str(include_str!("../../../tests/data/two-site.json")).unwrap();
    let person: serde_json::Value =
        serde_json::from_str(&format!("{{ {person_options} }}")).unwrap();
    value["person"]["options"]["interaction-workspace"] = person;
    value["application"]["options"]["interaction-workspace"] = serde_json::json!({
        "sipendpoint.proxies.proxy0.reregister_in_seconds": "60",
        "sipendpoint.proxies.proxy1.reregister_in_seconds": "60"
    });
    serde_json::from_value(value).unwrap()
}
