// Drivers: they own the timer so the host only reports what happens.
//
// `Driver` runs an Engine on the calling thread: it reads the clock
// (performance.now()), arms one setTimeout from engine.pollTimeout(), hands
// every output to a callback, and reports `resumed` when a hidden page comes
// back. `WorkerDriver` runs the same Driver inside a dedicated Web Worker
// (web/worker.js), because browsers throttle the timers of hidden tabs to
// one wake-up a minute. See index.d.ts for the message protocol.

import { continuityError, describe } from "./errors.js";

// setTimeout keeps delays in a signed 32-bit integer.
const MAX_DELAY = 0x7fffffff;

const systemClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};

export class Driver {
  #engine;
  #onOutput;
  #onError;
  #clock;
  #timer = undefined;
  #armedFor = null;
  #delivering = false;
  #disposed = false;
  #detach = () => {};

  constructor(engine, opts) {
    const { onOutput, onError, visibility } = driverOptions(opts, "new Driver(engine, options)");
    this.#engine = engine;
    this.#onOutput = onOutput;
    this.#onError = onError;
    this.#clock = opts.clock ?? systemClock;
    if (visibility !== undefined) this.#detach = watchVisibility(visibility, () => this.#resumed());
  }

  get engine() {
    return this.#engine;
  }

  start() {
    return this.handle({ type: "start" });
  }

  stop() {
    return this.handle({ type: "stop" });
  }

  handle(input) {
    return this.#feed((now) => this.#engine.handle(input, now));
  }

  linkUp(site, service, member) {
    return this.#feed((now) => this.#engine.linkUp(site, service, member, now));
  }

  linkDown(site, service, member) {
    return this.#feed((now) => this.#engine.linkDown(site, service, member, now));
  }

  endpointRegistered(site) {
    return this.#feed((now) => this.#engine.endpointRegistered(site, now));
  }

  endpointUnregistered(site) {
    return this.#feed((now) => this.#engine.endpointUnregistered(site, now));
  }

  probeResult(site, ok) {
    return this.#feed((now) => this.#engine.probeResult(site, ok, now));
  }

  interactionStarted(id) {
    return this.#feed((now) => this.#engine.interactionStarted(id, now));
  }

  interactionEnded(id) {
    return this.#feed((now) => this.#engine.interactionEnded(id, now));
  }

  status() {
    return this.#engine.status();
  }

  /** Stops the timer and the page listeners; the engine is left as it is. */
  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#disarm();
    this.#detach();
  }

  #now() {
    return Math.max(0, Math.floor(this.#clock.now()));
  }

  #feed(feed) {
    if (this.#disposed) {
      throw continuityError("disposed", "the driver was disposed: create a new Driver");
    }
    // A refused input throws here, before anything changed.
    feed(this.#now());
    this.#deliver();
    this.#arm();
  }

  /** Hands every waiting output to onOutput, with the engine time it came out at. */
  #deliver() {
    // An input fed from inside onOutput queues its outputs behind the ones
    // being delivered: this loop hands them over, in order.
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      // onOutput may dispose the driver (and free the engine) on the way.
      let outputs;
      while (!this.#disposed && (outputs = this.#engine.drainOutputs()).length > 0) {
        const at = this.#engine.now;
        for (const output of outputs) {
          try {
            this.#onOutput(output, at);
          } catch (error) {
            this.#onError(error);
          }
        }
      }
    } finally {
      this.#delivering = false;
    }
  }

  #arm() {
    // onOutput may have disposed the driver.
    if (this.#disposed) return;
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
      this.#engine.handleTimeout(this.#now());
      this.#deliver();
      this.#arm();
    } catch (error) {
      this.#onError(error);
    }
  }

  #resumed() {
    if (this.#disposed || this.#engine.stopped) return;
    try {
      this.handle({ type: "resumed" });
    } catch (error) {
      this.#onError(error);
    }
  }
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

/** The options both drivers take: the callbacks, and where to watch for the page coming back. */
function driverOptions(opts, call) {
  if (opts === null || typeof opts !== "object" || typeof opts.onOutput !== "function") {
    throw continuityError("invalid-options", `${call} needs options.onOutput, a function called with (output, atMs); got ${describe(opts)}`);
  }
  const onError = typeof opts.onError === "function" ? opts.onError : (error) => console.error("continuity:", error);
  const page = typeof document === "undefined" ? undefined : { document, window: typeof window === "undefined" ? undefined : window };
  const visibility = opts.resume === false ? undefined : (opts.resume ?? page);
  return { onOutput: opts.onOutput, onError, visibility };
}

export class WorkerDriver {
  #worker;
  #onOutput;
  #onError;
  #pending = new Map();
  #next = 1;
  #disposed = false;
  #listener;
  #detach = () => {};

  /** Creates the engine in `worker` (started from web/worker.js) and resolves once it is ready. */
  static async create(worker, opts) {
    const driver = new WorkerDriver(worker, driverOptions(opts, "WorkerDriver.create(worker, options)"));
    try {
      await driver.#request({ type: "create", bundle: opts.bundle, seed: opts.seed ?? 0, files: opts.files });
    } catch (error) {
      // Otherwise it would keep listening to the worker and to the page.
      driver.dispose();
      throw error;
    }
    return driver;
  }

  constructor(worker, { onOutput, onError, visibility }) {
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
      this.#detach = watchVisibility(visibility, () => this.handle({ type: "resumed" }).catch(report));
    }
  }

  start() {
    return this.handle({ type: "start" });
  }

  stop() {
    return this.handle({ type: "stop" });
  }

  handle(input) {
    return this.#request({ type: "input", input });
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

  #call(method, args) {
    return this.#request({ type: "call", method, args });
  }

  status() {
    return this.#request({ type: "status" });
  }

  /** Disposes the driver in the worker and stops listening; `terminate` ends the worker too. */
  dispose({ terminate = false } = {}) {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#detach();
    this.#worker.postMessage({ type: "dispose" });
    this.#worker.removeEventListener("message", this.#listener);
    for (const { reject } of this.#pending.values()) {
      reject(continuityError("disposed", "the worker driver was disposed before it answered"));
    }
    this.#pending.clear();
    if (terminate) this.#worker.terminate();
  }

  #request(message) {
    if (this.#disposed) {
      return Promise.reject(continuityError("disposed", "the worker driver was disposed: create a new WorkerDriver"));
    }
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      try {
        this.#worker.postMessage({ ...message, id });
      } catch (error) {
        // A value the structured clone cannot carry, such as a function.
        this.#pending.delete(id);
        reject(continuityError("invalid-input", `the request cannot be sent to the worker: ${error?.message ?? String(error)}`));
      }
    });
  }

  #receive(message) {
    if (message === null || typeof message !== "object") return;
    if (message.type === "output") {
      try {
        this.#onOutput(message.output, message.at);
      } catch (error) {
        this.#onError(error);
      }
      return;
    }
    // An error without an id is the worker's own (a timer turn); an answer
    // to a request this driver did not send belongs to someone else.
    if (message.type === "error" && message.id === undefined) {
      this.#onError(rebuild(message.error));
      return;
    }
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    this.#pending.delete(message.id);
    if (message.type === "error") pending.reject(rebuild(message.error));
    else pending.resolve(message.status);
  }

}

/** A ContinuityError rebuilt from its message form `{name, code, message, diagnostics}`. */
function rebuild(error) {
  const e = continuityError(error?.code ?? "error", error?.message ?? "the worker reported an error", error?.diagnostics === undefined ? undefined : { diagnostics: error.diagnostics });
  e.name = error?.name ?? "Error";
  return e;
}
