// One fleet run through the package's tools module in Node, timed: the
// WebAssembly side of scripts/bench-fleet.sh.
//
// Usage: node wasm/bench/fleet.mjs BUNDLE DESKTOPS REPORT_FILE
//   Runs `runFleet` on BUNDLE with DESKTOPS desktops (every other option at
//   its default: the same run as `continuity fleet BUNDLE --desktops N`),
//   writes the report's JSON to REPORT_FILE (the bytes `--json` prints)
//   and prints the seconds the run took (module load excluded).

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const [bundleFile, desktops, reportFile] = process.argv.slice(2);
if (reportFile === undefined) {
  console.error("usage: node wasm/bench/fleet.mjs BUNDLE DESKTOPS REPORT_FILE");
  process.exit(2);
}
const { runFleet } = await import(pathToFileURL(path.join(ROOT, "wasm/pkg/node/tools.js")).href);
const bundle = fs.readFileSync(bundleFile, "utf8");
const started = performance.now();
const { report } = runFleet(bundle, { desktops: Number(desktops) });
const seconds = (performance.now() - started) / 1000;
// JSON.parse keeps the fields in the module's order: the same bytes as the CLI's.
fs.writeFileSync(reportFile, `${JSON.stringify(report)}\n`);
console.log(seconds.toFixed(3));
