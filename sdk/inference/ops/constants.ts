/** Constant-producing operators: Constant, ConstantOfShape, Range. */
import { isSubgraph } from '../ir/graph.js';
import type { Tensor } from '../tensor.js';
import { fromNumbers, readElement, sizeOf, writeElement } from '../tensor.js';
import { copyAll } from './elementwise.js';
import type { OpContext, OpDef } from './types.js';
import { attrError, constValues, input, opError, unsupported } from './util.js';

export const ConstantOfShape: OpDef = {
  constInputs: [0],
  infer: (ctx) => {
    const value = ctx.node.attrs.value;
    if (value !== undefined && (!isTensorValue(value) || value.dims.length !== 1 || value.dims[0] !== 1)) {
      throw attrError(ctx, 'value must be a one-dimensional tensor of one element', 'value');
    }
    // Its values are the dims, whatever its rank (as onnxruntime's kernel reads them); validation
    // refuses a shape input of rank other than 1 unless it is an initializer, as onnxruntime does.
    if (input(ctx, 0).dims.length === 0) throw opError(ctx, 'the shape input is a scalar (it must be 1-D)', 'input[0]');
    return [{ dtype: value?.dtype ?? 'float32', dims: constValues(ctx, 0) }];
  },
  js: (ctx) => {
    const value = ctx.node.attrs.value as Tensor | undefined;
    const v = value === undefined ? 0 : readElement(value, 0);
    return (_ins, outs) => {
      const y = outs[0]!;
      const n = sizeOf(y.dims);
      for (let i = 0; i < n; i++) writeElement(y, i, v);
    };
  },
};

function isTensorValue(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isSubgraph(v as never);
}

/** Constant: the value attribute (or value_float(s)/value_int(s)). */
export function constantValue(ctx: OpContext): Tensor {
  const a = ctx.node.attrs;
  if (isTensorValue(a.value)) return a.value;
  if (typeof a.value_float === 'number') return fromNumbers('float32', [], [a.value_float]);
  if (typeof a.value_int === 'number') return fromNumbers('int64', [], [a.value_int]);
  if (Array.isArray(a.value_floats)) return fromNumbers('float32', [a.value_floats.length], a.value_floats as number[]);
  if (Array.isArray(a.value_ints)) return fromNumbers('int64', [a.value_ints.length], a.value_ints as number[]);
  if (a.value_string !== undefined || a.value_strings !== undefined) throw unsupported(ctx, 'a string Constant', 'value_string');
  throw attrError(ctx, 'Constant has no value attribute', 'value');
}

export const Constant: OpDef = {
  infer: (ctx) => {
    const t = constantValue(ctx);
    return [{ dtype: t.dtype, dims: [...t.dims] }];
  },
  js: (ctx) => {
    const t = constantValue(ctx);
    return (_ins, outs) => copyAll(t, outs[0]!);
  },
};

export const Range: OpDef = {
  constInputs: [0, 1, 2],
  infer: (ctx) => {
    for (const i of [0, 1, 2])
      if (input(ctx, i).dims.length !== 0) throw attrError(ctx, `input ${i} must be a scalar (rank 0)`, `input[${i}]`);
    const [start, limit, delta] = [constValues(ctx, 0)[0]!, constValues(ctx, 1)[0]!, constValues(ctx, 2)[0]!];
    if (delta === 0) throw opError(ctx, 'delta cannot be 0', 'input[2]');
    const count = Math.ceil((limit - start) / delta);
    if (!Number.isFinite(count)) throw opError(ctx, `the range ${start} to ${limit} by ${delta} has no finite length`, 'input[1]');
    return [{ dtype: input(ctx, 0).dtype, dims: [Math.max(count, 0)] }];
  },
  js: (ctx) => {
    const start = constValues(ctx, 0)[0]!;
    const delta = constValues(ctx, 2)[0]!;
    return (_ins, outs) => {
      const y = outs[0]!;
      const n = sizeOf(y.dims);
      for (let i = 0; i < n; i++) writeElement(y, i, start + i * delta);
    };
  },
};
