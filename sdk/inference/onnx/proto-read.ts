/**
 * ONNX model bytes → the plain messages of proto.ts, field numbers as in the official
 * onnx.proto. Only framing is checked here (wire-reader.ts); what the values mean is decode.ts's
 * job. Fields outside the subset are skipped, whatever their wire type.
 *
 * This module reads the model and its graph structure (opsets, metadata, graphs, nodes,
 * attributes; a graph attribute holds a graph, hence one module). Tensors are read in
 * proto-read-tensor.ts, value infos and their types in proto-read-value-info.ts.
 */
import type { AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto } from './proto.js';
import { EMPTY, readEntry, readTensor } from './proto-read-tensor.js';
import { readValueInfo } from './proto-read-value-info.js';
import { WIRE, WireReader } from './wire-reader.js';

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
