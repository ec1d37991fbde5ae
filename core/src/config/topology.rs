//! Where the servers of a bundle are: the site of each server application
//! (a backup inherits its primary's), the primary of a backup, and the
//! services each site runs.
//!
//! Plain questions about the bundle, without diagnostics: the policy
//! resolution and the validation rules both ask them, and so do hosts
//! (`continuity_core::config::{site_of_server, primary_of}`).

use super::options::{SITE, WORKSPACE_SECTION};
use super::schema::{Bundle, ServerApplication};
use super::sorted::{self, SortedMap};
use crate::types::Service;

/// The site of a server application in the Workspace dialect: its own
/// `disaster-recovery.site`, or its primary's when it is a backup.
pub fn site_of_server(bundle: &Bundle, server: &ServerApplication) -> Option<String> {
    own_site(server).or_else(|| primary_of(bundle, server).and_then(own_site))
}

/// The primary whose `backup` names this server, if it is a backup.
pub fn primary_of<'a>(
    bundle: &'a Bundle,
    server: &ServerApplication,
) -> Option<&'a ServerApplication> {
    bundle
        .servers
        .iter()
        .find(|p| p.backup.as_deref() == Some(server.name.as_str()))
}

/// The site names carried by server applications, in name order, with the
/// services at each (in `Service` order); a backup inherits its primary's site.
pub(crate) fn server_sites(bundle: &Bundle) -> SortedMap<String, Vec<Service>> {
    let mut sites = SortedMap::new();
    for server in &bundle.servers {
        if let Some(site) = site_of_server(bundle, server) {
            sorted::insert(sites.entry(site).or_default(), server.kind);
        }
    }
    sites
}

/// A server's own `disaster-recovery.site`, if set and not blank.
fn own_site(server: &ServerApplication) -> Option<String> {
    let value = server.options.get(WORKSPACE_SECTION)?.get(SITE)?;
    let value = value.as_str().trim();
    (!value.is_empty()).then(|| value.to_owned())
}
