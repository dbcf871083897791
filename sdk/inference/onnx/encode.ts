/**
 * IR → ONNX bytes: the inverse of decode, so tickmind's own code can write models (the starter
 * policy, training exports) that onnxruntime and PyTorch tooling load. Initializers are written
 * as raw_data; specs go into metadata_props.
 */
import onnxProto from 'onnx-proto';
import { type AttrValue, type Graph, isSubgraph, type Model, type Node, type ValueInfo } from '../ir/graph.js';
import type { DType, Tensor } from '../tensor.js';
import { byteSize, sizeOf } from '../tensor.js';

const { onnx } = onnxProto;

const DTYPE_CODES: Record<DType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float64: 11 };

/** A TensorProto for a tensor (values as little-endian raw_data). */
export function encodeTensor(name: string, t: Tensor): onnxProto.onnx.ITensorProto {
  const bytes = sizeOf(t.dims) * byteSize(t.dtype);
  return {
    name,
    dataType: DTYPE_CODES[t.dtype],
    dims: t.dims,
    rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, bytes).slice(),
  };
}

function encodeAttr(name: string, v: AttrValue): onnxProto.onnx.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number')
    return Number.isInteger(v) && !FLOAT_ATTRS.has(name) ? { name, type: A.INT, i: v } : { name, type: A.FLOAT, f: v };
  if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === 'string')
      return { name, type: A.STRINGS, strings: (v as string[]).map((x) => new TextEncoder().encode(x)) };
    return FLOAT_ATTRS.has(name) ? { name, type: A.FLOATS, floats: v as number[] } : { name, type: A.INTS, ints: v as number[] };
  }
  if (isSubgraph(v)) return { name, type: A.GRAPH, g: encodeGraph(v.graph, name) };
  return { name, type: A.TENSOR, t: encodeTensor('', v) };
}

/** Attributes whose ONNX type is float even when the value is integral (e.g. epsilon 1, alpha 2). */
const FLOAT_ATTRS = new Set(['alpha', 'beta', 'epsilon', 'gamma', 'value_float', 'value_floats', 'scale', 'ratio']);

function encodeValueInfo(vi: ValueInfo): onnxProto.onnx.IValueInfoProto {
  return {
    name: vi.name,
    type: {
      tensorType: {
        elemType: DTYPE_CODES[vi.dtype],
        shape: { dim: vi.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function encodeNode(n: Node): onnxProto.onnx.INodeProto {
  return {
    name: n.name,
    opType: n.op,
    domain: n.domain,
    input: n.inputs,
    output: n.outputs,
    attribute: Object.entries(n.attrs).map(([k, v]) => encodeAttr(k, v)),
  };
}

/** Encodes a model (default-domain nodes only) as ONNX bytes. */
export function encodeModel(model: Model, graphName = 'tickmind'): Uint8Array {
  const proto = onnx.ModelProto.create({
    irVersion: model.irVersion,
    producerName: model.producer === '' ? 'tickmind' : model.producer,
    opsetImport: [{ domain: '', version: model.opset }],
    metadataProps: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
    graph: encodeGraph(model.graph, graphName),
  });
  return onnx.ModelProto.encode(proto).finish();
}

function encodeGraph(g: Graph, name: string): onnxProto.onnx.IGraphProto {
  return {
    name,
    node: g.nodes.map(encodeNode),
    input: g.inputs.map(encodeValueInfo),
    output: g.outputs.map(encodeValueInfo),
    initializer: [...g.initializers].map(([n, t]) => encodeTensor(n, t)),
  };
}
