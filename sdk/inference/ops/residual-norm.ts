/**
 * tickmind.AddLayerNormalization(a, b, scale?, bias?): LayerNormalization(a + b), for the
 * residual connection of a post-norm transformer layer. Created at plan time (exec/
 * fuse-residual.ts) where a and b have the same shape and nothing else reads their sum: the sum
 * is written straight into the output and normalized there, one pass fewer over memory, with
 * the values of the Add and the LayerNormalization it replaces.
 */
import { sizeOf } from '../tensor.js';
import { LayerNormalization, layerNormParams } from './normalize.js';
import type { Kernel, OpContext, OpDef, Slot } from './types.js';
import { input, opError } from './util.js';

/** The LayerNormalization context: the sum in place of a and b. */
function normContext(ctx: OpContext): OpContext {
  return { node: ctx.node, inputs: [ctx.inputs[0], ctx.inputs[2], ctx.inputs[3]] };
}

export const AddLayerNormalization: OpDef = {
  infer: (ctx) => {
    const a = input(ctx, 0);
    const b = input(ctx, 1);
    if (a.dtype !== 'float32' || b.dtype !== 'float32') throw opError(ctx, 'the residual operands must be float32', 'input[1]');
    if (a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) {
      throw opError(ctx, `the residual operands differ in shape: [${a.dims.join(', ')}] and [${b.dims.join(', ')}]`, 'input[1]');
    }
    if (ctx.node.outputs.length !== 1) throw opError(ctx, 'only the normalized output is supported');
    return LayerNormalization.infer(normContext(ctx));
  },
  js: (ctx, outputs) => {
    const norm = LayerNormalization.js(normContext(ctx), outputs);
    const n = sizeOf(input(ctx, 0).dims);
    // The normalization's inputs, refilled on every call (no array per call).
    const normIns: (Slot | undefined)[] = [undefined, undefined, undefined];
    const kernel: Kernel = (ins, outs) => {
      const a = ins[0]!.data as Float32Array;
      const b = ins[1]!.data as Float32Array;
      const y = outs[0]!.data as Float32Array;
      for (let i = 0; i < n; i++) y[i] = a[i]! + b[i]!;
      normIns[0] = outs[0];
      normIns[1] = ins[2];
      normIns[2] = ins[3];
      norm(normIns as Slot[], outs);
    };
    return kernel;
  },
  wasm: (ctx) => {
    const { rows, cols, eps, hasScale, hasBias } = layerNormParams(normContext(ctx));
    if ((hasScale && sizeOf(input(ctx, 2).dims) !== cols) || (hasBias && sizeOf(input(ctx, 3).dims) !== cols)) return undefined;
    const k = ctx.kernels;
    ctx.reads(0, rows * cols * 4);
    ctx.reads(1, rows * cols * 4);
    if (hasScale) ctx.reads(2, cols * 4);
    if (hasBias) ctx.reads(3, cols * 4);
    ctx.writes(0, rows * cols * 4);
    return (ins, outs) =>
      k.layerNorm(ins[0]!.ptr, ins[1]!.ptr, hasScale ? ins[2]!.ptr : 0, hasBias ? ins[3]!.ptr : 0, outs[0]!.ptr, rows, cols, eps);
  },
};
