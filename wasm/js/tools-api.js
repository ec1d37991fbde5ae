// The tools entry's API (`continuity-engine/tools`): what only tools need,
// on a second WebAssembly module loaded only when this entry is imported —
// option exports (validate with files, parseCfg, resolveOptionFiles),
// scenarios (simulate) and the fleet (runFleet). The runtime entry never
// loads it.

import { bundleJson, call, toJson } from "./api.js";
import { continuityError, describe, isContinuityError } from "./errors.js";

/** The paths and texts of a `files` option: an object or Map from path to text. */
function fileLists(files) {
  if (files === undefined || files === null) return [[], []];
  try {
    return readFiles(files);
  } catch (error) {
    if (isContinuityError(error)) throw error;
    throw continuityError("invalid-files", `reading files threw ${error?.name ?? "an error"}: ${error?.message ?? String(error)}`);
  }
}

function readFiles(files) {
  const entries = files instanceof Map ? [...files] : typeof files === "object" && !Array.isArray(files) ? Object.entries(files) : null;
  if (entries === null) {
    throw continuityError("invalid-files", `files must map each file's path to its text (an object or a Map); got ${describe(files)}`);
  }
  const paths = [];
  const texts = [];
  for (const [path, text] of entries) {
    if (typeof path !== "string" || typeof text !== "string") {
      throw continuityError("invalid-files", `files must map each file's path to its text: the entry ${describe(path)} has ${describe(text)}`);
    }
    paths.push(path);
    texts.push(text);
  }
  return [paths, texts];
}

function fileOptions(value, what) {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object") {
    throw continuityError("invalid-options", `the options of ${what} must be an object like {files: {...}}; got ${describe(value)}`);
  }
  return value;
}


/** The fleet options runFleet passes to the module, and their kinds. */
const FLEET_FIELDS = {
  desktops: "count",
  seed: "count",
  lost_site: "string",
  loss_at_ms: "count",
  return_at_ms: "count-or-null",
  until_ms: "count",
  detection_ms: "count",
  failover_spread_ms: "count",
  restore_spread_ms: "count",
};

const isCount = (value) => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

/** The fleet options as JSON for the module, and the registrar capacity; checked. */
function fleetOptions(options) {
  if (options === undefined) return ["{}", undefined];
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw continuityError("invalid-options", `the fleet options must be an object like {desktops: 10000, registrar_capacity: 500}; got ${describe(options)}`);
  }
  const config = {};
  let capacity;
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key === "registrar_capacity") {
      if (!isCount(value) || value === 0 || value > 0xffffffff) {
        throw continuityError("invalid-options", `registrar_capacity must be a whole number of REGISTERs per second, 1 or more; got ${describe(value)}`);
      }
      capacity = value;
      continue;
    }
    const kind = FLEET_FIELDS[key];
    if (kind === undefined) {
      const known = [...Object.keys(FLEET_FIELDS), "registrar_capacity"].join(", ");
      throw continuityError("invalid-options", `unknown fleet option \`${key}\`: use ${known}`);
    }
    const ok = kind === "string" ? typeof value === "string" : kind === "count-or-null" ? value === null || isCount(value) : isCount(value);
    if (!ok) {
      const want = kind === "string" ? "a site name" : kind === "count-or-null" ? "a whole number of milliseconds, or null (never)" : "a whole number, 0 or more";
      throw continuityError("invalid-options", `fleet option \`${key}\` must be ${want}; got ${describe(value)}`);
    }
    config[key] = value;
  }
  return [JSON.stringify(config), capacity];
}

/**
 * Binds the tools API to `raw` (the tools module's wasm-bindgen glue);
 * `ready()` says whether it is instantiated.
 */
export function makeTools(raw, ready) {
  function checkReady() {
    if (!ready()) {
      throw continuityError("not-initialized", "the tools module is not loaded yet: `await init()` from \"continuity-engine/tools\" first");
    }
  }

  function validate(bundle, opts = undefined) {
    checkReady();
    const { files } = fileOptions(opts, "validate()");
    const text = bundleJson(bundle);
    const lists = fileLists(files);
    return call(() => raw.validate(text, ...lists));
  }

  function parseCfg(text) {
    checkReady();
    if (typeof text !== "string") {
      throw continuityError("invalid-cfg", `parseCfg takes the text of an option export (a string); got ${describe(text)}`);
    }
    return call(() => raw.parseCfg(text));
  }

  function resolveOptionFiles(bundle, files) {
    checkReady();
    const text = bundleJson(bundle);
    const lists = fileLists(files);
    return call(() => raw.resolveOptionFiles(text, ...lists));
  }

  function simulate(scenario, opts = undefined) {
    checkReady();
    const { files } = fileOptions(opts, "simulate()");
    const text = toJson(scenario, "scenario", '{"bundle": {...}, "seed": 7, "steps": [...]}', "invalid-scenario");
    const lists = fileLists(files);
    return call(() => raw.simulate(text, ...lists));
  }

  /**
   * Simulates a fleet of the bundle's desktops through a site's loss and
   * return; returns {report, svg}. Runs synchronously: call it in a Worker.
   */
  function runFleet(bundle, options = undefined, hooks = undefined) {
    checkReady();
    const text = bundleJson(bundle);
    const [config, capacity] = fleetOptions(options);
    if (hooks !== undefined && (hooks === null || typeof hooks !== "object")) {
      throw continuityError("invalid-options", `the third argument of runFleet() must be an object like {onProgress(what, done, total) {}}; got ${describe(hooks)}`);
    }
    const onProgress = hooks?.onProgress;
    if (onProgress !== undefined && typeof onProgress !== "function") {
      throw continuityError("invalid-options", `onProgress must be a function (what, done, total); got ${describe(onProgress)}`);
    }
    const json = call(() => raw.runFleet(text, config, capacity, onProgress));
    return JSON.parse(json);
  }

  return { validate, parseCfg, resolveOptionFiles, simulate, runFleet };
}
