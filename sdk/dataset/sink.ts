/** Where datasets go and come from: injected, so the module needs no `fs` and no DOM. */
import { TickmindError } from '../core/errors.js';

/** Writes files of a dataset. Node's implementation writes a temporary file then renames it (atomic per file). */
export interface DatasetSink {
  /** Writes `bytes` at `path` (relative, with '/' separators), replacing any previous file. */
  write(path: string, bytes: Uint8Array): Promise<void>;
}

/** Reads files of a dataset. */
export interface DatasetSource {
  /**
   * The bytes at `path` (relative, '/' separators); rejects with a clear error when missing. With
   * `maxBytes`, a file larger than that is refused with MODEL_LIMIT, before reading it where the
   * source can tell its size first.
   */
  read(path: string, maxBytes?: number): Promise<Uint8Array>;
  /** A label for error messages (e.g. the directory). */
  readonly name: string;
}

/** A sink and source in memory (the browser collects files here before offering a download; tests use it). */
export class MemoryFiles implements DatasetSink, DatasetSource {
  /** Files by path. */
  readonly files = new Map<string, Uint8Array>();
  /** Label in errors. */
  readonly name: string;

  constructor(name = '<memory>') {
    this.name = name;
  }

  /** Stores a copy of the bytes. */
  async write(path: string, bytes: Uint8Array): Promise<void> {
    this.files.set(path, bytes.slice());
  }

  /** Returns the stored bytes. */
  async read(path: string, maxBytes = Number.POSITIVE_INFINITY): Promise<Uint8Array> {
    const b = this.files.get(path);
    if (b === undefined) throw new TickmindError('IO', `${this.name}/${path}: no such file`, { file: path });
    if (b.length > maxBytes) throw tooLarge(`${this.name}/${path}`, b.length, maxBytes);
    return b;
  }
}

/** The error of a file larger than a reader's limit. */
function tooLarge(file: string, size: number, maxBytes: number): TickmindError {
  return new TickmindError(
    'MODEL_LIMIT',
    `${file}: ${size} bytes, past the reader's limit of ${maxBytes} bytes (raise maxBytes if the file is trusted)`,
    {
      file,
    },
  );
}
