/**
 * Linear layers over rows with many zeros (gemmSparseRows) give gemmPacked's bits: the same sums
 * in the same k order without the exact-zero products, in every kernel build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enableRelaxedSimd } from '../../sdk/cli/wasm-flags.js';
import { Rng } from '../../sdk/core/index.js';
import { runtimeV8Version, sparseRowsByDefault } from '../../sdk/inference/exec/sparse-rows.js';
import { NativeSession, type Results } from '../../sdk/inference/index.js';
import { Act, sharedRuntime, WasmRuntime } from '../../sdk/inference/wasm/runtime.js';
import { buildModel } from '../helpers/onnx-builder.js';

const builds = [
  ...(enableRelaxedSimd() ? [{ name: 'relaxed', runtime: new WasmRuntime({ kernels: 'relaxed' }) }] : []),
  { name: 'simd', runtime: new WasmRuntime({ kernels: 'simd' }) },
  { name: 'scalar', runtime: new WasmRuntime({ forceScalar: true }) },
];

/** A with the given share of nonzeros (some rows all zero, some all nonzero), -0 among the zeros. */
function rowsWithZeros(rng: Rng, M: number, K: number, density: number): Float32Array {
  const a = new Float32Array(M * K);
  for (let i = 0; i < M; i++) {
    const d = i % 7 === 3 ? 0 : i % 7 === 5 ? 1 : density;
    for (let k = 0; k < K; k++) a[i * K + k] = rng.next() < d ? rng.uniform(-1, 2) : rng.next() < 0.2 ? -0 : 0;
  }
  return a;
}

describe.each(builds)('$name kernels: gemmSparseRows', ({ runtime }) => {
  const k = runtime.kernels;

  /**
   * gemmPacked's and gemmSparseRows' outputs (as bits) for A (given, or with `density` nonzeros) and
   * a random B (or `w`). `blindDense`: the sparse call gets a zeroed dense packing, so its rows match
   * only where the sparse path itself computed them.
   */
  function product(
    M: number,
    K: number,
    N: number,
    density: number,
    act: number,
    withBias: boolean,
    transB: boolean,
    seed: number,
    given: { a?: Float32Array; w?: Float32Array; blindDense?: boolean } = {},
  ) {
    const rng = new Rng(seed);
    const a = given.a ?? rowsWithZeros(rng, M, K, density);
    const w = given.w ?? Float32Array.from({ length: K * N }, () => rng.uniform(-1, 1));
    const bias = Float32Array.from({ length: Math.ceil(N / 8) * 8 }, (_, j) => (j < N ? rng.uniform(-1, 1) : 0));
    const pa = runtime.alloc(a.byteLength);
    const pw = runtime.alloc(w.byteLength);
    const pb = runtime.alloc(bias.byteLength);
    const bp = runtime.alloc(k.packedSize(K, N) * 4);
    const bs = runtime.alloc(k.stripsSize(K, N) * 4);
    const lists = runtime.alloc(k.sparseListBytes(K));
    const dense = runtime.alloc(M * N * 4);
    const sparse = runtime.alloc(M * N * 4);
    new Float32Array(runtime.buffer, pa, a.length).set(a);
    new Float32Array(runtime.buffer, pw, w.length).set(w);
    new Float32Array(runtime.buffer, pb, bias.length).set(bias);
    k.packB(pw, bp, K, N, transB ? 1 : 0);
    k.packStrips(pw, bs, K, N, transB ? 1 : 0);
    const b = withBias ? pb : 0;
    k.gemmPacked(pa, K, bp, b, dense, N, M, N, K, act, 0);
    const blind = runtime.alloc(k.packedSize(K, N) * 4);
    k.gemmSparseRows(pa, K, given.blindDense ? blind : bp, bs, b, sparse, N, M, N, K, act, lists, 0);
    const got = Array.from(new Uint32Array(runtime.buffer, sparse, M * N));
    const want = Array.from(new Uint32Array(runtime.buffer, dense, M * N));
    for (const p of [pa, pw, pb, bp, bs, lists, dense, sparse, blind]) runtime.free(p);
    return { got, want };
  }

  it.each([
    [1, 8, 8],
    [3, 7, 40],
    [6, 40, 24],
    [7, 64, 8],
    [11, 72, 40],
    [70, 96, 64],
    [8, 13, 40],
    [10, 203, 97],
    [5, 5, 8],
    [8, 64, 32],
    [13, 200, 97],
    [37, 256, 128],
    [9, 600, 33],
  ])('M %i, K %i, N %i: the same bits at every share of zeros, with and without bias and activation', (M, K, N) => {
    let seed = M * 1000 + K + N;
    for (const density of [0, 0.3, 0.5, 0.9, 1]) {
      for (const act of [Act.none, Act.relu, Act.gelu]) {
        for (const [withBias, transB] of [
          [false, false],
          [true, true],
        ] as const) {
          const { got, want } = product(M, K, N, density, act, withBias, transB, seed++);
          expect(got, `density ${density}, act ${act}, bias ${withBias}`).toEqual(want);
        }
      }
    }
  });

  it('a NaN or an infinity in A is a nonzero: it reaches the outputs of its row as in gemmPacked', () => {
    const [M, K] = [8, 70];
    const a = rowsWithZeros(new Rng(3), M, K, 0.5);
    a[1 * K + 3] = Number.NaN;
    a[2 * K + 66] = Number.POSITIVE_INFINITY; // past the 8-wide blocks
    a[4 * K + 9] = Number.NEGATIVE_INFINITY;
    const { got, want } = product(M, K, 16, 0.5, Act.none, true, false, 3, { a });
    expect(got).toEqual(want);
    expect(Number.isNaN(new Float32Array(Uint32Array.from(got).buffer)[1 * 16])).toBe(true);
  });

  it('a sum that a fused multiply-add leaves at -0 comes out +0, as from gemmPacked', () => {
    // Row 0: 1e-23 · -1e-23 underflows to -0; the other rows are ordinary.
    const [M, K, N] = [4, 16, 8];
    const a = new Float32Array(M * K);
    a[0] = 1e-23;
    for (let i = 1; i < M; i++) a[i * K + 2] = i;
    const w = new Float32Array(K * N);
    w.fill(-1e-23, 0, N);
    w.fill(1, N, 3 * N);
    for (const withBias of [false, true]) {
      const { got, want } = product(M, K, N, 0, Act.none, withBias, false, 1, { a, w });
      expect(got, `bias ${withBias}`).toEqual(want);
      expect(got[0], `bias ${withBias}`).not.toBe(0x80000000);
    }
  });

  it('rows of half zeros are summed by the sparse path itself (its dense packing zeroed, the same bits)', () => {
    // 32 rows, all grouped, about half zeros: a path that fell back to gemmPacked would read zeros.
    const { got, want } = product(32, 96, 40, 0.5, Act.relu, true, false, 9, { blindDense: true });
    if (runtime.simd) expect(got).toEqual(want);
    else expect(got).not.toEqual(want); // the scalar build has no sparse tile: it is gemmPacked
  });
});

/** x [n, 48] → Relu → · W [48, 40] (no fusion can absorb a Relu on a graph input). */
function reluThenLinear(w: number[]): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', type: 'float32', dims: ['n', 48] }],
    outputs: [{ name: 'y', type: 'float32', dims: ['n', 40] }],
    initializers: [{ name: 'w', type: 'float32', dims: [48, 40], values: w }],
    nodes: [
      { op: 'Relu', inputs: ['x'], outputs: ['r'] },
      { op: 'MatMul', inputs: ['r', 'w'], outputs: ['y'] },
    ],
  });
}

const bitsOf = (r: Results, name: string) => Array.from(new Uint32Array(Float32Array.from(r[name]!.data as Float32Array).buffer));

describe('sessions: linear layers over a ReLU output', () => {
  const mlp = new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'models', 'mlp_200_256_256_32.onnx')));
  const weights = Array.from({ length: 48 * 40 }, (_, i) => Math.sin(i * 0.37));

  it.each([
    ['the MLP fixture (Gemm + Relu fused)', mlp, 'obs', 200, 'logits'],
    ['a Relu op before a MatMul', reluThenLinear(weights), 'x', 48, 'y'],
  ] as const)('%s: the same bits with sparseRows on, off and measured, at 1–130 rows', (_, bytes, input, width, output) => {
    const on = NativeSession.create(bytes, { sparseRows: true });
    const off = NativeSession.create(bytes, { sparseRows: false });
    const measured = NativeSession.create(bytes);
    for (const n of [1, 4, 7, 8, 33, 130]) {
      const feeds = { [input]: { data: new Rng(n).fillUniform(new Float32Array(n * width)), dims: [n, width] } };
      const want = bitsOf(off.runSync(feeds), output);
      expect(bitsOf(on.runSync(feeds), output), `${n} rows`).toEqual(want);
      expect(bitsOf(measured.runSync(feeds), output), `${n} rows`).toEqual(want);
    }
  });

  it('a sparseRows that is not a boolean is INVALID_ARGUMENT, naming the field', () => {
    expect(() => NativeSession.create(mlp, { sparseRows: 'yes' as never })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/sparseRows must be true or false \(got "yes"\)/),
      }),
    );
  });

  it('sparseRows: true packs the strips and runs them; false never does', () => {
    const runtime = sharedRuntime();
    const feeds = { obs: { data: new Rng(1).fillUniform(new Float32Array(16 * 200)), dims: [16, 200] } };
    const grown = (sparseRows: boolean) => {
      const before = runtime.bytesLive;
      const session = NativeSession.create(mlp, { sparseRows });
      session.runSync(feeds);
      const bytes = runtime.bytesLive - before;
      session.dispose();
      return bytes;
    };
    // The strips of the two layers that read a ReLU's output (256 × 256 and 256 × 32 floats) and the lists.
    expect(grown(true) - grown(false)).toBeGreaterThanOrEqual((256 * 256 + 256 * 32) * 4);
  });

  it('a weight with an infinity stays on the dense product: 0 · ∞ is NaN there, as onnxruntime computes it', () => {
    const w = [...weights];
    w[5 * 40 + 3] = Number.POSITIVE_INFINITY;
    const bytes = reluThenLinear(w);
    const on = NativeSession.create(bytes, { sparseRows: true });
    const off = NativeSession.create(bytes, { sparseRows: false });
    // Row 0 has x[5] < 0 (ReLU → 0): its column 3 is 0 · ∞ = NaN.
    const x = new Rng(3).fillUniform(new Float32Array(8 * 48));
    x[5] = -1;
    const feeds = { x: { data: x, dims: [8, 48] } };
    const got = on.runSync(feeds).y!.data as Float32Array;
    expect(Number.isNaN(got[3]!)).toBe(true);
    expect(bitsOf(on.runSync(feeds), 'y')).toEqual(bitsOf(off.runSync(feeds), 'y'));
  });
});

describe('sparseRowsByDefault: which engines take the sparse kernel unless a session says', () => {
  it('Node below V8 13 keeps the dense GEMM (Node 20 spills an accumulator); browsers and newer V8s take the sparse one', () => {
    expect(sparseRowsByDefault('11.3.244.8-node.33')).toBe(false); // Node 20
    expect(sparseRowsByDefault('12.4.254.21-node.33')).toBe(false); // Node 22, unmeasured
    expect(sparseRowsByDefault('13.6.233.10-node.18')).toBe(true); // Node 24
    expect(sparseRowsByDefault(undefined)).toBe(true); // a browser: no process.versions
  });

  it('the default session here follows the rule for this runtime', () => {
    const runtime = sharedRuntime();
    const mlpBytes = new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'models', 'mlp_200_256_256_32.onnx')));
    const feeds = { obs: { data: new Rng(1).fillUniform(new Float32Array(16 * 200)), dims: [16, 200] } };
    const grown = (options: { sparseRows?: boolean }) => {
      const before = runtime.bytesLive;
      const session = NativeSession.create(mlpBytes, options);
      session.runSync(feeds);
      const bytes = runtime.bytesLive - before;
      session.dispose();
      return bytes;
    };
    const byDefault = grown({});
    expect(byDefault).toBe(grown({ sparseRows: sparseRowsByDefault(runtimeV8Version()) }));
  });
});
