/**
 * Native vs onnxruntime-web on every PyTorch fixture: random inputs at batch 1, 3, 8 and 32,
 * elementwise |native - ort| <= 1e-4 + 1e-4 |ort|; fused, unfused, scalar-kernel and
 * portable-kernel variants; and native vs the PyTorch reference outputs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomFeeds } from '../../sdk/cli/feeds.js';
import { NativeSession, OrtSession, type SessionOptions } from '../../sdk/inference/index.js';
import { compare, type Fixture, fixtureBytes, fixtures, loadNpy } from '../helpers/fixtures.js';

const BATCHES = [1, 3, 8, 32];
const VARIANTS: { name: string; options: SessionOptions }[] = [
  { name: 'simd, fused', options: {} },
  { name: 'simd, unfused', options: { fuse: false } },
  { name: 'scalar kernels', options: { forceScalar: true } },
  { name: 'portable JS kernels', options: { jsKernels: true } },
];

describe.each(fixtures())('$name', (fixture: Fixture) => {
  let ort: OrtSession;
  beforeAll(async () => {
    ort = await OrtSession.create(fixtureBytes(fixture));
  });
  afterAll(async () => {
    await ort.dispose();
  });

  it.each(VARIANTS)('matches onnxruntime-web at batch 1, 3, 8, 32 ($name)', async ({ options }) => {
    const native = NativeSession.create(fixtureBytes(fixture), options);
    for (const batch of BATCHES) {
      const feeds = randomFeeds(native.inputs, { batch }, 100 + batch);
      const got = native.runSync(feeds);
      const want = await ort.run(feeds);
      for (const out of native.outputs) {
        expect(got[out.name]!.dims).toEqual(want[out.name]!.dims);
        const { failures, maxAbsDiff } = compare(got[out.name]!.data as Float32Array, want[out.name]!.data as Float32Array);
        expect(failures, `${out.name} at batch ${batch}: max |diff| ${maxAbsDiff}`).toBe(0);
      }
    }
  });

  it('matches the PyTorch reference outputs', () => {
    const native = NativeSession.create(fixtureBytes(fixture));
    const feeds = Object.fromEntries(fixture.inputs.map((i) => [i.name, loadNpy(i.file)]));
    const got = native.runSync(feeds);
    for (const o of fixture.outputs) {
      const want = loadNpy(o.file);
      expect(got[o.name]!.dims).toEqual(want.dims);
      const { failures, maxAbsDiff } = compare(got[o.name]!.data as Float32Array, want.data as Float32Array);
      expect(failures, `max |diff| ${maxAbsDiff}`).toBe(0);
    }
  });
});

describe('fusion passes on the fixtures', () => {
  it('fuse the decomposed LayerNorm, GELU, linear layers and attention', () => {
    const byName = Object.fromEntries(fixtures().map((f) => [f.name, NativeSession.create(fixtureBytes(f)).passes]));
    expect(byName.layernorm_decomposed!.layerNorm).toBe(1);
    expect(byName.transformer_d64_l2).toMatchObject({ layerNorm: 4, gelu: 2, attention: 2 });
    expect(byName.transformer_d64_l2!.matmul).toBeGreaterThanOrEqual(10);
    expect(byName.transformer_d128_l4).toMatchObject({ attention: 4 });
    expect(byName.mlp_200_256_256_32!.matmul).toBeGreaterThanOrEqual(3);
  });
});
