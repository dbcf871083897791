/**
 * The error boundary of the inference core: whatever goes wrong inside (a kernel that traps, an
 * engine that cannot allocate, a bug), callers of `decodeModel`, `create`, `run` and `runSync` see
 * a TickmindError naming the file and node, never a RangeError, TypeError or WebAssembly trap.
 */
import { type ErrorLocation, TickmindError, type TickmindErrorCode } from '../core/errors.js';

/**
 * `err` as a TickmindError: itself when it is one, otherwise a coded error that keeps the original
 * message. Allocation failures and too-deep recursion are MODEL_LIMIT (a model asked for more than
 * the engine has); WebAssembly traps are INTERNAL (a kernel went out of bounds, which plan-time
 * checks exist to prevent); anything else takes `fallback`. `location` fills in what the error lacks.
 */
export function toTickmindError(err: unknown, fallback: TickmindErrorCode, location: ErrorLocation = {}): TickmindError {
  if (err instanceof TickmindError) {
    const loc = err.location;
    const missing =
      (location.file !== undefined && loc.file === undefined) ||
      (location.node !== undefined && loc.node === undefined) ||
      (location.field !== undefined && loc.field === undefined && loc.node === undefined);
    return missing ? new TickmindError(err.code, err.detail, { ...location, ...definedOf(loc) }) : err;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof WebAssembly.RuntimeError) {
    return new TickmindError('INTERNAL', `a WebAssembly kernel trapped (${message})`, location);
  }
  if (err instanceof RangeError && /allocat|Invalid (typed )?array length|Array buffer|call stack|Invalid string length/i.test(message)) {
    return new TickmindError('MODEL_LIMIT', `the model needs more memory or nesting than the engine allows (${message})`, location);
  }
  const kind = err instanceof Error ? err.name : typeof err;
  return new TickmindError(fallback, `${kind}: ${message}`, location);
}

function definedOf(loc: ErrorLocation): ErrorLocation {
  const out: ErrorLocation = {};
  if (loc.file !== undefined) out.file = loc.file;
  if (loc.node !== undefined) out.node = loc.node;
  if (loc.field !== undefined) out.field = loc.field;
  return out;
}

/** `{ file }` when a file name is known, else `{}` (locations take no undefined members). */
export function fileLocation(file: string | undefined): ErrorLocation {
  return file === undefined ? {} : { file };
}
