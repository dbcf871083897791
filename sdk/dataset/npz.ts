/**
 * NumPy `.npz` archives (what `numpy.savez_compressed` writes): a zip of `.npy` files, one per
 * key. Deterministic output (fixed timestamps), so the same data gives the same bytes.
 */
import { zipSync } from 'fflate';
import { TickmindError } from '../core/index.js';
import { ByteBudget, type DatasetReadOptions, guarded, maxBytesOf } from './limits.js';
import { type NpyData, type NpyDType, parseNpy, writeNpy } from './npy.js';
import { readZip } from './zip.js';

/** One array of an archive. */
export interface NpzArray {
  /** Element type. */
  dtype: NpyDType;
  /** Shape. */
  dims: number[];
  /** Elements, row-major. */
  data: NpyData;
}

// Zip timestamps cannot precede 1980; a fixed one keeps archives reproducible.
const EPOCH = new Date('1980-01-01T00:00:00Z');

/** Writes arrays as an `.npz` archive (deflate-compressed unless `compress` is false). */
export function writeNpz(arrays: Record<string, NpzArray>, compress = true): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 | 6; mtime: Date }]> = {};
  for (const [key, a] of Object.entries(arrays)) files[`${key}.npy`] = [writeNpy(a), { level: compress ? 6 : 0, mtime: EPOCH }];
  return zipSync(files, { mtime: EPOCH });
}

/**
 * Reads an `.npz` archive; errors name the file and the member. Every member's CRC-32 is checked
 * and the members' declared sizes together must fit `options.maxBytes` before any is inflated.
 */
export function readNpz(bytes: Uint8Array, file = '<npz>', options?: DatasetReadOptions): Record<string, NpzArray> {
  return guarded(file, () => {
    const budget = new ByteBudget(maxBytesOf(options), file);
    const out: Record<string, NpzArray> = {};
    for (const [name, data] of readZip(bytes, file, budget, '.npz (zip)')) {
      if (!name.endsWith('.npy')) throw new TickmindError('IO', `${file}: member '${name}' is not a .npy array`, { file, field: name });
      out[name.slice(0, -4)] = parseNpy(data, `${file}:${name}`, budget, false);
    }
    return out;
  });
}
