// Packing of the GEMM operands into the layouts the micro-kernels read contiguously.
//
// B (K x N, packed once per weight): panel p holds columns [8p, 8p + 8) as K rows of 8 floats
// (zero padded past N); panel p starts at bp + p * K * 32 bytes.
//
// A (packed per call, a block of rows at a time, into the kernels' scratch): a group of 4 rows
// is K steps of [r0 r1 r2 r3] (16 bytes each); a group of 5 is K steps of [r4 r0 r1 r2 r3]
// (20 bytes), so rows 0-3 are one vector load and row 4 one broadcast, each at a constant
// offset from a single pointer (V8 folds those into the address; separate row pointers cost an
// address computation per load).

import { heapScratch } from './scratch';

export const PANEL: i32 = 8;

/** Rows of A per cache block (whole groups of 5 and 4). */
export const ROW_BLOCK: i32 = 60;

/** Most k steps of A packed at once: a block of ROW_BLOCK rows x K_CHUNK floats fills the scratch. */
export const K_CHUNK: i32 = 512;

/** Where packed A lives: ROW_BLOCK * K_CHUNK floats at the start of the kernels' scratch. */
export const APACK_BYTES: i32 = ROW_BLOCK * K_CHUNK * 4;

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
 * Packs rows [start, end) of A (row stride lda floats), columns [k0, k0 + kc), into the scratch,
 * group after group (sizes from `groupSize`); kc <= K_CHUNK and end - start <= ROW_BLOCK.
 */
export function packRowGroups(a: usize, lda: i32, start: i32, end: i32, fives: i32, k0: i32, kc: i32): void {
  let dst = heapScratch();
  const strideA = <usize>lda << 2;
  let i = start;
  while (i < end) {
    const g = groupSize(i, fives);
    packGroup(a + <usize>i * strideA + (<usize>k0 << 2), strideA, dst, g, kc);
    dst += <usize>(g * kc) << 2;
    i += g;
  }
}

/** Rows in the group starting at `row`: the first `fives` groups have 5, the rest 4. */
// @ts-expect-error: decorator
@inline
export function groupSize(row: i32, fives: i32): i32 {
  return row < 5 * fives ? 5 : 4;
}

// One group of g (4 or 5) rows, kc columns: four k at a time through a 4 x 4 transpose.
function packGroup(r0: usize, strideA: usize, dst: usize, g: i32, kc: i32): void {
  const lead: usize = g == 5 ? 4 : 0;
  const step = <usize>g << 2;
  const r1 = r0 + strideA;
  const r2 = r1 + strideA;
  const r3 = r2 + strideA;
  const r4 = r3 + strideA;
  let d = dst;
  let k = 0;
  for (; k + 4 <= kc; k += 4) {
    const o = <usize>k << 2;
    const x0 = v128.load(r0 + o);
    const x1 = v128.load(r1 + o);
    const x2 = v128.load(r2 + o);
    const x3 = v128.load(r3 + o);
    const u0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
    const u1 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
    const u2 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
    const u3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
    v128.store(d + lead, i32x4.shuffle(u0, u1, 0, 1, 4, 5));
    v128.store(d + lead + step, i32x4.shuffle(u0, u1, 2, 3, 6, 7));
    v128.store(d + lead + 2 * step, i32x4.shuffle(u2, u3, 0, 1, 4, 5));
    v128.store(d + lead + 3 * step, i32x4.shuffle(u2, u3, 2, 3, 6, 7));
    if (g == 5) {
      const x4 = v128.load(r4 + o);
      v128.store32_lane(d, x4, 0);
      v128.store32_lane(d + step, x4, 1);
      v128.store32_lane(d + 2 * step, x4, 2);
      v128.store32_lane(d + 3 * step, x4, 3);
    }
    d += step << 2;
  }
  for (; k < kc; k++) {
    const o = <usize>k << 2;
    store<f32>(d + lead, load<f32>(r0 + o));
    store<f32>(d + lead, load<f32>(r1 + o), 4);
    store<f32>(d + lead, load<f32>(r2 + o), 8);
    store<f32>(d + lead, load<f32>(r3 + o), 12);
    if (g == 5) store<f32>(d, load<f32>(r4 + o));
    d += step;
  }
}
