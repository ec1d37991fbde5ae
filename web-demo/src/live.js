// The live mode: the engine in the package's Web Worker driver, and a real
// desktop stack carrying out its commands against two real sites on
// loopback — a JsSIP phone per site against that site's Kamailio (SIP over
// WebSocket), and WebSocket links to the site's Stat Server and
// Configuration Server endpoints. The demo server starts the sites and
// kills or restores them on request (/api/live).
//
// | the stack observes                       | fed to the engine             |
// |------------------------------------------|-------------------------------|
// | a link's WebSocket opens / closes        | link_up / link_down           |
// | the phone's SIP WebSocket (re)connects   | link_up sip-server primary    |
// | … or drops                               | link_down sip-server primary  |
// | JsSIP `registered`                       | endpoint_registered           |
// | JsSIP `unregistered`, `registrationFailed` | endpoint_unregistered       |
// | the answer to an OPTIONS (or none in 2 s)| probe_result                  |
//
// | the engine says          | the stack does                                   |
// |--------------------------|--------------------------------------------------|
// | connect {S}              | opens S's links and starts S's phone (no REGISTER) |
// | disconnect {S}           | closes S's links, stops S's phone                |
// | register_endpoint {S}    | REGISTERs S's phone (once connected)             |
// | unregister_endpoint {S}  | un-REGISTERs S's phone (Expires: 0)              |
// | probe {S}                | OPTIONS to S's SIP server from a short-lived UA  |
// | recheck {S}              | reports S's links and registration as they are   |
//
// One JsSIP UA per site, with one socket each: JsSIP reconnects to that
// site on its own, but never moves to another site — where the phone is
// registered is the engine's decision alone.

import JsSIP from "jssip";
import { WorkerDriver } from "continuity-engine";

import { History } from "./history.js";
import { inputText, isCommand, outputText } from "./words.js";
import { MEMBERS, SERVICES } from "./world.js";

/** How long a probe waits for the OPTIONS answer. */
const PROBE_TIMEOUT = 2000;
/** The agent's SIP address (the demo's Kamailio serves the domain 127.0.0.1). */
const AGENT = "sip:agent1@127.0.0.1";

export class LiveSession {
  log = [];
  emitted = [];
  status = null;
  playback = null;
  world = null;
  host = null;
  live = true;
  /** What the SIP servers themselves report, polled from the demo server. */
  registrations = null;
  #listeners = new Set();
  #worker;
  #phones = new Map();
  #links = new Map();
  #connected = new Set();
  #phoneAt = null;
  #callCount = 0;
  #disposed = false;

  /** Starts the live session on the environment the demo server describes (`GET /api/live`). */
  static async start(environment) {
    const session = new LiveSession(environment);
    await session.#open();
    return session;
  }

  constructor(environment) {
    this.environment = environment;
    this.bundle = environment.bundle;
    this.sites = environment.sites.map((site) => site.name);
    // The live sites run one SIP server each: the pair's primary.
    this.history = new History(this.sites, (service) => (service === "sip-server" ? ["primary"] : MEMBERS));
    // The engine's clock is the worker's; the page's views read it through the driver.
    this.clock = {
      now: () => this.#engineNow(),
      asleep: false,
      asleepUntil: 0,
      stopAt: null,
      nextAt: () => null,
      advanceTo: () => this.#engineNow(),
    };
  }

  async #open() {
    this.#worker = new Worker("worker.js", { type: "module" });
    this.driver = await WorkerDriver.create(this.#worker, {
      bundle: this.bundle,
      onOutput: (output, when) => this.#output(output, when.at),
      onError: (error) => this.#entry("host", `error: ${error.message}`),
    });
    this.seed = this.driver.seed;
    this.driver.on("status", (status) => {
      this.status = status;
      this.#changed();
    });
    this.status = await this.driver.status();
    this.policy = await this.driver.policy();
    await this.feed({ type: "start" });
  }

  subscribe(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Hands an input to the engine; resolves to what became of it. */
  async feed(input) {
    const entry = this.#entry("input", inputText(input), input);
    try {
      entry.handled = await this.driver.handle(input);
    } catch (error) {
      entry.handled = error?.code === "stopped" ? "refused" : "invalid";
      this.#entry("host", `the engine refused the input: ${error.message}`);
    }
    this.history.input(input, this.driver.now);
    this.#changed();
    return entry.handled;
  }

  startCall() {
    return this.feed({ type: "interaction_started", id: `call-${++this.#callCount}` });
  }

  endCall(id) {
    return this.feed({ type: "interaction_ended", id });
  }

  /** The trace so far is the outputs with their times (a live session has no scenario to replay). */
  get finished() {
    return false;
  }

  /** Asks the demo server to kill or restore a site. */
  async site(site, action) {
    const response = await fetch(`api/live/sites/${encodeURIComponent(site)}/${action}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    if (!response.ok) throw new Error(`${action} ${site}: ${(await response.text()).trim()}`);
    this.#entry("host", `${site} ${action === "kill" ? "killed (its SIP server and links, abruptly)" : "restored on the same ports"}`);
    this.#changed();
  }

  /** Polls the SIP servers' location tables through the demo server. */
  async poll() {
    const response = await fetch("api/live/registrations");
    if (response.ok) this.registrations = await response.json();
    this.#changed();
  }

  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const site of this.sites) this.#disconnect(site);
    this.driver?.dispose({ terminate: true });
    this.#listeners.clear();
  }

  // ------------------------------------------------------------ the stack

  #output(output, at) {
    this.emitted.push({ at, output });
    this.history.output(output, at);
    this.#entry(isCommand(output) ? "command" : "notice", outputText(output), output, at);
    if (!this.#disposed) this.#carry(output, at);
    this.#changed();
  }

  #carry(output, at) {
    const { site } = output;
    switch (output.type) {
      case "connect":
        this.#connect(site);
        break;
      case "disconnect":
        this.#disconnect(site);
        break;
      case "register_endpoint":
        this.#phoneAt = site;
        this.#registerIfReady(site);
        break;
      case "unregister_endpoint": {
        if (this.#phoneAt === site) this.#phoneAt = null;
        const phone = this.#phones.get(site);
        if (phone?.isRegistered()) phone.unregister();
        this.history.endpointChanged(site, false, at);
        break;
      }
      case "probe":
        this.#probe(site).then((ok) => this.feed({ type: "probe_result", site, ok }));
        break;
      case "recheck":
        this.#recheck(site);
        break;
      default:
        break;
    }
  }

  #describe(site) {
    return this.environment.sites.find((entry) => entry.name === site);
  }

  #connect(site) {
    const where = this.#describe(site);
    if (where === undefined || this.#connected.has(site)) return;
    this.#connected.add(site);
    for (const [service] of SERVICES) {
      if (service === "sip-server") continue;
      for (const member of MEMBERS) {
        const url = where.links[service]?.[member];
        if (url !== undefined) this.#openLink(site, service, member, url);
      }
    }
    this.#phone(site).start();
  }

  #openLink(site, service, member, url) {
    const key = `${site}/${service}/${member}`;
    const socket = new WebSocket(url);
    this.#links.set(key, socket);
    const report = (up) => {
      // A link the desktop closed itself, or replaced, is no news.
      if (this.#links.get(key) !== socket || !this.#connected.has(site)) return;
      this.feed({ type: up ? "link_up" : "link_down", site, service, member });
    };
    socket.addEventListener("open", () => report(true));
    socket.addEventListener("close", () => {
      report(false);
      if (this.#links.get(key) === socket) this.#links.delete(key);
    });
  }

  #disconnect(site) {
    this.#connected.delete(site);
    for (const [key, socket] of this.#links) {
      if (!key.startsWith(`${site}/`)) continue;
      this.#links.delete(key);
      socket.close();
    }
    const phone = this.#phones.get(site);
    if (phone !== undefined) {
      this.#phones.delete(site);
      // stop() un-REGISTERs (Expires: 0) when registered, then closes.
      phone.stop();
    }
  }

  /** The site's phone: one JsSIP UA with one socket, created on demand. */
  #phone(site) {
    let phone = this.#phones.get(site);
    if (phone !== undefined) return phone;
    const where = this.#describe(site);
    phone = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(where.sip)],
      uri: AGENT,
      register: false,
      register_expires: 60,
      session_timers: false,
      user_agent: "Continuity web demo (JsSIP)",
      connection_recovery_min_interval: 1,
      connection_recovery_max_interval: 3,
    });
    const mine = () => this.#phones.get(site) === phone && this.#connected.has(site);
    phone.on("connected", () => {
      if (!mine()) return;
      this.feed({ type: "link_up", site, service: "sip-server", member: "primary" });
      this.#registerIfReady(site);
    });
    phone.on("disconnected", () => {
      if (mine()) this.feed({ type: "link_down", site, service: "sip-server", member: "primary" });
    });
    phone.on("registered", () => {
      if (mine()) this.feed({ type: "endpoint_registered", site });
    });
    const lost = () => {
      if (mine() && this.#phoneAt === site) this.feed({ type: "endpoint_unregistered", site });
    };
    phone.on("unregistered", lost);
    phone.on("registrationFailed", lost);
    this.#phones.set(site, phone);
    return phone;
  }

  #registerIfReady(site) {
    const phone = this.#phones.get(site);
    if (this.#phoneAt === site && phone?.isConnected() && !phone.isRegistered()) phone.register();
  }

  /** OPTIONS to a site's SIP server from a UA of its own, closed afterwards: true when it answers 2xx in time. */
  #probe(site) {
    const where = this.#describe(site);
    if (where === undefined) return Promise.resolve(false);
    return new Promise((resolve) => {
      const probe = new JsSIP.UA({
        sockets: [new JsSIP.WebSocketInterface(where.sip)],
        uri: AGENT,
        register: false,
        user_agent: "Continuity web demo (probe)",
        connection_recovery_min_interval: 60,
        connection_recovery_max_interval: 60,
      });
      let done = false;
      const finish = (ok) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        probe.stop();
        resolve(ok);
      };
      const timer = setTimeout(() => finish(false), PROBE_TIMEOUT);
      probe.on("connected", () => {
        probe.sendOptions("sip:127.0.0.1", null, {
          eventHandlers: { succeeded: () => finish(true), failed: () => finish(false) },
        });
      });
      probe.on("disconnected", () => finish(false));
      probe.start();
    });
  }

  #recheck(site) {
    if (this.#connected.has(site)) {
      for (const [service] of SERVICES) {
        for (const member of MEMBERS) {
          if (service === "sip-server") continue;
          const socket = this.#links.get(`${site}/${service}/${member}`);
          this.feed({ type: socket?.readyState === WebSocket.OPEN ? "link_up" : "link_down", site, service, member });
        }
      }
      const phone = this.#phones.get(site);
      this.feed({ type: phone?.isConnected() ? "link_up" : "link_down", site, service: "sip-server", member: "primary" });
    }
    this.feed({ type: this.#phones.get(site)?.isRegistered() ? "endpoint_registered" : "endpoint_unregistered", site });
  }

  // ------------------------------------------------------------- records

  /** Engine time now: the worker's clock, read through the wall clock both share. */
  #engineNow() {
    if (this.driver === undefined) return 0;
    return Math.max(this.driver.now, Math.floor(performance.timeOrigin + performance.now() - this.driver.wallTime(0)));
  }

  #entry(kind, text, detail = null, at = this.#engineNow()) {
    const entry = { at, kind, text, detail, until: null };
    this.log.push(entry);
    return entry;
  }

  #changed() {
    for (const listener of this.#listeners) listener();
  }
}
