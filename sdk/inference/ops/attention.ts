/**
 * tickmind.Attention(q, k, v, mask?): softmax(scale · q kᵀ + mask) v per head, fused so the
 * score matrix is never materialized. Created by the attention fusion pass from the subgraph
 * nn.MultiheadAttention exports. Each operand is [heads, len, dim] (layout 0) or
 * [len, heads, dim] (layout 1, PyTorch's sequence-first order), which absorbs the
 * transposes around the attention core. The mask is additive, broadcastable to [heads, T, S].
 * With `batched` = 1 every operand is rank 4, [batch, len, heads, dim] (a [B, T, d] activation
 * reshaped to heads: the SDK's exported transformers), the mask broadcastable to
 * [batch, heads, T, S], and the core runs once per batch row.
 */
import { attrFloat, attrInt } from '../ir/graph.js';
import type { Kernel, OpContext, OpDef } from './types.js';
import { broadcastShapes, broadcastStrides, input, opError } from './util.js';

/** Layout codes of the Attention operands. */
export const Layout = { headsFirst: 0, seqFirst: 1 } as const;

interface Geometry {
  /** Batch rows (1 unless `batched`). */
  batch: number;
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
  /** Batch strides of q, k, v, out (0 unless batched). */
  qb: number;
  kb: number;
  vb: number;
  ob: number;
  /** Mask strides over [heads, T, S], and over the batch (0 unless batched). */
  mask?: [number, number, number];
  mb: number;
}

function split(dims: number[], layout: number): { heads: number; len: number; dim: number; strides: [number, number] } {
  const [a, b, c] = dims as [number, number, number];
  return layout === Layout.seqFirst ? { heads: b, len: a, dim: c, strides: [c, b * c] } : { heads: a, len: b, dim: c, strides: [b * c, c] };
}

/** A batched operand [batch, len, heads, dim]: the per-row split (sequence-first) and the batch stride. */
function splitBatched(dims: number[]): {
  batch: number;
  heads: number;
  len: number;
  dim: number;
  strides: [number, number];
  batchStride: number;
} {
  const [b, len, heads, dim] = dims as [number, number, number, number];
  return { batch: b, ...split([len, heads, dim], Layout.seqFirst), batchStride: len * heads * dim };
}

function geometry(ctx: OpContext): Geometry {
  const batched = attrInt(ctx.node, 'batched', 0) === 1;
  const lay = (name: string): number => {
    const l = attrInt(ctx.node, name, Layout.headsFirst);
    if (l !== Layout.headsFirst && l !== Layout.seqFirst) throw opError(ctx, `${name} ${l} is not a layout`, name);
    return l;
  };
  const rank = batched ? 4 : 3;
  for (const i of [0, 1, 2]) {
    if (input(ctx, i).dims.length !== rank) throw opError(ctx, `operand ${i} must be rank ${rank}`, `input[${i}]`);
    if (input(ctx, i).dtype !== 'float32') throw opError(ctx, `operand ${i} must be float32`, `input[${i}]`);
  }
  let batch = 1;
  let qb = 0;
  let kb = 0;
  let vb = 0;
  let q: ReturnType<typeof split>;
  let k: ReturnType<typeof split>;
  let v: ReturnType<typeof split>;
  if (batched) {
    const [bq, bk, bv] = [0, 1, 2].map((i) => splitBatched(input(ctx, i).dims)) as [
      ReturnType<typeof splitBatched>,
      ReturnType<typeof splitBatched>,
      ReturnType<typeof splitBatched>,
    ];
    if (bq.batch !== bk.batch || bq.batch !== bv.batch) throw opError(ctx, 'q, k and v do not agree on the batch');
    [batch, qb, kb, vb, q, k, v] = [bq.batch, bq.batchStride, bk.batchStride, bv.batchStride, bq, bk, bv];
  } else {
    q = split(input(ctx, 0).dims, lay('q_layout'));
    k = split(input(ctx, 1).dims, lay('k_layout'));
    v = split(input(ctx, 2).dims, lay('v_layout'));
  }
  if (q.heads !== k.heads || q.heads !== v.heads || q.dim !== k.dim || k.len !== v.len) {
    throw opError(ctx, 'q, k and v do not agree on heads, length or head size');
  }
  // The mask may widen the batch, the heads or the query rows (the unfused graph's Add and
  // second MatMul broadcast them: q, k and v are then read again for each), never the keys.
  const m = ctx.inputs[3];
  let [B, H, T] = [batch, q.heads, q.len];
  let maskStrides: number[] | undefined;
  if (m !== undefined) {
    if (m.dtype !== 'float32') throw opError(ctx, 'the mask must be float32', 'input[3]');
    const scores = batched ? [batch, q.heads, q.len, k.len] : [q.heads, q.len, k.len];
    const joint = broadcastShapes(ctx, [m.dims, scores]);
    if (joint.length !== scores.length || joint[joint.length - 1] !== k.len) {
      throw opError(
        ctx,
        `the mask [${m.dims.join(', ')}] does not broadcast to [${batched ? 'batch, ' : ''}heads, T, S] = [${scores.join(', ')}]`,
        'input[3]',
      );
    }
    [B, H, T] = batched ? [joint[0]!, joint[1]!, joint[2]!] : [1, joint[0]!, joint[1]!];
    maskStrides = broadcastStrides(m.dims, joint);
  }
  const wideHeads = H !== q.heads;
  const outLayout = batched ? Layout.seqFirst : lay('out_layout');
  const o = split(outDimsOf(H, T, v.dim, outLayout), outLayout);
  const g: Geometry = {
    batch: B,
    heads: H,
    T,
    S: k.len,
    D: q.dim,
    Dv: v.dim,
    q: [wideHeads ? 0 : q.strides[0], T !== q.len ? 0 : q.strides[1]],
    k: [wideHeads ? 0 : k.strides[0], k.strides[1]],
    v: [wideHeads ? 0 : v.strides[0], v.strides[1]],
    o: o.strides,
    qb: B !== batch ? 0 : qb,
    kb: B !== batch ? 0 : kb,
    vb: B !== batch ? 0 : vb,
    ob: batched ? T * H * v.dim : 0,
    mb: 0,
  };
  if (maskStrides !== undefined) {
    const t = batched ? maskStrides.slice(1) : maskStrides;
    g.mask = [t[0]!, t[1]!, t[2]!];
    g.mb = batched ? maskStrides[0]! : 0;
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
    return 2 * g.batch * g.heads * g.T * g.S * (g.D + g.Dv);
  },
  infer: (ctx) => {
    const g = geometry(ctx);
    if (attrInt(ctx.node, 'batched', 0) === 1) return [{ dtype: 'float32', dims: [g.batch, g.T, g.heads, g.Dv] }];
    // geometry() has checked that the mask broadcasts to [heads, T, S].
    return [{ dtype: 'float32', dims: outDimsOf(g.heads, g.T, g.Dv, attrInt(ctx.node, 'out_layout', Layout.headsFirst)) }];
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
      for (let b = 0; b < g.batch; b++) {
        for (let n = 0; n < g.heads; n++) {
          for (let i = 0; i < g.T; i++) {
            const qb = b * g.qb + n * g.q[0] + i * g.q[1];
            let mx = -Infinity;
            for (let j = 0; j < g.S; j++) {
              const kb = b * g.kb + n * g.k[0] + j * g.k[1];
              let s = 0;
              for (let d = 0; d < g.D; d++) s += q[qb + d]! * k[kb + d]!;
              s *= scale;
              if (m !== undefined) s += m[b * g.mb + n * g.mask![0] + i * g.mask![1] + j * g.mask![2]]!;
              scores[j] = s;
              if (s > mx) mx = s;
            }
            let sum = 0;
            for (let j = 0; j < g.S; j++) {
              scores[j] = Math.exp(scores[j]! - mx);
              sum += scores[j]!;
            }
            const ob = b * g.ob + n * g.o[0] + i * g.o[1];
            for (let d = 0; d < g.Dv; d++) {
              let acc = 0;
              for (let j = 0; j < g.S; j++) acc += scores[j]! * v[b * g.vb + n * g.v[0] + j * g.v[1] + d]!;
              o[ob + d] = acc / sum;
            }
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
    const k = ctx.kernels;
    const scratch = ctx.scratch(k.attentionScratchBytes(g.S));
    const [mn, mi] = g.mask === undefined ? [0, 0] : [g.mask[0], g.mask[1]];
    const hasMask = g.mask !== undefined;
    // Batched: one kernel call per batch row, its operands and mask offset by the batch strides.
    ctx.reads(0, extent([g.qb, ...g.q], [g.batch, g.heads, g.T], g.D) * 4);
    ctx.reads(1, extent([g.kb, ...g.k], [g.batch, g.heads, g.S], g.D) * 4);
    ctx.reads(2, extent([g.vb, ...g.v], [g.batch, g.heads, g.S], g.D) * 4);
    if (hasMask) ctx.reads(3, extent([g.mb, mn, mi], [g.batch, g.heads, g.T], g.S) * 4);
    ctx.writes(0, extent([g.ob, ...g.o], [g.batch, g.heads, g.T], g.D) * 4);
    return (ins, outs) => {
      for (let b = 0; b < g.batch; b++) {
        k.attention(
          ins[0]!.ptr + b * g.qb * 4,
          g.q[0],
          g.q[1],
          ins[1]!.ptr + b * g.kb * 4,
          g.k[0],
          g.k[1],
          ins[2]!.ptr + b * g.vb * 4,
          g.v[0],
          g.v[1],
          outs[0]!.ptr + b * g.ob * 4,
          g.o[0],
          g.o[1],
          hasMask ? ins[3]!.ptr + b * g.mb * 4 : 0,
          mn,
          mi,
          g.heads,
          g.T,
          g.S,
          g.D,
          scale,
          scratch,
        );
      }
    };
  },
};
