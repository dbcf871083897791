// Fused scaled dot-product attention for one head at a time:
// out[i] = sum_j softmax_j(scale * q[i].k[j] + mask[i, j]) v[j]
// Scores for one query row live in a scratch buffer; nothing else is materialized.

import { softmaxRow } from './norm';

/**
 * Strided layout (all strides in floats, the head dim contiguous):
 *   q[n, i, :] at q + n*qn + i*qi   (n < heads, i < T)
 *   k[n, j, :] at k + n*kn + j*kj   (j < S)
 *   v[n, j, :] at v + n*vn + j*vj
 *   out[n, i, :] at o + n*on + i*oi
 *   mask[n, i, j] at m + n*mn + i*mi + j (additive; m = 0 for none; mn/mi may be 0 to broadcast)
 * scratch: S floats.
 */
export function attention(
  q: usize,
  qn: i32,
  qi: i32,
  k: usize,
  kn: i32,
  kj: i32,
  v: usize,
  vn: i32,
  vj: i32,
  o: usize,
  on: i32,
  oi: i32,
  m: usize,
  mn: i32,
  mi: i32,
  heads: i32,
  T: i32,
  S: i32,
  D: i32,
  scale: f32,
  scratch: usize,
): void {
  for (let n = 0; n < heads; n++) {
    for (let i = 0; i < T; i++) {
      const qrow = q + ((<usize>(n * qn + i * qi)) << 2);
      const mrow = m ? m + ((<usize>(n * mn + i * mi)) << 2) : 0;
      for (let j = 0; j < S; j++) {
        const krow = k + ((<usize>(n * kn + j * kj)) << 2);
        let d = 0;
        let s: f32 = 0;
        if (ASC_FEATURE_SIMD) {
          let acc = f32x4.splat(0);
          for (; d + 4 <= D; d += 4) {
            const off = (<usize>d) << 2;
            acc = f32x4.add(acc, f32x4.mul(v128.load(qrow + off), v128.load(krow + off)));
          }
          s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
        }
        for (; d < D; d++) s += load<f32>(qrow + ((<usize>d) << 2)) * load<f32>(krow + ((<usize>d) << 2));
        s *= scale;
        if (mrow) s += load<f32>(mrow + ((<usize>j) << 2));
        store<f32>(scratch + ((<usize>j) << 2), s);
      }
      softmaxRow(scratch, scratch, S);
      const orow = o + ((<usize>(n * on + i * oi)) << 2);
      let d = 0;
      if (ASC_FEATURE_SIMD) {
        for (; d + 4 <= D; d += 4) {
          let acc = f32x4.splat(0);
          for (let j = 0; j < S; j++) {
            const p = v128.load32_splat(scratch + ((<usize>j) << 2));
            acc = f32x4.add(acc, f32x4.mul(p, v128.load(v + ((<usize>(n * vn + j * vj + d)) << 2))));
          }
          v128.store(orow + ((<usize>d) << 2), acc);
        }
      }
      for (; d < D; d++) {
        let acc: f32 = 0;
        for (let j = 0; j < S; j++) acc += load<f32>(scratch + ((<usize>j) << 2)) * load<f32>(v + ((<usize>(n * vn + j * vj + d)) << 2));
        store<f32>(orow + ((<usize>d) << 2), acc);
      }
    }
  }
}
