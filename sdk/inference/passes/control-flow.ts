/**
 * Control flow lowered at load, so the native backend runs straight-line graphs:
 *
 * - `If` whose condition is a constant (an initializer once constants are folded): the chosen
 *   branch's nodes are inlined in its place, its values renamed under the node's name.
 * - `Loop` with a constant trip count (at most {@link MAX_UNROLL}), a constant-true or absent
 *   initial condition, and a body whose condition output is its condition input or a constant
 *   true: unrolled, iteration by iteration; scan outputs are stacked with Unsqueeze + Concat.
 *
 * Anything else stays: `If`/`Loop` are not native ops, so `auto` runs such a model on
 * onnxruntime-web and the native backend names them as unsupported.
 */
import { TickmindError } from '../../core/errors.js';
import { Budget } from '../exec/infer.js';
import { type Graph, isSubgraph, type Node, nodeLabel } from '../ir/graph.js';
import { readElement, type Tensor } from '../tensor.js';
import { foldConstants } from './fold-constants.js';

/** Most Loop iterations unrolled. */
export const MAX_UNROLL = 64;

/** What lowering did. */
export interface ControlFlowReport {
  /** If nodes replaced by their taken branch. */
  ifs: number;
  /** Loop nodes unrolled. */
  loops: number;
}

/**
 * Lowers constant control flow in place (see the module comment), folding constants as it goes
 * (charged to `budget`). Unrolling stops short of the budget's node limit: a Loop that would take
 * the graph over `maxNodes` stays a Loop.
 */
export function lowerControlFlow(graph: Graph, budget: Budget = new Budget()): ControlFlowReport {
  const report: ControlFlowReport = { ifs: 0, loops: 0 };
  if (!graph.nodes.some((n) => n.op === 'If' || n.op === 'Loop')) return report;
  for (let changed = true; changed; ) {
    changed = false;
    foldConstants(graph, budget);
    const out: Node[] = [];
    for (const node of graph.nodes) {
      const lowered = node.domain === '' ? lowerNode(graph, node, report, budget.limits.maxNodes) : undefined;
      if (lowered === undefined) out.push(node);
      else {
        out.push(...lowered);
        changed = true;
      }
    }
    graph.nodes = out;
  }
  return report;
}

function lowerNode(graph: Graph, node: Node, report: ControlFlowReport, maxNodes: number): Node[] | undefined {
  if (node.op === 'If') {
    const cond = graph.initializers.get(node.inputs[0] ?? '');
    if (cond === undefined) return undefined;
    const branch = node.attrs[readElement(cond, 0) !== 0 ? 'then_branch' : 'else_branch'];
    if (!isSubgraph(branch)) throw new TickmindError('MODEL_INVALID', 'If needs then_branch and else_branch graphs', { node: node.name });
    if (branch.graph.outputs.length !== node.outputs.length)
      throw new TickmindError(
        'MODEL_INVALID',
        `${nodeLabel(node)}: the branch has ${branch.graph.outputs.length} outputs, the node ${node.outputs.length}`,
        { node: node.name },
      );
    report.ifs++;
    return inline(graph, branch.graph, freshPrefix(graph, `${node.name}/`), new Map(), node.outputs);
  }
  if (node.op === 'Loop') {
    const plan = unrollPlan(graph, node);
    if (plan === undefined || graph.nodes.length + plan.trips * (plan.body.nodes.length + 2) > maxNodes) return undefined;
    report.loops++;
    return unroll(graph, node, plan.trips, plan.body);
  }
  return undefined;
}

/**
 * Copies `sub`'s nodes into the parent with every value it defines renamed under `prefix`
 * (its inputs mapped through `bound`), its initializers moved to the parent; its outputs end in
 * Identity nodes that produce `outputs` (names in the parent; '' skips one).
 */
function inline(parent: Graph, sub: Graph, prefix: string, bound: Map<string, string>, outputs: readonly string[]): Node[] {
  const rename = new Map(bound);
  const local = (name: string) => {
    const renamed = `${prefix}${name}`;
    rename.set(name, renamed);
    return renamed;
  };
  for (const [name, t] of sub.initializers) parent.initializers.set(local(name), t);
  const mapName = (name: string) => (name === '' ? '' : (rename.get(name) ?? name));
  const nodes: Node[] = [];
  for (const n of sub.nodes) {
    const inputs = n.inputs.map(mapName);
    // Nested subgraphs read enclosing values by name: those this inlining renames must be bound again.
    const attrs = { ...n.attrs };
    for (const [k, v] of Object.entries(attrs)) if (isSubgraph(v)) attrs[k] = { kind: 'graph', graph: renameOuter(v.graph, mapName) };
    nodes.push({ ...n, name: `${prefix}${n.name}`, inputs, outputs: n.outputs.map((o) => (o === '' ? '' : local(o))), attrs });
  }
  sub.outputs.forEach((o, i) => {
    const target = outputs[i] ?? '';
    if (target === '') return;
    nodes.push({ name: `${prefix}output${i}`, op: 'Identity', domain: '', inputs: [mapName(o.name)], outputs: [target], attrs: {} });
  });
  return nodes;
}

/** A copy of a nested graph whose reads of enclosing values go through `mapName`. */
function renameOuter(g: Graph, mapName: (name: string) => string): Graph {
  const local = new Set<string>([...g.inputs.map((i) => i.name), ...g.initializers.keys()]);
  for (const n of g.nodes) for (const o of n.outputs) local.add(o);
  const map = (name: string) => (name === '' || local.has(name) ? name : mapName(name));
  return {
    ...g,
    nodes: g.nodes.map((n) => ({ ...n, inputs: n.inputs.map(map) })),
    outputs: g.outputs.map((o) => ({ ...o, name: map(o.name) })),
  };
}

/** A Loop's trip count and body when it can be unrolled, else undefined. */
function unrollPlan(graph: Graph, node: Node): { trips: number; body: Graph } | undefined {
  const body = node.attrs.body;
  if (!isSubgraph(body)) throw new TickmindError('MODEL_INVALID', 'Loop needs a body graph', { node: node.name });
  const m = node.inputs[0] ?? '';
  const trip = m === '' ? undefined : graph.initializers.get(m);
  if (trip === undefined) return undefined;
  const trips = readElement(trip, 0);
  if (!Number.isInteger(trips) || trips < 1 || trips > MAX_UNROLL) return undefined;
  const cond = node.inputs[1] ?? '';
  if (cond !== '' && !isTrue(graph.initializers.get(cond))) return undefined;
  const g = body.graph;
  const condIn = g.inputs[1]?.name;
  const condOut = g.outputs[0]?.name;
  if (condIn === undefined || condOut === undefined) return undefined;
  if (condOut !== condIn && !isTrue(g.initializers.get(condOut))) return undefined;
  return { trips, body: g };
}

function isTrue(t: Tensor | undefined): boolean {
  return t !== undefined && t.data.length >= 1 && readElement(t, 0) !== 0;
}

/**
 * A prefix no value of the graph starts with, from `base`: names the lowering creates can never
 * collide with (and silently replace) a value of the file.
 */
function freshPrefix(graph: Graph, base: string): string {
  const names: string[] = [...graph.initializers.keys(), ...graph.inputs.map((i) => i.name)];
  for (const n of graph.nodes) names.push(...n.outputs);
  let prefix = base;
  for (let k = 1; names.some((n) => n.startsWith(prefix)); k++) prefix = `${base.slice(0, -1)}~${k}/`;
  return prefix;
}

/** Unrolls a Loop: iteration i binds the iteration number, a true condition and the carried values. */
function unroll(graph: Graph, node: Node, trips: number, body: Graph): Node[] {
  const base = freshPrefix(graph, `${node.name}/`);
  const carried = node.inputs.length - 2;
  const scans = body.outputs.length - 1 - carried;
  if (scans < 0 || node.outputs.length !== carried + scans)
    throw new TickmindError('MODEL_INVALID', `${nodeLabel(node)}: the body's outputs do not match the loop's`, { node: node.name });
  const nodes: Node[] = [];
  const trueName = `${base}true`;
  graph.initializers.set(trueName, { dtype: 'bool', dims: [], data: new Uint8Array([1]) });
  let values = node.inputs.slice(2);
  const scanParts: string[][] = Array.from({ length: scans }, () => []);
  for (let i = 0; i < trips; i++) {
    const prefix = `${base}${i}/`;
    const iterName = `${prefix}iteration`;
    const iter = new Int32Array(2);
    iter[0] = i;
    graph.initializers.set(iterName, { dtype: 'int64', dims: [], data: iter });
    const bound = new Map<string, string>();
    bound.set(body.inputs[0]!.name, iterName);
    bound.set(body.inputs[1]!.name, trueName);
    for (let k = 0; k < carried; k++) bound.set(body.inputs[2 + k]!.name, values[k]!);
    const last = i === trips - 1;
    const outNames = body.outputs.map((_, j) => {
      if (j === 0) return '';
      if (j <= carried && last) return node.outputs[j - 1] ?? '';
      return `${prefix}out${j}`;
    });
    nodes.push(...inline(graph, body, prefix, bound, outNames));
    values = outNames.slice(1, 1 + carried);
    for (let s = 0; s < scans; s++) {
      const part = `${prefix}scan${s}`;
      const axes = `${base}axes0`;
      if (!graph.initializers.has(axes)) graph.initializers.set(axes, { dtype: 'int64', dims: [1], data: new Int32Array(2) });
      nodes.push({
        name: `${prefix}unsqueeze${s}`,
        op: 'Unsqueeze',
        domain: '',
        inputs: [outNames[1 + carried + s]!, axes],
        outputs: [part],
        attrs: {},
      });
      scanParts[s]!.push(part);
    }
  }
  for (let s = 0; s < scans; s++) {
    const target = node.outputs[carried + s] ?? '';
    if (target !== '')
      nodes.push({
        name: `${base}stack${s}`,
        op: 'Concat',
        domain: '',
        inputs: scanParts[s]!,
        outputs: [target],
        attrs: { axis: 0 },
      });
  }
  return nodes;
}
