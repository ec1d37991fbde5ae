// The tools entry for Node (`continuity-engine/tools`): the Node build of the
// tools module, loaded at import.

import { createRequire } from "node:module";
import { makeTools } from "../tools-api.js";

export { ContinuityError, isContinuityError } from "../errors.js";

const raw = createRequire(import.meta.url)("./continuity_tools.cjs");

/** Resolves at once: the Node build is loaded when the entry is imported. */
export function init() {
  return Promise.resolve();
}

export const { validate, parseCfg, resolveOptionFiles, simulate, runFleet } = makeTools(raw, () => true);
