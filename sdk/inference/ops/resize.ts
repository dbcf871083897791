/**
 * Resize (opset 11–18): nearest (round_prefer_floor / round_prefer_ceil / floor / ceil) and
 * linear (separable, every axis) sampling, with the half_pixel, pytorch_half_pixel,
 * align_corners and asymmetric coordinate transforms; output size from `scales` or `sizes`
 * (plan-time inputs). Per-axis source indices and weights are computed once per plan.
 */
import { attrInt, attrInts, attrString } from '../ir/graph.js';
import { readElement, sizeOf, writeElement } from '../tensor.js';
import type { Kernel, OpContext, OpDef } from './types.js';
import { attrError, input, normAxis, opError, optionalConstValues, stridesOf, unsupported } from './util.js';

interface AxisMap {
  i0: Int32Array;
  i1: Int32Array;
  w: Float64Array;
}

/** Output dims and per-axis scales, checked before anything is sized from them. */
function geometry(ctx: OpContext): { out: number[]; scales: number[] } {
  const x = input(ctx, 0);
  const rank = x.dims.length;
  const mode = attrString(ctx.node, 'mode', 'nearest');
  if (mode !== 'nearest' && mode !== 'linear') throw unsupported(ctx, `mode ${mode}`, 'mode');
  if (attrInt(ctx.node, 'antialias', 0) !== 0) throw unsupported(ctx, 'antialias', 'antialias');
  const transform = attrString(ctx.node, 'coordinate_transformation_mode', 'half_pixel');
  if (!['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'].includes(transform))
    throw unsupported(ctx, `coordinate_transformation_mode ${transform}`, 'coordinate_transformation_mode');
  if (attrString(ctx.node, 'keep_aspect_ratio_policy', 'stretch') !== 'stretch')
    throw unsupported(ctx, 'a keep_aspect_ratio_policy other than stretch', 'keep_aspect_ratio_policy');
  const axesAttr = attrInts(ctx.node, 'axes');
  const axes = axesAttr?.map((a) => normAxis(ctx, a, rank, 'axes')) ?? x.dims.map((_, i) => i);
  if (new Set(axes).size !== axes.length) throw attrError(ctx, `axes [${axesAttr?.join(', ')}] repeat an axis`, 'axes');
  const scalesIn = optionalConstValues(ctx, 2);
  const sizesIn = optionalConstValues(ctx, 3);
  const scales = x.dims.map(() => 1);
  const out = [...x.dims];
  const hasSizes = sizesIn !== undefined && sizesIn.length > 0;
  const hasScales = scalesIn !== undefined && scalesIn.length > 0;
  if (hasSizes && hasScales) throw opError(ctx, 'only one of scales and sizes may be given', 'input[3]');
  if (hasSizes) {
    if (sizesIn.length !== axes.length) throw opError(ctx, `sizes has ${sizesIn.length} values for ${axes.length} axes`, 'input[3]');
    axes.forEach((a, i) => {
      out[a] = sizesIn[i]!;
      scales[a] = sizesIn[i]! / x.dims[a]!;
    });
  } else if (hasScales) {
    if (scalesIn.length !== axes.length) throw opError(ctx, `scales has ${scalesIn.length} values for ${axes.length} axes`, 'input[2]');
    axes.forEach((a, i) => {
      if (!(scalesIn[i]! > 0) || !Number.isFinite(scalesIn[i]!)) throw opError(ctx, `scale ${scalesIn[i]} must be positive`, 'input[2]');
      scales[a] = scalesIn[i]!;
      out[a] = Math.floor(x.dims[a]! * scalesIn[i]!);
    });
  } else throw opError(ctx, 'needs scales or sizes', 'input[2]');
  if (out.some((d) => !(d >= 1))) throw opError(ctx, `the output [${out}] is empty`, 'input[2]');
  return { out, scales };
}

function plan(ctx: OpContext): { out: number[]; axes: AxisMap[]; linear: boolean } {
  const x = input(ctx, 0);
  const { out, scales } = geometry(ctx);
  const mode = attrString(ctx.node, 'mode', 'nearest');
  const transform = attrString(ctx.node, 'coordinate_transformation_mode', 'half_pixel');
  const nearestMode = attrString(ctx.node, 'nearest_mode', 'round_prefer_floor');
  const source = (o: number, inLen: number, outLen: number, scale: number): number => {
    if (transform === 'align_corners') return outLen === 1 ? 0 : (o * (inLen - 1)) / (outLen - 1);
    if (transform === 'asymmetric') return o / scale;
    if (transform === 'pytorch_half_pixel') return outLen > 1 ? (o + 0.5) / scale - 0.5 : 0;
    return (o + 0.5) / scale - 0.5;
  };
  const round = (v: number): number => {
    if (nearestMode === 'floor') return Math.floor(v);
    if (nearestMode === 'ceil') return Math.ceil(v);
    const f = Math.floor(v);
    if (v - f === 0.5) return nearestMode === 'round_prefer_ceil' ? f + 1 : f;
    return Math.round(v);
  };
  const maps = x.dims.map((inLen, a): AxisMap => {
    const outLen = out[a]!;
    const m = { i0: new Int32Array(outLen), i1: new Int32Array(outLen), w: new Float64Array(outLen) };
    for (let o = 0; o < outLen; o++) {
      const s = inLen === outLen && scales[a] === 1 ? o : source(o, inLen, outLen, scales[a]!);
      if (mode === 'nearest') {
        const i = Math.min(inLen - 1, Math.max(0, round(s)));
        m.i0[o] = i;
        m.i1[o] = i;
      } else {
        const c = Math.min(inLen - 1, Math.max(0, s));
        const i0 = Math.floor(c);
        m.i0[o] = i0;
        m.i1[o] = Math.min(inLen - 1, i0 + 1);
        m.w[o] = c - i0;
      }
    }
    return m;
  });
  return { out, axes: maps, linear: mode === 'linear' };
}

/**
 * Nearest sampling as a gather: per axis, the source offset of each output index (computed once
 * per plan); each output row adds the offsets of its outer indices once.
 */
function nearestKernel(out: readonly number[], axes: readonly AxisMap[], strides: readonly number[]): Kernel {
  const rank = out.length;
  const offs = axes.map((m, a) => Int32Array.from(m.i0, (i) => i * strides[a]!));
  const inner = out[rank - 1]!;
  const innerOff = offs[rank - 1]!;
  const rows = sizeOf(out) / inner;
  const idx = new Int32Array(rank);
  return (ins, outs) => {
    const x = ins[0]!;
    const y = outs[0]!;
    const same = x.dtype === y.dtype && x.dtype !== 'int64';
    const xd = x.data;
    const yd = y.data;
    idx.fill(0);
    let o = 0;
    for (let r = 0; r < rows; r++) {
      let base = 0;
      for (let a = 0; a < rank - 1; a++) base += offs[a]![idx[a]!]!;
      if (same) for (let j = 0; j < inner; j++) yd[o++] = xd[base + innerOff[j]!]!;
      else for (let j = 0; j < inner; j++) writeElement(y, o++, readElement(x, base + innerOff[j]!));
      for (let a = rank - 2; a >= 0; a--) {
        idx[a]!++;
        if (idx[a]! < out[a]!) break;
        idx[a] = 0;
      }
    }
  };
}

/** Resize(X, roi?, scales?, sizes?). */
export const Resize: OpDef = {
  constInputs: [2, 3],
  infer: (ctx) => {
    const x = input(ctx, 0);
    return [{ dtype: x.dtype, dims: geometry(ctx).out }];
  },
  // Linear sampling reads 2^rank corners per output element, each weighted along every axis.
  flops: (ctx, outputs) => {
    const out = outputs[0]!.dims;
    return attrString(ctx.node, 'mode', 'nearest') === 'linear' ? sizeOf(out) * 2 ** out.length * (out.length + 1) : 0;
  },
  js: (ctx) => {
    const x = input(ctx, 0);
    const { out, axes, linear } = plan(ctx);
    const rank = out.length;
    const strides = stridesOf(x.dims);
    const n = sizeOf(out);
    if (!linear && rank > 0 && n > 0) return nearestKernel(out, axes, strides);
    const idx = new Int32Array(rank);
    const corners = linear ? 1 << rank : 1;
    return (ins, outs) => {
      idx.fill(0);
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let mask = 0; mask < corners; mask++) {
          let weight = 1;
          let off = 0;
          for (let a = 0; a < rank; a++) {
            const m = axes[a]!;
            const o = idx[a]!;
            const hi = (mask >> a) & 1;
            if (linear) weight *= hi === 1 ? m.w[o]! : 1 - m.w[o]!;
            off += (hi === 1 ? m.i1[o]! : m.i0[o]!) * strides[a]!;
          }
          if (weight !== 0) v += weight * readElement(ins[0]!, off);
        }
        writeElement(outs[0]!, i, v);
        for (let a = rank - 1; a >= 0; a--) {
          idx[a] = idx[a]! + 1;
          if (idx[a]! < out[a]!) break;
          idx[a] = 0;
        }
      }
    };
  },
};
