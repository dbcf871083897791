/** Producer/consumer lookups over a graph, rebuilt by each pass before it rewrites. */
import type { Graph, Node } from '../ir/graph.js';
import type { Tensor } from '../tensor.js';
import { sizeOf, toNumbers } from '../tensor.js';
import { knownDims } from '../validate/static.js';

export class GraphIndex {
  readonly producer = new Map<string, Node>();
  readonly consumers = new Map<string, Node[]>();
  private readonly outputs: Set<string>;

  constructor(readonly graph: Graph) {
    for (const n of graph.nodes) {
      for (const o of n.outputs) if (o !== '') this.producer.set(o, n);
      for (const i of n.inputs) {
        if (i === '') continue;
        const list = this.consumers.get(i);
        if (list === undefined) this.consumers.set(i, [n]);
        else if (!list.includes(n)) list.push(n);
      }
    }
    this.outputs = new Set(graph.outputs.map((o) => o.name));
  }

  /** The node producing `value` if it has the op type (and optionally only one consumer). */
  producedBy(value: string | undefined, op: string): Node | undefined {
    if (value === undefined) return undefined;
    const n = this.producer.get(value);
    return n !== undefined && n.op === op && n.domain === '' ? n : undefined;
  }

  /** True when `value` feeds exactly one node and is not a graph output (safe to fuse away). */
  private(value: string): boolean {
    return (this.consumers.get(value)?.length ?? 0) === 1 && !this.outputs.has(value);
  }

  /** True when `value` is a graph output. */
  isOutput(value: string): boolean {
    return this.outputs.has(value);
  }

  /** The only consumer of `value`, if it has one. */
  soleConsumer(value: string): Node | undefined {
    const c = this.consumers.get(value);
    return c !== undefined && c.length === 1 && !this.outputs.has(value) ? c[0] : undefined;
  }

  /** A value's dims as validation found them (numbers where symbolic input dims do not change them), if known. */
  dims(value: string | undefined): readonly (number | undefined)[] | undefined {
    return value === undefined ? undefined : knownDims(this.graph, value);
  }

  /** A constant tensor (initializer) by name. */
  constant(value: string | undefined): Tensor | undefined {
    return value === undefined ? undefined : this.graph.initializers.get(value);
  }

  /** A constant scalar (any shape with one element). */
  scalar(value: string | undefined): number | undefined {
    const t = this.constant(value);
    return t !== undefined && sizeOf(t.dims) === 1 ? toNumbers(t)[0] : undefined;
  }
}

/** The input of a binary node that is not `value`, or undefined. */
export function otherInput(node: Node, value: string): string | undefined {
  if (node.inputs[0] === value) return node.inputs[1];
  if (node.inputs[1] === value) return node.inputs[0];
  return undefined;
}

/** Replaces the nodes `remove` with `add` (inserted where the last removed node stood). */
export function replaceNodes(graph: Graph, remove: readonly Node[], add: readonly Node[]): void {
  const drop = new Set(remove);
  let at = -1;
  graph.nodes.forEach((n, i) => {
    if (drop.has(n)) at = i;
  });
  const kept: Node[] = [];
  graph.nodes.forEach((n, i) => {
    if (!drop.has(n)) kept.push(n);
    if (i === at) kept.push(...add);
  });
  graph.nodes = kept;
}
