// End-to-end tests of the continuity-engine package (wasm/pkg) in headless
// Chromium, driven by playwright-core.
//
// Run:  bash scripts/build-wasm.sh && node --test wasm/tests/browser
// (needs /usr/bin/chromium and wasm/node_modules/playwright-core; about 5 s).
//
// The suite starts its own static server on 127.0.0.1 (server.js: wasm/pkg
// under /pkg/, tests/scenarios under /scenarios/, examples/bundles under
// /bundles/, pages/ at the root) and opens every test in a fresh browser
// context whose page loads pages/index.html (the web entry, not yet
// initialized). A console error or warning, or an uncaught error in the page
// or a worker, fails the test; the module's panic hook writes to
// console.error, so a wasm panic fails it too.
//
// 1. web entry and Engine: using the package before `init()` throws
//    `not-initialized`; after `await init()` an Engine fails over at exactly
//    the deadline `pollTimeout()` names; `simulate()` reproduces a scenario's
//    trace byte for byte; `validate()` reports the diagnostics of a broken
//    bundle; bad input throws real `Error`s with a code and leaves the engine
//    usable.
// 2. main-thread Driver on its default clock (performance.now + setTimeout)
//    under Playwright's fake clock: scenarios of tests/scenarios replayed
//    through the Driver give their traces exactly (the switch at the exact
//    ms); a hidden page that becomes visible again feeds `resumed`; a frozen
//    page (fastForward) fires its late timer once.
// 3. Web Worker entry (/pkg/web/worker.js) through WorkerDriver: create,
//    inputs and typed calls resolving to what became of them, outputs with
//    their wall-clock times, `on` by type and status changes, status, an
//    invalid input rebuilt as a ContinuityError, dispose and Symbol.dispose;
//    the raw message protocol (answers in order, version and id required,
//    unknown messages); a timer firing inside the worker on a virtual clock
//    (pages/virtual-clock.js) rather than the wall clock; and a timer that
//    fires late there, which gives the trace simulate() gives.
// 4. Driver and WorkerDriver have the same methods and getters in the page.
//
// No test takes a screenshot: the page under test has nothing to show.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

// From wasm/node_modules; never `playwright` or a browser download.
import { chromium } from "playwright-core";

import { renderLine } from "../node/scenario-runner.js";
import { startServer } from "./server.js";

const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-dev-shm-usage",
];
// Where Playwright's fake clock is paused before a Driver starts: engine
// time `BASE + t` is scenario time `t`.
const BASE = 1_000_000;
// No test waits on the wall clock, so a stuck message fails fast.
const LIMIT = { timeout: 20_000 };

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe("web entry and Engine", () => {
  it("throws not-initialized before init(), and loads with await init()", LIMIT, async () => {
    await withPage({}, async (page) => {
      const uninitialized = await page.evaluate(async () => {
        const { pkg, tools, describeError } = harness;
        const { simulate } = await tools();
        const caught = [];
        for (const use of [() => new pkg.Engine({ version: 1 }), () => pkg.validate({ version: 1 }), () => simulate({ steps: [] })]) {
          try {
            use();
            caught.push(null);
          } catch (error) {
            caught.push(describeError(error));
          }
        }
        return caught;
      });
      for (const error of uninitialized) {
        assert.ok(error, "using the package before init() must throw");
        assert.equal(error.isError, true);
        assert.equal(error.isContinuityError, true);
        assert.equal(error.isInstance, true);
        assert.equal(error.name, "ContinuityError");
        assert.equal(error.code, "not-initialized");
        assert.match(error.message, /await init\(\)/);
      }
      const loaded = await page.evaluate(async () => {
        const { pkg, describeError } = harness;
        // A failed load is reported and can be retried.
        const failed = await pkg.init(new Uint8Array([0, 0x61, 0x73, 0x6d, 9, 9, 9, 9])).then(() => null, describeError);
        let stillNot;
        try {
          pkg.validate({ version: 1 });
        } catch (error) {
          stillNot = error.code;
        }
        const first = await pkg.init();
        // A second call is harmless and resolves too.
        await pkg.init();
        return { failed, stillNot, first: first === undefined, status: new pkg.Engine(await harness.text("/bundles/workspace.json")).status().phase };
      });
      assert.equal(loaded.failed?.isError, true, "init() with bytes that are not a module rejects");
      assert.equal(loaded.failed.name, "CompileError");
      assert.equal(loaded.stillNot, "not-initialized");
      assert.equal(loaded.first, true, "init() resolves to undefined");
      assert.equal(loaded.status, "idle");
    });
  });

  it("an Engine fails over at exactly the deadline pollTimeout() names", LIMIT, async () => {
    await withPage({}, async (page) => {
      const run = await page.evaluate(async () => {
        const { pkg, text } = harness;
        await pkg.init();
        const engine = new pkg.Engine(JSON.parse(await text("/bundles/workspace.json")), 7);
        const log = [];
        const feed = (at, input) => {
          engine.handle(input, at);
          for (const output of engine.drainOutputs()) log.push({ at, output });
        };
        feed(0, { type: "start" });
        ["sip-server", "stat-server", "config-server"].forEach((service, i) => {
          feed(100 + 200 * i, { type: "link_up", site: "SiteA", service, member: "primary" });
          feed(200 + 200 * i, { type: "link_up", site: "SiteA", service, member: "backup" });
        });
        feed(900, { type: "endpoint_registered", site: "SiteA" });
        feed(12000, { type: "link_down", site: "SiteA", service: "sip-server", member: "primary" });
        feed(12000, { type: "link_down", site: "SiteA", service: "sip-server", member: "backup" });
        const deadline = engine.pollTimeout();
        const nextTimer = engine.status().next_timer;
        // One millisecond early changes nothing.
        const early = engine.handleTimeout(deadline - 1);
        const phaseBefore = engine.status().phase;
        const count = engine.handleTimeout(deadline);
        const atDeadline = engine.drainOutputs();
        return { log, deadline, nextTimer, early, phaseBefore, count, atDeadline, status: engine.status(), now: engine.now };
      });
      assert.deepEqual(run.log, [
        { at: 0, output: { type: "connect", site: "SiteA" } },
        { at: 0, output: { type: "register_endpoint", site: "SiteA" } },
        { at: 0, output: { type: "phase_changed", phase: "connecting", site: "SiteA", role: "preferred" } },
        // Active before the endpoint registered: the connect's endpoint deadline is announced, then cancelled.
        { at: 500, output: { type: "switchover_pending", from: "SiteA", to: "SiteB", reason: "endpoint-timeout", at: 30000 } },
        { at: 500, output: { type: "phase_changed", phase: "active", site: "SiteA", role: "preferred" } },
        { at: 900, output: { type: "switchover_cancelled", to: "SiteB", reason: "endpoint-timeout" } },
        { at: 12000, output: { type: "switchover_pending", from: "SiteA", to: "SiteB", reason: "site-timeout", at: 72000 } },
      ]);
      assert.equal(run.deadline, 72000, "T = 60 s after the loss at 12 s");
      assert.deepEqual(run.nextTimer, { at: 72000, timer: "site-timeout" });
      assert.equal(run.early, 0);
      assert.equal(run.phaseBefore, "active");
      assert.equal(run.count, run.atDeadline.length);
      assert.deepEqual(run.atDeadline, [
        { type: "unregister_endpoint", site: "SiteA" },
        { type: "disconnect", site: "SiteA" },
        { type: "connect", site: "SiteB" },
        { type: "register_endpoint", site: "SiteB" },
        { type: "switched", from: "SiteA", to: "SiteB", reason: "site-timeout" },
        { type: "phase_changed", phase: "connecting", site: "SiteB", role: "peer" },
      ]);
      assert.equal(run.now, 72000);
      assert.equal(run.status.site, "SiteB");
      assert.equal(run.status.role, "peer");
    });
  });

  it("simulate() reproduces a scenario's trace byte for byte", LIMIT, async () => {
    await withPage({}, async (page) => {
      const { trace, simulated } = await page.evaluate(async () => {
        const { tools, scenario } = harness;
        const { init, simulate } = await tools();
        await init();
        const sc = await scenario("site-a-outage-past-timeout");
        return { trace: sc.trace, simulated: simulate(sc.text, { files: sc.files }) };
      });
      assert.ok(trace.includes('"switched"'), "the scenario switches");
      assert.equal(simulated, trace);
    });
  });

  it("validate() reports the diagnostics of examples/bundles/broken-workspace.json", LIMIT, async () => {
    await withPage({}, async (page) => {
      const { broken, good } = await page.evaluate(async () => {
        const { pkg, text } = harness;
        await pkg.init();
        return {
          broken: pkg.validate(await text("/bundles/broken-workspace.json")),
          good: pkg.validate(JSON.parse(await text("/bundles/workspace.json"))),
        };
      });
      assert.equal(broken.valid, false);
      assert.equal(broken.policy, null);
      assert.equal(broken.errors, broken.diagnostics.filter((d) => d.severity === "error").length);
      assert.equal(broken.warnings, broken.diagnostics.filter((d) => d.severity === "warning").length);
      const codes = broken.diagnostics.map((d) => `${d.severity} ${d.code}`);
      for (const expected of ["error peer-site-missing", "error places-differ", "warning unknown-option"]) {
        assert.ok(codes.includes(expected), `expected ${expected} in ${codes.join(", ")}`);
      }
      const typo = broken.diagnostics.find((d) => d.code === "unknown-option");
      assert.equal(typo.object, "person agent1");
      assert.equal(typo.option, "disaster-recovery.timout");
      assert.match(typo.message, /disaster-recovery\.timeout/);
      assert.equal(good.valid, true);
      assert.equal(good.errors, 0);
      assert.equal(good.policy.preferred, "SiteA");
      assert.equal(good.policy.peer, "SiteB");
    });
  });

  it("bad input throws a real Error with a code and leaves the engine usable", LIMIT, async () => {
    await withPage({}, async (page) => {
      const result = await page.evaluate(async () => {
        const { pkg, tools, text, describeError } = harness;
        await pkg.init();
        const toolsEntry = await tools();
        await toolsEntry.init();
        const bundle = await text("/bundles/workspace.json");
        const engine = new pkg.Engine(bundle, 7);
        engine.handle({ type: "start" }, 0);
        engine.drainOutputs();
        const statusBefore = JSON.stringify(engine.status());
        const attempts = {
          "unknown service (checked in JS)": () => engine.linkDown("SiteA", "sip", "primary", 10),
          "missing field": () => engine.handle({ type: "link_down", site: "SiteA" }, 10),
          "not an object": () => engine.handle("start", 10),
          "unsupported version (checked in wasm)": () => engine.handle({ type: "config_loaded", bundle: { version: 2 } }, 10),
          "negative time": () => engine.handle({ type: "resumed" }, -1),
          "NaN time": () => engine.handleTimeout(NaN),
          "bundle that is not JSON (wasm parser)": () => new pkg.Engine("{nope"),
          "invalid bundle": async () => new pkg.Engine(await text("/bundles/broken-workspace.json")),
          "negative seed": () => new pkg.Engine(bundle, -1),
          "scenario that is not JSON (tools entry)": () => toolsEntry.simulate("{"),
        };
        const errors = {};
        for (const [what, attempt] of Object.entries(attempts)) {
          try {
            await attempt();
            errors[what] = null;
          } catch (error) {
            errors[what] = describeError(error);
          }
        }
        const statusAfter = JSON.stringify(engine.status());
        // Still usable: the site comes up and a loss schedules a switch.
        for (const service of ["sip-server", "stat-server", "config-server"]) {
          engine.linkUp("SiteA", service, "primary", 100);
          engine.linkUp("SiteA", service, "backup", 100);
        }
        engine.endpointRegistered("SiteA", 200);
        engine.linkDown("SiteA", "sip-server", "primary", 1000);
        engine.linkDown("SiteA", "sip-server", "backup", 1000);
        return { errors, unchanged: statusBefore === statusAfter, outputs: engine.drainOutputs(), deadline: engine.pollTimeout() };
      });
      const expected = {
        "unknown service (checked in JS)": "invalid-input",
        "missing field": "invalid-input",
        "not an object": "invalid-input",
        "unsupported version (checked in wasm)": "invalid-input",
        "negative time": "invalid-time",
        "NaN time": "invalid-time",
        "bundle that is not JSON (wasm parser)": "parse",
        "invalid bundle": "invalid-bundle",
        "negative seed": "invalid-seed",
        "scenario that is not JSON (tools entry)": "parse",
      };
      for (const [what, code] of Object.entries(expected)) {
        const error = result.errors[what];
        assert.ok(error, `${what}: expected a throw`);
        assert.equal(error.isError, true, `${what}: instanceof Error in the page`);
        assert.equal(error.isInstance, true, `${what}: instanceof ContinuityError in the page`);
        assert.equal(error.name, "ContinuityError", what);
        assert.equal(error.code, code, `${what}: ${error.message}`);
        assert.ok(error.message.length > 10, `${what}: a clear message`);
      }
      const diagnostics = result.errors["invalid bundle"].diagnostics;
      assert.ok(Array.isArray(diagnostics) && diagnostics.some((d) => d.code === "peer-site-missing"));
      assert.equal(result.unchanged, true, "a refused input changes nothing");
      assert.deepEqual(result.outputs.map((o) => o.type), ["switchover_pending", "phase_changed", "switchover_cancelled", "switchover_pending"]);
      assert.equal(result.deadline, 61000);
    });
  });
});

describe("main-thread Driver on the default clock (Playwright fake clock)", () => {
  it("replays site-a-outage-past-timeout: the switch fires at exactly the rules' ms", LIMIT, async () => {
    await withPage({ clock: true }, async (page) => {
      const { scenario, trace } = await setUpDriver(page, "site-a-outage-past-timeout");
      const { outputs, errors } = await driveScenario(page, scenario, {
        // Checked on the way: nothing happens one millisecond before T.
        71999: async () => {
          const seen = await page.evaluate(async () => ({ now: performance.now(), phase: (await run.driver.status()).phase, last: run.outputs.at(-1) }));
          assert.equal(seen.now, BASE + 71999);
          assert.equal(seen.phase, "active");
          assert.equal(seen.last.output.type, "switchover_pending");
        },
      });
      assert.deepEqual(errors, []);
      assert.deepEqual(outputs, parseTrace(trace));
      const switched = outputs.find(({ output }) => output.type === "switched");
      assert.equal(switched.at, 72000);
    });
  });

  it("feeds resumed when a hidden page becomes visible (resumed-input-defers-switch)", LIMIT, async () => {
    await withPage({ clock: true }, async (page) => {
      const { scenario, trace } = await setUpDriver(page, "resumed-input-defers-switch");
      assert.ok(scenario.steps.some((step) => step.input?.type === "resumed"));
      // Each `resumed` step becomes: the page is hidden after the step
      // before, and visible again at the step's time.
      const { outputs, errors } = await driveScenario(page, scenario, {}, { resumedByVisibility: true });
      assert.deepEqual(errors, []);
      assert.deepEqual(outputs, parseTrace(trace));

      // A page restored from the back/forward cache resumes too; a dispose
      // detaches both listeners.
      const more = await page.evaluate(async () => {
        const count = run.outputs.length;
        window.dispatchEvent(new PageTransitionEvent("pageshow", { persisted: true }));
        const restored = run.outputs.slice(count);
        run.driver[Symbol.dispose]();
        run.driver.dispose();
        setVisibility("hidden");
        setVisibility("visible");
        window.dispatchEvent(new PageTransitionEvent("pageshow", { persisted: true }));
        let disposed;
        try {
          await run.driver.linkUp("SiteA", "sip-server", "primary");
        } catch (error) {
          disposed = harness.describeError(error);
        }
        let now;
        try {
          now = run.driver.now;
        } catch (error) {
          now = harness.describeError(error);
        }
        return { restored, after: run.outputs.length - count - restored.length, disposed, now, hasDispose: typeof Symbol.dispose === "symbol" };
      });
      assert.deepEqual(more.restored.map(({ output }) => output), [{ type: "recheck", site: "SiteB" }]);
      assert.equal(more.after, 0, "a disposed driver listens no more");
      assert.equal(more.hasDispose, true, "Chromium has Symbol.dispose");
      assert.equal(more.disposed.code, "disposed");
      assert.equal(more.disposed.isInstance, true);
      assert.equal(more.now.code, "disposed", "the getters throw too");
    });
  });

  it("a frozen page (fastForward) fires its late timer once and rechecks (frozen-host-rechecks-then-switches)", LIMIT, async () => {
    await withPage({ clock: true }, async (page) => {
      const { scenario, trace } = await setUpDriver(page, "frozen-host-rechecks-then-switches");
      assert.ok(scenario.steps.some((step) => step.freeze_until !== undefined));
      const { outputs, errors } = await driveScenario(page, scenario);
      assert.deepEqual(errors, []);
      assert.deepEqual(outputs, parseTrace(trace));
    });
  });
});

describe("Web Worker entry through WorkerDriver", () => {
  it("create, inputs, fast-path calls, outputs, status, a bad input, dispose", LIMIT, async () => {
    await withPage({}, async (page) => {
      const started = await page.evaluate(async () => {
        const { pkg, text } = harness;
        const bundle = JSON.parse(await text("/bundles/workspace.json"));
        const worker = new Worker(new URL("/pkg/web/worker.js", location.href), { type: "module" });
        const outputs = [];
        const errors = [];
        worker.addEventListener("error", (event) => errors.push(`worker error: ${event.message}`));
        const options = { bundle, seed: 7, onOutput: (output, when) => outputs.push({ at: when.at, time: when.time, output }), onError: (error) => errors.push(String(error?.stack ?? error)) };
        const driver = await pkg.WorkerDriver.create(worker, options);
        const statuses = [];
        const switched = [];
        driver.on("status", (status) => statuses.push(status.phase));
        driver.on("switched", (output, when) => switched.push({ output, when }));
        window.w = { worker, driver, outputs, errors, options, statuses, switched };
        const created = outputs.length;
        // Outputs are posted before the answer, so they are here when start() resolves.
        const handled = await driver.start();
        return {
          created, handled, seed: typeof driver.seed === "bigint" && driver.seed === 7n, now: driver.now, stopped: driver.stopped,
          outputs: outputs.map(({ output }) => output), times: outputs.map(({ at, time }) => time - at), origin: driver.wallTime(0),
          pageNow: Date.now(), status: await driver.status(), statuses: [...statuses],
        };
      });
      assert.equal(started.created, 0);
      assert.equal(started.handled, "applied");
      assert.equal(started.seed, true);
      assert.equal(started.stopped, false);
      assert.ok(started.now >= 0);
      assert.deepEqual(started.statuses, ["connecting"]);
      for (const origin of started.times) assert.equal(origin, started.origin, "time = the worker's timeOrigin + at");
      assert.ok(Math.abs(started.origin + started.now - started.pageNow) < 60000, "the worker's wall clock is the page's, near enough");
      assert.deepEqual(started.outputs, [
        { type: "connect", site: "SiteA" },
        { type: "register_endpoint", site: "SiteA" },
        { type: "phase_changed", phase: "connecting", site: "SiteA", role: "preferred" },
      ]);
      assert.equal(started.status.phase, "connecting");

      const active = await page.evaluate(async () => {
        const { driver, outputs } = w;
        const from = outputs.length;
        for (const service of ["sip-server", "stat-server", "config-server"]) {
          await driver.linkUp("SiteA", service, "primary");
          await driver.linkUp("SiteA", service, "backup");
        }
        await driver.endpointRegistered("SiteA");
        await driver.interactionStarted("call-1");
        const during = await driver.status();
        await driver.interactionEnded("call-1");
        // The loss and return of one member changes nothing; a lost
        // registration schedules a switch that its return cancels.
        await driver.linkDown("SiteA", "sip-server", "primary");
        await driver.handle({ type: "link_up", site: "SiteA", service: "sip-server", member: "primary" });
        await driver.endpointUnregistered("SiteA");
        const unregistered = await driver.status();
        await driver.endpointRegistered("SiteA");
        // Probe results for a site nobody probed are counted and ignored.
        await driver.probeResult("SiteB", true);
        return { outputs: outputs.slice(from), during, unregistered, status: await driver.status() };
      });
      const [announced, activated, registered, pending, cancelled] = active.outputs;
      assert.deepEqual(active.outputs.map(({ output }) => output), [
        // Active before the endpoint registered: the connect's endpoint deadline is announced, then cancelled.
        { type: "switchover_pending", from: "SiteA", to: "SiteB", reason: "endpoint-timeout", at: announced.output.at },
        { type: "phase_changed", phase: "active", site: "SiteA", role: "preferred" },
        { type: "switchover_cancelled", to: "SiteB", reason: "endpoint-timeout" },
        // W = 30 s after the registration was lost.
        { type: "switchover_pending", from: "SiteA", to: "SiteB", reason: "endpoint-timeout", at: pending.at + 30000 },
        { type: "switchover_cancelled", to: "SiteB", reason: "endpoint-timeout" },
      ]);
      assert.ok(announced.output.at - 30000 <= announced.at && announced.at === activated.at, "W = 30 s from the connect, announced as the site became active");
      assert.ok(activated.at <= registered.at && registered.at <= pending.at && pending.at <= cancelled.at);
      assert.deepEqual(active.unregistered.pending, { to: "SiteB", at: pending.at + 30000, reason: "endpoint-timeout" });
      assert.equal(active.status.pending, null);
      assert.equal(active.status.ignored.out_of_phase, 1, "the unasked probe result is counted");
      assert.deepEqual(active.during.interactions, ["call-1"]);
      assert.equal(active.unregistered.endpoint_registered, false);
      assert.deepEqual(active.status.interactions, []);
      assert.equal(active.status.phase, "active");
      assert.equal(active.status.endpoint_registered, true);
      assert.equal(active.status.services.find((s) => s.service === "sip-server").primary, "up");

      const switched = await page.evaluate(async () => {
        const { driver, outputs } = w;
        const from = outputs.length;
        const handled = await driver.switchRequested("SiteB");
        return { outputs: outputs.slice(from), status: await driver.status(), all: outputs, handled, switched: w.switched };
      });
      assert.deepEqual(switched.outputs.map(({ output }) => output), [
        { type: "unregister_endpoint", site: "SiteA" },
        { type: "disconnect", site: "SiteA" },
        { type: "connect", site: "SiteB" },
        { type: "register_endpoint", site: "SiteB" },
        { type: "switched", from: "SiteA", to: "SiteB", reason: "manual" },
        { type: "phase_changed", phase: "connecting", site: "SiteB", role: "peer" },
      ]);
      assert.equal(switched.handled, "applied");
      assert.deepEqual(switched.switched.map(({ output, when }) => [output.reason, when.at]), [["manual", switched.outputs[0].at]], "on(\"switched\") by type");
      assert.equal(new Set(switched.outputs.map(({ at }) => at)).size, 1, "one input, one time");
      for (const [i, { at }] of switched.all.entries()) {
        assert.ok(Number.isInteger(at) && at >= 0, `output time ${at} is whole ms`);
        if (i > 0) assert.ok(at >= switched.all[i - 1].at, "output times never go back");
      }
      assert.equal(switched.status.site, "SiteB");
      assert.equal(switched.status.role, "peer");
      assert.equal(switched.status.pinned, true);
      assert.equal(switched.status.phase, "connecting");

      const refused = await page.evaluate(async () => {
        const { driver, outputs, errors } = w;
        const { describeError } = harness;
        const statusBefore = JSON.stringify(await driver.status());
        const count = outputs.length;
        const rejections = [];
        for (const attempt of [
          () => driver.handle({ type: "link_down", site: "SiteB" }),
          () => driver.linkDown("SiteB", "sip", "primary"),
          () => driver.handle({ type: "teleport" }),
        ]) {
          try {
            await attempt();
            rejections.push(null);
          } catch (error) {
            rejections.push(describeError(error));
          }
        }
        const unchanged = JSON.stringify(await driver.status()) === statusBefore;
        // The worker keeps working.
        await driver.linkUp("SiteB", "sip-server", "primary");
        return { rejections, unchanged, outputs: outputs.length - count, after: await driver.status(), errors: [...errors] };
      });
      for (const rejection of refused.rejections) {
        assert.ok(rejection, "a bad input rejects");
        assert.equal(rejection.isError, true);
        assert.equal(rejection.isInstance, true, "rebuilt from the worker as a ContinuityError");
        assert.equal(rejection.name, "ContinuityError");
        assert.equal(rejection.code, "invalid-input");
        assert.match(rejection.message, /^invalid input: /);
      }
      assert.equal(refused.unchanged, true);
      assert.equal(refused.outputs, 0);
      assert.equal(refused.after.services.find((s) => s.service === "sip-server").primary, "up");
      assert.deepEqual(refused.errors, []);

      const disposed = await page.evaluate(async () => {
        const { driver, worker, options, errors } = w;
        driver[Symbol.dispose]();
        driver.dispose();
        let afterDispose;
        try {
          await driver.status();
        } catch (error) {
          afterDispose = harness.describeError(error);
        }
        // The worker freed its engine, so it takes a new `create`.
        const again = await harness.pkg.WorkerDriver.create(worker, { ...options, seed: undefined });
        const fresh = await again.status();
        const drawn = typeof again.seed === "bigint" && again.seed !== 7n;
        again.dispose({ terminate: true });
        return { afterDispose, fresh, drawn, errors: [...errors] };
      });
      assert.equal(disposed.afterDispose.code, "disposed");
      assert.equal(disposed.afterDispose.isInstance, true);
      assert.equal(disposed.drawn, true, "no seed: the worker draws one");
      assert.equal(disposed.fresh.phase, "idle");
      assert.deepEqual(disposed.errors, []);
    });
  });

  it("answers the raw message protocol in order, and unknown messages with an error", LIMIT, async () => {
    await withPage({}, async (page) => {
      const replies = await page.evaluate(async () => {
        const bundle = await harness.text("/bundles/workspace.json");
        const worker = new Worker(new URL("/pkg/web/worker.js", location.href), { type: "module" });
        const messages = [];
        const done = new Promise((resolve) => {
          worker.addEventListener("message", (event) => {
            messages.push(event.data);
            if (event.data.id === 10) resolve();
          });
        });
        // All sent at once: every request is answered, in order.
        const v = 1;
        const requests = [
          { v, type: "teleport", id: 1 },
          { v, type: "status", id: 2 },
          { v, type: "create", id: 3, bundle, seed: 7 },
          { v, type: "status", id: 4 },
          { v, type: "input", id: 5, input: { type: "start" } },
          { v, type: "call", id: 6, method: "constructor", args: [] },
          { v, type: "call", id: 7, method: "linkUp", args: ["SiteA", "sip-server", "primary"] },
          { v, type: "create", id: 8, bundle },
          { v, type: "dispose", id: 9 },
          { v: 2, type: "status", id: 11 },
          { v, type: "status" },
          { type: "status", id: 12 },
          { v, type: "status", id: 10 },
        ];
        worker.postMessage("hello");
        for (const request of requests) worker.postMessage(request);
        await done;
        worker.terminate();
        return messages;
      });
      assert.ok(replies.every((m) => m.v === 1), "every message carries the protocol version");
      const turns = replies.filter((m) => m.type === "turn");
      const answers = replies.filter((m) => m.type !== "output" && m.type !== "turn");
      const outputs = replies.filter((m) => m.type === "output").map((m) => m.output.type);
      assert.deepEqual(turns.map((m) => [typeof m.now, m.stopped, m.status?.phase]), [["number", false, "connecting"], ["number", false, "connecting"]]);
      assert.deepEqual(answers.map((m) => [m.id, m.type, m.error?.code]), [
        [undefined, "error", "invalid-message"],
        [1, "error", "invalid-message"],
        [2, "error", "invalid-message"],
        [3, "done", undefined],
        [4, "done", undefined],
        [5, "done", undefined],
        [6, "error", "invalid-message"],
        [7, "done", undefined],
        [8, "error", "invalid-message"],
        [9, "done", undefined],
        [11, "error", "invalid-message"],
        [undefined, "error", "invalid-message"],
        [12, "error", "invalid-message"],
        [10, "error", "invalid-message"],
      ]);
      assert.deepEqual([answers[3].request, answers[4].request, answers[5].handled, answers[7].handled], ["create", "status", "applied", "applied"]);
      assert.equal(answers[3].seed, 7n);
      assert.match(answers[10].error.message, /`v` must be 1, the version of the message protocol this worker speaks; got the number 2/);
      assert.match(answers[11].error.message, /`id` must be a number, which the answer carries back; got undefined/);
      assert.match(answers[12].error.message, /`v` must be 1.*got undefined/);
      assert.match(answers[1].error.message, /unknown message type the string "teleport"/);
      assert.equal(answers[1].error.name, "ContinuityError");
      assert.match(answers[2].error.message, /send `create` first/);
      assert.equal(answers[3].status.phase, "idle");
      assert.equal(answers[4].status.phase, "idle");
      assert.match(answers[8].error.message, /already has an engine/);
      assert.deepEqual(outputs, ["connect", "register_endpoint", "phase_changed"]);
    });
  });

  it("fires the Driver's timer inside the worker at exactly the rules' ms (virtual clock)", LIMIT, async () => {
    await withPage({}, async (page) => {
      const { outputs, trace, errors, early } = await page.evaluate(async () => {
        const { pkg, scenario } = harness;
        const sc = await scenario("site-a-outage-past-timeout");
        const worker = new Worker(new URL("/virtual-clock-worker.js", location.href), { type: "module" });
        const outputs = [];
        const errors = [];
        worker.addEventListener("error", (event) => errors.push(`worker error: ${event.message}`));
        const advance = (to) =>
          new Promise((resolve) => {
            const listener = (event) => {
              if (event.data?.type !== "virtual-clock:at") return;
              worker.removeEventListener("message", listener);
              resolve(event.data.now);
            };
            worker.addEventListener("message", listener);
            worker.postMessage({ type: "virtual-clock:advance", to });
          });
        const driver = await pkg.WorkerDriver.create(worker, {
          bundle: sc.files[sc.scenario.bundle_file],
          seed: sc.scenario.seed,
          onOutput: (output, when) => outputs.push({ at: when.at, output }),
          onError: (error) => errors.push(String(error?.stack ?? error)),
        });
        // Checked on the way: nothing happens one millisecond before T.
        let early;
        for (const step of sc.scenario.steps) {
          if (step.at > 72000 && early === undefined) {
            await advance(71999);
            early = { outputs: outputs.length, status: await driver.status() };
          }
          await advance(step.at);
          await driver.handle(step.input);
        }
        await advance(sc.scenario.until);
        driver.dispose({ terminate: true });
        early.last = outputs[early.outputs - 1];
        return { outputs, trace: sc.trace, errors, early };
      });
      assert.deepEqual(errors, []);
      assert.equal(early.status.phase, "active");
      assert.deepEqual(early.status.next_timer, { at: 72000, timer: "site-timeout" });
      assert.equal(early.last.output.type, "switchover_pending");
      assert.deepEqual(outputs, parseTrace(trace));
    });
  });
});

describe("one interface, one trace", () => {
  it("Driver and WorkerDriver have the same methods and getters in the page", LIMIT, async () => {
    await withPage({}, async (page) => {
      const { driver, worker } = await page.evaluate(() => {
        const members = (Class) => [
          ...Object.getOwnPropertyNames(Class.prototype).filter((name) => name !== "constructor"),
          ...Object.getOwnPropertySymbols(Class.prototype).map(String),
        ].sort();
        return { driver: members(harness.pkg.Driver), worker: members(harness.pkg.WorkerDriver) };
      });
      assert.deepEqual(worker, driver);
      for (const name of ["start", "handle", "switchRequested", "status", "policy", "warnings", "now", "stopped", "seed", "on", "wallTime", "dispose", "Symbol(Symbol.dispose)"]) {
        assert.ok(driver.includes(name), `${name} in ${driver.join(", ")}`);
      }
    });
  });

  it("a timer that fires late inside the worker gives the corpus trace (tests/scenarios/late-timer-changes-nothing)", LIMIT, async () => {
    await withPage({}, async (page) => {
      const run = await page.evaluate(async () => {
        const { pkg, text } = harness;
        await pkg.init();
        const name = "late-timer-changes-nothing";
        const scenario = JSON.parse(await text(`/scenarios/${name}.json`));
        const expected = await text(`/scenarios/${name}.trace.jsonl`);
        const bundle = JSON.parse(await text(`/scenarios/${scenario.bundle_file}`));
        const worker = new Worker(new URL("/virtual-clock-worker.js", location.href), { type: "module" });
        const clock = (type, to) =>
          new Promise((resolve) => {
            const listener = (event) => {
              if (event.data?.type !== "virtual-clock:at") return;
              worker.removeEventListener("message", listener);
              resolve(event.data);
            };
            worker.addEventListener("message", listener);
            worker.postMessage({ type, to });
          });
        const outputs = [];
        const errors = [];
        const driver = await pkg.WorkerDriver.create(worker, {
          bundle,
          seed: scenario.seed,
          onOutput: (output, when) => outputs.push({ at: when.at, output }),
          onError: (error) => errors.push(String(error?.stack ?? error)),
        });
        const handled = [];
        let frozenUntil = 0;
        let overdue = 0;
        for (const step of scenario.steps) {
          if (step.freeze_until !== undefined) {
            await clock("virtual-clock:advance", step.at);
            frozenUntil = step.freeze_until;
            continue;
          }
          // While the scenario's host is frozen the clock moves on without
          // firing the worker's timer: it fires late.
          const moved = await clock(step.at < frozenUntil ? "virtual-clock:set" : "virtual-clock:advance", step.at);
          overdue = Math.max(overdue, moved.overdue);
          handled.push(await driver.handle(step.input));
        }
        await clock("virtual-clock:advance", scenario.until);
        const count = scenario.steps.filter((step) => step.input !== undefined).length;
        driver.dispose({ terminate: true });
        return { expected, outputs, handled, count, overdue, errors };
      });
      assert.deepEqual(run.errors, []);
      assert.deepEqual(run.handled, Array(run.count).fill("applied"));
      assert.equal(run.overdue, 1, "the links came while the switch's timer was overdue");
      assert.equal(run.outputs.map(({ at, output }) => renderLine(at, output)).join(""), run.expected);
    });
  });
});

// ------------------------------------------------------------------ helpers

/**
 * Runs `body(page)` on a fresh page of pages/index.html in a new context,
 * with Playwright's fake clock installed before the page's scripts when
 * `clock` is set; fails on any console error or uncaught page error.
 */
async function withPage({ clock = false }, body) {
  const context = await browser.newContext();
  const problems = [];
  try {
    if (clock) await context.clock.install({ time: 0 });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    // Workers' console messages arrive here too. Warnings count: the glue
    // warns when it has to fall back from streaming compilation.
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.stack ?? error}`));
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => window.harnessReady === true);
    await body(page);
  } finally {
    await context.close();
  }
  assert.deepEqual(problems, [], "no console or page errors");
}

/**
 * Loads a scenario in the page and builds a Driver on the default clock for
 * its bundle and seed, with `setVisibility(state)` to hide and show the page;
 * then pauses the fake clock at BASE.
 */
async function setUpDriver(page, name) {
  const loaded = await page.evaluate(async ({ name }) => {
    const { pkg, scenario } = harness;
    await pkg.init();
    const sc = await scenario(name);
    // The page's visibility, as the browser would report it.
    let visibility = "visible";
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => visibility });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => visibility === "hidden" });
    window.setVisibility = (state) => {
      visibility = state;
      document.dispatchEvent(new Event("visibilitychange"));
    };
    const outputs = [];
    const errors = [];
    const driver = await pkg.Driver.create({
      bundle: sc.scenario.bundle ?? sc.files[sc.scenario.bundle_file],
      seed: sc.scenario.seed ?? 0,
      onOutput: (output, when) => outputs.push({ at: when.at, output }),
      onError: (error) => errors.push(String(error?.stack ?? error)),
    });
    window.run = { driver, outputs, errors };
    return { scenario: sc.scenario, trace: sc.trace };
  }, { name });
  await page.clock.pauseAt(BASE);
  assert.equal(await page.evaluate(() => performance.now()), BASE, "the fake clock is paused at BASE");
  return loaded;
}

/**
 * Plays a scenario's steps into the page's Driver on Playwright's fake
 * clock (runFor between steps; fastForward over a `freeze_until`), calling
 * `checks[t]` when scenario time t is reached; returns the outputs in
 * scenario time.
 */
async function driveScenario(page, scenario, checks = {}, { resumedByVisibility = false } = {}) {
  let now = 0;
  const advanceTo = async (to, how = "runFor") => {
    // Stop at every check on the way.
    for (const at of Object.keys(checks).map(Number).sort((a, b) => a - b)) {
      if (at > now && at <= to && how === "runFor") {
        await page.clock.runFor(at - now);
        now = at;
        await checks[at]();
      }
    }
    await page.clock[how](to - now);
    now = to;
  };
  for (const step of scenario.steps) {
    if (step.freeze_until !== undefined) {
      await advanceTo(step.at);
      await advanceTo(step.freeze_until, "fastForward");
      continue;
    }
    if (resumedByVisibility && step.input.type === "resumed") {
      await page.evaluate(() => setVisibility("hidden"));
      await advanceTo(step.at);
      await page.evaluate(() => setVisibility("visible"));
      continue;
    }
    await advanceTo(step.at);
    await page.evaluate((input) => run.driver.handle(input), step.input);
  }
  await advanceTo(scenario.until);
  const { outputs, errors } = await page.evaluate(() => ({ outputs: run.outputs, errors: run.errors }));
  return { outputs: outputs.map(({ at, output }) => ({ at: at - BASE, output: unshift(output) })), errors };
}

/** An output with its engine times moved from the page's clock to scenario time. */
function unshift(output) {
  const moved = { ...output };
  if (output.type === "switchover_pending") moved.at -= BASE;
  if (output.type === "all_sites_down") moved.retry_at -= BASE;
  return moved;
}

/** The entries of a .trace.jsonl file. */
function parseTrace(text) {
  return text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
}
