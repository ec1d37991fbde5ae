// Errors thrown by the package: instances of ContinuityError, a real `Error`
// subclass named "ContinuityError" with a stable `code` (see ErrorCode in
// index.d.ts) and, for an invalid bundle, the `diagnostics`.

/** An error thrown by the package; the engine is left as it was. */
export class ContinuityError extends Error {
  constructor(code, message, options = undefined) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options?.diagnostics !== undefined) this.diagnostics = options.diagnostics;
  }
}
// On the prototype, so that it is not an own property to enumerate or clone.
Object.defineProperty(ContinuityError.prototype, "name", { value: "ContinuityError", writable: true, configurable: true });

/** Creates a ContinuityError. */
export function continuityError(code, message, options) {
  return new ContinuityError(code, message, options);
}

/**
 * The error the WebAssembly module threw (a plain Error named
 * "ContinuityError", with its code and diagnostics), as a ContinuityError;
 * anything else as it is.
 */
export function adopt(error) {
  if (error instanceof ContinuityError || !(error instanceof Error) || error.name !== "ContinuityError") return error;
  Object.setPrototypeOf(error, ContinuityError.prototype);
  // The prototype names it; an own `name` would only repeat it.
  delete error.name;
  return error;
}

/** Whether `value` is an error thrown by this package (also one from another realm, such as a worker's). */
export function isContinuityError(value) {
  return value instanceof ContinuityError || (value instanceof Error && value.name === "ContinuityError" && typeof value.code === "string");
}

/** A short description of a value for an error message: its type, and the value when it is short. */
export function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string": return value.length > 40 ? `a string of ${value.length} characters` : `the string ${JSON.stringify(value)}`;
    case "number": return Number.isNaN(value) ? "NaN" : `the number ${value}`;
    case "bigint": return `the bigint ${value}n`;
    case "undefined": return "undefined";
    case "object": return "an object";
    default: return `a ${typeof value}`;
  }
}
