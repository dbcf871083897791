// Fused scaled dot-product attention for one head at a time:
// out[i] = sum_j softmax_j(scale * q[i].k[j] + mask[i, j]) v[j]
// Scores for a block of query rows live in a scratch buffer; nothing else is materialized.
// Head sizes 16 and 32 (d_model 64 or 128 over 4 heads) have register-resident kernels:
// the query row stays in registers, four keys are scored per step and reduced with one
// transpose-add, and the weighted sum keeps the whole output row in accumulators.

import { expOrZeroVec, madd } from './math';
import { softmaxRow } from './norm';

/**
 * Strided layout (all strides in floats, the head dim contiguous):
 *   q[n, i, :] at q + n*qn + i*qi   (n < heads, i < T)
 *   k[n, j, :] at k + n*kn + j*kj   (j < S)
 *   v[n, j, :] at v + n*vn + j*vj
 *   out[n, i, :] at o + n*on + i*oi
 *   mask[n, i, j] at m + n*mn + i*mi + j (additive; m = 0 for none; mn/mi may be 0 to broadcast)
 * scratch: attentionScratchBytes(S) bytes, 16-byte aligned.
 */
export function attention(
  q: usize, qn: i32, qi: i32, k: usize, kn: i32, kj: i32, v: usize, vn: i32, vj: i32,
  o: usize, on: i32, oi: i32, m: usize, mn: i32, mi: i32,
  heads: i32, T: i32, S: i32, D: i32, scale: f32, scratch: usize,
): void {
  const rowBytes = <usize>((S + 3) & ~3) << 2;
  const block = queryBlock(S);
  for (let n = 0; n < heads; n++) {
    const kbase = k + (<usize>(n * kn) << 2);
    const vbase = v + (<usize>(n * vn) << 2);
    for (let i0 = 0; i0 < T; i0 += block) {
      const rows = min(block, T - i0);
      // A block of query rows: every score row first, then their softmax together (the exps of
      // different rows overlap; one row alone waits on its chain), then every weighted sum.
      for (let r = 0; r < rows; r++) {
        const i = i0 + r;
        const qrow = q + (<usize>(n * qn + i * qi) << 2);
        const mrow = m ? m + (<usize>(n * mn + i * mi) << 2) : 0;
        const out = scratch + <usize>r * rowBytes;
        if (ASC_FEATURE_SIMD && D == 16) scores16(qrow, kbase, kj, mrow, S, scale, out);
        else if (ASC_FEATURE_SIMD && D == 32) scores32(qrow, kbase, kj, mrow, S, scale, out);
        else scoresAny(qrow, kbase, kj, mrow, S, D, scale, out);
      }
      if (ASC_FEATURE_SIMD) softmaxRows(scratch, rows, S, scratch + <usize>block * rowBytes);
      else for (let r = 0; r < rows; r++) softmaxRow(scratch + <usize>r * rowBytes, scratch + <usize>r * rowBytes, S);
      for (let r = 0; r < rows; r++) {
        const p = scratch + <usize>r * rowBytes;
        const orow = o + (<usize>(n * on + (i0 + r) * oi) << 2);
        if (ASC_FEATURE_SIMD && D == 16) weighted16(p, vbase, vj, S, orow);
        else if (ASC_FEATURE_SIMD && D == 32) weighted32(p, vbase, vj, S, orow);
        else weightedAny(p, vbase, vj, S, D, orow);
      }
    }
  }
}

/**
 * Query rows scored, normalized and weighted together: 16, or fewer when the keys are so many
 * that 16 score rows would pass 64 KiB (the scratch then stays the size of one row, as before).
 */
function queryBlock(S: i32): i32 {
  return max(1, min(16, 16384 / ((S + 3) & ~3)));
}

/** Bytes of scratch `attention` needs for S keys: a block of score rows padded to whole vectors, and a vector per row. */
export function attentionScratchBytes(S: i32): i32 {
  return queryBlock(S) * (((S + 3) & ~3) * 4 + 16);
}

/**
 * Softmax of `rows` score rows of S floats (rows padded to whole vectors) in place, in three
 * passes over the rows: maxima, exps and sums, scaling. The padding lanes must hold -inf (the
 * scorers write them), so they weigh exactly 0 and no score goes through a scalar exp. A NaN
 * score makes its row NaN, and so does a fully masked row (all -inf), as in the reference.
 * stats: one vector per row.
 */
function softmaxRows(p: usize, rows: i32, S: i32, stats: usize): void {
  const width = (S + 3) & ~3;
  const rowBytes = <usize>width << 2;
  const end = p + <usize>rows * rowBytes;
  let st = stats;
  for (let row = p; row < end; row += rowBytes) {
    let mx = v128.load(row);
    for (let off: usize = 16; off < rowBytes; off += 16) mx = f32x4.pmax(mx, v128.load(row + off));
    mx = f32x4.pmax(mx, v128.shuffle<f32>(mx, mx, 2, 3, 0, 1));
    v128.store(st, f32x4.pmax(mx, v128.shuffle<f32>(mx, mx, 1, 0, 3, 2)));
    st += 16;
  }
  st = stats;
  for (let row = p; row < end; row += rowBytes) {
    const mx = v128.load(st);
    let sum = f32x4.splat(0);
    for (let off: usize = 0; off < rowBytes; off += 16) {
      // Underflow weighs exactly 0; NaN (a NaN score, or -inf minus -inf) stays NaN.
      const e = expOrZeroVec(f32x4.sub(v128.load(row + off), mx));
      v128.store(row + off, e);
      sum = f32x4.add(sum, e);
    }
    sum = f32x4.add(sum, v128.shuffle<f32>(sum, sum, 2, 3, 0, 1));
    v128.store(st, f32x4.add(sum, v128.shuffle<f32>(sum, sum, 1, 0, 3, 2)));
    st += 16;
  }
  st = stats;
  const one = f32x4.splat(1);
  for (let row = p; row < end; row += rowBytes) {
    const inv = f32x4.div(one, v128.load(st));
    for (let off: usize = 0; off < rowBytes; off += 16) v128.store(row + off, f32x4.mul(v128.load(row + off), inv));
    st += 16;
  }
}

// @ts-ignore: decorator
@inline
function hadd4(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  const u0 = f32x4.add(v128.shuffle<f32>(s0, s1, 0, 4, 1, 5), v128.shuffle<f32>(s0, s1, 2, 6, 3, 7));
  const u1 = f32x4.add(v128.shuffle<f32>(s2, s3, 0, 4, 1, 5), v128.shuffle<f32>(s2, s3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(u0, u1, 0, 1, 4, 5), v128.shuffle<f32>(u0, u1, 2, 3, 6, 7));
}

// @ts-ignore: decorator
@inline
function dot16(q0: v128, q1: v128, q2: v128, q3: v128, r: usize): v128 {
  // Relaxed build: one multiply and a chain of three fused multiply-adds (the callers score four
  // keys at a time, so four chains are in flight).
  if (ASC_FEATURE_RELAXED_SIMD) {
    return madd(madd(madd(f32x4.mul(q0, v128.load(r)), q1, v128.load(r, 16)), q2, v128.load(r, 32)), q3, v128.load(r, 48));
  }
  return f32x4.add(
    f32x4.add(f32x4.mul(q0, v128.load(r)), f32x4.mul(q1, v128.load(r, 16))),
    f32x4.add(f32x4.mul(q2, v128.load(r, 32)), f32x4.mul(q3, v128.load(r, 48))),
  );
}

// @ts-ignore: decorator
@inline
function lanes(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// @ts-ignore: decorator
@inline
function storeScores(out: usize, s: v128, mrow: usize, j: i32, scale: f32): void {
  let x = f32x4.mul(s, f32x4.splat(scale));
  if (mrow) x = f32x4.add(x, v128.load(mrow + (<usize>j << 2)));
  v128.store(out + (<usize>j << 2), x);
}

function scores16(qrow: usize, kbase: usize, kj: i32, mrow: usize, S: i32, scale: f32, out: usize): void {
  const q0 = v128.load(qrow);
  const q1 = v128.load(qrow, 16);
  const q2 = v128.load(qrow, 32);
  const q3 = v128.load(qrow, 48);
  const stride = <usize>kj << 2;
  let j = 0;
  for (; j + 4 <= S; j += 4) {
    const r = kbase + <usize>j * stride;
    const s = hadd4(dot16(q0, q1, q2, q3, r), dot16(q0, q1, q2, q3, r + stride), dot16(q0, q1, q2, q3, r + 2 * stride), dot16(q0, q1, q2, q3, r + 3 * stride));
    storeScores(out, s, mrow, j, scale);
  }
  // The last 1-3 scores and the -inf padding as one vector store: the softmax's vector load
  // then forwards from it (under lane-by-lane stores it stalls).
  if (j < S) {
    let t = f32x4.splat(-Infinity);
    t = f32x4.replace_lane(t, 0, tail16(q0, q1, q2, q3, kbase + <usize>j * stride, mrow, j, scale));
    if (j + 1 < S) t = f32x4.replace_lane(t, 1, tail16(q0, q1, q2, q3, kbase + <usize>(j + 1) * stride, mrow, j + 1, scale));
    if (j + 2 < S) t = f32x4.replace_lane(t, 2, tail16(q0, q1, q2, q3, kbase + <usize>(j + 2) * stride, mrow, j + 2, scale));
    v128.store(out + (<usize>j << 2), t);
  }
}

// @ts-ignore: decorator
@inline
function tail16(q0: v128, q1: v128, q2: v128, q3: v128, r: usize, mrow: usize, j: i32, scale: f32): f32 {
  return maskedScore(lanes(dot16(q0, q1, q2, q3, r)), mrow, j, scale);
}

/** scale * dot + mask[j] (no mask when mrow is 0), in that order. */
// @ts-ignore: decorator
@inline
function maskedScore(dot: f32, mrow: usize, j: i32, scale: f32): f32 {
  let s = dot * scale;
  if (mrow) s += load<f32>(mrow + (<usize>j << 2));
  return s;
}

function weighted16(p: usize, vbase: usize, vj: i32, S: i32, orow: usize): void {
  let o0 = f32x4.splat(0);
  let o1 = o0;
  let o2 = o0;
  let o3 = o0;
  const stride = <usize>vj << 2;
  let r = vbase;
  for (let j = 0; j < S; j++) {
    const w = v128.load32_splat(p + (<usize>j << 2));
    o0 = madd(o0, w, v128.load(r));
    o1 = madd(o1, w, v128.load(r, 16));
    o2 = madd(o2, w, v128.load(r, 32));
    o3 = madd(o3, w, v128.load(r, 48));
    r += stride;
  }
  v128.store(orow, o0);
  v128.store(orow, o1, 16);
  v128.store(orow, o2, 32);
  v128.store(orow, o3, 48);
}

function scores32(qrow: usize, kbase: usize, kj: i32, mrow: usize, S: i32, scale: f32, out: usize): void {
  const q0 = v128.load(qrow);
  const q1 = v128.load(qrow, 16);
  const q2 = v128.load(qrow, 32);
  const q3 = v128.load(qrow, 48);
  const q4 = v128.load(qrow, 64);
  const q5 = v128.load(qrow, 80);
  const q6 = v128.load(qrow, 96);
  const q7 = v128.load(qrow, 112);
  const stride = <usize>kj << 2;
  let j = 0;
  for (; j + 4 <= S; j += 4) {
    const r = kbase + <usize>j * stride;
    const a0 = f32x4.add(dot16(q0, q1, q2, q3, r), dot16(q4, q5, q6, q7, r + 64));
    const a1 = f32x4.add(dot16(q0, q1, q2, q3, r + stride), dot16(q4, q5, q6, q7, r + stride + 64));
    const a2 = f32x4.add(dot16(q0, q1, q2, q3, r + 2 * stride), dot16(q4, q5, q6, q7, r + 2 * stride + 64));
    const a3 = f32x4.add(dot16(q0, q1, q2, q3, r + 3 * stride), dot16(q4, q5, q6, q7, r + 3 * stride + 64));
    storeScores(out, hadd4(a0, a1, a2, a3), mrow, j, scale);
  }
  // As in scores16: one vector store for the tail and its padding.
  if (j < S) {
    let t = f32x4.splat(-Infinity);
    const r = kbase + <usize>j * stride;
    t = f32x4.replace_lane(t, 0, tail32(q0, q1, q2, q3, q4, q5, q6, q7, r, mrow, j, scale));
    if (j + 1 < S) t = f32x4.replace_lane(t, 1, tail32(q0, q1, q2, q3, q4, q5, q6, q7, r + stride, mrow, j + 1, scale));
    if (j + 2 < S) t = f32x4.replace_lane(t, 2, tail32(q0, q1, q2, q3, q4, q5, q6, q7, r + 2 * stride, mrow, j + 2, scale));
    v128.store(out + (<usize>j << 2), t);
  }
}

// @ts-ignore: decorator
@inline
function tail32(q0: v128, q1: v128, q2: v128, q3: v128, q4: v128, q5: v128, q6: v128, q7: v128, r: usize, mrow: usize, j: i32, scale: f32): f32 {
  return maskedScore(lanes(f32x4.add(dot16(q0, q1, q2, q3, r), dot16(q4, q5, q6, q7, r + 64))), mrow, j, scale);
}

function weighted32(p: usize, vbase: usize, vj: i32, S: i32, orow: usize): void {
  let o0 = f32x4.splat(0);
  let o1 = o0;
  let o2 = o0;
  let o3 = o0;
  let o4 = o0;
  let o5 = o0;
  let o6 = o0;
  let o7 = o0;
  const stride = <usize>vj << 2;
  let r = vbase;
  for (let j = 0; j < S; j++) {
    const w = v128.load32_splat(p + (<usize>j << 2));
    o0 = madd(o0, w, v128.load(r));
    o1 = madd(o1, w, v128.load(r, 16));
    o2 = madd(o2, w, v128.load(r, 32));
    o3 = madd(o3, w, v128.load(r, 48));
    o4 = madd(o4, w, v128.load(r, 64));
    o5 = madd(o5, w, v128.load(r, 80));
    o6 = madd(o6, w, v128.load(r, 96));
    o7 = madd(o7, w, v128.load(r, 112));
    r += stride;
  }
  v128.store(orow, o0);
  v128.store(orow, o1, 16);
  v128.store(orow, o2, 32);
  v128.store(orow, o3, 48);
  v128.store(orow, o4, 64);
  v128.store(orow, o5, 80);
  v128.store(orow, o6, 96);
  v128.store(orow, o7, 112);
}

function scoresAny(qrow: usize, kbase: usize, kj: i32, mrow: usize, S: i32, D: i32, scale: f32, out: usize): void {
  for (let j = 0; j < S; j++) {
    const krow = kbase + (<usize>(j * kj) << 2);
    let d = 0;
    let s: f32 = 0;
    if (ASC_FEATURE_SIMD) {
      let acc = f32x4.splat(0);
      for (; d + 4 <= D; d += 4) {
        const off = <usize>d << 2;
        acc = f32x4.add(acc, f32x4.mul(v128.load(qrow + off), v128.load(krow + off)));
      }
      s = lanes(acc);
    }
    for (; d < D; d++) s += load<f32>(qrow + (<usize>d << 2)) * load<f32>(krow + (<usize>d << 2));
    store<f32>(out + (<usize>j << 2), maskedScore(s, mrow, j, scale));
  }
  for (let j = S; j < ((S + 3) & ~3); j++) store<f32>(out + (<usize>j << 2), -Infinity);
}

function weightedAny(p: usize, vbase: usize, vj: i32, S: i32, D: i32, orow: usize): void {
  let d = 0;
  if (ASC_FEATURE_SIMD) {
    for (; d + 4 <= D; d += 4) {
      let acc = f32x4.splat(0);
      for (let j = 0; j < S; j++) {
        const w = v128.load32_splat(p + (<usize>j << 2));
        acc = f32x4.add(acc, f32x4.mul(w, v128.load(vbase + (<usize>(j * vj + d) << 2))));
      }
      v128.store(orow + (<usize>d << 2), acc);
    }
  }
  for (; d < D; d++) {
    let acc: f32 = 0;
    for (let j = 0; j < S; j++) acc += load<f32>(p + (<usize>j << 2)) * load<f32>(vbase + (<usize>(j * vj + d) << 2));
    store<f32>(orow + (<usize>d << 2), acc);
  }
}
