/**
 * IR → ONNX bytes: the inverse of decode, so tickmind's own code can write models (the starter
 * policy, training exports) that onnxruntime and PyTorch tooling load. Initializers are written
 * as raw_data; specs go into metadata_props. Field numbers are those of the official onnx.proto.
 */
import { type AttrValue, type Graph, isSubgraph, type Model, type Node, type ValueInfo } from '../ir/graph.js';
import type { DType, Tensor } from '../tensor.js';
import { byteSize, sizeOf } from '../tensor.js';
import { AttributeType } from './proto.js';
import { WireWriter } from './wire-writer.js';

const DTYPE_CODES: Record<DType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float64: 11 };

const text = new TextEncoder();

/** Encodes a model (default-domain nodes only) as ONNX bytes. */
export function encodeModel(model: Model, graphName = 'tickmind'): Uint8Array {
  let weights = 0;
  for (const t of model.graph.initializers.values()) weights += sizeOf(t.dims) * byteSize(t.dtype);
  const w = new WireWriter(weights + 64 * 1024); // the weights, and room for the graph around them
  w.int64(1, model.irVersion); // ModelProto.ir_version
  w.string(2, model.producer === '' ? 'tickmind' : model.producer); // producer_name
  w.message(7, () => writeGraph(w, model.graph, graphName)); // graph
  w.message(8, () => {
    // opset_import: OperatorSetIdProto
    w.string(1, ''); // domain
    w.int64(2, model.opset); // version
  });
  for (const [key, value] of Object.entries(model.metadata)) {
    w.message(14, () => {
      // metadata_props: StringStringEntryProto
      w.string(1, key);
      w.string(2, value);
    });
  }
  return w.finish();
}

function writeGraph(w: WireWriter, g: Graph, name: string): void {
  for (const n of g.nodes) w.message(1, () => writeNode(w, n)); // GraphProto.node
  w.string(2, name); // name
  for (const [n, t] of g.initializers) w.message(5, () => writeTensor(w, n, t)); // initializer
  for (const vi of g.inputs) w.message(11, () => writeValueInfo(w, vi)); // input
  for (const vi of g.outputs) w.message(12, () => writeValueInfo(w, vi)); // output
}

function writeNode(w: WireWriter, n: Node): void {
  for (const name of n.inputs) w.string(1, name); // NodeProto.input
  for (const name of n.outputs) w.string(2, name); // output
  w.string(3, n.name); // name
  w.string(4, n.op); // op_type
  for (const [k, v] of Object.entries(n.attrs)) w.message(5, () => writeAttr(w, k, v)); // attribute
  w.string(7, n.domain); // domain
}

/** A TensorProto for a tensor (values as little-endian raw_data). */
function writeTensor(w: WireWriter, name: string, t: Tensor): void {
  w.packedInt64(1, t.dims); // TensorProto.dims
  w.int32(2, DTYPE_CODES[t.dtype]); // data_type
  w.string(8, name); // name
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, sizeOf(t.dims) * byteSize(t.dtype))); // raw_data
}

/** Attributes whose ONNX type is float even when the value is integral (e.g. epsilon 1, alpha 2). */
const FLOAT_ATTRS = new Set(['alpha', 'beta', 'epsilon', 'gamma', 'value_float', 'value_floats', 'scale', 'ratio']);

/** Writes an AttributeProto; its fields go out in field-number order, the type (20) last. */
function writeAttr(w: WireWriter, name: string, v: AttrValue): void {
  w.string(1, name); // AttributeProto.name
  let type: number;
  if (typeof v === 'string') {
    w.bytes(4, text.encode(v)); // s
    type = AttributeType.STRING;
  } else if (typeof v === 'number') {
    if (Number.isInteger(v) && !FLOAT_ATTRS.has(name)) {
      w.int64(3, v); // i
      type = AttributeType.INT;
    } else {
      w.float(2, v); // f
      type = AttributeType.FLOAT;
    }
  } else if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === 'string') {
      for (const s of v as string[]) w.bytes(9, text.encode(s)); // strings
      type = AttributeType.STRINGS;
    } else if (FLOAT_ATTRS.has(name)) {
      w.packedFloat(7, v as number[]); // floats
      type = AttributeType.FLOATS;
    } else {
      w.packedInt64(8, v as number[]); // ints
      type = AttributeType.INTS;
    }
  } else if (isSubgraph(v)) {
    w.message(6, () => writeGraph(w, v.graph, name)); // g
    type = AttributeType.GRAPH;
  } else {
    w.message(5, () => writeTensor(w, '', v)); // t
    type = AttributeType.TENSOR;
  }
  w.int32(20, type); // type
}

function writeValueInfo(w: WireWriter, vi: ValueInfo): void {
  w.string(1, vi.name); // ValueInfoProto.name
  w.message(2, () =>
    // type: TypeProto
    w.message(1, () => {
      // tensor_type: TypeProto.Tensor
      w.int32(1, DTYPE_CODES[vi.dtype]); // elem_type
      w.message(2, () => {
        // shape: TensorShapeProto
        for (const d of vi.dims) {
          w.message(1, () => (typeof d === 'number' ? w.int64(1, d) : w.string(2, d))); // dim: dim_value or dim_param
        }
      });
    }),
  );
}
