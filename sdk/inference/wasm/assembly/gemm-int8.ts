// Int8 matrix multiply for 4+ rows: B (int8 weights, per-column symmetric scales) packed in
// panels of 8 columns as i16 pairs along k, so i32x4.dot_i16x8_s of a row's broadcast k-pair with
// one panel vector gives 4 columns × 2 k per instruction; rows of A are quantized per call
// (symmetric, one scale per row); i32 sums are rescaled in the epilogue.
//
// Linear layers (gemmInt8) quantize their rows in groups of 4 (quantizeRowGroups): each k step of
// a group is one 16-byte line, so the tile broadcasts each row's pair straight from memory (a load,
// no shuffle on the vector ports the dot products need) from a single pointer. The Conv path
// (gemmInt8Quantized) keeps rows apart: its filters are quantized once, row by row.

import { activateScalar, activateVec } from './math';
import { columnScales, quantizedWeight, quantizeRowGroups, quantizeRows } from './quant';

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
 * C[M, N] = act(A · B + bias) with B from packInt8Gemm. aq: scratch for M rows of
 * 2·ceil(K/2) i16; ascale: M floats.
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
  if (ASC_FEATURE_SIMD && M >= 4) {
    quantizeRowGroups(a, lda, K, M, aq, ascale);
    gemmInt8Grouped(aq, ascale, bp, scales, bias, c, ldc, M, N, K, act);
    return;
  }
  quantizeRows(a, lda, K, M, aq, ascale);
  gemmInt8Quantized(aq, ascale, bp, scales, bias, c, ldc, M, N, K, act);
}

// C over rows quantized by quantizeRowGroups: every group of 4 rows against every panel.
function gemmInt8Grouped(aq: usize, ascale: usize, bp: usize, scales: usize, bias: usize, c: usize, ldc: i32, M: i32, N: i32, K: i32, act: i32): void {
  const pairs = (K + 1) / 2;
  const groupBytes = <usize>(pairs * 16);
  const panels = (N + PANEL - 1) / PANEL;
  for (let pn = 0; pn < panels; pn++) {
    const panel = bp + <usize>(pn * pairs * 32);
    const col = pn * PANEL;
    const width = min(PANEL, N - col);
    let ap = aq;
    for (let m = 0; m < M; m += 4) {
      groupTile(ap, panel, pairs, scales, ascale + (<usize>m << 2), bias, c + (<usize>(m * ldc + col) << 2), ldc, col, width, act, min(4, M - m));
      ap += groupBytes;
    }
  }
}

/** Four grouped rows × one panel of 8 columns; stores the first `rows` rows. */
function groupTile(ap: usize, panel: usize, pairs: i32, scales: usize, ascale: usize, bias: usize, c: usize, ldc: i32, col: i32, width: i32, act: i32, rows: i32): void {
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

/**
 * gemmInt8 on rows already quantized: aq holds M rows of 2·ceil(K/2) i16 (quantizeRow's layout),
 * ascale their M scales; C[M, N] = act(rescaled A · B + bias), B and its column scales from
 * packInt8Gemm (or im2colPanelsInt8, one scale for every column).
 */
export function gemmInt8Quantized(
  aq: usize,
  ascale: usize,
  bp: usize,
  scales: usize,
  bias: usize,
  c: usize,
  ldc: i32,
  M: i32,
  N: i32,
  K: i32,
  act: i32,
): void {
  const pairs = (K + 1) / 2;
  const rowBytes = <usize>(pairs * 4);
  const panels = (N + PANEL - 1) / PANEL;
  for (let pn = 0; pn < panels; pn++) {
    const panel = bp + <usize>(pn * pairs * 32);
    const col = pn * PANEL;
    const width = min(PANEL, N - col);
    let m = 0;
    if (ASC_FEATURE_SIMD) {
      for (; m + 4 <= M; m += 4) tile4(aq + <usize>m * rowBytes, rowBytes, panel, pairs, scales, ascale + (<usize>m << 2), bias, c + (<usize>(m * ldc + col) << 2), ldc, col, width, act);
      for (; m < M; m++) tile1(aq + <usize>m * rowBytes, panel, pairs, scales, load<f32>(ascale + (<usize>m << 2)), bias, c + (<usize>(m * ldc + col) << 2), col, width, act);
    }
    for (; m < M; m++) row1(aq + <usize>m * rowBytes, panel, pairs, scales, load<f32>(ascale + (<usize>m << 2)), bias, c + (<usize>(m * ldc + col) << 2), col, width, act);
  }
}

/** Four rows × one panel of 8 columns. */
function tile4(q: usize, rowBytes: usize, panel: usize, pairs: i32, scales: usize, ascale: usize, bias: usize, c: usize, ldc: i32, col: i32, width: i32, act: i32): void {
  let a0 = i32x4.splat(0);
  let b0 = a0;
  let a1 = a0;
  let b1 = a0;
  let a2 = a0;
  let b2 = a0;
  let a3 = a0;
  let b3 = a0;
  let p = panel;
  for (let kp = 0; kp < pairs; kp++) {
    const lo = v128.load(p);
    const hi = v128.load(p, 16);
    const off = <usize>(kp << 2);
    const x0 = i32x4.splat(load<i32>(q + off));
    const x1 = i32x4.splat(load<i32>(q + rowBytes + off));
    const x2 = i32x4.splat(load<i32>(q + 2 * rowBytes + off));
    const x3 = i32x4.splat(load<i32>(q + 3 * rowBytes + off));
    a0 = i32x4.add(a0, i32x4.dot_i16x8_s(x0, lo));
    b0 = i32x4.add(b0, i32x4.dot_i16x8_s(x0, hi));
    a1 = i32x4.add(a1, i32x4.dot_i16x8_s(x1, lo));
    b1 = i32x4.add(b1, i32x4.dot_i16x8_s(x1, hi));
    a2 = i32x4.add(a2, i32x4.dot_i16x8_s(x2, lo));
    b2 = i32x4.add(b2, i32x4.dot_i16x8_s(x2, hi));
    a3 = i32x4.add(a3, i32x4.dot_i16x8_s(x3, lo));
    b3 = i32x4.add(b3, i32x4.dot_i16x8_s(x3, hi));
    p += 32;
  }
  const sLo = v128.load(scales + (<usize>col << 2));
  const sHi = v128.load(scales + (<usize>(col + 4) << 2));
  const bLo = bias ? v128.load(bias + (<usize>col << 2)) : f32x4.splat(0);
  const bHi = bias ? v128.load(bias + (<usize>(col + 4) << 2)) : f32x4.splat(0);
  finish(a0, b0, load<f32>(ascale), sLo, sHi, bLo, bHi, c, width, act);
  finish(a1, b1, load<f32>(ascale, 4), sLo, sHi, bLo, bHi, c + (<usize>ldc << 2), width, act);
  finish(a2, b2, load<f32>(ascale, 8), sLo, sHi, bLo, bHi, c + (<usize>(2 * ldc) << 2), width, act);
  finish(a3, b3, load<f32>(ascale, 12), sLo, sHi, bLo, bHi, c + (<usize>(3 * ldc) << 2), width, act);
}

/** One row × one panel of 8 columns (the rows past the last group of 4). */
function tile1(q: usize, panel: usize, pairs: i32, scales: usize, rowScale: f32, bias: usize, c: usize, col: i32, width: i32, act: i32): void {
  let lo = i32x4.splat(0);
  let hi = lo;
  let p = panel;
  for (let kp = 0; kp < pairs; kp++) {
    const x = i32x4.splat(load<i32>(q + (<usize>(kp << 2))));
    lo = i32x4.add(lo, i32x4.dot_i16x8_s(x, v128.load(p)));
    hi = i32x4.add(hi, i32x4.dot_i16x8_s(x, v128.load(p, 16)));
    p += 32;
  }
  const bLo = bias ? v128.load(bias + (<usize>col << 2)) : f32x4.splat(0);
  const bHi = bias ? v128.load(bias + (<usize>(col + 4) << 2)) : f32x4.splat(0);
  finish(lo, hi, rowScale, v128.load(scales + (<usize>col << 2)), v128.load(scales + (<usize>(col + 4) << 2)), bLo, bHi, c, width, act);
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

/** One row × one panel, scalar (the tail rows and the scalar build). */
function row1(q: usize, panel: usize, pairs: i32, scales: usize, rowScale: f32, bias: usize, c: usize, col: i32, width: i32, act: i32): void {
  for (let j = 0; j < width; j++) {
    let s: i32 = 0;
    for (let kp = 0; kp < pairs; kp++) {
      const w = panel + <usize>(kp * 32 + j * 4);
      s += <i32>load<i16>(q + (<usize>(kp << 2))) * <i32>load<i16>(w) + <i32>load<i16>(q + (<usize>(kp << 2)) + 2) * <i32>load<i16>(w + 2);
    }
    const n = col + j;
    let v: f32 = <f32>s * rowScale * load<f32>(scales + (<usize>n << 2));
    if (bias) v += load<f32>(bias + (<usize>n << 2));
    store<f32>(c + (<usize>j << 2), activateScalar(v, act));
  }
}
