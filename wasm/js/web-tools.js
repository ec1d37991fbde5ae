// The tools entry for browsers (`continuity-engine/tools`): the web build of
// the tools module, loaded by `init()`. Import it only where tools run (a
// Worker, a planning page): a desktop's runtime never needs it.

import initWasm, * as raw from "./continuity_tools.js";
import { loader } from "../loader.js";
import { makeTools } from "../tools-api.js";

export { ContinuityError, isContinuityError } from "../errors.js";

const { init, loaded } = loader(initWasm);
export { init };

export const { validate, parseCfg, resolveOptionFiles, simulate, runFleet } = makeTools(raw, loaded);
