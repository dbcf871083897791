/** Reductions over axes (ReduceMean, ReduceSum, …) and ArgMax/ArgMin. */
import { attrInt, attrInts } from '../ir/graph.js';
import { readElement, sizeOf, writeElement } from '../tensor.js';
import type { Kernel, OpContext, OpDef, Slot } from './types.js';
import { around, input, inputRank, normAxis, optionalConstValues, stridesOf } from './util.js';

type Reducer = { init: number; step: (acc: number, x: number) => number; finish: (acc: number, n: number) => number };

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
    js: (ctx, outputs) => {
      const x = input(ctx, 0);
      const axes = new Set(axesOf(ctx, x.dims.length));
      const n = sizeOf(x.dims);
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
  ReduceMean: reduceOp({ init: 0, step: (a, x) => a + x, finish: (a, n) => a / n }),
  ReduceSum: reduceOp({ init: 0, step: (a, x) => a + x, finish: (a) => a }),
  ReduceMax: reduceOp({ init: -Infinity, step: (a, x) => Math.max(a, x), finish: (a) => a }),
  ReduceMin: reduceOp({ init: Infinity, step: (a, x) => Math.min(a, x), finish: (a) => a }),
  ReduceProd: reduceOp({ init: 1, step: (a, x) => a * x, finish: (a) => a }),
  ReduceL2: reduceOp({ init: 0, step: (a, x) => a + x * x, finish: (a) => Math.sqrt(a) }),
  ReduceSumSquare: reduceOp({ init: 0, step: (a, x) => a + x * x, finish: (a) => a }),
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
