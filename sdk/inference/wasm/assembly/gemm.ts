// Matrix multiply over B packed into panels of 8 columns (layouts in gemm-pack.ts).

import { biasVec, FIRST, LAST, micro4x8, micro5x8, storeRow } from './gemm-micro';
import { groupSize, K_CHUNK, PANEL, packRowGroups, ROW_BLOCK } from './gemm-pack';
import { activateScalar, madd } from './math';
import { heapScratch } from './scratch';

/**
 * C[M, N] = act(A[M, K] * B + bias), B packed by packB, A row-major with row stride lda
 * (floats), C row-major with row stride ldc. bias (N floats, padded to whole panels) may be
 * 0 for none.
 *
 * Rows go in groups of 5 and 4 (M = 5a + 4b leaves no row over whenever possible): the 5x8
 * tile keeps 10 accumulators in registers, the most the engine holds without spilling.
 * Groups are processed in blocks of ROW_BLOCK rows, K in chunks of K_CHUNK: a block's chunk of A
 * is packed into the scratch once and stays in cache while every panel of B passes.
 */
export function gemmPacked(
  a: usize, lda: i32, bp: usize, bias: usize, c: usize, ldc: i32,
  M: i32, N: i32, K: i32, act: i32, ahead: i32,
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
  const fives = groupsOfFive(M);
  const grouped = groupedRows(M);
  let row = 0;
  while (row < M) {
    // One block: up to ROW_BLOCK rows of whole groups, or the leftover single rows.
    const blockStart = row;
    let blockEnd = row;
    while (blockEnd < grouped && blockEnd - blockStart + groupSize(blockEnd, fives) <= ROW_BLOCK) blockEnd += groupSize(blockEnd, fives);
    if (blockEnd == blockStart) {
      leftoverRows(a, lda, bp, bias, c, ldc, blockStart, M, N, K, act);
      return;
    }
    let groups = 0;
    for (let i = blockStart; i < blockEnd; i += groupSize(i, fives)) groups++;
    let k0 = 0;
    do {
      const kc = min(K_CHUNK, K - k0);
      const mode = (k0 == 0 ? FIRST : 0) | (k0 + kc == K ? LAST : 0);
      packRowGroups(a, lda, blockStart, blockEnd, fives, k0, kc);
      // Cache lines of a panel's chunk (kc rows of 32 bytes) fetched per row group, rounded up.
      const fetchStep = <usize>((kc / 2 + groups - 1) / groups) << 6;
      const fetching = ahead != 0 && blockStart == 0 && groups >= AHEAD_MIN_GROUPS;
      for (let p = 0; p < panels; p++) {
        const panel = bp + (<usize>(p * K * PANEL + k0 * PANEL) << 2);
        const col = p * PANEL;
        const width = min(PANEL, N - col);
        // The first block's pass over a panel is the one that reads it from memory: fetch the
        // next panel's chunk meanwhile, spread over the block's row groups (see fetchAhead).
        // Two call sites keep panelRows a function of its own: inlined here, its loop shares
        // registers with this one's and runs ~1-2 % slower (CNN at batch 32).
        const cp = c + (<usize>col << 2);
        if (fetching && p + 1 < panels) {
          const next = panel + (<usize>(K * PANEL) << 2);
          panelRows(panel, bias, cp, ldc, blockStart, blockEnd, fives, kc, width, col, act, mode, next, fetchStep);
        } else panelRows(panel, bias, cp, ldc, blockStart, blockEnd, fives, kc, width, col, act, mode, 0, 0);
      }
      k0 += kc;
    } while (k0 < K);
    row = blockEnd;
  }
}

/**
 * One panel of B (its chunk of kc steps) against the packed row groups of rows [start, end),
 * into C's columns from c on. next (0 for none): a panel to fetch, fetchStep bytes per group.
 */
function panelRows(
  panel: usize, bias: usize, c: usize, ldc: i32, start: i32, end: i32, fives: i32,
  kc: i32, width: i32, col: i32, act: i32, mode: i32, next: usize, fetchStep: usize,
): void {
  const nextEnd: usize = next ? next + (<usize>(kc * PANEL) << 2) : 0;
  let ap = heapScratch();
  for (let i = start; i < end; ) {
    if (next < nextEnd) {
      fetchAhead(next, nextEnd, fetchStep);
      next += fetchStep;
    }
    const ci = c + (<usize>(i * ldc) << 2);
    // Two call sites (full and tail panel) keep the optimizer from inlining the micro-kernels
    // into this loop, where their accumulators could be spilled.
    if (groupSize(i, fives) == 5) {
      if (width == PANEL) micro5x8(ap, panel, bias, ci, ldc, kc, PANEL, col, act, mode);
      else micro5x8(ap, panel, bias, ci, ldc, kc, width, col, act, mode);
      ap += <usize>(5 * kc) << 2;
      i += 5;
    } else {
      if (width == PANEL) micro4x8(ap, panel, bias, ci, ldc, kc, PANEL, col, act, mode);
      else micro4x8(ap, panel, bias, ci, ldc, kc, width, col, act, mode);
      ap += <usize>(4 * kc) << 2;
      i += 4;
    }
  }
}

/**
 * Fewest row groups in the first block for fetching ahead: a panel's arithmetic over fewer rows
 * is too short to cover the fetch, whose loads then stall (d = 128 transformer at batch 1: +20 %).
 */
const AHEAD_MIN_GROUPS: i32 = 8;

/** Where fetchAhead's loads end up, so that no optimizer drops them. */
let fetchSink: i32 = 0;

/**
 * Loads one int from each cache line in [p, min(p + bytes, end)), all independent. WebAssembly
 * has no prefetch: these are plain loads, a few per row group, so a handful of misses are in
 * flight at once while the current panel's tiles run (in bigger bursts they stall; see
 * docs/benchmarks.md).
 */
// @ts-expect-error: decorator
@inline
function fetchAhead(p: usize, end: usize, bytes: usize): void {
  let x: i32 = 0;
  const stop = min(end, p + bytes);
  for (let q = p; q < stop; q += 64) x |= load<i32>(q);
  fetchSink ^= x;
}

/** fetchAhead's sink, exported so that the loads stay observable. */
export function gemmFetchSink(): i32 {
  return fetchSink;
}

/** How many groups of 5 rows gemmPacked makes of M rows (the rest of its groups have 4). */
function groupsOfFive(M: i32): i32 {
  let fours = 0;
  while (fours < 5 && (M - 4 * fours) % 5 != 0) fours++;
  if (M - 4 * fours < 0) fours = 0;
  return (M - 4 * fours) / 5;
}

/**
 * The rows gemmPacked computes in groups of 5 and 4, [0, groupedRows(M)); the rest (M of 1, 2,
 * 3, 6, 7 or 11 leaves 1–3) go one at a time through a tile that sums k in four interleaved
 * chains, so their last bits differ from a grouped row's.
 */
export function groupedRows(M: i32): i32 {
  const fives = groupsOfFive(M);
  const fours = (M - 5 * fives) / 4;
  return 5 * fives + 4 * fours;
}

// Rows [start, M) that no group of 5 or 4 covers (M of 1, 2, 3, 6, 7 or 11), one at a time.
function leftoverRows(a: usize, lda: i32, bp: usize, bias: usize, c: usize, ldc: i32, start: i32, M: i32, N: i32, K: i32, act: i32): void {
  const panels = (N + PANEL - 1) / PANEL;
  for (let p = 0; p < panels; p++) {
    const panel = bp + (<usize>(p * K * PANEL) << 2);
    const col = p * PANEL;
    const width = min(PANEL, N - col);
    for (let i = start; i < M; i++) {
      micro1x8(a + (<usize>(i * lda) << 2), panel, bias, c + (<usize>(i * ldc + col) << 2), K, width, col, act);
    }
  }
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
