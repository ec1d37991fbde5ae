// End-to-end tests of the live mode in headless Chromium: the engine in the
// package's Web Worker driver, JsSIP as the phone, and two real sites on
// loopback (Kamailio with WebSocket and an in-memory registrar, and the link
// endpoints), killed and restored for real. What the SIP servers' location
// tables hold is read from the servers themselves. The demo bundle
// (live/bundle.json) uses short timings: T = W = 3 s, probes every 1 s,
// hold-down 3 s, spread 2 s, backoff 1–2 s, wake gap 2 s, recheck grace 2 s.
//
// Needs Kamailio with its WebSocket module (bash scripts/sip-server.sh install)
// and the built demo (bash scripts/build-web-demo.sh).

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { startLive } from "../live/sites.js";
import { launch, lines, openDemo, pageTrace, screenshot } from "./browser.js";

/** The bundle's site timeout T, hold-down, spread, probe interval, backoff cap (ms). */
const T = 3000;
const HOLD_DOWN = 3000;
const SPREAD = 2000;
const PROBE = 1000;
const CAP = 2000;
/** What a real stack adds on loopback: a WebSocket closing, a REGISTER, a probe in flight, the page's poll (1 s). */
const SLACK = 3000;

let env;
let sites;
before(async () => {
  sites = await startLive();
  env = await launch({ live: { sites } });
});
after(async () => {
  await env?.close();
  await sites?.stop();
});

/** What the SIP servers hold, straight from their location tables. */
async function registrations() {
  return sites.registrations();
}

/** Waits until `check()` holds (polling the servers every 100 ms); returns the ms it took. */
async function until(check, timeout, what) {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeout) throw new Error(`${what}: not within ${timeout} ms; the servers hold ${JSON.stringify(await registrations())}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const registeredAt = async (site) => (await registrations())[site]?.contacts.some((contact) => /agent1@127\.0\.0\.1/.test(contact.aor)) === true;
const onlyAt = (site, other) => async () => (await registeredAt(site)) && !(await registeredAt(other));

/** The ports of a site, for telling the browser's own reports of refused connections to a killed site from real errors. */
function portsOf(site) {
  const where = sites.describe().find((entry) => entry.name === site);
  return [where.sip, ...Object.values(where.links).flatMap((pair) => Object.values(pair))].map((url) => new URL(url).port);
}

/**
 * The page's problems, without the browser's own console reports of a
 * WebSocket refused by a killed site (Chromium logs those itself; the phone
 * and the links handle them as link_down). Anything else is a real problem.
 */
function realProblems(problems, killed) {
  const dead = new Set(killed.flatMap(portsOf));
  return problems.filter((problem) => {
    const refused = /WebSocket connection to 'ws:\/\/127\.0\.0\.1:(\d+)\/?' failed/.exec(problem);
    return refused === null || !dead.has(refused[1]);
  });
}

async function openLive() {
  const opened = await openDemo(env, "live");
  await opened.page.waitForFunction(() => document.body.classList.contains("live"));
  return opened;
}

async function activeOnSiteA(page) {
  await until(onlyAt("SiteA", "SiteB"), 10_000, "the agent registers at SiteA");
  await page.waitForFunction(() => document.getElementById("banner").dataset.phase === "active" && /on SiteA/.test(document.getElementById("banner-site").textContent));
  await page.waitForFunction(() => /agent registered/.test(document.querySelector('[data-server="SiteA"]').textContent));
}

describe("the live API", () => {
  it("describes the sites and a bundle that names their addresses", async () => {
    const response = await fetch(`${env.server.url}api/live`);
    assert.equal(response.status, 200);
    const { sites: described, bundle } = await response.json();
    assert.deepEqual(described.map((site) => site.name), ["SiteA", "SiteB"]);
    const sipA = bundle.servers.find((server) => server.name === "SIPS_A");
    assert.equal(`ws://${sipA.address}`, described[0].sip.replace(/\/$/, ""));
    const statBackupB = bundle.servers.find((server) => server.name === "Stat_B_B");
    assert.equal(`ws://${statBackupB.address}`, described[1].links["stat-server"].backup.replace(/\/$/, ""));
  });

  it("kills and restores only on a JSON POST from the page's origin, and names unknown sites", async () => {
    const kill = (headers, site = "SiteA") => fetch(`${env.server.url}api/live/sites/${site}/kill`, { method: "POST", headers, body: "{}" });
    assert.equal((await kill({ "content-type": "text/plain" })).status, 403);
    assert.equal((await kill({ "content-type": "application/json", origin: "http://evil.example" })).status, 403);
    assert.equal((await fetch(`${env.server.url}api/live/sites/SiteA/kill`)).status, 405);
    const unknown = await kill({ "content-type": "application/json" }, "SiteZ");
    assert.equal(unknown.status, 404);
    assert.match((await unknown.json()).error, /SiteZ/);
    assert.equal((await registrations()).SiteA.up, true, "nothing was killed");
  });

  it("says why when the server runs without live sites", async () => {
    const { startServer, DIST } = await import("../server.js");
    const plain = await startServer({ root: DIST, live: { off: "started with --no-live" } });
    try {
      const response = await fetch(`${plain.url}api/live`);
      assert.equal(response.status, 503);
      assert.match((await response.json()).error, /live mode is off: started with --no-live/);
    } finally {
      await plain.close();
    }
  });
});

describe("the live mode", () => {
  it("registers the agent at Site A, as Site A's SIP server reports", async () => {
    const { page, context, problems } = await openLive();
    await activeOnSiteA(page);
    assert.equal(await registeredAt("SiteB"), false);
    assert.match(await page.textContent('[data-believes="SiteA"]'), /phone registered here/);
    const trace = lines(await pageTrace(page));
    assert.deepEqual(trace.slice(0, 2).map((line) => line.output), [{ type: "connect", site: "SiteA" }, { type: "register_endpoint", site: "SiteA" }]);
    await screenshot(page, "live-1-registered-at-site-a");
    assert.deepEqual(realProblems(problems, []), []);
    await context.close();
  });

  it("moves the registration to Site B when Site A is killed, and back after the hold-down when it returns", async () => {
    const { page, context, problems } = await openLive();
    await activeOnSiteA(page);

    await page.click("#kill-SiteA");
    const switched = await until(onlyAt("SiteB", "SiteA"), T + SLACK + 5000, "the agent registers at SiteB");
    assert.ok(switched <= T + SLACK, `registered at SiteB ${switched} ms after SiteA died (T = ${T} ms)`);
    await page.waitForFunction(() => /SWITCHED SiteA => SiteB/.test(document.getElementById("log").textContent));
    await page.waitForFunction(() => /agent registered/.test(document.querySelector('[data-server="SiteB"]').textContent));
    await screenshot(page, "live-2-site-a-killed");

    await page.click("#restore-SiteA");
    const back = await until(onlyAt("SiteA", "SiteB"), HOLD_DOWN + SPREAD + PROBE + SLACK + 5000, "the agent is back at SiteA and gone from SiteB");
    assert.ok(back >= HOLD_DOWN, `back at SiteA after ${back} ms, not before the ${HOLD_DOWN} ms hold-down`);
    assert.ok(back <= HOLD_DOWN + SPREAD + PROBE + SLACK, `back at SiteA after ${back} ms (hold-down ${HOLD_DOWN} + spread ${SPREAD} + probe ${PROBE})`);
    await page.waitForFunction(() => /SWITCHED SiteB => SiteA \(auto-restore\)/.test(document.getElementById("log").textContent));
    await screenshot(page, "live-3-site-a-restored");
    assert.deepEqual(realProblems(problems, ["SiteA"]), []);
    await context.close();
  });

  it("reaches Site B within the recovery bound when both sites died and Site B returns", async () => {
    const { page, context, problems } = await openLive();
    await activeOnSiteA(page);
    await page.click("#kill-SiteA");
    await page.click("#kill-SiteB");
    await page.waitForFunction(() => document.getElementById("banner").dataset.phase === "all_sites_down", null, { timeout: 4 * T + SLACK });
    await screenshot(page, "live-4-all-sites-down");

    await page.click("#restore-SiteB");
    // Rule 5: with probes answered, within one probe interval; in any case within 2 × cap + T.
    const reached = await until(async () => registeredAt("SiteB"), 2 * CAP + T + SLACK + 5000, "the agent registers at SiteB");
    assert.ok(reached <= 2 * CAP + T + SLACK, `registered at SiteB ${reached} ms after it returned (bound 2 × cap + T = ${2 * CAP + T} ms)`);
    await page.waitForFunction(() => document.getElementById("banner").dataset.phase === "active" && /on SiteB/.test(document.getElementById("banner-site").textContent));
    // The page polls the registrars: shot once it shows what SiteB's says (Site A is down).
    await page.waitForFunction(() => [...document.querySelectorAll("[data-server]")].some((says) => says.textContent.startsWith("agent registered")));
    await screenshot(page, "live-4-site-b-reached");

    await page.click("#restore-SiteA");
    await until(onlyAt("SiteA", "SiteB"), HOLD_DOWN + SPREAD + PROBE + SLACK + 5000, "back at SiteA");
    assert.deepEqual(realProblems(problems, ["SiteA", "SiteB"]), []);
    await context.close();
  });

  it("rechecks after a freeze that outlived the switch deadline, and ends registered on a live site", async () => {
    const { page, context, problems } = await openLive();
    await activeOnSiteA(page);
    const [worker] = page.workers();
    assert.ok(worker !== undefined, "the engine runs in a Web Worker");
    const cdp = await context.newCDPSession(page);
    await cdp.send("Debugger.enable");

    // Site A dies; the engine announces the switch for T later …
    await sites.kill("SiteA");
    await page.waitForFunction(() => !document.getElementById("banner-pending").hidden);
    const pending = lines(await pageTrace(page)).findLast((line) => line.output.type === "switchover_pending");
    // … and the laptop sleeps through it: the worker held busy, the page's JavaScript paused.
    const frozenFor = T + 2000 + 2000;
    const held = worker.evaluate((ms) => {
      const end = Date.now() + ms;
      while (Date.now() < end);
    }, frozenFor);
    await cdp.send("Debugger.pause");
    await held;
    await cdp.send("Debugger.resume");

    // Waking long after the deadline, the engine rechecks Site A before acting on it.
    await page.waitForFunction(() => /recheck SiteA/.test(document.getElementById("log").textContent));
    const trace = lines(await pageTrace(page));
    const recheck = trace.find((line) => line.output.type === "recheck");
    assert.ok(recheck.at > pending.output.at + 2000, `the recheck (${recheck.at}) comes more than the wake gap after the deadline (${pending.output.at})`);
    assert.ok(!trace.some((line) => line.output.type === "switched" && line.at < recheck.at), "no switch on the stale deadline");
    await until(onlyAt("SiteB", "SiteA"), T + SLACK + 5000, "registered at SiteB after the recheck");
    await page.waitForFunction(() => /SWITCHED SiteA => SiteB/.test(document.getElementById("log").textContent));
    await screenshot(page, "live-5-woke-and-rechecked");

    await sites.restore("SiteA");
    await until(onlyAt("SiteA", "SiteB"), HOLD_DOWN + SPREAD + PROBE + SLACK + 5000, "back at SiteA");
    assert.deepEqual(realProblems(problems, ["SiteA"]), []);
    await context.close();
  });
});
