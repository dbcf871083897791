/**
 * Fuses linear layers: MatMul(x, W) + b and Gemm(x, W, b) with constant W and vector b
 * become tickmind.FusedMatMul(x, W, b) (packed GEMM with the bias in its accumulators),
 * and a following Relu or Gelu folds into the GEMM's store.
 */
import { attrFloat, attrInt, type Graph, type Node, TICKMIND_DOMAIN } from '../ir/graph.js';
import { sizeOf } from '../tensor.js';
import { Act } from '../wasm/runtime.js';
import { GraphIndex, otherInput, replaceNodes } from './graph-index.js';

export function fuseMatMulAdd(graph: Graph): number {
  let fused = 0;
  for (;;) {
    const index = new GraphIndex(graph);
    const match = graph.nodes.map((n) => matchLinear(index, n)).find((m) => m !== undefined);
    if (match === undefined) break;
    replaceNodes(graph, match.remove, [match.node]);
    fused++;
  }
  for (;;) {
    const index = new GraphIndex(graph);
    const match = graph.nodes.map((n) => matchActivation(index, n)).find((m) => m !== undefined);
    if (match === undefined) break;
    replaceNodes(graph, match.remove, [match.node]);
    fused++;
  }
  return fused;
}

/** A constant bias of `n` values along the last axis that does not add axes to an output of rank `rank`. */
function isBias(index: GraphIndex, name: string | undefined, n: number, rank: number | undefined): boolean {
  const t = index.constant(name);
  if (t === undefined || t.dtype !== 'float32' || sizeOf(t.dims) !== n || t.dims[t.dims.length - 1] !== n) return false;
  return t.dims.length === 1 || (rank !== undefined && t.dims.length <= rank);
}

function matchLinear(index: GraphIndex, node: Node): { remove: Node[]; node: Node } | undefined {
  if (node.domain !== '') return undefined;
  if (node.op === 'Gemm') {
    const w = index.constant(node.inputs[1]);
    if (w === undefined || w.dtype !== 'float32' || w.dims.length !== 2) return undefined;
    if (attrInt(node, 'transA', 0) !== 0 || attrFloat(node, 'alpha', 1) !== 1 || attrFloat(node, 'beta', 1) !== 1) return undefined;
    // transB other than 0 or 1 reads differently for shapes and values (see Gemm): left to Gemm itself.
    const transB = attrInt(node, 'transB', 0);
    if (transB !== 0 && transB !== 1) return undefined;
    // FusedMatMul takes any rank: only a Gemm of a known 2-D operand (what Gemm accepts) becomes one.
    if (index.dims(node.inputs[0])?.length !== 2) return undefined;
    const n = transB === 1 ? w.dims[0]! : w.dims[1]!;
    const c = node.inputs[2];
    if (c !== undefined && c !== '' && !isBias(index, c, n, 2)) return undefined;
    return { remove: [node], node: fused(node, [node.inputs[0]!, node.inputs[1]!, c ?? ''], node.outputs[0]!, transB) };
  }
  if (node.op !== 'MatMul') return undefined;
  const w = index.constant(node.inputs[1]);
  if (w === undefined || w.dtype !== 'float32' || w.dims.length !== 2) return undefined;
  const add = index.soleConsumer(node.outputs[0]!);
  const bias = add?.op === 'Add' && add.domain === '' ? otherInput(add, node.outputs[0]!) : undefined;
  if (add === undefined || bias === undefined || !isBias(index, bias, w.dims[1]!, index.dims(node.outputs[0])?.length)) return undefined;
  return { remove: [node, add], node: fused(node, [node.inputs[0]!, node.inputs[1]!, bias], add.outputs[0]!, 0) };
}

function fused(from: Node, inputs: string[], output: string, transB: number): Node {
  return {
    name: `${from.name}/fused_matmul`,
    op: 'FusedMatMul',
    domain: TICKMIND_DOMAIN,
    inputs,
    outputs: [output],
    attrs: { transB, activation: Act.none },
  };
}

function matchActivation(index: GraphIndex, node: Node): { remove: Node[]; node: Node } | undefined {
  if (node.op !== 'FusedMatMul' || node.domain !== TICKMIND_DOMAIN || node.attrs.activation !== Act.none) return undefined;
  const next = index.soleConsumer(node.outputs[0]!);
  if (next === undefined) return undefined;
  let act: number | undefined;
  if (next.op === 'Relu' && next.domain === '') act = Act.relu;
  if (next.op === 'Gelu' && next.domain === TICKMIND_DOMAIN) act = Act.gelu;
  if (act === undefined) return undefined;
  return {
    remove: [node, next],
    node: { ...node, outputs: [next.outputs[0]!], attrs: { ...node.attrs, activation: act } },
  };
}
