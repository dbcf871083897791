/**
 * The hostile constructs the fuzz test injects into a file (see fuzz-mutations.ts): huge Range /
 * ConstantOfShape / Expand / Tile / Concat / Resize / Pad, Loops with large trip counts, If with
 * untyped branch outputs, tickmind-internal fused ops, deep nesting, out-of-range Gather indices.
 * Each adds one construct whose result becomes an extra graph output, and says what it added.
 */
import onnxProto from 'onnx-proto';
import type { Rng } from '../../sdk/core/index.js';

const { onnx } = onnxProto;
type GraphP = onnxProto.onnx.IGraphProto;
type NodeP = onnxProto.onnx.INodeProto;
type TensorP = onnxProto.onnx.ITensorProto;
type ValueInfoP = onnxProto.onnx.IValueInfoProto;

const A = onnx.AttributeProto.AttributeType;
const DT = onnx.TensorProto.DataType;

/** One of `items`, picked by `rng`. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

const f32 = (name: string, dims: number[], values: number[]): TensorP => ({ name, dataType: DT.FLOAT, dims, floatData: values });
const i64 = (name: string, dims: number[], values: number[]): TensorP => ({ name, dataType: DT.INT64, dims, int64Data: values });

/** What an injector works with: the graph, the float input (if any), helpers that append to the graph. */
interface Inject {
  rng: Rng;
  /** A fresh prefix for the names it adds. */
  id: string;
  /** The graph's first input, '' when it has none. */
  xName: string;
  /** That input is float32. */
  xFloat: boolean;
  init: (t: TensorP) => void;
  node: (n: NodeP) => void;
  output: (name: string, untyped?: boolean, elem?: number) => void;
  /** A size from a few to far over any limit. */
  big: () => number;
}

/** The hostile constructs: each adds one to the graph and says what it added. */
const INJECTORS: readonly ((c: Inject) => string)[] = [
  ({ rng, id, init, node, output, big }) => {
    const limit = big();
    init(i64(`${id}_s`, [], [0]));
    init(i64(`${id}_l`, [], [limit]));
    init(i64(`${id}_d`, [], [pick(rng, [1, 1, 2, -1, 0])]));
    node({ name: id, opType: 'Range', input: [`${id}_s`, `${id}_l`, `${id}_d`], output: [`${id}_y`] });
    output(`${id}_y`, false, DT.INT64);
    return `Range(0, ${limit})`;
  },
  ({ rng, id, init, node, output, big }) => {
    const dims = [big(), pick(rng, [1, 2, 65536])];
    init(i64(`${id}_shape`, [2], dims));
    node({
      name: id,
      opType: 'ConstantOfShape',
      input: [`${id}_shape`],
      output: [`${id}_y`],
      attribute: [{ name: 'value', type: A.TENSOR, t: f32('', [1], [1]) }],
    });
    output(`${id}_y`);
    return `ConstantOfShape([${dims.join(', ')}])`;
  },
  ({ rng, id, xName, xFloat, init, node, output, big }) => {
    if (!xFloat) return 'no float input';
    const dims = [pick(rng, [1, 2]), big()];
    init(i64(`${id}_shape`, [2], dims));
    node({
      name: `${id}_f`,
      opType: 'ReduceMean',
      input: [xName],
      output: [`${id}_m`],
      attribute: [{ name: 'keepdims', type: A.INT, i: 0 }],
    });
    node({ name: `${id}_r`, opType: 'Reshape', input: [`${id}_m`, `${id}_one`], output: [`${id}_x`] });
    init(i64(`${id}_one`, [2], [1, 1]));
    node({ name: id, opType: 'Expand', input: [`${id}_x`, `${id}_shape`], output: [`${id}_y`] });
    output(`${id}_y`);
    return `Expand to [${dims.join(', ')}]`;
  },
  ({ rng, id, init, node, output, big }) => {
    const reps = [big(), pick(rng, [1, 2, 4096])];
    init(f32(`${id}_x`, [1, 2], [1, 2]));
    init(i64(`${id}_reps`, [2], reps));
    node({ name: id, opType: 'Tile', input: [`${id}_x`, `${id}_reps`], output: [`${id}_y`] });
    output(`${id}_y`);
    return `Tile by [${reps.join(', ')}]`;
  },
  ({ rng, id, init, node, output }) => {
    const trips = pick(rng, [0, 1, 3, 64, 65, 1000, 2 ** 20, 2 ** 40]);
    const withScan = rng.int(2) === 0;
    init(i64(`${id}_M`, [], [trips]));
    init({ name: `${id}_c`, dataType: DT.BOOL, dims: [], int32Data: [1] });
    init(f32(`${id}_v`, [2], [1, 2]));
    const body: GraphP = {
      name: `${id}_body`,
      input: [
        { name: `${id}_i`, type: { tensorType: { elemType: DT.INT64, shape: { dim: [] } } } },
        { name: `${id}_ci`, type: { tensorType: { elemType: DT.BOOL, shape: { dim: [] } } } },
        { name: `${id}_a`, type: { tensorType: { elemType: DT.FLOAT, shape: { dim: [{ dimValue: 2 }] } } } },
      ],
      output: [
        { name: `${id}_ci`, type: { tensorType: { elemType: DT.BOOL, shape: { dim: [] } } } },
        { name: `${id}_b`, type: { tensorType: { elemType: DT.FLOAT, shape: { dim: [{ dimValue: 2 }] } } } },
        ...(withScan ? [{ name: `${id}_sc`, type: { tensorType: { elemType: DT.FLOAT, shape: { dim: [{ dimValue: 2 }] } } } }] : []),
      ],
      initializer: [f32(`${id}_h`, [], [0.5])],
      node: [
        { name: `${id}_mul`, opType: 'Mul', input: [`${id}_a`, `${id}_h`], output: [`${id}_b`] },
        ...(withScan ? [{ name: `${id}_id`, opType: 'Identity', input: [`${id}_b`], output: [`${id}_sc`] }] : []),
      ],
    };
    const outs = [`${id}_y`, ...(withScan ? [`${id}_all`] : [])];
    node({
      name: id,
      opType: 'Loop',
      input: [`${id}_M`, rng.int(3) === 0 ? '' : `${id}_c`, `${id}_v`],
      output: outs,
      attribute: [{ name: 'body', type: A.GRAPH, g: body }],
    });
    for (const o of outs) output(o);
    return `Loop ${trips} times${withScan ? ' with a scan output' : ''}`;
  },
  ({ rng, id, xName, xFloat, init, node, output }) => {
    // If with untyped branch outputs, a constant or computed condition.
    const computed = xFloat && rng.int(2) === 0;
    if (computed) {
      node({
        name: `${id}_sum`,
        opType: 'ReduceSum',
        input: [xName],
        output: [`${id}_s`],
        attribute: [{ name: 'keepdims', type: A.INT, i: 0 }],
      });
      init(f32(`${id}_zero`, [], [0]));
      node({ name: `${id}_gt`, opType: 'Greater', input: [`${id}_s`, `${id}_zero`], output: [`${id}_c`] });
    } else init({ name: `${id}_c`, dataType: DT.BOOL, dims: [], int32Data: [rng.int(2)] });
    init(f32(`${id}_k`, [2], [1, 2]));
    const mismatch = rng.int(4) === 0;
    const branch = (op: string, out: string): GraphP => ({
      name: out,
      input: [],
      output: [{ name: out }],
      node: [{ name: `${out}_n`, opType: op, input: [`${id}_k`], output: [out] }],
    });
    node({
      name: id,
      opType: 'If',
      input: [`${id}_c`],
      output: [`${id}_y`],
      attribute: [
        { name: 'then_branch', type: A.GRAPH, g: branch('Neg', `${id}_t`) },
        { name: 'else_branch', type: A.GRAPH, g: branch(mismatch ? 'Shape' : 'Relu', `${id}_e`) },
      ],
    });
    output(`${id}_y`, true);
    return `If (${computed ? 'computed' : 'constant'} condition) with untyped branch outputs${mismatch ? ' of different types' : ''}`;
  },
  ({ rng, id, init, node, output }) => {
    const [q, k, v] = [pick(rng, [2, 4]), pick(rng, [2, 4]), pick(rng, [2, 4, 64])];
    init(f32(`${id}_q`, [1, 3, q], new Array(3 * q).fill(0.5)));
    init(f32(`${id}_k`, [1, 3, k], new Array(3 * k).fill(0.5)));
    init(f32(`${id}_v`, [1, 3, v], new Array(3 * v).fill(0.5)));
    node({ name: id, opType: 'Attention', domain: 'tickmind', input: [`${id}_q`, `${id}_k`, `${id}_v`], output: [`${id}_y`] });
    output(`${id}_y`);
    return `tickmind.Attention q ${q} k ${k} v ${v}`;
  },
  ({ rng, id, init, node, output, big }) => {
    const n = pick(rng, [2, 100, 5000]);
    init(f32(`${id}_x`, [1, big() > 2 ** 20 ? 65536 : 4], new Array(big() > 2 ** 20 ? 65536 : 4).fill(1)));
    node({
      name: id,
      opType: 'Concat',
      input: new Array(n).fill(`${id}_x`),
      output: [`${id}_y`],
      attribute: [{ name: 'axis', type: A.INT, i: 0 }],
    });
    output(`${id}_y`);
    return `Concat of ${n} copies`;
  },
  ({ rng, id, init, node, output }) => {
    const s = pick(rng, [2, 1000, 1e6, 0, -1, Number.NaN]);
    init(f32(`${id}_x`, [1, 1, 2, 2], [1, 2, 3, 4]));
    init(f32(`${id}_scales`, [4], [1, 1, s, s]));
    node({ name: id, opType: 'Resize', input: [`${id}_x`, '', `${id}_scales`], output: [`${id}_y`] });
    output(`${id}_y`);
    return `Resize by ${s}`;
  },
  ({ rng, id, init, node, output, big }) => {
    const p = big();
    init(f32(`${id}_x`, [2, 2], [1, 2, 3, 4]));
    init(i64(`${id}_pads`, [4], [0, 0, p, rng.int(2) === 0 ? p : -3]));
    node({ name: id, opType: 'Pad', input: [`${id}_x`, `${id}_pads`], output: [`${id}_y`] });
    output(`${id}_y`);
    return `Pad by ${p}`;
  },
  ({ rng, id, init, node, output }) => {
    const n = pick(rng, [64, 2048, 4096]);
    init(i64(`${id}_shape`, [2], [n, n]));
    node({
      name: `${id}_a`,
      opType: 'ConstantOfShape',
      input: [`${id}_shape`],
      output: [`${id}_m`],
      attribute: [{ name: 'value', type: A.TENSOR, t: f32('', [1], [0.5]) }],
    });
    node({ name: id, opType: 'MatMul', input: [`${id}_m`, `${id}_m`], output: [`${id}_y`] });
    output(`${id}_y`);
    return `MatMul of two ${n}×${n} constants`;
  },
  ({ rng, id, init, node, output }) => {
    // Deeply nested If.
    const depth = pick(rng, [2, 5, 9, 12]);
    init({ name: `${id}_c`, dataType: DT.BOOL, dims: [], int32Data: [1] });
    init(f32(`${id}_k`, [2], [1, 2]));
    let inner: GraphP = {
      name: `${id}_g0`,
      input: [],
      output: [{ name: `${id}_o0` }],
      node: [{ name: `${id}_n0`, opType: 'Neg', input: [`${id}_k`], output: [`${id}_o0`] }],
    };
    for (let d = 1; d < depth; d++) {
      inner = {
        name: `${id}_g${d}`,
        input: [],
        output: [{ name: `${id}_o${d}` }],
        node: [
          {
            name: `${id}_if${d}`,
            opType: 'If',
            input: [`${id}_c`],
            output: [`${id}_o${d}`],
            attribute: [
              { name: 'then_branch', type: A.GRAPH, g: inner },
              { name: 'else_branch', type: A.GRAPH, g: { name: `${id}_e${d}`, input: [], output: [{ name: `${id}_k` }], node: [] } },
            ],
          },
        ],
      };
    }
    node({
      name: id,
      opType: 'If',
      input: [`${id}_c`],
      output: [`${id}_y`],
      attribute: [
        { name: 'then_branch', type: A.GRAPH, g: inner },
        { name: 'else_branch', type: A.GRAPH, g: { name: `${id}_else`, input: [], output: [{ name: `${id}_k` }], node: [] } },
      ],
    });
    output(`${id}_y`, true);
    return `If nested ${depth} deep`;
  },
  ({ rng, id, init, node, output }) => {
    // Gather with constant indices, some out of range.
    const idx = pick(rng, [1, -1, 5, -7, 2 ** 31]);
    init(f32(`${id}_x`, [3, 2], [1, 2, 3, 4, 5, 6]));
    init(i64(`${id}_i`, [2], [0, idx]));
    node({ name: id, opType: 'Gather', input: [`${id}_x`, `${id}_i`], output: [`${id}_y`] });
    output(`${id}_y`);
    return `Gather index ${idx}`;
  },
];

/** Adds a hostile construct whose result becomes an extra graph output. */
export function inject(rng: Rng, g: GraphP, x: ValueInfoP | undefined): string {
  const c: Inject = {
    rng,
    id: `fz${rng.int(1_000_000)}`,
    xName: x?.name ?? '',
    xFloat: x?.type?.tensorType?.elemType === DT.FLOAT,
    init: (t) => {
      g.initializer = [...(g.initializer ?? []), t];
    },
    node: (n) => {
      g.node = [...(g.node ?? []), n];
    },
    output: (name, untyped = false, elem = DT.FLOAT) => {
      g.output = [...(g.output ?? []), untyped ? { name } : { name, type: { tensorType: { elemType: elem } } }];
    },
    big: () => pick(rng, [3, 100, 4096, 65536, 2 ** 20, 2 ** 27, 2 ** 31, 2 ** 40]),
  };
  return INJECTORS[rng.int(INJECTORS.length)]!(c);
}
