/**
 * The one Session interface every backend implements, modelled on onnxruntime's:
 * feeds in by input name, outputs out by output name. The native backend also offers
 * `runSync`, the allocation-free call for the per-tick hot path.
 */

import type { OutputTensor } from './exec/plan.js';
import type { Dim, ValueInfo } from './ir/graph.js';
import type { DEFAULT_LIMITS, ModelLimits } from './onnx/limits.js';
import type { DType, TensorArray } from './tensor.js';

/** A tensor handed to `run`: data plus concrete dims. bool tensors are Uint8Array. */
export interface TensorInput {
  /** Row-major data; its length must equal the product of `dims`. */
  data: TensorArray;
  /** Concrete dimensions. */
  dims: readonly number[];
}

/** Feeds by input name. */
export type Feeds = Readonly<Record<string, TensorInput>>;

/** Outputs by name. For the native backend these are views valid until the next run. */
export type Results = Readonly<Record<string, OutputTensor>>;

/** Which backend runs a session. */
export type BackendKind = 'native' | 'ort';

/** Backend choice when creating a session: `auto` runs native when it supports every op. */
export type BackendChoice = BackendKind | 'auto';

/** Public description of a model input or output. */
export interface TensorDescription {
  /** Input or output name. */
  name: string;
  /** Element type. */
  dtype: DType;
  /** Dimensions; strings are symbolic (e.g. `batch`). */
  dims: Dim[];
  /** True when the model declares no shape for it: any rank is accepted (`dims` is empty). */
  unranked?: boolean;
}

/** The interface every backend implements. */
export interface Session {
  /** The backend that actually runs this session. */
  readonly backend: BackendKind;
  /** The model's inputs. */
  readonly inputs: readonly TensorDescription[];
  /** The model's outputs. */
  readonly outputs: readonly TensorDescription[];
  /** Default-domain opset of the model. */
  readonly opset: number;
  /** ONNX metadata_props. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Ops the native backend lacks (the reason `auto` chose ort); empty when native runs everything. */
  readonly unsupportedOps: readonly string[];
  /** Runs the model. */
  run(feeds: Feeds): Promise<Results>;
  /** Releases backend resources. */
  dispose(): Promise<void>;
}

/** Options shared by every backend. */
export interface SessionOptions {
  /** Backend to use (default `auto`). */
  backend?: BackendChoice;
  /** Named in errors (e.g. the model's file path). */
  file?: string;
  /**
   * Native: run fusion passes (default true): at load, and the plan-time rewrites (repeated steps
   * merged, packed projections split per Slice, residual Adds fused into LayerNorm). false runs
   * the graph's operators one by one, as a reference.
   */
  fuse?: boolean;
  /** Native: use the scalar kernels even where SIMD128 is available. */
  forceScalar?: boolean;
  /** Native: portable JS kernels only (no WebAssembly); for testing. */
  jsKernels?: boolean;
  /**
   * Native: `'int8'` quantizes at load the constant weights of MatMul/Gemm layers with a
   * reduction of at least 64 per output column, and the filters of Conv layers with at least 96
   * taps per output channel (symmetric), and runs them on the int8 kernels (the input's rows, or
   * a Conv's image, quantized per call); shorter layers and everything else keep float32.
   * Default: float32 everywhere.
   */
  quantize?: 'int8';
  /**
   * Native: linear layers whose input is a ReLU's output sum, row by row, only over its nonzero
   * entries (about half of them), with the same bits as the dense product. Default: on with the
   * SIMD kernels, except under Node with V8 older than 13 (Node 20 and 22), where the kernel's
   * tile spills a register and the dense product is faster; chromium runs such layers ~1.5× faster
   * with it. `true` turns it on wherever it can run (float32 weights not taken by `quantize`,
   * 4+ rows, finite weights, K ≤ 65535, SIMD kernels), `false` never.
   */
  sparseRows?: boolean;
  /** ort: threads for onnxruntime-web (default 1). */
  ortThreads?: number;
  /**
   * Overrides of the limits a model must stay within (see {@link DEFAULT_LIMITS}): checked at load,
   * by every backend, and for every plan.
   */
  limits?: Partial<ModelLimits>;
}

/** The public description of a graph input or output. */
export function describe(vi: ValueInfo): TensorDescription {
  return { name: vi.name, dtype: vi.dtype, dims: [...vi.dims], ...(vi.unranked === true ? { unranked: true } : {}) };
}

/** The decode options a session's options imply (file name and limits). */
export function decodeOptions(options: SessionOptions): { file?: string; limits?: Partial<ModelLimits> } {
  return {
    ...(options.file !== undefined ? { file: options.file } : {}),
    ...(options.limits !== undefined ? { limits: options.limits } : {}),
  };
}
