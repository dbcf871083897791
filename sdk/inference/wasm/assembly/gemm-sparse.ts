// Linear layers over rows with many exact zeros (a ReLU's output): each row's nonzero k are
// listed once, then every strip of 32 output columns sums only over them. About half of each
// row of a ReLU's output is zero, so about half the multiply-adds go. The sums run over k in the same
// order as the packed GEMM's and skip only products with an exact zero, so every output has
// the same bits as gemmPacked's as long as B is finite (0 · ∞ would be NaN there): the host
// only passes finite weights.
//
// B packed for this (packStrips): strip s holds columns [32s, 32s + 32) as K rows of 32 floats
// (zero padded past N); strip s starts at bs + s * K * 128 bytes. One row's step over a nonzero
// k then reads one 128-byte row of the strip: eight vectors at constant offsets from one pointer.
//
// The tile is one row × 32 columns, 8 accumulators. A 1-row tile reads each B vector for one
// multiply-add only, so it pays only where the engine keeps all 8 accumulators in registers:
// chromium's V8 does (1.55-1.72× the dense GEMM at half zeros, 1.14-1.19× at 3/4 nonzero, 0.85×
// with none); Node 20's spills one (0.93-0.98× at half zeros). The host picks by engine
// (exec/sparse-rows.ts).

import { gemmPacked, groupedRows } from './gemm';
import { PANEL } from './gemm-pack';
import { biasVec, storeRow } from './gemm-micro';
import { madd } from './math';

/** Output columns per strip. */
const STRIP: i32 = 32;
/**
 * Rows listed at once; each strip then serves all of them before the next (chromium, 50 % zeros,
 * K = 256, N = 128: 4 rows 1.36–1.41× the dense GEMM, 8 rows 1.43–1.50×, 32 rows 1.51–1.56×).
 */
const ROWS: i32 = 32;

/** Floats of B packed by packStrips. */
export function stripsSize(K: i32, N: i32): i32 {
  return ((N + STRIP - 1) / STRIP) * STRIP * K;
}

/** Bytes of the `lists` scratch gemmSparseRows takes for rows of K. */
export function sparseListBytes(K: i32): i32 {
  return ROWS * listStride(K);
}

// @ts-expect-error: decorator
@inline
function listStride(K: i32): i32 {
  // u16 per k, 8 more: the lister writes 8 entries at a time past the last one.
  return (((K + 8) << 1) + 15) & ~15;
}

/** Packs B into strips. transB = 0: b is [K, N] row-major; 1: b is [N, K]. */
export function packStrips(b: usize, bs: usize, K: i32, N: i32, transB: i32): void {
  const strips = (N + STRIP - 1) / STRIP;
  for (let s = 0; s < strips; s++) {
    for (let k = 0; k < K; k++) {
      const row = bs + (<usize>((s * K + k) * STRIP) << 2);
      for (let j = 0; j < STRIP; j++) {
        const col = s * STRIP + j;
        let v: f32 = 0;
        if (col < N) v = transB ? load<f32>(b + (<usize>(col * K + k) << 2)) : load<f32>(b + (<usize>(k * N + col) << 2));
        store<f32>(row + (<usize>j << 2), v);
      }
    }
  }
}

/**
 * C[M, N] = act(A[M, K] · B + bias), as gemmPacked and with its bits: bp is B packed by packB,
 * bs the same B packed by packStrips, bias (N floats padded to whole panels of 8) may be 0, lists
 * is sparseListBytes(K) of scratch, K ≤ 65535, ahead as gemmPacked's (for a call it runs whole).
 * The first 32 rows decide: over 3/4 nonzeros, the
 * 1-row tile would be slower and gemmPacked does it all. Otherwise rows go 32 at a time through
 * the strips, except those gemmPacked itself runs one by one (groupedRows), which it still does.
 */
export function gemmSparseRows(
  a: usize, lda: i32, bp: usize, bs: usize, bias: usize, c: usize, ldc: i32,
  M: i32, N: i32, K: i32, act: i32, lists: usize, ahead: i32,
): void {
  // Without SIMD (the scalar build) the 1-row tile has no edge.
  if (ASC_FEATURE_SIMD) {
    const grouped = groupedRows(M);
    if (grouped > 0 && listRows(a, lda, 0, min(ROWS, grouped), K, lists)) {
      sparseRows(a, lda, bp, bs, bias, c, ldc, M, N, K, act, lists, grouped);
      return;
    }
  }
  gemmPacked(a, lda, bp, bias, c, ldc, M, N, K, act, ahead);
}

/** gemmSparseRows once the first rows are listed and sparse enough; rows from `grouped` on go to gemmPacked. */
function sparseRows(
  a: usize, lda: i32, bp: usize, bs: usize, bias: usize, c: usize, ldc: i32,
  M: i32, N: i32, K: i32, act: i32, lists: usize, grouped: i32,
): void {
  const strideA = <usize>lda << 2;
  const strideC = <usize>ldc << 2;
  const step = <usize>listStride(K);
  for (let r0 = 0; r0 < grouped; r0 += ROWS) {
    const rows = min(ROWS, grouped - r0);
    if (r0 > 0) listRows(a, lda, r0, rows, K, lists);
    for (let s = 0; s < N; s += STRIP) {
      const strip = bs + (<usize>(s * K) << 2);
      for (let r = 0; r < rows; r++) {
        const row = <usize>(r0 + r);
        stripRow(a + row * strideA, lists + <usize>r * step, load<i32>(counts + (<usize>r << 2)), strip, bias, c + row * strideC, s, N, act);
      }
    }
  }
  if (grouped < M) gemmPacked(a + <usize>grouped * strideA, lda, bp, bias, c + <usize>grouped * strideC, ldc, M - grouped, N, K, act, 0);
}

/** Lists the nonzero k of rows [r0, r0 + rows) (counts in `counts`); whether at most 3/4 are nonzero. */
function listRows(a: usize, lda: i32, r0: i32, rows: i32, K: i32, lists: usize): bool {
  if (!lutReady) buildLut();
  const step = <usize>listStride(K);
  let nonzero = 0;
  for (let r = 0; r < rows; r++) {
    const n = listNonzero(a + (<usize>((r0 + r) * lda) << 2), K, lists + <usize>r * step);
    store<i32>(counts + (<usize>r << 2), n);
    nonzero += n;
  }
  return nonzero * 4 <= rows * K * 3;
}

/** Nonzero counts of the listed rows. */
const counts = memory.data(ROWS * 4, 16);

/**
 * One row's sums over its n listed k for the 32 columns of one strip (from column col), then
 * bias, activation and the stores (storeRow: as gemmPacked's tail tiles, 8 columns at a time).
 */
function stripRow(arow: usize, list: usize, n: i32, strip: usize, bias: usize, c: usize, col: i32, N: i32, act: i32): void {
  let c0 = f32x4.splat(0);
  let c1 = c0;
  let c2 = c0;
  let c3 = c0;
  let c4 = c0;
  let c5 = c0;
  let c6 = c0;
  let c7 = c0;
  let l = list;
  const end = list + (<usize>n << 1);
  // Two nonzeros per pass (the loop's own instructions are a fifth of the work: chromium,
  // 1.46-1.59x -> 1.55-1.72x the dense GEMM), each summed into the accumulators in k order.
  while (l + 2 < end) {
    const k = <usize>load<u16>(l);
    const k2 = <usize>load<u16>(l, 2);
    const s = v128.load32_splat(arow + (k << 2));
    const p = strip + (k << 7);
    c0 = madd(c0, s, v128.load(p, 0));
    c1 = madd(c1, s, v128.load(p, 16));
    c2 = madd(c2, s, v128.load(p, 32));
    c3 = madd(c3, s, v128.load(p, 48));
    c4 = madd(c4, s, v128.load(p, 64));
    c5 = madd(c5, s, v128.load(p, 80));
    c6 = madd(c6, s, v128.load(p, 96));
    c7 = madd(c7, s, v128.load(p, 112));
    const s2 = v128.load32_splat(arow + (k2 << 2));
    const p2 = strip + (k2 << 7);
    c0 = madd(c0, s2, v128.load(p2, 0));
    c1 = madd(c1, s2, v128.load(p2, 16));
    c2 = madd(c2, s2, v128.load(p2, 32));
    c3 = madd(c3, s2, v128.load(p2, 48));
    c4 = madd(c4, s2, v128.load(p2, 64));
    c5 = madd(c5, s2, v128.load(p2, 80));
    c6 = madd(c6, s2, v128.load(p2, 96));
    c7 = madd(c7, s2, v128.load(p2, 112));
    l += 4;
  }
  if (l < end) {
    const k = <usize>load<u16>(l);
    const s = v128.load32_splat(arow + (k << 2));
    const p = strip + (k << 7);
    c0 = madd(c0, s, v128.load(p, 0));
    c1 = madd(c1, s, v128.load(p, 16));
    c2 = madd(c2, s, v128.load(p, 32));
    c3 = madd(c3, s, v128.load(p, 48));
    c4 = madd(c4, s, v128.load(p, 64));
    c5 = madd(c5, s, v128.load(p, 80));
    c6 = madd(c6, s, v128.load(p, 96));
    c7 = madd(c7, s, v128.load(p, 112));
  }
  const out = c + (<usize>col << 2);
  finish(out, c0, c1, bias, col, N, act);
  if (col + 8 < N) finish(out + 32, c2, c3, bias, col + 8, N, act);
  if (col + 16 < N) finish(out + 64, c4, c5, bias, col + 16, N, act);
  if (col + 24 < N) finish(out + 96, c6, c7, bias, col + 24, N, act);
}

/**
 * Bias (or +0 without one, as gemmPacked adds: it turns a -0 sum into +0 on both paths),
 * activation and the stores of 8 columns from col.
 */
// @ts-expect-error: decorator
@inline
function finish(c: usize, lo: v128, hi: v128, bias: usize, col: i32, N: i32, act: i32): void {
  storeRow(c, f32x4.add(lo, biasVec(bias, col, 0)), f32x4.add(hi, biasVec(bias, col, 1)), min(PANEL, N - col), act);
}

/** For each 8-bit mask of nonzero lanes: the lanes' indices, in order, as 8 u16 (16 bytes). */
const LUT = memory.data(256 * 16, 16);
let lutReady = false;

function buildLut(): void {
  for (let m = 0; m < 256; m++) {
    let n = 0;
    for (let j = 0; j < 8; j++) {
      if (m & (1 << j)) {
        store<u16>(LUT + (<usize>m << 4) + (<usize>n << 1), <u16>j);
        n++;
      }
    }
  }
  lutReady = true;
}

/** Lists the k of the row's nonzeros (NaN counts as nonzero) as u16 at list; returns how many. */
function listNonzero(row: usize, K: i32, list: usize): i32 {
  let n = 0;
  let k = 0;
  const zero = f32x4.splat(0);
  for (; k + 8 <= K; k += 8) {
    const lo = f32x4.ne(v128.load(row + (<usize>k << 2)), zero);
    const hi = f32x4.ne(v128.load(row + (<usize>k << 2), 16), zero);
    const mask = i16x8.bitmask(i16x8.narrow_i32x4_s(lo, hi));
    // All 8 entries written, the count advanced by the nonzeros: the next write overwrites the rest.
    v128.store(list + (<usize>n << 1), i16x8.add(v128.load(LUT + (<usize>mask << 4)), i16x8.splat(<i16>k)));
    n += <i32>popcnt(mask);
  }
  for (; k < K; k++) {
    store<u16>(list + (<usize>n << 1), <u16>k);
    if (load<f32>(row + (<usize>k << 2)) != 0) n++;
  }
  return n;
}
