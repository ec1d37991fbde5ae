// TypeScript declarations of continuity-engine: the failover engine for
// two-site SIP Business Continuity agent desktops, as WebAssembly.
//
// Every time is a number of milliseconds on one monotonic clock of the
// host's choosing (the drivers use performance.now()): finite, not negative,
// at most Number.MAX_SAFE_INTEGER; a fraction is dropped, and a time before
// the last one seen counts as the last one seen.

// ---------------------------------------------------------------- vocabulary

/** A service that each site runs as a high-availability pair. */
export type Service = "sip-server" | "stat-server" | "config-server";
/** A member of a high-availability pair. */
export type Member = "primary" | "backup";
/** What the engine is doing. */
export type Phase = "idle" | "bootstrapping" | "connecting" | "active" | "all_sites_down" | "stopped";
/** A site's role for this agent. */
export type Role = "preferred" | "peer";
/** Why a switch happens. */
export type Reason = "site-timeout" | "endpoint-timeout" | "auto-restore" | "manual";
/** What a deadline is for (`Status.next_timer`). */
export type TimerKind =
  | "site-timeout" | "endpoint-timeout" | "restore" | "hold-down"
  | "restore-probe" | "retry" | "down-probe" | "bootstrap";

/** `start`: bootstrap, or connect to the preferred site. */
export interface StartInput { type: "start" }
/** `config_loaded`: the configuration read from a Configuration Server, merged over the local one. */
export interface ConfigLoadedInput { type: "config_loaded"; bundle: Bundle }
/** `link_up`: a connection to one member of a site's service came up. */
export interface LinkUpInput { type: "link_up"; site: string; service: Service; member: Member }
/** `link_down`: a connection to one member of a site's service went down. */
export interface LinkDownInput { type: "link_down"; site: string; service: Service; member: Member }
/** `endpoint_registered`: the SIP endpoint registered at a site. */
export interface EndpointRegisteredInput { type: "endpoint_registered"; site: string }
/** `endpoint_unregistered`: the SIP endpoint lost or failed its registration at a site. */
export interface EndpointUnregisteredInput { type: "endpoint_unregistered"; site: string }
/** `probe_result`: the answer to a `probe` command. */
export interface ProbeResultInput { type: "probe_result"; site: string; ok: boolean }
/** `interaction_started`: a call or other interaction started on the desktop. */
export interface InteractionStartedInput { type: "interaction_started"; id: string }
/** `interaction_ended`: an interaction ended. */
export interface InteractionEndedInput { type: "interaction_ended"; id: string }
/** `switch_requested`: the agent (or an administrator) asked to switch to a site now. */
export interface SwitchRequestedInput { type: "switch_requested"; site: string }
/** `resumed`: the host was frozen (sleep, background tab) and runs again. */
export interface ResumedInput { type: "resumed" }
/** `stop`: unregister, disconnect, and refuse everything afterwards. */
export interface StopInput { type: "stop" }

/** Something that happened in the world, handed to the engine. */
export type Input =
  | StartInput | ConfigLoadedInput | LinkUpInput | LinkDownInput
  | EndpointRegisteredInput | EndpointUnregisteredInput | ProbeResultInput
  | InteractionStartedInput | InteractionEndedInput | SwitchRequestedInput
  | ResumedInput | StopInput;
/** The `type` of every input. */
export type InputType = Input["type"];

/** Command: connect to one Configuration Server Proxy to load the configuration (bootstrap). */
export interface ConnectConfigServerOutput { type: "connect_config_server"; site: string; member: Member }
/** Command: connect the desktop to a site's servers. */
export interface ConnectOutput { type: "connect"; site: string }
/** Command: disconnect the desktop from a site's servers. */
export interface DisconnectOutput { type: "disconnect"; site: string }
/** Command: register the SIP endpoint at a site. */
export interface RegisterEndpointOutput { type: "register_endpoint"; site: string }
/** Command: unregister the SIP endpoint from a site. */
export interface UnregisterEndpointOutput { type: "unregister_endpoint"; site: string }
/** Command: check whether a site is healthy; answer with `probe_result`. */
export interface ProbeOutput { type: "probe"; site: string }
/** Command: the host was frozen; re-report the links and registration of a site. */
export interface RecheckOutput { type: "recheck"; site: string }
/** Notice: the phase, site or role changed. */
export interface PhaseChangedOutput { type: "phase_changed"; phase: Phase; site: string | null; role: Role | null }
/** Notice: a switch will happen at `at` unless something changes. */
export interface SwitchoverPendingOutput { type: "switchover_pending"; from: string; to: string; reason: Reason; at: number }
/** Notice: a pending switch will not happen. */
export interface SwitchoverCancelledOutput { type: "switchover_cancelled"; to: string; reason: Reason }
/** Notice: the desktop switched sites. */
export interface SwitchedOutput { type: "switched"; from: string; to: string; reason: Reason }
/** Notice: no site is reachable; the next attempt is at `retry_at`. */
export interface AllSitesDownOutput { type: "all_sites_down"; retry_at: number }
/** Notice: the loaded configuration is invalid; at bootstrap the engine stops, after it the policy in force stays. */
export interface ConfigErrorOutput { type: "config_error"; diagnostics: Diagnostic[] }

/** A command the host must carry out. */
export type Command =
  | ConnectConfigServerOutput | ConnectOutput | DisconnectOutput | RegisterEndpointOutput
  | UnregisterEndpointOutput | ProbeOutput | RecheckOutput;
/** A notice for the UI and the logs. */
export type Notice =
  | PhaseChangedOutput | SwitchoverPendingOutput | SwitchoverCancelledOutput
  | SwitchedOutput | AllSitesDownOutput | ConfigErrorOutput;
/** Something the engine decided. */
export type Output = Command | Notice;
/** The `type` of every output. */
export type OutputType = Output["type"];

// ------------------------------------------------------------- configuration

/** Option sections: section name to option name to value (Genesys values are strings; numbers and booleans are read as their text). */
export type Options = Record<string, Record<string, string | number | boolean>>;

/** A configuration object that carries options. */
export interface ConfigObject {
  name: string;
  options?: Options;
  /** A Genesys Administrator option export to read the options from (pass its text in `files`). */
  options_file?: string;
}
/** An application name and type. */
export interface ApplicationRef { name: string; type: string }
/** A Configuration Server Proxy pair, as `host:port` strings. */
export interface ConfigServerPair { primary?: string; backup?: string }
/** What the desktop knows locally about one site. */
export interface LocalSite {
  name: string;
  config_server?: ConfigServerPair;
  application?: ApplicationRef;
  place?: string;
}
/** A server application: one member of a SIP, Stat or Configuration Server pair. */
export interface ServerApplication extends ConfigObject {
  type: Service;
  /** The name of its backup application, if this is a primary. */
  backup?: string;
  /** Where the desktop connects, `host:port` (used by hosts that probe, not by the engine). */
  address?: string;
  /** SIP Servers: where SIP endpoints send requests, `host:port` over UDP (used by hosts that probe). */
  sip_address?: string;
}
/** A connection from a desktop application object to a server application. */
export interface Connection { server: string; addp_timeout?: string | number }
/** A per-site desktop application object (agent-desktop dialect). */
export interface DesktopApplication extends ConfigObject { connections?: Connection[] }
/** A place and its DNs. */
export interface Place { name: string; site?: string; dns?: string[] }

/** Everything one desktop needs (schema version 1; see docs/configuration.md). */
export interface Bundle {
  version: 1;
  local?: { sites?: LocalSite[] };
  application?: ConfigObject;
  tenant?: ConfigObject;
  agent_groups?: ConfigObject[];
  person?: ConfigObject;
  servers?: ServerApplication[];
  desktop_applications?: DesktopApplication[];
  places?: Place[];
}

/** One finding about a configuration. */
export interface Diagnostic {
  severity: "error" | "warning";
  /** A stable code, as in `preferred-site-missing` (table in docs/configuration.md). */
  code: string;
  /** The configuration object it is about, as in `person agent1`. */
  object: string | null;
  /** The option section, as in `interaction-workspace`. */
  section: string | null;
  /** The option name, as in `disaster-recovery.timeout`. */
  option: string | null;
  /** What is wrong and how to fix it. */
  message: string;
}

/** The policy a valid bundle resolves to. */
export interface ResolvedPolicy {
  dialect: "workspace" | "agent-desktop";
  enabled: boolean;
  preferred: string;
  peer: string | null;
  /** The services whose loss starts the switchover timer. */
  triggers: Service[];
  auto_restore: boolean;
  restore_when_idle: boolean;
  timing_ms: {
    site_timeout: number;
    endpoint_timeout: number;
    probe_interval: number;
    hold_down: number;
    spread: number;
    backoff_base: number;
    backoff_cap: number;
    wake_gap: number;
    recheck_grace: number;
    bootstrap_connect_timeout: number;
  };
}

/** What `validate` found (the same object as `continuity validate --format json`, without `file`). */
export interface ValidationReport {
  /** Whether the bundle can be used (warnings allowed). */
  valid: boolean;
  /** Whether the bundle holds only local configuration (the desktop bootstraps). */
  bootstrap: boolean;
  errors: number;
  warnings: number;
  /** The resolved policy, when valid and not bootstrapping. */
  policy: ResolvedPolicy | null;
  /** Every error and warning, errors first. */
  diagnostics: Diagnostic[];
}

/** A parsed Genesys Administrator option export. */
export interface ParsedCfg { options: Record<string, Record<string, string>>; warnings: Diagnostic[] }

/** Texts of the files a bundle or scenario names (`options_file`, `bundle_file`), by the path written there. */
export type Files = Record<string, string> | Map<string, string>;

// -------------------------------------------------------------------- status

/** The state of one link, as last reported. */
export type LinkState = "unknown" | "up" | "down";
/** One service's links at the current site. */
export interface ServiceStatus { service: Service; primary: LinkState; backup: LinkState; up: boolean; trigger: boolean }
/** A scheduled switch. */
export interface PendingSwitch { to: string; at: number; reason: Reason }
/** The next deadline and what it is for. */
export interface NextTimer { at: number; timer: TimerKind }
/** Counters of inputs that changed nothing. */
export interface Ignored { duplicate: number; unknown: number; out_of_phase: number }
/** A snapshot of everything the engine knows. */
export interface Status {
  phase: Phase;
  site: string | null;
  role: Role | null;
  connected_since: number | null;
  pending: PendingSwitch | null;
  services: ServiceStatus[];
  endpoint_registered: boolean;
  interactions: string[];
  pinned: boolean;
  next_timer: NextTimer | null;
  ignored: Ignored;
}

// -------------------------------------------------------------------- errors

/** The `code` of every error the package throws. */
export type ErrorCode =
  | "invalid-input" | "invalid-time" | "invalid-seed" | "invalid-bundle" | "invalid-scenario"
  | "invalid-files" | "invalid-options" | "invalid-cfg" | "invalid-message"
  | "parse" | "too-large" | "options-file" | "missing-file"
  | "stopped" | "freed" | "disposed" | "not-initialized"
  /** An error of a kind newer than this declaration (a worker passing on another error). */
  | "error";

/** An `Error` thrown by the package; the engine is left as it was. */
export interface ContinuityError extends Error {
  name: "ContinuityError";
  code: ErrorCode;
  /** The findings, when `code` is `invalid-bundle`. */
  diagnostics?: Diagnostic[];
}

/** Whether `value` is an error thrown by this package. */
export function isContinuityError(value: unknown): value is ContinuityError;

// -------------------------------------------------------------------- engine

/** Loads the WebAssembly module (browsers: fetched next to the glue unless `source` says otherwise; Node: already loaded). Call once and await it before anything else. */
export function init(source?: string | URL | Response | BufferSource | WebAssembly.Module): Promise<void>;

/** Options of the engine constructor, `validate` and `simulate`. */
export interface FileOptions { files?: Files }

/**
 * The failover engine for one desktop: a state machine with one owner, no
 * clock and no callbacks. After every input, drain the outputs and ask
 * `pollTimeout()` when to call `handleTimeout` next — or let a `Driver` do it.
 *
 * Input methods return how many outputs are waiting. They throw a
 * `ContinuityError` for input that cannot be used (`invalid-input`,
 * `invalid-time`) and after `stop` (`stopped`); the engine is left as it
 * was. Inputs that are well-formed but do not apply (an unknown site, a
 * duplicate) are ignored and counted in `status().ignored`.
 */
export class Engine {
  /**
   * @param bundle the configuration (an object, or its JSON text)
   * @param seed the seed of the engine's randomness (switchback spread, backoff): the same seed gives the same decisions
   * @throws ContinuityError `parse`, `invalid-bundle` (with `diagnostics`), `options-file`, `invalid-seed`
   */
  constructor(bundle: Bundle | string, seed?: number | bigint, options?: FileOptions);
  /** Feeds any input. */
  handle(input: Input, nowMs: number): number;
  /** `link_up`, without building an object (the fast path). */
  linkUp(site: string, service: Service, member: Member, nowMs: number): number;
  /** `link_down`, without building an object (the fast path). */
  linkDown(site: string, service: Service, member: Member, nowMs: number): number;
  /** `endpoint_registered` (fast path). */
  endpointRegistered(site: string, nowMs: number): number;
  /** `endpoint_unregistered` (fast path). */
  endpointUnregistered(site: string, nowMs: number): number;
  /** `probe_result` (fast path). */
  probeResult(site: string, ok: boolean, nowMs: number): number;
  /** `interaction_started` (fast path). */
  interactionStarted(id: string, nowMs: number): number;
  /** `interaction_ended` (fast path). */
  interactionEnded(id: string, nowMs: number): number;
  /** Handles every deadline due at `nowMs`; a call with nothing due changes nothing (also after `stop`). */
  handleTimeout(nowMs: number): number;
  /** The next output, or `undefined` when all have been taken. */
  pollOutput(): Output | undefined;
  /** Every waiting output, in order. */
  drainOutputs(): Output[];
  /** When `handleTimeout` must next be called, or `null` for never (until the next input). */
  pollTimeout(): number | null;
  /** A snapshot of everything the engine knows. */
  status(): Status;
  /** The policy in force (as `validate` reports it), or `null` while bootstrapping before the configuration is loaded. */
  policy(): ResolvedPolicy | null;
  /** Warnings found when the policy in force was validated. */
  warnings(): Diagnostic[];
  /** The latest time the engine has seen. */
  readonly now: number;
  /** Whether the engine is stopped (every later input throws `stopped`). */
  readonly stopped: boolean;
  /** Releases the engine's memory; later calls throw `freed`. Also `[Symbol.dispose]`, where the runtime has it. */
  free(): void;
}

/** Validates a bundle; an invalid bundle is a report, not an error. @throws ContinuityError `parse`, `options-file` */
export function validate(bundle: Bundle | string, options?: FileOptions): ValidationReport;
/** Parses the text of a Genesys Administrator option export (`.cfg`). @throws ContinuityError `parse` (with the line) */
export function parseCfg(text: string): ParsedCfg;
/** Replaces every `options_file` of a bundle with the options of its text in `files`. */
export function resolveOptionFiles(bundle: Bundle | string, files: Files): { bundle: Bundle; warnings: Diagnostic[] };

/** A scenario: timed inputs run in virtual time (DESIGN §4.4; tests/scenarios/README.md). */
export interface Scenario {
  description?: string;
  bundle?: Bundle;
  /** A bundle file, by path; pass its text in `files`. */
  bundle_file?: string;
  seed?: number;
  steps: ({ at: number; input: Input; note?: string } | { at: number; freeze_until: number; note?: string })[];
  until?: number;
}
/** Runs a scenario and returns its trace (JSON Lines), byte for byte what `continuity simulate` prints. */
export function simulate(scenario: Scenario | string, options?: FileOptions): string;

// ------------------------------------------------------------------- drivers

/** The clock and timer a driver uses; by default performance.now() and setTimeout. Inject one to run in virtual time. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Where a driver listens for the page coming back (visibilitychange, pageshow). */
export interface VisibilitySource {
  document?: { visibilityState: string; addEventListener(type: string, listener: () => void): void; removeEventListener(type: string, listener: () => void): void };
  window?: { addEventListener(type: string, listener: (event: { persisted?: boolean }) => void): void; removeEventListener(type: string, listener: (event: { persisted?: boolean }) => void): void };
}

/** Options of a driver. */
export interface DriverOptions {
  /** Called with every output, in order, and the time it came out at. */
  onOutput: (output: Output, atMs: number) => void;
  /** Called with an error thrown by `onOutput` or by a timer turn; default: console.error. */
  onError?: (error: unknown) => void;
  /** The clock (tests); default: performance.now() and setTimeout. */
  clock?: Clock;
  /** Report `resumed` when the page comes back: `false` to turn off, or the sources to watch; default: the page's document and window, when there are. */
  resume?: false | VisibilitySource;
}

/**
 * Runs an Engine on this thread: reads the clock, arms one timer from
 * `pollTimeout()`, and hands every output to `onOutput`. Its input methods
 * throw like the engine's and take no time: the driver reads it.
 */
export class Driver {
  constructor(engine: Engine, options: DriverOptions);
  readonly engine: Engine;
  start(): void;
  stop(): void;
  handle(input: Input): void;
  linkUp(site: string, service: Service, member: Member): void;
  linkDown(site: string, service: Service, member: Member): void;
  endpointRegistered(site: string): void;
  endpointUnregistered(site: string): void;
  probeResult(site: string, ok: boolean): void;
  interactionStarted(id: string): void;
  interactionEnded(id: string): void;
  status(): Status;
  /** Clears the timer and the page listeners; the engine is left as it is. */
  dispose(): void;
}

/** What a WorkerDriver needs: a dedicated Worker started from `continuity-engine/worker`. */
export interface WorkerLike {
  postMessage(message: WorkerRequest): void;
  addEventListener(type: "message", listener: (event: { data: WorkerMessage }) => void): void;
  removeEventListener(type: "message", listener: (event: { data: WorkerMessage }) => void): void;
  terminate(): void;
}

/** Options of `WorkerDriver.create`. */
export interface WorkerDriverOptions extends Omit<DriverOptions, "clock"> {
  bundle: Bundle | string;
  seed?: number | bigint;
  files?: Files;
}

/**
 * Drives an Engine inside a dedicated Web Worker, whose timers hidden tabs
 * do not throttle. Methods answer with promises, which reject with a
 * ContinuityError where the engine would throw. Output times are the
 * worker's `performance.now()`, which starts when the worker starts: compare
 * them with each other, not with the page's clock.
 */
export class WorkerDriver {
  private constructor();
  static create(worker: WorkerLike, options: WorkerDriverOptions): Promise<WorkerDriver>;
  start(): Promise<void>;
  stop(): Promise<void>;
  handle(input: Input): Promise<void>;
  linkUp(site: string, service: Service, member: Member): Promise<void>;
  linkDown(site: string, service: Service, member: Member): Promise<void>;
  endpointRegistered(site: string): Promise<void>;
  endpointUnregistered(site: string): Promise<void>;
  probeResult(site: string, ok: boolean): Promise<void>;
  interactionStarted(id: string): Promise<void>;
  interactionEnded(id: string): Promise<void>;
  status(): Promise<Status>;
  /** Disposes the engine in the worker; `terminate: true` ends the worker too. */
  dispose(options?: { terminate?: boolean }): void;
}

/** The fast-path methods a `call` message may name. */
export type WorkerCall = "linkUp" | "linkDown" | "endpointRegistered" | "endpointUnregistered" | "probeResult" | "interactionStarted" | "interactionEnded";

/** A message to the worker. `id` is echoed in the answer. */
export type WorkerRequest =
  | { type: "create"; id?: number; bundle: Bundle | string; seed?: number | bigint; files?: Files }
  | { type: "input"; id?: number; input: Input }
  | { type: "call"; id?: number; method: WorkerCall; args: (string | boolean)[] }
  | { type: "status"; id?: number }
  | { type: "dispose"; id?: number };

/** An error as the worker sends it. */
export interface WorkerError { name: string; code: ErrorCode; message: string; diagnostics?: Diagnostic[] }

/** A message from the worker: every output as it happens, and one answer (`done` or `error`) per request. */
export type WorkerMessage =
  | { type: "output"; at: number; output: Output }
  | { type: "done"; id?: number; status?: Status }
  | { type: "error"; id?: number; error: WorkerError };
