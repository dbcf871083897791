import { TickmindError } from '../../core/errors.js';

/**
 * Limits a model must stay within. Every one is checked before the memory or time it bounds is
 * spent: sizes when decoding, shapes before any tensor is allocated (constant folding at load,
 * the static check every backend runs before it accepts a model, each plan), so that a refused
 * file costs milliseconds and a few megabytes whatever it declares. Anything beyond a limit is
 * refused with MODEL_LIMIT naming the node or field.
 */
export interface ModelLimits {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Most nodes, over the main graph and every subgraph together (Loops unrolled at load included). */
  maxNodes: number;
  /** Highest tensor rank. */
  maxRank: number;
  /** Largest single dimension. */
  maxDim: number;
  /** Largest element count of one tensor: initializers, constants computed at load, and every value a plan holds. */
  maxElements: number;
  /** Bytes of all the constants computed at load (folded nodes) together, beyond the file's own initializers. */
  maxConstantBytes: number;
  /** Bytes of one plan's kernel memory: its activation arena and kernel scratch. */
  maxPlanBytes: number;
  /** Floating-point operations of one run (matrix products, convolutions, attention). */
  maxFlops: number;
  /** Operations spent computing constants at load (portable kernels: elements read and written, plus their products' flops). */
  maxFoldWork: number;
  /** Largest constant trip count of a Loop (onnxruntime runs the loop; tickmind unrolls at most `MAX_UNROLL`). */
  maxLoopTrips: number;
  /** Deepest nesting of subgraphs (If branches, Loop bodies). */
  maxDepth: number;
}

/**
 * Defaults sized for on-device game models with a wide margin: the largest tensor is 2^24 elements
 * (64 MiB of float32), a plan's memory 512 MiB, a run 2^33 (≈ 8.6 G) floating-point operations
 * (a 4-layer d = 128 transformer at batch 128 takes about 2 G), folding at load 2^26 operations.
 */
export const DEFAULT_LIMITS: Readonly<ModelLimits> = Object.freeze({
  maxBytes: 512 * 1024 * 1024,
  maxNodes: 100_000,
  maxRank: 8,
  maxDim: 2 ** 31 - 1,
  maxElements: 2 ** 24,
  maxConstantBytes: 128 * 1024 * 1024,
  maxPlanBytes: 512 * 1024 * 1024,
  maxFlops: 2 ** 33,
  maxFoldWork: 2 ** 26,
  maxLoopTrips: 65_536,
  maxDepth: 8,
});

/** The limits in force: the defaults with the given overrides (each a non-negative number; anything else is INVALID_ARGUMENT). */
export function resolveLimits(overrides: Partial<ModelLimits> | undefined): ModelLimits {
  const limits: ModelLimits = { ...DEFAULT_LIMITS };
  if (overrides === undefined) return limits;
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ModelLimits)[]) {
    const v = overrides[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v >= 0)) {
      throw new TickmindError('INVALID_ARGUMENT', `limit ${key} must be a non-negative number (got ${String(v)})`, {
        field: `limits.${key}`,
      });
    }
    limits[key] = v;
  }
  return limits;
}

/** Opsets of the default domain the core accepts. */
export const MIN_OPSET = 13;
/** Newest default-domain opset accepted. */
export const MAX_OPSET = 18;
