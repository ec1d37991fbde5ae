// The simulated world and the host that lives in it.
//
// `World` is what the simulator's person controls: both sites, each running a
// SIP Server, a Stat Server and a Configuration Server as a primary/backup
// pair, and the registrar of each site's SIP Server. `SimulatedHost` is the
// desktop's own stack (its CTI links and its SIP phone) in that world: it
// carries out the engine's commands against the world and reports what it
// observes as inputs, with the latencies of a real network. It decides
// nothing: every decision is the engine's.

import { serviceText } from "./words.js";

/** The services of a site, with the names people read. */
export const SERVICES = ["sip-server", "stat-server", "config-server"].map((service) => [service, serviceText(service)]);
/** The members of a pair. */
export const MEMBERS = ["primary", "backup"];

/** How long the host's stack takes, in virtual ms: links opened after `connect`, a REGISTER answered, a probe (SIP OPTIONS) answered, a recheck. */
export const LATENCY = { connect: 50, register: 200, probe: 50, recheck: 50 };

/**
 * Both sites' servers and registrars. Every change is kept in `history`
 * (the timeline's lanes), and handed to `onChange(site, service, member)`.
 */
export class World {
  #up = new Map();
  #registered = new Map();

  /**
   * @param {string[]} sites the site names, in display order
   * @param {import("./history.js").History} history where changes are recorded
   * @param {() => number} now virtual time
   */
  constructor(sites, history, now) {
    this.sites = sites;
    this.history = history;
    this.now = now;
    this.onChange = () => {};
    for (const site of sites) {
      for (const [service] of SERVICES) {
        for (const member of MEMBERS) this.#up.set(key(site, service, member), true);
        history.linkChanged(site, service, 2, 0);
      }
      this.#registered.set(site, false);
      history.endpointChanged(site, false, 0);
    }
  }

  /** Whether a member runs. */
  isUp(site, service, member) {
    return this.#up.get(key(site, service, member)) === true;
  }

  /** How many members of a service run (0, 1 or 2). */
  membersUp(site, service) {
    return MEMBERS.filter((member) => this.isUp(site, service, member)).length;
  }

  /** Whether a site's SIP Server answers (one member is enough). */
  sipUp(site) {
    return this.membersUp(site, "sip-server") > 0;
  }

  /** Whether every member of every service of a site runs. */
  siteUp(site) {
    return SERVICES.every(([service]) => this.membersUp(site, service) === 2);
  }

  /** Whether every member of every service of a site is down. */
  siteDown(site) {
    return SERVICES.every(([service]) => this.membersUp(site, service) === 0);
  }

  /** Fails (`up = false`) or restores one member. */
  setMember(site, service, member, up) {
    if (this.isUp(site, service, member) === up) return;
    this.#up.set(key(site, service, member), up);
    this.history.linkChanged(site, service, this.membersUp(site, service), this.now());
    if (!up && service === "sip-server" && !this.sipUp(site)) this.setRegistered(site, false);
    this.onChange(site, service, member);
  }

  /** Fails or restores every member of a site. */
  setSite(site, up) {
    for (const [service] of SERVICES) for (const member of MEMBERS) this.setMember(site, service, member, up);
  }

  /** Whether the site's registrar holds the phone's registration. */
  isRegistered(site) {
    return this.#registered.get(site) === true;
  }

  /** Records the phone's registration at a site's registrar. */
  setRegistered(site, registered) {
    if (this.isRegistered(site) === registered) return;
    this.#registered.set(site, registered);
    this.history.endpointChanged(site, registered, this.now());
  }
}

/**
 * The desktop's stack in the world: it opens and closes the links the engine
 * asks for, registers the phone where the engine says, answers probes and
 * rechecks, and reports link changes at the sites it is connected to.
 * While the host is asleep, what it observes waits for it to wake.
 */
export class SimulatedHost {
  #connected = new Set();
  /** Where the engine wants the phone registered, or null. */
  #phoneAt = null;

  /**
   * @param {World} world
   * @param {import("./clock.js").VirtualClock} clock
   * @param {(input: object) => void} feed hands an input to the engine (and the session's record)
   * @param {(text: string) => void} note writes the host's own doing to the log
   */
  constructor(world, clock, feed, note) {
    this.world = world;
    this.clock = clock;
    this.feed = feed;
    this.note = note;
    world.onChange = (site, service, member) => this.#changed(site, service, member);
  }

  /** The site the engine wants the phone registered at, or null. */
  get phoneAt() {
    return this.#phoneAt;
  }

  /** Whether the desktop holds links to a site. */
  isConnected(site) {
    return this.#connected.has(site);
  }

  /** Carries out one command of the engine (notices are not for the host). */
  carry(output) {
    const { site } = output;
    switch (output.type) {
      case "connect":
        this.#connected.add(site);
        this.#later(LATENCY.connect, () => this.#reportLinks(site));
        break;
      case "disconnect":
        this.#connected.delete(site);
        break;
      case "register_endpoint":
        this.#phoneAt = site;
        this.#later(LATENCY.register, () => this.#register(site));
        break;
      case "unregister_endpoint":
        if (this.#phoneAt === site) this.#phoneAt = null;
        this.world.setRegistered(site, false);
        break;
      case "probe":
        this.#later(LATENCY.probe, () => this.feed({ type: "probe_result", site, ok: this.world.sipUp(site) }));
        break;
      case "recheck":
        this.#later(LATENCY.recheck, () => {
          if (this.#connected.has(site)) this.#reportLinks(site);
          this.feed({ type: this.world.isRegistered(site) ? "endpoint_registered" : "endpoint_unregistered", site });
        });
        break;
      case "connect_config_server": {
        const { member } = output;
        this.#later(LATENCY.connect, () => {
          if (!this.world.isUp(site, "config-server", member)) {
            this.feed({ type: "link_down", site, service: "config-server", member });
          } else {
            this.note(`${site} Config Server ${member} answers, but the simulator keeps no configuration there: apply a full configuration in the editor (config_loaded)`);
          }
        });
        break;
      }
      default:
        break;
    }
  }

  /** The registrar dropped the phone's registration (the person's doing). */
  dropRegistration(site) {
    if (!this.world.isRegistered(site)) return;
    this.world.setRegistered(site, false);
    if (this.#phoneAt === site) this.#observe(() => this.feed({ type: "endpoint_unregistered", site }));
  }

  /** Whether the phone can register again at a site now: the engine wants it there, the SIP Server runs, it is not registered. */
  canRegister(site) {
    return this.#phoneAt === site && this.world.sipUp(site) && !this.world.isRegistered(site);
  }

  /** The phone registers again at a site (the person's doing, as a phone's own retry). */
  registerAgain(site) {
    if (this.canRegister(site)) this.#register(site);
  }

  #register(site) {
    if (this.#phoneAt !== site || this.world.isRegistered(site)) return;
    // A REGISTER to a site whose SIP Server pair is down goes unanswered; the
    // phone tries again when the server is back (see #changed).
    if (!this.world.sipUp(site)) return;
    this.world.setRegistered(site, true);
    this.feed({ type: "endpoint_registered", site });
  }

  #reportLinks(site) {
    if (!this.#connected.has(site)) return;
    for (const [service] of SERVICES) {
      for (const member of MEMBERS) {
        this.feed({ type: this.world.isUp(site, service, member) ? "link_up" : "link_down", site, service, member });
      }
    }
  }

  #changed(site, service, member) {
    if (this.#connected.has(site)) {
      const up = this.world.isUp(site, service, member);
      this.#observe(() => {
        // Reported as it is when the host sees it (it may have changed back while the host slept).
        if (this.#connected.has(site) && this.world.isUp(site, service, member) === up) {
          this.feed({ type: up ? "link_up" : "link_down", site, service, member });
        }
      });
    }
    if (service === "sip-server" && this.world.sipUp(site) && this.#phoneAt === site && !this.world.isRegistered(site)) {
      this.#later(LATENCY.register, () => this.#register(site));
    }
  }

  /** Runs what the host observes now, or when it wakes if it is asleep. */
  #observe(report) {
    if (this.clock.asleep) this.clock.setTimeout(report, 0);
    else report();
  }

  #later(ms, report) {
    this.clock.setTimeout(report, ms);
  }
}

function key(site, service, member) {
  return `${site}\u0000${service}\u0000${member}`;
}
