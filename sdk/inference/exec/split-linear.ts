/**
 * Plan-time rewrite: a linear layer whose output is only ever cut into column ranges becomes
 * one linear layer per range. nn.MultiheadAttention exports its q, k and v projections as one
 * [d, 3d] MatMul followed by three Slices of the last axis; each Slice copied a third of the
 * output again (at batch 128 of a d = 128 transformer, 3 % of a call, and more once other code
 * has pushed the arena out of cache). Split, each range's GEMM writes its Slice's output
 * directly, reading the same weight columns in the same order, so every value is the same
 * bit for bit.
 *
 * The Slice bounds come from shape arithmetic that is only constant per plan, so this runs on
 * the planned steps, not on the graph at load time.
 */
import { attrInt, TICKMIND_DOMAIN } from '../ir/graph.js';
import { findOp } from '../ops/registry.js';
import type { ValueState } from '../ops/types.js';
import { type Tensor, toNumbers } from '../tensor.js';
import type { Pending } from './kernel-context.js';
import { readersOf } from './readers.js';

/** Columns [start, end) of a weight [K, N] ([N, K] rows when transB), or of a bias [N] (transB false). */
export type ColumnSlicer = (t: Tensor, transB: boolean, start: number, end: number) => Tensor;

/**
 * Returns `pending` with every FusedMatMul that only feeds last-axis Slices (step 1, together
 * at most its N columns) replaced by one FusedMatMul per Slice; `states` gains the sliced
 * weights and biases. Graph outputs are never split away.
 */
export function splitSlicedLinears(
  pending: readonly Pending[],
  states: Map<string, ValueState>,
  graphOutputs: ReadonlySet<string>,
  columns: ColumnSlicer,
): Pending[] {
  const consumers = readersOf(pending);
  const replaced = new Map<Pending, Pending[]>();
  const dropped = new Set<Pending>();
  for (const p of pending) {
    const ranges = sliceRanges(p, consumers, graphOutputs);
    if (ranges === undefined) continue;
    replaced.set(
      p,
      ranges.map((r) => columnLinear(p, r, states, columns)),
    );
    for (const r of ranges) dropped.add(r.slice);
  }
  if (replaced.size === 0) return [...pending];
  const out: Pending[] = [];
  for (const p of pending) {
    if (dropped.has(p)) continue;
    out.push(...(replaced.get(p) ?? [p]));
  }
  return out;
}

interface ColumnRange {
  slice: Pending;
  start: number;
  end: number;
}

/** The column ranges p's output is cut into, or undefined when p is not a linear layer whose output only Slices read. */
function sliceRanges(p: Pending, consumers: ReadonlyMap<string, Pending[]>, graphOutputs: ReadonlySet<string>): ColumnRange[] | undefined {
  const node = p.node;
  if (node.domain !== TICKMIND_DOMAIN || node.op !== 'FusedMatMul') return undefined;
  const w = p.inputs[1];
  const bias = p.inputs[2];
  const y = node.outputs[0]!;
  const out = p.outputs[0];
  if (out === undefined || graphOutputs.has(y)) return undefined;
  const rank = out.dims.length;
  const N = out.dims[rank - 1]!;
  const transB = attrInt(node, 'transB', 0) === 1;
  if (w?.value === undefined || w.dtype !== 'float32' || w.dims.length !== 2 || w.dims[transB ? 0 : 1] !== N) return undefined;
  if (bias !== undefined && (bias.value === undefined || bias.dtype !== 'float32' || bias.dims.length !== 1 || bias.dims[0] !== N)) {
    return undefined;
  }
  const readers = consumers.get(y) ?? [];
  if (readers.length === 0) return undefined;
  const ranges: ColumnRange[] = [];
  let width = 0;
  for (const s of readers) {
    const r = lastAxisRange(s, y, rank, N);
    if (r === undefined) return undefined;
    ranges.push(r);
    width += r.end - r.start;
  }
  // Overlapping ranges would multiply more than the layer did.
  return width <= N ? ranges : undefined;
}

/** [start, end) when s is a Slice of value y (rank `rank`, last axis N) over its last axis alone, step 1, non-empty. */
function lastAxisRange(s: Pending, y: string, rank: number, N: number): ColumnRange | undefined {
  const n = s.node;
  if (n.domain !== '' || n.op !== 'Slice' || n.inputs[0] !== y || n.inputs.slice(1).includes(y)) return undefined;
  const values = [1, 2, 3, 4].map((i) => {
    const st = s.inputs[i];
    return st === undefined ? undefined : st.value === undefined ? null : toNumbers(st.value);
  });
  const [starts, ends, axes, steps] = values;
  if (starts == null || ends == null || axes === null || steps === null) return undefined;
  if (starts.length !== 1 || ends.length !== 1) return undefined;
  const axis = axes === undefined ? 0 : axes.length === 1 ? axes[0]! : Number.NaN;
  if (axis !== rank - 1 && axis !== -1) return undefined;
  if (steps !== undefined && (steps.length !== 1 || steps[0] !== 1)) return undefined;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + N : v, 0), N);
  const start = clamp(starts[0]!);
  const end = clamp(ends[0]!);
  if (!(end > start) || s.node.outputs[0] === '' || s.node.outputs.length !== 1) return undefined;
  return { slice: s, start, end };
}

/** The FusedMatMul computing columns [start, end) of p straight into the Slice's output. */
function columnLinear(p: Pending, r: ColumnRange, states: Map<string, ValueState>, columns: ColumnSlicer): Pending {
  const node = p.node;
  const transB = attrInt(node, 'transB', 0) === 1;
  const w = p.inputs[1]!;
  // Named by layout too: one square weight may feed a plain and a transposed product.
  const range = `${r.start}_${r.end}`;
  const wName = `${node.inputs[1]}/${transB ? 'rows' : 'columns'}_${range}`;
  const wState = constantState(wName, columns(w.value!, transB, r.start, r.end), states);
  const b = p.inputs[2];
  const bState =
    b === undefined ? undefined : constantState(`${node.inputs[2]}/columns_${range}`, columns(b.value!, false, r.start, r.end), states);
  const sliceOut = r.slice.node.outputs[0]!;
  return {
    node: {
      name: `${node.name}/columns_${range}/${r.slice.node.name}`,
      op: node.op,
      domain: node.domain,
      inputs: [node.inputs[0]!, wState.name, bState?.name ?? ''],
      outputs: [sliceOut],
      attrs: { ...node.attrs },
    },
    op: findOp(node.domain, node.op)!,
    inputs: [p.inputs[0], wState.state, bState?.state],
    outputs: r.slice.outputs,
  };
}

function constantState(base: string, value: Tensor, states: Map<string, ValueState>): { name: string; state: ValueState } {
  // A graph value could carry the same name: never shadow one that holds something else.
  let name = base;
  for (let n = 2; states.has(name) && states.get(name)!.value !== value; n++) name = `${base}#${n}`;
  const state: ValueState = { dtype: value.dtype, dims: value.dims, value };
  states.set(name, state);
  return { name, state };
}
