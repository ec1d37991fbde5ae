//! Option names, their defaults, and lookup through the option hierarchy.

use super::diagnostic::Diagnostic;
use super::schema::{Bundle, ConfigObject, OptionValue, Options};
use crate::types::Millis;

/// The Workspace dialect's option section.
pub const WORKSPACE_SECTION: &str = "interaction-workspace";
/// The agent-desktop dialect's option section.
pub const AGENT_DESKTOP_SECTION: &str = "agent-desktop";

/// `disaster-recovery.enabled`: whether Business Continuity is on (default `false`).
pub const ENABLED: &str = "disaster-recovery.enabled";
/// `disaster-recovery.preferred-site`: the agent's preferred site.
pub const PREFERRED_SITE: &str = "disaster-recovery.preferred-site";
/// `disaster-recovery.peer-site`: the Business Continuity peer site.
pub const PEER_SITE: &str = "disaster-recovery.peer-site";
/// `disaster-recovery.timeout`: seconds from a service loss to the switch (default 60).
pub const TIMEOUT: &str = "disaster-recovery.timeout";
/// `disaster-recovery.wait-for-sipphone-timeout`: seconds to wait for endpoint registration (default 30).
pub const WAIT_FOR_SIPPHONE_TIMEOUT: &str = "disaster-recovery.wait-for-sipphone-timeout";
/// `disaster-recovery.auto-restore`: switch back to the preferred site when it recovers (default `true`).
pub const AUTO_RESTORE: &str = "disaster-recovery.auto-restore";
/// `disaster-recovery.site`: on server applications, the site they belong to.
pub const SITE: &str = "disaster-recovery.site";
/// `disaster-recovery.name`: on SIP Servers, the peer-pair name (default `default`).
pub const NAME: &str = "disaster-recovery.name";

/// `continuity.restore-probe-interval`: seconds between probes of the preferred site (default 10).
pub const RESTORE_PROBE_INTERVAL: &str = "continuity.restore-probe-interval";
/// `continuity.restore-hold-down`: seconds the preferred site must stay healthy before switching back (default 60).
pub const RESTORE_HOLD_DOWN: &str = "continuity.restore-hold-down";
/// `continuity.restore-spread`: width in seconds of the random window the switchback lands in (default 30).
pub const RESTORE_SPREAD: &str = "continuity.restore-spread";
/// `continuity.failover-spread`: width in seconds of the random window a failure-driven switch lands in (default 0).
pub const FAILOVER_SPREAD: &str = "continuity.failover-spread";
/// `continuity.restore-when-idle`: defer the switchback while an interaction is active (default `true`).
pub const RESTORE_WHEN_IDLE: &str = "continuity.restore-when-idle";
/// `continuity.backoff-base`: seconds, first all-sites-down backoff window (default 5).
pub const BACKOFF_BASE: &str = "continuity.backoff-base";
/// `continuity.backoff-cap`: seconds, largest all-sites-down backoff window (default 60).
pub const BACKOFF_CAP: &str = "continuity.backoff-cap";
/// `continuity.wake-gap`: seconds a timer may be late before the host counts as having been frozen (default 5).
pub const WAKE_GAP: &str = "continuity.wake-gap";
/// `continuity.recheck-grace`: seconds a frozen host gets to recheck before a switch (default 10).
pub const RECHECK_GRACE: &str = "continuity.recheck-grace";
/// `continuity.bootstrap-connect-timeout`: seconds to wait on one Config Server Proxy at bootstrap (default 10).
pub const BOOTSTRAP_CONNECT_TIMEOUT: &str = "continuity.bootstrap-connect-timeout";

/// `site-1` (agent-desktop dialect, on the person): the preferred site's desktop application object.
pub const SITE_1: &str = "site-1";
/// `site-2` (agent-desktop dialect, on the person): the peer site's desktop application object.
pub const SITE_2: &str = "site-2";
/// `site-timeout` (agent-desktop dialect): seconds from a SIP Server pair loss to the switch (default 30).
pub const SITE_TIMEOUT: &str = "site-timeout";
/// `site-sip-register-timeout` (agent-desktop dialect): seconds to wait for SIP registration (default 30).
pub const SITE_SIP_REGISTER_TIMEOUT: &str = "site-sip-register-timeout";

/// The largest number of seconds any timing option accepts (one week).
pub const MAX_SECONDS: u64 = 7 * 24 * 3600;

/// Every timing the engine uses, in milliseconds, resolved from options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// T: from a trigger-service loss (or a connect) to the switch.
    pub site_timeout: Millis,
    /// W: from an endpoint registration loss (or a connect) to the switch.
    pub endpoint_timeout: Millis,
    /// Between probes of the preferred site (and of the other site when all are down).
    pub probe_interval: Millis,
    /// How long the preferred site must answer probes before a switchback is scheduled.
    pub hold_down: Millis,
    /// Width of the random window the switchback lands in.
    pub restore_spread: Millis,
    /// Width of the random window a failure-driven switch lands in, after its
    /// timeout (0: the switch falls due at the timeout, to the millisecond).
    pub failover_spread: Millis,
    /// First backoff window when all sites are down.
    pub backoff_base: Millis,
    /// Largest backoff window when all sites are down.
    pub backoff_cap: Millis,
    /// How late a deadline may fire before the host counts as having been frozen.
    pub wake_gap: Millis,
    /// How long a woken host gets to recheck before a deadline is acted on.
    pub recheck_grace: Millis,
    /// How long to wait on one Config Server Proxy at bootstrap.
    pub bootstrap_connect_timeout: Millis,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            site_timeout: 60_000,
            endpoint_timeout: 30_000,
            probe_interval: 10_000,
            hold_down: 60_000,
            restore_spread: 30_000,
            failover_spread: 0,
            backoff_base: 5_000,
            backoff_cap: 60_000,
            wake_gap: 5_000,
            recheck_grace: 10_000,
            bootstrap_connect_timeout: 10_000,
        }
    }
}

/// The `continuity.*` extensions, the same in both dialects' sections.
pub(crate) const EXTENSIONS: &[&str] = &[
    RESTORE_PROBE_INTERVAL,
    RESTORE_HOLD_DOWN,
    RESTORE_SPREAD,
    FAILOVER_SPREAD,
    RESTORE_WHEN_IDLE,
    BACKOFF_BASE,
    BACKOFF_CAP,
    WAKE_GAP,
    RECHECK_GRACE,
    BOOTSTRAP_CONNECT_TIMEOUT,
];

/// The Workspace dialect's `disaster-recovery.*` options.
pub(crate) const WORKSPACE_OPTIONS: &[&str] = &[
    ENABLED,
    PREFERRED_SITE,
    PEER_SITE,
    TIMEOUT,
    WAIT_FOR_SIPPHONE_TIMEOUT,
    AUTO_RESTORE,
    SITE,
    NAME,
];

/// The agent-desktop dialect's options.
pub(crate) const AGENT_DESKTOP_OPTIONS: &[&str] =
    &[SITE_1, SITE_2, SITE_TIMEOUT, SITE_SIP_REGISTER_TIMEOUT];

/// The names and defaults of the two switchover timeouts in one dialect.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TimeoutOptions {
    pub(crate) section: &'static str,
    pub(crate) site: &'static str,
    pub(crate) endpoint: &'static str,
    pub(crate) site_default: Millis,
    pub(crate) endpoint_default: Millis,
}

impl TimeoutOptions {
    /// `disaster-recovery.timeout` (60 s) and `disaster-recovery.wait-for-sipphone-timeout` (30 s).
    pub(crate) const WORKSPACE: TimeoutOptions = TimeoutOptions {
        section: WORKSPACE_SECTION,
        site: TIMEOUT,
        endpoint: WAIT_FOR_SIPPHONE_TIMEOUT,
        site_default: 60_000,
        endpoint_default: 30_000,
    };
    /// `site-timeout` and `site-sip-register-timeout` (30 s each, the seed's typical values).
    pub(crate) const AGENT_DESKTOP: TimeoutOptions = TimeoutOptions {
        section: AGENT_DESKTOP_SECTION,
        site: SITE_TIMEOUT,
        endpoint: SITE_SIP_REGISTER_TIMEOUT,
        site_default: 30_000,
        endpoint_default: 30_000,
    };
}

/// The desktop option hierarchy: Person > Agent Group > Tenant > Application
/// (> the preferred site's desktop application object, in the agent-desktop dialect).
pub(crate) struct Hierarchy<'a> {
    /// Most specific first, with a description for diagnostics.
    layers: Vec<(String, &'a Options)>,
}

impl<'a> Hierarchy<'a> {
    pub(crate) fn new(bundle: &'a Bundle) -> Hierarchy<'a> {
        let mut layers = Vec::new();
        let mut push = |kind: &str, object: &'a ConfigObject| {
            layers.push((format!("{kind} {}", object.name), &object.options));
        };
        if let Some(person) = &bundle.person {
            push("person", person);
        }
        // Among agent groups, the one whose name sorts last wins.
        for group in groups_by_precedence(bundle) {
            push("agent group", group);
        }
        if let Some(tenant) = &bundle.tenant {
            push("tenant", tenant);
        }
        if let Some(application) = &bundle.application {
            push("application", application);
        }
        Hierarchy { layers }
    }

    /// This hierarchy with one more, least specific layer.
    pub(crate) fn with_fallback(mut self, object: String, options: &'a Options) -> Hierarchy<'a> {
        self.layers.push((object, options));
        self
    }

    /// Whether any layer sets `option` in `section`.
    pub(crate) fn is_set(&self, section: &str, option: &str) -> bool {
        self.get(section, option).is_some()
    }

    /// The most specific value of an option, and the object it came from.
    pub(crate) fn get(&self, section: &str, option: &str) -> Option<(&'a OptionValue, &str)> {
        self.layers.iter().find_map(|(object, layer)| {
            let value = layer.get(section)?.get(option)?;
            Some((value, object.as_str()))
        })
    }

    /// A string option, trimmed; empty counts as unset.
    pub(crate) fn string(&self, section: &str, option: &str) -> Option<String> {
        let (value, _) = self.get(section, option)?;
        let value = value.as_str().trim();
        (!value.is_empty()).then(|| value.to_owned())
    }

    /// A boolean option, or `default` when unset.
    pub(crate) fn boolean(
        &self,
        section: &str,
        option: &str,
        default: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> bool {
        let Some((value, object)) = self.get(section, option) else {
            return default;
        };
        match value.as_str().trim().to_ascii_lowercase().as_str() {
            "true" => true,
            "false" => false,
            other => {
                diagnostics.push(
                    Diagnostic::error(
                        "invalid-boolean",
                        format!("`{other}` is not a boolean: set it to `true` or `false`"),
                    )
                    .on(object)
                    .option(section, option),
                );
                default
            }
        }
    }

    /// A number of seconds, returned in milliseconds, or `default_ms` when unset.
    pub(crate) fn seconds(
        &self,
        section: &str,
        option: &str,
        default_ms: Millis,
        allow_zero: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Millis {
        let Some((value, object)) = self.get(section, option) else {
            return default_ms;
        };
        let text = value.as_str().trim();
        let kind = if allow_zero {
            "a whole number of seconds (0 or more)"
        } else {
            "a positive whole number of seconds"
        };
        let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        // Digits only: `+30`, `30s` or `1e3` are refused, not guessed at.
        let problem = match text.parse::<u64>() {
            _ if !digits => Some(format!(
                "`{text}` is not {kind}: write digits only, as in `30`"
            )),
            Ok(0) if !allow_zero => Some(format!("`{text}` is not {kind}: set it to 1 or more")),
            Ok(n) if n <= MAX_SECONDS => return n * 1000,
            // More than a week, or more digits than any number fits.
            _ => Some(format!(
                "`{text}` seconds is more than the largest accepted value, {MAX_SECONDS} (one week)"
            )),
        };
        if let Some(message) = problem {
            diagnostics.push(
                Diagnostic::error("invalid-integer", message)
                    .on(object)
                    .option(section, option),
            );
        }
        default_ms
    }
}

impl Timing {
    /// Reads every timing option of a dialect's section, reporting malformed values.
    pub(crate) fn from_options(
        options: &Hierarchy<'_>,
        timeouts: TimeoutOptions,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Timing {
        let d = Timing::default();
        let section = timeouts.section;
        let mut secs = |option, default, allow_zero| {
            options.seconds(section, option, default, allow_zero, diagnostics)
        };
        let timing = Timing {
            site_timeout: secs(timeouts.site, timeouts.site_default, false),
            endpoint_timeout: secs(timeouts.endpoint, timeouts.endpoint_default, false),
            probe_interval: secs(RESTORE_PROBE_INTERVAL, d.probe_interval, false),
            hold_down: secs(RESTORE_HOLD_DOWN, d.hold_down, true),
            restore_spread: secs(RESTORE_SPREAD, d.restore_spread, true),
            failover_spread: secs(FAILOVER_SPREAD, d.failover_spread, true),
            backoff_base: secs(BACKOFF_BASE, d.backoff_base, false),
            backoff_cap: secs(BACKOFF_CAP, d.backoff_cap, false),
            wake_gap: secs(WAKE_GAP, d.wake_gap, true),
            recheck_grace: secs(RECHECK_GRACE, d.recheck_grace, false),
            bootstrap_connect_timeout: secs(
                BOOTSTRAP_CONNECT_TIMEOUT,
                d.bootstrap_connect_timeout,
                false,
            ),
        };
        if timing.backoff_cap < timing.backoff_base {
            diagnostics.push(
                Diagnostic::error(
                    "backoff-cap-below-base",
                    format!(
                        "the backoff cap ({} s) is below the backoff base ({} s): raise `{BACKOFF_CAP}` or lower `{BACKOFF_BASE}`",
                        timing.backoff_cap / 1000,
                        timing.backoff_base / 1000
                    ),
                )
                .option(section, BACKOFF_CAP),
            );
        }
        if let Some(warning) = timing.failover_spread_warning(options, timeouts) {
            diagnostics.push(warning);
        }
        timing
    }

    /// A failover spread longer than a timeout it extends more than doubles
    /// the time a desktop stays on a dead site: worth a warning, not an error.
    fn failover_spread_warning(
        &self,
        options: &Hierarchy<'_>,
        timeouts: TimeoutOptions,
    ) -> Option<Diagnostic> {
        let spread = self.failover_spread;
        let exceeded: Vec<String> = [
            (timeouts.site, self.site_timeout),
            (timeouts.endpoint, self.endpoint_timeout),
        ]
        .iter()
        .filter(|(_, timeout)| spread > *timeout)
        .map(|(option, timeout)| format!("`{option}` ({} s)", timeout / 1000))
        .collect();
        if exceeded.is_empty() {
            return None;
        }
        let (_, object) = options.get(timeouts.section, FAILOVER_SPREAD)?;
        let longest = self.site_timeout.max(self.endpoint_timeout) + spread;
        Some(
            Diagnostic::warning(
                "failover-spread-exceeds-timeout",
                format!(
                    "the failover spread ({} s) is longer than {}, {} it extends: a desktop may stay up to {} s on a dead site; keep `{FAILOVER_SPREAD}` at or below the timeout",
                    spread / 1000,
                    exceeded.join(" and "),
                    if exceeded.len() == 1 { "the timeout" } else { "the timeouts" },
                    longest / 1000
                ),
            )
            .on(object)
            .option(timeouts.section, FAILOVER_SPREAD),
        )
    }
}

/// The agent groups, most specific first: the name that sorts last wins.
pub(crate) fn groups_by_precedence(bundle: &Bundle) -> Vec<&ConfigObject> {
    // Inserted in order rather than sorted: a sort is compiled anew for
    // each element type (2.3 KB of the runtime module), and there are a few
    // groups. Groups of the same name keep the bundle's order.
    let mut groups: Vec<&ConfigObject> = Vec::with_capacity(bundle.agent_groups.len());
    for group in &bundle.agent_groups {
        let at = groups.partition_point(|g| g.name >= group.name);
        groups.insert(at, group);
    }
    groups
}
