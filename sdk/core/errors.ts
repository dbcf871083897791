/** Machine-readable error codes. Each names one class of failure a caller can act on. */
export type TickmindErrorCode =
  | 'INVALID_ARGUMENT'
  | 'MODEL_DECODE'
  | 'MODEL_INVALID'
  | 'MODEL_LIMIT'
  | 'MODEL_EXTERNAL_DATA'
  | 'OPSET_UNSUPPORTED'
  | 'OP_UNSUPPORTED'
  | 'SHAPE_MISMATCH'
  | 'DTYPE_MISMATCH'
  | 'FEED_MISSING'
  | 'FEED_UNKNOWN'
  | 'BACKEND_UNAVAILABLE'
  | 'IO'
  | 'INTERNAL';

/** Where an error happened: any of the file, the graph node, the field. */
export interface ErrorLocation {
  /** The file at fault (e.g. the model path). */
  file?: string;
  /** The graph node at fault. */
  node?: string;
  /** The field, input or attribute at fault. */
  field?: string;
}

/**
 * The one error type tickmind throws. `code` is stable and machine-readable;
 * `message` names what was wrong and where (file, node, field).
 */
export class TickmindError extends Error {
  /** Stable, machine-readable class of the failure. */
  readonly code: TickmindErrorCode;
  /** Where it happened. */
  readonly location: ErrorLocation;
  /** The message without its location suffix. */
  readonly detail: string;

  constructor(code: TickmindErrorCode, detail: string, location: ErrorLocation = {}) {
    super(formatMessage(detail, location));
    this.name = 'TickmindError';
    this.code = code;
    this.detail = detail;
    this.location = location;
  }

  /** A copy of this error with the file name added to its location (unchanged if it has one). */
  withFile(file: string): TickmindError {
    if (this.location.file !== undefined) return this;
    return new TickmindError(this.code, this.detail, { ...this.location, file });
  }
}

function formatMessage(message: string, location: ErrorLocation): string {
  const parts: string[] = [];
  if (location.file !== undefined) parts.push(`file ${location.file}`);
  if (location.node !== undefined) parts.push(`node ${location.node}`);
  if (location.field !== undefined) parts.push(`field ${location.field}`);
  return parts.length === 0 ? message : `${message} (${parts.join(', ')})`;
}

/** True when `err` is a TickmindError, optionally with the given code. */
export function isTickmindError(err: unknown, code?: TickmindErrorCode): err is TickmindError {
  return err instanceof TickmindError && (code === undefined || err.code === code);
}
