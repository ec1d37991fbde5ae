// End-to-end tests of the simulator page in headless Chromium: what a person
// does on the page, and what the engine decides, checked against the rules'
// exact times and against `continuity simulate`. Each test saves a
// screenshot in tests/screenshots/.
//
// Needs the built demo: `bash scripts/build-web-demo.sh` (scripts/test-web-demo.sh does it).

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";

import { REPO, assertFirstScreen, launch, lines, nextDeadline, nextUntil, now, openDemo, pageTrace, screenshot, toggleMember } from "./browser.js";

const run = promisify(execFile);
/** The demo's bundle: examples/bundles/workspace.json (site timeout T = 60 s, default timings). */
const T = 60_000;

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

/** Lets the host answer the start (links up, phone registered): the desktop is active on SiteA. */
async function activeOnSiteA(page) {
  await page.click("#play");
  await page.waitForFunction(() => document.getElementById("banner").dataset.phase === "active" && document.querySelector('[data-phone="SiteA"]').textContent === "Phone: registered");
  await page.click("#play");
}

/** Fails both SiteA SIP Server members; returns when (virtual ms) the pair was lost. */
async function loseSiteASip(page) {
  await toggleMember(page, "SiteA", "sip-server", "primary");
  await toggleMember(page, "SiteA", "sip-server", "backup");
  return now(page);
}

const switched = (to, reason) => (trace) => trace.some((line) => line.output.type === "switched" && line.output.to === to && line.output.reason === reason);

describe("the simulator", () => {
  it("switches to Site B exactly T after both Site A SIP Server members fail, and the banner and timeline show it", async () => {
    const { page, context, problems } = await openDemo(env);
    await activeOnSiteA(page);
    const lost = await loseSiteASip(page);

    // The pending switch is announced with its deadline and a countdown.
    await page.waitForFunction(() => !document.getElementById("banner-pending").hidden);
    const pending = await page.textContent("#banner-pending");
    assert.match(pending, /switch to SiteB \(site-timeout\) in 1 min 00 s/);
    const announced = lines(await pageTrace(page)).find((line) => line.output.type === "switchover_pending" && line.output.reason === "site-timeout");
    assert.deepEqual(announced, { at: lost, output: { type: "switchover_pending", from: "SiteA", to: "SiteB", reason: "site-timeout", at: lost + T } });

    // "Next deadline" goes to that very millisecond.
    const { after: reached } = await nextDeadline(page);
    assert.equal(reached, lost + T);
    const trace = lines(await pageTrace(page));
    const switchLine = trace.find((line) => line.output.type === "switched");
    assert.deepEqual(switchLine, { at: lost + T, output: { type: "switched", from: "SiteA", to: "SiteB", reason: "site-timeout" } });
    // The commands of rule 4, in order, at the same time.
    const at = trace.filter((line) => line.at === lost + T).map((line) => line.output.type);
    assert.deepEqual(at.slice(0, 6), ["unregister_endpoint", "disconnect", "connect", "register_endpoint", "switched", "phase_changed"]);

    // The host connects to Site B and registers the phone there.
    await nextDeadline(page);
    await page.waitForFunction(() => document.getElementById("banner").dataset.phase === "active");
    assert.match(await page.textContent("#banner"), /ACTIVE\s*on SiteB \(peer\)/);
    assert.match(await page.getAttribute("#timeline", "aria-label"), /desktop on SiteB/);
    assert.match(await page.textContent("#timeline"), /SiteB · site-timeout/);
    assert.match(await page.textContent("#log"), /SWITCHED SiteA => SiteB \(site-timeout\)/);
    await screenshot(page, "1-switch-to-site-b");
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("waits for the active call to end before switching back", async () => {
    const { page, context, problems } = await openDemo(env);
    await activeOnSiteA(page);
    await loseSiteASip(page);
    await nextUntil(page, switched("SiteB", "site-timeout"));
    await page.click("#call-start");
    await page.waitForSelector("#calls li");
    await page.click("#restore-SiteA");

    // Healthy probes for the hold-down, then the switchback is scheduled inside the spread …
    await nextUntil(page, (trace) => trace.some((line) => line.output.type === "switchover_pending" && line.output.reason === "auto-restore"));
    const due = lines(await pageTrace(page)).findLast((line) => line.output.type === "switchover_pending").output.at;
    // … and falls due while the call is active: it waits (probes go on).
    while ((await now(page)) < due + 30_000) await nextDeadline(page);
    assert.ok(!switched("SiteA", "auto-restore")(lines(await pageTrace(page))), "no switchback while the call is active");
    assert.match(await page.textContent("#banner"), /on SiteB/);
    await screenshot(page, "2-switchback-waits-for-call");

    // The call ends: the switchback goes at once.
    const ended = await now(page);
    await page.click("#calls button");
    await page.waitForFunction(() => /SWITCHED SiteB => SiteA/.test(document.getElementById("log").textContent));
    const back = lines(await pageTrace(page)).find((line) => line.output.type === "switched" && line.output.to === "SiteA");
    assert.deepEqual(back, { at: ended, output: { type: "switched", from: "SiteB", to: "SiteA", reason: "auto-restore" } });
    await screenshot(page, "2-switchback-after-call");
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("shows an invalid configuration's diagnostics as you type, and the engine keeps the last valid one", async () => {
    const { page, context, problems } = await openDemo(env);
    await activeOnSiteA(page);
    await page.click("#tab-config");
    const text = await page.inputValue("#bundle-text");
    const bundle = JSON.parse(text);

    // Valid: a 20 s site timeout for the agent.
    bundle.person.options["interaction-workspace"]["disaster-recovery.timeout"] = "20";
    await page.fill("#bundle-text", JSON.stringify(bundle, null, 2));
    await page.waitForFunction(() => /^valid.*switch after 20\.0 s \(site\)/.test(document.getElementById("verdict").textContent));
    await page.click("#apply");
    await page.waitForFunction(() => /Applied/.test(document.getElementById("apply-result").textContent));

    // Invalid: a peer site that does not exist, and a misspelt option.
    bundle.person.options["interaction-workspace"]["disaster-recovery.peer-site"] = "SiteC";
    bundle.person.options["interaction-workspace"]["disaster-recovery.timout"] = "5";
    await page.fill("#bundle-text", JSON.stringify(bundle, null, 2));
    await page.waitForFunction(() => /^invalid/.test(document.getElementById("verdict").textContent));
    const diagnostics = await page.textContent("#diagnostics");
    assert.match(diagnostics, /person agent1/);
    assert.match(diagnostics, /SiteC/);
    assert.match(diagnostics, /did you mean `disaster-recovery\.timeout`\?/);
    await screenshot(page, "3-invalid-configuration");

    // Applied anyway, the engine refuses it (config_error) and the 20 s policy stays.
    await page.click("#apply");
    await page.waitForFunction(() => /Refused by the engine/.test(document.getElementById("apply-result").textContent));
    const refused = lines(await pageTrace(page)).find((line) => line.output.type === "config_error");
    assert.ok(refused.output.diagnostics.some((d) => d.severity === "error" && /SiteC/.test(d.message)));
    assert.match(await page.textContent("#policy"), /"site_timeout": 20000/);
    const lost = await loseSiteASip(page);
    const { after: reached } = await nextDeadline(page);
    assert.equal(reached, lost + 20_000, "the switch comes after the 20 s of the policy in force");
    assert.ok(switched("SiteB", "site-timeout")(lines(await pageTrace(page))));
    await screenshot(page, "3-last-valid-configuration-in-force");
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("reads the person's options from a .cfg export as you type, and applies them", async () => {
    const { page, context, problems } = await openDemo(env);
    await activeOnSiteA(page);
    await page.click("#tab-config");
    await page.click("#src-person");
    await page.check("#use-person");
    const broken = "; Genesys Administrator export of Person agent1\n[interaction-workspace]\ndisaster-recovery.preferred-site=SiteA\ndisaster-recovery.peer-site=SiteB\nthis line is not an option\n";
    await page.fill("#person-text", broken);
    await page.waitForFunction(() => /cannot be read/.test(document.getElementById("verdict").textContent));
    assert.match(await page.textContent("#verdict"), /line 5/);
    assert.equal(await page.isDisabled("#apply"), true, "nothing to apply while the export does not parse");

    await page.fill("#person-text", broken.replace("this line is not an option", "disaster-recovery.timeout=25"));
    await page.waitForFunction(() => /^valid.*switch after 25\.0 s \(site\)/.test(document.getElementById("verdict").textContent));
    await page.click("#apply");
    await page.waitForFunction(() => /Applied/.test(document.getElementById("apply-result").textContent));
    const loaded = lines(await pageTrace(page));
    assert.deepEqual(loaded.filter((line) => line.output.type === "config_error"), []);
    assert.match(await page.textContent("#policy"), /"site_timeout": 25000/);
    const lost = await loseSiteASip(page);
    const { after: reached } = await nextDeadline(page);
    assert.equal(reached, lost + 25_000);
    await screenshot(page, "3-person-cfg-export");
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("downloads a session as a scenario that continuity simulate replays to the page's trace, byte for byte", async () => {
    const { page, context, problems } = await openDemo(env, "seed=4242&paused");
    await activeOnSiteA(page);
    await page.click("#call-start");
    await loseSiteASip(page);
    // The laptop sleeps through the deadline: on waking it rechecks (rule 9).
    await page.fill("#sleep-seconds", "90");
    await page.click("#sleep");
    await nextUntil(page, (trace) => trace.some((line) => line.output.type === "recheck"));
    await nextUntil(page, switched("SiteB", "site-timeout"));
    // The host connects to Site B and the phone registers there on the way to the next deadline.
    await nextDeadline(page);
    await page.click("#calls button");
    await page.click("#restore-SiteA");
    await page.click("#drop-SiteB");
    await page.click("#switch-SiteA");
    // Back on Site A, pinned there: connected and registered on the way to its first deadline.
    await nextDeadline(page);
    await page.click("#play");
    await page.waitForTimeout(300);
    await page.click("#play");

    const folder = await mkdtemp(path.join(os.tmpdir(), "continuity-web-demo-"));
    try {
      const scenarioFile = path.join(folder, "session.json");
      const [scenarioDownload] = await Promise.all([page.waitForEvent("download"), page.click("#download-scenario")]);
      await scenarioDownload.saveAs(scenarioFile);
      const [traceDownload] = await Promise.all([page.waitForEvent("download"), page.click("#download-trace")]);
      const traceFile = path.join(folder, "session.trace.jsonl");
      await traceDownload.saveAs(traceFile);

      const shown = await pageTrace(page);
      const scenario = JSON.parse(await readFile(scenarioFile, "utf8"));
      assert.equal(scenario.seed, 4242);
      assert.equal(scenario.until, await now(page));
      assert.ok(scenario.steps.some((step) => step.freeze_until !== undefined), "the sleep is a freeze step");
      assert.ok(lines(shown).some((line) => line.output.type === "recheck"), "the session holds a recheck");
      assert.equal(await readFile(traceFile, "utf8"), shown, "the downloaded trace is the one shown");

      const { stdout } = await run("cargo", ["run", "-q", "--locked", "-p", "continuity-native", "--", "simulate", scenarioFile], { cwd: REPO, maxBuffer: 64 << 20 });
      assert.equal(stdout, shown, "continuity simulate prints the page's trace");
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    await page.click("#tab-trace");
    await screenshot(page, "4-session-trace");
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("runs a whole outage at 600× with no console error and no failed request", async () => {
    const { page, context, problems } = await openDemo(env, "seed=99");
    await page.click('[data-speed="600"]');
    await page.waitForFunction(() => document.getElementById("banner").dataset.phase === "active");
    await page.click("#fail-SiteA");
    await page.waitForFunction(() => /SWITCHED SiteA => SiteB/.test(document.getElementById("log").textContent), null, { timeout: 20_000 });
    await page.click("#restore-SiteA");
    await page.waitForFunction(() => /SWITCHED SiteB => SiteA \(auto-restore\)/.test(document.getElementById("log").textContent), null, { timeout: 30_000 });
    await page.click("#play");
    for (const tab of ["#tab-trace", "#tab-status", "#tab-config", "#tab-log"]) await page.click(tab);
    await screenshot(page, "5-whole-outage");
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe("scenario files", () => {
  const corpus = path.join(REPO, "tests/scenarios");
  const names = readdirSync(corpus).filter((name) => name.endsWith(".json")).sort();

  it("play every scenario of tests/scenarios/ from the library to its expected trace", async () => {
    assert.ok(names.length >= 59, `the corpus has ${names.length} scenarios`);
    const { page, context, problems } = await openDemo(env);
    for (const name of names) {
      await page.selectOption("#library", name);
      await page.waitForFunction((n) => document.getElementById("banner-mode").textContent.includes(n.replace(/\.json$/, "")), name);
      await page.click("#to-end");
      await page.waitForFunction(() => /scenario finished/.test(document.getElementById("banner-mode").textContent));
      const expected = readFileSync(path.join(corpus, name.replace(/\.json$/, ".trace.jsonl")), "utf8");
      assert.equal(await pageTrace(page), expected, `${name}: the page's trace`);
      if (name === "frozen-host-rechecks-then-switches.json") await screenshot(page, "6-scenario-playback");
    }
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("open from disk with the bundle and the option export they name, and play", async () => {
    const { page, context, problems } = await openDemo(env);
    const scenario = path.join(corpus, "options-from-cfg-export.json");
    const bundle = path.join(corpus, "bundles/two-site-cfg-export.json");
    const cfg = path.join(corpus, "bundles/exports/agent1.cfg");

    // Alone, the scenario cannot be played: the page says which file is missing.
    await page.setInputFiles("#open", [scenario]);
    await page.waitForFunction(() => /bundle_file/.test(document.getElementById("problem").textContent));
    assert.match(await page.textContent("#problem"), /open that file together with the scenario/);

    await page.setInputFiles("#open", [scenario, bundle, cfg]);
    await page.waitForFunction(() => /playing: options-from-cfg-export/.test(document.getElementById("banner-mode").textContent));
    await page.click("#to-end");
    await page.waitForFunction(() => /scenario finished/.test(document.getElementById("banner-mode").textContent));
    assert.equal(await pageTrace(page), readFileSync(scenario.replace(/\.json$/, ".trace.jsonl"), "utf8"));
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe("keyboard and layout", () => {
  it("reaches every control with Tab, each with a name, and fits 1366×768 without sideways scrolling", async () => {
    const { page, context, problems } = await openDemo(env);
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll("button, input, select, textarea, [tabindex]")]
        .filter((control) => !control.closest("[hidden]") && control.offsetParent !== null)
        .filter((control) => {
          const label = control.getAttribute("aria-label") ?? control.labels?.[0]?.textContent ?? control.textContent;
          return (label ?? "").trim() === "";
        })
        .map((control) => control.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unnamed, [], "controls without a name");

    // Tab through the page: every enabled button, input and select gets focus.
    const reached = new Set();
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press("Tab");
      const id = await page.evaluate(() => {
        const active = document.activeElement;
        return active?.id || active?.dataset?.member || active?.dataset?.speed || active?.textContent?.trim().slice(0, 30);
      });
      reached.add(id);
    }
    for (const id of ["seed", "restart", "library", "open", "download-scenario", "play", "10", "600", "sleep-seconds", "sleep", "fail-SiteA", "SiteA/sip-server/primary", "SiteB/config-server/backup", "switch-SiteB", "call-start", "tab-log"]) {
      assert.ok(reached.has(id), `Tab reaches ${id}`);
    }

    // Keyboard alone: fail a member with Enter, move between views with the arrow keys.
    await page.focus('[data-member="SiteA/stat-server/primary"]');
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector('[data-member="SiteA/stat-server/primary"]').dataset.state === "down");
    assert.match(await page.getAttribute('[data-member="SiteA/stat-server/primary"]', "aria-label"), /SiteA Stat Server primary: down \(press to restore\)/);
    await page.focus("#tab-log");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    assert.equal(await page.getAttribute("#tab-status", "aria-selected"), "true");
    assert.equal(await page.isVisible("#panel-status"), true);

    // The banner, the clock, both sites and the timeline are on the first screen.
    await assertFirstScreen(page, ["#banner", "#play", "#fail-SiteB", "#timeline"]);
    await screenshot(page, "7-keyboard");
    assert.deepEqual(problems, []);
    await context.close();
  });
});
