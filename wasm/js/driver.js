// Drivers: they own the timer so the host only reports what happens.
//
// `Driver` runs an Engine on the calling thread: it reads the clock
// (performance.now()), arms one setTimeout from engine.pollTimeout(), hands
// every output with its time to the listeners, and reports `resumed` when a
// hidden page comes back. `WorkerDriver` runs a Driver inside a dedicated Web
// Worker (web/worker.js), because browsers throttle the timers of hidden
// tabs to one wake-up a minute. Both have the same methods (EngineDriver in
// index.d.ts), all answering with promises; see index.d.ts for the worker's
// message protocol.
//
// Neither catches up on deadlines: the engine handles every deadline already
// due before it takes an input, each at its own time, and stamps each output
// with the time it was decided at.

import { OUTPUT_TYPES } from "./wire.js";
import { ContinuityError, continuityError, describe } from "./errors.js";

/** The version of the worker's message protocol: every request and message carries it as `v`. */
export const PROTOCOL = 1;
/** The worker entry's hook, called after every turn with (now, stopped, status if it changed). */
export const TURN = Symbol("continuity.turn");

// setTimeout keeps delays in a signed 32-bit integer.
const MAX_DELAY = 0x7fffffff;
/** Only the package constructs drivers: `Driver.create`, `WorkerDriver.create`. */
const CREATE = Symbol("continuity.create");
const EVENTS = new Set(["output", "status", ...OUTPUT_TYPES]);
const DRIVER_OPTIONS = ["bundle", "seed", "onOutput", "onError", "clock", "resume"];

const systemClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle),
  timeOrigin: performance.timeOrigin,
};

/** Binds the Driver to an entry's Engine class and `init`. */
export function makeDriver(Engine, init) {
  class Driver {
    #engine;
    /** Whether the driver created the engine, and so disposes it. */
    #owned;
    #clock;
    #timeOrigin;
    #onOutput;
    #onError;
    #listeners = new Listeners();
    #onTurn;
    #timer = undefined;
    #armedFor = null;
    /** Inside a turn: an input fed from a listener only queues its outputs. */
    #busy = false;
    #fedInTurn = false;
    /** The last status reported, as JSON; undefined while nobody watches. */
    #statusJson = undefined;
    /** The status the turn changed to, for the worker's hook. */
    #changedStatus = undefined;
    #disposed = false;
    #detach = () => {};

    /** Creates a driver for `engine`, or for a new Engine made from `options.bundle` and `seed`. */
    static async create(engineOrOptions, maybeOptions) {
      const given = engineOrOptions instanceof Engine;
      const opts = given ? maybeOptions : engineOrOptions;
      const checked = driverOptions(opts, given ? "Driver.create(engine, options)" : "Driver.create(options)", given ? "engine" : "bundle");
      let engine = engineOrOptions;
      if (!given) {
        await init();
        engine = new Engine(opts.bundle, opts.seed);
      }
      return new Driver(CREATE, engine, !given, checked, opts?.[TURN]);
    }

    constructor(token, engine, owned, options, onTurn) {
      if (token !== CREATE) throw notConstructible("Driver", "Driver.create(options)");
      const { onOutput, onError, clock, visibility } = options;
      this.#engine = engine;
      this.#owned = owned;
      this.#onOutput = onOutput;
      this.#onError = onError;
      this.#clock = clock ?? systemClock;
      this.#timeOrigin = this.#clock.timeOrigin ?? 0;
      if (typeof onTurn === "function") {
        this.#onTurn = onTurn;
        this.#statusJson = JSON.stringify(engine.status());
      }
      if (visibility !== undefined) this.#detach = watchVisibility(visibility, () => this.#resumed());
    }

    start() {
      return this.#input((engine, now) => engine.handle({ type: "start" }, now));
    }

    stop() {
      return this.#input((engine, now) => engine.handle({ type: "stop" }, now));
    }

    handle(input) {
      return this.#input((engine, now) => engine.handle(input, now));
    }

    linkUp(site, service, member) {
      return this.#input((engine, now) => engine.linkUp(site, service, member, now));
    }

    linkDown(site, service, member) {
      return this.#input((engine, now) => engine.linkDown(site, service, member, now));
    }

    endpointRegistered(site) {
      return this.#input((engine, now) => engine.endpointRegistered(site, now));
    }

    endpointUnregistered(site) {
      return this.#input((engine, now) => engine.endpointUnregistered(site, now));
    }

    probeResult(site, ok) {
      return this.#input((engine, now) => engine.probeResult(site, ok, now));
    }

    interactionStarted(id) {
      return this.#input((engine, now) => engine.interactionStarted(id, now));
    }

    interactionEnded(id) {
      return this.#input((engine, now) => engine.interactionEnded(id, now));
    }

    switchRequested(site) {
      return this.#input((engine, now) => engine.switchRequested(site, now));
    }

    status() {
      return this.#query((engine) => engine.status());
    }

    policy() {
      return this.#query((engine) => engine.policy());
    }

    warnings() {
      return this.#query((engine) => engine.warnings());
    }

    /** The latest engine time the engine has seen. */
    get now() {
      return this.#live().now;
    }

    get stopped() {
      return this.#live().stopped;
    }

    get seed() {
      return this.#live().seed;
    }

    on(event, listener) {
      this.#live();
      const off = this.#listeners.add(event, listener, "driver.on(event, listener)");
      if (event === "status" && this.#statusJson === undefined) this.#statusJson = JSON.stringify(this.#engine.status());
      return off;
    }

    wallTime(at) {
      this.#live();
      return wallTime(this.#timeOrigin, at);
    }

    /** Stops the timer and the page listeners, and disposes the engine the driver created. */
    dispose() {
      if (this.#disposed) return;
      this.#disposed = true;
      this.#disarm();
      this.#detach();
      this.#listeners.clear();
      if (this.#owned) this.#engine.dispose();
    }

    #live() {
      if (this.#disposed) throw continuityError("disposed", "the driver was disposed: create a new one with Driver.create");
      return this.#engine;
    }

    #now() {
      return Math.max(0, Math.floor(this.#clock.now()));
    }

    /** One input as a turn: what became of it, or the error it was refused with, as a promise. */
    #input(feed) {
      try {
        return Promise.resolve(this.#turn(feed));
      } catch (error) {
        return Promise.reject(error);
      }
    }

    #query(read) {
      try {
        return Promise.resolve(read(this.#live()));
      } catch (error) {
        return Promise.reject(error);
      }
    }

    /** Feeds one input at the clock's time; unless it came from a listener, delivers, reports and re-arms. */
    #turn(feed) {
      const engine = this.#live();
      // A refused input throws here, before anything changed.
      const handled = feed(engine, this.#now());
      if (this.#busy) {
        this.#fedInTurn = true;
        return handled;
      }
      this.#settle();
      return handled;
    }

    /** Hands every output to the listeners, reports a changed status, and re-arms the timer. */
    #settle() {
      this.#busy = true;
      try {
        // A listener may feed inputs (their outputs queue behind the ones
        // being delivered) or dispose the driver on the way.
        do {
          this.#fedInTurn = false;
          this.#deliver();
          if (this.#disposed) return;
          this.#reportStatus();
          if (this.#disposed) return;
        } while (this.#fedInTurn);
      } finally {
        this.#busy = false;
      }
      this.#arm();
      if (this.#onTurn !== undefined) {
        const engine = this.#engine;
        this.#onTurn(engine.now, engine.stopped, this.#changedStatus);
        this.#changedStatus = undefined;
      }
    }

    #deliver() {
      const engine = this.#engine;
      for (let emitted = engine.pollEmitted(); emitted !== undefined; emitted = this.#disposed ? undefined : engine.pollEmitted()) {
        const when = { at: emitted.at, time: this.#timeOrigin + emitted.at };
        deliver(this.#onOutput, this.#listeners, emitted.output, when, this.#onError);
      }
    }

    #reportStatus() {
      if (this.#statusJson === undefined) return;
      const status = this.#engine.status();
      const json = JSON.stringify(status);
      if (json === this.#statusJson) return;
      this.#statusJson = json;
      if (this.#onTurn !== undefined) this.#changedStatus = status;
      this.#listeners.emit("status", status, undefined, this.#onError);
    }

    #arm() {
      const deadline = this.#engine.pollTimeout();
      if (deadline === null) return this.#disarm();
      if (this.#timer !== undefined && this.#armedFor === deadline) return;
      this.#disarm();
      // At least 1 ms when not due yet, so a clock a fraction behind the
      // deadline cannot spin; a long delay is cut to what setTimeout holds and
      // simply re-armed when it fires early.
      const delay = Math.min(MAX_DELAY, Math.max(0, Math.ceil(deadline - this.#clock.now())));
      this.#armedFor = deadline;
      this.#timer = this.#clock.setTimeout(() => this.#fire(), delay);
    }

    #disarm() {
      if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#armedFor = null;
    }

    #fire() {
      this.#timer = undefined;
      this.#armedFor = null;
      if (this.#disposed) return;
      try {
        this.#turn((engine, now) => engine.handleTimeout(now));
      } catch (error) {
        this.#onError(error);
      }
    }

    #resumed() {
      if (this.#disposed) return;
      try {
        // After `stop` the page coming back is no news.
        if (this.#engine.stopped) return;
        this.#turn((engine, now) => engine.handle({ type: "resumed" }, now));
      } catch (error) {
        this.#onError(error);
      }
    }
  }
  addDispose(Driver);
  return Driver;
}

export class WorkerDriver {
  #worker;
  #onOutput;
  #onError;
  #listeners = new Listeners();
  #pending = new Map();
  #next = 1;
  #disposed = false;
  #listener;
  #detach = () => {};
  // Kept current from the worker's messages.
  #now = 0;
  #stopped = false;
  #seed = 0n;
  #timeOrigin = 0;

  /** Creates the engine in `worker` (started from web/worker.js) and resolves once it is ready. */
  static async create(worker, opts) {
    const call = "WorkerDriver.create(worker, options)";
    if (worker === null || typeof worker !== "object" || typeof worker.postMessage !== "function" || typeof worker.addEventListener !== "function") {
      throw continuityError("invalid-options", `${call} needs a Worker started from continuity-engine/worker; got ${describe(worker)}`);
    }
    const driver = new WorkerDriver(CREATE, worker, driverOptions(opts, call, "worker"));
    try {
      const created = await driver.#request({ type: "create", bundle: opts.bundle, seed: opts.seed });
      driver.#seed = created.seed;
      driver.#timeOrigin = created.timeOrigin;
      driver.#update(created);
    } catch (error) {
      // Otherwise it would keep listening to the worker and to the page.
      driver.dispose();
      throw error;
    }
    return driver;
  }

  constructor(token, worker, options) {
    if (token !== CREATE) throw notConstructible("WorkerDriver", "WorkerDriver.create(worker, options)");
    const { onOutput, onError, visibility } = options;
    this.#worker = worker;
    this.#onOutput = onOutput;
    this.#onError = onError;
    this.#listener = (event) => this.#receive(event.data);
    worker.addEventListener("message", this.#listener);
    if (visibility !== undefined) {
      // After `stop` the page coming back is no news (as in Driver).
      const report = (error) => {
        if (error?.code !== "stopped") this.#onError(error);
      };
      this.#detach = watchVisibility(visibility, () => {
        if (!this.#stopped) this.handle({ type: "resumed" }).catch(report);
      });
    }
  }

  start() {
    return this.handle({ type: "start" });
  }

  stop() {
    return this.handle({ type: "stop" });
  }

  handle(input) {
    return this.#request({ type: "input", input }).then(handled);
  }

  linkUp(site, service, member) {
    return this.#call("linkUp", [site, service, member]);
  }

  linkDown(site, service, member) {
    return this.#call("linkDown", [site, service, member]);
  }

  endpointRegistered(site) {
    return this.#call("endpointRegistered", [site]);
  }

  endpointUnregistered(site) {
    return this.#call("endpointUnregistered", [site]);
  }

  probeResult(site, ok) {
    return this.#call("probeResult", [site, ok]);
  }

  interactionStarted(id) {
    return this.#call("interactionStarted", [id]);
  }

  interactionEnded(id) {
    return this.#call("interactionEnded", [id]);
  }

  switchRequested(site) {
    return this.#call("switchRequested", [site]);
  }

  status() {
    return this.#request({ type: "status" }).then((answer) => answer.status);
  }

  policy() {
    return this.#request({ type: "policy" }).then((answer) => answer.policy);
  }

  warnings() {
    return this.#request({ type: "warnings" }).then((answer) => answer.warnings);
  }

  /** The latest engine time the worker reported. */
  get now() {
    this.#live();
    return this.#now;
  }

  get stopped() {
    this.#live();
    return this.#stopped;
  }

  get seed() {
    this.#live();
    return this.#seed;
  }

  on(event, listener) {
    this.#live();
    return this.#listeners.add(event, listener, "driver.on(event, listener)");
  }

  wallTime(at) {
    this.#live();
    return wallTime(this.#timeOrigin, at);
  }

  /** Disposes the engine in the worker and stops listening; `terminate` ends the worker too. */
  dispose({ terminate = false } = {}) {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#detach();
    this.#listeners.clear();
    this.#worker.postMessage({ v: PROTOCOL, id: this.#next++, type: "dispose" });
    this.#worker.removeEventListener("message", this.#listener);
    for (const { reject } of this.#pending.values()) {
      reject(continuityError("disposed", "the worker driver was disposed before the worker answered"));
    }
    this.#pending.clear();
    if (terminate) this.#worker.terminate();
  }

  #live() {
    if (this.#disposed) throw continuityError("disposed", "the worker driver was disposed: create a new one with WorkerDriver.create");
  }

  #call(method, args) {
    return this.#request({ type: "call", method, args }).then(handled);
  }

  #request(message) {
    if (this.#disposed) {
      return Promise.reject(continuityError("disposed", "the worker driver was disposed: create a new one with WorkerDriver.create"));
    }
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      try {
        this.#worker.postMessage({ v: PROTOCOL, id, ...message });
      } catch (error) {
        // A value the structured clone cannot carry, such as a function.
        this.#pending.delete(id);
        reject(continuityError("invalid-input", `the request cannot be sent to the worker: ${error?.message ?? String(error)}`));
      }
    });
  }

  #receive(message) {
    // Other messages on the same worker (not of this protocol) are not ours.
    if (message === null || typeof message !== "object" || message.v === undefined) return;
    if (message.v !== PROTOCOL) {
      const error = continuityError("invalid-message", `the worker speaks version ${describe(message.v)} of the message protocol; this page speaks ${PROTOCOL}: serve the worker of the same package`);
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (pending === undefined) this.#onError(error);
      else pending.reject(error);
      return;
    }
    switch (message.type) {
      case "output":
        deliver(this.#onOutput, this.#listeners, message.output, { at: message.at, time: message.time }, this.#onError);
        return;
      case "turn":
        this.#update(message);
        if (message.status !== undefined) this.#listeners.emit("status", message.status, undefined, this.#onError);
        return;
      case "done":
      case "error": {
        const pending = this.#pending.get(message.id);
        if (message.type === "error" && pending === undefined) {
          // The worker's own error (a timer turn), or one about a request
          // it could not read.
          if (message.id === undefined) this.#onError(rebuild(message.error));
          return;
        }
        if (pending === undefined) return;
        this.#pending.delete(message.id);
        if (message.type === "error") pending.reject(rebuild(message.error));
        else pending.resolve(message);
        return;
      }
      default:
    }
  }

  #update({ now, stopped }) {
    this.#now = now;
    this.#stopped = stopped;
  }
}
addDispose(WorkerDriver);

/** Subscriptions by event: "output", "status", or an output type. */
class Listeners {
  #byEvent = new Map();

  add(event, listener, call) {
    if (!EVENTS.has(event)) {
      throw continuityError("invalid-options", `${call}: unknown event ${describe(event)}; expected an output type such as "switched", "output" for every output, or "status"`);
    }
    if (typeof listener !== "function") {
      throw continuityError("invalid-options", `${call}: the listener must be a function; got ${describe(listener)}`);
    }
    let entries = this.#byEvent.get(event);
    if (entries === undefined) {
      entries = new Set();
      this.#byEvent.set(event, entries);
    }
    // An entry of its own, so that the same function subscribed twice is
    // called twice and each unsubscribe removes one.
    const entry = { listener };
    entries.add(entry);
    return () => {
      entries.delete(entry);
    };
  }

  emit(event, value, when, onError) {
    const entries = this.#byEvent.get(event);
    if (entries === undefined || entries.size === 0) return;
    for (const { listener } of [...entries]) {
      try {
        listener(value, when);
      } catch (error) {
        onError(error);
      }
    }
  }

  clear() {
    this.#byEvent.clear();
  }
}

/** Hands one output to onOutput, then to the "output" listeners, then to those of its type. */
function deliver(onOutput, listeners, output, when, onError) {
  if (onOutput !== undefined) {
    try {
      onOutput(output, when);
    } catch (error) {
      onError(error);
    }
  }
  listeners.emit("output", output, when, onError);
  listeners.emit(output.type, output, when, onError);
}

function wallTime(timeOrigin, at) {
  if (typeof at !== "number" || !Number.isFinite(at)) {
    throw continuityError("invalid-time", `wallTime(at) takes an engine time in milliseconds, such as switchover_pending.at; got ${describe(at)}`);
  }
  return timeOrigin + at;
}

function handled(answer) {
  return answer.handled;
}

function addDispose(Class) {
  if (typeof Symbol.dispose === "symbol") Class.prototype[Symbol.dispose] = Class.prototype.dispose;
}

function notConstructible(name, create) {
  return continuityError("invalid-options", `${name} has no public constructor: use \`await ${create}\``);
}

/**
 * Calls `onResumed` when the page becomes visible after being hidden, and
 * when it is restored from the back/forward cache; returns the detach function.
 */
function watchVisibility({ document, window }, onResumed) {
  if (document === undefined) return () => {};
  let hidden = document.visibilityState === "hidden";
  const onVisibility = () => {
    if (document.visibilityState === "hidden") {
      hidden = true;
    } else if (hidden) {
      hidden = false;
      onResumed();
    }
  };
  const onPageShow = (event) => {
    if (event.persisted) onResumed();
  };
  document.addEventListener("visibilitychange", onVisibility);
  window?.addEventListener("pageshow", onPageShow);
  return () => {
    document.removeEventListener("visibilitychange", onVisibility);
    window?.removeEventListener("pageshow", onPageShow);
  };
}

/**
 * Checks the options both drivers take; `source` says where the engine
 * comes from: a given "engine" (no bundle or seed), a "bundle", or a
 * "worker" (a bundle, and no clock: the worker's is used).
 */
function driverOptions(opts, call, source) {
  if (opts === undefined && source === "engine") opts = {};
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw continuityError("invalid-options", `${call} needs an options object${source === "engine" ? "" : " with a `bundle`"}; got ${describe(opts)}`);
  }
  const fail = (message) => {
    throw continuityError("invalid-options", `${call}: ${message}`);
  };
  for (const key of Object.keys(opts)) {
    if (!DRIVER_OPTIONS.includes(key)) fail(`unknown option \`${key}\`; the options are ${DRIVER_OPTIONS.join(", ")}`);
  }
  if (source === "engine") {
    for (const key of ["bundle", "seed"]) {
      if (opts[key] !== undefined) fail(`\`${key}\` is for Driver.create(options): the engine given already has its bundle and seed`);
    }
  } else if (opts.bundle === undefined) {
    fail("`bundle` is missing: the configuration, an object or its JSON text");
  }
  if (source === "worker" && opts.clock !== undefined) fail("`clock` does not apply: the worker's clock is its performance.now()");
  for (const key of ["onOutput", "onError"]) {
    if (opts[key] !== undefined && typeof opts[key] !== "function") fail(`\`${key}\` must be a function; got ${describe(opts[key])}`);
  }
  const { clock } = opts;
  if (clock !== undefined && (clock === null || typeof clock !== "object" || ["now", "setTimeout", "clearTimeout"].some((f) => typeof clock[f] !== "function"))) {
    fail(`\`clock\` must be an object with now(), setTimeout() and clearTimeout(); got ${describe(clock)}`);
  }
  if (clock?.timeOrigin !== undefined && !Number.isFinite(clock.timeOrigin)) fail(`\`clock.timeOrigin\` must be a number of epoch milliseconds; got ${describe(clock.timeOrigin)}`);
  const onError = opts.onError ?? ((error) => console.error("continuity:", error));
  const page = typeof document === "undefined" ? undefined : { document, window: typeof window === "undefined" ? undefined : window };
  const visibility = opts.resume === false ? undefined : (opts.resume ?? page);
  return { onOutput: opts.onOutput, onError, clock, visibility };
}

/** A ContinuityError rebuilt from its message form `{name, code, message, diagnostics}`. */
function rebuild(error) {
  const name = error?.name ?? "Error";
  const message = error?.message ?? "the worker reported an error";
  return new ContinuityError(error?.code ?? "error", name === "ContinuityError" ? message : `${name}: ${message}`, {
    diagnostics: error?.diagnostics,
  });
}
