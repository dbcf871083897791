/**
 * A plan: the model specialized to one set of concrete input shapes. Planning folds every
 * value computable from shapes and constants, picks a kernel per remaining node, and lays
 * all runtime tensors out in one arena. Running a plan copies the feeds in, calls the
 * kernels in order and allocates nothing. A plan owns its arena and kernel scratch (one
 * allocation scope) until {@link Plan.dispose}; the constants it reads belong to the session.
 */
import { TickmindError } from '../../core/errors.js';
import type { Graph, Node } from '../ir/graph.js';
import { nodeLabel } from '../ir/graph.js';
import { findOp } from '../ops/registry.js';
import type { Kernel, OpContext, OpDef, OutputInfo, Slot, ValueState, WasmContext } from '../ops/types.js';
import type { DType, Tensor, TensorArray } from '../tensor.js';
import { allocTensor, byteSize, publicView, sizeOf, storageView } from '../tensor.js';
import { AllocationScope, type WasmRuntime } from '../wasm/runtime.js';
import { type ConstantStore, SMALL_ROWS } from './constants.js';
import { type BufferRequest, planMemory } from './memory.js';

/** One output as returned by a run: a view of preallocated memory, valid until the next run. */
export interface OutputTensor {
  /** Output name. */
  readonly name: string;
  /** Element type. */
  readonly dtype: DType;
  /** Concrete dimensions. */
  readonly dims: readonly number[];
  /** The values (int64 as BigInt64Array, bool as Uint8Array). */
  data: TensorArray;
}

interface Step {
  node: Node;
  kernel: Kernel;
  ins: Slot[];
  outs: Slot[];
}

const noop: Kernel = () => {};

/** Placeholder for a missing optional input or an unused output. */
const EMPTY: Slot = { dtype: 'float32', dims: [0], data: new Float32Array(0), ptr: -2 };

/** Plans one node's state transition; shared by constant folding and planning. */
export function inferNode(node: Node, op: OpDef, inputs: (ValueState | undefined)[]): OutputInfo[] {
  const ctx: OpContext = { node, inputs };
  try {
    return op.infer(ctx);
  } catch (err) {
    throw withNode(err, node);
  }
}

/** Evaluates a node whose inputs are all constant, with the portable kernel. */
export function evaluateNode(node: Node, op: OpDef, inputs: (ValueState | undefined)[], outputs: OutputInfo[]): Tensor[] {
  const ctx: OpContext = { node, inputs };
  const ins = inputs.map((s) => (s === undefined || s.value === undefined ? EMPTY : { ...s.value, ptr: -1 }));
  const outs = outputs.map((o) => ({ ...allocTensor(o.dtype, o.dims), ptr: -1 }));
  try {
    op.js(ctx, outputs)(ins, outs);
  } catch (err) {
    throw withNode(err, node);
  }
  return outs.map(({ dtype, dims, data }) => ({ dtype, dims, data }));
}

function withNode(err: unknown, node: Node): Error {
  if (err instanceof TickmindError) return err;
  return new TickmindError('INTERNAL', `${nodeLabel(node)}: ${(err as Error).message}`, { node: node.name });
}

/**
 * Shortest reduction (K) a linear layer runs on int8 weights for. Measured at batch 1 once the
 * rows were quantized with SIMD: K = 64 layers gain (the d = 64 transformer 1.10×), shorter ones
 * are left to float32 (quantizing a short row costs what its dot products save).
 */
const INT8_MIN_K = 64;

/** Options for {@link buildPlan}. */
export interface PlanOptions {
  /** Use WebAssembly kernels where available (false: portable JS kernels only). */
  wasm: boolean;
  /** Linear layers with constant weights and K ≥ 64, and Conv filters with ≥ 96 taps, run on int8 weights (per output column / channel, symmetric). */
  int8?: boolean;
}

export class Plan {
  /** Input slots in graph-input order. */
  readonly inputs: Slot[];
  /** Outputs in graph-output order; the same objects on every run. */
  readonly outputs: OutputTensor[];
  /** Outputs by name; the same object on every run. */
  readonly outputMap: Record<string, OutputTensor>;
  /** Bytes of the activation arena. */
  readonly arenaBytes: number;
  /** Floating-point operations per run (matrix products and attention). */
  readonly flops: number;
  /** Kernel calls per run. */
  get stepCount(): number {
    return this.steps.length;
  }

  private boundBuffer: ArrayBufferLike | undefined;
  private readonly runtime: WasmRuntime;

  constructor(
    private readonly memory: AllocationScope,
    private readonly steps: Step[],
    private readonly slots: Slot[],
    inputs: Slot[],
    outputSlots: { name: string; slot: Slot }[],
    arenaBytes: number,
    flops: number,
  ) {
    this.runtime = memory.runtime;
    this.inputs = inputs;
    this.flops = flops;
    this.arenaBytes = arenaBytes;
    this.outputs = outputSlots.map(({ name, slot }) => ({ name, dtype: slot.dtype, dims: slot.dims, data: new Float32Array(0) }));
    this.outputSlots = outputSlots.map((o) => o.slot);
    this.outputMap = {};
    for (const o of this.outputs) this.outputMap[o.name] = o;
    this.bind();
  }

  private readonly outputSlots: Slot[];

  /** Re-creates every view after the kernel memory grew (a new plan was built); never per run otherwise. */
  private bind(): void {
    const buffer = this.runtime.buffer;
    for (const s of this.slots) s.data = storageView(buffer, s.ptr, s.dtype, sizeOf(s.dims));
    for (let i = 0; i < this.outputs.length; i++) {
      const slot = this.outputSlots[i]!;
      this.outputs[i]!.data = publicView(buffer, slot.ptr, slot.dtype, sizeOf(slot.dims));
    }
    this.boundBuffer = buffer;
  }

  /** Ensures views are current; call before touching input slots. */
  prepare(): void {
    if (this.runtime.buffer !== this.boundBuffer) this.bind();
  }

  /** Runs every kernel in order (inputs must already be in their slots). */
  execute(): void {
    const steps = this.steps;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      s.kernel(s.ins, s.outs);
    }
  }

  /**
   * Frees the arena and scratch for reuse. Outputs kept from earlier runs become empty arrays
   * rather than views of memory another plan may now own. The plan must not run again.
   */
  dispose(): void {
    this.memory.release();
    for (const o of this.outputs) o.data = emptyLike(o.data);
  }
}

/** An empty array of the same type, for the outputs of a disposed plan. */
function emptyLike(data: TensorArray): TensorArray {
  const ctor = data.constructor as new (length: number) => TensorArray;
  return new ctor(0);
}

interface Pending {
  node: Node;
  op: OpDef;
  inputs: (ValueState | undefined)[];
  outputs: OutputInfo[];
}

/** Specializes the graph to concrete input dims and lays out its memory. */
export function buildPlan(
  graph: Graph,
  inputDims: ReadonlyArray<readonly number[]>,
  runtime: WasmRuntime,
  constants: ConstantStore,
  options: PlanOptions,
): Plan {
  const states = new Map<string, ValueState>();
  for (const [name, t] of graph.initializers) states.set(name, { dtype: t.dtype, dims: t.dims, value: t });
  graph.inputs.forEach((vi, i) => {
    states.set(vi.name, { dtype: vi.dtype, dims: [...inputDims[i]!] });
  });

  const pending: Pending[] = [];
  for (const node of graph.nodes) {
    const op = findOp(node.domain, node.op);
    if (op === undefined) {
      throw new TickmindError(
        'OP_UNSUPPORTED',
        `operator ${node.domain === '' ? '' : `${node.domain}.`}${node.op} is not supported by the native backend`,
        {
          node: node.name,
        },
      );
    }
    const inputs = node.inputs.map((name) => (name === '' ? undefined : states.get(name)));
    const outputs = inferNode(node, op, inputs);
    if (op.shapeOnly === true || inputs.every((s) => s === undefined || s.value !== undefined)) {
      const values = evaluateNode(node, op, inputs, outputs);
      node.outputs.forEach((name, i) => {
        if (name !== '') states.set(name, { ...outputs[i]!, value: values[i]! });
      });
    } else {
      node.outputs.forEach((name, i) => {
        if (name !== '' && outputs[i] !== undefined) states.set(name, { ...outputs[i]! });
      });
      pending.push({ node, op, inputs, outputs });
    }
  }
  const memory = new AllocationScope(runtime);
  try {
    return layout(graph, pending, states, memory, constants, options);
  } catch (err) {
    memory.release();
    throw err;
  }
}

function layout(
  graph: Graph,
  pending: Pending[],
  states: Map<string, ValueState>,
  memory: AllocationScope,
  constants: ConstantStore,
  options: PlanOptions,
): Plan {
  // Keep only the steps that feed an output.
  const needed = new Set(graph.outputs.map((o) => o.name));
  const live: Pending[] = [];
  for (let i = pending.length - 1; i >= 0; i--) {
    const p = pending[i]!;
    if (p.node.outputs.some((o) => needed.has(o))) {
      live.push(p);
      for (const name of p.node.inputs) if (name !== '') needed.add(name);
    }
  }
  live.reverse();

  // Buffers: feeds, step outputs (aliases share their source's buffer), folded outputs.
  const bufferOf = new Map<string, number>();
  const requests: BufferRequest[] = [];
  const END = live.length + 1;
  const newBuffer = (name: string, state: ValueState, start: number): void => {
    bufferOf.set(name, requests.length);
    requests.push({ bytes: sizeOf(state.dims) * byteSize(state.dtype), start, end: start });
  };
  for (const vi of graph.inputs) newBuffer(vi.name, states.get(vi.name)!, -1);
  live.forEach((p, step) => {
    p.node.outputs.forEach((name, i) => {
      if (name === '') return;
      const src = isAlias(p) ? bufferOf.get(p.node.inputs[0]!) : undefined;
      if (src !== undefined && i === 0) bufferOf.set(name, src);
      else newBuffer(name, states.get(name)!, step);
    });
    for (const name of p.node.inputs) {
      const b = bufferOf.get(name);
      if (b !== undefined) requests[b]!.end = Math.max(requests[b]!.end, step);
    }
  });
  for (const vi of graph.inputs) requests[bufferOf.get(vi.name)!]!.end = END;
  for (const o of graph.outputs) {
    let b = bufferOf.get(o.name);
    if (b === undefined) {
      newBuffer(o.name, states.get(o.name)!, -1); // a constant output: stored once per plan
      b = bufferOf.get(o.name)!;
    }
    requests[b]!.end = END;
  }
  const { offsets, total } = planMemory(requests);
  const arena = memory.alloc(total);

  const slots: Slot[] = [];
  const slotOf = new Map<string, Slot>();
  const runtimeSlot = (name: string): Slot => {
    const hit = slotOf.get(name);
    if (hit !== undefined) return hit;
    const state = states.get(name)!;
    const b = bufferOf.get(name);
    let ptr: number;
    if (b !== undefined) ptr = arena + offsets[b]!;
    else ptr = constants.place(state.value!);
    const slot: Slot = { dtype: state.dtype, dims: state.dims, data: new Float32Array(0), ptr };
    slots.push(slot);
    slotOf.set(name, slot);
    return slot;
  };

  const steps: Step[] = live.map((p) => buildStep(p, memory, constants, options, runtimeSlot));
  const inputSlots = graph.inputs.map((vi) => runtimeSlot(vi.name));
  const outputSlots = graph.outputs.map((o) => ({ name: o.name, slot: runtimeSlot(o.name) }));
  const flops = live.reduce((sum, p) => sum + (p.op.flops?.({ node: p.node, inputs: p.inputs }, p.outputs) ?? 0), 0);
  const plan = new Plan(memory, steps, slots, inputSlots, outputSlots, total, flops);
  // Outputs that were folded to constants are written once, now.
  for (const o of graph.outputs) {
    const state = states.get(o.name)!;
    if (state.value !== undefined && !live.some((p) => p.node.outputs.includes(o.name))) {
      (slotOf.get(o.name)!.data as Int32Array).set(state.value.data as Int32Array);
    }
  }
  return plan;
}

function isAlias(p: Pending): boolean {
  const a = p.op.alias;
  return typeof a === 'function' ? a({ node: p.node, inputs: p.inputs }) : a === true;
}

function buildStep(
  p: Pending,
  memory: AllocationScope,
  constants: ConstantStore,
  options: PlanOptions,
  slotFor: (name: string) => Slot,
): Step {
  const ins = p.node.inputs.map((name) => (name === '' ? EMPTY : slotFor(name)));
  const outs = p.node.outputs.map((name) => (name === '' ? EMPTY : slotFor(name)));
  let kernel: Kernel | undefined;
  if (isAlias(p)) return { node: p.node, kernel: noop, ins, outs };
  try {
    if (options.wasm && p.op.wasm !== undefined) {
      const runtime = memory.runtime;
      const ctx: WasmContext = {
        node: p.node,
        inputs: p.inputs,
        outputs: p.outputs,
        kernels: runtime.kernels,
        runtime,
        linear: (w, transB, rows, K, N) => {
          const k = runtime.kernels;
          // Int8 pays where the reduction is long enough to amortize quantizing the rows (INT8_MIN_K).
          const int8 = options.int8 === true && K >= INT8_MIN_K;
          if (int8 && rows < SMALL_ROWS) {
            const q = constants.int8Dot(w, transB);
            return (a, bias, c, act) => k.gemvInt8(a, K, q.ptr, q.scales, bias, c, N, rows, N, K, act, q.row);
          }
          if (int8) {
            const q = constants.int8Gemm(w, transB);
            const rowsQ = memory.alloc(rows * Math.ceil(K / 2) * 4);
            const rowScales = memory.alloc(rows * 4);
            return (a, bias, c, act) => k.gemmInt8(a, K, q.ptr, q.scales, bias, c, N, rows, N, K, act, rowsQ, rowScales);
          }
          const { ptr, small } = constants.linear(w, transB, rows);
          return small
            ? (a, bias, c, act) => k.gemvPacked(a, K, ptr, bias, c, N, rows, N, K, act)
            : (a, bias, c, act) => k.gemmPacked(a, K, ptr, bias, c, N, rows, N, K, act);
        },
        int8Linear: (K, minK = INT8_MIN_K) => options.int8 === true && K >= minK,
        constPtr: (i) => (p.inputs[i] === undefined ? -1 : constants.place(p.inputs[i]!.value!)),
        scratch: (bytes) => memory.alloc(bytes),
      };
      kernel = p.op.wasm(ctx);
    }
    kernel ??= p.op.js({ node: p.node, inputs: p.inputs }, p.outputs);
  } catch (err) {
    throw withNode(err, p.node);
  }
  return { node: p.node, kernel, ins, outs };
}
