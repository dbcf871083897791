/**
 * tickmind's own protobuf reader and writer for ONNX (sdk/inference/onnx/wire-*.ts, proto-read*.ts,
 * encode.ts), checked against onnx-proto (protobufjs, an independent implementation) and against
 * hand-built bytes, including hostile ones.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { Rng, TickmindError } from '../../sdk/core/index.js';
import { decodeModel, encodeModel, type Model } from '../../sdk/inference/index.js';
import type * as P from '../../sdk/inference/onnx/proto.js';
import { readModelProto } from '../../sdk/inference/onnx/proto-read.js';
import { buildModel } from '../helpers/onnx-builder.js';

const { onnx } = onnxProto;
const ROOT = join(import.meta.dirname, '..', '..');

const modelFiles = [join(ROOT, 'tests', 'fixtures', 'models'), join(ROOT, 'models')].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.onnx'))
    .map((f) => join(dir, f)),
);

// ---- hand-built protobuf: independent of both the sdk writer and onnx-proto ----

type Bytes = number[];
const varint = (v: bigint | number): Bytes => {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: Bytes = [];
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
};
const key = (field: number, wire: number): Bytes => varint((field << 3) | wire);
const vint = (field: number, v: bigint | number): Bytes => [...key(field, 0), ...varint(v)];
const len = (field: number, body: Bytes): Bytes => [...key(field, 2), ...varint(body.length), ...body];
const str = (field: number, s: string): Bytes => len(field, [...new TextEncoder().encode(s)]);
const f32bytes = (vs: number[]): Bytes => [...new Uint8Array(new Float32Array(vs).buffer)];
const f32 = (field: number, v: number): Bytes => [...key(field, 5), ...f32bytes([v])];

const FLOAT = 1;
const BOOL = 9;
const valueInfo = (name: string, elem: number, dims: (number | string)[], extraType: Bytes = []): Bytes => [
  ...str(1, name),
  ...len(2, [
    ...len(1, [
      ...vint(1, elem),
      ...len(
        2,
        dims.flatMap((d) => len(1, typeof d === 'number' ? vint(1, d) : str(2, d))),
      ),
    ]),
    ...extraType,
  ]),
];
/** A Relu graph x → y (float [2]); `node` and `graph` add fields. */
const reluGraph = (node: Bytes = [], graph: Bytes = []): Bytes => [
  ...len(1, [...str(1, 'x'), ...str(2, 'y'), ...str(4, 'Relu'), ...node]),
  ...len(11, valueInfo('x', FLOAT, [2])),
  ...len(12, valueInfo('y', FLOAT, [2])),
  ...graph,
];
const model = (graph: Bytes, extra: Bytes = []): Uint8Array =>
  new Uint8Array([...vint(1, 8), ...len(8, [...str(1, ''), ...vint(2, 17)]), ...len(7, graph), ...extra]);
const attr = (name: string, type: number, value: Bytes): Bytes => len(5, [...str(1, name), ...value, ...vint(20, type)]);

// ---- onnx-proto's decoding, as the plain messages of proto.ts ----

type LongLike = { low: number; high: number; toNumber(): number };
type Int64 = number | LongLike | null | undefined;
const n64 = (v: Int64): number => (v === null || v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber());
const words = (vs: Int64[] | null | undefined): number[] =>
  (vs ?? []).flatMap((v) => (typeof v === 'object' && v !== null ? [v.low, v.high] : [n64(v) | 0, Math.floor(n64(v) / 2 ** 32) | 0]));
const EMPTY = new Uint8Array(0);

function pbModel(m: onnxProto.onnx.IModelProto): P.ModelProto {
  return {
    irVersion: n64(m.irVersion),
    opsetImport: (m.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: n64(o.version) })),
    producerName: m.producerName ?? '',
    producerVersion: m.producerVersion ?? '',
    domain: m.domain ?? '',
    modelVersion: n64(m.modelVersion),
    docString: m.docString ?? '',
    graph: m.graph ? pbGraph(m.graph) : undefined,
    metadataProps: (m.metadataProps ?? []).map(pbEntry),
  };
}
const pbEntry = (e: onnxProto.onnx.IStringStringEntryProto): P.StringStringEntryProto => ({ key: e.key ?? '', value: e.value ?? '' });
function pbGraph(g: onnxProto.onnx.IGraphProto): P.GraphProto {
  return {
    node: (g.node ?? []).map((n) => ({
      input: n.input ?? [],
      output: n.output ?? [],
      name: n.name ?? '',
      opType: n.opType ?? '',
      domain: n.domain ?? '',
      attribute: (n.attribute ?? []).map(pbAttr),
      docString: n.docString ?? '',
    })),
    name: g.name ?? '',
    initializer: (g.initializer ?? []).map(pbTensor),
    docString: g.docString ?? '',
    input: (g.input ?? []).map(pbValueInfo),
    output: (g.output ?? []).map(pbValueInfo),
    valueInfo: (g.valueInfo ?? []).map(pbValueInfo),
  };
}
function pbAttr(a: onnxProto.onnx.IAttributeProto): P.AttributeProto {
  return {
    name: a.name ?? '',
    refAttrName: a.refAttrName ?? '',
    docString: a.docString ?? '',
    type: a.type ?? 0,
    f: a.f ?? 0,
    i: n64(a.i),
    s: a.s ?? EMPTY,
    t: a.t ? pbTensor(a.t) : undefined,
    g: a.g ? pbGraph(a.g) : undefined,
    floats: a.floats ?? [],
    ints: (a.ints ?? []).map(n64),
    strings: a.strings ?? [],
  };
}
function pbTensor(t: onnxProto.onnx.ITensorProto): P.TensorProto {
  return {
    dims: (t.dims ?? []).map(n64),
    dataType: t.dataType ?? 0,
    segment: t.segment ? { begin: n64(t.segment.begin), end: n64(t.segment.end) } : undefined,
    floatData: t.floatData ?? [],
    int32Data: t.int32Data ?? [],
    stringData: t.stringData ?? [],
    int64Data: words(t.int64Data),
    name: t.name ?? '',
    docString: t.docString ?? '',
    rawData: t.rawData ?? EMPTY,
    externalData: (t.externalData ?? []).map(pbEntry),
    dataLocation: t.dataLocation ?? 0,
    doubleData: t.doubleData ?? [],
    uint64Data: words(t.uint64Data),
  };
}
function pbValueInfo(v: onnxProto.onnx.IValueInfoProto): P.ValueInfoProto {
  const t = v.type;
  const kind = (x: unknown) => (x ? expect.any(Uint8Array) : undefined);
  const tt = t?.tensorType;
  return {
    name: v.name ?? '',
    docString: v.docString ?? '',
    type: t
      ? {
          tensorType: tt
            ? {
                elemType: tt.elemType ?? 0,
                shape: tt.shape
                  ? {
                      dim: (tt.shape.dim ?? []).map((d) => ({
                        ...(d.dimValue !== null && d.dimValue !== undefined ? { dimValue: n64(d.dimValue) } : {}),
                        ...(d.dimParam !== null && d.dimParam !== undefined ? { dimParam: d.dimParam } : {}),
                        denotation: d.denotation ?? '',
                      })),
                    }
                  : undefined,
              }
            : undefined,
          sequenceType: kind(t.sequenceType),
          mapType: kind(t.mapType),
          optionalType: kind(t.optionalType),
          sparseTensorType: kind(t.sparseTensorType),
          denotation: t.denotation ?? '',
        }
      : undefined,
  };
}

/** A comparable form: typed arrays as base64 of their bytes (bit-exact, fast), Maps as entry lists. */
function canon(v: unknown): unknown {
  if (v instanceof Map) return { map: [...v].map(([k, x]) => [k, canon(x)]) };
  if (ArrayBuffer.isView(v)) {
    const kind = v instanceof Uint8Array ? 'Uint8Array' : v.constructor.name; // onnx-proto's empty bytes are Buffers
    return { [kind]: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  }
  if (Array.isArray(v)) return v.map(canon);
  if (typeof v === 'object' && v !== null && !('asymmetricMatch' in v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canon(x)]));
  }
  return Object.is(v, -0) ? '-0' : v;
}
const sameIr = (a: Model, b: Model) => expect(canon(a)).toEqual(canon(b));

/** Structure only: these tests build models for the reader's sake, not valid ONNX (see validate/). */
const decode = (bytes: Uint8Array): Model => decodeModel(bytes, { validate: false });

function decodeError(bytes: Uint8Array, options: { validate?: boolean } = {}): TickmindError {
  try {
    decodeModel(bytes, options);
  } catch (err) {
    expect(err).toBeInstanceOf(TickmindError);
    return err as TickmindError;
  }
  throw new Error('decoded without an error');
}

/** Decoding fails with MODEL_DECODE, fast, without allocating much. */
function hostile(bytes: Uint8Array): TickmindError {
  const buffersBefore = process.memoryUsage().arrayBuffers;
  const start = performance.now();
  const err = decodeError(bytes);
  expect(performance.now() - start).toBeLessThan(250);
  expect(process.memoryUsage().arrayBuffers - buffersBefore).toBeLessThan(16 * 2 ** 20);
  expect(err.code, err.message).toBe('MODEL_DECODE');
  return err;
}

describe('every model file', () => {
  it('has fixtures to check', () => {
    expect(modelFiles.length).toBeGreaterThanOrEqual(8);
  });

  it.each(modelFiles.map((f) => [f.slice(ROOT.length + 1), f]))('%s: the reader yields what onnx-proto decodes', (_, file) => {
    const bytes = new Uint8Array(readFileSync(file));
    expect(canon(readModelProto(bytes))).toEqual(canon(pbModel(onnx.ModelProto.decode(bytes))));
  });

  it.each(modelFiles.map((f) => [f.slice(ROOT.length + 1), f]))(
    '%s: decodes the same in any encoding, and re-encodes losslessly',
    (_, file) => {
      const bytes = new Uint8Array(readFileSync(file));
      const ir = decodeModel(bytes);
      // protobufjs re-encodes packed, in field order: the IR must not depend on the encoding
      sameIr(decodeModel(onnx.ModelProto.encode(onnx.ModelProto.decode(bytes)).finish()), ir);
      const encoded = encodeModel(ir);
      sameIr(decodeModel(encoded), ir);
      // our writer's bytes read the same with onnx-proto, and are already in its canonical form
      expect(canon(pbModel(onnx.ModelProto.decode(encoded)))).toEqual(canon(readModelProto(encoded)));
      expect(Buffer.from(onnx.ModelProto.encode(onnx.ModelProto.decode(encoded)).finish()).equals(Buffer.from(encoded))).toBe(true);
    },
  );
});

describe('repeated fields', () => {
  const tensor = (body: Bytes) => model(reluGraph([], len(5, [...body, ...str(8, 'w')])));
  const values = [1.5, -2, 0, 3.25, 1e-3, 7];

  it('packed, unpacked and mixed encodings of dims and float_data read alike', () => {
    const packed = tensor([...len(1, [...varint(2), ...varint(3)]), ...vint(2, FLOAT), ...len(4, f32bytes(values))]);
    const unpacked = tensor([...vint(1, 2), ...vint(1, 3), ...vint(2, FLOAT), ...values.flatMap((v) => f32(4, v))]);
    const mixed = tensor([
      ...vint(1, 2),
      ...len(1, varint(3)),
      ...vint(2, FLOAT),
      ...len(4, f32bytes(values.slice(0, 2))),
      ...values.slice(2).flatMap((v) => f32(4, v)),
    ]);
    const expected = decode(packed).graph.initializers.get('w')!;
    expect(expected.dims).toEqual([2, 3]);
    expect(expected.data).toEqual(new Float32Array(values));
    for (const bytes of [unpacked, mixed]) {
      expect(decode(bytes).graph.initializers.get('w')).toEqual(expected);
      expect(canon(readModelProto(bytes))).toEqual(canon(pbModel(onnx.ModelProto.decode(bytes))));
    }
  });

  it('int64_data, int32_data and double_data both ways', () => {
    const i64 = [5n, -1n, 2n ** 40n];
    const a = tensor([...vint(1, 3), ...vint(2, 7), ...len(7, i64.flatMap(varint))]);
    const b = tensor([...vint(1, 3), ...vint(2, 7), ...i64.flatMap((v) => vint(7, v))]);
    expect(decode(a).graph.initializers.get('w')).toEqual(decode(b).graph.initializers.get('w'));
    const i32 = [-7, 0, 2 ** 31 - 1];
    const c = tensor([...vint(1, 3), ...vint(2, 6), ...len(5, i32.flatMap(varint))]);
    const d = tensor([...vint(1, 3), ...vint(2, 6), ...i32.flatMap((v) => vint(5, v))]);
    expect([...decode(c).graph.initializers.get('w')!.data]).toEqual(i32);
    expect(decode(d).graph.initializers.get('w')).toEqual(decode(c).graph.initializers.get('w'));
    const f64 = [Math.PI, -0.5, 1e300];
    const e = tensor([...vint(1, 3), ...vint(2, 11), ...len(10, [...new Uint8Array(new Float64Array(f64).buffer)])]);
    const f = tensor([
      ...vint(1, 3),
      ...vint(2, 11),
      ...f64.flatMap((v) => [...key(10, 1), ...new Uint8Array(new Float64Array([v]).buffer)]),
    ]);
    expect([...decode(e).graph.initializers.get('w')!.data]).toEqual(f64);
    expect(decode(f).graph.initializers.get('w')).toEqual(decode(e).graph.initializers.get('w'));
    for (const bytes of [a, b, c, d, e, f]) expect(canon(readModelProto(bytes))).toEqual(canon(pbModel(onnx.ModelProto.decode(bytes))));
  });

  it('attribute ints and floats both ways', () => {
    const packed = model(reluGraph([...attr('is', 7, len(8, [1, 2, 3].flatMap(varint))), ...attr('fs', 6, len(7, f32bytes([0.5, 2])))]));
    const unpacked = model(
      reluGraph([
        ...attr(
          'is',
          7,
          [1, 2, 3].flatMap((v) => vint(8, v)),
        ),
        ...attr('fs', 6, [...f32(7, 0.5), ...f32(7, 2)]),
      ]),
    );
    const attrs = decode(packed).graph.nodes[0]!.attrs;
    expect(attrs).toEqual({ is: [1, 2, 3], fs: [0.5, 2] });
    expect(decode(unpacked).graph.nodes[0]!.attrs).toEqual(attrs);
  });

  it('a packed fixed32 run that is not a multiple of 4 bytes is refused', () => {
    const err = hostile(tensor([...vint(1, 1), ...vint(2, FLOAT), ...len(4, [0, 0, 0])]));
    expect(err.location.field).toBe('TensorProto.float_data');
  });
});

describe('unknown fields', () => {
  // one of every wire type, a group with a nested group inside
  const unknown: Bytes = [
    ...vint(100, 123456789),
    ...key(101, 1),
    ...[1, 2, 3, 4, 5, 6, 7, 8],
    ...len(102, [9, 9, 9]),
    ...key(103, 3),
    ...vint(1, 7),
    ...len(2, [1, 2]),
    ...key(4, 3),
    ...key(4, 4),
    ...key(103, 4),
    ...key(104, 5),
    ...[1, 2, 3, 4],
  ];

  it('are skipped in every message, whatever their wire type', () => {
    const clean = model(
      reluGraph([...attr('k', 2, vint(3, 4))], len(5, [...vint(1, 1), ...vint(2, FLOAT), ...len(4, f32bytes([1])), ...str(8, 'w')])),
    );
    const noisy = new Uint8Array([
      ...vint(1, 8),
      ...unknown,
      ...len(8, [...str(1, ''), ...unknown, ...vint(2, 17)]),
      ...len(7, [
        ...unknown,
        ...len(1, [
          ...str(1, 'x'),
          ...unknown,
          ...str(2, 'y'),
          ...str(4, 'Relu'),
          ...len(5, [...str(1, 'k'), ...unknown, ...vint(3, 4), ...vint(20, 2)]),
        ]),
        ...len(11, [
          ...str(1, 'x'),
          ...unknown,
          ...len(2, [
            ...unknown,
            ...len(1, [...vint(1, FLOAT), ...unknown, ...len(2, [...unknown, ...len(1, [...unknown, ...vint(1, 2)])])]),
          ]),
        ]),
        ...len(12, valueInfo('y', FLOAT, [2])),
        ...len(5, [...vint(1, 1), ...unknown, ...vint(2, FLOAT), ...len(4, f32bytes([1])), ...str(8, 'w')]),
        // known fields tickmind skips: sparse_initializer, training_info
        ...len(15, [...len(1, [])]),
      ]),
      ...len(20, [1, 2, 3]),
    ]);
    sameIr(decode(noisy), decode(clean));
  });

  it('a group closed by the wrong field, and a stray end-group, are refused', () => {
    hostile(model(reluGraph([...key(50, 3), ...vint(1, 1), ...key(51, 4)])));
    hostile(model(reluGraph([...key(50, 4)])));
    hostile(model(reluGraph([...key(50, 3), ...vint(1, 1)]))); // never closed
  });

  it('a known field with the wrong wire type is refused, naming it', () => {
    const err = hostile(model(reluGraph([...vint(4, 3)])));
    expect(err.location.field).toBe('NodeProto.op_type');
  });
});

describe('int64 values', () => {
  const edges = [0n, 1n, 127n, 128n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n];
  const all = [...edges, ...edges.map((v) => -v - 1n)];

  it('attribute ints read as the nearest double, as onnx-proto (Long.toNumber) gave them', () => {
    const bytes = model(
      reluGraph([
        ...attr(
          'is',
          7,
          all.flatMap((v) => vint(8, v)),
        ),
        ...attr('i', 2, vint(3, 2n ** 63n - 1n)),
      ]),
    );
    const attrs = decode(bytes).graph.nodes[0]!.attrs;
    expect(attrs['is']).toEqual(all.map(Number));
    expect(attrs['i']).toBe(2 ** 63);
    expect(canon(readModelProto(bytes))).toEqual(canon(pbModel(onnx.ModelProto.decode(bytes))));
  });

  it('int64_data is kept exactly, even past 2^53', () => {
    const bytes = model(reluGraph([], len(5, [...vint(1, all.length), ...vint(2, 7), ...all.flatMap((v) => vint(7, v)), ...str(8, 'w')])));
    const data = decode(bytes).graph.initializers.get('w')!.data;
    const read = all.map((_, i) => (BigInt(data[2 * i + 1]!) << 32n) + BigInt(data[2 * i]! >>> 0));
    expect(read).toEqual(all);
  });

  it('non-minimal and ten-byte varints read right; an int32 field takes the low 32 bits', () => {
    const nonMinimal = [0x81, 0x80, 0x80, 0x00]; // 1 in four bytes
    const bytes = model(reluGraph([...attr('a', 2, [...key(3, 0), ...nonMinimal]), ...attr('b', 2, vint(3, 2n ** 32n))]));
    expect(decode(bytes).graph.nodes[0]!.attrs).toEqual({ a: 1, b: 2 ** 32 });
    const i32 = model(reluGraph([], len(5, [...vint(1, 1), ...vint(2, 6), ...vint(5, -5), ...str(8, 'w')])));
    expect([...decode(i32).graph.initializers.get('w')!.data]).toEqual([-5]);
  });

  it('the writer encodes negative and large int64s as protobuf does', () => {
    const values = [-1, -(2 ** 31), 2 ** 31, -(2 ** 53), 2 ** 53, 0, 300];
    const ir = decode(model(reluGraph()));
    ir.graph.nodes[0]!.attrs['vals'] = values;
    ir.graph.nodes[0]!.attrs['axis'] = -1;
    const bytes = encodeModel(ir);
    const pb = onnx.ModelProto.decode(bytes).graph!.node![0]!.attribute!;
    expect(pb.find((a) => a.name === 'vals')!.ints!.map((v) => String(v))).toEqual(values.map(String));
    expect(String(pb.find((a) => a.name === 'axis')!.i)).toBe('-1');
    expect(decode(bytes).graph.nodes[0]!.attrs).toEqual({ vals: values, axis: -1 });
  });
});

describe('hostile bytes: a coded MODEL_DECODE error, fast, with no big allocation', () => {
  it('a length prefix of 2^31 in a 20-byte buffer', () => {
    const bytes = new Uint8Array(20);
    bytes.set([...key(7, 2), ...varint(2 ** 31)]);
    const err = hostile(bytes);
    expect(err.location.field).toBe('ModelProto.graph');
    expect(err.message).toContain('2147483648');
  });

  it('a 10-byte varint whose last byte still has the continuation bit', () => {
    hostile(new Uint8Array([...key(1, 0), ...new Array(10).fill(0xff), 0x01]));
    hostile(new Uint8Array([...key(1, 0), ...new Array(10).fill(0xff)]));
  });

  it('a truncated varint', () => {
    hostile(new Uint8Array([...key(1, 0), 0x80, 0x80]));
  });

  it('wire types 6 and 7, and field number 0', () => {
    hostile(new Uint8Array([...key(1, 7), 0, 0, 0, 0]));
    hostile(new Uint8Array([...key(9, 6), 0, 0, 0, 0]));
    hostile(new Uint8Array([...key(0, 0), 0]));
  });

  it('a truncated embedded message', () => {
    const good = model(reluGraph());
    for (const cut of [good.length - 1, good.length - 5, 12]) hostile(good.subarray(0, cut));
    // a node that claims more bytes than its graph holds, though the file has them
    const err = hostile(model([...key(1, 2), ...varint(40), ...str(4, 'Relu')], new Array(64).fill(0)));
    expect(err.location.field).toBe('GraphProto.node');
  });

  it('a graph nested 100 levels deep in If attributes', () => {
    const nested = (levels: number): Uint8Array => {
      let g: Bytes = [...len(1, [...str(1, 'x'), ...str(2, 'y'), ...str(4, 'Relu')]), ...len(12, valueInfo('y', FLOAT, [2]))];
      for (let i = 0; i < levels; i++) {
        const node = [
          ...str(1, 'c'),
          ...str(2, 'y'),
          ...str(4, 'If'),
          ...attr('then_branch', 5, len(6, g)),
          ...attr('else_branch', 5, len(6, [])),
        ];
        g = [...len(1, node), ...len(12, valueInfo('y', FLOAT, [2]))];
      }
      return model([...g, ...len(11, valueInfo('c', BOOL, [])), ...len(11, valueInfo('x', FLOAT, [2]))]);
    };
    expect(hostile(nested(100)).message).toContain('nested more than 100 deep');
    let depth = 0;
    for (let g = decode(nested(20)).graph; g.nodes[0]!.op === 'If'; depth++) {
      g = (g.nodes[0]!.attrs['then_branch'] as { graph: Model['graph'] }).graph;
    }
    expect(depth).toBe(20);
  });

  it('a repeated field declaring 10^9 packed elements', () => {
    const floats = [...key(4, 2), ...varint(4e9), 0, 0, 0, 0];
    expect(hostile(model(reluGraph([], len(5, [...vint(2, FLOAT), ...floats])))).message).toContain('4000000000');
    const dims = [...key(1, 2), ...varint(1e9), 1, 1];
    expect(hostile(model(reluGraph([], len(5, dims)))).location.field).toBe('TensorProto.dims');
  });

  it('dims are checked against the data before the tensor is allocated', () => {
    // 2^24 float64 elements (128 MiB, the most one tensor may hold) declared by a 60-byte file: refused without allocating
    const bytes = model(reluGraph([], len(5, [...vint(1, 2 ** 24), ...vint(2, 11), ...str(8, 'w')])));
    const before = process.memoryUsage().arrayBuffers;
    const err = decodeError(bytes, { validate: false });
    expect(err.code).toBe('MODEL_INVALID');
    expect(err.message).toContain('initializer w');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 2 ** 20);
  });

  it('mutated models: always a TickmindError, never a RangeError or TypeError', () => {
    const good = buildModel({
      inputs: [{ name: 'x', type: 'float32', dims: ['n', 4] }],
      outputs: [{ name: 'y', type: 'float32', dims: ['n', 4] }],
      initializers: [{ name: 'b', type: 'float32', dims: [4], values: [1, 2, 3, 4] }],
      nodes: [
        { op: 'Add', inputs: ['x', 'b'], outputs: ['s'] },
        { op: 'Softmax', inputs: ['s'], outputs: ['y'], attrs: { axis: -1 } },
      ],
    });
    const rng = new Rng(11);
    for (let trial = 0; trial < 500; trial++) {
      const bytes = good.slice();
      for (let k = 1 + rng.int(4); k > 0; k--) bytes[rng.int(bytes.length)] = rng.int(256);
      const cut = rng.int(4) === 0 ? bytes.subarray(0, 1 + rng.int(bytes.length)) : bytes;
      try {
        decodeModel(cut);
      } catch (err) {
        expect(err, String(err)).toBeInstanceOf(TickmindError);
      }
    }
  });
});

describe('published declarations', () => {
  it('name no third-party package: no onnx-proto, protobufjs or Long types in the .d.ts of tickmind/inference', () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      join(ROOT, 'tsconfig.build.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    )!;
    const program = ts.createProgram({
      rootNames: [join(ROOT, 'sdk', 'inference', 'index.ts')],
      options: { ...config.options, declaration: true, emitDeclarationOnly: true, declarationMap: false, sourceMap: false, noEmit: false },
    });
    const emitted = new Map<string, string>();
    const result = program.emit(undefined, (name, text) => emitted.set(name, text));
    expect(result.diagnostics).toEqual([]);
    expect([...emitted.keys()].some((f) => f.endsWith('onnx/decode.d.ts'))).toBe(true);
    for (const [file, text] of emitted) {
      const info = ts.preProcessFile(text, true, true);
      const external = info.importedFiles.map((f) => f.fileName).filter((f) => !f.startsWith('.'));
      expect(external, file).toEqual([]);
      expect(info.typeReferenceDirectives, file).toEqual([]);
      expect(text, file).not.toMatch(/onnx-proto|protobufjs|\bLong\b/);
    }
  }, 60_000);
});
