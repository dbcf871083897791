/** Limits a model must stay within; anything beyond is refused at load with MODEL_LIMIT. */
export interface ModelLimits {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Most nodes in the graph. */
  maxNodes: number;
  /** Highest tensor rank. */
  maxRank: number;
  /** Largest single dimension. */
  maxDim: number;
  /** Largest element count of one tensor. */
  maxElements: number;
}

/** Defaults sized for on-device game models with a wide margin. */
export const DEFAULT_LIMITS: ModelLimits = {
  maxBytes: 512 * 1024 * 1024,
  maxNodes: 100_000,
  maxRank: 8,
  maxDim: 2 ** 31 - 1,
  maxElements: 2 ** 28,
};

/** Opsets of the default domain the core accepts. */
export const MIN_OPSET = 13;
/** Newest default-domain opset accepted. */
export const MAX_OPSET = 18;
