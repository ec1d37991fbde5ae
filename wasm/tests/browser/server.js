// What the browser tests serve (../support/static-server.js): the built
// package, the test pages and the read-only fixtures of the repository.

import path from "node:path";
import { fileURLToPath } from "node:url";

import { startServer as startStatic } from "../support/static-server.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");

/** URL prefix to the folder it serves; the first match wins. */
const ROOTS = [
  ["/pkg/", path.join(repo, "wasm/pkg")],
  ["/scenarios/", path.join(repo, "tests/scenarios")],
  ["/bundles/", path.join(repo, "examples/bundles")],
  ["/", path.join(here, "pages")],
];

/** Starts the server; resolves to `{ origin, close() }`. */
export function startServer() {
  return startStatic(ROOTS);
}
