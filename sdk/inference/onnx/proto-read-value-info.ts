/**
 * The ValueInfoProto reader of proto-read.ts (graph inputs, outputs and value_info): a value's
 * name and its TypeProto, down to the tensor type's element type and shape dimensions; the other
 * kinds of type (sequence, map, optional, sparse) are kept as unread bytes. Framing only, as in
 * proto-read.ts.
 */
import type { DimensionProto, TensorShapeProto, TensorTypeProto, TypeProto, ValueInfoProto } from './proto.js';
import { WIRE, type WireReader } from './wire-reader.js';

export function readValueInfo(r: WireReader): ValueInfoProto {
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
