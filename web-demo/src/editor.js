// The configuration editor: the bundle as JSON, and Genesys Administrator
// option exports (`.cfg`) for the person and the application, validated as
// you type by the package's `validate` (the tools entry's, which reads the
// exports, once one is in use), the findings grouped by object as
// `continuity validate` groups them. Applying hands the bundle, its exports
// read into it, to the running engine as `config_loaded`.

import { validate } from "continuity-engine";

import { loadTools, toolsNow } from "./tools.js";

import { durationText } from "./words.js";

/** The objects whose options may come from an export here, with the file name the bundle gives them. */
const EXPORTS = [
  ["person", "person.cfg"],
  ["application", "application.cfg"],
];

const el = (id) => document.getElementById(id);

export class ConfigEditor {
  #timer = undefined;
  /** The last check: `{bundle, files, report}` when the bundle could be read, `{error}` otherwise (`pending` while the option export reader loads). */
  current = null;

  /** `onApply(bundle, report)` is called with the bundle, exports read into it. */
  constructor({ onApply }) {
    this.onApply = onApply;
    this.text = el("bundle-text");
    this.exports = Object.fromEntries(EXPORTS.map(([object]) => [object, { text: el(`${object}-text`), use: el(`use-${object}`) }]));
    for (const area of [this.text, ...Object.values(this.exports).flatMap(({ text, use }) => [text, use])]) {
      area.addEventListener("input", () => this.#soon());
      area.addEventListener("change", () => this.#soon());
    }
    el("apply").addEventListener("click", () => this.apply());
  }

  /** Shows a bundle (an object): its JSON, and its person's and application's options as exports (not in use). */
  show(bundle) {
    this.text.value = `${JSON.stringify(bundle, null, 2)}\n`;
    for (const [object] of EXPORTS) {
      const { text, use } = this.exports[object];
      text.value = exportText(bundle[object]);
      use.checked = false;
    }
    this.check();
  }

  /** Shows an option export a person opened, in the person's tab, in use. */
  showExport(object, text) {
    this.exports[object].text.value = text;
    this.exports[object].use.checked = true;
    this.check();
  }

  /** Validates what the editor holds now and shows the findings. */
  check() {
    clearTimeout(this.#timer);
    this.current = this.#read();
    render(this.current);
    el("apply").disabled = this.current.error !== undefined;
    return this.current;
  }

  /** Feeds the bundle to the engine (even an invalid one: the engine refuses it and keeps the policy in force). */
  apply() {
    const current = this.check();
    if (current.error !== undefined) return;
    let resolved = current.bundle;
    try {
      if (Object.keys(current.files).length > 0) resolved = toolsNow().resolveOptionFiles(current.bundle, current.files).bundle;
    } catch (error) {
      el("apply-result").textContent = error.message;
      return;
    }
    this.onApply(resolved, current.report);
  }

  /** Says what became of an applied bundle. */
  applied(text) {
    el("apply-result").textContent = text;
  }

  #soon() {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.check(), 150);
  }

  #read() {
    const using = EXPORTS.filter(([object]) => this.exports[object].use.checked);
    const files = Object.fromEntries(using.map(([object, file]) => [file, this.exports[object].text.value]));
    let bundle = this.text.value;
    if (using.length > 0) {
      // The exports replace the inline options of their objects.
      try {
        bundle = JSON.parse(bundle);
      } catch (error) {
        return { error: `the bundle is not JSON: ${error.message}` };
      }
      if (bundle === null || typeof bundle !== "object" || Array.isArray(bundle)) return { error: "the bundle must be a JSON object" };
      for (const [object, file] of using) {
        const { options: _inline, ...rest } = bundle[object] ?? { name: object };
        bundle[object] = { ...rest, options_file: file };
      }
    }
    const tools = using.length > 0 ? toolsNow() : null;
    if (using.length > 0 && tools === null) {
      loadTools().then(
        () => this.check(),
        (error) => render({ error: `cannot load the option export reader: ${error.message}` }),
      );
      // Nothing to apply yet: checked again once the reader is loaded.
      return { error: "loading the option export reader…", pending: true };
    }
    try {
      const report = tools === null ? validate(bundle) : tools.validate(bundle, { files });
      // The object form of the bundle, for applying it.
      return { bundle: typeof bundle === "string" ? JSON.parse(bundle) : bundle, files, report };
    } catch (error) {
      return { error: error.message };
    }
  }
}

/** An object's options as a Genesys Administrator export. */
function exportText(object) {
  const lines = [`; Genesys Administrator export of ${object?.name ?? "the object"}`];
  for (const [section, options] of Object.entries(object?.options ?? {})) {
    lines.push(`[${section}]`);
    for (const [name, value] of Object.entries(options)) lines.push(`${name}=${value}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The verdict and the findings, grouped by object (in name order, as `continuity validate` prints them). */
function render(current) {
  const verdict = el("verdict");
  const list = el("diagnostics");
  list.replaceChildren();
  if (current.error !== undefined) {
    verdict.className = current.pending ? "verdict" : "verdict invalid";
    verdict.textContent = current.pending ? current.error : `cannot be read: ${current.error}`;
    return;
  }
  const { report } = current;
  verdict.className = `verdict ${report.valid ? "valid" : "invalid"}`;
  verdict.textContent = `${report.valid ? "valid" : "invalid"}, ${report.errors} error(s), ${report.warnings} warning(s)${summary(report)}`;
  const groups = new Map();
  for (const diagnostic of report.diagnostics) {
    const object = diagnostic.object ?? "bundle";
    if (!groups.has(object)) groups.set(object, []);
    groups.get(object).push(diagnostic);
  }
  for (const object of [...groups.keys()].sort()) {
    const group = document.createElement("section");
    group.className = "group";
    const title = document.createElement("h4");
    title.textContent = object;
    const items = document.createElement("ul");
    for (const diagnostic of groups.get(object)) {
      const item = document.createElement("li");
      item.className = diagnostic.severity;
      const head = document.createElement("div");
      const code = document.createElement("strong");
      code.textContent = `${diagnostic.severity}[${diagnostic.code}]`;
      head.append(code);
      if (diagnostic.section !== null && diagnostic.option !== null) head.append(` [${diagnostic.section}] ${diagnostic.option}`);
      const message = document.createElement("div");
      message.textContent = diagnostic.message;
      item.append(head, message);
      items.append(item);
    }
    group.append(title, items);
    list.append(group);
  }
}

/** What a valid bundle resolves to, in a few words. */
function summary(report) {
  const policy = report.policy;
  if (report.bootstrap) return " — local configuration only: the desktop bootstraps through the Config Server Proxies";
  if (policy === null) return "";
  if (!policy.enabled) return ` — Business Continuity off, on ${policy.preferred}`;
  const t = policy.timing_ms;
  return ` — preferred ${policy.preferred}, peer ${policy.peer}, switch after ${durationText(t.site_timeout)} (site) / ${durationText(t.endpoint_timeout)} (endpoint), auto-restore ${policy.auto_restore ? "on" : "off"}`;
}
