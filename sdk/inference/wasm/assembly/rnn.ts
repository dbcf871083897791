// GRU and LSTM over whole sequences (ONNX semantics, default activations, no clip, full-length
// sequences): per direction and batch row, every step's gates are dot products over rows of W
// (with the step's input) and R (with the state), then the gate math in f32.

import { expScalar } from './math';

// @ts-expect-error: decorator
@inline
function sigmoid(x: f32): f32 {
  return 1 / (1 + expScalar(-x));
}

// @ts-expect-error: decorator
@inline
function tanh32(x: f32): f32 {
  const a = abs<f32>(x);
  if (a < 0.125) {
    // Taylor to x^7: 1 − 2/(e^2x + 1) would lose digits this close to 0.
    const x2 = x * x;
    return x * (1 + x2 * (<f32>-0.33333333 + x2 * (<f32>0.13333333 + x2 * <f32>-0.053968254)));
  }
  const t: f32 = 1 - 2 / (expScalar(2 * a) + 1);
  return x < 0 ? -t : t;
}

/** Σ a[i]·b[i] over n floats. */
function dot(a: usize, b: usize, n: i32): f32 {
  let i = 0;
  let s: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(a + (<usize>i << 2)), v128.load(b + (<usize>i << 2))));
    s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  }
  for (; i < n; i++) s += load<f32>(a + (<usize>i << 2)) * load<f32>(b + (<usize>i << 2));
  return s;
}

// @ts-expect-error: decorator
@inline
function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** Copies the state in (or zeros when h0 is 0). */
function loadState(h0: usize, h: usize, offset: i32, H: i32): void {
  for (let j = 0; j < H; j++) store<f32>(at(h, j), h0 ? load<f32>(at(h0, offset + j)) : 0);
}

/**
 * GRU(X, W, R, B?, -, initial_h?) → Y?, Y_h?. Pointers 0 for absent ones. Gates z, r, h; with
 * lbr (linear_before_reset) the candidate's recurrent product comes before the reset gate.
 * scratch: 5H floats.
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
  const h = scratch;
  const g = at(h, H);
  const rh = at(g, 3 * H);
  for (let d = 0; d < dirs; d++) {
    const back = reverseOnly || d == 1;
    const wd = at(w, d * 3 * H * I);
    const rd = at(r, d * 3 * H * H);
    const bd = bias ? at(bias, d * 6 * H) : 0;
    for (let b = 0; b < batch; b++) {
      loadState(h0, h, (d * batch + b) * H, H);
      for (let k = 0; k < seq; k++) {
        const t = back ? seq - 1 - k : k;
        const xt = at(x, (t * batch + b) * I);
        for (let row = 0; row < 3 * H; row++) {
          let v = dot(at(wd, row * I), xt, I);
          if (bd) v += load<f32>(at(bd, row));
          if (row < 2 * H) {
            v += dot(at(rd, row * H), h, H);
            if (bd) v += load<f32>(at(bd, 3 * H + row));
          }
          store<f32>(at(g, row), row < 2 * H ? sigmoid(v) : v);
        }
        if (!lbr) for (let j = 0; j < H; j++) store<f32>(at(rh, j), load<f32>(at(g, H + j)) * load<f32>(at(h, j)));
        for (let j = 0; j < H; j++) {
          const rb: f32 = bd ? load<f32>(at(bd, 5 * H + j)) : 0;
          const row = at(rd, (2 * H + j) * H);
          const rec = lbr ? load<f32>(at(g, H + j)) * (dot(row, h, H) + rb) : dot(row, rh, H) + rb;
          store<f32>(at(g, 2 * H + j), tanh32(load<f32>(at(g, 2 * H + j)) + rec));
        }
        for (let j = 0; j < H; j++) {
          const z = load<f32>(at(g, j));
          store<f32>(at(h, j), (1 - z) * load<f32>(at(g, 2 * H + j)) + z * load<f32>(at(h, j)));
        }
        if (y) for (let j = 0; j < H; j++) store<f32>(at(y, ((t * dirs + d) * batch + b) * H + j), load<f32>(at(h, j)));
      }
      if (yh) for (let j = 0; j < H; j++) store<f32>(at(yh, (d * batch + b) * H + j), load<f32>(at(h, j)));
    }
  }
}

/**
 * LSTM(X, W, R, B?, -, initial_h?, initial_c?, P?) → Y?, Y_h?, Y_c?. Pointers 0 for absent
 * ones. Gates i, o, f, c (ONNX order); peepholes P = [Pi, Po, Pf]. scratch: 6H floats.
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
  const h = scratch;
  const c = at(h, H);
  const g = at(c, H);
  for (let d = 0; d < dirs; d++) {
    const back = reverseOnly || d == 1;
    const wd = at(w, d * 4 * H * I);
    const rd = at(r, d * 4 * H * H);
    const bd = bias ? at(bias, d * 8 * H) : 0;
    const pd = p ? at(p, d * 3 * H) : 0;
    for (let b = 0; b < batch; b++) {
      loadState(h0, h, (d * batch + b) * H, H);
      loadState(c0, c, (d * batch + b) * H, H);
      for (let k = 0; k < seq; k++) {
        const t = back ? seq - 1 - k : k;
        const xt = at(x, (t * batch + b) * I);
        for (let row = 0; row < 4 * H; row++) {
          let v = dot(at(wd, row * I), xt, I) + dot(at(rd, row * H), h, H);
          if (bd) v += load<f32>(at(bd, row)) + load<f32>(at(bd, 4 * H + row));
          store<f32>(at(g, row), v);
        }
        for (let j = 0; j < H; j++) {
          const cPrev = load<f32>(at(c, j));
          const i = sigmoid(load<f32>(at(g, j)) + (pd ? load<f32>(at(pd, j)) * cPrev : 0));
          const f = sigmoid(load<f32>(at(g, 2 * H + j)) + (pd ? load<f32>(at(pd, 2 * H + j)) * cPrev : 0));
          const cNew = f * cPrev + i * tanh32(load<f32>(at(g, 3 * H + j)));
          const o = sigmoid(load<f32>(at(g, H + j)) + (pd ? load<f32>(at(pd, H + j)) * cNew : 0));
          store<f32>(at(c, j), cNew);
          store<f32>(at(h, j), o * tanh32(cNew));
        }
        if (y) for (let j = 0; j < H; j++) store<f32>(at(y, ((t * dirs + d) * batch + b) * H + j), load<f32>(at(h, j)));
      }
      if (yh) for (let j = 0; j < H; j++) store<f32>(at(yh, (d * batch + b) * H + j), load<f32>(at(h, j)));
      if (yc) for (let j = 0; j < H; j++) store<f32>(at(yc, (d * batch + b) * H + j), load<f32>(at(c, j)));
    }
  }
}
