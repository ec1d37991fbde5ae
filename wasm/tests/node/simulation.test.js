// Simulation runs through the WebAssembly package: a sample of the
// simulation harness's seeds (tests/src/sim.rs) is recorded as scenarios by
// the native `sim` tool, replayed here by the tools entry's `simulate()` and by
// the JavaScript runner over its Engine, and compared with the native run's
// own trace by checksum (and byte for byte on a mismatch).
//
// Needs the built package (scripts/build-wasm.sh); builds the `sim` tool
// itself (cargo, debug profile, as the test command has built it already).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

import { firstDifference, loadScenario, runScenario } from "./scenario-runner.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const { Engine } = await import(pathToFileURL(path.join(ROOT, "wasm/pkg/node/index.js")).href);
const { simulate } = await import(pathToFileURL(path.join(ROOT, "wasm/pkg/node/tools.js")).href);

/** The seeds replayed here: spread over the test command's 10,000. */
const SEEDS = [0, 7, 388, 1024, 2053, 2328, 3104, 3880, 5000, 6789, 8191, 9999];

execFileSync("cargo", ["build", "-q", "--locked", "-p", "continuity-tests", "--bin", "sim"], { cwd: ROOT, stdio: "inherit" });
const SIM = path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, "target"), "debug", "sim");
const folder = fs.mkdtempSync(path.join(os.tmpdir(), "continuity-sim-"));
after(() => fs.rmSync(folder, { recursive: true, force: true }));

const checksum = (text) => createHash("sha256").update(text).digest("hex");

describe("simulation seeds through the WebAssembly package", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: simulate() and the JS runner give the native run's trace`, () => {
      const scenarioFile = path.join(folder, `seed-${seed}.json`);
      const traceFile = path.join(folder, `seed-${seed}.trace.jsonl`);
      execFileSync(SIM, ["--seed", String(seed), "--scenario", scenarioFile, "--trace", traceFile], { stdio: "pipe" });
      const native = fs.readFileSync(traceFile, "utf8");
      assert.ok(native.length > 0, "the native run has a trace");

      const wasm = simulate(fs.readFileSync(scenarioFile, "utf8"));
      const js = runScenario(Engine, loadScenario(scenarioFile));
      for (const [what, trace] of [["simulate()", wasm], ["the JS runner", js]]) {
        if (checksum(trace) !== checksum(native)) assert.fail(`seed ${seed}, ${what}:\n${firstDifference(native, trace)}`);
      }
    });
  }
});
