/**
 * ONNX bytes → validated IR. proto-read.ts turns the bytes into plain ONNX messages (tickmind's
 * own protobuf reader, no dependency); everything it yields is checked here before the rest of
 * the core trusts it: limits, dtypes, dims, opset and domain, external data (always refused: no
 * file path is ever followed), and that every node input is defined before use.
 */
import { TickmindError } from '../../core/errors.js';
import type { AttrValue, Dim, Graph, Model, Node, ValueInfo } from '../ir/graph.js';
import { nodeLabel, nodeReads } from '../ir/graph.js';
import type { DType, Tensor } from '../tensor.js';
import { allocTensor, ONNX_DTYPE_NAMES, ONNX_DTYPES, sizeOf } from '../tensor.js';
import { DEFAULT_LIMITS, MAX_OPSET, MIN_OPSET, type ModelLimits } from './limits.js';
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
}

/** Decodes and validates ONNX model bytes. Throws TickmindError with the offending field or node. */
export function decodeModel(bytes: Uint8Array, options: DecodeOptions = {}): Model {
  try {
    return decodeUnlabelled(bytes, { ...DEFAULT_LIMITS, ...options.limits });
  } catch (err) {
    if (err instanceof TickmindError) throw options.file !== undefined ? err.withFile(options.file) : err;
    throw err;
  }
}

function decodeUnlabelled(bytes: Uint8Array, limits: ModelLimits): Model {
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
  const graph = decodeGraph(proto.graph, limits);
  return {
    irVersion: proto.irVersion,
    opset,
    producer: `${proto.producerName} ${proto.producerVersion}`.trim(),
    graph,
    metadata,
  };
}

function checkOpsets(proto: ProtoModel): number {
  let opset: number | undefined;
  for (const entry of proto.opsetImport) {
    if (entry.domain === '' || entry.domain === 'ai.onnx') opset = entry.version;
  }
  if (opset === undefined) {
    throw new TickmindError('OPSET_UNSUPPORTED', 'model imports no default-domain opset', { field: 'ModelProto.opset_import' });
  }
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new TickmindError('OPSET_UNSUPPORTED', `opset ${opset} is outside the supported range ${MIN_OPSET}–${MAX_OPSET}`, {
      field: 'ModelProto.opset_import',
    });
  }
  return opset;
}

/** Decodes a graph; a subgraph (`nested`) may read values of the graphs around it, so only its own order is checked then. */
function decodeGraph(g: ProtoGraph, limits: ModelLimits, nested = false): Graph {
  const nodesIn = g.node;
  if (nodesIn.length > limits.maxNodes) {
    throw new TickmindError('MODEL_LIMIT', `graph has ${nodesIn.length} nodes, over the limit of ${limits.maxNodes}`, {
      field: 'GraphProto.node',
    });
  }
  const initializers = new Map<string, Tensor>();
  for (const t of g.initializer) {
    initializers.set(t.name, decodeTensor(t, limits, `initializer ${t.name}`));
  }
  const inputs: ValueInfo[] = [];
  for (const vi of g.input) {
    if (initializers.has(vi.name)) continue; // older exporters list initializers as inputs
    inputs.push(decodeValueInfo(vi, limits, 'GraphProto.input'));
  }
  const outputs = g.output.map((vi) => decodeValueInfo(vi, limits, 'GraphProto.output'));
  const nodes = nodesIn.map((n, i) => decodeNode(n, i, limits));
  if (!nested) checkTopology(nodes, inputs, outputs, initializers);
  return { nodes, inputs, outputs, initializers };
}

function decodeValueInfo(vi: ProtoValueInfo, limits: ModelLimits, field: string): ValueInfo {
  const name = vi.name;
  const where = { field: `${field} ${name}` };
  const tt = vi.type?.tensorType;
  if (tt === undefined) {
    throw new TickmindError('MODEL_INVALID', `value ${name} is not a tensor (sequences and maps are not supported)`, where);
  }
  const elem = tt.elemType;
  const dtype = ONNX_DTYPES[elem];
  if (dtype === undefined) {
    throw new TickmindError('DTYPE_MISMATCH', `value ${name} has unsupported element type ${ONNX_DTYPE_NAMES[elem] ?? elem}`, where);
  }
  const dimsIn = tt.shape?.dim ?? [];
  if (dimsIn.length > limits.maxRank) {
    throw new TickmindError('MODEL_LIMIT', `value ${name} has rank ${dimsIn.length}, over the limit of ${limits.maxRank}`, where);
  }
  const dims: Dim[] = dimsIn.map((d, axis) => {
    if (d.dimParam !== undefined && d.dimParam !== '') return d.dimParam;
    if (d.dimValue !== undefined) {
      const v = d.dimValue;
      if (v < 0 || v > limits.maxDim) {
        throw new TickmindError('SHAPE_MISMATCH', `value ${name} has invalid dimension ${v} at axis ${axis}`, where);
      }
      return v;
    }
    return `${name}_dim${axis}`;
  });
  return { name, dtype, dims };
}

function decodeNode(n: ProtoNode, index: number, limits: ModelLimits): Node {
  const node: Node = {
    name: n.name,
    op: n.opType,
    domain: n.domain === 'ai.onnx' ? '' : n.domain,
    inputs: n.input,
    outputs: n.output,
    attrs: {},
  };
  if (node.name === '') node.name = `${node.op}_${index}`;
  if (node.op === '') throw new TickmindError('MODEL_INVALID', `node ${index} has no op_type`, { node: node.name });
  for (const a of n.attribute) {
    node.attrs[a.name] = decodeAttr(a, node, limits);
  }
  return node;
}

function decodeAttr(a: ProtoAttr, node: Node, limits: ModelLimits): AttrValue {
  const field = `attribute ${a.name}`;
  switch (a.type) {
    case AttributeType.FLOAT:
      return a.f;
    case AttributeType.INT:
      return a.i;
    case AttributeType.STRING:
      return text.decode(a.s);
    case AttributeType.TENSOR:
      if (a.t === undefined) throw new TickmindError('MODEL_INVALID', 'tensor attribute without a tensor', { node: node.name, field });
      return decodeTensor(a.t, limits, `${field} of ${nodeLabel(node)}`);
    case AttributeType.FLOATS:
      return a.floats;
    case AttributeType.INTS:
      return a.ints;
    case AttributeType.STRINGS:
      return a.strings.map((s) => text.decode(s));
    case AttributeType.GRAPH:
      if (a.g === undefined) throw new TickmindError('MODEL_INVALID', 'graph attribute without a graph', { node: node.name, field });
      return { kind: 'graph', graph: decodeGraph(a.g, limits, true) };
    default:
      throw new TickmindError('OP_UNSUPPORTED', `attribute type ${a.type} (graph lists, sparse tensors) is not supported`, {
        node: node.name,
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

function checkTopology(nodes: Node[], inputs: ValueInfo[], outputs: ValueInfo[], initializers: Map<string, Tensor>): void {
  const defined = new Set<string>(['']);
  for (const vi of inputs) defined.add(vi.name);
  for (const name of initializers.keys()) defined.add(name);
  for (const node of nodes) {
    for (let i = 0; i < node.inputs.length; i++) {
      const name = node.inputs[i]!;
      if (!defined.has(name)) {
        throw new TickmindError('MODEL_INVALID', `input ${i} '${name}' is not defined by a graph input, initializer or earlier node`, {
          node: node.name,
          field: `input[${i}]`,
        });
      }
    }
    for (const name of nodeReads(node).slice(node.inputs.length)) {
      if (!defined.has(name))
        throw new TickmindError('MODEL_INVALID', `a subgraph reads '${name}', which no graph input, initializer or earlier node defines`, {
          node: node.name,
        });
    }
    for (const name of node.outputs) {
      if (name !== '' && defined.has(name) && !initializers.has(name)) {
        throw new TickmindError('MODEL_INVALID', `output '${name}' is produced twice`, { node: node.name });
      }
      defined.add(name);
    }
  }
  for (const vi of outputs) {
    if (!defined.has(vi.name)) {
      throw new TickmindError('MODEL_INVALID', `graph output '${vi.name}' is never produced`, { field: 'GraphProto.output' });
    }
  }
  if (outputs.length === 0) throw new TickmindError('MODEL_INVALID', 'graph has no outputs', { field: 'GraphProto.output' });
}
