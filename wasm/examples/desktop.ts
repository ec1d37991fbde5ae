// How a browser agent desktop uses continuity-engine: load and check the
// configuration, run the engine in a Web Worker or on the page (one line
// apart: both drivers are an EngineDriver), turn the SIP stack's and the
// servers' events into inputs, carry out the commands, show the notices with
// their wall-clock times and the status, and report errors with their codes.
//
// The option export and the rehearsal use the tools entry
// (`continuity-engine/tools`), imported dynamically so that it loads only
// when used: a desktop whose deployment hands it a resolved bundle never
// loads it.
//
// Type-checked against the package's declarations (wasm/js/index.d.ts,
// wasm/js/tools.d.ts) by
//   cd wasm && npx tsc -p tsconfig.json --noEmit
// It uses every type the package exports, so that check covers all of them.

import { ContinuityError, Driver, Engine, WorkerDriver, init, isContinuityError, validate } from "continuity-engine";
import type { Files, ParsedCfg, Scenario } from "continuity-engine/tools";
import type {
  AllSitesDownOutput, ApplicationRef, Bundle, Clock, Command, ConfigErrorOutput, ConfigLoadedInput,
  ConfigObject, ConfigServerPair, ConnectConfigServerOutput, ConnectOutput, Connection, DesktopApplication,
  Diagnostic, DisconnectOutput, DriverEvents, DriverOptions, Emitted, EndpointRegisteredInput,
  EndpointUnregisteredInput, EngineDriver, EngineOptions, ErrorCode, Handled, Ignored, Input,
  InputType, InteractionEndedInput, InteractionStartedInput, LinkDownInput, LinkState, LinkUpInput, LocalSite,
  Member, NextTimer, Notice, Options, Output, OutputOf, OutputType, PendingSwitch, Phase,
  PhaseChangedOutput, Place, ProbeOutput, ProbeResultInput, Reason, RecheckOutput, RegisterEndpointOutput,
  ResolvedPolicy, ResumedInput, Role, Seed, ServerApplication, Service, ServiceStatus, StartInput,
  Status, StopInput, SwitchedOutput, SwitchoverCancelledOutput, SwitchoverPendingOutput, SwitchRequestedInput,
  TimerKind, UnregisterEndpointOutput, ValidationReport, VisibilitySource, When, WorkerCall, WorkerDone,
  WorkerError, WorkerLike, WorkerMessage, WorkerProtocol, WorkerRequest,
} from "continuity-engine";

// ------------------------------------------------------------ the desktop

/** What the desktop's own code offers the engine: its SIP stack, its server connections, its UI. */
interface Desktop {
  connectConfigServer(site: string, member: Member): void;
  connectSite(site: string): void;
  disconnectSite(site: string): void;
  registerEndpoint(site: string): void;
  unregisterEndpoint(site: string): void;
  /** Checks a site's health; calls back with the answer. */
  probe(site: string, answer: (ok: boolean) => void): void;
  /** Re-reports every link and the registration of a site after a freeze. */
  recheck(site: string): void;
  banner(text: string, tone: "info" | "warning" | "error"): void;
  log(line: string): void;
}


// ------------------------------------------------------- the configuration

/** What the desktop knows before it reaches a Configuration Server: its two sites. */
function localBundle(): Bundle {
  const site = (name: string, proxies: ConfigServerPair): LocalSite => {
    const application: ApplicationRef = { name: `WDE_${name}`, type: "InteractionWorkspace" };
    return { name, config_server: proxies, application, place: "Place_7001" };
  };
  return {
    version: 1,
    local: {
      sites: [
        site("SiteA", { primary: "cs-a1.example:2020", backup: "cs-a2.example:2020" }),
        site("SiteB", { primary: "cs-b1.example:2020", backup: "cs-b2.example:2020" }),
      ],
    },
  };
}

/** The full bundle, as the Configuration Server's objects were read; the person's options come from an export. */
function fullBundle(personExport: string): { bundle: Bundle; files: Files } {
  const workspace = (options: Record<string, string>): Options => ({ "interaction-workspace": options });
  const server = (name: string, type: Service, site: string, backup: string): ServerApplication[] => [
    { name, type, backup, options: workspace({ "disaster-recovery.site": site }) },
    { name: backup, type, options: {} },
  ];
  const application: ConfigObject = {
    name: "WDE",
    options: workspace({ "disaster-recovery.enabled": "true", "continuity.restore-spread": "30" }),
  };
  const places: Place[] = ["SiteA", "SiteB"].map((site) => ({ name: "Place_7001", site, dns: ["7001"] }));
  const bundle: Bundle = {
    ...localBundle(),
    application,
    tenant: { name: "Resources", options: {} },
    agent_groups: [{ name: "Sales", options: {} }],
    person: { name: "agent1", options_file: "exports/agent1.cfg" },
    servers: [
      ...server("SIPS_A", "sip-server", "SiteA", "SIPS_A_B"),
      ...server("Stat_A", "stat-server", "SiteA", "Stat_A_B"),
      ...server("CSP_A", "config-server", "SiteA", "CSP_A_B"),
      ...server("SIPS_B", "sip-server", "SiteB", "SIPS_B_B"),
      ...server("Stat_B", "stat-server", "SiteB", "Stat_B_B"),
      ...server("CSP_B", "config-server", "SiteB", "CSP_B_B"),
    ],
    places,
  };
  return { bundle, files: new Map([["exports/agent1.cfg", personExport]]) };
}

/** The agent-desktop dialect names one desktop application object per site, with its connections. */
function agentDesktopApplications(): DesktopApplication[] {
  const connections = (site: string): Connection[] => [
    { server: `SIPS_${site}`, addp_timeout: 30 },
    { server: `Stat_${site}`, addp_timeout: "30" },
  ];
  return [
    { name: "AIL_SiteA", connections: connections("A"), options: { "agent-desktop": { "site-timeout": "30" } } },
    { name: "AIL_SiteB", connections: connections("B") },
  ];
}

/** The tools entry, loaded on first use. */
type Tools = typeof import("continuity-engine/tools");

/** Checks a configuration before the desktop relies on it; returns the policy or shows what is wrong. */
function checkConfiguration(desktop: Desktop, bundle: Bundle): ResolvedPolicy | null {
  const report: ValidationReport = validate(bundle);
  for (const diagnostic of report.diagnostics) desktop.log(formatDiagnostic(diagnostic));
  if (!report.valid) {
    desktop.banner(`The configuration has ${report.errors} error(s); Business Continuity is off.`, "error");
    return null;
  }
  if (report.bootstrap || report.policy === null) return null;
  const { policy } = report;
  const dialect: "workspace" | "agent-desktop" = policy.dialect;
  desktop.log(
    `${dialect}: ${policy.enabled ? "on" : "off"}, ${policy.preferred} then ${policy.peer ?? "no peer"}, ` +
      `switch after ${policy.timing_ms.site_timeout / 1000} s, triggers ${policy.triggers.join(", ")}, ` +
      `auto-restore ${policy.auto_restore ? "on" : "off"}${policy.restore_when_idle ? " (when idle)" : ""}`,
  );
  return policy;
}

/** Reads an option export the administrator attached to a ticket, before trusting it. */
function inspectExport(desktop: Desktop, tools: Tools, text: string): number | undefined {
  const parsed: ParsedCfg = tools.parseCfg(text);
  for (const warning of parsed.warnings) desktop.log(formatDiagnostic(warning));
  const timeout = parsed.options["interaction-workspace"]?.["disaster-recovery.timeout"];
  return timeout === undefined ? undefined : Number(timeout) * 1000;
}

function formatDiagnostic(d: Diagnostic): string {
  const where = [d.object, d.section === null ? null : `[${d.section}]`, d.option].filter((part) => part !== null).join(" ");
  return `${d.severity}[${d.code}] ${where}: ${d.message}`;
}

// ----------------------------------------------------------------- outputs

/** Carries out a command or shows a notice; every output type is handled (the `never` check fails to compile otherwise). */
function onOutput(desktop: Desktop, driver: EngineDriver, output: Output, when: When): void {
  const type: OutputType = output.type;
  switch (type) {
    case "connect_config_server":
    case "connect":
    case "disconnect":
    case "register_endpoint":
    case "unregister_endpoint":
    case "probe":
    case "recheck":
      carryOut(desktop, driver, output as Command);
      return;
    case "phase_changed":
    case "switchover_pending":
    case "switchover_cancelled":
    case "switched":
    case "all_sites_down":
    case "config_error":
      show(desktop, driver, output as Notice, when);
      return;
    default: {
      const unhandled: never = type;
      throw new Error(`unhandled output ${String(unhandled)}`);
    }
  }
}

function carryOut(desktop: Desktop, driver: EngineDriver, command: Command): void {
  switch (command.type) {
    case "connect_config_server": {
      const c: ConnectConfigServerOutput = command;
      desktop.connectConfigServer(c.site, c.member);
      return;
    }
    case "connect": {
      const c: ConnectOutput = command;
      desktop.connectSite(c.site);
      return;
    }
    case "disconnect": {
      const c: DisconnectOutput = command;
      desktop.disconnectSite(c.site);
      return;
    }
    case "register_endpoint": {
      const c: RegisterEndpointOutput = command;
      desktop.registerEndpoint(c.site);
      return;
    }
    case "unregister_endpoint": {
      const c: UnregisterEndpointOutput = command;
      desktop.unregisterEndpoint(c.site);
      return;
    }
    case "probe": {
      const c: ProbeOutput = command;
      desktop.probe(c.site, (ok) => void driver.probeResult(c.site, ok).catch((error: unknown) => reportError(desktop, error)));
      return;
    }
    case "recheck": {
      const c: RecheckOutput = command;
      desktop.recheck(c.site);
      return;
    }
    default: {
      const unhandled: never = command;
      throw new Error(`unhandled command ${JSON.stringify(unhandled)}`);
    }
  }
}

/** A wall-clock time for the log and the banners. */
function clockTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString();
}

function show(desktop: Desktop, driver: EngineDriver, notice: Notice, when: When): void {
  switch (notice.type) {
    case "phase_changed": {
      const n: PhaseChangedOutput = notice;
      // `when.at` is engine time (the driver's clock); `when.time` the wall clock.
      desktop.log(`${clockTime(when.time)} (${when.at} ms): ${describePhase(n.phase, n.site, n.role)}`);
      return;
    }
    case "switchover_pending": {
      const n: SwitchoverPendingOutput = notice;
      // `n.at` is engine time too: wallTime puts it on the wall clock.
      const seconds = Math.round((n.at - when.at) / 1000);
      desktop.banner(`${n.from} is failing (${describeReason(n.reason)}): moving to ${n.to} at ${clockTime(driver.wallTime(n.at))} (in ${seconds} s) unless it recovers.`, "warning");
      return;
    }
    case "switchover_cancelled": {
      const n: SwitchoverCancelledOutput = notice;
      desktop.banner(`The move to ${n.to} is off (${describeReason(n.reason)}).`, "info");
      return;
    }
    case "switched": {
      const n: SwitchedOutput = notice;
      desktop.banner(`Moved from ${n.from} to ${n.to}: ${describeReason(n.reason)}.`, n.reason === "auto-restore" ? "info" : "warning");
      return;
    }
    case "all_sites_down": {
      const n: AllSitesDownOutput = notice;
      desktop.banner(`No site is reachable; trying again at ${clockTime(driver.wallTime(n.retry_at))} (in ${Math.ceil((n.retry_at - when.at) / 1000)} s).`, "error");
      return;
    }
    case "config_error": {
      const n: ConfigErrorOutput = notice;
      desktop.banner(`The configuration could not be used (${n.diagnostics.length} finding(s)).`, "error");
      for (const diagnostic of n.diagnostics) desktop.log(formatDiagnostic(diagnostic));
      return;
    }
    default: {
      const unhandled: never = notice;
      throw new Error(`unhandled notice ${JSON.stringify(unhandled)}`);
    }
  }
}

function describePhase(phase: Phase, site: string | null, role: Role | null): string {
  const where = site === null ? "" : ` on ${site}${role === "peer" ? " (backup site)" : ""}`;
  const words: Record<Phase, string> = {
    idle: "not started",
    bootstrapping: "loading the configuration",
    connecting: "connecting",
    active: "connected",
    all_sites_down: "no site reachable",
    stopped: "stopped",
  };
  return words[phase] + where;
}

function describeReason(reason: Reason): string {
  const words: Record<Reason, string> = {
    "site-timeout": "its servers did not come back in time",
    "endpoint-timeout": "the phone did not register in time",
    "auto-restore": "the preferred site is healthy again",
    "manual": "you asked for it",
  };
  return words[reason];
}

// ------------------------------------------------------------------ inputs

/** The events the desktop's SIP stack and server connections raise. */
type DesktopEvent =
  | { kind: "app-start" }
  | { kind: "config-read"; bundle: Bundle }
  | { kind: "server"; site: string; service: Service; member: Member; up: boolean }
  | { kind: "registration"; site: string; registered: boolean }
  | { kind: "probe"; site: string; ok: boolean }
  | { kind: "call"; id: string; active: boolean }
  | { kind: "agent-picks-site"; site: string }
  | { kind: "woke-up" }
  | { kind: "logout" };

/** The input for a desktop event. */
function toInput(event: DesktopEvent): Input {
  switch (event.kind) {
    case "app-start": {
      const input: StartInput = { type: "start" };
      return input;
    }
    case "config-read": {
      const input: ConfigLoadedInput = { type: "config_loaded", bundle: event.bundle };
      return input;
    }
    case "server": {
      const { site, service, member } = event;
      if (event.up) {
        const input: LinkUpInput = { type: "link_up", site, service, member };
        return input;
      }
      const input: LinkDownInput = { type: "link_down", site, service, member };
      return input;
    }
    case "registration": {
      if (event.registered) {
        const input: EndpointRegisteredInput = { type: "endpoint_registered", site: event.site };
        return input;
      }
      const input: EndpointUnregisteredInput = { type: "endpoint_unregistered", site: event.site };
      return input;
    }
    case "probe": {
      const input: ProbeResultInput = { type: "probe_result", site: event.site, ok: event.ok };
      return input;
    }
    case "call": {
      if (event.active) {
        const input: InteractionStartedInput = { type: "interaction_started", id: event.id };
        return input;
      }
      const input: InteractionEndedInput = { type: "interaction_ended", id: event.id };
      return input;
    }
    case "agent-picks-site": {
      const input: SwitchRequestedInput = { type: "switch_requested", site: event.site };
      return input;
    }
    case "woke-up": {
      const input: ResumedInput = { type: "resumed" };
      return input;
    }
    case "logout": {
      const input: StopInput = { type: "stop" };
      return input;
    }
    default: {
      const unhandled: never = event;
      throw new Error(`unhandled event ${JSON.stringify(unhandled)}`);
    }
  }
}

/** Feeds a desktop event: link changes, the hot path, go through the typed methods; logs what was ignored. */
async function feed(desktop: Desktop, driver: EngineDriver, event: DesktopEvent): Promise<void> {
  try {
    let handled: Handled;
    if (event.kind === "server") {
      handled = await (event.up ? driver.linkUp(event.site, event.service, event.member) : driver.linkDown(event.site, event.service, event.member));
    } else if (event.kind === "agent-picks-site") {
      handled = await driver.switchRequested(event.site);
    } else {
      const input = toInput(event);
      const type: InputType = input.type;
      desktop.log(`input ${type}`);
      handled = await driver.handle(input);
    }
    if (handled !== "applied") desktop.log(`${event.kind} ignored (${handled})`);
  } catch (error) {
    reportError(desktop, error);
  }
}

// ------------------------------------------------------------------ status

/** The status panel of the desktop's "Business Continuity" tab. */
function statusLines(status: Status): string[] {
  const lines = [describePhase(status.phase, status.site, status.role)];
  if (status.connected_since !== null) lines.push(`connected since ${status.connected_since} ms`);
  const pending: PendingSwitch | null = status.pending;
  if (pending !== null) lines.push(`moving to ${pending.to} at ${pending.at} ms (${describeReason(pending.reason)})`);
  for (const service of status.services) lines.push(serviceLine(service));
  lines.push(`phone ${status.endpoint_registered ? "registered" : "not registered"}`);
  if (status.interactions.length > 0) lines.push(`calls: ${status.interactions.join(", ")}`);
  if (status.pinned) lines.push("pinned to this site by the agent");
  const next: NextTimer | null = status.next_timer;
  if (next !== null) lines.push(`next: ${timerLabel(next.timer)} at ${next.at} ms`);
  const ignored: Ignored = status.ignored;
  const total = ignored.duplicate + ignored.unknown + ignored.out_of_phase;
  if (total > 0) lines.push(`${total} report(s) ignored`);
  return lines;
}

function serviceLine(service: ServiceStatus): string {
  const mark = (state: LinkState): string => ({ unknown: "?", up: "up", down: "DOWN" })[state];
  return `${service.service}${service.trigger ? "*" : ""}: primary ${mark(service.primary)}, backup ${mark(service.backup)}${service.up ? "" : " (lost)"}`;
}

function timerLabel(timer: TimerKind): string {
  const labels: Record<TimerKind, string> = {
    "site-timeout": "site timeout",
    "endpoint-timeout": "registration timeout",
    "restore": "switchback",
    "hold-down": "preferred site proven healthy",
    "restore-probe": "probe of the preferred site",
    "retry": "next attempt",
    "down-probe": "probe while all sites are down",
    "bootstrap": "next Configuration Server Proxy",
  };
  return labels[timer];
}

// ------------------------------------------------------------------ errors

/** Reports an error the package threw (or a worker request rejected with). */
function reportError(desktop: Desktop, error: unknown): void {
  if (!(error instanceof ContinuityError)) {
    // Also true of package errors from another realm, which instanceof does not see.
    desktop.log(`${isContinuityError(error) ? "continuity" : "unexpected"}: ${String(error)}`);
    return;
  }
  const e: ContinuityError = error;
  desktop.log(`${e.name} ${e.code}: ${e.message}`);
  for (const diagnostic of e.diagnostics ?? []) desktop.log(formatDiagnostic(diagnostic));
  desktop.banner(advice(e.code), e.code === "stopped" || e.code === "disposed" ? "info" : "error");
}

function advice(code: ErrorCode): string {
  switch (code) {
    case "invalid-input":
    case "invalid-time":
    case "invalid-message":
      return "The desktop reported something the failover engine could not read (a bug in the desktop).";
    case "invalid-seed":
    case "invalid-options":
    case "invalid-files":
      return "The failover engine was set up wrongly (a bug in the desktop).";
    case "invalid-bundle":
    case "parse":
    case "too-large":
    case "options-file":
    case "missing-file":
    case "invalid-cfg":
    case "invalid-scenario":
      return "The configuration cannot be used: ask your administrator.";
    case "stopped":
    case "disposed":
      return "Business Continuity has been stopped for this session.";
    case "not-initialized":
      return "The failover engine is still loading.";
    case "error":
      return "The failover engine reported an unexpected error (see the log).";
    default: {
      const unhandled: never = code;
      return `Unexpected error ${String(unhandled)}.`;
    }
  }
}

// ----------------------------------------------------------- running it

/** The clock: performance.now(), the page's timers and time origin (what the Driver uses by default, written out). */
const pageClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => window.setTimeout(callback, ms),
  clearTimeout: (handle) => window.clearTimeout(handle as number),
  timeOrigin: performance.timeOrigin,
};

/**
 * Starts the engine on the page or in a dedicated worker, whose timer keeps
 * time while the tab is hidden: the same options, the same driver interface.
 */
async function run(desktop: Desktop, bundle: Bundle, useWorker: boolean): Promise<EngineDriver> {
  let driver: EngineDriver | undefined;
  // No seed: each desktop draws its own, so that switchbacks spread out.
  const engine: EngineOptions = { bundle };
  const options: DriverOptions = {
    onOutput: (output, when) => {
      if (driver !== undefined) onOutput(desktop, driver, output, when);
    },
    onError: (error) => reportError(desktop, error),
  };
  if (useWorker) {
    const worker: WorkerLike = new Worker(new URL("continuity-engine/worker", import.meta.url), { type: "module" });
    driver = await WorkerDriver.create(worker, { ...engine, ...options });
  } else {
    const resume: VisibilitySource = { document, window };
    driver = await Driver.create({ ...engine, ...options, clock: pageClock, resume });
  }
  const seed: bigint = driver.seed;
  desktop.log(`engine seed ${seed} (replay the session with it)`);
  for (const warning of await driver.warnings()) desktop.log(formatDiagnostic(warning));
  watch(desktop, driver);
  await driver.start();
  return driver;
}

/** Subscriptions by type: a banner on switches, the status tab on every change. */
function watch(desktop: Desktop, driver: EngineDriver): () => void {
  const onSwitched: DriverEvents["switched"] = (output: OutputOf<"switched">, when) => {
    desktop.log(`${clockTime(when.time)}: on ${output.to} now`);
  };
  const unsubscribe = [
    driver.on("switched", onSwitched),
    driver.on("status", (status) => desktop.log(statusLines(status).join("; "))),
    driver.on("switchover_pending", (output) => desktop.log(`switch due at ${new Date(driver.wallTime(output.at)).toISOString()}`)),
  ];
  return () => unsubscribe.forEach((off) => off());
}

/** The engine without a driver: a support tool replays a recorded session with its seed, in virtual time. */
function replay(bundle: Bundle, seed: Seed, inputs: { at: number; input: Input }[]): string[] {
  const engine = new Engine(bundle, seed);
  try {
    const lines: string[] = [];
    for (const { at, input } of inputs) {
      const handled: Handled = engine.handle(input, at);
      // Deadlines due before `at` were handled first, at their own times.
      const emitted: Emitted[] = engine.drainEmitted();
      lines.push(`${at} ms ${input.type}: ${handled}`, ...emitted.map((e) => `  ${e.at} ms ${e.output.type}`));
    }
    return lines;
  } finally {
    engine.dispose();
  }
}

/** The same worker, spoken to directly: a diagnostics page that logs the raw protocol. */
function rawWorkerSession(desktop: Desktop, worker: WorkerLike, bundle: Bundle): void {
  worker.addEventListener("message", (event) => {
    const message: WorkerMessage = event.data;
    switch (message.type) {
      case "output":
        desktop.log(`${message.at} ms (${clockTime(message.time)}): ${message.output.type}`);
        return;
      case "turn":
        if (message.status !== undefined) desktop.log(statusLines(message.status).join("; "));
        return;
      case "done": {
        const done: WorkerDone = message;
        if (done.request === "create") desktop.log(`created with seed ${done.seed}`);
        else if (done.request === "input" || done.request === "call") desktop.log(`request ${done.id}: ${done.handled}`);
        else if (done.request === "status") desktop.log(statusLines(done.status).join("; "));
        return;
      }
      case "error": {
        const error: WorkerError = message.error;
        desktop.log(`request ${message.id ?? "-"} failed: ${error.code} ${error.message}`);
        return;
      }
      default: {
        const unhandled: never = message;
        desktop.log(`unknown message ${JSON.stringify(unhandled)}`);
      }
    }
  });
  const v: WorkerProtocol = 1;
  const call: WorkerCall = "linkDown";
  const requests: WorkerRequest[] = [
    { v, id: 1, type: "create", bundle, seed: 1n },
    { v, id: 2, type: "input", input: { type: "start" } },
    { v, id: 3, type: "call", method: call, args: ["SiteA", "sip-server", "primary"] },
    { v, id: 4, type: "status" },
    { v, id: 5, type: "dispose" },
  ];
  for (const request of requests) worker.postMessage(request);
}

/** A support page replays an incident from its recorded inputs, in virtual time, without any server. */
function rehearse(tools: Tools, bundle: Bundle): string[] {
  const outage: Scenario = {
    description: "Site A's SIP Server pair fails at 12 s",
    bundle,
    seed: 7,
    steps: [
      { at: 0, input: { type: "start" } },
      { at: 12000, input: { type: "link_down", site: "SiteA", service: "sip-server", member: "primary" }, note: "both members" },
      { at: 12000, input: { type: "link_down", site: "SiteA", service: "sip-server", member: "backup" } },
      { at: 20000, freeze_until: 30000 },
    ],
    until: 120000,
  };
  return tools.simulate(outage)
    .trimEnd()
    .split("\n")
    .map((line) => {
      const { at, output } = JSON.parse(line) as Emitted;
      return `${at} ms ${output.type}`;
    });
}

/** The desktop's start-up: bootstrap from the local configuration, then run with the full one. */
export async function startBusinessContinuity(desktop: Desktop, personExport: string, useWorker: boolean): Promise<EngineDriver> {
  await init();
  const tools: Tools = await import("continuity-engine/tools");
  await tools.init();
  const { bundle, files } = fullBundle(personExport);
  const timeout = inspectExport(desktop, tools, personExport);
  if (timeout !== undefined) desktop.log(`this agent switches after ${timeout / 1000} s`);
  const resolved = tools.resolveOptionFiles(bundle, files);
  if (checkConfiguration(desktop, resolved.bundle) === null) {
    checkConfiguration(desktop, tools.resolveOptionFiles({ ...bundle, desktop_applications: agentDesktopApplications() }, files).bundle);
  }
  desktop.log(rehearse(tools, resolved.bundle).join("\n"));
  desktop.log(replay(resolved.bundle, 7n, [{ at: 0, input: { type: "start" } }, { at: 31000, input: { type: "resumed" } }]).join("\n"));
  try {
    const driver = await run(desktop, resolved.bundle, useWorker);
    await feed(desktop, driver, { kind: "server", site: "SiteA", service: "sip-server", member: "primary", up: true });
    desktop.log(statusLines(await driver.status()).join("\n"));
    const policy: ResolvedPolicy | null = await driver.policy();
    if (policy !== null) desktop.log(`preferred ${policy.preferred}, peer ${policy.peer ?? "-"}`);
    return driver;
  } catch (error) {
    reportError(desktop, error);
    // Fall back to bootstrapping from the local configuration alone.
    const driver = await run(desktop, localBundle(), false);
    await feed(desktop, driver, { kind: "config-read", bundle: resolved.bundle });
    return driver;
  }
}

/** Stops and releases the engine when the agent logs out (`using` disposes it at the end of a block). */
export async function logout(desktop: Desktop, driver: EngineDriver): Promise<void> {
  await feed(desktop, driver, { kind: "logout" });
  desktop.log(`stopped: ${driver.stopped} at ${driver.now} ms`);
  driver.dispose();
}

/** Diagnostics: talk to a worker by hand. */
export function openWorkerConsole(desktop: Desktop, worker: WorkerLike): void {
  rawWorkerSession(desktop, worker, localBundle());
}
