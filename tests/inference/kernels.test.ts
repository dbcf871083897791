/**
 * The WebAssembly kernels against double-precision references, relaxed-SIMD (where the engine
 * runs it; on Node 20 this file's process turns V8's flag on), SIMD128 and scalar builds alike.
 */
import { describe, expect, it } from 'vitest';
import { enableRelaxedSimd } from '../../sdk/cli/wasm-flags.js';
import { Rng } from '../../sdk/core/index.js';
import { erf } from '../../sdk/inference/ops/erf.js';
import { Act, UnaryOp, WasmRuntime } from '../../sdk/inference/wasm/runtime.js';

const builds = [
  ...(enableRelaxedSimd() ? [{ name: 'relaxed', runtime: new WasmRuntime({ kernels: 'relaxed' }) }] : []),
  { name: 'simd', runtime: new WasmRuntime({ kernels: 'simd' }) },
  { name: 'scalar', runtime: new WasmRuntime({ forceScalar: true }) },
];

function grid(n: number, lo: number, hi: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

describe('exp across builds', () => {
  it('the SIMD128 build gives the scalar build’s bits, at rounding ties, the clamp and special values too', () => {
    // The vector exp rounds n = x·log2(e) by adding 1.5·2^23, the scalar one with nearest():
    // inputs where x·log2(e) lies at or next to k + 0.5 are where they could part.
    const xs: number[] = [0, -0, Infinity, -Infinity, 1e-45, -1e-45, 88.3762626647949, -87.3365447505531, 89, -88, -103, 1e30, -1e30];
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    for (let k = -130; k <= 130; k++) {
      f[0] = (k + 0.5) / Math.LOG2E;
      for (let d = -3; d <= 3; d++) {
        const g = new Float32Array(1);
        new Uint32Array(g.buffer)[0] = u[0]! + d;
        xs.push(g[0]!);
      }
    }
    for (let i = 0; i <= 20000; i++) xs.push(-100 + i / 100);
    const n = xs.length;
    const outs = [builds.find((b) => b.name === 'simd')!, builds.find((b) => b.name === 'scalar')!].map(({ runtime }) => {
      const x = runtime.alloc(n * 4);
      const y = runtime.alloc(n * 4);
      new Float32Array(runtime.buffer, x, n).set(xs);
      runtime.kernels.unary(x, y, n, UnaryOp.exp);
      return new Float32Array(runtime.buffer, y, n).slice();
    });
    for (let i = 0; i < n; i++) expect(outs[0]![i], `exp(${xs[i]})`).toBe(outs[1]![i]);
    expect(outs[0]!.some((v) => Number.isNaN(v))).toBe(false);
  });
});

describe.each(builds)('$name kernels', ({ runtime }) => {
  const k = runtime.kernels;
  const n = 4001;
  const x = runtime.alloc(n * 4);
  const y = runtime.alloc(n * 4);
  const xs = grid(n, -12, 12);
  const load = () => new Float32Array(runtime.buffer, y, n);

  it('erf is within 4e-7 (a few float ulps) of the true value', () => {
    new Float32Array(runtime.buffer, x, n).set(xs);
    k.unary(x, y, n, UnaryOp.erf);
    const got = load();
    for (let i = 0; i < n; i++) expect(Math.abs(got[i]! - erf(xs[i]!))).toBeLessThan(4e-7);
  });

  it('exp has a relative error under 4e-7 over the float range', () => {
    const e = grid(n, -80, 80);
    new Float32Array(runtime.buffer, x, n).set(e);
    k.unary(x, y, n, UnaryOp.exp);
    const got = load();
    for (let i = 0; i < n; i++) {
      const want = Math.exp(e[i]!);
      expect(Math.abs(got[i]! - want) / want).toBeLessThan(4e-7);
    }
  });

  it('GELU matches 0.5 x (1 + erf(x / sqrt 2))', () => {
    new Float32Array(runtime.buffer, x, n).set(xs);
    k.activate(x, y, n, Act.gelu);
    const got = load();
    for (let i = 0; i < n; i++) {
      const v = xs[i]!;
      expect(Math.abs(got[i]! - 0.5 * v * (1 + erf(v / Math.SQRT2)))).toBeLessThan(1e-6 * Math.max(1, Math.abs(v)));
    }
  });

  it('softmax rows sum to one and survive large logits', () => {
    const rows = 7;
    const cols = 13;
    const rng = new Rng(2);
    const data = Float32Array.from({ length: rows * cols }, () => rng.uniform(-50, 50));
    data[0] = 1e30;
    new Float32Array(runtime.buffer, x, rows * cols).set(data);
    k.softmax(x, y, rows, cols);
    const got = new Float32Array(runtime.buffer, y, rows * cols);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += got[r * cols + c]!;
      expect(s).toBeCloseTo(1, 5);
    }
    expect(got[0]).toBeCloseTo(1, 6);
  });

  it('softmax weighs -inf and underflowing logits exactly 0, never a subnormal', () => {
    // Subnormal weights made masked attention ~12x slower on Intel (microcode assists).
    const cols = 11;
    const data = Float32Array.from({ length: 2 * cols }, (_, i) =>
      i % 3 === 0 ? -Infinity : i % 3 === 1 ? (i % cols) - 100 : (i % cols) * 0.5,
    );
    data.fill(-Infinity, cols); // a fully masked row stays NaN, like the reference
    new Float32Array(runtime.buffer, x, 2 * cols).set(data);
    k.softmax(x, y, 2, cols);
    const got = new Float32Array(runtime.buffer, y, 2 * cols);
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, data[c]!);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(data[c]! - max);
    for (let c = 0; c < cols; c++) {
      const v = got[c]!;
      expect(v === 0 || v >= 2 ** -126, `column ${c}: ${v}`).toBe(true);
      const want = Math.exp(data[c]! - max) / sum;
      if (want < 2 ** -126) expect(v).toBe(0);
      else expect(Math.abs(v - want)).toBeLessThan(1e-6 * Math.max(want, 1e-30) + 1e-7);
    }
    for (let c = cols; c < 2 * cols; c++) expect(got[c]).toBeNaN();
  });

  it.each([
    [8, 11],
    [16, 11],
    [32, 11],
    [32, 10],
    [16, 10],
    [16, 9],
    [32, 9],
    [16, 1],
    [32, 3],
    [16, 12],
    [16, 5001],
  ])('fused attention (head size %i, %i keys) matches a reference over blocks of query rows, masks and NaN', (D, S) => {
    // T = 37 query rows: blocks of 16 for 11 keys (padded to 12 lanes), of 3 for 5001 keys (a
    // block's scores stay within 64 KiB). 11, 10 and 9 keys end in 3, 2 and 1 keys past the
    // last group of 4; 1 and 3 keys are that tail alone; 12 have none. Row 5 masks every key
    // (NaN, like the reference); query row 9 of head 1 holds a NaN.
    const rng = new Rng(D + S);
    const [heads, T] = [2, 37];
    const Q = Float32Array.from({ length: heads * T * D }, () => rng.uniform(-1, 1));
    const Kt = Float32Array.from({ length: heads * S * D }, () => rng.uniform(-1, 1));
    const V = Float32Array.from({ length: heads * S * D }, () => rng.uniform(-1, 1));
    const M = Float32Array.from({ length: T * S }, (_, i) => (Math.floor(i / S) === 5 || (i * 7) % 5 === 0 ? -Infinity : 0));
    Q[(1 * T + 9) * D + 3] = Number.NaN;
    const [q, kk, v, m, o] = [Q, Kt, V, M, new Float32Array(heads * T * D)].map((arr) => {
      const ptr = runtime.alloc(arr.length * 4);
      new Float32Array(runtime.buffer, ptr, arr.length).set(arr);
      return ptr;
    }) as [number, number, number, number, number];
    const scratch = runtime.alloc(k.attentionScratchBytes(S));
    const scale = 1 / Math.sqrt(D);
    k.attention(q, T * D, D, kk, S * D, D, v, S * D, D, o, T * D, D, m, 0, S, heads, T, S, D, scale, scratch);
    const got = new Float32Array(runtime.buffer, o, heads * T * D);
    for (let n = 0; n < heads; n++)
      for (let i = 0; i < T; i++) {
        const scores = Array.from({ length: S }, (_, j) => {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += Q[(n * T + i) * D + d]! * Kt[(n * S + j) * D + d]!;
          return dot * scale + M[i * S + j]!;
        });
        const max = Math.max(...scores);
        const w = scores.map((x) => Math.exp(x - max));
        const sum = w.reduce((a, b) => a + b, 0);
        for (let d = 0; d < D; d++) {
          let want = 0;
          for (let j = 0; j < S; j++) want += (w[j]! / sum) * V[(n * S + j) * D + d]!;
          const at = `head ${n} row ${i} dim ${d}`;
          if (Number.isNaN(want)) expect(got[(n * T + i) * D + d], at).toBeNaN();
          else expect(Math.abs(got[(n * T + i) * D + d]! - want), at).toBeLessThan(2e-6);
        }
      }
  });

  it.each([
    [128, true],
    [128, false],
    [12, true],
    [10, true],
  ])('layerNorm over %i columns (residual %s) matches a reference, each row the same bits wherever it sits', (cols, withRes) => {
    // 5 rows: two pairs and a last row alone (the SIMD builds normalize rows in pairs). Row 4
    // repeats row 0 and row 3 repeats row 2 (residual too), so their outputs must be the same bits.
    const rows = 5;
    const rng = new Rng(cols);
    const X = Float32Array.from({ length: rows * cols }, () => rng.uniform(-3, 3));
    const R = Float32Array.from({ length: rows * cols }, () => rng.uniform(-1, 1));
    for (const [to, from] of [
      [4, 0],
      [3, 2],
    ] as const) {
      X.copyWithin(to * cols, from * cols, (from + 1) * cols);
      R.copyWithin(to * cols, from * cols, (from + 1) * cols);
    }
    const G = Float32Array.from({ length: cols }, (_, j) => 1 + 0.01 * j);
    const B = Float32Array.from({ length: cols }, (_, j) => 0.1 * Math.sin(j));
    const [xp, rp, gp, bp, yp] = [X, R, G, B, new Float32Array(rows * cols)].map((arr) => {
      const ptr = runtime.alloc(arr.length * 4);
      new Float32Array(runtime.buffer, ptr, arr.length).set(arr);
      return ptr;
    }) as [number, number, number, number, number];
    k.layerNorm(xp, withRes ? rp : 0, gp, bp, yp, rows, cols, 1e-5);
    const got = new Float32Array(runtime.buffer, yp, rows * cols).slice();
    for (let r = 0; r < rows; r++) {
      const z = Array.from({ length: cols }, (_, j) => X[r * cols + j]! + (withRes ? R[r * cols + j]! : 0));
      const mean = z.reduce((a, b) => a + b, 0) / cols;
      const rstd = 1 / Math.sqrt(z.reduce((a, v) => a + (v - mean) ** 2, 0) / cols + 1e-5);
      for (let j = 0; j < cols; j++) {
        expect(Math.abs(got[r * cols + j]! - ((z[j]! - mean) * rstd * G[j]! + B[j]!)), `row ${r} col ${j}`).toBeLessThan(2e-6);
      }
    }
    expect(Array.from(got.subarray(4 * cols, 5 * cols))).toEqual(Array.from(got.subarray(0, cols)));
    expect(Array.from(got.subarray(3 * cols, 4 * cols))).toEqual(Array.from(got.subarray(2 * cols, 3 * cols)));
    // In place (y = x): the same values.
    k.layerNorm(xp, withRes ? rp : 0, gp, bp, xp, rows, cols, 1e-5);
    expect(Array.from(new Float32Array(runtime.buffer, xp, rows * cols))).toEqual(Array.from(got));
  });

  it('packed GEMM over several chunks of K and blocks of rows sums each output in one k order', () => {
    // K = 1300 is three chunks of packed A (512, 512, 276) and M = 137 three blocks of row groups
    // (5 x 25 + 4 x 3 rows): a chunk carries on from the sums the previous one left in C.
    const rng = new Rng(11);
    const [M, K, N] = [137, 1300, 29];
    const A = Float32Array.from({ length: M * K }, () => rng.uniform(-1, 1));
    const B = Float32Array.from({ length: K * N }, () => rng.uniform(-1, 1));
    const bs = Float32Array.from({ length: N }, () => rng.uniform(-1, 1));
    const a = runtime.alloc(M * K * 4);
    const b = runtime.alloc(K * N * 4);
    const bias = runtime.alloc(Math.ceil(N / 8) * 32);
    const c = runtime.alloc(M * N * 4);
    const panels = runtime.alloc(k.packedSize(K, N) * 4);
    new Float32Array(runtime.buffer, a, M * K).set(A);
    new Float32Array(runtime.buffer, b, K * N).set(B);
    new Float32Array(runtime.buffer, bias, N).set(bs);
    k.packB(b, panels, K, N, 0);
    for (const act of [Act.none, Act.relu, Act.gelu]) {
      k.gemmPacked(a, K, panels, bias, c, N, M, N, K, act, 0);
      const got = new Float32Array(runtime.buffer, c, M * N);
      let worst = 0;
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let q = 0; q < K; q++) s += A[i * K + q]! * B[q * N + j]!;
          s += bs[j]!;
          const want = act === Act.relu ? Math.max(s, 0) : act === Act.gelu ? 0.5 * s * (1 + erf(s / Math.SQRT2)) : s;
          worst = Math.max(worst, Math.abs(got[i * N + j]! - want) / (1 + Math.abs(want)));
        }
      expect(worst, `act ${act}`).toBeLessThan(2e-5);
      // Fetching panels ahead only adds loads: the same sums, bit for bit.
      const plain = Float32Array.from(got);
      k.gemmPacked(a, K, panels, bias, c, N, M, N, K, act, 1);
      expect(Array.from(new Float32Array(runtime.buffer, c, M * N)), `ahead, act ${act}`).toEqual(Array.from(plain));
    }
    if (!runtime.simd || runtime.kernelSet !== 'simd') return;
    // SIMD128 rounds each product and each sum: the same k order in float32 gives the same bits.
    k.gemmPacked(a, K, panels, bias, c, N, M, N, K, Act.none, 0);
    const got = new Float32Array(runtime.buffer, c, M * N);
    const f = Math.fround;
    let mismatches = 0;
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let q = 0; q < K; q++) s = f(s + f(A[i * K + q]! * B[q * N + j]!));
        if (f(s + bs[j]!) !== got[i * N + j]) mismatches++;
      }
    expect(mismatches).toBe(0);
  });

  it('packed GEMM and the few-row kernel agree with a reference at odd sizes', () => {
    const rng = new Rng(9);
    for (const [M, K, N] of [
      [1, 7, 5],
      [3, 33, 17],
      [4, 8, 8],
      [9, 19, 29],
      [32, 40, 24],
      [67, 9, 16],
    ] as const) {
      const a = runtime.alloc(M * K * 4);
      const b = runtime.alloc(K * N * 4);
      const bias = runtime.alloc(Math.ceil(N / 8) * 32);
      const c = runtime.alloc(M * N * 4);
      const A = Float32Array.from({ length: M * K }, () => rng.uniform(-1, 1));
      const B = Float32Array.from({ length: K * N }, () => rng.uniform(-1, 1));
      const bs = Float32Array.from({ length: N }, () => rng.uniform(-1, 1));
      new Float32Array(runtime.buffer, a, M * K).set(A);
      new Float32Array(runtime.buffer, b, K * N).set(B);
      new Float32Array(runtime.buffer, bias, N).set(bs);
      const want = new Float64Array(M * N);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = bs[j]!;
          for (let q = 0; q < K; q++) s += A[i * K + q]! * B[q * N + j]!;
          want[i * N + j] = Math.max(s, 0);
        }
      const panels = runtime.alloc(k.packedSize(K, N) * 4);
      k.packB(b, panels, K, N, 0);
      k.gemmPacked(a, K, panels, bias, c, N, M, N, K, Act.relu, M % 2);
      const viaGemm = Array.from(new Float32Array(runtime.buffer, c, M * N));
      const dot = runtime.alloc(k.packedDotSize(K, N) * 4);
      k.packDot(b, dot, K, N, 0);
      k.gemvPacked(a, K, dot, bias, c, N, M, N, K, Act.relu);
      const viaDot = Array.from(new Float32Array(runtime.buffer, c, M * N));
      for (let i = 0; i < M * N; i++) {
        expect(Math.abs(viaGemm[i]! - want[i]!), `gemm ${M}x${K}x${N} at ${i}`).toBeLessThan(1e-5);
        expect(Math.abs(viaDot[i]! - want[i]!), `dot ${M}x${K}x${N} at ${i}`).toBeLessThan(1e-5);
      }
    }
  });
});
