// A static HTTP server for the browser tests: the built package, the test
// pages and the read-only fixtures of the repository, on 127.0.0.1 and an
// ephemeral port. Files are served byte for byte (the scenario traces are
// compared exactly) and never cached.

import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");

/** URL prefix to the folder it serves; the first match wins. */
const ROOTS = [
  ["/pkg/", path.join(repo, "wasm/pkg")],
  ["/scenarios/", path.join(repo, "tests/scenarios")],
  ["/bundles/", path.join(repo, "examples/bundles")],
  ["/", path.join(here, "pages")],
];

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json; charset=utf-8",
  ".jsonl": "text/plain; charset=utf-8",
  ".cfg": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

/** Starts the server; resolves to `{ origin, close() }`. */
export async function startServer() {
  const server = createServer((request, response) => {
    serve(request, response).catch((error) => {
      response.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      response.end(String(error));
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(request, response) {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return send(response, 405, "text/plain; charset=utf-8", "method not allowed");
  }
  const file = resolve(new URL(request.url, "http://localhost").pathname);
  const type = file === undefined ? undefined : TYPES[path.extname(file)];
  if (type === undefined) return send(response, 404, "text/plain; charset=utf-8", "not found");
  let body;
  try {
    body = await readFile(file);
  } catch {
    return send(response, 404, "text/plain; charset=utf-8", "not found");
  }
  send(response, 200, type, request.method === "HEAD" ? undefined : body, body.length);
}

/** The file a URL path names, or undefined when it is outside every root. */
function resolve(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded === "/") decoded = "/index.html";
  for (const [prefix, root] of ROOTS) {
    if (!decoded.startsWith(prefix)) continue;
    const file = path.resolve(root, `.${decoded.slice(prefix.length - 1)}`);
    return file.startsWith(root + path.sep) ? file : undefined;
  }
  return undefined;
}

function send(response, status, type, body, length) {
  response.writeHead(status, {
    "content-type": type,
    "content-length": length ?? Buffer.byteLength(body ?? ""),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  response.end(body);
}
