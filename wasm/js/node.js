// The package's Node entry: the Node build of the module, loaded at import.

import { webcrypto } from "node:crypto";
import { createRequire } from "node:module";
import { makeApi } from "../api.js";
import { makeDriver } from "../driver.js";

export { WorkerDriver } from "../driver.js";
export { ContinuityError, isContinuityError } from "../errors.js";
export { traceLine } from "../trace.js";

const raw = createRequire(import.meta.url)("./continuity_wasm.cjs");

/** Resolves at once: the Node build is loaded when the package is imported. */
export function init() {
  return Promise.resolve();
}

export const { Engine, validate } = makeApi(raw, () => true, webcrypto);
export const Driver = makeDriver(Engine, init);
