/**
 * Fuses the Erf-based GELU that PyTorch exports,
 *   y = (x * (Erf(x / sqrt 2) + 1)) * 0.5   (operand orders and x * 1/sqrt 2 accepted)
 * into tickmind.Gelu(x).
 */
import { type Graph, type Node, TICKMIND_DOMAIN } from '../ir/graph.js';
import { GraphIndex, otherInput, replaceNodes } from './graph-index.js';

const near = (a: number | undefined, b: number): boolean => a !== undefined && Math.abs(a - b) < 1e-4 * Math.abs(b);

export function fuseGelu(graph: Graph): number {
  let fused = 0;
  for (;;) {
    const index = new GraphIndex(graph);
    const match = graph.nodes.map((n) => matchAt(index, n)).find((m) => m !== undefined);
    if (match === undefined) return fused;
    replaceNodes(graph, match.remove, [match.node]);
    fused++;
  }
}

function matchAt(index: GraphIndex, erf: Node): { remove: Node[]; node: Node } | undefined {
  if (erf.op !== 'Erf' || erf.domain !== '') return undefined;
  const scaleNode = index.producer.get(erf.inputs[0]!);
  if (scaleNode === undefined || scaleNode.domain !== '') return undefined;
  let x: string | undefined;
  if (scaleNode.op === 'Div' && near(index.scalar(scaleNode.inputs[1]), Math.SQRT2)) x = scaleNode.inputs[0];
  if (scaleNode.op === 'Mul') {
    const [a, b] = scaleNode.inputs;
    if (near(index.scalar(b), Math.SQRT1_2)) x = a;
    else if (near(index.scalar(a), Math.SQRT1_2)) x = b;
  }
  if (x === undefined) return undefined;
  const add = index.soleConsumer(erf.outputs[0]!);
  if (add?.op !== 'Add' || index.scalar(otherInput(add, erf.outputs[0]!)) !== 1) return undefined;
  const mulX = index.soleConsumer(add.outputs[0]!);
  if (mulX?.op !== 'Mul' || otherInput(mulX, add.outputs[0]!) !== x) return undefined;
  const half = index.soleConsumer(mulX.outputs[0]!);
  if (half?.op !== 'Mul' || index.scalar(otherInput(half, mulX.outputs[0]!)) !== 0.5) return undefined;
  if (!index.private(scaleNode.outputs[0]!)) return undefined;
  return {
    remove: [scaleNode, erf, add, mulX, half],
    node: { name: `${erf.name}/fused_gelu`, op: 'Gelu', domain: TICKMIND_DOMAIN, inputs: [x], outputs: [half.outputs[0]!], attrs: {} },
  };
}
