// The web demo's server: the built page (dist/) on 127.0.0.1, and the live
// mode's two sites (live/sites.js: a Kamailio and the link endpoints per
// site, on loopback ports of their own) with a small API for the page.
//
//   node server.js [--port N] [--no-live]   (default 8080; a busy port falls back to one the system picks)
//
// API (JSON): `GET /api/live` the sites and the bundle that names them (503
// when live mode is off, saying why); `GET /api/live/registrations` what each
// SIP server's location table holds; `POST /api/live/sites/NAME/kill` and
// `…/restore` (with `content-type: application/json`, from this origin only).
//
// It serves the files under its root only: no path outside it (`..`, encoded
// or not, symbolic links leading out), no hidden files, no directory
// listings, a plain 404 naming the path for anything else. It listens on the
// loopback address only, and answers only requests addressed to it there
// (a page elsewhere cannot reach it by renaming its host).

import { createServer } from "node:http";
import { readFileSync } from "node:fs";
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
export async function startServer({ root = DIST, port = 0, fallback = false, live = null } = {}) {
  const base = await realpath(root);
  const server = createServer((request, response) => {
    handle(base, server, live, request, response).catch((error) => {
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

async function handle(base, server, live, request, response) {
  // Only requests addressed to this server by its loopback name.
  const { port } = server.address();
  const host = request.headers.host ?? "";
  if (host !== `${HOST}:${port}` && host !== `localhost:${port}`) {
    return send(response, 421, "text/plain; charset=utf-8", `421 Misdirected Request: this server answers http://${HOST}:${port}/ only\n`);
  }
  if (request.url.startsWith("/api/")) return api(live, request, response, `http://${host}`);
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

/** The live mode's API: the sites, their registrations, and killing or restoring one. */
async function api(live, request, response, origin) {
  const json = (status, value) => send(response, status, "application/json; charset=utf-8", `${JSON.stringify(value)}\n`);
  const path = request.url.split(/[?#]/, 1)[0];
  if (live === null || live.off !== undefined) {
    return json(503, { error: `live mode is off: ${live?.off ?? "this server was started without it"}` });
  }
  if (request.method === "GET" && path === "/api/live") {
    return json(200, { sites: live.sites.describe(), bundle: liveBundle(live.sites.describe()) });
  }
  if (request.method === "GET" && path === "/api/live/registrations") {
    return json(200, await live.sites.registrations());
  }
  const action = /^\/api\/live\/sites\/([^/]+)\/(kill|restore)$/.exec(path);
  if (action !== null) {
    if (request.method !== "POST") {
      response.setHeader("allow", "POST");
      return json(405, { error: `${request.method} ${path}: use POST` });
    }
    // A page of another origin cannot send this without a CORS preflight, which is never granted.
    if (!(request.headers["content-type"] ?? "").startsWith("application/json") || (request.headers.origin !== undefined && request.headers.origin !== origin)) {
      return json(403, { error: "kill and restore take a JSON POST from the demo's own page" });
    }
    const site = decodeURIComponent(action[1]);
    if (!live.sites.describe().some((entry) => entry.name === site)) return json(404, { error: `no site named ${site}` });
    await live.sites[action[2]](site);
    return json(200, { site, up: action[2] === "restore" });
  }
  return json(404, { error: `404 Not Found: ${path}` });
}

/**
 * The live bundle (live/bundle.json) with each server application's
 * `address`: where its site's server really is. A primary names its site in
 * `disaster-recovery.site`; a backup is the one its primary names.
 */
function liveBundle(sites) {
  const bundle = JSON.parse(readFileSync(path.join(here, "live/bundle.json"), "utf8"));
  const place = new Map();
  for (const server of bundle.servers) {
    const site = server.options?.["interaction-workspace"]?.["disaster-recovery.site"];
    if (site === undefined) continue;
    place.set(server.name, { site, member: "primary" });
    if (server.backup !== undefined) place.set(server.backup, { site, member: "backup" });
  }
  for (const server of bundle.servers) {
    const where = place.get(server.name);
    const site = sites.find((entry) => entry.name === where?.site);
    if (site === undefined) continue;
    const url = server.type === "sip-server" ? site.sip : site.links[server.type]?.[where.member];
    if (url !== undefined) server.address = new URL(url).host;
  }
  return bundle;
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
  const args = process.argv.slice(2);
  const { port, fallback } = portArgument(args);
  try {
    await stat(path.join(DIST, "index.html"));
  } catch {
    console.error("error: the demo is not built (web-demo/dist/index.html is missing): run `bash scripts/web-demo.sh`");
    process.exit(1);
  }
  const live = args.includes("--no-live") ? { off: "started with --no-live" } : await startLiveSites();
  const server = await startServer({ port, fallback, live });
  console.log(`Continuity web demo: ${server.url}  (Ctrl-C stops it)`);
  if (live.off !== undefined) console.log(`live mode off: ${live.off}`);
  else console.log(`live mode: ${live.sites.describe().map((site) => `${site.name} SIP server ${site.sip}`).join(", ")}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await live.sites?.stop();
    await server.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  process.on("SIGHUP", stop);
}

/** The live mode's sites, or why there are none (the simulator works without them). */
async function startLiveSites() {
  try {
    const { startLive } = await import("./live/sites.js");
    return { sites: await startLive() };
  } catch (error) {
    return { off: error.message };
  }
}
