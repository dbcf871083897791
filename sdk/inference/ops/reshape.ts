/** Reshape-like operators (alias their input, copy nothing) and Shape/Size (known from dims). */
import { attrInt, attrInts } from '../ir/graph.js';
import { sizeOf, writeElement } from '../tensor.js';
import { aliasOp } from './elementwise.js';
import type { OpContext, OpDef } from './types.js';
import { attrError, constValues, input, inputRank, normAxis, opError, optionalConstValues } from './util.js';

function aliasWithDims(dims: (ctx: OpContext) => number[], constInputs: number[] = []): OpDef {
  return {
    ...aliasOp,
    constInputs,
    infer: (ctx) => {
      const x = input(ctx, 0);
      const out = dims(ctx);
      if (sizeOf(out) !== sizeOf(x.dims)) {
        throw opError(ctx, `cannot view [${x.dims.join(', ')}] as [${out.join(', ')}]`);
      }
      return [{ dtype: x.dtype, dims: out }];
    },
  };
}

export const Reshape = aliasWithDims(
  (ctx) => {
    const x = input(ctx, 0);
    inputRank(ctx, 1, [1]);
    const shape = constValues(ctx, 1);
    const allowZero = attrInt(ctx.node, 'allowzero', 0) === 1;
    if (shape.some((d) => d < -1 || !Number.isSafeInteger(d)))
      throw opError(ctx, `shape [${shape.join(', ')}] has an invalid value`, 'input[1]');
    if (allowZero && shape.includes(0) && shape.includes(-1))
      throw opError(ctx, 'with allowzero, shape cannot hold both 0 and -1', 'input[1]');
    const out = shape.map((d, i) => (d === 0 && !allowZero ? (x.dims[i] ?? 0) : d));
    const inferred = out.indexOf(-1);
    if (inferred >= 0) {
      if (out.lastIndexOf(-1) !== inferred) throw opError(ctx, 'shape has more than one -1', 'input[1]');
      const known = out.reduce((p, d, i) => (i === inferred ? p : p * d), 1);
      const total = sizeOf(x.dims);
      if (known === 0 || total % known !== 0)
        throw opError(ctx, `cannot reshape [${x.dims.join(', ')}] to [${shape.join(', ')}]`, 'input[1]');
      out[inferred] = total / known;
    }
    return out;
  },
  [1],
);

export const Flatten = aliasWithDims((ctx) => {
  const dims = input(ctx, 0).dims;
  const axis = attrInt(ctx.node, 'axis', 1);
  const a = axis < 0 ? axis + dims.length : axis;
  if (a < 0 || a > dims.length) throw attrError(ctx, `axis ${axis} is out of range for rank ${dims.length}`, 'axis');
  return [sizeOf(dims.slice(0, a)), sizeOf(dims.slice(a))];
});

function axesOf(ctx: OpContext, ranks: readonly number[]): number[] | undefined {
  inputRank(ctx, 1, ranks);
  return attrInts(ctx.node, 'axes') ?? optionalConstValues(ctx, 1);
}

export const Squeeze = aliasWithDims(
  (ctx) => {
    const dims = input(ctx, 0).dims;
    const axes = axesOf(ctx, [1]);
    if (axes === undefined) return dims.filter((d) => d !== 1);
    const drop = new Set(axes.map((a) => normAxis(ctx, a, dims.length, 'axes')));
    for (const a of drop) if (dims[a] !== 1) throw opError(ctx, `cannot squeeze axis ${a} of size ${dims[a]}`, 'axes');
    return dims.filter((_, i) => !drop.has(i));
  },
  [1],
);

export const Unsqueeze = aliasWithDims(
  (ctx) => {
    const dims = input(ctx, 0).dims;
    const axes = axesOf(ctx, [0, 1]);
    if (axes === undefined) throw opError(ctx, 'axes are required', 'axes');
    const rank = dims.length + axes.length;
    const norm = new Set(axes.map((a) => normAxis(ctx, a, rank, 'axes')));
    if (norm.size !== axes.length) throw attrError(ctx, `axes [${axes.join(', ')}] repeat an axis`, 'axes');
    const out: number[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) out.push(norm.has(i) ? 1 : dims[k++]!);
    return out;
  },
  [1],
);

/** Shape (with opset-15 start/end) and Size: values known from dims alone. */
export const Shape: OpDef = {
  shapeOnly: true,
  infer: (ctx) => {
    const rank = input(ctx, 0).dims.length;
    const [start, end] = shapeRange(ctx, rank);
    return [{ dtype: 'int64', dims: [Math.max(end - start, 0)] }];
  },
  js: (ctx) => {
    const dims = input(ctx, 0).dims;
    const [start, end] = shapeRange(ctx, dims.length);
    const values = dims.slice(start, end);
    return (_ins, outs) => {
      for (let i = 0; i < values.length; i++) writeElement(outs[0]!, i, values[i]!);
    };
  },
};

function shapeRange(ctx: OpContext, rank: number): [number, number] {
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  return [clamp(attrInt(ctx.node, 'start', 0)), clamp(attrInt(ctx.node, 'end', rank))];
}

export const Size: OpDef = {
  shapeOnly: true,
  infer: () => [{ dtype: 'int64', dims: [] }],
  js: (ctx) => {
    const n = sizeOf(input(ctx, 0).dims);
    return (_ins, outs) => writeElement(outs[0]!, 0, n);
  },
};
