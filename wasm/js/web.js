// The package's browser entry: the web build of the module, loaded by `init()`.

import initWasm, * as raw from "./continuity_wasm.js";
import { makeApi } from "../api.js";
import { makeDriver } from "../driver.js";
import { loader } from "../loader.js";

export { WorkerDriver } from "../driver.js";
export { ContinuityError, isContinuityError } from "../errors.js";
export { traceLine } from "../trace.js";

const { init, loaded } = loader(initWasm);
export { init };

export const { Engine, validate } = makeApi(raw, loaded, globalThis.crypto);
export const Driver = makeDriver(Engine, init);
