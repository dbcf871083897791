/**
 * The static check: every shape, size and amount of work that can be known without feeds, walked
 * once over the model (subgraphs included) before any backend accepts it. Symbolic input dims are
 * taken as 1, so every size found is the least the model can need; values computable from the
 * file alone (what constant folding at load, tickmind's or onnxruntime's, would compute) are sized
 * before anything is allocated for them. Refused here, with MODEL_LIMIT naming the node:
 *
 * - any tensor over maxElements (a constant Range, ConstantOfShape, Expand, Tile, Concat, Resize,
 *   Pad output, an initializer, a Loop's stacked scan outputs);
 * - constants folded at load over maxConstantBytes together, or over maxFoldWork of work;
 * - a run of more than maxFlops (matrix products, convolutions), a Loop over maxLoopTrips or one
 *   that never ends (no trip count and a condition that stays true).
 *
 * The same walk also refuses what is wrong whatever the feeds (a shape error on values that do not
 * depend on symbolic dims, as onnxruntime's shape inference does at load), and finds what the
 * native backend cannot run (OP_UNSUPPORTED: `auto` then picks onnxruntime). It allocates only the
 * small values that shapes are computed from.
 */
import { TickmindError } from '../../core/errors.js';
import { toTickmindError } from '../errors.js';
import { Budget, checkDims, evaluateNode, inferNode, nodeFlops } from '../exec/infer.js';
import { type Graph, isSubgraph, type Model, type Node, nodeLabel, type ValueInfo } from '../ir/graph.js';
import { DEFAULT_LIMITS, type ModelLimits } from '../onnx/limits.js';
import { findOp } from '../ops/registry.js';
import type { OpDef, OutputInfo, ValueState } from '../ops/types.js';
import { byteSize, readElement, sizeOf, type Tensor } from '../tensor.js';

/** Largest value the walk computes (elements): enough for every shape-like tensor. */
const EVALUATE_MAX = 1 << 16;

/** What the walk knows of a value. */
interface Known extends ValueState {
  /** Its dims (or value) depend on a symbolic input dim, taken as 1 here. */
  symbolic: boolean;
  /** Computable from the file alone: constant folding computes it at load. */
  constant: boolean;
  /**
   * Its rank does not depend on symbolic dims (false downstream of a Squeeze without axes of a
   * symbolic value, which drops the dims that happen to be 1).
   */
  rankExact?: boolean;
  /** An initializer of the file (or a Constant, which decoding turns into one). */
  initializer?: boolean;
}

type Env = Map<string, Known | undefined>;

/** Walk state: the limits, and what has been spent so far. */
class Walk {
  /** Only limits are enforced (a walk at concrete feed shapes for a backend that checks the rest itself). */
  limitsOnly = false;
  readonly budget: Budget;
  /** Floating-point operations of one run (at symbolic dims 1). */
  flops = 0;
  /** Bytes and work of constant folding at load. */
  foldBytes = 0;
  foldWork = 0;
  /** Why the native backend cannot run the graph. */
  readonly gaps: TickmindError[] = [];

  constructor(readonly limits: ModelLimits) {
    this.budget = new Budget(limits);
  }

  limit(node: Node, message: string): never {
    throw new TickmindError('MODEL_LIMIT', `${nodeLabel(node)}: ${message}`, { node: node.name });
  }
}

/** Shapes the static check found, per graph: each dim a number where no symbolic dim changes it. */
const knownShapes = new WeakMap<Graph, Map<string, (number | undefined)[]>>();

/**
 * The dims of a value of the main graph as the static check found them: a number where the dim
 * does not depend on symbolic input dims, undefined where it does; undefined when even the rank
 * is unknown. The fusion passes only fuse where these prove the fused op computes the same.
 */
export function knownDims(graph: Graph, name: string): readonly (number | undefined)[] | undefined {
  return knownShapes.get(graph)?.get(name);
}

/** Runs the static check on a decoded model (see the module comment); `limitsOnly` refuses only what is over a limit. */
export function checkStatic(model: Model, limitsOnly = false): void {
  const limits = model.limits ?? DEFAULT_LIMITS;
  const first = new Walk(limits);
  first.limitsOnly = limitsOnly;
  const env = walkGraph(model.graph, new Map(), first, true, 1);
  if (limitsOnly) return;
  gapsFound.set(model.graph, first.gaps);
  // A second walk with symbolic dims taken as 2 tells which output dims depend on them.
  let again: Env | undefined = env;
  if (model.graph.inputs.some((vi) => vi.dims.some((d) => typeof d === 'string'))) {
    const walk = new Walk(limits);
    walk.limitsOnly = true;
    try {
      again = walkGraph(model.graph, new Map(), walk, true, 2);
    } catch {
      again = undefined;
    }
  }
  if (again !== undefined) {
    checkDeclaredOutputs(model.graph, env, again);
    const shapes = new Map<string, (number | undefined)[]>();
    for (const [name, s] of env) {
      const t = again.get(name);
      if (s !== undefined && t !== undefined && s.dims.length === t.dims.length && s.rankExact !== false) {
        shapes.set(
          name,
          s.dims.map((d, i) => (d === t.dims[i] ? d : undefined)),
        );
      }
    }
    knownShapes.set(model.graph, shapes);
  }
}

/** What the validation walk found the native backend cannot run, per graph (the same walk nativeGaps makes). */
const gapsFound = new WeakMap<Graph, TickmindError[]>();

/**
 * Why the native backend cannot run this graph (after control flow was lowered): operators it
 * lacks, and attribute values, dtypes or ranks its kernels do not cover. Empty when it can.
 * `unchanged`: the graph is as validation walked it (no pass has rewritten it), so that walk's
 * findings are reused.
 */
export function nativeGaps(graph: Graph, limits: ModelLimits = DEFAULT_LIMITS, unchanged = false): TickmindError[] {
  const found = unchanged ? gapsFound.get(graph) : undefined;
  if (found !== undefined) return found;
  const walk = new Walk(limits);
  walkGraph(graph, new Map(), walk, true);
  return walk.gaps;
}

/**
 * The sizes and work of one run at concrete input dims, within the limits (MODEL_LIMIT otherwise):
 * what onnxruntime is asked to allocate and compute, checked before it is asked. Other errors are
 * left to the backend.
 */
export function checkFeedShapes(model: Model, inputDims: readonly (readonly number[])[]): void {
  const walk = new Walk(model.limits ?? DEFAULT_LIMITS);
  walk.limitsOnly = true;
  const env: Env = new Map();
  model.graph.inputs.forEach((vi, i) => {
    env.set(vi.name, { dtype: vi.dtype, dims: [...inputDims[i]!], symbolic: false, constant: false });
  });
  walkGraph(model.graph, env, walk, false);
}

function inputState(vi: ValueInfo, symbolValue: number): Known | undefined {
  if (vi.typed === false || vi.unranked === true) return undefined;
  const symbolic = vi.dims.some((d) => typeof d === 'string');
  return { dtype: vi.dtype, dims: vi.dims.map((d) => (typeof d === 'number' ? d : symbolValue)), symbolic, constant: false };
}

/** Walks a graph; `main` binds its inputs, each symbolic dim taken as `symbolValue`. */
function walkGraph(graph: Graph, outer: Env, walk: Walk, main: boolean, symbolValue = 1): Env {
  const env: Env = new Map(outer);
  if (main) for (const vi of graph.inputs) env.set(vi.name, inputState(vi, symbolValue));
  for (const [name, t] of graph.initializers) env.set(name, initializerState(t));
  for (const node of graph.nodes) walkNode(node, env, walk);
  return env;
}

function initializerState(t: Tensor): Known {
  return { dtype: t.dtype, dims: t.dims, value: t, symbolic: false, constant: true, initializer: true };
}

/**
 * A check of ONNX shape inference that depends on where a value comes from: ConstantOfShape reads
 * an initializer's values whatever its rank (so does its kernel), but any other shape input must
 * be 1-D. onnxruntime refuses the latter at load.
 */
function checkShapeInput(node: Node, inputs: readonly (Known | undefined)[]): void {
  const shape = inputs[0];
  if (node.domain !== '' || node.op !== 'ConstantOfShape' || shape === undefined || shape.initializer === true) return;
  if (shape.dims.length !== 1) {
    throw new TickmindError('MODEL_INVALID', `${nodeLabel(node)}: the shape input must be 1-D (it is [${shape.dims.join(', ')}])`, {
      node: node.name,
      field: 'input[0]',
    });
  }
}

function setOutputs(node: Node, env: Env, states: readonly (Known | undefined)[]): void {
  node.outputs.forEach((name, i) => {
    if (name !== '') env.set(name, states[i]);
  });
}

function walkNode(node: Node, env: Env, walk: Walk): void {
  if (node.domain === '' && (node.op === 'If' || node.op === 'Loop')) {
    if (node.op === 'If') walkIf(node, env, walk);
    else walkLoop(node, env, walk);
    return;
  }
  const unknown = node.outputs.map(() => undefined);
  const op = findOp(node.domain, node.op);
  if (op === undefined) {
    const name = `${node.domain === '' ? '' : `${node.domain}.`}${node.op}`;
    walk.gaps.push(new TickmindError('OP_UNSUPPORTED', `${nodeLabel(node)}: the native backend has no ${name}`, { node: node.name }));
    for (const v of Object.values(node.attrs)) if (isSubgraph(v)) walkGraph(v.graph, env, walk, false);
    setOutputs(node, env, unknown);
    return;
  }
  const inputs = knownInputs(node, env);
  if (inputs === undefined) {
    setOutputs(node, env, unknown); // depends on something the walk cannot know
    return;
  }
  const symbolic = inputs.some((s) => s?.symbolic === true);
  const constant = inputs.every((s) => s === undefined || s.constant);
  const rankExact =
    inputs.every((s) => s === undefined || s.rankExact !== false) &&
    !(symbolic && node.op === 'Squeeze' && node.attrs.axes === undefined && (node.inputs[1] ?? '') === '');
  try {
    checkShapeInput(node, inputs);
    const outputs = inferNode(node, op, inputs, walk.limits);
    const elements = outputs.reduce((n, o) => n + sizeOf(o.dims), 0);
    charge(walk, node, op, inputs, outputs, constant);
    const computable = op.shapeOnly === true || inputs.every((s) => s === undefined || s.value !== undefined);
    // Shape and Size read dims only, however large their input.
    const small =
      elements <= EVALUATE_MAX && (op.shapeOnly === true || inputs.every((s) => s === undefined || sizeOf(s.dims) <= EVALUATE_MAX));
    const values = computable && small ? evaluateNode(node, op, inputs, outputs, walk.budget) : undefined;
    const states = outputs.map((o, i): Known => ({ dtype: o.dtype, dims: o.dims, value: values?.[i], symbolic, constant, rankExact }));
    setOutputs(node, env, states);
  } catch (err) {
    const e = toTickmindError(err, 'INTERNAL', { node: node.name });
    if (e.code === 'MODEL_LIMIT') throw e;
    if (e.code === 'OP_UNSUPPORTED') walk.gaps.push(e);
    // Wrong whatever the feeds: refused now, as onnxruntime refuses it at load. Attribute, rank and
    // type errors (MODEL_INVALID, DTYPE_MISMATCH) do not depend on symbolic dims; shape errors may.
    else if (!walk.limitsOnly && (!symbolic || (rankExact && (e.code === 'MODEL_INVALID' || e.code === 'DTYPE_MISMATCH')))) throw e;
    setOutputs(node, env, unknown);
  }
}

/** The states of a node's inputs (undefined for an absent optional one); undefined when one is not known. */
function knownInputs(node: Node, env: Env): (Known | undefined)[] | undefined {
  const inputs: (Known | undefined)[] = [];
  for (const name of node.inputs) {
    if (name === '') {
      inputs.push(undefined);
      continue;
    }
    const s = env.get(name);
    if (s === undefined) return undefined;
    inputs.push(s);
  }
  return inputs;
}

/** Charges a node's cost: to folding at load when its inputs are constant, else to one run. */
function charge(walk: Walk, node: Node, op: OpDef, inputs: (Known | undefined)[], outputs: readonly OutputInfo[], constant: boolean): void {
  const limits = walk.limits;
  if (!constant) {
    walk.flops += nodeFlops(node, op, inputs, outputs);
    if (walk.flops > limits.maxFlops) {
      walk.limit(node, `one run would take more than ${limits.maxFlops} floating-point operations (${walk.flops} at batch 1)`);
    }
    return;
  }
  // Folded at load: sized and charged before any backend computes it.
  walk.foldBytes += outputs.reduce((n, o) => n + sizeOf(o.dims) * byteSize(o.dtype), 0);
  walk.foldWork += nodeFlops(node, op, inputs, outputs) + outputs.reduce((n, o) => n + sizeOf(o.dims), 0);
  if (walk.foldBytes > limits.maxConstantBytes) {
    walk.limit(node, `constants folded at load would take ${walk.foldBytes} bytes, over the limit of ${limits.maxConstantBytes}`);
  }
  if (walk.foldWork > limits.maxFoldWork) {
    walk.limit(node, `folding constants at load would take ${walk.foldWork} operations, over the limit of ${limits.maxFoldWork}`);
  }
}

function walkIf(node: Node, env: Env, walk: Walk): void {
  const cond = node.inputs[0] === undefined || node.inputs[0] === '' ? undefined : env.get(node.inputs[0]);
  const branches = ['then_branch', 'else_branch'].map((name) => {
    const g = node.attrs[name];
    return isSubgraph(g) ? g.graph : undefined;
  });
  const outs = branches.map((g) => {
    if (g === undefined) return undefined;
    const inner = walkGraph(g, env, walk, false);
    return g.outputs.map((o) => inner.get(o.name));
  });
  const taken = cond?.value === undefined ? undefined : readElement(cond.value, 0) !== 0 ? outs[0] : outs[1];
  walk.gaps.push(gap(node, 'an If whose condition is not a constant'));
  // Outputs stay symbolic: the branch taken (or its shapes) may differ from run to run.
  setOutputs(
    node,
    env,
    node.outputs.map((_, i) => {
      const s = taken?.[i];
      return s === undefined ? undefined : { ...s, symbolic: true };
    }),
  );
}

function gap(node: Node, what: string): TickmindError {
  return new TickmindError('OP_UNSUPPORTED', `${nodeLabel(node)}: ${what} (the native backend does not support it)`, { node: node.name });
}

function walkLoop(node: Node, env: Env, walk: Walk): void {
  const body = node.attrs.body;
  walk.gaps.push(gap(node, 'a Loop that is not unrolled at load'));
  if (!isSubgraph(body)) {
    setOutputs(
      node,
      env,
      node.outputs.map(() => undefined),
    );
    return;
  }
  const g = body.graph;
  const tripName = node.inputs[0] ?? '';
  const condName = node.inputs[1] ?? '';
  const trip = tripName === '' ? undefined : env.get(tripName);
  const cond = condName === '' ? undefined : env.get(condName);
  let trips: number | undefined;
  if (trip?.value !== undefined && sizeOf(trip.dims) >= 1) {
    trips = Math.max(0, readElement(trip.value, 0));
    if (trips > walk.limits.maxLoopTrips) walk.limit(node, `the Loop runs ${trips} times, over the limit of ${walk.limits.maxLoopTrips}`);
  }
  const condIn = g.inputs[1]?.name;
  const condOut = g.outputs[0]?.name;
  const alwaysTrue = condName === '' || (cond?.value !== undefined && readElement(cond.value, 0) !== 0);
  const constTrue = (name: string | undefined) => {
    const t = name === undefined ? undefined : g.initializers.get(name);
    return t !== undefined && sizeOf(t.dims) >= 1 && readElement(t, 0) !== 0;
  };
  if (tripName === '' && alwaysTrue && condOut !== undefined && (condOut === condIn || constTrue(condOut))) {
    walk.limit(node, 'the Loop has no trip count and its condition never turns false: it would run forever');
  }
  const states = trips === 0 ? node.outputs.map(() => undefined) : loopOutputs(node, g, env, walk, trips);
  setOutputs(node, env, states);
}

/** Walks one iteration of a Loop body, charges its work `trips` times (once when unknown), and sizes the outputs. */
function loopOutputs(node: Node, g: Graph, env: Env, walk: Walk, trips: number | undefined): (Known | undefined)[] {
  const inner: Env = new Map(env);
  const carried = node.inputs.slice(2).map((name) => (name === '' ? undefined : env.get(name)));
  g.inputs.forEach((vi, i) => {
    if (i === 0) inner.set(vi.name, { dtype: 'int64', dims: [], symbolic: true, constant: false });
    else if (i === 1) inner.set(vi.name, { dtype: 'bool', dims: [], symbolic: true, constant: false });
    else {
      const s = carried[i - 2];
      inner.set(vi.name, s === undefined ? undefined : { ...s, symbolic: true, constant: false });
    }
  });
  for (const [name, t] of g.initializers) inner.set(name, initializerState(t));
  const before = walk.flops;
  for (const n of g.nodes) walkNode(n, inner, walk);
  walk.flops = before + (walk.flops - before) * (trips ?? 1);
  if (walk.flops > walk.limits.maxFlops)
    walk.limit(node, `the Loop would take more than ${walk.limits.maxFlops} floating-point operations`);
  return g.outputs.slice(1).map((o, k) => {
    const s = inner.get(o.name);
    if (s === undefined) return undefined;
    if (k < carried.length) return { ...s, symbolic: true, constant: false };
    if (trips === undefined) return undefined;
    const dims = [trips, ...s.dims];
    checkDims(node, dims, walk.limits, `scan output ${k - carried.length}`);
    return { dtype: s.dtype, dims, symbolic: true, constant: false };
  });
}

/**
 * Declared output shapes against the inferred ones, as onnxruntime merges them: the rank, and
 * each dimension that is the same in both walks (it does not depend on symbolic dims).
 */
function checkDeclaredOutputs(graph: Graph, env: Env, again: Env): void {
  const produced = new Set<string>();
  for (const n of graph.nodes) for (const o of n.outputs) produced.add(o);
  const seen = new Set<string>();
  for (const vi of graph.outputs) {
    // onnxruntime merges a declared shape only where a node produces the value, once per name.
    if (!produced.has(vi.name) || seen.has(vi.name)) continue;
    seen.add(vi.name);
    const s = env.get(vi.name);
    const t = again.get(vi.name);
    if (s === undefined || t === undefined || vi.typed === false || vi.unranked === true) continue;
    if (s.dims.length !== t.dims.length) continue;
    const declared = vi.dims;
    const bad =
      declared.length !== s.dims.length || declared.some((d, i) => typeof d === 'number' && s.dims[i] === t.dims[i] && d !== s.dims[i]);
    if (bad) {
      throw new TickmindError(
        'SHAPE_MISMATCH',
        `graph output ${vi.name} is declared [${declared.join(', ')}] but the graph computes [${s.dims.join(', ')}]`,
        { field: `GraphProto.output ${vi.name}` },
      );
    }
  }
}
