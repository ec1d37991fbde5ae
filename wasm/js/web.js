// The package's browser entry: the web build of the module, loaded by `init()`.

import initWasm, * as raw from "./continuity_wasm.js";
import { makeApi } from "../api.js";
import { makeDriver } from "../driver.js";

export { WorkerDriver } from "../driver.js";
export { ContinuityError, isContinuityError } from "../errors.js";
export { traceLine } from "../trace.js";

let loaded = false;
let loading;

export function init(source) {
  loading ??= initWasm(source === undefined ? undefined : { module_or_path: source }).then(
    () => {
      loaded = true;
    },
    (error) => {
      // A failed load (network, bad bytes) can be retried.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

export const { Engine, validate, parseCfg, resolveOptionFiles, simulate } = makeApi(raw, () => loaded, globalThis.crypto);
export const Driver = makeDriver(Engine, init);
