/**
 * tickmind's graph IR: a topologically ordered list of nodes over named values,
 * with initializers as constant tensors. Decoding (onnx/) produces it; passes rewrite it;
 * the planner (exec/) turns it into a preallocated step list per concrete shape.
 */
import type { ModelLimits } from '../onnx/limits.js';
import type { DType, Tensor } from '../tensor.js';

/** A dimension: a number, or a symbolic name (e.g. "batch") bound when planning. */
export type Dim = number | string;

/** A graph input or output. */
export interface ValueInfo {
  /** Value name. */
  name: string;
  /** Element type. */
  dtype: DType;
  /** Dimensions, numbers or symbols. */
  dims: Dim[];
  /**
   * False for a subgraph value (or a main-graph output) whose type the file leaves to inference, as
   * ONNX allows: `dtype` and `dims` are then what type inference found (see validate/types.ts).
   */
  typed?: boolean;
  /** True when the file declares no shape at all: any rank (`dims` is then empty). */
  unranked?: boolean;
}

/** An attribute value. */
export type AttrValue = number | string | number[] | string[] | Tensor | Subgraph;

/** A graph attribute (the branches of If, the body of Loop). Its nodes may read values of the enclosing graphs by name. */
export interface Subgraph {
  /** Discriminator. */
  readonly kind: 'graph';
  /** The graph; its inputs are the construct's own (Loop: iteration, condition, carried values). */
  readonly graph: Graph;
}

/** Whether an attribute is a subgraph. */
export function isSubgraph(v: AttrValue | undefined): v is Subgraph {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as Subgraph).kind === 'graph';
}

/**
 * Names a node reads: its inputs, and for nodes with subgraphs the enclosing-scope values those
 * read (what dead-node removal and topology checks must keep).
 */
export function nodeReads(node: Node): string[] {
  const reads = [...node.inputs];
  for (const v of Object.values(node.attrs)) if (isSubgraph(v)) reads.push(...outerReads(v.graph));
  return reads;
}

/** Values a subgraph reads from enclosing scopes (not its inputs, initializers or node outputs). */
export function outerReads(graph: Graph): string[] {
  const local = new Set<string>([...graph.inputs.map((i) => i.name), ...graph.initializers.keys()]);
  const outer = new Set<string>();
  for (const n of graph.nodes) {
    for (const name of nodeReads(n)) if (name !== '' && !local.has(name)) outer.add(name);
    for (const o of n.outputs) local.add(o);
  }
  for (const o of graph.outputs) if (!local.has(o.name)) outer.add(o.name);
  return [...outer];
}

/** One operator application. Missing optional inputs are ''. */
export interface Node {
  /** Node name (generated from the op and position when the file has none). */
  name: string;
  /** Operator type, e.g. `MatMul`. */
  op: string;
  /** '' for the default ONNX domain, 'tickmind' for fused ops the passes create. */
  domain: string;
  /** Input value names ('' for a missing optional input). */
  inputs: string[];
  /** Output value names. */
  outputs: string[];
  /** Attributes by name. */
  attrs: Record<string, AttrValue>;
}

/** A graph. */
export interface Graph {
  /** Nodes in topological order. */
  nodes: Node[];
  /** Graph inputs (initializers excluded). */
  inputs: ValueInfo[];
  /** Graph outputs. */
  outputs: ValueInfo[];
  /** Constant tensors by name. */
  initializers: Map<string, Tensor>;
}

/** A decoded, validated model. */
export interface Model {
  /** ONNX IR version of the file. */
  irVersion: number;
  /** Opset of the default domain. */
  opset: number;
  /** Producer name and version (e.g. `pytorch 1.13`). */
  producer: string;
  /** The main graph. */
  graph: Graph;
  /** ONNX metadata_props (policy files carry their specs here). */
  metadata: Record<string, string>;
  /** The limits the model was validated against; the passes and the planner enforce the same (default: DEFAULT_LIMITS). */
  limits?: ModelLimits;
}

/** The tickmind domain for fused operators: created by the passes only, never loaded from a file. */
export const TICKMIND_DOMAIN = 'tickmind';

/** Whether a node domain is tickmind-internal (`tickmind` or below it, e.g. `tickmind.experimental`). */
export function isInternalDomain(domain: string): boolean {
  return domain === TICKMIND_DOMAIN || domain.startsWith(`${TICKMIND_DOMAIN}.`);
}

/** Integer attribute or a default. */
export function attrInt(node: Node, name: string, fallback: number): number {
  const v = node.attrs[name];
  return typeof v === 'number' ? v : fallback;
}

/** Float attribute or a default. */
export function attrFloat(node: Node, name: string, fallback: number): number {
  const v = node.attrs[name];
  return typeof v === 'number' ? v : fallback;
}

/** Integer-list attribute or undefined. */
export function attrInts(node: Node, name: string): number[] | undefined {
  const v = node.attrs[name];
  return Array.isArray(v) && (v.length === 0 || typeof v[0] === 'number') ? (v as number[]) : undefined;
}

/** String attribute or a default. */
export function attrString(node: Node, name: string, fallback: string): string {
  const v = node.attrs[name];
  return typeof v === 'string' ? v : fallback;
}

/** A readable label for errors: the node's name, or its op and first output. */
export function nodeLabel(node: Node): string {
  return node.name !== '' ? `${node.name} (${node.op})` : `${node.op} -> ${node.outputs[0] ?? '?'}`;
}
