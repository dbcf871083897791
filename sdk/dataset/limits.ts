/**
 * What a dataset reader may allocate, and the guard that keeps every failure a coded
 * {@link TickmindError}: every size a file declares (a zip member's, a `.npy` shape's, a Parquet
 * page's) is checked against the limit before anything of that size is allocated.
 */
import { TickmindError } from '../core/index.js';

/** Options every dataset reader takes. */
export interface DatasetReadOptions {
  /**
   * Most bytes a reader decodes from one file (a Parquet file, a `.npz` archive, a `.npy` array):
   * decompressed pages and members, decoded values. A file declaring more is refused with
   * MODEL_LIMIT before anything of that size is allocated. Default {@link DEFAULT_MAX_BYTES}.
   */
  maxBytes?: number;
}

/** The default of {@link DatasetReadOptions.maxBytes}: 512 MiB. */
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

/** `options.maxBytes`, checked (a positive safe integer), or the default. */
export function maxBytesOf(options: DatasetReadOptions | undefined): number {
  const m = options?.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(m) || m <= 0)
    throw new TickmindError('INVALID_ARGUMENT', `maxBytes must be a positive integer, got ${m}`, { field: 'maxBytes' });
  return m;
}

/** Bytes a reader may still allocate for one file; `take` refuses what would exceed the limit. */
export class ByteBudget {
  private used = 0;

  constructor(
    /** The limit. */
    readonly limit: number,
    private readonly file: string,
  ) {}

  /** Accounts `n` bytes for `what`: MODEL_LIMIT past the limit, IO when `n` is not a size at all. */
  take(n: number, what: string, field?: string): void {
    if (Number.isSafeInteger(n) && n >= 0 && this.used + n <= this.limit) {
      this.used += n;
      return;
    }
    const location = { file: this.file, ...(field !== undefined ? { field } : {}) };
    if (!Number.isSafeInteger(n) || n < 0) throw new TickmindError('IO', `${this.file}: ${what} declares an invalid size ${n}`, location);
    throw new TickmindError(
      'MODEL_LIMIT',
      `${this.file}: ${what} needs ${n} bytes, past the reader's limit of ${this.limit} bytes (${this.used} already used; raise maxBytes if the file is trusted)`,
      location,
    );
  }
}

/**
 * Runs a reader's body and maps anything that is not a TickmindError (a bug, an allocation
 * failure) to a coded IO error naming `file`, so callers only ever see coded errors.
 */
export function guarded<T>(file: string, body: () => T): T {
  try {
    return body();
  } catch (err) {
    throw codedError(err, file);
  }
}

/** {@link guarded} for an async body. */
export async function guardedAsync<T>(file: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw codedError(err, file);
  }
}

function codedError(err: unknown, file: string): TickmindError {
  if (err instanceof TickmindError) return err.withFile(file);
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new TickmindError('IO', `${file}: unreadable (${message})`, { file });
}
