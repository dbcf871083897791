/** Bad input gets its own clear TickmindError, naming what and where; never a crash or a hang. */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../sdk/core/index.js';
import { createSession, decodeModel, NativeSession, OrtSession, type TensorInput } from '../../sdk/inference/index.js';
import { fixtureBytes, fixtures } from '../helpers/fixtures.js';
import { buildModel, type ModelSpec } from '../helpers/onnx-builder.js';

const { onnx } = onnxProto;
const mlp = fixtures().find((f) => f.name.startsWith('mlp'))!;
const transformer = fixtures().find((f) => f.name === 'transformer_d64_l2')!;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

const identity: ModelSpec = {
  inputs: [{ name: 'x', type: 'float32', dims: ['n', 2] }],
  outputs: [{ name: 'y', type: 'float32', dims: ['n', 2] }],
  nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
};

describe('bad model files', () => {
  it('empty bytes', () => {
    expect(codeOf(() => decodeModel(new Uint8Array(0)))).toBe('MODEL_DECODE');
  });

  it('a truncated file names the file', () => {
    const bytes = fixtureBytes(mlp);
    const cut = bytes.subarray(0, Math.floor(bytes.length / 2));
    expect(codeOf(() => decodeModel(cut, { file: 'half.onnx' }))).toBe('MODEL_DECODE');
    expect(messageOf(() => decodeModel(cut, { file: 'half.onnx' }))).toContain('half.onnx');
  });

  it('random bytes never crash or hang: always a TickmindError', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 200; trial++) {
      const bytes = new Uint8Array(1 + rng.int(4096));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      const code = codeOf(() => decodeModel(bytes));
      expect(['MODEL_DECODE', 'MODEL_INVALID', 'OPSET_UNSUPPORTED', 'MODEL_LIMIT', 'DTYPE_MISMATCH', 'SHAPE_MISMATCH']).toContain(code);
    }
  });

  it('an opset outside 13–18: the native backend refuses it, auto leaves it to onnxruntime', async () => {
    const bytes = buildModel({ ...identity, opset: 9 });
    expect(codeOf(() => NativeSession.create(bytes))).toBe('OPSET_UNSUPPORTED');
    const session = await createSession(bytes, { backend: 'auto' });
    expect(session.backend).toBe('ort');
    await session.dispose();
    expect(codeOf(() => decodeModel(buildModel({ ...identity, opset: 0 })))).toBe('OPSET_UNSUPPORTED');
  });

  it('a node input defined nowhere names the node and the input', () => {
    const bad = buildModel({ ...identity, nodes: [{ op: 'Add', inputs: ['x', 'ghost'], outputs: ['y'], name: 'the_add' }] });
    expect(codeOf(() => decodeModel(bad))).toBe('MODEL_INVALID');
    expect(messageOf(() => decodeModel(bad))).toMatch(/ghost.*the_add.*input\[1\]/);
  });

  it('an initializer whose raw data has the wrong size names the initializer', () => {
    const model = onnx.ModelProto.decode(buildModel({ ...identity, nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }] }));
    model.graph!.initializer = [{ name: 'w', dataType: 1, dims: [2], rawData: new Uint8Array(12) }];
    const bytes = onnx.ModelProto.encode(model).finish();
    expect(codeOf(() => decodeModel(bytes))).toBe('MODEL_INVALID');
    expect(messageOf(() => decodeModel(bytes))).toContain('initializer w');
  });

  it('external data is refused without following the path', () => {
    const model = onnx.ModelProto.decode(buildModel(identity));
    model.graph!.initializer = [
      {
        name: 'w',
        dataType: 1,
        dims: [2],
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [{ key: 'location', value: '/etc/passwd' }],
      },
    ];
    const bytes = onnx.ModelProto.encode(model).finish();
    expect(codeOf(() => decodeModel(bytes))).toBe('MODEL_EXTERNAL_DATA');
  });

  it('an unsupported element type names the value', () => {
    const model = onnx.ModelProto.decode(buildModel(identity));
    model.graph!.input![0]!.type!.tensorType!.elemType = onnx.TensorProto.DataType.STRING;
    const bytes = onnx.ModelProto.encode(model).finish();
    expect(codeOf(() => decodeModel(bytes))).toBe('DTYPE_MISMATCH');
    expect(messageOf(() => decodeModel(bytes))).toContain('STRING');
  });

  it('a negative dimension is an unknown one, as onnxruntime reads it', () => {
    const model = onnx.ModelProto.decode(buildModel(identity));
    model.graph!.input![0]!.type!.tensorType!.shape!.dim![1] = { dimValue: -3 };
    expect(decodeModel(onnx.ModelProto.encode(model).finish()).graph.inputs[0]!.dims).toEqual(['n', 'x_dim1']);
  });

  it('size limits', () => {
    expect(codeOf(() => decodeModel(fixtureBytes(mlp), { limits: { maxNodes: 2 } }))).toBe('MODEL_LIMIT');
    expect(codeOf(() => decodeModel(fixtureBytes(mlp), { limits: { maxBytes: 1000 } }))).toBe('MODEL_LIMIT');
    expect(codeOf(() => decodeModel(fixtureBytes(mlp), { limits: { maxElements: 100 } }))).toBe('MODEL_LIMIT');
  });

  it('an impossible Reshape of fixed shapes is refused at load, naming the node', () => {
    const bad = buildModel({
      inputs: [{ name: 'x', type: 'float32', dims: [2, 3] }],
      outputs: [{ name: 'y', type: 'float32', dims: [4, 2] }],
      initializers: [{ name: 'shape', type: 'int64', dims: [2], values: [4, 2] }],
      nodes: [{ op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'], name: 'bad_reshape' }],
    });
    const create = () => NativeSession.create(bad, { file: 'r.onnx' });
    expect(codeOf(create)).toBe('SHAPE_MISMATCH');
    expect(messageOf(create)).toMatch(/bad_reshape.*r\.onnx/);
  });

  it('an impossible Reshape of a symbolic shape fails when planning, naming the node', () => {
    const bad = buildModel({
      inputs: [{ name: 'x', type: 'float32', dims: ['n', 3] }],
      outputs: [{ name: 'y', type: 'float32', dims: [4, 2] }],
      initializers: [{ name: 'shape', type: 'int64', dims: [2], values: [4, 2] }],
      nodes: [{ op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'], name: 'bad_reshape' }],
    });
    const s = NativeSession.create(bad, { file: 'r.onnx' });
    const run = () => s.runSync({ x: { data: new Float32Array(6), dims: [2, 3] } });
    expect(codeOf(run)).toBe('SHAPE_MISMATCH');
    expect(messageOf(run)).toMatch(/bad_reshape.*r\.onnx/);
  });
});

describe('bad feeds', () => {
  const session = NativeSession.create(fixtureBytes(mlp));
  const good: TensorInput = { data: new Float32Array(2 * 200), dims: [2, 200] };

  it('a missing feed', () => {
    expect(codeOf(() => session.runSync({}))).toBe('FEED_MISSING');
    expect(messageOf(() => session.runSync({}))).toContain("'obs'");
  });

  it('an unknown feed', () => {
    expect(codeOf(() => session.runSync({ obs: good, extra: good }))).toBe('FEED_UNKNOWN');
  });

  it('the wrong dtype', () => {
    expect(codeOf(() => session.runSync({ obs: { data: new Float64Array(400), dims: [2, 200] } }))).toBe('DTYPE_MISMATCH');
  });

  it('wrong dims: fixed axis, rank, element count', () => {
    expect(messageOf(() => session.runSync({ obs: { data: new Float32Array(2 * 199), dims: [2, 199] } }))).toMatch(
      /axis 1 is 199.*requires 200/,
    );
    expect(codeOf(() => session.runSync({ obs: { data: new Float32Array(400), dims: [400] } }))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => session.runSync({ obs: { data: new Float32Array(10), dims: [2, 200] } }))).toBe('SHAPE_MISMATCH');
  });

  it('a symbolic dim bound to two values across inputs', () => {
    const s = NativeSession.create(fixtureBytes(transformer));
    const run = () =>
      s.runSync({ tokens: { data: new Float32Array(2 * 240), dims: [2, 10, 24] }, mask: { data: new Uint8Array(30), dims: [3, 10] } });
    expect(codeOf(run)).toBe('SHAPE_MISMATCH');
    expect(messageOf(run)).toMatch(/'batch'/);
  });

  it('the ort backend reports missing feeds the same way', async () => {
    const s = await OrtSession.create(fixtureBytes(mlp));
    await expect(s.run({})).rejects.toMatchObject({ code: 'FEED_MISSING' });
    await s.dispose();
  });

  it('a bad call leaves the session usable', () => {
    expect(codeOf(() => session.runSync({}))).toBe('FEED_MISSING');
    expect(session.runSync({ obs: good }).logits!.dims).toEqual([2, 32]);
  });
});
