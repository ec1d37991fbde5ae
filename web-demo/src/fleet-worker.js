// The Fleet view's worker (built as dist/fleet-worker.js): the package's
// tools module, started only when Fleet is opened (the Simulator loads it
// on the page only for option exports and scenarios that name them; Live
// never). runFleet is synchronous and takes hundreds of milliseconds to
// seconds; here it blocks nobody.
//
// Protocol (structured-clone messages):
//   page → worker  {bundle, options}         one run: a bundle (object or JSON text) and FleetOptions
//   worker → page  {type: "progress", what, done, total}   about ten a second while it runs
//                  {type: "result", report, svg}           the FleetReport and the chart
//                  {type: "error", code, message, diagnostics?}  a ContinuityError's code and message
// One run at a time; to cancel, the page terminates the worker and starts another.

import { init, isContinuityError, runFleet } from "continuity-engine/tools";

/** Progress messages at most this often (ms): enough for a bar, few enough not to flood the page. */
const PROGRESS_EVERY = 100;

// Loading the module starts as soon as the worker does (the page starts it
// when the Fleet view opens), so that the first run finds it ready.
// A failure shows with the first run (as its error), not as an unhandled rejection now.
const ready = init();
ready.catch(() => {});

self.addEventListener("message", async ({ data }) => {
  try {
    await ready;
    let last = -Infinity;
    const { report, svg } = runFleet(data.bundle, data.options, {
      onProgress(what, done, total) {
        const now = performance.now();
        if (now - last < PROGRESS_EVERY) return;
        last = now;
        self.postMessage({ type: "progress", what, done, total });
      },
    });
    self.postMessage({ type: "result", report, svg });
  } catch (error) {
    self.postMessage({
      type: "error",
      code: isContinuityError(error) ? error.code : "internal",
      message: error instanceof Error ? error.message : String(error),
      ...(error?.diagnostics === undefined ? {} : { diagnostics: error.diagnostics }),
    });
  }
});
