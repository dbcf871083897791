/**
 * Convolution and pooling over 1-D and 2-D NC(H)W tensors, ONNX semantics: Conv (groups,
 * dilations, strides, explicit pads or auto_pad), MaxPool and AveragePool (ceil_mode,
 * count_include_pad), GlobalAveragePool, and BatchNormalization in inference mode. Portable
 * kernels; 1-D shapes run as 2-D with height 1.
 */
import { attrFloat, attrInt, attrInts, attrString } from '../ir/graph.js';
import { sizeOf, type Tensor } from '../tensor.js';
import type { OpContext, OpDef, OutputInfo } from './types.js';
import { input, opError } from './util.js';

/** Geometry of a windowed op over 2 spatial dims (1-D: H = 1). */
interface Window {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  padT: number;
  padL: number;
  padB: number;
  padR: number;
  oh: number;
  ow: number;
  rank: number;
}

/** Window geometry from the input dims, the kernel's spatial size and the node's attributes. */
function windowOf(ctx: OpContext, kernel: number[], ceil = false): Window {
  const x = input(ctx, 0);
  const rank = x.dims.length - 2;
  if (rank !== 1 && rank !== 2) throw opError(ctx, `${rank}-D ${ctx.node.op} is not supported (1-D and 2-D are)`, 'input[0]');
  if (kernel.length !== rank) throw opError(ctx, `kernel has ${kernel.length} spatial dims for a ${rank}-D input`, 'kernel_shape');
  const spatial = x.dims.slice(2);
  const strides = attrInts(ctx.node, 'strides') ?? kernel.map(() => 1);
  const dilations = attrInts(ctx.node, 'dilations') ?? kernel.map(() => 1);
  const autoPad = attrString(ctx.node, 'auto_pad', 'NOTSET');
  let pads = attrInts(ctx.node, 'pads') ?? kernel.flatMap(() => [0, 0]);
  const out: number[] = [];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = new Array(2 * rank).fill(0);
    for (let i = 0; i < rank; i++) {
      const o = Math.ceil(spatial[i]! / strides[i]!);
      const total = Math.max(0, (o - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - spatial[i]!);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + rank] = total - pads[i]!;
      out.push(o);
    }
  } else {
    if (autoPad === 'VALID') pads = new Array(2 * rank).fill(0);
    else if (autoPad !== 'NOTSET') throw opError(ctx, `auto_pad ${autoPad} is not supported`, 'auto_pad');
    for (let i = 0; i < rank; i++) {
      const span = spatial[i]! + pads[i]! + pads[i + rank]! - ((kernel[i]! - 1) * dilations[i]! + 1);
      let o = (ceil ? Math.ceil(span / strides[i]!) : Math.floor(span / strides[i]!)) + 1;
      // With ceil_mode, a last window starting past the end padding is dropped (as onnxruntime does).
      if (ceil && (o - 1) * strides[i]! >= spatial[i]! + pads[i]!) o--;
      if (o < 1) throw opError(ctx, `the window does not fit the input (${spatial[i]} + pads)`, 'kernel_shape');
      out.push(o);
    }
  }
  const two = (v: number[], i2d: number, fallback: number) => (rank === 1 ? (i2d === 0 ? fallback : v[0]!) : v[i2d]!);
  return {
    n: x.dims[0]!,
    c: x.dims[1]!,
    h: rank === 1 ? 1 : spatial[0]!,
    w: rank === 1 ? spatial[0]! : spatial[1]!,
    kh: two(kernel, 0, 1),
    kw: two(kernel, 1, 1),
    sh: two(strides, 0, 1),
    sw: two(strides, 1, 1),
    dh: two(dilations, 0, 1),
    dw: two(dilations, 1, 1),
    padT: rank === 1 ? 0 : pads[0]!,
    padL: rank === 1 ? pads[0]! : pads[1]!,
    padB: rank === 1 ? 0 : pads[2]!,
    padR: rank === 1 ? pads[1]! : pads[3]!,
    oh: rank === 1 ? 1 : out[0]!,
    ow: rank === 1 ? out[0]! : out[1]!,
    rank,
  };
}

function outDims(win: Window, channels: number): number[] {
  return win.rank === 1 ? [win.n, channels, win.ow] : [win.n, channels, win.oh, win.ow];
}

function checkFloat(ctx: OpContext): void {
  if (input(ctx, 0).dtype !== 'float32') throw opError(ctx, `${ctx.node.op} runs on float32 tensors`, 'input[0]');
}

/** W [M, C, k…] seen as the [M, C·k…] matrix the packed GEMM takes (one view per weight, so its packing is cached). */
const matrices = new WeakMap<Tensor, Tensor>();
function asMatrix(w: Tensor): Tensor {
  let m = matrices.get(w);
  if (m === undefined) {
    m = { dtype: w.dtype, dims: [w.dims[0]!, sizeOf(w.dims) / w.dims[0]!], data: w.data };
    matrices.set(w, m);
  }
  return m;
}

/** Conv(X, W, B?). */
export const Conv: OpDef = {
  infer: (ctx) => {
    checkFloat(ctx);
    const w = input(ctx, 1);
    const group = attrInt(ctx.node, 'group', 1);
    const win = windowOf(ctx, attrInts(ctx.node, 'kernel_shape') ?? w.dims.slice(2));
    if (w.dims[1]! * group !== win.c)
      throw opError(ctx, `W has ${w.dims[1]} input channels per group × ${group} groups, X has ${win.c}`, 'input[1]');
    if (w.dims[0]! % group !== 0) throw opError(ctx, `${w.dims[0]} output channels do not split into ${group} groups`, 'group');
    const b = ctx.inputs[2];
    if (b !== undefined && sizeOf(b.dims) !== w.dims[0])
      throw opError(ctx, `B has ${sizeOf(b.dims)} values for ${w.dims[0]} output channels`, 'input[2]');
    return [{ dtype: 'float32', dims: outDims(win, w.dims[0]!) }];
  },
  flops: (ctx, outputs) => {
    const w = input(ctx, 1);
    return 2 * sizeOf(outputs[0]!.dims) * (sizeOf(w.dims) / w.dims[0]!);
  },
  js: (ctx) => {
    const wd = input(ctx, 1).dims;
    const group = attrInt(ctx.node, 'group', 1);
    const win = windowOf(ctx, attrInts(ctx.node, 'kernel_shape') ?? wd.slice(2));
    const M = wd[0]!;
    const Cg = win.c / group;
    const Mg = M / group;
    const hasBias = ctx.inputs[2] !== undefined;
    const { n: N, h: H, w: W, kh: KH, kw: KW, sh, sw, dh, dw, padT, padL, oh: OH, ow: OW } = win;
    return (ins, outs) => {
      const x = ins[0]!.data as Float32Array;
      const k = ins[1]!.data as Float32Array;
      const b = hasBias ? (ins[2]!.data as Float32Array) : undefined;
      const y = outs[0]!.data as Float32Array;
      for (let n = 0; n < N; n++)
        for (let m = 0; m < M; m++) {
          const g = Math.floor(m / Mg);
          const yBase = (n * M + m) * OH * OW;
          for (let oy = 0; oy < OH; oy++)
            for (let ox = 0; ox < OW; ox++) {
              let s = b === undefined ? 0 : b[m]!;
              for (let c = 0; c < Cg; c++) {
                const xBase = (n * win.c + g * Cg + c) * H * W;
                const kBase = (m * Cg + c) * KH * KW;
                for (let ky = 0; ky < KH; ky++) {
                  const iy = oy * sh - padT + ky * dh;
                  if (iy < 0 || iy >= H) continue;
                  for (let kx = 0; kx < KW; kx++) {
                    const ix = ox * sw - padL + kx * dw;
                    if (ix < 0 || ix >= W) continue;
                    s += x[xBase + iy * W + ix]! * k[kBase + ky * KW + kx]!;
                  }
                }
              }
              y[yBase + oy * OW + ox] = s;
            }
        }
    };
  },
  /**
   * One group and constant weights: per image, im2col into kernel scratch, the packed GEMM
   * (weights packed once per session) with the bias, then the NHWC product transposed to NCHW.
   */
  wasm: (ctx) => {
    const w = input(ctx, 1);
    const b = ctx.inputs[2];
    if (attrInt(ctx.node, 'group', 1) !== 1 || w.value === undefined || (b !== undefined && b.value === undefined)) return undefined;
    const win = windowOf(ctx, attrInts(ctx.node, 'kernel_shape') ?? w.dims.slice(2));
    const { n: N, c: C, h: H, w: W, kh: KH, kw: KW, sh, sw, dh, dw, padT, padL, oh: OH, ow: OW } = win;
    const M = w.dims[0]!;
    const K = C * KH * KW;
    const rows = OH * OW;
    const linear = ctx.linear(asMatrix(w.value), true, rows, K, M);
    const col = ctx.scratch(rows * K * 4);
    const prod = ctx.scratch(rows * M * 4);
    const bias = b === undefined ? 0 : ctx.constPtr(2);
    const runtime = ctx.runtime;
    let view = new Float32Array(runtime.buffer);
    return (ins, outs) => {
      if (view.buffer !== runtime.buffer) view = new Float32Array(runtime.buffer);
      const x = ins[0]!.data as Float32Array;
      const y = outs[0]!.data as Float32Array;
      const c0 = col >> 2;
      const p0 = prod >> 2;
      for (let n = 0; n < N; n++) {
        let at = c0;
        for (let oy = 0; oy < OH; oy++)
          for (let ox = 0; ox < OW; ox++)
            for (let c = 0; c < C; c++) {
              const xBase = (n * C + c) * H * W;
              for (let ky = 0; ky < KH; ky++) {
                const iy = oy * sh - padT + ky * dh;
                for (let kx = 0; kx < KW; kx++) {
                  const ix = ox * sw - padL + kx * dw;
                  view[at++] = iy < 0 || iy >= H || ix < 0 || ix >= W ? 0 : x[xBase + iy * W + ix]!;
                }
              }
            }
        linear(col, bias, prod, 0);
        const yBase = n * M * rows;
        for (let r = 0; r < rows; r++) for (let m = 0; m < M; m++) y[yBase + m * rows + r] = view[p0 + r * M + m]!;
      }
    };
  },
};

/** MaxPool and AveragePool share the window walk. */
function pool(kind: 'max' | 'avg'): OpDef {
  return {
    infer: (ctx) => {
      checkFloat(ctx);
      if (ctx.node.outputs.length > 1 && ctx.node.outputs[1] !== '')
        throw opError(ctx, 'the Indices output of MaxPool is not supported', 'output[1]');
      const kernel = attrInts(ctx.node, 'kernel_shape') ?? [];
      const win = windowOf(ctx, kernel, attrInt(ctx.node, 'ceil_mode', 0) === 1);
      return [{ dtype: 'float32', dims: outDims(win, win.c) }];
    },
    js: (ctx) => {
      const win = windowOf(ctx, attrInts(ctx.node, 'kernel_shape') ?? [], attrInt(ctx.node, 'ceil_mode', 0) === 1);
      const includePad = attrInt(ctx.node, 'count_include_pad', 0) === 1;
      const { n: N, c: C, h: H, w: W, kh: KH, kw: KW, sh, sw, dh, dw, padT, padL, padB, padR, oh: OH, ow: OW } = win;
      return (ins, outs) => {
        const x = ins[0]!.data as Float32Array;
        const y = outs[0]!.data as Float32Array;
        for (let nc = 0; nc < N * C; nc++) {
          const xBase = nc * H * W;
          for (let oy = 0; oy < OH; oy++)
            for (let ox = 0; ox < OW; ox++) {
              let acc = kind === 'max' ? -Infinity : 0;
              let count = 0;
              let padded = 0;
              for (let ky = 0; ky < KH; ky++) {
                const iy = oy * sh - padT + ky * dh;
                for (let kx = 0; kx < KW; kx++) {
                  const ix = ox * sw - padL + kx * dw;
                  if (iy >= -padT && iy < H + padB && ix >= -padL && ix < W + padR) padded++;
                  if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                  const v = x[xBase + iy * W + ix]!;
                  if (kind === 'max') {
                    if (v > acc) acc = v;
                  } else acc += v;
                  count++;
                }
              }
              y[(nc * OH + oy) * OW + ox] = kind === 'max' ? acc : acc / (includePad ? padded : Math.max(1, count));
            }
        }
      };
    },
  };
}

/** MaxPool (no Indices output). */
export const MaxPool = pool('max');
/** AveragePool. */
export const AveragePool = pool('avg');

/** GlobalAveragePool: the mean over every spatial position, per channel. */
export const GlobalAveragePool: OpDef = {
  infer: (ctx) => {
    checkFloat(ctx);
    const x = input(ctx, 0);
    if (x.dims.length < 3) throw opError(ctx, 'expects N × C × spatial…', 'input[0]');
    return [{ dtype: 'float32', dims: [x.dims[0]!, x.dims[1]!, ...x.dims.slice(2).map(() => 1)] }];
  },
  js: (ctx) => {
    const x = input(ctx, 0);
    const nc = x.dims[0]! * x.dims[1]!;
    const area = sizeOf(x.dims.slice(2));
    return (ins, outs) => {
      const xd = ins[0]!.data as Float32Array;
      const yd = outs[0]!.data as Float32Array;
      for (let i = 0; i < nc; i++) {
        let s = 0;
        for (let j = 0; j < area; j++) s += xd[i * area + j]!;
        yd[i] = s / area;
      }
    };
  },
};

/** BatchNormalization in inference mode: y = (x − mean) / sqrt(var + ε) · scale + B, per channel (axis 1). */
export const BatchNormalization: OpDef = {
  infer: (ctx) => {
    checkFloat(ctx);
    if (attrInt(ctx.node, 'training_mode', 0) !== 0) throw opError(ctx, 'training_mode is not supported (inference only)', 'training_mode');
    const x = input(ctx, 0);
    for (let i = 1; i <= 4; i++)
      if (sizeOf(input(ctx, i).dims) !== x.dims[1])
        throw opError(ctx, `input ${i} needs one value per channel (${x.dims[1]})`, `input[${i}]`);
    return [{ dtype: 'float32', dims: [...x.dims] } satisfies OutputInfo];
  },
  js: (ctx) => {
    const x = input(ctx, 0);
    const C = x.dims[1]!;
    const inner = sizeOf(x.dims.slice(2));
    const outer = x.dims[0]!;
    const eps = attrFloat(ctx.node, 'epsilon', 1e-5);
    return (ins, outs) => {
      const xd = ins[0]!.data as Float32Array;
      const scale = ins[1]!.data as Float32Array;
      const bias = ins[2]!.data as Float32Array;
      const mean = ins[3]!.data as Float32Array;
      const variance = ins[4]!.data as Float32Array;
      const yd = outs[0]!.data as Float32Array;
      for (let n = 0; n < outer; n++)
        for (let c = 0; c < C; c++) {
          const a = scale[c]! / Math.sqrt(variance[c]! + eps);
          const b = bias[c]! - mean[c]! * a;
          const o = (n * C + c) * inner;
          for (let j = 0; j < inner; j++) yd[o + j] = xd[o + j]! * a + b;
        }
    };
  },
};

/** ConvTranspose geometry: per spatial axis, output size and begin padding. */
function transposedGeometry(ctx: OpContext): { win: Window; M: number; group: number } {
  const x = input(ctx, 0);
  const w = input(ctx, 1);
  const rank = x.dims.length - 2;
  if (rank !== 1 && rank !== 2) throw opError(ctx, `${rank}-D ConvTranspose is not supported (1-D and 2-D are)`, 'input[0]');
  const group = attrInt(ctx.node, 'group', 1);
  if (w.dims[0] !== x.dims[1]) throw opError(ctx, `W has ${w.dims[0]} input channels, X has ${x.dims[1]}`, 'input[1]');
  const kernel = attrInts(ctx.node, 'kernel_shape') ?? w.dims.slice(2);
  const strides = attrInts(ctx.node, 'strides') ?? kernel.map(() => 1);
  const dilations = attrInts(ctx.node, 'dilations') ?? kernel.map(() => 1);
  const outputPadding = attrInts(ctx.node, 'output_padding') ?? kernel.map(() => 0);
  const outputShape = attrInts(ctx.node, 'output_shape');
  const autoPad = attrString(ctx.node, 'auto_pad', 'NOTSET');
  const spatial = x.dims.slice(2);
  let pads = attrInts(ctx.node, 'pads') ?? kernel.flatMap(() => [0, 0]);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const full = strides[i]! * (spatial[i]! - 1) + outputPadding[i]! + (kernel[i]! - 1) * dilations[i]! + 1;
    const target =
      outputShape?.[outputShape.length - rank + i] ??
      (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER' ? spatial[i]! * strides[i]! : undefined);
    if (target !== undefined) {
      const total = full - target;
      if (total < 0) throw opError(ctx, `output_shape ${target} exceeds the full output ${full}`, 'output_shape');
      const half = Math.floor(total / 2);
      if (i === 0) pads = new Array(2 * rank).fill(0);
      pads[i] = autoPad === 'SAME_UPPER' ? half : total - half;
      pads[i + rank] = total - pads[i]!;
      out.push(target);
    } else out.push(full - pads[i]! - pads[i + rank]!);
  }
  const M = w.dims[1]! * group;
  const two = (v: number[], i2d: number, fallback: number) => (rank === 1 ? (i2d === 0 ? fallback : v[0]!) : v[i2d]!);
  const win: Window = {
    n: x.dims[0]!,
    c: x.dims[1]!,
    h: rank === 1 ? 1 : spatial[0]!,
    w: rank === 1 ? spatial[0]! : spatial[1]!,
    kh: two(kernel, 0, 1),
    kw: two(kernel, 1, 1),
    sh: two(strides, 0, 1),
    sw: two(strides, 1, 1),
    dh: two(dilations, 0, 1),
    dw: two(dilations, 1, 1),
    padT: rank === 1 ? 0 : pads[0]!,
    padL: rank === 1 ? pads[0]! : pads[1]!,
    padB: rank === 1 ? 0 : pads[2]!,
    padR: rank === 1 ? pads[1]! : pads[3]!,
    oh: rank === 1 ? 1 : out[0]!,
    ow: rank === 1 ? out[0]! : out[1]!,
    rank,
  };
  if (win.oh < 1 || win.ow < 1) throw opError(ctx, 'the pads leave no output', 'pads');
  return { win, M, group };
}

/** ConvTranspose(X, W, B?): the gradient of Conv with respect to its input, as a layer (upsampling). */
export const ConvTranspose: OpDef = {
  infer: (ctx) => {
    checkFloat(ctx);
    const { win, M, group } = transposedGeometry(ctx);
    if (win.c % group !== 0) throw opError(ctx, `${win.c} input channels do not split into ${group} groups`, 'group');
    const b = ctx.inputs[2];
    if (b !== undefined && sizeOf(b.dims) !== M) throw opError(ctx, `B has ${sizeOf(b.dims)} values for ${M} output channels`, 'input[2]');
    return [{ dtype: 'float32', dims: outDims(win, M) }];
  },
  js: (ctx) => {
    const { win, M, group } = transposedGeometry(ctx);
    const { n: N, c: C, h: H, w: W, kh: KH, kw: KW, sh, sw, dh, dw, padT, padL, oh: OH, ow: OW } = win;
    const Cg = C / group;
    const Mg = M / group;
    const hasBias = ctx.inputs[2] !== undefined;
    return (ins, outs) => {
      const x = ins[0]!.data as Float32Array;
      const k = ins[1]!.data as Float32Array;
      const y = outs[0]!.data as Float32Array;
      const b = hasBias ? (ins[2]!.data as Float32Array) : undefined;
      for (let n = 0; n < N; n++)
        for (let m = 0; m < M; m++) y.fill(b === undefined ? 0 : b[m]!, (n * M + m) * OH * OW, (n * M + m + 1) * OH * OW);
      for (let n = 0; n < N; n++)
        for (let c = 0; c < C; c++) {
          const g = Math.floor(c / Cg);
          for (let iy = 0; iy < H; iy++)
            for (let ix = 0; ix < W; ix++) {
              const v = x[((n * C + c) * H + iy) * W + ix]!;
              if (v === 0) continue;
              for (let mm = 0; mm < Mg; mm++) {
                const m = g * Mg + mm;
                const kBase = (c * Mg + mm) * KH * KW;
                const yBase = (n * M + m) * OH * OW;
                for (let ky = 0; ky < KH; ky++) {
                  const oy = iy * sh - padT + ky * dh;
                  if (oy < 0 || oy >= OH) continue;
                  for (let kx = 0; kx < KW; kx++) {
                    const ox = ix * sw - padL + kx * dw;
                    if (ox < 0 || ox >= OW) continue;
                    y[yBase + oy * OW + ox] = y[yBase + oy * OW + ox]! + v * k[kBase + ky * KW + kx]!;
                  }
                }
              }
            }
        }
    };
  },
};
