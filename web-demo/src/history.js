// What the timeline draws: the services of each site over time, the phone's
// registration at each site, where the desktop was, the switches, the
// pending switches and the host's sleeps. Filled from the world's changes
// and the engine's outputs; read by timeline.js as its model.

import { MEMBERS } from "./world.js";

export class History {
  /** Links as the inputs reported them: "site/service/member" -> up. */
  #reported = new Map();

  /**
   * @param {string[]} sites the site names
   * @param {(service: string) => string[]} members the members each service runs (both, unless a site runs one)
   */
  constructor(sites, members = () => MEMBERS) {
    this.sites = sites;
    this.members = members;
    /** site -> service -> [{at, up}] (members up after each change). */
    this.links = Object.fromEntries(sites.map((site) => [site, {}]));
    /** site -> [{at, registered}]. */
    this.endpoint = Object.fromEntries(sites.map((site) => [site, []]));
    /** [{at, phase, site, role}], from phase_changed. */
    this.desktop = [];
    /** [{at, from, to, reason}]. */
    this.switches = [];
    /** [{start, end, due, to, reason, outcome}]. */
    this.pending = [];
    /** [{start, end}]. */
    this.sleeps = [];
  }

  /** A service of a site has `up` members running from `at`. */
  linkChanged(site, service, up, at) {
    const lane = (this.links[site] ??= {});
    const changes = (lane[service] ??= []);
    const last = changes.at(-1);
    if (last?.up === up) return;
    if (last?.at === at) last.up = up;
    else changes.push({ at, up });
  }

  /** The phone is (or is not) registered at a site from `at`. */
  endpointChanged(site, registered, at) {
    const changes = (this.endpoint[site] ??= []);
    const last = changes.at(-1);
    if (last?.registered === registered) return;
    if (last?.at === at) last.registered = registered;
    else changes.push({ at, registered });
  }

  /**
   * Keeps the lanes from an input the engine was given (when the page knows
   * the world only through the inputs: a played-back scenario, the live mode).
   */
  input(input, at) {
    switch (input.type) {
      case "link_up":
      case "link_down": {
        const { site, service } = input;
        this.#reported.set(`${site}/${service}/${input.member}`, input.type === "link_up");
        const members = this.members(service);
        const up = members.filter((member) => this.#reported.get(`${site}/${service}/${member}`) === true).length;
        // The lanes count members up out of a pair.
        this.linkChanged(site, service, up === members.length ? 2 : up === 0 ? 0 : 1, at);
        break;
      }
      case "endpoint_registered":
      case "endpoint_unregistered":
        this.endpointChanged(input.site, input.type === "endpoint_registered", at);
        break;
      default:
        break;
    }
  }

  /** A member's link as last reported: "up", "down" or "unknown". */
  reported(site, service, member) {
    const up = this.#reported.get(`${site}/${service}/${member}`);
    return up === undefined ? "unknown" : up ? "up" : "down";
  }

  /** The host sleeps from `start` to `end`. */
  sleep(start, end) {
    this.sleeps.push({ start, end });
  }

  /** Records what an output of the engine says about the timeline. */
  output(output, at) {
    switch (output.type) {
      case "phase_changed":
        this.desktop.push({ at, phase: output.phase, site: output.site, role: output.role });
        break;
      case "switchover_pending":
        this.#closePending(at, null);
        this.pending.push({ start: at, end: null, due: output.at, to: output.to, reason: output.reason, outcome: null });
        break;
      case "switchover_cancelled":
        this.#closePending(at, "cancelled");
        break;
      case "switched":
        this.#closePending(at, "switched");
        this.switches.push({ at, from: output.from, to: output.to, reason: output.reason });
        break;
      default:
        break;
    }
  }

  #closePending(at, outcome) {
    const open = this.pending.at(-1);
    if (open !== undefined && open.end === null) {
      open.end = at;
      open.outcome = outcome;
    }
  }
}
