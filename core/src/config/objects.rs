//! The one walk over the objects of a bundle that carry options: the
//! application, the tenant, the agent groups, the person, the server
//! applications and the desktop applications, in bundle order.
//!
//! Whatever looks at every object's options (the unknown-option rule, the
//! `options_file` resolution) goes through [`objects`] or [`objects_mut`],
//! so an object kind added to the schema is added here once.

use super::schema::{Bundle, ConfigObject, Options};

/// What kind of object carries the options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ObjectKind {
    /// The desktop application object.
    Application,
    /// The tenant.
    Tenant,
    /// An agent group.
    AgentGroup,
    /// The person (agent).
    Person,
    /// A SIP, Stat or Configuration Server application.
    ServerApplication,
    /// A per-site desktop application object (agent-desktop dialect).
    DesktopApplication,
}

impl ObjectKind {
    /// How messages name the kind, as in `agent group`.
    pub(crate) fn label(self) -> &'static str {
        match self {
            ObjectKind::Application => "application",
            ObjectKind::Tenant => "tenant",
            ObjectKind::AgentGroup => "agent group",
            ObjectKind::Person => "person",
            ObjectKind::ServerApplication => "server application",
            ObjectKind::DesktopApplication => "desktop application",
        }
    }
}

/// One object that carries options, borrowed from a bundle.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Object<'a> {
    /// What it is.
    pub kind: ObjectKind,
    /// Its name.
    pub name: &'a str,
    /// Its options, by section.
    pub options: &'a Options,
    /// The option export to read its options from, if it names one.
    pub options_file: Option<&'a str>,
}

/// One object that carries options, borrowed mutably from a bundle.
#[derive(Debug)]
pub(crate) struct ObjectMut<'a> {
    /// What it is.
    pub kind: ObjectKind,
    /// Its name.
    pub name: &'a str,
    /// Its options, by section.
    pub options: &'a mut Options,
    /// The option export to read its options from, if it names one.
    pub options_file: &'a mut Option<String>,
}

impl Object<'_> {
    /// The object as messages name it, as in `person agent1`.
    pub(crate) fn describe(&self) -> String {
        describe(self.kind, self.name)
    }
}

impl ObjectMut<'_> {
    /// The object as messages name it, as in `person agent1`.
    pub(crate) fn describe(&self) -> String {
        describe(self.kind, self.name)
    }
}

/// Every object of `bundle` that carries options, in bundle order.
///
/// A list rather than a chain of iterators: the chain's `next` was compiled
/// into every loop over it (0.4 KB gzip of the runtime module a desktop
/// downloads).
pub(crate) fn objects(bundle: &Bundle) -> Vec<Object<'_>> {
    let mut all = Vec::with_capacity(
        3 + bundle.agent_groups.len() + bundle.servers.len() + bundle.desktop_applications.len(),
    );
    if let Some(o) = &bundle.application {
        all.push(config(ObjectKind::Application, o));
    }
    if let Some(o) = &bundle.tenant {
        all.push(config(ObjectKind::Tenant, o));
    }
    for o in &bundle.agent_groups {
        all.push(config(ObjectKind::AgentGroup, o));
    }
    if let Some(o) = &bundle.person {
        all.push(config(ObjectKind::Person, o));
    }
    for o in &bundle.servers {
        all.push(object(
            ObjectKind::ServerApplication,
            &o.name,
            &o.options,
            &o.options_file,
        ));
    }
    for o in &bundle.desktop_applications {
        all.push(object(
            ObjectKind::DesktopApplication,
            &o.name,
            &o.options,
            &o.options_file,
        ));
    }
    all
}

fn object<'b>(
    kind: ObjectKind,
    name: &'b str,
    options: &'b Options,
    options_file: &'b Option<String>,
) -> Object<'b> {
    Object {
        kind,
        name,
        options,
        options_file: options_file.as_deref(),
    }
}

fn config(kind: ObjectKind, o: &ConfigObject) -> Object<'_> {
    object(kind, &o.name, &o.options, &o.options_file)
}

/// Every object of `bundle` that carries options, in bundle order, to change.
pub(crate) fn objects_mut(bundle: &mut Bundle) -> impl Iterator<Item = ObjectMut<'_>> {
    let Bundle {
        application,
        tenant,
        agent_groups,
        person,
        servers,
        desktop_applications,
        ..
    } = bundle;
    let hierarchy = [
        (ObjectKind::Application, application.as_mut()),
        (ObjectKind::Tenant, tenant.as_mut()),
    ]
    .into_iter()
    .chain(
        agent_groups
            .iter_mut()
            .map(|o| (ObjectKind::AgentGroup, Some(o))),
    )
    .chain([(ObjectKind::Person, person.as_mut())])
    .filter_map(|(kind, o)| Some((kind, o?)))
    .map(|(kind, o)| ObjectMut {
        kind,
        name: &o.name,
        options: &mut o.options,
        options_file: &mut o.options_file,
    });
    let servers = servers.iter_mut().map(|o| ObjectMut {
        kind: ObjectKind::ServerApplication,
        name: &o.name,
        options: &mut o.options,
        options_file: &mut o.options_file,
    });
    let desktops = desktop_applications.iter_mut().map(|o| ObjectMut {
        kind: ObjectKind::DesktopApplication,
        name: &o.name,
        options: &mut o.options,
        options_file: &mut o.options_file,
    });
    hierarchy.chain(servers).chain(desktops)
}

fn describe(kind: ObjectKind, name: &str) -> String {
    format!("{} {name}", kind.label())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_object_with_options_is_walked_once_in_bundle_order() {
        let mut bundle = Bundle::from_json(
            r#"{"version": 1,
                "person": {"name": "agent1"}, "tenant": {"name": "T"},
                "agent_groups": [{"name": "G1"}, {"name": "G2", "options_file": "g2.cfg"}],
                "application": {"name": "WDE"},
                "servers": [{"name": "SIPS_A", "type": "sip-server"}],
                "desktop_applications": [{"name": "AIL_A"}]}"#,
        )
        .unwrap();
        let expected = [
            "application WDE",
            "tenant T",
            "agent group G1",
            "agent group G2",
            "person agent1",
            "server application SIPS_A",
            "desktop application AIL_A",
        ];
        let walked: Vec<String> = objects(&bundle).iter().map(|o| o.describe()).collect();
        assert_eq!(walked, expected);
        let files: Vec<Option<&str>> = objects(&bundle).iter().map(|o| o.options_file).collect();
        assert_eq!(files[3], Some("g2.cfg"));
        let walked: Vec<String> = objects_mut(&mut bundle).map(|o| o.describe()).collect();
        assert_eq!(walked, expected);
    }
}
