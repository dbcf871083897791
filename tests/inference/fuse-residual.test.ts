/**
 * Add(a, b) read only by a LayerNormalization (a post-norm transformer's residual connection)
 * is planned as one fused step with the values of the two it replaces.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../sdk/core/index.js';
import { NativeSession, OrtSession } from '../../sdk/inference/index.js';
import { compare } from '../helpers/fixtures.js';
import { buildModel } from '../helpers/onnx-builder.js';
import { planStepCount } from '../helpers/plans.js';

const [T, D] = [6, 18];
const values = (n: number, k: number) => Array.from({ length: n }, (_, i) => 1 + Math.sin(i * k) * 0.5);

/** y = LayerNorm(x + r) over the last axis. `sumIsOutput`: the sum is a graph output too; `broadcastR`: r is [D]. */
function model(opts: { sumIsOutput?: boolean; broadcastR?: boolean; withBias?: boolean }): Uint8Array {
  return buildModel({
    inputs: [
      { name: 'x', type: 'float32', dims: ['n', T, D] },
      { name: 'r', type: 'float32', dims: opts.broadcastR ? [D] : ['n', T, D] },
    ],
    outputs: [
      { name: 'y', type: 'float32', dims: ['a', 'b', 'c'] },
      ...(opts.sumIsOutput ? [{ name: 's', type: 'float32' as const, dims: ['d', 'e', 'f'] }] : []),
    ],
    initializers: [
      { name: 'g', type: 'float32', dims: [D], values: values(D, 0.7) },
      ...(opts.withBias === false ? [] : [{ name: 'b', type: 'float32' as const, dims: [D], values: values(D, 1.9) }]),
    ],
    nodes: [
      { op: 'Add', inputs: ['x', 'r'], outputs: ['s'] },
      {
        op: 'LayerNormalization',
        inputs: ['s', 'g', ...(opts.withBias === false ? [] : ['b'])],
        outputs: ['y'],
        attrs: { axis: -1, epsilon: 1e-5 },
      },
    ],
    opset: 17,
  });
}

const feedsFor = (n: number, broadcastR = false) => {
  const rng = new Rng(11 + n);
  const rDims = broadcastR ? [D] : [n, T, D];
  return {
    x: { data: rng.fillUniform(new Float32Array(n * T * D)), dims: [n, T, D] },
    r: { data: rng.fillUniform(new Float32Array(broadcastR ? D : n * T * D)), dims: rDims },
  };
};

describe('residual Add fused into LayerNormalization', () => {
  it('fuses only when nothing else reads the sum and the operands have one shape', () => {
    const full = [
      [4, T, D],
      [4, T, D],
    ];
    expect(planStepCount(model({}), full)).toBe(1);
    expect(planStepCount(model({ withBias: false }), full)).toBe(1);
    expect(planStepCount(model({ sumIsOutput: true }), full)).toBe(2);
    expect(planStepCount(model({ broadcastR: true }), [[4, T, D], [D]])).toBe(2);
  });

  it.each([{}, { forceScalar: true }, { jsKernels: true }])(
    '%j: the same bits as Add then LayerNormalization, and onnxruntime-web’s values',
    async (options) => {
      for (const withBias of [true, false]) {
        const fused = NativeSession.create(model({ withBias }), options);
        const separate = NativeSession.create(model({ withBias, sumIsOutput: true }), options);
        const ort = await OrtSession.create(model({ withBias }));
        for (const n of [1, 5]) {
          const feeds = feedsFor(n);
          const got = fused.runSync(feeds).y!.data as Float32Array;
          const ref = separate.runSync(feeds).y!.data as Float32Array;
          expect(Array.from(got), `batch ${n}`).toEqual(Array.from(ref));
          const want = (await ort.run(feeds)).y!.data as Float32Array;
          const { failures, maxAbsDiff } = compare(got, want);
          expect(failures, `batch ${n}: max |diff| ${maxAbsDiff}`).toBe(0);
        }
        await ort.dispose();
      }
    },
  );
});

describe('residual Add fused into LayerNormalization: edge cases', () => {
  /** LayerNorm(x + c) with c a constant, over the last two axes; `mean`: its Mean output too; `twice`: the sum also feeds a Mul. */
  function variant(opts: { mean?: boolean; twice?: boolean }): Uint8Array {
    return buildModel({
      inputs: [{ name: 'x', type: 'float32', dims: ['n', T, D] }],
      outputs: [
        { name: 'y', type: 'float32', dims: ['a', 'b', 'c'] },
        ...(opts.mean ? [{ name: 'mu', type: 'float32' as const, dims: ['d', 'e', 'f'] }] : []),
        ...(opts.twice ? [{ name: 'z', type: 'float32' as const, dims: ['g', 'h', 'i'] }] : []),
      ],
      initializers: [
        { name: 'c', type: 'float32', dims: [1, T, D], values: values(T * D, 0.3) },
        { name: 'g', type: 'float32', dims: [T, D], values: values(T * D, 0.7) },
      ],
      nodes: [
        { op: 'Add', inputs: ['x', 'c'], outputs: ['s'] },
        { op: 'LayerNormalization', inputs: ['s', 'g'], outputs: ['y', ...(opts.mean ? ['mu'] : [])], attrs: { axis: -2 } },
        ...(opts.twice ? [{ op: 'Mul', inputs: ['s', 's'], outputs: ['z'] }] : []),
      ],
      opset: 17,
    });
  }

  it('a constant operand broadcast from batch 1 is not fused (shapes differ); a second reader or a Mean output keeps the pair', () => {
    const dims = [[4, T, D]];
    expect(planStepCount(variant({}), dims)).toBe(2);
    expect(planStepCount(variant({ twice: true }), dims)).toBe(3);
    expect(planStepCount(variant({ mean: true }), dims)).toBe(2);
  });

  it('over the last two axes with a constant of the full shape: fused, the same bits, onnxruntime-web’s values', async () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', type: 'float32', dims: [2, T, D] }],
      outputs: [{ name: 'y', type: 'float32', dims: [2, T, D] }],
      initializers: [
        { name: 'c', type: 'float32', dims: [2, T, D], values: values(2 * T * D, 0.3) },
        { name: 'g', type: 'float32', dims: [T, D], values: values(T * D, 0.7) },
      ],
      nodes: [
        { op: 'Add', inputs: ['c', 'x'], outputs: ['s'] },
        { op: 'LayerNormalization', inputs: ['s', 'g'], outputs: ['y'], attrs: { axis: -2 } },
      ],
      opset: 17,
    });
    expect(planStepCount(bytes, [[2, T, D]])).toBe(1);
    const feeds = { x: { data: new Rng(4).fillUniform(new Float32Array(2 * T * D)), dims: [2, T, D] } };
    const fused = NativeSession.create(bytes).runSync(feeds).y!.data as Float32Array;
    const separate = NativeSession.create(bytes, { fuse: false }).runSync(feeds).y!.data as Float32Array;
    expect(Array.from(fused)).toEqual(Array.from(separate));
    const ort = await OrtSession.create(bytes);
    const { failures, maxAbsDiff } = compare(fused, (await ort.run(feeds)).y!.data as Float32Array);
    expect(failures, `max |diff| ${maxAbsDiff}`).toBe(0);
    await ort.dispose();
  });
});
