/**
 * The ONNX messages tickmind reads, as plain objects: the subset of the official onnx.proto that
 * decode.ts validates, with its field names in camelCase. Absent scalars read as their protobuf
 * defaults ('' and 0), absent repeated fields as empty arrays, absent messages as undefined.
 * int64 scalars are numbers (exact up to 2^53, the nearest double beyond); int64 tensor data is
 * kept exactly, as 32-bit word pairs.
 */

/** `AttributeProto.type` values. */
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

/** `TensorProto.data_location` values. */
export const DataLocation = { DEFAULT: 0, EXTERNAL: 1 } as const;

/** ModelProto. training_info and functions are skipped. */
export interface ModelProto {
  irVersion: number;
  opsetImport: OperatorSetIdProto[];
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  graph: GraphProto | undefined;
  metadataProps: StringStringEntryProto[];
}

/** OperatorSetIdProto. */
export interface OperatorSetIdProto {
  domain: string;
  version: number;
}

/** StringStringEntryProto. */
export interface StringStringEntryProto {
  key: string;
  value: string;
}

/** GraphProto. sparse_initializer, quantization_annotation are skipped (decode.ts never read them). */
export interface GraphProto {
  node: NodeProto[];
  name: string;
  initializer: TensorProto[];
  docString: string;
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
}

/** NodeProto. */
export interface NodeProto {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  domain: string;
  attribute: AttributeProto[];
  docString: string;
}

/**
 * AttributeProto. The list-of-tensors, list-of-graphs, sparse-tensor and type-proto values are
 * skipped: decode.ts refuses those attribute types by `type` alone.
 */
export interface AttributeProto {
  name: string;
  refAttrName: string;
  docString: string;
  /** One of {@link AttributeType}. */
  type: number;
  f: number;
  i: number;
  /** A view into the model bytes. */
  s: Uint8Array;
  t: TensorProto | undefined;
  g: GraphProto | undefined;
  floats: number[];
  ints: number[];
  /** Views into the model bytes. */
  strings: Uint8Array[];
}

/** TensorProto.Segment. */
export interface TensorSegment {
  begin: number;
  end: number;
}

/** TensorProto. */
export interface TensorProto {
  dims: number[];
  /** A `TensorProto.DataType` number. */
  dataType: number;
  segment: TensorSegment | undefined;
  floatData: number[];
  int32Data: number[];
  /** Views into the model bytes. */
  stringData: Uint8Array[];
  /** int64_data, exactly: two int32 words per value, low word first (the storage layout of int64 tensors). */
  int64Data: number[];
  name: string;
  docString: string;
  /** A view into the model bytes; empty when absent. */
  rawData: Uint8Array;
  externalData: StringStringEntryProto[];
  /** One of {@link DataLocation}. */
  dataLocation: number;
  doubleData: number[];
  /** uint64_data as word pairs, like {@link TensorProto.int64Data}. */
  uint64Data: number[];
}

/** ValueInfoProto. */
export interface ValueInfoProto {
  name: string;
  type: TypeProto | undefined;
  docString: string;
}

/**
 * TypeProto. Only tensor types are decoded; the other kinds are recognised and kept as the raw
 * bytes of their message, so callers can tell "not a tensor" from "no type".
 */
export interface TypeProto {
  tensorType: TensorTypeProto | undefined;
  sequenceType: Uint8Array | undefined;
  mapType: Uint8Array | undefined;
  optionalType: Uint8Array | undefined;
  sparseTensorType: Uint8Array | undefined;
  denotation: string;
}

/** TypeProto.Tensor. */
export interface TensorTypeProto {
  /** A `TensorProto.DataType` number. */
  elemType: number;
  /** Absent for a tensor of unknown rank. */
  shape: TensorShapeProto | undefined;
}

/** TensorShapeProto. */
export interface TensorShapeProto {
  dim: DimensionProto[];
}

/** TensorShapeProto.Dimension: `dimValue` and `dimParam` are a oneof; neither set is an unknown dimension. */
export interface DimensionProto {
  dimValue?: number;
  dimParam?: string;
  denotation: string;
}
