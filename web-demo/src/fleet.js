// The Fleet view: the deployment engineer's question — when Site A dies,
// what does Site B's SIP Server see, and which spread settings keep it
// standing? It runs the package's `runFleet` (the tools module,
// `continuity-engine/tools`) on the page's bundle in a dedicated worker
// (fleet-worker.js), shows its progress, and draws the report: the chart the
// tools module makes (REGISTERs per second per site, with the registrar's
// capacity), what each site receives, switch times, and the smallest
// failover and restore spreads, which "Use these spreads" runs again.
//
// This module never imports the tools module: the worker does, and the
// worker is started only when the view is opened, so the Simulator and Live
// modes never load it.

import { clockText, countText, secondsText } from "./words.js";

/**
 * The form's fields: the input, the runFleet option it sets, what one unit
 * of the field is in the option's unit (ms for times), the option
 * `continuity fleet` takes for it and that option's default (left out of the
 * command line shown), and what an empty field means.
 */
const FIELDS = [
  { id: "fleet-desktops", option: "desktops", scale: 1, flag: "--desktops", cliDefault: 10_000 },
  { id: "fleet-seed", option: "seed", scale: 1, flag: "--seed", cliDefault: 0 },
  { id: "fleet-loss-at", option: "loss_at_ms", scale: 1000, flag: "--loss-at", cliDefault: 60_000 },
  { id: "fleet-back-at", option: "return_at_ms", scale: 60_000, flag: "--return-at", cliDefault: 1_200_000, empty: null },
  { id: "fleet-until", option: "until_ms", scale: 60_000, flag: "--until", cliDefault: 3_600_000 },
  { id: "fleet-detection", option: "detection_ms", scale: 1000, flag: "--detection" },
  { id: "fleet-failover-spread", option: "failover_spread_ms", scale: 1000, flag: "--failover-spread", bundle: "failover_spread" },
  { id: "fleet-restore-spread", option: "restore_spread_ms", scale: 1000, flag: "--restore-spread", bundle: "restore_spread" },
  { id: "fleet-capacity", option: "registrar_capacity", scale: 1, flag: "--registrar-capacity" },
];

/** The file name of the bundle the page downloads, as the command line it shows names it. */
const BUNDLE_FILE = "fleet-bundle.json";

const el = (id) => document.getElementById(id);

export class FleetView {
  /** @type {Worker | null} */
  #worker = null;
  /** The run in progress: `{started, options, bundle}`, or null. */
  #running = null;
  /** The simulated bundle as last read: `{bundle, about, policy}`. */
  #source = null;
  /** The bundle's JSON the spread fields were last filled from. */
  #spreadsFrom = null;
  /** The last result: `{report, svg, options, bundle}`. */
  #result = null;

  /**
   * `source()` says which bundle to simulate: `{bundle, about, policy}` (the
   * bundle with its option files read in, one line saying which it is, its
   * policy); `download(name, text, type)` saves a file.
   */
  constructor({ source, download }) {
    this.source = source;
    this.download = download;
    el("fleet-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.run();
    });
    el("fleet-cancel").addEventListener("click", () => this.cancel());
  }

  /** The view is shown: reads the page's bundle again, and starts the worker (which loads the tools module). */
  open() {
    this.#readSource();
    this.#startWorker();
  }

  /** Runs the fleet with the form's settings (ignored while a run is in progress). */
  run() {
    if (this.#running !== null) return;
    this.#readSource();
    let options;
    try {
      options = this.#options();
    } catch (error) {
      this.#showError(error.message, error.field);
      return;
    }
    this.#showError(null);
    this.#startWorker();
    this.#running = { started: performance.now(), options, bundle: this.#source.bundle };
    this.#worker.postMessage({ bundle: this.#source.bundle, options });
    this.#setRunning(true, "");
    el("fleet-progress-text").textContent = "Starting…";
  }

  /** Stops the run in progress: the worker is terminated and a fresh one started. */
  cancel() {
    if (this.#running === null) return;
    this.#stopWorker();
    this.#running = null;
    this.#setRunning(false, "Cancelled.");
    this.#startWorker();
  }

  // ------------------------------------------------------------ the worker

  #startWorker() {
    if (this.#worker !== null) return;
    const worker = new Worker("fleet-worker.js", { type: "module" });
    worker.addEventListener("message", ({ data }) => this.#message(data));
    // The worker's script failed to load or threw outside a run.
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      this.#failed(`the fleet worker failed: ${event.message || "it could not be loaded"}`);
    });
    this.#worker = worker;
  }

  #stopWorker() {
    this.#worker?.terminate();
    this.#worker = null;
  }

  #message(data) {
    if (this.#running === null) return;
    switch (data.type) {
      case "progress":
        this.#progress(data);
        break;
      case "result": {
        const { started, options, bundle } = this.#running;
        this.#running = null;
        this.#result = { report: data.report, svg: data.svg, options, bundle };
        this.#setRunning(false, `Done in ${secondsText(performance.now() - started)}.`);
        this.#render();
        break;
      }
      case "error":
        this.#failed(data.message, data.diagnostics);
        break;
      default:
        break;
    }
  }

  #failed(message, diagnostics = undefined) {
    this.#running = null;
    this.#setRunning(false, "");
    const errors = (diagnostics ?? []).filter((d) => d.severity === "error").map((d) => d.message);
    this.#showError(errors.length === 0 ? message : `${message}: ${errors.join("; ")}`, fieldNamed(message));
  }

  // -------------------------------------------------------------- the form

  /** Reads which bundle the page holds; a new bundle puts its spreads in the spread fields. */
  #readSource() {
    this.#source = this.source();
    el("fleet-bundle").textContent = `Simulates ${this.#source.about}.`;
    const json = JSON.stringify(this.#source.bundle);
    if (json === this.#spreadsFrom) return;
    this.#spreadsFrom = json;
    for (const field of FIELDS.filter((f) => f.bundle !== undefined)) {
      const ms = this.#source.policy?.timing_ms?.[field.bundle];
      el(field.id).value = ms === undefined ? "" : String(ms / field.scale);
    }
  }

  /**
   * The runFleet options the form says: a field's number in the option's
   * unit; an empty field the default (or what `empty` says); a spread equal
   * to the bundle's is left to the bundle. Numbers are checked by the tools
   * module, which says what is wrong; only text that is no number is
   * refused here.
   */
  #options() {
    const options = {};
    for (const field of FIELDS) {
      const input = el(field.id);
      if (input.validity.badInput) {
        const error = new Error(`${labelOf(input)}: that is not a number`);
        error.field = field.id;
        throw error;
      }
      if (input.value.trim() === "") {
        if (field.empty !== undefined) options[field.option] = field.empty;
        continue;
      }
      const number = Number(input.value);
      const value = field.scale === 1 ? number : Math.round(number * field.scale);
      if (field.bundle !== undefined && value === this.#source.policy?.timing_ms?.[field.bundle]) continue;
      options[field.option] = value;
    }
    return options;
  }

  /** Shows whether a run is in progress (the progress over the chart), and a word on how the last one ended. */
  #setRunning(running, status) {
    el("fleet-run").disabled = running;
    el("fleet-cancel").hidden = !running;
    el("fleet-status").textContent = status;
    el("fleet-progress").parentElement.hidden = !running;
    // Indeterminate until the first progress message.
    el("fleet-progress").removeAttribute("value");
    el("fleet-progress-text").textContent = "";
    el("fleet").dataset.state = running ? "running" : this.#result === null ? "idle" : "done";
  }

  /** "failover-spread 16 s: 4,000 / 10,000 desktops". */
  #progress({ what, done, total }) {
    const bar = el("fleet-progress");
    bar.max = total;
    bar.value = done;
    const run = what === "fleet" ? "the fleet" : what;
    el("fleet-progress-text").textContent = `${run}: ${countText(done)} / ${countText(total)} desktops`;
  }

  /** Shows a message next to the form (null: none), and marks the field it is about. */
  #showError(message, fieldId = null) {
    const box = el("fleet-error");
    box.hidden = message === null;
    box.textContent = message === null ? "" : `Cannot run: ${message}`;
    for (const field of FIELDS) {
      const input = el(field.id);
      const bad = field.id === fieldId;
      if (bad) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-errormessage", "fleet-error");
      } else {
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-errormessage");
      }
    }
    if (fieldId !== null) el(fieldId).focus();
  }

  // ----------------------------------------------------------- the results

  #render() {
    const { report, svg } = this.#result;
    el("fleet-chart").replaceChildren(parseSvg(svg));
    el("fleet-summary").replaceChildren(...summary(report, this.#result.options, {
      useSpreads: (failover, restore) => this.#useSpreads(failover, restore),
      download: (what) => this.#download(what),
    }));
  }

  /** Puts the spreads found in the spread fields and runs again. */
  #useSpreads(failoverMs, restoreMs) {
    if (failoverMs !== null) el("fleet-failover-spread").value = String(failoverMs / 1000);
    if (restoreMs !== null) el("fleet-restore-spread").value = String(restoreMs / 1000);
    this.run();
  }

  #download(what) {
    const { report, svg, bundle } = this.#result;
    if (what === "bundle") this.download(BUNDLE_FILE, `${JSON.stringify(bundle, null, 2)}\n`, "application/json");
    if (what === "report") this.download("fleet-report.json", `${JSON.stringify(report)}\n`, "application/json");
    if (what === "chart") this.download("fleet-chart.svg", svg, "image/svg+xml");
  }
}

// ------------------------------------------------------------------ helpers

/** The chart (our own Rust code's SVG), parsed as an SVG document and adopted into the page. */
function parseSvg(svg) {
  const parsed = new DOMParser().parseFromString(svg, "image/svg+xml");
  const root = parsed.documentElement;
  if (root.localName !== "svg" || parsed.querySelector("parsererror") !== null) {
    const note = document.createElement("p");
    note.className = "fleet-empty";
    note.textContent = "The chart could not be read.";
    return note;
  }
  return document.importNode(root, true);
}

/** The form field an error message of the tools module names (`desktops`, `loss_at`, …), or null. */
function fieldNamed(message) {
  const named = /`(\w+)`/.exec(message)?.[1] ?? /^(registrar_capacity)\b/.exec(message)?.[1];
  if (named === undefined) return null;
  const option = named.endsWith("_ms") || named === "desktops" || named === "seed" || named === "registrar_capacity" ? named : `${named}_ms`;
  return FIELDS.find((field) => field.option === option)?.id ?? null;
}

/** An input's label text, without the input's own value. */
function labelOf(input) {
  return input.labels?.[0]?.firstChild?.textContent.trim() ?? input.id;
}

/** `--loss-at 90s`, `--return-at 20m`: a time as `continuity fleet` reads it. */
function durationArg(ms) {
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** The `continuity fleet` command that runs the same fleet on the downloaded bundle. */
function commandLine(options) {
  const args = ["continuity", "fleet", BUNDLE_FILE];
  for (const field of FIELDS) {
    const value = options[field.option];
    if (value === undefined || value === field.cliDefault) continue;
    if (value === null) args.push("--never-return");
    else args.push(field.flag, field.scale === 1 ? String(value) : durationArg(value));
  }
  return args.join(" ");
}

/** `115 at 2:10`: a busiest second. */
function peakText(peak) {
  return `${countText(peak.count)} at ${clockText(peak.at_ms, { millis: false, pad: false })}`;
}

const minute = (ms) => clockText(ms, { millis: false, pad: false });

/** An element with a class and content (strings and nodes). */
function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key.includes("-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

/** A table with a caption, a header row and body rows (the first cell of each a row header). */
function table(caption, head, rows) {
  const thead = h("thead", {}, h("tr", {}, ...head.map((text, i) => h("th", { scope: "col", class: i === 0 ? "" : "num" }, text))));
  const tbody = h("tbody", {}, ...rows.map(([name, ...cells]) => h("tr", {}, h("th", { scope: "row" }, name), ...cells)));
  return h("table", { class: "fleet-table" }, h("caption", {}, caption), thead, tbody);
}

/** A number cell; `key` (the report's path) lets tests and tools find it. */
const cell = (text, key) => h("td", { class: "num", "data-fleet": key }, text);

/**
 * The report for people, beside the chart: the answer first (a line), then
 * the registrar's capacity and the spreads found, what each site received,
 * how long the desktops took, the bundle's warnings, and how to run the same
 * fleet with `continuity fleet`.
 */
function summary(report, options, actions) {
  const [lost, other] = report.sites;
  const parts = [];
  const capacity = report.capacity;
  const over = capacity?.seconds_over.filter((site) => site.seconds > 0) ?? [];

  const headline = capacity === null
    ? `${other.site} receives up to ${countText(other.registers.peak.count)} REGISTERs/s (at ${minute(other.registers.peak.at_ms)}) when ${lost.site} is lost.`
    : over.length === 0
      ? `Every second at or under ${countText(capacity.registers_per_second)} REGISTERs/s, at both sites.`
      : `Over ${countText(capacity.registers_per_second)} REGISTERs/s: ${capacity.seconds_over.flatMap((o, i) => (o.seconds > 0 ? [`${report.sites[i].site} for ${countText(o.seconds)} s`] : [])).join(", ")}.`;
  parts.push(h("p", { class: `fleet-headline ${capacity === null ? "" : over.length === 0 ? "ok" : "bad"}`, "data-fleet": "verdict" }, headline));

  const back = report.return_at_ms === null ? "never back" : `back at ${minute(report.return_at_ms)}`;
  const from = { given: "as given", addp: "its SIP Server connection's ADDP timeout", default: "the default: no ADDP timeout in the bundle" }[report.detection_from];
  parts.push(h("p", { class: "fleet-context muted" },
    `${countText(report.desktops)} desktops; ${lost.site} lost at ${minute(report.loss_at_ms)}, ${back}. Each notices within ${secondsText(report.detection_ms)} (${from}) and switches after the ${secondsText(report.site_timeout_ms)} site timeout; failover spread ${secondsText(report.failover_spread_ms)}, restore spread ${secondsText(report.restore_spread_ms)}.`));

  if (capacity !== null) parts.push(capacityPart(report, capacity, actions));

  parts.push(table("What each site receives (busiest second, and when)", ["", "connects/s", "REGISTERs/s", "REGISTERs", "active at end"],
    report.sites.map((site, i) => [
      site.lost ? `${site.site} (lost)` : site.site,
      cell(peakText(site.connects.peak), `sites.${i}.connects.peak`),
      cell(peakText(site.registers.peak), `sites.${i}.registers.peak`),
      cell(countText(site.registers.total), `sites.${i}.registers.total`),
      cell(countText(site.active_at_end), `sites.${i}.active_at_end`),
    ])));

  const time = (ms, key) => cell(ms === null ? "—" : secondsText(ms), key);
  const timeRows = [["loss → switch", report.switch, "switch"]];
  if (report.return_at_ms !== null) timeRows.push(["return → switch back", report.switch_back, "switch_back"]);
  parts.push(table("How long the desktops took", ["", "p50", "p99", "max", "desktops"],
    timeRows.map(([name, times, key]) => [
      name,
      time(times.p50_ms, `${key}.p50_ms`),
      time(times.p99_ms, `${key}.p99_ms`),
      time(times.max_ms, `${key}.max_ms`),
      cell(`${countText(times.count)} of ${countText(report.desktops)}`, `${key}.count`),
    ])));

  parts.push(h("p", { class: report.not_active_at_end === 0 ? "" : "bad" }, "Desktops not active at the end: ",
    h("strong", { "data-fleet": "not_active_at_end" }, countText(report.not_active_at_end)), "."));

  if (report.warnings.length > 0) {
    parts.push(h("div", { class: "fleet-warnings" }, h("h3", {}, `The bundle's warning${report.warnings.length === 1 ? "" : "s"}`),
      h("ul", {}, ...report.warnings.map((warning) => h("li", {}, warning)))));
  }

  parts.push(h("div", { class: "fleet-same" },
    h("p", {}, "The same run on the command line: ", h("code", { id: "fleet-command" }, commandLine(options))),
    h("p", { class: "row" }, "Download",
      downloadButton("fleet-download-bundle", "the bundle", () => actions.download("bundle")),
      downloadButton("fleet-download-report", "the report (JSON)", () => actions.download("report")),
      downloadButton("fleet-download-chart", "the chart (SVG)", () => actions.download("chart")))));
  return parts;
}

function downloadButton(id, text, onClick) {
  const button = h("button", { type: "button", id }, text);
  button.addEventListener("click", onClick);
  return button;
}

/** Seconds over the registrar's capacity per site, the smallest spreads, and "Use these spreads". */
function capacityPart(report, capacity, actions) {
  const part = h("section", { class: "fleet-capacity", "aria-labelledby": "fleet-capacity-title" });
  part.append(h("h3", { id: "fleet-capacity-title" }, `Registrar capacity: ${countText(capacity.registers_per_second)} REGISTERs/s per site`));
  const list = h("dl", {});
  capacity.seconds_over.forEach((over, i) => {
    const text = over.seconds === 0 ? "never over it" : `${countText(over.seconds)} s over it, ${minute(over.first_ms)}–${minute(over.last_ms + 1000)}`;
    list.append(h("dt", {}, report.sites[i].site), h("dd", { "data-fleet": `capacity.seconds_over.${i}`, class: over.seconds === 0 ? "ok" : "bad" }, text));
  });
  for (const [name, search, key] of [["Smallest failover spread", capacity.failover_spread, "failover_spread"], ["Smallest restore spread", capacity.restore_spread, "restore_spread"]]) {
    const text = search.smallest_ms === null
      ? `none up to an hour (peak ${countText(search.peak)}/s without one): add registrar capacity`
      : `${countText(search.smallest_ms / 1000)} s (peak ${countText(search.peak)}/s; ${search.runs} runs)`;
    list.append(h("dt", {}, name), h("dd", { "data-fleet": `capacity.${key}.smallest_ms` }, text));
  }
  const found = [capacity.failover_spread.smallest_ms, capacity.restore_spread.smallest_ms];
  if (found.every((ms) => ms !== null)) {
    list.append(h("dt", {}, "Both together"), h("dd", { "data-fleet": "capacity.both_verified", class: capacity.both_verified ? "ok" : "bad" },
      capacity.both_verified ? "checked by a run: every second at or under the capacity" : "a run with both still goes over: the two phases overlap"));
  }
  part.append(list);
  // Offered while the spreads found are not the ones this run used.
  const used = [report.failover_spread_ms, report.restore_spread_ms];
  if (found.some((ms, i) => ms !== null && ms !== used[i])) {
    const button = h("button", { type: "button", id: "fleet-use-spreads", class: "primary" }, "Use these spreads");
    button.title = "Put the spreads found in the spread fields and run again";
    button.addEventListener("click", () => actions.useSpreads(...found));
    part.append(h("p", { class: "row" }, button, h("span", { class: "muted" }, `failover ${found[0] === null ? "as is" : `${found[0] / 1000} s`}, restore ${found[1] === null ? "as is" : `${found[1] / 1000} s`}, and run again`)));
  }
  return part;
}
