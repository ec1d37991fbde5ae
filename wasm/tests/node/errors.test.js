// Bad input from JavaScript: every refusal is a real Error named
// "ContinuityError" with a stable code and a message that says what is wrong,
// and the engine is left exactly as it was — the valid inputs that follow
// give what they give on an engine that never saw the bad one. No input may
// reach a wasm panic.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { Engine, validate } from "../../pkg/node/index.js";
import { parseCfg, resolveOptionFiles, simulate } from "../../pkg/node/tools.js";
import {
  Host, activeOnSiteA, assertThrowsContinuity, bundle, readJson, scenario, scenarioBundle, scenarioFiles,
} from "./helpers.js";

// A wasm panic would print through the panic hook on console.error and throw
// a RuntimeError; record console.error for the whole file.
const logged = [];
let consoleError;
before(() => {
  consoleError = console.error;
  console.error = (...args) => logged.push(args.map(String).join(" "));
});
after(() => {
  console.error = consoleError;
  assert.deepEqual(logged, [], "nothing may be written to console.error");
});

const LATER = 50000;

/** An engine active on SiteA with both SIP Server links lost at 12 s: a switch is pending for 72 s. */
function prepared() {
  const host = activeOnSiteA();
  host.at(12000, { type: "link_down", site: "SiteA", service: "sip-server", member: "primary" });
  host.at(12000, { type: "link_down", site: "SiteA", service: "sip-server", member: "backup" });
  return host;
}

/** Valid inputs after a refused one, through handle and the fast path; returns the whole trace. */
function continueValid(host) {
  host.at(20000, { type: "interaction_started", id: "call-1" });
  host.engine.linkDown("SiteA", "stat-server", "primary", 20001);
  host.until(80000);
  host.engine.linkUp("SiteB", "sip-server", "primary", 80001);
  host.at(80002, { type: "endpoint_registered", site: "SiteB" });
  return { trace: host.trace, status: host.engine.status() };
}

/**
 * Asserts that `bad(engine)` is refused with `code` and the fragments, on an
 * engine in the middle of a pending switch, and that the engine is left as
 * it was: same status, deadline and time, nothing emitted, and the valid
 * inputs that follow behave exactly as on an engine that never saw it.
 */
function assertRefused(bad, code, ...fragments) {
  const host = prepared();
  const { engine } = host;
  const status = engine.status();
  const deadline = engine.pollTimeout();
  const now = engine.now;

  assertThrowsContinuity(() => bad(engine), code, ...fragments);

  assert.deepEqual(engine.status(), status, "the status is unchanged");
  assert.equal(engine.pollTimeout(), deadline, "the deadline is unchanged");
  assert.equal(engine.now, now, "the refused input's time was not taken");
  assert.deepEqual(engine.drainOutputs(), [], "nothing was emitted");
  const after = continueValid(host);
  assert.ok(after.trace.some(({ at, output }) => at === 72000 && output.type === "switched"), "the switch still happens at 72 s");
  assert.deepEqual(after, continueValid(prepared()));
}

const badRow = (input, code, ...fragments) => ({ input, code, fragments });

describe("handle() refuses an input that is not an input", () => {
  const cases = {
    "null": badRow(null, "invalid-input", "expected an object like", "got null"),
    "undefined": badRow(undefined, "invalid-input", "expected an object like", "got undefined"),
    "an array": badRow([{ type: "start" }], "invalid-input", "expected an object like", "got an array"),
    "a string": badRow("start", "invalid-input", "expected an object like", 'got the string "start"'),
    "a number": badRow(5, "invalid-input", "expected an object like", "got the number 5"),
    "a boolean": badRow(true, "invalid-input", "expected an object like", "got a boolean"),
    "no type": badRow({ site: "SiteA" }, "invalid-input", "`type` must be a string", "got undefined"),
    "a numeric type": badRow({ type: 3 }, "invalid-input", "`type` must be a string", "got the number 3"),
    "an unknown type": badRow({ type: "reboot" }, "invalid-input", 'unknown input type "reboot"', "expected one of start, config_loaded"),
    "a type named like an Object method": badRow({ type: "toString" }, "invalid-input", 'unknown input type "toString"'),
    "a type in the wrong case": badRow({ type: "Link_Down", site: "SiteA" }, "invalid-input", 'unknown input type "Link_Down"'),
    "an unknown field on start": badRow({ type: "start", at: 0 }, "invalid-input", "unknown field `at` in start", "no fields besides `type`"),
    "an unknown field on resumed": badRow({ type: "resumed", site: "SiteA" }, "invalid-input", "unknown field `site` in resumed"),
    "an unknown field on stop": badRow({ type: "stop", force: true }, "invalid-input", "unknown field `force` in stop"),
    "an unknown field on link_up": badRow({ type: "link_up", site: "SiteA", service: "sip-server", member: "primary", ok: true }, "invalid-input", "unknown field `ok` in link_up", "it has site, service, member"),
    "an unknown field on probe_result": badRow({ type: "probe_result", site: "SiteA", ok: true, member: "primary" }, "invalid-input", "unknown field `member` in probe_result"),
    "a field set to undefined that the type does not have": badRow({ type: "stop", reason: undefined }, "invalid-input", "unknown field `reason` in stop"),
  };
  for (const [name, { input, code, fragments }] of Object.entries(cases)) {
    test(`${name}: refused, the engine unchanged`, () => assertRefused((engine) => engine.handle(input, LATER), code, ...fragments));
  }
});

describe("handle() names the missing field", () => {
  const full = {
    config_loaded: { bundle: bundle("two-site") },
    link_up: { site: "SiteA", service: "sip-server", member: "primary" },
    link_down: { site: "SiteA", service: "sip-server", member: "primary" },
    endpoint_registered: { site: "SiteA" },
    endpoint_unregistered: { site: "SiteA" },
    probe_result: { site: "SiteA", ok: true },
    interaction_started: { id: "call-1" },
    interaction_ended: { id: "call-1" },
    switch_requested: { site: "SiteB" },
  };
  for (const [type, fields] of Object.entries(full)) {
    for (const field of Object.keys(fields)) {
      test(`${type} without ${field}: refused, the engine unchanged`, () => {
        const input = { type, ...fields };
        delete input[field];
        assertRefused((engine) => engine.handle(input, LATER), "invalid-input", `${type} needs \`${field}\``);
      });
    }
  }
});

describe("handle() names the field of the wrong type", () => {
  const link = { site: "SiteA", service: "sip-server", member: "primary" };
  const cases = [
    ["bundle", { type: "config_loaded", bundle: "{}" }, "`bundle` of config_loaded must be an object", 'got the string "{}"'],
    ["bundle", { type: "config_loaded", bundle: [] }, "`bundle` of config_loaded must be an object", "got an array"],
    ["bundle", { type: "config_loaded", bundle: null }, "`bundle` of config_loaded must be an object", "got null"],
    ["site", { type: "link_up", ...link, site: 1 }, "`site` of link_up must be a string", "got the number 1"],
    ["service", { type: "link_up", ...link, service: 0 }, "unknown service the number 0 in link_up", '"sip-server", "stat-server", "config-server"'],
    ["member", { type: "link_up", ...link, member: null }, "unknown member null in link_up", 'expected "primary" or "backup"'],
    ["site", { type: "link_down", ...link, site: { name: "SiteA" } }, "`site` of link_down must be a string", "got an object"],
    ["service", { type: "link_down", ...link, service: "SIP Server" }, 'unknown service the string "SIP Server" in link_down'],
    ["member", { type: "link_down", ...link, member: "Primary" }, 'unknown member the string "Primary" in link_down'],
    ["site", { type: "endpoint_registered", site: true }, "`site` of endpoint_registered must be a string", "got a boolean"],
    ["site", { type: "endpoint_unregistered", site: 1n }, "`site` of endpoint_unregistered must be a string", "got the bigint 1n"],
    ["site", { type: "probe_result", site: ["SiteA"], ok: true }, "`site` of probe_result must be a string", "got an array"],
    ["ok", { type: "probe_result", site: "SiteA", ok: "true" }, "`ok` of probe_result must be a boolean", 'got the string "true"'],
    ["ok", { type: "probe_result", site: "SiteA", ok: 1 }, "`ok` of probe_result must be a boolean", "got the number 1"],
    ["id", { type: "interaction_started", id: 5 }, "`id` of interaction_started must be a string", "got the number 5"],
    ["id", { type: "interaction_ended", id: null }, "`id` of interaction_ended must be a string", "got null"],
    ["site", { type: "switch_requested", site: {} }, "`site` of switch_requested must be a string", "got an object"],
  ];
  for (const [field, input, ...fragments] of cases) {
    test(`${input.type} with ${field} of the wrong type (${typeof input[field]}): refused, the engine unchanged`, () => {
      assertRefused((engine) => engine.handle(input, LATER), "invalid-input", "invalid input: ", ...fragments);
    });
  }
});

describe("handle() refuses values JSON cannot carry and objects that fight back", () => {
  test("a cyclic object at the top: refused as an unknown field", () => {
    const input = { type: "start" };
    input.self = input;
    assertRefused((engine) => engine.handle(input, LATER), "invalid-input", "unknown field `self` in start");
  });

  test("a cyclic bundle in config_loaded: refused, it cannot be written as JSON", () => {
    const cyclic = bundle("two-site");
    cyclic.person.self = cyclic.person;
    assertRefused((engine) => engine.handle({ type: "config_loaded", bundle: cyclic }, LATER), "invalid-input", "cannot be written as JSON", "circular");
  });

  test("a BigInt inside the bundle of config_loaded: refused, it cannot be written as JSON", () => {
    const withBigInt = { ...bundle("two-site"), version: 1n };
    assertRefused((engine) => engine.handle({ type: "config_loaded", bundle: withBigInt }, LATER), "invalid-input", "cannot be written as JSON", "BigInt");
  });

  test("a getter that throws: refused as invalid input, naming what it threw", () => {
    const input = { type: "link_down", site: "SiteA", service: "stat-server", get member() { throw new TypeError("no member today"); } };
    assertRefused((engine) => engine.handle(input, LATER), "invalid-input", "reading the input threw TypeError: no member today");
  });

  test("a getter inside the bundle that throws: refused, it cannot be written as JSON", () => {
    const tricky = { ...bundle("two-site"), get places() { throw new Error("boom"); } };
    assertRefused((engine) => engine.handle({ type: "config_loaded", bundle: tricky }, LATER), "invalid-input", "cannot be written as JSON: boom");
  });

  test("a proxy whose keys cannot be listed: refused as invalid input", () => {
    const input = new Proxy({ type: "start" }, { ownKeys() { throw new RangeError("no keys"); } });
    assertRefused((engine) => engine.handle(input, LATER), "invalid-input", "reading the input threw RangeError: no keys");
  });

  test("a config_loaded bundle of an unsupported version: refused, naming the version", () => {
    assertRefused((engine) => engine.handle({ type: "config_loaded", bundle: { version: 2 } }, LATER), "invalid-input", "unsupported bundle version 2");
  });

  test("a config_loaded bundle of the wrong shape: refused, saying what was expected", () => {
    const input = { type: "config_loaded", bundle: { ...bundle("two-site"), servers: "SIPS_A" } };
    assertRefused((engine) => engine.handle(input, LATER), "invalid-input", 'invalid type: string "SIPS_A", expected a sequence');
  });
});

describe("every method refuses a time that is not a count of milliseconds", () => {
  const times = {
    "NaN": [NaN, "got NaN"],
    "Infinity": [Infinity, "got the number Infinity"],
    "-Infinity": [-Infinity, "got the number -Infinity"],
    "-1": [-1, "got the number -1"],
    "2^53": [Number.MAX_SAFE_INTEGER + 1, "got the number 9007199254740992"],
    "a string": ["60000", 'got the string "60000"'],
    "a bigint": [60000n, "got the bigint 60000n"],
    "undefined": [undefined, "got undefined"],
    "null": [null, "got null"],
  };
  const methods = {
    "handle": (engine, t) => engine.handle({ type: "resumed" }, t),
    "handleTimeout": (engine, t) => engine.handleTimeout(t),
    "linkUp": (engine, t) => engine.linkUp("SiteA", "sip-server", "primary", t),
    "linkDown": (engine, t) => engine.linkDown("SiteA", "stat-server", "backup", t),
    "endpointRegistered": (engine, t) => engine.endpointRegistered("SiteB", t),
    "endpointUnregistered": (engine, t) => engine.endpointUnregistered("SiteA", t),
    "probeResult": (engine, t) => engine.probeResult("SiteA", true, t),
    "interactionStarted": (engine, t) => engine.interactionStarted("call-9", t),
    "interactionEnded": (engine, t) => engine.interactionEnded("call-9", t),
    "switchRequested": (engine, t) => engine.switchRequested("SiteB", t),
  };
  for (const [method, call] of Object.entries(methods)) {
    for (const [label, [time, fragment]] of Object.entries(times)) {
      test(`${method} at ${label}: refused, the engine unchanged`, () => {
        assertRefused((engine) => call(engine, time), "invalid-time", "nowMs must be a finite, non-negative number of milliseconds", fragment);
      });
    }
  }

  test("the refusal holds for a site the fast path has not seen yet", () => {
    assertRefused((engine) => engine.endpointRegistered("SiteZ", NaN), "invalid-time", "got NaN");
  });
});

describe("the fast path names the bad argument", () => {
  const cases = {
    "linkUp with an unknown service": [(e) => e.linkUp("SiteA", "sip", "primary", LATER), 'unknown service the string "sip" in link_up'],
    "linkUp with an unknown member": [(e) => e.linkUp("SiteA", "sip-server", "tertiary", LATER), 'unknown member the string "tertiary" in link_up'],
    "linkDown with an unknown service": [(e) => e.linkDown("SiteA", undefined, "primary", LATER), "unknown service undefined in link_down"],
    "linkDown with an unknown member": [(e) => e.linkDown("SiteA", "stat-server", 0, LATER), "unknown member the number 0 in link_down"],
    "linkDown with an unknown service on an unseen site": [(e) => e.linkDown("SiteZ", "sip-server ", "primary", LATER), 'unknown service the string "sip-server "'],
    "linkUp with a numeric site": [(e) => e.linkUp(0, "sip-server", "primary", LATER), "`site` of link_up must be a string", "got the number 0"],
    "endpointRegistered with a null site": [(e) => e.endpointRegistered(null, LATER), "`site` of endpoint_registered must be a string", "got null"],
    "endpointUnregistered with a String object": [(e) => e.endpointUnregistered(new String("SiteA"), LATER), "`site` of endpoint_unregistered must be a string", "got an object"],
    "probeResult with an object site": [(e) => e.probeResult({}, true, LATER), "`site` of probe_result must be a string"],
    "probeResult with ok as a string": [(e) => e.probeResult("SiteA", "true", LATER), "`ok` of probe_result must be a boolean", 'got the string "true"'],
    "probeResult with ok as a number": [(e) => e.probeResult("SiteA", 1, LATER), "`ok` of probe_result must be a boolean", "got the number 1"],
    "probeResult with ok missing": [(e) => e.probeResult("SiteA", undefined, LATER), "`ok` of probe_result must be a boolean", "got undefined"],
    "interactionStarted with a numeric id": [(e) => e.interactionStarted(7, LATER), "`id` of interaction_started must be a string", "got the number 7"],
    "interactionEnded with no id": [(e) => e.interactionEnded(undefined, LATER), "`id` of interaction_ended must be a string", "got undefined"],
    "switchRequested with a numeric site": [(e) => e.switchRequested(2, LATER), "`site` of switch_requested must be a string", "got the number 2"],
  };
  for (const [name, [call, ...fragments]] of Object.entries(cases)) {
    test(`${name}: refused, the engine unchanged`, () => assertRefused(call, "invalid-input", "invalid input: ", ...fragments));
  }

  test("an unknown site on the fast path is not an error: it is ignored and counted", () => {
    const host = prepared();
    assert.equal(host.engine.linkDown("SiteZ", "sip-server", "primary", 13000), "unknown");
    assert.equal(host.engine.probeResult("SiteZ", false, 13000), "unknown");
    assert.equal(host.engine.status().ignored.unknown, 2);
  });
});

describe("after stop", () => {
  const stopped = () => {
    const host = prepared();
    host.at(30000, { type: "stop" });
    return host;
  };
  const link = { site: "SiteA", service: "sip-server", member: "primary" };
  const inputs = [
    { type: "start" },
    { type: "config_loaded", bundle: bundle("two-site") },
    { type: "link_up", ...link },
    { type: "link_down", ...link },
    { type: "endpoint_registered", site: "SiteA" },
    { type: "endpoint_unregistered", site: "SiteA" },
    { type: "probe_result", site: "SiteA", ok: true },
    { type: "interaction_started", id: "call-1" },
    { type: "interaction_ended", id: "call-1" },
    { type: "switch_requested", site: "SiteB" },
    { type: "resumed" },
    { type: "stop" },
  ];
  const fastPath = {
    linkUp: (e) => e.linkUp("SiteB", "sip-server", "primary", LATER),
    linkDown: (e) => e.linkDown("SiteA", "sip-server", "backup", LATER),
    "linkUp on an unknown site": (e) => e.linkUp("SiteZ", "sip-server", "primary", LATER),
    endpointRegistered: (e) => e.endpointRegistered("SiteA", LATER),
    endpointUnregistered: (e) => e.endpointUnregistered("SiteB", LATER),
    probeResult: (e) => e.probeResult("SiteA", false, LATER),
    interactionStarted: (e) => e.interactionStarted("call-2", LATER),
    interactionEnded: (e) => e.interactionEnded("call-2", LATER),
    switchRequested: (e) => e.switchRequested("SiteB", LATER),
  };
  const calls = [
    ...inputs.map((input) => [`handle ${input.type}`, (e) => e.handle(input, LATER), input.type]),
    ...Object.entries(fastPath).map(([name, call]) => [name, call, "was refused"]),
  ];
  for (const [name, call, fragment] of calls) {
    test(`${name} is refused with "stopped", and the stopped engine still answers`, () => {
      const host = stopped();
      const status = host.engine.status();
      assertThrowsContinuity(() => call(host.engine), "stopped", "the engine is stopped", fragment, "create a new Engine");
      // The engine counts a refused input as out of phase (rule 13); nothing else changes.
      status.ignored.out_of_phase += 1;
      assert.deepEqual(host.engine.status(), status);
      assert.deepEqual(host.engine.drainOutputs(), [], "a refused input emits nothing");
      assert.equal(host.engine.stopped, true);
      assert.equal(host.engine.pollTimeout(), null);
      assert.equal(host.engine.handleTimeout(LATER), 0, "handleTimeout still works and does nothing");
      assert.deepEqual(host.engine.drainOutputs(), []);
      assert.equal(host.engine.now, LATER);
    });
  }

  test("a malformed input after stop is still named as malformed", () => {
    const host = stopped();
    assertThrowsContinuity(() => host.engine.handle({ type: "reboot" }, LATER), "invalid-input", 'unknown input type "reboot"');
  });
});

describe("after dispose()", () => {
  const calls = {
    handle: (e) => e.handle({ type: "resumed" }, LATER),
    linkUp: (e) => e.linkUp("SiteA", "sip-server", "primary", LATER),
    linkDown: (e) => e.linkDown("SiteA", "sip-server", "primary", LATER),
    endpointRegistered: (e) => e.endpointRegistered("SiteA", LATER),
    endpointUnregistered: (e) => e.endpointUnregistered("SiteA", LATER),
    probeResult: (e) => e.probeResult("SiteA", true, LATER),
    interactionStarted: (e) => e.interactionStarted("call-1", LATER),
    interactionEnded: (e) => e.interactionEnded("call-1", LATER),
    handleTimeout: (e) => e.handleTimeout(LATER),
    pollOutput: (e) => e.pollOutput(),
    drainOutputs: (e) => e.drainOutputs(),
    pollTimeout: (e) => e.pollTimeout(),
    status: (e) => e.status(),
    warnings: (e) => e.warnings(),
    now: (e) => e.now,
    stopped: (e) => e.stopped,
    seed: (e) => e.seed,
    switchRequested: (e) => e.switchRequested("SiteB", LATER),
    pollEmitted: (e) => e.pollEmitted(),
    drainEmitted: (e) => e.drainEmitted(),
    policy: (e) => e.policy(),
  };
  for (const [name, call] of Object.entries(calls)) {
    test(`${name} throws "disposed", and other engines are unaffected`, () => {
      const disposed = prepared().engine;
      const other = prepared();
      disposed.dispose();
      assertThrowsContinuity(() => call(disposed), "disposed", "the engine was disposed", "create a new Engine");
      assert.deepEqual(continueValid(other), continueValid(prepared()));
    });
  }
});

/** Asserts a refused construction or call, and that engines stay usable around it. */
function assertRefusedCall(call, code, ...fragments) {
  const other = prepared();
  const status = other.engine.status();
  const error = assertThrowsContinuity(call, code, ...fragments);
  assert.deepEqual(other.engine.status(), status, "an existing engine is unaffected");
  assert.deepEqual(continueValid(other), continueValid(prepared()), "and behaves as before");
  assert.equal(new Engine(bundle("two-site")).handle({ type: "start" }, 0), "applied", "a new engine still works");
  return error;
}

describe("the seed", () => {
  test("left out, it is drawn with crypto: two engines get different seeds, each a bigint below 2^64", () => {
    const seeds = [new Engine(bundle("two-site")).seed, new Engine(bundle("two-site"), undefined).seed];
    for (const seed of seeds) assert.ok(typeof seed === "bigint" && seed >= 0n && seed < 1n << 64n, `${seed}`);
    assert.notEqual(seeds[0], seeds[1]);
  });

  test("given, it is kept: as a number it reads back as a bigint", () => {
    assert.equal(new Engine(bundle("two-site"), 7).seed, 7n);
    assert.equal(new Engine(bundle("two-site"), (1n << 64n) - 1n).seed, (1n << 64n) - 1n);
    assert.equal(new Engine(bundle("two-site"), 0).seed, 0n);
  });

  test("a drawn seed replays the session: an engine given it decides the same", () => {
    const run = (engine) => {
      const host = new Host(engine);
      host.run(scenario("auto-restore-deferred-by-active-call"));
      return host.trace;
    };
    const s = scenario("auto-restore-deferred-by-active-call");
    const drawn = new Engine(scenarioBundle(s));
    assert.deepEqual(run(new Engine(scenarioBundle(s), drawn.seed)), run(drawn));
  });
});

describe("new Engine() refuses a bad seed", () => {
  const seeds = {
    "a negative number": [-1, "got the number -1"],
    "a fraction": [1.5, "got the number 1.5"],
    "NaN": [NaN, "got NaN"],
    "an unsafe integer": [2 ** 60, "got the number"],
    "a negative bigint": [-1n, "got the bigint -1n"],
    "a bigint of 2^64": [1n << 64n, "got the bigint 18446744073709551616n"],
    "a string": ["7", 'got the string "7"'],
    "null": [null, "got null"],
  };
  for (const [name, [seed, fragment]] of Object.entries(seeds)) {
    test(`${name}: refused with invalid-seed`, () => {
      assertRefusedCall(() => new Engine(bundle("two-site"), seed), "invalid-seed", "seed must be a non-negative integer", fragment);
    });
  }
});

describe("new Engine() refuses a bad bundle", () => {
  // A value that is no bundle at all cannot be read, like text that is not JSON.
  for (const [name, value, fragment] of [["null", null, "got null"], ["a number", 5, "got the number 5"], ["an array", [], "got an array"], ["undefined", undefined, "got undefined"]]) {
    test(`${name}: refused with parse`, () => {
      assertRefusedCall(() => new Engine(value), "parse", "cannot read the bundle: a bundle must be an object (or its JSON text)", fragment);
    });
  }

  test("JSON text with a syntax error: refused with parse, naming the line and column", () => {
    assertRefusedCall(() => new Engine('{"version": 1,\n  "local": }'), "parse", "cannot read the bundle", "line 2, column 12");
  });

  test("an unsupported version: refused with parse, naming the version", () => {
    assertRefusedCall(() => new Engine({ ...bundle("two-site"), version: 2 }), "parse", "unsupported bundle version 2");
  });

  test("a bundle that does not validate: refused with invalid-bundle and its diagnostics", () => {
    const error = assertRefusedCall(() => new Engine(readJson("examples/bundles/broken-workspace.json")), "invalid-bundle",
      "the configuration has 2 error(s)", "error[peer-site-missing]");
    assert.ok(Array.isArray(error.diagnostics));
    assert.deepEqual(error.diagnostics.map((d) => d.code), ["peer-site-missing", "places-differ", "agent-group-conflict", "unknown-option"]);
    assert.deepEqual(Object.keys(error.diagnostics[0]).sort(), ["code", "message", "object", "option", "section", "severity"]);
  });

  test("a cyclic bundle: refused with parse", () => {
    const cyclic = bundle("two-site");
    cyclic.tenant.self = cyclic;
    assertRefusedCall(() => new Engine(cyclic), "parse", "cannot read the bundle: a bundle cannot be written as JSON");
  });

  test("every invalid-bundle error carries its diagnostics, errors first", () => {
    const broken = readJson("examples/bundles/broken-agent-desktop.json");
    const error = assertRefusedCall(() => new Engine(broken), "invalid-bundle");
    assert.ok(error.diagnostics.length > 0);
    assert.equal(error.diagnostics[0].severity, "error");
    assert.deepEqual(error.diagnostics, validate(broken).diagnostics, "the findings validate() reports");
  });
});

describe("the runtime refuses option files; resolveOptionFiles refuses bad files", () => {
  const cfgBundle = () => bundle("two-site-cfg-export");
  const cfg = "[interaction-workspace]\ndisaster-recovery.timeout=20\n";
  const cases = {
    "new Engine() with options": [() => new Engine(bundle("two-site"), 0, { files: {} }), "invalid-options", "new Engine(bundle, seed) takes no options", "resolveOptionFiles from continuity-engine/tools"],
    "validate() with options": [() => validate(bundle("two-site"), { files: {} }), "invalid-options", "validate(bundle) takes no options"],
    "new Engine() with a bundle naming an export": [() => new Engine(cfgBundle()), "options-file", "person agent1: options_file `exports/agent1.cfg`", "resolveOptionFiles from continuity-engine/tools"],
    "files as an array": [() => resolveOptionFiles(cfgBundle(), []), "invalid-files", "files must map each file's path to its text", "got an array"],
    "files as a string": [() => resolveOptionFiles(cfgBundle(), "agent1.cfg"), "invalid-files", "files must map each file's path to its text"],
    "a file whose text is not a string": [() => resolveOptionFiles(cfgBundle(), { "exports/agent1.cfg": 20 }), "invalid-files", 'the entry the string "exports/agent1.cfg" has the number 20'],
    "a Map with a non-string path": [() => resolveOptionFiles(cfgBundle(), new Map([[1, cfg]])), "invalid-files", "the entry the number 1"],
    "a file missing from files": [() => resolveOptionFiles(cfgBundle(), {}), "options-file", "person agent1: options_file `exports/agent1.cfg`", 'pass its text as files["exports/agent1.cfg"]'],
    "no files at all": [() => resolveOptionFiles(cfgBundle()), "options-file", "options_file `exports/agent1.cfg`"],
    "a file that does not parse": [() => resolveOptionFiles(cfgBundle(), { "exports/agent1.cfg": "[interaction-workspace]\nnot an option\n" }), "options-file", "line 2"],
  };
  for (const [name, [call, code, ...fragments]] of Object.entries(cases)) {
    test(`${name}: refused with ${code}`, () => assertRefusedCall(call, code, ...fragments));
  }
});

describe("the functions refuse bad arguments", () => {
  const cases = {
    "validate(null)": [() => validate(null), "parse", "a bundle must be an object", "got null"],
    "resolveOptionFiles(5)": [() => resolveOptionFiles(5, {}), "parse", "a bundle must be an object", "got the number 5"],
    "validate with a syntax error": [() => validate("{\n\n  \"version\" 1}"), "parse", "line 3, column 13"],
    "parseCfg of a number": [() => parseCfg(5), "invalid-cfg", "parseCfg takes the text of an option export (a string)", "got the number 5"],
    "parseCfg of undefined": [() => parseCfg(), "invalid-cfg", "got undefined"],
    "parseCfg of a line that is not an option": [() => parseCfg("[interaction-workspace]\r\nok=1\r\nthis line is garbage\r\n"), "parse", "line 3", "`this line is garbage` is not an option line"],
    "parseCfg of an option before any section": [() => parseCfg("\uFEFFdisaster-recovery.timeout=20\n"), "parse", "line 1", "comes before any section header"],
    "resolveOptionFiles with a missing file": [() => resolveOptionFiles(bundle("two-site-cfg-export"), {}), "options-file", 'files["exports/agent1.cfg"]'],
    "simulate(null)": [() => simulate(null), "invalid-scenario", "scenario must be an object", "got null"],
    "simulate with steps that are not a list": [() => simulate({ bundle: bundle("two-site"), steps: 5 }), "parse", "cannot read the scenario", "expected a sequence"],
    "simulate with an unknown input type": [() => simulate({ bundle: bundle("two-site"), steps: [{ at: 0, input: { type: "reboot" } }] }), "parse", "unknown variant `reboot`"],
    "simulate with no bundle": [() => simulate({ steps: [] }), "invalid-scenario", "it has no bundle"],
    "simulate with a step that has no action": [() => simulate({ bundle: bundle("two-site"), steps: [{ at: 5 }] }), "invalid-scenario", "steps[0]", "exactly one of `input` or `freeze_until`"],
    "simulate with a bundle_file missing from files": [() => simulate(scenario("site-a-outage-past-timeout")), "missing-file", "bundle_file `bundles/two-site.json`", 'files["bundles/two-site.json"]'],
    "simulate with a BigInt seed": [() => simulate({ ...scenario("site-a-outage-past-timeout"), seed: 7n }, { files: scenarioFiles() }), "invalid-scenario", "scenario cannot be written as JSON"],
  };
  for (const [name, [call, code, ...fragments]] of Object.entries(cases)) {
    test(`${name}: refused with ${code}`, () => assertRefusedCall(call, code, ...fragments));
  }
});

describe("bad configuration arriving as an input is an event, not an error", () => {
  test("config_loaded with a bundle that does not validate gives config_error and keeps the policy in force", () => {
    const host = prepared();
    const broken = bundle("two-site");
    broken.person.options["interaction-workspace"]["disaster-recovery.timeout"] = "soon";
    const [output, ...rest] = host.at(20000, { type: "config_loaded", bundle: broken });
    assert.deepEqual(rest, []);
    assert.equal(output.type, "config_error");
    assert.deepEqual(output.diagnostics.map((d) => [d.code, d.option]).slice(0, 1), [["invalid-integer", "disaster-recovery.timeout"]]);
    assert.equal(host.engine.pollTimeout(), 72000, "the pending switch keeps its time");
    host.until(72000);
    assert.equal(host.trace.at(-2).output.type, "switched");
    assert.equal(host.trace.at(-2).at, 72000);
  });
});

describe("no bad input reaches a panic", () => {
  test("hundreds of bad inputs interleaved with good ones: every one refused cleanly, the good ones as on a clean engine", () => {
    const bads = [
      (e, t) => e.handle(null, t),
      (e, t) => e.handle({ type: "link_up", site: "SiteA", service: "sip-server", member: "tertiary" }, t),
      (e, t) => e.handle({ type: "config_loaded", bundle: { version: 1, local: { sites: 7 } } }, t),
      (e, t) => e.handle({ type: "config_loaded", bundle: { version: 99 } }, t),
      (e) => e.handleTimeout(-5),
      (e) => e.linkDown("SiteA", "sip-server", "primary", Number.MAX_SAFE_INTEGER * 2),
      (e, t) => e.linkUp("SiteB", "config", "backup", t),
      (e, t) => e.probeResult("SiteA", "yes", t),
      (e, t) => e.interactionStarted(Symbol("call"), t),
      (e, t) => e.handle({ type: "switch_requested", site: "SiteB", extra: 1 }, t),
      (e, t) => e.handle({ type: "config_loaded", bundle: { version: 1, get local() { throw new Error("x"); } } }, t),
      (e, t) => e.handle({ type: "endpoint_registered", site: "\u0000".repeat(10000), bogus: 1 }, t),
    ];
    const goods = [
      (t) => ({ type: "link_down", site: "SiteA", service: ["sip-server", "stat-server", "config-server"][t % 3], member: t % 2 ? "primary" : "backup" }),
      (t) => ({ type: "link_up", site: "SiteA", service: ["sip-server", "stat-server", "config-server"][t % 3], member: t % 2 ? "backup" : "primary" }),
      () => ({ type: "probe_result", site: "SiteA", ok: true }),
      (t) => ({ type: "interaction_started", id: `call-${t % 4}` }),
      (t) => ({ type: "interaction_ended", id: `call-${t % 4}` }),
      () => ({ type: "endpoint_registered", site: "SiteB" }),
      () => ({ type: "resumed" }),
      (t) => ({ type: "link_up", site: t % 2 ? "SiteB" : "SiteA", service: "sip-server", member: "primary" }),
    ];
    const tried = new Host(new Engine(bundle("two-site"), 3));
    const clean = new Host(new Engine(bundle("two-site"), 3));
    for (const host of [tried, clean]) host.at(0, { type: "start" });
    for (let i = 0; i < 600; i += 1) {
      const t = 1000 + i * 997;
      const bad = bads[i % bads.length];
      let thrown;
      try {
        bad(tried.engine, t);
      } catch (error) {
        thrown = error;
      }
      assert.ok(thrown instanceof Error && thrown.name === "ContinuityError", `bad input ${i % bads.length} at ${t}: ${thrown?.stack ?? "did not throw"}`);
      assert.ok(!/unreachable|internal error|RuntimeError/.test(thrown.message), thrown.message);
      const input = goods[(i * 7) % goods.length](i);
      tried.at(t, input);
      clean.at(t, input);
    }
    tried.until(1000 + 600 * 997 + 300000);
    clean.until(1000 + 600 * 997 + 300000);
    assert.ok(clean.trace.length > 50);
    assert.deepEqual(tried.trace, clean.trace);
    assert.deepEqual(tried.engine.status(), clean.engine.status());
    assert.deepEqual(logged, []);
  });
});
