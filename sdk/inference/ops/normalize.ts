/** Row normalizations: Softmax, LogSoftmax and LayerNormalization. */
import { attrFloat, attrInt } from '../ir/graph.js';
import { sizeOf } from '../tensor.js';
import type { OpContext, OpDef, OutputInfo } from './types.js';
import { around, attrInt32, broadcastStrides, input, normAxis, opError } from './util.js';

function softmaxLike(log: boolean): OpDef {
  return {
    infer: (ctx) => {
      const x = input(ctx, 0);
      normAxis(ctx, attrInt32(ctx, 'axis', -1), x.dims.length);
      return [{ dtype: x.dtype, dims: [...x.dims] }];
    },
    js: (ctx) => {
      const dims = input(ctx, 0).dims;
      const [outer, D, inner] = around(dims, normAxis(ctx, attrInt32(ctx, 'axis', -1), dims.length));
      return (ins, outs) => {
        const x = ins[0]!.data;
        const y = outs[0]!.data;
        for (let o = 0; o < outer; o++) {
          for (let i = 0; i < inner; i++) {
            const base = o * D * inner + i;
            let m = -Infinity;
            for (let d = 0; d < D; d++) m = Math.max(m, x[base + d * inner]!);
            let s = 0;
            for (let d = 0; d < D; d++) s += Math.exp(x[base + d * inner]! - m);
            for (let d = 0; d < D; d++) {
              const e = x[base + d * inner]! - m;
              y[base + d * inner] = log ? e - Math.log(s) : Math.exp(e) / s;
            }
          }
        }
      };
    },
    wasm: log
      ? undefined
      : (ctx) => {
          const dims = input(ctx, 0).dims;
          const [outer, D, inner] = around(dims, normAxis(ctx, attrInt32(ctx, 'axis', -1), dims.length));
          if (inner !== 1 || input(ctx, 0).dtype !== 'float32') return undefined;
          const k = ctx.kernels;
          ctx.reads(0, outer * D * 4);
          ctx.writes(0, outer * D * 4);
          return (ins, outs) => k.softmax(ins[0]!.ptr, outs[0]!.ptr, outer, D);
        },
  };
}

export const Softmax = softmaxLike(false);
export const LogSoftmax = softmaxLike(true);

/**
 * LayerNormalization over dims[axis:]. Scale and bias may be broadcastable to those dims (as
 * onnxruntime allows); the WebAssembly kernel takes full-size ones, the portable kernel any.
 */
export const LayerNormalization: OpDef = {
  infer: (ctx) => {
    const x = input(ctx, 0);
    const axis = normAxis(ctx, attrInt(ctx.node, 'axis', -1), x.dims.length);
    const block = x.dims.slice(axis);
    for (const i of [1, 2]) {
      const p = ctx.inputs[i];
      if (p !== undefined && !fitsBlock(p.dims, block)) {
        throw opError(
          ctx,
          `${i === 1 ? 'scale' : 'bias'} [${p.dims.join(', ')}] does not broadcast to [${block.join(', ')}]`,
          `input[${i}]`,
        );
      }
    }
    const stat = x.dims.map((d, i) => (i < axis ? d : 1));
    const outs: OutputInfo[] = [{ dtype: x.dtype, dims: [...x.dims] }];
    for (let i = 1; i < ctx.node.outputs.length; i++) outs.push({ dtype: 'float32', dims: stat });
    return outs;
  },
  js: (ctx) => {
    const { rows, cols, eps, hasScale, hasBias } = layerNormParams(ctx);
    const dims = input(ctx, 0).dims;
    const block = dims.slice(dims.length - blockRank(ctx));
    const gMap = hasScale ? paramMap(trimmed(input(ctx, 1).dims, block.length), block) : undefined;
    const bMap = hasBias ? paramMap(trimmed(input(ctx, 2).dims, block.length), block) : undefined;
    return (ins, outs) => {
      const x = ins[0]!.data;
      const y = outs[0]!.data;
      const g = hasScale ? ins[1]!.data : undefined;
      const b = hasBias ? ins[2]!.data : undefined;
      for (let r = 0; r < rows; r++) {
        const base = r * cols;
        let mean = 0;
        for (let j = 0; j < cols; j++) mean += x[base + j]!;
        mean /= cols;
        let v = 0;
        for (let j = 0; j < cols; j++) v += (x[base + j]! - mean) ** 2;
        const rstd = 1 / Math.sqrt(v / cols + eps);
        for (let j = 0; j < cols; j++) {
          let z = (x[base + j]! - mean) * rstd;
          if (g !== undefined) z *= g[gMap![j]!]!;
          if (b !== undefined) z += b[bMap![j]!]!;
          y[base + j] = z;
        }
        if (outs.length > 1 && outs[1]!.ptr !== -2) outs[1]!.data[r] = mean;
        if (outs.length > 2 && outs[2]!.ptr !== -2) outs[2]!.data[r] = rstd;
      }
    };
  },
  wasm: (ctx) => {
    if (ctx.node.outputs.length > 1 || input(ctx, 0).dtype !== 'float32') return undefined;
    const { rows, cols, eps, hasScale, hasBias } = layerNormParams(ctx);
    if ((hasScale && sizeOf(input(ctx, 1).dims) !== cols) || (hasBias && sizeOf(input(ctx, 2).dims) !== cols)) return undefined;
    const k = ctx.kernels;
    ctx.reads(0, rows * cols * 4);
    if (hasScale) ctx.reads(1, cols * 4);
    if (hasBias) ctx.reads(2, cols * 4);
    ctx.writes(0, rows * cols * 4);
    return (ins, outs) => k.layerNorm(ins[0]!.ptr, 0, hasScale ? ins[1]!.ptr : 0, hasBias ? ins[2]!.ptr : 0, outs[0]!.ptr, rows, cols, eps);
  },
};

/** Whether a parameter of `dims` broadcasts to the normalized block without growing it (extra leading 1s allowed). */
function fitsBlock(dims: readonly number[], block: readonly number[]): boolean {
  const extra = dims.length - block.length;
  if (extra > 0 && dims.slice(0, extra).some((d) => d !== 1)) return false;
  const core = extra > 0 ? dims.slice(extra) : dims;
  const shift = block.length - core.length;
  return core.every((d, i) => d === 1 || d === block[shift + i]);
}

/** The dims without the leading 1s beyond `rank`. */
function trimmed(dims: readonly number[], rank: number): number[] {
  return dims.length > rank ? dims.slice(dims.length - rank) : [...dims];
}

function blockRank(ctx: OpContext): number {
  const dims = input(ctx, 0).dims;
  return dims.length - normAxis(ctx, attrInt(ctx.node, 'axis', -1), dims.length);
}

/** For each element of the block, the offset of the parameter value it takes. */
function paramMap(dims: readonly number[], block: readonly number[]): Int32Array {
  const strides = broadcastStrides(dims, block);
  const n = sizeOf(block);
  const map = new Int32Array(n);
  const idx = new Array<number>(block.length).fill(0);
  for (let j = 0; j < n; j++) {
    let off = 0;
    for (let a = 0; a < block.length; a++) off += idx[a]! * strides[a]!;
    map[j] = off;
    for (let a = block.length - 1; a >= 0; a--) {
      idx[a]!++;
      if (idx[a]! < block[a]!) break;
      idx[a] = 0;
    }
  }
  return map;
}

/** LayerNormalization over dims[axis:]: rows × cols, epsilon, and which optional inputs are present. */
export function layerNormParams(ctx: OpContext): { rows: number; cols: number; eps: number; hasScale: boolean; hasBias: boolean } {
  const dims = input(ctx, 0).dims;
  const axis = normAxis(ctx, attrInt(ctx.node, 'axis', -1), dims.length);
  return {
    rows: sizeOf(dims.slice(0, axis)),
    cols: sizeOf(dims.slice(axis)),
    eps: attrFloat(ctx.node, 'epsilon', 1e-5),
    hasScale: ctx.inputs[1] !== undefined,
    hasBias: ctx.inputs[2] !== undefined,
  };
}
