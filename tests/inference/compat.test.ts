/**
 * Compatibility (issue 20): valid ONNX that onnxruntime runs must run under `auto`. Subgraph values
 * may leave their type to inference (the widely used on-device models with If branches do), graph
 * outputs too; what the native backend cannot run goes to onnxruntime instead of being refused.
 */
import { describe, expect, it } from 'vitest';
import { chooseBackend, createSession, decodeModel, NativeSession, OrtSession } from '../../sdk/inference/index.js';
import { buildModel, type GraphSpec, type ModelSpec } from '../helpers/onnx-builder.js';

const x = new Float32Array([1, -2, 3, 0.5, -1.5, 2]);
const feeds = { x: { data: x, dims: [2, 3] } };

/** then: Relu(x) * 2; else: Neg(x). Branch outputs and their intermediates carry no type. */
function untypedIf(cond: 'input' | 'constant'): ModelSpec {
  const thenBranch: GraphSpec = {
    inputs: [],
    outputs: [{ name: 'then_y', type: 'float32', dims: [], untyped: true }],
    initializers: [{ name: 'two', type: 'float32', dims: [], values: [2] }],
    nodes: [
      { op: 'Relu', inputs: ['x'], outputs: ['then_r'] },
      { op: 'Mul', inputs: ['then_r', 'two'], outputs: ['then_y'] },
    ],
  };
  const elseBranch: GraphSpec = {
    inputs: [],
    outputs: [{ name: 'else_y', type: 'float32', dims: [], untyped: true }],
    nodes: [{ op: 'Neg', inputs: ['x'], outputs: ['else_y'] }],
  };
  return {
    opset: 17,
    inputs: [{ name: 'x', type: 'float32', dims: ['n', 3] }, ...(cond === 'input' ? [{ name: 'c', type: 'bool' as const, dims: [] }] : [])],
    outputs: [{ name: 'y', type: 'float32', dims: ['n', 3] }],
    initializers: cond === 'constant' ? [{ name: 'c', type: 'int32', dims: [], values: [1] }] : [],
    nodes: [
      ...(cond === 'constant' ? [{ op: 'Cast', inputs: ['c'], outputs: ['cb'], attrs: { to: 9 } }] : []),
      {
        op: 'If',
        name: 'If_4',
        inputs: [cond === 'constant' ? 'cb' : 'c'],
        outputs: ['y'],
        attrs: { then_branch: { graph: thenBranch }, else_branch: { graph: elseBranch } },
      },
    ],
  };
}

const relu2 = Array.from(x, (v) => Math.max(v, 0) * 2);
const neg = Array.from(x, (v) => -v);

describe('values whose type the file leaves to inference', () => {
  it('an If whose branch outputs have empty types decodes, with the types inferred', () => {
    const model = decodeModel(buildModel(untypedIf('input')));
    const branch = model.graph.nodes[0]!.attrs.then_branch as { graph: { outputs: { dtype: string; typed?: boolean }[] } };
    expect(branch.graph.outputs[0]).toMatchObject({ dtype: 'float32', typed: false });
  });

  it('with a runtime condition: auto runs it on onnxruntime-web, with the values onnxruntime gives', async () => {
    const bytes = buildModel(untypedIf('input'));
    expect(chooseBackend(bytes)).toMatchObject({ backend: 'ort', unsupportedOps: ['If'] });
    const session = await createSession(bytes, { backend: 'auto' });
    expect(session.backend).toBe('ort');
    for (const [c, want] of [
      [1, relu2],
      [0, neg],
    ] as const) {
      const out = await session.run({ ...feeds, c: { data: new Uint8Array([c]), dims: [] } });
      expect(Array.from(out.y!.data as Float32Array)).toEqual(want.map(Math.fround));
    }
    await session.dispose();
  });

  it('with a constant condition: the branch is inlined and runs natively, as onnxruntime-web runs the If', async () => {
    const bytes = buildModel(untypedIf('constant'));
    expect(chooseBackend(bytes).backend).toBe('native');
    const native = await createSession(bytes, { backend: 'auto' });
    expect(native.backend).toBe('native');
    expect(Array.from((await native.run(feeds)).y!.data as Float32Array)).toEqual(relu2.map(Math.fround));
    const ort = await OrtSession.create(bytes);
    expect(Array.from((await ort.run(feeds)).y!.data as Float32Array)).toEqual(relu2.map(Math.fround));
    await ort.dispose();
    await native.dispose();
  });

  it('branches whose inferred types differ are refused, as onnxruntime refuses them', () => {
    const spec = untypedIf('input');
    const ifNode = spec.nodes.at(-1)!;
    const elseBranch = (ifNode.attrs!.else_branch as { graph: GraphSpec }).graph;
    elseBranch.nodes = [{ op: 'Shape', inputs: ['x'], outputs: ['else_y'] }];
    expect(() => decodeModel(buildModel(spec))).toThrow(/then_branch but int64 in else_branch/);
  });

  it('a graph output without a type takes the type its node produces', () => {
    const model = decodeModel(
      buildModel({
        inputs: [{ name: 'x', type: 'float32', dims: ['n', 3] }],
        outputs: [{ name: 'y', type: 'float32', dims: [], untyped: true }],
        nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['y'] }],
      }),
    );
    expect(model.graph.outputs[0]).toMatchObject({ dtype: 'int64', typed: false });
    expect(
      NativeSession.create(
        buildModel({
          inputs: [{ name: 'x', type: 'float32', dims: [2] }],
          outputs: [{ name: 'y', type: 'float32', dims: [], untyped: true }],
          nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
        }),
      ).outputs[0]!.dtype,
    ).toBe('float32');
  });
});

describe('what the native backend cannot run goes to onnxruntime under auto', () => {
  const cases: [string, ModelSpec][] = [
    [
      'a cast to float16 and back',
      {
        inputs: [{ name: 'x', type: 'float32', dims: [2, 3] }],
        outputs: [{ name: 'y', type: 'float32', dims: [2, 3] }],
        nodes: [
          { op: 'Cast', inputs: ['x'], outputs: ['h'], attrs: { to: 10 } },
          { op: 'Cast', inputs: ['h'], outputs: ['y'], attrs: { to: 1 } },
        ],
      },
    ],
    [
      'cubic Resize',
      {
        inputs: [{ name: 'x', type: 'float32', dims: [1, 1, 2, 3] }],
        outputs: [{ name: 'y', type: 'float32', dims: [1, 1, 4, 6] }],
        initializers: [{ name: 'scales', type: 'float32', dims: [4], values: [1, 1, 2, 2] }],
        nodes: [{ op: 'Resize', inputs: ['x', '', 'scales'], outputs: ['y'], attrs: { mode: 'cubic' } }],
      },
    ],
    [
      'an operator of opset 19 (outside the native backend’s 13–18)',
      {
        opset: 19,
        inputs: [{ name: 'x', type: 'float32', dims: [2, 3] }],
        outputs: [{ name: 'y', type: 'float32', dims: [2, 3] }],
        nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      },
    ],
  ];

  it.each(cases)('%s', async (_, spec) => {
    const bytes = buildModel(spec);
    expect(() => NativeSession.create(bytes)).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/OP_UNSUPPORTED|OPSET_UNSUPPORTED/) }),
    );
    expect(chooseBackend(bytes).backend).toBe('ort');
    const session = await createSession(bytes, { backend: 'auto' });
    expect(session.backend).toBe('ort');
    const input = spec.inputs[0]!;
    const dims = input.dims as number[];
    const out = await session.run({ x: { data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5), dims } });
    expect(out.y!.dims).toEqual(spec.outputs[0]!.dims);
    await session.dispose();
  });
});

describe('file layouts onnxruntime accepts', () => {
  it('nodes out of topological order are sorted, a cycle is refused', () => {
    const model = decodeModel(
      buildModel({
        inputs: [{ name: 'x', type: 'float32', dims: [2] }],
        outputs: [{ name: 'y', type: 'float32', dims: [2] }],
        nodes: [
          { op: 'Neg', inputs: ['t'], outputs: ['y'] },
          { op: 'Relu', inputs: ['x'], outputs: ['t'] },
        ],
      }),
    );
    expect(model.graph.nodes.map((n) => n.op)).toEqual(['Relu', 'Neg']);
    expect(() =>
      decodeModel(
        buildModel({
          inputs: [{ name: 'x', type: 'float32', dims: [2] }],
          outputs: [{ name: 'y', type: 'float32', dims: [2] }],
          nodes: [
            { op: 'Add', inputs: ['x', 'u'], outputs: ['y'] },
            { op: 'Neg', inputs: ['y'], outputs: ['u'] },
          ],
        }),
      ),
    ).toThrow(/cycle/);
  });

  it('ConstantOfShape reads an initializer of any rank as its dims, and refuses a computed shape that is not 1-D (fuzz seed 7, #2655)', async () => {
    const spec = (computed: boolean): ModelSpec => ({
      inputs: [{ name: 'x', type: 'float32', dims: [1] }],
      outputs: [{ name: 'y', type: 'float32', dims: [], unranked: true }],
      initializers: [{ name: 's', type: 'int64', dims: [1, 2], values: [2, 3] }],
      nodes: [
        ...(computed ? [{ op: 'Identity', inputs: ['s'], outputs: ['s1'] }] : []),
        { op: 'ConstantOfShape', inputs: [computed ? 's1' : 's'], outputs: ['c'] },
        { op: 'Add', inputs: ['c', 'x'], outputs: ['y'] },
      ],
    });
    const one = { x: { data: new Float32Array([1]), dims: [1] } };
    const native = NativeSession.create(buildModel(spec(false)));
    expect(native.runSync(one).y!.dims).toEqual([2, 3]);
    const ort = await OrtSession.create(buildModel(spec(false)));
    expect((await ort.run(one)).y!.dims).toEqual([2, 3]);
    await ort.dispose();
    const bytes = buildModel(spec(true));
    expect(() => decodeModel(bytes)).toThrow(
      expect.objectContaining({ code: 'MODEL_INVALID', message: expect.stringMatching(/must be 1-D/) }),
    );
    // onnxruntime's own answer, asked directly (tickmind would not hand it the file).
    const ortDirect = await import('onnxruntime-web/wasm');
    ortDirect.env.wasm.numThreads = 1;
    await expect(ortDirect.InferenceSession.create(bytes)).rejects.toThrow(/shape input must be 1D/);
  });

  it('a Constant becomes an initializer before anything is checked, as in onnxruntime', () => {
    const model = decodeModel(
      buildModel({
        inputs: [{ name: 'x', type: 'float32', dims: [2] }],
        outputs: [{ name: 'y', type: 'float32', dims: [2] }],
        nodes: [
          { op: 'Add', inputs: ['x', 'k'], outputs: ['y'] },
          {
            op: 'Constant',
            inputs: [],
            outputs: ['k'],
            attrs: { value: { tensor: { name: '', type: 'float32', dims: [2], values: [1, 2] } } },
          },
        ],
      }),
    );
    expect(model.graph.nodes.map((n) => n.op)).toEqual(['Add']);
    expect(Array.from(model.graph.initializers.get('k')!.data)).toEqual([1, 2]);
  });

  it('an initializer no node reads is dropped without being decoded', () => {
    const model = decodeModel(
      buildModel({
        inputs: [{ name: 'x', type: 'float32', dims: [2] }],
        outputs: [{ name: 'y', type: 'float32', dims: [2] }],
        initializers: [{ name: 'unused', type: 'float32', dims: [3], values: [1] }],
        nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      }),
    );
    expect(model.graph.initializers.size).toBe(0);
  });
});
