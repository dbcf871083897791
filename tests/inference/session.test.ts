/** Session behaviour users rely on: synchronous results, stable views, shape caching, backend choice. */
import { describe, expect, it } from 'vitest';
import { createSession, NativeSession, simdSupported } from '../../sdk/inference/index.js';
import { fixtureBytes, fixtures } from '../helpers/fixtures.js';
import { buildModel } from '../helpers/onnx-builder.js';

const mlp = fixtures().find((f) => f.name.startsWith('mlp'))!;

describe('NativeSession', () => {
  it('returns the same result object and views for repeated calls of one shape', () => {
    const s = NativeSession.create(fixtureBytes(mlp));
    const obs = new Float32Array(8 * 200).fill(0.5);
    const a = s.runSync({ obs: { data: obs, dims: [8, 200] } });
    const first = a.logits!.data;
    const copy = Float32Array.from(first as Float32Array);
    const b = s.runSync({ obs: { data: obs, dims: [8, 200] } });
    expect(b).toBe(a);
    expect(b.logits!.data).toBe(first);
    expect(Array.from(b.logits!.data as Float32Array)).toEqual(Array.from(copy));
  });

  it('keeps earlier shapes working after a new shape grew memory', () => {
    const s = NativeSession.create(fixtureBytes(mlp));
    const small = new Float32Array(200).fill(1);
    const before = Array.from(s.runSync({ obs: { data: small, dims: [1, 200] } }).logits!.data as Float32Array);
    s.runSync({ obs: { data: new Float32Array(512 * 200).fill(1), dims: [512, 200] } });
    const after = Array.from(s.runSync({ obs: { data: small, dims: [1, 200] } }).logits!.data as Float32Array);
    expect(after).toEqual(before);
  });

  it('is deterministic: same inputs give bit-identical outputs across sessions', () => {
    const obs = new Float32Array(3 * 200).map((_, i) => Math.sin(i));
    const run = () =>
      Array.from(NativeSession.create(fixtureBytes(mlp)).runSync({ obs: { data: obs, dims: [3, 200] } }).logits!.data as Float32Array);
    expect(run()).toEqual(run());
  });

  it('runs SIMD where the engine supports it', () => {
    expect(simdSupported()).toBe(true);
    expect(NativeSession.create(fixtureBytes(mlp)).simd).toBe(true);
    expect(NativeSession.create(fixtureBytes(mlp), { forceScalar: true }).simd).toBe(false);
  });
});

describe('backend choice', () => {
  const withUnsupported = buildModel({
    inputs: [{ name: 'x', type: 'float32', dims: ['n', 4] }],
    outputs: [{ name: 'y', type: 'float32', dims: ['n', 4] }],
    nodes: [{ op: 'Selu', inputs: ['x'], outputs: ['y'] }],
  });

  it('auto picks native when every op is supported', async () => {
    const s = await createSession(fixtureBytes(mlp));
    expect(s.backend).toBe('native');
    expect(s.unsupportedOps).toEqual([]);
  });

  it('auto falls back to onnxruntime-web and names the ops that forced it', async () => {
    const s = await createSession(withUnsupported);
    expect(s.backend).toBe('ort');
    expect(s.unsupportedOps).toEqual(['Selu']);
    const out = await s.run({ x: { data: new Float32Array([-1, 0, 1, 2]), dims: [1, 4] } });
    expect(out.y!.data[2]).toBeCloseTo(1.0507, 3);
  });

  it('native refuses a model with unsupported ops, naming them', () => {
    expect(() => NativeSession.create(withUnsupported)).toThrow(/does not support: Selu/);
  });
});
