/**
 * The native backend: tickmind's own synchronous executor on WebAssembly SIMD kernels.
 * Load: decode, validate, optimize. Per concrete input shape: one cached plan. Per call:
 * validate feeds, copy them into the plan's arena, run the kernels. Allocates nothing per
 * call once a shape has been seen. The session owns its constants and plans in the shared
 * kernel memory; `dispose` frees them for other sessions to reuse.
 */
import { TickmindError } from '../../core/errors.js';
import { fileLocation, toTickmindError } from '../errors.js';
import { ConstantStore } from '../exec/constants.js';
import { buildPlan, type Plan } from '../exec/plan.js';
import type { Model } from '../ir/graph.js';
import { decodeModel } from '../onnx/decode.js';
import { DEFAULT_LIMITS, type ModelLimits } from '../onnx/limits.js';
import { optimizeGraph, type PassReport } from '../passes/index.js';
import {
  decodeOptions,
  describe,
  type Feeds,
  type Results,
  type Session,
  type SessionOptions,
  type TensorDescription,
} from '../session.js';
import { copyIntoStorage } from '../tensor.js';
import { AllocationScope, sharedRuntime, type WasmRuntime } from '../wasm/runtime.js';
import { FeedChecker } from './feeds.js';
import { nativeSupport } from './native-support.js';

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
  private readonly fuse: boolean;
  private readonly sparseRows: boolean | undefined;
  private readonly file: string | undefined;
  private readonly limits: ModelLimits;
  private readonly checker: FeedChecker;
  private last: FeedsCheck | undefined;
  private readonly seen = new WeakMap<Feeds, FeedsCheck>();
  private disposed = false;

  /**
   * Prepares a decoded model (lowering control flow and fusing, in place). Refuses with
   * OP_UNSUPPORTED what the native kernels do not cover. Allocates no kernel memory (constants are
   * placed with the first plan): a failed construction leaves nothing behind.
   */
  constructor(model: Model, options: SessionOptions = {}) {
    this.model = model;
    this.file = options.file;
    this.limits = model.limits ?? DEFAULT_LIMITS;
    try {
      const support = nativeSupport(model);
      if (support.missing.length > 0) {
        throw new TickmindError(
          'OP_UNSUPPORTED',
          `the native backend does not support: ${support.missing.join(', ')} (use backend 'ort' or 'auto')`,
          fileLocation(options.file),
        );
      }
      const gap = support.gaps[0];
      if (gap !== undefined) {
        throw new TickmindError(gap.code, `${gap.detail} (use backend 'ort' or 'auto')`, {
          ...fileLocation(options.file),
          ...gap.location,
        });
      }
      if (options.quantize !== undefined && options.quantize !== 'int8')
        throw new TickmindError('INVALID_ARGUMENT', `quantize must be 'int8' (got ${JSON.stringify(options.quantize)})`, {
          field: 'quantize',
        });
      if (options.sparseRows !== undefined && typeof options.sparseRows !== 'boolean')
        throw new TickmindError('INVALID_ARGUMENT', `sparseRows must be true or false (got ${JSON.stringify(options.sparseRows)})`, {
          field: 'sparseRows',
        });
      this.passes = {
        ...optimizeGraph(model.graph, { fuse: options.fuse !== false, budget: support.budget }),
        controlFlow: support.lowered.ifs + support.lowered.loops,
      };
    } catch (err) {
      throw toTickmindError(err, 'INTERNAL', fileLocation(options.file));
    }
    this.runtime = sharedRuntime({ forceScalar: options.forceScalar === true });
    this.simd = this.runtime.simd;
    this.constants = new ConstantStore(new AllocationScope(this.runtime));
    this.useWasm = options.jsKernels !== true;
    this.int8 = options.quantize === 'int8' && this.useWasm;
    this.fuse = options.fuse !== false;
    this.sparseRows = options.sparseRows;
    this.inputs = model.graph.inputs.map(describe);
    this.outputs = model.graph.outputs.map(describe);
    this.opset = model.opset;
    this.metadata = model.metadata;
    this.checker = new FeedChecker(model.graph.inputs, this.limits.maxElements);
  }

  /** Decodes, validates and optimizes a model for the native backend. */
  static create(bytes: Uint8Array, options: SessionOptions = {}): NativeSession {
    const model = decodeModel(bytes, decodeOptions(options));
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
    try {
      const plan = this.planFor(feeds);
      plan.prepare();
      const inputs = this.model.graph.inputs;
      for (let i = 0; i < inputs.length; i++) copyIntoStorage(plan.inputs[i]!.data, feeds[inputs[i]!.name]!.data);
      plan.execute();
      return plan.outputMap;
    } catch (err) {
      throw toTickmindError(err, 'INTERNAL', fileLocation(this.file));
    }
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
    this.checker.check(feeds);
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
        plan = buildPlan(this.model.graph, dims, this.runtime, this.constants, {
          wasm: this.useWasm,
          int8: this.int8,
          limits: this.limits,
          rewrite: this.fuse,
          ...(this.sparseRows !== undefined ? { sparseRows: this.sparseRows } : {}),
        });
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
    try {
      for (const plan of this.plans.values()) plan.dispose();
      this.plans.clear();
      this.constants.dispose();
    } catch (err) {
      throw toTickmindError(err, 'INTERNAL', fileLocation(this.file));
    }
  }

  private disposedError(): TickmindError {
    return new TickmindError(
      'INVALID_ARGUMENT',
      'the session was disposed; its kernel memory may belong to another session now (create a new session)',
      fileLocation(this.file),
    );
  }
}
