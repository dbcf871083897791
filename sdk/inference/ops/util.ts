/** Plan-time helpers shared by the ops: axis handling, broadcasting, gather maps. */
import { TickmindError } from '../../core/errors.js';
import { nodeLabel } from '../ir/graph.js';
import type { DType, Tensor } from '../tensor.js';
import { sizeOf, toNumbers } from '../tensor.js';
import type { OpContext, ValueState } from './types.js';

/** Error about a node. */
export function opError(ctx: OpContext, message: string, field?: string): TickmindError {
  return new TickmindError('SHAPE_MISMATCH', `${nodeLabel(ctx.node)}: ${message}`, {
    node: ctx.node.name,
    ...(field !== undefined ? { field } : {}),
  });
}

/**
 * A model the native backend cannot run although it is valid ONNX (an attribute value, a dtype or
 * a rank its kernels do not cover): OP_UNSUPPORTED, so that `auto` hands the model to onnxruntime.
 */
export function unsupported(ctx: OpContext, message: string, field?: string): TickmindError {
  return new TickmindError('OP_UNSUPPORTED', `${nodeLabel(ctx.node)}: ${message} (the native backend does not support it)`, {
    node: ctx.node.name,
    ...(field !== undefined ? { field } : {}),
  });
}

/** An attribute that is invalid for the input's rank or for the operator (MODEL_INVALID: no backend runs it). */
export function attrError(ctx: OpContext, message: string, attr: string): TickmindError {
  return new TickmindError('MODEL_INVALID', `${nodeLabel(ctx.node)}: ${message}`, { node: ctx.node.name, field: attr });
}

/** Throws OP_UNSUPPORTED unless input `i` (when present) has one of the dtypes the native kernel handles. */
export function nativeDtypes(ctx: OpContext, i: number, allowed: readonly DType[]): void {
  const v = ctx.inputs[i];
  if (v !== undefined && !allowed.includes(v.dtype)) throw unsupported(ctx, `input ${i} of type ${v.dtype}`, `input[${i}]`);
}

/** A boolean attribute as onnxruntime reads it: any non-zero integer is true. */
export function attrFlag(ctx: OpContext, name: string, fallback: boolean): boolean {
  const v = ctx.node.attrs[name];
  return typeof v === 'number' ? v !== 0 : fallback;
}

/** The required input at `i`. */
export function input(ctx: OpContext, i: number): ValueState {
  const v = ctx.inputs[i];
  if (v === undefined) throw opError(ctx, `input ${i} is required`, `input[${i}]`);
  return v;
}

/** The plan-time value of input i as numbers (it must be constant for this op). */
export function constValues(ctx: OpContext, i: number): number[] {
  const v = input(ctx, i);
  if (v.value === undefined) {
    throw new TickmindError(
      'OP_UNSUPPORTED',
      `${nodeLabel(ctx.node)}: input ${i} must be computable when planning (it depends on runtime data)`,
      {
        node: ctx.node.name,
        field: `input[${i}]`,
      },
    );
  }
  return toNumbers(v.value);
}

/** Throws MODEL_INVALID unless input `i` (when present) has one of the `ranks` (shape-like operands are vectors). */
export function inputRank(ctx: OpContext, i: number, ranks: readonly number[]): void {
  const v = ctx.inputs[i];
  if (v !== undefined && !ranks.includes(v.dims.length)) {
    throw attrError(ctx, `input ${i} must have rank ${ranks.join(' or ')} (it has [${v.dims.join(', ')}])`, `input[${i}]`);
  }
}

/** An integer attribute read as a 32-bit int, as onnxruntime reads some (Softmax's axis, Cast's to): 2^32 + 1 is 1. */
export function attrInt32(ctx: OpContext, name: string, fallback: number): number {
  const v = ctx.node.attrs[name];
  return typeof v === 'number' ? Number(BigInt.asIntN(32, BigInt(Math.trunc(v)))) : fallback;
}

/** Optional constant input values, or undefined when the input is absent. */
export function optionalConstValues(ctx: OpContext, i: number): number[] | undefined {
  return ctx.inputs[i] === undefined ? undefined : constValues(ctx, i);
}

/** Splits dims around an axis: [outer, axis size, inner]. */
export function around(dims: readonly number[], axis: number): [number, number, number] {
  return [sizeOf(dims.slice(0, axis)), dims[axis]!, sizeOf(dims.slice(axis + 1))];
}

/** Normalizes a possibly negative axis for a given rank (MODEL_INVALID when out of range: it depends on ranks only). */
export function normAxis(ctx: OpContext, axis: number, rank: number, field = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw attrError(ctx, `axis ${axis} is out of range for rank ${rank}`, field);
  return a;
}

/** Numpy-style broadcast of shapes. */
export function broadcastShapes(ctx: OpContext, shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const axis = rank - s.length + i;
      const d = s[i]!;
      const cur = out[axis]!;
      if (d === cur || d === 1) continue;
      if (cur === 1) out[axis] = d;
      else throw opError(ctx, `shapes [${shapes.map((x) => x.join(',')).join('] and [')}] do not broadcast`);
    }
  }
  return out;
}

/** Contiguous strides of a shape. */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

/** Input strides seen from an output shape it broadcasts to (0 on broadcast axes). */
export function broadcastStrides(inDims: readonly number[], outDims: readonly number[]): number[] {
  const inStrides = stridesOf(inDims);
  const out = new Array<number>(outDims.length).fill(0);
  const shift = outDims.length - inDims.length;
  for (let i = 0; i < inDims.length; i++) out[shift + i] = inDims[i] === 1 ? 0 : inStrides[i]!;
  return out;
}

/**
 * A gather map over a strided view: out[r * run + j] = in[map[r] + j]. `run` is the longest
 * contiguous tail, so copies move whole runs. Built at plan time; used allocation-free.
 */
export interface RunMap {
  map: Int32Array;
  run: number;
}

/** Builds the run map of the view (dims, input strides, base offset). */
export function buildRunMap(dims: readonly number[], strides: readonly number[], offset = 0): RunMap {
  let run = 1;
  let axis = dims.length - 1;
  while (axis >= 0 && strides[axis] === run) {
    run *= dims[axis]!;
    axis--;
  }
  const outer = dims.slice(0, axis + 1);
  const count = sizeOf(outer);
  const map = new Int32Array(count);
  const idx = new Array<number>(outer.length).fill(0);
  let off = offset;
  for (let r = 0; r < count; r++) {
    map[r] = off;
    for (let a = outer.length - 1; a >= 0; a--) {
      idx[a]!++;
      off += strides[a]!;
      if (idx[a]! < outer[a]!) break;
      off -= strides[a]! * outer[a]!;
      idx[a] = 0;
    }
  }
  return { map, run };
}

/** Elements per storage element: int64 occupies two 32-bit words. */
export function wordsPer(t: Tensor): number {
  return t.dtype === 'int64' ? 2 : 1;
}

/** Copies runs: dst[dstStart + r*run + j] = src[map[r] + j], in storage words. */
export function copyRuns(src: Tensor, dst: Tensor, dstStart: number, rm: RunMap): void {
  const w = wordsPer(src);
  const s = src.data;
  const d = dst.data;
  const run = rm.run * w;
  const map = rm.map;
  let o = dstStart * w;
  if (run === w) {
    if (w === 1) {
      for (let r = 0; r < map.length; r++) d[o++] = s[map[r]!]!;
    } else {
      for (let r = 0; r < map.length; r++) {
        const i = map[r]! * 2;
        d[o++] = s[i]!;
        d[o++] = s[i + 1]!;
      }
    }
    return;
  }
  for (let r = 0; r < map.length; r++) {
    const base = map[r]! * w;
    for (let j = 0; j < run; j++) d[o + j] = s[base + j]!;
    o += run;
  }
}
