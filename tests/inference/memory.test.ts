import { describe, expect, it } from 'vitest';
import { Rng, TickmindError } from '../../sdk/core/index.js';
import { planMemory } from '../../sdk/inference/exec/memory.js';
import { AllocationScope, WasmRuntime } from '../../sdk/inference/wasm/runtime.js';

describe('planMemory', () => {
  it('never overlaps buffers that are alive at the same time, and reuses dead space', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 50; trial++) {
      const requests = Array.from({ length: 30 }, () => {
        const start = rng.int(20);
        return { bytes: 1 + rng.int(5000), start, end: start + rng.int(6) };
      });
      const { offsets, total } = planMemory(requests);
      requests.forEach((a, i) => {
        expect(offsets[i]! % 64).toBe(0);
        expect(offsets[i]! + a.bytes).toBeLessThanOrEqual(total);
        requests.forEach((b, j) => {
          if (i >= j || a.end < b.start || b.end < a.start) return;
          const disjoint = offsets[i]! + a.bytes <= offsets[j]! || offsets[j]! + b.bytes <= offsets[i]!;
          expect(disjoint, `buffers ${i} and ${j} overlap while both alive`).toBe(true);
        });
      });
      const sum = requests.reduce((s, r) => s + Math.ceil(r.bytes / 64) * 64, 0);
      expect(total).toBeLessThan(sum);
    }
  });
});

describe('WasmRuntime allocator', () => {
  const PAGE = 65536;
  const aligned = (bytes: number) => Math.ceil(Math.max(bytes, 1) / 64) * 64;
  /** A region's bytes, read through a fresh view (memory may have grown since the last one). */
  const bytesOf = (rt: WasmRuntime, ptr: number, n: number) => new Uint8Array(rt.buffer, ptr, n);
  const state = (rt: WasmRuntime) => ({
    used: rt.bytesUsed,
    live: rt.bytesLive,
    free: rt.bytesFree,
    peak: rt.highWaterMark,
    memory: rt.buffer.byteLength,
  });

  it('random alloc/free never overlaps live regions, aligns to 64, zeroes, reuses, and frees back to the start', () => {
    const rt = new WasmRuntime();
    const rng = new Rng(11);
    const live = new Map<number, { bytes: number; tag: number }>();
    let allocated = 0;
    let maxLive = 0;
    const check = () => {
      const regions = [...live].map(([ptr, r]) => [ptr, ptr + aligned(r.bytes)] as const).sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < regions.length; i++) expect(regions[i]![0]).toBeGreaterThanOrEqual(regions[i - 1]![1]);
      const sum = regions.reduce((s, [lo, hi]) => s + hi - lo, 0);
      expect(rt.bytesLive).toBe(sum);
      expect(rt.bytesUsed).toBeGreaterThanOrEqual(regions.at(-1)?.[1] ?? rt.heapStart);
      expect(rt.bytesUsed).toBeLessThanOrEqual(rt.buffer.byteLength);
      expect(rt.bytesUsed - rt.heapStart).toBe(sum + rt.bytesFree);
    };
    for (let op = 0; op < 3000; op++) {
      if (live.size > 0 && rng.next() < (live.size < 100 ? 0.3 : 0.5)) {
        const ptrs = [...live.keys()];
        const ptr = ptrs[rng.int(ptrs.length)]!;
        const { bytes, tag } = live.get(ptr)!;
        // Another region written over this one would show here.
        expect(bytesOf(rt, ptr, bytes).every((b) => b === tag)).toBe(true);
        rt.free(ptr);
        live.delete(ptr);
      } else {
        const bytes = rng.next() < 0.05 ? 1 + rng.int(300_000) : rng.int(5000);
        const ptr = rt.alloc(bytes);
        expect(ptr % 64).toBe(0);
        expect(ptr).toBeGreaterThanOrEqual(rt.heapStart);
        expect(bytesOf(rt, ptr, aligned(bytes)).every((b) => b === 0)).toBe(true);
        const tag = 1 + (op % 255);
        bytesOf(rt, ptr, bytes).fill(tag);
        live.set(ptr, { bytes, tag });
        allocated += aligned(bytes);
        maxLive = Math.max(maxLive, rt.bytesLive);
      }
      if (op % 50 === 0) check();
    }
    check();
    // Reuse: memory follows what is live at once (plus holes), not the total handed out.
    expect(rt.highWaterMark - rt.heapStart).toBeLessThan(1.5 * maxLive);
    expect(rt.highWaterMark - rt.heapStart).toBeLessThan(allocated / 4);
    for (const ptr of [...live.keys()].sort(() => rng.next() - 0.5)) rt.free(ptr);
    expect(state(rt)).toMatchObject({ used: rt.heapStart, live: 0, free: 0 });
  });

  it('merges freed neighbours into one region that a larger request reuses', () => {
    const rt = new WasmRuntime();
    const [a, b, c] = [rt.alloc(640), rt.alloc(1280), rt.alloc(64)];
    rt.alloc(64); // keeps the top above c
    rt.free(b);
    rt.free(c);
    rt.free(a);
    expect(rt.bytesFree).toBe(640 + 1280 + 64);
    const used = rt.bytesUsed;
    expect(rt.alloc(1900)).toBe(a);
    expect(rt.bytesUsed).toBe(used);
    expect(rt.bytesFree).toBe(640 + 1280 + 64 - 1920);
  });

  it('takes the smallest free region that fits', () => {
    const rt = new WasmRuntime();
    const big = rt.alloc(512);
    rt.alloc(64);
    const small = rt.alloc(128);
    rt.alloc(64);
    const mid = rt.alloc(256);
    rt.alloc(64);
    for (const p of [big, small, mid]) rt.free(p);
    expect(rt.alloc(100)).toBe(small);
    expect(rt.alloc(200)).toBe(mid);
    expect(rt.alloc(1)).toBe(big);
  });

  it('lowers the top when the highest region is freed, through free regions below it', () => {
    const rt = new WasmRuntime();
    const a = rt.alloc(1000);
    const b = rt.alloc(1000);
    rt.free(a);
    expect(rt.bytesUsed).toBe(b + 1024);
    expect(rt.bytesFree).toBe(1024);
    rt.free(b);
    expect(state(rt)).toMatchObject({ used: rt.heapStart, live: 0, free: 0, peak: b + 1024 });
  });

  it('hands out a reused region zeroed', () => {
    const rt = new WasmRuntime();
    const a = rt.alloc(4096);
    bytesOf(rt, a, 4096).fill(0xab);
    rt.free(a);
    const b = rt.alloc(4000);
    expect(b).toBe(a);
    expect(bytesOf(rt, b, 4032).every((x) => x === 0)).toBe(true);
  });

  it('a grow that fails throws MODEL_LIMIT and leaves the allocator exactly as it was', () => {
    const rt = new WasmRuntime({ maxPages: 32 });
    const a = rt.alloc(100_000);
    rt.alloc(1000);
    rt.free(a);
    const before = state(rt);
    expect(() => rt.alloc(40 * PAGE)).toThrow(expect.objectContaining({ code: 'MODEL_LIMIT' }));
    expect(() => rt.alloc(40 * PAGE)).toThrow(TickmindError);
    expect(state(rt)).toEqual(before);
    // Everything up to the limit is still there to take: the hole, then the rest at the top.
    expect(rt.alloc(100_000)).toBe(a);
    const top = rt.bytesUsed;
    expect(rt.alloc(32 * PAGE - top)).toBe(top);
    expect(rt.buffer.byteLength).toBe(32 * PAGE);
  });

  it('refuses more than 32-bit WebAssembly can address without growing, and stays usable', () => {
    const rt = new WasmRuntime();
    const used = rt.alloc(64) + 64;
    const before = state(rt);
    for (const bytes of [2 ** 32, 5 * 2 ** 30, Number.POSITIVE_INFINITY]) {
      expect(() => rt.alloc(bytes)).toThrow(expect.objectContaining({ code: 'MODEL_LIMIT' }));
    }
    expect(state(rt)).toEqual(before);
    expect(rt.alloc(64)).toBe(used);
  });

  it('refuses to free what it did not hand out, or twice', () => {
    const rt = new WasmRuntime();
    const a = rt.alloc(64);
    expect(() => rt.free(a + 64)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    rt.free(a);
    expect(() => rt.free(a)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => rt.alloc(-1)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => rt.alloc(Number.NaN)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});

describe('AllocationScope', () => {
  it('frees what was allocated since a mark, then everything; releasing again does nothing', () => {
    const rt = new WasmRuntime();
    const scope = new AllocationScope(rt);
    const other = new AllocationScope(rt);
    scope.alloc(1000);
    const kept = other.alloc(64);
    const mark = scope.mark;
    scope.alloc(5000);
    scope.alloc(70_000);
    expect(rt.bytesLive).toBe(1024 + 64 + 5056 + 70_016);
    scope.release(mark);
    expect(rt.bytesLive).toBe(1024 + 64);
    scope.release();
    scope.release();
    expect(rt.bytesLive).toBe(64);
    other.release();
    expect(rt.bytesUsed).toBe(rt.heapStart);
    expect(rt.alloc(64)).toBe(rt.heapStart);
    expect(kept).toBeGreaterThan(rt.heapStart);
  });
});
