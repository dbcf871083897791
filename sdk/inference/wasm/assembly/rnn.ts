// GRU and LSTM over whole sequences (ONNX semantics, default activations, no clip, full-length
// sequences), per direction in three stages:
//   1. the input projection of every step and batch row at once: X [seq·batch, I] times Wᵀ, plus
//      the biases that add straight to it — one GEMM (gemmPacked) over seq·batch rows;
//   2. per step, the recurrent product of all batch rows at once: h [batch, H] times Rᵀ — a GEMM
//      of batch rows (GRU without linear_before_reset: z and r first, then the candidate's on r ⊙ h);
//   3. the gate math, four hidden units at a time (vector sigmoid and tanh: math.ts, rational).
// W and R are packed into the scratch per direction; with `packed` a call reuses what an earlier
// call packed (the op says so when W and R are constants), else it packs them (run-time inputs).
// Scratch layout: rnnScratchFloats.

import { gemmPacked } from './gemm';
import { packB, packedSize } from './gemm-pack';
import { ACT_NONE, ONE_VEC, sigmoidScalar as sigmoid, sigmoidVec, tanhScalar as tanh32, tanhVec } from './math';

// @ts-expect-error: decorator
@inline
function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

// @ts-expect-error: decorator
@inline
function roundUp4(n: i32): i32 {
  return (n + 3) & ~3;
}

/** Floats of one direction's packed Wᵀ then Rᵀ (GRU without linear_before_reset: Rᵀ of z and r, then the candidate's). */
function packedWeightsFloats(gates: i32, I: i32, H: i32, lbr: i32): i32 {
  const G = gates * H;
  return packedSize(I, G) + (gates == 3 && !lbr ? packedSize(H, 2 * H) + packedSize(H, H) : packedSize(H, G));
}

/**
 * Floats of scratch gru (gates 3) or lstm (gates 4) needs: every direction's packed weights
 * (packedWeightsFloats), the projection's and the recurrent product's biases (whole panels), the
 * projection [seq·batch, gates·H], the state h (and c) [batch, H], the recurrent product
 * [batch, gates·H], r ⊙ h [batch, H].
 */
export function rnnScratchFloats(gates: i32, seq: i32, batch: i32, I: i32, H: i32, lbr: i32, dirs: i32): i32 {
  const G = gates * H;
  const padded = ((G + 7) / 8) * 8;
  return (
    dirs * packedWeightsFloats(gates, I, H, lbr) +
    2 * padded +
    roundUp4(seq * batch * G) +
    2 * roundUp4(batch * H) +
    roundUp4(batch * G) +
    roundUp4(batch * H)
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
 * scratch: rnnScratchFloats(3, …) floats; packed: W and R are already packed there.
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
  packed: i32,
): void {
  const G = 3 * H;
  const padded = ((G + 7) / 8) * 8;
  const dirFloats = packedWeightsFloats(3, I, H, lbr);
  const pb = at(scratch, dirs * dirFloats);
  const rb = at(pb, padded);
  const proj = at(rb, padded);
  const h = at(proj, roundUp4(seq * batch * G));
  const rec = at(h, 2 * roundUp4(batch * H));
  const rh = at(rec, roundUp4(batch * G));
  for (let d = 0; d < dirs; d++) {
    const back = reverseOnly || d == 1;
    const rd = at(r, d * G * H);
    const bd = bias ? at(bias, d * 2 * G) : 0;
    const wp = at(scratch, d * dirFloats);
    const rp = at(wp, packedSize(I, G));
    const rzp = rp;
    const rhp = at(rp, packedSize(H, 2 * H));
    if (!packed) {
      packB(at(w, d * G * I), wp, I, G, 1);
      if (lbr) packB(rd, rp, H, G, 1);
      else {
        packB(rd, rzp, H, 2 * H, 1);
        packB(at(rd, 2 * H * H), rhp, H, H, 1);
      }
    }
    gemmPacked(x, I, wp, projectionBias(bd, pb, G, H, lbr ? 2 : -1), proj, G, seq * batch, G, I, ACT_NONE, 0);
    let recBias: usize = 0;
    if (lbr) {
      if (bd) {
        // The candidate's Rb goes with its recurrent product (inside r ⊙ (Rh·h + Rb)).
        for (let n = 0; n < padded; n++) store<f32>(at(rb, n), n >= 2 * H && n < G ? load<f32>(at(bd, G + n)) : 0);
        recBias = rb;
      }
    }
    loadState(h0, h, d * batch * H, batch * H);
    for (let k = 0; k < seq; k++) {
      const t = back ? seq - 1 - k : k;
      const p = at(proj, t * batch * G);
      if (lbr) {
        gemmPacked(h, H, rp, recBias, rec, G, batch, G, H, ACT_NONE, 0);
        gruGatesAfter(p, rec, h, batch, H);
      } else {
        // z and r (into rec's first 2H columns), r ⊙ h, then the candidate's product over the r columns.
        gemmPacked(h, H, rzp, 0, rec, G, batch, 2 * H, H, ACT_NONE, 0);
        gruResetGate(p, rec, h, rh, batch, H);
        gemmPacked(rh, H, rhp, 0, at(rec, H), G, batch, H, H, ACT_NONE, 0);
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
        v128.store(at(hb, j), f32x4.add(f32x4.mul(f32x4.sub(ONE_VEC(), z), n), f32x4.mul(z, hv)));
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
        v128.store(at(hb, j), f32x4.add(f32x4.mul(f32x4.sub(ONE_VEC(), z), n), f32x4.mul(z, v128.load(at(hb, j)))));
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
 * ones. Gates i, o, f, c (ONNX order); peepholes P = [Pi, Po, Pf]. scratch: rnnScratchFloats(4, …)
 * floats; packed: W and R are already packed there.
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
  packed: i32,
): void {
  const G = 4 * H;
  const padded = ((G + 7) / 8) * 8;
  const dirFloats = packedWeightsFloats(4, I, H, 0);
  const pb = at(scratch, dirs * dirFloats);
  const proj = at(pb, 2 * padded);
  const h = at(proj, roundUp4(seq * batch * G));
  const c = at(h, roundUp4(batch * H));
  const rec = at(c, roundUp4(batch * H));
  for (let d = 0; d < dirs; d++) {
    const back = reverseOnly || d == 1;
    const bd = bias ? at(bias, d * 2 * G) : 0;
    const wp = at(scratch, d * dirFloats);
    const rp = at(wp, packedSize(I, G));
    if (!packed) {
      packB(at(w, d * G * I), wp, I, G, 1);
      packB(at(r, d * G * H), rp, H, G, 1);
    }
    gemmPacked(x, I, wp, projectionBias(bd, pb, G, H, -1), proj, G, seq * batch, G, I, ACT_NONE, 0);
    loadState(h0, h, d * batch * H, batch * H);
    loadState(c0, c, d * batch * H, batch * H);
    const pd = p ? at(p, d * 3 * H) : 0;
    for (let k = 0; k < seq; k++) {
      const t = back ? seq - 1 - k : k;
      gemmPacked(h, H, rp, 0, rec, G, batch, G, H, ACT_NONE, 0);
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
