// Row-wise normalizations: LayerNorm and Softmax over the last axis; sums over a run of axes
// (ReduceSum/ReduceMean, GlobalAveragePool).

import { expOrZeroScalar, expOrZeroVec } from './math';

// @ts-expect-error: decorator
@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// @ts-expect-error: decorator
@inline
function hmax(v: v128): f32 {
  return max<f32>(max<f32>(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max<f32>(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

/**
 * y[r, :] = (z[r, :] - mean) / sqrt(var + eps) * gamma + beta, where z = x, or z = x + res when
 * res is not 0 (a residual connection: the sum is written to y first, then normalized there, so
 * the values are those of an Add followed by the normalization). gamma/beta may be 0
 * (ones/zeros). y may be x (the same rows exactly: rows are read in pairs before either is
 * written, so a y that overlaps x only in part is not supported).
 */
export function layerNorm(x: usize, res: usize, gamma: usize, beta: usize, y: usize, rows: i32, cols: i32, eps: f32): void {
  const inv = <f32>1.0 / <f32>cols;
  let r0 = 0;
  if (ASC_FEATURE_SIMD && (cols & 3) == 0) {
    // Rows in pairs: a row's sums are chains of dependent adds, too long for the core to
    // overlap one row's with the next's; two rows side by side keep the adder busy (chromium,
    // 128 columns: 80 rows 6.2 -> 4.8 us). Each row sums in its own order: the same bits.
    const rowBytes = <usize>cols << 2;
    for (; r0 + 2 <= rows; r0 += 2) {
      const off = <usize>r0 * rowBytes;
      normalizePair(x + off, res ? res + off : 0, y + off, rowBytes, gamma, beta, inv, eps);
    }
  }
  for (let r = r0; r < rows; r++) {
    const off = <usize>(r * cols) << 2;
    normalizeRow(x + off, res ? res + off : 0, gamma, beta, y + off, cols, inv, eps);
  }
}

/** One row of layerNorm (any cols; inv = 1 / cols). */
function normalizeRow(xr: usize, rr: usize, gamma: usize, beta: usize, yr: usize, cols: i32, inv: f32, eps: f32): void {
  let j = 0;
  let sum: f32 = 0;
  if (rr) {
    if (ASC_FEATURE_SIMD) {
      let acc = f32x4.splat(0);
      for (; j + 4 <= cols; j += 4) {
        const off = <usize>j << 2;
        const v = f32x4.add(v128.load(xr + off), v128.load(rr + off));
        v128.store(yr + off, v);
        acc = f32x4.add(acc, v);
      }
      sum = hsum(acc);
    }
    for (; j < cols; j++) {
      const off = <usize>j << 2;
      const v = load<f32>(xr + off) + load<f32>(rr + off);
      store<f32>(yr + off, v);
      sum += v;
    }
    xr = yr;
  } else {
    if (ASC_FEATURE_SIMD) {
      let acc = f32x4.splat(0);
      for (; j + 4 <= cols; j += 4) acc = f32x4.add(acc, v128.load(xr + (<usize>j << 2)));
      sum = hsum(acc);
    }
    for (; j < cols; j++) sum += load<f32>(xr + (<usize>j << 2));
  }
  const mean = sum * inv;
  j = 0;
  let sq: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    const m = f32x4.splat(mean);
    let acc = f32x4.splat(0);
    for (; j + 4 <= cols; j += 4) {
      const d = f32x4.sub(v128.load(xr + (<usize>j << 2)), m);
      acc = f32x4.add(acc, f32x4.mul(d, d));
    }
    sq = hsum(acc);
  }
  for (; j < cols; j++) {
    const d = load<f32>(xr + (<usize>j << 2)) - mean;
    sq += d * d;
  }
  const rstd = <f32>1.0 / Mathf.sqrt(sq * inv + eps);
  j = 0;
  if (ASC_FEATURE_SIMD) {
    j = cols & ~3;
    normalizeVectors(xr, gamma, beta, yr, <usize>j << 2, mean, rstd);
  }
  for (; j < cols; j++) {
    const off = <usize>j << 2;
    let v = (load<f32>(xr + off) - mean) * rstd;
    if (gamma) v *= load<f32>(gamma + off);
    if (beta) v += load<f32>(beta + off);
    store<f32>(yr + off, v);
  }
}

/**
 * Two rows of layerNorm (whole vectors: cols a multiple of 4, rowBytes apart), each pass over
 * both rows at once. With res, z = x + res is written to y first, as in layerNorm.
 */
function normalizePair(x: usize, res: usize, y: usize, rowBytes: usize, gamma: usize, beta: usize, inv: f32, eps: f32): void {
  const x1 = x + rowBytes;
  const y1 = y + rowBytes;
  let a0 = f32x4.splat(0);
  let a1 = a0;
  let z0 = x;
  let z1 = x1;
  if (res) {
    const r1 = res + rowBytes;
    for (let off: usize = 0; off < rowBytes; off += 16) {
      const v0 = f32x4.add(v128.load(x + off), v128.load(res + off));
      const v1 = f32x4.add(v128.load(x1 + off), v128.load(r1 + off));
      v128.store(y + off, v0);
      v128.store(y1 + off, v1);
      a0 = f32x4.add(a0, v0);
      a1 = f32x4.add(a1, v1);
    }
    z0 = y;
    z1 = y1;
  } else {
    for (let off: usize = 0; off < rowBytes; off += 16) {
      a0 = f32x4.add(a0, v128.load(x + off));
      a1 = f32x4.add(a1, v128.load(x1 + off));
    }
  }
  const mean0 = hsum(a0) * inv;
  const mean1 = hsum(a1) * inv;
  const m0 = f32x4.splat(mean0);
  const m1 = f32x4.splat(mean1);
  a0 = f32x4.splat(0);
  a1 = a0;
  for (let off: usize = 0; off < rowBytes; off += 16) {
    const d0 = f32x4.sub(v128.load(z0 + off), m0);
    const d1 = f32x4.sub(v128.load(z1 + off), m1);
    a0 = f32x4.add(a0, f32x4.mul(d0, d0));
    a1 = f32x4.add(a1, f32x4.mul(d1, d1));
  }
  normalizeVectors(z0, gamma, beta, y, rowBytes, mean0, <f32>1.0 / Mathf.sqrt(hsum(a0) * inv + eps));
  normalizeVectors(z1, gamma, beta, y1, rowBytes, mean1, <f32>1.0 / Mathf.sqrt(hsum(a1) * inv + eps));
}

/**
 * y = (z - mean) * rstd * gamma + beta over the first vecEnd bytes of a row (whole vectors;
 * gamma/beta 0: ones/zeros). The usual affine case has a loop of its own, without two tests per
 * vector (~4 % of a LayerNorm of 128 columns).
 */
function normalizeVectors(z: usize, gamma: usize, beta: usize, y: usize, vecEnd: usize, mean: f32, rstd: f32): void {
  const m = f32x4.splat(mean);
  const s = f32x4.splat(rstd);
  if (gamma && beta) {
    for (let off: usize = 0; off < vecEnd; off += 16) {
      const v = f32x4.mul(f32x4.mul(f32x4.sub(v128.load(z + off), m), s), v128.load(gamma + off));
      v128.store(y + off, f32x4.add(v, v128.load(beta + off)));
    }
  } else {
    for (let off: usize = 0; off < vecEnd; off += 16) {
      let v = f32x4.mul(f32x4.sub(v128.load(z + off), m), s);
      if (gamma) v = f32x4.mul(v, v128.load(gamma + off));
      if (beta) v = f32x4.add(v, v128.load(beta + off));
      v128.store(y + off, v);
    }
  }
}

/** y[r, :] = softmax(x[r, :]) for rows of length cols. */
export function softmax(x: usize, y: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    softmaxRow(x + (<usize>(r * cols) << 2), y + (<usize>(r * cols) << 2), cols);
  }
}

export function softmaxRow(xr: usize, yr: usize, cols: i32): void {
  let j = 0;
  let mx: f32 = -Infinity;
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(-Infinity);
    for (; j + 4 <= cols; j += 4) acc = f32x4.pmax(acc, v128.load(xr + (<usize>j << 2)));
    mx = hmax(acc);
  }
  for (; j < cols; j++) mx = max<f32>(mx, load<f32>(xr + (<usize>j << 2)));
  // exp underflow weighs exactly 0 (see expOrZeroVec). A fully masked row (all -inf) is NaN
  // like the reference: x - max is NaN, and NaN weighs NaN.
  j = 0;
  let sum: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    const m = f32x4.splat(mx);
    let acc = f32x4.splat(0);
    for (; j + 4 <= cols; j += 4) {
      const off = <usize>j << 2;
      const e = expOrZeroVec(f32x4.sub(v128.load(xr + off), m));
      v128.store(yr + off, e);
      acc = f32x4.add(acc, e);
    }
    sum = hsum(acc);
  }
  for (; j < cols; j++) {
    const off = <usize>j << 2;
    const e = expOrZeroScalar(load<f32>(xr + off) - mx);
    store<f32>(yr + off, e);
    sum += e;
  }
  const inv = <f32>1.0 / sum;
  j = 0;
  if (ASC_FEATURE_SIMD) {
    const s = f32x4.splat(inv);
    for (; j + 4 <= cols; j += 4) {
      const off = <usize>j << 2;
      v128.store(yr + off, f32x4.mul(v128.load(yr + off), s));
    }
  }
  for (; j < cols; j++) {
    const off = <usize>j << 2;
    store<f32>(yr + off, load<f32>(yr + off) * inv);
  }
}

/**
 * Sums over a run of axes, divided by `divisor` (ReduceSum 1, ReduceMean and GlobalAveragePool
 * the count): y[o, i] = Σ_d x[(o·D + d)·inner + i] / divisor, for o < outer, i < inner. With
 * inner 1 each sum is over D contiguous floats (four lanes, then across them); otherwise four
 * inner positions at a time, down the D rows.
 */
export function sumRuns(x: usize, y: usize, outer: i32, D: i32, inner: i32, divisor: f32): void {
  const rowBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>o * (<usize>D * rowBytes);
    const yo = y + <usize>o * rowBytes;
    if (inner == 1) {
      let d = 0;
      let s: f32 = 0;
      if (ASC_FEATURE_SIMD) {
        let acc = f32x4.splat(0);
        for (; d + 4 <= D; d += 4) acc = f32x4.add(acc, v128.load(xo + (<usize>d << 2)));
        s = hsum(acc);
      }
      for (; d < D; d++) s += load<f32>(xo + (<usize>d << 2));
      store<f32>(yo, s / divisor);
      continue;
    }
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const div = f32x4.splat(divisor);
      for (; i + 4 <= inner; i += 4) {
        let acc = f32x4.splat(0);
        let p = xo + (<usize>i << 2);
        for (let d = 0; d < D; d++) {
          acc = f32x4.add(acc, v128.load(p));
          p += rowBytes;
        }
        v128.store(yo + (<usize>i << 2), f32x4.div(acc, div));
      }
    }
    for (; i < inner; i++) {
      let s: f32 = 0;
      let p = xo + (<usize>i << 2);
      for (let d = 0; d < D; d++) {
        s += load<f32>(p);
        p += rowBytes;
      }
      store<f32>(yo + (<usize>i << 2), s / divisor);
    }
  }
}
