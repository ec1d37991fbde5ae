// A scenario runner in JavaScript over the package's public Engine API: the
// same semantics as the native `Scenario::replay` (core/src/scenario.rs),
// its lines written by the package's `traceLine`, so that a trace made here can be compared byte for
// byte with the expected traces of tests/scenarios/.
//
// Files are resolved like the native CLI (native/src/files.rs): a
// `bundle_file` relative to the scenario's folder, an `options_file`
// relative to the folder of the file the bundle is written in (the bundle
// file, or the scenario for an inline bundle). Their texts are handed to the
// tools entry in `files`, keyed by the path as written: `simulate` reads
// them, and `resolveOptionFiles` makes the bundle the runtime's Engine takes.

import fs from "node:fs";
import path from "node:path";

import { traceLine } from "../../pkg/node/index.js";
import { resolveOptionFiles } from "../../pkg/node/tools.js";
import { feedFast, feedHandle } from "./helpers.js";

/** The native runner's limit on trace lines (core/src/scenario.rs `MAX_TRACE_LINES`). */
const MAX_TRACE_LINES = 1_000_000;

/**
 * Reads a scenario file and every file it names.
 *
 * Returns `{name, file, text, scenario, bundle, seed, steps, until,
 * files, optionFiles}`: `text` is the scenario's JSON as written (for
 * `simulate`), `bundle` the bundle as the engine takes it (the bundle file's
 * text, or the inline object), `files` every named file for `simulate`
 * (bundle file and option exports), `optionFiles` the option exports only
 * (resolved into the bundle for `new Engine`).
 */
export function loadScenario(file) {
  const text = fs.readFileSync(file, "utf8");
  const scenario = JSON.parse(text);
  const files = {};
  let bundle;
  let bundleObject;
  let bundlePath;
  if (typeof scenario.bundle_file === "string") {
    if (/\.toml$/i.test(scenario.bundle_file)) {
      // The native CLI reads TOML bundles; the WebAssembly package reads JSON only.
      throw new Error(`${file}: bundle_file ${scenario.bundle_file} is TOML, which the WebAssembly package does not read`);
    }
    bundlePath = path.join(path.dirname(file), scenario.bundle_file);
    bundle = fs.readFileSync(bundlePath, "utf8");
    bundleObject = JSON.parse(bundle);
    files[scenario.bundle_file] = bundle;
  } else {
    bundlePath = file;
    bundle = scenario.bundle;
    bundleObject = scenario.bundle;
  }
  const optionFiles = {};
  for (const written of optionFilesOf(bundleObject)) {
    optionFiles[written] = fs.readFileSync(path.join(path.dirname(bundlePath), written), "utf8");
  }
  Object.assign(files, optionFiles);
  const steps = scenario.steps ?? [];
  return {
    name: path.basename(file, ".json"),
    file,
    text,
    scenario,
    bundle,
    seed: seedOf(scenario, text),
    steps,
    // As the native runner: `until` defaults to the latest step time.
    until: scenario.until ?? steps.reduce((latest, step) => Math.max(latest, step.at), 0),
    files,
    optionFiles,
  };
}

/**
 * Runs a loaded scenario on `Engine` (the package's class) and returns its
 * trace, JSON Lines.
 *
 * `fastPath: true` feeds link, endpoint, probe and interaction inputs
 * through the typed methods (`linkUp`, …); `false` feeds every input through
 * `handle({type, …})`.
 *
 * Like the native runner, it fires every deadline at its exact time before
 * each step (during a freeze, deadlines wait for its end), processes the
 * steps in order, and after the last step fires deadlines up to `until`;
 * each output carries the engine time it was decided at (during a freeze,
 * an input catches up on the deadlines due before it, each at its own
 * time, as the engine does for every host). Inputs after
 * `stop` are refused with a ContinuityError `stopped` (the native engine
 * ignores them and emits nothing): the runner checks the code and goes on.
 */
export function runScenario(Engine, loaded, { fastPath = true } = {}) {
  const resolved = Object.keys(loaded.optionFiles).length === 0 ? loaded.bundle : resolveOptionFiles(loaded.bundle, loaded.optionFiles).bundle;
  const engine = new Engine(resolved, loaded.seed);
  const lines = [];
  let frozenUntil = 0;

  /** Takes the outputs with their times, checking their number against what handleTimeout answered. */
  const drain = (answer, what) => {
    const emitted = engine.drainEmitted();
    if (typeof answer === "number" && emitted.length !== answer) {
      throw new Error(`${loaded.name}: ${what} answered ${answer} outputs waiting, drainEmitted() gave ${emitted.length}`);
    }
    for (const { at, output } of emitted) lines.push(renderLine(at, output));
    if (lines.length > MAX_TRACE_LINES) {
      throw new Error(`${loaded.name}: the trace passed ${MAX_TRACE_LINES} lines`);
    }
  };

  const fireDeadlines = (limit) => {
    for (;;) {
      const deadline = engine.pollTimeout();
      if (deadline === null) return;
      const at = Math.max(deadline, frozenUntil, engine.now);
      if (at > limit) return;
      drain(engine.handleTimeout(at), `handleTimeout(${at})`);
      if (engine.pollTimeout() === deadline && deadline <= at) {
        throw new Error(`${loaded.name}: the engine did not move its deadline past ${deadline} ms (a busy loop for a host)`);
      }
    }
  };

  try {
    for (const [index, step] of loaded.steps.entries()) {
      fireDeadlines(step.at);
      if (step.input !== undefined) {
        const handled = feed(engine, step.input, step.at, fastPath, `${loaded.name} steps[${index}]`);
        drain(handled, `steps[${index}] (${step.input.type} at ${step.at})`);
      } else {
        frozenUntil = Math.max(frozenUntil, step.freeze_until);
      }
    }
    fireDeadlines(loaded.until);
  } finally {
    engine.dispose();
  }
  return lines.join("");
}

/** One trace line, exactly as `trace::write_line` writes it, newline included (the package's `traceLine`). */
export function renderLine(at, output) {
  return traceLine({ at, output });
}

/** Where two traces first differ, as readable text; `null` when they are equal. */
export function firstDifference(expected, actual) {
  if (expected === actual) return null;
  const want = expected.split("\n");
  const got = actual.split("\n");
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    if (want[i] === got[i]) continue;
    const show = (lines) => {
      if (i >= lines.length) return "(end of trace, without a final newline)";
      return i === lines.length - 1 && lines[i] === "" ? "(end of trace)" : lines[i];
    };
    return [
      `first difference at line ${i + 1} (expected ${lineCount(expected)} lines, got ${lineCount(actual)}):`,
      `  expected: ${show(want)}`,
      `  actual:   ${show(got)}`,
    ].join("\n");
  }
  return "the traces differ in a way split() does not show";
}

function lineCount(trace) {
  return trace === "" ? 0 : trace.split("\n").length - (trace.endsWith("\n") ? 1 : 0);
}

/** Feeds one input; returns what became of it, or `undefined` when the stopped engine refused it. */
function feed(engine, input, at, fastPath, where) {
  try {
    return (fastPath ? feedFast : feedHandle)(engine, input, at);
  } catch (error) {
    // After `stop` the package refuses inputs; the native engine ignores them silently.
    if (error?.name === "ContinuityError" && error.code === "stopped") {
      if (!engine.stopped) throw new Error(`${where}: \`stopped\` thrown by an engine that is not stopped`, { cause: error });
      return undefined;
    }
    throw new Error(`${where}: ${input.type} at ${at} threw: ${error?.message ?? error}`, { cause: error });
  }
}

/** The paths every `options_file` of a bundle names, in the order they are written. */
function optionFilesOf(bundle) {
  const found = [];
  const walk = (value) => {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) return value.forEach(walk);
    for (const [key, inner] of Object.entries(value)) {
      if (key === "options_file" && typeof inner === "string") found.push(inner);
      else walk(inner);
    }
  };
  walk(bundle);
  return [...new Set(found)];
}

/** The scenario's seed; a BigInt, read from the text, when JSON.parse would round it. */
function seedOf(scenario, text) {
  const seed = scenario.seed ?? 0;
  if (Number.isSafeInteger(seed)) return seed;
  const written = /"seed"\s*:\s*(\d+)/.exec(text);
  if (written === null) throw new Error(`cannot read the seed ${seed}`);
  return BigInt(written[1]);
}
