// The static HTTP server of the package's browser, bundler and publish
// tests: folders served byte for byte (the scenario traces are compared
// exactly) under URL prefixes, never cached, on 127.0.0.1 and an ephemeral
// port, with the MIME types a browser insists on (`application/wasm` for
// streaming compilation, a JavaScript type for module scripts and workers)
// and `nosniff`, so a wrong type fails instead of being guessed.

import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".jsonl": "text/plain; charset=utf-8",
  ".cfg": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

/**
 * Serves `roots`, a list of `[prefix, folder]` (the first prefix that
 * matches wins; "/" names index.html); resolves to `{origin, close()}`.
 * A path outside every folder, a hidden file or a type not in TYPES is a 404.
 */
export async function startServer(roots) {
  roots = roots.map(([prefix, folder]) => [prefix, path.resolve(folder)]);
  const server = createServer((request, response) => {
    serve(roots, request, response).catch((error) => send(response, 500, "text/plain", String(error)));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(roots, request, response) {
  if (request.method !== "GET" && request.method !== "HEAD") return send(response, 405, "text/plain", "method not allowed");
  const file = resolve(roots, new URL(request.url, "http://127.0.0.1").pathname);
  const type = file === undefined ? undefined : TYPES[path.extname(file)];
  if (type === undefined) return send(response, 404, "text/plain", `not found: ${request.url}`);
  let body;
  try {
    body = await readFile(file);
  } catch {
    return send(response, 404, "text/plain", `not found: ${request.url}`);
  }
  send(response, 200, type, request.method === "HEAD" ? undefined : body, body.length);
}

/** The file a URL path names, or undefined when it is outside every folder or hidden. */
function resolve(roots, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.endsWith("/")) decoded += "index.html";
  if (decoded.split("/").some((part) => part.startsWith("."))) return undefined;
  for (const [prefix, root] of roots) {
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
