//! The engine's inputs and outputs, serialized as JSON objects tagged by `"type"`.

use serde::{Deserialize, Serialize};

use crate::config::{Bundle, Diagnostic};
use crate::error::Error;
use crate::json::{self, Doc, Value};
use crate::types::{Member, Millis, Name, Phase, Reason, Role, Service};

/// Something that happened in the world, handed to the engine by the host.
///
/// Each variant has a typed `handle_*` method on [`Engine`](crate::Engine)
/// too; [`Engine::handle_input`](crate::Engine::handle_input) dispatches this
/// enum to them. [`Input::from_json`] reads one from its JSON form; serde
/// writes it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Input {
    /// Start the engine: bootstrap or connect to the preferred site.
    Start,
    /// The configuration read from a Configuration Server, merged over the local one.
    ConfigLoaded {
        /// The bundle that was read.
        bundle: Box<Bundle>,
    },
    /// A connection to one member of a site's service came up.
    LinkUp {
        /// The site.
        site: Name,
        /// The service.
        service: Service,
        /// Which member of the HA pair.
        member: Member,
    },
    /// A connection to one member of a site's service went down.
    LinkDown {
        /// The site.
        site: Name,
        /// The service.
        service: Service,
        /// Which member of the HA pair.
        member: Member,
    },
    /// The SIP endpoint registered at a site.
    EndpointRegistered {
        /// The site.
        site: Name,
    },
    /// The SIP endpoint lost or failed its registration at a site.
    EndpointUnregistered {
        /// The site.
        site: Name,
    },
    /// The answer to a [`Output::Probe`].
    ProbeResult {
        /// The probed site.
        site: Name,
        /// Whether the site answered as healthy.
        ok: bool,
    },
    /// A call or other interaction started on the desktop.
    InteractionStarted {
        /// The host's identifier for the interaction.
        id: Name,
    },
    /// An interaction ended.
    InteractionEnded {
        /// The identifier given in `interaction_started`.
        id: Name,
    },
    /// The agent (or an administrator) asked to switch to a site now.
    SwitchRequested {
        /// The site to switch to.
        site: Name,
    },
    /// The host was frozen (sleep, background tab) and runs again.
    Resumed,
    /// Stop: unregister, disconnect, and ignore everything afterwards.
    Stop,
}

impl Input {
    /// `link_up` when `up`, else `link_down`, for one member of a site's service.
    pub fn link(up: bool, site: Name, service: Service, member: Member) -> Input {
        if up {
            Input::LinkUp {
                site,
                service,
                member,
            }
        } else {
            Input::LinkDown {
                site,
                service,
                member,
            }
        }
    }

    /// The wire name of this input's type, as in `"link_down"`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Input::Start => "start",
            Input::ConfigLoaded { .. } => "config_loaded",
            Input::LinkUp { .. } => "link_up",
            Input::LinkDown { .. } => "link_down",
            Input::EndpointRegistered { .. } => "endpoint_registered",
            Input::EndpointUnregistered { .. } => "endpoint_unregistered",
            Input::ProbeResult { .. } => "probe_result",
            Input::InteractionStarted { .. } => "interaction_started",
            Input::InteractionEnded { .. } => "interaction_ended",
            Input::SwitchRequested { .. } => "switch_requested",
            Input::Resumed => "resumed",
            Input::Stop => "stop",
        }
    }
}

/// Every input type's wire name, in declaration order.
const INPUT_TYPES: &[&str] = &[
    "start",
    "config_loaded",
    "link_up",
    "link_down",
    "endpoint_registered",
    "endpoint_unregistered",
    "probe_result",
    "interaction_started",
    "interaction_ended",
    "switch_requested",
    "resumed",
    "stop",
];

/// An input's fields as read, before its type says which it needs.
struct RawInput {
    kind: &'static str,
    bundle: Option<Box<Bundle>>,
    site: Option<Name>,
    service: Option<Service>,
    member: Option<Member>,
    ok: Option<bool>,
    id: Option<Name>,
}

impl Input {
    /// Reads an input from a parsed JSON value.
    pub(crate) fn from_value(doc: &Doc<'_>, value: &Value<'_>) -> Result<Input, Error> {
        let obj = doc.object(value, "an input (a map with a `type`)")?;
        let kind = obj.required("type")?;
        let name = doc.variant(kind, INPUT_TYPES)?;
        obj.deny_unknown(fields_of(name).unwrap_or_default(), &["type"])?;
        let raw = RawInput {
            kind: name,
            bundle: obj
                .opt("bundle", |doc, v| Bundle::from_value(doc, v))?
                .map(Box::new),
            site: obj.opt("site", |doc, v| doc.string(v))?.map(Name::from),
            service: obj.opt("service", |doc, v| {
                Ok(Service::from_name(doc.variant(v, Service::NAMES)?)
                    .unwrap_or(Service::SipServer))
            })?,
            member: obj.opt("member", |doc, v| {
                Ok(match doc.variant(v, &["primary", "backup"])? {
                    "primary" => Member::Primary,
                    _ => Member::Backup,
                })
            })?,
            ok: obj.opt("ok", |doc, v| doc.bool(v))?,
            id: obj.opt("id", |doc, v| doc.string(v))?.map(Name::from),
        };
        build(raw).map_err(|field| doc.error(value, format!("missing field `{field}`")))
    }

    /// Parses an input from JSON text.
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] with the line and column of malformed JSON, an
    /// unknown `type`, or a field that is missing, unknown or of the wrong type.
    pub fn from_json(text: &str) -> Result<Input, Error> {
        let value = json::parse(text)?;
        Input::from_value(&Doc::new(text), &value)
    }
}

/// The fields of an input type, or `None` for a name that is not one.
fn fields_of(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "start" | "resumed" | "stop" => &[],
        "config_loaded" => &["bundle"],
        "link_up" | "link_down" => &["site", "service", "member"],
        "endpoint_registered" | "endpoint_unregistered" | "switch_requested" => &["site"],
        "probe_result" => &["site", "ok"],
        "interaction_started" | "interaction_ended" => &["id"],
        _ => return None,
    })
}

/// Builds the input of `raw.kind` from its fields; the error names a missing one.
fn build(raw: RawInput) -> Result<Input, &'static str> {
    fn need<T>(value: Option<T>, field: &'static str) -> Result<T, &'static str> {
        value.ok_or(field)
    }
    let kind = raw.kind;
    Ok(match kind {
        "start" => Input::Start,
        "resumed" => Input::Resumed,
        "stop" => Input::Stop,
        "config_loaded" => Input::ConfigLoaded {
            bundle: need(raw.bundle, "bundle")?,
        },
        "link_up" | "link_down" => {
            let (site, service, member) = (
                need(raw.site, "site")?,
                need(raw.service, "service")?,
                need(raw.member, "member")?,
            );
            Input::link(kind == "link_up", site, service, member)
        }
        "endpoint_registered" => Input::EndpointRegistered {
            site: need(raw.site, "site")?,
        },
        "endpoint_unregistered" => Input::EndpointUnregistered {
            site: need(raw.site, "site")?,
        },
        "switch_requested" => Input::SwitchRequested {
            site: need(raw.site, "site")?,
        },
        "probe_result" => Input::ProbeResult {
            site: need(raw.site, "site")?,
            ok: need(raw.ok, "ok")?,
        },
        "interaction_started" => Input::InteractionStarted {
            id: need(raw.id, "id")?,
        },
        _ => Input::InteractionEnded {
            id: need(raw.id, "id")?,
        },
    })
}

/// What the engine asks of the host, or tells it.
///
/// Commands (`connect_config_server` to `recheck`) must be carried out by the
/// host; notices (`phase_changed` to `config_error`) are for the UI and logs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Output {
    /// Bootstrap: connect to one member of a site's Configuration Server Proxy pair.
    ConnectConfigServer {
        /// The site.
        site: Name,
        /// Which member of the pair.
        member: Member,
    },
    /// Connect the desktop to every service of a site.
    Connect {
        /// The site.
        site: Name,
    },
    /// Close every connection to a site.
    Disconnect {
        /// The site.
        site: Name,
    },
    /// Register the SIP endpoint at a site.
    RegisterEndpoint {
        /// The site.
        site: Name,
    },
    /// Unregister the SIP endpoint from a site.
    UnregisterEndpoint {
        /// The site.
        site: Name,
    },
    /// Check whether a site is healthy and answer with `probe_result`.
    Probe {
        /// The site.
        site: Name,
    },
    /// The host was frozen: verify the connections to a site and report what changed.
    Recheck {
        /// The site.
        site: Name,
    },
    /// The phase changed.
    PhaseChanged {
        /// The new phase.
        phase: Phase,
        /// The site the desktop is on, if any.
        site: Option<Name>,
        /// That site's role, if any.
        role: Option<Role>,
    },
    /// A switch is scheduled.
    SwitchoverPending {
        /// The site the desktop is on.
        from: Name,
        /// The site it will switch to.
        to: Name,
        /// Why.
        reason: Reason,
        /// When, unless cancelled first.
        at: Millis,
    },
    /// A scheduled switch will not happen.
    SwitchoverCancelled {
        /// The site it would have switched to.
        to: Name,
        /// The reason it was scheduled for.
        reason: Reason,
    },
    /// The desktop switched sites.
    Switched {
        /// The site it left.
        from: Name,
        /// The site it is connecting to.
        to: Name,
        /// Why.
        reason: Reason,
    },
    /// Neither site could be reached; the next attempt is at `retry_at`.
    AllSitesDown {
        /// When the next connection attempt starts.
        retry_at: Millis,
    },
    /// A configuration did not validate.
    ConfigError {
        /// What is wrong, and how to fix it.
        diagnostics: Vec<Diagnostic>,
    },
}

impl Output {
    /// The wire name of this output's type, as in `"switched"`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Output::ConnectConfigServer { .. } => "connect_config_server",
            Output::Connect { .. } => "connect",
            Output::Disconnect { .. } => "disconnect",
            Output::RegisterEndpoint { .. } => "register_endpoint",
            Output::UnregisterEndpoint { .. } => "unregister_endpoint",
            Output::Probe { .. } => "probe",
            Output::Recheck { .. } => "recheck",
            Output::PhaseChanged { .. } => "phase_changed",
            Output::SwitchoverPending { .. } => "switchover_pending",
            Output::SwitchoverCancelled { .. } => "switchover_cancelled",
            Output::Switched { .. } => "switched",
            Output::AllSitesDown { .. } => "all_sites_down",
            Output::ConfigError { .. } => "config_error",
        }
    }

    /// Whether the host must act on this output (as opposed to a notice).
    pub fn is_command(&self) -> bool {
        matches!(
            self,
            Output::ConnectConfigServer { .. }
                | Output::Connect { .. }
                | Output::Disconnect { .. }
                | Output::RegisterEndpoint { .. }
                | Output::UnregisterEndpoint { .. }
                | Output::Probe { .. }
                | Output::Recheck { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_use_the_documented_wire_form() {
        let input = Input::from_json(
            r#"{"type":"link_down","site":"SiteA","service":"sip-server","member":"primary"}"#,
        )
        .unwrap();
        assert_eq!(
            input,
            Input::LinkDown {
                site: "SiteA".into(),
                service: Service::SipServer,
                member: Member::Primary
            }
        );
        assert_eq!(input.type_name(), "link_down");
    }

    #[test]
    fn every_input_reads_back_what_it_writes() {
        let site: Name = "SiteA".into();
        let bundle = Bundle::from_json(r#"{"version": 1}"#).unwrap();
        let inputs = [
            Input::Start,
            Input::ConfigLoaded {
                bundle: Box::new(bundle),
            },
            Input::LinkUp {
                site: site.clone(),
                service: Service::StatServer,
                member: Member::Backup,
            },
            Input::LinkDown {
                site: site.clone(),
                service: Service::ConfigServer,
                member: Member::Primary,
            },
            Input::EndpointRegistered { site: site.clone() },
            Input::EndpointUnregistered { site: site.clone() },
            Input::ProbeResult {
                site: site.clone(),
                ok: false,
            },
            Input::InteractionStarted { id: "c1".into() },
            Input::InteractionEnded { id: "c1".into() },
            Input::SwitchRequested { site },
            Input::Resumed,
            Input::Stop,
        ];
        assert_eq!(inputs.len(), INPUT_TYPES.len());
        for (input, name) in inputs.into_iter().zip(INPUT_TYPES) {
            assert_eq!(input.type_name(), *name);
            let text = serde_json::to_string(&input).unwrap();
            assert_eq!(Input::from_json(&text).unwrap(), input, "{text}");
        }
    }

    #[test]
    fn missing_fields_and_fields_of_other_types_are_named() {
        for (text, expected) in [
            (
                r#"{"type":"probe_result","site":"A"}"#,
                "missing field `ok`",
            ),
            (
                r#"{"type":"link_up","site":"A","service":"sip-server"}"#,
                "missing field `member`",
            ),
            (r#"{"type":"config_loaded"}"#, "missing field `bundle`"),
            (r#"{"site":"A"}"#, "missing field `type`"),
            (
                r#"{"type":"start","id":"x"}"#,
                "unknown field `id`, there are no fields",
            ),
            (
                r#"{"type":"interaction_ended","id":"x","ok":true}"#,
                "unknown field `ok`, expected `id`",
            ),
            (
                r#"{"type":"resumed","colour":"red"}"#,
                "unknown field `colour`",
            ),
            (
                r#"{"type":"link_up","site":"A","service":"web","member":"primary"}"#,
                "unknown variant `web`",
            ),
        ] {
            let err = Input::from_json(text).unwrap_err().to_string();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }

    #[test]
    fn unknown_input_types_and_fields_are_refused() {
        let err = Input::from_json(r#"{"type":"link_dwon"}"#).unwrap_err();
        assert!(
            err.to_string().contains("unknown variant `link_dwon`"),
            "{err}"
        );
        let err =
            Input::from_json(r#"{"type":"endpoint_registered","site":"A","member":"primary"}"#)
                .unwrap_err();
        assert!(err.to_string().contains("unknown field `member`"), "{err}");
    }

    #[test]
    fn outputs_use_the_documented_wire_form() {
        let out = Output::Switched {
            from: "SiteA".into(),
            to: "SiteB".into(),
            reason: Reason::SiteTimeout,
        };
        assert_eq!(
            serde_json::to_string(&out).unwrap(),
            r#"{"type":"switched","from":"SiteA","to":"SiteB","reason":"site-timeout"}"#
        );
        assert!(!out.is_command());
        let out = Output::PhaseChanged {
            phase: Phase::AllSitesDown,
            site: None,
            role: None,
        };
        assert_eq!(
            serde_json::to_string(&out).unwrap(),
            r#"{"type":"phase_changed","phase":"all_sites_down","site":null,"role":null}"#
        );
    }
}
