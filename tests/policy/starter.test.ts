import { describe, expect, it } from 'vitest';
import { randomFeeds } from '../../sdk/cli/feeds.js';
import { decodeModel, NativeSession, OrtSession } from '../../sdk/inference/index.js';
import { parsePolicySpec, starterModelBytes } from '../../sdk/policy/index.js';
import { EGOCENTRIC_FEATURES, TokenLayout } from '../../sdk/sensors/index.js';
import { compare } from '../helpers/fixtures.js';

const sensor = {
  layout: { kind: 'grid' as const, cols: 16, rows: 1, horizontalFovDegrees: 180, verticalFovDegrees: 0 },
  length: 20,
  detectableTags: [1, 2, 3, 4],
};
const layout = TokenLayout.create({ mode: 'egocentric', maxAllies: 4, maxEnemies: 5, rays: sensor });
const config = { observation: layout.toJSON(), seed: 3 };
const F = EGOCENTRIC_FEATURES.length + 16 * 6;

describe('starter transformer', () => {
  const bytes = starterModelBytes(config);

  it('is written by our own code, deterministic per seed', () => {
    expect(starterModelBytes(config)).toEqual(bytes);
    expect(starterModelBytes({ ...config, seed: 4 })).not.toEqual(bytes);
    expect(bytes.length).toBeGreaterThan(100_000);
  });

  it('carries its spec — the whole layout — and says it is untrained', () => {
    const spec = parsePolicySpec(decodeModel(bytes).metadata);
    // Egocentric: one layer by default (it runs for the deciding agent's token alone); joint policies two.
    expect(spec).toMatchObject({ version: 2, mode: 'egocentric', trained: false, architecture: { d: 64, layers: 1, heads: 4 } });
    expect(spec.observation).toEqual(layout.toJSON());
    expect(spec.observation.featuresPerToken).toBe(F);
  });

  it('runs on the native backend and matches onnxruntime-web at batch 1, 3 and 8', async () => {
    const native = NativeSession.create(bytes);
    const ort = await OrtSession.create(bytes);
    // 8 MatMuls fused with the Add after them — 7 linear layers (embed, q, k|v, out, ff1 with its GELU,
    // ff2, head) and the attention scores with the mask: the one layer's qkv is split, q for token 0
    // alone and k|v for every token (an egocentric policy reads token 0); the attention core fused in
    // its batched form ([B, T, heads, dim] operands: no transposes, no score matrix).
    expect(native.passes).toMatchObject({ gelu: 1, matmul: 8, attention: 1 });
    for (const batch of [1, 3, 8]) {
      const feeds = randomFeeds(native.inputs, { batch }, batch);
      const a = native.runSync(feeds).logits!;
      const b = (await ort.run(feeds)).logits!;
      expect(a.dims).toEqual([batch, 1, 97]);
      const { failures, maxAbsDiff } = compare(a.data as Float32Array, b.data as Float32Array);
      expect(failures, `batch ${batch}: max |diff| ${maxAbsDiff}`).toBe(0);
    }
    await ort.dispose();
  });

  it('a padded token changes nobody’s decision (token 0’s logits)', () => {
    const native = NativeSession.create(bytes);
    const feeds = randomFeeds(native.inputs, { batch: 1 }, 9);
    (feeds.mask!.data as Uint8Array).fill(0);
    (feeds.mask!.data as Uint8Array)[9] = 1;
    const before = Float32Array.from(native.runSync(feeds).logits!.data as Float32Array);
    (feeds.tokens!.data as Float32Array).fill(5, 9 * F, 10 * F);
    const after = native.runSync(feeds).logits!.data as Float32Array;
    expect(after.length).toBe(97);
    for (let i = 0; i < 97; i++) expect(after[i]).toBeCloseTo(before[i]!, 5);
  });

  it('refuses an architecture that cannot be built, with a coded error', () => {
    expect(() => starterModelBytes({ ...config, d: 30, heads: 4 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => starterModelBytes({ ...config, layers: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
