// How the page says things: virtual times, durations and counts as the
// command-line tool prints them, and one line of plain words for each input
// and output (the log's text column; the trace keeps the exact JSON).

/**
 * A virtual time as `mm:ss.mmm` (`h:mm:ss.mmm` from an hour on), as
 * `continuity simulate --format text` prints it; `millis: false` leaves the
 * milliseconds out, `hours: true` always writes the hour, `pad: false`
 * writes minutes under the hour without a leading zero (`2:10`, as
 * `continuity fleet` prints them).
 */
export function clockText(ms, { millis = true, hours = false, pad = true } = {}) {
  const whole = Math.max(0, Math.floor(ms));
  const fraction = millis ? `.${String(whole % 1000).padStart(3, "0")}` : "";
  const seconds = Math.floor(whole / 1000);
  const s = String(seconds % 60).padStart(2, "0");
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60 && !hours) return `${pad ? String(minutes).padStart(2, "0") : minutes}:${s}${fraction}`;
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}:${s}${fraction}`;
}

/** A duration as people say it: `59.5 s`, `2 min 05 s`. */
export function durationText(ms) {
  const whole = Math.max(0, ms);
  if (whole < 60_000) return `${(whole / 1000).toFixed(1)} s`;
  const seconds = Math.floor(whole / 1000);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/**
 * A duration in seconds with one decimal (`70.2 s`), tenths cut rather than
 * rounded, as `continuity fleet` prints them: the page and the command line
 * show the same digits for the same report.
 */
export function secondsText(ms) {
  const whole = Math.max(0, Math.floor(ms));
  return `${Math.floor(whole / 1000)}.${Math.floor((whole % 1000) / 100)} s`;
}

/** A count with thousands separators: `10,000`. */
export function countText(n) {
  return n.toLocaleString("en-US");
}

const SERVICE_WORDS = { "sip-server": "SIP Server", "stat-server": "Stat Server", "config-server": "Config Server" };

/** A service's name for people. */
export function serviceText(service) {
  return SERVICE_WORDS[service] ?? service;
}

/** One input in plain words. */
export function inputText(input) {
  switch (input.type) {
    case "start":
      return "start";
    case "config_loaded":
      return "configuration loaded";
    case "link_up":
      return `${input.site} ${serviceText(input.service)} ${input.member} link up`;
    case "link_down":
      return `${input.site} ${serviceText(input.service)} ${input.member} link DOWN`;
    case "endpoint_registered":
      return `SIP endpoint registered at ${input.site}`;
    case "endpoint_unregistered":
      return `SIP endpoint NOT registered at ${input.site}`;
    case "probe_result":
      return `probe of ${input.site}: ${input.ok ? "healthy" : "FAILED"}`;
    case "interaction_started":
      return `call ${input.id} started`;
    case "interaction_ended":
      return `call ${input.id} ended`;
    case "switch_requested":
      return `agent asks to switch to ${input.site}`;
    case "resumed":
      return "host resumed";
    case "stop":
      return "stop";
    default:
      return input.type;
  }
}

/** One output in plain words. */
export function outputText(output) {
  switch (output.type) {
    case "connect_config_server":
      return `connect to ${output.site} Config Server Proxy ${output.member}`;
    case "connect":
      return `connect to ${output.site}`;
    case "disconnect":
      return `disconnect from ${output.site}`;
    case "register_endpoint":
      return `register SIP endpoint at ${output.site}`;
    case "unregister_endpoint":
      return `unregister SIP endpoint from ${output.site}`;
    case "probe":
      return `probe ${output.site}`;
    case "recheck":
      return `recheck ${output.site} (the host was frozen)`;
    case "phase_changed":
      return output.site === null ? output.phase.replaceAll("_", " ") : `${output.phase} on ${output.site} (${output.role})`;
    case "switchover_pending":
      return `switchover ${output.from} => ${output.to} pending (${output.reason}), due at ${clockText(output.at)}`;
    case "switchover_cancelled":
      return `switchover to ${output.to} cancelled (${output.reason})`;
    case "switched":
      return `SWITCHED ${output.from} => ${output.to} (${output.reason})`;
    case "all_sites_down":
      return `all sites down, next attempt at ${clockText(output.retry_at)}`;
    case "config_error":
      return `configuration refused: ${output.diagnostics.filter((d) => d.severity === "error").length} error(s)`;
    default:
      return output.type;
  }
}

/** Whether an output is a command for the host (the rest are notices). */
export function isCommand(output) {
  return COMMANDS.has(output.type);
}

const COMMANDS = new Set(["connect_config_server", "connect", "disconnect", "register_endpoint", "unregister_endpoint", "probe", "recheck"]);
