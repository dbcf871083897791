/**
 * Folds an inference BatchNormalization into the Conv that feeds it, when the Conv's weight (and
 * bias, if any) and every BatchNormalization parameter are constants and nothing else reads the
 * Conv's output: W'[m] = W[m] · a[m] and B'[m] = (B[m] − mean[m]) · a[m] + bias[m], with
 * a = scale / sqrt(var + ε). The BatchNormalization node disappears.
 */
import { attrFloat, attrInt, type Graph, type Node } from '../ir/graph.js';
import type { Tensor } from '../tensor.js';
import { GraphIndex, replaceNodes } from './graph-index.js';

export function foldBatchNorm(graph: Graph): number {
  let folded = 0;
  for (;;) {
    const index = new GraphIndex(graph);
    const match = graph.nodes.map((n) => matchAt(graph, index, n)).find((m) => m !== undefined);
    if (match === undefined) return folded;
    replaceNodes(graph, match.remove, [match.node]);
    folded++;
  }
}

const floats = (t: Tensor | undefined): Float32Array | undefined => (t?.dtype === 'float32' ? (t.data as Float32Array) : undefined);

function matchAt(graph: Graph, index: GraphIndex, bn: Node): { remove: Node[]; node: Node } | undefined {
  if (bn.op !== 'BatchNormalization' || bn.domain !== '' || attrInt(bn, 'training_mode', 0) !== 0) return undefined;
  if (bn.outputs.length > 1 && bn.outputs.slice(1).some((o) => o !== '')) return undefined;
  const conv = index.producer.get(bn.inputs[0]!);
  if (conv === undefined || conv.op !== 'Conv' || conv.domain !== '' || !index.private(conv.outputs[0]!)) return undefined;
  const w = index.constant(conv.inputs[1]);
  const wData = floats(w);
  const bData = conv.inputs[2] === undefined || conv.inputs[2] === '' ? undefined : floats(index.constant(conv.inputs[2]));
  if (w === undefined || wData === undefined || (conv.inputs[2] !== undefined && conv.inputs[2] !== '' && bData === undefined))
    return undefined;
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => floats(index.constant(bn.inputs[i])));
  const M = w.dims[0]!;
  if ([scale, bias, mean, variance].some((p) => p === undefined || p.length !== M)) return undefined;
  const eps = attrFloat(bn, 'epsilon', 1e-5);
  const per = wData.length / M;
  const newW = new Float32Array(wData.length);
  const newB = new Float32Array(M);
  for (let m = 0; m < M; m++) {
    const a = scale![m]! / Math.sqrt(variance![m]! + eps);
    for (let j = 0; j < per; j++) newW[m * per + j] = wData[m * per + j]! * a;
    newB[m] = ((bData?.[m] ?? 0) - mean![m]!) * a + bias![m]!;
  }
  const wName = `${conv.name}/bn_folded_weight`;
  const bName = `${conv.name}/bn_folded_bias`;
  graph.initializers.set(wName, { dtype: 'float32', dims: [...w.dims], data: newW });
  graph.initializers.set(bName, { dtype: 'float32', dims: [M], data: newB });
  return {
    remove: [conv, bn],
    node: { ...conv, name: `${conv.name}/bn_folded`, inputs: [conv.inputs[0]!, wName, bName], outputs: [bn.outputs[0]!] },
  };
}
