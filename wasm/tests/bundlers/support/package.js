// The package as a registry would hand it out: `npm pack` of wasm/pkg into a
// temporary folder, and installs of that tarball. Every test works from the
// tarball, never from wasm/pkg itself, which a rebuild replaces as a whole.

import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
export const pkgDir = path.join(repo, "wasm/pkg");

/** A new temporary folder; `remove()` deletes it. */
export async function tempDir(name) {
  const dir = await mkdtemp(path.join(tmpdir(), `continuity-${name}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * `npm pack` of wasm/pkg into `dir`; resolves to `{tarball, report}` (npm's
 * JSON report: sizes, files). A rebuild can replace wasm/pkg mid-pack, so a
 * failed pack is tried once more. The path is absolute: npm reads
 * `wasm/pkg` as a GitHub repository.
 */
export async function pack(dir) {
  let report;
  try {
    report = await npm(["pack", pkgDir, "--pack-destination", dir, "--json"], dir);
  } catch {
    // The gap between a rebuild's removal of wasm/pkg and its replacement.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    report = await npm(["pack", pkgDir, "--pack-destination", dir, "--json"], dir);
  }
  const [packed] = JSON.parse(report);
  return { tarball: path.join(dir, packed.filename), report: packed };
}

/** `npm install` of the tarball into the project at `dir`, offline: the package has no dependencies. */
export async function install(dir, tarball) {
  await npm(["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", tarball], dir);
}

/** Runs npm in `cwd`; resolves to its standard output, or rejects with its standard error. */
export async function npm(args, cwd) {
  try {
    const { stdout } = await run("npm", args, { cwd, maxBuffer: 64 << 20 });
    return stdout;
  } catch (error) {
    throw new Error(`npm ${args.join(" ")} failed in ${cwd}:\n${error.stderr || error.message}`);
  }
}

/** Milliseconds since `start` (performance.now()), for the timings the tests print. */
export function since(start) {
  return `${Math.round(performance.now() - start)} ms`;
}
