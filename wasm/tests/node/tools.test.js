// The tools entry (`continuity-engine/tools`) in Node: the fleet through the
// tools module gives the native CLI's report byte for byte, reports its
// progress, refuses bad input with a clear ContinuityError (and works
// after), and the runtime entry never loads the tools module.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, test } from "node:test";

import { readText } from "./helpers.js";
import { assertThrowsContinuity } from "./helpers.js";

const ROOT = new URL("../../../", import.meta.url);
const BUNDLE_FILE = "examples/bundles/workspace.json";

describe("the runtime entry", () => {
  test("does not load the tools module", () => {
    // In a process of its own: this test file loads the tools entry itself.
    const script = `
      import { createRequire } from "node:module";
      await import(${JSON.stringify(new URL("../../pkg/node/index.js", import.meta.url).href)});
      console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));
    `;
    const loaded = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }));
    assert.ok(loaded.some((file) => file.endsWith("continuity_wasm.cjs")), "the runtime module is loaded");
    assert.ok(!loaded.some((file) => file.endsWith("continuity_tools.cjs")), `the tools module is not: ${loaded.join(", ")}`);
  });
});

describe("runFleet", async () => {
  const { runFleet } = await import("../../pkg/node/tools.js");
  const bundle = readText(BUNDLE_FILE);

  test("gives the native CLI's report byte for byte, with the chart", () => {
    const progress = [];
    const { report, svg } = runFleet(bundle, { desktops: 1500, seed: 3, registrar_capacity: 30 }, {
      onProgress: (what, done, total) => progress.push([what, done, total]),
    });
    const native = execFileSync(
      "cargo",
      ["run", "-q", "--locked", "-p", "continuity-native", "--", "fleet", BUNDLE_FILE, "--desktops", "1500", "--seed", "3", "--registrar-capacity", "30", "--json"],
      { cwd: ROOT, encoding: "utf8" },
    );
    const wasm = `${JSON.stringify(report)}\n`;
    if (wasm !== native) {
      const at = [...wasm].findIndex((c, i) => c !== native[i]);
      assert.fail(`the reports differ at byte ${at}: wasm …${wasm.slice(at - 80, at + 40)}… native …${native.slice(at - 80, at + 40)}…`);
    }
    assert.equal(report.sites[1].site, "SiteB");
    assert.ok(report.capacity.both_verified);
    assert.ok(svg.startsWith("<svg") && svg.includes("registrar capacity 30/s"));
    // Progress: the main run first, then every search run, each to its end.
    assert.deepEqual(progress[0], ["fleet", 1000, 1500]);
    assert.deepEqual(progress[1], ["fleet", 1500, 1500]);
    const runs = progress.filter(([, done, total]) => done === total).map(([what]) => what);
    assert.equal(runs.length, 1 + report.capacity.failover_spread.runs + report.capacity.restore_spread.runs + 1);
    assert.ok(runs.includes("failover-spread 0 s") && runs.includes("restore-spread 0 s"), runs.join(", "));
    assert.equal(runs.at(-1), "both spreads");
  });

  test("takes the bundle as an object too, and every option", () => {
    const { report } = runFleet(JSON.parse(bundle), {
      desktops: 200,
      seed: 9,
      lost_site: "SiteA",
      loss_at_ms: 120000,
      return_at_ms: null,
      until_ms: 900000,
      detection_ms: 5000,
      failover_spread_ms: 10000,
      restore_spread_ms: 0,
    });
    assert.equal(report.desktops, 200);
    assert.equal(report.return_at_ms, null);
    assert.equal(report.detection_from, "given");
    assert.equal(report.failover_spread_ms, 10000);
    assert.equal(report.sites[1].active_at_end, 200);
    assert.equal(report.switch.count, 200);
    assert.ok(report.switch.max_ms <= 5000 + 60000 + 10000);
  });

  test("refuses bad input with what is wrong, and runs after", () => {
    const cases = [
      [() => runFleet("{not json"), "parse", "cannot read the bundle"],
      [() => runFleet(readText("examples/bundles/broken-workspace.json"), { desktops: 10 }), "invalid-bundle", "does not validate"],
      [() => runFleet(bundle, { desktop: 10 }), "invalid-options", "unknown fleet option `desktop`: use desktops, seed"],
      [() => runFleet(bundle, { desktops: 0 }), "invalid-options", "fleet `desktops`: 0 desktops: simulate between 1 and 10000000"],
      [() => runFleet(bundle, { desktops: -1 }), "invalid-options", "fleet option `desktops` must be a whole number, 0 or more; got the number -1"],
      [() => runFleet(bundle, { seed: 2n ** 70n }), "invalid-options", "fleet option `seed`"],
      [() => runFleet(bundle, { return_at_ms: 30000 }), "invalid-options", "the site comes back at 30000 ms, not after its loss at 60000 ms"],
      [() => runFleet(bundle, { lost_site: "SiteC" }), "invalid-options", "`SiteC` is not one of the bundle's Business Continuity sites"],
      [() => runFleet(bundle, { registrar_capacity: 0 }), "invalid-options", "registrar_capacity must be a whole number"],
      [() => runFleet(bundle, "fast"), "invalid-options", "the fleet options must be an object"],
      [() => runFleet(bundle, {}, { onProgress: 3 }), "invalid-options", "onProgress must be a function"],
      [() => runFleet(42), "parse", "a bundle must be an object"],
    ];
    for (const [fn, code, message] of cases) assertThrowsContinuity(fn, code, message);
    const broken = assertThrowsContinuity(() => runFleet(readText("examples/bundles/broken-workspace.json")), "invalid-bundle");
    assert.ok(Array.isArray(broken.diagnostics) && broken.diagnostics.length > 0);
    assert.equal(runFleet(bundle, { desktops: 50 }).report.switch.count, 50);
  });
});
