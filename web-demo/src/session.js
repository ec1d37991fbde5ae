// One simulated session: the engine in the package's Driver on a virtual
// clock, the world and the desktop's stack around it (or a scenario's steps,
// played back), and the record of everything fed to the engine, which is
// what a downloaded scenario holds.
//
// Every input goes through `feed`, which writes it to the record at the
// virtual time the Driver reads; every output comes back with the time it
// was decided at. So the record, run by `continuity simulate`, gives the
// very trace the session's log holds.

import { Driver, traceLine } from "continuity-engine";

import { VirtualClock } from "./clock.js";
import { History } from "./history.js";
import { SimulatedHost, World } from "./world.js";
import { clockText, durationText, inputText, isCommand, outputText } from "./words.js";

/** The sites a bundle names: the policy's preferred and peer, or the local sites while bootstrapping. */
function sitesOf(policy, bundle) {
  if (policy !== null) return [policy.preferred, policy.peer].filter((site) => site !== null);
  return (bundle.local?.sites ?? []).map((site) => site.name);
}

export class Session {
  /** Everything shown in the log: `{at, kind, text, detail}`, kind `input`, `command`, `notice`, `host` or `sleep`. */
  log = [];
  /** Every output with its time, as the driver handed them out. */
  emitted = [];
  /** The scenario steps recorded so far. */
  steps = [];
  /** The latest status snapshot. */
  status = null;
  #callCount = 0;
  #listeners = new Set();

  /**
   * Starts a session: `bundle` (options resolved), `seed`; with `playback`
   * (`{name, description, steps, until}`) the scenario's steps are played
   * instead of a simulated world, and the clock stops at its `until`.
   */
  static async start({ bundle, seed, playback = null }) {
    const session = new Session(bundle, seed, playback);
    await session.#open();
    return session;
  }

  constructor(bundle, seed, playback) {
    this.bundle = bundle;
    this.seed = seed;
    this.playback = playback;
    this.clock = new VirtualClock();
  }

  async #open() {
    this.driver = await Driver.create({
      bundle: this.bundle,
      seed: this.seed,
      clock: this.clock,
      // Virtual time: the page's own visibility is not the simulated host's.
      resume: false,
      onOutput: (output, when) => this.#output(output, when.at),
      onError: (error) => this.#entry("host", `error: ${error.message}`),
    });
    this.driver.on("status", (status) => {
      this.status = status;
    });
    this.status = await this.driver.status();
    this.policy = await this.driver.policy();
    this.sites = sitesOf(this.policy, this.bundle);
    this.history = new History(this.sites);
    if (this.playback === null) {
      this.world = new World(this.sites, this.history, () => this.clock.now());
      this.host = new SimulatedHost(this.world, this.clock, (input) => this.feed(input), (text) => this.#entry("host", text));
      await this.feed({ type: "start" });
    } else {
      this.world = null;
      this.host = null;
      this.#schedule(this.playback);
    }
  }

  /** Subscribes to changes (an input fed, an output, a sleep); returns the unsubscribe function. */
  subscribe(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Hands an input to the engine at the clock's time, recording it; resolves to what became of it. */
  async feed(input) {
    const step = { at: this.clock.now(), input };
    return this.#feedStep(step);
  }

  async #feedStep(step) {
    this.steps.push(step);
    const entry = this.#entry("input", inputText(step.input), step.input, step.at);
    if (this.playback !== null) this.history.input(step.input, step.at);
    try {
      entry.handled = await this.driver.handle(step.input);
    } catch (error) {
      // Input the engine could not read never happened: keep it out of the
      // record. (After `stop`, inputs are refused but still part of the
      // session, as `continuity simulate` ignores them.)
      if (error?.code !== "stopped") this.steps.splice(this.steps.indexOf(step), 1);
      entry.handled = error?.code === "stopped" ? "refused" : "invalid";
      this.#entry("host", `the engine refused the input: ${error.message}`);
    }
    this.#changed();
    return entry.handled;
  }

  /** The host sleeps (a frozen laptop) for `ms`: its timers and what it observes wait for it to wake. */
  sleep(ms) {
    const at = this.clock.now();
    const until = at + Math.max(1, Math.floor(ms));
    this.steps.push({ at, freeze_until: until });
    this.#sleepFrom(at, until);
  }

  #sleepFrom(at, until) {
    this.clock.sleepUntil(until);
    this.history.sleep(at, until);
    this.#entry("sleep", `the host sleeps for ${durationText(until - at)}, until ${clockText(until)}`, { freeze_until: until }, at, until);
    this.#changed();
  }

  /** Starts a call (the engine lists it in `status().interactions` until it ends). */
  startCall() {
    return this.feed({ type: "interaction_started", id: `call-${++this.#callCount}` });
  }

  /** Ends a call. */
  endCall(id) {
    return this.feed({ type: "interaction_ended", id });
  }

  /** The session as a scenario file: this bundle, this seed, every step, until now. */
  scenario() {
    return {
      description: this.playback?.description ?? "A session recorded in the Continuity web demo.",
      bundle: this.bundle,
      seed: this.seed,
      steps: this.steps,
      until: this.clock.now(),
    };
  }

  /** The trace so far, JSON Lines, as `continuity simulate` prints it. */
  trace() {
    return this.emitted.map(traceLine).join("");
  }

  /** Whether a played-back scenario has reached its end. */
  get finished() {
    return this.playback !== null && this.clock.now() >= this.playback.until;
  }

  dispose() {
    this.driver?.dispose();
    this.#listeners.clear();
  }

  // ------------------------------------------------------------ internals

  #output(output, at) {
    this.emitted.push({ at, output });
    this.history.output(output, at);
    this.#entry(isCommand(output) ? "command" : "notice", outputText(output), output, at);
    if (this.host !== null) this.host.carry(output);
    else if (output.type === "unregister_endpoint") this.history.endpointChanged(output.site, false, at);
    this.#changed();
  }

  #entry(kind, text, detail = null, at = this.clock.now(), until = null) {
    const entry = { at, kind, text, detail, until };
    this.log.push(entry);
    return entry;
  }

  #changed() {
    for (const listener of this.#listeners) listener();
  }

  /** Puts a scenario's steps on the clock, each at its time (steps going back in time come right after the one before). */
  #schedule({ steps, until }) {
    let last = 0;
    for (const step of steps) {
      last = Math.max(last, step.at);
      this.clock.at(last, () => {
        if (step.input !== undefined) this.#feedStep({ ...step });
        else {
          this.steps.push({ ...step });
          this.#sleepFrom(step.at, step.freeze_until);
        }
      });
    }
    this.clock.stopAt = until;
  }
}
