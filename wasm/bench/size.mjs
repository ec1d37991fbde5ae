// Size of the web package (wasm/pkg/web and the shared JS), raw and gzip -9,
// against the budget. Usage: node wasm/bench/size.mjs [PKG_DIR]

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/** The budget for the full web package, gzip -9, in bytes (40 KB). */
export const BUDGET_GZIP = 40 * 1024;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The parts of the web package a browser loads, each as files of the package. */
const PARTS = [
  { label: "web/continuity_wasm_bg.wasm (module)", files: ["web/continuity_wasm_bg.wasm"] },
  { label: "web/continuity_wasm.js (wasm-bindgen glue)", files: ["web/continuity_wasm.js"] },
  { label: "package JS (api, errors, driver, loader, web/index)", files: ["api.js", "errors.js", "driver.js", "loader.js", "web/index.js"] },
];
/** Loaded only by a page that runs the engine in a Web Worker; not in the total. */
const OPTIONAL = { label: "web/worker.js (worker entry, optional)", files: ["web/worker.js"] };
/** Loaded only by tools that import `continuity-engine/tools` (the fleet); not in the total. */
const TOOLS = {
  label: "tools entry (continuity-engine/tools, on demand)",
  files: ["web/continuity_tools_bg.wasm", "web/continuity_tools.js", "tools-api.js", "web/tools.js"],
};

/** Raw and gzip -9 size of each part and of the whole, per file gzipped as a server would. */
export function measureSizes(pkg) {
  const measure = ({ label, files }) => {
    let raw = 0;
    let gzip = 0;
    for (const file of files) {
      const bytes = fs.readFileSync(path.join(pkg, file));
      raw += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    return { label, raw, gzip };
  };
  const parts = PARTS.map(measure);
  const total = {
    label: "total: full web package",
    raw: parts.reduce((sum, part) => sum + part.raw, 0),
    gzip: parts.reduce((sum, part) => sum + part.gzip, 0),
  };
  return { parts, total, optional: measure(OPTIONAL), tools: measure(TOOLS), budget: BUDGET_GZIP, met: total.gzip <= BUDGET_GZIP };
}

/** Bytes with spaces between thousands, as `169 059 B`. */
export function bytes(n) {
  return `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, " ")} B`;
}

function kb(n) {
  return `${(n / 1024).toFixed(1)} KB`;
}

/** The size table, as lines. */
export function sizeTable(sizes) {
  const rows = [...sizes.parts, sizes.total, sizes.optional, sizes.tools];
  const width = Math.max(...rows.map((row) => row.label.length));
  const line = (label, raw, gzip) => `  ${label.padEnd(width)}  ${raw.padStart(11)}  ${gzip.padStart(11)}`;
  const out = [`Size (wasm/pkg, gzip -9 per file with node:zlib)`, line("file", "raw", "gzip -9"), line("-".repeat(width), "-".repeat(11), "-".repeat(11))];
  for (const part of sizes.parts) out.push(line(part.label, bytes(part.raw), bytes(part.gzip)));
  out.push(line(sizes.total.label, bytes(sizes.total.raw), bytes(sizes.total.gzip)));
  out.push(line(sizes.optional.label, bytes(sizes.optional.raw), bytes(sizes.optional.gzip)));
  out.push(line(sizes.tools.label, bytes(sizes.tools.raw), bytes(sizes.tools.gzip)));
  out.push(
    `  budget: full web package <= ${kb(sizes.budget)} gzip (${bytes(sizes.budget)}): ${sizes.met ? "met" : "NOT met"} (${kb(sizes.total.gzip)}, ${((100 * sizes.total.gzip) / sizes.budget).toFixed(0)}% of budget)`,
  );
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const pkg = path.resolve(process.argv[2] ?? path.join(ROOT, "wasm/pkg"));
  console.log(sizeTable(measureSizes(pkg)).join("\n"));
}
