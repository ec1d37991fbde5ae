//! Validating a bundle: its policy resolved and every rule checked, in one
//! pass that reports every problem.

use super::diagnostic::Diagnostic;
use super::options::Hierarchy;
use super::policy;
use super::resolved::{Dialect, ResolvedPolicy};
use super::rules;
use super::schema::Bundle;

/// A policy that validated, with the warnings found on the way.
#[derive(Clone, Debug, PartialEq)]
pub struct Validated {
    /// The policy.
    pub policy: ResolvedPolicy,
    /// Warnings: the policy works, but probably not as intended.
    pub warnings: Vec<Diagnostic>,
}

/// Resolves and validates a bundle.
///
/// The dialect is chosen by a documented rule: the Workspace dialect when
/// `disaster-recovery.enabled` is `true` in the `interaction-workspace`
/// section; otherwise the agent-desktop dialect when the person (or any
/// level of the hierarchy) sets `site-1` or `site-2` in the `agent-desktop`
/// section; otherwise the Workspace dialect (Business Continuity off). A
/// bundle that sets both gets a `mixed-dialects` warning naming the one used.
///
/// # Errors
///
/// Every error found, followed by every warning, when any error is found.
pub fn validate(bundle: &Bundle) -> Result<Validated, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    if bundle.has_option_files() {
        diagnostics.push(Diagnostic::error(
            "options-file-unresolved",
            "the bundle names `options_file`s that were not read: the host must resolve them \
             first (`Bundle::resolve_option_files`; the `continuity` tool does it), or inline the options",
        ));
    }
    let hierarchy = Hierarchy::new(bundle);
    let resolution = match policy::dialect_of(&hierarchy, &mut diagnostics) {
        Dialect::Workspace => policy::workspace(bundle, &hierarchy, &mut diagnostics),
        Dialect::AgentDesktop => {
            // Each site's desktop application object is checked for its
            // connections as soon as its site is known, before the policy
            // is resolved from them.
            let sites = policy::agent_desktop_sites(bundle, &hierarchy, &mut diagnostics);
            for (site, app) in &sites {
                rules::desktop_application_connections(bundle, site, app, &mut diagnostics);
            }
            policy::agent_desktop(bundle, &hierarchy, &sites, &mut diagnostics)
        }
    };
    rules::check(bundle, &hierarchy, resolution.as_ref(), &mut diagnostics);

    match resolution {
        Some(policy) if !diagnostics.iter().any(Diagnostic::is_error) => Ok(Validated {
            policy,
            warnings: diagnostics,
        }),
        _ => {
            Diagnostic::errors_first(&mut diagnostics);
            Err(diagnostics)
        }
    }
}
