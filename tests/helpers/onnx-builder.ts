/** Builds small ONNX models in tests with onnx-proto, so each op and each bad input has its own case. */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;

export type ElemType = 'float32' | 'int64' | 'int32' | 'bool';
const ELEM: Record<ElemType, number> = { float32: T.FLOAT, int64: T.INT64, int32: T.INT32, bool: T.BOOL };

export interface IoSpec {
  name: string;
  type: ElemType;
  dims: (number | string)[];
  /** Leave the type out (valid ONNX for subgraph values and graph outputs: inferred). */
  untyped?: boolean;
  /** Give the element type but no shape (any rank; `dims` is ignored). */
  unranked?: boolean;
}

export interface InitSpec {
  name: string;
  type: ElemType;
  dims: number[];
  values: number[];
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, number | number[] | string | { tensor: InitSpec } | { graph: GraphSpec }>;
  domain?: string;
  name?: string;
}

/** A subgraph (If branches, Loop bodies): it may read values of the enclosing graph by name. */
export interface GraphSpec {
  inputs: IoSpec[];
  outputs: IoSpec[];
  nodes: NodeSpec[];
  initializers?: InitSpec[];
}

export interface ModelSpec {
  inputs: IoSpec[];
  outputs: IoSpec[];
  nodes: NodeSpec[];
  initializers?: InitSpec[];
  opset?: number;
  metadata?: Record<string, string>;
}

export function tensorProto(t: InitSpec): onnxProto.onnx.ITensorProto {
  const proto: onnxProto.onnx.ITensorProto = { name: t.name, dataType: ELEM[t.type], dims: t.dims };
  if (t.type === 'float32') proto.floatData = t.values;
  else if (t.type === 'int64') proto.int64Data = t.values;
  else proto.int32Data = t.values;
  return proto;
}

function valueInfo(io: IoSpec): onnxProto.onnx.IValueInfoProto {
  if (io.untyped === true) return { name: io.name };
  if (io.unranked === true) return { name: io.name, type: { tensorType: { elemType: ELEM[io.type] } } };
  return {
    name: io.name,
    type: {
      tensorType: {
        elemType: ELEM[io.type],
        shape: { dim: io.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, v: NonNullable<NodeSpec['attrs']>[string]): onnxProto.onnx.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: A.INT, i: v } : { name, type: A.FLOAT, f: v };
  if ('graph' in v) return { name, type: A.GRAPH, g: graphProto(v.graph, name) };
  return { name, type: A.TENSOR, t: tensorProto(v.tensor) };
}

function graphProto(g: GraphSpec, name: string): onnxProto.onnx.IGraphProto {
  return {
    name,
    node: g.nodes.map((n, i) => ({
      name: n.name ?? `${name}_${n.op}_${i}`,
      opType: n.op,
      domain: n.domain ?? '',
      input: n.inputs,
      output: n.outputs,
      attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
    })),
    input: g.inputs.map(valueInfo),
    output: g.outputs.map(valueInfo),
    initializer: (g.initializers ?? []).map(tensorProto),
  };
}

/** Encodes a model spec to ONNX bytes. */
export function buildModel(spec: ModelSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'tickmind-tests',
    opsetImport: [{ domain: '', version: spec.opset ?? 17 }],
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      ...graphProto(spec, 'test'),
      node: spec.nodes.map((n, i) => ({ ...graphProto({ ...spec, nodes: [n] }, 'test').node![0]!, name: n.name ?? `${n.op}_${i}` })),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
