// What the browser tests share: the demo's own server on 127.0.0.1, Debian's
// Chromium driven by playwright-core, a page that records every console
// error and failed request, and screenshots into tests/screenshots/.

import { mkdir } from "node:fs/promises";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

import { DIST, startServer } from "../server.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, "../..");
export const SCREENSHOTS = path.join(here, "screenshots");

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
];

/** Starts the server on the built demo (with `live` sites, if given) and Chromium; `close()` stops both. */
export async function launch({ live = null } = {}) {
  const server = await startServer({ root: DIST, live });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  await mkdir(SCREENSHOTS, { recursive: true });
  return {
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Opens the demo at 1366×768 with URL parameters (`seed`, `paused`, …) and
 * waits until it is ready. `problems` collects console errors, page errors,
 * failed requests and HTTP errors; `requests` the URL of every request the
 * page and its workers make.
 */
export async function openDemo(env, query = "seed=7&paused") {
  const context = await env.browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("worker", (worker) => worker.on("console", (message) => {
    if (message.type() === "error") problems.push(`worker console error: ${message.text()}`);
  }));
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.goto(`${env.server.url}?${query}`);
  await page.waitForSelector("body[data-ready]");
  const ready = await page.getAttribute("body", "data-ready");
  if (ready !== "true") throw new Error(`the page did not start: ${await page.textContent("#banner")}\n${problems.join("\n")}`);
  return { page, context, problems, requests };
}

/**
 * Asserts that the page is no wider than the window (no horizontal scroll)
 * and that every one of `selectors` ends on the first 768 px screen.
 */
export async function assertFirstScreen(page, selectors) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than 1366`);
  for (const selector of selectors) {
    const box = await page.locator(selector).boundingBox();
    assert.ok(box !== null && box.y + box.height <= 768, `${selector} is on the first screen`);
  }
}

/** Saves a screenshot of the whole page as tests/screenshots/NAME.png. */
export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** The page's clock, in virtual milliseconds. */
export async function now(page) {
  return Number(await page.getAttribute("#time", "data-ms"));
}

/** The page's trace (JSON Lines), as its Trace view shows it. */
export async function pageTrace(page) {
  return page.evaluate(() => document.getElementById("trace").textContent);
}

/** Every trace line, parsed. */
export function lines(trace) {
  return trace.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
}

/** Presses "Next deadline" and waits for the clock to move. */
export async function nextDeadline(page) {
  const before = await now(page);
  await page.click("#next");
  await page.waitForFunction((t) => document.getElementById("time").dataset.ms !== t, String(before));
  return { before, after: await now(page) };
}

/** Presses "Next deadline" until `done(trace lines)` holds, at most `max` times. */
export async function nextUntil(page, done, max = 50) {
  for (let i = 0; i < max; i++) {
    if (done(lines(await pageTrace(page)))) return;
    await nextDeadline(page);
  }
  throw new Error(`the awaited output did not come after ${max} deadlines; trace:\n${await pageTrace(page)}`);
}

/** Clicks a member of a site's pair to fail or restore it. */
export async function toggleMember(page, site, service, member) {
  await page.click(`[data-member="${site}/${service}/${member}"]`);
}
