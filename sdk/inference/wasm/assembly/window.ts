// Sliding windows over NCHW images: im2col for the convolution's GEMM, and pooling.

import { fillF32 } from './copy';

/**
 * im2col written straight into gemmPacked's panel layout, transposed: B is (taps [+ 1]) × pixels,
 * panel p holding pixels [8p, 8p + 8) as rows of 8 floats, so C[M × pixels] = W · B comes out
 * channel-major (NCHW) with no transpose. With `ones`, an extra last row of 1s carries the bias
 * (the weights get the bias as an extra column). A panel whose 8 pixels share an output row
 * (horizontal stride 1 or 2) is copied a tap row at a time; others pixel by pixel.
 */
export function im2colPanels(
  x: usize,
  bp: usize,
  C: i32,
  H: i32,
  W: i32,
  KH: i32,
  KW: i32,
  sh: i32,
  sw: i32,
  dh: i32,
  dw: i32,
  padT: i32,
  padL: i32,
  OH: i32,
  OW: i32,
  ones: i32,
): void {
  const Kp = C * KH * KW + ones;
  const N = OH * OW;
  const panels = (N + 7) / 8;
  for (let p = 0; p < panels; p++) {
    const base = bp + (<usize>(p * Kp * 8) << 2);
    const oy = (p * 8) / OW;
    const ox0 = p * 8 - oy * OW;
    if (ASC_FEATURE_SIMD && (sw == 1 || sw == 2) && ox0 + 8 <= OW) {
      rowPanel(x, base, C, H, W, KH, KW, oy * sh - padT, ox0 * sw - padL, sw, dh, dw, ones);
      continue;
    }
    for (let j = 0; j < 8; j++) pixelColumn(x, base + (<usize>j << 2), p * 8 + j, N, Kp, C, H, W, KH, KW, sh, sw, dh, dw, padT, padL, OW, ones);
  }
}

/**
 * Copies C planes of H × W into planes of Hp × Wp with zero borders: padT rows above, padL
 * columns on the left, zeros for the rest of each row and the rows below. The convolution's
 * im2col then reads a padded image with no border cases (every tap row a vector copy).
 */
export function padPlanes(x: usize, dst: usize, C: i32, H: i32, W: i32, padT: i32, padL: i32, Hp: i32, Wp: i32): void {
  let src = x;
  let plane = dst;
  for (let c = 0; c < C; c++) {
    fillF32(plane, 0, padT * Wp);
    let row = plane + (<usize>(padT * Wp) << 2);
    for (let y = 0; y < H; y++) {
      fillF32(row, 0, padL);
      copyFloats(row + (<usize>padL << 2), src, W);
      fillF32(row + (<usize>(padL + W) << 2), 0, Wp - padL - W);
      src += <usize>W << 2;
      row += <usize>Wp << 2;
    }
    fillF32(row, 0, (Hp - padT - H) * Wp);
    plane += <usize>(Hp * Wp) << 2;
  }
}

// A short row inline (memory.copy is a call into the engine each time); the rows never overlap.
function copyFloats(to: usize, from: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 4 <= n; i += 4) v128.store(to + (<usize>i << 2), v128.load(from + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(to + (<usize>i << 2), load<f32>(from + (<usize>i << 2)));
}

/** One panel column: pixel `pix`'s taps down the panel (stride 32 bytes), zeros past the last pixel. */
function pixelColumn(
  x: usize,
  at: usize,
  pix: i32,
  N: i32,
  Kp: i32,
  C: i32,
  H: i32,
  W: i32,
  KH: i32,
  KW: i32,
  sh: i32,
  sw: i32,
  dh: i32,
  dw: i32,
  padT: i32,
  padL: i32,
  OW: i32,
  ones: i32,
): void {
  if (pix >= N) {
    for (let k = 0; k < Kp; k++) {
      store<f32>(at, 0);
      at += 32;
    }
    return;
  }
  const plane = <usize>(H * W) << 2;
  const oy = pix / OW;
  const iy0 = oy * sh - padT;
  const ix0 = (pix - oy * OW) * sw - padL;
  const inside = ix0 >= 0 && ix0 + (KW - 1) * dw < W && iy0 >= 0 && iy0 + (KH - 1) * dh < H;
  let xc = x;
  for (let c = 0; c < C; c++) {
    for (let ky = 0; ky < KH; ky++) {
      const iy = iy0 + ky * dh;
      const rowOk = inside || (iy >= 0 && iy < H);
      const row = xc + (<usize>(iy * W + ix0) << 2);
      for (let kx = 0; kx < KW; kx++) {
        const ix = ix0 + kx * dw;
        store<f32>(at, rowOk && (inside || (ix >= 0 && ix < W)) ? load<f32>(row + (<usize>(kx * dw) << 2)) : 0);
        at += 32;
      }
    }
    xc += plane;
  }
  if (ones) store<f32>(at, 1);
}

/**
 * A panel of 8 pixels in one output row, its first input column ix0 and row iy0: each tap row
 * is 8 input floats at stride sw (1: two vector loads; 2: four loads, even lanes kept) when
 * inside the image, element by element at the borders.
 */
function rowPanel(x: usize, at: usize, C: i32, H: i32, W: i32, KH: i32, KW: i32, iy0: i32, ix0: i32, sw: i32, dh: i32, dw: i32, ones: i32): void {
  const plane = <usize>(H * W) << 2;
  const span = 7 * sw;
  let xc = x;
  for (let c = 0; c < C; c++) {
    for (let ky = 0; ky < KH; ky++) {
      const iy = iy0 + ky * dh;
      const rowOk = iy >= 0 && iy < H;
      const row = xc + (<usize>(iy * W) << 2);
      for (let kx = 0; kx < KW; kx++) {
        const ix = ix0 + kx * dw;
        if (rowOk && ix >= 0 && ix + span + (sw - 1) < W) {
          const src = row + (<usize>ix << 2);
          if (sw == 1) {
            v128.store(at, v128.load(src));
            v128.store(at + 16, v128.load(src + 16));
          } else {
            v128.store(at, v128.shuffle<f32>(v128.load(src), v128.load(src + 16), 0, 2, 4, 6));
            v128.store(at + 16, v128.shuffle<f32>(v128.load(src + 32), v128.load(src + 48), 0, 2, 4, 6));
          }
        } else {
          for (let j = 0; j < 8; j++) {
            const jx = ix + j * sw;
            store<f32>(at + (<usize>j << 2), rowOk && jx >= 0 && jx < W ? load<f32>(row + (<usize>jx << 2)) : 0);
          }
        }
        at += 32;
      }
    }
    xc += plane;
  }
  if (ones) for (let j = 0; j < 8; j++) store<f32>(at + (<usize>j << 2), 1);
}

/**
 * MaxPool (avg = 0) or AveragePool (avg = 1) over NC planes of H×W: y[nc, oy, ox] over the
 * window at (oy·sh − padT + ky·dh, ox·sw − padL + kx·dw); averages divide by the taps inside the
 * image, or with includePad by those inside the padded image.
 */
export function pool2d(
  x: usize,
  y: usize,
  NC: i32,
  H: i32,
  W: i32,
  KH: i32,
  KW: i32,
  sh: i32,
  sw: i32,
  dh: i32,
  dw: i32,
  padT: i32,
  padL: i32,
  padB: i32,
  padR: i32,
  OH: i32,
  OW: i32,
  avg: i32,
  includePad: i32,
): void {
  if (ASC_FEATURE_SIMD && KW == 2 && sw == 2 && dw == 1 && (KH == 1 || (KH == 2 && sh == 2 && dh == 1)) && padT == 0 && padL == 0 && OW * 2 <= W && OH * KH <= H) {
    pairs(x, y, NC, H, W, KH, OH, OW, avg);
    return;
  }
  let out = y;
  const taps = KH * KW;
  for (let nc = 0; nc < NC; nc++) {
    const plane = x + (<usize>(nc * H * W) << 2);
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * sh - padT;
      for (let ox = 0; ox < OW; ox++) {
        const ix0 = ox * sw - padL;
        let acc: f32 = avg ? 0 : f32.NEGATIVE_INFINITY;
        if (iy0 >= 0 && iy0 + (KH - 1) * dh < H && ix0 >= 0 && ix0 + (KW - 1) * dw < W) {
          // The whole window inside the image: no bounds per tap.
          for (let ky = 0; ky < KH; ky++) {
            const row = plane + (<usize>((iy0 + ky * dh) * W + ix0) << 2);
            for (let kx = 0; kx < KW; kx++) {
              const v = load<f32>(row + (<usize>(kx * dw) << 2));
              acc = avg ? acc + v : max(acc, v);
            }
          }
          store<f32>(out, avg ? acc / <f32>taps : acc);
          out += 4;
          continue;
        }
        let count = 0;
        let padded = 0;
        for (let ky = 0; ky < KH; ky++) {
          const iy = iy0 + ky * dh;
          for (let kx = 0; kx < KW; kx++) {
            const ix = ix0 + kx * dw;
            if (iy >= -padT && iy < H + padB && ix >= -padL && ix < W + padR) padded++;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            const v = load<f32>(plane + (<usize>(iy * W + ix) << 2));
            acc = avg ? acc + v : max(acc, v);
            count++;
          }
        }
        store<f32>(out, avg ? acc / <f32>(includePad ? padded : max(1, count)) : acc);
        out += 4;
      }
    }
  }
}

/**
 * The common 2-wide, stride-2 pooling (2×2 over two rows, or 2 over one row), four outputs per
 * step: the rows combined vertically, then even and odd columns shuffled apart and combined.
 */
function pairs(x: usize, y: usize, NC: i32, H: i32, W: i32, KH: i32, OH: i32, OW: i32, avg: i32): void {
  const scale = f32x4.splat(avg ? (KH == 2 ? 0.25 : 0.5) : 1);
  let out = y;
  for (let nc = 0; nc < NC; nc++) {
    const plane = x + (<usize>(nc * H * W) << 2);
    for (let oy = 0; oy < OH; oy++) {
      const r0 = plane + (<usize>(oy * KH * W) << 2);
      const r1 = KH == 2 ? r0 + (<usize>W << 2) : r0;
      let ox = 0;
      for (; ox + 4 <= OW; ox += 4) {
        const o = <usize>(ox * 2) << 2;
        let a = v128.load(r0 + o);
        let b = v128.load(r0 + o + 16);
        if (KH == 2) {
          const c = v128.load(r1 + o);
          const d = v128.load(r1 + o + 16);
          a = avg ? f32x4.add(a, c) : f32x4.max(a, c);
          b = avg ? f32x4.add(b, d) : f32x4.max(b, d);
        }
        const even = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
        const odd = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
        v128.store(out, avg ? f32x4.mul(f32x4.add(even, odd), scale) : f32x4.max(even, odd));
        out += 16;
      }
      for (; ox < OW; ox++) {
        const o = <usize>(ox * 2) << 2;
        let p = load<f32>(r0 + o);
        let q = load<f32>(r0 + o + 4);
        if (KH == 2) {
          p = avg ? p + load<f32>(r1 + o) : max(p, load<f32>(r1 + o));
          q = avg ? q + load<f32>(r1 + o + 4) : max(q, load<f32>(r1 + o + 4));
        }
        store<f32>(out, avg ? (p + q) * (KH == 2 ? <f32>0.25 : <f32>0.5) : max(p, q));
        out += 4;
      }
    }
  }
}

/**
 * Depthwise convolution (one filter per channel, M = C = groups) over NC planes: y[c] =
 * bias[c] + Σ taps w[c, ky, kx] · x[c, iy, ix]. Where the horizontal stride is 1 and a window
 * lies inside the image, four output pixels of a row per step; pixel by pixel at the borders.
 */
export function depthwise2d(
  x: usize,
  w: usize,
  bias: usize,
  y: usize,
  NC: i32,
  C: i32,
  H: i32,
  W: i32,
  KH: i32,
  KW: i32,
  sh: i32,
  sw: i32,
  dh: i32,
  dw: i32,
  padT: i32,
  padL: i32,
  OH: i32,
  OW: i32,
): void {
  // Output columns whose window is inside horizontally (stride 1): [first, end).
  const first = min(OW, padL);
  const end = max(first, min(OW, W - (KW - 1) * dw + padL));
  let out = y;
  for (let nc = 0; nc < NC; nc++) {
    const c = nc % C;
    const plane = x + (<usize>(nc * H * W) << 2);
    const wc = w + (<usize>(c * KH * KW) << 2);
    const b: f32 = bias ? load<f32>(bias + (<usize>c << 2)) : 0;
    const three = KH == 3 && KW == 3;
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * sh - padT;
      const vector = ASC_FEATURE_SIMD && sw == 1 && iy0 >= 0 && iy0 + (KH - 1) * dh < H;
      let ox = 0;
      while (ox < OW) {
        if (vector && three && ox == first && ox + 4 <= end) {
          // 3×3, the common case: the nine weights stay in registers across the row's inside.
          ox = rows3x3(plane, wc, b, out, W, iy0, dh, dw, padL, first, end);
          continue;
        }
        if (vector && ox >= first && ox + 4 <= end) {
          const ix0 = ox - padL;
          let acc = f32x4.splat(b);
          for (let ky = 0; ky < KH; ky++) {
            const row = plane + (<usize>((iy0 + ky * dh) * W + ix0) << 2);
            for (let kx = 0; kx < KW; kx++)
              acc = f32x4.add(acc, f32x4.mul(v128.load(row + (<usize>(kx * dw) << 2)), f32x4.splat(load<f32>(wc + (<usize>(ky * KW + kx) << 2)))));
          }
          v128.store(out + (<usize>ox << 2), acc);
          ox += 4;
          continue;
        }
        const ix0 = ox * sw - padL;
        let s = b;
        for (let ky = 0; ky < KH; ky++) {
          const iy = iy0 + ky * dh;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < KW; kx++) {
            const ix = ix0 + kx * dw;
            if (ix < 0 || ix >= W) continue;
            s += load<f32>(plane + (<usize>(iy * W + ix) << 2)) * load<f32>(wc + (<usize>(ky * KW + kx) << 2));
          }
        }
        store<f32>(out + (<usize>ox << 2), s);
        ox++;
      }
      out += <usize>OW << 2;
    }
  }
}

/**
 * Depthwise 3×3, stride 1, the inside of one output row: vector steps of 4 from `first` while
 * they fit before `end`; returns the first column it did not write (the caller finishes the row).
 */
function rows3x3(plane: usize, wc: usize, b: f32, out: usize, W: i32, iy0: i32, dh: i32, dw: i32, padL: i32, first: i32, end: i32): i32 {
  const w0 = f32x4.splat(load<f32>(wc));
  const w1 = f32x4.splat(load<f32>(wc, 4));
  const w2 = f32x4.splat(load<f32>(wc, 8));
  const w3 = f32x4.splat(load<f32>(wc, 12));
  const w4 = f32x4.splat(load<f32>(wc, 16));
  const w5 = f32x4.splat(load<f32>(wc, 20));
  const w6 = f32x4.splat(load<f32>(wc, 24));
  const w7 = f32x4.splat(load<f32>(wc, 28));
  const w8 = f32x4.splat(load<f32>(wc, 32));
  const r0 = plane + (<usize>(iy0 * W - padL) << 2);
  const r1 = r0 + (<usize>(dh * W) << 2);
  const r2 = r1 + (<usize>(dh * W) << 2);
  const d1 = <usize>dw << 2;
  const d2 = <usize>(2 * dw) << 2;
  let ox = first;
  for (; ox + 4 <= end; ox += 4) {
    const o = <usize>ox << 2;
    let acc = f32x4.splat(b);
    acc = f32x4.add(acc, f32x4.mul(v128.load(r0 + o), w0));
    acc = f32x4.add(acc, f32x4.mul(v128.load(r0 + o + d1), w1));
    acc = f32x4.add(acc, f32x4.mul(v128.load(r0 + o + d2), w2));
    acc = f32x4.add(acc, f32x4.mul(v128.load(r1 + o), w3));
    acc = f32x4.add(acc, f32x4.mul(v128.load(r1 + o + d1), w4));
    acc = f32x4.add(acc, f32x4.mul(v128.load(r1 + o + d2), w5));
    acc = f32x4.add(acc, f32x4.mul(v128.load(r2 + o), w6));
    acc = f32x4.add(acc, f32x4.mul(v128.load(r2 + o + d1), w7));
    acc = f32x4.add(acc, f32x4.mul(v128.load(r2 + o + d2), w8));
    v128.store(out + o, acc);
  }
  return ox;
}
