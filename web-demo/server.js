// The web demo's server: the built page (dist/) on 127.0.0.1, nothing else.
//
//   node server.js [--port N]      (default 8080; a busy port falls back to one the system picks)
//
// It serves the files under its root only: no path outside it (`..`, encoded
// or not, symbolic links leading out), no hidden files, no directory
// listings, a plain 404 naming the path for anything else. It listens on the
// loopback address only, and answers only requests addressed to it there
// (a page elsewhere cannot reach it by renaming its host).

import { createServer } from "node:http";
import { readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
/** Where the built page is (scripts/web-demo.sh builds it). */
export const DIST = path.join(here, "dist");
/** The loopback address the server listens on. */
export const HOST = "127.0.0.1";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json; charset=utf-8",
  ".jsonl": "application/x-ndjson; charset=utf-8",
  ".cfg": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/**
 * Starts the server on `port` (0: the system picks one); resolves to
 * `{url, port, close()}`. With `fallback`, a busy port falls back to one the
 * system picks.
 */
export async function startServer({ root = DIST, port = 0, fallback = false } = {}) {
  const base = await realpath(root);
  const server = createServer((request, response) => {
    handle(base, server, request, response).catch((error) => {
      send(response, 500, "text/plain; charset=utf-8", `500 Internal Server Error: ${error.message}\n`);
    });
  });
  const listen = (on) =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(on, HOST, () => {
        server.off("error", reject);
        resolve();
      });
    });
  try {
    await listen(port);
  } catch (error) {
    if (!(fallback && error.code === "EADDRINUSE")) throw error;
    await listen(0);
  }
  const actual = server.address().port;
  return {
    url: `http://${HOST}:${actual}/`,
    port: actual,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(base, server, request, response) {
  // Only requests addressed to this server by its loopback name.
  const { port } = server.address();
  const host = request.headers.host ?? "";
  if (host !== `${HOST}:${port}` && host !== `localhost:${port}`) {
    return send(response, 421, "text/plain; charset=utf-8", `421 Misdirected Request: this server answers http://${HOST}:${port}/ only\n`);
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.setHeader("allow", "GET, HEAD");
    return send(response, 405, "text/plain; charset=utf-8", `405 Method Not Allowed: ${request.method}\n`);
  }
  // The path as sent, without query or fragment (not parsed against a base,
  // which would read `//name/…` as a host).
  const urlPath = request.url.split(/[?#]/, 1)[0];
  const file = await resolveFile(base, urlPath);
  if (file === null) return send(response, 404, "text/plain; charset=utf-8", `404 Not Found: ${urlPath}\n`);
  const body = await readFile(file);
  const type = TYPES[path.extname(file)] ?? "application/octet-stream";
  send(response, 200, type, request.method === "HEAD" ? undefined : body, body.length);
}

/** The file a URL path names under `base`, or null: outside it, hidden, a folder, or missing. */
async function resolveFile(base, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return null;
  const segments = decoded.split("/").filter((segment) => segment !== "");
  if (segments.some((segment) => segment === ".." || segment.startsWith("."))) return null;
  if (decoded.endsWith("/")) segments.push("index.html");
  const candidate = path.join(base, ...segments);
  let real;
  try {
    real = await realpath(candidate);
  } catch {
    return null;
  }
  if (!real.startsWith(base + path.sep)) return null;
  const info = await stat(real);
  return info.isFile() ? real : null;
}

function send(response, status, type, body, length) {
  response.writeHead(status, {
    "content-type": type,
    "content-length": length ?? (body === undefined ? 0 : Buffer.byteLength(body)),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  response.end(body);
}

/** `--port N` from the command line, or the default. */
function portArgument(args) {
  const at = args.indexOf("--port");
  if (at === -1) return { port: 8080, fallback: true };
  const text = args[at + 1] ?? "";
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    console.error(`error: --port takes a port number from 0 to 65535; got ${args[at + 1] ?? "nothing"}`);
    process.exit(2);
  }
  return { port, fallback: false };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { port, fallback } = portArgument(process.argv.slice(2));
  try {
    await stat(path.join(DIST, "index.html"));
  } catch {
    console.error("error: the demo is not built (web-demo/dist/index.html is missing): run `bash scripts/web-demo.sh`");
    process.exit(1);
  }
  const server = await startServer({ port, fallback });
  console.log(`Continuity web demo: ${server.url}  (Ctrl-C stops it)`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
