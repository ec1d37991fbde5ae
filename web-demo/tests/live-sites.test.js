// The live mode's sites (live/sites.js) with real processes on loopback:
// Kamailio answering SIP over WebSocket (OPTIONS, REGISTER) and JSON-RPC,
// the link endpoints (live/links.js), a site killed and restored on the
// same ports with its in-memory registrations lost, stop() leaving no
// process behind, and two Lives side by side.
//
// Needs Kamailio and its websocket module: bash scripts/sip-server.sh install.
// Node 20 has no WebSocket client without a flag, so a minimal one (RFC 6455
// handshake, masked text frames) is written here over `net`.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import { LINKS_JS, parseUlDump, startLive } from "../live/sites.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// ---------------------------------------------------------------------------
// A minimal WebSocket client

/** A URL "ws://127.0.0.1:P" → P. */
const portOf = (url) => Number(new URL(url).port);

/**
 * An open WebSocket to 127.0.0.1:`port`. `messages` collects the text
 * frames received; `closed` resolves (with the close code, or 1006 when the
 * connection ended without a close frame) once the TCP connection is gone.
 */
class WsClient {
  static connect(port, { protocol, origin } = {}) {
    return new Promise((resolve, reject) => {
      const key = randomBytes(16).toString("base64");
      const socket = net.connect({ host: "127.0.0.1", port });
      let buffer = Buffer.alloc(0);
      const fail = (error) => {
        socket.destroy();
        reject(error);
      };
      socket.once("error", fail);
      socket.on("connect", () => {
        socket.write(
          `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
            (protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : "") +
            (origin ? `Origin: ${origin}\r\n` : "") +
            "\r\n",
        );
      });
      const onData = (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        socket.off("data", onData);
        socket.off("error", fail);
        const head = buffer.subarray(0, end).toString("latin1");
        const status = Number(head.split(" ")[1]);
        const accept = /^sec-websocket-accept: *(\S+)/im.exec(head)?.[1];
        const expected = createHash("sha1").update(key + GUID).digest("base64");
        if (status !== 101 || accept !== expected) {
          socket.destroy();
          const error = new Error(`handshake on port ${port} failed: ${head.split("\r\n")[0]}`);
          error.status = status;
          return reject(error);
        }
        resolve(new WsClient(socket, buffer.subarray(end + 4), head));
      };
      socket.on("data", onData);
    });
  }

  constructor(socket, rest, head) {
    this.socket = socket;
    this.head = head;
    this.protocol = /^sec-websocket-protocol: *(\S+)/im.exec(head)?.[1] ?? null;
    this.messages = [];
    this.waiters = [];
    this.closeCode = 1006;
    this.pongs = 0;
    this.buffer = Buffer.alloc(0);
    this.closed = new Promise((resolve) => socket.on("close", () => resolve(this.closeCode)));
    socket.on("error", () => {});
    socket.on("data", (chunk) => this.#read(chunk));
    if (rest.length) this.#read(rest);
  }

  #read(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 2) {
      const opcode = this.buffer[0] & 0x0f;
      let length = this.buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) return;
      const payload = this.buffer.subarray(offset, offset + length);
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode === 0x1) {
        this.messages.push(payload.toString("utf8"));
        for (const waiter of this.waiters.splice(0)) waiter();
      } else if (opcode === 0x8) {
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      } else if (opcode === 0x9) {
        this.#send(0xa, payload);
      } else if (opcode === 0xa) {
        this.pongs += 1;
        for (const waiter of this.waiters.splice(0)) waiter();
      }
    }
  }

  /** One masked frame (a client must mask every frame, RFC 6455 §5.3). */
  #send(opcode, payload) {
    const mask = randomBytes(4);
    const masked = Buffer.from(payload);
    for (let i = 0; i < masked.length; i++) masked[i] ^= mask[i % 4];
    let header;
    if (payload.length < 126) header = Buffer.from([0x80 | opcode, 0x80 | payload.length]);
    else {
      header = Buffer.alloc(4);
      header[0] = 0x80 | opcode;
      header[1] = 0x80 | 126;
      header.writeUInt16BE(payload.length, 2);
    }
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  sendText(text) {
    this.#send(0x1, Buffer.from(text, "utf8"));
  }

  ping(data = "hello") {
    this.#send(0x9, Buffer.from(data));
  }

  /** Sends a close frame (code 1000) and resolves once the connection is gone. */
  close() {
    const code = Buffer.alloc(2);
    code.writeUInt16BE(1000);
    this.#send(0x8, code);
    return this.closed;
  }

  /** Resolves once `check()` holds, re-checked on every frame received; rejects after `timeoutMs`. */
  async until(check, timeoutMs = 2000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined && value !== false) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`nothing matching within ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves to (and takes) the first received text message for which `match` holds. */
  next(match, timeoutMs) {
    return this.until(() => {
      const index = this.messages.findIndex(match);
      return index >= 0 ? this.messages.splice(index, 1)[0] : undefined;
    }, timeoutMs);
  }
}

// ---------------------------------------------------------------------------
// SIP over that client

/**
 * Sends a request built by `build(callId)` and resolves to its final response
 * (the first with the same Call-ID and a status of 200 or more).
 */
async function sipRequest(ws, build) {
  const callId = `${randomUUID()}@test.invalid`;
  ws.sendText(build(callId));
  const headerValue = (message, name) => new RegExp(`^${name}: *(.*)$`, "im").exec(message)?.[1]?.trim();
  return ws.next((message) => {
    const status = Number(/^SIP\/2\.0 (\d{3})/.exec(message)?.[1]);
    return status >= 200 && headerValue(message, "Call-ID") === callId;
  });
}

const branch = () => `z9hG4bK${randomBytes(6).toString("hex")}`;
const tag = () => randomBytes(5).toString("hex");

/** An OPTIONS to the server itself, as a browser phone sends to probe it. */
function options(ws) {
  return sipRequest(
    ws,
    (callId) =>
      "OPTIONS sip:127.0.0.1 SIP/2.0\r\n" +
      `Via: SIP/2.0/WS probe.invalid;branch=${branch()}\r\n` +
      "Max-Forwards: 70\r\n" +
      "To: <sip:127.0.0.1>\r\n" +
      `From: <sip:probe@127.0.0.1>;tag=${tag()}\r\n` +
      `Call-ID: ${callId}\r\n` +
      "CSeq: 1 OPTIONS\r\n" +
      "Content-Length: 0\r\n\r\n",
  );
}

/** A REGISTER shaped like JsSIP's (3.13): a *.invalid contact with transport=ws, outbound and GRUU parameters. */
function register(ws, { user, contactUser, host, instance, expires, cseq = 1 }) {
  return sipRequest(
    ws,
    (callId) =>
      "REGISTER sip:127.0.0.1 SIP/2.0\r\n" +
      `Via: SIP/2.0/WS ${host};branch=${branch()}\r\n` +
      "Max-Forwards: 69\r\n" +
      `To: <sip:${user}@127.0.0.1>\r\n` +
      `From: <sip:${user}@127.0.0.1>;tag=${tag()}\r\n` +
      `Call-ID: ${callId}\r\n` +
      `CSeq: ${cseq} REGISTER\r\n` +
      `Contact: <sip:${contactUser}@${host};transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:${instance}>";expires=${expires}\r\n` +
      `Expires: ${expires}\r\n` +
      "Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\r\n" +
      "Supported: path,gruu,outbound\r\n" +
      "User-Agent: continuity-live-test\r\n" +
      "Content-Length: 0\r\n\r\n",
  );
}

const statusOf = (response) => /^SIP\/2\.0 (\d{3} [^\r\n]*)/.exec(response)?.[1];

// ---------------------------------------------------------------------------
// Processes and ports

/** Whether a connection to `host`:`port` is refused. */
function refuses(port, host = "127.0.0.1") {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.on("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", (error) => resolve(error.code === "ECONNREFUSED"));
  });
}

/** The pids of the processes (zombies left out) of process group `pgid`. */
function groupMembers(pgid) {
  const members = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "latin1");
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid && fields[0] !== "Z") members.push(Number(entry));
  }
  return members;
}

/** Every port of a site in describe()'s shape. */
function portsOf(site) {
  return [portOf(site.sip), ...Object.values(site.links).flatMap((pair) => [portOf(pair.primary), portOf(pair.backup)])];
}

// ---------------------------------------------------------------------------

describe("live sites", () => {
  let live;
  const byName = (name) => live.describe().find((site) => site.name === name);

  before(async () => {
    live = await startLive();
  });

  after(async () => {
    await live?.stop();
  });

  test("both sites start on distinct loopback ports and every port takes a WebSocket", async () => {
    const sites = live.describe();
    assert.deepEqual(
      sites.map((site) => [site.name, site.up]),
      [
        ["SiteA", true],
        ["SiteB", true],
      ],
    );
    const ports = sites.flatMap(portsOf);
    assert.equal(ports.length, 10);
    assert.equal(new Set(ports).size, 10, `ports repeat: ${ports}`);
    for (const site of sites) {
      assert.match(site.sip, /^ws:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(site.rpc, `http://127.0.0.1:${portOf(site.sip)}/RPC`);
      for (const pair of Object.values(site.links)) {
        assert.match(pair.primary, /^ws:\/\/127\.0\.0\.1:\d+$/);
        assert.match(pair.backup, /^ws:\/\/127\.0\.0\.1:\d+$/);
      }
      assert.deepEqual(Object.keys(site.links), ["stat-server", "config-server"]);
    }
    // Bound to 127.0.0.1 only: another address of this machine refuses.
    const other = Object.values(os.networkInterfaces())
      .flat()
      .find((address) => address.family === "IPv4" && !address.internal)?.address;
    if (other) {
      for (const port of ports) assert.equal(await refuses(port, other), true, `${other}:${port} accepts`);
    }
    const sockets = await Promise.all(
      sites.flatMap((site) => [
        WsClient.connect(portOf(site.sip), { protocol: "sip", origin: "http://127.0.0.1:8080" }),
        ...portsOf(site)
          .slice(1)
          .map((port) => WsClient.connect(port)),
      ]),
    );
    for (const [index, ws] of sockets.entries()) {
      if (index % 5 === 0) assert.equal(ws.protocol, "sip");
      ws.socket.destroy();
    }
  });

  test("Kamailio serves /RPC to a loopback page only; the links answer plain HTTP with 426", async () => {
    const site = byName("SiteA");
    await assert.rejects(WsClient.connect(portOf(site.sip), { protocol: "sip", origin: "http://example.com" }), { status: 403 });
    // A page's fetch: text/plain needs no CORS preflight; the answer names the page's origin.
    const body = JSON.stringify({ jsonrpc: "2.0", method: "ul.dump", id: 1 });
    const headers = { "Content-Type": "text/plain", Origin: "http://127.0.0.1:8080" };
    const rpc = await fetch(site.rpc, { method: "POST", headers, body });
    assert.equal(rpc.status, 200);
    assert.equal(rpc.headers.get("access-control-allow-origin"), "http://127.0.0.1:8080");
    assert.equal((await rpc.json()).result.Domains[0].Domain.Domain, "location");
    const foreign = await fetch(site.rpc, { method: "POST", headers: { ...headers, Origin: "http://example.com" }, body });
    assert.equal(foreign.status, 403);
    await foreign.body?.cancel();
    const response = await fetch(`http://127.0.0.1:${portOf(site.links["stat-server"].primary)}/`);
    assert.equal(response.status, 426);
    await response.body?.cancel();
  });

  test("a link endpoint answers ping with pong and close with close", async () => {
    const ws = await WsClient.connect(portOf(byName("SiteB").links["config-server"].backup));
    ws.ping();
    await ws.until(() => ws.pongs === 1);
    assert.equal(await ws.close(), 1000);
  });

  test("OPTIONS over WebSocket gets 200 OK from each site", async () => {
    for (const site of live.describe()) {
      const ws = await WsClient.connect(portOf(site.sip), { protocol: "sip" });
      assert.equal(statusOf(await options(ws)), "200 OK", site.name);
      ws.socket.destroy();
    }
  });

  test("REGISTER over WebSocket lands in that site's location table only; Expires 0 removes it", async () => {
    const ws = await WsClient.connect(portOf(byName("SiteA").sip), { protocol: "sip" });
    const agent = { user: "agent1", contactUser: "k3j2h1", host: "q8w7e6r5t4y3.invalid", instance: randomUUID() };
    assert.equal(statusOf(await register(ws, { ...agent, expires: 60 })), "200 OK");
    const registered = await live.registrations();
    assert.deepEqual(registered.SiteB, { up: true, contacts: [] });
    assert.equal(registered.SiteA.up, true);
    assert.equal(registered.SiteA.contacts.length, 1);
    const [contact] = registered.SiteA.contacts;
    assert.equal(contact.aor, "agent1@127.0.0.1");
    assert.equal(contact.contact, `sip:${agent.contactUser}@${agent.host};transport=ws`);
    assert.ok(contact.expires > 50 && contact.expires <= 60, `expires ${contact.expires}`);
    // fix_nated_register(): the site reaches the phone back over its own connection.
    assert.equal(contact.received, `sip:127.0.0.1:${ws.socket.localPort};transport=ws`);
    assert.equal(contact.userAgent, "continuity-live-test");

    assert.equal(statusOf(await register(ws, { ...agent, expires: 0, cseq: 2 })), "200 OK");
    assert.deepEqual((await live.registrations()).SiteA, { up: true, contacts: [] });
    ws.socket.destroy();
  });

  test("a phone whose WebSocket closes without un-REGISTERing leaves the location table within a few seconds", async () => {
    const ws = await WsClient.connect(portOf(byName("SiteB").sip), { protocol: "sip" });
    const agent = { user: "agent3", contactUser: "m4n5o6", host: "p7q8r9.invalid", instance: randomUUID() };
    assert.equal(statusOf(await register(ws, { ...agent, expires: 60 })), "200 OK");
    assert.equal((await live.registrations()).SiteB.contacts.length, 1);
    ws.socket.destroy();
    // usrloc's timer (every second here) drops contacts whose connection is gone.
    const deadline = Date.now() + 4000;
    let contacts;
    do {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ({ contacts } = (await live.registrations()).SiteB);
    } while (contacts.length && Date.now() < deadline);
    assert.deepEqual(contacts, []);
  });

  test("a killed site drops its connections and refuses new ones; restored, it serves again with an empty registrar", async () => {
    const siteA = byName("SiteA");
    const link = await WsClient.connect(portOf(siteA.links["stat-server"].primary));
    const sip = await WsClient.connect(portOf(siteA.sip), { protocol: "sip" });
    const agent = { user: "agent2", contactUser: "a1b2c3", host: "z9y8x7.invalid", instance: randomUUID() };
    assert.equal(statusOf(await register(sip, { ...agent, expires: 60 })), "200 OK");
    assert.equal((await live.registrations()).SiteA.contacts.length, 1);
    const pids = live.processes().filter((entry) => entry.site === "SiteA");
    assert.equal(pids.length, 2);

    const killed = Date.now();
    await live.kill("SiteA");
    // The sockets end without a close frame: what a browser reports as 1006.
    assert.equal(await link.closed, 1006);
    assert.equal(await sip.closed, 1006);
    assert.ok(Date.now() - killed < 1000, `connections closed after ${Date.now() - killed} ms`);
    for (const { pid } of pids) assert.deepEqual(groupMembers(pid), [], `group ${pid} still runs`);
    for (const port of portsOf(siteA)) assert.equal(await refuses(port), true, `port ${port} still accepts`);
    assert.equal(byName("SiteA").up, false);
    assert.deepEqual((await live.registrations()).SiteA, { up: false, contacts: [] });
    await live.kill("SiteA"); // idempotent

    const siteB = byName("SiteB");
    const sipB = await WsClient.connect(portOf(siteB.sip), { protocol: "sip" });
    assert.equal(statusOf(await options(sipB)), "200 OK");
    sipB.socket.destroy();
    (await WsClient.connect(portOf(siteB.links["stat-server"].primary))).socket.destroy();

    await live.restore("SiteA");
    await live.restore("SiteA"); // idempotent
    assert.deepEqual(byName("SiteA"), { ...siteA, up: true });
    for (const port of portsOf(siteA).slice(1)) (await WsClient.connect(port)).socket.destroy();
    const again = await WsClient.connect(portOf(siteA.sip), { protocol: "sip" });
    assert.equal(statusOf(await options(again)), "200 OK");
    again.socket.destroy();
    // In memory only: the power loss took agent2's registration with it.
    assert.deepEqual((await live.registrations()).SiteA, { up: true, contacts: [] });
  });

  test("an unknown site name is an error", async () => {
    await assert.rejects(live.kill("SiteC"), /unknown site "SiteC"/);
  });
});

test("stop() leaves no process and no open port, and may be called twice", async () => {
  const live = await startLive({ sites: ["SiteA"] });
  const processes = live.processes();
  const ports = live.describe().flatMap(portsOf);
  const runDir = live.runDir;
  assert.deepEqual(
    processes.map((entry) => entry.role),
    ["kamailio", "links"],
  );
  for (const { pid } of processes) assert.notDeepEqual(groupMembers(pid), []);
  // Kamailio forks its workers into its group: all of them must go.
  assert.ok(groupMembers(processes[0].pid).length > 3);
  await live.kill("SiteA");
  await live.stop();
  await live.stop();
  // The killed site's processes were already gone; the rest too now.
  for (const { pid } of processes) assert.deepEqual(groupMembers(pid), []);
  for (const port of ports) assert.equal(await refuses(port), true, `port ${port} still accepts`);
  assert.deepEqual(live.processes(), []);
  assert.throws(() => readdirSync(runDir), { code: "ENOENT" });
  await assert.rejects(live.restore("SiteA"), /stopped/);
});

test("stop() kills sites that are up, and the process exit kills them without stop()", async () => {
  const live = await startLive({ sites: ["SiteA"] });
  const pgids = live.processes().map((entry) => entry.pid);
  await live.stop();
  for (const pgid of pgids) assert.deepEqual(groupMembers(pgid), []);

  // A child process that starts a Live and exits without stop(): the
  // 'exit' handler must take the sites down with it.
  const exited = await childLive();
  assert.equal(exited.code, 0);
  for (const pgid of exited.pgids) assert.deepEqual(groupMembers(pgid), [], `group ${pgid} outlived its parent`);
});

test("the sites of a process killed outright are killed by the next startLive()", async () => {
  const killed = await childLive({ hold: true });
  assert.equal(killed.signal, "SIGKILL");
  const [kamailio, links] = killed.pgids;
  // No handler runs on SIGKILL: Kamailio stays. links.js saw its stdin close.
  assert.notDeepEqual(groupMembers(kamailio), []);
  const deadline = Date.now() + 2000;
  while (groupMembers(links).length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(groupMembers(links), [], "links.js outlived its parent");
  const live = await startLive({ sites: ["SiteB"] });
  try {
    assert.deepEqual(groupMembers(kamailio), [], "the orphaned Kamailio still runs");
  } finally {
    await live.stop();
  }
});

/**
 * Runs a Node process that starts a one-site Live, prints its process
 * groups and then exits (or, with `hold`, waits to be killed with SIGKILL).
 * Resolves to `{code, signal, pgids}`.
 */
async function childLive({ hold = false } = {}) {
  const script = `
    import { startLive } from ${JSON.stringify(path.join(here, "..", "live", "sites.js"))};
    const live = await startLive({ sites: ["SiteA"] });
    console.log(JSON.stringify(live.processes().map((entry) => entry.pid)));
    ${hold ? "setInterval(() => {}, 1000);" : ""}
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
    if (hold && output.includes("\n")) child.kill("SIGKILL");
  });
  const [code, signal] = await new Promise((resolve) => child.on("exit", (...args) => resolve(args)));
  const pgids = JSON.parse(output);
  assert.equal(pgids.length, 2);
  return { code, signal, pgids };
}

test("two Lives at once use different ports and both work", async () => {
  const [one, two] = await Promise.all([startLive(), startLive()]);
  try {
    const ports = [...one.describe(), ...two.describe()].flatMap(portsOf);
    assert.equal(new Set(ports).size, 20, `ports repeat: ${ports}`);
    assert.notEqual(one.runDir, two.runDir);
    for (const live of [one, two]) {
      for (const site of live.describe()) {
        const ws = await WsClient.connect(portOf(site.sip), { protocol: "sip" });
        assert.equal(statusOf(await options(ws)), "200 OK");
        ws.socket.destroy();
      }
    }
    // Killing a site of one leaves the other's same-named site alone.
    await one.kill("SiteA");
    assert.equal((await two.registrations()).SiteA.up, true);
  } finally {
    await Promise.all([one.stop(), two.stop()]);
  }
});

test("links.js rejects a bad command line", async () => {
  const child = spawn(process.execPath, [LINKS_JS, "0", "x"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  assert.equal(await new Promise((resolve) => child.on("exit", resolve)), 1);
  assert.match(stderr, /usage: node links\.js PORT/);
});

test("parseUlDump reads Kamailio's ul.dump shape and skips expired contacts", () => {
  const dump = {
    Domains: [
      {
        Domain: {
          Domain: "location",
          Size: 1024,
          AoRs: [
            {
              Info: {
                AoR: "agent1@127.0.0.1",
                HashID: 1,
                Contacts: [
                  { Contact: { Address: "sip:a@b.invalid;transport=ws", Expires: 42, Received: "sip:127.0.0.1:5000;transport=ws", "User-Agent": "JsSIP 3.13.8" } },
                  { Contact: { Address: "sip:old@b.invalid;transport=ws", Expires: "expired", Received: "[not set]" } },
                ],
              },
            },
          ],
          Stats: { Records: 1, "Max-Slots": 1 },
        },
      },
    ],
  };
  assert.deepEqual(parseUlDump(dump), [
    { aor: "agent1@127.0.0.1", contact: "sip:a@b.invalid;transport=ws", expires: 42, received: "sip:127.0.0.1:5000;transport=ws", userAgent: "JsSIP 3.13.8" },
  ]);
  assert.deepEqual(parseUlDump({ Domains: [] }), []);
  assert.deepEqual(parseUlDump(undefined), []);
});
