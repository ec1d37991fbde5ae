//! A readable timeline of a scenario run, for people.

use std::fmt::Write;

use continuity_core::{Entry, Input, Millis, Output, Step};

/// Renders a scenario journal as a timeline: one line per event, inputs
/// marked `<-`, commands `->`, notices `**`.
pub fn render_journal(journal: &[Entry]) -> String {
    let mut out = String::new();
    for entry in journal {
        let (at, mark, text) = match entry {
            Entry::Step(Step::Input { at, input }) => (*at, "<-", describe_input(input)),
            Entry::Step(Step::Freeze { at, until }) => {
                (*at, "..", format!("host frozen until {}", clock(*until)))
            }
            Entry::Output(line) => {
                let mark = if line.output.is_command() { "->" } else { "**" };
                (line.at, mark, describe_output(&line.output))
            }
        };
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{}  {mark} {text}", clock(at));
    }
    out
}

/// `mm:ss.mmm` (or `h:mm:ss.mmm` past an hour).
pub fn clock(at: Millis) -> String {
    let (ms, s) = (at % 1000, at / 1000);
    let (sec, min, hour) = (s % 60, (s / 60) % 60, s / 3600);
    if hour > 0 {
        format!("{hour}:{min:02}:{sec:02}.{ms:03}")
    } else {
        format!("{min:02}:{sec:02}.{ms:03}")
    }
}

/// One input in words.
pub fn describe_input(input: &Input) -> String {
    match input {
        Input::Start => "start".into(),
        Input::ConfigLoaded { .. } => "configuration loaded".into(),
        Input::LinkUp {
            site,
            service,
            member,
        } => format!("{site} {service} {member} link up"),
        Input::LinkDown {
            site,
            service,
            member,
        } => format!("{site} {service} {member} link DOWN"),
        Input::EndpointRegistered { site } => format!("SIP endpoint registered at {site}"),
        Input::EndpointUnregistered { site } => format!("SIP endpoint UNREGISTERED at {site}"),
        Input::ProbeResult { site, ok: true } => format!("probe of {site}: healthy"),
        Input::ProbeResult { site, ok: false } => format!("probe of {site}: FAILED"),
        Input::InteractionStarted { id } => format!("interaction {id} started"),
        Input::InteractionEnded { id } => format!("interaction {id} ended"),
        Input::SwitchRequested { site } => format!("agent asks to switch to {site}"),
        Input::Resumed => "host resumed".into(),
        Input::Stop => "stop".into(),
    }
}

/// One output in words.
pub fn describe_output(output: &Output) -> String {
    match output {
        Output::ConnectConfigServer { site, member } => {
            format!("connect to {site}'s Config Server Proxy ({member})")
        }
        Output::Connect { site } => format!("connect to {site}"),
        Output::Disconnect { site } => format!("disconnect from {site}"),
        Output::RegisterEndpoint { site } => format!("register SIP endpoint at {site}"),
        Output::UnregisterEndpoint { site } => format!("unregister SIP endpoint from {site}"),
        Output::Probe { site } => format!("probe {site}"),
        Output::Recheck { site } => format!("recheck connections to {site}"),
        Output::PhaseChanged {
            phase,
            site: Some(site),
            role: Some(role),
        } => format!("{phase} on {site} ({role})"),
        Output::PhaseChanged { phase, .. } => format!("{phase}"),
        Output::SwitchoverPending {
            from,
            to,
            reason,
            at,
        } => format!(
            "switchover {from} => {to} pending ({reason}), due at {}",
            clock(*at)
        ),
        Output::SwitchoverCancelled { to, reason } => {
            format!("switchover to {to} cancelled ({reason})")
        }
        Output::Switched { from, to, reason } => format!("SWITCHED {from} => {to} ({reason})"),
        Output::AllSitesDown { retry_at } => {
            format!("ALL SITES DOWN, next attempt at {}", clock(*retry_at))
        }
        Output::ConfigError { diagnostics } => {
            let mut text = format!("configuration error ({} finding(s))", diagnostics.len());
            for d in diagnostics {
                let _ = write!(text, "\n              {d}");
            }
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_reads_like_a_stopwatch() {
        assert_eq!(clock(0), "00:00.000");
        assert_eq!(clock(72_000), "01:12.000");
        assert_eq!(clock(3_723_004), "1:02:03.004");
    }
}
