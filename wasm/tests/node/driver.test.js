// The drivers in virtual time: Driver on a fake clock and fake page, and
// WorkerDriver against in-memory workers speaking the documented message
// protocol (WorkerRequest / WorkerMessage in index.d.ts), including the real
// worker entry. Nothing here waits on the wall clock.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";

import * as node from "../../pkg/node/index.js";
import { ContinuityError, Driver, Engine, WorkerDriver, isContinuityError } from "../../pkg/node/index.js";
import { resolveOptionFiles, simulate } from "../../pkg/node/tools.js";
import {
  FakeClock, HANDLED, MEMBERS, SERVICES, assertContinuityError, bundle, readJson, scenario, scenarioBundle, traceText,
} from "./helpers.js";
import { renderLine } from "./scenario-runner.js";

const MAX_DELAY = 2 ** 31 - 1;

/** A Driver on the two-site bundle (T = 60 s, W = 30 s) with a fake clock; `seen` holds every `{at, output}`, `whens` every `when`. */
async function driven({ engine = new Engine(bundle("two-site")), clock = new FakeClock(), ...opts } = {}) {
  const seen = [];
  const whens = [];
  const errors = [];
  const driver = await Driver.create(engine, {
    clock,
    resume: false,
    onOutput: (output, when) => {
      seen.push({ at: when.at, output });
      whens.push(when);
    },
    onError: (error) => errors.push(error),
    ...opts,
  });
  return { clock, seen, whens, errors, driver, engine };
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
async function activeOnSiteA(opts) {
  const run = await driven(opts);
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

/** The rejection of a promise that must reject. */
const rejection = (promise) => promise.then((value) => assert.fail(`resolved with ${value}`), (error) => error);

/** Asserts that `promise` rejects with a ContinuityError with `code` and the fragments. */
async function assertRejects(promise, code, ...fragments) {
  const error = await rejection(promise);
  assertContinuityError(error, code, ...fragments);
  return error;
}

/** Asserts that `fn` throws a ContinuityError with `code`. */
function assertThrows(fn, code, ...fragments) {
  let thrown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  assertContinuityError(thrown, code, ...fragments);
}

// ------------------------------------------------------ one run, every host

describe("the same timed inputs with a late timer give one trace on every host", () => {
  // tests/scenarios/late-timer-changes-nothing: SiteA's switch falls due at
  // 72 s, but the host's timer is late (the scenario's freeze) and SiteB's
  // links come at 73 s first. The engine handles the deadline itself, at its
  // own time, then the links. The scenario runner, the C ABI, the tokio
  // driver, simulate() and the JS runner (conformance.test.js) and the
  // Worker (browser suite) check the same file.
  const name = "late-timer-changes-nothing";

  test("the Driver, whose timer does not fire while the scenario's host is frozen", async () => {
    const s = scenario(name);
    const clock = new FakeClock();
    const { seen, driver, errors } = await driven({ engine: new Engine(scenarioBundle(s), s.seed), clock });
    let frozenUntil = 0;
    let overdue = 0;
    for (const step of s.steps) {
      if (step.freeze_until !== undefined) {
        clock.advanceTo(step.at);
        frozenUntil = step.freeze_until;
        continue;
      }
      if (step.at < frozenUntil) {
        // The clock moves on without firing the timer: it is late.
        if (clock.armedAt() !== null && clock.armedAt() < step.at) overdue += 1;
        clock.time = step.at;
      } else {
        clock.advanceTo(step.at);
      }
      assert.equal(await driver.handle(step.input), "applied");
    }
    assert.equal(clock.armedAt(), (await driver.status()).next_timer.at, "the one timer follows the engine's next deadline again");
    clock.advanceTo(s.until);
    assert.equal(overdue, 1, "the first link came while the switch's timer was overdue");
    assert.equal(seen.map(({ at, output }) => renderLine(at, output)).join(""), traceText(name));
    assert.deepEqual(errors, []);
  });
});

// ------------------------------------------------------------- Driver

describe("Driver: the timer", () => {
  test("start arms exactly one timer, for the deadline pollTimeout() names", async () => {
    const { clock, seen, driver, engine } = await driven();
    assert.equal(await driver.start(), "applied");
    assert.deepEqual(seen, [
      { at: 0, output: { type: "connect", site: "SiteA" } },
      { at: 0, output: { type: "register_endpoint", site: "SiteA" } },
      { at: 0, output: { type: "phase_changed", phase: "connecting", site: "SiteA", role: "preferred" } },
    ]);
    assert.equal(engine.pollTimeout(), 30000);
    assert.equal(clock.armedAt(), 30000);
    assert.deepEqual(clock.delays, [30000]);
  });

  test("an input that moves the deadline re-arms the one timer; one that does not leaves it alone", async () => {
    const run = await driven();
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

  test("the timer fires handleTimeout at the deadline: the switch comes out at exactly 72 000 ms", async () => {
    const run = sipServerLost(await activeOnSiteA());
    const { clock, seen, driver } = run;
    assert.deepEqual(seen.at(-1), { at: 12000, output: { type: "switchover_pending", from: "SiteA", to: "SiteB", reason: "site-timeout", at: 72000 } });
    const mark = seen.length;
    clock.advanceTo(71999);
    assert.equal(seen.length, mark, "nothing a millisecond early");
    clock.advanceTo(72000);
    assert.deepEqual(seen.slice(mark).map(({ at }) => at), [72000, 72000, 72000, 72000, 72000, 72000]);
    assert.deepEqual(types(seen.slice(mark)), ["unregister_endpoint", "disconnect", "connect", "register_endpoint", "switched", "phase_changed"]);
    assert.equal((await driver.status()).site, "SiteB");
    assert.equal(driver.now, 72000);
    assert.equal(clock.armedAt(), 72000 + 30000, "and the peer's deadline is armed");
  });

  test("the page coming back holds a due switch for the recheck grace, and the timer follows", async () => {
    const page = fakePage();
    const run = sipServerLost(await activeOnSiteA({ resume: page }));
    page.hide();
    run.clock.time = 68000; // the tab was frozen: no timer ran
    page.show();
    assert.deepEqual(run.seen.slice(-2), [
      { at: 68000, output: { type: "recheck", site: "SiteA" } },
      { at: 68000, output: { type: "switchover_pending", from: "SiteA", to: "SiteB", reason: "site-timeout", at: 78000 } },
    ]);
    assert.equal(run.clock.armedAt(), 78000);
    run.clock.advanceTo(78000);
    assert.ok(run.seen.some(({ at, output }) => at === 78000 && output.type === "switched"));
  });

  test("a quiet day on the preferred site costs no timer turn at all", async () => {
    const { clock, seen } = await activeOnSiteA();
    const turns = clock.delays.length;
    const outputs = seen.length;
    clock.advanceTo(24 * 3600 * 1000);
    assert.equal(clock.delays.length, turns);
    assert.equal(seen.length, outputs);
  });

  test("on the peer, an hour of unanswered probes is one timer turn per probe, never a spin", async () => {
    const run = sipServerLost(await activeOnSiteA());
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

  test("a timer that fires a fraction early re-arms for the rest (at least 1 ms) and switches on time", async () => {
    const { clock, seen } = sipServerLost(await activeOnSiteA());
    clock.time = 71999.6;
    clock.fireNow();
    assert.equal(seen.at(-1).output.type, "switchover_pending", "not yet");
    assert.equal(clock.delays.at(-1), 1);
    clock.advanceTo(72001);
    assert.deepEqual(seen.filter(({ output }) => output.type === "switched"), [
      { at: 72000, output: { type: "switched", from: "SiteA", to: "SiteB", reason: "site-timeout" } },
    ]);
  });

  test("a timer that fires late switches at the deadline's own time, not the late one", async () => {
    const { clock, seen } = sipServerLost(await activeOnSiteA({ clock: new FakeClock({ late: 900 }) }));
    clock.advanceTo(72899);
    assert.equal(seen.at(-1).output.type, "switchover_pending", "the timer has not fired yet");
    clock.advanceTo(72900);
    assert.deepEqual(seen.filter(({ output }) => output.type === "switched").map(({ at }) => at), [72000]);
  });

  test("a delay longer than setTimeout holds is cut to 2^31-1 ms and re-armed when that fires", async () => {
    // The engine has run on another clock: its time is far ahead of this one.
    const far = 3e9;
    const engine = new Engine(bundle("two-site"));
    engine.handle({ type: "start" }, far);
    engine.drainOutputs();
    const { clock, seen, driver } = await driven({ engine });
    driver.linkUp("SiteA", "sip-server", "primary");
    assert.deepEqual(clock.delays, [MAX_DELAY]);

    clock.advanceTo(MAX_DELAY);
    assert.deepEqual(seen, [], "fired early: nothing due yet");
    assert.deepEqual(clock.delays, [MAX_DELAY, far + 30000 - MAX_DELAY]);
    clock.advanceTo(far + 30000);
    assert.equal(seen.find(({ output }) => output.type === "switched").at, far + 30000);
  });
});

describe("Driver: inputs, outputs and errors", () => {
  test("every input method resolves to what became of the input", async () => {
    const { driver, clock } = await driven();
    assert.equal(await driver.start(), "applied");
    assert.equal(await driver.start(), "duplicate");
    assert.equal(await driver.linkUp("SiteA", "sip-server", "primary"), "applied");
    assert.equal(await driver.linkUp("SiteA", "sip-server", "primary"), "duplicate");
    assert.equal(await driver.linkDown("SiteZ", "sip-server", "primary"), "unknown");
    assert.equal(await driver.probeResult("SiteA", true), "out-of-phase");
    assert.equal(await driver.endpointRegistered("SiteA"), "applied");
    assert.equal(await driver.endpointUnregistered("SiteB"), "out-of-phase");
    assert.equal(await driver.interactionStarted("call-1"), "applied");
    assert.equal(await driver.interactionEnded("call-1"), "applied");
    clock.advanceTo(500);
    assert.equal(await driver.switchRequested("SiteB"), "applied");
    assert.equal(await driver.handle({ type: "resumed" }), "applied");
    assert.equal(await driver.stop(), "applied");
    assert.equal(driver.stopped, true);
    assert.equal(driver.now, 500);
  });

  test("onOutput throwing goes to onError, and the later outputs still arrive", async () => {
    const boom = new Error("the UI fell over");
    const delivered = [];
    const { errors, driver, clock } = await driven({
      onOutput: (output) => {
        delivered.push(output.type);
        if (output.type === "connect") throw boom;
      },
    });
    await driver.start();
    assert.deepEqual(delivered, ["connect", "register_endpoint", "phase_changed"]);
    assert.deepEqual(errors, [boom]);
    assert.equal(clock.armedAt(), 30000, "the timer is armed all the same");
  });

  test("an output that throws in a timer turn goes to onError too, and the timer keeps running", async () => {
    const errors = [];
    const { clock, driver } = await driven({
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

  test("outputs reach onOutput in order even when onOutput reports links back at once", async () => {
    const seen = [];
    let driver;
    ({ driver } = await driven({
      onOutput: (output) => {
        seen.push(output.phase ? `${output.type}:${output.phase}` : output.type);
        if (output.type === "connect") {
          for (const service of SERVICES) driver.linkUp(output.site, service, "primary");
        }
      },
    }));
    await driver.start();
    // The endpoint is not registered yet: its deadline is announced as the site becomes active.
    assert.deepEqual(seen, ["connect", "register_endpoint", "phase_changed:connecting", "switchover_pending", "phase_changed:active"]);
    assert.equal((await driver.status()).phase, "active");
  });

  test("a bad input rejects like the engine throws, and leaves the timer as it was", async () => {
    const { clock, seen, driver } = await driven();
    driver.start();
    const [armed] = clock.timers.keys();
    const before = { delays: clock.delays.length, cleared: clock.cleared, seen: seen.length };

    await assertRejects(driver.linkUp("SiteA", "sip", "primary"), "invalid-input", 'unknown service the string "sip"');
    await assertRejects(driver.handle({ type: "reboot" }), "invalid-input", 'unknown input type "reboot"');
    await assertRejects(driver.probeResult("SiteA", "yes"), "invalid-input", "`ok` of probe_result must be a boolean");
    await assertRejects(driver.switchRequested(7), "invalid-input", "`site` of switch_requested must be a string");
    clock.time = NaN; // a broken clock is refused by the engine, not taken as a time
    await assertRejects(driver.interactionStarted("call-1"), "invalid-time", "got NaN");
    clock.time = 10;

    assert.deepEqual([...clock.timers.keys()], [armed]);
    assert.deepEqual({ delays: clock.delays.length, cleared: clock.cleared, seen: seen.length }, before);
    await driver.endpointRegistered("SiteA");
    assert.equal(clock.armedAt(), 60000, "and the next good input works");
  });

  test("after stop, inputs reject with stopped and no timer is left", async () => {
    const { clock, seen, driver } = await driven();
    await driver.start();
    await driver.stop();
    assert.deepEqual(types(seen.slice(-3)), ["unregister_endpoint", "disconnect", "phase_changed"]);
    assert.equal(clock.armedAt(), null);
    assert.equal(driver.stopped, true);
    await assertRejects(driver.linkUp("SiteA", "sip-server", "primary"), "stopped", "`link_up` was refused");
  });

  test("status(), policy() and warnings() resolve to the engine's", async () => {
    const { driver, engine } = await driven();
    await driver.start();
    assert.deepEqual(await driver.status(), engine.status());
    assert.deepEqual(await driver.policy(), engine.policy());
    assert.deepEqual(await driver.warnings(), []);
  });
});

describe("Driver.create", () => {
  test("from a bundle: it awaits init, draws a seed when none is given, and keeps one that is", async () => {
    const drawn = await Driver.create({ bundle: bundle("two-site"), resume: false, clock: new FakeClock() });
    const other = await Driver.create({ bundle: bundle("two-site"), resume: false, clock: new FakeClock() });
    const given = await Driver.create({ bundle: JSON.stringify(bundle("two-site")), seed: 7, resume: false, clock: new FakeClock() });
    assert.equal(typeof drawn.seed, "bigint");
    assert.notEqual(drawn.seed, other.seed);
    assert.equal(given.seed, 7n);
    assert.equal((await given.policy()).preferred, "SiteA");
    for (const driver of [drawn, other, given]) driver.dispose();
  });

  test("with an engine: it drives that engine, whose seed it reports", async () => {
    const engine = new Engine(bundle("two-site"), 42);
    const driver = await Driver.create(engine, { resume: false, clock: new FakeClock() });
    await driver.start();
    assert.equal(driver.seed, 42n);
    assert.equal(engine.status().phase, "connecting");
    driver.dispose();
  });

  test("a bundle resolved from an option export reaches the engine; one still naming it is refused", async () => {
    const cfg = await readFile(new URL("../../../tests/scenarios/bundles/exports/agent1.cfg", import.meta.url), "utf8");
    const resolved = resolveOptionFiles(bundle("two-site-cfg-export"), new Map([["exports/agent1.cfg", cfg]])).bundle;
    const driver = await Driver.create({ bundle: resolved, resume: false, clock: new FakeClock() });
    assert.equal((await driver.policy()).timing_ms.site_timeout, 20000);
    driver.dispose();
    await assertRejects(Driver.create({ bundle: bundle("two-site-cfg-export"), resume: false }), "options-file", "resolveOptionFiles from continuity-engine/tools");
  });

  test("bad options reject with invalid-options, naming what is wrong", async () => {
    const engine = new Engine(bundle("two-site"));
    await assertRejects(Driver.create(), "invalid-options", "Driver.create(options) needs an options object with a `bundle`", "got undefined");
    await assertRejects(Driver.create({ seed: 1 }), "invalid-options", "`bundle` is missing");
    await assertRejects(Driver.create({ bundle: bundle("two-site"), onoutput: () => {} }), "invalid-options", "unknown option `onoutput`", "onOutput");
    await assertRejects(Driver.create({ bundle: bundle("two-site"), onOutput: "log" }), "invalid-options", "`onOutput` must be a function");
    await assertRejects(Driver.create({ bundle: bundle("two-site"), clock: { now: () => 0 } }), "invalid-options", "`clock` must be an object with now(), setTimeout() and clearTimeout()");
    await assertRejects(Driver.create({ bundle: bundle("two-site"), clock: { ...new FakeClock(), timeOrigin: "0" } }), "invalid-options", "`clock.timeOrigin` must be a number");
    await assertRejects(Driver.create(engine, { seed: 7 }), "invalid-options", "`seed` is for Driver.create(options)");
  });

  test("the engine's errors reject create, each a ContinuityError; an invalid bundle carries its diagnostics", async () => {
    await assertRejects(Driver.create({ bundle: bundle("two-site"), seed: -1 }), "invalid-seed");
    await assertRejects(Driver.create({ bundle: "{nope" }), "parse", "cannot read the bundle");
    const error = await assertRejects(Driver.create({ bundle: readJson("examples/bundles/broken-workspace.json") }), "invalid-bundle", "the configuration has 2 error(s)");
    assert.deepEqual(error.diagnostics.map((d) => d.code).slice(0, 2), ["peer-site-missing", "places-differ"]);
  });

  test("there is no public constructor", () => {
    assertThrows(() => new Driver(new Engine(bundle("two-site")), {}), "invalid-options", "use `await Driver.create(options)`");
    assertThrows(() => new WorkerDriver({}, {}), "invalid-options", "use `await WorkerDriver.create(worker, options)`");
  });
});

describe("Driver: on()", () => {
  test("a listener by output type gets only that type, with when; `output` gets every one; unsubscribe stops them", async () => {
    const { driver, clock, seen } = await driven();
    const switched = [];
    const all = [];
    const offSwitched = driver.on("switched", (output, when) => switched.push({ output, when }));
    const offAll = driver.on("output", (output, when) => all.push({ at: when.at, output }));
    await driver.start();
    clock.advanceTo(30000);
    assert.deepEqual(switched, [{ output: { type: "switched", from: "SiteA", to: "SiteB", reason: "endpoint-timeout" }, when: { at: 30000, time: 30000 } }]);
    assert.deepEqual(all, seen, "`output` is onOutput's twin");
    offSwitched();
    offSwitched();
    offAll();
    clock.advanceTo(60000);
    assert.equal(switched.length, 1, "unsubscribed");
    assert.equal(all.length, 9);
    assert.ok(seen.length > 9, "onOutput still gets them");
  });

  test("status fires after a turn that changed the status snapshot, once per turn, and only then", async () => {
    const { driver, clock } = await driven();
    const statuses = [];
    const off = driver.on("status", (status) => statuses.push(status));
    await driver.status();
    assert.equal(statuses.length, 0, "asking is no change");
    await driver.start();
    assert.equal(statuses.length, 1, "one turn, one event, whatever the outputs");
    assert.deepEqual(statuses[0], await driver.status());
    assert.equal(statuses[0].phase, "connecting");
    await driver.linkUp("SiteA", "sip-server", "primary");
    assert.equal(statuses.at(-1).services[0].primary, "up", "a change without any output");
    const count = statuses.length;
    clock.time = 29999.5;
    clock.fireNow();
    assert.equal(statuses.length, count, "a timer turn that changed nothing fires nothing");
    clock.advanceTo(30001);
    assert.equal(statuses.at(-1).site, "SiteB", "a timer turn that switched");
    off();
    await driver.linkUp("SiteB", "sip-server", "primary");
    assert.equal(statuses.length, count + 1, "unsubscribed");
  });

  test("a listener may feed inputs: their outputs follow in order, and the status reported is the last one", async () => {
    const { driver } = await driven();
    const order = [];
    driver.on("connect", (output) => {
      order.push("connect");
      for (const service of SERVICES) driver.linkUp(output.site, service, "primary");
    });
    driver.on("phase_changed", (output) => order.push(output.phase));
    const statuses = [];
    driver.on("status", (status) => {
      statuses.push(status.phase);
      if (status.phase === "active" && !status.endpoint_registered) driver.endpointRegistered(status.site);
    });
    await driver.start();
    assert.deepEqual(order, ["connect", "connecting", "active"]);
    assert.deepEqual(statuses, ["active", "active"], "the registration fed from the status listener is reported too");
    assert.equal((await driver.status()).endpoint_registered, true);
  });

  test("a listener that throws goes to onError; the others still run", async () => {
    const { driver, errors } = await driven();
    const boom = new Error("listener failed");
    const after = [];
    driver.on("connect", () => {
      throw boom;
    });
    driver.on("connect", (output) => after.push(output.site));
    driver.on("status", () => {
      throw boom;
    });
    await driver.start();
    assert.deepEqual(after, ["SiteA"]);
    assert.deepEqual(errors, [boom, boom]);
  });

  test("an unknown event or a listener that is not a function is refused", async () => {
    const { driver } = await driven();
    assertThrows(() => driver.on("swiched", () => {}), "invalid-options", 'unknown event the string "swiched"');
    assertThrows(() => driver.on("switched", "log"), "invalid-options", "the listener must be a function");
  });
});

describe("Driver: wall-clock times", () => {
  test("each output's time is the clock's timeOrigin plus its engine time; wallTime converts any engine time", async () => {
    const timeOrigin = Date.UTC(2025, 0, 6, 9, 0, 0);
    const run = sipServerLost(await activeOnSiteA({ clock: new FakeClock({ timeOrigin }) }));
    for (const [i, when] of run.whens.entries()) {
      assert.equal(when.at, run.seen[i].at);
      assert.equal(when.time, timeOrigin + when.at);
    }
    const pending = run.seen.at(-1).output;
    assert.equal(pending.type, "switchover_pending");
    assert.equal(run.driver.wallTime(pending.at), timeOrigin + 72000);
    assert.equal(new Date(run.driver.wallTime(pending.at)).toISOString(), "2025-01-06T09:01:12.000Z");
    assertThrows(() => run.driver.wallTime("72000"), "invalid-time", "wallTime(at) takes an engine time");
  });

  test("an injected clock without timeOrigin counts from 0; the default clock from performance.timeOrigin", async () => {
    const fake = await driven();
    await fake.driver.start();
    assert.deepEqual(fake.whens[0], { at: 0, time: 0 });
    const real = await Driver.create({ bundle: bundle("two-site"), resume: false });
    try {
      const whens = [];
      real.on("output", (output, when) => whens.push(when));
      await real.start();
      assert.ok(whens.length === 3 && whens.every(({ at, time }) => time === performance.timeOrigin + at));
      assert.ok(Math.abs(whens[0].time - Date.now()) < 60000, "near the wall clock");
      assert.equal(real.wallTime(1000), performance.timeOrigin + 1000);
    } finally {
      real.dispose();
    }
  });
});

describe("Driver: dispose", () => {
  test("dispose clears the timer, later calls reject or throw disposed, and a given engine is left as it is", async () => {
    const { clock, driver, engine } = await driven();
    await driver.start();
    driver.dispose();
    assert.equal(clock.timers.size, 0);
    assert.equal(clock.cleared, 1);
    await assertRejects(driver.linkUp("SiteA", "sip-server", "primary"), "disposed", "create a new one with Driver.create");
    await assertRejects(driver.start(), "disposed");
    await assertRejects(driver.status(), "disposed");
    for (const read of [() => driver.now, () => driver.stopped, () => driver.seed, () => driver.on("status", () => {}), () => driver.wallTime(0)]) {
      assertThrows(read, "disposed");
    }
    assert.doesNotThrow(() => driver.dispose());
    assert.equal(engine.status().phase, "connecting");
  });

  test("a driver made from a bundle disposes its engine; Symbol.dispose is dispose", async () => {
    const clock = new FakeClock();
    const driver = await Driver.create({ bundle: bundle("two-site"), resume: false, clock });
    await driver.start();
    assert.equal(Driver.prototype[Symbol.dispose], Driver.prototype.dispose);
    driver[Symbol.dispose]();
    driver[Symbol.dispose]();
    assert.equal(clock.timers.size, 0);
    assertThrows(() => driver.now, "disposed");
  });

  test("disposing from inside onOutput leaves no timer armed", async () => {
    let driver;
    const clock = new FakeClock();
    const engine = new Engine(bundle("two-site"));
    driver = await Driver.create(engine, {
      clock,
      resume: false,
      onOutput: (output) => {
        if (output.type === "connect") {
          driver.dispose();
          engine.dispose();
        }
      },
    });
    await driver.start();
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

  test("the page shown again after being hidden feeds resumed: the engine asks for a recheck", async () => {
    const page = fakePage();
    const { clock, seen, driver } = await driven({ resume: page });
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

  test("a page restored from the back/forward cache feeds resumed", async () => {
    const page = fakePage();
    const { seen, driver } = await driven({ resume: page });
    driver.start();
    page.pageshow(false);
    assert.equal(rechecks(seen), 0, "a plain page load is no resume");
    page.pageshow(true);
    assert.equal(rechecks(seen), 1);
  });

  test("a page that starts hidden resumes when first shown", async () => {
    const page = fakePage("hidden");
    const { seen, driver } = await driven({ resume: page });
    driver.start();
    page.show();
    assert.equal(rechecks(seen), 1);
  });

  test("resume: false watches nothing", async () => {
    const page = fakePage();
    const { seen, driver } = await driven({ resume: false });
    driver.start();
    page.hide();
    page.show();
    page.pageshow(true);
    assert.equal(rechecks(seen), 0);
  });

  test("after stop or dispose the page coming back feeds nothing and reports no error", async () => {
    const page = fakePage();
    const stopped = await driven({ resume: page });
    stopped.driver.start();
    stopped.driver.stop();
    page.hide();
    page.show();
    assert.deepEqual(stopped.errors, []);
    assert.equal(rechecks(stopped.seen), 0);

    const other = fakePage();
    const disposed = await driven({ resume: other });
    disposed.driver.start();
    disposed.driver.dispose();
    other.hide();
    other.show();
    other.pageshow(true);
    assert.deepEqual(disposed.errors, []);
    assert.equal(rechecks(disposed.seen), 0);
  });
});

// --------------------------------------------------------- one interface

describe("Driver and WorkerDriver: one interface", () => {
  const members = (Class) => [
    ...Object.getOwnPropertyNames(Class.prototype).filter((name) => name !== "constructor"),
    ...Object.getOwnPropertySymbols(Class.prototype).map(String),
  ].sort();

  test("the same methods and getters, and the same static create", () => {
    assert.deepEqual(members(WorkerDriver), members(Driver));
    assert.deepEqual(members(Driver), [
      String(Symbol.dispose), "dispose", "endpointRegistered", "endpointUnregistered", "handle", "interactionEnded",
      "interactionStarted", "linkDown", "linkUp", "now", "on", "policy", "probeResult", "seed", "start", "status", "stop",
      "stopped", "switchRequested", "wallTime", "warnings",
    ]);
    for (const getter of ["now", "stopped", "seed"]) {
      for (const Class of [Driver, WorkerDriver]) {
        const descriptor = Object.getOwnPropertyDescriptor(Class.prototype, getter);
        assert.ok(typeof descriptor.get === "function" && descriptor.set === undefined, `${Class.name}.${getter} is a getter`);
      }
    }
    assert.equal(typeof Driver.create, "function");
    assert.equal(typeof WorkerDriver.create, "function");
  });

  test("ContinuityError is one class whichever entry is imported", async () => {
    const web = await import("../../pkg/web/index.js");
    assert.equal(web.ContinuityError, node.ContinuityError);
    assert.equal(web.WorkerDriver, node.WorkerDriver);
    const error = new ContinuityError("stopped", "example");
    assert.ok(error instanceof Error && error instanceof web.ContinuityError);
    assert.equal(error.name, "ContinuityError");
    assert.equal(Object.prototype.toString.call(error), "[object Error]");
    assert.ok(String(error.stack).startsWith("ContinuityError: example"));
  });
});

// ------------------------------------------------------------- WorkerDriver

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

/**
 * The worker side of the protocol (WorkerRequest → WorkerMessage), written
 * from index.d.ts, around a real Engine and Driver on `clock`.
 */
function engineWorker(clock = new FakeClock()) {
  let driver;
  let changed;
  const worker = new FakeWorker(async (message, self) => {
    const v = 1;
    try {
      let answer = {};
      switch (message.type) {
        case "create": {
          const engine = new Engine(message.bundle, message.seed);
          driver = await Driver.create(engine, { clock, resume: false, onOutput: (output, { at, time }) => self.send({ v, type: "output", at, time, output }) });
          driver.on("status", (status) => {
            changed = status;
          });
          answer = { seed: driver.seed, timeOrigin: clock.timeOrigin ?? 0, now: driver.now, stopped: driver.stopped, status: engine.status() };
          break;
        }
        case "input": answer = { handled: await driver.handle(message.input) }; break;
        case "call": answer = { handled: await driver[message.method](...message.args) }; break;
        case "status": answer = { status: await driver.status() }; break;
        case "dispose": driver?.dispose(); driver = undefined; break;
        default: throw new Error(`unexpected message ${message.type}`);
      }
      if (driver !== undefined && (message.type === "input" || message.type === "call")) {
        self.send({ v, type: "turn", now: driver.now, stopped: driver.stopped, ...(changed && { status: changed }) });
        changed = undefined;
      }
      self.send({ v, type: "done", id: message.id, request: message.type, ...answer });
    } catch (error) {
      self.send({ v, type: "error", id: message.id, error: { name: error.name, code: error.code, message: error.message, diagnostics: error.diagnostics } });
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
      onOutput: (output, when) => seen.push({ at: when.at, output }),
      onError: (error) => errors.push(error),
      ...opts,
    });
    return { driver, seen, errors };
  };

  test("create sends the bundle and seed with the protocol version and an id, and resolves once the worker is done", async () => {
    const worker = engineWorker();
    const { driver } = await create(worker, { seed: 7n });
    assert.ok(driver instanceof WorkerDriver);
    assert.deepEqual(worker.posted, [{ v: 1, id: 1, type: "create", bundle: bundle("two-site"), seed: 7n }]);
    assert.equal(driver.seed, 7n);
    assert.equal(driver.now, 0);
    assert.equal(driver.stopped, false);
  });

  test("inputs resolve to what became of them; outputs arrive with their times; now and stopped follow the turns", async () => {
    const worker = engineWorker(new FakeClock({ timeOrigin: 1e12 }));
    const { driver, seen } = await create(worker);
    worker.clock.time = 40;
    assert.equal(await driver.start(), "applied");
    assert.equal(driver.now, 40);
    assert.equal(await driver.linkUp("SiteA", "sip-server", "primary"), "applied");
    assert.equal(await driver.probeResult("SiteA", true), "out-of-phase");
    assert.equal(await driver.switchRequested("SiteZ"), "unknown");
    assert.deepEqual(worker.posted.slice(1), [
      { v: 1, id: 2, type: "input", input: { type: "start" } },
      { v: 1, id: 3, type: "call", method: "linkUp", args: ["SiteA", "sip-server", "primary"] },
      { v: 1, id: 4, type: "call", method: "probeResult", args: ["SiteA", true] },
      { v: 1, id: 5, type: "call", method: "switchRequested", args: ["SiteZ"] },
    ]);
    assert.deepEqual(seen, [
      { at: 40, output: { type: "connect", site: "SiteA" } },
      { at: 40, output: { type: "register_endpoint", site: "SiteA" } },
      { at: 40, output: { type: "phase_changed", phase: "connecting", site: "SiteA", role: "preferred" } },
    ]);
    assert.equal(driver.wallTime(40), 1e12 + 40, "the worker's time origin");
    worker.clock.advanceTo(30040);
    assert.equal(seen.at(-2).output.type, "switched");
    assert.equal(seen.at(-2).at, 30040);
    await driver.stop();
    assert.equal(driver.stopped, true);
  });

  test("on(): by output type with when, and status from the worker's turns; unsubscribe works", async () => {
    const worker = engineWorker(new FakeClock({ timeOrigin: 5000 }));
    const { driver } = await create(worker);
    const connects = [];
    const statuses = [];
    const off = driver.on("connect", (output, when) => connects.push({ output, when }));
    driver.on("status", (status) => statuses.push(status.phase));
    await driver.start();
    assert.deepEqual(connects, [{ output: { type: "connect", site: "SiteA" }, when: { at: 0, time: 5000 } }]);
    assert.deepEqual(statuses, ["connecting"]);
    off();
    await driver.switchRequested("SiteB");
    assert.equal(connects.length, 1);
    assert.deepEqual(statuses, ["connecting", "connecting"], "the site changed");
  });

  test("a refused input rejects with a ContinuityError carrying the code, and the next input works", async () => {
    const { driver } = await create(engineWorker());
    await driver.start();
    const error = await assertRejects(driver.linkUp("SiteA", "sip", "primary"), "invalid-input", 'unknown service the string "sip"');
    assert.ok(error instanceof ContinuityError, "rebuilt from the worker's message as the class itself");
    assert.equal(isContinuityError(error), true);
    await assertRejects(driver.handle({ type: "reboot" }), "invalid-input");
    assert.equal(await driver.endpointRegistered("SiteA"), "applied");
    assert.equal((await driver.status()).endpoint_registered, true);
  });

  test("an invalid bundle rejects create with its diagnostics, and the failed driver stops listening", async () => {
    const worker = engineWorker();
    const first = [];
    const error = await assertRejects(WorkerDriver.create(worker, {
      bundle: readJson("examples/bundles/broken-workspace.json"),
      resume: false,
      onOutput: (output) => first.push(output),
    }), "invalid-bundle", "the configuration has 2 error(s)");
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
    worker.send({ v: 1, type: "error", error: { name: "ContinuityError", code: "invalid-time", message: "nowMs must be a finite, non-negative number" } });
    worker.send({ v: 1, type: "error", error: { name: "TypeError", code: "error", message: "x is not a function" } });
    assert.equal(errors.length, 2);
    assertContinuityError(errors[0], "invalid-time", "nowMs must be");
    assertContinuityError(errors[1], "error", "TypeError: x is not a function");
  });

  test("messages without `v` are not the driver's; another protocol version is reported", async () => {
    const worker = engineWorker();
    const { driver, errors, seen } = await create(worker);
    worker.send({ type: "output", at: 0, output: { type: "connect", site: "SiteA" } });
    worker.send({ type: "virtual-clock:at", now: 5 });
    assert.deepEqual([errors, seen], [[], []]);
    worker.hold = true;
    const pending = driver.status();
    worker.send({ v: 2, type: "done", id: worker.posted.at(-1).id });
    await assertRejects(pending, "invalid-message", "the worker speaks version the number 2 of the message protocol; this page speaks 1");
    worker.send({ v: 2, type: "turn" });
    assertContinuityError(errors[0], "invalid-message", "version the number 2");
  });

  test("dispose rejects what is pending with disposed, tells the worker, and refuses later calls", async () => {
    const worker = engineWorker();
    const { driver } = await create(worker);
    worker.hold = true;
    const pending = driver.start();
    const status = driver.status();
    driver.dispose({ terminate: true });
    await assertRejects(pending, "disposed");
    await assertRejects(status, "disposed");
    await assertRejects(driver.linkUp("SiteA", "sip-server", "primary"), "disposed");
    for (const read of [() => driver.now, () => driver.stopped, () => driver.seed, () => driver.on("switched", () => {}), () => driver.wallTime(0)]) {
      assertThrows(read, "disposed");
    }
    assert.deepEqual(worker.posted.at(-1), { v: 1, id: 4, type: "dispose" });
    assert.equal(worker.terminated, true);
    assert.doesNotThrow(() => driver.dispose());
    assert.doesNotThrow(() => driver[Symbol.dispose]());
  });

  test("dispose without terminate leaves the worker running; Symbol.dispose is dispose", async () => {
    const worker = engineWorker();
    const { driver } = await create(worker);
    assert.equal(WorkerDriver.prototype[Symbol.dispose], WorkerDriver.prototype.dispose);
    driver[Symbol.dispose]();
    assert.equal(worker.terminated, false);
    assert.equal(worker.posted.at(-1).type, "dispose");
  });

  test("create needs a worker and a bundle, and takes no clock", async () => {
    await assertRejects(WorkerDriver.create({}, { bundle: bundle("two-site") }), "invalid-options", "needs a Worker");
    await assertRejects(WorkerDriver.create(engineWorker(), {}), "invalid-options", "`bundle` is missing");
    await assertRejects(WorkerDriver.create(engineWorker(), { bundle: bundle("two-site"), clock: new FakeClock() }), "invalid-options", "`clock` does not apply");
  });

  test("the page coming back sends resumed; after stop it sends nothing", async () => {
    const page = fakePage();
    const worker = engineWorker();
    const { driver, seen, errors } = await create(worker, { resume: page });
    await driver.start();
    page.hide();
    page.show();
    await settle();
    assert.deepEqual(worker.posted.at(-1), { v: 1, id: 3, type: "input", input: { type: "resumed" } });
    assert.deepEqual(seen.at(-1).output, { type: "recheck", site: "SiteA" });

    await driver.stop();
    const sent = worker.posted.length;
    page.hide();
    page.show();
    await settle();
    assert.equal(worker.posted.length, sent, "the stopped engine is not bothered");
    assert.deepEqual(errors, []);
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

  /** Posts raw requests and collects the answers up to the one with `lastId`. */
  const raw = (requests, lastId) => new Promise((resolve) => {
    const messages = [];
    const listener = (event) => {
      messages.push(event.data);
      if (event.data?.id === lastId) {
        worker.removeEventListener("message", listener);
        resolve(messages);
      }
    };
    worker.addEventListener("message", listener);
    for (const request of requests) worker.postMessage(request);
  });

  test("create, inputs, the typed methods, status, policy, errors with codes and dispose all work end to end", async () => {
    const seen = [];
    const statuses = [];
    const driver = await WorkerDriver.create(worker, { bundle: bundle("two-site"), seed: 7n, resume: false, onOutput: (output, when) => seen.push({ output, when }) });
    try {
      assert.equal(driver.seed, 7n);
      driver.on("status", (status) => statuses.push(status.phase));
      assert.equal(await driver.start(), "applied");
      assert.deepEqual(seen.map(({ output }) => output.type), ["connect", "register_endpoint", "phase_changed"]);
      for (const { when } of seen) assert.equal(when.time, performance.timeOrigin + when.at, "the worker's wall clock");
      for (const service of SERVICES) assert.equal(await driver.linkUp("SiteA", service, "primary"), "applied");
      assert.deepEqual(seen.at(-1).output, { type: "phase_changed", phase: "active", site: "SiteA", role: "preferred" });
      assert.deepEqual(statuses, ["connecting", "connecting", "connecting", "active"]);
      assert.equal((await driver.status()).phase, "active");
      assert.equal((await driver.policy()).preferred, "SiteA");
      assert.deepEqual(await driver.warnings(), []);
      assert.ok(driver.now >= seen.at(-1).when.at);

      const error = await assertRejects(driver.probeResult("SiteA", "yes"), "invalid-input", "`ok` of probe_result must be a boolean");
      assert.ok(error instanceof ContinuityError, "rebuilt from the worker as a ContinuityError");
      await assertRejects(driver.handle({ type: "config_loaded" }), "invalid-input", "config_loaded needs `bundle`");
      assert.equal(await driver.interactionStarted("call-1"), "applied");
      assert.equal(await driver.interactionStarted("call-1"), "duplicate");
      assert.deepEqual((await driver.status()).interactions, ["call-1"]);
      assert.equal(await driver.stop(), "applied");
      assert.equal(driver.stopped, true);
      await assertRejects(driver.start(), "stopped", "the engine is stopped");
    } finally {
      driver.dispose();
    }
    await assertRejects(driver.status(), "disposed");
  });

  test("a seed left out is drawn in the worker and reported", async () => {
    const a = await WorkerDriver.create(worker, { bundle: bundle("two-site"), resume: false });
    const seedA = a.seed;
    a.dispose();
    const b = await WorkerDriver.create(worker, { bundle: bundle("two-site"), resume: false });
    assert.equal(typeof seedA, "bigint");
    assert.notEqual(b.seed, seedA);
    b.dispose();
  });

  test("a bundle resolved from an option export reaches the engine in the worker", async () => {
    const cfg = await readFile(new URL("../../../tests/scenarios/bundles/exports/agent1.cfg", import.meta.url), "utf8");
    const seen = [];
    const driver = await WorkerDriver.create(worker, {
      bundle: resolveOptionFiles(bundle("two-site-cfg-export"), new Map([["exports/agent1.cfg", cfg]])).bundle,
      resume: false,
      onOutput: (output, when) => seen.push({ at: when.at, output }),
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

  test("an invalid bundle rejects create with a ContinuityError and its diagnostics", async () => {
    const error = await assertRejects(WorkerDriver.create(worker, { bundle: readJson("examples/bundles/broken-workspace.json"), resume: false }), "invalid-bundle");
    assert.ok(error instanceof ContinuityError);
    assert.ok(Array.isArray(error.diagnostics) && error.diagnostics.some((d) => d.code === "peer-site-missing"));
  });

  test("a request without a numeric id, or of another protocol version, is refused naming the field", async () => {
    const answers = await raw([
      "hello",
      { v: 1, type: "status" },
      { v: 1, id: "7", type: "status" },
      { id: 1, type: "status" },
      { v: 2, id: 2, type: "status" },
      { v: 1, id: 3, type: "teleport" },
      { v: 1, id: 4, type: "status" },
    ], 4);
    assert.ok(answers.every((m) => m.v === 1), "every message carries the version");
    assert.deepEqual(answers.map((m) => [m.id, m.type, m.error?.code]), [
      [undefined, "error", "invalid-message"],
      [undefined, "error", "invalid-message"],
      [undefined, "error", "invalid-message"],
      [1, "error", "invalid-message"],
      [2, "error", "invalid-message"],
      [3, "error", "invalid-message"],
      [4, "error", "invalid-message"],
    ]);
    const messages = answers.map((m) => m.error.message);
    assert.match(messages[0], /must be an object like \{v: 1, id: 1, type: "status"\}; got the string "hello"/);
    assert.match(messages[1], /`id` must be a number, which the answer carries back; got undefined/);
    assert.match(messages[2], /`id` must be a number.*got the string "7"/);
    assert.match(messages[3], /`v` must be 1, the version of the message protocol this worker speaks; got undefined/);
    assert.match(messages[4], /`v` must be 1.*got the number 2/);
    assert.match(messages[5], /unknown message type the string "teleport"/);
    assert.match(messages[6], /send `create` first/);
  });
});

describe("errors from every source are ContinuityErrors", () => {
  test("thrown by the Engine (checked in JS and in the module), rejected by the Driver", async () => {
    const engine = new Engine(bundle("two-site"));
    const thrown = [];
    for (const bad of [
      () => engine.handle({ type: "reboot" }, 0),
      () => engine.handle({ type: "config_loaded", bundle: { version: 2 } }, 0),
      () => new Engine("{nope"),
      () => new Engine(readJson("examples/bundles/broken-workspace.json")),
      () => simulate("{"),
    ]) {
      try {
        bad();
      } catch (error) {
        thrown.push(error);
      }
    }
    assert.equal(thrown.length, 5);
    for (const error of thrown) {
      assert.ok(error instanceof ContinuityError, `${error.code}: ${error.message}`);
      assert.equal(Object.hasOwn(error, "name"), false, "named by its class");
    }
    const driver = await Driver.create(engine, { resume: false, clock: new FakeClock() });
    assert.ok((await rejection(driver.handle({ type: "reboot" }))) instanceof ContinuityError);
    assert.ok(HANDLED.includes(await driver.start()));
  });
});
