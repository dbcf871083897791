/**
 * Each node against its operator's ONNX schema, as onnxruntime checks it when it loads a model:
 * the operator exists at the model's opset, input and output counts are in range, required inputs
 * and outputs are not left empty, and every attribute is one the operator has, of its kind, with
 * the required ones present. Nodes of other domains and operators tickmind does not know are left
 * to the backend that runs them (onnxruntime checks its own).
 */
import { TickmindError } from '../../core/errors.js';
import type { Node } from '../ir/graph.js';
import { AttributeType } from '../onnx/proto.js';
import { ONNX_SCHEMAS, type OpSchema } from './onnx-schemas.js';

/** A formal input or output of a schema, parsed. */
export interface Formal {
  /** Its name in the schema (e.g. `X`). */
  name: string;
  /** A type variable or a dtype. */
  type: string;
  /** May be left out (an empty name). */
  optional: boolean;
  /** Takes the rest of the actual inputs (outputs). */
  variadic: boolean;
  /** A variadic whose values may differ in type. */
  heterogeneous: boolean;
}

const parsed = new Map<string, Formal>();

/** Parses `name:type` with the `?`, `*` and `*~` markers of {@link OpSchema}. */
export function formal(spec: string): Formal {
  let f = parsed.get(spec);
  if (f === undefined) {
    const colon = spec.indexOf(':');
    let type = spec.slice(colon + 1);
    const heterogeneous = type.endsWith('~');
    if (heterogeneous) type = type.slice(0, -1);
    const variadic = type.endsWith('*');
    const optional = type.endsWith('?');
    if (variadic || optional) type = type.slice(0, -1);
    f = { name: spec.slice(0, colon), type, optional, variadic, heterogeneous };
    parsed.set(spec, f);
  }
  return f;
}

/** The formal that the actual input (or output) at `index` binds to, given the formals in order. */
export function formalAt(formals: readonly string[], index: number): Formal | undefined {
  if (formals.length === 0) return undefined;
  if (index < formals.length) return formal(formals[index]!);
  const last = formal(formals[formals.length - 1]!);
  return last.variadic ? last : undefined;
}

/**
 * The schema version in force at `opset`; undefined for operators tickmind has no schema of (other
 * domains included). LayerNormalization is accepted below opset 17 with its opset-17 schema, as
 * onnxruntime registers it there too.
 */
export function schemaOf(node: Pick<Node, 'op' | 'domain'>, opset: number): OpSchema | undefined {
  if (node.domain !== '' || !Object.hasOwn(ONNX_SCHEMAS, node.op)) return undefined;
  const versions = ONNX_SCHEMAS[node.op]!;
  if (node.op === 'LayerNormalization') return versions[0];
  let found: OpSchema | undefined;
  for (const v of versions) if (v.since <= opset) found = v;
  return found;
}

const KIND_NAMES: Readonly<Record<number, string>> = {
  [AttributeType.FLOAT]: 'float',
  [AttributeType.INT]: 'int',
  [AttributeType.STRING]: 'string',
  [AttributeType.TENSOR]: 'tensor',
  [AttributeType.GRAPH]: 'graph',
  [AttributeType.FLOATS]: 'floats',
  [AttributeType.INTS]: 'ints',
  [AttributeType.STRINGS]: 'strings',
  [AttributeType.TENSORS]: 'tensors',
  [AttributeType.GRAPHS]: 'graphs',
  [AttributeType.SPARSE_TENSOR]: 'sparse_tensor',
  [AttributeType.SPARSE_TENSORS]: 'sparse_tensors',
  [AttributeType.TYPE_PROTO]: 'type_proto',
  [AttributeType.TYPE_PROTOS]: 'type_protos',
};

/**
 * Checks a node against its schema: the operator exists at `opset`, input and output counts, no
 * required input or output left empty, every attribute known and the required ones present.
 * `label` names the node in errors.
 */
export function checkNodeSchema(node: Node, label: string, opset: number): void {
  if (node.domain !== '' || !Object.hasOwn(ONNX_SCHEMAS, node.op)) return;
  const schema = schemaOf(node, opset);
  const fail = failure(node, label);
  if (schema === undefined) {
    fail(`the operator is not in opset ${opset} (it was introduced in opset ${ONNX_SCHEMAS[node.op]![0]!.since})`);
    return;
  }
  const [minIn, maxIn, minOut, maxOut] = schema.arity;
  if (node.inputs.length < minIn || node.inputs.length > maxIn) {
    fail(`has ${node.inputs.length} inputs, the operator takes ${range(minIn, maxIn)}`, 'input');
  }
  if (node.outputs.length < minOut || node.outputs.length > maxOut) {
    fail(`has ${node.outputs.length} outputs, the operator produces ${range(minOut, maxOut)}`, 'output');
  }
  node.inputs.forEach((name, i) => {
    const f = formalAt(schema.inputs, i);
    if (name === '' && f !== undefined && !f.optional && !f.variadic) fail(`input ${i} (${f.name}) is required but empty`, `input[${i}]`);
  });
  node.outputs.forEach((name, i) => {
    const f = formalAt(schema.outputs, i);
    if (name === '' && f !== undefined && !f.optional && !f.variadic) fail(`output ${i} (${f.name}) is required but empty`, `output[${i}]`);
  });
  // onnxruntime registers its own LayerNormalization schema, which takes any attribute.
  for (const name of Object.keys(node.attrs)) {
    if (!Object.hasOwn(schema.attrs, name) && node.op !== 'LayerNormalization') fail(`unrecognized attribute ${name}`, `attribute ${name}`);
  }
  for (const [name, spec] of Object.entries(schema.attrs)) {
    if (spec.endsWith('!') && node.attrs[name] === undefined) fail(`required attribute ${name} is missing`, `attribute ${name}`);
  }
}

/**
 * Checks the protobuf kind of each attribute against the schema (an `int` where a `float` is
 * declared is refused, as onnxruntime refuses it). Run when decoding: the IR keeps values, not kinds.
 */
export function checkAttributeKinds(node: Node, label: string, kinds: ReadonlyMap<string, number>, opset: number): void {
  const schema = schemaOf(node, opset);
  if (schema === undefined) return;
  const fail = failure(node, label);
  for (const [name, type] of kinds) {
    const spec = Object.hasOwn(schema.attrs, name) ? schema.attrs[name]! : undefined;
    if (spec === undefined) continue; // an unknown attribute: checkNodeSchema refuses it
    const want = spec.endsWith('!') ? spec.slice(0, -1) : spec;
    const got = KIND_NAMES[type] ?? `type ${type}`;
    if (got !== want) fail(`attribute ${name} must be ${want}, not ${got}`, `attribute ${name}`);
  }
}

function failure(node: Node, label: string): (message: string, field?: string) => never {
  return (message, field) => {
    throw new TickmindError('MODEL_INVALID', `${node.op}: ${message}`, { node: label, ...(field !== undefined ? { field } : {}) });
  };
}

function range(min: number, max: number): string {
  if (min === max) return `${min}`;
  return max === Number.POSITIVE_INFINITY ? `${min} or more` : `${min} to ${max}`;
}
