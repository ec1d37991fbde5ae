// A virtual clock for a dedicated worker, installed before the package's
// worker entry runs (see virtual-clock-worker.js). Playwright's fake clock
// reaches pages, not workers; without this, a timer inside the worker could
// only be seen by waiting 30–60 s of wall-clock time.
//
// It replaces performance.now(), setTimeout and clearTimeout of the worker
// and answers two messages of its own, which never reach the worker entry:
//   {type: "virtual-clock:advance", to}  →  {type: "virtual-clock:at", now, overdue}
// fires every timer due by `to` in deadline order, each at its own
// deadline, then leaves the clock at `to`;
//   {type: "virtual-clock:set", to}  →  {type: "virtual-clock:at", now, overdue}
// moves the clock to `to` and fires nothing: the timers due by then fire
// late, at the next `advance`. `overdue` counts the timers due but not fired.
// Messages the worker posts while advancing arrive before the answer.

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
  const type = event.data?.type;
  if (type !== "virtual-clock:advance" && type !== "virtual-clock:set") return;
  event.stopImmediatePropagation();
  const to = event.data.to;
  if (!(to >= now)) throw new Error(`the virtual clock cannot go back from ${now} to ${to}`);
  for (;;) {
    if (type === "virtual-clock:set") break;
    const due = [...timers].filter(([, timer]) => timer.at <= to).sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
    if (due === undefined) break;
    const [id, timer] = due;
    timers.delete(id);
    now = Math.max(now, timer.at);
    timer.callback();
  }
  now = to;
  const overdue = [...timers.values()].filter((timer) => timer.at <= now).length;
  self.postMessage({ type: "virtual-clock:at", now, overdue });
});
