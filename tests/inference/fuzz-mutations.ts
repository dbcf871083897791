/**
 * Seeded mutations of ONNX files for the fuzz test: attribute values and kinds, node structure
 * (op types, domains, inputs and outputs, duplicates, order), tensor dims, dtypes and values,
 * graph inputs and outputs, injected hostile constructs (huge Range / ConstantOfShape / Expand /
 * Tile / Concat / Resize / Pad, Loops with large trip counts, If with untyped branch outputs,
 * tickmind-internal fused ops, deep nesting), and raw byte flips. Each returns the mutated bytes
 * and a short description of what it did.
 */
import onnxProto from 'onnx-proto';
import type { Rng } from '../../sdk/core/index.js';
import { inject, pick } from './fuzz-injectors.js';

const { onnx } = onnxProto;
type ModelP = onnxProto.onnx.ModelProto;
type GraphP = onnxProto.onnx.IGraphProto;
type NodeP = onnxProto.onnx.INodeProto;
type AttrP = onnxProto.onnx.IAttributeProto;
type TensorP = onnxProto.onnx.ITensorProto;
type ValueInfoP = onnxProto.onnx.IValueInfoProto;

const A = onnx.AttributeProto.AttributeType;
const DT = onnx.TensorProto.DataType;

/** A mutated file. */
export interface Mutant {
  /** Mutation family and what it changed. */
  kind: string;
  detail: string;
  bytes: Uint8Array;
}

const SPECIAL_INTS = [0, -1, 1, 2, 3, -2, 5, 7, 64, 65536, 2 ** 31, -(2 ** 31), 2 ** 40, 2 ** 53];
const SPECIAL_FLOATS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -1, 1e30, 1e-30, 0.5, 3];
const STRINGS = [
  '',
  'x',
  'NOTSET',
  'SAME_UPPER',
  'SAME_LOWER',
  'VALID',
  'linear',
  'cubic',
  'nearest',
  'reflect',
  'edge',
  'wrap',
  'bidirectional',
  'reverse',
  'asymmetric',
  'align_corners',
  'tf_crop_and_resize',
  'floor',
];
const ATTR_NAMES = [
  'axis',
  'axes',
  'perm',
  'strides',
  'pads',
  'dilations',
  'kernel_shape',
  'group',
  'keepdims',
  'to',
  'alpha',
  'beta',
  'epsilon',
  'transA',
  'transB',
  'mode',
  'auto_pad',
  'foo',
  'allowzero',
  'num_outputs',
  'split',
  'ceil_mode',
  'value',
  'direction',
  'hidden_size',
  'fmod',
];
const OPS_NATIVE = [
  'Relu',
  'Neg',
  'Abs',
  'Sqrt',
  'Exp',
  'Log',
  'Tanh',
  'Sigmoid',
  'Erf',
  'Softplus',
  'HardSwish',
  'Not',
  'Identity',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Mod',
  'Equal',
  'Less',
  'Greater',
  'And',
  'Max',
  'Min',
  'Sum',
  'Mean',
  'MatMul',
  'Gemm',
  'Softmax',
  'LogSoftmax',
  'LayerNormalization',
  'ReduceMean',
  'ReduceSum',
  'ReduceMax',
  'ArgMax',
  'Reshape',
  'Flatten',
  'Squeeze',
  'Unsqueeze',
  'Shape',
  'Size',
  'Transpose',
  'Expand',
  'Tile',
  'Concat',
  'Slice',
  'Split',
  'Gather',
  'Cast',
  'Clip',
  'Where',
  'Conv',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'BatchNormalization',
  'Pad',
  'CumSum',
  'TopK',
  'Resize',
  'Dropout',
  'ConstantOfShape',
  'Range',
];
const OPS_OTHER = [
  'Selu',
  'Hardmax',
  'Einsum',
  'NonZero',
  'Celu',
  'Gelu',
  'Attention',
  'FusedMatMul',
  'ReduceLogSum',
  'Trilu',
  'Mish',
  'Foo',
];
const DOMAINS = ['tickmind', 'tickmind.x', 'com.microsoft', 'ai.onnx', 'foo.bar'];
const DTYPES = [DT.FLOAT, DT.INT64, DT.INT32, DT.BOOL, DT.DOUBLE, DT.INT8, DT.UINT8, DT.FLOAT16, DT.STRING, DT.UINT16, 0];

const num = (v: unknown): number =>
  typeof v === 'number'
    ? v
    : v === null || v === undefined
      ? 0
      : typeof (v as { toNumber?: () => number }).toNumber === 'function'
        ? (v as { toNumber: () => number }).toNumber()
        : Number(v);

/** Every node of every graph (subgraphs included), with its graph. */
function allNodes(g: GraphP, out: { node: NodeP; graph: GraphP }[] = []): { node: NodeP; graph: GraphP }[] {
  for (const node of g.node ?? []) {
    out.push({ node, graph: g });
    for (const a of node.attribute ?? []) if (a.g) allNodes(a.g, out);
  }
  return out;
}

/** Every value name defined in the main graph (inputs, initializers, node outputs). */
function valueNames(g: GraphP): string[] {
  const names = [...(g.input ?? []).map((i) => i.name ?? ''), ...(g.initializer ?? []).map((t) => t.name ?? '')];
  for (const n of g.node ?? []) names.push(...(n.output ?? []));
  return names.filter((n) => n !== '');
}

function randomInts(rng: Rng): number[] {
  const n = rng.int(5);
  return Array.from({ length: n }, () => pick(rng, SPECIAL_INTS));
}

function randomAttr(rng: Rng, name: string): AttrP {
  switch (rng.int(5)) {
    case 0:
      return { name, type: A.INT, i: pick(rng, SPECIAL_INTS) };
    case 1:
      return { name, type: A.INTS, ints: randomInts(rng) };
    case 2:
      return { name, type: A.FLOAT, f: pick(rng, SPECIAL_FLOATS) };
    case 3:
      return { name, type: A.STRING, s: new TextEncoder().encode(pick(rng, STRINGS)) };
    default:
      return { name, type: A.FLOATS, floats: [pick(rng, SPECIAL_FLOATS), pick(rng, SPECIAL_FLOATS)] };
  }
}

/** Mutates one attribute value in place; returns a description. */
function mutateAttr(rng: Rng, node: NodeP): string {
  const attrs = node.attribute ?? [];
  if (attrs.length === 0 || rng.int(4) === 0) {
    const name = pick(rng, ATTR_NAMES);
    node.attribute = [...attrs, randomAttr(rng, name)];
    return `added attribute ${name}`;
  }
  const a = pick(rng, attrs);
  const r = rng.int(8);
  if (r === 0) {
    node.attribute = attrs.filter((x) => x !== a);
    return `removed attribute ${a.name}`;
  }
  if (r === 1) {
    Object.assign(a, randomAttr(rng, a.name ?? ''), { t: null, g: null });
    return `replaced attribute ${a.name} with another kind`;
  }
  switch (a.type) {
    case A.INTS: {
      const v = (a.ints ?? []).map(num);
      const k = rng.int(4);
      if (k === 0) a.ints = [];
      else if (k === 1 && v.length > 0) a.ints = v.slice(0, -1);
      else if (k === 2) a.ints = [...v, pick(rng, SPECIAL_INTS)];
      else if (v.length > 0) {
        v[rng.int(v.length)] = pick(rng, SPECIAL_INTS);
        a.ints = v;
      } else a.ints = randomInts(rng);
      return `ints ${a.name} = [${(a.ints ?? []).join(', ')}]`;
    }
    case A.INT:
      a.i = pick(rng, SPECIAL_INTS);
      return `int ${a.name} = ${a.i}`;
    case A.FLOAT:
      a.f = pick(rng, SPECIAL_FLOATS);
      return `float ${a.name} = ${a.f}`;
    case A.STRING:
      a.s = new TextEncoder().encode(pick(rng, STRINGS));
      return `string ${a.name} = '${new TextDecoder().decode(a.s)}'`;
    case A.TENSOR:
      if (a.t) return `tensor ${a.name}: ${mutateTensor(rng, a.t)}`;
      return 'empty tensor attribute';
    default:
      a.type = pick(rng, [A.INT, A.FLOAT, A.INTS, A.STRING, A.TENSOR, 0]);
      return `attribute ${a.name} kind = ${a.type}`;
  }
}

/** The tensor's values as numbers (raw_data or typed fields). */
function tensorValues(t: TensorP): { values: number[]; write: (v: number[]) => void } | undefined {
  const raw = t.rawData;
  const type = t.dataType ?? 0;
  if (raw && raw.length > 0) {
    const buf = new Uint8Array(raw).buffer;
    const view =
      type === DT.FLOAT
        ? new Float32Array(buf)
        : type === DT.DOUBLE
          ? new Float64Array(buf)
          : type === DT.INT32
            ? new Int32Array(buf)
            : type === DT.INT64
              ? new BigInt64Array(buf)
              : type === DT.INT8
                ? new Int8Array(buf)
                : type === DT.UINT8 || type === DT.BOOL
                  ? new Uint8Array(buf)
                  : undefined;
    if (view === undefined) return undefined;
    const values = Array.from(view as ArrayLike<number | bigint>, (v) => Number(v));
    return {
      values,
      write: (vs) => {
        for (let i = 0; i < vs.length && i < view.length; i++) {
          if (view instanceof BigInt64Array) view[i] = BigInt(Math.trunc(Number.isFinite(vs[i]!) ? vs[i]! : 0));
          else (view as Float32Array)[i] = vs[i]!;
        }
        t.rawData = new Uint8Array(buf);
      },
    };
  }
  if (type === DT.FLOAT) return { values: (t.floatData ?? []).map(num), write: (v) => (t.floatData = v) };
  if (type === DT.INT64)
    return { values: (t.int64Data ?? []).map(num), write: (v) => (t.int64Data = v.map((x) => (Number.isFinite(x) ? Math.trunc(x) : 0))) };
  if (type === DT.DOUBLE) return { values: (t.doubleData ?? []).map(num), write: (v) => (t.doubleData = v) };
  return { values: (t.int32Data ?? []).map(num), write: (v) => (t.int32Data = v.map((x) => x | 0)) };
}

/** Mutates a tensor's dims, dtype or values in place. */
function mutateTensor(rng: Rng, t: TensorP): string {
  const r = rng.int(10);
  const dims = (t.dims ?? []).map(num);
  if (r === 0) {
    if (dims.length > 0) dims[rng.int(dims.length)] = pick(rng, [0, 1, 2, 3, 65536, 2 ** 31, -1]);
    else dims.push(pick(rng, [0, 1, 2]));
    t.dims = dims;
    return `dims = [${dims.join(', ')}]`;
  }
  if (r === 1) {
    t.dims = rng.int(2) === 0 ? dims.slice(1) : [1, ...dims];
    return `rank changed to ${(t.dims ?? []).length}`;
  }
  if (r === 2) {
    t.dataType = pick(rng, DTYPES);
    return `dtype = ${t.dataType}`;
  }
  const tv = tensorValues(t);
  if (tv === undefined || tv.values.length === 0) return 'no values to change';
  const vs = tv.values;
  const small = vs.length <= 16;
  const isFloat = t.dataType === DT.FLOAT || t.dataType === DT.DOUBLE;
  const count = small ? 1 + rng.int(vs.length) : 1 + rng.int(4);
  for (let k = 0; k < count; k++) {
    const i = rng.int(vs.length);
    vs[i] = isFloat ? (rng.int(2) === 0 ? pick(rng, SPECIAL_FLOATS) : vs[i]! * pick(rng, [-1, 2, 1e6, 0])) : pick(rng, SPECIAL_INTS);
  }
  tv.write(vs);
  return `${count} value(s) changed${small ? ` to [${vs.slice(0, 8).join(', ')}]` : ''}`;
}

function mutateNode(rng: Rng, g: GraphP, node: NodeP, names: string[]): string {
  switch (rng.int(13)) {
    case 0:
    case 1: {
      const op = rng.int(5) === 0 ? pick(rng, OPS_OTHER) : pick(rng, OPS_NATIVE);
      const was = node.opType;
      node.opType = op;
      return `op ${was} -> ${op}`;
    }
    case 2:
      node.domain = pick(rng, DOMAINS);
      return `domain = ${node.domain}`;
    case 3: {
      const outs = node.output ?? [];
      if (outs.length === 0) return 'no outputs';
      const target = pick(rng, names);
      outs[rng.int(outs.length)] = target;
      return `an output renamed to existing '${target}'`;
    }
    case 4: {
      const ins = node.input ?? [];
      if (ins.length === 0) return 'no inputs';
      const target = rng.int(6) === 0 ? '' : pick(rng, names);
      ins[rng.int(ins.length)] = target;
      return `an input reads '${target}'`;
    }
    case 5:
      node.input = (node.input ?? []).slice(0, -1);
      return 'dropped the last input';
    case 6:
      node.input = [...(node.input ?? []), rng.int(3) === 0 ? '' : pick(rng, names)];
      return 'added an input';
    case 7:
      node.output = rng.int(2) === 0 ? (node.output ?? []).slice(0, -1) : [...(node.output ?? []), `extra_${rng.int(1000)}`];
      return 'changed the output count';
    case 8:
      g.node = (g.node ?? []).filter((n) => n !== node);
      return `deleted node ${node.name} (${node.opType})`;
    case 9:
      g.node = [...(g.node ?? []), { ...node, name: `${node.name ?? ''}_dup` }];
      return 'duplicated a node (its outputs defined twice)';
    case 10: {
      const nodes = g.node ?? [];
      const i = rng.int(nodes.length);
      const j = rng.int(nodes.length);
      [nodes[i], nodes[j]] = [nodes[j]!, nodes[i]!];
      return `swapped nodes ${i} and ${j}`;
    }
    case 11: {
      const other = pick(rng, g.node ?? []);
      node.name = other.name ?? '';
      return `renamed a node to '${node.name}'`;
    }
    default:
      return mutateAttr(rng, node);
  }
}

function mutateValueInfo(rng: Rng, vi: ValueInfoP): string {
  const tt = vi.type?.tensorType;
  const r = rng.int(7);
  if (tt === undefined || tt === null || r === 0) {
    vi.type = rng.int(2) === 0 ? null : { tensorType: { elemType: DT.FLOAT } };
    return `${vi.name}: type removed or replaced`;
  }
  if (r === 1) {
    tt.elemType = pick(rng, DTYPES);
    return `${vi.name}: dtype = ${tt.elemType}`;
  }
  if (r === 2) {
    tt.shape = null;
    return `${vi.name}: shape removed`;
  }
  const dims = tt.shape?.dim ?? [];
  if (dims.length === 0 || r === 3) {
    tt.shape = { dim: [...dims, { dimValue: pick(rng, [1, 2, 3]) }] };
    return `${vi.name}: rank + 1`;
  }
  const i = rng.int(dims.length);
  dims[i] = rng.int(3) === 0 ? { dimParam: pick(rng, ['batch', 'n', 'other']) } : { dimValue: pick(rng, [0, 1, 2, 3, 7, 65536, -1]) };
  return `${vi.name}: dim ${i} = ${JSON.stringify(dims[i])}`;
}

const outInfo = (name: string, untyped = false): ValueInfoP =>
  untyped ? { name } : { name, type: { tensorType: { elemType: DT.FLOAT } } };

/** One seeded mutation of `base` (an ONNX file). */
export function mutate(base: Uint8Array, rng: Rng): Mutant {
  const family = rng.next();
  if (family < 0.05) {
    const bytes = base.slice();
    const flips = 1 + rng.int(4);
    for (let k = 0; k < flips; k++) bytes[rng.int(bytes.length)] = rng.int(256);
    return {
      kind: 'bytes',
      detail: `${flips} byte(s) flipped`,
      bytes: rng.int(4) === 0 ? bytes.subarray(0, 1 + rng.int(bytes.length)) : bytes,
    };
  }
  const m: ModelP = onnx.ModelProto.decode(base);
  const g = m.graph!;
  const nodes = allNodes(g);
  const names = valueNames(g);
  let kind: string;
  let detail: string;
  if (family < 0.3) {
    kind = 'attribute';
    const withAttrs = nodes.filter((n) => (n.node.attribute ?? []).length > 0);
    const target = withAttrs.length > 0 && rng.int(5) !== 0 ? pick(rng, withAttrs) : pick(rng, nodes);
    detail = `${target.node.opType}: ${mutateAttr(rng, target.node)}`;
  } else if (family < 0.5) {
    kind = 'node';
    const target = pick(rng, nodes);
    detail = `${target.node.opType}: ${mutateNode(rng, target.graph, target.node, names)}`;
  } else if (family < 0.65) {
    kind = 'tensor';
    const tensors: TensorP[] = [...(g.initializer ?? [])];
    for (const { node } of nodes) for (const a of node.attribute ?? []) if (a.t) tensors.push(a.t);
    if (tensors.length === 0) detail = 'no tensors';
    else {
      // Small tensors (shapes, axes, indices) are the interesting ones: favour them.
      const small = tensors.filter((t) => (t.dims ?? []).reduce((p: number, d) => p * num(d), 1) <= 16);
      const t = small.length > 0 && rng.int(3) !== 0 ? pick(rng, small) : pick(rng, tensors);
      detail = `${t.name || 'a Constant value'}: ${mutateTensor(rng, t)}`;
    }
  } else if (family < 0.75) {
    kind = 'graph io';
    const ios = [...(g.input ?? []), ...(g.output ?? [])];
    const r = rng.int(6);
    if (r === 0 && (g.output ?? []).length > 0) {
      g.output = rng.int(2) === 0 ? (g.output ?? []).slice(1) : [...(g.output ?? []), outInfo(pick(rng, names), rng.int(2) === 0)];
      detail = 'outputs changed';
    } else detail = mutateValueInfo(rng, pick(rng, ios));
  } else {
    kind = 'injected';
    detail = inject(rng, g, (g.input ?? [])[0]);
  }
  if (rng.int(20) === 0) {
    m.opsetImport = [{ domain: '', version: pick(rng, [11, 13, 14, 16, 17, 18, 19]) }];
    detail += `; opset ${num(m.opsetImport[0]!.version)}`;
  }
  return { kind, detail, bytes: onnx.ModelProto.encode(m).finish() };
}
