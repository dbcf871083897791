/**
 * A linear layer whose output only Slices of the last axis read (nn.MultiheadAttention's packed
 * q/k/v projection) is planned as one GEMM per Slice: no copies, the same bits.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../sdk/core/index.js';
import { NativeSession, OrtSession } from '../../sdk/inference/index.js';
import { compare, relativeDiff } from '../helpers/fixtures.js';
import { buildModel, type NodeSpec } from '../helpers/onnx-builder.js';
import { planStepCount } from '../helpers/plans.js';

const [T, K, N] = [6, 64, 40];
const values = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * k) * 0.5);

/**
 * x [n, T, K] · W + b, then Slices [0, 16), [16, 32) and [-8, end) of the last axis. `alsoOutput`
 * makes the product a graph output too (then it must not be split); `transB` builds it as Gemm
 * with a transposed weight.
 */
function model(opts: { alsoOutput?: boolean; transB?: boolean; steps?: number }): Uint8Array {
  const product: NodeSpec[] = opts.transB
    ? [
        { op: 'Reshape', inputs: ['x', 'rows'], outputs: ['x2'] },
        { op: 'Gemm', inputs: ['x2', 'wt', 'b'], outputs: ['y'], attrs: { transB: 1 } },
      ]
    : [
        { op: 'MatMul', inputs: ['x', 'w'], outputs: ['xw'] },
        { op: 'Add', inputs: ['xw', 'b'], outputs: ['y'] },
      ];
  const slice = (name: string, start: string, end: string): NodeSpec => ({
    op: 'Slice',
    inputs: ['y', start, end, 'axes', ...(opts.steps === undefined ? [] : ['steps'])],
    outputs: [name],
  });
  return buildModel({
    inputs: [{ name: 'x', type: 'float32', dims: ['n', T, K] }],
    outputs: [
      { name: 'q', type: 'float32', dims: ['a', 'b', 'c'].slice(0, opts.transB ? 2 : 3) },
      { name: 'k', type: 'float32', dims: ['d', 'e', 'f'].slice(0, opts.transB ? 2 : 3) },
      { name: 'v', type: 'float32', dims: ['g', 'h', 'i'].slice(0, opts.transB ? 2 : 3) },
      ...(opts.alsoOutput ? [{ name: 'y', type: 'float32' as const, dims: ['j', 'k', 'l'].slice(0, opts.transB ? 2 : 3) }] : []),
    ],
    initializers: [
      ...(opts.transB
        ? [
            { name: 'wt', type: 'float32' as const, dims: [N, K], values: values(K * N, 0.37) },
            { name: 'rows', type: 'int64' as const, dims: [2], values: [-1, K] },
          ]
        : [{ name: 'w', type: 'float32' as const, dims: [K, N], values: values(K * N, 0.37) }]),
      { name: 'b', type: 'float32', dims: [N], values: values(N, 1.3) },
      { name: 'axes', type: 'int64', dims: [1], values: [-1] },
      ...(opts.steps === undefined ? [] : [{ name: 'steps', type: 'int64' as const, dims: [1], values: [opts.steps] }]),
      { name: 's0', type: 'int64', dims: [1], values: [0] },
      { name: 's16', type: 'int64', dims: [1], values: [16] },
      { name: 's32', type: 'int64', dims: [1], values: [32] },
      { name: 'sm8', type: 'int64', dims: [1], values: [-8] },
      { name: 'send', type: 'int64', dims: [1], values: [2 ** 40] },
    ],
    nodes: [...product, slice('q', 's0', 's16'), slice('k', 's16', 's32'), slice('v', 'sm8', 'send')],
  });
}

const feedsFor = (n: number) => ({ x: { data: new Rng(5 + n).fillUniform(new Float32Array(n * T * K)), dims: [n, T, K] } });

describe('linear layers cut into column ranges', () => {
  it.each([false, true])('transB %s: one GEMM per Slice, no copies; a product that is also an output stays whole', (transB) => {
    const extra = transB ? 1 : 0; // the Reshape in front of Gemm
    expect(planStepCount(model({ transB }), [[4, T, K]])).toBe(3 + extra);
    // With int8 weights too: the three products share one quantization of their rows.
    expect(planStepCount(model({ transB }), [[4, T, K]], { int8: true })).toBe(3 + extra);
    expect(planStepCount(model({ transB, alsoOutput: true }), [[4, T, K]])).toBe(4 + extra);
    // A Slice with step 2 is a copy the split cannot express: nothing changes.
    expect(planStepCount(model({ transB, steps: 2 }), [[4, T, K]])).toBe(4 + extra);
  });

  it.each([
    [false, {}],
    [true, {}],
    [false, { quantize: 'int8' as const }],
    [true, { quantize: 'int8' as const }],
    [false, { forceScalar: true }],
  ])('transB %s, %j: the same bits as the unsplit plan, and onnxruntime-web’s values', async (transB, options) => {
    const split = NativeSession.create(model({ transB }), options);
    const whole = NativeSession.create(model({ transB, alsoOutput: true }), options);
    const ort = await OrtSession.create(model({ transB }));
    for (const n of [1, 3, 8]) {
      const feeds = feedsFor(n);
      const got = split.runSync(feeds);
      const ref = whole.runSync(feeds);
      const want = await ort.run(feeds);
      for (const name of ['q', 'k', 'v']) {
        expect(got[name]!.dims, `${name} at batch ${n}`).toEqual(ref[name]!.dims);
        expect(Array.from(got[name]!.data as Float32Array), `${name} at batch ${n}`).toEqual(Array.from(ref[name]!.data as Float32Array));
        if (!('quantize' in options)) {
          const { failures, maxAbsDiff } = compare(got[name]!.data as Float32Array, want[name]!.data as Float32Array);
          expect(failures, `${name} at batch ${n}: max |diff| ${maxAbsDiff}`).toBe(0);
        } else {
          // int8: the split products reuse one quantization of x; their values stay int8-close.
          expect(relativeDiff(want[name]!.data as Float32Array, got[name]!.data as Float32Array), `${name} at batch ${n}`).toBeLessThan(
            0.02,
          );
        }
      }
    }
    await ort.dispose();
  });
});

describe('linear layers cut into column ranges: edge cases', () => {
  /**
   * One square weight [S, S] used twice: x · W + b (MatMul, Add) and x · Wᵀ + b (Gemm transB), each cut into
   * the same two ranges; the first range is read by two nodes. Rows = batch (1–3 rows take the
   * dot-product kernel).
   */
  const S = 16;
  const shared = (whole = false) =>
    buildModel({
      inputs: [{ name: 'x', type: 'float32', dims: ['n', S] }],
      outputs: ['p0', 'p1', 't0', 't1', 'twice', ...(whole ? ['p', 't'] : [])].map((name, i) => ({
        name,
        type: 'float32' as const,
        dims: [`a${i}`, `b${i}`],
      })),
      initializers: [
        { name: 'w', type: 'float32', dims: [S, S], values: values(S * S, 0.61) },
        { name: 'bias', type: 'float32', dims: [S], values: values(S, 2.3) },
        { name: 'axes', type: 'int64', dims: [1], values: [1] },
        { name: 's0', type: 'int64', dims: [1], values: [0] },
        { name: 's8', type: 'int64', dims: [1], values: [8] },
        { name: 's16', type: 'int64', dims: [1], values: [16] },
      ],
      nodes: [
        { op: 'MatMul', inputs: ['x', 'w'], outputs: ['xw'] },
        { op: 'Add', inputs: ['xw', 'bias'], outputs: ['p'] },
        { op: 'Gemm', inputs: ['x', 'w', 'bias'], outputs: ['t'], attrs: { transB: 1 } },
        { op: 'Slice', inputs: ['p', 's0', 's8', 'axes'], outputs: ['p0'] },
        { op: 'Slice', inputs: ['p', 's8', 's16', 'axes'], outputs: ['p1'] },
        { op: 'Slice', inputs: ['t', 's0', 's8', 'axes'], outputs: ['t0'] },
        { op: 'Slice', inputs: ['t', 's8', 's16', 'axes'], outputs: ['t1'] },
        { op: 'Add', inputs: ['p0', 'p0'], outputs: ['twice'] },
      ],
    });

  it.each([{}, { jsKernels: true }, { quantize: 'int8' as const }])(
    '%j: a weight shared by a plain and a transposed product, 1–5 rows',
    async (options) => {
      const bytes = shared();
      const split = NativeSession.create(bytes, options);
      // The products as outputs too: nothing to split, the same load-time fusion.
      const whole = NativeSession.create(shared(true), options);
      const ort = await OrtSession.create(bytes);
      for (const n of [1, 2, 3, 5]) {
        const feeds = { x: { data: new Rng(n).fillUniform(new Float32Array(n * S)), dims: [n, S] } };
        const got = split.runSync(feeds);
        const ref = whole.runSync(feeds);
        const want = await ort.run(feeds);
        for (const name of ['p0', 'p1', 't0', 't1', 'twice']) {
          if (!('quantize' in options)) {
            const { failures, maxAbsDiff } = compare(got[name]!.data as Float32Array, want[name]!.data as Float32Array);
            expect(failures, `${name}, ${n} rows: max |diff| ${maxAbsDiff}`).toBe(0);
          }
          expect(Array.from(got[name]!.data as Float32Array), `${name}, ${n} rows`).toEqual(Array.from(ref[name]!.data as Float32Array));
        }
      }
      await ort.dispose();
    },
  );

  it('fuse: false plans the Slices as written', () => {
    expect(planStepCount(model({}), [[4, T, K]], { rewrite: false })).toBe(4);
  });
});
