// Matrix multiply over B packed into panels of 8 columns.
//
// Packed layout of B (K x N): panel p holds columns [8p, 8p + 8), stored as K rows
// of 8 floats (zero padded past N), so the micro-kernel reads B contiguously.
// Panel p starts at bp + p * K * 32 bytes. Panels total ceil(N / 8) * K * 8 floats.

import { activateScalar, activateVec, madd } from './math';

const PANEL: i32 = 8;

/** Packs B into panels. transB = 0: b is [K, N] row-major; 1: b is [N, K] (Gemm transB / nn.Linear weight). */
export function packB(b: usize, bp: usize, K: i32, N: i32, transB: i32): void {
  const panels = (N + PANEL - 1) / PANEL;
  for (let p = 0; p < panels; p++) {
    const base = bp + (<usize>(p * K * PANEL) << 2);
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < PANEL; j++) {
        const col = p * PANEL + j;
        let v: f32 = 0;
        if (col < N) {
          v = transB
            ? load<f32>(b + (<usize>(col * K + k) << 2))
            : load<f32>(b + (<usize>(k * N + col) << 2));
        }
        store<f32>(base + (<usize>(k * PANEL + j) << 2), v);
      }
    }
  }
}

/** Floats a packed B of K x N occupies. */
export function packedSize(K: i32, N: i32): i32 {
  return ((N + PANEL - 1) / PANEL) * PANEL * K;
}

/**
 * C[M, N] = act(A[M, K] * B + bias), B packed by packB, A row-major with row stride lda
 * (floats), C row-major with row stride ldc. bias (N floats, padded to whole panels) may be
 * 0 for none.
 *
 * Rows go in groups of 5 and 4 (M = 5a + 4b leaves no row over whenever possible): the 5x8
 * tile keeps 10 accumulators in registers, the most the engine holds without spilling.
 * Groups are processed in blocks of ROW_BLOCK rows so a block of A stays in cache while every
 * panel of B passes.
 */
export function gemmPacked(
  a: usize, lda: i32, bp: usize, bias: usize, c: usize, ldc: i32,
  M: i32, N: i32, K: i32, act: i32,
): void {
  const panels = (N + PANEL - 1) / PANEL;
  if (!ASC_FEATURE_SIMD) {
    for (let p = 0; p < panels; p++) {
      const col = p * PANEL;
      const panel = bp + (<usize>(p * K * PANEL) << 2);
      for (let i = 0; i < M; i++) {
        scalar1x8(a + (<usize>(i * lda) << 2), panel, bias, c + (<usize>(i * ldc + col) << 2), K, min(PANEL, N - col), col, act);
      }
    }
    return;
  }
  let fours = 0;
  while (fours < 5 && (M - 4 * fours) % 5 != 0) fours++;
  if (M - 4 * fours < 0) fours = 0;
  const fives = (M - 4 * fours) / 5;
  const grouped = 5 * fives + 4 * fours;
  let row = 0;
  while (row < M) {
    // One block: up to ROW_BLOCK rows of whole groups, or the leftover single rows.
    const blockStart = row;
    let blockEnd = row;
    while (blockEnd < grouped && blockEnd - blockStart + groupSize(blockEnd, fives) <= ROW_BLOCK) blockEnd += groupSize(blockEnd, fives);
    if (blockEnd == blockStart) blockEnd = M;
    for (let p = 0; p < panels; p++) {
      const panel = bp + (<usize>(p * K * PANEL) << 2);
      const col = p * PANEL;
      const width = min(PANEL, N - col);
      let i = blockStart;
      while (i < blockEnd) {
        const ai = a + (<usize>(i * lda) << 2);
        const ci = c + (<usize>(i * ldc + col) << 2);
        if (i >= grouped) {
          micro1x8(ai, panel, bias, ci, K, width, col, act);
          i++;
        } else if (groupSize(i, fives) == 5) {
          // Two call sites (full and tail panel) keep the optimizer from inlining the
          // micro-kernels into this loop, where their accumulators could be spilled.
          if (width == PANEL) micro5x8(ai, lda, panel, bias, ci, ldc, K, PANEL, col, act);
          else micro5x8(ai, lda, panel, bias, ci, ldc, K, width, col, act);
          i += 5;
        } else {
          if (width == PANEL) micro4x8(ai, lda, panel, bias, ci, ldc, K, PANEL, col, act);
          else micro4x8(ai, lda, panel, bias, ci, ldc, K, width, col, act);
          i += 4;
        }
      }
    }
    row = blockEnd;
  }
}

/** Rows of A per cache block (whole groups of 5 and 4). */
const ROW_BLOCK: i32 = 60;

// @ts-expect-error: decorator
@inline
function groupSize(row: i32, fives: i32): i32 {
  return row < 5 * fives ? 5 : 4;
}

// @ts-expect-error: decorator
@inline
function biasVec(bias: usize, col: i32, half: i32): v128 {
  return bias ? v128.load(bias + (<usize>(col + half * 4) << 2)) : f32x4.splat(0);
}

// @ts-expect-error: decorator
@inline
function storeRow(c: usize, lo: v128, hi: v128, width: i32, act: i32): void {
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

/** Accumulator tile of the packed micro-kernels: up to 5 rows x 8 columns. */
const tile = memory.data(5 * 8 * 4, 16);

/**
 * Adds the bias, applies the activation and stores a tile of `rows` x 8 accumulators into C.
 * Kept out of the micro-kernels so their loops hold only accumulators in registers (an inlined
 * GELU epilogue made the engine spill them). Bias columns past N were padded by the host.
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

// 5 rows of A (row stride lda floats) x one panel of 8 columns.
function micro5x8(a0: usize, lda: i32, panel: usize, bias: usize, c: usize, ldc: i32, K: i32, width: i32, col: i32, act: i32): void {
  const strideA = <usize>lda << 2;
  const a1 = a0 + strideA;
  const a2 = a1 + strideA;
  const a3 = a2 + strideA;
  const a4 = a3 + strideA;
  let c00 = f32x4.splat(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  let c40 = c00;
  let c41 = c00;
  let b = panel;
  const end = <usize>K << 2;
  for (let off: usize = 0; off < end; off += 4) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let s: v128;
    s = v128.load32_splat(a0 + off);
    c00 = madd(c00, s, b0);
    c01 = madd(c01, s, b1);
    s = v128.load32_splat(a1 + off);
    c10 = madd(c10, s, b0);
    c11 = madd(c11, s, b1);
    s = v128.load32_splat(a2 + off);
    c20 = madd(c20, s, b0);
    c21 = madd(c21, s, b1);
    s = v128.load32_splat(a3 + off);
    c30 = madd(c30, s, b0);
    c31 = madd(c31, s, b1);
    s = v128.load32_splat(a4 + off);
    c40 = madd(c40, s, b0);
    c41 = madd(c41, s, b1);
    b += 32;
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
  finishTile(c, ldc, 5, width, bias, col, act);
}

// 4 rows of A (row stride lda floats) x one panel of 8 columns.
function micro4x8(a0: usize, lda: i32, panel: usize, bias: usize, c: usize, ldc: i32, K: i32, width: i32, col: i32, act: i32): void {
  const strideA = <usize>lda << 2;
  const a1 = a0 + strideA;
  const a2 = a1 + strideA;
  const a3 = a2 + strideA;
  let c00 = f32x4.splat(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  let b = panel;
  const end = <usize>K << 2;
  for (let off: usize = 0; off < end; off += 4) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let s: v128;
    s = v128.load32_splat(a0 + off);
    c00 = madd(c00, s, b0);
    c01 = madd(c01, s, b1);
    s = v128.load32_splat(a1 + off);
    c10 = madd(c10, s, b0);
    c11 = madd(c11, s, b1);
    s = v128.load32_splat(a2 + off);
    c20 = madd(c20, s, b0);
    c21 = madd(c21, s, b1);
    s = v128.load32_splat(a3 + off);
    c30 = madd(c30, s, b0);
    c31 = madd(c31, s, b1);
    b += 32;
  }
  v128.store(tile, c00, 0);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  finishTile(c, ldc, 4, width, bias, col, act);
}

// One row: four independent accumulator pairs over k so the add chain never stalls.
function micro1x8(a: usize, panel: usize, bias: usize, c: usize, K: i32, width: i32, col: i32, act: i32): void {
  let s0 = biasVec(bias, col, 0);
  let s1 = biasVec(bias, col, 1);
  let t0 = f32x4.splat(0);
  let t1 = t0;
  let u0 = t0;
  let u1 = t0;
  let w0 = t0;
  let w1 = t0;
  let k = 0;
  let bptr = panel;
  for (; k + 4 <= K; k += 4) {
    const ak = a + (<usize>k << 2);
    const x0 = v128.load32_splat(ak);
    const x1 = v128.load32_splat(ak, 4);
    const x2 = v128.load32_splat(ak, 8);
    const x3 = v128.load32_splat(ak, 12);
    s0 = madd(s0, x0, v128.load(bptr));
    s1 = madd(s1, x0, v128.load(bptr, 16));
    t0 = madd(t0, x1, v128.load(bptr, 32));
    t1 = madd(t1, x1, v128.load(bptr, 48));
    u0 = madd(u0, x2, v128.load(bptr, 64));
    u1 = madd(u1, x2, v128.load(bptr, 80));
    w0 = madd(w0, x3, v128.load(bptr, 96));
    w1 = madd(w1, x3, v128.load(bptr, 112));
    bptr += 128;
  }
  for (; k < K; k++) {
    const x0 = v128.load32_splat(a + (<usize>k << 2));
    s0 = madd(s0, x0, v128.load(bptr));
    s1 = madd(s1, x0, v128.load(bptr, 16));
    bptr += 32;
  }
  s0 = f32x4.add(f32x4.add(s0, t0), f32x4.add(u0, w0));
  s1 = f32x4.add(f32x4.add(s1, t1), f32x4.add(u1, w1));
  storeRow(c, s0, s1, width, act);
}

function scalar1x8(a: usize, panel: usize, bias: usize, c: usize, K: i32, width: i32, col: i32, act: i32): void {
  for (let j = 0; j < width; j++) {
    let s: f32 = bias ? load<f32>(bias + (<usize>(col + j) << 2)) : 0;
    for (let k = 0; k < K; k++) {
      s += load<f32>(a + (<usize>k << 2)) * load<f32>(panel + (<usize>(k * PANEL + j) << 2));
    }
    store<f32>(c + (<usize>j << 2), activateScalar(s, act));
  }
}

/**
 * Batched C[n] = A[n] * B[n] for unpacked operands (attention scores, weighted values).
 * A: [M, K] rows of stride lda; B: [K, N] rows of stride ldb; C: [M, N] rows of stride ldc;
 * matrix n starts at base + n * stride (all strides in floats).
 */
export function matmulBatched(
  a: usize, sa: i32, lda: i32, b: usize, sb: i32, ldb: i32, c: usize, sc: i32, ldc: i32,
  batch: i32, M: i32, N: i32, K: i32,
): void {
  for (let n = 0; n < batch; n++) {
    const an = a + (<usize>(n * sa) << 2);
    const bn = b + (<usize>(n * sb) << 2);
    const cn = c + (<usize>(n * sc) << 2);
    for (let i = 0; i < M; i++) {
      const ai = an + (<usize>(i * lda) << 2);
      const ci = cn + (<usize>(i * ldc) << 2);
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        for (; j + 4 <= N; j += 4) {
          let acc = f32x4.splat(0);
          let k = 0;
          if (ASC_FEATURE_RELAXED_SIMD) {
            // A fused multiply-add waits for its accumulator (4 cycles on x86, where a separate add
            // takes 2-3): even and odd k accumulate apart, so two chains are in flight.
            let odd = acc;
            for (; k + 2 <= K; k += 2) {
              const x = v128.load32_splat(ai + (<usize>k << 2));
              const y = v128.load32_splat(ai + (<usize>k << 2), 4);
              const bk = bn + (<usize>(k * ldb + j) << 2);
              acc = madd(acc, x, v128.load(bk));
              odd = madd(odd, y, v128.load(bk + (<usize>ldb << 2)));
            }
            acc = f32x4.add(acc, odd);
          }
          for (; k < K; k++) {
            const x = v128.load32_splat(ai + (<usize>k << 2));
            acc = f32x4.add(acc, f32x4.mul(x, v128.load(bn + (<usize>(k * ldb + j) << 2))));
          }
          v128.store(ci + (<usize>j << 2), acc);
        }
      }
      for (; j < N; j++) {
        let s: f32 = 0;
        for (let k = 0; k < K; k++) s += load<f32>(ai + (<usize>k << 2)) * load<f32>(bn + (<usize>(k * ldb + j) << 2));
        store<f32>(ci + (<usize>j << 2), s);
      }
    }
  }
}
