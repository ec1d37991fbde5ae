// The package's API on the happy path, against the built package: the rules
// at their exact milliseconds in virtual time, the fast path, outputs and
// timeouts, status, validation, option exports, scenarios and determinism.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { ContinuityError, Engine, isContinuityError, validate } from "../../pkg/node/index.js";
import { parseCfg, resolveOptionFiles, simulate, validate as validateWithFiles } from "../../pkg/node/tools.js";
import {
  Host, activeOnSiteA, assertThrowsContinuity, bundle, feedFast, feedHandle, linksUp, readJson, readText,
  scenario, scenarioBundle, scenarioFiles, scenarioNames, trace, traceText,
} from "./helpers.js";

const switchAtoB = (reason) => [
  { type: "unregister_endpoint", site: "SiteA" },
  { type: "disconnect", site: "SiteA" },
  { type: "connect", site: "SiteB" },
  { type: "register_endpoint", site: "SiteB" },
  { type: "switched", from: "SiteA", to: "SiteB", reason },
  { type: "phase_changed", phase: "connecting", site: "SiteB", role: "peer" },
];

describe("a site outage, driven by hand in virtual time", () => {
  test("start connects to the preferred site and arms the endpoint deadline (W = 30 s)", () => {
    const host = new Host(new Engine(bundle("two-site")));
    assert.equal(host.engine.pollTimeout(), null, "nothing is due before start");

    assert.deepEqual(host.at(0, { type: "start" }), [
      { type: "connect", site: "SiteA" },
      { type: "register_endpoint", site: "SiteA" },
      { type: "phase_changed", phase: "connecting", site: "SiteA", role: "preferred" },
    ]);
    assert.equal(host.engine.pollTimeout(), 30000);
    const status = host.engine.status();
    assert.equal(status.phase, "connecting");
    assert.equal(status.connected_since, 0);
    assert.deepEqual(status.pending, { to: "SiteB", at: 30000, reason: "endpoint-timeout" });
    assert.deepEqual(status.next_timer, { at: 30000, timer: "endpoint-timeout" });
  });

  test("the site is active once every trigger service is up, and nothing is due once the endpoint registers", () => {
    const host = new Host(new Engine(bundle("two-site")));
    host.at(0, { type: "start" });
    const before = host.trace.length;
    linksUp(host, "SiteA", 100);
    // The endpoint deadline of the connect, still running, is announced as the site becomes active.
    assert.deepEqual(host.trace.slice(before), [
      { at: 500, output: { type: "switchover_pending", from: "SiteA", to: "SiteB", reason: "endpoint-timeout", at: 30000 } },
      { at: 500, output: { type: "phase_changed", phase: "active", site: "SiteA", role: "preferred" } },
    ]);
    assert.deepEqual(host.at(900, { type: "endpoint_registered", site: "SiteA" }), [
      { type: "switchover_cancelled", to: "SiteB", reason: "endpoint-timeout" },
    ]);

    assert.equal(host.engine.pollTimeout(), null);
    const status = host.engine.status();
    assert.equal(status.endpoint_registered, true);
    assert.equal(status.pending, null);
    assert.ok(status.services.every((service) => service.up && service.primary === "up" && service.backup === "up"));
  });

  test("a SIP Server pair lost at 12 s is pending until 72 s, and switches at exactly 72 000 ms", () => {
    const host = activeOnSiteA();
    const { engine } = host;
    assert.deepEqual(host.at(12000, { type: "link_down", site: "SiteA", service: "sip-server", member: "primary" }), [],
      "the backup member still serves");
    assert.deepEqual(host.at(12000, { type: "link_down", site: "SiteA", service: "sip-server", member: "backup" }), [
      { type: "switchover_pending", from: "SiteA", to: "SiteB", reason: "site-timeout", at: 72000 },
    ]);
    host.at(30000, { type: "link_down", site: "SiteA", service: "stat-server", member: "primary" });
    assert.deepEqual(host.at(30000, { type: "link_down", site: "SiteA", service: "stat-server", member: "backup" }), [],
      "a further loss does not restart the timer");
    assert.equal(engine.pollTimeout(), 72000);
    assert.equal(engine.status().phase, "active");
    assert.deepEqual(engine.status().pending, { to: "SiteB", at: 72000, reason: "site-timeout" });

    assert.equal(engine.handleTimeout(71999), 0, "one millisecond early changes nothing");
    assert.deepEqual(engine.drainOutputs(), []);
    assert.equal(engine.pollTimeout(), 72000);

    assert.equal(engine.handleTimeout(72000), 6);
    assert.deepEqual(engine.drainOutputs(), switchAtoB("site-timeout"));
    const status = engine.status();
    assert.deepEqual([status.site, status.role, status.connected_since], ["SiteB", "peer", 72000]);
    assert.equal(engine.pollTimeout(), 72000 + 30000, "the peer gets fresh deadlines");
  });

  test("links back before the deadline cancel the pending switch", () => {
    const host = activeOnSiteA();
    host.at(12000, { type: "link_down", site: "SiteA", service: "sip-server", member: "primary" });
    host.at(12000, { type: "link_down", site: "SiteA", service: "sip-server", member: "backup" });
    assert.deepEqual(host.at(30000, { type: "link_up", site: "SiteA", service: "sip-server", member: "backup" }), [
      { type: "switchover_cancelled", to: "SiteB", reason: "site-timeout" },
    ]);
    assert.equal(host.engine.pollTimeout(), null);
    assert.equal(host.engine.status().pending, null);
  });

  test("a lost endpoint registration is pending for W and cancelled by registering again", () => {
    const host = activeOnSiteA();
    assert.deepEqual(host.at(20000, { type: "endpoint_unregistered", site: "SiteA" }), [
      { type: "switchover_pending", from: "SiteA", to: "SiteB", reason: "endpoint-timeout", at: 50000 },
    ]);
    assert.equal(host.engine.status().endpoint_registered, false);
    assert.deepEqual(host.at(25000, { type: "endpoint_registered", site: "SiteA" }), [
      { type: "switchover_cancelled", to: "SiteB", reason: "endpoint-timeout" },
    ]);
  });

  test("on the peer, the preferred site is probed and a healthy one is switched back to after the hold-down", () => {
    const host = activeOnSiteA(7);
    host.at(10000, { type: "link_down", site: "SiteA", service: "sip-server", member: "primary" });
    host.at(10000, { type: "link_down", site: "SiteA", service: "sip-server", member: "backup" });
    linksUp(host, "SiteB", 70100);
    host.at(70900, { type: "endpoint_registered", site: "SiteB" });

    // Answer every probe 50 ms after it, healthy, until the switchback is scheduled.
    const scheduled = () => host.trace.find(({ output }) => output.type === "switchover_pending" && output.reason === "auto-restore");
    const probedAt = [];
    while (scheduled() === undefined) {
      const due = host.engine.pollTimeout();
      const mark = host.trace.length;
      host.until(due);
      if (host.since(mark).some((output) => output.type === "probe" && output.site === "SiteA")) {
        probedAt.push(due);
        host.at(due + 50, { type: "probe_result", site: "SiteA", ok: true });
      }
    }
    // Probes every 10 s from one interval after B became active (70.5 s); the
    // streak starts with the answer at 80.55 s and lasts the 60 s hold-down.
    assert.deepEqual(probedAt, [80500, 90500, 100500, 110500, 120500, 130500, 140500]);
    const { at, output: pending } = scheduled();
    assert.equal(at, 80550 + 60000);
    assert.deepEqual(pending, { type: "switchover_pending", from: "SiteB", to: "SiteA", reason: "auto-restore", at: 152244 });
    assert.ok(pending.at >= at && pending.at < at + 30000, "inside the 30 s spread");
    host.at(150550, { type: "probe_result", site: "SiteA", ok: true });

    const mark = host.trace.length;
    host.until(pending.at);
    assert.deepEqual(host.trace.slice(mark).filter(({ output }) => output.type === "switched"), [
      { at: 152244, output: { type: "switched", from: "SiteB", to: "SiteA", reason: "auto-restore" } },
    ]);
  });

  test("an active call defers the switchback until the last call ends", () => {
    const s = scenario("auto-restore-deferred-by-active-call");
    const host = new Host(new Engine(scenarioBundle(s), s.seed));
    host.run({ ...s, steps: s.steps.filter((step) => step.at <= 160550), until: 160550 });

    const status = host.engine.status();
    assert.deepEqual([status.phase, status.site], ["active", "SiteB"], "still on the peer after 152 244 ms");
    assert.deepEqual(status.pending, { to: "SiteA", at: 152244, reason: "auto-restore" });
    assert.deepEqual(status.interactions, ["call-1", "call-2"]);

    assert.deepEqual(host.at(165000, { type: "interaction_ended", id: "call-1" }), []);
    host.at(170550, { type: "probe_result", site: "SiteA", ok: true });
    assert.deepEqual(host.at(171000, { type: "interaction_ended", id: "call-2" }), [
      { type: "unregister_endpoint", site: "SiteB" },
      { type: "disconnect", site: "SiteB" },
      { type: "connect", site: "SiteA" },
      { type: "register_endpoint", site: "SiteA" },
      { type: "switched", from: "SiteB", to: "SiteA", reason: "auto-restore" },
      { type: "phase_changed", phase: "connecting", site: "SiteA", role: "preferred" },
    ]);
  });

  test("switch_requested switches at once and pins the desktop: the preferred site is never probed", () => {
    const host = activeOnSiteA();
    assert.deepEqual(host.at(20000, { type: "switch_requested", site: "SiteB" }), switchAtoB("manual"));
    assert.equal(host.engine.status().pinned, true);
    linksUp(host, "SiteB", 20100);
    host.at(20900, { type: "endpoint_registered", site: "SiteB" });
    const mark = host.trace.length;
    host.until(200000);
    assert.deepEqual(host.since(mark), []);
    assert.equal(host.engine.pollTimeout(), null);
  });

  test("resumed asks for a recheck and holds a due switch for the recheck grace", () => {
    const host = activeOnSiteA();
    host.at(12000, { type: "link_down", site: "SiteA", service: "sip-server", member: "primary" });
    host.at(12000, { type: "link_down", site: "SiteA", service: "sip-server", member: "backup" });
    // The announced switch keeps its notice true: its new time, after the recheck.
    assert.deepEqual(host.at(68000, { type: "resumed" }), [
      { type: "recheck", site: "SiteA" },
      { type: "switchover_pending", from: "SiteA", to: "SiteB", reason: "site-timeout", at: 78000 },
    ]);
    assert.equal(host.engine.pollTimeout(), 78000);
    assert.deepEqual(host.engine.status().pending, { to: "SiteB", at: 78000, reason: "site-timeout" });
  });

  test("a handleTimeout long after the deadline (a frozen host) rechecks instead of switching", () => {
    const host = activeOnSiteA();
    host.at(12000, { type: "link_down", site: "SiteA", service: "sip-server", member: "primary" });
    host.at(12000, { type: "link_down", site: "SiteA", service: "sip-server", member: "backup" });
    assert.equal(host.engine.handleTimeout(95000), 2);
    assert.deepEqual(host.engine.drainOutputs(), [
      { type: "recheck", site: "SiteA" },
      { type: "switchover_pending", from: "SiteA", to: "SiteB", reason: "site-timeout", at: 105000 },
    ]);
    assert.equal(host.engine.pollTimeout(), 105000);
  });

  test("stop unregisters and disconnects, and the engine stays stopped", () => {
    const host = activeOnSiteA();
    assert.deepEqual(host.at(5000, { type: "stop" }), [
      { type: "unregister_endpoint", site: "SiteA" },
      { type: "disconnect", site: "SiteA" },
      { type: "phase_changed", phase: "stopped", site: null, role: null },
    ]);
    assert.equal(host.engine.stopped, true);
    assert.equal(host.engine.pollTimeout(), null);
    assert.equal(host.engine.status().phase, "stopped");
    assert.equal(host.engine.handleTimeout(10 ** 9), 0);
  });
});

describe("the scenario corpus, replayed through the engine API", () => {
  // After stop the binding refuses inputs (`stopped`) where the scenario runner ignores them.
  const refusingAfterStop = (feed) => (engine, input, now) => {
    if (!engine.stopped) return feed(engine, input, now);
    assertThrowsContinuity(() => feed(engine, input, now), "stopped", input.type);
    return undefined;
  };
  // One per rule the API takes part in (conformance.test.js runs the whole corpus).
  const names = [
    "site-a-outage-past-timeout", "endpoint-registration-loss-switches", "auto-restore-deferred-by-active-call",
    "manual-switch-pins", "resumed-input-defers-switch", "frozen-host-rechecks-then-switches",
    "all-sites-down-site-returns", "bootstrap-walks-config-server-proxies", "reconfig-invalid-bundle-keeps-old-policy",
    "duplicate-and-unknown-inputs-ignored", "time-goes-backwards", "stop-ignores-everything-after", "options-from-cfg-export",
  ];
  for (const name of names) {
    test(`${name}: handle() and the fast path both give the expected trace`, () => {
      const s = scenario(name);
      const expected = trace(name);
      for (const feed of [feedHandle, feedFast]) {
        const host = new Host(new Engine(scenarioBundle(s), s.seed ?? 0), refusingAfterStop(feed));
        assert.deepEqual(host.run(s), expected, feed.name);
      }
    });
  }
});

describe("outputs and timeouts", () => {
  test("pollOutput takes the outputs one by one in drain order; pollEmitted and drainEmitted give their times", () => {
    const a = new Engine(bundle("two-site"), 1);
    const b = new Engine(bundle("two-site"), 1);
    const c = new Engine(bundle("two-site"), 1);
    for (const engine of [a, b, c]) assert.equal(engine.handle({ type: "start" }, 250), "applied");
    const polled = [a.pollOutput(), a.pollOutput(), a.pollOutput()];
    assert.equal(a.pollOutput(), undefined);
    assert.deepEqual(polled, b.drainOutputs());
    assert.deepEqual(b.drainOutputs(), []);
    const emitted = [c.pollEmitted(), c.pollEmitted(), c.pollEmitted()];
    assert.equal(c.pollEmitted(), undefined);
    assert.deepEqual(emitted, polled.map((output) => ({ at: 250, output })));
    assert.deepEqual(c.drainEmitted(), []);
  });

  test("pollOutput, drainOutputs and drainEmitted can be mixed without losing or repeating an output", () => {
    const engine = new Engine(bundle("two-site"));
    engine.handle({ type: "start" }, 0);
    assert.equal(engine.pollOutput().type, "connect");
    assert.equal(engine.linkUp("SiteA", "sip-server", "primary", 10), "applied", "two still waiting, none new");
    assert.deepEqual(engine.pollEmitted(), { at: 0, output: { type: "register_endpoint", site: "SiteA" } });
    assert.deepEqual(engine.drainEmitted().map(({ at, output }) => [at, output.type]), [[0, "phase_changed"]]);
  });

  test("input methods answer what became of the input: applied, duplicate, unknown or out-of-phase", () => {
    const engine = new Engine(bundle("two-site"));
    assert.equal(engine.handle({ type: "start" }, 0), "applied");
    assert.equal(engine.handle({ type: "start" }, 1), "duplicate", "started already");
    assert.equal(engine.linkUp("SiteA", "sip-server", "primary", 2), "applied");
    assert.equal(engine.linkUp("SiteA", "sip-server", "primary", 3), "duplicate");
    assert.equal(engine.handle({ type: "link_up", site: "SiteA", service: "sip-server", member: "primary" }, 3), "duplicate", "handle() answers the same");
    assert.equal(engine.linkUp("SiteZ", "sip-server", "primary", 4), "unknown");
    assert.equal(engine.endpointRegistered("SiteZ", 4), "unknown");
    assert.equal(engine.probeResult("SiteA", true, 5), "out-of-phase", "nobody asked for a probe");
    assert.equal(engine.interactionEnded("call-9", 6), "unknown", "no such interaction");
    assert.equal(engine.interactionStarted("call-9", 7), "applied");
    assert.equal(engine.interactionStarted("call-9", 8), "duplicate");
    assert.equal(engine.switchRequested("SiteB", 9), "applied");
    assert.equal(engine.drainOutputs().filter((output) => output.type === "switched").length, 1);
    assert.deepEqual(engine.status().ignored, { duplicate: 4, unknown: 3, out_of_phase: 1 });
    assert.equal(engine.handleTimeout(10), 0, "handleTimeout still answers how many outputs wait");
  });

  test("deadlines already due when an input arrives are handled first, at their own times (a late timer changes nothing)", () => {
    // The endpoint deadline of SiteA is at 30 000 ms; nobody calls handleTimeout.
    const engine = new Engine(bundle("two-site"));
    engine.handle({ type: "start" }, 0);
    engine.drainOutputs();
    assert.equal(engine.linkUp("SiteB", "sip-server", "primary", 31000), "applied");
    assert.deepEqual(engine.drainEmitted().map(({ at, output }) => [at, output.type]), [
      [30000, "unregister_endpoint"], [30000, "disconnect"], [30000, "connect"], [30000, "register_endpoint"],
      [30000, "switched"], [30000, "phase_changed"],
    ]);
    assert.equal(engine.now, 31000);
    assert.equal(engine.status().connected_since, 30000, "the peer's deadlines count from the switch");
    assert.equal(engine.pollTimeout(), 60000);
  });

  test("pollTimeout is null when nothing is due, a time when something is, and now while outputs wait", () => {
    const engine = new Engine(bundle("two-site"));
    assert.equal(engine.pollTimeout(), null);
    engine.handle({ type: "start" }, 250);
    assert.equal(engine.pollTimeout(), 250, "outputs wait: handle them now");
    engine.pollOutput();
    assert.equal(engine.pollTimeout(), 250, "outputs still wait");
    engine.drainOutputs();
    assert.equal(engine.pollTimeout(), 250 + 30000);
    assert.equal(typeof engine.pollTimeout(), "number");
  });

  test("a time with a fraction counts as its whole milliseconds, and time going back counts as the last seen", () => {
    const engine = new Engine(bundle("two-site"));
    engine.handle({ type: "start" }, 1000.9);
    assert.equal(engine.now, 1000);
    engine.drainOutputs();
    engine.linkDown("SiteA", "sip-server", "primary", 10);
    assert.equal(engine.now, 1000);
    assert.equal(engine.pollTimeout(), 31000);
  });
});

describe("status and warnings", () => {
  test("status() holds every documented field", () => {
    const engine = new Engine(bundle("two-site"));
    const status = engine.status();
    assert.deepEqual(Object.keys(status).sort(), [
      "connected_since", "endpoint_registered", "ignored", "interactions", "next_timer", "pending",
      "phase", "pinned", "role", "services", "site",
    ]);
    assert.deepEqual(status, {
      phase: "idle", site: null, role: null, connected_since: null, pending: null,
      services: ["sip-server", "stat-server", "config-server"].map((service) => (
        { service, primary: "unknown", backup: "unknown", up: false, trigger: true })),
      endpoint_registered: false, interactions: [], pinned: false, next_timer: null,
      ignored: { duplicate: 0, unknown: 0, out_of_phase: 0 },
    });
  });

  test("status().ignored counts duplicate, unknown and out-of-phase inputs, which emit nothing", () => {
    const host = activeOnSiteA();
    assert.deepEqual(host.at(1000, { type: "start" }), []);
    assert.equal(host.handled, "duplicate");
    assert.deepEqual(host.at(1000, { type: "link_up", site: "SiteZ", service: "sip-server", member: "primary" }), []);
    assert.equal(host.handled, "unknown");
    assert.equal(host.engine.linkUp("SiteZ", "stat-server", "backup", 1000), "unknown", "the fast path too");
    assert.deepEqual(host.at(1000, { type: "link_up", site: "SiteB", service: "sip-server", member: "primary" }), []);
    assert.equal(host.handled, "out-of-phase", "a link of the site the desktop is not on");
    assert.deepEqual(host.engine.status().ignored, { duplicate: 1, unknown: 2, out_of_phase: 1 });
  });

  test("the agent-desktop dialect triggers on the SIP Server pair only", () => {
    const engine = new Engine(readJson("examples/bundles/agent-desktop.json"));
    const triggers = engine.status().services.filter((service) => service.trigger).map((service) => service.service);
    assert.deepEqual(triggers, ["sip-server"]);
  });

  test("warnings() lists the warnings of the policy in force", () => {
    assert.deepEqual(new Engine(bundle("two-site")).warnings(), []);
    const typo = bundle("two-site");
    typo.person.options["interaction-workspace"]["disaster-recovery.timout"] = "45";
    const warnings = new Engine(typo).warnings();
    assert.deepEqual(warnings.map((warning) => [warning.severity, warning.code, warning.option]), [
      ["warning", "unknown-option", "disaster-recovery.timout"],
    ]);
    assert.match(warnings[0].message, /did you mean `disaster-recovery\.timeout`/);
  });

  test("policy() is the policy in force, as validate() reports it", () => {
    const engine = new Engine(bundle("two-site"));
    const policy = engine.policy();
    assert.equal(policy.preferred, "SiteA");
    assert.equal(policy.peer, "SiteB");
    assert.equal(policy.timing_ms.site_timeout, 60000);
    assert.deepEqual(policy, validate(bundle("two-site")).policy);
  });
});

describe("validate", () => {
  test("a valid bundle reports its resolved policy", () => {
    const report = validate(readJson("examples/bundles/workspace.json"));
    assert.equal(report.valid, true);
    assert.equal(report.bootstrap, false);
    assert.deepEqual([report.errors, report.warnings, report.diagnostics], [0, 0, []]);
    assert.deepEqual([report.policy.dialect, report.policy.preferred, report.policy.peer], ["workspace", "SiteA", "SiteB"]);
    assert.deepEqual(report.policy.triggers, ["sip-server", "stat-server", "config-server"]);
    assert.equal(report.policy.timing_ms.site_timeout, 60000);
    assert.equal(report.policy.timing_ms.endpoint_timeout, 30000);
  });

  test("an invalid bundle is a report with coded diagnostics, errors first, not an exception", () => {
    const report = validate(readJson("examples/bundles/broken-workspace.json"));
    assert.equal(report.valid, false);
    assert.equal(report.policy, null);
    assert.deepEqual([report.errors, report.warnings], [2, 2]);
    assert.deepEqual(report.diagnostics.map((d) => `${d.severity}:${d.code}`), [
      "error:peer-site-missing", "error:places-differ", "warning:agent-group-conflict", "warning:unknown-option",
    ]);
    const [missing] = report.diagnostics;
    assert.deepEqual([missing.object, missing.section, missing.option], ["application WDE", "interaction-workspace", "disaster-recovery.peer-site"]);
    assert.match(missing.message, /set `disaster-recovery\.peer-site`/);
  });

  test("the broken agent-desktop example names what is wrong", () => {
    const report = validate(readJson("examples/bundles/broken-agent-desktop.json"));
    assert.equal(report.valid, false);
    assert.ok(report.diagnostics.some((d) => d.code === "connection-to-backup" && d.severity === "error"));
  });

  test("a bundle with only the local section is valid and bootstraps", () => {
    const report = validate({ version: 1, local: bundle("two-site").local });
    assert.deepEqual(report, { valid: true, bootstrap: true, errors: 0, warnings: 0, policy: null, diagnostics: [] });
  });

  test("a bundle can be given as JSON text", () => {
    assert.deepEqual(validate(readText("examples/bundles/workspace.json")), validate(readJson("examples/bundles/workspace.json")));
  });
});

describe("bootstrap", () => {
  test("a local-only bundle walks the Config Server Proxies until config_loaded brings the full configuration", () => {
    const full = bundle("two-site");
    const host = new Host(new Engine({ version: 1, local: full.local }, 3));
    assert.deepEqual(host.at(0, { type: "start" }), [
      { type: "connect_config_server", site: "SiteA", member: "primary" },
      { type: "phase_changed", phase: "bootstrapping", site: null, role: null },
    ]);
    assert.deepEqual(host.at(5, { type: "link_down", site: "SiteA", service: "config-server", member: "primary" }), [
      { type: "connect_config_server", site: "SiteA", member: "backup" },
    ]);
    const mark = host.trace.length;
    host.until(10005);
    assert.deepEqual(host.trace.slice(mark), [
      { at: 10005, output: { type: "connect_config_server", site: "SiteB", member: "primary" } },
    ], "the bootstrap connect timeout (10 s) moves on");

    assert.equal(host.engine.policy(), null, "no policy before the configuration is loaded");
    delete full.local;
    assert.deepEqual(host.at(11000, { type: "config_loaded", bundle: full }), [
      { type: "connect", site: "SiteA" },
      { type: "register_endpoint", site: "SiteA" },
      { type: "phase_changed", phase: "connecting", site: "SiteA", role: "preferred" },
    ]);
    assert.equal(host.engine.policy().preferred, "SiteA", "the loaded policy is in force");
  });
});

describe("option exports", () => {
  const cfg = readText("tests/scenarios/bundles/exports/agent1.cfg");

  test("parseCfg reads an export with a BOM, CRLF line ends and comments", () => {
    assert.ok(cfg.startsWith("\uFEFF") && cfg.includes("\r\n"), "the fixture has a BOM and CRLF");
    assert.deepEqual(parseCfg(cfg), {
      options: {
        "interaction-workspace": {
          "disaster-recovery.preferred-site": "SiteA",
          "disaster-recovery.peer-site": "SiteB",
          "disaster-recovery.timeout": "20",
        },
      },
      warnings: [],
    });
  });

  test("resolveOptionFiles puts the export's options in place of options_file (object or Map)", () => {
    const fromObject = resolveOptionFiles(bundle("two-site-cfg-export"), { "exports/agent1.cfg": cfg });
    assert.deepEqual(fromObject.warnings, []);
    assert.equal(fromObject.bundle.person.options_file, undefined);
    assert.equal(fromObject.bundle.person.options["interaction-workspace"]["disaster-recovery.timeout"], "20");
    const fromMap = resolveOptionFiles(bundle("two-site-cfg-export"), new Map([["exports/agent1.cfg", cfg]]));
    assert.deepEqual(fromMap, fromObject);
    assert.equal(validate(fromObject.bundle).policy.timing_ms.site_timeout, 20000);
  });

  test("an Engine built from the resolved bundle uses the export's 20 s timeout: a loss at 12 s switches at exactly 32 s", () => {
    const resolved = resolveOptionFiles(bundle("two-site-cfg-export"), { "exports/agent1.cfg": cfg }).bundle;
    const engine = new Engine(resolved, 0);
    const host = new Host(engine);
    host.at(0, { type: "start" });
    linksUp(host, "SiteA", 100);
    host.at(900, { type: "endpoint_registered", site: "SiteA" });
    assert.deepEqual(host.at(12000, { type: "link_down", site: "SiteA", service: "sip-server", member: "primary" }), []);
    assert.deepEqual(host.at(12000, { type: "link_down", site: "SiteA", service: "sip-server", member: "backup" }), [
      { type: "switchover_pending", from: "SiteA", to: "SiteB", reason: "site-timeout", at: 32000 },
    ]);
    assert.equal(validate(resolved).policy.timing_ms.site_timeout, 20000);
  });

  test("the tools entry's validate reads the exports: the runtime's report on the resolved bundle, plus the exports' warnings", () => {
    const files = { "exports/agent1.cfg": `${cfg}[interaction-workspace]\ndisaster-recovery.timeout=25\n` };
    const report = validateWithFiles(bundle("two-site-cfg-export"), { files });
    const resolved = resolveOptionFiles(bundle("two-site-cfg-export"), files);
    assert.ok(resolved.warnings.length > 0, "the repeated option is a warning");
    assert.equal(report.policy.timing_ms.site_timeout, 25000, "the last value of a repeated option wins");
    assert.deepEqual(report.policy, validate(resolved.bundle).policy);
    for (const warning of resolved.warnings) assert.ok(report.diagnostics.some((d) => d.message === warning.message), warning.message);
  });

  test("the runtime refuses a bundle that still names an export, and says where to resolve it", () => {
    for (const refuse of [() => new Engine(bundle("two-site-cfg-export"), 0), () => validate(bundle("two-site-cfg-export"))]) {
      assert.throws(refuse, (error) => {
        assert.equal(error.code, "options-file");
        assert.match(error.message, /^person agent1: options_file `exports\/agent1\.cfg`: the runtime reads bundles with their options inline; resolve option files first with resolveOptionFiles from continuity-engine\/tools$/);
        return true;
      });
    }
  });
});

describe("simulate", () => {
  test("every scenario of the corpus gives its .trace.jsonl byte for byte", () => {
    const files = scenarioFiles();
    for (const name of scenarioNames()) {
      assert.equal(simulate(readText(`tests/scenarios/${name}.json`), { files }), traceText(name), name);
    }
  });

  test("a scenario object and its JSON text give the same trace", () => {
    const s = scenario("site-a-outage-past-timeout");
    const files = scenarioFiles();
    assert.equal(simulate(s, { files }), simulate(JSON.stringify(s), { files }));
  });

  test("the example scenario with an inline bundle runs without files", () => {
    const lines = simulate(readJson("examples/site-a-outage.json")).trim().split("\n").map((line) => JSON.parse(line));
    assert.ok(lines.some(({ output }) => output.type === "switched" && output.reason === "site-timeout"));
  });
});

describe("seeds and determinism", () => {
  const run = (seed) => {
    const s = scenario("auto-restore-deferred-by-active-call");
    return new Host(new Engine(scenarioBundle(s), seed)).run(s);
  };

  test("a seed as a number and as a bigint give the same trace", () => {
    assert.deepEqual(run(7n), run(7));
    assert.deepEqual(run(7), trace("auto-restore-deferred-by-active-call"));
  });

  test("another seed draws another switchback time", () => {
    const pendingAt = (seed) => run(seed).find(({ output }) => output.reason === "auto-restore").output.at;
    assert.equal(pendingAt(7), 152244);
    assert.notEqual(pendingAt(8), 152244);
  });

  test("the largest seeds are accepted", () => {
    assert.doesNotThrow(() => new Engine(bundle("two-site"), (1n << 64n) - 1n));
    assert.doesNotThrow(() => new Engine(bundle("two-site"), Number.MAX_SAFE_INTEGER));
  });

  test("two engines fed the same inputs give identical outputs and status", () => {
    const a = activeOnSiteA(42);
    const b = activeOnSiteA(42);
    for (const host of [a, b]) {
      host.at(12000, { type: "link_down", site: "SiteA", service: "stat-server", member: "primary" });
      host.at(12001, { type: "link_down", site: "SiteA", service: "stat-server", member: "backup" });
      host.at(20000, { type: "switch_requested", site: "SiteB" });
      host.until(400000);
    }
    assert.ok(a.trace.length > 20);
    assert.deepEqual(a.trace, b.trace);
    assert.deepEqual(a.engine.status(), b.engine.status());
  });
});

describe("lifetime", () => {
  test("an engine can be built from bundle JSON text", () => {
    const engine = new Engine(readText("tests/scenarios/bundles/two-site.json"));
    assert.equal(engine.handle({ type: "start" }, 0), "applied");
  });

  test("unknown bundle fields are ignored, so a newer producer's bundle still loads", () => {
    const engine = new Engine({ ...bundle("two-site"), produced_by: "config-exporter 2.0" });
    assert.equal(engine.handle({ type: "start" }, 0), "applied");
  });

  test("dispose() releases the engine once; later use throws disposed, which isContinuityError recognises", () => {
    const engine = new Engine(bundle("two-site"));
    assert.equal(typeof engine.free, "undefined", "one disposal verb: dispose");
    engine.dispose();
    engine.dispose();
    const error = assertThrowsContinuity(() => engine.status(), "disposed", "the engine was disposed");
    assert.ok(error instanceof ContinuityError);
    assert.equal(isContinuityError(error), true);
    assert.equal(isContinuityError(new Error("x")), false);
    assertThrowsContinuity(() => engine.seed, "disposed");
  });

  test("Symbol.dispose is dispose, and `using`-style disposal twice is a no-op", () => {
    assert.equal(typeof Symbol.dispose, "symbol", "this Node has Symbol.dispose");
    const engine = new Engine(bundle("two-site"));
    assert.equal(Engine.prototype[Symbol.dispose], Engine.prototype.dispose);
    engine[Symbol.dispose]();
    engine[Symbol.dispose]();
    assertThrowsContinuity(() => engine.handle({ type: "start" }, 0), "disposed");
  });
});
