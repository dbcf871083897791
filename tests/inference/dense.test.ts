/** DenseGemm: the core's WebAssembly GEMM for host code, against plain loops, in every operand layout. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../sdk/core/index.js';
import { DenseGemm } from '../../sdk/inference/index.js';

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
