// The tools entry for browsers (`continuity-engine/tools`): the web build of
// the tools module, loaded by `init()`. Import it only where tools run (a
// Worker, a planning page): a desktop's runtime never needs it.

import initWasm, * as raw from "./continuity_tools.js";
import { makeTools } from "../tools-api.js";

export { ContinuityError, isContinuityError } from "../errors.js";

let loaded = false;
let loading;

export function init(source) {
  loading ??= initWasm(source === undefined ? undefined : { module_or_path: source }).then(
    () => {
      loaded = true;
    },
    (error) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

export const { runFleet } = makeTools(raw, () => loaded);
