/** Stacking of the last N observation rows per agent, in preallocated rings. */
import { TickmindError } from '../core/errors.js';

/** The last `depth` rows of `size` floats per agent, read newest first. */
export class ObservationStack {
  private readonly data: Float32Array;
  private readonly head: Int32Array;
  private readonly filled: Int32Array;

  /** Rows of `size` floats, `depth` deep, for up to `capacity` agents. */
  constructor(
    /** Floats per row. */
    readonly size: number,
    /** Rows kept per agent. */
    readonly depth: number,
    /** Agents. */
    readonly capacity: number,
  ) {
    if (!Number.isInteger(depth) || depth < 1)
      throw new TickmindError('INVALID_ARGUMENT', `stack depth must be a positive integer, got ${depth}`, { field: 'depth' });
    this.data = new Float32Array(size * depth * capacity);
    this.head = new Int32Array(capacity);
    this.filled = new Int32Array(capacity);
  }

  /** Floats a stacked row occupies (size · depth). */
  get stackedSize(): number {
    return this.size * this.depth;
  }

  /** Pushes agent a's newest row (size floats of src from srcOffset). */
  push(a: number, src: Float32Array, srcOffset = 0): void {
    const h = (this.head[a]! + 1) % this.depth;
    this.head[a] = h;
    this.filled[a] = Math.min(this.depth, this.filled[a]! + 1);
    const base = (a * this.depth + h) * this.size;
    for (let i = 0; i < this.size; i++) this.data[base + i] = src[srcOffset + i]!;
  }

  /** Writes agent a's stack, newest first, into out from offset; missing history is zeros. */
  read(a: number, out: Float32Array, offset = 0): void {
    for (let k = 0; k < this.depth; k++) {
      const o = offset + k * this.size;
      if (k >= this.filled[a]!) {
        for (let i = 0; i < this.size; i++) out[o + i] = 0;
        continue;
      }
      const slot = (this.head[a]! - k + this.depth) % this.depth;
      const base = (a * this.depth + slot) * this.size;
      for (let i = 0; i < this.size; i++) out[o + i] = this.data[base + i]!;
    }
  }

  /** Forgets agent a's history (e.g. on respawn). */
  reset(a: number): void {
    this.filled[a] = 0;
    this.head[a] = 0;
  }
}
