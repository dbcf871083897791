/**
 * If and Loop: lowered at load when their condition or trip count is constant (then native,
 * checked against onnxruntime-web running the original graph), left to onnxruntime-web otherwise.
 */
import { describe, expect, it } from 'vitest';
import { chooseBackend, createSession, NativeSession, OrtSession } from '../../sdk/inference/index.js';
import { buildModel, type GraphSpec, type InitSpec, type ModelSpec } from '../helpers/onnx-builder.js';

const x = new Float32Array([1, -2, 3, 0.5, -1.5, 2]);
const feeds = { x: { data: x, dims: [2, 3] } };
const bool = (name: string, value: boolean): InitSpec => ({ name, type: 'int32', dims: [], values: [value ? 1 : 0] });

/** then: x * 2 (a branch initializer); else: x + x's outer neighbour `shift` (an outer value). */
function ifModel(cond: 'constant-true' | 'constant-false' | 'computed' | 'input'): ModelSpec {
  const thenBranch: GraphSpec = {
    inputs: [],
    outputs: [{ name: 'then_y', type: 'float32', dims: [2, 3] }],
    initializers: [{ name: 'two', type: 'float32', dims: [], values: [2] }],
    nodes: [{ op: 'Mul', inputs: ['x', 'two'], outputs: ['then_y'] }],
  };
  const elseBranch: GraphSpec = {
    inputs: [],
    outputs: [{ name: 'else_y', type: 'float32', dims: [2, 3] }],
    nodes: [{ op: 'Add', inputs: ['x', 'shift'], outputs: ['else_y'] }],
  };
  const spec: ModelSpec = {
    opset: 13,
    inputs: [{ name: 'x', type: 'float32', dims: [2, 3] }, ...(cond === 'input' ? [{ name: 'c', type: 'bool' as const, dims: [] }] : [])],
    outputs: [{ name: 'y', type: 'float32', dims: [2, 3] }],
    initializers: [
      { name: 'shift', type: 'float32', dims: [3], values: [10, 20, 30] },
      ...(cond === 'computed'
        ? [
            { name: 'a', type: 'float32' as const, dims: [], values: [1] },
            { name: 'b', type: 'float32' as const, dims: [], values: [2] },
          ]
        : []),
    ],
    nodes: [
      ...(cond === 'computed' ? [{ op: 'Greater', inputs: ['a', 'b'], outputs: ['c'] }] : []),
      ...(cond === 'constant-true' || cond === 'constant-false'
        ? [{ op: 'Cast', inputs: ['flag'], outputs: ['c'], attrs: { to: 9 } }]
        : []),
      { op: 'If', inputs: ['c'], outputs: ['y'], attrs: { then_branch: { graph: thenBranch }, else_branch: { graph: elseBranch } } },
    ],
  };
  if (cond === 'constant-true' || cond === 'constant-false') spec.initializers!.push(bool('flag', cond === 'constant-true'));
  return spec;
}

const doubled = Array.from(x, (v) => v * 2);
const shifted = Array.from(x, (v, i) => v + [10, 20, 30][i % 3]!);

describe('If', () => {
  it.each([
    ['constant-true', doubled],
    ['constant-false', shifted],
    ['computed', shifted],
  ] as const)('a %s condition folds at load: the taken branch runs natively, as onnxruntime-web runs the If', async (cond, want) => {
    const bytes = buildModel(ifModel(cond));
    expect(chooseBackend(bytes).backend).toBe('native');
    const native = NativeSession.create(bytes);
    expect(native.passes.controlFlow).toBe(1);
    expect(Array.from(native.runSync(feeds).y!.data as Float32Array)).toEqual(want.map(Math.fround));
    const ort = await OrtSession.create(bytes);
    expect(Array.from((await ort.run(feeds)).y!.data as Float32Array)).toEqual(want.map(Math.fround));
    await ort.dispose();
  });

  it('a condition known only at run time stays an If: auto runs it on onnxruntime-web, native names it', async () => {
    const bytes = buildModel(ifModel('input'));
    expect(chooseBackend(bytes)).toMatchObject({ backend: 'ort', unsupportedOps: ['If'] });
    expect(() => NativeSession.create(bytes, { file: 'branchy.onnx' })).toThrow(/native backend does not support: If/);
    const session = await createSession(bytes, { backend: 'auto' });
    expect(session.backend).toBe('ort');
    for (const [c, want] of [
      [1, doubled],
      [0, shifted],
    ] as const) {
      const out = await session.run({ ...feeds, c: { data: new Uint8Array([c]), dims: [] } });
      expect(Array.from(out.y!.data as Float32Array)).toEqual(want.map(Math.fround));
    }
    await session.dispose();
  });
});

/** Loop M times: acc = acc * 0.5 + iteration (carried), and each iteration's acc as a scan output. */
function loopModel(trips: number, condFromInput = false): ModelSpec {
  const body: GraphSpec = {
    inputs: [
      { name: 'i', type: 'int64', dims: [] },
      { name: 'cond_in', type: 'bool', dims: [] },
      { name: 'acc_in', type: 'float32', dims: [2, 3] },
    ],
    outputs: [
      { name: 'cond_in', type: 'bool', dims: [] },
      { name: 'acc_out', type: 'float32', dims: [2, 3] },
      { name: 'scan', type: 'float32', dims: [2, 3] },
    ],
    initializers: [{ name: 'half', type: 'float32', dims: [], values: [0.5] }],
    nodes: [
      { op: 'Cast', inputs: ['i'], outputs: ['fi'], attrs: { to: 1 } },
      { op: 'Mul', inputs: ['acc_in', 'half'], outputs: ['scaled'] },
      { op: 'Add', inputs: ['scaled', 'fi'], outputs: ['acc_out'] },
      { op: 'Identity', inputs: ['acc_out'], outputs: ['scan'] },
    ],
  };
  return {
    opset: 13,
    inputs: [{ name: 'x', type: 'float32', dims: [2, 3] }, ...(condFromInput ? [{ name: 'go', type: 'bool' as const, dims: [] }] : [])],
    outputs: [
      { name: 'final', type: 'float32', dims: [2, 3] },
      { name: 'all', type: 'float32', dims: [trips, 2, 3] },
    ],
    initializers: [
      { name: 'M', type: 'int64', dims: [], values: [trips] },
      { name: 'yes', type: 'int32', dims: [], values: [1] },
    ],
    nodes: [
      ...(condFromInput ? [] : [{ op: 'Cast', inputs: ['yes'], outputs: ['go'], attrs: { to: 9 } }]),
      { op: 'Loop', inputs: ['M', 'go', 'x'], outputs: ['final', 'all'], attrs: { body: { graph: body } } },
    ],
  };
}

describe('Loop', () => {
  it('a constant trip count unrolls at load; final and scan outputs match onnxruntime-web', async () => {
    const bytes = buildModel(loopModel(4));
    const native = NativeSession.create(bytes);
    expect(native.passes.controlFlow).toBe(1);
    const got = native.runSync(feeds);
    let acc = Array.from(x);
    const all: number[] = [];
    for (let i = 0; i < 4; i++) {
      acc = acc.map((v) => Math.fround(Math.fround(v * 0.5) + i));
      all.push(...acc);
    }
    expect(Array.from(got.final!.data as Float32Array)).toEqual(acc);
    expect(got.all!.dims).toEqual([4, 2, 3]);
    expect(Array.from(got.all!.data as Float32Array)).toEqual(all);
    const ort = await OrtSession.create(bytes);
    const want = await ort.run(feeds);
    expect(Array.from(want.all!.data as Float32Array)).toEqual(all);
    await ort.dispose();
  });

  it('a condition from the inputs keeps the Loop for onnxruntime-web', () => {
    expect(chooseBackend(buildModel(loopModel(3, true)))).toMatchObject({ backend: 'ort', unsupportedOps: ['Loop'] });
  });
});
