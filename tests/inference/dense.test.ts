/** DenseGemm: the core's WebAssembly GEMM for host code, against plain loops, in every operand layout. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../sdk/core/index.js';
import { DenseGemm } from '../../sdk/inference/index.js';
import { sharedRuntime } from '../../sdk/inference/wasm/runtime.js';

function naive(a: Float32Array, b: Float32Array, M: number, K: number, N: number, transA: boolean, transB: boolean): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (transA ? a[k * M + i]! : a[i * K + k]!) * (transB ? b[j * K + k]! : b[k * N + j]!);
      c[i * N + j] = s;
    }
  return c;
}

describe('DenseGemm', () => {
  const g = new DenseGemm();
  it.each([
    [37, 53, 29, false, false],
    [64, 890, 64, false, false],
    [19, 7, 45, true, false],
    [33, 64, 17, false, true],
  ])('M=%i K=%i N=%i transA=%s transB=%s matches plain loops (with bias, and accumulating)', (M, K, N, transA, transB) => {
    const rng = new Rng(M * 7 + N);
    const a = rng.fillUniform(new Float32Array(M * K));
    const b = rng.fillUniform(new Float32Array(K * N));
    const bias = rng.fillUniform(new Float32Array(N));
    const want = naive(a, b, M, K, N, transA, transB);
    const c = new Float32Array(M * N);
    g.gemm(a, b, c, M, K, N, { transA, transB, bias });
    for (let i = 0; i < M * N; i++) expect(c[i]).toBeCloseTo(want[i]! + bias[i % N]!, 3);
    const acc = Float32Array.from(c);
    g.gemm(a, b, acc, M, K, N, { transA, transB, accumulate: true });
    for (let i = 0; i < M * N; i++) expect(acc[i]).toBeCloseTo(c[i]! + want[i]!, 3);
  });
});

describe('DenseGemm memory', () => {
  it('frees a region when it grows, and everything on dispose', () => {
    const rt = sharedRuntime();
    const live = rt.bytesLive;
    const aligned = (floats: number) => Math.ceil((floats * 4) / 64) * 64;
    // The five regions (A, B, packed B, C, bias) for one shape.
    const regions = (M: number, K: number, N: number) =>
      aligned(M * K) + aligned(K * N) + aligned(rt.kernels.packedSize(K, N)) + aligned(M * N) + aligned(Math.ceil(N / 8) * 8);
    const g = new DenseGemm();
    const bias = new Float32Array(67).fill(1);
    for (let round = 0; round < 3; round++) {
      for (let n = 8; n <= 64; n += 8) {
        const [M, K, N] = [n, 2 * n, n + 3];
        g.gemm(new Float32Array(M * K).fill(1), new Float32Array(K * N).fill(1), new Float32Array(M * N), M, K, N, { bias });
        // The regions of the largest shapes so far, nothing older.
        expect(rt.bytesLive - live).toBe(round === 0 ? regions(M, K, N) : regions(64, 128, 67));
      }
    }
    const peak = rt.highWaterMark;
    g.dispose();
    expect(rt.bytesLive).toBe(live);
    // Training again (a new instance, the same shapes) takes the same memory.
    const again = new DenseGemm();
    const c = new Float32Array(64 * 67);
    again.gemm(new Float32Array(64 * 128).fill(1), new Float32Array(128 * 67).fill(1), c, 64, 128, 67);
    expect(c[0]).toBe(128);
    expect(rt.highWaterMark).toBe(peak);
    again.dispose();
    again.dispose();
    expect(rt.bytesLive).toBe(live);
  });
});
