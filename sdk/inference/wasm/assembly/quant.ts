// Symmetric int8 quantization shared by the int8 kernels: per-column weight scales, weights and
// rows of A rounded to [-127, 127] and stored as i16 (ready for i32x4.dot_i16x8_s).

/** W[k, n] of a K × N weight ([N, K] when transB). */
// @ts-expect-error: decorator
@inline
export function weightAt(b: usize, k: i32, n: i32, K: i32, N: i32, transB: i32): f32 {
  return transB ? load<f32>(b + (<usize>(n * K + k) << 2)) : load<f32>(b + (<usize>(k * N + n) << 2));
}

/** scales[n] = max |W[·, n]| / 127 for n < N (1 for an all-zero column), 1 up to `padded`. */
export function columnScales(b: usize, scales: usize, K: i32, N: i32, padded: i32, transB: i32): void {
  for (let n = 0; n < padded; n++) {
    let amax: f32 = 0;
    if (n < N) for (let k = 0; k < K; k++) amax = max<f32>(amax, abs<f32>(weightAt(b, k, n, K, N, transB)));
    store<f32>(scales + (<usize>n << 2), amax > 0 ? amax / 127 : 1);
  }
}

/** round(v · inv) clamped to [-127, 127]. */
// @ts-expect-error: decorator
@inline
export function quantize(v: f32, inv: f32): i16 {
  return <i16>max<f32>(-127, min<f32>(127, nearest<f32>(v * inv)));
}

/** W[k, n] quantized with column n's scale, 0 outside the matrix (padding). */
// @ts-expect-error: decorator
@inline
export function quantizedWeight(b: usize, scales: usize, k: i32, n: i32, K: i32, N: i32, transB: i32): i16 {
  return n < N && k < K ? quantize(weightAt(b, k, n, K, N, transB), 1 / load<f32>(scales + (<usize>n << 2))) : 0;
}

/** max |x[i]| over n floats. */
export function absMax(x: usize, n: i32): f32 {
  let i = 0;
  let m: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let v = f32x4.splat(0);
    // pmax: one maxps (max handles NaN and −0 in several instructions).
    for (; i + 4 <= n; i += 4) v = f32x4.pmax(v, f32x4.abs(v128.load(x + (<usize>i << 2))));
    m = max<f32>(max<f32>(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max<f32>(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
  }
  for (; i < n; i++) m = max<f32>(m, abs<f32>(load<f32>(x + (<usize>i << 2))));
  return m;
}

/** Eight floats (two vectors) scaled and rounded to i16 (|v · inv| ≤ 127 by the choice of inv). */
// @ts-expect-error: decorator
@inline
export function toI16(lo: v128, hi: v128, scale: v128): v128 {
  const a = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(lo, scale)));
  const b = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(hi, scale)));
  return i16x8.narrow_i32x4_s(a, b);
}

/** Quantizes row `a` (K floats) into `q` (i16, zero-padded to `padded`); returns its scale. */
export function quantizeRow(a: usize, K: i32, padded: i32, q: usize): f32 {
  const amax = absMax(a, K);
  const s: f32 = amax > 0 ? amax / 127 : 1;
  const inv: f32 = 1 / s;
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const scale = f32x4.splat(inv);
    for (; k + 8 <= K; k += 8) v128.store(q + (<usize>k << 1), toI16(v128.load(a + (<usize>k << 2)), v128.load(a + (<usize>k << 2), 16), scale));
  }
  for (; k < padded; k++) store<i16>(q + (<usize>k << 1), k < K ? quantize(load<f32>(a + (<usize>k << 2)), inv) : 0);
  return s;
}

/**
 * How the int8 GEMM groups M rows: the number of 5-row groups, which come first; 4-row groups
 * cover the rest. As few 5-row groups as make M exact (M mod 4 of them: the 4-row tile is the
 * faster one per row); where that many do not fit (M of 1–3, 6, 7, 11), groups of 4 only, the
 * last one padded with zero rows.
 */
export function int8Fives(M: i32): i32 {
  const fives = M & 3;
  return 5 * fives <= M ? fives : 0;
}

/**
 * Quantizes M rows (row stride lda floats) for the int8 GEMM's tiles, in groups of 5 then 4 rows
 * (int8Fives): a group is ceil(K/2) steps of its rows' k-pairs (one i32 each: 20 or 16 bytes), so
 * a tile reads every row of a step at a constant offset from one pointer. Rows past M (the last
 * group's padding) are zero with scale 1. ascale gets one scale per row, padding included: at
 * most ceil(M/4)·4 floats, as aq holds at most ceil(M/4)·4 rows.
 */
export function quantizeRowGroups(a: usize, lda: i32, K: i32, M: i32, aq: usize, ascale: usize): void {
  const pairs = (K + 1) / 2;
  const fives = int8Fives(M);
  const padded = 5 * fives + ((M - 5 * fives + 3) & ~3);
  let group = aq;
  for (let m = 0; m < padded; ) {
    const size = m < 5 * fives ? 5 : 4;
    for (let r = 0; r < size; r++, m++) {
      const dst = group + <usize>(r * 4);
      const s = m < M ? quantizeRowInterleaved(a + (<usize>(m * lda) << 2), K, pairs, dst, size * 4) : zeroRowInterleaved(pairs, dst, size * 4);
      store<f32>(ascale + (<usize>m << 2), s);
    }
    group += <usize>(pairs * size * 4);
  }
}

// One row into its lane of a group: pair j at dst + stride·j.
function quantizeRowInterleaved(a: usize, K: i32, pairs: i32, dst: usize, stride: i32): f32 {
  const amax = absMax(a, K);
  const s: f32 = amax > 0 ? amax / 127 : 1;
  const inv: f32 = 1 / s;
  const step = <usize>stride;
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const scale = f32x4.splat(inv);
    for (; k + 8 <= K; k += 8) {
      const v = toI16(v128.load(a + (<usize>k << 2)), v128.load(a + (<usize>k << 2), 16), scale);
      const d = dst + <usize>(k >> 1) * step;
      v128.store32_lane(d, v, 0);
      v128.store32_lane(d + step, v, 1);
      v128.store32_lane(d + 2 * step, v, 2);
      v128.store32_lane(d + 3 * step, v, 3);
    }
  }
  for (; k < pairs * 2; k++) {
    store<i16>(dst + <usize>(k >> 1) * step + <usize>((k & 1) * 2), k < K ? quantize(load<f32>(a + (<usize>k << 2)), inv) : 0);
  }
  return s;
}

function zeroRowInterleaved(pairs: i32, dst: usize, stride: i32): f32 {
  for (let j = 0; j < pairs; j++) store<i32>(dst + <usize>(j * stride), 0);
  return 1;
}
