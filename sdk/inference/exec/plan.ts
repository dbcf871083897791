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
import { DEFAULT_LIMITS, type ModelLimits } from '../onnx/limits.js';
import { findOp } from '../ops/registry.js';
import type { Kernel, Slot, ValueState } from '../ops/types.js';
import type { DType, Tensor, TensorArray } from '../tensor.js';
import { byteSize, publicView, sizeOf, storageView } from '../tensor.js';
import type { AllocationScope, WasmRuntime } from '../wasm/runtime.js';
import { absorbAttentionTransposes } from './absorb-transposes.js';
import type { ConstantStore } from './constants.js';
import { dedupeSteps } from './dedupe-steps.js';
import { fuseResidualNorms } from './fuse-residual.js';
import { Budget, evaluateNode, inferNode, nodeFlops, withNode } from './infer.js';
import { Extents, type Pending, PlanMemory, wasmContext } from './kernel-context.js';
import { type BufferRequest, planMemory } from './memory.js';
import { reluOutputs } from './sparse-rows.js';
import { splitSlicedLinears } from './split-linear.js';

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

/** Options for {@link buildPlan}. */
export interface PlanOptions {
  /** Use WebAssembly kernels where available (false: portable JS kernels only). */
  wasm: boolean;
  /** Linear layers with constant weights and K ≥ 64, and Conv filters with ≥ 96 taps, run on int8 weights (per output column / channel, symmetric). */
  int8?: boolean;
  /** Limits on shapes, memory and work (default DEFAULT_LIMITS). */
  limits?: ModelLimits;
  /** Rewrite the planned steps (dedupeSteps, splitSlicedLinears, fuseResidualNorms); default true. */
  rewrite?: boolean;
  /**
   * Linear layers over a ReLU's output sum only each row's nonzeros (gemmSparseRows, the same
   * bits): true wherever it can (float32, 4+ rows, finite weights, SIMD kernels), false never,
   * default by engine (sparseRowsByDefault in exec/sparse-rows.ts).
   */
  sparseRows?: boolean;
}

/**
 * Float32 weights from which the GEMMs fetch each panel ahead. Weights this big do not stay in
 * a 1–2 MiB L2 between calls while a game runs other code, so each call reads them from memory
 * again; smaller ones come back from the L3 fast enough, and the extra loads would cost ~1 %.
 */
export const FETCH_AHEAD_MIN_BYTES = 1 << 20;

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

  /**
   * Runs every kernel in order (inputs must already be in their slots). A kernel that throws (a
   * trap the plan-time checks should have made impossible, or a data-dependent refusal such as an
   * index out of range) is reported as a TickmindError naming its node.
   */
  execute(): void {
    const steps = this.steps;
    let i = 0;
    try {
      for (; i < steps.length; i++) {
        const s = steps[i]!;
        s.kernel(s.ins, s.outs);
      }
    } catch (err) {
      throw withNode(err, steps[i]!.node);
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

/** Specializes the graph to concrete input dims and lays out its memory. */
export function buildPlan(
  graph: Graph,
  inputDims: ReadonlyArray<readonly number[]>,
  runtime: WasmRuntime,
  constants: ConstantStore,
  options: PlanOptions,
): Plan {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const budget = new Budget(limits);
  const states = new Map<string, ValueState>();
  for (const [name, t] of graph.initializers) states.set(name, { dtype: t.dtype, dims: t.dims, value: t });
  graph.inputs.forEach((vi, i) => {
    states.set(vi.name, { dtype: vi.dtype, dims: [...inputDims[i]!] });
  });

  const pending: Pending[] = [];
  let flops = 0;
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
    const outputs = inferNode(node, op, inputs, limits);
    if (op.shapeOnly === true || inputs.every((s) => s === undefined || s.value !== undefined)) {
      const values = evaluateNode(node, op, inputs, outputs, budget);
      node.outputs.forEach((name, i) => {
        if (name !== '') states.set(name, { ...outputs[i]!, value: values[i]! });
      });
    } else {
      node.outputs.forEach((name, i) => {
        if (name !== '' && outputs[i] !== undefined) states.set(name, { ...outputs[i]! });
      });
      pending.push({ node, op, inputs, outputs });
      flops += nodeFlops(node, op, inputs, outputs);
      if (flops > limits.maxFlops) {
        throw new TickmindError(
          'MODEL_LIMIT',
          `${nodeLabel(node)}: one run would take more than ${limits.maxFlops} floating-point operations (${flops} so far)`,
          { node: node.name },
        );
      }
    }
  }
  // Dead steps pruned first: a reader nobody uses would keep a rewrite from matching.
  const steps =
    options.rewrite === false
      ? pending
      : rewriteSteps(liveSteps(graph, pending), states, constants, new Set(graph.outputs.map((o) => o.name)));
  const memory = new PlanMemory(runtime, limits.maxPlanBytes);
  try {
    return layout(graph, steps, states, memory, constants, options);
  } catch (err) {
    memory.scope.release();
    throw err;
  }
}

function layout(
  graph: Graph,
  pending: Pending[],
  states: Map<string, ValueState>,
  memory: PlanMemory,
  constants: ConstantStore,
  options: PlanOptions,
): Plan {
  const live = liveSteps(graph, pending);
  const { bufferOf, requests } = bufferRequests(graph, live, states);
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

  const stepOptions = { ...options, fetchAhead: constantFloatBytes(live) >= FETCH_AHEAD_MIN_BYTES, reluOutputs: reluOutputs(live) };
  const steps: Step[] = live.map((p) => buildStep(p, memory, constants, stepOptions, runtimeSlot));
  const inputSlots = graph.inputs.map((vi) => runtimeSlot(vi.name));
  const outputSlots = graph.outputs.map((o) => ({ name: o.name, slot: runtimeSlot(o.name) }));
  const flops = live.reduce((sum, p) => sum + nodeFlops(p.node, p.op, p.inputs, p.outputs), 0);
  const plan = new Plan(memory.scope, steps, slots, inputSlots, outputSlots, total, flops);
  // Outputs that were folded to constants are written once, now.
  for (const o of graph.outputs) {
    const state = states.get(o.name)!;
    if (state.value !== undefined && !live.some((p) => p.node.outputs.includes(o.name))) {
      (slotOf.get(o.name)!.data as Int32Array).set(state.value.data as Int32Array);
    }
  }
  return plan;
}

/** The pending steps that feed an output, in order. */
function liveSteps(graph: Graph, pending: readonly Pending[]): Pending[] {
  const needed = new Set(graph.outputs.map((o) => o.name));
  const live: Pending[] = [];
  for (let i = pending.length - 1; i >= 0; i--) {
    const p = pending[i]!;
    if (p.node.outputs.some((o) => needed.has(o))) {
      live.push(p);
      for (const name of p.node.inputs) if (name !== '') needed.add(name);
    }
  }
  return live.reverse();
}

/** Buffers with their lifetimes (in steps): feeds, step outputs (aliases share their source's buffer), folded outputs. */
function bufferRequests(
  graph: Graph,
  live: readonly Pending[],
  states: ReadonlyMap<string, ValueState>,
): { bufferOf: Map<string, number>; requests: BufferRequest[] } {
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
  return { bufferOf, requests };
}

/** The plan-time rewrites, in order: each sees the steps the one before left. */
function rewriteSteps(
  pending: readonly Pending[],
  states: Map<string, ValueState>,
  constants: ConstantStore,
  graphOutputs: ReadonlySet<string>,
): Pending[] {
  const unique = dedupeSteps(pending, graphOutputs);
  // With int8 weights the split products share one quantization of their A (PlanMemory.int8Rows;
  // 1–3 rows take gemvInt8, which quantizes per call, three times then).
  const split = splitSlicedLinears(unique, states, graphOutputs, (t, transB, start, end) => constants.columns(t, transB, start, end));
  return absorbAttentionTransposes(fuseResidualNorms(split, graphOutputs), graphOutputs);
}

/** Bytes of the float32 constants the steps read (weights, biases, tables), each counted once. */
function constantFloatBytes(live: readonly Pending[]): number {
  const seen = new Set<Tensor>();
  let bytes = 0;
  for (const p of live) {
    for (const s of p.inputs) {
      if (s?.value === undefined || s.dtype !== 'float32' || seen.has(s.value)) continue;
      seen.add(s.value);
      bytes += s.value.data.length * 4;
    }
  }
  return bytes;
}

function isAlias(p: Pending): boolean {
  const a = p.op.alias;
  return typeof a === 'function' ? a({ node: p.node, inputs: p.inputs }) : a === true;
}

/** What a step's kernel factory is told besides the plan options. */
type StepOptions = PlanOptions & { fetchAhead: boolean; reluOutputs: ReadonlySet<string> };

function buildStep(p: Pending, memory: PlanMemory, constants: ConstantStore, options: StepOptions, slotFor: (name: string) => Slot): Step {
  const ins = p.node.inputs.map((name) => (name === '' ? EMPTY : slotFor(name)));
  const outs = p.node.outputs.map((name) => (name === '' ? EMPTY : slotFor(name)));
  let kernel: Kernel | undefined;
  if (isAlias(p)) return { node: p.node, kernel: noop, ins, outs };
  try {
    if (options.wasm && p.op.wasm !== undefined) {
      const extents = new Extents(p);
      const ctx = wasmContext(p, memory, constants, options, extents);
      kernel = p.op.wasm(ctx);
      if (kernel !== undefined) extents.complete();
    }
    kernel ??= p.op.js({ node: p.node, inputs: p.inputs }, p.outputs);
  } catch (err) {
    throw withNode(err, p.node);
  }
  return { node: p.node, kernel, ins, outs };
}
