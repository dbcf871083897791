/** Data movement: Transpose, Expand, Tile, Concat, Slice, Split, Gather — all copies of strided runs. */
import { TickmindError } from '../../core/errors.js';
import { attrInt, attrInts } from '../ir/graph.js';
import { byteSize, readElement, sizeOf } from '../tensor.js';
import { blockCopyKernel, planBlockCopy } from './copy.js';
import type { Kernel, OpContext, OpDef, WasmContext } from './types.js';
import {
  attrError,
  broadcastShapes,
  broadcastStrides,
  buildRunMap,
  constValues,
  copyRuns,
  input,
  inputRank,
  normAxis,
  opError,
  optionalConstValues,
  type RunMap,
  stridesOf,
} from './util.js';

/** Builds a kernel that copies one strided view of input 0 into output 0. */
function viewCopy(rm: RunMap): Kernel {
  return (ins, outs) => copyRuns(ins[0]!, outs[0]!, 0, rm);
}

/** The WebAssembly twin of viewCopy. */
function wasmViewCopy(ctx: WasmContext, rm: RunMap): Kernel {
  return blockCopyKernel(ctx, [{ plan: planBlockCopy(ctx, rm, input(ctx, 0).dtype), from: 0, to: 0 }]);
}

export const Transpose: OpDef = {
  infer: (ctx) => {
    const x = input(ctx, 0);
    const perm = permOf(ctx, x.dims.length);
    return [{ dtype: x.dtype, dims: perm.map((p) => x.dims[p]!) }];
  },
  js: (ctx) => viewCopy(transposeMap(ctx)),
  wasm: (ctx) => wasmViewCopy(ctx, transposeMap(ctx)),
};

function transposeMap(ctx: OpContext): RunMap {
  const x = input(ctx, 0);
  const perm = permOf(ctx, x.dims.length);
  const strides = stridesOf(x.dims);
  return buildRunMap(
    perm.map((p) => x.dims[p]!),
    perm.map((p) => strides[p]!),
  );
}

function permOf(ctx: OpContext, rank: number): number[] {
  const perm = attrInts(ctx.node, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (perm.length !== rank || new Set(perm).size !== rank || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= rank)) {
    throw attrError(ctx, `perm [${perm.join(', ')}] is not a permutation of rank ${rank}`, 'perm');
  }
  return perm;
}

export const Expand: OpDef = {
  constInputs: [1],
  infer: (ctx) => {
    const x = input(ctx, 0);
    return [{ dtype: x.dtype, dims: broadcastShapes(ctx, [x.dims, constValues(ctx, 1)]) }];
  },
  js: (ctx) => viewCopy(expandMap(ctx)),
  wasm: (ctx) => wasmViewCopy(ctx, expandMap(ctx)),
};

function expandMap(ctx: OpContext): RunMap {
  const x = input(ctx, 0);
  const out = broadcastShapes(ctx, [x.dims, constValues(ctx, 1)]);
  return buildRunMap(out, broadcastStrides(x.dims, out));
}

export const Tile: OpDef = {
  constInputs: [1],
  infer: (ctx) => {
    const x = input(ctx, 0);
    inputRank(ctx, 1, [1]);
    const reps = constValues(ctx, 1);
    if (reps.length !== x.dims.length) throw opError(ctx, 'repeats must have one entry per axis', 'input[1]');
    return [{ dtype: x.dtype, dims: x.dims.map((d, i) => d * reps[i]!) }];
  },
  js: (ctx) => viewCopy(tileMap(ctx)),
  wasm: (ctx) => wasmViewCopy(ctx, tileMap(ctx)),
};

/** Tile as a gather: each output element reads input index (i mod dim) per axis. */
function tileMap(ctx: OpContext): RunMap {
  const x = input(ctx, 0);
  const reps = constValues(ctx, 1);
  const out = x.dims.map((d, i) => d * reps[i]!);
  const strides = stridesOf(x.dims);
  const n = sizeOf(out);
  const map = new Int32Array(n);
  const idx = new Array<number>(out.length).fill(0);
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let a = 0; a < out.length; a++) off += (idx[a]! % x.dims[a]!) * strides[a]!;
    map[i] = off;
    for (let a = out.length - 1; a >= 0; a--) {
      idx[a]!++;
      if (idx[a]! < out[a]!) break;
      idx[a] = 0;
    }
  }
  return { map, run: 1 };
}

export const Concat: OpDef = {
  infer: (ctx) => {
    const first = input(ctx, 0);
    const axis = normAxis(ctx, attrInt(ctx.node, 'axis', 0), first.dims.length);
    const dims = [...first.dims];
    dims[axis] = 0;
    ctx.inputs.forEach((v, i) => {
      const d = input(ctx, i).dims;
      if (d.length !== dims.length || d.some((x, a) => a !== axis && x !== first.dims[a])) {
        throw opError(ctx, `input ${i} shape [${d.join(', ')}] does not match [${first.dims.join(', ')}] off axis ${axis}`);
      }
      if (v !== undefined && v.dtype !== first.dtype) throw opError(ctx, `input ${i} type ${v.dtype} differs from ${first.dtype}`);
      dims[axis]! += d[axis]!;
    });
    return [{ dtype: first.dtype, dims }];
  },
  js: (ctx, outputs) => {
    const parts = concatParts(ctx, outputs[0]!.dims);
    return (ins, outs) => {
      const y = outs[0]!;
      const w = y.dtype === 'int64' ? 2 : 1;
      const yd = y.data;
      for (let i = 0; i < ins.length; i++) {
        const { piece, base, outer, rowLen } = parts[i]!;
        const xd = ins[i]!.data;
        for (let o = 0; o < outer; o++) {
          const src = o * piece * w;
          const dst = (o * rowLen + base) * w;
          for (let j = 0; j < piece * w; j++) yd[dst + j] = xd[src + j]!;
        }
      }
    };
  },
  wasm: (ctx) => {
    const eb = byteSize(ctx.outputs[0]!.dtype);
    const copies = concatParts(ctx, ctx.outputs[0]!.dims).map((p, from) => ({
      plan: {
        map: 0,
        srcStride: p.piece * eb,
        count: p.outer,
        runBytes: p.piece * eb,
        srcOffset: 0,
        readStart: 0,
        readEnd: p.outer * p.piece * eb,
      },
      from,
      to: 0,
      dstOffset: p.base * eb,
      dstStride: p.rowLen * eb,
    }));
    return blockCopyKernel(ctx, copies);
  },
};

/** Per input of a Concat: elements per outer row (piece), its offset in the output row, rows, row length. */
function concatParts(ctx: OpContext, out: number[]): { piece: number; base: number; outer: number; rowLen: number }[] {
  const axis = normAxis(ctx, attrInt(ctx.node, 'axis', 0), out.length);
  const outer = sizeOf(out.slice(0, axis));
  const rowLen = sizeOf(out.slice(axis));
  let base = 0;
  return ctx.inputs.map((_, i) => {
    const piece = sizeOf(input(ctx, i).dims.slice(axis));
    const part = { piece, base, outer, rowLen };
    base += piece;
    return part;
  });
}

interface SliceParams {
  dims: number[];
  starts: number[];
  steps: number[];
}

function sliceParams(ctx: OpContext): SliceParams {
  const x = input(ctx, 0).dims;
  for (const i of [1, 2, 3, 4]) inputRank(ctx, i, [1]);
  const starts = constValues(ctx, 1);
  const ends = constValues(ctx, 2);
  const axes = optionalConstValues(ctx, 3) ?? starts.map((_, i) => i);
  const steps = optionalConstValues(ctx, 4) ?? starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    throw opError(
      ctx,
      `starts, ends, axes and steps have ${starts.length}, ${ends.length}, ${axes.length} and ${steps.length} values`,
      'input[1]',
    );
  }
  const seen = new Set(axes.map((a) => normAxis(ctx, a, x.length, 'input[3]')));
  if (seen.size !== axes.length) throw opError(ctx, `axes [${axes.join(', ')}] repeat an axis`, 'input[3]');
  const dims = [...x];
  const st = x.map(() => 0);
  const sp = x.map(() => 1);
  axes.forEach((a0, i) => {
    const a = normAxis(ctx, a0, x.length);
    const d = x[a]!;
    const step = steps[i]!;
    if (step === 0) throw opError(ctx, 'slice step cannot be 0', 'input[4]');
    let s = starts[i]!;
    let e = ends[i]!;
    if (s < 0) s += d;
    if (e < 0) e += d;
    if (step > 0) {
      s = Math.min(Math.max(s, 0), d);
      e = Math.min(Math.max(e, 0), d);
      dims[a] = Math.max(0, Math.ceil((e - s) / step));
    } else {
      s = Math.min(Math.max(s, -1), d - 1);
      e = Math.min(Math.max(e, -1), d - 1);
      dims[a] = Math.max(0, Math.ceil((e - s) / step));
    }
    st[a] = s;
    sp[a] = step;
  });
  return { dims, starts: st, steps: sp };
}

export const Slice: OpDef = {
  constInputs: [1, 2, 3, 4],
  infer: (ctx) => [{ dtype: input(ctx, 0).dtype, dims: sliceParams(ctx).dims }],
  js: (ctx) => viewCopy(sliceMap(ctx)),
  wasm: (ctx) => wasmViewCopy(ctx, sliceMap(ctx)),
};

function sliceMap(ctx: OpContext): RunMap {
  const p = sliceParams(ctx);
  const strides = stridesOf(input(ctx, 0).dims);
  const offset = p.starts.reduce((acc, s, a) => acc + s * strides[a]!, 0);
  return buildRunMap(
    p.dims,
    strides.map((s, a) => s * p.steps[a]!),
    offset,
  );
}

function splitSizes(ctx: OpContext): { axis: number; sizes: number[] } {
  const x = input(ctx, 0).dims;
  const axis = normAxis(ctx, attrInt(ctx.node, 'axis', 0), x.length);
  inputRank(ctx, 1, [1]);
  const given = attrInts(ctx.node, 'split') ?? optionalConstValues(ctx, 1);
  const outputs = ctx.node.outputs.length;
  if (given !== undefined) {
    if (given.length !== outputs) throw opError(ctx, `split has ${given.length} sizes for ${outputs} outputs`, 'split');
    if (given.some((v) => v < 0) || given.reduce((a, b) => a + b, 0) !== x[axis])
      throw opError(ctx, `split sizes [${given.join(', ')}] do not sum to ${x[axis]}`, 'split');
    return { axis, sizes: given };
  }
  const numOutputs = ctx.node.attrs.num_outputs;
  if (typeof numOutputs === 'number' && numOutputs !== outputs) {
    throw attrError(ctx, `num_outputs is ${numOutputs} but the node has ${outputs} outputs`, 'num_outputs');
  }
  const parts = outputs;
  // Without num_outputs (opset 13) the axis must split evenly; opset 18's num_outputs lets the last part be smaller.
  if (typeof numOutputs !== 'number' && x[axis]! % parts !== 0) {
    throw opError(ctx, `axis ${axis} (${x[axis]}) does not split evenly into ${parts} outputs`, 'input[0]');
  }
  const chunk = Math.ceil(x[axis]! / parts);
  const sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(chunk, x[axis]! - i * chunk)));
  return { axis, sizes };
}

export const Split: OpDef = {
  constInputs: [1],
  infer: (ctx) => {
    const x = input(ctx, 0);
    const { axis, sizes } = splitSizes(ctx);
    return sizes.map((s) => {
      const dims = [...x.dims];
      dims[axis] = s;
      return { dtype: x.dtype, dims };
    });
  },
  js: (ctx) => {
    const maps = splitMaps(ctx);
    return (ins, outs) => {
      for (let i = 0; i < outs.length; i++) if (outs[i]!.ptr !== -2) copyRuns(ins[0]!, outs[i]!, 0, maps[i]!);
    };
  },
  wasm: (ctx) => {
    const dtype = input(ctx, 0).dtype;
    const copies = splitMaps(ctx)
      .map((rm, to) => ({ plan: planBlockCopy(ctx, rm, dtype), from: 0, to }))
      .filter((c) => ctx.node.outputs[c.to] !== '');
    return blockCopyKernel(ctx, copies);
  },
};

function splitMaps(ctx: OpContext): RunMap[] {
  const x = input(ctx, 0).dims;
  const { axis, sizes } = splitSizes(ctx);
  const strides = stridesOf(x);
  let start = 0;
  return sizes.map((s) => {
    const dims = [...x];
    dims[axis] = s;
    const rm = buildRunMap(dims, strides, start * strides[axis]!);
    start += s;
    return rm;
  });
}

export const Gather: OpDef = {
  infer: (ctx) => {
    const x = input(ctx, 0);
    const idx = input(ctx, 1);
    const axis = normAxis(ctx, attrInt(ctx.node, 'axis', 0), x.dims.length);
    return [{ dtype: x.dtype, dims: [...x.dims.slice(0, axis), ...idx.dims, ...x.dims.slice(axis + 1)] }];
  },
  js: (ctx) => {
    const x = input(ctx, 0).dims;
    const axis = normAxis(ctx, attrInt(ctx.node, 'axis', 0), x.length);
    const outer = sizeOf(x.slice(0, axis));
    const inner = sizeOf(x.slice(axis + 1));
    const dAxis = x[axis]!;
    const count = sizeOf(input(ctx, 1).dims);
    const label = ctx.node.name;
    return (ins, outs) => {
      const data = ins[0]!;
      const indices = ins[1]!;
      const y = outs[0]!;
      const w = data.dtype === 'int64' ? 2 : 1;
      const xd = data.data;
      const yd = y.data;
      let o = 0;
      for (let a = 0; a < outer; a++) {
        for (let i = 0; i < count; i++) {
          let k = readElement(indices, i);
          if (k < 0) k += dAxis;
          if (k < 0 || k >= dAxis)
            throw new TickmindError(
              'INVALID_ARGUMENT',
              `Gather ${label}: index ${readElement(indices, i)} out of range [${-dAxis}, ${dAxis})`,
              {
                node: label,
              },
            );
          const src = (a * dAxis + k) * inner * w;
          for (let j = 0; j < inner * w; j++) yd[o++] = xd[src + j]!;
        }
      }
    };
  },
};
