// Batched matrix products over unpacked operands (attention's scores and weighted values).

import { madd } from './math';

/**
 * Batched C[n] = A[n] * B[n] for unpacked operands (attention scores, weighted values).
 * A: [M, K] rows of stride lda; B: [K, N] rows of stride ldb; C: [M, N] rows of stride ldc;
 * matrix n starts at base + n * stride (all strides in floats).
 */
export function matmulBatched(
  a: usize, sa: i32, lda: i32, b: usize, sb: i32, ldb: i32, c: usize, sc: i32, ldc: i32,
  batch: i32, M: i32, N: i32, K: i32,
): void {
  for (let n = 0; n < batch; n++) {
    const an = a + (<usize>(n * sa) << 2);
    const bn = b + (<usize>(n * sb) << 2);
    const cn = c + (<usize>(n * sc) << 2);
    for (let i = 0; i < M; i++) {
      const ai = an + (<usize>(i * lda) << 2);
      const ci = cn + (<usize>(i * ldc) << 2);
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        for (; j + 4 <= N; j += 4) {
          let acc = f32x4.splat(0);
          let k = 0;
          if (ASC_FEATURE_RELAXED_SIMD) {
            // A fused multiply-add waits for its accumulator (4 cycles on x86, where a separate add
            // takes 2-3): even and odd k accumulate apart, so two chains are in flight.
            let odd = acc;
            for (; k + 2 <= K; k += 2) {
              const x = v128.load32_splat(ai + (<usize>k << 2));
              const y = v128.load32_splat(ai + (<usize>k << 2), 4);
              const bk = bn + (<usize>(k * ldb + j) << 2);
              acc = madd(acc, x, v128.load(bk));
              odd = madd(odd, y, v128.load(bk + (<usize>ldb << 2)));
            }
            acc = f32x4.add(acc, odd);
          }
          for (; k < K; k++) {
            const x = v128.load32_splat(ai + (<usize>k << 2));
            acc = f32x4.add(acc, f32x4.mul(x, v128.load(bn + (<usize>(k * ldb + j) << 2))));
          }
          v128.store(ci + (<usize>j << 2), acc);
        }
      }
      for (; j < N; j++) {
        let s: f32 = 0;
        for (let k = 0; k < K; k++) s += load<f32>(ai + (<usize>k << 2)) * load<f32>(bn + (<usize>(k * ldb + j) << 2));
        store<f32>(ci + (<usize>j << 2), s);
      }
    }
  }
}
