// TypeScript declarations of continuity-engine: the failover engine for
// two-site SIP Business Continuity agent desktops, as WebAssembly.
//
// Times. Every time the engine takes or gives is *engine time*: a number of
// milliseconds on one monotonic clock of the host's choosing. The drivers
// use their clock, performance.now() by default: milliseconds since the
// page's (or worker's) time origin. Engine times are finite, not negative,
// at most Number.MAX_SAFE_INTEGER; a fraction is dropped, and a time before
// the last one seen counts as the last one seen. The times inside outputs
// (`switchover_pending.at`, `all_sites_down.retry_at`) and in the status
// (`pending.at`, `next_timer.at`, `connected_since`) are engine times too.
// Each output comes with the engine time it was decided at, which can be
// earlier than the call that handed it out: a deadline that fell due before
// an input (a timer that fired late) is handled first, at its own time.
// A driver also gives each output its wall-clock time (`When.time`, epoch
// milliseconds for `new Date(time)`), and turns any engine time into one
// with `wallTime(at)`.

// ---------------------------------------------------------------- vocabulary

// The names come from the Rust declarations: wire.d.ts is generated with
// wire.js at build time (wasm/src/bin/wire.rs). Service, Member, Phase,
// Role, Reason, TimerKind (what a deadline is for, `Status.next_timer`),
// LinkState, InputType, OutputType and ErrorCode are unions of the wire
// names there.
import type {
  ErrorCode, Handled as AnyHandled, InputType, LinkState, Member, OutputType, Phase, Reason, Role, Service, TimerKind,
} from "./wire.js";
export type { ErrorCode, InputType, LinkState, Member, OutputType, Phase, Reason, Role, Service, TimerKind };

/** Whether two unions hold the same names (for the checks below). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Check<T extends true> = T;

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
// Every declared input type has an interface above, and no other type does.
type InputTypesMatch = Check<Same<Input["type"], InputType>>;

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
// Every declared output type has an interface above, and no other type does.
type OutputTypesMatch = Check<Same<Output["type"], OutputType>>;

// ------------------------------------------------------------- configuration

/** Option sections: section name to option name to value (Genesys values are strings; numbers and booleans are read as their text). */
export type Options = Record<string, Record<string, string | number | boolean>>;

/** A configuration object that carries options. */
export interface ConfigObject {
  name: string;
  options?: Options;
  /** A Genesys Administrator option export to read the options from: the runtime takes none (it throws `options-file`); resolve them first with `resolveOptionFiles` from `continuity-engine/tools`. */
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
    restore_spread: number;
    failover_spread: number;
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



// -------------------------------------------------------------------- status

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

/**
 * An `Error` thrown by the package (also the rejection of a driver's
 * promise, rebuilt from the worker's message); the engine is left as it was.
 * `instanceof ContinuityError` holds whichever entry (web or Node) threw it.
 */
export class ContinuityError extends Error {
  constructor(code: ErrorCode, message: string, options?: { diagnostics?: Diagnostic[]; cause?: unknown });
  readonly name: "ContinuityError";
  readonly code: ErrorCode;
  /** The findings, always present when `code` is `invalid-bundle`. */
  readonly diagnostics?: Diagnostic[];
}

/** Whether `value` is an error thrown by this package (also one made in another realm, such as a worker). */
export function isContinuityError(value: unknown): value is ContinuityError;

// -------------------------------------------------------------------- engine

/** Loads the WebAssembly module (browsers: fetched next to the glue unless `source` says otherwise; Node: already loaded). Call once and await it before using `Engine` or the functions; `Driver.create` calls it itself. */
export function init(source?: string | URL | Response | BufferSource | WebAssembly.Module): Promise<void>;


/**
 * What became of an input: `applied` (it changed what the engine knows), or
 * ignored — changing nothing, emitting nothing, counted in
 * `status().ignored` — as a `duplicate` of what the engine knew, as naming
 * something `unknown` (a site that is not one of this engine's), or as
 * `out-of-phase` (it does not apply now, like a probe result nobody asked
 * for). An input the engine refuses throws instead.
 */
export type Handled = Exclude<AnyHandled, "refused">;

/** An output with the engine time it was decided at (a scenario trace is these, one per line). */
export interface Emitted { at: number; output: Output }

/** Seeds the engine's randomness: a non-negative safe integer, or a bigint below 2^64. */
export type Seed = number | bigint;

/**
 * The failover engine for one desktop: a state machine with one owner, no
 * clock and no callbacks. After every input, drain the outputs and ask
 * `pollTimeout()` when to call `handleTimeout` next — or let a driver do it.
 * Deadlines already due when an input arrives are handled first, each at
 * its own time: the host never needs to call `handleTimeout` before an input.
 *
 * Input methods return what became of the input (`Handled`). They throw a
 * `ContinuityError` for input that cannot be used (`invalid-input`,
 * `invalid-time`) and after `stop` (`stopped`); the engine is left as it was.
 */
export class Engine {
  /**
   * @param bundle the configuration (an object, or its JSON text), its options inline
   * @param seed the seed of the engine's randomness (where in the spread a switchback lands, backoff jitter): the same seed gives the same decisions. Left out, one is drawn with `crypto.getRandomValues`, so that desktops do not all switch back in the same second; read it from `seed` to replay the session.
   * @throws ContinuityError `parse`, `invalid-bundle` (with `diagnostics`), `options-file` (a bundle naming an option export: resolve it with `resolveOptionFiles` from `continuity-engine/tools`), `invalid-seed`
   */
  constructor(bundle: Bundle | string, seed?: Seed);
  /** Feeds any input. */
  handle(input: Input, nowMs: number): Handled;
  /** `link_up`, without building an object (the fast path). */
  linkUp(site: string, service: Service, member: Member, nowMs: number): Handled;
  /** `link_down`, without building an object (the fast path). */
  linkDown(site: string, service: Service, member: Member, nowMs: number): Handled;
  /** `endpoint_registered` (fast path). */
  endpointRegistered(site: string, nowMs: number): Handled;
  /** `endpoint_unregistered` (fast path). */
  endpointUnregistered(site: string, nowMs: number): Handled;
  /** `probe_result` (fast path). */
  probeResult(site: string, ok: boolean, nowMs: number): Handled;
  /** `interaction_started` (fast path). */
  interactionStarted(id: string, nowMs: number): Handled;
  /** `interaction_ended` (fast path). */
  interactionEnded(id: string, nowMs: number): Handled;
  /** `switch_requested`: the agent asked to switch to `site` now. */
  switchRequested(site: string, nowMs: number): Handled;
  /** Handles every deadline due at `nowMs`, each at its own time; returns how many outputs are waiting. A call with nothing due changes nothing (also after `stop`). */
  handleTimeout(nowMs: number): number;
  /** The next output (without its time: see `pollEmitted`), or `undefined` when all have been taken. */
  pollOutput(): Output | undefined;
  /** Every waiting output, in order (without their times: see `drainEmitted`). */
  drainOutputs(): Output[];
  /** The next output with the engine time it was decided at, or `undefined` when all have been taken. */
  pollEmitted(): Emitted | undefined;
  /** Every waiting output with its time, in order. */
  drainEmitted(): Emitted[];
  /** When `handleTimeout` must next be called (engine time), or `null` for never (until the next input). */
  pollTimeout(): number | null;
  /** A snapshot of everything the engine knows. */
  status(): Status;
  /** The policy in force (as `validate` reports it), or `null` while bootstrapping before the configuration is loaded. */
  policy(): ResolvedPolicy | null;
  /** Warnings found when the policy in force was validated. */
  warnings(): Diagnostic[];
  /** The latest engine time the engine has seen. */
  readonly now: number;
  /** Whether the engine is stopped (every later input throws `stopped`). */
  readonly stopped: boolean;
  /** The seed the engine uses (given, or drawn): pass it to a new Engine to replay the session. */
  readonly seed: bigint;
  /** Releases the engine's memory; disposing twice does nothing, any other use afterwards throws `disposed`. */
  dispose(): void;
  /** `dispose()`, for `using`. */
  [Symbol.dispose](): void;
}

/** Validates a bundle (options inline); an invalid bundle is a report, not an error. @throws ContinuityError `parse`, `options-file` (a bundle naming an option export: resolve it with `resolveOptionFiles` from `continuity-engine/tools`) */
export function validate(bundle: Bundle | string): ValidationReport;

/**
 * One trace line for an emitted output, newline included: exactly the line
 * `continuity simulate` prints for it (`{"at": 72000, "output": {...}}`), so
 * that a desktop's log of `{at, output}` can be compared byte for byte with
 * a replay of the same session. @throws ContinuityError `invalid-input` for anything
 * that is not an output as the engine emits it (a float, an integer-like key)
 */
export function traceLine(emitted: Emitted): string;

// ------------------------------------------------------------------- drivers

/** The clock and timer a driver uses; by default performance.now(), setTimeout and performance.timeOrigin. Inject one to run in virtual time. */
export interface Clock {
  /** Engine time now, in milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** The epoch milliseconds at engine time 0, for the wall-clock times; default 0. */
  timeOrigin?: number;
}

/** Where a driver listens for the page coming back (visibilitychange, pageshow). */
export interface VisibilitySource {
  document?: { visibilityState: string; addEventListener(type: string, listener: () => void): void; removeEventListener(type: string, listener: () => void): void };
  window?: { addEventListener(type: string, listener: (event: { persisted?: boolean }) => void): void; removeEventListener(type: string, listener: (event: { persisted?: boolean }) => void): void };
}

/**
 * When an output was decided: `at` in engine time (the driver's clock), and
 * `time` on the wall clock, in epoch milliseconds (`new Date(time)`):
 * the clock's time origin plus `at`. With the default clock that is
 * `performance.timeOrigin + at`, which can drift from `Date.now()` over a
 * long session (clock adjustments, sleep).
 */
export interface When { at: number; time: number }

/** The output of type `T`. */
export type OutputOf<T extends OutputType> = Extract<Output, { type: T }>;

/** What a driver's `on` subscribes to: an output type, `output` for every output, or `status`. */
export type DriverEvents = { [T in OutputType]: (output: OutputOf<T>, when: When) => void } & {
  /** Every output, in order (like `onOutput`). */
  output: (output: Output, when: When) => void;
  /** The status snapshot, after a turn (an input, a timer) that changed it. */
  status: (status: Status) => void;
};

/** The options of `Driver.create` and `WorkerDriver.create`. */
export interface DriverOptions {
  /** Called with every output, in order, and when it was decided. */
  onOutput?: (output: Output, when: When) => void;
  /** Called with an error thrown by a listener or by a timer turn; default: console.error. */
  onError?: (error: unknown) => void;
  /** Report `resumed` when the page comes back: `false` to turn off, or the sources to watch; default: the page's document and window, when there are. */
  resume?: false | VisibilitySource;
}

/** Where the driver's engine comes from: the configuration (options inline) and the seed (drawn with crypto when left out). */
export interface EngineOptions {
  bundle: Bundle | string;
  seed?: Seed;
}

/**
 * What both drivers do, so that a desktop swaps one for the other in one
 * line. A driver reads the clock, arms one timer from `pollTimeout()`, hands
 * every output to `onOutput` and to the `on` listeners with when it was
 * decided, and feeds `resumed` when the page comes back. Its input methods
 * take no time (the driver reads it) and resolve to what became of the
 * input, or reject with the `ContinuityError` the engine throws. After
 * `dispose()`, every method and getter throws (or rejects with) `disposed`.
 */
export interface EngineDriver {
  start(): Promise<Handled>;
  stop(): Promise<Handled>;
  handle(input: Input): Promise<Handled>;
  linkUp(site: string, service: Service, member: Member): Promise<Handled>;
  linkDown(site: string, service: Service, member: Member): Promise<Handled>;
  endpointRegistered(site: string): Promise<Handled>;
  endpointUnregistered(site: string): Promise<Handled>;
  probeResult(site: string, ok: boolean): Promise<Handled>;
  interactionStarted(id: string): Promise<Handled>;
  interactionEnded(id: string): Promise<Handled>;
  switchRequested(site: string): Promise<Handled>;
  status(): Promise<Status>;
  policy(): Promise<ResolvedPolicy | null>;
  warnings(): Promise<Diagnostic[]>;
  /** The latest engine time the engine has seen. */
  readonly now: number;
  /** Whether the engine is stopped. */
  readonly stopped: boolean;
  /** The seed the engine uses: keep it to replay the session. */
  readonly seed: bigint;
  /** Subscribes to one output type, to every `output`, or to `status` changes; returns the unsubscribe function. */
  on<E extends keyof DriverEvents>(event: E, listener: DriverEvents[E]): () => void;
  /** The wall-clock time (epoch ms, for `new Date`) of an engine time, such as `switchover_pending.at`. */
  wallTime(at: number): number;
  /** Stops the timer and the listeners and releases the engine; disposing twice does nothing. */
  dispose(): void;
  [Symbol.dispose](): void;
}

/**
 * Runs an Engine on this thread. `Driver.create(options)` makes the engine
 * from `bundle` and `seed` (and disposes it with the driver);
 * `Driver.create(engine, options)` drives an engine you made (and leave
 * as it is on `dispose`).
 */
export class Driver implements EngineDriver {
  private constructor();
  static create(options: EngineOptions & DriverOptions & { clock?: Clock }): Promise<Driver>;
  static create(engine: Engine, options?: DriverOptions & { clock?: Clock }): Promise<Driver>;
}
/** Every member of {@link EngineDriver}. */
export interface Driver extends EngineDriver {}

/** What a WorkerDriver needs: a dedicated Worker started from `continuity-engine/worker`. */
export interface WorkerLike {
  postMessage(message: WorkerRequest): void;
  addEventListener(type: "message", listener: (event: { data: WorkerMessage }) => void): void;
  removeEventListener(type: "message", listener: (event: { data: WorkerMessage }) => void): void;
  terminate(): void;
}

/**
 * Drives an Engine inside a dedicated Web Worker, whose timers hidden tabs
 * do not throttle. `now` and `stopped` are kept current from the worker's
 * messages. Engine time is the worker's performance.now(), which starts when
 * the worker starts: `When.time` and `wallTime(at)` put it on the wall
 * clock.
 */
export class WorkerDriver implements EngineDriver {
  private constructor();
  static create(worker: WorkerLike, options: EngineOptions & DriverOptions): Promise<WorkerDriver>;
  /** Disposes the engine in the worker and stops listening; `terminate: true` ends the worker too. */
  dispose(options?: { terminate?: boolean }): void;
}
/** Every member of {@link EngineDriver}. */
export interface WorkerDriver extends EngineDriver {}

// ----------------------------------------------------------- worker protocol

/** The version of the worker's message protocol, carried as `v` by every request and message. */
export type WorkerProtocol = 1;

/** The input methods a `call` request may name (the driver's, without time). */
export type WorkerCall =
  | "linkUp" | "linkDown" | "endpointRegistered" | "endpointUnregistered" | "probeResult"
  | "interactionStarted" | "interactionEnded" | "switchRequested";

/**
 * A request to the worker. `v` and a numeric `id` are required: a request
 * without them is answered with an `invalid-message` error naming the field.
 */
export type WorkerRequest = { v: WorkerProtocol; id: number } & (
  | { type: "create"; bundle: Bundle | string; seed?: Seed }
  | { type: "input"; input: Input }
  | { type: "call"; method: WorkerCall; args: (string | boolean)[] }
  | { type: "status" | "policy" | "warnings" | "dispose" }
);

/** An error as the worker sends it. */
export interface WorkerError { name: string; code: ErrorCode; message: string; diagnostics?: Diagnostic[] }

/** The answer to a request that succeeded, by the request's `type`. */
export type WorkerDone = { v: WorkerProtocol; type: "done"; id: number } & (
  | { request: "create"; seed: bigint; timeOrigin: number; now: number; stopped: boolean; status: Status }
  | { request: "input" | "call"; handled: Handled }
  | { request: "status"; status: Status }
  | { request: "policy"; policy: ResolvedPolicy | null }
  | { request: "warnings"; warnings: Diagnostic[] }
  | { request: "dispose" }
);

/**
 * A message from the worker: every output as it is handed out, a `turn`
 * after every input or timer turn (with the status when it changed), and one
 * answer (`done` or `error`) per request, after the outputs and the turn it
 * caused. An `error` without `id` is the worker's own (a timer turn, or a
 * request whose `id` could not be read).
 */
export type WorkerMessage =
  | { v: WorkerProtocol; type: "output"; at: number; time: number; output: Output }
  | { v: WorkerProtocol; type: "turn"; now: number; stopped: boolean; status?: Status }
  | WorkerDone
  | { v: WorkerProtocol; type: "error"; id?: number; error: WorkerError };

declare global {
  interface SymbolConstructor {
    /** `Symbol.dispose`, declared for the runtimes and TypeScript libs that lack it. */
    readonly dispose: unique symbol;
  }
}
