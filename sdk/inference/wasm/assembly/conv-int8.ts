// The int8 convolution's helpers. Its GEMM is C[channels × pixels] = W · B like the float path:
// the filters (rows of W) are quantized once per output channel, the image's im2col panels per
// call with one scale for the whole image (symmetric), repacked from im2colPanels' floats into
// the int8 GEMM's k-pair panels; the bias is added per channel after.

import { toI16 } from './quant';

/**
 * im2colPanels' float panels (K taps × 8 pixels each) → the int8 GEMM's panels (per panel, per
 * tap pair, 8 pixels × 2 taps as i16), each value round(v · inv); an odd K pads with zeros.
 */
export function quantizePanels(src: usize, dst: usize, K: i32, N: i32, inv: f32): void {
  const panels = (N + 7) / 8;
  const pairs = (K + 1) / 2;
  for (let p = 0; p < panels; p++) {
    const s = src + <usize>(p * K * 32);
    const d = dst + <usize>(p * pairs * 32);
    if (ASC_FEATURE_SIMD) {
      const scale = f32x4.splat(inv);
      for (let kp = 0; kp < pairs; kp++) {
        const r0 = s + <usize>(2 * kp * 32);
        const a = toI16(v128.load(r0), v128.load(r0, 16), scale);
        const b = 2 * kp + 1 < K ? toI16(v128.load(r0, 32), v128.load(r0, 48), scale) : i16x8.splat(0);
        v128.store(d + <usize>(kp * 32), v128.shuffle<i16>(a, b, 0, 8, 1, 9, 2, 10, 3, 11));
        v128.store(d + <usize>(kp * 32), v128.shuffle<i16>(a, b, 4, 12, 5, 13, 6, 14, 7, 15), 16);
      }
    } else {
      for (let kp = 0; kp < pairs; kp++)
        for (let j = 0; j < 8; j++)
          for (let h = 0; h < 2; h++) {
            const k = 2 * kp + h;
            const v: f32 = k < K ? load<f32>(s + <usize>(k * 32 + j * 4)) : 0;
            store<i16>(d + <usize>(kp * 32 + j * 4 + h * 2), <i16>nearest<f32>(v * inv));
          }
    }
  }
}

/** c[m · N + j] += bias[m]: the per-channel bias of an M × N channel-major output. */
export function addRowBias(c: usize, bias: usize, M: i32, N: i32): void {
  for (let m = 0; m < M; m++) {
    const b = load<f32>(bias + (<usize>m << 2));
    const row = c + (<usize>(m * N) << 2);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const v = f32x4.splat(b);
      for (; j + 4 <= N; j += 4) v128.store(row + (<usize>j << 2), f32x4.add(v128.load(row + (<usize>j << 2)), v));
    }
    for (; j < N; j++) store<f32>(row + (<usize>j << 2), load<f32>(row + (<usize>j << 2)) + b);
  }
}
