// Proves that continuity-engine is ready to publish: `npm pack` of wasm/pkg
// gives a tarball holding exactly the files below (so a stray test, source
// map or build leftover fails here before it reaches the registry), its
// manifest is wasm/js/package.json with what a registry and a bundler read —
// exports (types first), types, files, license and repository as in
// Cargo.toml, sideEffects — and that tarball, installed by npm into an empty
// project, works as published:
//
// (i)  in Node: `import("continuity-engine")` validates the two-site bundle
//      and makes an Engine that connects to Site A; the tools entry exposes
//      simulate and runFleet, and simulate() gives a committed trace;
// (ii) in headless Chromium with no bundler: the installed folder served as
//      it is, imported through an import map, `await init()` and an Engine;
//      the worker script served as it is runs a WorkerDriver; the tools
//      entry's simulate() gives the committed trace.
//
// Shares the bundler tests' dependencies and helpers (../bundlers).
// Run:  bash scripts/test-bundlers.sh   (about 5 s of its 15)

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, it } from "node:test";
import { promisify } from "node:util";

import { evaluate, launch, openPage } from "../bundlers/support/browser.js";
import { install, npm, pack, repo, since, tempDir } from "../bundlers/support/package.js";
import { startServer } from "../support/static-server.js";

const run = promisify(execFile);

/** Every file of the tarball. A file added on purpose is added here too. */
const PACKED = [
  "README.md",
  "api.js",
  "driver.js",
  "errors.js",
  "index.d.ts",
  "loader.js",
  "node/continuity_tools.cjs",
  "node/continuity_tools_bg.wasm",
  "node/continuity_wasm.cjs",
  "node/continuity_wasm_bg.wasm",
  "node/index.js",
  "node/tools.js",
  "package.json",
  "tools-api.js",
  "tools.d.ts",
  "trace.js",
  "web/continuity_tools.js",
  "web/continuity_tools_bg.wasm",
  "web/continuity_wasm.js",
  "web/continuity_wasm_bg.wasm",
  "web/index.js",
  "web/tools.js",
  "web/worker.js",
  "wire.d.ts",
  "wire.js",
];

const SCENARIO = "site-a-outage-past-timeout";
const BUNDLE_FILE = "bundles/two-site.json";
const LIMIT = { timeout: 60_000 };

let temp;
let tarball;
let report; // npm's: sizes and files
let packed; // the tarball's file list
let manifest; // its package.json
let project; // the empty project it is installed into
const fixtures = {};

before(async () => {
  temp = await tempDir("pack");
  ({ tarball, report } = await pack(temp.dir));
  const { stdout } = await run("tar", ["-tzf", tarball]);
  packed = stdout.trim().split("\n").map((line) => line.replace(/^package\//, "")).sort();
  manifest = JSON.parse((await run("tar", ["-xzOf", tarball, "package/package.json"])).stdout);
  const read = (file) => readFile(path.join(repo, "tests/scenarios", file), "utf8");
  fixtures.scenario = await read(`${SCENARIO}.json`);
  fixtures.bundle = await read(BUNDLE_FILE);
  fixtures.trace = await read(`${SCENARIO}.trace.jsonl`);
});

after(() => temp?.remove());

it("the tarball holds exactly the package's files", (t) => {
  t.diagnostic(`tarball ${report.size} bytes (${report.unpackedSize} unpacked), ${report.entryCount} files`);
  assert.deepEqual(packed, PACKED, "tar -tzf of the packed tarball");
});

it("the manifest is wasm/js/package.json, with what publishing needs", async () => {
  const source = JSON.parse(await readFile(path.join(repo, "wasm/js/package.json"), "utf8"));
  assert.deepEqual(manifest, source, "wasm/pkg was built before wasm/js/package.json changed: rebuild it (bash scripts/build-wasm.sh)");

  assert.equal(manifest.name, "continuity-engine");
  assert.match(manifest.version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "a semver version");
  assert.equal(manifest.type, "module");
  assert.equal(manifest.private, undefined, "a private package cannot be published");
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies", "bundleDependencies"]) {
    assert.equal(manifest[field], undefined, `no ${field}: the package installs offline, with nothing else`);
  }
  for (const hook of ["preinstall", "install", "postinstall", "prepare", "prepack", "postpack"]) {
    assert.equal(manifest.scripts?.[hook], undefined, `no ${hook} script: installing runs nothing`);
  }

  // License and repository: the workspace's, as Cargo.toml states them.
  const cargo = await readFile(path.join(repo, "Cargo.toml"), "utf8");
  assert.equal(manifest.license, cargo.match(/^license = "(.*)"$/m)?.[1], "the license of Cargo.toml");
  const repository = cargo.match(/^repository = "(.*)"$/m)?.[1];
  assert.deepEqual(manifest.repository, { type: "git", url: `git+${repository}.git`, directory: "wasm/js" }, "the repository of Cargo.toml");
  await readFile(path.join(repo, manifest.repository.directory, "package.json")); // the directory holds the manifest

  // Exports: every entry a desktop imports, the conditions in the order that
  // resolves (types first, for TypeScript; node before the browser default).
  const exists = (target) => assert.ok(packed.includes(target.replace(/^\.\//, "")), `${target} is in the tarball`);
  assert.deepEqual(Object.keys(manifest.exports), [".", "./tools", "./worker", "./package.json"]);
  for (const [entry, name] of [[".", "index"], ["./tools", "tools"]]) {
    assert.deepEqual(manifest.exports[entry], { types: `./${name}.d.ts`, node: `./node/${name}.js`, default: `./web/${name}.js` }, entry);
    assert.deepEqual(Object.keys(manifest.exports[entry]), ["types", "node", "default"], `${entry}: the conditions in order`);
    Object.values(manifest.exports[entry]).forEach(exists);
  }
  assert.equal(manifest.exports["./worker"], "./web/worker.js");
  assert.equal(manifest.exports["./package.json"], "./package.json");
  exists(manifest.exports["./worker"]);
  assert.equal(manifest.types, manifest.exports["."].types, "types: the main entry's declarations");

  // files: each entry packs something, and nothing is packed that no entry names.
  const covers = (entry, file) => (entry.endsWith("/") ? file.startsWith(entry) : file === entry);
  for (const entry of manifest.files) assert.ok(packed.some((file) => covers(entry, file)), `files: ${entry} packs something`);
  for (const file of packed.filter((file) => file !== "package.json")) {
    assert.ok(manifest.files.some((entry) => covers(entry, file)), `${file} is named in files`);
  }

  // sideEffects: only the worker, whose whole job is the listener it adds;
  // every other module may be dropped by a bundler when unused.
  assert.ok(Array.isArray(manifest.sideEffects), "sideEffects lists the modules with side effects");
  manifest.sideEffects.forEach(exists);
  assert.ok(manifest.sideEffects.includes(manifest.exports["./worker"]), "the worker entry is kept");
});

it("installs into an empty project (npm init -y; npm install --offline TARBALL)", LIMIT, async (t) => {
  const start = performance.now();
  project = path.join(temp.dir, "project");
  await mkdir(project);
  await npm(["init", "-y"], project);
  await install(project, tarball);
  t.diagnostic(`npm init + install ${since(start)}`);
  const installed = JSON.parse(await readFile(path.join(project, "node_modules/continuity-engine/package.json"), "utf8"));
  assert.deepEqual(installed, manifest);
  const dependencies = JSON.parse(await readFile(path.join(project, "package.json"), "utf8")).dependencies;
  assert.deepEqual(Object.keys(dependencies), ["continuity-engine"]);
});

it("(i) works in Node as installed: the runtime entry and the tools entry", LIMIT, async () => {
  assert.ok(project, "the package is installed");
  // A script in the project, so that the bare specifiers resolve as a desktop's do.
  const script = `
    const { Engine, validate } = await import("continuity-engine");
    const tools = await import("continuity-engine/tools");
    const { default: manifest } = await import("continuity-engine/package.json", { with: { type: "json" } });
    const [bundle, scenario] = process.argv.slice(1);
    const engine = new Engine(bundle, 7);
    engine.handle({ type: "start" }, 0);
    let hidden;
    try {
      await import("continuity-engine/web/index.js");
    } catch (error) {
      hidden = error.code;
    }
    console.log(JSON.stringify({
      valid: validate(bundle).valid,
      outputs: engine.drainOutputs(),
      tools: [typeof tools.simulate, typeof tools.runFleet],
      trace: tools.simulate(scenario, { files: { ${JSON.stringify(BUNDLE_FILE)}: bundle } }),
      name: manifest.name,
      hidden,
    }));
  `;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script, fixtures.bundle, fixtures.scenario], { cwd: project });
  const result = JSON.parse(stdout);
  assert.equal(result.valid, true, "validate() finds the two-site bundle valid");
  assert.deepEqual(result.outputs, [
    { type: "connect", site: "SiteA" },
    { type: "register_endpoint", site: "SiteA" },
    { type: "phase_changed", phase: "connecting", site: "SiteA", role: "preferred" },
  ]);
  assert.deepEqual(result.tools, ["function", "function"], "continuity-engine/tools exposes simulate and runFleet");
  assert.equal(result.trace, fixtures.trace, `simulate() gives ${SCENARIO}.trace.jsonl`);
  assert.equal(result.name, "continuity-engine", "continuity-engine/package.json is importable");
  assert.equal(result.hidden, "ERR_PACKAGE_PATH_NOT_EXPORTED", "files not in exports stay private");
});

it("(ii) works in Chromium as installed, with an import map and no bundler", LIMIT, async (t) => {
  assert.ok(project, "the package is installed");
  const start = performance.now();
  const page = path.join(temp.dir, "page");
  await mkdir(page);
  await writeFile(path.join(page, "index.html"), PAGE);
  const server = await startServer([
    ["/pkg/", path.join(project, "node_modules/continuity-engine")],
    ["/", page],
  ]);
  const browser = await launch();
  try {
    const { page: tab, requests, problems, close } = await openPage(browser, `${server.origin}/`);
    try {
      await tab.waitForFunction(() => window.pkg !== undefined);
      const result = await evaluate(tab, async ({ bundle, scenario, file }) => {
        const { init, Engine, WorkerDriver, validate } = window.pkg;
        await init();
        const engine = new Engine(bundle, 7);
        engine.handle({ type: "start" }, 0);
        const outputs = engine.drainOutputs();
        // The worker script as the package ships it: no import map in a worker, none needed.
        const worker = new Worker("/pkg/web/worker.js", { type: "module" });
        const failed = new Promise((_, reject) => {
          worker.addEventListener("error", (event) => reject(new Error(`the worker failed: ${event.message || "its script did not load"}`)));
        });
        const driver = await Promise.race([WorkerDriver.create(worker, { bundle, seed: 7 }), failed]);
        await driver.start();
        const { phase, site } = await driver.status();
        driver.dispose({ terminate: true });
        const tools = await import("continuity-engine/tools");
        await tools.init();
        return { valid: validate(bundle).valid, outputs, worker: { phase, site }, trace: tools.simulate(scenario, { files: { [file]: bundle } }) };
      }, { bundle: fixtures.bundle, scenario: fixtures.scenario, file: BUNDLE_FILE });
      assert.equal(result.valid, true);
      assert.deepEqual(result.outputs[0], { type: "connect", site: "SiteA" });
      assert.deepEqual(result.worker, { phase: "connecting", site: "SiteA" }, "a WorkerDriver on /pkg/web/worker.js");
      assert.equal(result.trace, fixtures.trace, `simulate() gives ${SCENARIO}.trace.jsonl`);
      const wasm = requests.filter((request) => request.url.endsWith(".wasm")).map((request) => [new URL(request.url).pathname, request.type]);
      assert.deepEqual(new Set(wasm.map(([file]) => file)), new Set(["/pkg/web/continuity_wasm_bg.wasm", "/pkg/web/continuity_tools_bg.wasm"]));
      for (const [file, type] of wasm) assert.equal(type, "application/wasm", file);
      assert.deepEqual(problems, [], "no console error or warning, uncaught error or failed request");
    } finally {
      await close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  t.diagnostic(`browser ${since(start)}`);
});

// The package's web entries named through an import map, as a page without
// a bundler names them; the test drives `window.pkg`.
const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <link rel="icon" href="data:,">
  <title>continuity-engine, no bundler</title>
  <script type="importmap">
    { "imports": { "continuity-engine": "/pkg/web/index.js", "continuity-engine/tools": "/pkg/web/tools.js" } }
  </script>
  <script type="module">
    import * as pkg from "continuity-engine";
    window.pkg = pkg;
  </script>
</head>
<body></body>
</html>
`;
