//! The bundle's schema: everything one desktop needs, as plain data.
//!
//! Reading it is [`Bundle::from_json`] / `Bundle::from_toml` (with the `toml` feature; one reader,
//! `read.rs`); what else a bundle does is in `bundle.rs`.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use super::sorted::SortedMap;
use crate::types::{Member, Service};

/// The bundle schema version this build reads.
pub const BUNDLE_VERSION: u32 = 1;

/// Bundles larger than this many bytes are refused before parsing.
pub const MAX_BUNDLE_BYTES: usize = 4 * 1024 * 1024;

/// Everything one desktop needs: local bootstrap data, the option hierarchy,
/// the server applications and the places.
///
/// Unknown fields are ignored so that newer producers can add fields; none of
/// the fields here will be renamed within schema version 1.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    /// The schema version; must be 1.
    pub version: Version,
    /// What the desktop knows before it reaches a Configuration Server.
    #[serde(default)]
    pub local: Local,
    /// The desktop application object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<ConfigObject>,
    /// The tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<ConfigObject>,
    /// The agent groups the person belongs to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agent_groups: Vec<ConfigObject>,
    /// The person (agent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<ConfigObject>,
    /// SIP Server, Stat Server and Configuration Server applications.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<ServerApplication>,
    /// Per-site desktop application objects (agent-desktop dialect).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub desktop_applications: Vec<DesktopApplication>,
    /// Places and their DNs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<Place>,
}

/// The bundle schema version, checked while parsing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Version(u32);

impl Default for Version {
    fn default() -> Self {
        Version(BUNDLE_VERSION)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let version = u64::deserialize(deserializer)?;
        if version != u64::from(BUNDLE_VERSION) {
            return Err(de::Error::custom(format_args!(
                "unsupported bundle version {version}: this build reads version {BUNDLE_VERSION}"
            )));
        }
        Ok(Version(BUNDLE_VERSION))
    }
}

/// The local bootstrap configuration.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Local {
    /// Both sites, in the order the desktop tries them.
    #[serde(default)]
    pub sites: Vec<LocalSite>,
}

/// What the desktop knows locally about one site.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalSite {
    /// The site name.
    pub name: String,
    /// The site's Configuration Server Proxy pair.
    #[serde(default)]
    pub config_server: ConfigServerPair,
    /// The desktop application object to log in with at this site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<ApplicationRef>,
    /// The place name at this site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

/// A Configuration Server Proxy HA pair, as `host:port` strings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigServerPair {
    /// The primary proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
    /// The backup proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<String>,
}

impl ConfigServerPair {
    /// The address of one member, if configured.
    pub fn member(&self, member: Member) -> Option<&str> {
        match member {
            Member::Primary => self.primary.as_deref(),
            Member::Backup => self.backup.as_deref(),
        }
    }
}

/// An application name and type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApplicationRef {
    /// The application object's name.
    pub name: String,
    /// The application type, as in `InteractionWorkspace`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// Option sections: section name to option name to value.
pub type Options = SortedMap<String, SortedMap<String, OptionValue>>;

/// A configuration object that carries options: application, tenant, agent group, person.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigObject {
    /// The object's name.
    pub name: String,
    /// Its options, by section.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub options: Options,
    /// A Genesys Administrator option export to read the options from instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options_file: Option<String>,
}

/// A server application: one member of a SIP, Stat or Configuration Server pair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerApplication {
    /// The application's name.
    pub name: String,
    /// Which service it serves: a SIP Server, a Stat Server, or a
    /// Configuration Server (Proxy).
    #[serde(rename = "type")]
    pub kind: Service,
    /// The name of its backup application, if this is a primary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<String>,
    /// Its options, by section.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub options: Options,
    /// A Genesys Administrator option export to read the options from instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options_file: Option<String>,
    /// Where the desktop connects to this server, `host:port` (the
    /// application's Server Info). Hosts that probe their connections, such
    /// as `continuity watch`, open TCP connections to it; the engine does
    /// not use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// For a SIP Server: where SIP endpoints send their requests,
    /// `host:port` over UDP (the SIP Server's `sip-address` and `sip-port`).
    /// Hosts that probe send SIP OPTIONS to it; the engine does not use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sip_address: Option<String>,
}

/// A per-site desktop application object (agent-desktop dialect).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DesktopApplication {
    /// The application's name.
    pub name: String,
    /// Its options, by section.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub options: Options,
    /// A Genesys Administrator option export to read the options from instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options_file: Option<String>,
    /// Its connections to server applications.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connections: Vec<Connection>,
}

/// A connection from a desktop application object to a server application.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    /// The server application's name.
    pub server: String,
    /// The ADDP timeout in seconds, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addp_timeout: Option<OptionValue>,
}

/// A place and the DNs associated with it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// The place name.
    pub name: String,
    /// The site the place belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// The DNs associated with the place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dns: Vec<String>,
}

/// An option value. Genesys option values are strings; JSON numbers and
/// booleans are accepted too and kept in their text form (`30`, `true`; a
/// JSON number exactly as written).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct OptionValue(pub String);

impl OptionValue {
    /// The value as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for OptionValue {
    fn from(value: &str) -> Self {
        OptionValue(value.to_owned())
    }
}

impl<'de> Deserialize<'de> for OptionValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ValueVisitor;

        impl Visitor<'_> for ValueVisitor {
            type Value = OptionValue;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an option value (a string, number or boolean)")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<OptionValue, E> {
                Ok(OptionValue(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<OptionValue, E> {
                Ok(OptionValue(v))
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<OptionValue, E> {
                Ok(OptionValue(v.to_string()))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<OptionValue, E> {
                Ok(OptionValue(v.to_string()))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<OptionValue, E> {
                Ok(OptionValue(v.to_string()))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<OptionValue, E> {
                Ok(OptionValue(v.to_string()))
            }
        }

        deserializer.deserialize_any(ValueVisitor)
    }
}

/// Splits a `host:port` address (`[v6]:port` for IPv6 literals) into its
/// host and port; `None` unless the host is not empty, has no whitespace,
/// and the port is a decimal number from 1 to 65535.
///
/// ```
/// use continuity_core::config::split_host_port;
///
/// assert_eq!(split_host_port("sips-a.example:5060"), Some(("sips-a.example", 5060)));
/// assert_eq!(split_host_port("[::1]:5060"), Some(("::1", 5060)));
/// assert_eq!(split_host_port("sips-a.example"), None);
/// ```
pub fn split_host_port(address: &str) -> Option<(&str, u16)> {
    let (host, port) = address.rsplit_once(':')?;
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.strip_suffix(']')?,
        None if host.contains(':') => return None,
        None => host,
    };
    let port: u16 = port
        .parse()
        .ok()
        .filter(|p| *p > 0 && !port.starts_with('+'))?;
    let plain = !host.is_empty() && !host.chars().any(|c| c.is_whitespace() || c == '/');
    plain.then_some((host, port))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn option_values_accept_strings_numbers_and_booleans() {
        let options: BTreeMap<String, OptionValue> =
            serde_json::from_str(r#"{"a":"30","b":30,"c":true}"#).unwrap();
        assert_eq!(options["a"].as_str(), "30");
        assert_eq!(options["b"].as_str(), "30");
        assert_eq!(options["c"].as_str(), "true");
        let err = serde_json::from_str::<OptionValue>("[1]").unwrap_err();
        assert!(
            err.to_string().contains("a string, number or boolean"),
            "{err}"
        );
    }
}
