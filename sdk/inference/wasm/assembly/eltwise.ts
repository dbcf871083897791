// Elementwise float32 kernels: activations and binary ops in their common layouts.

import { activateScalar, activateVec, erfScalar, erfVec, expScalar, expVec } from './math';

/** y = act(x) over n floats; act codes as in math.ts (relu, gelu). */
export function activate(x: usize, y: usize, n: i32, act: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store(y + off, activateVec(v128.load(x + off), act));
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(y + off, activateScalar(load<f32>(x + off), act));
  }
}

export const UNARY_ERF: i32 = 0;
export const UNARY_EXP: i32 = 1;
export const UNARY_SIGMOID: i32 = 2;

/** y = f(x) for the transcendental unary ops. */
export function unary(x: usize, y: usize, n: i32, op: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1.0);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      const v = v128.load(x + off);
      let r: v128;
      if (op == UNARY_ERF) r = erfVec(v);
      else if (op == UNARY_EXP) r = expVec(v);
      else r = f32x4.div(one, f32x4.add(one, expVec(f32x4.neg(v))));
      v128.store(y + off, r);
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const v = load<f32>(x + off);
    let r: f32;
    if (op == UNARY_ERF) r = erfScalar(v);
    else if (op == UNARY_EXP) r = expScalar(v);
    else r = <f32>1.0 / (<f32>1.0 + expScalar(-v));
    store<f32>(y + off, r);
  }
}

export const BIN_ADD: i32 = 0;
export const BIN_SUB: i32 = 1;
export const BIN_MUL: i32 = 2;
export const BIN_DIV: i32 = 3;

// @ts-expect-error: decorator
@inline
function binVec(a: v128, b: v128, op: i32): v128 {
  if (op == BIN_ADD) return f32x4.add(a, b);
  if (op == BIN_SUB) return f32x4.sub(a, b);
  if (op == BIN_MUL) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

// @ts-expect-error: decorator
@inline
function binScalar(a: f32, b: f32, op: i32): f32 {
  if (op == BIN_ADD) return a + b;
  if (op == BIN_SUB) return a - b;
  if (op == BIN_MUL) return a * b;
  return a / b;
}

/**
 * y[r, j] = a[r*sa + j*ja] op b[r*sb + j*jb] for r < rows, j < cols, where each operand is
 * either contiguous (j stride 1) or a broadcast scalar (j stride 0). Covers same-shape,
 * row-vector, column-vector and scalar broadcasting. Strides in floats.
 */
export function binary(a: usize, sa: i32, ja: i32, b: usize, sb: i32, jb: i32, y: usize, rows: i32, cols: i32, op: i32): void {
  for (let r = 0; r < rows; r++) {
    const ar = a + (<usize>(r * sa) << 2);
    const br = b + (<usize>(r * sb) << 2);
    const yr = y + (<usize>(r * cols) << 2);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      if (ja == 1 && jb == 1) {
        for (; j + 4 <= cols; j += 4) {
          const off = <usize>j << 2;
          v128.store(yr + off, binVec(v128.load(ar + off), v128.load(br + off), op));
        }
      } else if (ja == 1) {
        const bv = v128.load32_splat(br);
        for (; j + 4 <= cols; j += 4) {
          const off = <usize>j << 2;
          v128.store(yr + off, binVec(v128.load(ar + off), bv, op));
        }
      } else if (jb == 1) {
        const av = v128.load32_splat(ar);
        for (; j + 4 <= cols; j += 4) {
          const off = <usize>j << 2;
          v128.store(yr + off, binVec(av, v128.load(br + off), op));
        }
      }
    }
    for (; j < cols; j++) {
      store<f32>(yr + (<usize>j << 2), binScalar(load<f32>(ar + (<usize>(j * ja) << 2)), load<f32>(br + (<usize>(j * jb) << 2)), op));
    }
  }
}
