/** Node's dataset sink and source: files under a directory; each write goes to a temporary file then is renamed (atomic). */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TickmindError } from '../core/index.js';
import type { DatasetSink, DatasetSource } from '../dataset/index.js';

/** Writes dataset files under `dir` atomically (temporary file, then rename). */
export function directorySink(dir: string): DatasetSink {
  return {
    async write(path: string, bytes: Uint8Array): Promise<void> {
      const target = join(dir, ...path.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      const temporary = `${target}.tmp-${process.pid}`;
      writeFileSync(temporary, bytes);
      renameSync(temporary, target);
    },
  };
}

/** Reads dataset files under `dir`; a file past `maxBytes` is refused from its size, unread. */
export function directorySource(dir: string): DatasetSource {
  return {
    name: dir,
    async read(path: string, maxBytes?: number): Promise<Uint8Array> {
      return readDatasetFile(join(dir, ...path.split('/')), maxBytes);
    },
  };
}

/** The bytes of `file`, refused with MODEL_LIMIT (before reading) when it is larger than `maxBytes`. */
export function readDatasetFile(file: string, maxBytes = Number.POSITIVE_INFINITY): Uint8Array {
  const size = statSync(file).size;
  if (size > maxBytes)
    throw new TickmindError('MODEL_LIMIT', `${file}: ${size} bytes, past the reader's limit of ${maxBytes} bytes`, { file });
  return new Uint8Array(readFileSync(file));
}
