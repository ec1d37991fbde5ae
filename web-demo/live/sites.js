// The web demo's live mode: two real sites on loopback that a page can lose
// and get back.
//
// Each site is two process groups:
//   - Kamailio (kamailio.cfg beside this file): SIP over WebSocket with an
//     in-memory registrar, and JSON-RPC over HTTP at /RPC on the same port;
//   - links.js: four WebSocket ports standing for the site's Stat Server
//     and Configuration Server pairs (primary and backup each).
// Killing a site sends SIGKILL to both groups at once, as a power loss
// would: every open connection drops (the page sees close code 1006) and
// the registrations are gone. Restoring starts them again on the same ports.
//
//   import { startLive } from "./live/sites.js";
//   const live = await startLive();
//   live.describe();            // URLs for the page
//   await live.kill("SiteA");   // ... and live.restore("SiteA")
//   await live.registrations(); // what each registrar holds
//   await live.stop();
//
// Everything listens on 127.0.0.1 only. Ports are picked free at start and
// reserved (a lock file per port under the system's temp folder) for the
// Live's lifetime, so two Lives on one machine (a demo and a test run)
// never collide. A Live stops its sites when its process exits or gets
// SIGINT/SIGTERM/SIGHUP; the sites of a process killed outright (SIGKILL)
// are killed by the next startLive() on the machine. Kamailio comes from
// Debian's kamailio and kamailio-websocket-modules packages:
// bash scripts/sip-server.sh install.

import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Every socket of a Live binds this address, and only this one. */
export const HOST = "127.0.0.1";
/** The Kamailio configuration every site runs (its port comes from `-A WSPORT=`). */
export const KAMAILIO_CFG = path.join(HERE, "kamailio.cfg");
/** The link endpoints' server, one process per site. */
export const LINKS_JS = path.join(HERE, "links.js");
/** The link endpoints of a site, in the order of links.js's ports. */
export const LINK_ENDPOINTS = [
  ["stat-server", "primary"],
  ["stat-server", "backup"],
  ["config-server", "primary"],
  ["config-server", "backup"],
];

/** How long a site may take to accept connections on every port. */
const START_TIMEOUT_MS = 5000;
/** How long a killed site's processes may take to disappear. */
const KILL_TIMEOUT_MS = 3000;
/** One JSON-RPC call to a registrar. */
const RPC_TIMEOUT_MS = 2000;
/** Between two readiness probes. */
const POLL_MS = 15;
const INSTALL_HINT = "run: bash scripts/sip-server.sh install (as root)";
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** One lock file per reserved port, holding the owner's pid (one folder per user: /tmp is shared). */
const PORT_LOCK_DIR = path.join(os.tmpdir(), `continuity-live-ports-${process.getuid?.() ?? "user"}`);

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------
// Kamailio on this machine

/** The kamailio binary: Debian installs it in /usr/sbin, which a non-root PATH may lack. */
function findKamailio() {
  const dirs = [...(process.env.PATH || "").split(path.delimiter), "/usr/sbin", "/sbin", "/usr/local/sbin"];
  for (const dir of dirs) {
    if (!dir) continue;
    const file = path.join(dir, "kamailio");
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  throw new Error(`kamailio is not installed; ${INSTALL_HINT}`);
}

/** The names in a folder; none when it cannot be read (missing, not a folder). */
function entriesOf(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Kamailio's module folder, which must hold websocket.so (a package of its own on Debian). */
function findModuleDir() {
  const candidates = [];
  for (const lib of ["/usr/lib", "/usr/lib64", "/usr/local/lib", "/usr/local/lib64"]) {
    candidates.push(path.join(lib, "kamailio", "modules"));
    // Debian's multiarch folders: /usr/lib/x86_64-linux-gnu/kamailio/modules.
    for (const entry of entriesOf(lib)) {
      if (entry.includes("-linux-")) candidates.push(path.join(lib, entry, "kamailio", "modules"));
    }
  }
  const dir = candidates.find((candidate) => existsSync(path.join(candidate, "sl.so")));
  if (!dir) throw new Error(`cannot find Kamailio's modules (sl.so); ${INSTALL_HINT}`);
  if (!existsSync(path.join(dir, "websocket.so"))) {
    throw new Error(`Kamailio's websocket module is missing from ${dir} (package kamailio-websocket-modules); ${INSTALL_HINT}`);
  }
  return dir;
}

// ---------------------------------------------------------------------------
// Ports

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/**
 * Claims `port` with an exclusive lock file. Only called while this process
 * holds the port bound, so no other process can be claiming the same port
 * at the same moment; a lock left by a dead process is taken over.
 */
function claimPort(port) {
  const file = path.join(PORT_LOCK_DIR, String(port));
  const claim = () => writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
  try {
    claim();
    return true;
  } catch (error) {
    if (error.code !== "EEXIST") throw error;
  }
  let owner = 0;
  try {
    owner = Number.parseInt(readFileSync(file, "utf8"), 10);
  } catch {
    // unreadable: treat as stale
  }
  // Our own pid included: another Live of this process holds it.
  if (owner > 0 && isAlive(owner)) return false;
  try {
    unlinkSync(file);
    claim();
    return true;
  } catch {
    return false;
  }
}

/** Drops the lock files of `ports` that this process holds. */
function releasePorts(ports) {
  for (const port of ports) {
    const file = path.join(PORT_LOCK_DIR, String(port));
    try {
      if (Number.parseInt(readFileSync(file, "utf8"), 10) === process.pid) unlinkSync(file);
    } catch {
      // already gone
    }
  }
}

/**
 * `count` distinct free TCP ports on 127.0.0.1, each claimed for this
 * process. All are held bound until every one is claimed, so the kernel
 * cannot hand out one twice; they are closed again before returning, for
 * the servers to bind.
 */
async function reservePorts(count) {
  mkdirSync(PORT_LOCK_DIR, { recursive: true });
  const servers = [];
  const ports = [];
  try {
    for (let attempt = 0; ports.length < count; attempt++) {
      if (attempt > count * 50) throw new Error(`cannot reserve ${count} free ports on ${HOST}`);
      const server = net.createServer();
      await new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, HOST, resolve);
      });
      servers.push(server);
      const { port } = server.address();
      if (claimPort(port)) ports.push(port);
    }
  } catch (error) {
    releasePorts(ports);
    throw error;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
  return ports;
}

// ---------------------------------------------------------------------------
// Probes

/**
 * Opens a WebSocket on `port` (handshake only) and resolves to the response
 * head when the server switched protocols with the right accept key (and
 * `protocol` if given); resolves to null on refusal, error or timeout.
 */
export function probeWebSocket(port, { protocol, timeoutMs = 500 } = {}) {
  return new Promise((resolve) => {
    const key = randomBytes(16).toString("base64");
    const accept = createHash("sha1").update(key + WS_GUID).digest("base64");
    const socket = net.connect({ host: HOST, port });
    let head = "";
    const done = (result) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on("error", () => done(null));
    socket.on("close", () => done(null));
    socket.on("connect", () => {
      socket.write(
        `GET / HTTP/1.1\r\nHost: ${HOST}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
          (protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : "") +
          "\r\n",
      );
    });
    socket.on("data", (chunk) => {
      head += chunk.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      head = head.slice(0, end);
      const ok =
        /^HTTP\/1\.1 101 /.test(head) &&
        new RegExp(`^sec-websocket-accept: *${accept.replace(/[+/]/g, "\\$&")} *$`, "im").test(head) &&
        (!protocol || new RegExp(`^sec-websocket-protocol: *${protocol} *$`, "im").test(head));
      done(ok ? head : null);
    });
  });
}

/** POSTs one JSON-RPC request to `url` and resolves to its `result`. */
function jsonRpc(url, method, params) {
  const body = JSON.stringify({ jsonrpc: "2.0", method, ...(params ? { params } : {}), id: 1 });
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        // No keep-alive: a pooled connection to a site that is then killed
        // would only fail the next call.
        agent: false,
        headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Connection: "close" },
        timeout: RPC_TIMEOUT_MS,
      },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (response.statusCode !== 200) return reject(new Error(`${method}: HTTP ${response.statusCode} ${text.trim()}`));
          let answer;
          try {
            answer = JSON.parse(text);
          } catch {
            return reject(new Error(`${method}: not JSON: ${text.slice(0, 200)}`));
          }
          if (answer.error) return reject(new Error(`${method}: ${answer.error.message ?? JSON.stringify(answer.error)}`));
          resolve(answer.result);
        });
      },
    );
    request.on("timeout", () => request.destroy(new Error(`${method}: no answer within ${RPC_TIMEOUT_MS} ms`)));
    request.on("error", reject);
    request.end(body);
  });
}

const asArray = (value) => (Array.isArray(value) ? value : value == null ? [] : [value]);

/**
 * The contacts of a `ul.dump` result:
 *   {Domains: [{Domain: {Domain: "location", AoRs: [{Info: {AoR, Contacts:
 *     [{Contact: {Address, Expires, Received, User-Agent, ...}}]}}]}}]}
 * Each level is also accepted unwrapped or as a lone object instead of a
 * list. Contacts that are expired or deleted but not yet purged are left out.
 * @returns {{aor: string, contact: string, expires: number, received: string|null, userAgent: string|null}[]}
 */
export function parseUlDump(result) {
  const contacts = [];
  for (const item of asArray(result?.Domains)) {
    const domain = item?.Domain && typeof item.Domain === "object" ? item.Domain : item;
    for (const record of asArray(domain?.AoRs)) {
      const info = record?.Info ?? record;
      const aor = String(info?.AoR ?? "");
      for (const entry of asArray(info?.Contacts)) {
        const contact = entry?.Contact ?? entry;
        if (!contact?.Address) continue;
        // "permanent" contacts (none here) never expire; "expired" and
        // "deleted" ones wait for the next timer run to be purged.
        const raw = contact.Expires;
        const expires = raw === "permanent" ? Infinity : Number(raw);
        if (!(expires > 0)) continue;
        const text = (value) => (value == null || value === "[not set]" ? null : String(value));
        contacts.push({
          aor,
          contact: String(contact.Address),
          expires,
          received: text(contact.Received),
          userAgent: text(contact["User-Agent"]),
        });
      }
    }
  }
  return contacts;
}

// ---------------------------------------------------------------------------
// Process groups

/**
 * Whether any process of group `pgid` still runs. kill(-pgid, 0) answers
 * at once but also succeeds while only zombies remain (Kamailio's workers
 * wait for init to reap them once their parent dies); with `scan`, /proc
 * then decides, skipping zombies. The scan is asynchronous, so the event
 * loop keeps serving (e.g. the close events of the dying connections).
 */
async function groupAlive(pgid, scan) {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return error.code === "EPERM";
  }
  if (!scan) return true;
  let entries;
  try {
    entries = await readdir("/proc");
  } catch {
    return true;
  }
  const states = await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry))
      .map(async (entry) => {
        try {
          const stat = await readFile(`/proc/${entry}/stat`, "latin1");
          // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
          const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          return Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X";
        } catch {
          return false;
        }
      }),
  );
  return states.includes(true);
}

function killGroup(pgid) {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // already gone
  }
}

async function waitGroupsGone(pgids, what) {
  const started = Date.now();
  const deadline = started + KILL_TIMEOUT_MS;
  for (;;) {
    // The cheap probe first: a group usually empties within a few ms.
    const scan = Date.now() - started > 10;
    const alive = await Promise.all(pgids.map((pgid) => groupAlive(pgid, scan)));
    const left = pgids.filter((_, index) => alive[index]);
    if (!left.length) return;
    if (Date.now() > deadline) throw new Error(`${what}: process groups ${left.join(", ")} still run ${KILL_TIMEOUT_MS} ms after SIGKILL`);
    await delay(5);
  }
}

/** The last lines of a log file, for error messages. */
function tail(file, lines = 20) {
  try {
    const text = readFileSync(file, "utf8").trimEnd();
    return text.split("\n").slice(-lines).join("\n") || "(empty)";
  } catch {
    return "(no log)";
  }
}

// ---------------------------------------------------------------------------
// Orphans
//
// The 'exit' and signal handlers cover every ending but SIGKILL (or a crash
// of Node itself). links.js then exits by itself (its stdin closes), but
// Kamailio would keep running and hold its port. So each Live keeps the
// list of its process groups in a file beside the port locks, and the next
// startLive() on the machine kills the groups of owners that are gone.

/** The groups' file of one Live. */
function groupsFile(id) {
  return path.join(PORT_LOCK_DIR, `groups-${process.pid}-${id}.json`);
}

/** Records the live groups of Live `id`, and the run folder to remove once they are reaped (null: the caller's). */
function writeGroups(id, pgids, runDir) {
  try {
    writeFileSync(groupsFile(id), JSON.stringify({ owner: process.pid, pgids, runDir }));
  } catch {
    // best effort: only orphan clean-up needs it
  }
}

/** Whether process `pid` runs one of this folder's servers (pids get reused). */
function isOurServer(pid) {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return argv.includes(KAMAILIO_CFG) || argv.includes(LINKS_JS);
  } catch {
    return false;
  }
}

/** Kills the process groups left behind by Lives whose process died without stopping them. */
function reapOrphans(log) {
  for (const entry of entriesOf(PORT_LOCK_DIR)) {
    const file = path.join(PORT_LOCK_DIR, entry);
    if (/^\d+$/.test(entry)) {
      // A port lock of a dead owner (claimPort() would take it over anyway).
      // An empty file is one being written: leave it.
      try {
        const owner = Number.parseInt(readFileSync(file, "utf8"), 10);
        if (owner > 0 && !isAlive(owner)) unlinkSync(file);
      } catch {
        // gone meanwhile
      }
      continue;
    }
    if (!/^groups-\d+-\d+\.json$/.test(entry)) continue;
    let record;
    try {
      record = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      continue;
    }
    if (isAlive(record.owner)) continue;
    for (const pgid of record.pgids ?? []) {
      if (Number.isInteger(pgid) && pgid > 1 && isOurServer(pgid)) {
        log(`killing process group ${pgid} left by pid ${record.owner}`);
        killGroup(pgid);
      }
    }
    // Only a folder startLive() made itself (continuity-live-XXXXXX).
    if (typeof record.runDir === "string" && path.dirname(record.runDir) === os.tmpdir() && path.basename(record.runDir).startsWith("continuity-live-")) {
      rmSync(record.runDir, { recursive: true, force: true });
    }
    try {
      unlinkSync(file);
    } catch {
      // another startLive() got there first
    }
  }
}

// ---------------------------------------------------------------------------
// Sites

/** One site: its ports, folder and (while up) its two process groups. */
class Site {
  constructor(name, ports, dir, onChange) {
    this.name = name;
    /** Called whenever the set of process groups changes. */
    this.onChange = onChange;
    this.sipPort = ports[0];
    this.linkPorts = ports.slice(1);
    this.dir = dir;
    /** @type {{role: string, pid: number, exited: boolean, log: string, error: Error|null}[]} */
    this.processes = [];
    this.up = false;
    // kill() and restore() of one site run one after the other.
    this.queue = Promise.resolve();
  }

  serialize(task) {
    const run = this.queue.then(task);
    this.queue = run.catch(() => {});
    return run;
  }

  links() {
    const links = {};
    LINK_ENDPOINTS.forEach(([server, role], index) => {
      links[server] ??= {};
      links[server][role] = `ws://${HOST}:${this.linkPorts[index]}`;
    });
    return links;
  }

  /** Spawns `command` in a session (and process group) of its own, output to `log`. */
  spawn(role, command, args, log, stdin) {
    const fd = openSync(log, "a");
    let child;
    try {
      // The log keeps every run of the site: mark where this one begins.
      writeSync(fd, `==> ${new Date().toISOString()} ${role}: ${[command, ...args].join(" ")}\n`);
      child = spawn(command, args, { cwd: this.dir, detached: true, stdio: [stdin, fd, fd] });
    } finally {
      closeSync(fd);
    }
    const entry = { role, pid: child.pid, exited: child.pid === undefined, log, error: null };
    child.on("error", (error) => {
      entry.exited = true;
      entry.error = error;
    });
    child.on("exit", () => {
      entry.exited = true;
    });
    // The Live's owner decides when to stop; these must not keep its event
    // loop alive on their own.
    child.unref();
    child.stdin?.on("error", () => {});
    child.stdin?.unref?.();
    this.processes.push(entry);
    this.onChange();
    return entry;
  }

  /** Starts Kamailio and links.js and waits until every port accepts a WebSocket. */
  async start(kamailio, moduleDir, log) {
    const started = Date.now();
    mkdirSync(this.dir, { recursive: true });
    const pidFile = path.join(this.dir, "kamailio.pid");
    // Kamailio refuses to start over a pid file of a live process; the
    // previous instance is dead by now, so a leftover one is stale.
    rmSync(pidFile, { force: true });
    // -DD: stay in the foreground, so the spawned pid is the group leader.
    // -E: log to stderr (the log file). -m/-M: small shared/private pools.
    const kam = this.spawn(
      "kamailio",
      kamailio,
      ["-f", KAMAILIO_CFG, "-L", moduleDir, "-A", `WSPORT=${this.sipPort}`, "-Y", this.dir, "-P", pidFile, "-w", this.dir, "-m", "16", "-M", "4", "-DD", "-E"],
      path.join(this.dir, "kamailio.log"),
      "ignore",
    );
    // links.js gets a pipe as stdin: it exits when this process goes away
    // without cleaning up (the pipe closes).
    const links = this.spawn("links", process.execPath, [LINKS_JS, ...this.linkPorts.map(String)], path.join(this.dir, "links.log"), "pipe");

    // Port → the subprotocol its handshake must agree on.
    const pending = new Map([[this.sipPort, "sip"], ...this.linkPorts.map((port) => [port, undefined])]);
    const deadline = started + START_TIMEOUT_MS;
    for (;;) {
      for (const entry of [kam, links]) {
        if (entry.exited) {
          const why = entry.error ? entry.error.message : "exited during start-up";
          throw new Error(`${this.name}: ${entry.role} ${why}; last lines of ${entry.log}:\n${tail(entry.log)}`);
        }
      }
      await Promise.all(
        [...pending].map(async ([port, protocol]) => {
          const head = await probeWebSocket(port, { protocol });
          // The Server header tells Kamailio from anything else that might
          // have taken the port meanwhile.
          if (head && (!protocol || /^server: kamailio/im.test(head))) pending.delete(port);
        }),
      );
      if (!pending.size) break;
      if (Date.now() > deadline) {
        const ports = [...pending.keys()].join(", ");
        throw new Error(
          `${this.name}: no WebSocket on ${HOST}:${ports} within ${START_TIMEOUT_MS} ms; ` +
            `last lines of ${kam.log}:\n${tail(kam.log)}\nlast lines of ${links.log}:\n${tail(links.log)}`,
        );
      }
      await delay(POLL_MS);
    }
    this.up = true;
    log(`${this.name} up in ${Date.now() - started} ms: sip ws://${HOST}:${this.sipPort}, links ${this.linkPorts.join(", ")}`);
  }

  /** SIGKILL to every process group at once, without waiting. */
  killNow() {
    this.up = false;
    for (const entry of this.processes) if (entry.pid) killGroup(entry.pid);
  }

  /** Kills every process group and resolves once none of their processes runs. */
  async kill() {
    this.killNow();
    const pgids = this.processes.map((entry) => entry.pid).filter(Boolean);
    await waitGroupsGone(pgids, this.name);
    this.processes = [];
    this.onChange();
  }

  /** Whether both groups were started and neither main process has exited. */
  running() {
    return this.processes.length > 0 && this.processes.every((entry) => !entry.exited);
  }
}

// ---------------------------------------------------------------------------
// Live

let nextLiveId = 1;
/** Keeps the start of every site to startLive(). */
const START_ALL = Symbol("startAll");

/**
 * Both sites of a live demo. Made by startLive(); stop() it when done (a
 * process exit or SIGINT/SIGTERM/SIGHUP stops it too).
 */
export class Live {
  #id = nextLiveId++;
  #sites;
  #runDir;
  #ownsRunDir;
  #ports;
  #kamailio;
  #moduleDir;
  #log;
  #stopped = false;
  #stopping = null;
  #handlers = null;

  /** @internal use startLive() */
  constructor({ sites, runDir, ownsRunDir, ports, kamailio, moduleDir, log }) {
    this.#runDir = runDir;
    this.#ownsRunDir = ownsRunDir;
    this.#ports = ports;
    this.#kamailio = kamailio;
    this.#moduleDir = moduleDir;
    this.#log = log;
    const record = () => {
      if (!this.#stopped) writeGroups(this.#id, this.processes().map((entry) => entry.pid), this.#ownsRunDir ? this.#runDir : null);
    };
    this.#sites = new Map(
      sites.map((name, index) => [name, new Site(name, ports.slice(index * 5, index * 5 + 5), path.join(runDir, name), record)]),
    );
    this.#installHandlers();
  }

  /** The folder holding each site's logs and Kamailio run files (removed by stop()). */
  get runDir() {
    return this.#runDir;
  }

  /** Whether stop() has run. */
  get stopped() {
    return this.#stopped;
  }

  /**
   * What the page needs, one entry per site:
   * `{name, up, sip: "ws://127.0.0.1:P", rpc: "http://127.0.0.1:P/RPC",
   *   links: {"stat-server": {primary, backup}, "config-server": {primary, backup}}}`.
   */
  describe() {
    return [...this.#sites.values()].map((site) => ({
      name: site.name,
      // A site whose Kamailio or links.js died on its own counts as down.
      up: site.up && site.running(),
      sip: `ws://${HOST}:${site.sipPort}`,
      rpc: `http://${HOST}:${site.sipPort}/RPC`,
      links: site.links(),
    }));
  }

  /** The processes started and not yet killed: `[{site, role: "kamailio"|"links", pid}]` (pid = process group id). */
  processes() {
    return [...this.#sites.values()].flatMap((site) => site.processes.map(({ role, pid }) => ({ site: site.name, role, pid })));
  }

  /**
   * Kills `site` as a power loss would: SIGKILL to the process groups of its
   * Kamailio and its link endpoints together. Resolves when none of their
   * processes runs any more, so the ports refuse connections. Idempotent.
   */
  async kill(site) {
    const target = this.#site(site);
    return target.serialize(async () => {
      const started = Date.now();
      const wasUp = target.processes.length > 0;
      await target.kill();
      if (wasUp) this.#log(`${target.name} killed in ${Date.now() - started} ms`);
    });
  }

  /**
   * Starts a killed `site` again on the same ports; resolves when every
   * port accepts a WebSocket. Idempotent for a site that is up; a site
   * whose processes died on their own is cleaned up and started again.
   */
  async restore(site) {
    const target = this.#site(site);
    return target.serialize(async () => {
      if (this.#stopped) throw new Error(`cannot restore ${target.name}: the Live is stopped`);
      if (target.running()) return;
      await target.kill();
      try {
        await target.start(this.#kamailio, this.#moduleDir, this.#log);
      } catch (error) {
        await target.kill().catch(() => {});
        throw error;
      }
    });
  }

  /**
   * The location table of every site, from each live Kamailio's `ul.dump`:
   * `{SiteA: {up: true, contacts: [{aor, contact, expires, received, userAgent}]}, SiteB: {up: false, contacts: []}}`.
   * A killed site is `{up: false, contacts: []}`; a site that should be up
   * but does not answer adds `error` (the message).
   */
  async registrations() {
    const entries = await Promise.all(
      [...this.#sites.values()].map(async (site) => {
        if (!site.up) return [site.name, { up: false, contacts: [] }];
        try {
          const result = await jsonRpc(`http://${HOST}:${site.sipPort}/RPC`, "ul.dump");
          return [site.name, { up: true, contacts: parseUlDump(result) }];
        } catch (error) {
          return [site.name, { up: false, contacts: [], error: error.message }];
        }
      }),
    );
    return Object.fromEntries(entries);
  }

  /**
   * Kills every process started, whatever state each site is in, releases
   * the ports and removes the run folder (only the site folders in it when
   * the caller passed `runDir`). Idempotent.
   */
  async stop() {
    if (!this.#stopping) {
      this.#stopping = (async () => {
        this.#stopped = true;
        this.#removeHandlers();
        for (const site of this.#sites.values()) site.killNow();
        try {
          await Promise.all([...this.#sites.values()].map((site) => site.kill()));
        } finally {
          this.#cleanupFiles();
        }
        this.#log("live sites stopped");
      })();
    }
    return this.#stopping;
  }

  #site(name) {
    const site = this.#sites.get(name);
    if (!site) throw new Error(`unknown site "${name}" (known: ${[...this.#sites.keys()].join(", ")})`);
    return site;
  }

  /** Synchronous: usable from 'exit' and signal handlers. */
  #stopNow() {
    this.#stopped = true;
    for (const site of this.#sites.values()) site.killNow();
    this.#cleanupFiles();
  }

  #cleanupFiles() {
    releasePorts(this.#ports);
    try {
      rmSync(groupsFile(this.#id), { force: true });
      if (this.#ownsRunDir) rmSync(this.#runDir, { recursive: true, force: true });
      else for (const site of this.#sites.values()) rmSync(site.dir, { recursive: true, force: true });
    } catch {
      // best effort: a leftover log folder harms nothing
    }
  }

  /**
   * Kills the sites when the process exits or gets SIGINT, SIGTERM or
   * SIGHUP. On a signal, the handler kills synchronously and removes
   * itself; when no other listener is left for that signal it raises it
   * again, so the process ends as it would have without this module (exit
   * status 128 + signal number). A caller with its own handler keeps
   * control of the exit, but the sites are down either way (stop() then
   * only waits for the processes to be gone).
   */
  #installHandlers() {
    const onExit = () => this.#stopNow();
    const onSignal = (signal) => {
      this.#stopNow();
      this.#removeHandlers();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    this.#handlers = { exit: onExit, SIGINT: onSignal, SIGTERM: onSignal, SIGHUP: onSignal };
    for (const [event, handler] of Object.entries(this.#handlers)) process.on(event, handler);
  }

  #removeHandlers() {
    if (!this.#handlers) return;
    for (const [event, handler] of Object.entries(this.#handlers)) process.removeListener(event, handler);
    this.#handlers = null;
  }

  /** Starts every site (startLive() only). */
  async [START_ALL]() {
    await Promise.all([...this.#sites.values()].map((site) => site.start(this.#kamailio, this.#moduleDir, this.#log)));
  }
}

/**
 * Starts every site (Kamailio and link endpoints each) on fresh ports of
 * 127.0.0.1 and resolves once every server accepts connections. Rejects
 * (after killing whatever it started) when Kamailio or its websocket module
 * is missing, or a site does not come up within 5 s (the message then holds
 * the tail of its log).
 * @param {{sites?: string[], runDir?: string, log?: (line: string) => void}} [options]
 *   runDir: where the logs and run files go (default: a fresh folder under
 *   the system's temp folder); log: progress lines.
 * @returns {Promise<Live>}
 */
export async function startLive({ sites = ["SiteA", "SiteB"], runDir, log = () => {} } = {}) {
  if (!sites.length || new Set(sites).size !== sites.length || sites.some((name) => !/^[A-Za-z0-9_-]+$/.test(name))) {
    throw new Error(`sites must be distinct names of letters, digits, '-' or '_': ${JSON.stringify(sites)}`);
  }
  const kamailio = findKamailio();
  const moduleDir = findModuleDir();
  reapOrphans(log);
  const ownsRunDir = !runDir;
  const dir = runDir ? path.resolve(runDir) : mkdtempSync(path.join(os.tmpdir(), "continuity-live-"));
  mkdirSync(dir, { recursive: true });
  let ports;
  try {
    ports = await reservePorts(sites.length * 5);
  } catch (error) {
    if (ownsRunDir) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const live = new Live({ sites, runDir: dir, ownsRunDir, ports, kamailio, moduleDir, log });
  try {
    await live[START_ALL]();
  } catch (error) {
    await live.stop().catch(() => {});
    throw error;
  }
  return live;
}
