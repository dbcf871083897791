/**
 * Element types over the whole model, subgraphs included, as onnxruntime infers and checks them
 * at load: each type variable of a node's schema binds one dtype among those it allows (and that
 * onnxruntime has a kernel for), If branches agree, a Loop body matches its carried values, and a
 * declared output type matches the inferred one. Values whose type the file leaves out (valid in
 * subgraphs, and for graph outputs) get the inferred type here. Values of operators tickmind does
 * not know stay untyped and are not checked (their backend checks them).
 */
import { TickmindError } from '../../core/errors.js';
import { type Graph, isSubgraph, type Model, type Node, type Subgraph, type ValueInfo } from '../ir/graph.js';
import type { DType, Tensor } from '../tensor.js';
import { ONNX_DTYPES } from '../tensor.js';
import { formalAt, schemaOf } from './schema.js';

/** What the walk knows of each name: its dtype, or undefined when no rule determines it. */
type Env = Map<string, DType | undefined>;

const DTYPES = new Set<string>(['float32', 'float64', 'int32', 'int64', 'int8', 'uint8', 'bool']);

/** Infers and checks the element types of every value of the model (see the module comment). */
export function checkTypes(model: Model): void {
  inferGraph(model.graph, new Map(), model.opset, 'graph');
}

function mismatch(message: string, node: Node | undefined, field?: string): TickmindError {
  return new TickmindError('DTYPE_MISMATCH', message, {
    ...(node !== undefined ? { node: node.name } : {}),
    ...(field !== undefined ? { field } : {}),
  });
}

/** Walks a graph; returns its output types. Declared output types are checked against what the nodes produce. */
function inferGraph(graph: Graph, outer: Env, opset: number, what: string): (DType | undefined)[] {
  const env: Env = new Map(outer);
  for (const vi of graph.inputs) env.set(vi.name, vi.typed === false ? undefined : vi.dtype);
  for (const [name, t] of graph.initializers) env.set(name, t.dtype);
  for (const node of graph.nodes) {
    const outs = inferNode(node, env, opset);
    node.outputs.forEach((name, i) => {
      if (name !== '') env.set(name, outs[i]);
    });
  }
  // onnxruntime checks a declared type only where a node produces the value (and once per name).
  const produced = new Set<string>();
  for (const n of graph.nodes) for (const o of n.outputs) produced.add(o);
  const seen = new Set<string>();
  return graph.outputs.map((vi) => {
    const inferred = env.get(vi.name);
    const checked = produced.has(vi.name) && !seen.has(vi.name);
    seen.add(vi.name);
    return checked || vi.typed === false ? settle(vi, inferred, `${what} output ${vi.name}`) : vi.dtype;
  });
}

/** A declared type against an inferred one: they must agree; an undeclared one takes the inferred type. */
function settle(vi: ValueInfo, inferred: DType | undefined, field: string, node?: Node): DType | undefined {
  if (vi.typed === false) {
    if (inferred !== undefined) vi.dtype = inferred;
    return inferred;
  }
  if (inferred !== undefined && inferred !== vi.dtype) {
    throw mismatch(`${field} is declared ${vi.dtype} but holds ${inferred}`, node, field);
  }
  return vi.dtype;
}

function inferNode(node: Node, env: Env, opset: number): (DType | undefined)[] {
  const unknown = () => node.outputs.map(() => undefined);
  const schema = schemaOf(node, opset);
  if (schema === undefined) {
    // Unknown to tickmind: still walk its subgraphs, so that their values are typed where possible.
    for (const v of Object.values(node.attrs)) if (isSubgraph(v)) inferGraph(v.graph, env, opset, `${node.op} subgraph`);
    return unknown();
  }
  const bound = new Map<string, DType>();
  node.inputs.forEach((name, i) => {
    if (name === '') return;
    const f = formalAt(schema.inputs, i);
    const t = env.get(name);
    if (f === undefined || t === undefined || f.heterogeneous) return;
    if (DTYPES.has(f.type) || f.type.startsWith('tensor(')) {
      if (t !== f.type) throw mismatch(`${node.op}: input ${i} (${f.name}) must be ${f.type}, not ${t}`, node, `input[${i}]`);
      return;
    }
    const prior = bound.get(f.type);
    if (prior !== undefined && prior !== t) {
      throw mismatch(
        `${node.op}: type parameter ${f.type} is bound to both ${prior} and ${t} (input ${i}, ${f.name})`,
        node,
        `input[${i}]`,
      );
    }
    const allowed = schema.types[f.type] ?? [];
    if (!allowed.includes(t)) {
      throw mismatch(
        `${node.op}: input ${i} (${f.name}) cannot be ${t} (${f.type} is ${allowed.length > 0 ? allowed.join(', ') : 'a type tickmind does not decode'})`,
        node,
        `input[${i}]`,
      );
    }
    bound.set(f.type, t);
  });
  if (schema.noKernel !== undefined) checkKernel(node, schema.noKernel, bound);
  if (node.op === 'If') return inferIf(node, env, opset);
  if (node.op === 'Loop') return inferLoop(node, env, opset);
  return node.outputs.map((_, j) => {
    const special = outputRule(node, j);
    if (special !== null) return special;
    const f = formalAt(schema.outputs, j);
    if (f === undefined) return undefined;
    if (DTYPES.has(f.type)) return f.type as DType;
    const allowed = schema.types[f.type] ?? [];
    return bound.get(f.type) ?? (allowed.length === 1 ? allowed[0] : undefined);
  });
}

/** Operators whose output type an attribute sets; null: the schema's rule applies. */
function outputRule(node: Node, j: number): DType | undefined | null {
  const a = node.attrs;
  if (node.op === 'Cast' && j === 0)
    return typeof a.to === 'number' ? ONNX_DTYPES[Number(BigInt.asIntN(32, BigInt(Math.trunc(a.to))))] : undefined;
  if (node.op === 'ConstantOfShape' && j === 0) return isTensor(a.value) ? a.value.dtype : 'float32';
  if (node.op === 'Constant' && j === 0) {
    if (isTensor(a.value)) return a.value.dtype;
    if (a.value_float !== undefined || a.value_floats !== undefined) return 'float32';
    if (a.value_int !== undefined || a.value_ints !== undefined) return 'int64';
    return undefined;
  }
  return null;
}

function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isSubgraph(v as never) && 'dtype' in v;
}

/** onnxruntime has no kernel for some bindings its schema allows (e.g. Relu on int64): refused like it refuses them. */
function checkKernel(
  node: Node,
  noKernel: { readonly vars: readonly string[]; readonly bindings: readonly string[] },
  bound: Map<string, DType>,
): void {
  const actual = noKernel.vars.map((v) => bound.get(v));
  for (const b of noKernel.bindings) {
    const parts = b.split(',');
    if (parts.every((p, k) => actual[k] === undefined || actual[k] === p) && actual.some((t) => t !== undefined)) {
      const what = noKernel.vars.map((v, k) => `${v} = ${actual[k] ?? 'any'}`).join(', ');
      throw mismatch(`${node.op} has no kernel for ${what} (onnxruntime has none either)`, node, 'input[0]');
    }
  }
}

function branch(node: Node, name: string): Subgraph {
  const g = node.attrs[name];
  if (!isSubgraph(g)) throw new TickmindError('MODEL_INVALID', `${node.op} needs a ${name} graph`, { node: node.name, field: name });
  return g;
}

function inferIf(node: Node, env: Env, opset: number): (DType | undefined)[] {
  const thenG = branch(node, 'then_branch').graph;
  const elseG = branch(node, 'else_branch').graph;
  if (thenG.outputs.length !== elseG.outputs.length) {
    throw new TickmindError(
      'MODEL_INVALID',
      `If: then_branch and else_branch produce different numbers of outputs (${thenG.outputs.length} and ${elseG.outputs.length})`,
      { node: node.name },
    );
  }
  if (node.outputs.length !== thenG.outputs.length) {
    throw new TickmindError('MODEL_INVALID', `If has ${node.outputs.length} outputs but its branches produce ${thenG.outputs.length}`, {
      node: node.name,
    });
  }
  const a = inferGraph(thenG, env, opset, 'then_branch');
  const b = inferGraph(elseG, env, opset, 'else_branch');
  return a.map((t, i) => {
    const u = b[i];
    if (t !== undefined && u !== undefined && t !== u) {
      throw mismatch(`If: output ${i} is ${t} in then_branch but ${u} in else_branch`, node, `output[${i}]`);
    }
    return t ?? u;
  });
}

function inferLoop(node: Node, env: Env, opset: number): (DType | undefined)[] {
  const body = branch(node, 'body').graph;
  const carried = Math.max(node.inputs.length - 2, 0);
  const fail = (message: string) => new TickmindError('MODEL_INVALID', `Loop: ${message}`, { node: node.name, field: 'body' });
  if (body.inputs.length !== 2 + carried) throw fail(`the body takes ${body.inputs.length} inputs, the loop passes ${2 + carried}`);
  if (body.outputs.length < 1 + carried) throw fail(`the body produces ${body.outputs.length} outputs, fewer than 1 + ${carried} carried`);
  if (node.outputs.length !== body.outputs.length - 1) {
    throw fail(`the node has ${node.outputs.length} outputs, the body ${body.outputs.length - 1} (carried and scan outputs)`);
  }
  const given: (DType | undefined)[] = ['int64', 'bool', ...node.inputs.slice(2).map((n) => (n === '' ? undefined : env.get(n)))];
  body.inputs.forEach((vi, i) => {
    settle(vi, given[i], `body input ${vi.name}`, node);
  });
  const outs = inferGraph(body, env, opset, 'body');
  if (outs[0] !== undefined && outs[0] !== 'bool')
    throw mismatch(`Loop: the body's condition output is ${outs[0]}, not bool`, node, 'body');
  for (let k = 0; k < carried; k++) {
    const init = given[2 + k];
    const next = outs[1 + k];
    if (init !== undefined && next !== undefined && init !== next) {
      throw mismatch(`Loop: carried value ${k} enters as ${init} and leaves the body as ${next}`, node, 'body');
    }
  }
  return outs.slice(1).map((t, i) => t ?? (i < carried ? given[2 + i] : undefined));
}
