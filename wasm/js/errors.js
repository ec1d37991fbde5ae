// Errors thrown by the package: real `Error`s named "ContinuityError" with a
// stable `code` (see ErrorCode in index.d.ts) and, for an invalid bundle, the
// `diagnostics`.

/** Creates a ContinuityError. */
export function continuityError(code, message, extra) {
  const error = new Error(message);
  error.name = "ContinuityError";
  error.code = code;
  if (extra !== undefined) Object.assign(error, extra);
  return error;
}

/** Whether `value` is an error thrown by this package. */
export function isContinuityError(value) {
  return value instanceof Error && value.name === "ContinuityError" && typeof value.code === "string";
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
