/**
 * Static memory planning for one plan: every runtime buffer gets an offset in one arena so
 * that buffers alive at the same time never overlap (greedy by size, first fit in space-time).
 */

/** A buffer to place: its size and the step interval [start, end] during which it is live. */
export interface BufferRequest {
  bytes: number;
  start: number;
  end: number;
}

const ALIGN = 64;

/** Assigns offsets; returns them (by request index) and the arena size. */
export function planMemory(requests: readonly BufferRequest[]): { offsets: number[]; total: number } {
  const order = requests.map((_, i) => i).sort((a, b) => requests[b]!.bytes - requests[a]!.bytes || a - b);
  const offsets = new Array<number>(requests.length).fill(0);
  const placed: number[] = [];
  let total = 0;
  for (const i of order) {
    const r = requests[i]!;
    const size = Math.ceil(Math.max(r.bytes, 1) / ALIGN) * ALIGN;
    // Intervals of already-placed buffers that overlap in time, sorted by offset.
    const busy = placed
      .filter((j) => requests[j]!.start <= r.end && r.start <= requests[j]!.end)
      .map((j) => [offsets[j]!, offsets[j]! + Math.ceil(Math.max(requests[j]!.bytes, 1) / ALIGN) * ALIGN] as const)
      .sort((a, b) => a[0] - b[0]);
    let offset = 0;
    for (const [lo, hi] of busy) {
      if (offset + size <= lo) break;
      offset = Math.max(offset, hi);
    }
    offsets[i] = offset;
    total = Math.max(total, offset + size);
    placed.push(i);
  }
  return { offsets, total };
}
