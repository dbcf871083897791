/**
 * The native backend: tickmind's own synchronous executor on WebAssembly SIMD kernels.
 * Load: decode, validate, optimize. Per concrete input shape: one cached plan. Per call:
 * validate feeds, copy them into the plan's arena, run the kernels. Allocates nothing per
 * call once a shape has been seen. The session owns its constants and plans in the shared
 * kernel memory; `dispose` frees them for other sessions to reuse.
 */
import { TickmindError } from '../../core/errors.js';
import { ConstantStore } from '../exec/constants.js';
import { buildPlan, type Plan } from '../exec/plan.js';
import type { Model } from '../ir/graph.js';
import { decodeModel } from '../onnx/decode.js';
import { unsupportedOps } from '../ops/registry.js';
import { lowerControlFlow } from '../passes/control-flow.js';
import { optimizeGraph, type PassReport } from '../passes/index.js';
import { describe, type Feeds, type Results, type Session, type SessionOptions, type TensorDescription } from '../session.js';
import { copyIntoStorage, dtypeOfArray, sizeOf } from '../tensor.js';
import { AllocationScope, sharedRuntime, type WasmRuntime } from '../wasm/runtime.js';

/** A feeds object whose names, types and dims were validated, with its plan. */
interface FeedsCheck {
  feeds: Feeds;
  plan: Plan;
  dims: number[][];
  types: unknown[];
}

/** Plans kept per session (one per distinct input shape). */
const MAX_PLANS = 64;

export class NativeSession implements Session {
  readonly backend = 'native' as const;
  /** The model's inputs. */
  readonly inputs: readonly TensorDescription[];
  /** The model's outputs. */
  readonly outputs: readonly TensorDescription[];
  readonly opset: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly unsupportedOps: readonly string[] = [];
  /** What the load-time passes did. */
  readonly passes: PassReport;
  /** Whether the SIMD128 kernels run (false: scalar fallback). */
  readonly simd: boolean;

  private readonly model: Model;
  private readonly runtime: WasmRuntime;
  private readonly constants: ConstantStore;
  private readonly plans = new Map<string, Plan>();
  private readonly useWasm: boolean;
  private readonly int8: boolean;
  private readonly file: string | undefined;
  // Per-call scratch, preallocated: bound symbol values and the last plan's dims.
  private readonly symbolIndex: Int32Array[];
  private readonly symbolValues: Float64Array;
  private last: FeedsCheck | undefined;
  private readonly seen = new WeakMap<Feeds, FeedsCheck>();
  private disposed = false;

  /** Allocates no kernel memory (constants are placed with the first plan): a failed construction leaves nothing behind. */
  constructor(model: Model, options: SessionOptions = {}) {
    this.model = model;
    this.file = options.file;
    const lowered = lowerControlFlow(model.graph);
    const missing = unsupportedOps(model.graph.nodes);
    if (missing.length > 0) {
      throw new TickmindError(
        'OP_UNSUPPORTED',
        `the native backend does not support: ${missing.join(', ')} (use backend 'ort' or 'auto')`,
        {
          ...(options.file !== undefined ? { file: options.file } : {}),
        },
      );
    }
    this.passes = { ...optimizeGraph(model.graph, { fuse: options.fuse !== false }), controlFlow: lowered.ifs + lowered.loops };
    this.runtime = sharedRuntime({ forceScalar: options.forceScalar === true });
    this.simd = this.runtime.simd;
    this.constants = new ConstantStore(new AllocationScope(this.runtime));
    this.useWasm = options.jsKernels !== true;
    if (options.quantize !== undefined && options.quantize !== 'int8')
      throw new TickmindError('INVALID_ARGUMENT', `quantize must be 'int8' (got ${JSON.stringify(options.quantize)})`, {
        field: 'quantize',
      });
    this.int8 = options.quantize === 'int8' && this.useWasm;
    this.inputs = model.graph.inputs.map(describe);
    this.outputs = model.graph.outputs.map(describe);
    this.opset = model.opset;
    this.metadata = model.metadata;
    const symbols = new Map<string, number>();
    this.symbolIndex = model.graph.inputs.map(
      (vi) =>
        new Int32Array(
          vi.dims.map((d) => {
            if (typeof d === 'number') return -1;
            if (!symbols.has(d)) symbols.set(d, symbols.size);
            return symbols.get(d)!;
          }),
        ),
    );
    this.symbolValues = new Float64Array(symbols.size);
  }

  /** Decodes, validates and optimizes a model for the native backend. */
  static create(bytes: Uint8Array, options: SessionOptions = {}): NativeSession {
    const model = decodeModel(bytes, options.file !== undefined ? { file: options.file } : {});
    return new NativeSession(model, options);
  }

  async run(feeds: Feeds): Promise<Results> {
    return this.runSync(feeds);
  }

  /**
   * Runs synchronously. Returns the same Results object on every call with the same input
   * shapes; its tensors are views into preallocated memory, overwritten by the next call and
   * emptied by {@link NativeSession.dispose}. Throws INVALID_ARGUMENT once the session is disposed.
   */
  runSync(feeds: Feeds): Results {
    if (this.disposed) throw this.disposedError();
    const plan = this.planFor(feeds);
    plan.prepare();
    const inputs = this.model.graph.inputs;
    for (let i = 0; i < inputs.length; i++) copyIntoStorage(plan.inputs[i]!.data, feeds[inputs[i]!.name]!.data);
    plan.execute();
    return plan.outputMap;
  }

  /**
   * The plan for these feeds. Fast path (every tick of a game loop): a feeds object seen
   * before with the same dims, array types and lengths. Anything else takes the slow path,
   * which validates in full and finds or builds the plan for the shapes.
   */
  private planFor(feeds: Feeds): Plan {
    const last = this.last;
    if (last !== undefined && feeds === last.feeds && this.matches(feeds, last)) return last.plan;
    // A feeds object seen before (e.g. one per batch size, alternating): reuse its check.
    const seen = this.seen.get(feeds);
    if (seen !== undefined && this.matches(feeds, seen)) {
      this.last = seen;
      return seen.plan;
    }
    return this.planForNewFeeds(feeds);
  }

  /** True when every feed still has the remembered dims, array type and element count. */
  private matches(feeds: Feeds, known: FeedsCheck): boolean {
    const inputs = this.model.graph.inputs;
    for (let i = 0; i < inputs.length; i++) {
      const feed = feeds[inputs[i]!.name];
      if (feed === undefined) return false;
      const dims = feed.dims;
      const want = known.dims[i]!;
      if (dims.length !== want.length) return false;
      let count = 1;
      for (let a = 0; a < want.length; a++) {
        if (dims[a] !== want[a]) return false;
        count *= want[a]!;
      }
      if (feed.data.length !== count || feed.data.constructor !== known.types[i]) return false;
    }
    return true;
  }

  private planForNewFeeds(feeds: Feeds): Plan {
    this.validate(feeds);
    const inputs = this.model.graph.inputs;
    const dims = inputs.map((vi) => [...feeds[vi.name]!.dims]);
    const key = dims.map((d) => d.join('x')).join('|');
    let plan = this.plans.get(key);
    if (plan === undefined) {
      if (this.plans.size >= MAX_PLANS) {
        throw new TickmindError('MODEL_LIMIT', `more than ${MAX_PLANS} distinct input shapes; pad batches to a few fixed sizes`);
      }
      // A failed build frees its own arena and scratch; constants it placed are rolled back here.
      const mark = this.constants.mark();
      try {
        plan = buildPlan(this.model.graph, dims, this.runtime, this.constants, { wasm: this.useWasm, int8: this.int8 });
      } catch (err) {
        this.constants.rollback(mark);
        throw err instanceof TickmindError && this.file !== undefined ? err.withFile(this.file) : err;
      }
      this.plans.set(key, plan);
    }
    const check: FeedsCheck = { feeds, plan, dims, types: inputs.map((vi) => feeds[vi.name]!.data.constructor) };
    this.seen.set(feeds, check);
    this.last = check;
    return plan;
  }

  /** Checks names, dtypes and dims against the model (the slow path, when feeds change). */
  private validate(feeds: Feeds): void {
    const inputs = this.model.graph.inputs;
    this.symbolValues.fill(-1);
    for (const name of Object.keys(feeds)) {
      if (!this.hasInput(name)) {
        const known = inputs.map((i) => i.name).join(', ');
        throw new TickmindError('FEED_UNKNOWN', `feed '${name}' is not an input of the model (inputs: ${known})`, { field: name });
      }
    }
    for (let i = 0; i < inputs.length; i++) {
      const vi = inputs[i]!;
      const feed = feeds[vi.name];
      if (feed === undefined) throw new TickmindError('FEED_MISSING', `input '${vi.name}' was not fed`, { field: vi.name });
      const got = dtypeOfArray(feed.data);
      if (got !== vi.dtype && !(vi.dtype === 'bool' && got === 'uint8')) {
        throw new TickmindError(
          'DTYPE_MISMATCH',
          `input '${vi.name}' expects ${vi.dtype}${vi.dtype === 'bool' ? ' (Uint8Array)' : ''}, got ${got ?? typeof feed.data}`,
          {
            field: vi.name,
          },
        );
      }
      const dims = feed.dims;
      if (dims.length !== vi.dims.length) {
        throw new TickmindError(
          'SHAPE_MISMATCH',
          `input '${vi.name}' has rank ${dims.length}, expected ${vi.dims.length} [${vi.dims.join(', ')}]`,
          {
            field: vi.name,
          },
        );
      }
      const symbols = this.symbolIndex[i]!;
      for (let a = 0; a < dims.length; a++) {
        const d = dims[a]!;
        if (!Number.isInteger(d) || d < 0)
          throw new TickmindError('SHAPE_MISMATCH', `input '${vi.name}' has invalid dimension ${d} at axis ${a}`, { field: vi.name });
        const s = symbols[a]!;
        if (s < 0) {
          if (d !== vi.dims[a]) {
            throw new TickmindError('SHAPE_MISMATCH', `input '${vi.name}' axis ${a} is ${d}, the model requires ${vi.dims[a]}`, {
              field: vi.name,
            });
          }
        } else if (this.symbolValues[s]! < 0) {
          this.symbolValues[s] = d;
        } else if (this.symbolValues[s] !== d) {
          throw new TickmindError(
            'SHAPE_MISMATCH',
            `input '${vi.name}' axis ${a} ('${vi.dims[a]}') is ${d}, but another input bound it to ${this.symbolValues[s]}`,
            {
              field: vi.name,
            },
          );
        }
      }
      if (feed.data.length !== sizeOf(dims)) {
        throw new TickmindError(
          'SHAPE_MISMATCH',
          `input '${vi.name}' has ${feed.data.length} elements, dims [${dims.join(', ')}] need ${sizeOf(dims)}`,
          {
            field: vi.name,
          },
        );
      }
    }
  }

  private hasInput(name: string): boolean {
    const inputs = this.model.graph.inputs;
    for (let i = 0; i < inputs.length; i++) if (inputs[i]!.name === name) return true;
    return false;
  }

  /** Number of kernel calls per run for the last shape (for diagnostics). */
  get lastStepCount(): number {
    return this.last?.plan.stepCount ?? 0;
  }

  /** Floating-point operations of one run at the last shape (matrix products and attention). */
  get lastFlops(): number {
    return this.last?.plan.flops ?? 0;
  }

  /**
   * Frees the session's kernel memory (constants, plans) at once, before the promise settles;
   * other sessions may reuse it immediately. Results kept from earlier runs become empty. Later
   * runs throw INVALID_ARGUMENT; disposing again does nothing.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.last = undefined;
    for (const plan of this.plans.values()) plan.dispose();
    this.plans.clear();
    this.constants.dispose();
  }

  private disposedError(): TickmindError {
    return new TickmindError(
      'INVALID_ARGUMENT',
      'the session was disposed; its kernel memory may belong to another session now (create a new session)',
      this.file !== undefined ? { file: this.file } : {},
    );
  }
}
