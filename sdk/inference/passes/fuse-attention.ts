/**
 * Fuses the attention core that nn.MultiheadAttention exports:
 *   qT = Transpose(q, [1,0,2]); kT = Transpose(k, [1,2,0]) (or [0,2,1]); vT = Transpose(v, [1,0,2])
 *   p  = Softmax(MatMul(qT / c, kT) * c2 + mask); o = MatMul(p, vT); [Transpose(o, [1,0,2])]
 * (scale nodes and the mask optional) into one tickmind.Attention over the untransposed
 * q, k, v, so neither the transposes nor the score matrix are materialized. Also the batched form
 * the SDK's transformers export: q, k, v [B, T, heads, dim] transposed with [0,2,1,3] ([0,2,3,1]
 * for k), the result transposed back with [0,2,1,3] (`batched` = 1).
 */
import { attrInt, attrInts, type Graph, type Node, TICKMIND_DOMAIN } from '../ir/graph.js';
import { Layout } from '../ops/attention.js';
import { GraphIndex, replaceNodes } from './graph-index.js';

export function fuseAttention(graph: Graph): number {
  let fused = 0;
  for (;;) {
    const index = new GraphIndex(graph);
    const match = graph.nodes.map((n) => matchAt(index, n)).find((m) => m !== undefined);
    if (match === undefined) return fused;
    replaceNodes(graph, match.remove, [match.node]);
    fused++;
  }
}

const same = (a: number[] | undefined, b: number[]): boolean => a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

/** Follows Mul/Div-by-scalar nodes back to a MatMul, accumulating the scale. */
function scoresOf(index: GraphIndex, value: string, chain: Node[]): { matmul: Node; scale: number } | undefined {
  let scale = 1;
  let v = value;
  for (let depth = 0; depth < 3; depth++) {
    const n = index.producer.get(v);
    if (n === undefined || n.domain !== '') return undefined;
    if (n.op === 'MatMul') return { matmul: n, scale };
    if (n.op !== 'Mul' && n.op !== 'Div') return undefined;
    const c = index.scalar(n.inputs[1]) ?? (n.op === 'Mul' ? index.scalar(n.inputs[0]) : undefined);
    if (c === undefined) return undefined;
    scale *= n.op === 'Mul' ? c : 1 / c;
    chain.push(n);
    v = index.scalar(n.inputs[1]) !== undefined ? n.inputs[0]! : n.inputs[1]!;
  }
  return undefined;
}

/** The layout k's transpose to kᵀ implies, or undefined for another transpose. */
function keyLayout(perm: number[] | undefined, batched: boolean): number | undefined {
  if (batched) return same(perm, [0, 2, 3, 1]) ? Layout.seqFirst : undefined;
  if (same(perm, [1, 2, 0])) return Layout.seqFirst;
  return same(perm, [0, 2, 1]) ? Layout.headsFirst : undefined;
}

function matchAt(index: GraphIndex, softmax: Node): { remove: Node[]; node: Node } | undefined {
  if (softmax.op !== 'Softmax' || softmax.domain !== '' || attrInt(softmax, 'axis', -1) !== -1) return undefined;
  const chain: Node[] = [];
  let mask = '';
  let scores = scoresOf(index, softmax.inputs[0]!, chain);
  if (scores === undefined) {
    const add = index.producedBy(softmax.inputs[0], 'Add');
    if (add === undefined) return undefined;
    chain.push(add);
    for (const side of [0, 1]) {
      const attempt: Node[] = [];
      const found = scoresOf(index, add.inputs[side]!, attempt);
      if (found !== undefined) {
        scores = found;
        chain.push(...attempt);
        mask = add.inputs[1 - side]!;
        break;
      }
    }
    if (scores === undefined) return undefined;
  }
  const mm1 = scores.matmul;
  // The query may carry its own scale (PyTorch divides q by sqrt(d) before the product).
  let scale = scores.scale;
  let qT = mm1.inputs[0]!;
  const qScale = index.producer.get(qT);
  if (qScale !== undefined && qScale.domain === '' && (qScale.op === 'Div' || qScale.op === 'Mul')) {
    const c = index.scalar(qScale.inputs[1]);
    if (c !== undefined && index.private(qT)) {
      scale *= qScale.op === 'Mul' ? c : 1 / c;
      chain.push(qScale);
      qT = qScale.inputs[0]!;
    }
  }
  const qTrans = index.producedBy(qT, 'Transpose');
  const kTrans = index.producedBy(mm1.inputs[1], 'Transpose');
  if (qTrans === undefined || kTrans === undefined) return undefined;
  // Rank 4: a [B, T, d] activation reshaped to [B, T, heads, dim] and transposed to heads first.
  const batched = same(attrInts(qTrans, 'perm'), [0, 2, 1, 3]);
  if (!batched && !same(attrInts(qTrans, 'perm'), [1, 0, 2])) return undefined;
  // The fused op takes a mask that broadcasts to [heads, T, S] ([batch, heads, T, S] batched).
  if (mask !== '' && (index.dims(mask)?.length ?? 5) > (batched ? 4 : 3)) return undefined;
  const kLayout = keyLayout(attrInts(kTrans, 'perm'), batched);
  if (kLayout === undefined) return undefined;

  const mm2 = index.soleConsumer(softmax.outputs[0]!);
  if (mm2?.op !== 'MatMul' || mm2.inputs[0] !== softmax.outputs[0]) return undefined;
  const vTrans = index.producedBy(mm2.inputs[1], 'Transpose');
  if (vTrans === undefined || !same(attrInts(vTrans, 'perm'), batched ? [0, 2, 1, 3] : [1, 0, 2])) return undefined;

  const internal = [mm1.outputs[0]!, ...chain.map((n) => n.outputs[0]!)];
  if (!internal.every((v) => index.private(v))) return undefined;

  let output = mm2.outputs[0]!;
  let outLayout: number = Layout.headsFirst;
  const remove = [mm1, ...chain, softmax, mm2];
  const after = index.soleConsumer(output);
  if (after?.op === 'Transpose' && after.domain === '' && same(attrInts(after, 'perm'), batched ? [0, 2, 1, 3] : [1, 0, 2])) {
    output = after.outputs[0]!;
    outLayout = Layout.seqFirst;
    remove.push(after);
  } else if (batched) return undefined; // batched: the output comes back sequence-first, [B, T, heads, dim]
  for (const t of [qTrans, kTrans, vTrans]) if (index.private(t.outputs[0]!)) remove.push(t);

  const node: Node = {
    name: `${mm1.name}/fused_attention`,
    op: 'Attention',
    domain: TICKMIND_DOMAIN,
    inputs: [qTrans.inputs[0]!, kTrans.inputs[0]!, vTrans.inputs[0]!, mask],
    outputs: [output],
    attrs: {
      scale,
      q_layout: Layout.seqFirst,
      k_layout: kLayout,
      v_layout: Layout.seqFirst,
      out_layout: outLayout,
      ...(batched ? { batched: 1 } : {}),
    },
  };
  return { remove, node };
}
