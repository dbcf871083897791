/**
 * Constant folding at load: every node whose inputs are all initializers (Constant nodes
 * included) is evaluated once with the portable kernels and becomes an initializer.
 */

import { Budget, evaluateNode, inferNode } from '../exec/infer.js';
import { type Graph, type Node, nodeReads } from '../ir/graph.js';
import { findOp } from '../ops/registry.js';
import type { ValueState } from '../ops/types.js';

/** Folds in place, charging `budget` (bytes and work, see limits.ts); returns the number of nodes folded. */
export function foldConstants(graph: Graph, budget: Budget = new Budget()): number {
  const kept: Node[] = [];
  let folded = 0;
  for (const node of graph.nodes) {
    const op = findOp(node.domain, node.op);
    const constant = node.inputs.every((name) => name === '' || graph.initializers.has(name));
    if (op === undefined || !constant || node.op === 'Shape' || node.op === 'Size') {
      kept.push(node);
      continue;
    }
    const inputs: (ValueState | undefined)[] = node.inputs.map((name) => {
      if (name === '') return undefined;
      const t = graph.initializers.get(name)!;
      return { dtype: t.dtype, dims: t.dims, value: t };
    });
    const outputs = inferNode(node, op, inputs, budget.limits);
    const values = evaluateNode(node, op, inputs, outputs, budget);
    node.outputs.forEach((name, i) => {
      if (name !== '') graph.initializers.set(name, values[i]!);
    });
    folded++;
  }
  graph.nodes = kept;
  return folded;
}

/** Removes nodes that feed no graph output, and initializers nothing reads. Returns nodes removed. */
export function removeDeadNodes(graph: Graph): number {
  const needed = new Set(graph.outputs.map((o) => o.name));
  const kept: Node[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i]!;
    if (n.outputs.some((o) => needed.has(o))) {
      kept.push(n);
      for (const name of nodeReads(n)) needed.add(name);
    }
  }
  const removed = graph.nodes.length - kept.length;
  graph.nodes = kept.reverse();
  for (const name of [...graph.initializers.keys()]) if (!needed.has(name)) graph.initializers.delete(name);
  return removed;
}
