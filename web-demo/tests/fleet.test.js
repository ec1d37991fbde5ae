// End-to-end tests of the Fleet view in headless Chromium: the package's
// tools module in the view's worker, checked against `continuity fleet` on
// the very bundle the page simulated (downloaded from the page); "Use these
// spreads"; errors of the tools module shown next to the form; cancelling;
// and the Simulator never loading the tools module. Each test saves a
// screenshot in tests/screenshots/fleet-*.png.
//
// Needs the built demo: `bash scripts/build-web-demo.sh` (scripts/test-web-demo.sh does it).

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";

import { REPO, assertFirstScreen, launch, openDemo, screenshot } from "./browser.js";

const run = promisify(execFile);
/** The chart's capacity line, once per panel (two sites, around the loss and around the return). */
const CAPACITY_LINE = "<title>registrar capacity: 40 REGISTERs/s</title>";

let env;
let folder;
before(async () => {
  env = await launch();
  folder = await mkdtemp(path.join(os.tmpdir(), "continuity-fleet-"));
});
after(async () => {
  await env?.close();
  if (folder !== undefined) await rm(folder, { recursive: true, force: true });
});

/** Sets the form's fields (by id, without the `fleet-` prefix). */
async function fill(page, fields) {
  for (const [name, value] of Object.entries(fields)) await page.fill(`#fleet-${name}`, String(value));
}

/** Waits for the run in progress to end; returns the view's state afterwards. */
async function finished(page) {
  await page.waitForFunction(() => document.getElementById("fleet").dataset.state !== "running", null, { timeout: 120_000 });
  return page.getAttribute("#fleet", "data-state");
}

/** Runs the fleet with the Run button, sees its progress, and waits for the result. */
async function runFleet(page) {
  await page.click("#fleet-run");
  // The progress over the chart, with the run and its desktops counted.
  await page.waitForSelector(".fleet-progress:not([hidden]) progress#fleet-progress");
  await page.waitForFunction(() => / desktops$/.test(document.getElementById("fleet-progress-text").textContent));
  assert.equal(await page.isDisabled("#fleet-run"), true, "Run is disabled while it runs");
  assert.equal(await finished(page), "done", await page.textContent("#fleet-error"));
  assert.equal(await page.isVisible(".fleet-progress"), false);
}

/** Saves one of the view's downloads (`bundle`, `report`, `chart`) and returns its path. */
async function downloadOf(page, what) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(`#fleet-download-${what}`)]);
  const file = path.join(folder, `${what}-${Date.now()}-${download.suggestedFilename()}`);
  await download.saveAs(file);
  return file;
}

/** `continuity fleet BUNDLE ARGS… --json`, parsed. */
async function cliFleet(bundleFile, args) {
  const { stdout } = await run("cargo", ["run", "-q", "--locked", "--release", "-p", "continuity-native", "--", "fleet", bundleFile, ...args, "--json"], { cwd: REPO, maxBuffer: 64 << 20 });
  return JSON.parse(stdout);
}

/** What the page shows for a report value (`data-fleet` = its path in the report). */
const shown = (page, key) => page.textContent(`[data-fleet="${key}"]`);

// How `continuity fleet` writes numbers, written again here so that the page is checked against them.
const mss = (ms) => `${Math.floor(ms / 60_000)}:${String(Math.floor(ms / 1000) % 60).padStart(2, "0")}`;
const tenths = (ms) => `${Math.floor(ms / 1000)}.${Math.floor((ms % 1000) / 100)} s`;

describe("the fleet view", () => {
  it("runs a fleet in a worker with its progress, draws the chart with the capacity, and shows the numbers continuity fleet prints", async () => {
    const { page, context, problems, requests } = await openDemo(env, "fleet");
    assert.equal(await page.getAttribute("#mode-fleet", "aria-pressed"), "true");
    assert.match(await page.textContent("#fleet-bundle"), /^Simulates examples\/bundles\/workspace\.json, the demo's bundle/);
    // Every control has a real label.
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll("#fleet-form input")].filter((input) => input.labels.length === 0).map((input) => input.id));
    assert.deepEqual(unlabelled, []);
    // The bundle's spreads are the spread fields' defaults.
    assert.equal(await page.inputValue("#fleet-failover-spread"), "0");
    assert.equal(await page.inputValue("#fleet-restore-spread"), "30");

    await fill(page, { desktops: 2000, capacity: 40 });
    await runFleet(page);
    const chart = await page.innerHTML("#fleet-chart");
    assert.equal(chart.split(CAPACITY_LINE).length - 1, 4, "the capacity line in each of the four panels");
    assert.equal(await page.textContent("#fleet-command"), "continuity fleet fleet-bundle.json --desktops 2000 --registrar-capacity 40");

    // The same fleet through the command line, on the bundle the page simulated.
    const bundleFile = await downloadOf(page, "bundle");
    const cli = await cliFleet(bundleFile, ["--desktops", "2000", "--registrar-capacity", "40"]);
    const report = JSON.parse(await readFile(await downloadOf(page, "report"), "utf8"));
    assert.deepEqual(report, cli, "the page's report is the one continuity fleet prints");

    // The numbers on the page are the report's.
    const siteB = cli.sites[1];
    assert.equal(siteB.site, "SiteB");
    assert.equal(await shown(page, "sites.1.registers.peak"), `${siteB.registers.peak.count} at ${mss(siteB.registers.peak.at_ms)}`);
    assert.equal(await shown(page, "switch.p99_ms"), tenths(cli.switch.p99_ms));
    assert.equal(await shown(page, "switch_back.p50_ms"), tenths(cli.switch_back.p50_ms));
    assert.equal(await shown(page, "not_active_at_end"), String(cli.not_active_at_end));
    const { failover_spread: failover, restore_spread: restore, seconds_over: over } = cli.capacity;
    assert.ok(failover.smallest_ms !== null && restore.smallest_ms !== null, "both spreads found");
    assert.match(await shown(page, "capacity.failover_spread.smallest_ms"), new RegExp(`^${failover.smallest_ms / 1000} s \\(peak ${failover.peak}/s`));
    assert.match(await shown(page, "capacity.restore_spread.smallest_ms"), new RegExp(`^${restore.smallest_ms / 1000} s \\(peak ${restore.peak}/s`));
    assert.ok(over[1].seconds > 0, "without spreads, SiteB goes over 40/s");
    assert.match(await shown(page, "capacity.seconds_over.1"), new RegExp(`^${over[1].seconds} s over it, ${mss(over[1].first_ms)}–${mss(over[1].last_ms + 1000)}$`));
    assert.match(await shown(page, "verdict"), /^Over 40 REGISTERs\/s: /);
    assert.equal(await page.isVisible("#fleet-use-spreads"), true);

    // The tools module came with the view: its worker and its .wasm.
    assert.ok(requests.some((url) => url.endsWith("/fleet-worker.js")), "the fleet worker was loaded");
    assert.ok(requests.some((url) => url.endsWith("/continuity_tools_bg.wasm")), "the tools module was loaded");
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, "fleet-1-avalanche");
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("uses the spreads it found and runs again: no second over the capacity", async () => {
    const { page, context, problems } = await openDemo(env, "fleet");
    await fill(page, { desktops: 2000, capacity: 40 });
    await runFleet(page);
    const first = JSON.parse(await readFile(await downloadOf(page, "report"), "utf8"));
    const { failover_spread: failover, restore_spread: restore } = first.capacity;

    await page.click("#fleet-use-spreads");
    assert.equal(await page.inputValue("#fleet-failover-spread"), String(failover.smallest_ms / 1000));
    assert.equal(await page.inputValue("#fleet-restore-spread"), String(restore.smallest_ms / 1000));
    assert.equal(await finished(page), "done", await page.textContent("#fleet-error"));

    const second = JSON.parse(await readFile(await downloadOf(page, "report"), "utf8"));
    assert.equal(second.failover_spread_ms, failover.smallest_ms);
    assert.equal(second.restore_spread_ms, restore.smallest_ms);
    assert.deepEqual(second.capacity.seconds_over.map((site) => site.seconds), [0, 0], "no second over the capacity");
    for (const site of second.sites) assert.ok(Math.max(...site.registers.per_second) <= 40, `${site.site} stays under the line`);
    assert.equal(await shown(page, "verdict"), "Every second at or under 40 REGISTERs/s, at both sites.");
    assert.equal(await shown(page, "capacity.seconds_over.0"), "never over it");
    assert.equal(await shown(page, "capacity.seconds_over.1"), "never over it");
    assert.equal(await page.isVisible("#fleet-use-spreads"), false, "nothing more to use");
    assert.equal((await page.innerHTML("#fleet-chart")).split(CAPACITY_LINE).length - 1, 4);

    // The command line shown reproduces the page's report.
    const command = (await page.textContent("#fleet-command")).split(" ");
    assert.deepEqual(command.slice(0, 3), ["continuity", "fleet", "fleet-bundle.json"]);
    assert.deepEqual(command.slice(3), ["--desktops", "2000", "--failover-spread", `${failover.smallest_ms / 1000}s`, "--restore-spread", `${restore.smallest_ms / 1000}s`, "--registrar-capacity", "40"]);
    assert.deepEqual(await cliFleet(await downloadOf(page, "bundle"), command.slice(3)), second);

    // The downloads scrolled the page: back to the top, as a person opening the view sees it.
    await page.evaluate(() => window.scrollTo(0, 0));
    await assertFirstScreen(page, ["#fleet-form", "#fleet-chart svg", "[data-fleet=verdict]", ".fleet-capacity"]);
    await screenshot(page, "fleet-2-spreads-under-capacity");
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("shows the tools module's error next to the form for bad input, and runs again after it", async () => {
    const { page, context, problems } = await openDemo(env, "fleet");
    await fill(page, { desktops: 0 });
    await page.click("#fleet-run");
    await page.waitForSelector("#fleet-error:not([hidden])");
    assert.equal(await page.textContent("#fleet-error"), "Cannot run: fleet `desktops`: 0 desktops: simulate between 1 and 10000000");
    assert.equal(await page.getAttribute("#fleet-desktops", "aria-invalid"), "true");
    assert.equal(await page.evaluate(() => document.activeElement.id), "fleet-desktops", "the field in error has the focus");
    assert.equal(await page.isDisabled("#fleet-run"), false);
    await screenshot(page, "fleet-3-error");

    // Not a whole number: the tools module says so too.
    await fill(page, { desktops: 2.5 });
    await page.click("#fleet-run");
    await page.waitForFunction(() => /2\.5/.test(document.getElementById("fleet-error").textContent));
    assert.match(await page.textContent("#fleet-error"), /`desktops` must be a whole number, 0 or more; got the number 2\.5/);
    // Not a number at all: the page says which field.
    await fill(page, { desktops: "" });
    await page.locator("#fleet-desktops").pressSequentially("12e");
    await page.click("#fleet-run");
    await page.waitForFunction(() => /not a number/.test(document.getElementById("fleet-error").textContent));
    assert.equal(await page.textContent("#fleet-error"), "Cannot run: Desktops: that is not a number");
    // A spread that is not whole seconds: the field named by the message is marked.
    await fill(page, { desktops: 500, "failover-spread": 1.5 });
    await page.click("#fleet-run");
    await page.waitForFunction(() => /failover_spread/.test(document.getElementById("fleet-error").textContent));
    assert.equal(await page.getAttribute("#fleet-failover-spread", "aria-invalid"), "true");
    assert.equal(await page.getAttribute("#fleet-desktops", "aria-invalid"), null);

    // A valid run afterwards, started with Enter in a field, without a capacity.
    await fill(page, { "failover-spread": 0, capacity: "" });
    await page.press("#fleet-desktops", "Enter");
    assert.equal(await finished(page), "done", await page.textContent("#fleet-error"));
    assert.equal(await page.isVisible("#fleet-error"), false);
    assert.equal(await page.getAttribute("#fleet-failover-spread", "aria-invalid"), null);
    assert.equal((await page.innerHTML("#fleet-chart")).includes("registrar capacity"), false, "no capacity line without a capacity");
    assert.match(await shown(page, "verdict"), /^SiteB receives up to \d+ REGISTERs\/s \(at \d+:\d\d\) when SiteA is lost\.$/);
    assert.equal(await page.isVisible(".fleet-capacity"), false);
    assert.equal(await page.textContent("#fleet-command"), "continuity fleet fleet-bundle.json --desktops 500");
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("cancels a run by ending its worker, and the next run gets a fresh one", async () => {
    const { page, context, problems } = await openDemo(env, "fleet");
    const workers = [];
    page.on("worker", (worker) => workers.push(worker.url()));
    await fill(page, { desktops: 100_000, capacity: 40 });
    await page.click("#fleet-run");
    await page.waitForFunction(() => / desktops$/.test(document.getElementById("fleet-progress-text").textContent));
    await page.click("#fleet-cancel");
    assert.equal(await page.getAttribute("#fleet", "data-state"), "idle");
    assert.equal(await page.textContent("#fleet-status"), "Cancelled.");
    assert.equal(await page.isDisabled("#fleet-run"), false);
    assert.equal(await page.isVisible("#fleet-cancel"), false);

    await fill(page, { desktops: 300, capacity: "" });
    await page.click("#fleet-run");
    assert.equal(await finished(page), "done", await page.textContent("#fleet-error"));
    assert.equal(workers.filter((url) => url.endsWith("/fleet-worker.js")).length, 1, "one new worker after the cancel");
    assert.match(await page.textContent("#fleet-status"), /^Done in \d+\.\d s\.$/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("is never loaded by the Simulator: no tools module and no fleet worker until Fleet is opened", async () => {
    const { page, context, problems, requests } = await openDemo(env);
    assert.equal(await page.getAttribute("#mode-simulator", "aria-pressed"), "true");
    assert.equal(await page.isVisible("#fleet"), false);
    // A while of simulated time, and every view of the simulator.
    await page.click('[data-speed="600"]');
    await page.click("#play");
    await page.waitForFunction(() => document.getElementById("banner").dataset.phase === "active");
    for (const tab of ["#tab-trace", "#tab-status", "#tab-config", "#tab-log"]) await page.click(tab);
    await page.click("#play");
    const tools = (list) => list.filter((url) => /continuity_tools_bg\.wasm|fleet-worker\.js/.test(url));
    assert.deepEqual(tools(requests), [], "the Simulator requested the tools module");
    assert.ok(requests.some((url) => url.endsWith("/continuity_wasm_bg.wasm")), "the engine's module was requested");
    await screenshot(page, "fleet-4-simulator-without-tools");

    // Opening Fleet loads them; back to the Simulator, the session is where it was.
    const at = await page.getAttribute("#time", "data-ms");
    await Promise.all([page.waitForEvent("requestfinished", (request) => request.url().endsWith("/continuity_tools_bg.wasm")), page.click("#mode-fleet")]);
    assert.equal(tools(requests).length, 2, "the fleet worker and the tools module, once each");
    assert.equal(await page.isVisible("#fleet-form"), true);
    assert.equal(await page.isVisible("#sites"), false);
    await page.click("#mode-simulator");
    assert.equal(await page.isVisible("#sites"), true);
    assert.equal(await page.getAttribute("#time", "data-ms"), at);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
