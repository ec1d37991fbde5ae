//! The one reader of a bundle, from a parsed document: [`crate::json`]'s
//! tree, made from JSON text or (`crate::toml_tree`) from TOML text, so
//! both formats get the same field checks and the same messages.
//!
//! The schema is [`Bundle`]'s. Unknown fields are ignored (newer producers
//! may add fields) and `null` counts as an absent optional field; option
//! values may be strings, numbers or booleans, numbers kept as written.

use super::schema::{
    ApplicationRef, BUNDLE_VERSION, Bundle, ConfigObject, ConfigServerPair, Connection,
    DesktopApplication, Local, LocalSite, OptionValue, Options, Place, ServerApplication, Version,
};
use super::sorted::SortedMap;
use crate::error::Error;
use crate::json::{Doc, Kind, Value};
use crate::types::Service;

/// Reads a bundle from a parsed document.
pub(crate) fn bundle(doc: &Doc<'_>, value: &Value<'_>) -> Result<Bundle, Error> {
    let obj = doc.object(value, "a bundle (a map)")?;
    let version = obj.required("version")?;
    let number = doc.u64(version)?;
    if number != u64::from(BUNDLE_VERSION) {
        return Err(doc.error(
            version,
            format!(
                "unsupported bundle version {number}: this build reads version {BUNDLE_VERSION}"
            ),
        ));
    }
    let local = obj
        .opt("local", |doc, v| {
            let local = doc.object(v, "a map")?;
            Ok(Local {
                sites: local.list("sites", local_site)?,
            })
        })?
        .unwrap_or_default();
    Ok(Bundle {
        version: Version::default(),
        local,
        application: obj.opt("application", config_object)?,
        tenant: obj.opt("tenant", config_object)?,
        agent_groups: obj.list("agent_groups", config_object)?,
        person: obj.opt("person", config_object)?,
        servers: obj.list("servers", server)?,
        desktop_applications: obj.list("desktop_applications", desktop)?,
        places: obj.list("places", place)?,
    })
}

fn local_site(doc: &Doc<'_>, value: &Value<'_>) -> Result<LocalSite, Error> {
    let obj = doc.object(value, "a local site (a map)")?;
    Ok(LocalSite {
        name: doc.string(obj.required("name")?)?,
        config_server: obj
            .opt("config_server", |doc, v| {
                let pair = doc.object(v, "a map")?;
                Ok(ConfigServerPair {
                    primary: pair.opt_string("primary")?,
                    backup: pair.opt_string("backup")?,
                })
            })?
            .unwrap_or_default(),
        application: obj.opt("application", |doc, v| {
            let app = doc.object(v, "a map")?;
            Ok(ApplicationRef {
                name: doc.string(app.required("name")?)?,
                kind: doc.string(app.required("type")?)?,
            })
        })?,
        place: obj.opt_string("place")?,
    })
}

fn config_object(doc: &Doc<'_>, value: &Value<'_>) -> Result<ConfigObject, Error> {
    let obj = doc.object(value, "a configuration object (a map)")?;
    Ok(ConfigObject {
        name: doc.string(obj.required("name")?)?,
        options: obj.opt("options", options)?.unwrap_or_default(),
        options_file: obj.opt_string("options_file")?,
    })
}

fn server(doc: &Doc<'_>, value: &Value<'_>) -> Result<ServerApplication, Error> {
    let obj = doc.object(value, "a server application (a map)")?;
    Ok(ServerApplication {
        name: doc.string(obj.required("name")?)?,
        kind: service(doc, obj.required("type")?)?,
        backup: obj.opt_string("backup")?,
        options: obj.opt("options", options)?.unwrap_or_default(),
        options_file: obj.opt_string("options_file")?,
        address: obj.opt_string("address")?,
        sip_address: obj.opt_string("sip_address")?,
    })
}

/// A service by its wire name, as in `"sip-server"`.
fn service(doc: &Doc<'_>, value: &Value<'_>) -> Result<Service, Error> {
    let name = doc.variant(value, Service::NAMES)?;
    Service::from_name(name)
        .ok_or_else(|| doc.error(value, format!("`{name}` is not a service this build knows")))
}

fn desktop(doc: &Doc<'_>, value: &Value<'_>) -> Result<DesktopApplication, Error> {
    let obj = doc.object(value, "a desktop application (a map)")?;
    Ok(DesktopApplication {
        name: doc.string(obj.required("name")?)?,
        options: obj.opt("options", options)?.unwrap_or_default(),
        options_file: obj.opt_string("options_file")?,
        connections: obj.list("connections", |doc, v| {
            let connection = doc.object(v, "a connection (a map)")?;
            Ok(Connection {
                server: doc.string(connection.required("server")?)?,
                addp_timeout: connection.opt("addp_timeout", option_value)?,
            })
        })?,
    })
}

fn place(doc: &Doc<'_>, value: &Value<'_>) -> Result<Place, Error> {
    let obj = doc.object(value, "a place (a map)")?;
    Ok(Place {
        name: doc.string(obj.required("name")?)?,
        site: obj.opt_string("site")?,
        dns: obj.list("dns", |doc, v| doc.string(v))?,
    })
}

/// Option sections: a map of maps of values; a repeated key keeps its last value.
fn options(doc: &Doc<'_>, value: &Value<'_>) -> Result<Options, Error> {
    let sections = doc.object(value, "option sections (a map of maps)")?;
    let mut options = Options::new();
    for (section, values) in sections.members() {
        let values = doc.object(values, "a section's options (a map)")?;
        let mut read = SortedMap::new();
        for (name, value) in values.members() {
            read.insert(name.as_ref().to_owned(), option_value(doc, value)?);
        }
        options.insert(section.as_ref().to_owned(), read);
    }
    Ok(options)
}

fn option_value(doc: &Doc<'_>, value: &Value<'_>) -> Result<OptionValue, Error> {
    match &value.kind {
        Kind::String(s) => Ok(OptionValue(s.as_ref().to_owned())),
        Kind::Number(n) => Ok(OptionValue(n.to_string())),
        Kind::Bool(b) => Ok(OptionValue(b.to_string())),
        _ => Err(doc.invalid_type(value, "an option value (a string, number or boolean)")),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Bundle;
    use crate::types::Service;

    #[test]
    fn a_server_type_is_a_service_by_its_wire_name_and_nothing_else() {
        let bundle = |kind: &str| {
            Bundle::from_json(&format!(
                r#"{{"version": 1, "servers": [{{"name": "S", "type": "{kind}"}}]}}"#
            ))
        };
        for service in Service::ALL {
            let read = bundle(service.as_str()).unwrap();
            assert_eq!(read.servers[0].kind, service);
        }
        let err = bundle("config-server-proxy").unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 1, column 50: unknown variant `config-server-proxy`, \
             expected one of `sip-server`, `stat-server`, `config-server`"
        );
    }
}
