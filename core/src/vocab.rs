//! The engine's inputs and outputs, serialized as JSON objects tagged by `"type"`.

use serde::{Deserialize, Serialize};

use crate::config::{Bundle, Diagnostic};
use crate::error::Error;
use crate::json::{self, Doc, Value};
use crate::types::{Member, Millis, Name, Phase, Reason, Role, Service};
use crate::wire::{input_enum, tagged_enum};
use crate::wire_enum;

input_enum! {
    /// Something that happened in the world, handed to the engine by the host.
    ///
    /// Each variant has a typed `handle_*` method on [`Engine`](crate::Engine)
    /// too; [`Engine::handle_input`](crate::Engine::handle_input) dispatches this
    /// enum to them. [`Input::from_json`] reads one from its JSON form; serde
    /// writes it.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[serde(tag = "type")]
    pub enum Input: InputType {
        /// Start the engine: bootstrap or connect to the preferred site.
        Start = "start",
        /// The configuration read from a Configuration Server, merged over the local one.
        ConfigLoaded = "config_loaded" {
            /// The bundle that was read.
            bundle: Box<Bundle>,
        },
        /// A connection to one member of a site's service came up.
        LinkUp = "link_up" {
            /// The site.
            site: Name,
            /// The service.
            service: Service,
            /// Which member of the HA pair.
            member: Member,
        },
        /// A connection to one member of a site's service went down.
        LinkDown = "link_down" {
            /// The site.
            site: Name,
            /// The service.
            service: Service,
            /// Which member of the HA pair.
            member: Member,
        },
        /// The SIP endpoint registered at a site.
        EndpointRegistered = "endpoint_registered" {
            /// The site.
            site: Name,
        },
        /// The SIP endpoint lost or failed its registration at a site.
        EndpointUnregistered = "endpoint_unregistered" {
            /// The site.
            site: Name,
        },
        /// The answer to a [`Output::Probe`].
        ProbeResult = "probe_result" {
            /// The probed site.
            site: Name,
            /// Whether the site answered as healthy.
            ok: bool,
        },
        /// A call or other interaction started on the desktop.
        InteractionStarted = "interaction_started" {
            /// The host's identifier for the interaction.
            id: Name,
        },
        /// An interaction ended.
        InteractionEnded = "interaction_ended" {
            /// The identifier given in `interaction_started`.
            id: Name,
        },
        /// The agent (or an administrator) asked to switch to a site now.
        SwitchRequested = "switch_requested" {
            /// The site to switch to.
            site: Name,
        },
        /// The host was frozen (sleep, background tab) and runs again.
        Resumed = "resumed",
        /// Stop: unregister, disconnect, and ignore everything afterwards.
        Stop = "stop",
    }
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

    /// Reads an input from a parsed JSON value.
    pub(crate) fn from_value(doc: &Doc<'_>, value: &Value<'_>) -> Result<Input, Error> {
        let obj = doc.object(value, "an input (a map with a `type`)")?;
        let kind: InputType = doc.wire(obj.required("type")?)?;
        obj.deny_unknown(kind.field_names(), &["type"])?;
        Input::read_fields(kind, doc, &obj, value)
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

wire_enum! {
    /// What an input field holds, as the JSON reader and the package's
    /// JavaScript check it ([`InputType::fields`]).
    pub enum FieldKind {
        /// A string: a site name or an interaction identifier.
        String = "string",
        /// `true` or `false`.
        Boolean = "boolean",
        /// An object: a bundle.
        Object = "object",
        /// A [`Service`] by its wire name.
        Service = "service",
        /// A [`Member`] by its wire name.
        Member = "member",
    }
}

/// The type of an input field: what it holds and how it is read.
pub(crate) trait InputField: Sized {
    /// What it holds.
    const KIND: FieldKind;

    /// Reads it from a JSON value.
    fn read(doc: &Doc<'_>, value: &Value<'_>) -> Result<Self, Error>;
}

impl InputField for Name {
    const KIND: FieldKind = FieldKind::String;

    fn read(doc: &Doc<'_>, value: &Value<'_>) -> Result<Name, Error> {
        doc.string(value).map(Name::from)
    }
}

impl InputField for bool {
    const KIND: FieldKind = FieldKind::Boolean;

    fn read(doc: &Doc<'_>, value: &Value<'_>) -> Result<bool, Error> {
        doc.bool(value)
    }
}

impl InputField for Box<Bundle> {
    const KIND: FieldKind = FieldKind::Object;

    fn read(doc: &Doc<'_>, value: &Value<'_>) -> Result<Box<Bundle>, Error> {
        Bundle::from_value(doc, value).map(Box::new)
    }
}

impl InputField for Service {
    const KIND: FieldKind = FieldKind::Service;

    fn read(doc: &Doc<'_>, value: &Value<'_>) -> Result<Service, Error> {
        doc.wire(value)
    }
}

impl InputField for Member {
    const KIND: FieldKind = FieldKind::Member;

    fn read(doc: &Doc<'_>, value: &Value<'_>) -> Result<Member, Error> {
        doc.wire(value)
    }
}

/// An output and the engine time it was decided at, as
/// [`Engine::poll_output`](crate::Engine::poll_output) hands it out.
///
/// `at` is engine time (the host's own monotonic milliseconds): the `now`
/// of the input that caused it, or the deadline's own time for a deadline
/// (see [`Engine::handle_timeout`](crate::Engine::handle_timeout)). A
/// scenario trace is these, one per line ([`trace`](crate::trace)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Emitted {
    /// Engine time when the output was decided.
    pub at: Millis,
    /// The output.
    pub output: Output,
}

tagged_enum! {
    /// What the engine asks of the host, or tells it.
    ///
    /// Commands (`connect_config_server` to `recheck`) must be carried out by the
    /// host; notices (`phase_changed` to `config_error`) are for the UI and logs.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(tag = "type")]
    pub enum Output: OutputType {
        /// Bootstrap: connect to one member of a site's Configuration Server Proxy pair.
        ConnectConfigServer = "connect_config_server" {
            /// The site.
            site: Name,
            /// Which member of the pair.
            member: Member,
        },
        /// Connect the desktop to every service of a site.
        Connect = "connect" {
            /// The site.
            site: Name,
        },
        /// Close every connection to a site.
        Disconnect = "disconnect" {
            /// The site.
            site: Name,
        },
        /// Register the SIP endpoint at a site.
        RegisterEndpoint = "register_endpoint" {
            /// The site.
            site: Name,
        },
        /// Unregister the SIP endpoint from a site.
        UnregisterEndpoint = "unregister_endpoint" {
            /// The site.
            site: Name,
        },
        /// Check whether a site is healthy and answer with `probe_result`.
        Probe = "probe" {
            /// The site.
            site: Name,
        },
        /// The host was frozen: verify the connections to a site and report what changed.
        Recheck = "recheck" {
            /// The site.
            site: Name,
        },
        /// The phase changed.
        PhaseChanged = "phase_changed" {
            /// The new phase.
            phase: Phase,
            /// The site the desktop is on, if any.
            site: Option<Name>,
            /// That site's role, if any.
            role: Option<Role>,
        },
        /// A switch is scheduled.
        SwitchoverPending = "switchover_pending" {
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
        SwitchoverCancelled = "switchover_cancelled" {
            /// The site it would have switched to.
            to: Name,
            /// The reason it was scheduled for.
            reason: Reason,
        },
        /// The desktop switched sites.
        Switched = "switched" {
            /// The site it left.
            from: Name,
            /// The site it is connecting to.
            to: Name,
            /// Why.
            reason: Reason,
        },
        /// Neither site could be reached; the next attempt is at `retry_at`.
        AllSitesDown = "all_sites_down" {
            /// When the next connection attempt starts.
            retry_at: Millis,
        },
        /// A configuration did not validate.
        ConfigError = "config_error" {
            /// What is wrong, and how to fix it.
            diagnostics: Vec<Diagnostic>,
        },
    }
}

impl Output {
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
        assert_eq!(inputs.len(), InputType::ALL.len());
        for (input, kind) in inputs.into_iter().zip(InputType::ALL) {
            assert_eq!(input.kind(), kind);
            let value = serde_json::to_value(&input).unwrap();
            assert_eq!(
                value["type"],
                kind.as_str(),
                "serde's tag is the declared name"
            );
            let mut fields: Vec<&str> = kind.fields().iter().map(|(name, _)| *name).collect();
            fields.push("type");
            fields.sort_unstable();
            let mut written: Vec<&str> = value
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            written.sort_unstable();
            assert_eq!(written, fields, "the declared fields are the written ones");
            let text = value.to_string();
            assert_eq!(Input::from_json(&text).unwrap(), input, "{text}");
        }
    }

    #[test]
    fn input_fields_say_what_they_hold() {
        assert_eq!(
            InputType::LinkUp.fields(),
            [
                ("site", FieldKind::String),
                ("service", FieldKind::Service),
                ("member", FieldKind::Member)
            ]
        );
        assert_eq!(
            InputType::ProbeResult.fields(),
            [("site", FieldKind::String), ("ok", FieldKind::Boolean)]
        );
        assert_eq!(
            InputType::ConfigLoaded.fields(),
            [("bundle", FieldKind::Object)]
        );
        assert_eq!(InputType::Stop.fields(), []);
    }

    #[test]
    fn every_output_is_tagged_with_its_declared_name() {
        let (a, b): (Name, Name) = ("SiteA".into(), "SiteB".into());
        let outputs = [
            Output::ConnectConfigServer {
                site: a.clone(),
                member: Member::Backup,
            },
            Output::Connect { site: a.clone() },
            Output::Disconnect { site: a.clone() },
            Output::RegisterEndpoint { site: a.clone() },
            Output::UnregisterEndpoint { site: a.clone() },
            Output::Probe { site: a.clone() },
            Output::Recheck { site: a.clone() },
            Output::PhaseChanged {
                phase: Phase::Active,
                site: Some(a.clone()),
                role: Some(Role::Peer),
            },
            Output::SwitchoverPending {
                from: a.clone(),
                to: b.clone(),
                reason: Reason::Manual,
                at: 5,
            },
            Output::SwitchoverCancelled {
                to: b.clone(),
                reason: Reason::AutoRestore,
            },
            Output::Switched {
                from: a,
                to: b,
                reason: Reason::EndpointTimeout,
            },
            Output::AllSitesDown { retry_at: 9 },
            Output::ConfigError {
                diagnostics: Vec::new(),
            },
        ];
        assert_eq!(outputs.len(), OutputType::ALL.len());
        for (output, kind) in outputs.into_iter().zip(OutputType::ALL) {
            assert_eq!(output.kind(), kind);
            assert_eq!(output.type_name(), kind.as_str());
            let text = serde_json::to_string(&output).unwrap();
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(
                value["type"],
                kind.as_str(),
                "serde's tag is the declared name"
            );
            assert_eq!(serde_json::from_str::<Output>(&text).unwrap(), output);
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
