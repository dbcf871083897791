// GRU and LSTM over whole sequences (ONNX semantics, default activations, no clip, full-length
// sequences), per direction in three stages:
//   1. the input projection of every step and batch row at once: X [seq·batch, I] times Wᵀ, plus
//      the biases that add straight to it — one GEMM (gemmPacked) over seq·batch rows;
//   2. per step, the recurrent product of all batch rows at once: h [batch, H] times Rᵀ — a GEMM
//      of batch rows (GRU without linear_before_reset: z and r first, then the candidate's on r ⊙ h);
//   3. the gate math, four hidden units at a time (vector sigmoid and tanh, rational: below).
// W and R are packed on every call (they may be run-time inputs; gates·H·(I + H) floats, small
// against the sequence's work). Scratch layout: rnnScratchFloats.

import { gemmPacked } from './gemm';
import { packB, packedSize } from './gemm-pack';
import { ACT_NONE, madd } from './math';

// @ts-expect-error: decorator
@inline
function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

// tanh(x) ≈ x·P(x²)/Q(x²) on x clamped to ±7.9053111 (beyond, tanh rounds to within 3e-7 of ±1):
// a 13/6-degree rational interpolant, accurate to a few ulp there, with the coefficients Eigen
// publishes for its float tanh — one division and two short polynomials, no exp. Past ~8.1 the
// interpolant overshoots 1 (by up to 2e-7 at 8.5), hence this clamp rather than 9, so |tanh| ≤ 1
// and σ stays in [0, 1]. σ(x) = 1/2 + tanh(x/2)/2: absolute error ≤ ~3e-7 (relative accuracy is
// lost only where σ itself is below ~1e-6).
const TANH_CLAMP: f32 = 7.90531110763549805;
const A1: f32 = 4.89352455891786e-3;
const A3: f32 = 6.37261928875436e-4;
const A5: f32 = 1.48572235717979e-5;
const A7: f32 = 5.12229709037114e-8;
const A9: f32 = -8.60467152213735e-11;
const A11: f32 = 2.00018790482477e-13;
const A13: f32 = -2.76076847742355e-16;
const B0: f32 = 4.89352518554385e-3;
const B2: f32 = 2.26843463243900e-3;
const B4: f32 = 1.18534705686654e-4;
const B6: f32 = 1.19825839466702e-6;

// The vector constants as 16-byte rows, loaded at fixed addresses (a splat of a constant costs V8
// three instructions at each use in a loop; see math.ts).
const TC = memory.data<f32>(
  [
  TANH_CLAMP, TANH_CLAMP, TANH_CLAMP, TANH_CLAMP,
  -TANH_CLAMP, -TANH_CLAMP, -TANH_CLAMP, -TANH_CLAMP,
  A13, A13, A13, A13,
  A11, A11, A11, A11,
  A9, A9, A9, A9,
  A7, A7, A7, A7,
  A5, A5, A5, A5,
  A3, A3, A3, A3,
  A1, A1, A1, A1,
  B6, B6, B6, B6,
  B4, B4, B4, B4,
  B2, B2, B2, B2,
  B0, B0, B0, B0,
  0.5, 0.5, 0.5, 0.5,
  1, 1, 1, 1,
  ],
  16,
);
const T_HI = 0;
const T_LO = 16;
const T_A13 = 32;
const T_A11 = 48;
const T_A9 = 64;
const T_A7 = 80;
const T_A5 = 96;
const T_A3 = 112;
const T_A1 = 128;
const T_B6 = 144;
const T_B4 = 160;
const T_B2 = 176;
const T_B0 = 192;
const T_HALF = 208;
const T_ONE = 224;

// @ts-expect-error: decorator
@inline
function tanh32(x0: f32): f32 {
  // NaN passes through min and max.
  const x = max<f32>(min<f32>(x0, TANH_CLAMP), -TANH_CLAMP);
  const x2 = x * x;
  let p = A13;
  p = p * x2 + A11;
  p = p * x2 + A9;
  p = p * x2 + A7;
  p = p * x2 + A5;
  p = p * x2 + A3;
  p = p * x2 + A1;
  let q = B6;
  q = q * x2 + B4;
  q = q * x2 + B2;
  q = q * x2 + B0;
  return (p * x) / q;
}

// @ts-expect-error: decorator
@inline
function sigmoid(x: f32): f32 {
  return 0.5 + 0.5 * tanh32(0.5 * x);
}

// @ts-expect-error: decorator
@inline
function tanhVec(x0: v128): v128 {
  // pmin/pmax keep a NaN lane NaN (one minps/maxps each; f32x4.min/max expand to NaN-safe sequences).
  const x = f32x4.pmax(f32x4.pmin(x0, v128.load(TC, T_HI)), v128.load(TC, T_LO));
  const x2 = f32x4.mul(x, x);
  let p = v128.load(TC, T_A13);
  p = madd(v128.load(TC, T_A11), p, x2);
  p = madd(v128.load(TC, T_A9), p, x2);
  p = madd(v128.load(TC, T_A7), p, x2);
  p = madd(v128.load(TC, T_A5), p, x2);
  p = madd(v128.load(TC, T_A3), p, x2);
  p = madd(v128.load(TC, T_A1), p, x2);
  let q = v128.load(TC, T_B6);
  q = madd(v128.load(TC, T_B4), q, x2);
  q = madd(v128.load(TC, T_B2), q, x2);
  q = madd(v128.load(TC, T_B0), q, x2);
  return f32x4.div(f32x4.mul(p, x), q);
}

// @ts-expect-error: decorator
@inline
function sigmoidVec(x: v128): v128 {
  const half = v128.load(TC, T_HALF);
  return madd(half, half, tanhVec(f32x4.mul(x, half)));
}

// @ts-expect-error: decorator
@inline
function roundUp4(n: i32): i32 {
  return (n + 3) & ~3;
}

/**
 * Floats of scratch gru (gates 3) or lstm (gates 4) needs: packed Wᵀ and Rᵀ (GRU without
 * linear_before_reset: Rᵀ of z and r, and of the candidate, apart), the projection's and the
 * recurrent product's biases (whole panels), the projection [seq·batch, gates·H], the state h
 * (and c) [batch, H], the recurrent product [batch, gates·H], r ⊙ h [batch, H].
 */
export function rnnScratchFloats(gates: i32, seq: i32, batch: i32, I: i32, H: i32, lbr: i32): i32 {
  const G = gates * H;
  const padded = ((G + 7) / 8) * 8;
  const rPacked = gates == 3 && !lbr ? packedSize(H, 2 * H) + packedSize(H, H) : packedSize(H, G);
  return (
    packedSize(I, G) + rPacked + 2 * padded + roundUp4(seq * batch * G) + 2 * roundUp4(batch * H) + roundUp4(batch * G) + roundUp4(batch * H)
  );
}

/** Copies the state in (or zeros when h0 is 0): rows [batch, H] at row offset `offset`. */
function loadState(h0: usize, h: usize, offset: i32, n: i32): void {
  if (h0) memory.copy(h, at(h0, offset), <usize>n << 2);
  else memory.fill(h, 0, <usize>n << 2);
}

/**
 * Projection bias of direction d: Wb + Rb for every gate but, when `recurrentOnly` ≥ 0, that
 * gate's Rb (GRU with linear_before_reset scales the candidate's Rh·h + Rb by r); zero past G up
 * to the panel. Returns 0 (no bias) when there is none.
 */
function projectionBias(bd: usize, out: usize, G: i32, H: i32, recurrentOnly: i32): usize {
  if (!bd) return 0;
  const padded = ((G + 7) / 8) * 8;
  for (let n = 0; n < padded; n++) {
    let v: f32 = 0;
    if (n < G) {
      v = load<f32>(at(bd, n));
      if (recurrentOnly < 0 || n / H != recurrentOnly) v += load<f32>(at(bd, G + n));
    }
    store<f32>(at(out, n), v);
  }
  return out;
}

/**
 * GRU(X, W, R, B?, -, initial_h?) → Y?, Y_h?. Pointers 0 for absent ones. Gates z, r, h; with
 * lbr (linear_before_reset) the candidate's recurrent product comes before the reset gate.
 * scratch: rnnScratchFloats(3, …) floats.
 */
export function gru(
  x: usize,
  w: usize,
  r: usize,
  bias: usize,
  h0: usize,
  y: usize,
  yh: usize,
  scratch: usize,
  seq: i32,
  batch: i32,
  I: i32,
  H: i32,
  dirs: i32,
  reverseOnly: i32,
  lbr: i32,
): void {
  const G = 3 * H;
  const padded = ((G + 7) / 8) * 8;
  const wp = scratch;
  const rp = at(wp, packedSize(I, G));
  const rzp = rp;
  const rhp = at(rp, packedSize(H, 2 * H));
  const pb = at(rp, lbr ? packedSize(H, G) : packedSize(H, 2 * H) + packedSize(H, H));
  const rb = at(pb, padded);
  const proj = at(rb, padded);
  const h = at(proj, roundUp4(seq * batch * G));
  const rec = at(h, 2 * roundUp4(batch * H));
  const rh = at(rec, roundUp4(batch * G));
  for (let d = 0; d < dirs; d++) {
    const back = reverseOnly || d == 1;
    const rd = at(r, d * G * H);
    const bd = bias ? at(bias, d * 2 * G) : 0;
    packB(at(w, d * G * I), wp, I, G, 1);
    gemmPacked(x, I, wp, projectionBias(bd, pb, G, H, lbr ? 2 : -1), proj, G, seq * batch, G, I, ACT_NONE);
    let recBias: usize = 0;
    if (lbr) {
      packB(rd, rp, H, G, 1);
      if (bd) {
        // The candidate's Rb goes with its recurrent product (inside r ⊙ (Rh·h + Rb)).
        for (let n = 0; n < padded; n++) store<f32>(at(rb, n), n >= 2 * H && n < G ? load<f32>(at(bd, G + n)) : 0);
        recBias = rb;
      }
    } else {
      packB(rd, rzp, H, 2 * H, 1);
      packB(at(rd, 2 * H * H), rhp, H, H, 1);
    }
    loadState(h0, h, d * batch * H, batch * H);
    for (let k = 0; k < seq; k++) {
      const t = back ? seq - 1 - k : k;
      const p = at(proj, t * batch * G);
      if (lbr) {
        gemmPacked(h, H, rp, recBias, rec, G, batch, G, H, ACT_NONE);
        gruGatesAfter(p, rec, h, batch, H);
      } else {
        // z and r (into rec's first 2H columns), r ⊙ h, then the candidate's product over the r columns.
        gemmPacked(h, H, rzp, 0, rec, G, batch, 2 * H, H, ACT_NONE);
        gruResetGate(p, rec, h, rh, batch, H);
        gemmPacked(rh, H, rhp, 0, at(rec, H), G, batch, H, H, ACT_NONE);
        gruUpdate(p, rec, h, batch, H);
      }
      if (y) memory.copy(at(y, (t * dirs + d) * batch * H), h, <usize>(batch * H) << 2);
    }
    if (yh) memory.copy(at(yh, d * batch * H), h, <usize>(batch * H) << 2);
  }
}

// linear_before_reset: z = σ(p_z + rec_z), r = σ(p_r + rec_r), n = tanh(p_n + r·rec_n), h = (1 − z)·n + z·h.
function gruGatesAfter(p: usize, rec: usize, h: usize, batch: i32, H: i32): void {
  const G = 3 * H;
  for (let b = 0; b < batch; b++) {
    const pb = at(p, b * G);
    const rb = at(rec, b * G);
    const hb = at(h, b * H);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= H; j += 4) {
        const z = sigmoidVec(f32x4.add(v128.load(at(pb, j)), v128.load(at(rb, j))));
        const r = sigmoidVec(f32x4.add(v128.load(at(pb, H + j)), v128.load(at(rb, H + j))));
        const n = tanhVec(f32x4.add(v128.load(at(pb, 2 * H + j)), f32x4.mul(r, v128.load(at(rb, 2 * H + j)))));
        const hv = v128.load(at(hb, j));
        v128.store(at(hb, j), f32x4.add(f32x4.mul(f32x4.sub(v128.load(TC, T_ONE), z), n), f32x4.mul(z, hv)));
      }
    }
    for (; j < H; j++) {
      const z = sigmoid(load<f32>(at(pb, j)) + load<f32>(at(rb, j)));
      const r = sigmoid(load<f32>(at(pb, H + j)) + load<f32>(at(rb, H + j)));
      const n = tanh32(load<f32>(at(pb, 2 * H + j)) + r * load<f32>(at(rb, 2 * H + j)));
      store<f32>(at(hb, j), (1 - z) * n + z * load<f32>(at(hb, j)));
    }
  }
}

// Without linear_before_reset, step one: z (kept in rec's z columns) and r ⊙ h (into rh).
function gruResetGate(p: usize, rec: usize, h: usize, rh: usize, batch: i32, H: i32): void {
  const G = 3 * H;
  for (let b = 0; b < batch; b++) {
    const pb = at(p, b * G);
    const rb = at(rec, b * G);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= H; j += 4) {
        v128.store(at(rb, j), sigmoidVec(f32x4.add(v128.load(at(pb, j)), v128.load(at(rb, j)))));
        const r = sigmoidVec(f32x4.add(v128.load(at(pb, H + j)), v128.load(at(rb, H + j))));
        v128.store(at(rh, b * H + j), f32x4.mul(r, v128.load(at(h, b * H + j))));
      }
    }
    for (; j < H; j++) {
      store<f32>(at(rb, j), sigmoid(load<f32>(at(pb, j)) + load<f32>(at(rb, j))));
      const r = sigmoid(load<f32>(at(pb, H + j)) + load<f32>(at(rb, H + j)));
      store<f32>(at(rh, b * H + j), r * load<f32>(at(h, b * H + j)));
    }
  }
}

// Without linear_before_reset, step two: n = tanh(p_n + Rh·(r ⊙ h), in rec's r columns), h = (1 − z)·n + z·h.
function gruUpdate(p: usize, rec: usize, h: usize, batch: i32, H: i32): void {
  const G = 3 * H;
  for (let b = 0; b < batch; b++) {
    const pb = at(p, b * G);
    const rb = at(rec, b * G);
    const hb = at(h, b * H);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= H; j += 4) {
        const z = v128.load(at(rb, j));
        const n = tanhVec(f32x4.add(v128.load(at(pb, 2 * H + j)), v128.load(at(rb, H + j))));
        v128.store(at(hb, j), f32x4.add(f32x4.mul(f32x4.sub(v128.load(TC, T_ONE), z), n), f32x4.mul(z, v128.load(at(hb, j)))));
      }
    }
    for (; j < H; j++) {
      const z = load<f32>(at(rb, j));
      const n = tanh32(load<f32>(at(pb, 2 * H + j)) + load<f32>(at(rb, H + j)));
      store<f32>(at(hb, j), (1 - z) * n + z * load<f32>(at(hb, j)));
    }
  }
}

/**
 * LSTM(X, W, R, B?, -, initial_h?, initial_c?, P?) → Y?, Y_h?, Y_c?. Pointers 0 for absent
 * ones. Gates i, o, f, c (ONNX order); peepholes P = [Pi, Po, Pf]. scratch: rnnScratchFloats(4, …) floats.
 */
export function lstm(
  x: usize,
  w: usize,
  r: usize,
  bias: usize,
  h0: usize,
  c0: usize,
  p: usize,
  y: usize,
  yh: usize,
  yc: usize,
  scratch: usize,
  seq: i32,
  batch: i32,
  I: i32,
  H: i32,
  dirs: i32,
  reverseOnly: i32,
): void {
  const G = 4 * H;
  const padded = ((G + 7) / 8) * 8;
  const wp = scratch;
  const rp = at(wp, packedSize(I, G));
  const pb = at(rp, packedSize(H, G));
  const proj = at(pb, 2 * padded);
  const h = at(proj, roundUp4(seq * batch * G));
  const c = at(h, roundUp4(batch * H));
  const rec = at(c, roundUp4(batch * H));
  for (let d = 0; d < dirs; d++) {
    const back = reverseOnly || d == 1;
    const bd = bias ? at(bias, d * 2 * G) : 0;
    packB(at(w, d * G * I), wp, I, G, 1);
    packB(at(r, d * G * H), rp, H, G, 1);
    gemmPacked(x, I, wp, projectionBias(bd, pb, G, H, -1), proj, G, seq * batch, G, I, ACT_NONE);
    loadState(h0, h, d * batch * H, batch * H);
    loadState(c0, c, d * batch * H, batch * H);
    const pd = p ? at(p, d * 3 * H) : 0;
    for (let k = 0; k < seq; k++) {
      const t = back ? seq - 1 - k : k;
      gemmPacked(h, H, rp, 0, rec, G, batch, G, H, ACT_NONE);
      lstmGates(at(proj, t * batch * G), rec, pd, h, c, batch, H);
      if (y) memory.copy(at(y, (t * dirs + d) * batch * H), h, <usize>(batch * H) << 2);
    }
    if (yh) memory.copy(at(yh, d * batch * H), h, <usize>(batch * H) << 2);
    if (yc) memory.copy(at(yc, d * batch * H), c, <usize>(batch * H) << 2);
  }
}

// i = σ(p_i + rec_i + Pi·c), f = σ(p_f + rec_f + Pf·c), c' = f·c + i·tanh(p_c + rec_c),
// o = σ(p_o + rec_o + Po·c'), h = o·tanh(c'). pd: the peepholes [Pi, Po, Pf], or 0.
function lstmGates(p: usize, rec: usize, pd: usize, h: usize, c: usize, batch: i32, H: i32): void {
  const G = 4 * H;
  for (let b = 0; b < batch; b++) {
    const pb = at(p, b * G);
    const rb = at(rec, b * G);
    const hb = at(h, b * H);
    const cb = at(c, b * H);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= H; j += 4) {
        const cPrev = v128.load(at(cb, j));
        let gi = f32x4.add(v128.load(at(pb, j)), v128.load(at(rb, j)));
        let gf = f32x4.add(v128.load(at(pb, 2 * H + j)), v128.load(at(rb, 2 * H + j)));
        let go = f32x4.add(v128.load(at(pb, H + j)), v128.load(at(rb, H + j)));
        if (pd) {
          gi = f32x4.add(gi, f32x4.mul(v128.load(at(pd, j)), cPrev));
          gf = f32x4.add(gf, f32x4.mul(v128.load(at(pd, 2 * H + j)), cPrev));
        }
        const cand = tanhVec(f32x4.add(v128.load(at(pb, 3 * H + j)), v128.load(at(rb, 3 * H + j))));
        const cNew = f32x4.add(f32x4.mul(sigmoidVec(gf), cPrev), f32x4.mul(sigmoidVec(gi), cand));
        if (pd) go = f32x4.add(go, f32x4.mul(v128.load(at(pd, H + j)), cNew));
        v128.store(at(cb, j), cNew);
        v128.store(at(hb, j), f32x4.mul(sigmoidVec(go), tanhVec(cNew)));
      }
    }
    for (; j < H; j++) {
      const cPrev = load<f32>(at(cb, j));
      const i = sigmoid(load<f32>(at(pb, j)) + load<f32>(at(rb, j)) + (pd ? load<f32>(at(pd, j)) * cPrev : 0));
      const f = sigmoid(load<f32>(at(pb, 2 * H + j)) + load<f32>(at(rb, 2 * H + j)) + (pd ? load<f32>(at(pd, 2 * H + j)) * cPrev : 0));
      const cNew = f * cPrev + i * tanh32(load<f32>(at(pb, 3 * H + j)) + load<f32>(at(rb, 3 * H + j)));
      const o = sigmoid(load<f32>(at(pb, H + j)) + load<f32>(at(rb, H + j)) + (pd ? load<f32>(at(pd, H + j)) * cNew : 0));
      store<f32>(at(cb, j), cNew);
      store<f32>(at(hb, j), o * tanh32(cNew));
    }
  }
}
