// The test page's module: imports the package's web entry (without calling
// init, so the tests can see the package before it is loaded) and exposes it
// with a few helpers to the tests' page.evaluate callbacks. The tools entry
// is imported only by the tests that use it (`tools()`), as a page would.

import * as pkg from "/pkg/web/index.js";

/** The text of a file the test server serves. */
async function text(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response.text();
}

/** A scenario of tests/scenarios with the text of its bundle file. */
async function scenario(name) {
  const scenarioText = await text(`/scenarios/${name}.json`);
  const parsed = JSON.parse(scenarioText);
  const files = {};
  if (parsed.bundle_file !== undefined) files[parsed.bundle_file] = await text(`/scenarios/${parsed.bundle_file}`);
  return { text: scenarioText, scenario: parsed, files, trace: await text(`/scenarios/${name}.trace.jsonl`) };
}

/** What a test needs to know of an error thrown in the page. */
function describeError(error) {
  return {
    isError: error instanceof Error,
    isContinuityError: pkg.isContinuityError(error),
    isInstance: error instanceof pkg.ContinuityError,
    name: error?.name,
    code: error?.code,
    message: error?.message,
    diagnostics: error?.diagnostics,
  };
}

/** The tools entry (`continuity-engine/tools`), imported on first use, not initialized. */
function tools() {
  return import("/pkg/web/tools.js");
}

window.harness = { pkg, tools, text, scenario, describeError };
window.harnessReady = true;
