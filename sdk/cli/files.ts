/** Node's dataset sink and source: files under a directory; each write goes to a temporary file then is renamed (atomic). */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** Reads dataset files under `dir`. */
export function directorySource(dir: string): DatasetSource {
  return {
    name: dir,
    async read(path: string): Promise<Uint8Array> {
      return new Uint8Array(readFileSync(join(dir, ...path.split('/'))));
    },
  };
}
