// Builds the web demo into dist/: the page's modules bundled with esbuild
// (which resolves `continuity-engine` through the package's `exports`, as a
// desktop app's bundler does; JsSIP too), the package's worker entry, the
// Fleet view's worker (the only bundle with the package's tools entry,
// `continuity-engine/tools`), each WebAssembly module beside the bundles (the
// package's web build fetches its .wasm next to its glue, here the bundle),
// the page and its stylesheet, and the scenario library: the repository's
// scenario corpus and examples with an index of their descriptions.
//
// `node build.js` (after `npm ci`; the package must be built in wasm/pkg).

import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..");
const dist = path.join(here, "dist");

/** The folder of the installed continuity-engine package, found as Node resolves it. */
function packageFolder() {
  const require = createRequire(import.meta.url);
  try {
    return path.dirname(require.resolve("continuity-engine/package.json"));
  } catch (error) {
    throw new Error(`continuity-engine is not installed in web-demo/node_modules (${error.message}): run \`bash scripts/web-demo.sh\`, which builds the package and installs it`);
  }
}

/** Copies the scenario corpus and the examples into dist/scenarios, with index.json listing them. */
async function scenarioLibrary(into) {
  const entries = [];
  const corpus = path.join(repo, "tests/scenarios");
  await copyTree(path.join(corpus, "bundles"), path.join(into, "bundles"));
  for (const [folder, prefix] of [[path.join(repo, "examples"), "examples/"], [corpus, ""]]) {
    await mkdir(path.join(into, prefix), { recursive: true });
    const names = (await readdir(folder)).filter((name) => name.endsWith(".json")).sort();
    for (const name of names) {
      const text = await readFile(path.join(folder, name), "utf8");
      const scenario = JSON.parse(text);
      if (!Array.isArray(scenario.steps)) continue;
      await writeFile(path.join(into, prefix, name), text);
      entries.push({ path: `${prefix}${name}`, name: name.replace(/\.json$/, ""), description: scenario.description ?? "" });
    }
  }
  await copyTree(path.join(repo, "examples/bundles"), path.join(into, "examples/bundles"));
  await writeFile(path.join(into, "index.json"), `${JSON.stringify(entries, null, 2)}\n`);
  return entries.length;
}

async function copyTree(from, to) {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) await copyTree(source, target);
    else if (entry.isFile()) await copyFile(source, target);
  }
}

async function main() {
  const pkg = packageFolder();
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  // The page; the package's Web Worker entry (`continuity-engine/worker`)
  // that the live mode starts as dist/worker.js; and the Fleet view's worker
  // (dist/fleet-worker.js), which alone imports the tools module.
  await build({
    entryPoints: { app: path.join(here, "src/main.js"), worker: "continuity-engine/worker", "fleet-worker": path.join(here, "src/fleet-worker.js") },
    // Bare entry points resolve from here (web-demo/node_modules), wherever the build is run from.
    absWorkingDir: here,
    bundle: true,
    format: "esm",
    target: "es2022",
    platform: "browser",
    outdir: dist,
    sourcemap: true,
    logLevel: "warning",
    loader: { ".json": "json" },
  });
  // The engine (app.js, worker.js) and the tools module (fleet-worker.js).
  for (const wasm of ["continuity_wasm_bg.wasm", "continuity_tools_bg.wasm"]) await copyFile(path.join(pkg, "web", wasm), path.join(dist, wasm));
  for (const file of ["index.html", "style.css"]) await copyFile(path.join(here, "src", file), path.join(dist, file));
  const scenarios = await scenarioLibrary(path.join(dist, "scenarios"));
  console.log(`web demo built in ${path.relative(process.cwd(), dist) || "."} (${scenarios} scenarios in its library)`);
}

await main();
