/**
 * Names and order, as onnxruntime resolves a graph: every value is defined once (graph inputs,
 * initializers and node outputs; a subgraph may not redefine a value visible from the graphs around
 * it), node names are unique, every name a node reads is defined somewhere in scope, and the nodes
 * are put in topological order (onnxruntime sorts a file's nodes itself, so tickmind does too;
 * a cycle is refused). Unnamed nodes get unique names here.
 */
import { TickmindError } from '../../core/errors.js';
import { type Graph, isSubgraph, type Node } from '../ir/graph.js';

/** Checks and sorts the main graph and every subgraph, in place. */
export function checkTopology(graph: Graph): void {
  checkGraph(graph, new Set(), false);
  if (graph.outputs.length === 0) throw new TickmindError('MODEL_INVALID', 'graph has no outputs', { field: 'GraphProto.output' });
}

function invalid(message: string, location: { node?: string; field?: string } = {}): TickmindError {
  return new TickmindError('MODEL_INVALID', message, location);
}

/** `outer`: names the enclosing graphs define before the node that holds this graph. */
function checkGraph(graph: Graph, outer: ReadonlySet<string>, nested: boolean): void {
  const local = new Set<string>();
  for (const vi of graph.inputs) {
    if (local.has(vi.name)) throw invalid(`graph input '${vi.name}' is defined twice`, { field: `input ${vi.name}` });
    local.add(vi.name);
  }
  for (const name of graph.initializers.keys()) local.add(name);
  nameNodes(graph.nodes);

  // Every value a node defines: once, and not an input, initializer or outer value.
  const producer = new Map<string, Node>();
  for (const node of graph.nodes) {
    for (const name of node.outputs) {
      if (name === '') continue;
      if (local.has(name) || outer.has(name) || producer.has(name)) {
        throw invalid(`'${name}' is defined more than once (single static assignment)`, { node: node.name });
      }
      producer.set(name, node);
    }
  }

  graph.nodes = sortNodes(graph.nodes, local, outer, producer);

  // Subgraphs see the values defined before their node.
  const visible = new Set<string>([...outer, ...local]);
  for (const node of graph.nodes) {
    for (const v of Object.values(node.attrs)) if (isSubgraph(v)) checkGraph(v.graph, visible, true);
    for (const name of node.outputs) if (name !== '') visible.add(name);
  }
  for (const vi of graph.outputs) {
    if (vi.name === '' || !visible.has(vi.name)) {
      throw invalid(`${nested ? 'subgraph' : 'graph'} output '${vi.name}' is never produced`, {
        field: nested ? 'subgraph output' : 'GraphProto.output',
      });
    }
    // onnxruntime refuses a subgraph that returns an enclosing graph's value as it is.
    if (nested && outer.has(vi.name) && !local.has(vi.name) && !producer.has(vi.name)) {
      throw invalid(`subgraph output '${vi.name}' is a value of an enclosing graph, returned directly`, { field: 'subgraph output' });
    }
  }
}

/**
 * Refuses two nodes of one name, and gives the unnamed ones (and Constants whose name is taken)
 * unique names: the passes build value names from node names. Constants do not count, as
 * onnxruntime turns them into initializers before it looks at names.
 */
function nameNodes(nodes: Node[]): void {
  const names = new Set<string>();
  const isConstant = (n: Node) => n.op === 'Constant' && n.domain === '';
  for (const n of nodes) {
    if (n.name === '' || isConstant(n)) continue;
    if (names.has(n.name)) throw invalid(`two nodes are named '${n.name}'`, { node: n.name });
    names.add(n.name);
  }
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (isConstant(n) && n.name !== '' && !names.has(n.name)) {
      names.add(n.name);
      continue;
    }
    if (n.name !== '' && !isConstant(n)) continue;
    let name = `${n.op}_${i}`;
    for (let k = 1; names.has(name); k++) name = `${n.op}_${i}_${k}`;
    n.name = name;
    names.add(name);
  }
}

/**
 * Stable topological order: the file's order wherever it is already valid, a node moved only
 * after the producers of what it reads (its subgraphs' reads of outer values included).
 */
function sortNodes(nodes: Node[], local: ReadonlySet<string>, outer: ReadonlySet<string>, producer: ReadonlyMap<string, Node>): Node[] {
  const index = new Map<Node, number>();
  for (let i = 0; i < nodes.length; i++) index.set(nodes[i]!, i);
  const waiting = new Int32Array(nodes.length);
  const dependents: number[][] = nodes.map(() => []);
  nodes.forEach((node, i) => {
    const reads = new Set(node.inputs);
    for (const v of Object.values(node.attrs)) if (isSubgraph(v)) for (const name of freeNames(v.graph)) reads.add(name);
    for (const name of reads) {
      if (name === '' || local.has(name) || outer.has(name)) continue;
      const p = producer.get(name);
      if (p === undefined) {
        const at = node.inputs.indexOf(name);
        throw invalid(
          at >= 0
            ? `input ${at} '${name}' is not defined by a graph input, initializer or node`
            : `a subgraph reads '${name}', which no graph input, initializer or node defines`,
          { node: node.name, ...(at >= 0 ? { field: `input[${at}]` } : {}) },
        );
      }
      if (p === node) throw invalid(`the node reads its own output '${name}' (a cycle)`, { node: node.name });
      waiting[i]!++;
      dependents[index.get(p)!]!.push(i);
    }
  });
  // Kahn's algorithm; a min-heap on file position keeps the order stable.
  const ready = new MinHeap();
  for (let i = 0; i < nodes.length; i++) if (waiting[i] === 0) ready.push(i);
  const out: Node[] = [];
  while (ready.size > 0) {
    const i = ready.pop();
    out.push(nodes[i]!);
    for (const d of dependents[i]!) if (--waiting[d]! === 0) ready.push(d);
  }
  if (out.length !== nodes.length) {
    const stuck = nodes.find((_, i) => waiting[i]! > 0)!;
    throw invalid('the graph has a cycle', { node: stuck.name });
  }
  return out;
}

/** Names a subgraph reads but does not define (in any order; nested subgraphs included): what it needs from outside. */
function freeNames(graph: Graph): Set<string> {
  const defined = new Set<string>([...graph.inputs.map((i) => i.name), ...graph.initializers.keys()]);
  for (const n of graph.nodes) for (const o of n.outputs) defined.add(o);
  const free = new Set<string>();
  const need = (name: string) => {
    if (name !== '' && !defined.has(name)) free.add(name);
  };
  for (const n of graph.nodes) {
    for (const name of n.inputs) need(name);
    for (const v of Object.values(n.attrs)) if (isSubgraph(v)) for (const name of freeNames(v.graph)) need(name);
  }
  for (const o of graph.outputs) need(o.name);
  return free;
}

/** A binary min-heap of node positions. */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(v: number): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= v) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = v;
  }

  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
