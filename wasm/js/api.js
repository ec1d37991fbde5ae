// The package's API, bound to one build of the raw WebAssembly module (the
// web target or the Node target). See index.d.ts for the documentation of
// every export.

import { adopt, continuityError, describe, isContinuityError } from "./errors.js";
import {
  AS_JSON, BAD_NAME, BAD_TIME, HANDLED, INPUT_FIELDS as FIELDS, INPUT_TYPES, MEMBERS as MEMBER_NAMES, NOT_A_SITE,
  NO_SITE, OUTPUT_TYPES, PHASES, REASONS, ROLES, SERVICES as SERVICE_NAMES, STOPPED,
} from "./wire.js";

// The vocabulary, the raw codes and each input type's fields (what the
// engine checks again when it parses an input) come from the Rust
// declarations: wire.js is generated at build time (wasm/src/bin/wire.rs).
// A name's index in its list is its raw number.
const SERVICES = new Map(SERVICE_NAMES.map((name, index) => [name, index]));
const MEMBERS = new Map(MEMBER_NAMES.map((name, index) => [name, index]));
const KINDS = new Map(INPUT_TYPES.map((name, index) => [name, index]));
const MAX_SEED = (1n << 64n) - 1n;

function invalidInput(message) {
  return continuityError("invalid-input", `invalid input: ${message}`);
}

/** Checks an input's shape, naming the field that is wrong; returns its type. */
function checkInput(input) {
  try {
    return checkShape(input);
  } catch (error) {
    if (isContinuityError(error)) throw error;
    // A getter or proxy of the caller's threw while the input was read.
    throw invalidInput(`reading the input threw ${error instanceof Error ? `${error.name}: ${error.message}` : describe(error)}`);
  }
}

function checkShape(input) {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw invalidInput(`expected an object like {type: "link_down", site: "SiteA", service: "sip-server", member: "primary"}; got ${describe(input)}`);
  }
  const type = input.type;
  if (typeof type !== "string") {
    throw invalidInput(`\`type\` must be a string naming the input, like "link_down"; got ${describe(type)}`);
  }
  const fields = Object.hasOwn(FIELDS, type) ? FIELDS[type] : undefined;
  if (fields === undefined) {
    throw invalidInput(`unknown input type ${JSON.stringify(type)}; expected one of ${Object.keys(FIELDS).join(", ")}`);
  }
  for (const [field, kind] of Object.entries(fields)) {
    const value = input[field];
    if (value === undefined) throw invalidInput(`${type} needs \`${field}\``);
    checkField(type, field, kind, value);
  }
  for (const field of Object.keys(input)) {
    if (field !== "type" && !Object.hasOwn(fields, field)) {
      const known = Object.keys(fields);
      throw invalidInput(`unknown field \`${field}\` in ${type}; ${known.length ? `it has ${known.join(", ")}` : "it has no fields besides `type`"}`);
    }
  }
  return type;
}

function checkField(type, field, kind, value) {
  switch (kind) {
    case "service":
      if (!SERVICES.has(value)) throw invalidInput(`unknown service ${describe(value)} in ${type}; expected one of ${SERVICE_NAMES.map((name) => JSON.stringify(name)).join(", ")}`);
      return;
    case "member":
      if (!MEMBERS.has(value)) throw invalidInput(`unknown member ${describe(value)} in ${type}; expected ${MEMBER_NAMES.map((name) => JSON.stringify(name)).join(" or ")}`);
      return;
    case "object":
      if (value === null || typeof value !== "object" || Array.isArray(value)) throw invalidInput(`\`${field}\` of ${type} must be an object; got ${describe(value)}`);
      return;
    default:
      if (typeof value !== kind) throw invalidInput(`\`${field}\` of ${type} must be a ${kind}; got ${describe(value)}`);
  }
}

function checkTime(nowMs) {
  if (typeof nowMs !== "number" || !(nowMs >= 0 && nowMs <= Number.MAX_SAFE_INTEGER)) {
    throw timeError(nowMs);
  }
}

function timeError(nowMs) {
  return continuityError(
    "invalid-time",
    `nowMs must be a finite, non-negative number of milliseconds (at most Number.MAX_SAFE_INTEGER), such as performance.now(); got ${describe(nowMs)}`,
  );
}

/** The seed as the engine takes it; drawn from `random` when not given. */
function toSeed(seed, random) {
  if (seed === undefined) return random();
  if (typeof seed === "number" && Number.isSafeInteger(seed) && seed >= 0) return BigInt(seed);
  if (typeof seed === "bigint" && seed >= 0n && seed <= MAX_SEED) return seed;
  throw continuityError(
    "invalid-seed",
    `seed must be a non-negative integer (a safe integer number, or a bigint below 2^64), or left out to draw one; got ${describe(seed)}`,
  );
}

/** JSON text of a value given as an object or as JSON text; `code` is the error's. */
export function toJson(value, what, example, code) {
  if (typeof value === "string") return value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw continuityError(code, `${what} must be an object (or its JSON text), like ${example}; got ${describe(value)}`);
  }
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw continuityError(code, `${what} cannot be written as JSON: ${error.message}`);
  }
}

/** JSON text of a bundle; one that cannot be read is a `parse` error, as its text would be. */
export function bundleJson(bundle) {
  return toJson(bundle, "cannot read the bundle: a bundle", '{"version": 1, "local": {...}, ...}', "parse");
}

/** The error for options given to a runtime call that takes none (option exports are the tools entry's). */
function noOptions(call) {
  return continuityError(
    "invalid-options",
    `${call} takes no options: give the bundle with its options inline (resolve option exports first with resolveOptionFiles from continuity-engine/tools)`,
  );
}

/** Calls into the module; what it throws comes out as a ContinuityError. */
export function call(fn) {
  try {
    return fn();
  } catch (error) {
    throw adopt(error);
  }
}

/**
 * Binds the API to `raw` (the wasm-bindgen module); `ready()` says whether
 * it is instantiated; `crypto` draws the seeds not given.
 */
export function makeApi(raw, ready, crypto) {
  function checkReady() {
    if (!ready()) {
      throw continuityError("not-initialized", "the WebAssembly module is not loaded yet: `await init()` before using the package");
    }
  }

  const randomSeed = () => crypto.getRandomValues(new BigUint64Array(1))[0];
  const disposed = () => continuityError("disposed", "the engine was disposed: create a new Engine");

  class Engine {
    #raw;
    #seed;
    /** Site name to the raw engine's index, for the fast path. */
    #sites = new Map();
    /** Site names by raw index, for building outputs. */
    #names = [];

    constructor(bundle, seed = undefined, ...rest) {
      checkReady();
      if (rest.length > 0) throw noOptions("new Engine(bundle, seed)");
      const text = bundleJson(bundle);
      this.#seed = toSeed(seed, randomSeed);
      this.#raw = call(() => new raw.RawEngine(text, this.#seed));
    }

    #engine() {
      if (this.#raw === undefined) throw disposed();
      return this.#raw;
    }

    /** Turns a raw input method's answer into what became of the input, or throws. */
    #answer(code, type, nowMs) {
      if (code >= 0) return HANDLED[code];
      if (code === STOPPED) {
        throw continuityError("stopped", `the engine is stopped: \`${type}\` was refused (stop is final; create a new Engine to start again)`);
      }
      if (code === BAD_TIME) throw timeError(nowMs);
      throw continuityError("invalid-input", `invalid input: \`${type}\` names an unknown ${code === BAD_NAME ? "site, service or member" : "value"}`);
    }

    handle(input, nowMs) {
      const engine = this.#engine();
      checkTime(nowMs);
      const type = checkInput(input);
      // The frequent inputs, once their shape is checked, take the fast path.
      switch (type) {
        case "link_up":
        case "link_down":
          return this.#link(type, input.site, input.service, input.member, nowMs);
        case "endpoint_registered":
          return this.endpointRegistered(input.site, nowMs);
        case "endpoint_unregistered":
          return this.endpointUnregistered(input.site, nowMs);
        case "probe_result":
          return this.probeResult(input.site, input.ok, nowMs);
        case "interaction_started":
          return this.interactionStarted(input.id, nowMs);
        case "interaction_ended":
          return this.interactionEnded(input.id, nowMs);
        case "config_loaded": {
          const text = toJson(input.bundle, "the bundle of config_loaded", '{"version": 1, ...}', "invalid-input");
          return this.#answer(call(() => engine.configLoaded(text, nowMs)), type, nowMs);
        }
        default:
          return this.#handleNamed(engine, { site: input.site }, type, nowMs);
      }
    }

    /**
     * An input whose shape is checked, by its type's index and plain fields
     * (`site`, `service`, `member`, `ok`): the inputs the fast path does not
     * take, and those naming a site the engine does not know.
     */
    #handleNamed(engine, { site = "", service, member, ok = false }, type, nowMs) {
      const s = SERVICES.get(service) ?? 0;
      const m = MEMBERS.get(member) ?? 0;
      return this.#answer(engine.handleNamed(KINDS.get(type), site, s, m, ok, nowMs), type, nowMs);
    }

    linkUp(site, service, member, nowMs) {
      return this.#link("link_up", site, service, member, nowMs);
    }

    linkDown(site, service, member, nowMs) {
      return this.#link("link_down", site, service, member, nowMs);
    }

    #link(type, site, service, member, nowMs) {
      const engine = this.#engine();
      checkTime(nowMs);
      const s = SERVICES.get(service);
      const m = MEMBERS.get(member);
      let id = this.#sites.get(site);
      if (s === undefined || m === undefined || id === undefined) {
        checkField(type, "site", "string", site);
        checkField(type, "service", "service", service);
        checkField(type, "member", "member", member);
        id = this.#siteId(engine, site);
        // A name that is no site of this engine: it counts it as unknown.
        if (id === undefined) return this.#handleNamed(engine, { site, service, member }, type, nowMs);
      }
      const code = type === "link_up" ? engine.linkUp(id, s, m, nowMs) : engine.linkDown(id, s, m, nowMs);
      return this.#answer(code, type, nowMs);
    }

    endpointRegistered(site, nowMs) {
      return this.#onSite("endpoint_registered", site, nowMs, (engine, id) => engine.endpointRegistered(id, nowMs));
    }

    endpointUnregistered(site, nowMs) {
      return this.#onSite("endpoint_unregistered", site, nowMs, (engine, id) => engine.endpointUnregistered(id, nowMs));
    }

    probeResult(site, ok, nowMs) {
      checkField("probe_result", "ok", "boolean", ok);
      return this.#onSite("probe_result", site, nowMs, (engine, id) => engine.probeResult(id, ok, nowMs), { ok });
    }

    #onSite(type, site, nowMs, feed, extra) {
      const engine = this.#engine();
      checkTime(nowMs);
      let id = this.#sites.get(site);
      if (id === undefined) {
        checkField(type, "site", "string", site);
        id = this.#siteId(engine, site);
        if (id === undefined) return this.#handleNamed(engine, { site, ...extra }, type, nowMs);
      }
      return this.#answer(feed(engine, id), type, nowMs);
    }

    /** The raw index of a site name the engine knows, cached; undefined for any other name. */
    #siteId(engine, site) {
      const id = engine.siteId(site);
      if (id === NOT_A_SITE) return undefined;
      this.#sites.set(site, id);
      return id;
    }

    interactionStarted(id, nowMs) {
      const engine = this.#engine();
      checkTime(nowMs);
      checkField("interaction_started", "id", "string", id);
      return this.#answer(engine.interactionStarted(id, nowMs), "interaction_started", nowMs);
    }

    interactionEnded(id, nowMs) {
      const engine = this.#engine();
      checkTime(nowMs);
      checkField("interaction_ended", "id", "string", id);
      return this.#answer(engine.interactionEnded(id, nowMs), "interaction_ended", nowMs);
    }

    switchRequested(site, nowMs) {
      const engine = this.#engine();
      checkTime(nowMs);
      checkField("switch_requested", "site", "string", site);
      return this.#handleNamed(engine, { site }, "switch_requested", nowMs);
    }

    handleTimeout(nowMs) {
      const engine = this.#engine();
      checkTime(nowMs);
      const waiting = engine.handleTimeout(nowMs);
      if (waiting === BAD_TIME) throw timeError(nowMs);
      return waiting;
    }

    pollOutput() {
      return this.#next(this.#engine());
    }

    drainOutputs() {
      const engine = this.#engine();
      const outputs = [];
      for (let output = this.#next(engine); output !== undefined; output = this.#next(engine)) {
        outputs.push(output);
      }
      return outputs;
    }

    pollEmitted() {
      const engine = this.#engine();
      const output = this.#next(engine);
      return output === undefined ? undefined : { at: engine.outputAt(), output };
    }

    drainEmitted() {
      const engine = this.#engine();
      const emitted = [];
      for (let output = this.#next(engine); output !== undefined; output = this.#next(engine)) {
        emitted.push({ at: engine.outputAt(), output });
      }
      return emitted;
    }

    pollTimeout() {
      const at = this.#engine().pollTimeout();
      return at < 0 ? null : at;
    }

    /** The next output, built from its packed form (wasm/src/engine.rs, `next_output`). */
    #next(engine) {
      const packed = engine.nextOutput();
      if (packed === 0) return undefined;
      const kind = packed & 0xf;
      if (kind === AS_JSON) return engine.output();
      const site = this.#name(engine, (packed >>> 4) & 0xff);
      const to = this.#name(engine, (packed >>> 12) & 0xff);
      const small = (packed >>> 20) & 0xf;
      const tag = (packed >>> 24) & 0xf;
      const type = OUTPUT_TYPES[kind - 1];
      switch (type) {
        case "connect_config_server": return { type, site, member: MEMBER_NAMES[small] };
        case "phase_changed": return { type, phase: PHASES[small], site, role: tag === 0 ? null : ROLES[tag - 1] };
        case "switchover_pending": return { type, from: site, to, reason: REASONS[tag - 1], at: engine.outputTime() };
        case "switchover_cancelled": return { type, to, reason: REASONS[tag - 1] };
        case "switched": return { type, from: site, to, reason: REASONS[tag - 1] };
        case "all_sites_down": return { type, retry_at: engine.outputTime() };
        default: return { type, site };
      }
    }

    #name(engine, index) {
      if (index === NO_SITE) return null;
      let name = this.#names[index];
      if (name === undefined) {
        name = engine.siteName(index);
        this.#names[index] = name;
      }
      return name;
    }

    status() {
      return this.#engine().status();
    }

    policy() {
      return this.#engine().policy();
    }

    warnings() {
      return this.#engine().warnings();
    }

    get now() {
      return this.#engine().now();
    }

    get stopped() {
      return this.#engine().stopped();
    }

    get seed() {
      this.#engine();
      return this.#seed;
    }

    dispose() {
      if (this.#raw === undefined) return;
      this.#raw.free();
      this.#raw = undefined;
    }
  }
  if (typeof Symbol.dispose === "symbol") {
    Engine.prototype[Symbol.dispose] = Engine.prototype.dispose;
  }

  function validate(bundle, ...rest) {
    checkReady();
    if (rest.length > 0) throw noOptions("validate(bundle)");
    const text = bundleJson(bundle);
    return call(() => raw.validate(text));
  }

  return { Engine, validate };
}
