// The dedicated Web Worker entry: runs a Driver off the main thread, where
// hidden tabs do not throttle its timer. Start it with
//   new Worker(new URL("continuity-engine/worker", import.meta.url), { type: "module" })
// and talk to it through WorkerDriver, or directly with the messages of
// WorkerRequest / WorkerMessage in index.d.ts.

import { init, Engine, Driver } from "./index.js";
import { continuityError, describe } from "../errors.js";

const CALLS = new Set(["linkUp", "linkDown", "endpointRegistered", "endpointUnregistered", "probeResult", "interactionStarted", "interactionEnded"]);

let driver;
// Messages are answered one at a time, in the order they came: `create`
// waits for the module to load, and a request sent right behind it must
// find the engine (and a second `create` must see the first).
let queue = Promise.resolve();

self.addEventListener("message", (event) => {
  queue = queue.then(() => reply(event.data));
});

async function reply(message) {
  const id = message?.id;
  try {
    const status = await answer(message);
    self.postMessage({ type: "done", id, status });
  } catch (error) {
    self.postMessage({ type: "error", id, error: plain(error) });
  }
}

async function answer(message) {
  if (message === null || typeof message !== "object") {
    throw continuityError("invalid-message", `a message to the worker must be an object with a \`type\`; got ${describe(message)}`);
  }
  switch (message.type) {
    case "create": {
      if (driver !== undefined) throw continuityError("invalid-message", "the worker already has an engine: send `dispose` first");
      await init();
      const engine = new Engine(message.bundle, message.seed ?? 0, { files: message.files });
      driver = new Driver(engine, {
        // The page's visibility is the main thread's to report.
        resume: false,
        onOutput: (output, at) => self.postMessage({ type: "output", at, output }),
        onError: (error) => self.postMessage({ type: "error", error: plain(error) }),
      });
      return engine.status();
    }
    case "input":
      ready().handle(message.input);
      return undefined;
    case "call": {
      if (!CALLS.has(message.method) || !Array.isArray(message.args)) {
        throw continuityError("invalid-message", `\`call\` needs a method (one of ${[...CALLS].join(", ")}) and an args array; got ${describe(message.method)}`);
      }
      ready()[message.method](...message.args);
      return undefined;
    }
    case "status":
      return ready().status();
    case "dispose":
      driver?.dispose();
      driver?.engine.free();
      driver = undefined;
      return undefined;
    default:
      throw continuityError("invalid-message", `unknown message type ${describe(message.type)}; expected create, input, call, status or dispose`);
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
