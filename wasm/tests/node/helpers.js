// Shared helpers of the Node tests: the repository's bundles and scenarios,
// a host that drives an Engine in virtual time like the scenario runner, a
// fake clock for the drivers (whose timers can fire late), and error
// assertions.

import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";

import { ContinuityError, Engine } from "../../pkg/node/index.js";
import { resolveOptionFiles } from "../../pkg/node/tools.js";

const repo = new URL("../../../", import.meta.url);
const scenarios = new URL("tests/scenarios/", repo);

/** The text of a file, by its path in the repository. */
export function readText(path) {
  return readFileSync(new URL(path, repo), "utf8");
}

/** A JSON file, by its path in the repository. */
export function readJson(path) {
  return JSON.parse(readText(path));
}

/** A bundle of tests/scenarios/bundles, by name. */
export function bundle(name) {
  return readJson(`tests/scenarios/bundles/${name}.json`);
}

/** The names of every scenario of tests/scenarios. */
export function scenarioNames() {
  return readdirSync(scenarios)
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.slice(0, -".json".length))
    .sort();
}

/** A scenario of tests/scenarios, by name. */
export function scenario(name) {
  return readJson(`tests/scenarios/${name}.json`);
}

/** The expected trace of a scenario, as text (JSON Lines). */
export function traceText(name) {
  return readText(`tests/scenarios/${name}.trace.jsonl`);
}

/** The expected trace of a scenario, as `{at, output}` objects. */
export function trace(name) {
  return traceText(name).trim().split("\n").map((line) => JSON.parse(line));
}

/** Every file the scenarios name, by the path written there (`bundle_file`, `options_file`). */
export function scenarioFiles() {
  const files = {};
  for (const file of readdirSync(new URL("bundles/", scenarios))) {
    if (file.endsWith(".json")) files[`bundles/${file}`] = readText(`tests/scenarios/bundles/${file}`);
  }
  files["exports/agent1.cfg"] = readText("tests/scenarios/bundles/exports/agent1.cfg");
  return files;
}

/** The bundle a scenario runs with, its option exports resolved (as the runtime takes it). */
export function scenarioBundle(s) {
  const bundle = s.bundle ?? JSON.parse(scenarioFiles()[s.bundle_file]);
  return resolveOptionFiles(bundle, scenarioFiles()).bundle;
}

export const SERVICES = ["sip-server", "stat-server", "config-server"];
/** What an input method answers (the Handled type of index.d.ts). */
export const HANDLED = ["applied", "duplicate", "unknown", "out-of-phase"];
export const MEMBERS = ["primary", "backup"];

/** Feeds an input through the engine's fast-path method for it, or `handle` when it has none. */
export function feedFast(engine, input, now) {
  switch (input.type) {
    case "link_up": return engine.linkUp(input.site, input.service, input.member, now);
    case "link_down": return engine.linkDown(input.site, input.service, input.member, now);
    case "endpoint_registered": return engine.endpointRegistered(input.site, now);
    case "endpoint_unregistered": return engine.endpointUnregistered(input.site, now);
    case "probe_result": return engine.probeResult(input.site, input.ok, now);
    case "interaction_started": return engine.interactionStarted(input.id, now);
    case "interaction_ended": return engine.interactionEnded(input.id, now);
    case "switch_requested": return engine.switchRequested(input.site, now);
    default: return engine.handle(input, now);
  }
}

/** Feeds an input with `handle`. */
export function feedHandle(engine, input, now) {
  return engine.handle(input, now);
}

/**
 * A host that drives an Engine in virtual time the way the scenario runner
 * does (DESIGN §4.4): before each input it calls handleTimeout at every
 * deadline pollTimeout() names, at its exact time; it records every output
 * with the time it was decided at.
 */
export class Host {
  /** Every output so far, as `{at, output}`. */
  trace = [];
  /** What became of the last input (undefined when the feed refused it and said so). */
  handled;
  #frozenUntil = 0;

  constructor(engine, feed = feedHandle) {
    this.engine = engine;
    this.feed = feed;
  }

  /** Fires every deadline up to `limit`, then feeds `input` at `limit`; returns the outputs it gave. */
  at(limit, input) {
    this.until(limit);
    this.handled = this.feed(this.engine, input, limit);
    const outputs = this.#drain();
    if (this.handled !== undefined) {
      assert.ok(HANDLED.includes(this.handled), `an input method answers what became of the input; got ${this.handled}`);
      if (this.handled !== "applied") assert.deepEqual(outputs, [], `an input ignored as ${this.handled} emits nothing`);
    }
    if (this.#frozenUntil <= limit) {
      // (A time before the last one seen counts as the last one seen.)
      const now = this.engine.now;
      assert.ok(outputs.every(({ at }) => at === now), "every deadline was fired before: the input's outputs carry its time");
    }
    return outputs.map(({ output }) => output);
  }

  /** Fires every deadline up to `limit`, each at its exact time (or at the end of a freeze). */
  until(limit) {
    for (let deadline = this.engine.pollTimeout(); deadline !== null; deadline = this.engine.pollTimeout()) {
      const at = Math.max(deadline, this.#frozenUntil, this.engine.now);
      if (at > limit) break;
      this.engine.handleTimeout(at);
      this.#drain();
      assert.notEqual(this.engine.pollTimeout(), deadline, `the deadline at ${deadline} ms must move on once handled`);
    }
  }

  /** No handleTimeout before `until` (a frozen host). */
  freeze(until) {
    this.#frozenUntil = Math.max(this.#frozenUntil, until);
  }

  /** Runs a scenario's steps and `until`; returns the trace. */
  run(s) {
    for (const step of s.steps) {
      if (step.input === undefined) {
        this.until(step.at);
        this.freeze(step.freeze_until);
      } else {
        this.at(step.at, step.input);
      }
    }
    this.until(s.until ?? s.steps.at(-1).at);
    return this.trace;
  }

  /** The outputs since the last call to `since`, dropping their times. */
  since(index) {
    return this.trace.slice(index).map(({ output }) => output);
  }

  #drain() {
    const emitted = this.engine.drainEmitted();
    this.trace.push(...emitted);
    return emitted;
  }
}

/** Reports every link of a site up, 100 ms apart from `from`; returns the time of the last one. */
export function linksUp(host, site, from) {
  let at = from;
  for (const service of SERVICES) {
    for (const member of MEMBERS) {
      host.at(at, { type: "link_up", site, service, member });
      at += 100;
    }
  }
  return at - 100;
}

/**
 * An engine on the two-site bundle (T = 60 s, W = 30 s), started at 0 and
 * active on SiteA with its endpoint registered at 900 ms.
 */
export function activeOnSiteA(seed = 0) {
  const host = new Host(new Engine(bundle("two-site"), seed));
  host.at(0, { type: "start" });
  linksUp(host, "SiteA", 100);
  host.at(900, { type: "endpoint_registered", site: "SiteA" });
  return host;
}

/**
 * Asserts that `fn` throws a ContinuityError with `code` whose message holds
 * every fragment; returns the error.
 */
export function assertThrowsContinuity(fn, code, ...fragments) {
  let thrown;
  assert.throws(fn, (error) => {
    thrown = error;
    return true;
  });
  assertContinuityError(thrown, code, ...fragments);
  return thrown;
}

/** Asserts that `error` is a ContinuityError with `code` whose message holds every fragment. */
export function assertContinuityError(error, code, ...fragments) {
  assert.ok(error instanceof Error, `expected an Error, got ${error}`);
  assert.ok(error instanceof ContinuityError, `expected a ContinuityError, got ${error?.constructor?.name}: ${error?.stack}`);
  assert.equal(error.name, "ContinuityError", `name of: ${error.stack}`);
  assert.equal(error.code, code, `code of: ${error.message}`);
  for (const fragment of fragments) {
    assert.ok(error.message.includes(fragment), `expected the message to say ${JSON.stringify(fragment)}; it says ${JSON.stringify(error.message)}`);
  }
}

/**
 * A clock for the drivers in virtual time: `now()` is what the test says,
 * timers fire only when the test advances the time — `late` ms after they
 * are due, like a browser's throttled or delayed timers.
 */
export class FakeClock {
  time = 0;
  /** How late every timer fires, in ms. */
  late = 0;
  /** The epoch ms at time 0 (Clock.timeOrigin). */
  timeOrigin;
  /** Armed timers by handle: `{at, ms, callback}`. */
  timers = new Map();
  /** Every delay passed to setTimeout, in order. */
  delays = [];
  cleared = 0;
  #next = 1;

  constructor({ late = 0, timeOrigin = undefined } = {}) {
    this.late = late;
    if (timeOrigin !== undefined) this.timeOrigin = timeOrigin;
  }

  now = () => this.time;

  setTimeout = (callback, ms) => {
    const handle = this.#next++;
    this.delays.push(ms);
    this.timers.set(handle, { at: this.time + ms + this.late, ms, callback });
    return handle;
  };

  clearTimeout = (handle) => {
    if (this.timers.delete(handle)) this.cleared += 1;
  };

  /** When the one armed timer fires (asserting there is exactly one), or null when none is. */
  armedAt() {
    assert.ok(this.timers.size <= 1, `expected at most one armed timer, found ${this.timers.size}`);
    const [timer] = this.timers.values();
    return timer === undefined ? null : timer.at;
  }

  /** Fires the one armed timer now, whatever its time (a browser timer firing a little early). */
  fireNow() {
    const [[handle, timer]] = this.timers;
    this.timers.delete(handle);
    timer.callback();
  }

  /** Moves the time to `time`, firing every timer due on the way at its own time, in order. */
  advanceTo(time) {
    for (;;) {
      let due;
      for (const [handle, timer] of this.timers) {
        if (timer.at <= time && (due === undefined || timer.at < due[1].at)) due = [handle, timer];
      }
      if (due === undefined) break;
      const [handle, timer] = due;
      this.timers.delete(handle);
      this.time = Math.max(this.time, timer.at);
      timer.callback();
    }
    this.time = Math.max(this.time, time);
  }
}
