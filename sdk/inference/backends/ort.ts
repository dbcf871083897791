/**
 * The ort backend: onnxruntime-web (WebAssembly build, one thread by default) behind
 * tickmind's Session interface. This is the only module that imports onnxruntime-web,
 * and it does so dynamically, so users of the native backend never load it.
 */
import { TickmindError } from '../../core/errors.js';
import { fileLocation, toTickmindError } from '../errors.js';
import type { OutputTensor } from '../exec/plan.js';
import type { Model } from '../ir/graph.js';
import { decodeModel } from '../onnx/decode.js';
import { DEFAULT_LIMITS } from '../onnx/limits.js';
import { unsupportedOps } from '../ops/registry.js';
import {
  decodeOptions,
  describe,
  type Feeds,
  type Results,
  type Session,
  type SessionOptions,
  type TensorDescription,
} from '../session.js';
import type { DType, TensorArray } from '../tensor.js';
import { ensureValidated } from '../validate/index.js';
import { checkFeedShapes } from '../validate/static.js';
import { FeedChecker } from './feeds.js';

/** Input shapes whose sizes were checked, kept per session (as many as the native backend keeps plans). */
const MAX_CHECKED_SHAPES = 64;

type Ort = typeof import('onnxruntime-web');

let ortModule: Promise<Ort> | undefined;
let registered: (() => Promise<unknown>) | undefined;

/**
 * Hands tickmind the onnxruntime-web module to use for `backend: 'ort'` and the `auto` fallback,
 * or a function that imports it when first needed. Node finds an installed `onnxruntime-web` by
 * itself; a bundled page registers the one it bundles, lazily:
 * `registerOnnxRuntime(() => import('onnxruntime-web/wasm'))` (onnxruntime-web is an optional peer
 * dependency, never bundled unless the page asks for it).
 */
export function registerOnnxRuntime(module: unknown): void {
  if (typeof module === 'function') registered = module as () => Promise<unknown>;
  else {
    checkOrt(module);
    registered = () => Promise.resolve(module);
  }
  ortModule = undefined;
}

function checkOrt(module: unknown): Ort {
  const m = module as Partial<Ort> | undefined;
  if (typeof m?.InferenceSession?.create !== 'function' || m.env?.wasm === undefined)
    throw new TickmindError('INVALID_ARGUMENT', 'not an onnxruntime-web module (no InferenceSession.create or env.wasm)', {
      field: 'module',
    });
  return m as Ort;
}

/** onnxruntime-web's WebAssembly build: imported by a computed name so bundlers leave the optional peer alone. */
function importOrt(): Promise<unknown> {
  const specifier = 'onnxruntime-web/wasm';
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
}

async function loadOrt(threads: number): Promise<Ort> {
  ortModule ??= (registered !== undefined ? registered() : importOrt()).then(checkOrt).catch((err: unknown) => {
    ortModule = undefined;
    throw new TickmindError(
      'BACKEND_UNAVAILABLE',
      `onnxruntime-web could not be loaded (${(err as Error).message}): it is an optional peer dependency — npm install onnxruntime-web; in a bundled page, registerOnnxRuntime(await import('onnxruntime-web/wasm'))`,
      { field: 'backend' },
    );
  });
  const ort = await ortModule;
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  return ort;
}

const ORT_TYPES: Record<DType, string> = {
  float32: 'float32',
  float64: 'float64',
  int32: 'int32',
  int64: 'int64',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

export class OrtSession implements Session {
  readonly backend = 'ort' as const;
  /** The model's inputs. */
  readonly inputs: readonly TensorDescription[];
  /** The model's outputs. */
  readonly outputs: readonly TensorDescription[];
  readonly opset: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly unsupportedOps: readonly string[];

  private readonly checker: FeedChecker;
  private readonly checkedShapes = new Set<string>();

  private constructor(
    private readonly ort: Ort,
    private readonly session: import('onnxruntime-web').InferenceSession,
    private readonly model: Model,
    private readonly file: string | undefined,
  ) {
    this.inputs = model.graph.inputs.map(describe);
    this.outputs = model.graph.outputs.map(describe);
    this.opset = model.opset;
    this.metadata = model.metadata;
    this.unsupportedOps = unsupportedOps(model.graph.nodes);
    this.checker = new FeedChecker(model.graph.inputs, (model.limits ?? DEFAULT_LIMITS).maxElements);
  }

  /**
   * Validates the model with tickmind's decoder (the same checks and limits as the native backend,
   * so onnxruntime is never handed a model that would exhaust memory or time), then creates the
   * onnxruntime-web session.
   */
  static async create(bytes: Uint8Array, options: SessionOptions = {}): Promise<OrtSession> {
    const model = decodeModel(bytes, decodeOptions(options));
    return OrtSession.fromModel(bytes, model, options);
  }

  /** The session for bytes already decoded (and validated) as `model`. */
  static async fromModel(bytes: Uint8Array, model: Model, options: SessionOptions = {}): Promise<OrtSession> {
    const where = fileLocation(options.file);
    try {
      ensureValidated(model);
      const ort = await loadOrt(options.ortThreads ?? 1);
      let session: import('onnxruntime-web').InferenceSession;
      try {
        session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      } catch (err) {
        throw new TickmindError('MODEL_INVALID', `onnxruntime-web rejected the model: ${messageOf(err)}`, where);
      }
      return new OrtSession(ort, session, model, options.file);
    } catch (err) {
      throw toTickmindError(err, 'INTERNAL', where);
    }
  }

  /** Runs the model: feeds validated as the native backend validates them, sizes checked per new input shape. */
  async run(feeds: Feeds): Promise<Results> {
    const where = fileLocation(this.file);
    let ortFeeds: Record<string, import('onnxruntime-web').Tensor>;
    try {
      this.checker.check(feeds);
      this.checkShapes(feeds);
      ortFeeds = {};
      for (const vi of this.inputs) {
        const feed = feeds[vi.name]!;
        const type = ORT_TYPES[vi.dtype] as 'float32';
        ortFeeds[vi.name] = new this.ort.Tensor(type, feed.data as Float32Array, [...feed.dims]);
      }
    } catch (err) {
      throw toTickmindError(err, 'INVALID_ARGUMENT', where);
    }
    let out: import('onnxruntime-web').InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run(ortFeeds);
    } catch (err) {
      throw new TickmindError('SHAPE_MISMATCH', `onnxruntime-web failed to run: ${messageOf(err)}`, where);
    }
    const results: Record<string, OutputTensor> = {};
    for (const vi of this.outputs) {
      const t = out[vi.name];
      if (t === undefined) throw new TickmindError('INTERNAL', `onnxruntime-web returned no output '${vi.name}'`, where);
      results[vi.name] = { name: vi.name, dtype: vi.dtype, dims: [...t.dims], data: t.data as TensorArray };
    }
    return results;
  }

  /** The static size check at these feeds' shapes, once per distinct shape. */
  private checkShapes(feeds: Feeds): void {
    const dims = this.model.graph.inputs.map((vi) => [...feeds[vi.name]!.dims]);
    const key = dims.map((d) => d.join('x')).join('|');
    if (this.checkedShapes.has(key)) return;
    checkFeedShapes(this.model, dims);
    if (this.checkedShapes.size >= MAX_CHECKED_SHAPES) this.checkedShapes.clear();
    this.checkedShapes.add(key);
  }

  async dispose(): Promise<void> {
    try {
      await this.session.release();
    } catch (err) {
      throw toTickmindError(err, 'INTERNAL', fileLocation(this.file));
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
