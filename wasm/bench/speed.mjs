// Engine throughput through the WebAssembly package in Node, on the same
// three workloads as the native benchmark (core/benches/engine.rs and
// core/benches/desktop/): ns per event through the typed fast path and
// through generic handle({type, …}), compared with the native figures.
//
// Usage: node wasm/bench/speed.mjs [--quick] [--native FILE]
//   --quick        tiny iteration counts (a CI smoke run)
//   --native FILE  the stdout of `cargo bench -p continuity-core --bench engine`,
//                  whose table gives the native ns/event and event mix
//
// The desktop below is a faithful port of core/benches/desktop/mod.rs: one
// engine call per event, the world answering connects and probes 20 ms
// later, the scripts of core/benches/desktop/workloads.txt (which the native
// benchmark reads too); its outputs, switches and deadline calls per

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PACKAGE = path.join(ROOT, "wasm/pkg/node/index.js");
/** The two-site bundle the native bench uses (core/benches/desktop/mod.rs `TWO_SITE`). */
const BUNDLE = path.join(ROOT, "core/tests/data/two-site.json");

/** The goal: wasm at most this many times the native ns/event. */
const GOAL_RATIO = 1.5;

// ------------------------------------------------------------------ scripts

const SITES = ["SiteA", "SiteB"];
const A = 0;
const B = 1;
const SERVICES = ["sip-server", "stat-server", "config-server"];
const PRIMARY = "primary";
const BACKUP = "backup";
const INTERACTIONS = ["call-1", "call-2", "call-3"];

/** Latency of the world's answers (link reports, probe results), in ms. */
const ANSWER_LATENCY = 20;
/** More consecutive deadline calls than this waiting on one condition means the script is wrong. */
const STUCK_LIMIT = 1_000;

const ACTIVE = "active";
const RESTORE_PENDING = "restore_pending";

/** The workloads, from the file the native benchmark reads too. */
const WORKLOADS = readWorkloads(fs.readFileSync(path.join(ROOT, "core/benches/desktop/workloads.txt"), "utf8"));

/**
 * Reads workloads.txt (its header describes the format) into scripts of
 * entries shaped as core/benches/desktop/mod.rs `Event`.
 */
function readWorkloads(text) {
  const workloads = [];
  const site = (word) => ({ A, B })[word];
  const number = (word) => (/^\d+$/.test(word) ? Number(word) : undefined);
  text.split("\n").forEach((line, index) => {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0 || words[0].startsWith("#")) return;
    const fail = () => {
      throw new Error(`workloads.txt line ${index + 1}: cannot read \`${line}\``);
    };
    const [word, ...rest] = words;
    if (word === "workload") {
      const healthy = { both: [true, true], none: [false, false] }[rest[1]] ?? fail();
      workloads.push({ name: rest[0], script: [], healthy });
      return;
    }
    const [dt, s] = [number(rest[0]), site(rest[1])];
    const link = (kind) => (SERVICES.includes(rest[2]) && [PRIMARY, BACKUP].includes(rest[3]) ? { kind, dt, site: s, service: rest[2], member: rest[3] } : undefined);
    const event = {
      link_up: () => link("link_up"),
      link_down: () => link("link_down"),
      registered: () => ({ kind: "endpoint_registered", dt, site: s }),
      unregistered: () => ({ kind: "endpoint_unregistered", dt, site: s }),
      started: () => ({ kind: "interaction_started", dt, id: number(rest[1]) }),
      ended: () => ({ kind: "interaction_ended", dt, id: number(rest[1]) }),
      switch: () => ({ kind: "switch_requested", dt, site: s }),
      world: () => ({ kind: "world", site: site(rest[0]), healthy: { up: true, down: false }[rest[1]] }),
      timeout: () => ({ kind: "timeout" }),
      until: () => (rest[0] === ACTIVE ? { kind: "until", cond: ACTIVE, site: site(rest[1]) } : rest[0] === RESTORE_PENDING ? { kind: "until", cond: RESTORE_PENDING } : undefined),
    }[word]?.();
    const complete = event !== undefined && Object.values(event).every((value) => value !== undefined);
    if (!complete || workloads.length === 0) fail();
    workloads.at(-1).script.push(event);
  });
  return workloads;
}

/** Events run before anything is measured (core/benches/engine.rs `WARM_UP`). */
const WARM_UP = 20_000;

// ------------------------------------------------------------------ desktop

// The world's answers, queued in a ring of small integers so the desktop
// allocates nothing of its own per event.
const ANSWER_LINK_UP = 0;
const ANSWER_REGISTERED = 1;
const ANSWER_PROBE = 2;
const RING = 64;

/**
 * The simulated desktop of core/benches/desktop/mod.rs over the package's
 * Engine: `typed` feeds inputs through the fast-path methods, otherwise
 * through `handle({type, …})`. `switch_requested` has no fast-path method
 * and goes through `handle` in both.
 */
class Desktop {
  constructor(Engine, bundle, workload, typed, warmUp) {
    this.engine = new Engine(bundle, 7);
    this.script = workload.script;
    this.typed = typed;
    this.position = 0;
    this.now = 0;
    this.healthy = [...workload.healthy];
    this.kinds = new Int32Array(RING);
    this.sites = new Int32Array(RING);
    this.args = new Int32Array(RING);
    this.head = 0;
    this.length = 0;
    this.phase = "idle";
    this.site = -1;
    this.restorePending = false;
    this.stuck = 0;
    this.events = 0;
    this.outputs = 0;
    this.switches = 0;
    this.timeouts = 0;
    this.engine.handle({ type: "start" }, 0);
    this.react();
    for (let i = 0; i < warmUp; i++) this.step();
  }

  /** Makes exactly one engine call (an answer of the world, or the next script entry), then drains and reacts. */
  step() {
    if (this.length > 0) {
      const kind = this.kinds[this.head];
      const site = SITES[this.sites[this.head]];
      const arg = this.args[this.head];
      this.head = (this.head + 1) % RING;
      this.length--;
      this.now += ANSWER_LATENCY;
      if (kind === ANSWER_LINK_UP) this.linkUp(site, SERVICES[arg], PRIMARY);
      else if (kind === ANSWER_REGISTERED) this.endpointRegistered(site);
      else this.probeResult(site, arg === 1);
    } else {
      this.scripted();
    }
    this.events++;
    this.react();
  }

  scripted() {
    for (;;) {
      const event = this.script[this.position];
      if (event.kind === "world") {
        this.healthy[event.site] = event.healthy;
        this.advance();
        continue;
      }
      if (event.kind === "until") {
        if (this.holds(event)) {
          this.stuck = 0;
          this.advance();
          continue;
        }
        if (++this.stuck >= STUCK_LIMIT) {
          throw new Error(`workload stuck at script entry ${this.position} waiting for ${event.cond}: phase ${this.phase}`);
        }
        return this.timeout();
      }
      this.advance();
      if (event.kind === "timeout") return this.timeout();
      this.now += event.dt;
      const site = SITES[event.site];
      switch (event.kind) {
        case "link_up":
          return this.linkUp(site, event.service, event.member);
        case "link_down":
          return this.linkDown(site, event.service, event.member);
        case "endpoint_registered":
          return this.endpointRegistered(site);
        case "endpoint_unregistered":
          return this.typed ? this.engine.endpointUnregistered(site, this.now) : this.engine.handle({ type: "endpoint_unregistered", site }, this.now);
        case "interaction_started":
          return this.typed ? this.engine.interactionStarted(INTERACTIONS[event.id], this.now) : this.engine.handle({ type: "interaction_started", id: INTERACTIONS[event.id] }, this.now);
        case "interaction_ended":
          return this.typed ? this.engine.interactionEnded(INTERACTIONS[event.id], this.now) : this.engine.handle({ type: "interaction_ended", id: INTERACTIONS[event.id] }, this.now);
        case "switch_requested":
          return this.engine.handle({ type: "switch_requested", site }, this.now);
        default:
          throw new Error(`unknown script entry ${event.kind}`);
      }
    }
  }

  linkUp(site, service, member) {
    return this.typed ? this.engine.linkUp(site, service, member, this.now) : this.engine.handle({ type: "link_up", site, service, member }, this.now);
  }

  linkDown(site, service, member) {
    return this.typed ? this.engine.linkDown(site, service, member, this.now) : this.engine.handle({ type: "link_down", site, service, member }, this.now);
  }

  endpointRegistered(site) {
    return this.typed ? this.engine.endpointRegistered(site, this.now) : this.engine.handle({ type: "endpoint_registered", site }, this.now);
  }

  probeResult(site, ok) {
    return this.typed ? this.engine.probeResult(site, ok, this.now) : this.engine.handle({ type: "probe_result", site, ok }, this.now);
  }

  advance() {
    this.position = (this.position + 1) % this.script.length;
  }

  holds(event) {
    return event.cond === ACTIVE ? this.phase === "active" && this.site === event.site : this.restorePending;
  }

  /** Sleeps until the engine's deadline and hands it over. */
  timeout() {
    const deadline = this.engine.pollTimeout();
    if (deadline !== null) this.now = Math.max(this.now, deadline);
    this.timeouts++;
    return this.engine.handleTimeout(this.now);
  }

  /** Takes every output (after every call, as a host does), reacts like the host would, and drops them. */
  react() {
    for (const output of this.engine.drainOutputs()) {
      this.outputs++;
      switch (output.type) {
        case "connect": {
          const index = output.site === SITES[B] ? B : A;
          this.site = index;
          if (this.healthy[index]) {
            for (let service = 0; service < SERVICES.length; service++) this.answer(ANSWER_LINK_UP, index, service);
            this.answer(ANSWER_REGISTERED, index, 0);
          }
          break;
        }
        case "disconnect":
          this.site = -1;
          break;
        case "probe": {
          const index = output.site === SITES[B] ? B : A;
          this.answer(ANSWER_PROBE, index, this.healthy[index] ? 1 : 0);
          break;
        }
        case "phase_changed":
          this.phase = output.phase;
          break;
        case "switchover_pending":
          if (output.reason === "auto-restore") this.restorePending = true;
          break;
        case "switchover_cancelled":
          if (output.reason === "auto-restore") this.restorePending = false;
          break;
        case "switched":
          this.switches++;
          this.restorePending = false;
          break;
        default:
      }
    }
  }

  answer(kind, site, arg) {
    if (this.length === RING) throw new Error("the world's answer queue overflowed");
    const at = (this.head + this.length) % RING;
    this.kinds[at] = kind;
    this.sites[at] = site;
    this.args[at] = arg;
    this.length++;
  }

  counters() {
    return { events: this.events, outputs: this.outputs, switches: this.switches, timeouts: this.timeouts };
  }
}

/** Outputs, switches and deadline calls per 1 000 events between two counter snapshots, formatted as the native table. */
function mix(before, after) {
  const events = after.events - before.events;
  const perMille = (key) => ((after[key] - before[key]) * 1000) / events;
  return { outputs: perMille("outputs").toFixed(0), switches: perMille("switches").toFixed(1), timeouts: perMille("timeouts").toFixed(0) };
}

// ------------------------------------------------------------------ timing

/**
 * Times `desktop` over `runs` runs; a run lasts until it has made
 * `minEvents` events and either `maxEvents` events or `minNs` ns have
 * passed. Returns the median ns/event and the events of the median run.
 */
function time(desktop, { runs, minEvents, maxEvents, minNs, batch }) {
  const results = [];
  for (let run = 0; run < runs; run++) {
    let events = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    while (events < minEvents || (events < maxEvents && elapsed < minNs)) {
      for (let i = 0; i < batch; i++) desktop.step();
      events += batch;
      elapsed = process.hrtime.bigint() - start;
    }
    results.push({ ns: Number(elapsed) / events, events });
  }
  results.sort((a, b) => a.ns - b.ns);
  return { ...results[results.length >> 1], runs: results.length, min: results[0].ns, max: results[results.length - 1].ns };
}

// ------------------------------------------------------------------ native

/** Parses the native bench's stdout: ns/event and the mix per workload, and its header line. */
function parseNative(text) {
  const rows = {};
  for (const line of text.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    if (cells.length < 5 || !WORKLOADS.some((w) => w.name === cells[1])) continue;
    const row = (rows[cells[1]] ??= {});
    if (cells.length === 7) {
      // | workload | events | ns/event | allocs/event | bytes/event |
      row.events = Number(cells[2]);
      row.ns = Number(cells[3]);
      row.allocs = cells[4];
    } else if (cells.length === 6) {
      // | workload | outputs | switches | deadline calls |
      row.mix = { outputs: cells[2], switches: cells[3], timeouts: cells[4] };
    }
  }
  // "Steady state, optimized build, CPU, N threads; ns/event from …; allocations counted …:"
  const header = text
    .split("\n")
    .find((line) => line.startsWith("Steady state,"))
    ?.replace(/; allocations counted.*$/, "");
  return { rows, header };
}

// ------------------------------------------------------------------ report

function table(headers, rows, align) {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i].length)));
  const cell = (text, i) => (align[i] === "l" ? text.padEnd(widths[i]) : text.padStart(widths[i]));
  return [
    `  ${headers.map(cell).join("  ")}`,
    `  ${widths.map((w) => "-".repeat(w)).join("  ")}`,
    ...rows.map((row) => `  ${row.map(cell).join("  ")}`),
  ];
}

function ns(value) {
  return value === undefined || Number.isNaN(value) ? "n/a" : value.toFixed(1);
}

function times(ratio) {
  return ratio === undefined ? "n/a" : `${ratio.toFixed(1)}x`;
}

function count(n) {
  return n >= 1e6 ? `${(n / 1e6).toFixed(n % 1e6 === 0 ? 0 : 2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)}k` : String(n);
}

async function main() {
  const args = process.argv.slice(2);
  const quick = args.includes("--quick");
  const nativeAt = args.indexOf("--native");
  const native = nativeAt >= 0 ? parseNative(fs.readFileSync(args[nativeAt + 1], "utf8")) : null;
  for (const arg of args) {
    if (arg.startsWith("--") && arg !== "--quick" && arg !== "--native") throw new Error(`unknown option ${arg}; usage: speed.mjs [--quick] [--native FILE]`);
  }

  const { Engine } = await import(pathToFileURL(PACKAGE).href);
  const bundle = fs.readFileSync(BUNDLE, "utf8");
  const settings = quick
    ? { warmUp: 2_000, mixEvents: 5_000, jit: 5_000, timing: { runs: 3, minEvents: 5_000, maxEvents: 5_000, minNs: 0n, batch: 1_000 } }
    : // The mix is counted over the native bench's window (WARM_UP, then 1e6 events),
      // which also warms the JIT up; each timed run is >= 1e6 events or >= 1 s.
      { warmUp: WARM_UP, mixEvents: 1_000_000, jit: 0, timing: { runs: 5, minEvents: 100_000, maxEvents: 1_000_000, minNs: 1_000_000_000n, batch: 10_000 } };

  const cpus = os.cpus();
  console.log(`Speed (ns/event; wasm: in Node through the package, median of ${settings.timing.runs} runs${quick ? "; --quick: tiny counts, indicative only" : ""})`);
  console.log(`  machine: ${cpus[0]?.model ?? "unknown CPU"}, ${os.availableParallelism?.() ?? cpus.length} cores, ${os.platform()} ${os.arch()}, Node ${process.version}`);
  if (native?.header) console.log(`  native:  ${native.header}`);
  console.log("");

  const results = [];
  for (const workload of WORKLOADS) {
    const result = { workload };
    for (const typed of [true, false]) {
      const desktop = new Desktop(Engine, bundle, workload, typed, settings.warmUp);
      const before = desktop.counters();
      for (let i = 0; i < settings.mixEvents; i++) desktop.step();
      const after = desktop.counters();
      for (let i = 0; i < settings.jit; i++) desktop.step();
      const timed = time(desktop, settings.timing);
      result[typed ? "typed" : "handle"] = { ...timed, mix: mix(before, after) };
      desktop.engine.dispose();
    }
    results.push(result);
  }

  const rows = results.map(({ workload, typed, handle }) => {
    const nat = native?.rows[workload.name];
    const ratio = nat?.ns ? typed.ns / nat.ns : undefined;
    const handleRatio = nat?.ns ? handle.ns / nat.ns : undefined;
    return [
      workload.name,
      count(typed.events),
      ns(typed.ns),
      `${ns(typed.min)}-${ns(typed.max)}`,
      ns(handle.ns),
      ns(nat?.ns),
      times(ratio),
      times(handleRatio),
      ratio === undefined ? "n/a" : ratio <= GOAL_RATIO ? "met" : "NOT met",
    ];
  });
  for (const line of table(
    ["workload", "events/run", "typed", "typed min-max", "handle()", "native", "typed/native", "handle()/native", `goal <= ${GOAL_RATIO}x`],
    rows,
    ["l", "r", "r", "r", "r", "r", "r", "r", "r"],
  )) console.log(line);
  if (!native) console.log("  (native: not run; `bash scripts/bench-wasm.sh` without --quick runs it)");

  console.log("");
  console.log(`Event mix per 1 000 events (outputs / switches / deadline calls), counted over ${count(settings.mixEvents)} events after ${count(settings.warmUp)} warm-up${native ? "; must equal the native bench's" : ""}`);
  const mixRows = results.map(({ workload, typed, handle }) => {
    const nat = native?.rows[workload.name]?.mix;
    const text = (m) => (m ? `${m.outputs} / ${m.switches} / ${m.timeouts}` : "n/a");
    const same = nat && text(nat) === text(typed.mix) && text(nat) === text(handle.mix);
    return [workload.name, text(typed.mix), text(handle.mix), text(nat), nat ? (same ? "yes" : "NO") : "n/a"];
  });
  for (const line of table(["workload", "typed", "handle()", "native", "same"], mixRows, ["l", "r", "r", "r", "r"])) console.log(line);

  if (native) {
    const mismatched = mixRows.filter((row) => row[4] === "NO").map((row) => row[0]);
    if (mismatched.length > 0) {
      console.log(`\nThe event mix differs from the native bench for ${mismatched.join(", ")}: the workloads are not the same, so the ratio means little.`);
      process.exitCode = 1;
    }
  }
}

await main();
