// One fleet run through the package's tools module in Node, timed: the
// WebAssembly side of scripts/bench-fleet.sh.
//
// Usage: node wasm/bench/fleet.mjs BUNDLE DESKTOPS CAPACITY REPORT_FILE
//   Runs `runFleet` on BUNDLE with DESKTOPS desktops and, unless CAPACITY is
//   0, a capacity plan for CAPACITY REGISTERs/s (every other option at its
//   default: the same run as `continuity fleet BUNDLE --desktops N
//   [--registrar-capacity R]`),
//   writes the report's JSON to REPORT_FILE (the bytes `--json` prints)
//   and prints the run's wall-clock and CPU seconds (the process's user and
//   system time, compiler threads included; module load excluded).

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const [bundleFile, desktops, capacity, reportFile] = process.argv.slice(2);
if (reportFile === undefined) {
  console.error("usage: node wasm/bench/fleet.mjs BUNDLE DESKTOPS CAPACITY REPORT_FILE");
  process.exit(2);
}
const { runFleet } = await import(pathToFileURL(path.join(ROOT, "wasm/pkg/node/tools.js")).href);
const bundle = fs.readFileSync(bundleFile, "utf8");
const started = performance.now();
const cpu = process.cpuUsage();
const options = { desktops: Number(desktops), registrar_capacity: Number(capacity) || undefined };
const { report } = runFleet(bundle, options);
const { user, system } = process.cpuUsage(cpu);
const seconds = (performance.now() - started) / 1000;
// JSON.parse keeps the fields in the module's order: the same bytes as the CLI's.
fs.writeFileSync(reportFile, `${JSON.stringify(report)}\n`);
console.log(`${seconds.toFixed(3)} ${((user + system) / 1e6).toFixed(3)}`);
