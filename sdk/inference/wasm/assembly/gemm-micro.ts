// The packed GEMM's register tiles: 5 or 4 rows of packed A (gemm-pack.ts) times one panel of
// 8 columns of packed B, over one chunk of K, accumulating in 10 or 8 vector registers.
//
// `mode` says where the chunk lies in K: FIRST starts from zero (else from the partial sums a
// previous chunk left in C, so the sums run in the same order as in one pass, bit for bit), LAST
// adds the bias and applies the activation (else the raw partial sums are stored).
//
// Each tile is one long function on purpose: its 8 or 10 accumulators must stay in registers
// from the first k step to the stores, and a helper cannot take ten vectors and hand them back
// (AssemblyScript has no multiple returns; through memory or a call they spill).

import { PANEL } from './gemm-pack';
import { ACT_NONE, activateVec, madd } from './math';

/** The chunk starts at k = 0. */
export const FIRST: i32 = 1;
/** The chunk ends at k = K. */
export const LAST: i32 = 2;

/** Accumulator tile of the micro-kernels for tail panels: up to 5 rows x 8 columns. */
const tile = memory.data(5 * 8 * 4, 16);

// 5 rows of A packed as [r4 r0 r1 r2 r3] per k step x one panel of 8 columns, K steps.
export function micro5x8(ap: usize, panel: usize, bias: usize, c: usize, ldc: i32, K: i32, width: i32, col: i32, act: i32, mode: i32): void {
  let c00: v128;
  let c01: v128;
  let c10: v128;
  let c11: v128;
  let c20: v128;
  let c21: v128;
  let c30: v128;
  let c31: v128;
  let c40: v128;
  let c41: v128;
  if (mode & FIRST) {
    const z = f32x4.splat(0);
    c00 = z;
    c01 = z;
    c10 = z;
    c11 = z;
    c20 = z;
    c21 = z;
    c30 = z;
    c31 = z;
    c40 = z;
    c41 = z;
  } else {
    // A later chunk of K: carry on from the partial sums the previous chunk left in C.
    const s: usize = width == PANEL ? <usize>ldc << 2 : 32;
    const src = width == PANEL ? c : stageTail(c, ldc, 5, width);
    c00 = v128.load(src + 0 * s);
    c01 = v128.load(src + 0 * s, 16);
    c10 = v128.load(src + 1 * s);
    c11 = v128.load(src + 1 * s, 16);
    c20 = v128.load(src + 2 * s);
    c21 = v128.load(src + 2 * s, 16);
    c30 = v128.load(src + 3 * s);
    c31 = v128.load(src + 3 * s, 16);
    c40 = v128.load(src + 4 * s);
    c41 = v128.load(src + 4 * s, 16);
  }
  let b = panel;
  const end = panel + (<usize>K << 5);
  while (b < end) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let s = v128.load32_splat(ap);
    c40 = madd(c40, s, b0);
    c41 = madd(c41, s, b1);
    if (ASC_FEATURE_RELAXED_SIMD) {
      // Rows 0-3 in one load, each broadcast by a shuffle: fewer instructions per step.
      const q = v128.load(ap, 4);
      s = i32x4.shuffle(q, q, 0, 0, 0, 0);
      c00 = madd(c00, s, b0);
      c01 = madd(c01, s, b1);
      s = i32x4.shuffle(q, q, 1, 1, 1, 1);
      c10 = madd(c10, s, b0);
      c11 = madd(c11, s, b1);
      s = i32x4.shuffle(q, q, 2, 2, 2, 2);
      c20 = madd(c20, s, b0);
      c21 = madd(c21, s, b1);
      s = i32x4.shuffle(q, q, 3, 3, 3, 3);
      c30 = madd(c30, s, b0);
      c31 = madd(c31, s, b1);
    } else {
      // Multiply and add take a temporary: one more live vector (q) would spill an accumulator.
      s = v128.load32_splat(ap, 4);
      c00 = madd(c00, s, b0);
      c01 = madd(c01, s, b1);
      s = v128.load32_splat(ap, 8);
      c10 = madd(c10, s, b0);
      c11 = madd(c11, s, b1);
      s = v128.load32_splat(ap, 12);
      c20 = madd(c20, s, b0);
      c21 = madd(c21, s, b1);
      s = v128.load32_splat(ap, 16);
      c30 = madd(c30, s, b0);
      c31 = madd(c31, s, b1);
    }
    b += 32;
    ap += 20;
  }
  const last = mode & LAST;
  if (width == PANEL) {
    // Bias, activation and the stores straight from the accumulators (tail panels go through
    // the tile). GELU's constants come from memory (math.ts), so inlining it here spills nothing.
    // The bias, or +0 without one: as the tail tiles (finishTile) do, so a sum of -0 (a fused
    // multiply-add of a product too small to represent) leaves as +0 on every path.
    if (last) {
      const b0 = biasVec(bias, col, 0);
      const b1 = biasVec(bias, col, 1);
      c00 = f32x4.add(c00, b0);
      c01 = f32x4.add(c01, b1);
      c10 = f32x4.add(c10, b0);
      c11 = f32x4.add(c11, b1);
      c20 = f32x4.add(c20, b0);
      c21 = f32x4.add(c21, b1);
      c30 = f32x4.add(c30, b0);
      c31 = f32x4.add(c31, b1);
      c40 = f32x4.add(c40, b0);
      c41 = f32x4.add(c41, b1);
    }
    if (last && act != ACT_NONE) {
      c00 = activateVec(c00, act);
      c01 = activateVec(c01, act);
      c10 = activateVec(c10, act);
      c11 = activateVec(c11, act);
      c20 = activateVec(c20, act);
      c21 = activateVec(c21, act);
      c30 = activateVec(c30, act);
      c31 = activateVec(c31, act);
      c40 = activateVec(c40, act);
      c41 = activateVec(c41, act);
    }
    const strideC = <usize>ldc << 2;
    v128.store(c + 0 * strideC, c00);
    v128.store(c + 0 * strideC, c01, 16);
    v128.store(c + 1 * strideC, c10);
    v128.store(c + 1 * strideC, c11, 16);
    v128.store(c + 2 * strideC, c20);
    v128.store(c + 2 * strideC, c21, 16);
    v128.store(c + 3 * strideC, c30);
    v128.store(c + 3 * strideC, c31, 16);
    v128.store(c + 4 * strideC, c40);
    v128.store(c + 4 * strideC, c41, 16);
    return;
  }
  v128.store(tile, c00, 0);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  v128.store(tile, c40, 128);
  v128.store(tile, c41, 144);
  if (last) finishTile(c, ldc, 5, width, bias, col, act);
  else storeTile(c, ldc, 5, width);
}

// 4 rows of A packed as [r0 r1 r2 r3] per k step x one panel of 8 columns, K steps.
export function micro4x8(ap: usize, panel: usize, bias: usize, c: usize, ldc: i32, K: i32, width: i32, col: i32, act: i32, mode: i32): void {
  let c00: v128;
  let c01: v128;
  let c10: v128;
  let c11: v128;
  let c20: v128;
  let c21: v128;
  let c30: v128;
  let c31: v128;
  if (mode & FIRST) {
    const z = f32x4.splat(0);
    c00 = z;
    c01 = z;
    c10 = z;
    c11 = z;
    c20 = z;
    c21 = z;
    c30 = z;
    c31 = z;
  } else {
    // A later chunk of K: carry on from the partial sums the previous chunk left in C.
    const s: usize = width == PANEL ? <usize>ldc << 2 : 32;
    const src = width == PANEL ? c : stageTail(c, ldc, 4, width);
    c00 = v128.load(src + 0 * s);
    c01 = v128.load(src + 0 * s, 16);
    c10 = v128.load(src + 1 * s);
    c11 = v128.load(src + 1 * s, 16);
    c20 = v128.load(src + 2 * s);
    c21 = v128.load(src + 2 * s, 16);
    c30 = v128.load(src + 3 * s);
    c31 = v128.load(src + 3 * s, 16);
  }
  let b = panel;
  const end = panel + (<usize>K << 5);
  while (b < end) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let s: v128;
    if (ASC_FEATURE_RELAXED_SIMD) {
      // Rows 0-3 in one load, each broadcast by a shuffle: fewer instructions per step.
      const q = v128.load(ap, 0);
      s = i32x4.shuffle(q, q, 0, 0, 0, 0);
      c00 = madd(c00, s, b0);
      c01 = madd(c01, s, b1);
      s = i32x4.shuffle(q, q, 1, 1, 1, 1);
      c10 = madd(c10, s, b0);
      c11 = madd(c11, s, b1);
      s = i32x4.shuffle(q, q, 2, 2, 2, 2);
      c20 = madd(c20, s, b0);
      c21 = madd(c21, s, b1);
      s = i32x4.shuffle(q, q, 3, 3, 3, 3);
      c30 = madd(c30, s, b0);
      c31 = madd(c31, s, b1);
    } else {
      // Multiply and add take a temporary: one more live vector (q) would spill an accumulator.
      s = v128.load32_splat(ap, 0);
      c00 = madd(c00, s, b0);
      c01 = madd(c01, s, b1);
      s = v128.load32_splat(ap, 4);
      c10 = madd(c10, s, b0);
      c11 = madd(c11, s, b1);
      s = v128.load32_splat(ap, 8);
      c20 = madd(c20, s, b0);
      c21 = madd(c21, s, b1);
      s = v128.load32_splat(ap, 12);
      c30 = madd(c30, s, b0);
      c31 = madd(c31, s, b1);
    }
    b += 32;
    ap += 16;
  }
  const last = mode & LAST;
  if (width == PANEL) {
    // Bias, activation and the stores straight from the accumulators (tail panels go through
    // the tile). GELU's constants come from memory (math.ts), so inlining it here spills nothing.
    // The bias, or +0 without one: as the tail tiles (finishTile) do, so a sum of -0 (a fused
    // multiply-add of a product too small to represent) leaves as +0 on every path.
    if (last) {
      const b0 = biasVec(bias, col, 0);
      const b1 = biasVec(bias, col, 1);
      c00 = f32x4.add(c00, b0);
      c01 = f32x4.add(c01, b1);
      c10 = f32x4.add(c10, b0);
      c11 = f32x4.add(c11, b1);
      c20 = f32x4.add(c20, b0);
      c21 = f32x4.add(c21, b1);
      c30 = f32x4.add(c30, b0);
      c31 = f32x4.add(c31, b1);
    }
    if (last && act != ACT_NONE) {
      c00 = activateVec(c00, act);
      c01 = activateVec(c01, act);
      c10 = activateVec(c10, act);
      c11 = activateVec(c11, act);
      c20 = activateVec(c20, act);
      c21 = activateVec(c21, act);
      c30 = activateVec(c30, act);
      c31 = activateVec(c31, act);
    }
    const strideC = <usize>ldc << 2;
    v128.store(c + 0 * strideC, c00);
    v128.store(c + 0 * strideC, c01, 16);
    v128.store(c + 1 * strideC, c10);
    v128.store(c + 1 * strideC, c11, 16);
    v128.store(c + 2 * strideC, c20);
    v128.store(c + 2 * strideC, c21, 16);
    v128.store(c + 3 * strideC, c30);
    v128.store(c + 3 * strideC, c31, 16);
    return;
  }
  v128.store(tile, c00, 0);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  if (last) finishTile(c, ldc, 4, width, bias, col, act);
  else storeTile(c, ldc, 4, width);
}

/**
 * Adds the bias, applies the activation and stores `rows` x 8 accumulators of the tile into C
 * (only `width` columns). Kept out of the micro-kernels so their loops hold only accumulators
 * in registers. Bias columns past N were padded by the host.
 */
function finishTile(c: usize, ldc: i32, rows: i32, width: i32, bias: usize, col: i32, act: i32): void {
  const b0 = biasVec(bias, col, 0);
  const b1 = biasVec(bias, col, 1);
  const strideC = <usize>ldc << 2;
  for (let r = 0; r < rows; r++) {
    const t = tile + (<usize>r << 5);
    storeRow(c + <usize>r * strideC, f32x4.add(v128.load(t), b0), f32x4.add(v128.load(t, 16), b1), width, act);
  }
}

/** Stores the tile's raw partial sums into C's first `width` columns (a chunk of K before the last). */
function storeTile(c: usize, ldc: i32, rows: i32, width: i32): void {
  const strideC = <usize>ldc << 2;
  for (let r = 0; r < rows; r++) {
    const t = tile + (<usize>r << 5);
    for (let j = 0; j < width; j++) store<f32>(c + <usize>r * strideC + (<usize>j << 2), load<f32>(t + (<usize>j << 2)));
  }
}

/** Copies C's first `width` columns of `rows` rows into the tile (zero past them) and returns it. */
function stageTail(c: usize, ldc: i32, rows: i32, width: i32): usize {
  const strideC = <usize>ldc << 2;
  for (let r = 0; r < rows; r++) {
    const t = tile + (<usize>r << 5);
    for (let j = 0; j < PANEL; j++) store<f32>(t + (<usize>j << 2), j < width ? load<f32>(c + <usize>r * strideC + (<usize>j << 2)) : 0);
  }
  return tile;
}

/** The bias of columns [col + 4 half, col + 4 half + 4), or zeros without a bias. */
// @ts-expect-error: decorator
@inline
export function biasVec(bias: usize, col: i32, half: i32): v128 {
  return bias ? v128.load(bias + (<usize>(col + half * 4) << 2)) : f32x4.splat(0);
}

/** Applies the activation to one row of 8 sums and stores its first `width` columns at c. */
// @ts-expect-error: decorator
@inline
export function storeRow(c: usize, lo: v128, hi: v128, width: i32, act: i32): void {
  const x = activateVec(lo, act);
  const y = activateVec(hi, act);
  if (width == PANEL) {
    v128.store(c, x);
    v128.store(c, y, 16);
    return;
  }
  // Tail panel: write only the valid columns.
  const tmp = memory.data(32);
  v128.store(tmp, x);
  v128.store(tmp, y, 16);
  for (let j = 0; j < width; j++) store<f32>(c + (<usize>j << 2), load<f32>(tmp + (<usize>j << 2)));
}
