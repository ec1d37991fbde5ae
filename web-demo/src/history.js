// What the timeline draws: the services of each site over time, the phone's
// registration at each site, where the desktop was, the switches, the
// pending switches and the host's sleeps. Filled from the world's changes
// and the engine's outputs; read by timeline.js as its model.

export class History {
  constructor(sites) {
    this.sites = sites;
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
