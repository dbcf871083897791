import { describe, expect, it } from 'vitest';
import { randomFeeds } from '../../sdk/cli/feeds.js';
import { decodeModel, NativeSession, OrtSession } from '../../sdk/inference/index.js';
import { checkPolicyAgainstWorld, parsePolicySpec, starterModelBytes } from '../../sdk/policy/index.js';
import { EGOCENTRIC_FEATURES } from '../../sdk/sensors/index.js';
import { compare } from '../helpers/fixtures.js';

const config = {
  mode: 'egocentric' as const,
  tokens: 10,
  entityFeatures: [...EGOCENTRIC_FEATURES],
  rays: { count: 16, valuesPerRay: 6, detectableTags: [1, 2, 3, 4] },
  seed: 3,
};

describe('starter transformer', () => {
  const bytes = starterModelBytes(config);

  it('is written by our own code, deterministic per seed', () => {
    expect(starterModelBytes(config)).toEqual(bytes);
    expect(starterModelBytes({ ...config, seed: 4 })).not.toEqual(bytes);
    expect(bytes.length).toBeGreaterThan(100_000);
  });

  it('carries its spec and says it is untrained', () => {
    const spec = parsePolicySpec(decodeModel(bytes).metadata);
    expect(spec).toMatchObject({ mode: 'egocentric', trained: false, architecture: { d: 64, layers: 2, heads: 4 } });
    expect(spec.observation.featuresPerToken).toBe(EGOCENTRIC_FEATURES.length + 16 * 6);
  });

  it('runs on the native backend and matches onnxruntime-web at batch 1, 3 and 8', async () => {
    const native = NativeSession.create(bytes);
    const ort = await OrtSession.create(bytes);
    // 10 linear layers fused with their bias, 2 of them also with their GELU.
    expect(native.passes).toMatchObject({ gelu: 2, matmul: 12 });
    for (const batch of [1, 3, 8]) {
      const feeds = randomFeeds(native.inputs, { batch }, batch);
      const a = native.runSync(feeds).logits!;
      const b = (await ort.run(feeds)).logits!;
      expect(a.dims).toEqual([batch, 10, 97]);
      const { failures, maxAbsDiff } = compare(a.data as Float32Array, b.data as Float32Array);
      expect(failures, `batch ${batch}: max |diff| ${maxAbsDiff}`).toBe(0);
    }
    await ort.dispose();
  });

  it('a padded token changes nobody else’s logits', () => {
    const native = NativeSession.create(bytes);
    const feeds = randomFeeds(native.inputs, { batch: 1 }, 9);
    (feeds.mask!.data as Uint8Array).fill(0);
    (feeds.mask!.data as Uint8Array)[9] = 1;
    const before = Float32Array.from(native.runSync(feeds).logits!.data as Float32Array);
    (feeds.tokens!.data as Float32Array).fill(5, 9 * 112, 10 * 112);
    const after = native.runSync(feeds).logits!.data as Float32Array;
    for (let i = 0; i < 9 * 97; i++) expect(after[i]).toBeCloseTo(before[i]!, 5);
  });
});

describe('policy specs', () => {
  const spec = parsePolicySpec(decodeModel(starterModelBytes(config)).metadata, 'starter.onnx');
  const world = {
    mode: 'egocentric' as const,
    tokens: 10,
    entityFeatures: [...EGOCENTRIC_FEATURES],
    rays: config.rays,
    stack: 1,
    movementClasses: 97,
  };

  it('accept the world they were built for', () => {
    expect(() => checkPolicyAgainstWorld(spec, world)).not.toThrow();
  });

  it.each([
    ['mode', { mode: 'joint' as const }],
    ['observation.tokens', { tokens: 8 }],
    ['observation.rays.count', { rays: { ...config.rays, count: 15 } }],
    ['observation.rays.detectableTags', { rays: { ...config.rays, detectableTags: [1, 2] } }],
    ['observation.entityFeatures', { entityFeatures: ['relX'] }],
    ['observation.stack', { stack: 2 }],
    ['observation.objectives', { objectives: 1 }],
    ['action.heads.movement.classes', { movementClasses: 9 }],
  ])('name the field on a mismatch: %s', (field, change) => {
    expect(() => checkPolicyAgainstWorld(spec, { ...world, ...change }, 'starter.onnx')).toThrow(
      new RegExp(`${field.replace(/\./g, '\\.')}.*starter\\.onnx`),
    );
  });

  it('refuse models without a spec, or with a broken one', () => {
    expect(() => parsePolicySpec({}, 'x.onnx')).toThrow(/not a tickmind policy.*x\.onnx/);
    expect(() => parsePolicySpec({ 'tickmind.policy': '{' })).toThrow(/not valid JSON/);
    expect(() => parsePolicySpec({ 'tickmind.policy': JSON.stringify({ ...spec, version: 9 }) })).toThrow(/version 9/);
    expect(() =>
      parsePolicySpec({ 'tickmind.policy': JSON.stringify({ ...spec, observation: { ...spec.observation, featuresPerToken: 3 } }) }),
    ).toThrow(/featuresPerToken/);
    expect(() =>
      parsePolicySpec({ 'tickmind.policy': JSON.stringify({ ...spec, observation: { ...spec.observation, objectives: 10 } }) }),
    ).toThrow(/10 objective tokens.*0 to tokens − 1 \(9\)/);
  });

  it('declare their objective tokens (the bomb) in the spec, absent meaning none', () => {
    expect(spec.observation.objectives).toBeUndefined();
    const withBomb = parsePolicySpec(decodeModel(starterModelBytes({ ...config, tokens: 11, objectives: 1 })).metadata);
    expect(withBomb.observation).toMatchObject({ tokens: 11, objectives: 1 });
    expect(() => checkPolicyAgainstWorld(withBomb, { ...world, tokens: 11, objectives: 1 })).not.toThrow();
  });
});
