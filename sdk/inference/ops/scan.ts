/**
 * Pad (constant, reflect, edge; pads and optional axes as plan-time inputs), CumSum (exclusive,
 * reverse) and TopK (largest or smallest, sorted, values and int64 indices), ONNX semantics.
 * Portable kernels over any dtype the tensors hold (read and written element by element).
 */
import { attrInt, attrString } from '../ir/graph.js';
import { readElement, sizeOf, writeElement } from '../tensor.js';
import type { OpDef } from './types.js';
import { attrError, constValues, input, inputRank, normAxis, opError, optionalConstValues, stridesOf, unsupported } from './util.js';

/** Per-axis begin and end pads of a Pad node, for the input's rank. */
function padsOf(ctx: Parameters<OpDef['infer']>[0]): { begin: number[]; end: number[] } {
  const x = input(ctx, 0);
  const rank = x.dims.length;
  inputRank(ctx, 1, [1]);
  inputRank(ctx, 3, [1]);
  const pads = constValues(ctx, 1);
  const axes = optionalConstValues(ctx, 3)?.map((a) => normAxis(ctx, a, rank)) ?? x.dims.map((_, i) => i);
  if (pads.length !== 2 * axes.length) throw opError(ctx, `pads has ${pads.length} values for ${axes.length} axes`, 'input[1]');
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  axes.forEach((a, i) => {
    begin[a] = pads[i]!;
    end[a] = pads[i + axes.length]!;
  });
  return { begin, end };
}

/**
 * A gather map (source index per output element, -1 for the constant) as runs: triplets of
 * output start, source start (-1: the constant) and length, where consecutive outputs read
 * consecutive sources (or all the constant).
 */
function mapRuns(map: Int32Array): Int32Array {
  const out: number[] = [];
  let i = 0;
  while (i < map.length) {
    const from = map[i]!;
    let end = i + 1;
    if (from < 0) while (end < map.length && map[end]! < 0) end++;
    else while (end < map.length && map[end] === from + (end - i)) end++;
    out.push(i, from, end - i);
    i = end;
  }
  return Int32Array.from(out);
}

/** Pad(data, pads, constant_value?, axes?). Negative pads crop. */
export const Pad: OpDef = {
  constInputs: [1, 3],
  infer: (ctx) => {
    const x = input(ctx, 0);
    const { begin, end } = padsOf(ctx);
    const dims = x.dims.map((d, i) => d + begin[i]! + end[i]!);
    if (dims.some((d) => d < 0)) throw opError(ctx, 'negative pads crop more than the input holds', 'input[1]');
    const mode = attrString(ctx.node, 'mode', 'constant');
    if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge') throw unsupported(ctx, `mode ${mode}`, 'mode');
    const value = ctx.inputs[2];
    if (value !== undefined && sizeOf(value.dims) !== 1) throw opError(ctx, 'constant_value must be a single value', 'input[2]');
    if (mode === 'reflect' && x.dims.some((d, i) => (begin[i]! > 0 || end[i]! > 0) && (begin[i]! >= d || end[i]! >= d)))
      throw opError(ctx, 'reflect pads must be smaller than the padded dimension', 'input[1]');
    return [{ dtype: x.dtype, dims }];
  },
  js: (ctx, outputs) => {
    const x = input(ctx, 0);
    const { begin } = padsOf(ctx);
    const mode = attrString(ctx.node, 'mode', 'constant');
    const out = outputs[0]!.dims;
    const rank = out.length;
    const inStrides = stridesOf(x.dims);
    const n = sizeOf(out);
    // Source index of every output element (-1: the constant), computed once per plan.
    const map = new Int32Array(n);
    const idx = new Array<number>(rank).fill(0);
    for (let i = 0; i < n; i++) {
      let off = 0;
      for (let a = 0; a < rank && off >= 0; a++) {
        let j = idx[a]! - begin[a]!;
        const d = x.dims[a]!;
        if (j < 0 || j >= d) {
          if (mode === 'constant') off = -1;
          else if (mode === 'edge') j = j < 0 ? 0 : d - 1;
          else j = j < 0 ? -j : 2 * (d - 1) - j;
        }
        if (off >= 0) off += j * inStrides[a]!;
      }
      map[i] = off;
      for (let a = rank - 1; a >= 0; a--) {
        idx[a]!++;
        if (idx[a]! < out[a]!) break;
        idx[a] = 0;
      }
    }
    const hasValue = ctx.inputs[2] !== undefined;
    if (x.dtype !== 'int64' && x.dtype !== 'bool') {
      // One array element per value and no conversion (writeElement's plain case): the map as
      // runs — [output start, source start or -1 for the constant, length] — copied or filled.
      const runs = mapRuns(map);
      if (runs.length === 3 && runs[1] === 0 && runs[2] === n && sizeOf(x.dims) === n) {
        // No padding at all (exports write F.pad(x, [0, 0])): one block copy.
        return (ins, outs) => outs[0]!.data.set(ins[0]!.data as never);
      }
      return (ins, outs) => {
        const value = hasValue ? readElement(ins[2]!, 0) : 0;
        const src = ins[0]!.data;
        const dst = outs[0]!.data;
        for (let r = 0; r < runs.length; r += 3) {
          const start = runs[r]!;
          const from = runs[r + 1]!;
          const end = start + runs[r + 2]!;
          if (from < 0) for (let i = start; i < end; i++) dst[i] = value;
          else for (let i = start, j = from; i < end; i++, j++) dst[i] = src[j]!;
        }
      };
    }
    return (ins, outs) => {
      const value = hasValue ? readElement(ins[2]!, 0) : 0;
      for (let i = 0; i < n; i++) writeElement(outs[0]!, i, map[i]! < 0 ? value : readElement(ins[0]!, map[i]!));
    };
  },
};

/** CumSum(x, axis): running sums along an axis; `exclusive` leaves out the current element, `reverse` runs backwards. */
export const CumSum: OpDef = {
  constInputs: [1],
  infer: (ctx) => {
    const x = input(ctx, 0);
    normAxis(ctx, constValues(ctx, 1)[0]!, x.dims.length);
    return [{ dtype: x.dtype, dims: [...x.dims] }];
  },
  js: (ctx) => {
    const x = input(ctx, 0);
    const axis = normAxis(ctx, constValues(ctx, 1)[0]!, x.dims.length);
    const len = x.dims[axis]!;
    const inner = sizeOf(x.dims.slice(axis + 1));
    const outer = sizeOf(x.dims.slice(0, axis));
    const exclusive = attrInt(ctx.node, 'exclusive', 0) !== 0;
    const reverse = attrInt(ctx.node, 'reverse', 0) !== 0;
    return (ins, outs) => {
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < inner; i++) {
          let s = 0;
          for (let k = 0; k < len; k++) {
            const j = reverse ? len - 1 - k : k;
            const at = (o * len + j) * inner + i;
            const v = readElement(ins[0]!, at);
            if (!exclusive) s += v;
            writeElement(outs[0]!, at, s);
            if (exclusive) s += v;
          }
        }
    };
  },
};

/** TopK(x, K): the K largest (or smallest) along an axis, sorted, and their int64 indices; ties keep the lower index first. */
export const TopK: OpDef = {
  constInputs: [1],
  infer: (ctx) => {
    const x = input(ctx, 0);
    const axis = normAxis(ctx, attrInt(ctx.node, 'axis', -1), x.dims.length);
    if (input(ctx, 1).dims.join() !== '1') throw attrError(ctx, 'K must be a one-dimensional tensor of one value', 'input[1]');
    const k = constValues(ctx, 1)[0]!;
    if (k < 0 || k > x.dims[axis]!) throw opError(ctx, `K = ${k} is outside 0..${x.dims[axis]}`, 'input[1]');
    const dims = [...x.dims];
    dims[axis] = k;
    return [
      { dtype: x.dtype, dims },
      { dtype: 'int64', dims: [...dims] },
    ];
  },
  js: (ctx) => {
    const x = input(ctx, 0);
    const axis = normAxis(ctx, attrInt(ctx.node, 'axis', -1), x.dims.length);
    const k = constValues(ctx, 1)[0]!;
    const len = x.dims[axis]!;
    const inner = sizeOf(x.dims.slice(axis + 1));
    const outer = sizeOf(x.dims.slice(0, axis));
    const largest = attrInt(ctx.node, 'largest', 1) === 1;
    // Unsorted (sorted ≠ 1), onnxruntime returns the chosen elements in their original order.
    const sorted = attrInt(ctx.node, 'sorted', 1) === 1;
    const order = new Int32Array(len);
    const vals = new Float64Array(len);
    return (ins, outs) => {
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < inner; i++) {
          for (let j = 0; j < len; j++) {
            order[j] = j;
            vals[j] = readElement(ins[0]!, (o * len + j) * inner + i);
          }
          // Insertion sort of the indices (stable: ties keep the lower index first); rows are short.
          for (let a = 1; a < len; a++) {
            const cur = order[a]!;
            let b = a - 1;
            while (b >= 0 && (largest ? vals[order[b]!]! < vals[cur]! : vals[order[b]!]! > vals[cur]!)) {
              order[b + 1] = order[b]!;
              b--;
            }
            order[b + 1] = cur;
          }
          if (!sorted) order.subarray(0, k).sort();
          for (let j = 0; j < k; j++) {
            const at = (o * k + j) * inner + i;
            writeElement(outs[0]!, at, vals[order[j]!]!);
            writeElement(outs[1]!, at, order[j]!);
          }
        }
    };
  },
};
