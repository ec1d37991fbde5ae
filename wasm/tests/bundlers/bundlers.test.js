// Proves that continuity-engine works unchanged where desktop teams build:
// the package as npm would hand it out (`npm pack` of wasm/pkg, installed
// into a copy of app/) is bundled by Vite (`vite build`) and by webpack 5
// (production mode), with nothing set for the package in either, and each
// built output runs in headless Chromium, served from a static server:
//
// (a) the runtime entry: an Engine of tests/scenarios/bundles/two-site.json
//     given Site A's links, its phone's registration and the loss of its SIP
//     Server pair switches to Site B at the deadline it announced — the
//     outputs those of the committed trace of site-a-outage-past-timeout;
// (b) the Web Worker entry, made with
//     `new Worker(new URL("continuity-engine/worker", import.meta.url))`:
//     a WorkerDriver (and a Driver on the page) start connecting at Site A;
// (c) the tools entry, `await import("continuity-engine/tools")`: simulate()
//     gives the committed trace of site-a-outage-past-timeout byte for byte,
//     and its module (continuity_tools_bg.wasm) is fetched only then.
//
// Every request is answered from the built output (the runtime's wasm with
// `application/wasm`), and there is no console error or warning, uncaught
// error or failed request. The bundlers come from this folder's
// package-lock.json (`npm ci`; scripts/test-bundlers.sh does it).
//
// Run:  bash scripts/test-bundlers.sh   (about 15 s, with the publish tests)

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { evaluate, launch, openPage } from "./support/browser.js";
import { install, pack, repo, since, tempDir } from "./support/package.js";
import { startServer } from "../support/static-server.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

const SCENARIO = "site-a-outage-past-timeout";
const BUNDLE_FILE = "bundles/two-site.json";

/** Each bundler's command (run in the app's copy) and the folder it writes. */
const BUNDLERS = {
  vite: { args: [path.join(here, "node_modules/vite/bin/vite.js"), "build"], out: "dist" },
  webpack: { args: [path.join(here, "node_modules/webpack-cli/bin/cli.js"), "build", "--config", "webpack.config.js"], out: "dist-webpack" },
};

const LIMIT = { timeout: 60_000 };

let temp;
let app;
let browser;
const timings = [];
const builds = {};
const fixtures = {};

before(async () => {
  let start = performance.now();
  temp = await tempDir("bundlers");
  const { tarball } = await pack(temp.dir);
  timings.push(`npm pack ${since(start)}`);

  start = performance.now();
  app = path.join(temp.dir, "app");
  await cp(path.join(here, "app"), app, { recursive: true });
  await cp(path.join(repo, "tests/scenarios", BUNDLE_FILE), path.join(app, "src/two-site.json"));
  await install(app, tarball);
  timings.push(`npm install of the tarball ${since(start)}`);

  // Both builds at once (two cores); each test awaits its own.
  for (const [name, bundler] of Object.entries(BUNDLERS)) {
    builds[name] = build(bundler);
    builds[name].catch(() => {}); // reported by the test that awaits it
  }
  browser = await launch();

  const read = (file) => readFile(path.join(repo, "tests/scenarios", file), "utf8");
  fixtures.scenario = await read(`${SCENARIO}.json`);
  fixtures.files = { [BUNDLE_FILE]: await read(BUNDLE_FILE) };
  fixtures.trace = await read(`${SCENARIO}.trace.jsonl`);
  // The modules as packed, to find them in each output under whatever name the bundler gave them.
  const web = path.join(app, "node_modules/continuity-engine/web");
  fixtures.runtimeWasm = await readFile(path.join(web, "continuity_wasm_bg.wasm"));
  fixtures.toolsWasm = await readFile(path.join(web, "continuity_tools_bg.wasm"));
});

after(async () => {
  await browser?.close();
  await temp?.remove();
});

for (const name of Object.keys(BUNDLERS)) {
  describe(`${name}`, () => {
    let output;
    let server;

    after(() => server?.close());

    it(`builds the app (${BUNDLERS[name].args.slice(1).join(" ")})`, LIMIT, async (t) => {
      for (const line of timings.splice(0)) t.diagnostic(line);
      const { ms } = await builds[name];
      t.diagnostic(`${name} build ${ms} ms`);
      output = await listOutput(path.join(app, BUNDLERS[name].out));
      assert.ok(output.files.includes("index.html"), `${name} wrote index.html: ${output.files.join(", ")}`);
      assert.equal(output.runtime.length, 1, `one copy of continuity_wasm_bg.wasm in the output: ${output.files.join(", ")}`);
      assert.equal(output.tools.length, 1, `one copy of continuity_tools_bg.wasm in the output: ${output.files.join(", ")}`);
      assert.ok(output.toolsGlue.length > 0, `a script of the output loads ${output.tools[0]}`);
      server = await startServer([["/", output.dir]]);
    });

    it("runs in Chromium: Engine, worker entry, tools entry on demand", LIMIT, async (t) => {
      assert.ok(server, "the build succeeded");
      const start = performance.now();
      const { page, requests, problems, close } = await openPage(browser, `${server.origin}/`);
      try {
        await page.waitForFunction(() => window.desktop !== undefined);
        const fetched = (files) => requests.filter((request) => files.includes(new URL(request.url).pathname.slice(1)));

        await t.test("(a) an Engine of the two-site bundle switches to Site B at the deadline", async () => {
          const failover = await evaluate(page, () => window.desktop.failover());
          assert.equal(failover.valid, true, "validate() finds the bundle valid");
          assert.equal(failover.deadline, 72_000, "the switch falls due T = 60 s after the loss at 12 s");
          assert.deepEqual(
            failover.emitted.find((emitted) => emitted.output.type === "switched"),
            { at: 72_000, output: { type: "switched", from: "SiteA", to: "SiteB", reason: "site-timeout" } },
          );
          const expected = fixtures.trace.trim().split("\n").map((line) => JSON.parse(line)).filter((line) => line.at <= 72_000);
          assert.deepEqual(failover.emitted, expected, `the outputs are the committed trace's up to 72 s (${SCENARIO}.trace.jsonl)`);
          assert.deepEqual([failover.phase, failover.site], ["connecting", "SiteB"]);
        });

        await t.test("(b) the worker entry: a WorkerDriver (and a page Driver) start connecting at Site A", async () => {
          const started = await evaluate(page, () => window.desktop.drivers());
          assert.deepEqual(started.worker, { phase: "connecting", site: "SiteA" }, "the WorkerDriver's status");
          assert.deepEqual(started.page, { phase: "connecting", site: "SiteA" }, "the page Driver's status");
          const wasm = fetched(output.runtime);
          assert.ok(wasm.length >= 2, `the page and the worker each fetched ${output.runtime[0]}: ${JSON.stringify(requests)}`);
          for (const request of wasm) assert.equal(request.type, "application/wasm", request.url);
        });

        await t.test("(c) the tools entry is fetched only on import, and simulate() gives the committed trace", async () => {
          // Neither the module nor the script that loads it: a static import
          // would put that script in the page's own bundle.
          const before = fetched([...output.tools, ...output.toolsGlue]).map((request) => request.url);
          assert.deepEqual(before, [], `nothing of the tools entry is fetched before import("continuity-engine/tools")`);
          const trace = await evaluate(page, ({ scenario, files }) => window.desktop.replay(scenario, files), {
            scenario: fixtures.scenario,
            files: fixtures.files,
          });
          assert.equal(trace, fixtures.trace, `simulate() gives ${SCENARIO}.trace.jsonl byte for byte`);
          const wasm = fetched(output.tools);
          assert.equal(wasm.length, 1, `${output.tools[0]} is fetched once, on import`);
          assert.equal(wasm[0].type, "application/wasm");
          assert.ok(fetched(output.toolsGlue).length > 0, `${output.toolsGlue.join(", ")} fetched on import`);
        });

        await t.test("every request came from the built output; no error anywhere", () => {
          for (const request of requests) {
            const url = new URL(request.url);
            assert.equal(url.origin, server.origin, `a request left the built output: ${request.url}`);
            const file = url.pathname === "/" ? "index.html" : url.pathname.slice(1);
            assert.ok(output.files.includes(file), `${url.pathname} is a file of ${name}'s output`);
          }
          assert.deepEqual(problems, [], "no console error or warning, uncaught error or failed request");
        });
      } finally {
        await close();
      }
      t.diagnostic(`${name} page ${since(start)}`);
    });
  });
}

/** Runs a bundler in the app's copy; resolves to `{ms}`, or rejects with its output. */
async function build({ args }) {
  const start = performance.now();
  try {
    await run(process.execPath, args, { cwd: app, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: "1" } });
  } catch (error) {
    throw new Error(`${args.slice(1).join(" ")} failed:\n${error.stdout}\n${error.stderr}`);
  }
  return { ms: Math.round(performance.now() - start) };
}

/**
 * The files of a built output (paths relative to it), which of them are the
 * packed wasm modules (`runtime`, `tools`), and the scripts that name the
 * tools module (`toolsGlue`: the tools entry's chunk).
 */
async function listOutput(dir) {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join("/"))
    .sort();
  const runtime = [];
  const tools = [];
  for (const file of files.filter((file) => file.endsWith(".wasm"))) {
    const bytes = await readFile(path.join(dir, file));
    if (bytes.equals(fixtures.runtimeWasm)) runtime.push(file);
    if (bytes.equals(fixtures.toolsWasm)) tools.push(file);
  }
  const toolsGlue = [];
  for (const file of files.filter((file) => file.endsWith(".js"))) {
    const text = await readFile(path.join(dir, file), "utf8");
    if (tools.some((wasm) => text.includes(path.posix.basename(wasm)))) toolsGlue.push(file);
  }
  return { dir, files, runtime, tools, toolsGlue };
}
