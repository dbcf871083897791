/**
 * ONNX model bytes → the plain messages of proto.ts, field numbers as in the official
 * onnx.proto. Only framing is checked here (wire-reader.ts); what the values mean is decode.ts's
 * job. Fields outside the subset are skipped, whatever their wire type.
 */
import type {
  AttributeProto,
  DimensionProto,
  GraphProto,
  ModelProto,
  NodeProto,
  OperatorSetIdProto,
  StringStringEntryProto,
  TensorProto,
  TensorSegment,
  TensorShapeProto,
  TensorTypeProto,
  TypeProto,
  ValueInfoProto,
} from './proto.js';
import { WIRE, WireReader } from './wire-reader.js';

const EMPTY = new Uint8Array(0);

/** Reads a ModelProto. Throws TickmindError MODEL_DECODE, naming the field, on malformed bytes. */
export function readModelProto(bytes: Uint8Array): ModelProto {
  return readModel(new WireReader(bytes));
}

function readModel(r: WireReader): ModelProto {
  const m: ModelProto = {
    irVersion: 0,
    opsetImport: [],
    producerName: '',
    producerVersion: '',
    domain: '',
    modelVersion: 0,
    docString: '',
    graph: undefined,
    metadataProps: [],
  };
  while (r.more()) {
    const tag = r.tag('ModelProto');
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, WIRE.VARINT, 'ModelProto.ir_version');
        m.irVersion = r.int64('ModelProto.ir_version');
        break;
      case 2:
        r.expect(tag, WIRE.LEN, 'ModelProto.producer_name');
        m.producerName = r.string('ModelProto.producer_name');
        break;
      case 3:
        r.expect(tag, WIRE.LEN, 'ModelProto.producer_version');
        m.producerVersion = r.string('ModelProto.producer_version');
        break;
      case 4:
        r.expect(tag, WIRE.LEN, 'ModelProto.domain');
        m.domain = r.string('ModelProto.domain');
        break;
      case 5:
        r.expect(tag, WIRE.VARINT, 'ModelProto.model_version');
        m.modelVersion = r.int64('ModelProto.model_version');
        break;
      case 6:
        r.expect(tag, WIRE.LEN, 'ModelProto.doc_string');
        m.docString = r.string('ModelProto.doc_string');
        break;
      case 7:
        r.expect(tag, WIRE.LEN, 'ModelProto.graph');
        m.graph = r.message('ModelProto.graph', readGraph);
        break;
      case 8:
        r.expect(tag, WIRE.LEN, 'ModelProto.opset_import');
        m.opsetImport.push(r.message('ModelProto.opset_import', readOpsetId));
        break;
      case 14:
        r.expect(tag, WIRE.LEN, 'ModelProto.metadata_props');
        m.metadataProps.push(r.message('ModelProto.metadata_props', readEntry));
        break;
      default:
        r.skip(tag, 'ModelProto');
    }
  }
  return m;
}

function readOpsetId(r: WireReader): OperatorSetIdProto {
  const o: OperatorSetIdProto = { domain: '', version: 0 };
  while (r.more()) {
    const tag = r.tag('OperatorSetIdProto');
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, WIRE.LEN, 'OperatorSetIdProto.domain');
        o.domain = r.string('OperatorSetIdProto.domain');
        break;
      case 2:
        r.expect(tag, WIRE.VARINT, 'OperatorSetIdProto.version');
        o.version = r.int64('OperatorSetIdProto.version');
        break;
      default:
        r.skip(tag, 'OperatorSetIdProto');
    }
  }
  return o;
}

function readEntry(r: WireReader): StringStringEntryProto {
  const e: StringStringEntryProto = { key: '', value: '' };
  while (r.more()) {
    const tag = r.tag('StringStringEntryProto');
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, WIRE.LEN, 'StringStringEntryProto.key');
        e.key = r.string('StringStringEntryProto.key');
        break;
      case 2:
        r.expect(tag, WIRE.LEN, 'StringStringEntryProto.value');
        e.value = r.string('StringStringEntryProto.value');
        break;
      default:
        r.skip(tag, 'StringStringEntryProto');
    }
  }
  return e;
}

function readGraph(r: WireReader): GraphProto {
  const g: GraphProto = { node: [], name: '', initializer: [], docString: '', input: [], output: [], valueInfo: [] };
  while (r.more()) {
    const tag = r.tag('GraphProto');
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, WIRE.LEN, 'GraphProto.node');
        g.node.push(r.message('GraphProto.node', readNode));
        break;
      case 2:
        r.expect(tag, WIRE.LEN, 'GraphProto.name');
        g.name = r.string('GraphProto.name');
        break;
      case 5:
        r.expect(tag, WIRE.LEN, 'GraphProto.initializer');
        g.initializer.push(r.message('GraphProto.initializer', readTensor));
        break;
      case 10:
        r.expect(tag, WIRE.LEN, 'GraphProto.doc_string');
        g.docString = r.string('GraphProto.doc_string');
        break;
      case 11:
        r.expect(tag, WIRE.LEN, 'GraphProto.input');
        g.input.push(r.message('GraphProto.input', readValueInfo));
        break;
      case 12:
        r.expect(tag, WIRE.LEN, 'GraphProto.output');
        g.output.push(r.message('GraphProto.output', readValueInfo));
        break;
      case 13:
        r.expect(tag, WIRE.LEN, 'GraphProto.value_info');
        g.valueInfo.push(r.message('GraphProto.value_info', readValueInfo));
        break;
      default:
        r.skip(tag, 'GraphProto');
    }
  }
  return g;
}

function readNode(r: WireReader): NodeProto {
  const n: NodeProto = { input: [], output: [], name: '', opType: '', domain: '', attribute: [], docString: '' };
  while (r.more()) {
    const tag = r.tag('NodeProto');
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, WIRE.LEN, 'NodeProto.input');
        n.input.push(r.string('NodeProto.input'));
        break;
      case 2:
        r.expect(tag, WIRE.LEN, 'NodeProto.output');
        n.output.push(r.string('NodeProto.output'));
        break;
      case 3:
        r.expect(tag, WIRE.LEN, 'NodeProto.name');
        n.name = r.string('NodeProto.name');
        break;
      case 4:
        r.expect(tag, WIRE.LEN, 'NodeProto.op_type');
        n.opType = r.string('NodeProto.op_type');
        break;
      case 5:
        r.expect(tag, WIRE.LEN, 'NodeProto.attribute');
        n.attribute.push(r.message('NodeProto.attribute', readAttribute));
        break;
      case 6:
        r.expect(tag, WIRE.LEN, 'NodeProto.doc_string');
        n.docString = r.string('NodeProto.doc_string');
        break;
      case 7:
        r.expect(tag, WIRE.LEN, 'NodeProto.domain');
        n.domain = r.string('NodeProto.domain');
        break;
      default:
        r.skip(tag, 'NodeProto');
    }
  }
  return n;
}

function readAttribute(r: WireReader): AttributeProto {
  const a: AttributeProto = {
    name: '',
    refAttrName: '',
    docString: '',
    type: 0,
    f: 0,
    i: 0,
    s: EMPTY,
    t: undefined,
    g: undefined,
    floats: [],
    ints: [],
    strings: [],
  };
  while (r.more()) {
    const tag = r.tag('AttributeProto');
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, WIRE.LEN, 'AttributeProto.name');
        a.name = r.string('AttributeProto.name');
        break;
      case 2:
        r.expect(tag, WIRE.I32, 'AttributeProto.f');
        a.f = r.float('AttributeProto.f');
        break;
      case 3:
        r.expect(tag, WIRE.VARINT, 'AttributeProto.i');
        a.i = r.int64('AttributeProto.i');
        break;
      case 4:
        r.expect(tag, WIRE.LEN, 'AttributeProto.s');
        a.s = r.bytesView('AttributeProto.s');
        break;
      case 5:
        r.expect(tag, WIRE.LEN, 'AttributeProto.t');
        a.t = r.message('AttributeProto.t', readTensor);
        break;
      case 6:
        r.expect(tag, WIRE.LEN, 'AttributeProto.g');
        a.g = r.message('AttributeProto.g', readGraph);
        break;
      case 7:
        r.floats(tag, 'AttributeProto.floats', a.floats);
        break;
      case 8:
        r.int64s(tag, 'AttributeProto.ints', a.ints);
        break;
      case 9:
        r.expect(tag, WIRE.LEN, 'AttributeProto.strings');
        a.strings.push(r.bytesView('AttributeProto.strings'));
        break;
      case 13:
        r.expect(tag, WIRE.LEN, 'AttributeProto.doc_string');
        a.docString = r.string('AttributeProto.doc_string');
        break;
      case 20:
        r.expect(tag, WIRE.VARINT, 'AttributeProto.type');
        a.type = r.uint32('AttributeProto.type') | 0;
        break;
      case 21:
        r.expect(tag, WIRE.LEN, 'AttributeProto.ref_attr_name');
        a.refAttrName = r.string('AttributeProto.ref_attr_name');
        break;
      default:
        r.skip(tag, 'AttributeProto');
    }
  }
  return a;
}

function readTensor(r: WireReader): TensorProto {
  const t: TensorProto = {
    dims: [],
    dataType: 0,
    segment: undefined,
    floatData: [],
    int32Data: [],
    stringData: [],
    int64Data: [],
    name: '',
    docString: '',
    rawData: EMPTY,
    externalData: [],
    dataLocation: 0,
    doubleData: [],
    uint64Data: [],
  };
  while (r.more()) {
    const tag = r.tag('TensorProto');
    switch (tag >>> 3) {
      case 1:
        r.int64s(tag, 'TensorProto.dims', t.dims);
        break;
      case 2:
        r.expect(tag, WIRE.VARINT, 'TensorProto.data_type');
        t.dataType = r.uint32('TensorProto.data_type') | 0;
        break;
      case 3:
        r.expect(tag, WIRE.LEN, 'TensorProto.segment');
        t.segment = r.message('TensorProto.segment', readSegment);
        break;
      case 4:
        r.floats(tag, 'TensorProto.float_data', t.floatData);
        break;
      case 5:
        r.int32s(tag, 'TensorProto.int32_data', t.int32Data);
        break;
      case 6:
        r.expect(tag, WIRE.LEN, 'TensorProto.string_data');
        t.stringData.push(r.bytesView('TensorProto.string_data'));
        break;
      case 7:
        r.int64sWords(tag, 'TensorProto.int64_data', t.int64Data);
        break;
      case 8:
        r.expect(tag, WIRE.LEN, 'TensorProto.name');
        t.name = r.string('TensorProto.name');
        break;
      case 9:
        r.expect(tag, WIRE.LEN, 'TensorProto.raw_data');
        t.rawData = r.bytesView('TensorProto.raw_data');
        break;
      case 10:
        r.doubles(tag, 'TensorProto.double_data', t.doubleData);
        break;
      case 11:
        r.int64sWords(tag, 'TensorProto.uint64_data', t.uint64Data);
        break;
      case 12:
        r.expect(tag, WIRE.LEN, 'TensorProto.doc_string');
        t.docString = r.string('TensorProto.doc_string');
        break;
      case 13:
        r.expect(tag, WIRE.LEN, 'TensorProto.external_data');
        t.externalData.push(r.message('TensorProto.external_data', readEntry));
        break;
      case 14:
        r.expect(tag, WIRE.VARINT, 'TensorProto.data_location');
        t.dataLocation = r.uint32('TensorProto.data_location') | 0;
        break;
      default:
        r.skip(tag, 'TensorProto');
    }
  }
  return t;
}

function readSegment(r: WireReader): TensorSegment {
  const s: TensorSegment = { begin: 0, end: 0 };
  while (r.more()) {
    const tag = r.tag('TensorProto.Segment');
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, WIRE.VARINT, 'TensorProto.Segment.begin');
        s.begin = r.int64('TensorProto.Segment.begin');
        break;
      case 2:
        r.expect(tag, WIRE.VARINT, 'TensorProto.Segment.end');
        s.end = r.int64('TensorProto.Segment.end');
        break;
      default:
        r.skip(tag, 'TensorProto.Segment');
    }
  }
  return s;
}

function readValueInfo(r: WireReader): ValueInfoProto {
  const v: ValueInfoProto = { name: '', type: undefined, docString: '' };
  while (r.more()) {
    const tag = r.tag('ValueInfoProto');
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, WIRE.LEN, 'ValueInfoProto.name');
        v.name = r.string('ValueInfoProto.name');
        break;
      case 2:
        r.expect(tag, WIRE.LEN, 'ValueInfoProto.type');
        v.type = r.message('ValueInfoProto.type', readType);
        break;
      case 3:
        r.expect(tag, WIRE.LEN, 'ValueInfoProto.doc_string');
        v.docString = r.string('ValueInfoProto.doc_string');
        break;
      default:
        r.skip(tag, 'ValueInfoProto');
    }
  }
  return v;
}

function readType(r: WireReader): TypeProto {
  const t: TypeProto = {
    tensorType: undefined,
    sequenceType: undefined,
    mapType: undefined,
    optionalType: undefined,
    sparseTensorType: undefined,
    denotation: '',
  };
  while (r.more()) {
    const tag = r.tag('TypeProto');
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, WIRE.LEN, 'TypeProto.tensor_type');
        t.tensorType = r.message('TypeProto.tensor_type', readTensorType);
        break;
      case 4:
        r.expect(tag, WIRE.LEN, 'TypeProto.sequence_type');
        t.sequenceType = r.bytesView('TypeProto.sequence_type');
        break;
      case 5:
        r.expect(tag, WIRE.LEN, 'TypeProto.map_type');
        t.mapType = r.bytesView('TypeProto.map_type');
        break;
      case 6:
        r.expect(tag, WIRE.LEN, 'TypeProto.denotation');
        t.denotation = r.string('TypeProto.denotation');
        break;
      case 8:
        r.expect(tag, WIRE.LEN, 'TypeProto.sparse_tensor_type');
        t.sparseTensorType = r.bytesView('TypeProto.sparse_tensor_type');
        break;
      case 9:
        r.expect(tag, WIRE.LEN, 'TypeProto.optional_type');
        t.optionalType = r.bytesView('TypeProto.optional_type');
        break;
      default:
        r.skip(tag, 'TypeProto');
    }
  }
  return t;
}

function readTensorType(r: WireReader): TensorTypeProto {
  const t: TensorTypeProto = { elemType: 0, shape: undefined };
  while (r.more()) {
    const tag = r.tag('TypeProto.Tensor');
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, WIRE.VARINT, 'TypeProto.Tensor.elem_type');
        t.elemType = r.uint32('TypeProto.Tensor.elem_type') | 0;
        break;
      case 2:
        r.expect(tag, WIRE.LEN, 'TypeProto.Tensor.shape');
        t.shape = r.message('TypeProto.Tensor.shape', readShape);
        break;
      default:
        r.skip(tag, 'TypeProto.Tensor');
    }
  }
  return t;
}

function readShape(r: WireReader): TensorShapeProto {
  const s: TensorShapeProto = { dim: [] };
  while (r.more()) {
    const tag = r.tag('TensorShapeProto');
    if (tag >>> 3 === 1) {
      r.expect(tag, WIRE.LEN, 'TensorShapeProto.dim');
      s.dim.push(r.message('TensorShapeProto.dim', readDim));
    } else {
      r.skip(tag, 'TensorShapeProto');
    }
  }
  return s;
}

function readDim(r: WireReader): DimensionProto {
  const d: DimensionProto = { denotation: '' };
  while (r.more()) {
    const tag = r.tag('TensorShapeProto.Dimension');
    switch (tag >>> 3) {
      case 1:
        r.expect(tag, WIRE.VARINT, 'TensorShapeProto.Dimension.dim_value');
        d.dimValue = r.int64('TensorShapeProto.Dimension.dim_value');
        break;
      case 2:
        r.expect(tag, WIRE.LEN, 'TensorShapeProto.Dimension.dim_param');
        d.dimParam = r.string('TensorShapeProto.Dimension.dim_param');
        break;
      case 3:
        r.expect(tag, WIRE.LEN, 'TensorShapeProto.Dimension.denotation');
        d.denotation = r.string('TensorShapeProto.Dimension.denotation');
        break;
      default:
        r.skip(tag, 'TensorShapeProto.Dimension');
    }
  }
  return d;
}
