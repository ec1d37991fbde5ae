// Headless Chromium for the bundler and publish tests: Debian's Chromium
// driven by playwright-core (never `playwright`, never a browser download),
// and a page that records what a test must find clean — console errors and
// warnings (workers' too), uncaught errors, failed requests — and every
// request it made.

import { chromium } from "playwright-core";

const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-dev-shm-usage",
];

export function launch() {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS });
}

/**
 * Opens `url` in a fresh context; resolves to `{page, requests, problems,
 * close()}`. `requests` lists every request of the page and its workers as
 * `{url, status, type}` once answered; `problems` the console errors and
 * warnings, uncaught errors, failed requests and HTTP errors, as text.
 */
export async function openPage(browser, url) {
  const context = await browser.newContext();
  const requests = [];
  const problems = [];
  context.on("response", (response) => {
    requests.push({ url: response.url(), status: response.status(), type: response.headers()["content-type"] });
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  context.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  context.on("weberror", (error) => problems.push(`uncaught: ${error.error()?.stack ?? error.error()}`));
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  // Workers' console messages arrive here too. Warnings count: the glue
  // warns when it falls back from streaming compilation (a wrong MIME type).
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`);
  });
  await page.goto(url);
  return { page, requests, problems, close: () => context.close() };
}

/**
 * `page.evaluate(fn, arg)`, failing after `ms` rather than waiting forever on
 * a promise the page never settles (a worker that never answers).
 */
export async function evaluate(page, fn, arg, ms = 20_000) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the page did not answer within ${ms / 1000} s`)), ms);
  });
  const answer = page.evaluate(fn, arg);
  answer.catch(() => {}); // rejected when the test closes the page after `late`
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}
