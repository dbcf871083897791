/**
 * Fuses PyTorch's decomposed LayerNorm (opsets < 17):
 *   m = ReduceMean(x, -1); d = x - m; v = ReduceMean(d ^ 2, -1); n = d / Sqrt(v + eps);
 *   y = n * gamma + beta   (scale and bias optional)
 * into one LayerNormalization(x, gamma, beta, axis = -1, epsilon).
 */
import type { Graph, Node } from '../ir/graph.js';
import { toNumbers } from '../tensor.js';
import { GraphIndex, otherInput, replaceNodes } from './graph-index.js';

/** True for a ReduceMean over the last axis only, keeping dims (axes as attribute, or input in opset 18). */
function reducesLastAxis(index: GraphIndex, n: Node): boolean {
  const fromInput = index.constant(n.inputs[1]);
  const axes = (n.attrs.axes as number[] | undefined) ?? (fromInput === undefined ? undefined : toNumbers(fromInput));
  const keep = (n.attrs.keepdims as number | undefined) ?? 1;
  return axes !== undefined && axes.length === 1 && axes[0] === -1 && keep === 1;
}

export function fuseLayerNorm(graph: Graph): number {
  let fused = 0;
  for (;;) {
    const index = new GraphIndex(graph);
    const match = graph.nodes.map((n) => matchAt(index, n)).find((m) => m !== undefined);
    if (match === undefined) return fused;
    replaceNodes(graph, match.remove, [match.node]);
    fused++;
  }
}

function matchAt(index: GraphIndex, div: Node): { remove: Node[]; node: Node } | undefined {
  if (div.op !== 'Div' || div.domain !== '') return undefined;
  const [d, s] = div.inputs;
  const sub = index.producedBy(d, 'Sub');
  const sqrt = index.producedBy(s, 'Sqrt');
  if (sub === undefined || sqrt === undefined) return undefined;
  const add = index.producedBy(sqrt.inputs[0], 'Add');
  if (add === undefined) return undefined;
  const varMean = index.producedBy(add.inputs[0], 'ReduceMean') ?? index.producedBy(add.inputs[1], 'ReduceMean');
  if (varMean === undefined) return undefined;
  const eps = index.scalar(otherInput(add, varMean.outputs[0]!));
  const pow = index.producedBy(varMean.inputs[0], 'Pow');
  if (eps === undefined || pow === undefined || pow.inputs[0] !== d || index.scalar(pow.inputs[1]) !== 2) return undefined;
  const mean = index.producedBy(sub.inputs[1], 'ReduceMean');
  const x = sub.inputs[0]!;
  if (mean === undefined || mean.inputs[0] !== x || !reducesLastAxis(index, mean) || !reducesLastAxis(index, varMean)) return undefined;
  // The fused op normalizes x's last axis and applies scale and bias of that length: x's last dim must be known.
  const last = index.dims(x)?.at(-1);
  if (last === undefined) return undefined;
  const privateChain = [mean.outputs[0]!, pow.outputs[0]!, varMean.outputs[0]!, add.outputs[0]!, sqrt.outputs[0]!];
  // d feeds exactly Pow and Div, and nothing outside (a graph output of its own would lose its producer).
  if (!privateChain.every((v) => index.private(v)) || (index.consumers.get(d!)?.length ?? 0) !== 2 || index.isOutput(d!)) return undefined;

  const remove = [mean, sub, pow, varMean, add, sqrt, div];
  let out = div.outputs[0]!;
  let scale = '';
  let bias = '';
  const mul = index.soleConsumer(out);
  if (mul !== undefined && mul.op === 'Mul' && mul.domain === '') {
    const g = otherInput(mul, out);
    if (g !== undefined && index.constant(g)?.dims.length === 1 && index.constant(g)!.dims[0] === last) {
      scale = g;
      out = mul.outputs[0]!;
      remove.push(mul);
      const addB = index.soleConsumer(out);
      const b = addB !== undefined && addB.op === 'Add' && addB.domain === '' ? otherInput(addB, out) : undefined;
      if (b !== undefined && index.constant(b)?.dims.length === 1 && index.constant(b)!.dims[0] === last) {
        bias = b;
        out = addB!.outputs[0]!;
        remove.push(addB!);
      }
    }
  }
  const node: Node = {
    name: `${div.name}/fused_layernorm`,
    op: 'LayerNormalization',
    domain: '',
    inputs: [x, scale, bias],
    outputs: [out],
    attrs: { axis: -1, epsilon: eps },
  };
  return { remove, node };
}
