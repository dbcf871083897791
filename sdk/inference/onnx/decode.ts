/**
 * ONNX bytes → validated IR. Decoding uses the onnx-proto package (generated from the
 * official onnx.proto); everything it yields is checked here before the rest of the core
 * trusts it: limits, dtypes, dims, opset and domain, external data (always refused: no
 * file path is ever followed), and that every node input is defined before use.
 */
import onnxProto from 'onnx-proto';
import { TickmindError } from '../../core/errors.js';
import type { AttrValue, Dim, Graph, Model, Node, ValueInfo } from '../ir/graph.js';
import { nodeLabel, nodeReads } from '../ir/graph.js';
import type { DType, Tensor } from '../tensor.js';
import { allocTensor, ONNX_DTYPE_NAMES, ONNX_DTYPES, sizeOf } from '../tensor.js';
import { DEFAULT_LIMITS, MAX_OPSET, MIN_OPSET, type ModelLimits } from './limits.js';

const { onnx } = onnxProto;
type ProtoModel = onnxProto.onnx.ModelProto;
type ProtoTensor = onnxProto.onnx.ITensorProto;
type ProtoNode = onnxProto.onnx.INodeProto;
type ProtoValueInfo = onnxProto.onnx.IValueInfoProto;
type ProtoAttr = onnxProto.onnx.IAttributeProto;

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
    proto = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new TickmindError('MODEL_DECODE', `not a valid ONNX protobuf (truncated or corrupt): ${(err as Error).message}`);
  }
  if (proto.graph === null || proto.graph === undefined) {
    throw new TickmindError('MODEL_INVALID', 'model has no graph', { field: 'ModelProto.graph' });
  }
  const opset = checkOpsets(proto);
  const metadata: Record<string, string> = {};
  for (const p of proto.metadataProps ?? []) metadata[p.key ?? ''] = p.value ?? '';
  const graph = decodeGraph(proto.graph, limits);
  return {
    irVersion: toNumber(proto.irVersion),
    opset,
    producer: `${proto.producerName ?? ''} ${proto.producerVersion ?? ''}`.trim(),
    graph,
    metadata,
  };
}

function checkOpsets(proto: ProtoModel): number {
  let opset: number | undefined;
  for (const entry of proto.opsetImport ?? []) {
    const domain = entry.domain ?? '';
    if (domain === '' || domain === 'ai.onnx') opset = toNumber(entry.version);
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
function decodeGraph(g: onnxProto.onnx.IGraphProto, limits: ModelLimits, nested = false): Graph {
  const nodesIn = g.node ?? [];
  if (nodesIn.length > limits.maxNodes) {
    throw new TickmindError('MODEL_LIMIT', `graph has ${nodesIn.length} nodes, over the limit of ${limits.maxNodes}`, {
      field: 'GraphProto.node',
    });
  }
  const initializers = new Map<string, Tensor>();
  for (const t of g.initializer ?? []) {
    const name = t.name ?? '';
    initializers.set(name, decodeTensor(t, limits, `initializer ${name}`));
  }
  const inputs: ValueInfo[] = [];
  for (const vi of g.input ?? []) {
    if (initializers.has(vi.name ?? '')) continue; // older exporters list initializers as inputs
    inputs.push(decodeValueInfo(vi, limits, 'GraphProto.input'));
  }
  const outputs = (g.output ?? []).map((vi) => decodeValueInfo(vi, limits, 'GraphProto.output'));
  const nodes = nodesIn.map((n, i) => decodeNode(n, i, limits));
  if (!nested) checkTopology(nodes, inputs, outputs, initializers);
  return { nodes, inputs, outputs, initializers };
}

function decodeValueInfo(vi: ProtoValueInfo, limits: ModelLimits, field: string): ValueInfo {
  const name = vi.name ?? '';
  const where = { field: `${field} ${name}` };
  const tt = vi.type?.tensorType;
  if (tt === null || tt === undefined) {
    throw new TickmindError('MODEL_INVALID', `value ${name} is not a tensor (sequences and maps are not supported)`, where);
  }
  const elem = tt.elemType ?? 0;
  const dtype = ONNX_DTYPES[elem];
  if (dtype === undefined) {
    throw new TickmindError('DTYPE_MISMATCH', `value ${name} has unsupported element type ${ONNX_DTYPE_NAMES[elem] ?? elem}`, where);
  }
  const dimsIn = tt.shape?.dim ?? [];
  if (dimsIn.length > limits.maxRank) {
    throw new TickmindError('MODEL_LIMIT', `value ${name} has rank ${dimsIn.length}, over the limit of ${limits.maxRank}`, where);
  }
  const dims: Dim[] = dimsIn.map((d, axis) => {
    if (d.dimParam !== null && d.dimParam !== undefined && d.dimParam !== '') return d.dimParam;
    if (d.dimValue !== null && d.dimValue !== undefined) {
      const v = toNumber(d.dimValue);
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
    name: n.name ?? '',
    op: n.opType ?? '',
    domain: n.domain === 'ai.onnx' ? '' : (n.domain ?? ''),
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    attrs: {},
  };
  if (node.name === '') node.name = `${node.op}_${index}`;
  if (node.op === '') throw new TickmindError('MODEL_INVALID', `node ${index} has no op_type`, { node: node.name });
  for (const a of n.attribute ?? []) {
    node.attrs[a.name ?? ''] = decodeAttr(a, node, limits);
  }
  return node;
}

function decodeAttr(a: ProtoAttr, node: Node, limits: ModelLimits): AttrValue {
  const field = `attribute ${a.name ?? ''}`;
  switch (a.type) {
    case onnx.AttributeProto.AttributeType.FLOAT:
      return a.f ?? 0;
    case onnx.AttributeProto.AttributeType.INT:
      return toNumber(a.i);
    case onnx.AttributeProto.AttributeType.STRING:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    case onnx.AttributeProto.AttributeType.TENSOR:
      if (a.t === null || a.t === undefined)
        throw new TickmindError('MODEL_INVALID', 'tensor attribute without a tensor', { node: node.name, field });
      return decodeTensor(a.t, limits, `${field} of ${nodeLabel(node)}`);
    case onnx.AttributeProto.AttributeType.FLOATS:
      return [...(a.floats ?? [])];
    case onnx.AttributeProto.AttributeType.INTS:
      return (a.ints ?? []).map(toNumber);
    case onnx.AttributeProto.AttributeType.STRINGS:
      return (a.strings ?? []).map((s) => new TextDecoder().decode(s));
    case onnx.AttributeProto.AttributeType.GRAPH:
      if (a.g === null || a.g === undefined)
        throw new TickmindError('MODEL_INVALID', 'graph attribute without a graph', { node: node.name, field });
      return { kind: 'graph', graph: decodeGraph(a.g, limits, true) };
    default:
      throw new TickmindError('OP_UNSUPPORTED', `attribute type ${a.type} (graph lists, sparse tensors) is not supported`, {
        node: node.name,
        field,
      });
  }
}

/** Decodes a TensorProto (initializer or Constant value) into storage layout. */
export function decodeTensor(t: ProtoTensor, limits: ModelLimits, what: string): Tensor {
  const where = { field: what };
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData?.length ?? 0) > 0) {
    throw new TickmindError('MODEL_EXTERNAL_DATA', `${what} stores its data in an external file; tickmind never follows file paths`, where);
  }
  const elem = t.dataType ?? 0;
  const dtype = ONNX_DTYPES[elem];
  if (dtype === undefined) {
    throw new TickmindError('DTYPE_MISMATCH', `${what} has unsupported element type ${ONNX_DTYPE_NAMES[elem] ?? elem}`, where);
  }
  const dims = (t.dims ?? []).map(toNumber);
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
  const out = allocTensor(dtype, dims);
  fillTensor(out, t, count, what);
  return out;
}

function fillTensor(out: Tensor, t: ProtoTensor, count: number, what: string): void {
  const raw = t.rawData;
  const bytes = count * storageBytes(out.dtype);
  if (raw !== null && raw !== undefined && raw.length > 0) {
    if (raw.length !== bytes) {
      throw new TickmindError('MODEL_INVALID', `${what}: raw_data has ${raw.length} bytes, expected ${bytes} for ${count} ${out.dtype}`, {
        field: `${what} raw_data`,
      });
    }
    new Uint8Array(out.data.buffer, out.data.byteOffset, bytes).set(raw);
    return;
  }
  const source = typedSource(out.dtype, t);
  if (source.length !== count) {
    throw new TickmindError('MODEL_INVALID', `${what}: has ${source.length} values, expected ${count}`, { field: what });
  }
  for (let i = 0; i < count; i++) {
    const v = toNumber(source[i]);
    if (out.dtype === 'int64') {
      out.data[2 * i] = v | 0;
      out.data[2 * i + 1] = Math.floor(v / 4294967296);
    } else {
      out.data[i] = v;
    }
  }
}

function storageBytes(dtype: DType): number {
  return dtype === 'float64' || dtype === 'int64' ? 8 : dtype === 'float32' || dtype === 'int32' ? 4 : 1;
}

function typedSource(dtype: DType, t: ProtoTensor): ArrayLike<unknown> {
  switch (dtype) {
    case 'float32':
      return t.floatData ?? [];
    case 'float64':
      return t.doubleData ?? [];
    case 'int64':
      return t.int64Data ?? [];
    default:
      return t.int32Data ?? [];
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

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === null || v === undefined) return 0;
  if (typeof v === 'object' && 'toNumber' in v && typeof (v as { toNumber: unknown }).toNumber === 'function') {
    return (v as { toNumber(): number }).toNumber();
  }
  return Number(v);
}
