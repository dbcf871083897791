/**
 * DequantizeLinear (opset 13): y = (x − zero_point) · scale, per tensor (scalar scale) or per
 * axis (1-D scale along `axis`), from int8, uint8 or int32. On constant weights — what
 * `quantizeWeights` writes — it folds at load, so the native backend runs float32 (or int8 again
 * on request) while the file stays a quarter of the size.
 */
import { attrInt } from '../ir/graph.js';
import { sizeOf } from '../tensor.js';
import type { OpDef } from './types.js';
import { input, opError } from './util.js';

export const DequantizeLinear: OpDef = {
  infer: (ctx) => {
    const x = input(ctx, 0);
    const scale = input(ctx, 1);
    if (x.dtype !== 'int8' && x.dtype !== 'uint8' && x.dtype !== 'int32')
      throw opError(ctx, `x must be int8, uint8 or int32 (got ${x.dtype})`, 'input[0]');
    if (scale.dtype !== 'float32') throw opError(ctx, 'x_scale must be float32', 'input[1]');
    if (scale.dims.length > 1) throw opError(ctx, 'x_scale must be a scalar or 1-D', 'input[1]');
    if (scale.dims.length === 1) {
      const axis = normAxis(attrInt(ctx.node, 'axis', 1), x.dims.length);
      if (axis < 0 || axis >= x.dims.length) throw opError(ctx, `axis ${attrInt(ctx.node, 'axis', 1)} is out of range`, 'axis');
      if (scale.dims[0] !== x.dims[axis])
        throw opError(ctx, `x_scale has ${scale.dims[0]} values, axis ${axis} has ${x.dims[axis]}`, 'input[1]');
    }
    const zero = ctx.inputs[2];
    if (zero !== undefined) {
      if (zero.dtype !== x.dtype) throw opError(ctx, `x_zero_point is ${zero.dtype}, x is ${x.dtype}`, 'input[2]');
      if (zero.dims.join() !== scale.dims.join()) throw opError(ctx, 'x_zero_point must have the shape of x_scale', 'input[2]');
    }
    return [{ dtype: 'float32', dims: [...x.dims] }];
  },
  js: (ctx) => {
    const x = input(ctx, 0);
    const perAxis = input(ctx, 1).dims.length === 1;
    const axis = normAxis(attrInt(ctx.node, 'axis', 1), x.dims.length);
    // Elements between consecutive indices along the axis, and the axis length.
    const inner = perAxis ? sizeOf(x.dims.slice(axis + 1)) : 1;
    const len = perAxis ? x.dims[axis]! : 1;
    const n = sizeOf(x.dims);
    const signed = x.dtype === 'int8';
    const hasZero = ctx.inputs[2] !== undefined;
    return (ins, outs) => {
      const xd = ins[0]!.data;
      const s = ins[1]!.data;
      const z = hasZero ? ins[2]!.data : undefined;
      const y = outs[0]!.data as Float32Array;
      for (let i = 0; i < n; i++) {
        const c = perAxis ? Math.floor(i / inner) % len : 0;
        // int8 may sit in byte storage: restore its sign.
        let v = Number(xd[i]!);
        if (signed && v > 127) v -= 256;
        let zp = z === undefined ? 0 : Number(z[c]!);
        if (signed && zp > 127) zp -= 256;
        y[i] = (v - zp) * Number(s[c]!);
      }
    };
  },
};

function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
