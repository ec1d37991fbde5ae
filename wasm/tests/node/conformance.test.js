// Native-vs-wasm conformance: every scenario of tests/scenarios/ run through
// the WebAssembly package in Node must give its expected trace (what the
// native `continuity simulate` prints) byte for byte, three ways:
//
// - `simulate(scenario, {files})`: the Rust runner compiled to wasm (the
//   tools entry);
// - the JavaScript runner of scenario-runner.js over the public Engine API,
//   feeding inputs through the typed fast path (`linkUp`, …);
// - the same runner feeding every input through `handle({type, …})`.
//
// Needs the built package: `bash scripts/build-wasm.sh`. Run with
// `node --test wasm/tests/node/conformance.test.js`.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

import { firstDifference, loadScenario, runScenario } from "./scenario-runner.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const SCENARIOS = path.join(ROOT, "tests/scenarios");
const PACKAGE = path.join(ROOT, "wasm/pkg/node/index.js");
const TOOLS = path.join(ROOT, "wasm/pkg/node/tools.js");
/** The corpus holds 59 scenarios; it must not silently shrink. */
const MIN_SCENARIOS = 59;

if (!fs.existsSync(PACKAGE)) {
  throw new Error(`the package is not built (${path.relative(ROOT, PACKAGE)} is missing): run \`bash scripts/build-wasm.sh\` first`);
}
const { Engine, traceLine } = await import(pathToFileURL(PACKAGE).href);
const { simulate } = await import(pathToFileURL(TOOLS).href);

const scenarioFiles = fs
  .readdirSync(SCENARIOS)
  .filter((name) => name.endsWith(".json"))
  .sort()
  .map((name) => path.join(SCENARIOS, name));

function assertSameTrace(expected, actual, what) {
  const difference = firstDifference(expected, actual);
  if (difference !== null) assert.fail(`${what} does not match the native trace:\n${difference}`);
}

it(`the corpus has at least ${MIN_SCENARIOS} scenarios, each with its expected trace`, () => {
  assert.ok(scenarioFiles.length >= MIN_SCENARIOS, `found ${scenarioFiles.length} scenarios in ${SCENARIOS}; expected at least ${MIN_SCENARIOS}`);
  const missing = scenarioFiles.filter((file) => !fs.existsSync(file.replace(/\.json$/, ".trace.jsonl")));
  assert.deepEqual(missing, [], "scenarios without an expected .trace.jsonl");
});

for (const file of scenarioFiles) {
  const name = path.basename(file, ".json");
  describe(name, () => {
    const expected = fs.readFileSync(file.replace(/\.json$/, ".trace.jsonl"), "utf8");
    const loaded = loadScenario(file);

    it("simulate() gives the native trace", () => {
      assertSameTrace(expected, simulate(loaded.text, { files: loaded.files }), `simulate(${name})`);
    });

    it("the JS runner over the typed fast path gives the native trace", () => {
      assertSameTrace(expected, runScenario(Engine, loaded, { fastPath: true }), `JS runner, fast path (${name})`);
    });

    it("the JS runner over handle() gives the native trace", () => {
      assertSameTrace(expected, runScenario(Engine, loaded, { fastPath: false }), `JS runner, handle() (${name})`);
    });
  });
}

describe("trace rendering (traceLine)", () => {
  const line = (output, at = 72000) => traceLine({ at, output });

  it("writes lines like core/src/trace.rs", () => {
    assert.equal(
      line({ type: "switched", from: "SiteA", to: "SiteB", reason: "site-timeout" }),
      '{"at": 72000, "output": {"type": "switched", "from": "SiteA", "to": "SiteB", "reason": "site-timeout"}}\n',
    );
    assert.equal(
      line({ type: "phase_changed", phase: "stopped", site: null, role: null }, 0),
      '{"at": 0, "output": {"type": "phase_changed", "phase": "stopped", "site": null, "role": null}}\n',
    );
    assert.equal(line({ type: "config_error", diagnostics: [] }), '{"at": 72000, "output": {"type": "config_error", "diagnostics": []}}\n');
  });

  it("escapes strings like serde_json", () => {
    // serde_json: \" \\ \b \t \n \f \r, other controls as \u00xx, the rest (DEL, non-ASCII) as is.
    const site = (text) => line({ type: "connect", site: text }, 1).slice('{"at": 1, "output": {"type": "connect", "site": '.length, -"}}\n".length);
    assert.equal(site('a"b\\c/d'), '"a\\"b\\\\c/d"');
    assert.equal(site("\b\t\n\f\r\u0000\u0001\u001f\u007f"), '"\\b\\t\\n\\f\\r\\u0000\\u0001\\u001f\u007f"');
    assert.equal(site("Sité 😀 \u2028"), '"Sité 😀 \u2028"');
    for (let code = 0; code < 0x80; code++) {
      const text = String.fromCharCode(code);
      assert.equal(site(text), JSON.stringify(text), `U+${code.toString(16).padStart(4, "0")}`);
    }
  });

  it("refuses what no engine emits, with a ContinuityError", () => {
    for (const bad of [undefined, null, 7, { at: 1 }, { at: 1.5, output: { type: "connect", site: "A" } }, { at: 1, output: { 0: "x" } }]) {
      assert.throws(() => traceLine(bad), (error) => error.name === "ContinuityError" && error.code === "invalid-input", JSON.stringify(bad));
    }
  });

  it("matches simulate() on site names that need escaping", () => {
    // The reference bundle with its sites renamed: the names come back in
    // every connect, switched and phase_changed output, so simulate()
    // (serde_json) and traceLine must escape them alike.
    const weird = { SiteA: 'Site "A" \\ é\t😀', SiteB: "Site\u0001B\u007f\u00ff" };
    const base = loadScenario(path.join(SCENARIOS, "site-a-outage-past-timeout.json"));
    const rename = (text) => JSON.parse(text, (_key, value) => (typeof value === "string" && Object.hasOwn(weird, value) ? weird[value] : value));
    const bundle = rename(typeof base.bundle === "string" ? base.bundle : JSON.stringify(base.bundle));
    const scenario = { ...rename(base.text), bundle_file: undefined, bundle };
    const text = JSON.stringify(scenario);
    const loaded = { ...base, name: "renamed sites", text, bundle, steps: scenario.steps, files: base.optionFiles };
    const native = simulate(text, { files: base.optionFiles });
    assert.ok(native.includes("\\u0001") && native.includes('\\"A\\"'), `the renamed sites should be in the trace:\n${native}`);
    assertSameTrace(native, runScenario(Engine, loaded, { fastPath: true }), "JS runner, fast path (renamed sites)");
    assertSameTrace(native, runScenario(Engine, loaded, { fastPath: false }), "JS runner, handle() (renamed sites)");
  });
});
