// Types of the tools entry, `continuity-engine/tools`: what only tools need,
// on a second WebAssembly module that a desktop's runtime never loads —
// option exports, scenarios, the fleet.

import type { Bundle, Diagnostic, Input, ValidationReport } from "./index.js";

export { ContinuityError, isContinuityError } from "./index.js";

/**
 * Loads the tools module (browsers; in Node it is loaded at import). Pass
 * the `.wasm` URL when a bundler moved it.
 */
export function init(source?: string | URL | Response | BufferSource | WebAssembly.Module): Promise<void>;

// ------------------------------------------------------------ option exports

/** A parsed Genesys Administrator option export. */
export interface ParsedCfg { options: Record<string, Record<string, string>>; warnings: Diagnostic[] }

/** Texts of the files a bundle or scenario names (`options_file`, `bundle_file`), by the path written there. */
export type Files = Record<string, string> | Map<string, string>;

/** Validates a bundle as `continuity validate` does, reading the option exports it names from `files`: the runtime's report, with the exports' warnings. @throws ContinuityError `parse`, `options-file`, `invalid-files` */
export function validate(bundle: Bundle | string, options?: { files?: Files }): ValidationReport;
/** Parses the text of a Genesys Administrator option export (`.cfg`). @throws ContinuityError `parse` (with the line) */
export function parseCfg(text: string): ParsedCfg;
/** Replaces every `options_file` of a bundle with the options of its text in `files`: the bundle the runtime (`new Engine`, `validate`, the drivers) takes. @throws ContinuityError `parse`, `options-file` (the object and file, and the line), `invalid-files` */
export function resolveOptionFiles(bundle: Bundle | string, files: Files): { bundle: Bundle; warnings: Diagnostic[] };

// ----------------------------------------------------------------- scenarios

/** A scenario: timed inputs run in virtual time (DESIGN §4.4; tests/scenarios/README.md). */
export interface Scenario {
  description?: string;
  bundle?: Bundle;
  /** A bundle file, by path; pass its text in `files`. */
  bundle_file?: string;
  seed?: number;
  steps: ({ at: number; input: Input; note?: string } | { at: number; freeze_until: number; note?: string })[];
  until?: number;
}

/** Runs a scenario and returns its trace (JSON Lines, one `Emitted` a line), byte for byte what `continuity simulate` prints. */
export function simulate(scenario: Scenario | string, options?: { files?: Files }): string;

// --------------------------------------------------------------------- fleet

/** A fleet run. Every field is optional; times are milliseconds from the start. */
export interface FleetOptions {
  /** How many desktops (default 10,000; at most 10,000,000). */
  desktops?: number;
  /** The fleet's seed: each desktop's seed and detection delay come from it (default 0). */
  seed?: number;
  /** The site that is lost (default: the preferred site). */
  lost_site?: string;
  /** When it is lost (default 60,000). */
  loss_at_ms?: number;
  /** When it comes back (default 1,200,000); `null`: never. */
  return_at_ms?: number | null;
  /** How long to simulate (default 3,600,000; at most a week). */
  until_ms?: number;
  /** The detection window (default: the ADDP timeout of the lost site's SIP Server connection, else 20,000). */
  detection_ms?: number;
  /** `continuity.failover-spread` for every desktop instead of the bundle's (whole seconds, in ms). */
  failover_spread_ms?: number;
  /** `continuity.restore-spread` for every desktop instead of the bundle's (whole seconds, in ms). */
  restore_spread_ms?: number;
  /** REGISTERs per second each site's registrar takes: adds `report.capacity`. */
  registrar_capacity?: number;
}

/** A count per second of the run, its total and its busiest second. */
export interface FleetSeries {
  per_second: number[];
  total: number;
  peak: { count: number; at_ms: number };
}

/** What one site received. */
export interface FleetSite {
  site: string;
  lost: boolean;
  connects: FleetSeries;
  /** REGISTER requests: registrations and un-registrations. */
  registers: FleetSeries;
  active_at_end: number;
}

/** Durations over the desktops that count (nearest-rank percentiles); null when none does. */
export interface FleetTimes {
  count: number;
  p50_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
}

/** The smallest spread that keeps a phase at or under the capacity. */
export interface FleetSpreadSearch {
  /** null: none up to an hour. */
  smallest_ms: number | null;
  peak: number;
  runs: number;
}

/** The registrar capacity plan. */
export interface FleetCapacity {
  registers_per_second: number;
  seconds_over: [FleetSecondsOver, FleetSecondsOver];
  failover_spread: FleetSpreadSearch;
  restore_spread: FleetSpreadSearch;
  both_verified: boolean;
}

/** The seconds of one site over the capacity. */
export interface FleetSecondsOver {
  seconds: number;
  first_ms: number | null;
  last_ms: number | null;
}

/** What a fleet run found (the same JSON as `continuity fleet --json`). */
export interface FleetReport {
  desktops: number;
  seed: number;
  loss_at_ms: number;
  return_at_ms: number | null;
  until_ms: number;
  detection_ms: number;
  detection_from: "given" | "addp" | "default";
  site_timeout_ms: number;
  endpoint_timeout_ms: number;
  failover_spread_ms: number;
  restore_spread_ms: number;
  /** The lost site, then the other one. */
  sites: [FleetSite, FleetSite];
  switch: FleetTimes;
  switch_back: FleetTimes;
  not_active_at_end: number;
  warnings: string[];
  capacity: FleetCapacity | null;
}

/** Hooks of a fleet run. */
export interface FleetHooks {
  /**
   * Called after every slice of desktops of every run: what the run is for
   * (`"fleet"` for the run asked for; `"failover-spread N s"`,
   * `"restore-spread N s"` and `"both spreads"` for the capacity plan's),
   * desktops done, desktops in the run.
   */
  onProgress?: (what: string, done: number, total: number) => void;
}

/**
 * Simulates a fleet of the bundle's desktops through a site's loss and
 * return: what each site receives per second, switch times, and with a
 * registrar capacity the smallest spreads that keep every second under it.
 * Synchronous and CPU-bound: call it in a Worker. Throws a ContinuityError
 * (`parse`, `invalid-bundle` with diagnostics, `invalid-options`).
 */
export function runFleet(bundle: Bundle | string, options?: FleetOptions, hooks?: FleetHooks): { report: FleetReport; svg: string };
