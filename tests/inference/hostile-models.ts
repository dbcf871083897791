/**
 * Small hostile ONNX files (issue 20), built with the test ONNX builder: attribute values that used
 * to reach allocations and kernels unchecked, tickmind-internal fused ops, and constructs that ask
 * for gigabytes or years from a few hundred bytes. Each says how tickmind must answer it.
 */
import { buildModel, type GraphSpec, type ModelSpec } from '../helpers/onnx-builder.js';

export interface Hostile {
  name: string;
  bytes: Uint8Array;
  /** The code tickmind must refuse it with at load, or 'runs' when it is a valid model that must run correctly. */
  expect: 'MODEL_INVALID' | 'MODEL_LIMIT' | 'SHAPE_MISMATCH' | 'runs' | 'run fails';
}

const x4: ModelSpec['inputs'][number] = { name: 'x', type: 'float32', dims: ['n', 2, 5, 5] };
/**
 * The graph output: typed, any shape. (Not left untyped: a release that refused untyped outputs
 * would refuse every file for that reason alone, and the test would not show what it guards.)
 */
const y: ModelSpec['outputs'][number] = { name: 'y', type: 'float32', dims: [], unranked: true };
const W = { name: 'W', type: 'float32' as const, dims: [3, 2, 3, 3], values: Array.from({ length: 54 }, (_, i) => Math.sin(i)) };

function pool(attrs: Record<string, number[]>): Uint8Array {
  return buildModel({
    inputs: [x4],
    outputs: [y],
    nodes: [{ op: 'AveragePool', inputs: ['x'], outputs: ['y'], attrs: { kernel_shape: [2, 2], ...attrs } }],
  });
}

function conv(attrs: Record<string, number[]>): Uint8Array {
  return buildModel({
    inputs: [x4],
    outputs: [y],
    initializers: [W],
    nodes: [{ op: 'Conv', inputs: ['x', 'W'], outputs: ['y'], attrs }],
  });
}

/** A constant-folded producer of `out` (int64) feeding an extra graph output. */
function constantOf(
  nodes: ModelSpec['nodes'],
  initializers: NonNullable<ModelSpec['initializers']>,
  type: 'float32' | 'int64' = 'float32',
): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', type: 'float32', dims: ['n', 2] }],
    outputs: [
      { name: 'r', type: 'float32', dims: ['n', 2] },
      { name: 'out', type, dims: [], unranked: true },
    ],
    initializers,
    nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['r'] }, ...nodes],
  });
}

const i64 = (name: string, dims: number[], values: number[]) => ({ name, type: 'int64' as const, dims, values });
const f32 = (name: string, dims: number[], values: number[]) => ({ name, type: 'float32' as const, dims, values });

function loop(trips: number): Uint8Array {
  const body: GraphSpec = {
    inputs: [
      { name: 'i', type: 'int64', dims: [] },
      { name: 'c', type: 'bool', dims: [] },
      { name: 'a', type: 'float32', dims: ['n', 2] },
    ],
    outputs: [
      { name: 'c', type: 'bool', dims: [] },
      { name: 'b', type: 'float32', dims: ['n', 2] },
    ],
    initializers: [f32('half', [], [0.5])],
    nodes: [{ op: 'Mul', inputs: ['a', 'half'], outputs: ['b'] }],
  };
  return buildModel({
    inputs: [{ name: 'x', type: 'float32', dims: ['n', 2] }],
    outputs: [{ name: 'out', type: 'float32', dims: ['n', 2] }],
    initializers: [i64('M', [], [trips])],
    nodes: [{ op: 'Loop', inputs: ['M', '', 'x'], outputs: ['out'], attrs: { body: { graph: body } } }],
  });
}

/** The hostile files of issue 20, and a few of their relatives. */
export function hostileModels(): Hostile[] {
  return [
    { name: 'AveragePool strides []', bytes: pool({ strides: [] }), expect: 'MODEL_INVALID' },
    { name: 'AveragePool pads []', bytes: pool({ pads: [] }), expect: 'MODEL_INVALID' },
    { name: 'AveragePool dilations [] (not an attribute at opset 17)', bytes: pool({ dilations: [] }), expect: 'MODEL_INVALID' },
    { name: 'Conv strides []', bytes: conv({ strides: [] }), expect: 'MODEL_INVALID' },
    { name: 'Conv dilations []', bytes: conv({ dilations: [] }), expect: 'MODEL_INVALID' },
    { name: 'Conv pads []', bytes: conv({ pads: [] }), expect: 'MODEL_INVALID' },
    { name: 'Conv strides [0, 1]', bytes: conv({ strides: [0, 1] }), expect: 'MODEL_INVALID' },
    { name: 'Conv kernel_shape that W does not have', bytes: conv({ kernel_shape: [5, 5] }), expect: 'MODEL_INVALID' },
    {
      name: "tickmind.Attention, v's head size larger than q's",
      bytes: buildModel({
        inputs: [{ name: 'q', type: 'float32', dims: [4, 16, 2] }],
        outputs: [y],
        initializers: [f32('k', [4, 16, 2], new Array(128).fill(0.5)), f32('v', [4, 16, 64], new Array(4096).fill(7))],
        nodes: [{ op: 'Attention', domain: 'tickmind', inputs: ['q', 'k', 'v'], outputs: ['y'] }],
      }),
      expect: 'MODEL_INVALID',
    },
    {
      name: 'tickmind.FusedMatMul',
      bytes: buildModel({
        inputs: [{ name: 'x', type: 'float32', dims: [1, 4] }],
        outputs: [y],
        initializers: [f32('w', [2, 2], [1, 2, 3, 4])],
        nodes: [{ op: 'FusedMatMul', domain: 'tickmind', inputs: ['x', 'w'], outputs: ['y'] }],
      }),
      expect: 'MODEL_INVALID',
    },
    {
      name: 'Range(0, 2^31) from constants',
      bytes: constantOf(
        [{ op: 'Range', inputs: ['s', 'l', 'd'], outputs: ['out'] }],
        [i64('s', [], [0]), i64('l', [], [2 ** 31]), i64('d', [], [1])],
        'int64',
      ),
      expect: 'MODEL_LIMIT',
    },
    {
      name: 'ConstantOfShape([65536, 65536])',
      bytes: constantOf([{ op: 'ConstantOfShape', inputs: ['shape'], outputs: ['out'] }], [i64('shape', [2], [65536, 65536])]),
      expect: 'MODEL_LIMIT',
    },
    {
      name: 'Expand to 2^27 elements',
      bytes: constantOf(
        [{ op: 'Expand', inputs: ['one', 'shape'], outputs: ['out'] }],
        [f32('one', [1], [1]), i64('shape', [2], [2 ** 14, 2 ** 13])],
      ),
      expect: 'MODEL_LIMIT',
    },
    {
      name: 'Tile of an input to 2^28 elements',
      bytes: buildModel({
        inputs: [{ name: 'x', type: 'float32', dims: ['n', 2] }],
        outputs: [y],
        initializers: [i64('reps', [2], [2 ** 14, 2 ** 13])],
        nodes: [{ op: 'Tile', inputs: ['x', 'reps'], outputs: ['y'] }],
      }),
      expect: 'MODEL_LIMIT',
    },
    { name: 'Loop with a constant trip count of 2^40 (left to onnxruntime under auto)', bytes: loop(2 ** 40), expect: 'MODEL_LIMIT' },
    {
      name: 'MatMul of two 4096 × 4096 constants (folded at load)',
      bytes: constantOf(
        [
          { op: 'ConstantOfShape', inputs: ['shape'], outputs: ['m'], attrs: { value: { tensor: f32('v', [1], [0.5]) } } },
          { op: 'MatMul', inputs: ['m', 'm'], outputs: ['out'] },
        ],
        [i64('shape', [2], [4096, 4096])],
      ),
      expect: 'MODEL_LIMIT',
    },
    {
      name: 'If nested 12 deep',
      bytes: (() => {
        let g: GraphSpec = {
          inputs: [],
          outputs: [{ name: 'o0', type: 'float32', dims: [], unranked: true }],
          nodes: [{ op: 'Neg', inputs: ['k'], outputs: ['o0'] }],
        };
        for (let d = 1; d < 12; d++) {
          g = {
            inputs: [],
            outputs: [{ name: `o${d}`, type: 'float32', dims: [], unranked: true }],
            nodes: [{ op: 'If', inputs: ['c'], outputs: [`o${d}`], attrs: { then_branch: { graph: g }, else_branch: { graph: g } } }],
          };
        }
        return buildModel({
          inputs: [{ name: 'c', type: 'bool', dims: [] }],
          outputs: [y],
          initializers: [f32('k', [2], [1, 2])],
          nodes: [{ op: 'If', inputs: ['c'], outputs: ['y'], attrs: { then_branch: { graph: g }, else_branch: { graph: g } } }],
        });
      })(),
      expect: 'MODEL_LIMIT',
    },
    {
      name: 'a node output defined twice',
      bytes: buildModel({
        inputs: [{ name: 'x', type: 'float32', dims: [2] }],
        outputs: [{ name: 'y', type: 'float32', dims: [2] }],
        nodes: [
          { op: 'Relu', inputs: ['x'], outputs: ['y'] },
          { op: 'Neg', inputs: ['x'], outputs: ['y'] },
        ],
      }),
      expect: 'MODEL_INVALID',
    },
    {
      name: 'GRU whose R is too small for its hidden size',
      bytes: buildModel({
        inputs: [{ name: 'x', type: 'float32', dims: [3, 1, 2] }],
        outputs: [y],
        initializers: [f32('W', [1, 12, 2], new Array(24).fill(0.1)), f32('R', [1, 12, 1], new Array(12).fill(0.1))],
        nodes: [{ op: 'GRU', inputs: ['x', 'W', 'R'], outputs: ['y'], attrs: { hidden_size: 4 } }],
      }),
      expect: 'SHAPE_MISMATCH',
    },
    {
      name: 'MatMul by a 1-D constant (valid: must run, on the right kernel)',
      bytes: buildModel({
        inputs: [{ name: 'x', type: 'float32', dims: ['n', 3] }],
        outputs: [{ name: 'y', type: 'float32', dims: ['n'] }],
        initializers: [f32('w', [3], [1, 2, 3])],
        nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
      }),
      expect: 'runs',
    },
    {
      name: 'Gather with an index out of range at run time',
      bytes: buildModel({
        inputs: [{ name: 'i', type: 'int64', dims: [2] }],
        outputs: [y],
        initializers: [f32('data', [3, 2], [1, 2, 3, 4, 5, 6])],
        nodes: [{ op: 'Gather', inputs: ['data', 'i'], outputs: ['y'] }],
      }),
      expect: 'run fails',
    },
  ];
}
