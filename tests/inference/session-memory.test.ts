/**
 * Sessions and the shared kernel memory: dispose gives everything back, freed memory is reused
 * without changing anyone's results, failures free what they took, a disposed session refuses to run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomFeeds } from '../../sdk/cli/feeds.js';
import { type Feeds, NativeSession } from '../../sdk/inference/index.js';
import { sharedRuntime } from '../../sdk/inference/wasm/runtime.js';
import { buildModel } from '../helpers/onnx-builder.js';

const MODELS = join(import.meta.dirname, '..', '..', 'models');
const modelBytes = (name: string) => new Uint8Array(readFileSync(join(MODELS, `${name}.onnx`)));
const runtime = sharedRuntime();

/** The logits of one run, as bits (bit-identical comparisons, NaN included). */
function bits(session: NativeSession, feeds: Feeds): number[] {
  const data = session.runSync(feeds).logits!.data as Float32Array;
  return Array.from(new Uint32Array(Float32Array.from(data).buffer));
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('NativeSession and the shared kernel memory', () => {
  it.each([
    ['egocentric', 1000],
    ['joint-5v5', 1000],
  ])('create, run once and dispose %s %i times: nothing stays live and the high-water mark stays flat', async (name, cycles) => {
    const bytes = modelBytes(name);
    const inputs = NativeSession.create(bytes).inputs;
    const feeds = [1, 2, 3].map((batch) => randomFeeds(inputs, { batch }, batch));
    const live = runtime.bytesLive;
    let footprint = 0;
    let afterFirst = 0;
    for (let i = 0; i < cycles; i++) {
      const s = NativeSession.create(bytes);
      s.runSync(feeds[i % 3]!);
      footprint = Math.max(footprint, runtime.bytesLive - live);
      await s.dispose();
      // Checked every cycle: one leaked region would show here.
      expect(runtime.bytesLive).toBe(live);
      if (i === 2) afterFirst = runtime.highWaterMark;
    }
    expect(footprint).toBeGreaterThan(100_000);
    expect(runtime.highWaterMark).toBeLessThanOrEqual(afterFirst + footprint);
  });

  it('a session created after another was disposed may reuse its memory and computes bit-identical outputs', async () => {
    const joint = modelBytes('joint-5v5');
    const ego = modelBytes('egocentric');
    const ref = NativeSession.create(joint);
    const feeds = randomFeeds(ref.inputs, { batch: 2 }, 5);
    const want = bits(ref, feeds);
    await ref.dispose();

    // A fills its memory with other data, then gives it back; B (the same model) takes exactly that memory.
    const a = NativeSession.create(joint);
    const kept = a.runSync(randomFeeds(a.inputs, { batch: 2 }, 6));
    expect(kept.logits!.data.length).toBe(2 * 11 * 97);
    await a.dispose();
    const peak = runtime.highWaterMark;
    const b = NativeSession.create(joint);
    expect(bits(b, feeds)).toEqual(want);
    expect(runtime.highWaterMark).toBe(peak);

    // Across models too: C reuses what an egocentric session held.
    const other = NativeSession.create(ego);
    other.runSync(randomFeeds(other.inputs, { batch: 3 }, 7));
    await other.dispose();
    const c = NativeSession.create(joint);
    expect(bits(c, feeds)).toEqual(want);

    // The disposed session refuses to run, on both entry points, and its old results are empty.
    expect(codeOf(() => a.runSync(feeds))).toBe('INVALID_ARGUMENT');
    await expect(a.run(feeds)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(kept.logits!.data.length).toBe(0);
    await expect(a.dispose()).resolves.toBeUndefined();
    expect(bits(b, feeds)).toEqual(want);
    await b.dispose();
    await c.dispose();
  });

  it('dispose frees at once, before its promise settles, and a second dispose changes nothing', async () => {
    const live = runtime.bytesLive;
    const s = NativeSession.create(modelBytes('egocentric'));
    for (const batch of [1, 4, 16]) s.runSync(randomFeeds(s.inputs, { batch }, batch));
    expect(runtime.bytesLive).toBeGreaterThan(live);
    const pending = s.dispose();
    expect(runtime.bytesLive).toBe(live);
    await pending;
    await s.dispose();
    expect(runtime.bytesLive).toBe(live);
  });

  it('a failed allocation leaves the allocator usable: later models run bit-identically', async () => {
    const ego = modelBytes('egocentric');
    const ref = NativeSession.create(ego);
    const feeds = randomFeeds(ref.inputs, { batch: 4 }, 9);
    const want = bits(ref, feeds);
    await ref.dispose();

    // Directly: more than 32-bit WebAssembly can address.
    const used = runtime.bytesUsed;
    const live = runtime.bytesLive;
    expect(codeOf(() => runtime.alloc(5 * 2 ** 30))).toBe('MODEL_LIMIT');
    expect([runtime.bytesUsed, runtime.bytesLive]).toEqual([used, live]);

    // Half-way through a plan: the MatMul's packed weight and the arena are in place when the
    // Conv's im2col panels (6 GB at 491 × 491) cannot be; all of it must be given back.
    const huge = hugeConvModel();
    const s = NativeSession.create(huge);
    const feedsOf = (side: number): Feeds => ({
      x: { data: new Float32Array(2 * side * side).map((_, i) => Math.sin(i)), dims: [1, 2, side, side] },
      v: { data: new Float32Array(64).map((_, i) => i / 64), dims: [1, 64] },
    });
    expect(codeOf(() => s.runSync(feedsOf(491)))).toBe('MODEL_LIMIT');
    expect(runtime.bytesLive).toBe(live);
    // The session itself still works, and as a fresh one does.
    const small = feedsOf(70);
    const got = Array.from(s.runSync(small).y!.data as Float32Array);
    const fresh = NativeSession.create(huge);
    expect(got).toEqual(Array.from(fresh.runSync(small).y!.data as Float32Array));
    await fresh.dispose();
    await s.dispose();
    expect(runtime.bytesLive).toBe(live);

    const after = NativeSession.create(ego);
    expect(bits(after, feeds)).toEqual(want);
    await after.dispose();
  });

  it('a failed construction leaves nothing behind', () => {
    const live = runtime.bytesLive;
    expect(codeOf(() => NativeSession.create(modelBytes('egocentric'), { quantize: 'int4' as 'int8' }))).toBe('INVALID_ARGUMENT');
    expect(runtime.bytesLive).toBe(live);
  });
});

/** z = v · W (a constant 64 × 64 weight), y = Conv(x) with a 64 × 64 filter over 2 channels. */
function hugeConvModel(): Uint8Array {
  return buildModel({
    inputs: [
      { name: 'x', type: 'float32', dims: [1, 2, 'h', 'w'] },
      { name: 'v', type: 'float32', dims: [1, 64] },
    ],
    outputs: [
      { name: 'z', type: 'float32', dims: [1, 64] },
      { name: 'y', type: 'float32', dims: [1, 1, 'oh', 'ow'] },
    ],
    initializers: [
      { name: 'W', type: 'float32', dims: [64, 64], values: Array.from({ length: 64 * 64 }, (_, i) => Math.cos(i)) },
      { name: 'K', type: 'float32', dims: [1, 2, 64, 64], values: Array.from({ length: 2 * 64 * 64 }, (_, i) => Math.sin(i) / 64) },
    ],
    nodes: [
      { op: 'MatMul', inputs: ['v', 'W'], outputs: ['z'] },
      { op: 'Conv', inputs: ['x', 'K'], outputs: ['y'] },
    ],
  });
}
