// The dedicated Web Worker entry: runs a Driver off the main thread, where
// hidden tabs do not throttle its timer. Start it with
//   new Worker(new URL("continuity-engine/worker", import.meta.url), { type: "module" })
// and talk to it through WorkerDriver, or directly with the messages of
// WorkerRequest / WorkerMessage in index.d.ts (every one carries `v: 1`).

import { init, Driver } from "./index.js";
import { PROTOCOL, TURN } from "../driver.js";
import { continuityError, describe } from "../errors.js";

const CALLS = new Set([
  "linkUp", "linkDown", "endpointRegistered", "endpointUnregistered", "probeResult",
  "interactionStarted", "interactionEnded", "switchRequested",
]);
const EXAMPLE = `{v: ${PROTOCOL}, id: 1, type: "status"}`;

let driver;
// Messages are answered one at a time, in the order they came: `create`
// waits for the module to load, and a request sent right behind it must
// find the engine (and a second `create` must see the first).
let queue = Promise.resolve();

self.addEventListener("message", (event) => {
  queue = queue.then(() => reply(event.data));
});

function post(message) {
  self.postMessage({ v: PROTOCOL, ...message });
}

async function reply(message) {
  // An answer names its request when the request had an id to name.
  const id = typeof message?.id === "number" ? message.id : undefined;
  try {
    const answer = await answerTo(message);
    post({ type: "done", id, request: message.type, ...answer });
  } catch (error) {
    post({ type: "error", id, error: plain(error) });
  }
}

async function answerTo(message) {
  if (message === null || typeof message !== "object" || Array.isArray(message)) {
    throw continuityError("invalid-message", `a message to the worker must be an object like ${EXAMPLE}; got ${describe(message)}`);
  }
  if (message.v !== PROTOCOL) {
    throw continuityError("invalid-message", `\`v\` must be ${PROTOCOL}, the version of the message protocol this worker speaks; got ${describe(message.v)}`);
  }
  if (typeof message.id !== "number") {
    throw continuityError("invalid-message", `\`id\` must be a number, which the answer carries back; got ${describe(message.id)}`);
  }
  switch (message.type) {
    case "create": {
      if (driver !== undefined) throw continuityError("invalid-message", "the worker already has an engine: send `dispose` first");
      await init();
      driver = await Driver.create({
        bundle: message.bundle,
        seed: message.seed,
        // The page's visibility is the main thread's to report.
        resume: false,
        onOutput: (output, { at, time }) => post({ type: "output", at, time, output }),
        onError: (error) => post({ type: "error", error: plain(error) }),
        [TURN]: (now, stopped, status) => post(status === undefined ? { type: "turn", now, stopped } : { type: "turn", now, stopped, status }),
      });
      return { seed: driver.seed, timeOrigin: driver.wallTime(0), now: driver.now, stopped: driver.stopped, status: await driver.status() };
    }
    case "input":
      return { handled: await ready().handle(message.input) };
    case "call": {
      if (!CALLS.has(message.method) || !Array.isArray(message.args)) {
        throw continuityError("invalid-message", `\`call\` needs a method (one of ${[...CALLS].join(", ")}) and an args array; got ${describe(message.method)}`);
      }
      return { handled: await ready()[message.method](...message.args) };
    }
    case "status":
      return { status: await ready().status() };
    case "policy":
      return { policy: await ready().policy() };
    case "warnings":
      return { warnings: await ready().warnings() };
    case "dispose":
      driver?.dispose();
      driver = undefined;
      return {};
    default:
      throw continuityError("invalid-message", `unknown message type ${describe(message.type)}; expected create, input, call, status, policy, warnings or dispose`);
  }
}

function ready() {
  if (driver === undefined) throw continuityError("invalid-message", "the worker has no engine yet: send `create` first");
  return driver;
}

/** An error as a structured-clone-safe object. */
function plain(error) {
  return {
    name: error?.name ?? "Error",
    code: error?.code ?? "error",
    message: error?.message ?? String(error),
    diagnostics: error?.diagnostics,
  };
}
