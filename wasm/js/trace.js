// Trace lines: an output with its time, written exactly as the native
// `continuity simulate` prints it (core/src/trace.rs), so that a desktop's
// log can be compared byte for byte with a replay of the same session.

import { continuityError } from "./errors.js";

/** One trace line for an emitted output (`{at, output}`), newline included. */
export function traceLine(emitted) {
  if (emitted === null || typeof emitted !== "object" || typeof emitted.output !== "object" || emitted.output === null) {
    throw continuityError("invalid-input", "traceLine takes an emitted output {at, output}, as the drivers and pollEmitted() give it");
  }
  return `{"at": ${renderJson(emitted.at)}, "output": ${renderJson(emitted.output)}}\n`;
}

/**
 * A JSON value in the trace's form: serde_json's compact output with `", "`
 * between members and `": "` after keys, keys in the order the object holds
 * them (the order the engine emitted them, which JSON.parse keeps for keys
 * that do not look like integers).
 */
function renderJson(value) {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      // The engine's numbers are integer milliseconds; serde_json would write
      // a float differently from JavaScript, so refuse one rather than guess.
      if (!Number.isSafeInteger(value)) throw continuityError("invalid-input", `not an integer a trace can hold: ${value}`);
      return String(value);
    case "string":
      return quote(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map(renderJson).join(", ")}]`;
      const keys = Object.keys(value);
      if (keys.some((key) => /^(0|[1-9]\d*)$/.test(key))) {
        // JavaScript puts integer-like keys first, whatever order they came in.
        throw continuityError("invalid-input", `an object with an integer-like key cannot keep the engine's key order: ${keys.join(", ")}`);
      }
      return `{${keys.map((key) => `${quote(key)}: ${renderJson(value[key])}`).join(", ")}}`;
    }
    default:
      throw continuityError("invalid-input", `not a JSON value: ${typeof value}`);
  }
}

/** serde_json's string escaping: `"` and `\`, the short escapes, other controls as \u00xx; everything else as is. */
function quote(text) {
  let out = '"';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code !== 0x22 && code !== 0x5c) continue;
    out += text.slice(start, i) + ESCAPES[code];
    start = i + 1;
  }
  return `${out}${text.slice(start)}"`;
}

const SHORT = { 0x08: "\\b", 0x09: "\\t", 0x0a: "\\n", 0x0c: "\\f", 0x0d: "\\r", 0x22: '\\"', 0x5c: "\\\\" };
const ESCAPES = Array.from({ length: 0x5d }, (_, code) => SHORT[code] ?? `\\u${code.toString(16).padStart(4, "0")}`);
