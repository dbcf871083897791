// Int8 matrix multiply for 4+ rows: B (int8 weights, per-column symmetric scales) packed in
// panels of 8 columns as i16 pairs along k, so i32x4.dot_i16x8_s of a row's broadcast k-pair with
// one panel vector gives 4 columns × 2 k per instruction; rows of A are quantized (symmetric, one
// scale per row) in groups of 5 or 4 (quantizeRowGroups): each k step of a group is one line of
// 20 or 16 bytes, so the tiles broadcast each row's pair straight from memory — a load, not a
// shuffle on the vector ports the dot products need — from a single pointer. i32 sums are
// rescaled in the epilogue. Linear layers quantize their rows per call (gemmInt8); Conv quantizes
// its filters once and runs them against the image's quantized im2col panels (gemmInt8Grouped).

import { activateScalar, activateVec } from './math';
import { columnScales, int8Fives, quantizedWeight, quantizeRowGroups } from './quant';

const PANEL: i32 = 8;

/** Bytes of the packed int8 B (K × N). */
export function packedInt8GemmSize(K: i32, N: i32): i32 {
  return ((N + PANEL - 1) / PANEL) * ((K + 1) / 2) * 32;
}

/** Quantizes and packs B (layouts as in packB); writes per-column scales (padded to whole panels with 1). */
export function packInt8Gemm(b: usize, bp: usize, scales: usize, K: i32, N: i32, transB: i32): void {
  const panels = (N + PANEL - 1) / PANEL;
  columnScales(b, scales, K, N, panels * PANEL, transB);
  const pairs = (K + 1) / 2;
  let p = bp;
  for (let pn = 0; pn < panels; pn++) {
    for (let kp = 0; kp < pairs; kp++) {
      for (let j = 0; j < PANEL; j++) {
        for (let h = 0; h < 2; h++) {
          store<i16>(p, quantizedWeight(b, scales, kp * 2 + h, pn * PANEL + j, K, N, transB));
          p += 2;
        }
      }
    }
  }
}

/**
 * C[M, N] = act(A · B + bias) with B from packInt8Gemm. aq: scratch for ceil(M/4)·4 rows of
 * 2·ceil(K/2) i16; ascale: ceil(M/4)·4 floats (quantizeRowGroups).
 */
export function gemmInt8(
  a: usize,
  lda: i32,
  bp: usize,
  scales: usize,
  bias: usize,
  c: usize,
  ldc: i32,
  M: i32,
  N: i32,
  K: i32,
  act: i32,
  aq: usize,
  ascale: usize,
): void {
  quantizeRowGroups(a, lda, K, M, aq, ascale);
  gemmInt8Grouped(aq, ascale, bp, scales, bias, c, ldc, M, N, K, act);
}

/**
 * C[M, N] = act(rescaled A · B + bias) on rows already quantized by quantizeRowGroups (aq, their
 * scales in ascale), B and its column scales from packInt8Gemm (or quantizePanels, one scale for
 * every column): every group of rows (int8Fives: up to three of 5, then 4s) against every panel.
 */
export function gemmInt8Grouped(aq: usize, ascale: usize, bp: usize, scales: usize, bias: usize, c: usize, ldc: i32, M: i32, N: i32, K: i32, act: i32): void {
  const pairs = (K + 1) / 2;
  const fives = int8Fives(M);
  const panels = (N + PANEL - 1) / PANEL;
  for (let pn = 0; pn < panels; pn++) {
    const panel = bp + <usize>(pn * pairs * 32);
    const col = pn * PANEL;
    const width = min(PANEL, N - col);
    let ap = aq;
    let m = 0;
    if (!ASC_FEATURE_SIMD) {
      for (; m < M; ) {
        const size = m < 5 * fives ? 5 : 4;
        const cm = c + (<usize>(m * ldc + col) << 2);
        for (let r = 0; r < min(size, M - m); r++) groupRow(ap + <usize>(r * 4), size * 4, panel, pairs, scales, load<f32>(ascale + (<usize>(m + r) << 2)), bias, cm + (<usize>(r * ldc) << 2), col, width, act);
        ap += <usize>(pairs * size * 4);
        m += size;
      }
      continue;
    }
    // The (at most 3) groups of 5 first, then a loop of 4-row groups alone, as fast as without them.
    for (; m < 5 * fives; m += 5) {
      groupTile5(ap, panel, pairs, scales, ascale + (<usize>m << 2), bias, c + (<usize>(m * ldc + col) << 2), ldc, col, width, act);
      ap += <usize>(pairs * 20);
    }
    for (; m < M; m += 4) {
      groupTile4(ap, panel, pairs, scales, ascale + (<usize>m << 2), bias, c + (<usize>(m * ldc + col) << 2), ldc, col, width, act, min(4, M - m));
      ap += <usize>(pairs * 16);
    }
  }
}

/** Five grouped rows × one panel of 8 columns (10 accumulators: the most without spills). */
function groupTile5(ap: usize, panel: usize, pairs: i32, scales: usize, ascale: usize, bias: usize, c: usize, ldc: i32, col: i32, width: i32, act: i32): void {
  let a0 = i32x4.splat(0);
  let b0 = a0;
  let a1 = a0;
  let b1 = a0;
  let a2 = a0;
  let b2 = a0;
  let a3 = a0;
  let b3 = a0;
  let a4 = a0;
  let b4 = a0;
  let p = panel;
  let q = ap;
  const end = ap + <usize>(pairs * 20);
  while (q < end) {
    const lo = v128.load(p);
    const hi = v128.load(p, 16);
    let s = v128.load32_splat(q);
    a0 = i32x4.add(a0, i32x4.dot_i16x8_s(s, lo));
    b0 = i32x4.add(b0, i32x4.dot_i16x8_s(s, hi));
    s = v128.load32_splat(q, 4);
    a1 = i32x4.add(a1, i32x4.dot_i16x8_s(s, lo));
    b1 = i32x4.add(b1, i32x4.dot_i16x8_s(s, hi));
    s = v128.load32_splat(q, 8);
    a2 = i32x4.add(a2, i32x4.dot_i16x8_s(s, lo));
    b2 = i32x4.add(b2, i32x4.dot_i16x8_s(s, hi));
    s = v128.load32_splat(q, 12);
    a3 = i32x4.add(a3, i32x4.dot_i16x8_s(s, lo));
    b3 = i32x4.add(b3, i32x4.dot_i16x8_s(s, hi));
    s = v128.load32_splat(q, 16);
    a4 = i32x4.add(a4, i32x4.dot_i16x8_s(s, lo));
    b4 = i32x4.add(b4, i32x4.dot_i16x8_s(s, hi));
    p += 32;
    q += 20;
  }
  const sLo = v128.load(scales + (<usize>col << 2));
  const sHi = v128.load(scales + (<usize>(col + 4) << 2));
  const bLo = bias ? v128.load(bias + (<usize>col << 2)) : f32x4.splat(0);
  const bHi = bias ? v128.load(bias + (<usize>(col + 4) << 2)) : f32x4.splat(0);
  finish(a0, b0, load<f32>(ascale), sLo, sHi, bLo, bHi, c, width, act);
  finish(a1, b1, load<f32>(ascale, 4), sLo, sHi, bLo, bHi, c + (<usize>ldc << 2), width, act);
  finish(a2, b2, load<f32>(ascale, 8), sLo, sHi, bLo, bHi, c + (<usize>(2 * ldc) << 2), width, act);
  finish(a3, b3, load<f32>(ascale, 12), sLo, sHi, bLo, bHi, c + (<usize>(3 * ldc) << 2), width, act);
  finish(a4, b4, load<f32>(ascale, 16), sLo, sHi, bLo, bHi, c + (<usize>(4 * ldc) << 2), width, act);
}

/** Four grouped rows × one panel of 8 columns; stores the first `rows` rows. */
function groupTile4(ap: usize, panel: usize, pairs: i32, scales: usize, ascale: usize, bias: usize, c: usize, ldc: i32, col: i32, width: i32, act: i32, rows: i32): void {
  let a0 = i32x4.splat(0);
  let b0 = a0;
  let a1 = a0;
  let b1 = a0;
  let a2 = a0;
  let b2 = a0;
  let a3 = a0;
  let b3 = a0;
  let p = panel;
  let q = ap;
  const end = ap + <usize>(pairs * 16);
  while (q < end) {
    const lo = v128.load(p);
    const hi = v128.load(p, 16);
    let s = v128.load32_splat(q);
    a0 = i32x4.add(a0, i32x4.dot_i16x8_s(s, lo));
    b0 = i32x4.add(b0, i32x4.dot_i16x8_s(s, hi));
    s = v128.load32_splat(q, 4);
    a1 = i32x4.add(a1, i32x4.dot_i16x8_s(s, lo));
    b1 = i32x4.add(b1, i32x4.dot_i16x8_s(s, hi));
    s = v128.load32_splat(q, 8);
    a2 = i32x4.add(a2, i32x4.dot_i16x8_s(s, lo));
    b2 = i32x4.add(b2, i32x4.dot_i16x8_s(s, hi));
    s = v128.load32_splat(q, 12);
    a3 = i32x4.add(a3, i32x4.dot_i16x8_s(s, lo));
    b3 = i32x4.add(b3, i32x4.dot_i16x8_s(s, hi));
    p += 32;
    q += 16;
  }
  const sLo = v128.load(scales + (<usize>col << 2));
  const sHi = v128.load(scales + (<usize>(col + 4) << 2));
  const bLo = bias ? v128.load(bias + (<usize>col << 2)) : f32x4.splat(0);
  const bHi = bias ? v128.load(bias + (<usize>(col + 4) << 2)) : f32x4.splat(0);
  finish(a0, b0, load<f32>(ascale), sLo, sHi, bLo, bHi, c, width, act);
  if (rows > 1) finish(a1, b1, load<f32>(ascale, 4), sLo, sHi, bLo, bHi, c + (<usize>ldc << 2), width, act);
  if (rows > 2) finish(a2, b2, load<f32>(ascale, 8), sLo, sHi, bLo, bHi, c + (<usize>(2 * ldc) << 2), width, act);
  if (rows > 3) finish(a3, b3, load<f32>(ascale, 12), sLo, sHi, bLo, bHi, c + (<usize>(3 * ldc) << 2), width, act);
}

/** Rescales one row's two i32 vectors (8 columns), adds the bias, activates, stores `width` of them. */
function finish(lo: v128, hi: v128, rowScale: f32, sLo: v128, sHi: v128, bLo: v128, bHi: v128, c: usize, width: i32, act: i32): void {
  const r = f32x4.splat(rowScale);
  const x = activateVec(f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(lo), f32x4.mul(r, sLo)), bLo), act);
  const y = activateVec(f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(hi), f32x4.mul(r, sHi)), bHi), act);
  if (width == PANEL) {
    v128.store(c, x);
    v128.store(c, y, 16);
    return;
  }
  const tmp = memory.data(32, 16);
  v128.store(tmp, x);
  v128.store(tmp, y, 16);
  for (let j = 0; j < width; j++) store<f32>(c + (<usize>j << 2), load<f32>(tmp + (<usize>j << 2)));
}

/** One grouped row (q: its lane of the group, k steps `stride` bytes apart) × one panel, scalar (the scalar build). */
function groupRow(q: usize, stride: i32, panel: usize, pairs: i32, scales: usize, rowScale: f32, bias: usize, c: usize, col: i32, width: i32, act: i32): void {
  for (let j = 0; j < width; j++) {
    let s: i32 = 0;
    for (let kp = 0; kp < pairs; kp++) {
      const x = q + <usize>(kp * stride);
      const w = panel + <usize>(kp * 32 + j * 4);
      s += <i32>load<i16>(x) * <i32>load<i16>(w) + <i32>load<i16>(x + 2) * <i32>load<i16>(w + 2);
    }
    const n = col + j;
    let v: f32 = <f32>s * rowScale * load<f32>(scales + (<usize>n << 2));
    if (bias) v += load<f32>(bias + (<usize>n << 2));
    store<f32>(c + (<usize>j << 2), activateScalar(v, act));
  }
}
