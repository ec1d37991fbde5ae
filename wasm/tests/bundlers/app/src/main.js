// A small agent desktop as a team writes it on continuity-engine: the
// runtime imported by name, the Web Worker entry made with
// `new URL(…, import.meta.url)`, and the tools entry loaded only when asked
// for. The bundler tests build it with Vite and webpack, serve the output and
// call `window.desktop` from headless Chromium, step by step.

import { init, Engine, Driver, WorkerDriver, validate } from "continuity-engine";
import bundle from "./two-site.json";

const SERVICES = ["sip-server", "stat-server", "config-server"];
const MEMBERS = ["primary", "backup"];

/** Site A comes up, then loses its SIP Server pair; the switch falls due. */
async function failover() {
  await init();
  const report = validate(bundle);
  const engine = new Engine(bundle, 7);
  const emitted = [];
  const feed = (at, input) => {
    engine.handle(input, at);
    emitted.push(...engine.drainEmitted());
  };
  feed(0, { type: "start" });
  let at = 0;
  for (const service of SERVICES) {
    for (const member of MEMBERS) feed((at += 100), { type: "link_up", site: "SiteA", service, member });
  }
  feed(900, { type: "endpoint_registered", site: "SiteA" });
  for (const member of MEMBERS) feed(12_000, { type: "link_down", site: "SiteA", service: "sip-server", member });
  const deadline = engine.pollTimeout();
  engine.handleTimeout(deadline);
  emitted.push(...engine.drainEmitted());
  const { phase, site } = engine.status();
  engine.dispose();
  return { valid: report.valid, deadline, emitted, phase, site };
}

/** The same bundle in a Driver on the page and in a WorkerDriver: both start connecting. */
async function drivers() {
  const onPage = await Driver.create({ bundle, seed: 7 });
  await onPage.start();
  const page = await onPage.status();
  onPage.dispose();

  const worker = new Worker(new URL("continuity-engine/worker", import.meta.url), { type: "module" });
  // A worker script that fails to load says so only here, on the page.
  const failed = new Promise((_, reject) => {
    worker.addEventListener("error", (event) => reject(new Error(`the worker failed: ${event.message || "its script did not load"}`)));
  });
  const inWorker = await Promise.race([WorkerDriver.create(worker, { bundle, seed: 7 }), failed]);
  await inWorker.start();
  const status = await inWorker.status();
  inWorker.dispose({ terminate: true });
  return {
    page: { phase: page.phase, site: page.site },
    worker: { phase: status.phase, site: status.site },
  };
}

/** Replays a scenario with the tools entry, loaded on demand. */
async function replay(scenario, files) {
  const tools = await import("continuity-engine/tools");
  await tools.init();
  return tools.simulate(scenario, { files });
}

window.desktop = { failover, drivers, replay };
