// The drivers in virtual time: Driver on a fake clock and fake page, and
// WorkerDriver against in-memory workers speaking the documented message
// protocol (WorkerRequest / WorkerMessage in index.d.ts), including the real
// worker entry. Nothing here waits on the wall clock.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";

import { Driver, Engine, WorkerDriver, isContinuityError } from "../../pkg/node/index.js";
import { FakeClock, MEMBERS, SERVICES, assertContinuityError, assertThrowsContinuity, bundle, readJson } from "./helpers.js";

const MAX_DELAY = 2 ** 31 - 1;

/** A Driver on the two-site bundle (T = 60 s, W = 30 s) with a fake clock; `seen` holds every `{at, output}`. */
function driven({ engine = new Engine(bundle("two-site")), ...opts } = {}) {
  const clock = new FakeClock();
  const seen = [];
  const errors = [];
  const driver = new Driver(engine, {
    clock,
    resume: false,
    onOutput: (output, at) => seen.push({ at, output }),
    onError: (error) => errors.push(error),
    ...opts,
  });
  return { clock, seen, errors, driver, engine };
}

/** Reports every link of `site` up through the driver, 100 ms apart from `from`. */
function linksUp({ clock, driver }, site, from) {
  let at = from;
  for (const service of SERVICES) {
    for (const member of MEMBERS) {
      clock.advanceTo(at);
      driver.linkUp(site, service, member);
      at += 100;
    }
  }
}

/** Started at 0, active on SiteA, endpoint registered at 900 ms. */
function activeOnSiteA(opts) {
  const run = driven(opts);
  run.driver.start();
  linksUp(run, "SiteA", 100);
  run.clock.advanceTo(900);
  run.driver.endpointRegistered("SiteA");
  return run;
}

/** Both SIP Server links of SiteA lost at 12 s: a switch is pending for 72 s. */
function sipServerLost(run) {
  run.clock.advanceTo(12000);
  run.driver.linkDown("SiteA", "sip-server", "primary");
  run.driver.linkDown("SiteA", "sip-server", "backup");
  return run;
}

const types = (lines) => lines.map(({ output }) => output.type);

describe("Driver: the timer", () => {
  test("start arms exactly one timer, for the deadline pollTimeout() names", () => {
    const { clock, seen, driver, engine } = driven();
    driver.start();
    assert.deepEqual(seen, [
      { at: 0, output: { type: "connect", site: "SiteA" } },
      { at: 0, output: { type: "register_endpoint", site: "SiteA" } },
      { at: 0, output: { type: "phase_changed", phase: "connecting", site: "SiteA", role: "preferred" } },
    ]);
    assert.equal(engine.pollTimeout(), 30000);
    assert.equal(clock.armedAt(), 30000);
    assert.deepEqual(clock.delays, [30000]);
  });

  test("an input that moves the deadline re-arms the one timer; one that does not leaves it alone", () => {
    const run = driven();
    const { clock, driver } = run;
    driver.start();
    linksUp(run, "SiteA", 100);
    assert.deepEqual(clock.delays, [30000], "activating drops the silent site deadline; the endpoint one is still first");
    clock.advanceTo(900);
    driver.endpointRegistered("SiteA");
    assert.equal(clock.armedAt(), null, "nothing is due: no timer");
    assert.equal(clock.cleared, 1);

    clock.advanceTo(12000);
    driver.linkDown("SiteA", "sip-server", "primary");
    driver.linkDown("SiteA", "sip-server", "backup");
    assert.equal(clock.armedAt(), 72000);
    assert.deepEqual(clock.delays, [30000, 60000]);
  });

  test("the timer fires handleTimeout at the deadline: the switch comes out at exactly 72 000 ms", () => {
    const run = sipServerLost(activeOnSiteA());
    const { clock, seen, driver } = run;
    assert.deepEqual(seen.at(-1), { at: 12000, output: { type: "switchover_pending", from: "SiteA", to: "SiteB", reason: "site-timeout", at: 72000 } });
    const mark = seen.length;
    clock.advanceTo(71999);
    assert.equal(seen.length, mark, "nothing a millisecond early");
    clock.advanceTo(72000);
    assert.deepEqual(seen.slice(mark).map(({ at }) => at), [72000, 72000, 72000, 72000, 72000, 72000]);
    assert.deepEqual(types(seen.slice(mark)), ["unregister_endpoint", "disconnect", "connect", "register_endpoint", "switched", "phase_changed"]);
    assert.equal(driver.status().site, "SiteB");
    assert.equal(clock.armedAt(), 72000 + 30000, "and the peer's deadline is armed");
  });

  test("the page coming back holds a due switch for the recheck grace, and the timer follows", () => {
    const page = fakePage();
    const run = sipServerLost(activeOnSiteA({ resume: page }));
    page.hide();
    run.clock.time = 68000; // the tab was frozen: no timer ran
    page.show();
    assert.deepEqual(run.seen.at(-1), { at: 68000, output: { type: "recheck", site: "SiteA" } });
    assert.equal(run.clock.armedAt(), 78000);
    run.clock.advanceTo(78000);
    assert.ok(run.seen.some(({ at, output }) => at === 78000 && output.type === "switched"));
  });

  test("a quiet day on the preferred site costs no timer turn at all", () => {
    const { clock, seen } = activeOnSiteA();
    const turns = clock.delays.length;
    const outputs = seen.length;
    clock.advanceTo(24 * 3600 * 1000);
    assert.equal(clock.delays.length, turns);
    assert.equal(seen.length, outputs);
  });

  test("on the peer, an hour of unanswered probes is one timer turn per probe, never a spin", () => {
    const run = sipServerLost(activeOnSiteA());
    run.clock.advanceTo(72000);
    linksUp(run, "SiteB", 72100);
    run.clock.advanceTo(72900);
    run.driver.endpointRegistered("SiteB");
    const turns = run.clock.delays.length;
    const outputs = run.seen.length;
    run.clock.advanceTo(72900 + 3600 * 1000);

    const delays = run.clock.delays.slice(turns);
    const probes = run.seen.slice(outputs).filter(({ output }) => output.type === "probe");
    assert.equal(probes.length, 360);
    assert.equal(run.seen.length - outputs, 360, "nothing but probes");
    assert.ok(delays.length <= probes.length + 1, `${delays.length} timer turns for ${probes.length} probes`);
    assert.ok(delays.every((ms) => ms >= 9000), `every turn waits: ${delays.filter((ms) => ms < 9000)}`);
  });

  test("a timer that fires a fraction early re-arms for the rest (at least 1 ms) and switches on time", () => {
    const { clock, seen } = sipServerLost(activeOnSiteA());
    clock.time = 71999.6;
    clock.fireNow();
    assert.equal(seen.at(-1).output.type, "switchover_pending", "not yet");
    assert.equal(clock.delays.at(-1), 1);
    clock.advanceTo(72001);
    assert.deepEqual(seen.filter(({ output }) => output.type === "switched"), [
      { at: 72000, output: { type: "switched", from: "SiteA", to: "SiteB", reason: "site-timeout" } },
    ]);
  });

  test("a delay longer than setTimeout holds is cut to 2^31-1 ms and re-armed when that fires", () => {
    // The engine has run on another clock: its time is far ahead of this one.
    const far = 3e9;
    const engine = new Engine(bundle("two-site"));
    engine.handle({ type: "start" }, far);
    engine.drainOutputs();
    const { clock, seen, driver } = driven({ engine });
    driver.linkUp("SiteA", "sip-server", "primary");
    assert.deepEqual(clock.delays, [MAX_DELAY]);

    clock.advanceTo(MAX_DELAY);
    assert.deepEqual(seen, [], "fired early: nothing due yet");
    assert.deepEqual(clock.delays, [MAX_DELAY, far + 30000 - MAX_DELAY]);
    clock.advanceTo(far + 30000);
    assert.equal(seen.find(({ output }) => output.type === "switched").at, far + 30000);
  });
});

describe("Driver: outputs and errors", () => {
  test("onOutput throwing goes to onError, and the later outputs still arrive", () => {
    const boom = new Error("the UI fell over");
    const delivered = [];
    const { errors, driver, clock } = driven({
      onOutput: (output) => {
        delivered.push(output.type);
        if (output.type === "connect") throw boom;
      },
    });
    driver.start();
    assert.deepEqual(delivered, ["connect", "register_endpoint", "phase_changed"]);
    assert.deepEqual(errors, [boom]);
    assert.equal(clock.armedAt(), 30000, "the timer is armed all the same");
  });

  test("an output that throws in a timer turn goes to onError too, and the timer keeps running", () => {
    const errors = [];
    const { clock, driver } = driven({
      onOutput: (output) => {
        if (output.type === "switched") throw new Error("render failed");
      },
      onError: (error) => errors.push(error.message),
    });
    driver.start();
    clock.advanceTo(30000);
    assert.deepEqual(errors, ["render failed"]);
    assert.equal(clock.armedAt(), 60000, "SiteB's endpoint deadline");
  });

  test("outputs reach onOutput in order even when onOutput reports links back at once", () => {
    const seen = [];
    let driver;
    ({ driver } = driven({
      onOutput: (output) => {
        seen.push(output.phase ? `${output.type}:${output.phase}` : output.type);
        if (output.type === "connect") {
          for (const service of SERVICES) driver.linkUp(output.site, service, "primary");
        }
      },
    }));
    driver.start();
    assert.deepEqual(seen, ["connect", "register_endpoint", "phase_changed:connecting", "phase_changed:active"]);
    assert.equal(driver.status().phase, "active");
  });

  test("a bad input throws like the engine and leaves the timer as it was", () => {
    const { clock, seen, driver } = driven();
    driver.start();
    const [armed] = clock.timers.keys();
    const before = { delays: clock.delays.length, cleared: clock.cleared, seen: seen.length };

    assertThrowsContinuity(() => driver.linkUp("SiteA", "sip", "primary"), "invalid-input", 'unknown service the string "sip"');
    assertThrowsContinuity(() => driver.handle({ type: "reboot" }), "invalid-input", 'unknown input type "reboot"');
    assertThrowsContinuity(() => driver.probeResult("SiteA", "yes"), "invalid-input", "`ok` of probe_result must be a boolean");
    clock.time = NaN; // a broken clock is refused by the engine, not taken as a time
    assertThrowsContinuity(() => driver.interactionStarted("call-1"), "invalid-time", "got NaN");
    clock.time = 10;

    assert.deepEqual([...clock.timers.keys()], [armed]);
    assert.deepEqual({ delays: clock.delays.length, cleared: clock.cleared, seen: seen.length }, before);
    driver.endpointRegistered("SiteA");
    assert.equal(clock.armedAt(), 60000, "and the next good input works");
  });

  test("after stop, inputs throw stopped and no timer is left", () => {
    const { clock, seen, driver } = driven();
    driver.start();
    driver.stop();
    assert.deepEqual(types(seen.slice(-3)), ["unregister_endpoint", "disconnect", "phase_changed"]);
    assert.equal(clock.armedAt(), null);
    assertThrowsContinuity(() => driver.linkUp("SiteA", "sip-server", "primary"), "stopped", "`link_up` was refused");
  });

  test("new Driver needs onOutput", () => {
    const engine = new Engine(bundle("two-site"));
    assertThrowsContinuity(() => new Driver(engine, {}), "invalid-options", "needs options.onOutput");
    assertThrowsContinuity(() => new Driver(engine), "invalid-options", "got undefined");
  });
});

describe("Driver: dispose", () => {
  test("dispose clears the timer, later calls throw disposed, and the engine is left as it is", () => {
    const { clock, driver, engine } = driven();
    driver.start();
    driver.dispose();
    assert.equal(clock.timers.size, 0);
    assert.equal(clock.cleared, 1);
    assertThrowsContinuity(() => driver.linkUp("SiteA", "sip-server", "primary"), "disposed", "create a new Driver");
    assertThrowsContinuity(() => driver.start(), "disposed");
    assertThrowsContinuity(() => driver.stop(), "disposed");
    assert.doesNotThrow(() => driver.dispose());
    assert.equal(driver.engine, engine);
    assert.equal(engine.status().phase, "connecting");
  });

  test("disposing from inside onOutput leaves no timer armed", () => {
    let driver;
    const clock = new FakeClock();
    const engine = new Engine(bundle("two-site"));
    driver = new Driver(engine, {
      clock,
      resume: false,
      onOutput: (output) => {
        if (output.type === "connect") {
          driver.dispose();
          engine.free();
        }
      },
    });
    driver.start();
    assert.equal(clock.timers.size, 0);
  });
});

/** A page: a document whose visibilityState the test sets, and a window, both EventTargets. */
function fakePage(state = "visible") {
  const document = new EventTarget();
  const window = new EventTarget();
  document.visibilityState = state;
  const visibility = (value) => {
    document.visibilityState = value;
    document.dispatchEvent(new Event("visibilitychange"));
  };
  return {
    document,
    window,
    hide: () => visibility("hidden"),
    show: () => visibility("visible"),
    pageshow: (persisted) => window.dispatchEvent(Object.assign(new Event("pageshow"), { persisted })),
  };
}

describe("Driver: resume", () => {
  const rechecks = (seen) => seen.filter(({ output }) => output.type === "recheck").length;

  test("the page shown again after being hidden feeds resumed: the engine asks for a recheck", () => {
    const page = fakePage();
    const { clock, seen, driver } = driven({ resume: page });
    driver.start();
    page.show();
    assert.equal(rechecks(seen), 0, "visible to visible is no resume");
    page.hide();
    assert.equal(rechecks(seen), 0, "hiding is no resume");
    clock.time = 5000;
    page.show();
    assert.deepEqual(seen.at(-1), { at: 5000, output: { type: "recheck", site: "SiteA" } });
    page.show();
    assert.equal(rechecks(seen), 1, "once per time it was hidden");
  });

  test("a page restored from the back/forward cache feeds resumed", () => {
    const page = fakePage();
    const { seen, driver } = driven({ resume: page });
    driver.start();
    page.pageshow(false);
    assert.equal(rechecks(seen), 0, "a plain page load is no resume");
    page.pageshow(true);
    assert.equal(rechecks(seen), 1);
  });

  test("a page that starts hidden resumes when first shown", () => {
    const page = fakePage("hidden");
    const { seen, driver } = driven({ resume: page });
    driver.start();
    page.show();
    assert.equal(rechecks(seen), 1);
  });

  test("resume: false watches nothing", () => {
    const page = fakePage();
    const { seen, driver } = driven({ resume: false });
    driver.start();
    page.hide();
    page.show();
    page.pageshow(true);
    assert.equal(rechecks(seen), 0);
  });

  test("after stop or dispose the page coming back feeds nothing and reports no error", () => {
    const page = fakePage();
    const stopped = driven({ resume: page });
    stopped.driver.start();
    stopped.driver.stop();
    page.hide();
    page.show();
    assert.deepEqual(stopped.errors, []);
    assert.equal(rechecks(stopped.seen), 0);

    const other = fakePage();
    const disposed = driven({ resume: other });
    disposed.driver.start();
    disposed.driver.dispose();
    other.hide();
    other.show();
    other.pageshow(true);
    assert.deepEqual(disposed.errors, []);
    assert.equal(rechecks(disposed.seen), 0);
  });
});

/**
 * A Worker in memory: what the page posts is structured-cloned and answered
 * by `respond` on a later microtask, the way a real worker answers later.
 */
class FakeWorker extends EventTarget {
  posted = [];
  terminated = false;
  hold = false;

  constructor(respond) {
    super();
    this.respond = respond;
  }

  postMessage(message) {
    const copy = structuredClone(message);
    this.posted.push(copy);
    if (!this.hold) queueMicrotask(() => this.respond(copy, this));
  }

  /** A message from the worker to the page. */
  send(data) {
    this.dispatchEvent(Object.assign(new Event("message"), { data: structuredClone(data) }));
  }

  terminate() {
    this.terminated = true;
  }
}

/** The worker side of the protocol (WorkerRequest → WorkerMessage) around a real Engine and Driver on `clock`. */
function engineWorker(clock = new FakeClock()) {
  let driver;
  const worker = new FakeWorker((message, self) => {
    try {
      let status;
      switch (message.type) {
        case "create": {
          const engine = new Engine(message.bundle, message.seed, { files: message.files });
          driver = new Driver(engine, { clock, resume: false, onOutput: (output, at) => self.send({ type: "output", at, output }) });
          status = engine.status();
          break;
        }
        case "input": driver.handle(message.input); break;
        case "call": driver[message.method](...message.args); break;
        case "status": status = driver.status(); break;
        case "dispose": driver?.dispose(); driver = undefined; break;
        default: throw new Error(`unexpected message ${message.type}`);
      }
      self.send({ type: "done", id: message.id, status });
    } catch (error) {
      self.send({ type: "error", id: message.id, error: { name: error.name, code: error.code, message: error.message, diagnostics: error.diagnostics } });
    }
  });
  worker.clock = clock;
  return worker;
}

/** Lets every queued microtask and answer run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("WorkerDriver, against the documented message protocol", () => {
  const create = async (worker, opts = {}) => {
    const seen = [];
    const errors = [];
    const driver = await WorkerDriver.create(worker, {
      bundle: bundle("two-site"),
      resume: false,
      onOutput: (output, at) => seen.push({ at, output }),
      onError: (error) => errors.push(error),
      ...opts,
    });
    return { driver, seen, errors };
  };

  test("create sends the bundle and seed and resolves once the worker is done", async () => {
    const worker = engineWorker();
    const { driver } = await create(worker, { seed: 7n });
    assert.ok(driver instanceof WorkerDriver);
    assert.deepEqual(worker.posted, [{ type: "create", id: 1, bundle: bundle("two-site"), seed: 7n, files: undefined }]);
  });

  test("inputs are answered with done, and outputs arrive at onOutput with their time", async () => {
    const worker = engineWorker();
    const { driver, seen } = await create(worker);
    worker.clock.time = 40;
    await driver.start();
    await driver.linkUp("SiteA", "sip-server", "primary");
    await driver.probeResult("SiteA", true);
    assert.deepEqual(worker.posted.slice(1), [
      { type: "input", id: 2, input: { type: "start" } },
      { type: "call", id: 3, method: "linkUp", args: ["SiteA", "sip-server", "primary"] },
      { type: "call", id: 4, method: "probeResult", args: ["SiteA", true] },
    ]);
    assert.deepEqual(seen, [
      { at: 40, output: { type: "connect", site: "SiteA" } },
      { at: 40, output: { type: "register_endpoint", site: "SiteA" } },
      { at: 40, output: { type: "phase_changed", phase: "connecting", site: "SiteA", role: "preferred" } },
    ]);
    worker.clock.advanceTo(30040);
    assert.equal(seen.at(-2).output.type, "switched");
    assert.equal(seen.at(-2).at, 30040);
  });

  test("status resolves with the engine's status", async () => {
    const { driver } = await create(engineWorker());
    await driver.start();
    const status = await driver.status();
    assert.deepEqual([status.phase, status.site, status.role], ["connecting", "SiteA", "preferred"]);
  });

  test("a refused input rejects with a ContinuityError carrying the code, and the next input works", async () => {
    const { driver } = await create(engineWorker());
    await driver.start();
    const error = await driver.linkUp("SiteA", "sip", "primary").then(() => assert.fail("resolved"), (e) => e);
    assertContinuityError(error, "invalid-input", 'unknown service the string "sip"');
    assert.equal(isContinuityError(error), true);
    await assert.rejects(driver.handle({ type: "reboot" }), (e) => e.code === "invalid-input" && e.name === "ContinuityError");
    await driver.endpointRegistered("SiteA");
    assert.equal((await driver.status()).endpoint_registered, true);
  });

  test("an invalid bundle rejects create with its diagnostics, and the failed driver stops listening", async () => {
    const worker = engineWorker();
    const first = [];
    const error = await WorkerDriver.create(worker, {
      bundle: readJson("examples/bundles/broken-workspace.json"),
      resume: false,
      onOutput: (output) => first.push(output),
    }).then(() => assert.fail("resolved"), (e) => e);
    assertContinuityError(error, "invalid-bundle", "the configuration has 2 error(s)");
    assert.deepEqual(error.diagnostics.map((d) => d.code).slice(0, 2), ["peer-site-missing", "places-differ"]);

    // A second try on the same worker: its outputs reach only the new driver.
    const { driver, seen } = await create(worker);
    await driver.start();
    assert.equal(seen.length, 3);
    assert.deepEqual(first, []);
  });

  test("an error the worker reports on its own (no id) goes to onError as a ContinuityError", async () => {
    const worker = engineWorker();
    const { errors } = await create(worker);
    worker.send({ type: "error", error: { name: "ContinuityError", code: "invalid-time", message: "nowMs must be a finite, non-negative number" } });
    assert.equal(errors.length, 1);
    assertContinuityError(errors[0], "invalid-time", "nowMs must be");
  });

  test("dispose rejects what is pending with disposed, tells the worker, and refuses later calls", async () => {
    const worker = engineWorker();
    const { driver } = await create(worker);
    worker.hold = true;
    const pending = driver.start();
    const status = driver.status();
    driver.dispose({ terminate: true });
    await assert.rejects(pending, (e) => isContinuityError(e) && e.code === "disposed");
    await assert.rejects(status, (e) => isContinuityError(e) && e.code === "disposed");
    await assert.rejects(driver.linkUp("SiteA", "sip-server", "primary"), (e) => e.code === "disposed");
    assert.deepEqual(worker.posted.at(-1), { type: "dispose" });
    assert.equal(worker.terminated, true);
    assert.doesNotThrow(() => driver.dispose());
  });

  test("dispose without terminate leaves the worker running", async () => {
    const worker = engineWorker();
    const { driver } = await create(worker);
    driver.dispose();
    assert.equal(worker.terminated, false);
  });

  test("create needs onOutput", async () => {
    await assert.rejects(WorkerDriver.create(engineWorker(), { bundle: bundle("two-site") }), (e) => e.code === "invalid-options");
  });

  test("the page coming back sends resumed; after stop it reports nothing", async () => {
    const page = fakePage();
    const worker = engineWorker();
    const { driver, seen, errors } = await create(worker, { resume: page });
    await driver.start();
    page.hide();
    page.show();
    await settle();
    assert.deepEqual(worker.posted.at(-1), { type: "input", id: 3, input: { type: "resumed" } });
    assert.deepEqual(seen.at(-1).output, { type: "recheck", site: "SiteA" });

    await driver.stop();
    page.hide();
    page.show();
    await settle();
    assert.equal(worker.posted.at(-1).input.type, "resumed", "sent, and refused by the stopped engine");
    assert.deepEqual(errors, [], "which is no error worth reporting");
    driver.dispose();
  });
});

describe("WorkerDriver, against the real worker entry (web/worker.js)", () => {
  // worker.js runs in a worker global scope (`self`) and loads the web build
  // with fetch(); here `self` is an in-memory scope and fetch reads the file.
  const realFetch = globalThis.fetch;
  let worker;

  before(async () => {
    const scope = new EventTarget();
    worker = new EventTarget();
    const deliver = (target, data) => {
      const event = Object.assign(new Event("message"), { data: structuredClone(data) });
      queueMicrotask(() => target.dispatchEvent(event));
    };
    scope.postMessage = (data) => deliver(worker, data);
    worker.postMessage = (data) => deliver(scope, data);
    worker.terminate = () => {};
    globalThis.self = scope;
    globalThis.fetch = async (url) => new Response(await readFile(new URL(url)), { headers: { "content-type": "application/wasm" } });
    await import("../../pkg/web/worker.js");
  });

  after(() => {
    globalThis.fetch = realFetch;
    delete globalThis.self;
  });

  test("create, inputs, the fast path, status, errors with codes and dispose all work end to end", async () => {
    const seen = [];
    const driver = await WorkerDriver.create(worker, { bundle: bundle("two-site"), seed: 7n, resume: false, onOutput: (output) => seen.push(output) });
    try {
      await driver.start();
      assert.deepEqual(seen.map((output) => output.type), ["connect", "register_endpoint", "phase_changed"]);
      for (const service of SERVICES) await driver.linkUp("SiteA", service, "primary");
      assert.deepEqual(seen.at(-1), { type: "phase_changed", phase: "active", site: "SiteA", role: "preferred" });
      assert.equal((await driver.status()).phase, "active");

      const error = await driver.probeResult("SiteA", "yes").then(() => assert.fail("resolved"), (e) => e);
      assertContinuityError(error, "invalid-input", "`ok` of probe_result must be a boolean");
      await assert.rejects(driver.handle({ type: "config_loaded" }), (e) => e.code === "invalid-input" && /config_loaded needs `bundle`/.test(e.message));
      await driver.interactionStarted("call-1");
      assert.deepEqual((await driver.status()).interactions, ["call-1"]);
    } finally {
      driver.dispose();
    }
    await assert.rejects(driver.status(), (e) => e.code === "disposed");
  });

  test("option exports given as a Map reach the engine in the worker", async () => {
    const cfg = await readFile(new URL("../../../tests/scenarios/bundles/exports/agent1.cfg", import.meta.url), "utf8");
    const seen = [];
    const driver = await WorkerDriver.create(worker, {
      bundle: bundle("two-site-cfg-export"),
      files: new Map([["exports/agent1.cfg", cfg]]),
      resume: false,
      onOutput: (output, at) => seen.push({ at, output }),
    });
    try {
      await driver.start();
      for (const service of SERVICES) await driver.linkUp("SiteA", service, "primary");
      await driver.linkDown("SiteA", "sip-server", "primary");
      const { at, output } = seen.at(-1);
      assert.equal(output.type, "switchover_pending");
      assert.equal(output.at - at, 20000, "T is the export's 20 s, not the default 60 s");
    } finally {
      driver.dispose();
    }
  });
});
