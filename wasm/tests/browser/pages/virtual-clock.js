// A virtual clock for a dedicated worker, installed before the package's
// worker entry runs (see virtual-clock-worker.js). Playwright's fake clock
// reaches pages, not workers; without this, a timer inside the worker could
// only be seen by waiting 30–60 s of wall-clock time.
//
// It replaces performance.now(), setTimeout and clearTimeout of the worker
// and answers one message of its own, which never reaches the worker entry:
//   {type: "virtual-clock:advance", to}  →  {type: "virtual-clock:at", now}
// It fires every timer due by `to` in deadline order, each at its own
// deadline, then leaves the clock at `to`. Messages the worker posts while
// advancing arrive before the answer.

let now = 0;
let nextId = 1;
const timers = new Map();

Object.defineProperty(performance, "now", { configurable: true, value: () => now });
self.setTimeout = (callback, ms = 0) => {
  const id = nextId++;
  timers.set(id, { at: now + Math.max(0, Number(ms) || 0), callback });
  return id;
};
self.clearTimeout = (id) => {
  timers.delete(id);
};

self.addEventListener("message", (event) => {
  if (event.data?.type !== "virtual-clock:advance") return;
  event.stopImmediatePropagation();
  const to = event.data.to;
  if (!(to >= now)) throw new Error(`the virtual clock cannot go back from ${now} to ${to}`);
  for (;;) {
    const due = [...timers].filter(([, timer]) => timer.at <= to).sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
    if (due === undefined) break;
    const [id, timer] = due;
    timers.delete(id);
    now = Math.max(now, timer.at);
    timer.callback();
  }
  now = to;
  self.postMessage({ type: "virtual-clock:at", now });
});
