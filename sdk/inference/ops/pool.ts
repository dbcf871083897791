/**
 * Pooling and normalisation over NC(H)W tensors, ONNX semantics: MaxPool and AveragePool
 * (1-D and 2-D; ceil_mode, count_include_pad), GlobalAveragePool, and BatchNormalization in
 * inference mode (folded into a preceding constant Conv at load by the passes when it can be).
 */
import { attrFloat, attrInt, attrInts } from '../ir/graph.js';
import { sizeOf } from '../tensor.js';
import type { OpDef, OutputInfo } from './types.js';
import { input, opError, unsupported } from './util.js';
import { checkFloat, fitsKernel, outDims, windowOf } from './window.js';

/** MaxPool and AveragePool share the window walk. */
function pool(kind: 'max' | 'avg'): OpDef {
  return {
    infer: (ctx) => {
      checkFloat(ctx);
      if (ctx.node.outputs.length > 1 && ctx.node.outputs[1] !== '') throw unsupported(ctx, 'the Indices output of MaxPool', 'output[1]');
      const kernel = attrInts(ctx.node, 'kernel_shape') ?? [];
      const win = windowOf(ctx, kernel, attrInt(ctx.node, 'ceil_mode', 0) === 1);
      return [{ dtype: 'float32', dims: outDims(win, win.c) }];
    },
    js: (ctx) => {
      const win = windowOf(ctx, attrInts(ctx.node, 'kernel_shape') ?? [], attrInt(ctx.node, 'ceil_mode', 0) === 1);
      const includePad = attrInt(ctx.node, 'count_include_pad', 0) !== 0;
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
    /** The same window walk in WebAssembly (one call for every image and channel). */
    wasm: (ctx) => {
      const win = windowOf(ctx, attrInts(ctx.node, 'kernel_shape') ?? [], attrInt(ctx.node, 'ceil_mode', 0) === 1);
      const includePad = attrInt(ctx.node, 'count_include_pad', 0) !== 0 ? 1 : 0;
      if (!fitsKernel(win)) return undefined;
      const { n: N, c: C, h: H, w: W, kh: KH, kw: KW, sh, sw, dh, dw, padT, padL, padB, padR, oh: OH, ow: OW } = win;
      const k = ctx.kernels;
      const avg = kind === 'avg' ? 1 : 0;
      ctx.reads(0, N * C * H * W * 4);
      ctx.writes(0, N * C * OH * OW * 4);
      return (ins, outs) =>
        k.pool2d(ins[0]!.ptr, outs[0]!.ptr, N * C, H, W, KH, KW, sh, sw, dh, dw, padT, padL, padB, padR, OH, OW, avg, includePad);
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
  /** The per-channel sums in WebAssembly (sumRuns over contiguous planes). */
  wasm: (ctx) => {
    const x = input(ctx, 0);
    const nc = x.dims[0]! * x.dims[1]!;
    const area = sizeOf(x.dims.slice(2));
    if (nc * area === 0) return undefined;
    const k = ctx.kernels;
    ctx.reads(0, nc * area * 4);
    ctx.writes(0, nc * 4);
    return (ins, outs) => k.sumRuns(ins[0]!.ptr, outs[0]!.ptr, nc, area, 1, area);
  },
};

/** BatchNormalization in inference mode: y = (x − mean) / sqrt(var + ε) · scale + B, per channel (axis 1). */
export const BatchNormalization: OpDef = {
  infer: (ctx) => {
    checkFloat(ctx);
    if (attrInt(ctx.node, 'training_mode', 0) !== 0) throw unsupported(ctx, 'training_mode (inference only)', 'training_mode');
    const x = input(ctx, 0);
    for (let i = 1; i <= 4; i++)
      if (input(ctx, i).dims.length !== 1 || input(ctx, i).dims[0] !== x.dims[1])
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
