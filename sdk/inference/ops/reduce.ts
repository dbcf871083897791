/** Reductions over axes (ReduceMean, ReduceSum, …) and ArgMax/ArgMin. */
import { attrInt, attrInts } from '../ir/graph.js';
import { readElement, sizeOf, writeElement } from '../tensor.js';
import type { Kernel, OpContext, OpDef, Slot } from './types.js';
import { around, input, inputRank, normAxis, optionalConstValues, stridesOf } from './util.js';

type Reducer = {
  init: number;
  step: (acc: number, x: number) => number;
  finish: (acc: number, n: number) => number;
  /** What the step does, for the float32 loops that inline it: add x, add x², take the max or the min. */
  kind?: 'sum' | 'sumSquares' | 'max' | 'min';
};

/** [outer, reduced, inner] when the reduced axes are one run of consecutive axes (sorted), else undefined. */
function contiguousRun(dims: readonly number[], axes: ReadonlySet<number>): [number, number, number] | undefined {
  const sorted = [...axes].sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]! + 1) return undefined;
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const prod = (from: number, to: number) => dims.slice(from, to).reduce((a, b) => a * b, 1);
  return [prod(0, first), prod(first, last + 1), prod(last + 1, dims.length)];
}

/**
 * Float32 reduction over one run of axes: for each outer index, the reduced rows are added into
 * `inner` float64 accumulators in input order (the generic path's order, so the same results),
 * with the step inlined per kind; no allocation per call.
 */
function float32Run(r: Reducer, kind: NonNullable<Reducer['kind']>, outer: number, D: number, inner: number): Kernel {
  const acc = new Float64Array(inner);
  return (ins, outs) => {
    const x = ins[0]!.data as Float32Array;
    const y = outs[0]!.data as Float32Array;
    for (let o = 0; o < outer; o++) {
      acc.fill(r.init);
      for (let d = 0; d < D; d++) {
        const base = (o * D + d) * inner;
        if (kind === 'sum') for (let i = 0; i < inner; i++) acc[i]! += x[base + i]!;
        else if (kind === 'sumSquares') for (let i = 0; i < inner; i++) acc[i]! += x[base + i]! * x[base + i]!;
        else if (kind === 'max') for (let i = 0; i < inner; i++) acc[i] = Math.max(acc[i]!, x[base + i]!);
        else for (let i = 0; i < inner; i++) acc[i] = Math.min(acc[i]!, x[base + i]!);
      }
      for (let i = 0; i < inner; i++) y[o * inner + i] = r.finish(acc[i]!, D);
    }
  };
}

function reduceOp(r: Reducer): OpDef {
  const axesOf = (ctx: OpContext, rank: number): number[] => {
    inputRank(ctx, 1, [1]);
    const given = attrInts(ctx.node, 'axes') ?? optionalConstValues(ctx, 1);
    if (given === undefined || given.length === 0) {
      return attrInt(ctx.node, 'noop_with_empty_axes', 0) === 1 ? [] : Array.from({ length: rank }, (_, i) => i);
    }
    return given.map((a) => normAxis(ctx, a, rank));
  };
  return {
    constInputs: [1],
    infer: (ctx) => {
      const x = input(ctx, 0);
      const axes = new Set(axesOf(ctx, x.dims.length));
      const keep = attrInt(ctx.node, 'keepdims', 1) === 1;
      const dims: number[] = [];
      x.dims.forEach((d, i) => {
        if (!axes.has(i)) dims.push(d);
        else if (keep) dims.push(1);
      });
      return [{ dtype: x.dtype, dims }];
    },
    /** ReduceSum and ReduceMean of float32 over one run of axes: sumRuns in WebAssembly. */
    wasm: (ctx) => {
      const x = input(ctx, 0);
      const run = contiguousRun(x.dims, new Set(axesOf(ctx, x.dims.length)));
      if (x.dtype !== 'float32' || r.kind !== 'sum' || run === undefined || sizeOf(x.dims) === 0) return undefined;
      const [outer, D, inner] = run;
      const divisor = ctx.node.op === 'ReduceMean' ? D : 1;
      const k = ctx.kernels;
      ctx.reads(0, outer * D * inner * 4);
      ctx.writes(0, outer * inner * 4);
      return (ins, outs) => k.sumRuns(ins[0]!.ptr, outs[0]!.ptr, outer, D, inner, divisor);
    },
    js: (ctx, outputs) => {
      const x = input(ctx, 0);
      const axes = new Set(axesOf(ctx, x.dims.length));
      const n = sizeOf(x.dims);
      const run = contiguousRun(x.dims, axes);
      if (x.dtype === 'float32' && r.kind !== undefined && run !== undefined && n > 0) return float32Run(r, r.kind, ...run);
      const keptDims = x.dims.map((d, i) => (axes.has(i) ? 1 : d));
      const keptStrides = stridesOf(keptDims);
      const map = new Int32Array(n);
      const idx = new Array<number>(x.dims.length).fill(0);
      for (let i = 0; i < n; i++) {
        let off = 0;
        for (let a = 0; a < idx.length; a++) if (!axes.has(a)) off += idx[a]! * keptStrides[a]!;
        map[i] = off;
        for (let a = idx.length - 1; a >= 0; a--) {
          idx[a]!++;
          if (idx[a]! < x.dims[a]!) break;
          idx[a] = 0;
        }
      }
      const outN = sizeOf(outputs[0]!.dims);
      const count = outN === 0 ? 0 : n / outN;
      const acc = new Float64Array(outN);
      return (ins: readonly Slot[], outs: readonly Slot[]) => {
        acc.fill(r.init);
        const xs = ins[0]!;
        for (let i = 0; i < n; i++) acc[map[i]!] = r.step(acc[map[i]!]!, readElement(xs, i));
        for (let o = 0; o < outN; o++) writeElement(outs[0]!, o, r.finish(acc[o]!, count));
      };
    },
  };
}

export const reduceOps: Record<string, OpDef> = {
  ReduceMean: reduceOp({ init: 0, step: (a, x) => a + x, finish: (a, n) => a / n, kind: 'sum' }),
  ReduceSum: reduceOp({ init: 0, step: (a, x) => a + x, finish: (a) => a, kind: 'sum' }),
  ReduceMax: reduceOp({ init: -Infinity, step: (a, x) => Math.max(a, x), finish: (a) => a, kind: 'max' }),
  ReduceMin: reduceOp({ init: Infinity, step: (a, x) => Math.min(a, x), finish: (a) => a, kind: 'min' }),
  ReduceProd: reduceOp({ init: 1, step: (a, x) => a * x, finish: (a) => a }),
  ReduceL2: reduceOp({ init: 0, step: (a, x) => a + x * x, finish: (a) => Math.sqrt(a), kind: 'sumSquares' }),
  ReduceSumSquare: reduceOp({ init: 0, step: (a, x) => a + x * x, finish: (a) => a, kind: 'sumSquares' }),
};

/** ArgMax/ArgMin along one axis (int64 output). */
function argOp(better: (a: number, b: number) => boolean): OpDef {
  return {
    infer: (ctx) => {
      const x = input(ctx, 0);
      const axis = normAxis(ctx, attrInt(ctx.node, 'axis', 0), x.dims.length);
      const keep = attrInt(ctx.node, 'keepdims', 1) === 1;
      const dims = keep ? x.dims.map((d, i) => (i === axis ? 1 : d)) : x.dims.filter((_, i) => i !== axis);
      return [{ dtype: 'int64', dims }];
    },
    js: (ctx): Kernel => {
      const dims = input(ctx, 0).dims;
      const [outer, D, inner] = around(dims, normAxis(ctx, attrInt(ctx.node, 'axis', 0), dims.length));
      const last = attrInt(ctx.node, 'select_last_index', 0) !== 0;
      return (ins, outs) => {
        const x = ins[0]!;
        for (let o = 0; o < outer; o++) {
          for (let i = 0; i < inner; i++) {
            let best = 0;
            let bv = readElement(x, o * D * inner + i);
            for (let d = 1; d < D; d++) {
              const v = readElement(x, (o * D + d) * inner + i);
              if (better(v, bv) || (last && v === bv)) {
                best = d;
                bv = v;
              }
            }
            writeElement(outs[0]!, o * inner + i, best);
          }
        }
      };
    },
  };
}

export const ArgMax = argOp((a, b) => a > b);
export const ArgMin = argOp((a, b) => a < b);
