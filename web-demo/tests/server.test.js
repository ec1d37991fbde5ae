// The web demo's static server (server.js) against a temporary root: what it
// serves and with which headers, the 404s (missing files, folders, hidden
// files, every way out of the root, encoded or through symbolic links), the
// 405s, the loopback-only socket and Host check, the port fallback, and the
// command line (bad --port, the printed URL, a clean stop on SIGINT).

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import { DIST, HOST, startServer } from "../server.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const webDemo = path.dirname(here);
const repoRoot = path.dirname(webDemo);

const SECRET = "secret outside the root\n";
const SIBLING_SECRET = "secret in a sibling folder that shares the root's name as a prefix\n";
const FILES = {
  "index.html": "<!doctype html><title>root index</title>\n",
  "app.js": "export const app = 1;\n",
  "sub/index.html": "<!doctype html><title>sub index</title>\n",
  "sub/data.json": '{"data": true}\n',
  ".hidden": "hidden file\n",
  "sub/.env": "TOKEN=hidden\n",
};

let temp;
let root;

/** A temporary folder holding `site/` (the root), `secret.txt` beside it and `site-secret/file.txt`. */
before(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), "web-demo-server-"));
  root = path.join(temp, "site");
  await mkdir(path.join(root, "sub"), { recursive: true });
  await mkdir(path.join(root, "empty"));
  for (const [name, text] of Object.entries(FILES)) await writeFile(path.join(root, name), text);
  await writeFile(path.join(temp, "secret.txt"), SECRET);
  await mkdir(path.join(temp, "site-secret"));
  await writeFile(path.join(temp, "site-secret", "file.txt"), SIBLING_SECRET);
  await symlink(path.join(temp, "secret.txt"), path.join(root, "out.txt"));
  await symlink(path.join(root, "app.js"), path.join(root, "inside.txt"));
  await symlink(path.join(temp, "site-secret", "file.txt"), path.join(root, "sibling.txt"));
  await symlink(temp, path.join(root, "outdir"));
});

after(async () => {
  await rm(temp, { recursive: true, force: true });
});

/** A request with exactly this path (nothing normalized); resolves to `{status, headers, body}`. */
function request(port, requestPath, { method = "GET", host = `${HOST}:${port}` } = {}) {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      { host: HOST, port, method, path: requestPath, headers: { host }, agent: false },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () =>
          resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    outgoing.on("error", reject);
    outgoing.end();
  });
}

/** Resolves to the error a TCP connection to `address:port` ends with, or null when it connects. */
function connectError(address, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(null);
    });
    socket.once("error", resolve);
  });
}

/** The exit of `child` as `{code, signal}`; fails (and kills it) when it has not exited within `ms`. */
function exited(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the server process did not exit within ${ms} ms`));
    }, ms);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/**
 * How `child` ends up: `{code, stderr}` when it exits, `{listening: url, stderr}` when it prints its URL
 * first; fails (and kills it) when neither happens within `ms`.
 */
function startOrExit(child, ms) {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the server process neither exited nor printed its URL within ${ms} ms`));
    }, ms);
    const settle = (outcome) => {
      clearTimeout(timer);
      resolve({ ...outcome, stderr });
    };
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const match = stdout.match(/^Continuity web demo: (\S+)/m);
      if (match) settle({ listening: match[1] });
    });
    child.once("exit", (code) => settle({ code }));
  });
}

/** Runs `node web-demo/server.js ...args` from the repository root. */
function runServer(args) {
  const child = spawn(process.execPath, ["web-demo/server.js", ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  return child;
}

/** The first stdout line of `child` matching `pattern` (the match), or a rejection when it exits first. */
function lineMatching(child, pattern) {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      for (const line of stdout.split("\n")) {
        const match = line.match(pattern);
        if (match) return resolve(match);
      }
    });
    child.once("exit", (code) =>
      reject(new Error(`the server exited (${code}) before printing ${pattern}\nstdout: ${stdout}\nstderr: ${stderr}`)),
    );
  });
}

test("DIST is web-demo/dist and HOST is the loopback address", () => {
  assert.equal(DIST, path.join(webDemo, "dist"));
  assert.equal(HOST, "127.0.0.1");
});

describe("a server on a temporary root", () => {
  let server;

  before(async () => {
    server = await startServer({ root, port: 0 });
  });

  after(async () => {
    await server?.close();
  });

  describe("serves the files under the root", () => {
    test("GET / serves index.html as text/html", async () => {
      const response = await request(server.port, "/");
      assert.equal(response.status, 200);
      assert.match(response.headers["content-type"], /^text\/html\b/);
      assert.equal(response.body, FILES["index.html"]);
    });

    test("GET /app.js serves it as text/javascript", async () => {
      const response = await request(server.port, "/app.js");
      assert.equal(response.status, 200);
      assert.match(response.headers["content-type"], /^text\/javascript\b/);
      assert.equal(response.body, FILES["app.js"]);
    });

    test("GET /sub/data.json serves it as application/json", async () => {
      const response = await request(server.port, "/sub/data.json");
      assert.equal(response.status, 200);
      assert.match(response.headers["content-type"], /^application\/json\b/);
      assert.deepEqual(JSON.parse(response.body), { data: true });
    });

    test("every file is sent with cache-control: no-store and x-content-type-options: nosniff", async () => {
      for (const requestPath of ["/", "/app.js", "/sub/data.json"]) {
        const { headers } = await request(server.port, requestPath);
        assert.equal(headers["cache-control"], "no-store", requestPath);
        assert.equal(headers["x-content-type-options"], "nosniff", requestPath);
      }
    });

    test("HEAD /app.js gives the headers and the content-length with no body", async () => {
      const response = await request(server.port, "/app.js", { method: "HEAD" });
      assert.equal(response.status, 200);
      assert.match(response.headers["content-type"], /^text\/javascript\b/);
      assert.equal(response.headers["content-length"], String(Buffer.byteLength(FILES["app.js"])));
      assert.equal(response.headers["cache-control"], "no-store");
      assert.equal(response.body, "");
    });

    test("GET /sub/ serves sub/index.html", async () => {
      const response = await request(server.port, "/sub/");
      assert.equal(response.status, 200);
      assert.match(response.headers["content-type"], /^text\/html\b/);
      assert.equal(response.body, FILES["sub/index.html"]);
    });

    test("a path starting with // names the file under the root, like /sub//data.json does", async () => {
      assert.equal((await request(server.port, "/sub//data.json")).body, FILES["sub/data.json"]);
      const app = await request(server.port, "//app.js");
      assert.equal(app.status, 200);
      assert.equal(app.body, FILES["app.js"]);
      const data = await request(server.port, "//sub/data.json");
      assert.equal(data.status, 200);
      assert.equal(data.body, FILES["sub/data.json"]);
    });

    test("a symbolic link to a file inside the root is served", async () => {
      const response = await request(server.port, "/inside.txt");
      assert.equal(response.status, 200);
      assert.equal(response.body, FILES["app.js"]);
    });
  });

  describe("answers 404, never a listing, for what is not a file under the root", () => {
    test("a missing file is a plain 404 that names the path", async () => {
      const response = await request(server.port, "/nope.js");
      assert.equal(response.status, 404);
      assert.match(response.headers["content-type"], /^text\/plain\b/);
      assert.equal(response.body, "404 Not Found: /nope.js\n");
    });

    test("a folder without the trailing slash (/sub) is a 404", async () => {
      const response = await request(server.port, "/sub");
      assert.equal(response.status, 404);
      assert.equal(response.body, "404 Not Found: /sub\n");
    });

    test("a folder without index.html (/empty/) is a 404", async () => {
      const response = await request(server.port, "/empty/");
      assert.equal(response.status, 404);
      assert.equal(response.body, "404 Not Found: /empty/\n");
    });

    for (const name of [".hidden", "sub/.env"]) {
      test(`the hidden file /${name} is a 404`, async () => {
        const response = await request(server.port, `/${name}`);
        assert.equal(response.status, 404);
        assert.equal(response.body, `404 Not Found: /${name}\n`);
        assert.ok(!response.body.includes(FILES[name].trim()), "the hidden file's content leaked");
      });
    }
  });

  describe("serves nothing outside the root", () => {
    const escapes = [
      "/../secret.txt",
      "/sub/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E%2Fsecret.txt",
      "/..%2fsecret.txt",
      "/sub/..%5c..%5csecret.txt",
      "/%00",
      "/app.js%00.html",
      "/%E0%A4%A",
      "//etc/passwd",
      "/../site-secret/file.txt",
      "/out.txt",
      "/outdir/secret.txt",
      "/sibling.txt",
    ];
    for (const requestPath of escapes) {
      test(`GET ${requestPath} is a 404 without the secret`, async () => {
        const response = await request(server.port, requestPath);
        assert.equal(response.status, 404);
        assert.match(response.body, /^404 Not Found: /);
        assert.ok(!response.body.includes(SECRET.trim()), "the secret beside the root leaked");
        assert.ok(!response.body.includes(SIBLING_SECRET.trim()), "the sibling folder's secret leaked");
        assert.ok(!response.body.includes("root:"), "/etc/passwd leaked");
      });
    }
  });

  describe("answers only GET and HEAD", () => {
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS"]) {
      test(`${method} is a 405 with allow: GET, HEAD`, async () => {
        const response = await request(server.port, "/app.js", { method });
        assert.equal(response.status, 405);
        assert.equal(response.headers.allow, "GET, HEAD");
        assert.ok(!response.body.includes(FILES["app.js"].trim()));
      });
    }
  });

  describe("is reachable on the loopback address only", () => {
    test("its URL is http://127.0.0.1:PORT/", () => {
      assert.ok(server.url.startsWith("http://127.0.0.1:"), server.url);
      assert.equal(server.url, `http://127.0.0.1:${server.port}/`);
    });

    test("a connection to the machine's other address is refused", async (t) => {
      const other = Object.values(os.networkInterfaces())
        .flat()
        .find((address) => address && address.family === "IPv4" && !address.internal);
      if (!other) {
        t.skip("this machine has no non-loopback IPv4 address to connect to");
        return;
      }
      assert.equal(await connectError(HOST, server.port), null, "the loopback address must accept connections");
      const error = await connectError(other.address, server.port);
      assert.ok(error, `a connection to ${other.address}:${server.port} was accepted`);
      assert.equal(error.code, "ECONNREFUSED");
    });

    for (const host of ["evil.example:PORT", "127.0.0.1.evil.example", "127.0.0.1.evil.example:PORT"]) {
      test(`a request with Host: ${host} is refused with 421`, async () => {
        const response = await request(server.port, "/", { host: host.replace("PORT", server.port) });
        assert.equal(response.status, 421);
        assert.ok(!response.body.includes(FILES["index.html"].trim()));
      });
    }

    for (const host of ["localhost:PORT", "127.0.0.1:PORT"]) {
      test(`a request with Host: ${host} is served`, async () => {
        const response = await request(server.port, "/", { host: host.replace("PORT", server.port) });
        assert.equal(response.status, 200);
        assert.equal(response.body, FILES["index.html"]);
      });
    }
  });
});

describe("a busy port", () => {
  test("with fallback, the server starts on another port", async (t) => {
    const first = await startServer({ root, port: 0 });
    t.after(() => first.close());
    const second = await startServer({ root, port: first.port, fallback: true });
    t.after(() => second.close());
    assert.notEqual(second.port, first.port);
    assert.equal(second.url, `http://127.0.0.1:${second.port}/`);
    assert.equal((await request(second.port, "/app.js")).body, FILES["app.js"]);
  });

  test("without fallback, starting rejects with EADDRINUSE", async (t) => {
    const first = await startServer({ root, port: 0 });
    t.after(() => first.close());
    await assert.rejects(startServer({ root, port: first.port }), { code: "EADDRINUSE" });
  });
});

describe("the command line", () => {
  for (const args of [["abc"], [""], ["-1"], ["65536"], ["8080.5"], []]) {
    const shown = args.length ? `--port ${JSON.stringify(args[0])}` : "--port with no value";
    test(`${shown} exits with status 2 and an error naming --port`, async (t) => {
      const child = runServer(["--port", ...args]);
      t.after(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      });
      const outcome = await startOrExit(child, 10_000);
      assert.equal(outcome.listening, undefined, `it started serving on ${outcome.listening}`);
      assert.equal(outcome.code, 2);
      assert.match(outcome.stderr, /--port/);
    });
  }

  test("--port 0 prints its URL, serves the built page there and exits 0 on SIGINT", async (t) => {
    if (!existsSync(path.join(DIST, "index.html"))) {
      t.skip("web-demo/dist/index.html is missing: run `bash scripts/build-web-demo.sh`");
      return;
    }
    const child = runServer(["--port", "0"]);
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    const [, url, port] = await lineMatching(child, /^Continuity web demo: (http:\/\/127\.0\.0\.1:(\d+)\/)/);
    assert.equal(url, `http://127.0.0.1:${port}/`);

    const response = await request(Number(port), "/");
    assert.equal(response.status, 200);
    assert.match(response.headers["content-type"], /^text\/html\b/);
    assert.equal(response.body, await readFile(path.join(DIST, "index.html"), "utf8"));

    child.kill("SIGINT");
    const { code, signal } = await exited(child, 5_000);
    assert.equal(signal, null);
    assert.equal(code, 0);
  });
});
