// Few rows (M < 4): dot-product form over a second packing of W. Each group of 4 output
// columns stores, per chunk of 8 k, the 4 columns' k..k+3 then their k+4..k+7 (zero padded
// to whole groups and chunks), so one row of A is read as vectors and W streams once.

import { activateScalar, activateVec, madd } from './math';
import { columnScales, quantizedWeight, quantizeRow } from './quant';

const DOT_ROWS: i32 = 4;
const DOT_K: i32 = 8;

/** Floats the dot packing of K x N occupies. */
export function packedDotSize(K: i32, N: i32): i32 {
  return ((N + DOT_ROWS - 1) / DOT_ROWS) * DOT_ROWS * ((K + DOT_K - 1) / DOT_K) * DOT_K;
}

/** Packs W for gemvPacked (layouts of b as in packB). */
export function packDot(b: usize, wp: usize, K: i32, N: i32, transB: i32): void {
  const groups = (N + DOT_ROWS - 1) / DOT_ROWS;
  const chunks = (K + DOT_K - 1) / DOT_K;
  let p = wp;
  for (let g = 0; g < groups; g++) {
    for (let ch = 0; ch < chunks; ch++) {
      for (let half = 0; half < 2; half++) {
        for (let r = 0; r < DOT_ROWS; r++) {
          for (let q = 0; q < 4; q++) {
            const n = g * DOT_ROWS + r;
            const k = ch * DOT_K + half * 4 + q;
            let v: f32 = 0;
            if (n < N && k < K) v = transB ? load<f32>(b + (<usize>(n * K + k) << 2)) : load<f32>(b + (<usize>(k * N + n) << 2));
            store<f32>(p, v);
            p += 4;
          }
        }
      }
    }
  }
}

// @ts-expect-error: decorator
@inline
function hadd4(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  const u0 = f32x4.add(v128.shuffle<f32>(s0, s1, 0, 4, 1, 5), v128.shuffle<f32>(s0, s1, 2, 6, 3, 7));
  const u1 = f32x4.add(v128.shuffle<f32>(s2, s3, 0, 4, 1, 5), v128.shuffle<f32>(s2, s3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(u0, u1, 0, 1, 4, 5), v128.shuffle<f32>(u0, u1, 2, 3, 6, 7));
}

/** Zero-padded copy of a row's last partial chunk of A. */
const tailA = memory.data(DOT_K * 4, 16);
const tailC = memory.data(DOT_ROWS * 4, 16);

/** C[M, N] = act(A · W + bias) for small M, W packed by packDot; strides as in gemmPacked. */
export function gemvPacked(a: usize, lda: i32, wp: usize, bias: usize, c: usize, ldc: i32, M: i32, N: i32, K: i32, act: i32): void {
  if (ASC_FEATURE_SIMD) gemvSimd(a, lda, wp, bias, c, ldc, M, N, K, act);
  else gemvScalar(a, lda, wp, bias, c, ldc, M, N, K, act);
}

function gemvScalar(a: usize, lda: i32, wp: usize, bias: usize, c: usize, ldc: i32, M: i32, N: i32, K: i32, act: i32): void {
  const chunks = (K + DOT_K - 1) / DOT_K;
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const g = n / DOT_ROWS;
      const r = n % DOT_ROWS;
      let s: f32 = bias ? load<f32>(bias + (<usize>n << 2)) : 0;
      for (let k = 0; k < K; k++) {
        const ch = k / DOT_K;
        const within = k % DOT_K;
        const idx = ((g * chunks + ch) * 2 + within / 4) * 16 + r * 4 + (within % 4);
        s += load<f32>(a + (<usize>(m * lda + k) << 2)) * load<f32>(wp + (<usize>idx << 2));
      }
      store<f32>(c + (<usize>(m * ldc + n) << 2), activateScalar(s, act));
    }
  }
}

function gemvSimd(a: usize, lda: i32, wp: usize, bias: usize, c: usize, ldc: i32, M: i32, N: i32, K: i32, act: i32): void {
  const groups = (N + DOT_ROWS - 1) / DOT_ROWS;
  const full = K / DOT_K;
  const rest = K - full * DOT_K;
  for (let m = 0; m < M; m++) {
    const am = a + (<usize>(m * lda) << 2);
    const cm = c + (<usize>(m * ldc) << 2);
    if (rest > 0) {
      v128.store(tailA, f32x4.splat(0));
      v128.store(tailA, f32x4.splat(0), 16);
      memory.copy(tailA, am + (<usize>(full * DOT_K) << 2), <usize>rest << 2);
    }
    let p = wp;
    for (let g = 0; g < groups; g++) {
      let s0 = f32x4.splat(0);
      let s1 = s0;
      let s2 = s0;
      let s3 = s0;
      let t0 = s0;
      let t1 = s0;
      let t2 = s0;
      let t3 = s0;
      for (let ch = 0; ch <= full; ch++) {
        let x: v128;
        let x2: v128;
        if (ch < full) {
          const off = <usize>(ch * DOT_K) << 2;
          x = v128.load(am + off);
          x2 = v128.load(am + off, 16);
        } else {
          if (rest == 0) break;
          x = v128.load(tailA);
          x2 = v128.load(tailA, 16);
        }
        s0 = madd(s0, x, v128.load(p));
        s1 = madd(s1, x, v128.load(p, 16));
        s2 = madd(s2, x, v128.load(p, 32));
        s3 = madd(s3, x, v128.load(p, 48));
        t0 = madd(t0, x2, v128.load(p, 64));
        t1 = madd(t1, x2, v128.load(p, 80));
        t2 = madd(t2, x2, v128.load(p, 96));
        t3 = madd(t3, x2, v128.load(p, 112));
        p += 128;
      }
      const col = g * DOT_ROWS;
      let r = hadd4(f32x4.add(s0, t0), f32x4.add(s1, t1), f32x4.add(s2, t2), f32x4.add(s3, t3));
      if (bias) r = f32x4.add(r, v128.load(bias + (<usize>col << 2)));
      r = activateVec(r, act);
      if (col + DOT_ROWS <= N) {
        v128.store(cm + (<usize>col << 2), r);
      } else {
        v128.store(tailC, r);
        for (let j = 0; col + j < N; j++) store<f32>(cm + (<usize>(col + j) << 2), load<f32>(tailC + (<usize>j << 2)));
      }
    }
  }
}

// Int8 weights (per-output-column symmetric scales) for the few-rows form: the same groups of 4
// columns and chunks of 8 k, stored as i16 (int8 values widened so i32x4.dot_i16x8_s multiplies
// 8 pairs per instruction). Each row of A is quantized per call (symmetric, its own scale).

/** Bytes the int8 dot packing of K x N occupies. */
export function packedInt8Size(K: i32, N: i32): i32 {
  return packedDotSize(K, N) * 2;
}

/**
 * Quantizes W (layouts as in packB) per output column n: scale[n] = max|W[·, n]| / 127 (1 for an
 * all-zero column), q = round(W / scale) — written in the int8 dot packing, and the scales
 * (padded to whole groups with 1).
 */
export function packInt8(b: usize, wq: usize, scales: usize, K: i32, N: i32, transB: i32): void {
  const groups = (N + DOT_ROWS - 1) / DOT_ROWS;
  columnScales(b, scales, K, N, groups * DOT_ROWS, transB);
  const chunks = (K + DOT_K - 1) / DOT_K;
  let p = wq;
  for (let g = 0; g < groups; g++) {
    for (let ch = 0; ch < chunks; ch++) {
      for (let r = 0; r < DOT_ROWS; r++) {
        for (let q = 0; q < DOT_K; q++) {
          store<i16>(p, quantizedWeight(b, scales, ch * DOT_K + q, g * DOT_ROWS + r, K, N, transB));
          p += 2;
        }
      }
    }
  }
}

/**
 * C[M, N] = act(A · W + bias) for small M with W in the int8 packing: each row of A is quantized
 * into aq (i16, K padded to a chunk) with its own scale, dot products run in i32, and the result
 * is rescaled by the row's and each column's scales.
 */
export function gemvInt8(
  a: usize,
  lda: i32,
  wq: usize,
  scales: usize,
  bias: usize,
  c: usize,
  ldc: i32,
  M: i32,
  N: i32,
  K: i32,
  act: i32,
  aq: usize,
): void {
  const groups = (N + DOT_ROWS - 1) / DOT_ROWS;
  const chunks = (K + DOT_K - 1) / DOT_K;
  for (let m = 0; m < M; m++) {
    const am = a + (<usize>(m * lda) << 2);
    const cm = c + (<usize>(m * ldc) << 2);
    const sa = quantizeRow(am, K, chunks * DOT_K, aq);
    let p = wq;
    for (let g = 0; g < groups; g++) {
      const col = g * DOT_ROWS;
      if (ASC_FEATURE_SIMD) {
        let s0 = i32x4.splat(0);
        let s1 = s0;
        let s2 = s0;
        let s3 = s0;
        for (let ch = 0; ch < chunks; ch++) {
          const x = v128.load(aq + (<usize>ch << 4));
          s0 = i32x4.add(s0, i32x4.dot_i16x8_s(x, v128.load(p)));
          s1 = i32x4.add(s1, i32x4.dot_i16x8_s(x, v128.load(p, 16)));
          s2 = i32x4.add(s2, i32x4.dot_i16x8_s(x, v128.load(p, 32)));
          s3 = i32x4.add(s3, i32x4.dot_i16x8_s(x, v128.load(p, 48)));
          p += 64;
        }
        let r = hadd4(f32x4.convert_i32x4_s(s0), f32x4.convert_i32x4_s(s1), f32x4.convert_i32x4_s(s2), f32x4.convert_i32x4_s(s3));
        r = f32x4.mul(r, f32x4.mul(f32x4.splat(sa), v128.load(scales + (<usize>col << 2))));
        if (bias) r = f32x4.add(r, v128.load(bias + (<usize>col << 2)));
        r = activateVec(r, act);
        if (col + DOT_ROWS <= N) v128.store(cm + (<usize>col << 2), r);
        else {
          v128.store(tailC, r);
          for (let j = 0; col + j < N; j++) store<f32>(cm + (<usize>(col + j) << 2), load<f32>(tailC + (<usize>j << 2)));
        }
      } else {
        for (let r = 0; r < DOT_ROWS; r++) {
          const n = col + r;
          let s: i32 = 0;
          for (let ch = 0; ch < chunks; ch++) {
            const w = p + (<usize>((ch * DOT_ROWS + r) * DOT_K) << 1);
            for (let q = 0; q < DOT_K; q++) s += <i32>load<i16>(aq + (<usize>(ch * DOT_K + q) << 1)) * <i32>load<i16>(w + (<usize>q << 1));
          }
          if (n >= N) continue;
          let v: f32 = <f32>s * sa * load<f32>(scales + (<usize>n << 2));
          if (bias) v += load<f32>(bias + (<usize>n << 2));
          store<f32>(cm + (<usize>n << 2), activateScalar(v, act));
        }
        p += chunks * DOT_ROWS * DOT_K * 2;
      }
    }
  }
}
