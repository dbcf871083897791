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

/** Quantizes row `a` (K floats) into `q` (i16, zero-padded to `padded`); returns its scale. */
export function quantizeRow(a: usize, K: i32, padded: i32, q: usize): f32 {
  let amax: f32 = 0;
  for (let k = 0; k < K; k++) amax = max<f32>(amax, abs<f32>(load<f32>(a + (<usize>k << 2))));
  const s: f32 = amax > 0 ? amax / 127 : 1;
  const inv: f32 = 1 / s;
  for (let k = 0; k < padded; k++) store<i16>(q + (<usize>k << 1), k < K ? quantize(load<f32>(a + (<usize>k << 2)), inv) : 0);
  return s;
}
