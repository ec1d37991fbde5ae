// The simulator page: a session (session.js) on a virtual clock, the
// controls of its world, and the views of what the engine decided — the
// banner, the timeline, the log, the trace, status() and the configuration.
//
// URL parameters, for links and tests: `seed=N` (default: drawn), `paused`
// (start with the clock paused), `speed=1|10|60|600`, `scenario=PATH` (play
// a scenario of the library, as `scenarios/index.json` lists them), `live`
// (open in live mode: real sites, live.js), `fleet` (open the Fleet view:
// fleet.js, which starts the tools module's worker only then).

import { init, traceLine, validate } from "continuity-engine";

import defaultBundle from "../../examples/bundles/workspace.json";
import { ConfigEditor } from "./editor.js";
import { FleetView } from "./fleet.js";
import { LiveSession } from "./live.js";
import { Session } from "./session.js";
import { renderTimeline } from "./timeline.js";
import { loadTools, toolsNow } from "./tools.js";
import { MEMBERS, SERVICES } from "./world.js";
import { clockText, durationText, secondsText, serviceText } from "./words.js";

const SPEEDS = [1, 10, 60, 600];
/** The log keeps this many rows on the page (the record and the trace keep everything). */
const LOG_ROWS = 1500;
/** The timeline shows at least this much time. */
const MIN_WINDOW = 3 * 60_000;
/** In live mode, the timeline shows this much of the past. */
const LIVE_WINDOW = 5 * 60_000;

const el = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const state = {
  /** @type {Session | null} */
  session: null,
  /** Whether the Fleet view is shown (the session stays, its clock paused). */
  fleet: false,
  running: !params.has("paused"),
  speed: SPEEDS.includes(Number(params.get("speed"))) ? Number(params.get("speed")) : 1,
  /** The bundle in force: the one the session started with, or the last valid one applied. */
  inForce: defaultBundle,
  lastFrame: null,
  carry: 0,
  logShown: 0,
  traceShown: 0,
  dirty: true,
  lastChart: 0,
};

// ------------------------------------------------------------------ session

/** Starts a new simulated session; the old one is disposed. */
async function startSession({ bundle, seed, playback = null }) {
  leave();
  const session = await Session.start({ bundle, seed, playback });
  return show(session);
}

/** Starts a live session on the demo server's sites; the old one is disposed. */
async function startLive() {
  leave();
  const response = await fetch("api/live");
  const environment = await response.json();
  if (!response.ok) throw new Error(environment.error ?? `live mode: HTTP ${response.status}`);
  const session = await LiveSession.start(environment);
  state.poll = setInterval(() => session.poll().catch(() => {}), 1000);
  return show(session);
}

function leave() {
  clearInterval(state.poll);
  state.session?.dispose();
  state.session = null;
}

const SUBTITLES = {
  simulator: "agent desktop · simulator in virtual time",
  live: "agent desktop · live: a real SIP phone against two real SIP servers",
  fleet: "fleet · what a site's loss does to the other site's SIP Server",
};

function setMode(live) {
  const mode = state.fleet ? "fleet" : live ? "live" : "simulator";
  document.body.classList.toggle("live", live);
  document.body.classList.toggle("fleet", state.fleet);
  for (const name of Object.keys(SUBTITLES)) el(`mode-${name}`).setAttribute("aria-pressed", String(name === mode));
  el("subtitle").textContent = SUBTITLES[mode];
}

function show(session) {
  state.session = session;
  state.logShown = 0;
  state.traceShown = 0;
  awaiting.clear();
  el("log").replaceChildren();
  el("trace").textContent = "";
  el("seed").value = String(session.seed);
  setMode(session.live === true);
  session.subscribe(() => {
    state.dirty = true;
  });
  buildSites(session);
  el("policy").textContent = JSON.stringify(session.policy, null, 2);
  state.dirty = true;
  render();
  return session;
}

function drawSeed() {
  const [seed] = crypto.getRandomValues(new Uint32Array(1));
  return seed;
}

function seedField() {
  const value = Number(el("seed").value);
  return Number.isSafeInteger(value) && value >= 0 ? value : drawSeed();
}

// -------------------------------------------------------------------- fleet

/** Shows or hides the Fleet view; the session behind it stays as it is. */
function showFleet(on) {
  state.fleet = on;
  setMode(state.session?.live === true);
  if (on) fleet.open();
}

/**
 * The bundle the Fleet view simulates: the Configuration tab's when it
 * validates (with its option exports read in, when it uses them), else the
 * demo's default bundle.
 */
function fleetSource() {
  const current = editor.check();
  let bundle = null;
  let edited = false;
  if (current.error === undefined && current.report.valid) {
    const exports = Object.keys(current.files).length > 0;
    edited = exports || JSON.stringify(current.bundle) !== JSON.stringify(defaultBundle);
    try {
      // The exports were read by the tools entry the editor loaded for them.
      bundle = exports ? toolsNow().resolveOptionFiles(current.bundle, current.files).bundle : current.bundle;
    } catch {
      bundle = null;
      edited = false;
    }
  }
  const why = bundle === null ? " (the Configuration tab's bundle does not validate)" : edited ? "" : ", as the Configuration tab holds it";
  bundle ??= defaultBundle;
  const policy = validate(bundle).policy;
  const about = edited ? "the bundle in the Configuration tab (edited)" : `examples/bundles/workspace.json, the demo's bundle${why}`;
  const sites = policy === null ? "" : ` — ${policy.preferred} preferred, ${policy.peer} its peer, site timeout ${secondsText(policy.timing_ms.site_timeout)}`;
  return { bundle, policy, about: `${about}${sites}` };
}

// -------------------------------------------------------------------- clock

function frame(time) {
  const session = state.session;
  // The Fleet view hides the session: its clock waits (and does not jump on return).
  if (state.fleet) {
    state.lastFrame = null;
    requestAnimationFrame(frame);
    return;
  }
  if (session !== null && !session.live && state.running && state.lastFrame !== null) {
    // Real time times the speed; at most a second of real time per frame
    // (a background tab's frames are rare), in whole virtual milliseconds.
    state.carry += Math.min(1000, time - state.lastFrame) * state.speed;
    const step = Math.floor(state.carry);
    state.carry -= step;
    if (step > 0) advance(session, session.clock.now() + step);
  }
  state.lastFrame = time;
  render();
  requestAnimationFrame(frame);
}

function advance(session, target) {
  session.clock.advanceTo(target);
  state.dirty = true;
  if (session.finished && state.running) setRunning(false);
}

function setRunning(running) {
  state.running = running;
  state.carry = 0;
  const button = el("play");
  button.textContent = running ? "Pause" : "Play";
  button.setAttribute("aria-pressed", String(running));
}

function setSpeed(speed) {
  state.speed = speed;
  for (const button of document.querySelectorAll("[data-speed]")) {
    button.setAttribute("aria-pressed", String(Number(button.dataset.speed) === speed));
  }
}

/** Where "Next deadline" goes: the engine's next deadline (after a sleep, its end), else the next thing on the clock. */
function nextTarget(session) {
  const timer = session.status?.next_timer ?? null;
  const { clock } = session;
  if (timer !== null) {
    const at = clock.asleep ? Math.max(timer.at, clock.asleepUntil) : timer.at;
    return { at, what: timer.timer };
  }
  const at = clock.nextAt();
  return at === null ? null : { at, what: session.playback !== null ? "next step" : "host" };
}

// ------------------------------------------------------------------- sites

/** A site's card and its header: the name in the site's colour, its role, and where the desktop is. */
function siteCard(session, site, index) {
  const card = document.createElement("section");
  card.className = "card site";
  card.style.setProperty("--site", `var(--site-${index})`);
  card.setAttribute("aria-label", `Site ${site}`);
  const head = document.createElement("header");
  const title = document.createElement("h2");
  title.textContent = site;
  const role = document.createElement("span");
  role.className = "role";
  role.textContent = session.policy?.preferred === site ? "preferred" : session.policy?.peer === site ? "peer" : "";
  const here = document.createElement("span");
  here.className = "here";
  here.dataset.here = site;
  head.append(title, role, here);
  return { card, head };
}

/** The site cards: built once per session, updated by render(). */
function buildSites(session) {
  if (session.live) return buildLiveSites(session);
  const cards = el("site-cards");
  cards.replaceChildren();
  const interactive = session.world !== null;
  session.sites.forEach((site, index) => {
    const { card, head } = siteCard(session, site, index);

    const whole = document.createElement("div");
    whole.className = "row";
    const fail = button(`Fail ${site}`, () => session.world.setSite(site, false), `fail-${site}`);
    const restore = button(`Restore ${site}`, () => session.world.setSite(site, true), `restore-${site}`);
    whole.append(fail, restore);

    const table = membersTable(`${site} servers: press a member to fail or restore it`, () => MEMBERS, (service, member) => {
      const toggle = button(member, () => session.world.setMember(site, service, member, !session.world.isUp(site, service, member)));
      toggle.className = "member";
      toggle.dataset.member = `${site}/${service}/${member}`;
      return toggle;
    });

    const phone = document.createElement("div");
    phone.className = "row phone";
    const registration = document.createElement("span");
    registration.dataset.phone = site;
    const drop = button("Drop", () => session.host.dropRegistration(site), `drop-${site}`);
    drop.setAttribute("aria-label", `Drop the phone's registration at ${site}`);
    drop.title = "The registrar loses the phone's registration (the phone reports endpoint_unregistered)";
    const again = button("Register", () => session.host.registerAgain(site), `register-${site}`);
    again.setAttribute("aria-label", `The phone registers again at ${site}`);
    again.title = "The phone registers again where the engine wants it (endpoint_registered)";
    phone.append(registration, drop, again);

    const manual = button(`Switch to ${site}`, () => session.feed({ type: "switch_requested", site }), `switch-${site}`);
    manual.className = "manual";
    manual.title = "The agent asks to switch now (switch_requested): manual, and pinned there";
    whole.append(manual);
    card.append(head, whole, table, phone);
    for (const control of card.querySelectorAll("button")) {
      if (!interactive) control.disabled = true;
    }
    cards.append(card);
  });
  el("call-start").disabled = !interactive;
}

/** A site's table of services (rows) and members (cells made by `cell`), captioned for screen readers. */
function membersTable(captionText, members, cell) {
  const table = document.createElement("table");
  table.className = "members";
  const caption = document.createElement("caption");
  caption.className = "sr-only";
  caption.textContent = captionText;
  table.append(caption);
  for (const [service, label] of SERVICES) {
    const row = document.createElement("tr");
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = label;
    row.append(name);
    for (const member of members(service)) {
      const td = document.createElement("td");
      td.append(cell(service, member));
      row.append(td);
    }
    table.append(row);
  }
  return table;
}

function button(text, onClick, id) {
  const control = document.createElement("button");
  control.type = "button";
  control.textContent = text;
  if (id !== undefined) control.id = id.replace(/[^A-Za-z0-9_-]/g, "_");
  control.addEventListener("click", onClick);
  return control;
}

/** A member's state as the page knows it: the world's (simulator), or the inputs' (playback, live). */
function memberState(session, site, service, member) {
  if (session.world !== null) return session.world.isUp(site, service, member) ? "up" : "down";
  return session.history.reported(site, service, member);
}

function updateSites(session) {
  if (session.live) return updateLiveSites(session);
  const status = session.status;
  const asleep = session.clock.asleep;
  const interactive = session.world !== null;
  for (const toggle of document.querySelectorAll("[data-member]")) {
    const [site, service, member] = toggle.dataset.member.split("/");
    const up = memberState(session, site, service, member);
    toggle.dataset.state = up;
    toggle.textContent = member;
    toggle.setAttribute("aria-label", `${site} ${serviceText(service)} ${member}: ${up}${interactive ? (up === "up" ? " (press to fail)" : " (press to restore)") : ""}`);
    toggle.setAttribute("aria-pressed", String(up === "up"));
  }
  markWhereTheDesktopIs(status);
  for (const label of document.querySelectorAll("[data-phone]")) {
    const site = label.dataset.phone;
    const registered = interactive ? session.world.isRegistered(site) : session.history.endpoint[site]?.at(-1)?.registered === true;
    label.textContent = `Phone: ${registered ? "registered" : "not registered"}`;
    label.className = registered ? "ok" : "muted";
    if (interactive) {
      el(`drop-${site}`.replace(/[^A-Za-z0-9_-]/g, "_")).disabled = !registered;
      el(`register-${site}`.replace(/[^A-Za-z0-9_-]/g, "_")).disabled = !session.host.canRegister(site) || asleep;
      el(`switch-${site}`.replace(/[^A-Za-z0-9_-]/g, "_")).disabled = asleep;
    }
  }
  if (interactive) el("call-start").disabled = asleep;
  updateCalls(session, asleep);
  el("desktop-note").textContent = asleep
    ? `The host is asleep until ${clockText(session.clock.asleepUntil)}: the desktop cannot be used; the world goes on, and what the host observes waits for it to wake.`
    : session.playback !== null
      ? `Playing the scenario “${session.playback.name}”: its steps drive the engine; the controls of the world are off.`
      : "";
}

/** Live site cards: kill and restore, the links as the stack reports them, and the registration as the SIP server and the engine see it. */
function buildLiveSites(session) {
  const cards = el("site-cards");
  cards.replaceChildren();
  session.sites.forEach((site, index) => {
    const { card, head } = siteCard(session, site, index);

    const row = document.createElement("div");
    row.className = "row";
    const kill = button(`Kill ${site}`, () => guard(session.site(site, "kill")), `kill-${site}`);
    kill.title = "Kills its SIP server and link endpoints at once, as a power loss would";
    const restore = button(`Restore ${site}`, () => guard(session.site(site, "restore")), `restore-${site}`);
    const manual = button(`Switch to ${site}`, () => session.feed({ type: "switch_requested", site }), `switch-${site}`);
    manual.className = "manual";
    row.append(kill, restore, manual);

    const table = membersTable(`${site} links, as the desktop's stack last reported them`, session.history.members, (service, member) => {
      const stateLabel = document.createElement("span");
      stateLabel.className = "state";
      stateLabel.dataset.link = `${site}/${service}/${member}`;
      stateLabel.textContent = member;
      return stateLabel;
    });

    const reports = document.createElement("dl");
    reports.className = "reports";
    const server = document.createElement("dt");
    server.textContent = "SIP server says";
    const serverSays = document.createElement("dd");
    serverSays.dataset.server = site;
    const engine = document.createElement("dt");
    engine.textContent = "Engine believes";
    const engineSays = document.createElement("dd");
    engineSays.dataset.believes = site;
    reports.append(server, serverSays, engine, engineSays);
    card.append(head, row, table, reports);
    cards.append(card);
  });
  el("call-start").disabled = false;
}

/** "desktop here · PHASE" on the card of the site the desktop is on. */
function markWhereTheDesktopIs(status) {
  for (const here of document.querySelectorAll("[data-here]")) {
    const on = status?.site === here.dataset.here;
    here.textContent = on ? `desktop here · ${status.phase.replaceAll("_", " ")}` : "";
  }
}

function updateLiveSites(session) {
  const status = session.status;
  for (const label of document.querySelectorAll("[data-link]")) {
    const [site, service, member] = label.dataset.link.split("/");
    const up = memberState(session, site, service, member);
    label.dataset.state = up;
    label.setAttribute("aria-label", `${site} ${serviceText(service)} ${member}: ${up}`);
  }
  markWhereTheDesktopIs(status);
  for (const says of document.querySelectorAll("[data-server]")) {
    const report = session.registrations?.[says.dataset.server];
    if (report === undefined) says.textContent = "…";
    else if (!report.up) says.textContent = "down (killed)";
    else if (report.contacts.length === 0) says.textContent = "no registration";
    else says.textContent = `agent registered (${report.contacts.map((c) => `expires in ${c.expires} s`).join(", ")})`;
    says.className = report?.up === false ? "bad" : report?.contacts?.length > 0 ? "ok" : "";
  }
  for (const believes of document.querySelectorAll("[data-believes]")) {
    const site = believes.dataset.believes;
    const here = status?.site === site;
    believes.textContent = here ? (status.endpoint_registered ? "phone registered here" : "phone not registered yet") : "not here";
    believes.className = here && status.endpoint_registered ? "ok" : "";
  }
  updateCalls(session, false);
  el("desktop-note").textContent = "";
}

function updateCalls(session, asleep) {
  const list = el("calls");
  const calls = session.status?.interactions ?? [];
  const shown = [...list.children].map((item) => item.dataset.call);
  if (shown.join("\n") === calls.join("\n") && list.dataset.asleep === String(asleep)) return;
  list.dataset.asleep = String(asleep);
  list.replaceChildren(
    ...calls.map((id) => {
      const item = document.createElement("li");
      item.dataset.call = id;
      const end = button(`End ${id}`, () => session.endCall(id));
      end.disabled = asleep || session.world === null;
      item.append(end);
      return item;
    }),
  );
}

// ------------------------------------------------------------------- render

function render() {
  const session = state.session;
  if (session === null) return;
  const now = session.clock.now();
  el("time").textContent = clockText(now);
  el("time").dataset.ms = String(now);
  renderBanner(session, now);
  const next = nextTarget(session);
  el("next").disabled = next === null || (session.clock.stopAt !== null && now >= session.clock.stopAt);
  el("next-what").textContent = next === null ? "nothing scheduled" : `${clockText(next.at)} · ${next.what}`;
  el("sleep").disabled = session.world === null;
  el("to-end").hidden = session.playback === null;
  el("to-end").disabled = session.finished;
  if (!state.dirty) return;
  updateSites(session);
  renderLog(session);
  renderTrace(session);
  el("status").textContent = JSON.stringify(session.status, null, 2);
  // The timeline at most ten times a second while the clock runs.
  const wall = performance.now();
  if (wall - state.lastChart >= 100 || !state.running) {
    state.lastChart = wall;
    renderTimeline(el("timeline"), timelineModel(session, now));
    state.dirty = false;
  }
}

function renderBanner(session, now) {
  const status = session.status;
  const banner = el("banner");
  banner.dataset.phase = status.phase;
  el("banner-phase").textContent = status.phase.replaceAll("_", " ").toUpperCase();
  el("banner-site").textContent = status.site === null ? "" : `on ${status.site} (${status.role})`;
  const pending = el("banner-pending");
  if (status.pending === null) {
    pending.hidden = true;
  } else {
    pending.hidden = false;
    const left = status.pending.at - now;
    const calls = status.interactions.length;
    pending.textContent = left > 0
      ? `switch to ${status.pending.to} (${status.pending.reason}) in ${durationText(left)}, at ${clockText(status.pending.at)}`
      : `switch to ${status.pending.to} (${status.pending.reason}) due since ${clockText(status.pending.at)}${calls > 0 ? ` · ${calls} call${calls === 1 ? "" : "s"} active` : ""}`;
  }
  el("banner-pinned").hidden = !status.pinned;
  const asleep = el("banner-asleep");
  asleep.hidden = !session.clock.asleep;
  asleep.textContent = session.clock.asleep ? `host asleep until ${clockText(session.clock.asleepUntil)}` : "";
  const mode = el("banner-mode");
  mode.hidden = session.playback === null;
  mode.textContent = session.playback === null ? "" : `${session.finished ? "scenario finished" : "playing"}: ${session.playback.name}`;
}

const KIND_MARK = { input: "←", command: "→", notice: "★", host: "!", sleep: "☾" };

function renderLog(session) {
  const list = el("log");
  const panel = el("panel-log");
  const atBottom = panel.scrollTop + panel.clientHeight >= panel.scrollHeight - 4;
  const rows = [];
  for (; state.logShown < session.log.length; state.logShown++) {
    const entry = session.log[state.logShown];
    const item = document.createElement("li");
    item.className = entry.kind;
    const time = document.createElement("time");
    time.textContent = clockText(entry.at);
    const mark = document.createElement("span");
    mark.className = "mark";
    mark.textContent = KIND_MARK[entry.kind] ?? "";
    mark.setAttribute("aria-label", entry.kind);
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = entry.text;
    item.append(time, mark, text);
    rows.push(item);
    if (entry.kind === "input") awaiting.set(entry, item);
  }
  if (rows.length > 0) list.append(...rows);
  while (list.children.length > LOG_ROWS) list.firstElementChild.remove();
  // What became of an input arrives with its promise, after its row was drawn.
  for (const [entry, item] of awaiting) {
    if (entry.handled === undefined) continue;
    awaiting.delete(entry);
    if (entry.handled === "applied") continue;
    const note = document.createElement("span");
    note.className = "handled";
    note.textContent = entry.handled === "refused" || entry.handled === "invalid" ? entry.handled : `ignored: ${entry.handled}`;
    item.append(note);
  }
  if (atBottom) panel.scrollTop = panel.scrollHeight;
}

/** Log rows of inputs whose answer has not come yet. */
const awaiting = new Map();

function renderTrace(session) {
  if (state.traceShown === session.emitted.length) return;
  const pre = el("trace");
  pre.append(session.emitted.slice(state.traceShown).map(traceLine).join(""));
  state.traceShown = session.emitted.length;
}

function timelineModel(session, now) {
  // Live: the last few minutes, from at least half a minute on; simulated: the whole session.
  const start = session.live ? Math.max(0, now - LIVE_WINDOW) : 0;
  const end = Math.max(now, start + (session.live ? 30_000 : MIN_WINDOW), session.status?.pending?.at ?? 0);
  return {
    start,
    end: end + Math.round((end - start) * 0.04),
    now,
    sites: session.sites,
    services: SERVICES.map(([service]) => service),
    links: session.history.links,
    endpoint: session.history.endpoint,
    desktop: session.history.desktop,
    switches: session.history.switches,
    pending: session.history.pending,
    sleeps: session.history.sleeps,
  };
}

// ------------------------------------------------------------- scenarios

/** Loads the library's index into the select. */
async function loadLibrary() {
  const response = await fetch("scenarios/index.json");
  if (!response.ok) return;
  const entries = await response.json();
  const select = el("library");
  const groups = new Map([["examples/", "Examples"], ["", "Scenario corpus (tests/scenarios)"]]);
  for (const [prefix, label] of groups) {
    const group = document.createElement("optgroup");
    group.label = label;
    for (const entry of entries.filter((e) => (prefix === "" ? !e.path.startsWith("examples/") : e.path.startsWith(prefix)))) {
      const option = document.createElement("option");
      option.value = entry.path;
      option.textContent = entry.name;
      option.title = entry.description;
      group.append(option);
    }
    select.append(group);
  }
}

/** Fetches a library scenario and the files it names, and plays it. */
async function playLibrary(path) {
  const base = new URL(`scenarios/${path}`, location.href);
  const text = await fetchText(base);
  const files = {};
  const scenario = JSON.parse(text);
  let bundleBase = base;
  if (typeof scenario.bundle_file === "string") {
    bundleBase = new URL(scenario.bundle_file, base);
    files[scenario.bundle_file] = await fetchText(bundleBase);
  }
  const bundle = scenario.bundle ?? JSON.parse(files[scenario.bundle_file]);
  for (const written of optionFiles(bundle)) files[written] = await fetchText(new URL(written, bundleBase));
  await playScenario(path.replace(/^.*\//, "").replace(/\.json$/, ""), scenario, files);
}

async function fetchText(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname}: ${response.status} ${response.statusText}`);
  return response.text();
}

/** The `options_file` paths a bundle names. */
function optionFiles(bundle) {
  const objects = [bundle.application, bundle.tenant, bundle.person, ...(bundle.agent_groups ?? []), ...(bundle.servers ?? []), ...(bundle.desktop_applications ?? [])];
  return objects.filter((object) => typeof object?.options_file === "string").map((object) => object.options_file);
}

/**
 * Plays a scenario: its bundle (inline, or `bundle_file` from `files`), its
 * option exports read into it, its seed and steps; the clock stops at its
 * `until`.
 */
async function playScenario(name, scenario, files) {
  if (!Array.isArray(scenario.steps)) throw new Error(`${name} is not a scenario: it has no "steps"`);
  let bundle = scenario.bundle;
  if (bundle === undefined) {
    const text = files[scenario.bundle_file];
    if (text === undefined) throw new Error(`${name} names its bundle in bundle_file "${scenario.bundle_file}": open that file together with the scenario`);
    bundle = JSON.parse(text);
  }
  const missing = optionFiles(bundle).filter((file) => files[file] === undefined);
  if (missing.length > 0) throw new Error(`${name}'s bundle reads its options from ${missing.join(", ")}: open ${missing.length === 1 ? "that file" : "those files"} together with the scenario`);
  const resolved = optionFiles(bundle).length === 0 ? bundle : (await loadTools()).resolveOptionFiles(bundle, files).bundle;
  const seed = scenario.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new Error(`${name}: the seed ${seed} is too large for this page (at most 2^53 - 1)`);
  const steps = scenario.steps;
  const until = scenario.until ?? steps.reduce((latest, step) => Math.max(latest, step.at), 0);
  state.inForce = resolved;
  editor.show(resolved);
  await startSession({ bundle: resolved, seed, playback: { name, description: scenario.description ?? null, steps, until } });
}

/** Opens files the person chose: a scenario (with the bundle and exports it names), a bundle, or an option export. */
async function openFiles(fileList) {
  const texts = {};
  for (const file of fileList) texts[file.name] = await file.text();
  const byName = (written) => texts[written] ?? texts[written.replace(/^.*[\\/]/, "")];
  const jsons = Object.entries(texts).filter(([name]) => !name.endsWith(".cfg"));
  const scenarioEntry = jsons.find(([, text]) => Array.isArray(tryJson(text)?.steps));
  if (scenarioEntry !== undefined) {
    const [name, text] = scenarioEntry;
    const scenario = JSON.parse(text);
    const files = {};
    if (typeof scenario.bundle_file === "string" && byName(scenario.bundle_file) !== undefined) files[scenario.bundle_file] = byName(scenario.bundle_file);
    const bundle = scenario.bundle ?? tryJson(files[scenario.bundle_file] ?? "null");
    for (const written of bundle === null ? [] : optionFiles(bundle)) if (byName(written) !== undefined) files[written] = byName(written);
    return playScenario(name.replace(/\.json$/, ""), scenario, files);
  }
  const bundleEntry = jsons.find(([, text]) => tryJson(text)?.version !== undefined);
  if (bundleEntry !== undefined) {
    showTab("tab-config");
    editor.text.value = bundleEntry[1];
    editor.check();
    return undefined;
  }
  const cfg = Object.entries(texts).find(([name]) => name.endsWith(".cfg"));
  if (cfg !== undefined) {
    (await loadTools()).parseCfg(cfg[1]);
    showTab("tab-config");
    editor.showExport("person", cfg[1]);
    showEditorTab("src-person");
    return undefined;
  }
  throw new Error("none of the files is a scenario (JSON with steps), a bundle (JSON with version) or an option export (.cfg)");
}

function tryJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function download(name, text, type) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

// --------------------------------------------------------------- tabs

/** Tabs with arrow keys, Home and End (the WAI-ARIA tabs pattern). */
function tabs(list, onSelect) {
  const all = [...list.querySelectorAll('[role="tab"]')];
  const select = (tab) => {
    for (const other of all) {
      const on = other === tab;
      other.setAttribute("aria-selected", String(on));
      other.tabIndex = on ? 0 : -1;
      el(other.getAttribute("aria-controls")).hidden = !on;
    }
    onSelect?.(tab);
  };
  for (const tab of all) {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (event) => {
      const index = all.indexOf(tab);
      const to = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: all.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      const target = all[(to + all.length) % all.length];
      target.focus();
      select(target);
    });
  }
  return select;
}

let showTab;
let showEditorTab;

// ----------------------------------------------------------------- wiring

const fleet = new FleetView({ source: fleetSource, download });

const editor = new ConfigEditor({
  onApply: async (bundle, report) => {
    const session = state.session;
    if (session === null) return;
    const before = session.emitted.length;
    await session.feed({ type: "config_loaded", bundle });
    const refused = session.emitted.slice(before).find((emitted) => emitted.output.type === "config_error");
    if (refused !== undefined) {
      editor.applied(`Refused by the engine (config_error, ${refused.output.diagnostics.filter((d) => d.severity === "error").length} error(s)): the configuration in force stays.`);
    } else {
      if (report.valid) state.inForce = bundle;
      session.policy = await session.driver.policy();
      editor.applied(`Applied at ${clockText(session.clock.now())}: the engine runs on the new configuration.`);
      state.dirty = true;
    }
    el("policy").textContent = JSON.stringify(session.policy, null, 2);
  },
});

function wire() {
  el("play").addEventListener("click", () => setRunning(!state.running));
  for (const speed of document.querySelectorAll("[data-speed]")) {
    speed.addEventListener("click", () => setSpeed(Number(speed.dataset.speed)));
  }
  el("next").addEventListener("click", () => {
    const session = state.session;
    const next = session === null ? null : nextTarget(session);
    if (next !== null) advance(session, next.at);
  });
  el("to-end").addEventListener("click", () => {
    const session = state.session;
    if (session?.playback) advance(session, session.playback.until);
  });
  el("sleep").addEventListener("click", () => {
    const seconds = Number(el("sleep-seconds").value);
    if (!(seconds > 0)) return;
    state.session?.sleep(Math.round(seconds * 1000));
  });
  el("call-start").addEventListener("click", () => state.session?.startCall());
  el("restart").addEventListener("click", () => guard(startSession({ bundle: state.inForce, seed: seedField() })));
  el("library").addEventListener("change", (event) => {
    const path = event.target.value;
    if (path !== "") guard(playLibrary(path));
  });
  el("open").addEventListener("change", (event) => {
    const files = [...event.target.files];
    event.target.value = "";
    if (files.length > 0) guard(openFiles(files));
  });
  el("download-scenario").addEventListener("click", () => {
    const session = state.session;
    if (session === null) return;
    download(`continuity-session-${session.seed}.json`, `${JSON.stringify(session.scenario(), null, 2)}\n`, "application/json");
  });
  el("download-trace").addEventListener("click", () => {
    const session = state.session;
    if (session === null) return;
    download(`continuity-session-${session.seed}.trace.jsonl`, session.trace(), "application/x-ndjson");
  });
  el("mode-live").addEventListener("click", () => {
    if (state.fleet) showFleet(false);
    if (!state.session?.live) guard(startLive());
  });
  el("mode-simulator").addEventListener("click", () => {
    if (state.fleet) showFleet(false);
    if (state.session?.live) guard(startSession({ bundle: state.inForce, seed: seedField() }));
  });
  el("mode-fleet").addEventListener("click", () => {
    if (!state.fleet) showFleet(true);
  });
  el("live-trace").addEventListener("click", () => {
    const session = state.session;
    if (session !== null) download("continuity-live.trace.jsonl", session.emitted.map(traceLine).join(""), "application/x-ndjson");
  });
  showTab = tabs(document.querySelector(".tabs"), () => {
    state.dirty = true;
  });
  showEditorTab = tabs(document.querySelector(".editor-tabs"));
  setSpeed(state.speed);
  setRunning(state.running);
}

/** Shows what went wrong with a person's action, without losing the session. */
function guard(promise) {
  const problem = el("problem");
  problem.hidden = true;
  promise.catch((error) => {
    problem.textContent = error.message;
    problem.hidden = false;
    clearTimeout(guard.timer);
    guard.timer = setTimeout(() => {
      problem.hidden = true;
    }, 15_000);
  });
}

async function main() {
  await init();
  wire();
  editor.show(defaultBundle);
  const seed = params.has("seed") && Number.isSafeInteger(Number(params.get("seed"))) ? Number(params.get("seed")) : drawSeed();
  if (params.has("live")) await startLive();
  else await startSession({ bundle: defaultBundle, seed });
  await loadLibrary();
  if (params.has("scenario")) await playLibrary(params.get("scenario"));
  if (params.has("fleet")) showFleet(true);
  document.body.dataset.ready = "true";
  requestAnimationFrame(frame);
}

main().catch((error) => {
  document.body.dataset.ready = "error";
  el("banner-phase").textContent = "The page could not start";
  el("banner-site").textContent = error.message;
  throw error;
});
