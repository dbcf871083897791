/**
 * ONNX bytes → validated IR. proto-read.ts turns the bytes into plain ONNX messages (tickmind's
 * own protobuf reader, no dependency); everything it yields is checked here before the rest of
 * the core trusts it: limits, dtypes, dims, opset and domain, external data (always refused: no
 * file path is ever followed), each node against its operator's schema (arity, attribute names,
 * kinds and values). The whole-model checks follow in validate/: names and order, element types,
 * and the static sizes every backend relies on.
 */
import { TickmindError } from '../../core/errors.js';
import { toTickmindError } from '../errors.js';
import type { AttrValue, Dim, Graph, Model, Node, ValueInfo } from '../ir/graph.js';
import { nodeLabel } from '../ir/graph.js';
import type { DType, Tensor } from '../tensor.js';
import { allocTensor, fromNumbers, ONNX_DTYPE_NAMES, ONNX_DTYPES, sizeOf } from '../tensor.js';
import { validateModel } from '../validate/index.js';
import { checkAttributeKinds } from '../validate/schema.js';
import { type ModelLimits, resolveLimits } from './limits.js';
import {
  AttributeType,
  DataLocation,
  type AttributeProto as ProtoAttr,
  type GraphProto as ProtoGraph,
  type ModelProto as ProtoModel,
  type NodeProto as ProtoNode,
  type TensorProto as ProtoTensor,
  type ValueInfoProto as ProtoValueInfo,
} from './proto.js';
import { readModelProto } from './proto-read.js';

const text = new TextDecoder();

/** Options for {@link decodeModel}. */
export interface DecodeOptions {
  /** Named in every error (e.g. the file path). */
  file?: string;
  /** Overrides of {@link DEFAULT_LIMITS}. */
  limits?: Partial<ModelLimits>;
  /**
   * False decodes the protobuf structure only (dims, dtypes, data; unused initializers kept), for
   * tools that read or rewrite files. Default true: the model is validated as every backend
   * requires (validate/); a session validates a model decoded without it when it is created.
   */
  validate?: boolean;
}

/** What decoding carries down the graph tree. */
interface DecodeContext {
  readonly limits: ModelLimits;
  readonly opset: number;
  /** Nodes decoded so far, over every graph. */
  nodes: number;
  /** Check attribute kinds against the schemas (the rest of validation follows decoding). */
  readonly validate: boolean;
  /** Every name a node reads or a graph outputs, in any graph: initializers outside it are never used (undefined: keep all). */
  readonly used: Set<string> | undefined;
}

/**
 * Decodes and validates ONNX model bytes. Throws TickmindError with the offending field or node,
 * and nothing else: a failure of the decoder itself is reported as MODEL_DECODE.
 */
export function decodeModel(bytes: Uint8Array, options: DecodeOptions = {}): Model {
  try {
    return decodeUnlabelled(bytes, resolveLimits(options.limits), options.validate !== false);
  } catch (err) {
    const e = toTickmindError(err, 'MODEL_DECODE');
    throw options.file !== undefined ? e.withFile(options.file) : e;
  }
}

function decodeUnlabelled(bytes: Uint8Array, limits: ModelLimits, validate: boolean): Model {
  if (!(bytes instanceof Uint8Array)) {
    throw new TickmindError('INVALID_ARGUMENT', 'model bytes must be a Uint8Array');
  }
  if (bytes.length === 0) throw new TickmindError('MODEL_DECODE', 'model is empty (0 bytes)');
  if (bytes.length > limits.maxBytes) {
    throw new TickmindError('MODEL_LIMIT', `model is ${bytes.length} bytes, over the ${limits.maxBytes}-byte limit`);
  }
  let proto: ProtoModel;
  try {
    proto = readModelProto(bytes);
  } catch (err) {
    // The reader throws coded errors for every malformed input; anything else is still the file's fault.
    if (err instanceof TickmindError) throw err;
    throw new TickmindError('MODEL_DECODE', `not a valid ONNX protobuf (truncated or corrupt): ${(err as Error).message}`);
  }
  if (proto.graph === undefined) {
    throw new TickmindError('MODEL_INVALID', 'model has no graph', { field: 'ModelProto.graph' });
  }
  const opset = checkOpsets(proto);
  const metadata: Record<string, string> = {};
  for (const p of proto.metadataProps) metadata[p.key] = p.value;
  const used = new Set<string>();
  collectUsed(proto.graph, used, 0, validate ? limits.maxDepth : Number.POSITIVE_INFINITY);
  const graph = decodeGraph(proto.graph, { limits, opset, nodes: 0, used: validate ? used : undefined, validate }, 0);
  const model: Model = {
    irVersion: proto.irVersion,
    opset,
    producer: `${proto.producerName} ${proto.producerVersion}`.trim(),
    graph,
    metadata,
    limits,
  };
  if (validate) validateModel(model);
  return model;
}

function checkOpsets(proto: ProtoModel): number {
  let opset: number | undefined;
  for (const entry of proto.opsetImport) {
    if (entry.domain === '' || entry.domain === 'ai.onnx') opset = entry.version;
  }
  if (opset === undefined) {
    throw new TickmindError('OPSET_UNSUPPORTED', 'model imports no default-domain opset', { field: 'ModelProto.opset_import' });
  }
  // Opsets outside MIN_OPSET–MAX_OPSET are left to onnxruntime (the native backend refuses them).
  if (!Number.isSafeInteger(opset) || opset < 1) {
    throw new TickmindError('OPSET_UNSUPPORTED', `opset ${opset} is not an opset version`, { field: 'ModelProto.opset_import' });
  }
  return opset;
}

/** Names read anywhere (node inputs, graph outputs), subgraphs included; bounds the nesting depth on the way. */
function collectUsed(g: ProtoGraph, used: Set<string>, depth: number, maxDepth: number): void {
  if (depth > maxDepth) {
    throw new TickmindError('MODEL_LIMIT', `subgraphs are nested more than ${maxDepth} deep`, { field: 'GraphProto' });
  }
  for (const o of g.output) used.add(o.name);
  for (const n of g.node) {
    for (const i of n.input) used.add(i);
    for (const a of n.attribute) if (a.type === AttributeType.GRAPH && a.g !== undefined) collectUsed(a.g, used, depth + 1, maxDepth);
  }
}

/** Decodes a graph; `depth` 0 is the main graph, deeper ones are subgraphs (If branches, Loop bodies). */
function decodeGraph(g: ProtoGraph, ctx: DecodeContext, depth: number): Graph {
  const nested = depth > 0;
  ctx.nodes += g.node.length;
  if (ctx.nodes > ctx.limits.maxNodes) {
    throw new TickmindError('MODEL_LIMIT', `the model has more than ${ctx.limits.maxNodes} nodes`, { field: 'GraphProto.node' });
  }
  // As onnxruntime does, initializers no node reads are dropped unread (a later one of the same
  // name wins). External data is refused in any of them: tickmind never follows a file path.
  const initializers = new Map<string, Tensor>();
  const protos = new Map<string, ProtoTensor>();
  for (const t of g.initializer) {
    if (t.dataLocation === DataLocation.EXTERNAL || t.externalData.length > 0) decodeTensor(t, ctx.limits, `initializer ${t.name}`);
    if (ctx.used === undefined || ctx.used.has(t.name)) protos.set(t.name, t);
  }
  for (const [name, t] of protos) initializers.set(name, decodeTensor(t, ctx.limits, `initializer ${name}`));
  // onnxruntime turns every Constant node (of any domain) into an initializer before it checks
  // anything else; so does validation, so that both read the same graph.
  const nodes: Node[] = [];
  g.node.forEach((n, i) => {
    const node = decodeNode(n, i, ctx, depth);
    const value = ctx.validate && node.op === 'Constant' ? constantValue(node, n.output, i) : undefined;
    if (value === undefined) nodes.push(node);
    else if (ctx.used === undefined || ctx.used.has(n.output[0]!)) initializers.set(n.output[0]!, value);
  });
  const inputs: ValueInfo[] = [];
  for (const vi of g.input) {
    if (initializers.has(vi.name)) continue; // older exporters list initializers as inputs
    inputs.push(decodeValueInfo(vi, ctx.limits, nested ? 'subgraph input' : 'GraphProto.input', nested));
  }
  const outputs = g.output.map((vi) => decodeValueInfo(vi, ctx.limits, nested ? 'subgraph output' : 'GraphProto.output', true));
  return { nodes, inputs, outputs, initializers };
}

/** A graph input or output. `untypedOk`: the file may leave its type to inference (subgraph values, outputs). */
function decodeValueInfo(vi: ProtoValueInfo, limits: ModelLimits, field: string, untypedOk: boolean): ValueInfo {
  const name = vi.name;
  const where = { field: `${field} ${name}` };
  if (name === '') throw new TickmindError('MODEL_INVALID', `a ${field} has no name`, { field });
  const type = vi.type;
  if (type === undefined || (type.tensorType === undefined && isEmptyType(type))) {
    if (!untypedOk) throw new TickmindError('MODEL_INVALID', `value ${name} has no type information`, where);
    // Type inference (validate/types.ts) fills in dtype and dims.
    return { name, dtype: 'float32', dims: [], typed: false };
  }
  const tt = type.tensorType;
  if (tt === undefined) {
    throw new TickmindError('MODEL_INVALID', `value ${name} is not a tensor (sequences and maps are not supported)`, where);
  }
  const elem = tt.elemType;
  if (elem === 0) throw new TickmindError('MODEL_INVALID', `value ${name} has an undefined element type (0)`, where);
  const dtype = ONNX_DTYPES[elem];
  if (dtype === undefined) {
    throw new TickmindError('DTYPE_MISMATCH', `value ${name} has unsupported element type ${ONNX_DTYPE_NAMES[elem] ?? elem}`, where);
  }
  if (tt.shape === undefined) return { name, dtype, dims: [], unranked: true };
  const dimsIn = tt.shape.dim;
  if (dimsIn.length > limits.maxRank) {
    throw new TickmindError('MODEL_LIMIT', `value ${name} has rank ${dimsIn.length}, over the limit of ${limits.maxRank}`, where);
  }
  const dims: Dim[] = dimsIn.map((d, axis) => {
    if (d.dimParam !== undefined && d.dimParam !== '') return d.dimParam;
    if (d.dimValue !== undefined && d.dimValue >= 0) {
      if (d.dimValue > limits.maxDim) {
        throw new TickmindError('MODEL_LIMIT', `value ${name} has dimension ${d.dimValue} at axis ${axis}, over ${limits.maxDim}`, where);
      }
      return d.dimValue;
    }
    // No value, or a negative one (which onnxruntime reads as unknown too): a dimension of its own.
    return `${name}_dim${axis}`;
  });
  return { name, dtype, dims };
}

function isEmptyType(t: NonNullable<ProtoValueInfo['type']>): boolean {
  return t.sequenceType === undefined && t.mapType === undefined && t.optionalType === undefined && t.sparseTensorType === undefined;
}

function decodeNode(n: ProtoNode, index: number, ctx: DecodeContext, depth: number): Node {
  const node: Node = {
    name: n.name,
    op: n.opType,
    domain: n.domain === 'ai.onnx' ? '' : n.domain,
    inputs: n.input,
    outputs: n.output,
    attrs: {},
  };
  const label = node.name !== '' ? node.name : `${node.op}_${index}`;
  if (ctx.validate && node.op === 'Constant') return decodeConstant(node, n.attribute, label, ctx, depth);
  const kinds = new Map<string, number>();
  for (const a of n.attribute) {
    if (kinds.has(a.name)) {
      throw new TickmindError('MODEL_INVALID', `attribute ${a.name} appears more than once`, { node: label, field: `attribute ${a.name}` });
    }
    kinds.set(a.name, a.type);
    node.attrs[a.name] = decodeAttr(a, node, label, ctx, depth);
  }
  if (ctx.validate) checkAttributeKinds(node, label, kinds, ctx.opset);
  return node;
}

/**
 * The tensor a (decoded) Constant node stands for, or undefined for the values tickmind cannot hold
 * (strings: the node stays, and only onnxruntime runs it).
 */
function constantValue(node: Node, outputs: readonly string[], index: number): Tensor | undefined {
  const label = node.name !== '' ? node.name : `Constant_${index}`;
  if (outputs.length !== 1 || outputs[0] === '') {
    throw new TickmindError('MODEL_INVALID', `Constant must have one output (it has ${outputs.length})`, { node: label, field: 'output' });
  }
  const [name, v] = Object.entries(node.attrs)[0]!;
  if (name === 'value_string' || name === 'value_strings') return undefined;
  if (name === 'value') return v as Tensor;
  const values = Array.isArray(v) ? (v as number[]) : [v as number];
  const dims = Array.isArray(v) ? [values.length] : [];
  return fromNumbers(name.startsWith('value_float') ? 'float32' : 'int64', dims, values);
}

/** The value attribute name of each attribute kind a Constant may hold. */
const CONSTANT_KINDS: Readonly<Record<number, string>> = {
  [AttributeType.TENSOR]: 'value',
  [AttributeType.FLOAT]: 'value_float',
  [AttributeType.FLOATS]: 'value_floats',
  [AttributeType.INT]: 'value_int',
  [AttributeType.INTS]: 'value_ints',
  [AttributeType.STRING]: 'value_string',
  [AttributeType.STRINGS]: 'value_strings',
};

/**
 * A Constant as onnxruntime reads it (it turns Constants into initializers before checking any
 * schema): the value is its first attribute, whatever its name, taken by its kind; the other
 * attributes and any inputs are ignored.
 */
function decodeConstant(node: Node, attrs: readonly ProtoAttr[], label: string, ctx: DecodeContext, depth: number): Node {
  const first = attrs[0];
  if (first === undefined) throw new TickmindError('MODEL_INVALID', 'Constant has no value attribute', { node: label, field: 'value' });
  const name = CONSTANT_KINDS[first.type];
  if (name === undefined) {
    throw new TickmindError('OP_UNSUPPORTED', `Constant: a value of attribute type ${first.type} is not supported`, {
      node: label,
      field: `attribute ${first.name}`,
    });
  }
  node.attrs = { [name]: decodeAttr(first, node, label, ctx, depth) };
  node.inputs = [];
  return node;
}

function decodeAttr(a: ProtoAttr, node: Node, label: string, ctx: DecodeContext, depth: number): AttrValue {
  const field = `attribute ${a.name}`;
  switch (a.type) {
    case AttributeType.FLOAT:
      return a.f;
    case AttributeType.INT:
      return a.i;
    case AttributeType.STRING:
      return text.decode(a.s);
    case AttributeType.TENSOR:
      if (a.t === undefined) throw new TickmindError('MODEL_INVALID', 'tensor attribute without a tensor', { node: label, field });
      return decodeTensor(a.t, ctx.limits, `${field} of ${nodeLabel({ ...node, name: label })}`);
    case AttributeType.FLOATS:
      return a.floats;
    case AttributeType.INTS:
      return a.ints;
    case AttributeType.STRINGS:
      return a.strings.map((s) => text.decode(s));
    case AttributeType.GRAPH:
      if (a.g === undefined) throw new TickmindError('MODEL_INVALID', 'graph attribute without a graph', { node: label, field });
      return { kind: 'graph', graph: decodeGraph(a.g, ctx, depth + 1) };
    default:
      throw new TickmindError('OP_UNSUPPORTED', `attribute type ${a.type} (graph lists, sparse tensors) is not supported`, {
        node: label,
        field,
      });
  }
}

/** Decodes a TensorProto (initializer or Constant value) into storage layout. */
function decodeTensor(t: ProtoTensor, limits: ModelLimits, what: string): Tensor {
  const where = { field: what };
  if (t.dataLocation === DataLocation.EXTERNAL || t.externalData.length > 0) {
    throw new TickmindError('MODEL_EXTERNAL_DATA', `${what} stores its data in an external file; tickmind never follows file paths`, where);
  }
  const elem = t.dataType;
  const dtype = ONNX_DTYPES[elem];
  if (dtype === undefined) {
    throw new TickmindError('DTYPE_MISMATCH', `${what} has unsupported element type ${ONNX_DTYPE_NAMES[elem] ?? elem}`, where);
  }
  const dims = t.dims;
  if (dims.length > limits.maxRank) {
    throw new TickmindError('MODEL_LIMIT', `${what} has rank ${dims.length}, over the limit of ${limits.maxRank}`, where);
  }
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > limits.maxDim) {
      throw new TickmindError('SHAPE_MISMATCH', `${what} has invalid dimension ${d}`, where);
    }
  }
  const count = sizeOf(dims);
  if (count > limits.maxElements) {
    throw new TickmindError('MODEL_LIMIT', `${what} has ${count} elements, over the limit of ${limits.maxElements}`, where);
  }
  // The data must match the dims before the tensor is allocated: a small file may declare huge dims.
  const raw = t.rawData;
  const bytes = count * storageBytes(dtype);
  if (raw.length > 0) {
    if (raw.length !== bytes) {
      throw new TickmindError('MODEL_INVALID', `${what}: raw_data has ${raw.length} bytes, expected ${bytes} for ${count} ${dtype}`, {
        field: `${what} raw_data`,
      });
    }
    const out = allocTensor(dtype, dims);
    new Uint8Array(out.data.buffer, out.data.byteOffset, bytes).set(raw);
    return out;
  }
  const source = typedSource(dtype, t);
  const perValue = dtype === 'int64' ? 2 : 1; // int64_data is read as word pairs
  if (source.length !== count * perValue) {
    throw new TickmindError('MODEL_INVALID', `${what}: has ${source.length / perValue} values, expected ${count}`, { field: what });
  }
  const out = allocTensor(dtype, dims);
  out.data.set(source);
  return out;
}

function storageBytes(dtype: DType): number {
  return dtype === 'float64' || dtype === 'int64' ? 8 : dtype === 'float32' || dtype === 'int32' ? 4 : 1;
}

function typedSource(dtype: DType, t: ProtoTensor): number[] {
  switch (dtype) {
    case 'float32':
      return t.floatData;
    case 'float64':
      return t.doubleData;
    case 'int64':
      return t.int64Data;
    default:
      return t.int32Data;
  }
}
