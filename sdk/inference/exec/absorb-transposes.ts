/**
 * Plan-time rewrite: the two Transposes PyTorch's nn.MultiheadAttention (batch_first) exports
 * around its core are absorbed into the attention. The exported layer turns x [B, T, d] into
 * sequence-first [T, B, d], projects q, k and v, reshapes them to [T, B·H, D] for a
 * sequence-first tickmind.Attention, projects its output and transposes back to [B, T, d].
 * The projections are row by row, so they can take x's rows in its own order; q, k and v are
 * then [B, T, H, D] — the batched attention layout, where one head's keys lie d floats apart
 * instead of B·d (at batch 128 every key row of a head fell in the same cache set) — and the
 * output projection's rows come out in [B, T, d] order. Each row is computed as before, so
 * every value has the same bits. Matched strictly; anything else is left as planned.
 */
import { attrInt, attrInts, TICKMIND_DOMAIN } from '../ir/graph.js';
import { Layout } from '../ops/attention.js';
import type { ValueState } from '../ops/types.js';
import type { Pending } from './kernel-context.js';
import { producersOf, readersOf } from './readers.js';

/** Returns `pending` with each matched attention's Transposes dropped and its steps rewired. */
export function absorbAttentionTransposes(pending: readonly Pending[], graphOutputs: ReadonlySet<string>): Pending[] {
  const readers = readersOf(pending);
  const producer = producersOf(pending);
  const replaced = new Map<Pending, Pending>();
  const dropped = new Set<Pending>();
  for (const att of pending) {
    const m = matchLayer(att, producer, readers, graphOutputs);
    if (m === undefined || [...m.projections, m.before, m.after, m.back].some((p) => dropped.has(p) || replaced.has(p))) continue;
    const { B, T, H, D, Dv, x } = m;
    for (const f of m.projections) {
      replaced.set(f, { ...f, node: { ...f.node, inputs: [x.name, ...f.node.inputs.slice(1)] }, inputs: [x.state, ...f.inputs.slice(1)] });
    }
    const operand = (s: ValueState, dim: number): ValueState => ({ dtype: s.dtype, dims: [B, T, H, dim] });
    const inputs = [operand(att.inputs[0]!, D), operand(att.inputs[1]!, D), operand(att.inputs[2]!, Dv)];
    if (m.mask !== undefined) inputs.push(m.mask);
    replaced.set(att, {
      ...att,
      node: { ...att.node, attrs: { ...att.node.attrs, batched: 1 } },
      inputs,
      outputs: [{ dtype: 'float32', dims: [B, T, H, Dv] }],
    });
    // The output projection's rows are now [B, T, d]: its reshape writes the Transpose's value.
    const back = m.back;
    replaced.set(m.after, {
      ...m.after,
      node: { ...m.after.node, outputs: [back.node.outputs[0]!] },
      outputs: [back.outputs[0]!],
    });
    dropped.add(m.before);
    dropped.add(back);
  }
  if (dropped.size === 0) return [...pending];
  return pending.filter((p) => !dropped.has(p)).map((p) => replaced.get(p) ?? p);
}

interface LayerMatch {
  B: number;
  T: number;
  H: number;
  D: number;
  Dv: number;
  /** x [B, T, d], the first Transpose's input. */
  x: { name: string; state: ValueState };
  /** The Transpose [B, T, d] → [T, B, d] in front of the projections. */
  before: Pending;
  /** The q, k and v projections (one, or one per Slice after split-linear). */
  projections: Pending[];
  /** The Reshape of the output projection back to [T, B, d]. */
  after: Pending;
  /** The Transpose [T, B, d] → [B, T, d] after it. */
  back: Pending;
  /** The mask's state as the batched attention reads it ([B or 1, H or 1, T or 1, S]). */
  mask?: ValueState;
}

function matchLayer(
  att: Pending,
  producer: ReadonlyMap<string, Pending>,
  readers: ReadonlyMap<string, Pending[]>,
  graphOutputs: ReadonlySet<string>,
): LayerMatch | undefined {
  const n = att.node;
  if (n.domain !== TICKMIND_DOMAIN || n.op !== 'Attention' || attrInt(n, 'batched', 0) === 1) return undefined;
  for (const a of ['q_layout', 'k_layout', 'v_layout', 'out_layout'])
    if (attrInt(n, a, Layout.headsFirst) !== Layout.seqFirst) return undefined;
  const only = (name: string, reader: Pending): boolean => !graphOutputs.has(name) && (readers.get(name) ?? []).every((r) => r === reader);
  // q, k and v: Reshape [T, B, d] → [T, B·H, D] of a projection of one Transpose's output.
  let before: Pending | undefined;
  const projections: Pending[] = [];
  for (let i = 0; i < 3; i++) {
    const reshape = producer.get(n.inputs[i] ?? '');
    if (reshape === undefined || !isReshape(reshape) || !only(n.inputs[i]!, att)) return undefined;
    const proj = producer.get(reshape.node.inputs[0] ?? '');
    if (proj === undefined || proj.node.domain !== TICKMIND_DOMAIN || proj.node.op !== 'FusedMatMul') return undefined;
    if (!only(reshape.node.inputs[0]!, reshape)) return undefined;
    const t = producer.get(proj.node.inputs[0] ?? '');
    if (t === undefined || !isSwap(t) || (before !== undefined && t !== before)) return undefined;
    before = t;
    if (!projections.includes(proj)) projections.push(proj);
  }
  if (before === undefined) return undefined;
  const xt = before.node.outputs[0]!;
  if (graphOutputs.has(xt) || !(readers.get(xt) ?? []).every((r) => projections.includes(r) && r.node.inputs.indexOf(xt) === 0))
    return undefined;
  const [B, T, d] = before.inputs[0]!.dims as [number, number, number];
  const [q, k, v] = [0, 1, 2].map((i) => att.inputs[i]!.dims);
  const D = q![2]!;
  const Dv = v![2]!;
  const H = q![1]! / B;
  if (!Number.isInteger(H) || H * D !== d || q![0] !== T || k![0] !== T || v![0] !== T || k![1] !== B * H || v![1] !== B * H)
    return undefined;
  if (k![2] !== D || H * Dv !== d) return undefined;
  // Output: Reshape to [T·B, d], the output projection, Reshape to [T, B, d], Transpose to [B, T, d].
  const out = n.outputs[0]!;
  const flat = (readers.get(out) ?? [])[0];
  if (flat === undefined || !isReshape(flat) || !only(out, flat)) return undefined;
  const proj = (readers.get(flat.node.outputs[0]!) ?? [])[0];
  if (proj === undefined || proj.node.op !== 'FusedMatMul' || proj.node.domain !== TICKMIND_DOMAIN || !only(flat.node.outputs[0]!, proj))
    return undefined;
  if (proj.node.inputs[0] !== flat.node.outputs[0]) return undefined;
  const after = (readers.get(proj.node.outputs[0]!) ?? [])[0];
  if (after === undefined || !isReshape(after) || !only(proj.node.outputs[0]!, after)) return undefined;
  const back = (readers.get(after.node.outputs[0]!) ?? [])[0];
  if (back === undefined || !isSwap(back) || !only(after.node.outputs[0]!, back)) return undefined;
  const ad = after.outputs[0]!.dims;
  const bd = back.outputs[0]!.dims;
  if (ad.length !== 3 || ad[0] !== T || ad[1] !== B || bd[0] !== B || bd[1] !== T || bd[2] !== ad[2]) return undefined;
  // The mask, [heads or 1, T or 1, S] over B·H heads, as [B or 1, H or 1, T or 1, S].
  let mask: ValueState | undefined;
  const ms = att.inputs[3];
  if (ms !== undefined) {
    const dims = [...ms.dims];
    while (dims.length < 3) dims.unshift(1);
    if (dims.length !== 3 || (dims[0] !== 1 && dims[0] !== B * H)) return undefined;
    mask = { dtype: ms.dtype, dims: [dims[0] === 1 ? 1 : B, dims[0] === 1 ? 1 : H, dims[1]!, dims[2]!] };
  }
  return {
    B,
    T,
    H,
    D,
    Dv,
    x: { name: before.node.inputs[0]!, state: before.inputs[0]! },
    before,
    projections,
    after,
    back,
    ...(mask ? { mask } : {}),
  };
}

function isReshape(p: Pending): boolean {
  return p.node.domain === '' && p.node.op === 'Reshape';
}

/** A Transpose of the first two axes of a rank-3 tensor. */
function isSwap(p: Pending): boolean {
  if (p.node.domain !== '' || p.node.op !== 'Transpose' || p.inputs[0]?.dims.length !== 3) return false;
  const perm = attrInts(p.node, 'perm');
  return perm !== undefined && perm.length === 3 && perm[0] === 1 && perm[1] === 0 && perm[2] === 2;
}
