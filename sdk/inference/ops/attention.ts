/**
 * tickmind.Attention(q, k, v, mask?): softmax(scale · q kᵀ + mask) v per head, fused so the
 * score matrix is never materialized. Created by the attention fusion pass from the subgraph
 * nn.MultiheadAttention exports. Each operand is [heads, len, dim] (layout 0) or
 * [len, heads, dim] (layout 1, PyTorch's sequence-first order), which absorbs the
 * transposes around the attention core. The mask is additive, broadcastable to [heads, T, S].
 */
import { attrFloat, attrInt } from '../ir/graph.js';
import type { Kernel, OpContext, OpDef } from './types.js';
import { broadcastShapes, broadcastStrides, input, opError } from './util.js';

/** Layout codes of the Attention operands. */
export const Layout = { headsFirst: 0, seqFirst: 1 } as const;

interface Geometry {
  heads: number;
  T: number;
  S: number;
  /** Head size of q and k. */
  D: number;
  /** Head size of v (and of the output). */
  Dv: number;
  /** [headStride, rowStride] per operand q, k, v, out. */
  q: [number, number];
  k: [number, number];
  v: [number, number];
  o: [number, number];
  mask?: [number, number, number];
}

function split(dims: number[], layout: number): { heads: number; len: number; dim: number; strides: [number, number] } {
  const [a, b, c] = dims as [number, number, number];
  return layout === Layout.seqFirst ? { heads: b, len: a, dim: c, strides: [c, b * c] } : { heads: a, len: b, dim: c, strides: [b * c, c] };
}

function geometry(ctx: OpContext): Geometry {
  const lay = (name: string): number => {
    const l = attrInt(ctx.node, name, Layout.headsFirst);
    if (l !== Layout.headsFirst && l !== Layout.seqFirst) throw opError(ctx, `${name} ${l} is not a layout`, name);
    return l;
  };
  for (const i of [0, 1, 2]) {
    if (input(ctx, i).dims.length !== 3) throw opError(ctx, `operand ${i} must be rank 3`, `input[${i}]`);
    if (input(ctx, i).dtype !== 'float32') throw opError(ctx, `operand ${i} must be float32`, `input[${i}]`);
  }
  const q = split(input(ctx, 0).dims, lay('q_layout'));
  const k = split(input(ctx, 1).dims, lay('k_layout'));
  const v = split(input(ctx, 2).dims, lay('v_layout'));
  if (q.heads !== k.heads || q.heads !== v.heads || q.dim !== k.dim || k.len !== v.len) {
    throw opError(ctx, 'q, k and v do not agree on heads, length or head size');
  }
  const o = split(outDimsOf(q.heads, q.len, v.dim, lay('out_layout')), lay('out_layout'));
  const g: Geometry = { heads: q.heads, T: q.len, S: k.len, D: q.dim, Dv: v.dim, q: q.strides, k: k.strides, v: v.strides, o: o.strides };
  const m = ctx.inputs[3];
  if (m !== undefined) {
    if (m.dtype !== 'float32') throw opError(ctx, 'the mask must be float32', 'input[3]');
    const s = broadcastStrides(m.dims, broadcastShapes(ctx, [m.dims, [q.heads, q.len, k.len]]));
    if (s.length !== 3) throw opError(ctx, `the mask [${m.dims.join(', ')}] does not broadcast to [heads, T, S]`, 'input[3]');
    g.mask = [s[0]!, s[1]!, s[2]!];
  }
  return g;
}

function outDimsOf(heads: number, T: number, Dv: number, layout: number): number[] {
  return layout === Layout.seqFirst ? [T, heads, Dv] : [heads, T, Dv];
}

/** Elements of an operand the kernel reaches: the last head's last row, plus one row of `dim`. */
function extent(strides: readonly number[], counts: readonly number[], dim: number): number {
  if (counts.some((c) => c === 0) || dim === 0) return 0;
  let last = 0;
  for (let i = 0; i < counts.length; i++) last += (counts[i]! - 1) * strides[i]!;
  return last + dim;
}

export const Attention: OpDef = {
  flops: (ctx) => {
    const g = geometry(ctx);
    return 2 * g.heads * g.T * g.S * (g.D + g.Dv);
  },
  infer: (ctx) => {
    const g = geometry(ctx);
    const dims = outDimsOf(g.heads, g.T, g.Dv, attrInt(ctx.node, 'out_layout', Layout.headsFirst));
    const m = ctx.inputs[3];
    if (m !== undefined && broadcastShapes(ctx, [m.dims, [g.heads, g.T, g.S]]).length !== 3) {
      throw opError(ctx, `the mask [${m.dims.join(', ')}] does not broadcast to [heads, T, S]`, 'input[3]');
    }
    return [{ dtype: 'float32', dims }];
  },
  js: (ctx): Kernel => {
    const g = geometry(ctx);
    const scale = attrFloat(ctx.node, 'scale', 1);
    const scores = new Float64Array(g.S);
    return (ins, outs) => {
      const q = ins[0]!.data;
      const k = ins[1]!.data;
      const v = ins[2]!.data;
      const m = g.mask === undefined ? undefined : ins[3]!.data;
      const o = outs[0]!.data;
      for (let n = 0; n < g.heads; n++) {
        for (let i = 0; i < g.T; i++) {
          const qb = n * g.q[0] + i * g.q[1];
          let mx = -Infinity;
          for (let j = 0; j < g.S; j++) {
            const kb = n * g.k[0] + j * g.k[1];
            let s = 0;
            for (let d = 0; d < g.D; d++) s += q[qb + d]! * k[kb + d]!;
            s *= scale;
            if (m !== undefined) s += m[n * g.mask![0] + i * g.mask![1] + j * g.mask![2]]!;
            scores[j] = s;
            if (s > mx) mx = s;
          }
          let sum = 0;
          for (let j = 0; j < g.S; j++) {
            scores[j] = Math.exp(scores[j]! - mx);
            sum += scores[j]!;
          }
          const ob = n * g.o[0] + i * g.o[1];
          for (let d = 0; d < g.Dv; d++) {
            let acc = 0;
            for (let j = 0; j < g.S; j++) acc += scores[j]! * v[n * g.v[0] + j * g.v[1] + d]!;
            o[ob + d] = acc / sum;
          }
        }
      }
    };
  },
  wasm: (ctx) => {
    const g = geometry(ctx);
    // The kernel takes one head size for q, k and v.
    if ((g.mask !== undefined && g.mask[2] !== 1) || g.Dv !== g.D) return undefined;
    const scale = attrFloat(ctx.node, 'scale', 1);
    const scratch = ctx.scratch(g.S * 4);
    const k = ctx.kernels;
    const [mn, mi] = g.mask === undefined ? [0, 0] : [g.mask[0], g.mask[1]];
    const hasMask = g.mask !== undefined;
    ctx.reads(0, extent(g.q, [g.heads, g.T], g.D) * 4);
    ctx.reads(1, extent(g.k, [g.heads, g.S], g.D) * 4);
    ctx.reads(2, extent(g.v, [g.heads, g.S], g.D) * 4);
    if (hasMask) ctx.reads(3, extent([mn, mi], [g.heads, g.T], g.S) * 4);
    ctx.writes(0, extent(g.o, [g.heads, g.T], g.D) * 4);
    return (ins, outs) => {
      k.attention(
        ins[0]!.ptr,
        g.q[0],
        g.q[1],
        ins[1]!.ptr,
        g.k[0],
        g.k[1],
        ins[2]!.ptr,
        g.v[0],
        g.v[1],
        outs[0]!.ptr,
        g.o[0],
        g.o[1],
        hasMask ? ins[3]!.ptr : 0,
        mn,
        mi,
        g.heads,
        g.T,
        g.S,
        g.D,
        scale,
        scratch,
      );
    };
  },
};
