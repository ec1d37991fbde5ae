// The package's tools entry (`continuity-engine/tools`: option exports,
// scenarios), loaded the first time the page needs it — an option export
// in use, a scenario or a `.cfg` opened — and never by the simulator's
// default session, which runs on the runtime alone.

let loading;
let tools = null;

/** Loads the tools entry and its module once; resolves to the entry. */
export function loadTools() {
  loading ??= import("continuity-engine/tools").then(
    async (entry) => {
      await entry.init();
      tools = entry;
      return entry;
    },
    (error) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** The tools entry if it is loaded already, else null (start it with `loadTools`). */
export function toolsNow() {
  return tools;
}
