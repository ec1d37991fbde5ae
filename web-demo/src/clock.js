// Virtual time for the simulator: a clock the engine's Driver reads and arms
// its timer on (the Driver's injectable `clock`), advanced by the page at a
// chosen speed, or jumped. Callbacks run at their exact virtual time, in the
// order they are due (ties in the order they were set), so a timer is never
// late unless the host is asleep: while it sleeps, every callback waits for
// the moment it wakes, as a frozen laptop's would.

/** Virtual milliseconds, integers from 0. */
export class VirtualClock {
  #now = 0;
  #timers = new Map();
  #nextId = 1;
  /** Until when the host is asleep (callbacks due before it wait for it). */
  #asleepUntil = 0;
  /** Where advancing stops (a scenario's `until`), or null. */
  #stopAt = null;

  /** The Driver's clock: the epoch ms of virtual time 0, for wall-clock times. */
  timeOrigin = 0;

  /** Virtual time now. */
  now() {
    return this.#now;
  }

  /** Runs `callback` `ms` virtual milliseconds from now (the host's timers: they wait while it sleeps); returns its handle. */
  setTimeout(callback, ms) {
    const delay = Number.isFinite(ms) && ms > 0 ? Math.ceil(ms) : 0;
    return this.#set(this.#now + delay, callback, true);
  }

  /** Runs `callback` at virtual time `at` even if the host sleeps then (the world's events); returns its handle. */
  at(at, callback) {
    return this.#set(Math.max(this.#now, at), callback, false);
  }

  #set(at, callback, sleeps) {
    const id = this.#nextId++;
    this.#timers.set(id, { at, id, callback, sleeps });
    return id;
  }

  /** Cancels a callback set with `setTimeout`. */
  clearTimeout(id) {
    this.#timers.delete(id);
  }

  /** Whether the host is asleep now. */
  get asleep() {
    return this.#now < this.#asleepUntil;
  }

  /** When the host wakes (meaningful while `asleep`). */
  get asleepUntil() {
    return this.#asleepUntil;
  }

  /** Puts the host to sleep until `until`: callbacks due before then run when it wakes. */
  sleepUntil(until) {
    this.#asleepUntil = Math.max(this.#asleepUntil, until);
  }

  /** Advancing stops at `at` (or nowhere, with `null`) until this is changed. */
  set stopAt(at) {
    this.#stopAt = at;
  }

  get stopAt() {
    return this.#stopAt;
  }

  /** When the next callback runs (after a sleep, its end), or `null` when none is set. */
  nextAt() {
    const next = this.#next();
    return next === undefined ? null : this.#effective(next);
  }

  /**
   * Moves virtual time forward to `target` (no further than the stop),
   * running every callback due on the way at its own time. Returns the time
   * reached.
   */
  advanceTo(target) {
    let limit = Math.floor(target);
    if (this.#stopAt !== null) limit = Math.min(limit, this.#stopAt);
    for (;;) {
      const next = this.#next();
      if (next === undefined) break;
      const at = this.#effective(next);
      if (at > limit) break;
      this.#timers.delete(next.id);
      this.#now = Math.max(this.#now, at);
      next.callback();
    }
    this.#now = Math.max(this.#now, limit);
    return this.#now;
  }

  /** The callback due first: the earliest time, then the first set. */
  #next() {
    let first;
    for (const timer of this.#timers.values()) {
      if (first === undefined || this.#effective(timer) < this.#effective(first) || (this.#effective(timer) === this.#effective(first) && timer.id < first.id)) {
        first = timer;
      }
    }
    return first;
  }

  #effective(timer) {
    return Math.max(timer.at, timer.sleeps ? this.#asleepUntil : 0, this.#now);
  }
}
