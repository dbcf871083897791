/**
 * The TensorProto reader of proto-read.ts (initializers, attribute tensors): data type, dims,
 * every data field as stored (typed lists, raw bytes as a view), segment and external-data
 * entries; plus the key/value entry reader that ModelProto.metadata_props shares. Framing only,
 * as in proto-read.ts; decode.ts turns the fields into tensors.
 */
import type { StringStringEntryProto, TensorProto, TensorSegment } from './proto.js';
import { WIRE, type WireReader } from './wire-reader.js';

/** The default of a bytes field that is absent (shared by every reader, never written to). */
export const EMPTY = new Uint8Array(0);

/** Reads a StringStringEntryProto (TensorProto.external_data, ModelProto.metadata_props). */
export function readEntry(r: WireReader): StringStringEntryProto {
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

export function readTensor(r: WireReader): TensorProto {
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
